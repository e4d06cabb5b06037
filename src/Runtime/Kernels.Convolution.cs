using System;

namespace Unrolled
{
    public static partial class Kernels
    {
        // ── Convolution as a matrix product (im2col) ───────────────────────────────────────────────────────────────────
        // A Conv2D layer with F filters of C×kh×kw over outH×outW output positions is the Dense product of its receptive
        // fields: each position p = i·outW + j of each sample is one row of `cols` holding the K = C·kh·kw inputs its window
        // covers (k = c·kh·kw + u·kw + v, zero where the window hangs over the padding). Then
        //   Zᵀ = cols · Wᵀ + b              (DenseForward with m·P rows, K inputs, F units: position-major, [m·P × F])
        //   ∂W = δᵀ · cols, ∂b = Σ δ, ∂cols = δ · W   (DenseBackward on δ made position-major)
        //   ∂x = col2im(∂cols)              (every input value collects the gradient of each window it sat in)
        // so the convolution runs on the register-tiled, two-thread products of the dense layers, with their bit-identical
        // results for any thread count. The transposes put each sample back to channel-major (C×H×W) and forth.

        /// <summary>
        /// im2col: <c>cols[(s·P + i·outW + j)·rowStride + c·kh·kw + u·kw + v] = x[s, c, i·stride + u − padTop, j·stride + v − padLeft]</c>,
        /// 0 outside the input, for <paramref name="m"/> samples of C×H×W (P = outH·outW). A row holds K = C·kh·kw values; a
        /// <paramref name="rowStride"/> above K (0 means K) pads each row with zeros to a whole number of vectors. Large batches
        /// are split by samples over <see cref="Threads"/> (each value is copied by one thread: results do not depend on it).
        /// </summary>
        public static unsafe void Im2Col<T>(ReadOnlySpan<T> x, Span<T> cols, int m, int channels, int height, int width,
            int kernelHeight, int kernelWidth, int stride, int padTop, int padLeft, int outHeight, int outWidth, int rowStride = 0) where T : unmanaged
        {
            var g = new Geometry(channels, height, width, kernelHeight, kernelWidth, stride, padTop, padLeft, outHeight, outWidth, rowStride);
            Check(x.Length >= (long)m * g.Sample && cols.Length >= (long)m * g.Positions * g.RowStride);
            fixed (T* px = x, pc = cols)
                BySamples(m, (long)m * g.Positions * g.RowStride, &Im2ColPart<T>, px, pc, &g);
        }

        private static unsafe void Im2ColPart<T>(ref KernelJob job, int part) where T : unmanaged
        {
            ref Geometry g = ref *(Geometry*)job.E;
            (int from, int to) = Half(ref job, part);
            T* row = (T*)job.B + (nint)from * g.Positions * g.RowStride;
            for (int s = from; s < to; s++)
            {
                T* input = (T*)job.A + (nint)s * g.Sample;
                for (int i = 0; i < g.OutHeight; i++)
                for (int j = 0; j < g.OutWidth; j++, row += g.RowStride)
                {
                    int top = i * g.Stride - g.PadTop, left = j * g.Stride - g.PadLeft;
                    // The window's columns inside the input: v in [first, last).
                    int first = Math.Min(g.KernelWidth, Math.Max(0, -left)), last = Math.Max(first, Math.Min(g.KernelWidth, g.Width - left));
                    T* to0 = row;
                    for (int c = 0; c < g.Channels; c++)
                    for (int u = 0; u < g.KernelHeight; u++, to0 += g.KernelWidth)
                    {
                        int y = top + u;
                        if (y < 0 || y >= g.Height)
                        {
                            for (int v = 0; v < g.KernelWidth; v++) to0[v] = default;
                            continue;
                        }
                        T* from0 = input + c * g.Plane + y * g.Width + left;
                        for (int v = 0; v < first; v++) to0[v] = default;
                        for (int v = first; v < last; v++) to0[v] = from0[v];
                        for (int v = last; v < g.KernelWidth; v++) to0[v] = default;
                    }
                    for (int pad = g.Depth; pad < g.RowStride; pad++) row[pad] = default;
                }
            }
        }

        /// <summary>col2im, the adjoint of <see cref="Im2Col{T}"/>: <c>dx[s, c, y, x] = Σ</c> of the <paramref name="cols"/> entries
        /// that <see cref="Im2Col{T}"/> copied from <c>x[s, c, y, x]</c> (overwrites <paramref name="dx"/>; the sum runs in one
        /// fixed order, position by position, within each sample; the padding of each row is ignored).</summary>
        public static void Col2Im(ReadOnlySpan<float> cols, Span<float> dx, int m, int channels, int height, int width,
            int kernelHeight, int kernelWidth, int stride, int padTop, int padLeft, int outHeight, int outWidth, int rowStride = 0) =>
            Col2Im<float, SingleOrder>(cols, dx, m, new Geometry(channels, height, width, kernelHeight, kernelWidth, stride, padTop, padLeft, outHeight, outWidth, rowStride));

        /// <summary>col2im in double precision (see the float overload).</summary>
        public static void Col2Im(ReadOnlySpan<double> cols, Span<double> dx, int m, int channels, int height, int width,
            int kernelHeight, int kernelWidth, int stride, int padTop, int padLeft, int outHeight, int outWidth, int rowStride = 0) =>
            Col2Im<double, DoubleOrder>(cols, dx, m, new Geometry(channels, height, width, kernelHeight, kernelWidth, stride, padTop, padLeft, outHeight, outWidth, rowStride));

        private static unsafe void Col2Im<T, TOrder>(ReadOnlySpan<T> cols, Span<T> dx, int m, Geometry g)
            where T : unmanaged
            where TOrder : struct, IOrder<T>
        {
            Check(dx.Length >= (long)m * g.Sample && cols.Length >= (long)m * g.Positions * g.RowStride);
            fixed (T* pc = cols, pd = dx)
                BySamples(m, (long)m * g.Positions * g.RowStride, &Col2ImPart<T, TOrder>, pc, pd, &g);
        }

        private static unsafe void Col2ImPart<T, TOrder>(ref KernelJob job, int part)
            where T : unmanaged
            where TOrder : struct, IOrder<T>
        {
            ref Geometry g = ref *(Geometry*)job.E;
            (int from, int to) = Half(ref job, part);
            TOrder add = default;
            T* row = (T*)job.A + (nint)from * g.Positions * g.RowStride;
            new Span<T>((T*)job.B + (nint)from * g.Sample, (to - from) * g.Sample).Clear();
            for (int s = from; s < to; s++)
            {
                T* gradient = (T*)job.B + (nint)s * g.Sample;
                for (int i = 0; i < g.OutHeight; i++)
                for (int j = 0; j < g.OutWidth; j++, row += g.RowStride)
                {
                    int top = i * g.Stride - g.PadTop, left = j * g.Stride - g.PadLeft;
                    int first = Math.Min(g.KernelWidth, Math.Max(0, -left)), last = Math.Max(first, Math.Min(g.KernelWidth, g.Width - left));
                    T* from0 = row;
                    for (int c = 0; c < g.Channels; c++)
                    for (int u = 0; u < g.KernelHeight; u++, from0 += g.KernelWidth)
                    {
                        int y = top + u;
                        if (y < 0 || y >= g.Height) continue;
                        T* to0 = gradient + c * g.Plane + y * g.Width + left;
                        for (int v = first; v < last; v++) to0[v] = add.Add(to0[v], from0[v]);
                    }
                }
            }
        }

        /// <summary>A convolution's geometry, passed to the parts of a split kernel by address.</summary>
        private readonly struct Geometry
        {
            public Geometry(int channels, int height, int width, int kernelHeight, int kernelWidth, int stride, int padTop, int padLeft,
                int outHeight, int outWidth, int rowStride)
            {
                Channels = channels; Height = height; Width = width; KernelHeight = kernelHeight; KernelWidth = kernelWidth; Stride = stride;
                PadTop = padTop; PadLeft = padLeft; OutHeight = outHeight; OutWidth = outWidth;
                Depth = channels * kernelHeight * kernelWidth;
                RowStride = rowStride == 0 ? Depth : rowStride;
                Check(RowStride >= Depth);
            }

            public int Channels { get; }
            public int Height { get; }
            public int Width { get; }
            public int KernelHeight { get; }
            public int KernelWidth { get; }
            public int Stride { get; }
            public int PadTop { get; }
            public int PadLeft { get; }
            public int OutHeight { get; }
            public int OutWidth { get; }
            public int Depth { get; }
            public int RowStride { get; }
            public int Plane => Height * Width;
            public int Sample => Channels * Height * Width;
            public int Positions => OutHeight * OutWidth;
        }

        /// <summary>Below this many values a copy-like kernel stays on one thread (handing over costs about a microsecond).</summary>
        private const long ParallelValues = 1 << 16;

        /// <summary>Runs <paramref name="body"/> over samples [0, m) in two halves, on two threads when the helper is free and
        /// the work is large enough. Parts touch disjoint samples, so the results do not depend on the split.</summary>
        private static unsafe void BySamples(int m, long values, delegate*<ref KernelJob, int, void> body, void* a, void* b, void* geometry)
        {
            var job = new KernelJob { Body = body, A = a, B = b, E = geometry, M = m, Split = m / 2 };
            Run(ref job, values);
        }

        /// <summary>Runs parts 0 and 1 of a job over its <c>M</c> samples or planes (split at <c>Split</c>): on two threads when
        /// the helper is free and <paramref name="values"/> is large enough, else part 0 over all of them.</summary>
        private static unsafe void Run(ref KernelJob job, long values)
        {
#if NET
            if (Threads >= 2 && job.M >= 2 && values >= ParallelValues)
            {
                KernelThreads.Run(ref job);
                return;
            }
#endif
            job.Split = job.M;
            job.Body(ref job, 0);
        }

        /// <summary>The samples of part 0 or 1 of a <see cref="BySamples"/> job.</summary>
        private static (int From, int To) Half(ref KernelJob job, int part) => part == 0 ? (0, job.Split) : (job.Split, job.M);

        /// <summary>Copies <paramref name="rows"/> rows of <paramref name="length"/> values from rows <paramref name="sourceStride"/>
        /// apart to rows <paramref name="destinationStride"/> apart (a convolution's weights into and out of their padded copy).</summary>
        public static void CopyRows<T>(ReadOnlySpan<T> source, int sourceStride, Span<T> destination, int destinationStride, int rows, int length) where T : struct
        {
            Check(length <= sourceStride && length <= destinationStride && source.Length >= (long)(rows - 1) * sourceStride + length
                  && destination.Length >= (long)(rows - 1) * destinationStride + length);
            for (int r = 0; r < rows; r++) source.Slice(r * sourceStride, length).CopyTo(destination.Slice(r * destinationStride, length));
        }

        /// <summary>Per sample, <c>destination[s, c, r] = source[s, r, c]</c> for <paramref name="rows"/> × <paramref name="columns"/>
        /// values: position-major [P × F] to channel-major [F × P] and back (a convolution's output and its gradient).</summary>
        public static unsafe void TransposeSamples<T>(ReadOnlySpan<T> source, Span<T> destination, int m, int rows, int columns) where T : unmanaged
        {
            int sample = rows * columns;
            Check(source.Length >= (long)m * sample && destination.Length >= (long)m * sample);
            fixed (T* ps = source, pd = destination)
            {
                var job = new KernelJob { Body = &TransposePart<T>, A = ps, B = pd, M = m, N = rows, K = columns, Split = m / 2 };
                Run(ref job, (long)m * sample);
            }
        }

        private static unsafe void TransposePart<T>(ref KernelJob job, int part) where T : unmanaged
        {
            (int first, int end) = Half(ref job, part);
            int rows = job.N, columns = job.K, sample = rows * columns;
            const int Block = 16; // 16 × 16 tiles: both sides stay in a few cache lines
            for (int s = first; s < end; s++)
            {
                T* from = (T*)job.A + (nint)s * sample, to = (T*)job.B + (nint)s * sample;
                for (int r0 = 0; r0 < rows; r0 += Block)
                for (int c0 = 0; c0 < columns; c0 += Block)
                {
                    int r1 = Math.Min(rows, r0 + Block), c1 = Math.Min(columns, c0 + Block);
                    for (int r = r0; r < r1; r++)
                    for (int c = c0; c < c1; c++)
                        to[c * rows + r] = from[r * columns + c];
                }
            }
        }
    }
}
