using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Unrolled
{
    public static partial class Kernels
    {
        // ── BatchNorm over the features of a batch of vectors [m × features] ─────────────────────────────────────────
        // Each feature has its own running sum over the samples, in sample order: the same chain of additions the loops mode
        // writes (for b, for j: sum[j] += x[b, j]), a vector of features at a time, so the results are the loops' to the bit.
        // Each rule keeps the loops' operations and their order (a multiply, then an add: nothing is fused), per lane; the
        // features beyond the last whole vector run the same rule in lane 0 of a broadcast vector.

        /// <summary><c>sums[j] += Σ_b x[b, j]</c>, sample after sample (BatchNorm's batch mean, before the 1/m).</summary>
        public static void BatchNormSums<T>(ReadOnlySpan<T> x, Span<T> sums, int m, int features) where T : unmanaged =>
            EachFeature(x, x, sums, default, m, features, new SumOf<T>());

        /// <summary><c>sums[j] += Σ_b (x[b, j] − mean[j])²</c>, sample after sample (the batch variance, before the 1/m).</summary>
        public static void BatchNormSquaredDeviations<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> mean, Span<T> sums, int m, int features) where T : unmanaged =>
            EachFeature(x, x, sums, mean, m, features, new SquaredDeviationOf<T>());

        /// <summary>BatchNorm's parameter gradients: <c>dGamma[j] += Σ_b dy[b, j]·xhat[b, j]</c> and <c>dBeta[j] += Σ_b dy[b, j]</c>.</summary>
        public static void BatchNormParameterGradients<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> xhat, Span<T> dGamma, Span<T> dBeta, int m, int features) where T : unmanaged
        {
            EachFeature(dy, xhat, dGamma, default, m, features, new ProductOf<T>());
            EachFeature(dy, dy, dBeta, default, m, features, new SumOf<T>());
        }

        /// <summary>
        /// BatchNorm's output: <c>xhat[b, j] = (x[b, j] − mean[j])·invStd[j]</c> and <c>y[b, j] = gamma[j]·xhat[b, j] + beta[j]</c>.
        /// </summary>
        public static void BatchNormNormalize<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> mean, ReadOnlySpan<T> invStd, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta,
            Span<T> xhat, Span<T> y, int m, int features) where T : unmanaged
        {
            Check(x.Length >= m * features && xhat.Length >= m * features && y.Length >= m * features && mean.Length >= features
                && invStd.Length >= features && gamma.Length >= features && beta.Length >= features);
            int width = Vector<T>.Count, whole = features / width * width;
            ref T rx = ref MemoryMarshal.GetReference(x);
            ref T rh = ref MemoryMarshal.GetReference(xhat);
            ref T ry = ref MemoryMarshal.GetReference(y);
            for (int f = 0, lanes; f < features; f += lanes)
            {
                lanes = f < whole ? width : 1; // a whole vector of features, then the rest one at a time in lane 0
                Vector<T> vm = Load(mean, f, lanes), vs = Load(invStd, f, lanes), vg = Load(gamma, f, lanes), vb = Load(beta, f, lanes);
                for (int b = 0; b < m; b++)
                {
                    int o = b * features + f;
                    Vector<T> normalised = (Load(ref rx, o, lanes) - vm) * vs;
                    Store(normalised, ref rh, o, lanes);
                    Store(vg * normalised + vb, ref ry, o, lanes);
                }
            }
        }

        /// <summary>
        /// BatchNorm's input gradient (training mode):
        /// <c>dx[b, j] = gamma[j]·invStd[j]·(dy[b, j] − dBeta[j]·invM − xhat[b, j]·dGamma[j]·invM)</c>, evaluated left to right as written.
        /// </summary>
        public static void BatchNormInputGradient<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> xhat, ReadOnlySpan<T> gamma, ReadOnlySpan<T> invStd,
            ReadOnlySpan<T> dGamma, ReadOnlySpan<T> dBeta, T invM, Span<T> dx, int m, int features) where T : unmanaged
        {
            Check(dy.Length >= m * features && xhat.Length >= m * features && dx.Length >= m * features && gamma.Length >= features
                && invStd.Length >= features && dGamma.Length >= features && dBeta.Length >= features);
            int width = Vector<T>.Count, whole = features / width * width;
            var vInvM = new Vector<T>(invM);
            ref T rd = ref MemoryMarshal.GetReference(dy);
            ref T rh = ref MemoryMarshal.GetReference(xhat);
            ref T rx = ref MemoryMarshal.GetReference(dx);
            for (int f = 0, lanes; f < features; f += lanes)
            {
                lanes = f < whole ? width : 1; // a whole vector of features, then the rest one at a time in lane 0
                Vector<T> scale = Load(gamma, f, lanes) * Load(invStd, f, lanes), shift = Load(dBeta, f, lanes) * vInvM, vGamma = Load(dGamma, f, lanes);
                for (int b = 0; b < m; b++)
                {
                    int o = b * features + f;
                    Store(scale * (Load(ref rd, o, lanes) - shift - Load(ref rh, o, lanes) * vGamma * vInvM), ref rx, o, lanes);
                }
            }
        }

        /// <summary>A term of a per-feature sum over the samples: of a value <c>a</c>, its partner <c>b</c> and the feature's <c>c</c>.</summary>
        private interface IFeatureTerm<T> where T : unmanaged
        {
            Vector<T> Term(Vector<T> a, Vector<T> b, Vector<T> c);
        }

        private readonly struct SumOf<T> : IFeatureTerm<T> where T : unmanaged
        {
            public Vector<T> Term(Vector<T> a, Vector<T> b, Vector<T> c) => a;
        }

        private readonly struct ProductOf<T> : IFeatureTerm<T> where T : unmanaged
        {
            public Vector<T> Term(Vector<T> a, Vector<T> b, Vector<T> c) => a * b;
        }

        private readonly struct SquaredDeviationOf<T> : IFeatureTerm<T> where T : unmanaged
        {
            public Vector<T> Term(Vector<T> a, Vector<T> b, Vector<T> c)
            {
                Vector<T> centred = a - c;
                return centred * centred;
            }
        }

        /// <summary><c>sums[j] += Σ_b term(a[b, j], b[b, j], c[j])</c>, a vector of features at a time, each sum in sample order.
        /// <paramref name="c"/> may be empty when the term does not read it.</summary>
        private static void EachFeature<T, TTerm>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> sums, ReadOnlySpan<T> c, int m, int features, TTerm term)
            where T : unmanaged
            where TTerm : struct, IFeatureTerm<T>
        {
            Check(a.Length >= m * features && b.Length >= m * features && sums.Length >= features && (c.IsEmpty || c.Length >= features));
            int width = Vector<T>.Count, whole = features / width * width;
            ref T ra = ref MemoryMarshal.GetReference(a);
            ref T rb = ref MemoryMarshal.GetReference(b);
            ref T rs = ref MemoryMarshal.GetReference(sums);
            for (int f = 0, lanes; f < features; f += lanes)
            {
                lanes = f < whole ? width : 1; // a whole vector of features, then the rest one at a time in lane 0
                Vector<T> sum = Load(ref rs, f, lanes), vc = c.IsEmpty ? default : Load(c, f, lanes);
                for (int s = 0; s < m; s++)
                {
                    int o = s * features + f;
                    sum += term.Term(Load(ref ra, o, lanes), Load(ref rb, o, lanes), vc);
                }
                Store(sum, ref rs, f, lanes);
            }
        }

        /// <summary>A whole vector at <paramref name="offset"/>, or (<paramref name="lanes"/> = 1) the value there broadcast.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector<T> Load<T>(ref T start, int offset, int lanes) where T : unmanaged =>
            lanes == 1 ? new Vector<T>(Unsafe.Add(ref start, offset)) : Unsafe.ReadUnaligned<Vector<T>>(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref start, offset)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector<T> Load<T>(ReadOnlySpan<T> values, int offset, int lanes) where T : unmanaged =>
            Load(ref MemoryMarshal.GetReference(values), offset, lanes);

        /// <summary>Stores a whole vector at <paramref name="offset"/>, or (<paramref name="lanes"/> = 1) its lane 0 there.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store<T>(Vector<T> value, ref T start, int offset, int lanes) where T : unmanaged
        {
            if (lanes == 1) Unsafe.Add(ref start, offset) = value[0];
            else Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref start, offset)), value);
        }
    }
}
