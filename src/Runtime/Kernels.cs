using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
#if NET
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace Unrolled
{
    /// <summary>Which implementation of the float kernels runs (<see cref="Kernels.Path"/>), chosen once per process.</summary>
    public enum KernelPath
    {
        /// <summary><c>System.Numerics</c> vectors of the machine's width: netstandard2.0, a CPU without AVX2 and FMA, or ARM.</summary>
        Portable = 0,

        /// <summary>AVX2 with FMA: 8-float vectors in 16 registers; forward tiles of 3 samples × 4 units, product tiles of
        /// 6 rows × 16 columns.</summary>
        Avx2 = 1,

        /// <summary>AVX-512F: the products' tiles of 6 rows × 64 columns and the forward tiles of 6 samples × 8 units (two
        /// samples' 8-float chains per register), each in 24 of the 32 zmm registers; the rest as on the AVX2 path. Every
        /// output is the same chain of fused multiply-adds as on the AVX2 path, so the results are bit-identical to it.</summary>
        Avx512 = 2,
    }

    /// <summary>
    /// The three matrix products of a Dense layer, called by generated code with compile-time sizes:
    /// <code>
    /// forward:   Z  = X · Wᵀ + b      X [m × in], W [units × in], Z [m × units]
    /// backward:  dW = δᵀ · X          δ [m × units]          (dW [units × in])
    ///            dX = δ · W                                   (dX [m × in])
    /// </code>
    /// On x64 with AVX2 and FMA (net10.0) they use register-blocked micro-kernels: the forward pass computes a tile of
    /// 3 samples × 4 units as 12 running dot products over 8-float vectors (each weight vector loaded once serves three
    /// samples, each input vector four units; the four weight rows stay in L1 while the samples stream past); the backward
    /// products accumulate a tile of 6 rows × 16 columns in twelve vector registers over the whole reduction (outer
    /// products: a broadcast of δ times a row of X or W), and store each tile once. On AVX-512 (<see cref="Path"/>) the forward
    /// tiles grow to 6 samples × 8 units in 24 zmm registers, each holding one unit's 8-lane chains for a pair of samples,
    /// and the products' to 6 rows × 64 columns; each output stays the same chain of FMAs, so both paths give the same bits. With <see cref="Threads"/> = 2 a helper
    /// thread takes half of every large product — units of the forward pass, rows of ∂W and ∂X — and half of each optimiser
    /// update, so each core keeps its half of the weights in its own L2 through a training step; results are bit-identical
    /// to one thread. Elsewhere (netstandard2.0, ARM, double precision) they fall back to <see cref="Numerics.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    /// and <see cref="Numerics.Axpy(float, ReadOnlySpan{float}, Span{float})"/> with <c>System.Numerics.Vector</c>.
    /// </summary>
    public static partial class Kernels
    {
        private static int s_threads = DefaultThreads();

        /// <summary>
        /// The float kernels this process runs, chosen once from what the CPU and the runtime support: <see cref="KernelPath.Avx512"/>
        /// where <c>Vector512.IsHardwareAccelerated</c> (and AVX-512F with FMA), else <see cref="KernelPath.Avx2"/> with FMA, else
        /// <see cref="KernelPath.Portable"/>. <c>DOTNET_EnableAVX512=0</c> selects the AVX2 path on an AVX-512 machine (.NET 10 ignores the older
        /// <c>DOTNET_EnableAVX512F</c>); the tests run both. The benchmarks print it.
        /// </summary>
        public static KernelPath Path { get; } = DetectPath();

        private static KernelPath DetectPath()
        {
#if NET
            if (Fma.IsSupported && Avx2.IsSupported && Avx512F.IsSupported && Vector512.IsHardwareAccelerated) return KernelPath.Avx512;
            if (Fma.IsSupported && Avx2.IsSupported) return KernelPath.Avx2;
#endif
            return KernelPath.Portable;
        }

#if NET
        /// <summary>Whether the products use their zmm tiles: <see cref="Path"/> is <see cref="KernelPath.Avx512"/>. Tests turn it
        /// off to compare the two paths in one process (they must agree to the bit).</summary>
        internal static bool UseZmm = Path == KernelPath.Avx512;

        /// <summary>Calls of the AVX-512 path's tiles on this thread (the tests check that they ran). Per thread, so the caller
        /// and the helper never write the same cache line in a split product.</summary>
        [ThreadStatic] internal static long t_zmmCalls;
#endif

        /// <summary>
        /// Threads the kernels may use: 1, or 2 to split large products (and optimiser updates) with a helper thread — by
        /// samples, units, rows or parameters, never along a sum, so results are bit-identical either way. Default: the
        /// <c>UNROLLED_THREADS</c> environment variable if set, else 2 on a machine with two or more cores. Only net10.0 on
        /// x64 with AVX2 uses the helper; elsewhere everything runs on the calling thread.
        /// </summary>
        public static int Threads
        {
            get => s_threads;
            set => s_threads = value is >= 1 and <= 2 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Threads must be 1 or 2.");
        }

        /// <summary>Network calls (inference, training) in progress on any thread. With more than one, the callers already keep
        /// the cores busy: the kernels run on the calling thread and the helper sleeps instead of spinning, until no two calls
        /// have overlapped for <see cref="s_concurrencyWindow"/> (so the gaps between one caller's calls do not hand the helper
        /// back, and wake it, every few microseconds).</summary>
        private static int s_callers;
        private static long s_concurrentUntil;
        private static readonly long s_concurrencyWindow = System.Diagnostics.Stopwatch.Frequency / 500; // 2 ms

        /// <summary>Whether network calls overlap now, or did within the last 2 ms.</summary>
        internal static bool CallersOverlap =>
            System.Threading.Volatile.Read(ref s_callers) > 1 || System.Diagnostics.Stopwatch.GetTimestamp() < System.Threading.Volatile.Read(ref s_concurrentUntil);

        /// <summary>Network calls this thread is inside (Fit's validation and CopyParametersFrom nest): only the outermost counts.</summary>
        [ThreadStatic] private static int t_depth;

        /// <summary>A network call starts (counted by <see cref="NetworkGuard"/>; a call nested in another on the same thread is not another caller).</summary>
        internal static void EnterCaller()
        {
            if (t_depth++ > 0) return;
            if (System.Threading.Interlocked.Increment(ref s_callers) < 2) return;
            // Extend the window at most about once a millisecond: concurrent callers would otherwise fight over this line.
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (now + s_concurrencyWindow / 2 > System.Threading.Volatile.Read(ref s_concurrentUntil))
                System.Threading.Volatile.Write(ref s_concurrentUntil, now + s_concurrencyWindow);
        }

        /// <summary>A network call ends.</summary>
        internal static void ExitCaller()
        {
            if (--t_depth > 0) return;
            System.Threading.Interlocked.Decrement(ref s_callers);
        }

        private static int DefaultThreads() =>
            int.TryParse(Environment.GetEnvironmentVariable("UNROLLED_THREADS"), out int threads) && threads >= 1
                ? Math.Min(threads, 2)
                : Math.Min(Environment.ProcessorCount, 2);

        // ── Forward: Z = X · Wᵀ + b ─────────────────────────────────────────────────────────────────────────────────

        /// <summary><c>z[s, j] = bias[j] + Σ_i x[s, i] · w[j, i]</c> for <paramref name="m"/> samples (bias may be empty).</summary>
        public static void DenseForward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> z, int m, int inputs, int units)
        {
            Check(x.Length >= m * inputs && w.Length >= units * inputs && z.Length >= m * units && (bias.IsEmpty || bias.Length >= units));
#if NET
            if (Fma.IsSupported && inputs >= 8)
            {
                unsafe
                {
                    fixed (float* px = x, pw = w, pb = bias, pz = z) Forward(px, pw, bias.IsEmpty ? null : pb, pz, m, inputs, units, null);
                }
                return;
            }
#endif
            for (int s = 0; s < m; s++)
            {
                ReadOnlySpan<float> row = x.Slice(s * inputs, inputs);
                for (int j = 0; j < units; j++) z[s * units + j] = Numerics.Dot(w.Slice(j * inputs, inputs), row) + (bias.IsEmpty ? 0f : bias[j]);
            }
        }

        /// <summary>
        /// Floats in the packed copy of a Dense layer's weights that <see cref="PackWeights"/> writes: the first
        /// <c>units / 8 · 8</c> rows, each up to the last whole 8 inputs (0 when there are fewer than 8 inputs).
        /// </summary>
        public static int PackedWeightsLength(int inputs, int units) => inputs >= 8 ? units / 8 * 8 * (inputs / 8 * 8) : 0;

        /// <summary>
        /// Packs W [units × inputs] for inference's lone samples (<see cref="DenseForward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>):
        /// for each group of 8 units, the 8-float pieces of its 8 rows side by side, piece after piece —
        /// <c>packed[(g·V + p)·64 + r·8 + l] = w[(8g + r)·inputs + 8p + l]</c> with V = inputs / 8 — so a lone sample's pass over
        /// the weights is one sequential stream instead of eight rows 4·inputs bytes apart. The rows beyond the last group of 8
        /// and the inputs beyond the last 8 stay in W, where the kernel reads them.
        /// </summary>
        public static void PackWeights(ReadOnlySpan<float> w, Span<float> packed, int inputs, int units)
        {
            int length = PackedWeightsLength(inputs, units), pieces = inputs / 8;
            Check(w.Length >= units * inputs && packed.Length >= length);
            for (int j = 0; j < units / 8 * 8; j++)
            {
                ReadOnlySpan<float> row = w.Slice(j * inputs, inputs);
                Span<float> group = packed.Slice(j / 8 * 8 * pieces * 8);
                for (int p = 0; p < pieces; p++) row.Slice(p * 8, 8).CopyTo(group.Slice(p * 64 + j % 8 * 8, 8));
            }
        }

        /// <summary>
        /// As <see cref="DenseForward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>,
        /// reading the lone samples' weights from <paramref name="packed"/> (<see cref="PackWeights"/> of the same W; empty for none).
        /// Every output is the same chain of operations, so the results are the unpacked kernel's to the bit; a stale packed copy
        /// gives the old weights' outputs, so the caller must repack after any change to W (generated networks keep a version).
        /// </summary>
        public static void DenseForward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias, Span<float> z, int m, int inputs, int units)
        {
            if (packed.IsEmpty)
            {
                DenseForward(x, w, bias, z, m, inputs, units);
                return;
            }
            Check(x.Length >= m * inputs && w.Length >= units * inputs && z.Length >= m * units && (bias.IsEmpty || bias.Length >= units)
                && packed.Length >= PackedWeightsLength(inputs, units));
#if NET
            if (Fma.IsSupported && inputs >= 8)
            {
                unsafe
                {
                    fixed (float* px = x, pw = w, pp = packed, pb = bias, pz = z) Forward(px, pw, bias.IsEmpty ? null : pb, pz, m, inputs, units, pp);
                }
                return;
            }
#endif
            DenseForward(x, w, bias, z, m, inputs, units);
        }

        /// <summary><c>z[s, j] = bias[j] + Σ_i x[s, i] · w[j, i]</c> (double precision: vectorised dot products).</summary>
        public static void DenseForward(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> bias, Span<double> z, int m, int inputs, int units)
        {
            Check(x.Length >= m * inputs && w.Length >= units * inputs && z.Length >= m * units && (bias.IsEmpty || bias.Length >= units));
            for (int s = 0; s < m; s++)
            {
                ReadOnlySpan<double> row = x.Slice(s * inputs, inputs);
                for (int j = 0; j < units; j++) z[s * units + j] = Numerics.Dot(w.Slice(j * inputs, inputs), row) + (bias.IsEmpty ? 0.0 : bias[j]);
            }
        }

        // ── Backward: dW = δᵀ · X, db = Σ δ, dX = δ · W ────────────────────────────────────────────────────────────

        /// <summary>
        /// Overwrites <paramref name="weightGradient"/> with <c>δᵀ · X</c>, <paramref name="biasGradient"/> (if not empty) with
        /// the column sums of δ, and <paramref name="inputGradient"/> (if not empty) with <c>δ · W</c>.
        /// </summary>
        public static void DenseBackward(ReadOnlySpan<float> delta, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
            Span<float> weightGradient, Span<float> biasGradient, Span<float> inputGradient, int m, int inputs, int units)
        {
            Check(delta.Length >= m * units && x.Length >= m * inputs && w.Length >= units * inputs && weightGradient.Length >= units * inputs);
            if (!biasGradient.IsEmpty) BiasGradient(delta, biasGradient, m, units);
#if NET
            if (Fma.IsSupported && inputs >= 16)
            {
                unsafe
                {
                    fixed (float* pd = delta, px = x, pw = w, pdw = weightGradient, pdx = inputGradient)
                    {
                        // dW[j, i] = Σ_s δ[s, j] · x[s, i]: A(j, s) = δ[s·units + j] (row stride 1, column stride units).
                        Outer(pd, 1, units, px, pdw, units, m, inputs, null, 0f, rowsAreSamples: false);
                        // dX[s, i] = Σ_j δ[s, j] · w[j, i]: A(s, j) = δ[s·units + j] (row stride units, column stride 1).
                        if (!inputGradient.IsEmpty) Outer(pd, units, 1, pw, pdx, m, units, inputs, null, 0f, rowsAreSamples: true);
                    }
                }
                return;
            }
#endif
            weightGradient.Slice(0, units * inputs).Clear();
            if (!inputGradient.IsEmpty) inputGradient.Slice(0, m * inputs).Clear();
            for (int s = 0; s < m; s++)
            {
                ReadOnlySpan<float> row = x.Slice(s * inputs, inputs);
                for (int j = 0; j < units; j++)
                {
                    float d = delta[s * units + j];
                    Numerics.Axpy(d, row, weightGradient.Slice(j * inputs, inputs));
                    if (!inputGradient.IsEmpty) Numerics.Axpy(d, w.Slice(j * inputs, inputs), inputGradient.Slice(s * inputs, inputs));
                }
            }
        }

        /// <summary>
        /// The backward products with one step of plain SGD fused in. With <paramref name="learningRate"/> η &gt; 0:
        /// <paramref name="inputGradient"/> (if not empty) receives <c>δ · W</c> from the weights as they were, then
        /// <c>W ← W − η·δᵀ·X</c> and <c>b ← b − η·Σ_s δ</c> (if <paramref name="bias"/> is not empty), where each tile of
        /// <c>δᵀ·X</c> goes from registers straight into W: ∂W is never stored and read back, so the step touches W once
        /// instead of three times. <paramref name="weightGradient"/> and <paramref name="biasGradient"/> serve as scratch;
        /// their content afterwards is unspecified. The new weights are bit-identical to <c>DenseBackward</c> followed by
        /// <c>θ ← θ − η·g</c> (<see cref="Sgd"/> without momentum or weight decay). With η = 0 this is the other overload.
        /// </summary>
        public static void DenseBackward(ReadOnlySpan<float> delta, ReadOnlySpan<float> x, Span<float> weights, Span<float> bias,
            Span<float> weightGradient, Span<float> biasGradient, Span<float> inputGradient, int m, int inputs, int units, float learningRate)
        {
            if (learningRate == 0f)
            {
                DenseBackward(delta, x, weights, weightGradient, biasGradient, inputGradient, m, inputs, units);
                return;
            }
            Check(delta.Length >= m * units && x.Length >= m * inputs && weights.Length >= units * inputs && weightGradient.Length >= units * inputs
                && (bias.IsEmpty || (bias.Length >= units && biasGradient.Length >= units)));
#if NET
            if (Fma.IsSupported && inputs >= 16)
            {
                unsafe
                {
                    fixed (float* pd = delta, px = x, pw = weights, pdw = weightGradient, pdx = inputGradient)
                    {
                        // First ∂X, which needs the old W; then the ∂W tiles, each subtracted from W as it leaves the registers.
                        if (!inputGradient.IsEmpty) Outer(pd, units, 1, pw, pdx, m, units, inputs, null, 0f, rowsAreSamples: true);
                        Outer(pd, 1, units, px, pdw, units, m, inputs, pw, learningRate, rowsAreSamples: false);
                    }
                }
                if (!bias.IsEmpty)
                {
                    BiasGradient(delta, biasGradient, m, units);
                    SgdUpdate(bias.Slice(0, units), biasGradient, learningRate);
                }
                return;
            }
#endif
            DenseBackward(delta, x, weights, weightGradient, bias.IsEmpty ? default : biasGradient, inputGradient, m, inputs, units);
            SgdUpdate(weights.Slice(0, units * inputs), weightGradient, learningRate);
            if (!bias.IsEmpty) SgdUpdate(bias.Slice(0, units), biasGradient, learningRate);
        }

        /// <summary>The double-precision backward products with plain SGD fused in (computed as <c>DenseBackward</c>, then
        /// <c>θ ← θ − η·g</c>; see the float overload). With η = 0 this is the other overload.</summary>
        public static void DenseBackward(ReadOnlySpan<double> delta, ReadOnlySpan<double> x, Span<double> weights, Span<double> bias,
            Span<double> weightGradient, Span<double> biasGradient, Span<double> inputGradient, int m, int inputs, int units, double learningRate)
        {
            if (learningRate == 0)
            {
                DenseBackward(delta, x, weights, weightGradient, biasGradient, inputGradient, m, inputs, units);
                return;
            }
            DenseBackward(delta, x, weights, weightGradient, bias.IsEmpty ? default : biasGradient, inputGradient, m, inputs, units);
            SgdUpdate(weights.Slice(0, units * inputs), weightGradient, learningRate);
            if (!bias.IsEmpty) SgdUpdate(bias.Slice(0, units), biasGradient, learningRate);
        }

        /// <summary><c>θ ← θ − η·g</c> element-wise (SIMD), with the same operations as <see cref="Sgd"/> without momentum
        /// or weight decay (a multiply, then a subtract), so results are bit-identical to it.</summary>
        public static void SgdUpdate(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate) =>
            Map(parameters, gradients, parameters, new DescentOp<float>(learningRate));

        /// <summary><c>θ ← θ − η·g</c> element-wise in double precision (SIMD).</summary>
        public static void SgdUpdate(Span<double> parameters, ReadOnlySpan<double> gradients, double learningRate) =>
            Map(parameters, gradients, parameters, new DescentOp<double>(learningRate));

        /// <summary>∂b = Σ_s δ[s, :], as a vectorised sum (1·δ is exact).</summary>
        private static void BiasGradient(ReadOnlySpan<float> delta, Span<float> biasGradient, int m, int units)
        {
            biasGradient.Slice(0, units).Clear();
            for (int s = 0; s < m; s++) Numerics.Axpy(1f, delta.Slice(s * units, units), biasGradient.Slice(0, units));
        }

        /// <summary>The double-precision backward products (vectorised axpy).</summary>
        public static void DenseBackward(ReadOnlySpan<double> delta, ReadOnlySpan<double> x, ReadOnlySpan<double> w,
            Span<double> weightGradient, Span<double> biasGradient, Span<double> inputGradient, int m, int inputs, int units)
        {
            Check(delta.Length >= m * units && x.Length >= m * inputs && w.Length >= units * inputs && weightGradient.Length >= units * inputs);
            weightGradient.Slice(0, units * inputs).Clear();
            if (!biasGradient.IsEmpty) biasGradient.Slice(0, units).Clear();
            if (!inputGradient.IsEmpty) inputGradient.Slice(0, m * inputs).Clear();
            for (int s = 0; s < m; s++)
            {
                ReadOnlySpan<double> row = x.Slice(s * inputs, inputs);
                for (int j = 0; j < units; j++)
                {
                    double d = delta[s * units + j];
                    if (!biasGradient.IsEmpty) biasGradient[j] += d;
                    Numerics.Axpy(d, row, weightGradient.Slice(j * inputs, inputs));
                    if (!inputGradient.IsEmpty) Numerics.Axpy(d, w.Slice(j * inputs, inputs), inputGradient.Slice(s * inputs, inputs));
                }
            }
        }

        private static void Check(bool sizesFit)
        {
            if (!sizesFit) throw new ArgumentException("A buffer is shorter than the sizes passed to the kernel.");
        }

#if NET
        /// <summary>Bytes of inputs per sample block of the forward tiles (a quarter of a 512 KB L2).</summary>
        private const int SampleBlockBytes = 128 * 1024;

        /// <summary>Below this many multiply-adds a product stays on one thread (handing over costs about a microsecond).</summary>
        private const long ParallelWork = 1 << 15;

        /// <summary>Below this many multiply-adds a product split by samples stays on one thread: the helper would first have
        /// to fetch its samples' rows, just written by the calling core (a small output layer's forward pass and its ∂X).</summary>
        private const long SampleSplitWork = 1 << 18;

        /// <summary>The forward product, split over two threads when it is big enough: by units when there are at least 16
        /// (each core keeps its half of the weights in its own L2), otherwise by samples. <paramref name="packed"/>: the lone
        /// samples' packed weights (<see cref="PackWeights"/>), or null.</summary>
        private static unsafe void Forward(float* x, float* w, float* bias, float* z, int m, int inputs, int units, float* packed)
        {
            long work = (long)m * inputs * units;
            if (Threads < 2 || work < ParallelWork || (units < 16 && (m < 6 || work < SampleSplitWork)))
            {
                ForwardFma(x, w, bias, z, m, inputs, units, units, packed);
                return;
            }
            var job = new KernelJob { Body = &ForwardPart, A = x, B = w, C = bias, D = z, E = packed, M = m, K = inputs, N = units };
            if (units >= 16)
            {
                // By units: each core reads only its half of W, and the same half every call — the half it also
                // differentiates (Outer splits dW by the same rows) and updates (the optimiser splits the parameters in
                // two), so in a training step each half of W stays in one core's L2.
                job.S0 = 1;
                // A whole number of 8-unit groups (two 4-unit tiles, or one lone-sample group); within a tile of 6 rows of
                // Outer's ∂W split, so nearly all of each core's rows are the same in forward, backward and update.
                job.Split = units / 16 * 8;
            }
            else
            {
                job.Split = m / 6 * 3; // a whole number of sample triples on each side
            }
            KernelThreads.Run(ref job);
        }

        /// <summary>One half of <see cref="Forward"/>: S0 = 0 splits the samples at Split, S0 = 1 the units.</summary>
        private static unsafe void ForwardPart(ref KernelJob job, int part)
        {
            float* x = (float*)job.A, w = (float*)job.B, bias = (float*)job.C, z = (float*)job.D;
            if (job.S0 == 0)
            {
                int from = part == 0 ? 0 : job.Split, to = part == 0 ? job.Split : job.M;
                ForwardFma(x + (nint)from * job.K, w, bias, z + (nint)from * job.N, to - from, job.K, job.N, job.N, (float*)job.E);
            }
            else
            {
                int from = part == 0 ? 0 : job.Split, to = part == 0 ? job.Split : job.N;
                // Split is a multiple of 8, so the second half's packed groups start at its first unit: from · (K / 8 · 8) floats in.
                float* packed = job.E == null ? null : (float*)job.E + (nint)from * (job.K / 8 * 8);
                ForwardFma(x, w + (nint)from * job.K, bias == null ? null : bias + from, z + from, job.M, job.K, to - from, job.N, packed);
            }
        }

        /// <summary>An outer-product matrix product (fused with an SGD step when <paramref name="update"/> is set, see
        /// <see cref="OuterFma"/>), split over two threads by rows (whole tiles of 6) when big enough.</summary>
        private static unsafe void Outer(float* a, int rowStride, int colStride, float* b, float* c, int rows, int depth, int columns, float* update, float rate,
            bool rowsAreSamples)
        {
            if (Threads < 2 || rows < 12 || (long)rows * depth * columns < (rowsAreSamples ? SampleSplitWork : ParallelWork))
            {
                OuterFma(a, rowStride, colStride, b, c, rows, depth, columns, update, rate);
                return;
            }
            // Split near the middle on a whole tile of 6 rows: (rows / 2) rounded to the nearest multiple of 6.
            var job = new KernelJob
            {
                Body = &OuterPart, A = a, B = b, C = c, D = update, Rate = rate, M = rows, K = depth, N = columns,
                S0 = rowStride, S1 = colStride, Split = (rows / 2 + 3) / 6 * 6,
            };
            KernelThreads.Run(ref job);
        }

        /// <summary>One half of <see cref="Outer"/>: rows [0, Split) or [Split, M); S0 and S1 are A's row and column strides.</summary>
        private static unsafe void OuterPart(ref KernelJob job, int part)
        {
            int from = part == 0 ? 0 : job.Split, to = part == 0 ? job.Split : job.M;
            float* update = job.D == null ? null : (float*)job.D + (nint)from * job.N;
            OuterFma((float*)job.A + from * job.S0, (int)job.S0, (int)job.S1, (float*)job.B, (float*)job.C + (nint)from * job.N, to - from, job.K, job.N, update, job.Rate);
        }

        /// <summary>The forward tiles of the kernel path: <see cref="ForwardZmm"/> on AVX-512, else <see cref="ForwardYmm"/>
        /// (3 samples × 4 units per tile, 12 running dot products in 8-float vectors along the inputs; tails by dot products).</summary>
        private static unsafe void ForwardFma(float* x, float* w, float* bias, float* z, int m, int inputs, int units, int zStride, float* packed)
        {
            if (UseZmm && m >= 2 && units >= 8) ForwardZmm(x, w, bias, z, m, inputs, units, zStride, packed);
            else ForwardYmm(x, w, bias, z, m, inputs, units, zStride, packed);
        }

        /// <summary>The AVX2 path's forward tiles (<see cref="ForwardFma"/>).</summary>
        // Compiled fully optimised from the first call: tiering would first run (and profile) a slow version, and a profile
        // gathered on one shape (say single samples) lays out the loops badly for another (a batch of 10,000).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void ForwardYmm(float* x, float* w, float* bias, float* z, int m, int inputs, int units, int zStride, float* packed = null)
        {
            ref float xr = ref *x;
            ref float wr = ref *w;
            int vectors = inputs / 8 * 8;
            int tiledUnits = units / 4 * 4, tiledSamples = m / 3 * 3;
            // Unit groups outside, sample triples inside: the four weight rows of a group stay in L1 while the inputs
            // stream past from L2, three rows at a time in registers (7 vector loads per 12 FMAs).
            // Large batches go in blocks of samples small enough (with this core's weights) to stay in L2.
            int block = Math.Max(3, SampleBlockBytes / (inputs * sizeof(float)) / 3 * 3);
            for (int first = 0; first < tiledSamples; first += block)
            for (int j = 0; j < tiledUnits; j += 4)
            {
                ref float w0 = ref Unsafe.Add(ref wr, j * inputs);
                nint o1 = inputs, o2 = 2 * o1, o3 = 3 * o1;
                for (int s = first, last = Math.Min(first + block, tiledSamples); s < last; s += 3)
                {
                    ref float x0 = ref Unsafe.Add(ref xr, s * inputs);
                    ref float x1 = ref Unsafe.Add(ref x0, inputs);
                    ref float x2 = ref Unsafe.Add(ref x1, inputs);
                    Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default;
                    Vector256<float> a12 = default, a13 = default, a20 = default, a21 = default, a22 = default, a23 = default;
                    int i = 0;
                    // Two steps of 8 inputs per iteration (half the loop overhead; each accumulator still adds its products
                    // in input order), then a last step of 8 if the vectors are odd in number.
                    for (; i + 16 <= vectors; i += 16)
                    {
                        ref float wi = ref Unsafe.Add(ref w0, i);
                        Vector256<float> p = Vector256.LoadUnsafe(ref x0, (nuint)i), q = Vector256.LoadUnsafe(ref x1, (nuint)i), r = Vector256.LoadUnsafe(ref x2, (nuint)i);
                        Vector256<float> v = Vector256.LoadUnsafe(ref wi);
                        a00 = Fma.MultiplyAdd(p, v, a00); a10 = Fma.MultiplyAdd(q, v, a10); a20 = Fma.MultiplyAdd(r, v, a20);
                        v = Vector256.LoadUnsafe(ref Unsafe.Add(ref wi, o1));
                        a01 = Fma.MultiplyAdd(p, v, a01); a11 = Fma.MultiplyAdd(q, v, a11); a21 = Fma.MultiplyAdd(r, v, a21);
                        v = Vector256.LoadUnsafe(ref Unsafe.Add(ref wi, o2));
                        a02 = Fma.MultiplyAdd(p, v, a02); a12 = Fma.MultiplyAdd(q, v, a12); a22 = Fma.MultiplyAdd(r, v, a22);
                        v = Vector256.LoadUnsafe(ref Unsafe.Add(ref wi, o3));
                        a03 = Fma.MultiplyAdd(p, v, a03); a13 = Fma.MultiplyAdd(q, v, a13); a23 = Fma.MultiplyAdd(r, v, a23);
                        p = Vector256.LoadUnsafe(ref x0, (nuint)i + 8); q = Vector256.LoadUnsafe(ref x1, (nuint)i + 8); r = Vector256.LoadUnsafe(ref x2, (nuint)i + 8);
                        v = Vector256.LoadUnsafe(ref wi, 8);
                        a00 = Fma.MultiplyAdd(p, v, a00); a10 = Fma.MultiplyAdd(q, v, a10); a20 = Fma.MultiplyAdd(r, v, a20);
                        v = Vector256.LoadUnsafe(ref Unsafe.Add(ref wi, o1), 8);
                        a01 = Fma.MultiplyAdd(p, v, a01); a11 = Fma.MultiplyAdd(q, v, a11); a21 = Fma.MultiplyAdd(r, v, a21);
                        v = Vector256.LoadUnsafe(ref Unsafe.Add(ref wi, o2), 8);
                        a02 = Fma.MultiplyAdd(p, v, a02); a12 = Fma.MultiplyAdd(q, v, a12); a22 = Fma.MultiplyAdd(r, v, a22);
                        v = Vector256.LoadUnsafe(ref Unsafe.Add(ref wi, o3), 8);
                        a03 = Fma.MultiplyAdd(p, v, a03); a13 = Fma.MultiplyAdd(q, v, a13); a23 = Fma.MultiplyAdd(r, v, a23);
                    }
                    if (i < vectors)
                    {
                        ref float wi = ref Unsafe.Add(ref w0, i);
                        Vector256<float> p = Vector256.LoadUnsafe(ref x0, (nuint)i), q = Vector256.LoadUnsafe(ref x1, (nuint)i), r = Vector256.LoadUnsafe(ref x2, (nuint)i);
                        Vector256<float> v = Vector256.LoadUnsafe(ref wi);
                        a00 = Fma.MultiplyAdd(p, v, a00); a10 = Fma.MultiplyAdd(q, v, a10); a20 = Fma.MultiplyAdd(r, v, a20);
                        v = Vector256.LoadUnsafe(ref Unsafe.Add(ref wi, o1));
                        a01 = Fma.MultiplyAdd(p, v, a01); a11 = Fma.MultiplyAdd(q, v, a11); a21 = Fma.MultiplyAdd(r, v, a21);
                        v = Vector256.LoadUnsafe(ref Unsafe.Add(ref wi, o2));
                        a02 = Fma.MultiplyAdd(p, v, a02); a12 = Fma.MultiplyAdd(q, v, a12); a22 = Fma.MultiplyAdd(r, v, a22);
                        v = Vector256.LoadUnsafe(ref Unsafe.Add(ref wi, o3));
                        a03 = Fma.MultiplyAdd(p, v, a03); a13 = Fma.MultiplyAdd(q, v, a13); a23 = Fma.MultiplyAdd(r, v, a23);
                    }
                    float* zs = z + s * zStride + j;
                    Finish4(a00, a01, a02, a03, ref x0, ref w0, inputs, vectors, bias, j, zs);
                    Finish4(a10, a11, a12, a13, ref x1, ref w0, inputs, vectors, bias, j, zs + zStride);
                    Finish4(a20, a21, a22, a23, ref x2, ref w0, inputs, vectors, bias, j, zs + 2 * zStride);
                }
            }
            // Ragged edges: the last units % 4 of the tiled samples (three samples × two units, then × one), and the samples
            // beyond the last triple (all units, eight at a time so eight FMA chains overlap). Every output keeps its own
            // chain in the same operation order as in the tiles, so a sample's outputs do not depend on its batch.
            if (tiledUnits < units)
            {
                for (int s = 0; s < tiledSamples; s += 3)
                {
                    ref float x0 = ref Unsafe.Add(ref xr, s * inputs);
                    ref float x1 = ref Unsafe.Add(ref x0, inputs);
                    ref float x2 = ref Unsafe.Add(ref x1, inputs);
                    for (int j = tiledUnits; j < units; j += 2)
                    {
                        bool pair = j + 1 < units;
                        ref float w0 = ref Unsafe.Add(ref wr, j * inputs);
                        ref float w1 = ref pair ? ref Unsafe.Add(ref w0, inputs) : ref w0; // a lone last unit computes it twice
                        Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
                        for (int i = 0; i < vectors; i += 8)
                        {
                            Vector256<float> p = Vector256.LoadUnsafe(ref x0, (nuint)i), q = Vector256.LoadUnsafe(ref x1, (nuint)i), r = Vector256.LoadUnsafe(ref x2, (nuint)i);
                            Vector256<float> v = Vector256.LoadUnsafe(ref w0, (nuint)i);
                            a00 = Fma.MultiplyAdd(p, v, a00); a10 = Fma.MultiplyAdd(q, v, a10); a20 = Fma.MultiplyAdd(r, v, a20);
                            v = Vector256.LoadUnsafe(ref w1, (nuint)i);
                            a01 = Fma.MultiplyAdd(p, v, a01); a11 = Fma.MultiplyAdd(q, v, a11); a21 = Fma.MultiplyAdd(r, v, a21);
                        }
                        int o = s * zStride + j;
                        z[o] = Finish(a00, ref x0, ref w0, inputs, vectors, bias, j);
                        z[o + zStride] = Finish(a10, ref x1, ref w0, inputs, vectors, bias, j);
                        z[o + 2 * zStride] = Finish(a20, ref x2, ref w0, inputs, vectors, bias, j);
                        if (!pair) break;
                        z[o + 1] = Finish(a01, ref x0, ref w1, inputs, vectors, bias, j + 1);
                        z[o + zStride + 1] = Finish(a11, ref x1, ref w1, inputs, vectors, bias, j + 1);
                        z[o + 2 * zStride + 1] = Finish(a21, ref x2, ref w1, inputs, vectors, bias, j + 1);
                    }
                }
            }
            for (int s = tiledSamples; s < m; s++)
            {
                ref float xs = ref Unsafe.Add(ref xr, s * inputs);
                int j = 0;
                for (; j + 8 <= units; j += 8)
                {
                    // Eight chains keep both FMA ports busy despite the 4-cycle latency (a lone sample has no other reuse). The
                    // group's rows lie `row` floats apart and each 8 inputs `step` floats on: in W, inputs and 8; in the packed
                    // copy (inference), 8 and 64 — the eight rows as one sequential stream.
                    ref float w0 = ref Unsafe.Add(ref wr, j * inputs);
                    ref float g = ref packed != null ? ref Unsafe.AsRef<float>(packed + (nint)j * vectors) : ref w0;
                    nint row = packed != null ? 8 : inputs, step = packed != null ? 64 : 8;
                    Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                    for (int i = 0; i < vectors; i += 8, g = ref Unsafe.Add(ref g, step))
                    {
                        Vector256<float> p = Vector256.LoadUnsafe(ref xs, (nuint)i);
                        a0 = Fma.MultiplyAdd(p, Vector256.LoadUnsafe(ref g), a0);
                        a1 = Fma.MultiplyAdd(p, Vector256.LoadUnsafe(ref g, (nuint)row), a1);
                        a2 = Fma.MultiplyAdd(p, Vector256.LoadUnsafe(ref g, (nuint)(2 * row)), a2);
                        a3 = Fma.MultiplyAdd(p, Vector256.LoadUnsafe(ref g, (nuint)(3 * row)), a3);
                        a4 = Fma.MultiplyAdd(p, Vector256.LoadUnsafe(ref g, (nuint)(4 * row)), a4);
                        a5 = Fma.MultiplyAdd(p, Vector256.LoadUnsafe(ref g, (nuint)(5 * row)), a5);
                        a6 = Fma.MultiplyAdd(p, Vector256.LoadUnsafe(ref g, (nuint)(6 * row)), a6);
                        a7 = Fma.MultiplyAdd(p, Vector256.LoadUnsafe(ref g, (nuint)(7 * row)), a7);
                    }
                    Finish4(a0, a1, a2, a3, ref xs, ref w0, inputs, vectors, bias, j, z + s * zStride + j); // inputs beyond the last 8 from W
                    Finish4(a4, a5, a6, a7, ref xs, ref Unsafe.Add(ref w0, 4 * inputs), inputs, vectors, bias, j + 4, z + s * zStride + j + 4);
                }
                for (; j + 4 <= units; j += 4)
                {
                    ref float w0 = ref Unsafe.Add(ref wr, j * inputs);
                    ref float w1 = ref Unsafe.Add(ref w0, inputs);
                    ref float w2 = ref Unsafe.Add(ref w1, inputs);
                    ref float w3 = ref Unsafe.Add(ref w2, inputs);
                    Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    for (int i = 0; i < vectors; i += 8)
                    {
                        Vector256<float> p = Vector256.LoadUnsafe(ref xs, (nuint)i);
                        a0 = Fma.MultiplyAdd(p, Vector256.LoadUnsafe(ref w0, (nuint)i), a0);
                        a1 = Fma.MultiplyAdd(p, Vector256.LoadUnsafe(ref w1, (nuint)i), a1);
                        a2 = Fma.MultiplyAdd(p, Vector256.LoadUnsafe(ref w2, (nuint)i), a2);
                        a3 = Fma.MultiplyAdd(p, Vector256.LoadUnsafe(ref w3, (nuint)i), a3);
                    }
                    Finish4(a0, a1, a2, a3, ref xs, ref w0, inputs, vectors, bias, j, z + s * zStride + j);
                }
                for (; j < units; j++)
                {
                    ref float wj = ref Unsafe.Add(ref wr, j * inputs);
                    Vector256<float> a = default;
                    for (int i = 0; i < vectors; i += 8) a = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref xs, (nuint)i), Vector256.LoadUnsafe(ref wj, (nuint)i), a);
                    z[s * zStride + j] = Finish(a, ref xs, ref wj, inputs, vectors, bias, j);
                }
            }
        }

        /// <summary>
        /// The AVX-512 path's forward tiles: 6 samples × 8 units in 24 zmm accumulators, each holding two samples' 8-lane
        /// chains of one unit (lanes 0–7 the first sample of a pair, 8–15 the second). Per 8 inputs, a pair's two 8-float
        /// pieces go into one zmm register (a load and an insert) and each weight row's piece is broadcast to both halves, so
        /// 3 pairs and 8 broadcasts feed 24 FMAs of 16 floats — twice the work per instruction of AVX2's 8-float tiles, with
        /// every lane still the same chain of FMAs. Each output is finished by the same <see cref="Finish4"/> reduction as in
        /// <see cref="ForwardYmm"/>, so the results are the AVX2 path's to the bit. With a packed copy (inference) the tiles of 6
        /// read it instead (<see cref="PackedTile"/>: no inserts). The pairs left over in a block of samples run as 2 samples ×
        /// 8 units; the units beyond the last 8 and a last odd sample go to <see cref="ForwardYmm"/>'s tiles.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void ForwardZmm(float* x, float* w, float* bias, float* z, int m, int inputs, int units, int zStride, float* packed)
        {
            t_zmmCalls++;
            int vectors = inputs / 8 * 8;
            int tiledUnits = units / 8 * 8, pairedSamples = m / 2 * 2;
            int block = Math.Max(6, SampleBlockBytes / (inputs * sizeof(float)) / 6 * 6);
            nint stride = inputs;
            for (int first = 0; first < pairedSamples; first += block)
            for (int j = 0; j < tiledUnits; j += 8)
            {
                float* w0 = w + (nint)j * inputs;
                int last = Math.Min(first + block, pairedSamples), s = first;
                if (packed != null) // inference: the tiles of 6 read the packed copy (PackedTile), without the pairs' inserts
                    for (; s + 6 <= last; s += 6)
                        PackedTile(x + (nint)s * inputs, stride, packed + (nint)j * vectors, w0, inputs, vectors, bias, j, z + (nint)s * zStride + j, zStride);
                for (; s + 6 <= last; s += 6)
                {
                    float* x0 = x + (nint)s * inputs;
                    Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a04 = default, a05 = default, a06 = default, a07 = default;
                    Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default, a16 = default, a17 = default;
                    Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a24 = default, a25 = default, a26 = default, a27 = default;
                    for (int i = 0; i < vectors; i += 8)
                    {
                        float* xi = x0 + i;
                        Vector512<float> p = Pair(xi, xi + stride), q = Pair(xi + 2 * stride, xi + 3 * stride), r = Pair(xi + 4 * stride, xi + 5 * stride);
                        float* wi = w0 + i;
                        Vector512<float> v = Both(wi);
                        a00 = Avx512F.FusedMultiplyAdd(p, v, a00); a10 = Avx512F.FusedMultiplyAdd(q, v, a10); a20 = Avx512F.FusedMultiplyAdd(r, v, a20);
                        v = Both(wi + stride);
                        a01 = Avx512F.FusedMultiplyAdd(p, v, a01); a11 = Avx512F.FusedMultiplyAdd(q, v, a11); a21 = Avx512F.FusedMultiplyAdd(r, v, a21);
                        v = Both(wi + 2 * stride);
                        a02 = Avx512F.FusedMultiplyAdd(p, v, a02); a12 = Avx512F.FusedMultiplyAdd(q, v, a12); a22 = Avx512F.FusedMultiplyAdd(r, v, a22);
                        v = Both(wi + 3 * stride);
                        a03 = Avx512F.FusedMultiplyAdd(p, v, a03); a13 = Avx512F.FusedMultiplyAdd(q, v, a13); a23 = Avx512F.FusedMultiplyAdd(r, v, a23);
                        v = Both(wi + 4 * stride);
                        a04 = Avx512F.FusedMultiplyAdd(p, v, a04); a14 = Avx512F.FusedMultiplyAdd(q, v, a14); a24 = Avx512F.FusedMultiplyAdd(r, v, a24);
                        v = Both(wi + 5 * stride);
                        a05 = Avx512F.FusedMultiplyAdd(p, v, a05); a15 = Avx512F.FusedMultiplyAdd(q, v, a15); a25 = Avx512F.FusedMultiplyAdd(r, v, a25);
                        v = Both(wi + 6 * stride);
                        a06 = Avx512F.FusedMultiplyAdd(p, v, a06); a16 = Avx512F.FusedMultiplyAdd(q, v, a16); a26 = Avx512F.FusedMultiplyAdd(r, v, a26);
                        v = Both(wi + 7 * stride);
                        a07 = Avx512F.FusedMultiplyAdd(p, v, a07); a17 = Avx512F.FusedMultiplyAdd(q, v, a17); a27 = Avx512F.FusedMultiplyAdd(r, v, a27);
                    }
                    float* zs = z + (nint)s * zStride + j;
                    FinishPair(a00, a01, a02, a03, a04, a05, a06, a07, x0, stride, w0, inputs, vectors, bias, j, zs, zStride);
                    FinishPair(a10, a11, a12, a13, a14, a15, a16, a17, x0 + 2 * stride, stride, w0, inputs, vectors, bias, j, zs + 2 * zStride, zStride);
                    FinishPair(a20, a21, a22, a23, a24, a25, a26, a27, x0 + 4 * stride, stride, w0, inputs, vectors, bias, j, zs + 4 * zStride, zStride);
                }
                for (; s < last; s += 2)
                {
                    float* x0 = x + (nint)s * inputs;
                    Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                    for (int i = 0; i < vectors; i += 8)
                    {
                        Vector512<float> p = Pair(x0 + i, x0 + stride + i);
                        float* wi = w0 + i;
                        a0 = Avx512F.FusedMultiplyAdd(p, Both(wi), a0); a1 = Avx512F.FusedMultiplyAdd(p, Both(wi + stride), a1);
                        a2 = Avx512F.FusedMultiplyAdd(p, Both(wi + 2 * stride), a2); a3 = Avx512F.FusedMultiplyAdd(p, Both(wi + 3 * stride), a3);
                        a4 = Avx512F.FusedMultiplyAdd(p, Both(wi + 4 * stride), a4); a5 = Avx512F.FusedMultiplyAdd(p, Both(wi + 5 * stride), a5);
                        a6 = Avx512F.FusedMultiplyAdd(p, Both(wi + 6 * stride), a6); a7 = Avx512F.FusedMultiplyAdd(p, Both(wi + 7 * stride), a7);
                    }
                    FinishPair(a0, a1, a2, a3, a4, a5, a6, a7, x0, stride, w0, inputs, vectors, bias, j, z + (nint)s * zStride + j, zStride);
                }
            }
            // The rest on the AVX2 tiles (bit-identical outputs wherever a sample or unit falls): the last units % 8 of the
            // paired samples, then every unit of a last odd sample (which reads the packed copy when there is one).
            if (tiledUnits < units)
                ForwardYmm(x, w + (nint)tiledUnits * inputs, bias == null ? null : bias + tiledUnits, z + tiledUnits, pairedSamples, inputs, units - tiledUnits, zStride);
            if (pairedSamples < m)
                ForwardYmm(x + (nint)pairedSamples * inputs, w, bias, z + (nint)pairedSamples * zStride, m - pairedSamples, inputs, units, zStride, packed);
        }

        /// <summary>
        /// A forward tile of 6 samples × 8 units from the packed copy (<see cref="PackWeights"/>), for inference: there rows 2q and
        /// 2q + 1 of a group are 16 adjacent floats per 8 inputs, so each zmm register holds one sample's chains of two units —
        /// per 8 inputs 4 weight loads and 6 broadcasts of the samples' pieces feed 24 FMAs, with none of the inserts that
        /// pairing samples needs (the inserts cost 8 % of the product). Every lane is the AVX2 tile's chain and every output
        /// the same <see cref="Finish4"/> reduction, so the bits are those of the unpacked tiles.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void PackedTile(float* x0, nint stride, float* g, float* w0, int inputs, int vectors, float* bias, int j, float* z, int zStride)
        {
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
            Vector512<float> a40 = default, a41 = default, a42 = default, a43 = default, a50 = default, a51 = default, a52 = default, a53 = default;
            for (int i = 0; i < vectors; i += 8, g += 64)
            {
                float* xi = x0 + i;
                Vector512<float> v0 = Vector512.Load(g), v1 = Vector512.Load(g + 16), v2 = Vector512.Load(g + 32), v3 = Vector512.Load(g + 48);
                Vector512<float> p = Both(xi);
                a00 = Avx512F.FusedMultiplyAdd(p, v0, a00); a01 = Avx512F.FusedMultiplyAdd(p, v1, a01); a02 = Avx512F.FusedMultiplyAdd(p, v2, a02); a03 = Avx512F.FusedMultiplyAdd(p, v3, a03);
                p = Both(xi + stride);
                a10 = Avx512F.FusedMultiplyAdd(p, v0, a10); a11 = Avx512F.FusedMultiplyAdd(p, v1, a11); a12 = Avx512F.FusedMultiplyAdd(p, v2, a12); a13 = Avx512F.FusedMultiplyAdd(p, v3, a13);
                p = Both(xi + 2 * stride);
                a20 = Avx512F.FusedMultiplyAdd(p, v0, a20); a21 = Avx512F.FusedMultiplyAdd(p, v1, a21); a22 = Avx512F.FusedMultiplyAdd(p, v2, a22); a23 = Avx512F.FusedMultiplyAdd(p, v3, a23);
                p = Both(xi + 3 * stride);
                a30 = Avx512F.FusedMultiplyAdd(p, v0, a30); a31 = Avx512F.FusedMultiplyAdd(p, v1, a31); a32 = Avx512F.FusedMultiplyAdd(p, v2, a32); a33 = Avx512F.FusedMultiplyAdd(p, v3, a33);
                p = Both(xi + 4 * stride);
                a40 = Avx512F.FusedMultiplyAdd(p, v0, a40); a41 = Avx512F.FusedMultiplyAdd(p, v1, a41); a42 = Avx512F.FusedMultiplyAdd(p, v2, a42); a43 = Avx512F.FusedMultiplyAdd(p, v3, a43);
                p = Both(xi + 5 * stride);
                a50 = Avx512F.FusedMultiplyAdd(p, v0, a50); a51 = Avx512F.FusedMultiplyAdd(p, v1, a51); a52 = Avx512F.FusedMultiplyAdd(p, v2, a52); a53 = Avx512F.FusedMultiplyAdd(p, v3, a53);
            }
            FinishUnitPairs(a00, a01, a02, a03, x0, w0, inputs, vectors, bias, j, z);
            FinishUnitPairs(a10, a11, a12, a13, x0 + stride, w0, inputs, vectors, bias, j, z + zStride);
            FinishUnitPairs(a20, a21, a22, a23, x0 + 2 * stride, w0, inputs, vectors, bias, j, z + 2 * zStride);
            FinishUnitPairs(a30, a31, a32, a33, x0 + 3 * stride, w0, inputs, vectors, bias, j, z + 3 * zStride);
            FinishUnitPairs(a40, a41, a42, a43, x0 + 4 * stride, w0, inputs, vectors, bias, j, z + 4 * zStride);
            FinishUnitPairs(a50, a51, a52, a53, x0 + 5 * stride, w0, inputs, vectors, bias, j, z + 5 * zStride);
        }

        /// <summary>One sample's outputs for units j … j + 7 from four registers of unit pairs (lower half unit 2q, upper half
        /// 2q + 1), with <see cref="Finish4"/>'s additions.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void FinishUnitPairs(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
            float* x, float* w0, int inputs, int vectors, float* bias, int j, float* z)
        {
            ref float xr = ref *x;
            Finish4(a0.GetLower(), a0.GetUpper(), a1.GetLower(), a1.GetUpper(), ref xr, ref *w0, inputs, vectors, bias, j, z);
            Finish4(a2.GetLower(), a2.GetUpper(), a3.GetLower(), a3.GetUpper(), ref xr, ref *(w0 + 4 * (nint)inputs), inputs, vectors, bias, j + 4, z + 4);
        }

        /// <summary>Two samples' 8 inputs from <paramref name="lower"/> and <paramref name="upper"/> in one zmm register.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector512<float> Pair(float* lower, float* upper) =>
            Avx512F.InsertVector256(Vector256.Load(lower).ToVector512Unsafe(), Vector256.Load(upper), 1);

        /// <summary>8 floats from <paramref name="piece"/> in both halves of a zmm register (one broadcast load).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector512<float> Both(float* piece) => Avx512F.BroadcastVector256ToVector512((double*)piece).AsSingle();

        /// <summary>The outputs of a pair of samples (rows <paramref name="x0"/> and <paramref name="x0"/> + <paramref name="stride"/>)
        /// for units j … j + 7: each accumulator's lower half finishes the first sample's output, its upper half the second's,
        /// with <see cref="Finish4"/>'s additions.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void FinishPair(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
            Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7,
            float* x0, nint stride, float* w0, int inputs, int vectors, float* bias, int j, float* z, int zStride)
        {
            ref float w0r = ref *w0, w4r = ref *(w0 + 4 * (nint)inputs), x0r = ref *x0, x1r = ref *(x0 + stride);
            Finish4(a0.GetLower(), a1.GetLower(), a2.GetLower(), a3.GetLower(), ref x0r, ref w0r, inputs, vectors, bias, j, z);
            Finish4(a4.GetLower(), a5.GetLower(), a6.GetLower(), a7.GetLower(), ref x0r, ref w4r, inputs, vectors, bias, j + 4, z + 4);
            Finish4(a0.GetUpper(), a1.GetUpper(), a2.GetUpper(), a3.GetUpper(), ref x1r, ref w0r, inputs, vectors, bias, j, z + zStride);
            Finish4(a4.GetUpper(), a5.GetUpper(), a6.GetUpper(), a7.GetUpper(), ref x1r, ref w4r, inputs, vectors, bias, j + 4, z + zStride + 4);
        }

        /// <summary>One output: the lanes' sum ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)), then the scalar tail
        /// (inputs % 8), then the bias. Every path of the forward kernel ends an output with these additions in this order
        /// (<see cref="Finish4"/> does four at once), so a sample's outputs do not depend on the tile it fell into.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe float Finish(Vector256<float> a, ref float x, ref float w, int inputs, int vectors, float* bias, int j)
        {
            Vector256<float> pairs = Avx.HorizontalAdd(a, a);   // a0+a1, a2+a3, …, a4+a5, a6+a7, …
            Vector256<float> quads = Avx.HorizontalAdd(pairs, pairs);
            float d = quads.ToScalar() + quads.GetUpper().ToScalar();
            for (int i = vectors; i < inputs; i++) d += Unsafe.Add(ref x, i) * Unsafe.Add(ref w, i);
            return bias == null ? d : d + bias[j];
        }

        /// <summary>Four outputs of one sample (units j … j + 3, the rows from <paramref name="w0"/> on) into
        /// <paramref name="target"/>, each with the additions of <see cref="Finish"/>: two horizontal adds put
        /// ((a0 + a1) + (a2 + a3)) of all four accumulators in one half and ((a4 + a5) + (a6 + a7)) in the other, one add of
        /// the halves and one of the bias finish them (instead of four separate reductions).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void Finish4(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3,
            ref float x, ref float w0, int inputs, int vectors, float* bias, int j, float* target)
        {
            if (vectors == inputs)
            {
                Vector256<float> quads = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
                Vector128<float> sums = quads.GetLower() + quads.GetUpper();
                if (bias != null) sums += Vector128.Load(bias + j);
                sums.Store(target);
                return;
            }
            target[0] = Finish(a0, ref x, ref w0, inputs, vectors, bias, j);
            target[1] = Finish(a1, ref x, ref Unsafe.Add(ref w0, inputs), inputs, vectors, bias, j + 1);
            target[2] = Finish(a2, ref x, ref Unsafe.Add(ref w0, 2 * inputs), inputs, vectors, bias, j + 2);
            target[3] = Finish(a3, ref x, ref Unsafe.Add(ref w0, 3 * inputs), inputs, vectors, bias, j + 3);
        }

        /// <summary>
        /// C[rows × columns] = A · B with A(r, p) = a[r·rowStride + p·colStride] and B [depth × columns] row-major.
        /// Tiles of 6 rows × 16 columns live in twelve registers for the whole reduction; ragged edges fall back to axpy.
        /// With <paramref name="update"/> (a matrix shaped like C) the product is an SGD gradient: each finished tile goes
        /// into <c>update ← update − rate·tile</c> instead of C (ragged edges are formed in C and then applied the same way).
        /// </summary>
        // Compiled fully optimised from the first call: tiering would first run (and profile) a slow version, and a profile
        // gathered on one shape (say single samples) lays out the loops badly for another (a batch of 10,000).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void OuterFma(float* a, int rowStride, int colStride, float* b, float* c, int rows, int depth, int columns, float* update, float rate)
        {
            ref float ar = ref *a;
            ref float br = ref *b;
            ref float cr = ref *c;
            int wide = columns / 16 * 16, tiledRows = rows / 6 * 6;
            // AVX-512: the columns in whole panels of 64 go to 6 × 64 tiles in zmm registers (OuterZmm); the 16-column panels
            // below finish the rest. Each element of C is the same chain of FMAs over p in either, so the result is the same.
            int zmmColumns = UseZmm && tiledRows > 0 ? columns / 64 * 64 : 0;
            if (zmmColumns > 0) OuterZmm(a, rowStride, colStride, b, c, tiledRows, depth, columns, zmmColumns, update, rate);
            nint r1 = rowStride, r2 = 2 * r1, r3 = 3 * r1, r4 = 4 * r1, r5 = 5 * r1, aStride = colStride, bStride = columns;
            // Column panels outside, row tiles inside: the panel of B (depth × 16 floats) stays in L1 while every tile of
            // rows streams past it, instead of B streaming from L2 once per tile of rows. When all of B fits in L1 anyway
            // (a short reduction: ∂W of a handful of samples), row tiles go outside instead, so C (or the weights an SGD
            // step updates) is swept row after row rather than one 64-byte piece of every row per panel.
            bool rowsOutside = (long)depth * columns * sizeof(float) <= 16 * 1024;
            int firstPanel = zmmColumns / 16, panels = wide / 16 - firstPanel, rowTiles = tiledRows / 6;
            int outerCount = rowsOutside ? rowTiles : panels, innerCount = rowsOutside ? panels : rowTiles;
            for (int outer = 0; outer < outerCount; outer++)
            {
                for (int inner = 0; inner < innerCount; inner++)
                {
                    int r = 6 * (rowsOutside ? outer : inner), n = 16 * (firstPanel + (rowsOutside ? inner : outer));
                    Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
                    Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
                    // Pointers advance by their strides (no index arithmetic in the loop: it is issue-bound otherwise).
                    ref float row = ref Unsafe.Add(ref br, n);
                    ref float ap = ref Unsafe.Add(ref ar, r * rowStride);
                    if (rowStride == 1)
                    {
                        // A's rows are adjacent (∂W: δ[s, j … j + 5]): constant offsets leave the registers to the loop
                        // (with five offset registers the JIT spills two and reloads them every step).
                        for (int p = 0; p < depth; p++)
                        {
                            Vector256<float> b0 = Vector256.LoadUnsafe(ref row), b1 = Vector256.LoadUnsafe(ref row, 8);
                            Vector256<float> x = Vector256.Create(ap);
                            c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
                            x = Vector256.Create(Unsafe.Add(ref ap, 1));
                            c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
                            x = Vector256.Create(Unsafe.Add(ref ap, 2));
                            c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
                            x = Vector256.Create(Unsafe.Add(ref ap, 3));
                            c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
                            x = Vector256.Create(Unsafe.Add(ref ap, 4));
                            c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
                            x = Vector256.Create(Unsafe.Add(ref ap, 5));
                            c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);
                            row = ref Unsafe.Add(ref row, bStride);
                            ap = ref Unsafe.Add(ref ap, aStride);
                        }
                    }
                    else
                    {
                        for (int p = 0; p < depth; p++)
                        {
                            Vector256<float> b0 = Vector256.LoadUnsafe(ref row), b1 = Vector256.LoadUnsafe(ref row, 8);
                            Vector256<float> x = Vector256.Create(ap);
                            c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
                            x = Vector256.Create(Unsafe.Add(ref ap, r1));
                            c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
                            x = Vector256.Create(Unsafe.Add(ref ap, r2));
                            c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
                            x = Vector256.Create(Unsafe.Add(ref ap, r3));
                            c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
                            x = Vector256.Create(Unsafe.Add(ref ap, r4));
                            c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
                            x = Vector256.Create(Unsafe.Add(ref ap, r5));
                            c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);
                            row = ref Unsafe.Add(ref row, bStride);
                            ap = ref Unsafe.Add(ref ap, aStride);
                        }
                    }
                    if (update != null)
                    {
                        ref float un = ref *(update + r * columns + n);
                        Vector256<float> k = Vector256.Create(rate);
                        Descend(ref un, c00, c01, k);
                        Descend(ref Unsafe.Add(ref un, columns), c10, c11, k);
                        Descend(ref Unsafe.Add(ref un, 2 * columns), c20, c21, k);
                        Descend(ref Unsafe.Add(ref un, 3 * columns), c30, c31, k);
                        Descend(ref Unsafe.Add(ref un, 4 * columns), c40, c41, k);
                        Descend(ref Unsafe.Add(ref un, 5 * columns), c50, c51, k);
                        continue;
                    }
                    ref float cn = ref Unsafe.Add(ref cr, r * columns + n);
                    c00.StoreUnsafe(ref cn); c01.StoreUnsafe(ref cn, 8);
                    c10.StoreUnsafe(ref cn, (nuint)columns); c11.StoreUnsafe(ref cn, (nuint)(columns + 8));
                    c20.StoreUnsafe(ref cn, (nuint)(2 * columns)); c21.StoreUnsafe(ref cn, (nuint)(2 * columns + 8));
                    c30.StoreUnsafe(ref cn, (nuint)(3 * columns)); c31.StoreUnsafe(ref cn, (nuint)(3 * columns + 8));
                    c40.StoreUnsafe(ref cn, (nuint)(4 * columns)); c41.StoreUnsafe(ref cn, (nuint)(4 * columns + 8));
                    c50.StoreUnsafe(ref cn, (nuint)(5 * columns)); c51.StoreUnsafe(ref cn, (nuint)(5 * columns + 8));
                }
            }
            // Ragged edges: the rows beyond the last tile of 6 over the whole panels, in registers (OuterRow); then the last
            // columns % 16 of every row by axpy. Both add each product with a multiply and an add, in the order of p.
            for (int row = tiledRows; row < rows; row++)
                OuterRow(a + row * rowStride, colStride, b, c + (nint)row * columns, depth, columns, wide, update == null ? null : update + (nint)row * columns, rate);
            for (int row = 0; row < rows && wide < columns; row++)
            {
                int from = wide;
                var target = new Span<float>(c + row * columns + from, columns - from);
                target.Clear();
                for (int p = 0; p < depth; p++)
                    Numerics.Axpy(Unsafe.Add(ref ar, row * rowStride + p * colStride), new ReadOnlySpan<float>(b + p * columns + from, columns - from), target);
                if (update != null) SgdUpdate(new Span<float>(update + row * columns + from, columns - from), target, rate);
            }
        }

        /// <summary>
        /// One row of <see cref="OuterFma"/>'s product beyond its tiles of 6, over the first <paramref name="wide"/> columns (a
        /// multiple of 16): 64 columns at a time in four zmm registers on the AVX-512 path, then 16 at a time in two ymm registers.
        /// Each element adds its products over p with a multiply and then an add — the two roundings and the order of the axpy
        /// per p that these rows used before (<see cref="Numerics.Axpy(float, ReadOnlySpan{float}, Span{float})"/>), so the bits
        /// are the same on both paths and as before; only the sum stays in a register instead of going through memory at every p.
        /// With <paramref name="update"/>, the SGD step (<see cref="Descend"/>) instead of the store.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void OuterRow(float* a, nint aStride, float* b, float* c, int depth, int columns, int wide, float* update, float rate)
        {
            int n = 0;
            if (UseZmm)
            {
                for (; n + 64 <= wide; n += 64)
                {
                    Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
                    float* row = b + n, ap = a;
                    for (int p = 0; p < depth; p++, row += columns, ap += aStride)
                    {
                        Vector512<float> x = Vector512.Create(*ap);
                        c0 += x * Vector512.Load(row); c1 += x * Vector512.Load(row + 16);
                        c2 += x * Vector512.Load(row + 32); c3 += x * Vector512.Load(row + 48);
                    }
                    if (update != null) DescendZmm(update + n, c0, c1, c2, c3, Vector512.Create(rate));
                    else Store4(c + n, c0, c1, c2, c3);
                }
            }
            for (; n < wide; n += 16)
            {
                Vector256<float> c0 = default, c1 = default;
                float* row = b + n, ap = a;
                for (int p = 0; p < depth; p++, row += columns, ap += aStride)
                {
                    Vector256<float> x = Vector256.Create(*ap);
                    c0 += x * Vector256.Load(row); c1 += x * Vector256.Load(row + 8);
                }
                if (update != null) Descend(ref *(update + n), c0, c1, Vector256.Create(rate));
                else { c0.Store(c + n); c1.Store(c + n + 8); }
            }
        }

        /// <summary>
        /// The AVX-512 tiles of <see cref="OuterFma"/>: the first <paramref name="rows"/> rows (a multiple of 6) × the first
        /// <paramref name="panelColumns"/> columns (a multiple of 64), in tiles of 6 rows × 64 columns held in 24 of the 32 zmm
        /// registers over the whole reduction (4 loads of B and 6 broadcasts of A per 24 FMAs of 16 floats, against 2 and 6 per
        /// 12 FMAs of 8 floats in the AVX2 tile). Loop order and the SGD fusion as in <see cref="OuterFma"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void OuterZmm(float* a, int rowStride, int colStride, float* b, float* c, int rows, int depth, int columns, int panelColumns,
            float* update, float rate)
        {
            t_zmmCalls++;
            nint aStride = colStride, bStride = columns;
            bool rowsOutside = (long)depth * columns * sizeof(float) <= 16 * 1024;
            int panels = panelColumns / 64, rowTiles = rows / 6;
            int outerCount = rowsOutside ? rowTiles : panels, innerCount = rowsOutside ? panels : rowTiles;
            for (int outer = 0; outer < outerCount; outer++)
            {
                for (int inner = 0; inner < innerCount; inner++)
                {
                    int r = 6 * (rowsOutside ? outer : inner), n = 64 * (rowsOutside ? inner : outer);
                    Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
                    Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
                    Vector512<float> c40 = default, c41 = default, c42 = default, c43 = default, c50 = default, c51 = default, c52 = default, c53 = default;
                    float* row = b + n;
                    float* ap = a + (nint)r * rowStride;
                    nint r1 = rowStride, r2 = 2 * r1, r3 = 3 * r1, r4 = 4 * r1, r5 = 5 * r1;
                    for (int p = 0; p < depth; p++)
                    {
                        Vector512<float> b0 = Vector512.Load(row), b1 = Vector512.Load(row + 16), b2 = Vector512.Load(row + 32), b3 = Vector512.Load(row + 48);
                        Vector512<float> x = Vector512.Create(*ap);
                        c00 = Avx512F.FusedMultiplyAdd(x, b0, c00); c01 = Avx512F.FusedMultiplyAdd(x, b1, c01); c02 = Avx512F.FusedMultiplyAdd(x, b2, c02); c03 = Avx512F.FusedMultiplyAdd(x, b3, c03);
                        x = Vector512.Create(ap[r1]);
                        c10 = Avx512F.FusedMultiplyAdd(x, b0, c10); c11 = Avx512F.FusedMultiplyAdd(x, b1, c11); c12 = Avx512F.FusedMultiplyAdd(x, b2, c12); c13 = Avx512F.FusedMultiplyAdd(x, b3, c13);
                        x = Vector512.Create(ap[r2]);
                        c20 = Avx512F.FusedMultiplyAdd(x, b0, c20); c21 = Avx512F.FusedMultiplyAdd(x, b1, c21); c22 = Avx512F.FusedMultiplyAdd(x, b2, c22); c23 = Avx512F.FusedMultiplyAdd(x, b3, c23);
                        x = Vector512.Create(ap[r3]);
                        c30 = Avx512F.FusedMultiplyAdd(x, b0, c30); c31 = Avx512F.FusedMultiplyAdd(x, b1, c31); c32 = Avx512F.FusedMultiplyAdd(x, b2, c32); c33 = Avx512F.FusedMultiplyAdd(x, b3, c33);
                        x = Vector512.Create(ap[r4]);
                        c40 = Avx512F.FusedMultiplyAdd(x, b0, c40); c41 = Avx512F.FusedMultiplyAdd(x, b1, c41); c42 = Avx512F.FusedMultiplyAdd(x, b2, c42); c43 = Avx512F.FusedMultiplyAdd(x, b3, c43);
                        x = Vector512.Create(ap[r5]);
                        c50 = Avx512F.FusedMultiplyAdd(x, b0, c50); c51 = Avx512F.FusedMultiplyAdd(x, b1, c51); c52 = Avx512F.FusedMultiplyAdd(x, b2, c52); c53 = Avx512F.FusedMultiplyAdd(x, b3, c53);
                        row += bStride;
                        ap += aStride;
                    }
                    float* target = (update != null ? update : c) + (nint)r * columns + n;
                    if (update != null)
                    {
                        Vector512<float> k = Vector512.Create(rate);
                        DescendZmm(target, c00, c01, c02, c03, k);
                        DescendZmm(target + columns, c10, c11, c12, c13, k);
                        DescendZmm(target + 2 * columns, c20, c21, c22, c23, k);
                        DescendZmm(target + 3 * columns, c30, c31, c32, c33, k);
                        DescendZmm(target + 4 * columns, c40, c41, c42, c43, k);
                        DescendZmm(target + 5 * columns, c50, c51, c52, c53, k);
                        continue;
                    }
                    Store4(target, c00, c01, c02, c03);
                    Store4(target + columns, c10, c11, c12, c13);
                    Store4(target + 2 * columns, c20, c21, c22, c23);
                    Store4(target + 3 * columns, c30, c31, c32, c33);
                    Store4(target + 4 * columns, c40, c41, c42, c43);
                    Store4(target + 5 * columns, c50, c51, c52, c53);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void Store4(float* target, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3)
        {
            v0.Store(target); v1.Store(target + 16); v2.Store(target + 32); v3.Store(target + 48);
        }

        /// <summary>64 parameters of one row of an SGD tile, <c>w ← w − rate·g</c> (the two roundings of <see cref="Descend"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void DescendZmm(float* w, Vector512<float> g0, Vector512<float> g1, Vector512<float> g2, Vector512<float> g3, Vector512<float> rate)
        {
            (Vector512.Load(w) - rate * g0).Store(w);
            (Vector512.Load(w + 16) - rate * g1).Store(w + 16);
            (Vector512.Load(w + 32) - rate * g2).Store(w + 32);
            (Vector512.Load(w + 48) - rate * g3).Store(w + 48);
        }

        /// <summary>Sixteen parameters of one row of an SGD tile: <c>w ← w − rate·g</c> (multiply, then subtract: the same
        /// two roundings as <see cref="SgdUpdate(Span{float}, ReadOnlySpan{float}, float)"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Descend(ref float w, Vector256<float> g0, Vector256<float> g1, Vector256<float> rate)
        {
            (Vector256.LoadUnsafe(ref w) - rate * g0).StoreUnsafe(ref w);
            (Vector256.LoadUnsafe(ref w, 8) - rate * g1).StoreUnsafe(ref w, 8);
        }
#endif
    }
}
