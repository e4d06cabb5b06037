using System;
using System.Runtime.CompilerServices;

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
        /// <paramref name="rowStride"/> above K (0 means K) pads each row with zeros to a whole number of vectors.
        /// </summary>
        public static void Im2Col<T>(ReadOnlySpan<T> x, Span<T> cols, int m, int channels, int height, int width,
            int kernelHeight, int kernelWidth, int stride, int padTop, int padLeft, int outHeight, int outWidth, int rowStride = 0) where T : unmanaged
        {
            int plane = height * width, sample = channels * plane, k = channels * kernelHeight * kernelWidth, positions = outHeight * outWidth;
            if (rowStride == 0) rowStride = k;
            Check(rowStride >= k && x.Length >= (long)m * sample && cols.Length >= (long)m * positions * rowStride);
            unsafe
            {
                fixed (T* px = x, pc = cols)
                {
                    T* row = pc;
                    for (int s = 0; s < m; s++)
                    {
                        T* input = px + (nint)s * sample;
                        for (int i = 0; i < outHeight; i++)
                        for (int j = 0; j < outWidth; j++, row += rowStride)
                        {
                            int top = i * stride - padTop, left = j * stride - padLeft;
                            // The window's columns inside the input: v in [first, last).
                            int first = Math.Min(kernelWidth, Math.Max(0, -left)), last = Math.Max(first, Math.Min(kernelWidth, width - left));
                            T* to = row;
                            for (int c = 0; c < channels; c++)
                            for (int u = 0; u < kernelHeight; u++, to += kernelWidth)
                            {
                                int y = top + u;
                                if (y < 0 || y >= height)
                                {
                                    for (int v = 0; v < kernelWidth; v++) to[v] = default;
                                    continue;
                                }
                                T* from = input + c * plane + y * width + left;
                                for (int v = 0; v < first; v++) to[v] = default;
                                for (int v = first; v < last; v++) to[v] = from[v];
                                for (int v = last; v < kernelWidth; v++) to[v] = default;
                            }
                            for (int pad = k; pad < rowStride; pad++) row[pad] = default;
                        }
                    }
                }
            }
        }

        /// <summary>col2im, the adjoint of <see cref="Im2Col{T}"/>: <c>dx[s, c, y, x] = Σ</c> of the <paramref name="cols"/> entries
        /// that <see cref="Im2Col{T}"/> copied from <c>x[s, c, y, x]</c> (overwrites <paramref name="dx"/>; the sum runs in one
        /// fixed order, position by position; the padding of each row is ignored).</summary>
        public static void Col2Im(ReadOnlySpan<float> cols, Span<float> dx, int m, int channels, int height, int width,
            int kernelHeight, int kernelWidth, int stride, int padTop, int padLeft, int outHeight, int outWidth, int rowStride = 0) =>
            Col2Im<float, SingleOrder>(cols, dx, m, channels, height, width, kernelHeight, kernelWidth, stride, padTop, padLeft, outHeight, outWidth, rowStride);

        /// <summary>col2im in double precision (see the float overload).</summary>
        public static void Col2Im(ReadOnlySpan<double> cols, Span<double> dx, int m, int channels, int height, int width,
            int kernelHeight, int kernelWidth, int stride, int padTop, int padLeft, int outHeight, int outWidth, int rowStride = 0) =>
            Col2Im<double, DoubleOrder>(cols, dx, m, channels, height, width, kernelHeight, kernelWidth, stride, padTop, padLeft, outHeight, outWidth, rowStride);

        private static unsafe void Col2Im<T, TOrder>(ReadOnlySpan<T> cols, Span<T> dx, int m, int channels, int height, int width,
            int kernelHeight, int kernelWidth, int stride, int padTop, int padLeft, int outHeight, int outWidth, int rowStride)
            where T : unmanaged
            where TOrder : struct, IOrder<T>
        {
            int plane = height * width, sample = channels * plane, k = channels * kernelHeight * kernelWidth, positions = outHeight * outWidth;
            if (rowStride == 0) rowStride = k;
            Check(rowStride >= k && dx.Length >= (long)m * sample && cols.Length >= (long)m * positions * rowStride);
            dx.Slice(0, m * sample).Clear();
            TOrder add = default;
            fixed (T* pc = cols, pd = dx)
            {
                T* row = pc;
                for (int s = 0; s < m; s++)
                {
                    T* gradient = pd + (nint)s * sample;
                    for (int i = 0; i < outHeight; i++)
                    for (int j = 0; j < outWidth; j++, row += rowStride)
                    {
                        int top = i * stride - padTop, left = j * stride - padLeft;
                        int first = Math.Min(kernelWidth, Math.Max(0, -left)), last = Math.Max(first, Math.Min(kernelWidth, width - left));
                        T* from = row;
                        for (int c = 0; c < channels; c++)
                        for (int u = 0; u < kernelHeight; u++, from += kernelWidth)
                        {
                            int y = top + u;
                            if (y < 0 || y >= height) continue;
                            T* to = gradient + c * plane + y * width + left;
                            for (int v = first; v < last; v++) to[v] = add.Add(to[v], from[v]);
                        }
                    }
                }
            }
        }

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
        public static void TransposeSamples<T>(ReadOnlySpan<T> source, Span<T> destination, int m, int rows, int columns) where T : struct
        {
            int sample = rows * columns;
            Check(source.Length >= m * sample && destination.Length >= m * sample);
            const int Block = 16; // 16 × 16 tiles: both sides stay in a few cache lines
            for (int s = 0; s < m; s++)
            {
                ReadOnlySpan<T> from = source.Slice(s * sample, sample);
                Span<T> to = destination.Slice(s * sample, sample);
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
