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
        /// im2col: <c>cols[(s·P + i·outW + j)·K + c·kh·kw + u·kw + v] = x[s, c, i·stride + u − padTop, j·stride + v − padLeft]</c>,
        /// 0 outside the input, for <paramref name="m"/> samples of C×H×W (P = outH·outW, K = C·kh·kw).
        /// </summary>
        public static void Im2Col<T>(ReadOnlySpan<T> x, Span<T> cols, int m, int channels, int height, int width,
            int kernelHeight, int kernelWidth, int stride, int padTop, int padLeft, int outHeight, int outWidth) where T : struct
        {
            int plane = height * width, sample = channels * plane, k = channels * kernelHeight * kernelWidth, positions = outHeight * outWidth;
            Check(x.Length >= m * sample && cols.Length >= (long)m * positions * k);
            for (int s = 0; s < m; s++)
            {
                ReadOnlySpan<T> input = x.Slice(s * sample, sample);
                for (int i = 0; i < outHeight; i++)
                for (int j = 0; j < outWidth; j++)
                {
                    Span<T> row = cols.Slice(((s * positions) + i * outWidth + j) * k, k);
                    int top = i * stride - padTop, left = j * stride - padLeft, at = 0;
                    // The columns of the window inside the input: v in [first, last).
                    int first = Math.Max(0, -left), last = Math.Min(kernelWidth, width - left);
                    for (int c = 0; c < channels; c++)
                    for (int u = 0; u < kernelHeight; u++, at += kernelWidth)
                    {
                        int y = top + u;
                        Span<T> run = row.Slice(at, kernelWidth);
                        if (y < 0 || y >= height || first >= last)
                        {
                            run.Clear();
                            continue;
                        }
                        if (first > 0) run.Slice(0, first).Clear();
                        input.Slice(c * plane + y * width + left + first, last - first).CopyTo(run.Slice(first));
                        if (last < kernelWidth) run.Slice(last).Clear();
                    }
                }
            }
        }

        /// <summary>col2im, the adjoint of <see cref="Im2Col{T}"/>: <c>dx[s, c, y, x] = Σ</c> of the <paramref name="cols"/> entries
        /// that <see cref="Im2Col{T}"/> copied from <c>x[s, c, y, x]</c> (overwrites <paramref name="dx"/>; the sum runs in one
        /// fixed order, position by position).</summary>
        public static void Col2Im(ReadOnlySpan<float> cols, Span<float> dx, int m, int channels, int height, int width,
            int kernelHeight, int kernelWidth, int stride, int padTop, int padLeft, int outHeight, int outWidth) =>
            Col2Im<float, SingleAdd>(cols, dx, m, channels, height, width, kernelHeight, kernelWidth, stride, padTop, padLeft, outHeight, outWidth);

        /// <summary>col2im in double precision (see the float overload).</summary>
        public static void Col2Im(ReadOnlySpan<double> cols, Span<double> dx, int m, int channels, int height, int width,
            int kernelHeight, int kernelWidth, int stride, int padTop, int padLeft, int outHeight, int outWidth) =>
            Col2Im<double, DoubleAdd>(cols, dx, m, channels, height, width, kernelHeight, kernelWidth, stride, padTop, padLeft, outHeight, outWidth);

        private static void Col2Im<T, TAdd>(ReadOnlySpan<T> cols, Span<T> dx, int m, int channels, int height, int width,
            int kernelHeight, int kernelWidth, int stride, int padTop, int padLeft, int outHeight, int outWidth)
            where T : struct
            where TAdd : struct, IAdd<T>
        {
            int plane = height * width, sample = channels * plane, k = channels * kernelHeight * kernelWidth, positions = outHeight * outWidth;
            Check(dx.Length >= m * sample && cols.Length >= (long)m * positions * k);
            dx.Slice(0, m * sample).Clear();
            TAdd add = default;
            for (int s = 0; s < m; s++)
            {
                Span<T> gradient = dx.Slice(s * sample, sample);
                for (int i = 0; i < outHeight; i++)
                for (int j = 0; j < outWidth; j++)
                {
                    ReadOnlySpan<T> row = cols.Slice(((s * positions) + i * outWidth + j) * k, k);
                    int top = i * stride - padTop, left = j * stride - padLeft, at = 0;
                    int first = Math.Max(0, -left), last = Math.Min(kernelWidth, width - left);
                    for (int c = 0; c < channels; c++)
                    for (int u = 0; u < kernelHeight; u++, at += kernelWidth)
                    {
                        int y = top + u;
                        if (y < 0 || y >= height) continue;
                        int o = c * plane + y * width + left;
                        for (int v = first; v < last; v++) gradient[o + v] = add.Add(gradient[o + v], row[at + v]);
                    }
                }
            }
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

        private interface IAdd<T>
        {
            T Add(T a, T b);
        }

        private readonly struct SingleAdd : IAdd<float>
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public float Add(float a, float b) => a + b;
        }

        private readonly struct DoubleAdd : IAdd<double>
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public double Add(double a, double b) => a + b;
        }
    }
}
