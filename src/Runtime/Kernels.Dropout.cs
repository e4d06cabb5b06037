using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Unrolled
{
    public static partial class Kernels
    {
        // ── Inverted dropout ────────────────────────────────────────────────────────────────────────────────────────
        // The training pass draws one uniform number per activation from the network's generator — the same stream as one
        // NextSingle (NextDouble) call per activation, in order, so the masks are those of the loops mode to the bit — and
        // keeps the activation when the draw is ≥ p. Two things make it fast: SplitMix64's k-th draw is Mix(state + k·γ), so
        // the draws do not wait on each other (the loop carries only an add), and the comparison is made on the draw's integer
        // bits (u = r·2⁻²⁴ ≥ p exactly when r ≥ ⌈p·2²⁴⌉), turned into the mask with an AND instead of a branch that would
        // mispredict on every other random draw.

        /// <summary>
        /// Inverted dropout's training pass: for each i, <c>mask[i] = u ≥ rate ? scale : 0</c> where u is
        /// <paramref name="random"/>'s next <see cref="SplitMix64.NextSingle"/>, and <c>y[i] = x[i]·mask[i]</c>, over
        /// <paramref name="y"/>'s length. <paramref name="random"/> ends where that many NextSingle calls leave it.
        /// </summary>
        public static void DropoutForward(ref SplitMix64 random, ReadOnlySpan<float> x, Span<float> mask, Span<float> y, float rate, float scale)
        {
            int n = y.Length;
            Check(x.Length >= n && mask.Length >= n);
            if (!(rate >= 0f && rate < 1f)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must be at least 0 and less than 1.");
            // u = r·2⁻²⁴ with r < 2²⁴ an integer (exact), so u ≥ rate ⇔ r ≥ rate·2²⁴ ⇔ r ≥ ⌈rate·2²⁴⌉ (rate·2²⁴ is exact in double).
            long threshold = (long)Math.Ceiling(rate * (double)(1 << 24));
            uint scaleBits = Unsafe.As<float, uint>(ref scale);
            ulong state = random.State;
            ref float rx = ref MemoryMarshal.GetReference(x);
            ref float rm = ref MemoryMarshal.GetReference(mask);
            ref float ry = ref MemoryMarshal.GetReference(y);
            for (int i = 0; i < n; i++)
            {
                state += SplitMix64.Increment;
                long r = (long)(SplitMix64.Mix(state) >> 40);
                uint keep = (uint)((threshold - 1 - r) >> 63); // all ones when r ≥ threshold, else 0
                uint bits = scaleBits & keep;
                float k = Unsafe.As<uint, float>(ref bits);
                Unsafe.Add(ref rm, i) = k;
                Unsafe.Add(ref ry, i) = Unsafe.Add(ref rx, i) * k;
            }
            random.State = state;
        }

        /// <summary>As the float overload, in double precision: u is <see cref="SplitMix64.NextDouble"/> (53 random bits).</summary>
        public static void DropoutForward(ref SplitMix64 random, ReadOnlySpan<double> x, Span<double> mask, Span<double> y, double rate, double scale)
        {
            int n = y.Length;
            Check(x.Length >= n && mask.Length >= n);
            if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must be at least 0 and less than 1.");
            // u = r·2⁻⁵³ with r < 2⁵³ (exact), so u ≥ rate ⇔ r ≥ ⌈rate·2⁵³⌉ (exact: a power-of-two scaling below 2⁵³).
            long threshold = (long)Math.Ceiling(rate * (double)(1L << 53));
            ulong scaleBits = Unsafe.As<double, ulong>(ref scale);
            ulong state = random.State;
            ref double rx = ref MemoryMarshal.GetReference(x);
            ref double rm = ref MemoryMarshal.GetReference(mask);
            ref double ry = ref MemoryMarshal.GetReference(y);
            for (int i = 0; i < n; i++)
            {
                state += SplitMix64.Increment;
                long r = (long)(SplitMix64.Mix(state) >> 11);
                ulong keep = (ulong)((threshold - 1 - r) >> 63);
                ulong bits = scaleBits & keep;
                double k = Unsafe.As<ulong, double>(ref bits);
                Unsafe.Add(ref rm, i) = k;
                Unsafe.Add(ref ry, i) = Unsafe.Add(ref rx, i) * k;
            }
            random.State = state;
        }

        /// <summary><c>dx[i] = dy[i]·mask[i]</c> over <paramref name="dx"/>'s length: dropout's backward pass (a dropped activation passes no gradient).</summary>
        public static void DropoutBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> mask, Span<float> dx) => Map(dy, mask, dx, new ProductOp<float>());

        /// <summary><c>dx[i] = dy[i]·mask[i]</c> over <paramref name="dx"/>'s length, in double precision.</summary>
        public static void DropoutBackward(ReadOnlySpan<double> dy, ReadOnlySpan<double> mask, Span<double> dx) => Map(dy, mask, dx, new ProductOp<double>());

        /// <summary>z·v.</summary>
        private readonly struct ProductOp<T> : IElementwiseOp<T> where T : unmanaged
        {
            public System.Numerics.Vector<T> Apply(System.Numerics.Vector<T> z, System.Numerics.Vector<T> v) => z * v;
        }
    }
}
