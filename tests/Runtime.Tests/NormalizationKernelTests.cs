using System;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>
    /// The BatchNorm-over-features and Dropout kernels against the scalar loops they replace (the loops the generator
    /// writes in loops mode, and wrote in kernel mode before issue 18): the same bits, value for value, in float and double,
    /// on feature counts that leave every tail (fewer than a vector, a vector and a rest, whole vectors), with NaN and ±∞
    /// in the inputs; and Dropout's masks from the same stream as one NextSingle / NextDouble per activation.
    /// </summary>
    public class NormalizationKernelTests
    {
        public static TheoryData<int, int> Shapes() => new() { { 1, 1 }, { 3, 5 }, { 7, 8 }, { 2, 13 }, { 64, 256 }, { 5, 100 }, { 33, 17 } };

        [Theory]
        [MemberData(nameof(Shapes))]
        public void BatchNormKernelsGiveTheScalarLoopsBits(int m, int features)
        {
            Check<float>(m, features, (n, seed) => TestData.NormalSingle(n, seed), v => BitConverter.SingleToInt32Bits(v),
                (a, b) => a + b, (a, b) => a - b, (a, b) => a * b, v => 1f / (float)Math.Sqrt(v + 0.001f), 1f / m);
            Check<double>(m, features, (n, seed) => TestData.NormalSingle(n, seed).Select(v => v * 1.000000123).ToArray(), BitConverter.DoubleToInt64Bits,
                (a, b) => a + b, (a, b) => a - b, (a, b) => a * b, v => 1.0 / Math.Sqrt(v + 0.001), 1.0 / m);
        }

        private static void Check<T>(int m, int features, Func<int, int, T[]> random, Func<T, long> bits,
            Func<T, T, T> add, Func<T, T, T> sub, Func<T, T, T> mul, Func<T, T> inverseStd, T invM) where T : unmanaged
        {
            T[] x = random(m * features, m + features), gamma = random(features, 3), beta = random(features, 4), dy = random(m * features, 5);
            // Non-finite values take the same path as the rest.
            x[0] = (T)(object)(typeof(T) == typeof(float) ? (object)float.NaN : double.NaN);
            if (x.Length > 2) x[^1] = (T)(object)(typeof(T) == typeof(float) ? (object)float.PositiveInfinity : double.PositiveInfinity);

            // The scalar loops, in the generated code's order.
            var mean = new T[features];
            var squares = new T[features];
            for (int b = 0; b < m; b++) for (int j = 0; j < features; j++) mean[j] = add(mean[j], x[b * features + j]);
            for (int j = 0; j < features; j++) mean[j] = mul(mean[j], invM);
            for (int b = 0; b < m; b++)
                for (int j = 0; j < features; j++)
                {
                    T centred = sub(x[b * features + j], mean[j]);
                    squares[j] = add(squares[j], mul(centred, centred));
                }
            var invStd = squares.Select(s => inverseStd(mul(s, invM))).ToArray();
            var xhat = new T[m * features];
            var y = new T[m * features];
            for (int b = 0; b < m; b++)
                for (int j = 0; j < features; j++)
                {
                    T normalised = mul(sub(x[b * features + j], mean[j]), invStd[j]);
                    xhat[b * features + j] = normalised;
                    y[b * features + j] = add(mul(gamma[j], normalised), beta[j]);
                }
            var dGamma = new T[features];
            var dBeta = new T[features];
            for (int b = 0; b < m; b++)
                for (int j = 0; j < features; j++)
                {
                    dGamma[j] = add(dGamma[j], mul(dy[b * features + j], xhat[b * features + j]));
                    dBeta[j] = add(dBeta[j], dy[b * features + j]);
                }
            var dx = new T[m * features];
            for (int b = 0; b < m; b++)
                for (int j = 0; j < features; j++)
                    dx[b * features + j] = mul(mul(gamma[j], invStd[j]),
                        sub(sub(dy[b * features + j], mul(dBeta[j], invM)), mul(mul(xhat[b * features + j], dGamma[j]), invM)));

            // The kernels.
            var kMean = new T[features];
            var kSquares = new T[features];
            Kernels.BatchNormSums<T>(x, kMean, m, features);
            for (int j = 0; j < features; j++) kMean[j] = mul(kMean[j], invM);
            Kernels.BatchNormSquaredDeviations<T>(x, kMean, kSquares, m, features);
            var kXhat = new T[m * features];
            var kY = new T[m * features];
            Kernels.BatchNormNormalize<T>(x, kMean, invStd, gamma, beta, kXhat, kY, m, features);
            var kGamma = new T[features];
            var kBeta = new T[features];
            Kernels.BatchNormParameterGradients<T>(dy, xhat, kGamma, kBeta, m, features);
            var kDx = new T[m * features];
            Kernels.BatchNormInputGradient<T>(dy, xhat, gamma, invStd, dGamma, dBeta, invM, kDx, m, features);

            Same(mean, kMean, "the mean");
            Same(squares, kSquares, "Σ (x − μ)²");
            Same(xhat, kXhat, "x̂");
            Same(y, kY, "the output");
            Same(dGamma, kGamma, "∂L/∂γ");
            Same(dBeta, kBeta, "∂L/∂β");
            Same(dx, kDx, "∂L/∂x");

            void Same(T[] expected, T[] actual, string what)
            {
                for (int i = 0; i < expected.Length; i++)
                    Assert.True(bits(expected[i]) == bits(actual[i]), $"{what}[{i}] ({typeof(T).Name}, {m} × {features}): loops {expected[i]}, kernel {actual[i]}");
            }
        }

        [Fact]
        public void BatchNormKernelsRejectShortBuffers()
        {
            var x = new float[10];
            Assert.Throws<ArgumentException>(() => Kernels.BatchNormSums<float>(x, new float[5], 3, 5)); // 15 values needed
            Assert.Throws<ArgumentException>(() => Kernels.BatchNormNormalize<float>(x, new float[5], new float[5], new float[5], new float[4], new float[10], new float[10], 2, 5));
        }

        [Theory]
        [InlineData(0.0, 1)]
        [InlineData(0.4, 1000)]
        [InlineData(0.3, 37)]
        [InlineData(0.5, 4097)]
        [InlineData(0.999, 300)]
        public void DropoutDrawsTheSameMasksAsOneNextSinglePerActivation(double rate, int n)
        {
            float rateF = (float)rate, scaleF = (float)(1 / (1 - rate));
            float[] x = TestData.NormalSingle(n, n);
            x[0] = float.NaN; // NaN · 0 and NaN · scale are both NaN, as in the loop
            var scalar = SplitMix64.ForDropout(7);
            var maskLoop = new float[n];
            var yLoop = new float[n];
            for (int i = 0; i < n; i++)
            {
                maskLoop[i] = scalar.NextSingle() >= rateF ? scaleF : 0f;
                yLoop[i] = x[i] * maskLoop[i];
            }
            var random = SplitMix64.ForDropout(7);
            var mask = new float[n];
            var y = new float[n];
            Kernels.DropoutForward(ref random, x, mask, y, rateF, scaleF);
            Assert.Equal(scalar.State, random.State);
            Assert.Equal(maskLoop.Select(BitConverter.SingleToInt32Bits), mask.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(yLoop.Select(BitConverter.SingleToInt32Bits), y.Select(BitConverter.SingleToInt32Bits));
            if (rate > 0 && n >= 1000) Assert.InRange(mask.Count(v => v == 0) / (double)n, rate - 0.05, rate + 0.05);

            double[] xd = x.Select(v => (double)v).ToArray();
            var scalarD = SplitMix64.ForDropout(9);
            var maskLoopD = new double[n];
            for (int i = 0; i < n; i++) maskLoopD[i] = scalarD.NextDouble() >= rate ? 1 / (1 - rate) : 0;
            var randomD = SplitMix64.ForDropout(9);
            var maskD = new double[n];
            var yD = new double[n];
            Kernels.DropoutForward(ref randomD, xd, maskD, yD, rate, 1 / (1 - rate));
            Assert.Equal(scalarD.State, randomD.State);
            Assert.Equal(maskLoopD.Select(BitConverter.DoubleToInt64Bits), maskD.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(xd.Zip(maskLoopD, (a, b) => BitConverter.DoubleToInt64Bits(a * b)), yD.Select(BitConverter.DoubleToInt64Bits));

            var dy = TestData.NormalSingle(n, 3);
            var dx = new float[n];
            Kernels.DropoutBackward(dy, mask, dx);
            Assert.Equal(dy.Zip(mask, (a, b) => BitConverter.SingleToInt32Bits(a * b)), dx.Select(BitConverter.SingleToInt32Bits));
        }

        /// <summary>At the boundary the mask follows <c>u ≥ p</c> exactly: generator states are built (by inverting SplitMix64's
        /// output function) whose next draw is the grid point just below p, p's own (when p is on the 2⁻²⁴ grid) and just
        /// above, and the kernel keeps or drops each as <c>NextSingle() ≥ p</c> does.</summary>
        [Fact]
        public void DropoutDecidesTheBoundaryDrawsAsNextSingleDoes()
        {
            int kept = 0, dropped = 0;
            foreach (float p in new[] { 0f, 0.5f, 0.4f, 0.3f, 1e-7f, 0.99999994f, 0.1f, 0.75f })
            {
                long grid = (long)Math.Ceiling(p * (double)(1 << 24));
                for (long r = Math.Max(0, grid - 2); r <= Math.Min((1 << 24) - 1, grid + 2); r++)
                {
                    ulong state = InverseMix(((ulong)r << 40) | 0x5A5A5UL) - 0x9E3779B97F4A7C15UL;
                    var reference = new SplitMix64(state);
                    float u = reference.NextSingle();
                    Assert.Equal(r * (1.0f / (1 << 24)), u); // the state was built right
                    var random = new SplitMix64(state);
                    var mask = new float[1];
                    Kernels.DropoutForward(ref random, new[] { 1f }, mask, new float[1], p, 2f);
                    Assert.True((u >= p ? 2f : 0f) == mask[0], $"p = {p:R}, u = {u:R}: mask {mask[0]}");
                    if (mask[0] == 0) dropped++; else kept++;
                }
            }
            Assert.True(kept > 0 && dropped > 0);
        }

        /// <summary>The state whose SplitMix64 output is <paramref name="z"/> (each step of the output function is invertible).</summary>
        private static ulong InverseMix(ulong z)
        {
            z = UndoShiftXor(z, 31);
            z *= Inverse(0x94D049BB133111EBUL);
            z = UndoShiftXor(z, 27);
            z *= Inverse(0xBF58476D1CE4E5B9UL);
            return UndoShiftXor(z, 30);

            static ulong UndoShiftXor(ulong y, int k)
            {
                ulong x = y;
                for (int i = 0; i < 64 / k + 1; i++) x = y ^ (x >> k);
                return x;
            }

            static ulong Inverse(ulong c) // c odd: Newton's iteration doubles the correct low bits each time
            {
                ulong inverse = c;
                for (int i = 0; i < 6; i++) inverse *= 2 - c * inverse;
                return inverse;
            }
        }
    }
}
