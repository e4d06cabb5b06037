using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Unrolled
{
    /// <summary>
    /// Scalar math and the few vector kernels the generated code calls, in <see cref="float"/> and <see cref="double"/>.
    /// They exist so that generated code compiles for netstandard2.0 (no <c>MathF</c>) and still uses the fast
    /// single-precision functions and SIMD on modern .NET. All lengths passed by generated code are compile-time constants.
    /// </summary>
    public static class Numerics
    {
        /// <summary>e^x.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
#if NETSTANDARD2_0
        public static float Exp(float x) => (float)Math.Exp(x);
#else
        public static float Exp(float x) => MathF.Exp(x);
#endif

        /// <summary>e^x.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Exp(double x) => Math.Exp(x);

        /// <summary>Natural logarithm.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
#if NETSTANDARD2_0
        public static float Log(float x) => (float)Math.Log(x);
#else
        public static float Log(float x) => MathF.Log(x);
#endif

        /// <summary>Natural logarithm.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Log(double x) => Math.Log(x);

        /// <summary>Square root.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
#if NETSTANDARD2_0
        public static float Sqrt(float x) => (float)Math.Sqrt(x);
#else
        public static float Sqrt(float x) => MathF.Sqrt(x);
#endif

        /// <summary>Square root.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Sqrt(double x) => Math.Sqrt(x);

        /// <summary>Hyperbolic tangent.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
#if NETSTANDARD2_0
        public static float Tanh(float x) => (float)Math.Tanh(x);
#else
        public static float Tanh(float x) => MathF.Tanh(x);
#endif

        /// <summary>Hyperbolic tangent.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Tanh(double x) => Math.Tanh(x);

        /// <summary>Logistic sigmoid 1/(1 + e^(−x)), written so that neither branch overflows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sigmoid(float x)
        {
            if (x >= 0f) return 1f / (1f + Exp(-x));
            float e = Exp(x);
            return e / (1f + e);
        }

        /// <summary>Logistic sigmoid 1/(1 + e^(−x)), written so that neither branch overflows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Sigmoid(double x)
        {
            if (x >= 0.0) return 1.0 / (1.0 + Exp(-x));
            double e = Exp(x);
            return e / (1.0 + e);
        }

        /// <summary>log(1 + e^x) without overflow: max(x, 0) + log(1 + e^(−|x|)).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Softplus(float x) => Math.Max(x, 0f) + Log(1f + Exp(-Math.Abs(x)));

        /// <summary>log(1 + e^x) without overflow: max(x, 0) + log(1 + e^(−|x|)).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Softplus(double x) => Math.Max(x, 0.0) + Log(1.0 + Exp(-Math.Abs(x)));

        /// <summary>Σ a[i]·b[i] over the shorter length (SIMD).</summary>
        public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            int n = Math.Min(a.Length, b.Length);
            int i = 0;
            float sum = 0f;
            if (Vector.IsHardwareAccelerated && n >= 2 * Vector<float>.Count)
            {
                ReadOnlySpan<Vector<float>> va = MemoryMarshal.Cast<float, Vector<float>>(a.Slice(0, n));
                ReadOnlySpan<Vector<float>> vb = MemoryMarshal.Cast<float, Vector<float>>(b.Slice(0, n));
                Vector<float> acc0 = Vector<float>.Zero, acc1 = Vector<float>.Zero;
                int v = 0;
                for (; v + 1 < va.Length; v += 2)
                {
                    acc0 += va[v] * vb[v];
                    acc1 += va[v + 1] * vb[v + 1];
                }
                if (v < va.Length) acc0 += va[v] * vb[v];
                sum = Vector.Dot(acc0 + acc1, Vector<float>.One);
                i = va.Length * Vector<float>.Count;
            }
            for (; i < n; i++) sum += a[i] * b[i];
            return sum;
        }

        /// <summary>Σ a[i]·b[i] over the shorter length (SIMD).</summary>
        public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            int n = Math.Min(a.Length, b.Length);
            int i = 0;
            double sum = 0.0;
            if (Vector.IsHardwareAccelerated && n >= 2 * Vector<double>.Count)
            {
                ReadOnlySpan<Vector<double>> va = MemoryMarshal.Cast<double, Vector<double>>(a.Slice(0, n));
                ReadOnlySpan<Vector<double>> vb = MemoryMarshal.Cast<double, Vector<double>>(b.Slice(0, n));
                Vector<double> acc0 = Vector<double>.Zero, acc1 = Vector<double>.Zero;
                int v = 0;
                for (; v + 1 < va.Length; v += 2)
                {
                    acc0 += va[v] * vb[v];
                    acc1 += va[v + 1] * vb[v + 1];
                }
                if (v < va.Length) acc0 += va[v] * vb[v];
                sum = Vector.Dot(acc0 + acc1, Vector<double>.One);
                i = va.Length * Vector<double>.Count;
            }
            for (; i < n; i++) sum += a[i] * b[i];
            return sum;
        }

        /// <summary>y[i] += alpha·x[i] over y's length (SIMD).</summary>
        public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
        {
            int n = y.Length;
            if (x.Length < n) throw new ArgumentException($"x has {x.Length} elements; expected at least {n}.", nameof(x));
            int i = 0;
            if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            {
                ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x.Slice(0, n));
                Span<Vector<float>> vy = MemoryMarshal.Cast<float, Vector<float>>(y);
                var va = new Vector<float>(alpha);
                for (int v = 0; v < vy.Length; v++) vy[v] += va * vx[v];
                i = vy.Length * Vector<float>.Count;
            }
            for (; i < n; i++) y[i] += alpha * x[i];
        }

        /// <summary>y[i] += alpha·x[i] over y's length (SIMD).</summary>
        public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
        {
            int n = y.Length;
            if (x.Length < n) throw new ArgumentException($"x has {x.Length} elements; expected at least {n}.", nameof(x));
            int i = 0;
            if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
            {
                ReadOnlySpan<Vector<double>> vx = MemoryMarshal.Cast<double, Vector<double>>(x.Slice(0, n));
                Span<Vector<double>> vy = MemoryMarshal.Cast<double, Vector<double>>(y);
                var va = new Vector<double>(alpha);
                for (int v = 0; v < vy.Length; v++) vy[v] += va * vx[v];
                i = vy.Length * Vector<double>.Count;
            }
            for (; i < n; i++) y[i] += alpha * x[i];
        }
    }
}
