using System;
using System.Numerics;
using System.Runtime.CompilerServices;
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
#if NET
        /// <summary>Updates of at least this many vectors are split in two halves, one per thread (element-wise: results
        /// do not depend on the split).</summary>
        private const int ParallelVectors = 4096;

        private static unsafe void RunSplit<T, TKernel>(ref Vector<T> p, ref readonly Vector<T> g, ref Vector<T> s1, ref Vector<T> s2, int count, ref TKernel kernel)
            where T : struct
            where TKernel : struct, IUpdateKernel<T>
        {
            // Pin the four buffers for the helper thread; the kernel struct lives on this (waiting) thread's stack.
            fixed (byte* pp = &Unsafe.As<Vector<T>, byte>(ref p), pg = &Unsafe.As<Vector<T>, byte>(ref Unsafe.AsRef(in g)),
                   p1 = &Unsafe.As<Vector<T>, byte>(ref s1), p2 = &Unsafe.As<Vector<T>, byte>(ref s2))
            {
                var job = new KernelJob { Body = &UpdatePart<T, TKernel>, A = pp, B = pg, C = p1, D = p2, E = Unsafe.AsPointer(ref kernel), M = count, Split = count / 2 };
                KernelThreads.Run(ref job);
            }
        }

        private static unsafe void UpdatePart<T, TKernel>(ref KernelJob job, int part)
            where T : struct
            where TKernel : struct, IUpdateKernel<T>
        {
            ref TKernel kernel = ref Unsafe.AsRef<TKernel>(job.E);
            ref Vector<T> p = ref Unsafe.AsRef<Vector<T>>(job.A), g = ref Unsafe.AsRef<Vector<T>>(job.B);
            ref Vector<T> s1 = ref Unsafe.AsRef<Vector<T>>(job.C), s2 = ref Unsafe.AsRef<Vector<T>>(job.D);
            int from = part == 0 ? 0 : job.Split, to = part == 0 ? job.Split : job.M;
            for (int i = from; i < to; i++) kernel.Apply(ref Unsafe.Add(ref p, i), Unsafe.Add(ref g, i), ref Unsafe.Add(ref s1, i), ref Unsafe.Add(ref s2, i));
        }
#endif

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
#if NET
            if (Kernels.Threads >= 2 && whole >= ParallelVectors)
                RunSplit(ref MemoryMarshal.GetReference(p), ref MemoryMarshal.GetReference(g), ref MemoryMarshal.GetReference(s1), ref MemoryMarshal.GetReference(s2), whole, ref kernel);
            else
#endif
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
