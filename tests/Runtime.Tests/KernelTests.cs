using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>The blocked Dense kernels against plain triple loops in double precision, on sizes that hit every tail
    /// (samples not a multiple of 2 or 4, units not a multiple of 4, inputs not a multiple of 8 or 16).</summary>
    public class KernelTests
    {
        public static IEnumerable<object[]> Shapes() =>
            from m in new[] { 1, 2, 3, 5, 64 }
            from inputs in new[] { 3, 8, 13, 16, 17, 33, 784 }
            from units in new[] { 1, 3, 4, 5, 10, 128 }
            where m * inputs * units <= 64 * 784 * 10 || (m == 64 && inputs == 784 && units == 128)
            select new object[] { m, inputs, units };

        [Theory]
        [MemberData(nameof(Shapes))]
        public void DenseForwardAndBackwardEqualTheDefinitions(int m, int inputs, int units)
        {
            float[] x = TestData.NormalSingle(m * inputs, m + inputs);
            float[] w = TestData.NormalSingle(units * inputs, units);
            float[] b = TestData.NormalSingle(units, 7);
            float[] delta = TestData.NormalSingle(m * units, 11);

            var z = new float[m * units];
            Kernels.DenseForward(x, w, b, z, m, inputs, units);
            var zNoBias = new float[m * units];
            Kernels.DenseForward(x, w, default, zNoBias, m, inputs, units);
            var dw = Enumerable.Repeat(float.NaN, units * inputs).ToArray(); // overwritten, not accumulated
            var db = Enumerable.Repeat(float.NaN, units).ToArray();
            var dx = Enumerable.Repeat(float.NaN, m * inputs).ToArray();
            Kernels.DenseBackward(delta, x, w, dw, db, dx, m, inputs, units);

            for (int s = 0; s < m; s++)
                for (int j = 0; j < units; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < inputs; i++) sum += (double)x[s * inputs + i] * w[j * inputs + i];
                    AssertClose(sum + b[j], z[s * units + j], inputs);
                    AssertClose(sum, zNoBias[s * units + j], inputs);
                }
            for (int j = 0; j < units; j++)
            {
                AssertClose(Enumerable.Range(0, m).Sum(s => (double)delta[s * units + j]), db[j], m);
                for (int i = 0; i < inputs; i++)
                    AssertClose(Enumerable.Range(0, m).Sum(s => (double)delta[s * units + j] * x[s * inputs + i]), dw[j * inputs + i], m);
            }
            for (int s = 0; s < m; s++)
                for (int i = 0; i < inputs; i++)
                    AssertClose(Enumerable.Range(0, units).Sum(j => (double)delta[s * units + j] * w[j * inputs + i]), dx[s * inputs + i], units);
        }

        /// <summary>Float sums of n products of N(0, 1) values: error grows like √n · ulp.</summary>
        private static void AssertClose(double expected, float actual, int terms) =>
            Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Sqrt(terms) * Math.Max(1, Math.Abs(expected)) + 1e-5,
                $"expected {expected}, got {actual} ({terms} terms)");

        [Theory]
        [InlineData(1)]
        [InlineData(7)]
        [InlineData(8)]
        [InlineData(37)]
        [InlineData(1000)]
        public void ActivationKernelsFollowTheScalarRulesLaneForLane(int n)
        {
            // Normal values plus the awkward ones (NaN, ±0, ±∞) at spots that land in whole vectors and in the tail.
            float[] special = { float.NaN, -0f, 0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon };
            float[] z = TestData.NormalSingle(n, n);
            float[] delta = TestData.NormalSingle(n, n + 1);
            for (int i = 0; i < n; i++) if (i % 5 == 2) z[i] = special[(i / 5) % special.Length];
            if (n > 1) z[n - 1] = float.NaN;
            const float alpha = 0.1f;
            float[] Run(Action<float[]> kernel)
            {
                var result = Enumerable.Repeat(12345f, n + 3).ToArray();
                kernel(result);
                Assert.All(result.Skip(n), v => Assert.Equal(12345f, v)); // nothing written past n
                return result.Take(n).ToArray();
            }

            // PyTorch's rules: relu zeroes z ≤ 0 (so NaN stays NaN), threshold_backward passes the gradient unless z ≤ 0.
            Assert.Equal(TestData.Bits(z.Select(v => v <= 0f ? 0f : v)), TestData.Bits(Run(o => Kernels.Relu(z, o.AsSpan(0, n)))));
            Assert.Equal(TestData.Bits(z.Select((v, i) => v <= 0f ? 0f : delta[i])), TestData.Bits(Run(o => Kernels.ReluBackward(z, delta, o.AsSpan(0, n)))));
            Assert.Equal(TestData.Bits(z.Select(v => v > 0f ? v : alpha * v)), TestData.Bits(Run(o => Kernels.LeakyRelu(z, o.AsSpan(0, n), alpha))));
            Assert.Equal(TestData.Bits(z.Select((v, i) => v > 0f ? delta[i] : alpha * delta[i])), TestData.Bits(Run(o => Kernels.LeakyReluBackward(z, delta, o.AsSpan(0, n), alpha))));

            double[] zd = z.Select(v => (double)v).ToArray(), dd = delta.Select(v => (double)v).ToArray();
            var outD = new double[n];
            Kernels.LeakyReluBackward(zd, dd, outD, 0.2);
            Assert.Equal(TestData.Bits(zd.Select((v, i) => v > 0 ? dd[i] : 0.2 * dd[i])), TestData.Bits(outD));
            Kernels.Relu(zd, outD);
            Assert.Equal(TestData.Bits(zd.Select(v => v <= 0 ? 0.0 : v)), TestData.Bits(outD));
            Kernels.ReluBackward(zd, dd, outD);
            Assert.Equal(TestData.Bits(zd.Select((v, i) => v <= 0 ? 0.0 : dd[i])), TestData.Bits(outD));
            Kernels.LeakyRelu(zd, outD, 0.2);
            Assert.Equal(TestData.Bits(zd.Select(v => v > 0 ? v : 0.2 * v)), TestData.Bits(outD));
        }

        [Fact]
        public void ActivationKernelsRejectShortInputs()
        {
            var ex = Assert.Throws<ArgumentException>(() => Kernels.Relu(new float[3], new float[4]));
            Assert.Contains("expected at least 4", ex.Message);
        }

        /// <summary>
        /// Each element of ∂W = δᵀ·X is one chain over the samples in order, bit for bit: fused multiply-adds in the tiles of 6
        /// rows × 16 columns (64 on AVX-512), a multiply and then an add in the rows beyond the last tile and the columns beyond
        /// the last 16 — the same on every kernel path and thread count, so the paths agree and nothing changes when the ragged
        /// rows' loop does (they moved from an axpy per sample into registers).
        /// </summary>
        [Theory]
        [InlineData(64, 784, 128, 1)]  // TinyNN's first layer: 2 rows beyond the 21 tiles
        [InlineData(64, 784, 128, 2)]
        [InlineData(64, 128, 10, 1)]   // its output layer: 4 of 10 rows beyond the tile
        [InlineData(9, 200, 13, 2)]    // 8 ragged columns too
        [InlineData(5, 40, 11, 1)]
        public void EachWeightGradientIsItsChainOverTheSamples(int m, int inputs, int units, int threads)
        {
            float[] x = TestData.NormalSingle(m * inputs, 5);
            float[] w = TestData.NormalSingle(units * inputs, 6);
            float[] delta = TestData.NormalSingle(m * units, 7);
            var dw = new float[units * inputs];
            TestData.WithThreads(threads, () => { Kernels.DenseBackward(delta, x, w, dw, new float[units], default, m, inputs, units); return 0; });
            bool fma = Kernels.Path != KernelPath.Portable && inputs >= 16;
            int tiledRows = units / 6 * 6, wide = inputs / 16 * 16;
            for (int j = 0; j < units; j++)
                for (int i = 0; i < inputs; i++)
                {
                    bool fused = fma && j < tiledRows && i < wide;
                    float sum = 0f;
                    for (int s = 0; s < m; s++)
                        sum = fused ? MathF.FusedMultiplyAdd(delta[s * units + j], x[s * inputs + i], sum) : sum + delta[s * units + j] * x[s * inputs + i];
                    Assert.True(BitConverter.SingleToInt32Bits(sum) == BitConverter.SingleToInt32Bits(dw[j * inputs + i]),
                        $"∂W[{j}, {i}] = {dw[j * inputs + i]:R}, its chain gives {sum:R} ({(fused ? "fused" : "multiply, then add")})");
                }
        }

        [Theory]
        [InlineData(64, 128, 10)]  // TinyNN's output layer: two units beyond the 4-unit tiles
        [InlineData(7, 784, 131)]  // three beyond, and a sample beyond the last triple
        [InlineData(5, 13, 5)]     // inputs with a scalar tail
        [InlineData(9, 33, 7)]
        [InlineData(8, 33, 17)]    // AVX-512: a tile of 6 samples, a pair, a unit beyond the 8-unit tiles, a 1-input tail
        [InlineData(13, 784, 24)]  // AVX-512: two tiles of 6, then a lone sample
        public void ASamplesOutputsDoNotDependOnItsBatch(int m, int inputs, int units)
        {
            float[] x = TestData.NormalSingle(m * inputs, m);
            float[] w = TestData.NormalSingle(units * inputs, units);
            float[] b = TestData.NormalSingle(units, 3);
            var batch = new float[m * units];
            Kernels.DenseForward(x, w, b, batch, m, inputs, units);
            var alone = new float[units];
            for (int s = 0; s < m; s++)
            {
                Kernels.DenseForward(x.AsSpan(s * inputs, inputs), w, b, alone, 1, inputs, units);
                Assert.Equal(TestData.Bits(alone), TestData.Bits(batch.Skip(s * units).Take(units)));
            }
        }
    }
}
