using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Unrolled
{
    /// <summary>An element-wise update, written once over <see cref="Vector{T}"/> for float and double.</summary>
    internal interface IUpdateKernel<T> where T : struct
    {
        /// <summary>Updates one vector of parameters from its gradients and two state vectors.</summary>
        void Apply(ref Vector<T> parameter, Vector<T> gradient, ref Vector<T> first, ref Vector<T> second);
    }

    /// <summary>
    /// Runs an <see cref="IUpdateKernel{T}"/> over flat buffers with SIMD. The kernel is a struct, so the JIT
    /// specialises and inlines it. The ragged tail is staged through padded scratch vectors, so there is no scalar
    /// copy of the math and no allocation per step.
    /// </summary>
    internal static class VectorLoop
    {
        /// <summary>The length of a state buffer for <paramref name="count"/> parameters (a whole number of vectors).</summary>
        public static int Padded<T>(int count) where T : struct
        {
            int width = Vector<T>.Count;
            return (count + width - 1) / width * width;
        }

        /// <summary>Applies <paramref name="kernel"/> to every parameter; <paramref name="first"/> and <paramref name="second"/> are padded state,
        /// <paramref name="scratch"/> holds at least two vectors for the ragged tail (<paramref name="parameters"/>, <paramref name="gradients"/>).</summary>
        public static void Run<T, TKernel>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> first, Span<T> second, Span<T> scratch, ref TKernel kernel)
            where T : struct
            where TKernel : struct, IUpdateKernel<T>
        {
            int width = Vector<T>.Count;
            int whole = parameters.Length / width;
            Span<Vector<T>> p = MemoryMarshal.Cast<T, Vector<T>>(parameters.Slice(0, whole * width));
            ReadOnlySpan<Vector<T>> g = MemoryMarshal.Cast<T, Vector<T>>(gradients.Slice(0, whole * width));
            Span<Vector<T>> s1 = MemoryMarshal.Cast<T, Vector<T>>(first);
            Span<Vector<T>> s2 = MemoryMarshal.Cast<T, Vector<T>>(second);
            for (int i = 0; i < whole; i++) kernel.Apply(ref p[i], g[i], ref s1[i], ref s2[i]);

            int tail = parameters.Length - whole * width;
            if (tail == 0) return;
            // Stage the tail in zero-padded vectors; padding lanes compute on zeros and are discarded.
            Span<T> tp = scratch.Slice(0, width), tg = scratch.Slice(width, width);
            tp.Clear();
            tg.Clear();
            parameters.Slice(whole * width).CopyTo(tp);
            gradients.Slice(whole * width).CopyTo(tg);
            Span<Vector<T>> staged = MemoryMarshal.Cast<T, Vector<T>>(scratch.Slice(0, 2 * width));
            kernel.Apply(ref staged[0], staged[1], ref s1[whole], ref s2[whole]);
            tp.Slice(0, tail).CopyTo(parameters.Slice(whole * width));
        }
    }
}
