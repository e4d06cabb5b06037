using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Unrolled
{
    public static partial class Kernels
    {
        // ── Pooling and per-channel statistics over planes ──────────────────────────────────────────────────────────────
        // A batch of C×H×W samples is m·C planes of H×W values, one after another, so each (sample, channel) pair is a
        // contiguous plane: pooling slides a window inside each plane, BatchNorm on images reduces each plane and adds the
        // planes of one channel in sample order. One generic body per rule, specialised by the JIT for float and double.

        /// <summary><c>y[p, i, j] = max_{u,v &lt; pool} x[p, i·stride + u, j·stride + v]</c> for <paramref name="planes"/> planes of
        /// <paramref name="height"/> × <paramref name="width"/>, valid windows only. A value takes the window if it is larger than
        /// the maximum so far or NaN (PyTorch's rule: NaN propagates, ties keep the first maximum).</summary>
        public static void MaxPool2D(ReadOnlySpan<float> x, Span<float> y, int planes, int height, int width, int pool, int stride, int outHeight, int outWidth) =>
            MaxPool<float, SingleOrder>(x, y, default, default, planes, height, width, pool, stride, outHeight, outWidth);

        /// <summary><see cref="MaxPool2D(ReadOnlySpan{float}, Span{float}, int, int, int, int, int, int, int)"/> in double precision.</summary>
        public static void MaxPool2D(ReadOnlySpan<double> x, Span<double> y, int planes, int height, int width, int pool, int stride, int outHeight, int outWidth) =>
            MaxPool<double, DoubleOrder>(x, y, default, default, planes, height, width, pool, stride, outHeight, outWidth);

        /// <summary>Max pooling's backward pass: <c>dx</c> is overwritten with 0 and each window's <c>dy</c> is added at the window's
        /// arg-max, found again from <paramref name="x"/> by the forward rule (overlapping windows add up).</summary>
        public static void MaxPool2DBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int planes, int height, int width, int pool, int stride, int outHeight, int outWidth) =>
            MaxPool<float, SingleOrder>(x, default, dy, dx, planes, height, width, pool, stride, outHeight, outWidth);

        /// <summary>Max pooling's backward pass in double precision.</summary>
        public static void MaxPool2DBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int planes, int height, int width, int pool, int stride, int outHeight, int outWidth) =>
            MaxPool<double, DoubleOrder>(x, default, dy, dx, planes, height, width, pool, stride, outHeight, outWidth);

        /// <summary>Forward (y not empty) or backward (dx not empty) max pooling: one window walk for both, so both passes agree
        /// on every arg-max. Planes are split over <see cref="Threads"/> (each output belongs to one plane: results do not
        /// depend on it).</summary>
        private static unsafe void MaxPool<T, TOrder>(ReadOnlySpan<T> x, Span<T> y, ReadOnlySpan<T> dy, Span<T> dx, int planes, int height, int width,
            int pool, int stride, int outHeight, int outWidth)
            where T : unmanaged
            where TOrder : struct, IOrder<T>
        {
            int plane = height * width, outPlane = outHeight * outWidth;
            bool forward = dx.IsEmpty;
            Check(x.Length >= (long)planes * plane && (forward ? y.Length : dy.Length) >= (long)planes * outPlane && (forward || dx.Length >= (long)planes * plane)
                  && (outHeight - 1) * stride + pool <= height && (outWidth - 1) * stride + pool <= width);
            var g = new Geometry(1, height, width, pool, pool, stride, 0, 0, outHeight, outWidth, 0);
            fixed (T* px = x, py = y, pdy = dy, pdx = dx)
            {
                var job = new KernelJob { A = px, B = py, C = pdy, D = pdx, E = &g, M = planes, Split = planes / 2, Body = &MaxPoolPart<T, TOrder> };
                Run(ref job, (long)planes * plane);
            }
        }

        private static unsafe void MaxPoolPart<T, TOrder>(ref KernelJob job, int part)
            where T : unmanaged
            where TOrder : struct, IOrder<T>
        {
            ref Geometry g = ref *(Geometry*)job.E;
            (int from, int to) = Half(ref job, part);
            int plane = g.Plane, outPlane = g.Positions, width = g.Width, pool = g.KernelWidth, stride = g.Stride;
            T* px = (T*)job.A, py = (T*)job.B, pdy = (T*)job.C, pdx = (T*)job.D;
            bool forward = pdx == null;
            if (!forward) new Span<T>(pdx + (nint)from * plane, (to - from) * plane).Clear();
            TOrder order = default;
            for (int p = from; p < to; p++)
            {
                T* input = px + (nint)p * plane;
                for (int i = 0; i < g.OutHeight; i++)
                for (int j = 0; j < g.OutWidth; j++)
                {
                    T* corner = input + i * stride * width + j * stride;
                    T max = *corner;
                    int arg = 0;
                    for (int u = 0; u < pool; u++)
                    {
                        T* row = corner + u * width;
                        for (int v = 0; v < pool; v++)
                        {
                            // No branches: on real data the comparison is a coin toss for the branch predictor. Math.Max
                            // is NaN-propagating (IEEE 754-2019 maximum), so it gives the rule's value; the arg-max moves by
                            // 0 or 1 times the distance, the rule's verdict as a number.
                            T value = row[v];
                            int takes = order.Takes(value, max) ? 1 : 0;
                            arg += takes * (u * width + v - arg);
                            max = order.Max(max, value);
                        }
                    }
                    nint at = (nint)p * outPlane + i * g.OutWidth + j;
                    if (forward) py[at] = max;
                    else
                    {
                        T* target = pdx + (corner - px) + arg;
                        *target = order.Add(*target, pdy[at]);
                    }
                }
            }
        }

        /// <summary><c>y[p, i, j] = (1/pool²) Σ_{u,v} x[p, i·stride + u, j·stride + v]</c>, valid windows only.</summary>
        public static void AvgPool2D(ReadOnlySpan<float> x, Span<float> y, int planes, int height, int width, int pool, int stride, int outHeight, int outWidth) =>
            AvgPool<float, SingleOrder>(x, y, default, planes, height, width, pool, stride, outHeight, outWidth);

        /// <summary>Average pooling in double precision.</summary>
        public static void AvgPool2D(ReadOnlySpan<double> x, Span<double> y, int planes, int height, int width, int pool, int stride, int outHeight, int outWidth) =>
            AvgPool<double, DoubleOrder>(x, y, default, planes, height, width, pool, stride, outHeight, outWidth);

        /// <summary>Average pooling's backward pass: <c>dx</c> is overwritten with the sum, over the windows covering each input,
        /// of <c>dy / pool²</c>.</summary>
        public static void AvgPool2DBackward(ReadOnlySpan<float> dy, Span<float> dx, int planes, int height, int width, int pool, int stride, int outHeight, int outWidth) =>
            AvgPool<float, SingleOrder>(dy, default, dx, planes, height, width, pool, stride, outHeight, outWidth);

        /// <summary>Average pooling's backward pass in double precision.</summary>
        public static void AvgPool2DBackward(ReadOnlySpan<double> dy, Span<double> dx, int planes, int height, int width, int pool, int stride, int outHeight, int outWidth) =>
            AvgPool<double, DoubleOrder>(dy, default, dx, planes, height, width, pool, stride, outHeight, outWidth);

        /// <summary>Forward (<paramref name="y"/> not empty: <paramref name="source"/> is x) or backward (<paramref name="dx"/>
        /// not empty: <paramref name="source"/> is dy).</summary>
        private static unsafe void AvgPool<T, TOrder>(ReadOnlySpan<T> source, Span<T> y, Span<T> dx, int planes, int height, int width,
            int pool, int stride, int outHeight, int outWidth)
            where T : unmanaged
            where TOrder : struct, IOrder<T>
        {
            int plane = height * width, outPlane = outHeight * outWidth;
            bool forward = dx.IsEmpty;
            Check((forward ? source.Length >= (long)planes * plane && y.Length >= (long)planes * outPlane : source.Length >= (long)planes * outPlane && dx.Length >= (long)planes * plane)
                  && (outHeight - 1) * stride + pool <= height && (outWidth - 1) * stride + pool <= width);
            if (!forward) dx.Slice(0, planes * plane).Clear();
            TOrder order = default;
            T area = order.FromInt(pool * pool);
            fixed (T* ps = source, py = y, pdx = dx)
            {
                for (int p = 0; p < planes; p++)
                for (int i = 0; i < outHeight; i++)
                for (int j = 0; j < outWidth; j++)
                {
                    nint corner = (nint)p * plane + i * stride * width + j * stride, at = (nint)p * outPlane + i * outWidth + j;
                    if (forward)
                    {
                        T sum = default;
                        for (int u = 0; u < pool; u++)
                        for (int v = 0; v < pool; v++) sum = order.Add(sum, ps[corner + u * width + v]);
                        py[at] = order.Divide(sum, area);
                    }
                    else
                    {
                        T share = order.Divide(ps[at], area);
                        for (int u = 0; u < pool; u++)
                        for (int v = 0; v < pool; v++) pdx[corner + u * width + v] = order.Add(pdx[corner + u * width + v], share);
                    }
                }
            }
        }

        /// <summary>The scalar rules the pooling walks need, for float and double.</summary>
        private interface IOrder<T>
        {
            /// <summary>Whether <paramref name="value"/> takes the window from <paramref name="max"/>: larger, or NaN.</summary>
            bool Takes(T value, T max);
            /// <summary>The larger, NaN if either is (the value <see cref="Takes"/> leaves as the maximum).</summary>
            T Max(T a, T b);
            T Add(T a, T b);
            T Divide(T a, T b);
            T FromInt(int value);
        }

        private readonly struct SingleOrder : IOrder<float>
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)] public bool Takes(float value, float max) => value > max | float.IsNaN(value);
            [MethodImpl(MethodImplOptions.AggressiveInlining)] public float Max(float a, float b) => Math.Max(a, b);
            [MethodImpl(MethodImplOptions.AggressiveInlining)] public float Add(float a, float b) => a + b;
            [MethodImpl(MethodImplOptions.AggressiveInlining)] public float Divide(float a, float b) => a / b;
            [MethodImpl(MethodImplOptions.AggressiveInlining)] public float FromInt(int value) => value;
        }

        private readonly struct DoubleOrder : IOrder<double>
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)] public bool Takes(double value, double max) => value > max | double.IsNaN(value);
            [MethodImpl(MethodImplOptions.AggressiveInlining)] public double Max(double a, double b) => Math.Max(a, b);
            [MethodImpl(MethodImplOptions.AggressiveInlining)] public double Add(double a, double b) => a + b;
            [MethodImpl(MethodImplOptions.AggressiveInlining)] public double Divide(double a, double b) => a / b;
            [MethodImpl(MethodImplOptions.AggressiveInlining)] public double FromInt(int value) => value;
        }

        // ── Per-plane reductions and maps for BatchNorm on images (vectorised; each plane in one fixed order) ─────────────

        /// <summary>Σ x over a plane (vector lanes, then the lanes in order, then the tail).</summary>
        public static T PlaneSum<T>(ReadOnlySpan<T> x) where T : unmanaged => PlaneReduce(x, x, default(SumRule<T>));

        /// <summary>Σ (x − <paramref name="mean"/>)² over a plane.</summary>
        public static T PlaneSquaredDeviation<T>(ReadOnlySpan<T> x, T mean) where T : unmanaged => PlaneReduce(x, x, new DeviationRule<T>(mean));

        /// <summary>Σ a·b over a plane.</summary>
        public static T PlaneDot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged => PlaneReduce(a, b, default(ProductRule<T>));

        /// <summary>BatchNorm on one plane: <c>xhat = (x − mean)·invStd</c>, <c>y = gamma·xhat + beta</c>.</summary>
        public static void PlaneNormalize<T>(ReadOnlySpan<T> x, T mean, T invStd, T gamma, T beta, Span<T> xhat, Span<T> y) where T : unmanaged
        {
            int n = x.Length;
            Check(xhat.Length >= n && y.Length >= n);
            var vMean = new Vector<T>(mean);
            var vInv = new Vector<T>(invStd);
            var vGamma = new Vector<T>(gamma);
            var vBeta = new Vector<T>(beta);
            int width = Vector<T>.Count, whole = n / width * width;
            ReadOnlySpan<Vector<T>> vx = MemoryMarshal.Cast<T, Vector<T>>(x.Slice(0, whole));
            Span<Vector<T>> vh = MemoryMarshal.Cast<T, Vector<T>>(xhat.Slice(0, whole));
            Span<Vector<T>> vy = MemoryMarshal.Cast<T, Vector<T>>(y.Slice(0, whole));
            for (int i = 0; i < vx.Length; i++)
            {
                Vector<T> normalised = (vx[i] - vMean) * vInv;
                vh[i] = normalised;
                vy[i] = vGamma * normalised + vBeta;
            }
            if (whole == n) return;
            Span<Vector<T>> staged = stackalloc Vector<T>[1];
            Span<T> lanes = MemoryMarshal.Cast<Vector<T>, T>(staged);
            lanes.Clear();
            x.Slice(whole).CopyTo(lanes);
            Vector<T> tail = (staged[0] - vMean) * vInv;
            staged[0] = tail;
            lanes.Slice(0, n - whole).CopyTo(xhat.Slice(whole));
            staged[0] = vGamma * tail + vBeta;
            lanes.Slice(0, n - whole).CopyTo(y.Slice(whole));
        }

        /// <summary>BatchNorm's input gradient on one plane: <c>dx = scale·(dy − shift − xhat·slope)</c>.</summary>
        public static void PlaneBatchNormGradient<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> xhat, T scale, T shift, T slope, Span<T> dx) where T : unmanaged
        {
            int n = dy.Length;
            Check(xhat.Length >= n && dx.Length >= n);
            var vScale = new Vector<T>(scale);
            var vShift = new Vector<T>(shift);
            var vSlope = new Vector<T>(slope);
            int width = Vector<T>.Count, whole = n / width * width;
            ReadOnlySpan<Vector<T>> vd = MemoryMarshal.Cast<T, Vector<T>>(dy.Slice(0, whole));
            ReadOnlySpan<Vector<T>> vh = MemoryMarshal.Cast<T, Vector<T>>(xhat.Slice(0, whole));
            Span<Vector<T>> vx = MemoryMarshal.Cast<T, Vector<T>>(dx.Slice(0, whole));
            for (int i = 0; i < vd.Length; i++) vx[i] = vScale * (vd[i] - vShift - vh[i] * vSlope);
            if (whole == n) return;
            Span<Vector<T>> staged = stackalloc Vector<T>[2];
            staged.Clear();
            Span<T> lanes = MemoryMarshal.Cast<Vector<T>, T>(staged);
            dy.Slice(whole).CopyTo(lanes);
            xhat.Slice(whole, n - whole).CopyTo(lanes.Slice(width));
            staged[0] = vScale * (staged[0] - vShift - staged[1] * vSlope);
            lanes.Slice(0, n - whole).CopyTo(dx.Slice(whole));
        }

        private interface IReduceRule<T> where T : unmanaged
        {
            Vector<T> Term(Vector<T> a, Vector<T> b);
        }

        private readonly struct SumRule<T> : IReduceRule<T> where T : unmanaged
        {
            public Vector<T> Term(Vector<T> a, Vector<T> b) => a;
        }

        private readonly struct ProductRule<T> : IReduceRule<T> where T : unmanaged
        {
            public Vector<T> Term(Vector<T> a, Vector<T> b) => a * b;
        }

        private readonly struct DeviationRule<T> : IReduceRule<T> where T : unmanaged
        {
            private readonly Vector<T> _mean;

            public DeviationRule(T mean) => _mean = new Vector<T>(mean);

            public Vector<T> Term(Vector<T> a, Vector<T> b)
            {
                Vector<T> d = a - _mean;
                return d * d;
            }
        }

        /// <summary>Σ rule(a, b) over the span: whole vectors into one accumulator, the tail staged through a vector whose unused
        /// lanes are masked to 0, then the lanes summed in order.</summary>
        private static T PlaneReduce<T, TRule>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, TRule rule)
            where T : unmanaged
            where TRule : struct, IReduceRule<T>
        {
            int n = a.Length;
            Check(b.Length >= n);
            int width = Vector<T>.Count, whole = n / width * width;
            ReadOnlySpan<Vector<T>> va = MemoryMarshal.Cast<T, Vector<T>>(a.Slice(0, whole));
            ReadOnlySpan<Vector<T>> vb = MemoryMarshal.Cast<T, Vector<T>>(b.Slice(0, whole));
            Vector<T> sum = Vector<T>.Zero;
            for (int i = 0; i < va.Length; i++) sum += rule.Term(va[i], vb[i]);
            if (whole < n)
            {
                Span<Vector<T>> staged = stackalloc Vector<T>[3];
                staged.Clear();
                Span<T> lanes = MemoryMarshal.Cast<Vector<T>, T>(staged);
                a.Slice(whole, n - whole).CopyTo(lanes);
                b.Slice(whole, n - whole).CopyTo(lanes.Slice(width));
                // The mask: 1 in the lanes that hold values, so the padding lanes (where the rule of 0 need not be 0) add nothing.
                for (int i = 0; i < n - whole; i++) lanes[2 * width + i] = One<T>();
                Vector<T> term = rule.Term(staged[0], staged[1]);
                sum += Vector.ConditionalSelect(Vector.Equals(staged[2], Vector<T>.One), term, Vector<T>.Zero);
            }
            return Vector.Dot(sum, Vector<T>.One);
        }

        private static T One<T>() where T : unmanaged => Vector<T>.One[0];
    }
}
