using System;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>
    /// Issue 18: the kernel path is chosen once from the CPU, and the AVX-512 path's zmm tiles give the AVX2 path's results to
    /// the bit (each element of a product is the same chain of FMAs in either). On an AVX-512 machine both run in this process
    /// (<c>Kernels.UseZmm</c> off and on); CI also runs the kernel tests with <c>DOTNET_EnableAVX512=0</c>, where the AVX2
    /// path is the one chosen.
    /// </summary>
    [Collection(nameof(KernelThreadTests))]
    public sealed class KernelPathTests
    {
        [Fact]
        public void ThePathIsWhatTheCpuAndRuntimeSupport()
        {
            KernelPath expected = Fma.IsSupported && Avx2.IsSupported && Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? KernelPath.Avx512
                : Fma.IsSupported && Avx2.IsSupported ? KernelPath.Avx2 : KernelPath.Portable;
            Assert.Equal(expected, Kernels.Path);
            // .NET 10's switch is DOTNET_EnableAVX512 (DOTNET_EnableAVX512F=0 alone leaves AVX-512 on: measured); ./test.sh sets it.
            if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0") Assert.NotEqual(KernelPath.Avx512, Kernels.Path);
            Assert.Equal(Kernels.Path == KernelPath.Avx512, Kernels.UseZmm);
        }

        [Theory]
        [InlineData(64, 784, 128)]  // TinyNN's first layer: 12 zmm panels and one 16-column panel
        [InlineData(7, 200, 13)]    // ragged rows, 3 zmm panels and a ragged 8-column edge
        [InlineData(33, 130, 64)]   // a 2-column edge
        [InlineData(256, 128, 10)]  // the output layer: ∂X on zmm, ∂W's 10 rows one tile of 6
        [InlineData(12, 64, 6)]
        [InlineData(1, 784, 128)]   // a lone sample: the AVX2 forward, the zmm ∂X
        [InlineData(4, 20, 9)]      // inputs not a whole number of vectors
        [InlineData(2, 784, 128)]   // the forward's lone pair of samples (2 × 8 zmm tiles)
        [InlineData(8, 33, 17)]     // a forward tile of 6 samples, then a pair; a unit beyond the 8-unit tiles
        [InlineData(13, 16, 24)]    // two forward tiles of 6, then a lone sample on the AVX2 tiles
        public void ZmmAndYmmTilesGiveTheSameBits(int m, int inputs, int units)
        {
            if (Kernels.Path != KernelPath.Avx512) return; // nothing to compare: this CPU has one path (CI runs the other machine kind too)
            float[] x = TestData.NormalSingle(m * inputs, m + inputs);
            float[] w = TestData.NormalSingle(units * inputs, units);
            float[] delta = TestData.NormalSingle(m * units, 11);
            float[][] Run()
            {
                var z = new float[m * units];
                Kernels.DenseForward(x, w, delta.AsSpan(0, units), z, m, inputs, units);
                var dw = new float[units * inputs];
                var db = new float[units];
                var dx = new float[m * inputs];
                Kernels.DenseBackward(delta, x, w, dw, db, dx, m, inputs, units);
                float[] fused = (float[])w.Clone(), bias = new float[units], scratchW = new float[units * inputs], scratchB = new float[units], dx2 = new float[m * inputs];
                Kernels.DenseBackward(delta, x, fused, bias, scratchW, scratchB, dx2, m, inputs, units, 0.01f);
                return new[] { z, dw, db, dx, fused, bias, dx2 };
            }
            foreach (int threads in new[] { 1, 2 })
            {
                long before = Kernels.t_zmmCalls;
                float[][] zmm = TestData.WithThreads(threads, Run);
                Assert.True(Kernels.t_zmmCalls > before, "the zmm tiles did not run"); // on this thread: all of it on 1 thread, part 0 on 2
                float[][] ymm = WithoutZmm(() => TestData.WithThreads(threads, Run));
                for (int i = 0; i < zmm.Length; i++) Assert.Equal(TestData.Bits(ymm[i]), TestData.Bits(zmm[i]));
            }
        }

        [Fact]
        public void TrainingOnEitherPathGivesTheSameBits()
        {
            if (Kernels.Path != KernelPath.Avx512) return;
            float[] Train<TNet>(Func<TNet> create, int batch) where TNet : INetwork<float>
            {
                TNet net = create();
                float[] inputs = TestData.NormalSingle(batch * net.InputSize, 3);
                int[] labels = TestData.Labels(batch, net.OutputSize, 4);
                var adam = new Adam(1e-3);
                var sgd = new Sgd(0.05);
                for (int step = 0; step < 2; step++) adam.TrainStep(net, inputs, labels, batch);
                for (int step = 0; step < 2; step++) sgd.TrainStep(net, inputs, labels, batch); // fused
                var outputs = new float[batch * net.OutputSize];
                net.Forward(inputs, outputs, batch);
                return net.Parameters.ToArray().Concat(outputs).ToArray();
            }
            foreach (int batch in new[] { 1, 64 })
            {
                Assert.Equal(TestData.Bits(WithoutZmm(() => Train(() => new WideNet(), batch))), TestData.Bits(Train(() => new WideNet(), batch)));
                Assert.Equal(TestData.Bits(WithoutZmm(() => Train(() => new LeNetS(), batch))), TestData.Bits(Train(() => new LeNetS(), batch)));
            }
        }

        private static T WithoutZmm<T>(Func<T> run)
        {
            Kernels.UseZmm = false;
            try { return run(); }
            finally { Kernels.UseZmm = Kernels.Path == KernelPath.Avx512; }
        }
    }
}
