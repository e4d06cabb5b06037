using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Unrolled
{
    public static partial class Kernels
    {
        // ── Element-wise kernels, a vector at a time: piecewise-linear activations and the plain SGD step ──────────────
        // The activations are a compare and a select per vector (no branch to mispredict on the sign of each value). Each
        // lane computes what PyTorch's scalar rule computes, NaN and −0 included: ReLU zeroes what is ≤ 0 and passes the rest
        // (torch.relu and threshold_backward), so relu(NaN) = NaN and its gradient passes through, and −0 gives +0; LeakyReLU
        // keeps what is > 0 and scales the rest (torch.nn.functional.leaky_relu), so NaN stays NaN. One loop (Map) runs every
        // rule, tail included.

        /// <summary><c>output[i] = input[i] ≤ 0 ? 0 : input[i]</c> (ReLU, NaN stays NaN as in PyTorch), over <paramref name="output"/>'s length.</summary>
        public static void Relu(ReadOnlySpan<float> input, Span<float> output) => Map(input, input, output, new ReluOp<float>());

        /// <summary><c>output[i] = input[i] ≤ 0 ? 0 : input[i]</c> (ReLU, NaN stays NaN as in PyTorch), over <paramref name="output"/>'s length.</summary>
        public static void Relu(ReadOnlySpan<double> input, Span<double> output) => Map(input, input, output, new ReluOp<double>());

        /// <summary><c>inputDelta[i] = input[i] ≤ 0 ? 0 : delta[i]</c>: ReLU's backward pass (its derivative is 0 or 1; a NaN input
        /// passes the gradient, as PyTorch's threshold_backward does).</summary>
        public static void ReluBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> delta, Span<float> inputDelta) => Map(input, delta, inputDelta, new ReluOp<float>());

        /// <summary><c>inputDelta[i] = input[i] ≤ 0 ? 0 : delta[i]</c>: ReLU's backward pass (its derivative is 0 or 1; a NaN input
        /// passes the gradient, as PyTorch's threshold_backward does).</summary>
        public static void ReluBackward(ReadOnlySpan<double> input, ReadOnlySpan<double> delta, Span<double> inputDelta) => Map(input, delta, inputDelta, new ReluOp<double>());

        /// <summary><c>output[i] = input[i] &gt; 0 ? input[i] : α·input[i]</c> (leaky ReLU).</summary>
        public static void LeakyRelu(ReadOnlySpan<float> input, Span<float> output, float alpha) => Map(input, input, output, new LeakyOp<float>(alpha));

        /// <summary><c>output[i] = input[i] &gt; 0 ? input[i] : α·input[i]</c> (leaky ReLU).</summary>
        public static void LeakyRelu(ReadOnlySpan<double> input, Span<double> output, double alpha) => Map(input, input, output, new LeakyOp<double>(alpha));

        /// <summary><c>inputDelta[i] = input[i] &gt; 0 ? delta[i] : α·delta[i]</c>: leaky ReLU's backward pass.</summary>
        public static void LeakyReluBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> delta, Span<float> inputDelta, float alpha) =>
            Map(input, delta, inputDelta, new LeakyOp<float>(alpha));

        /// <summary><c>inputDelta[i] = input[i] &gt; 0 ? delta[i] : α·delta[i]</c>: leaky ReLU's backward pass.</summary>
        public static void LeakyReluBackward(ReadOnlySpan<double> input, ReadOnlySpan<double> delta, Span<double> inputDelta, double alpha) =>
            Map(input, delta, inputDelta, new LeakyOp<double>(alpha));

        /// <summary>An element-wise rule of two operands (for the activations: the result from the sign of <c>z</c> and a value <c>v</c>).</summary>
        private interface IElementwiseOp<T> where T : unmanaged
        {
            Vector<T> Apply(Vector<T> z, Vector<T> v);
        }

        /// <summary>z ≤ 0 ? 0 : v (so NaN takes v's side: relu(NaN) = NaN).</summary>
        private readonly struct ReluOp<T> : IElementwiseOp<T> where T : unmanaged
        {
            public Vector<T> Apply(Vector<T> z, Vector<T> v) => Vector.ConditionalSelect(Vector.LessThanOrEqual(z, Vector<T>.Zero), Vector<T>.Zero, v);
        }

        /// <summary>z &gt; 0 ? v : α·v (NaN takes α·v's side, which is NaN in the forward pass).</summary>
        private readonly struct LeakyOp<T> : IElementwiseOp<T> where T : unmanaged
        {
            private readonly Vector<T> _alpha;

            public LeakyOp(T alpha) => _alpha = new Vector<T>(alpha);

            public Vector<T> Apply(Vector<T> z, Vector<T> v) => Vector.ConditionalSelect(Vector.GreaterThan(z, Vector<T>.Zero), v, _alpha * v);
        }

        /// <summary>z − η·v: a plain gradient-descent step of parameters z with gradients v (<see cref="SgdUpdate(Span{float}, ReadOnlySpan{float}, float)"/>).</summary>
        private readonly struct DescentOp<T> : IElementwiseOp<T> where T : unmanaged
        {
            private readonly Vector<T> _rate;

            public DescentOp(T rate) => _rate = new Vector<T>(rate);

            public Vector<T> Apply(Vector<T> z, Vector<T> v) => z - _rate * v;
        }

        /// <summary>output[i] = op(z[i], v[i]) over output's length (output may be z itself): whole vectors, then the tail staged through a
        /// zero-padded vector (so there is one copy of each rule, not a vector and a scalar one).</summary>
        private static void Map<T, TOp>(ReadOnlySpan<T> z, ReadOnlySpan<T> v, Span<T> output, TOp op)
            where T : unmanaged
            where TOp : struct, IElementwiseOp<T>
        {
            int n = output.Length;
            if (z.Length < n || v.Length < n) throw new ArgumentException($"The inputs hold {Math.Min(z.Length, v.Length)} values; expected at least {n}.");
            int width = Vector<T>.Count, whole = n / width * width;
            ReadOnlySpan<Vector<T>> vz = MemoryMarshal.Cast<T, Vector<T>>(z.Slice(0, whole));
            ReadOnlySpan<Vector<T>> vv = MemoryMarshal.Cast<T, Vector<T>>(v.Slice(0, whole));
            Span<Vector<T>> vo = MemoryMarshal.Cast<T, Vector<T>>(output.Slice(0, whole));
            for (int i = 0; i < vo.Length; i++) vo[i] = op.Apply(vz[i], vv[i]);
            if (whole == n) return;
            Span<Vector<T>> staged = stackalloc Vector<T>[2];
            staged.Clear();
            Span<T> lanes = MemoryMarshal.Cast<Vector<T>, T>(staged);
            z.Slice(whole, n - whole).CopyTo(lanes);
            v.Slice(whole, n - whole).CopyTo(lanes.Slice(width));
            staged[0] = op.Apply(staged[0], staged[1]);
            lanes.Slice(0, n - whole).CopyTo(output.Slice(whole));
        }
    }
}
