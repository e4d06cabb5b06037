using System;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>Forward values of tiny networks against numbers computed independently, by hand, in the test.</summary>
    public class ForwardTests
    {
        [Fact]
        public void DenseReLUDenseSoftmaxMatchesHandComputation()
        {
            var net = new HandNet();
            // W1 = [[1, −2], [0.5, 1]], b1 = [0.1, −0.2]; W2 = [[1, 0], [−1, 2], [0.5, 0.5]], b2 = [0, 0.1, −0.1]
            new double[] { 1, -2, 0.5, 1, 0.1, -0.2, 1, 0, -1, 2, 0.5, 0.5, 0, 0.1, -0.1 }.CopyTo(net.Parameters);
            Assert.Equal(15, HandNet.ParameterCount);

            double[] x = { 0.3, -0.4 };
            double z11 = 1 * 0.3 + -2 * -0.4 + 0.1;    // 1.2
            double z12 = 0.5 * 0.3 + 1 * -0.4 - 0.2;   // −0.45 → ReLU → 0
            double a1 = Math.Max(0, z11), a2 = Math.Max(0, z12);
            double[] z2 = { a1 + 0, -a1 + 2 * a2 + 0.1, 0.5 * a1 + 0.5 * a2 - 0.1 };
            double sum = z2.Sum(Math.Exp);
            double[] expected = z2.Select(z => Math.Exp(z) / sum).ToArray();

            var output = new double[3];
            net.Forward(x, output);
            for (int k = 0; k < 3; k++) Assert.Equal(expected[k], output[k], 14);
            Assert.Equal(1.0, output.Sum(), 14);
        }

        [Fact]
        public void LeakyReLUTanhSigmoidMatchHandComputation()
        {
            var net = new HandActivations();
            // Dense(3): W1 = [[1, 0], [0, 1], [−1, −1]], b1 = 0; LeakyReLU(0.1); Dense(2): W2 = [[1, 1, 1], [0.5, −0.5, 2]], b2 = [0.2, 0];
            // Tanh; Dense(1): W3 = [[2, −1]], b3 = [0.3]; Sigmoid.
            new double[] { 1, 0, 0, 1, -1, -1, 0, 0, 0, 1, 1, 1, 0.5, -0.5, 2, 0.2, 0, 2, -1, 0.3 }.CopyTo(net.Parameters);
            double[] x = { 0.7, -1.5 };
            double[] z1 = { 0.7, -1.5, 0.8 };
            double[] a1 = z1.Select(v => v > 0 ? v : 0.1 * v).ToArray();
            double[] z2 = { a1[0] + a1[1] + a1[2] + 0.2, 0.5 * a1[0] - 0.5 * a1[1] + 2 * a1[2] };
            double[] a2 = z2.Select(Math.Tanh).ToArray();
            double z3 = 2 * a2[0] - a2[1] + 0.3;
            double expected = 1 / (1 + Math.Exp(-z3));

            var output = new double[1];
            net.Forward(x, output);
            Assert.Equal(expected, output[0], 14);
        }

        [Fact]
        public void BatchNormInferenceUsesRunningStatistics()
        {
            var net = new HandBatchNorm(); // BatchNorm(Momentum = 0.8, Epsilon = 0.01) over 2 features, then Dense(1)
            // γ = [2, 0.5], β = [1, −1]; W = [[1, 1]], b = [0]
            new double[] { 2, 0.5, 1, -1, 1, 1, 0 }.CopyTo(net.Parameters);
            new double[] { 0.5, -1, 4, 0.25 }.CopyTo(net.RunningStatistics); // running mean [0.5, −1], running variance [4, 0.25]
            double[] x = { 1.5, 0 };
            double n1 = 2 * (1.5 - 0.5) / Math.Sqrt(4 + 0.01) + 1;
            double n2 = 0.5 * (0 + 1) / Math.Sqrt(0.25 + 0.01) - 1;
            var output = new double[1];
            net.Forward(x, output);
            Assert.Equal(n1 + n2, output[0], 14);
        }

        [Fact]
        public void BatchNormTrainingUsesBatchStatisticsAndUpdatesRunningOnesAsKeras()
        {
            var net = new HandBatchNorm();
            new double[] { 2, 0.5, 1, -1, 1, 0, 0 }.CopyTo(net.Parameters); // output = first normalised feature
            new double[] { 0.5, -1, 4, 0.25 }.CopyTo(net.RunningStatistics);
            double[] x = { 1, 10, 2, 20, 6, 30 }; // feature 1: 1, 2, 6; feature 2: 10, 20, 30
            double mean1 = 3, var1 = (4 + 1 + 9) / 3.0, mean2 = 20, var2 = (100 + 0 + 100) / 3.0; // biased variances

            ReadOnlySpan<double> output = net.ForwardTraining(x, 3);
            double[] expected = new double[] { 1, 2, 6 }.Select(v => 2 * (v - mean1) / Math.Sqrt(var1 + 0.01) + 1).ToArray();
            for (int b = 0; b < 3; b++) Assert.Equal(expected[b], output[b], 13);

            // running = momentum · running + (1 − momentum) · batch, momentum 0.8
            double[] running = net.RunningStatistics.ToArray();
            Assert.Equal(0.8 * 0.5 + 0.2 * mean1, running[0], 1e-12);
            Assert.Equal(0.8 * -1 + 0.2 * mean2, running[1], 1e-12);
            Assert.Equal(0.8 * 4 + 0.2 * var1, running[2], 1e-12);
            Assert.Equal(0.8 * 0.25 + 0.2 * var2, running[3], 1e-12);
        }

        [Fact]
        public void BatchedInferenceEqualsSampleBySampleAcrossChunks()
        {
            var net = new FashionNet();
            const int batch = 600; // more than two inference chunks of 256
            float[] inputs = TestData.NormalSingle(batch * FashionNet.InputSize, 5);
            var batched = new float[batch * FashionNet.OutputSize];
            net.Forward(inputs, batched, batch);
            var one = new float[FashionNet.OutputSize];
            foreach (int b in new[] { 0, 255, 256, 511, 599 })
            {
                net.Forward(inputs.AsSpan(b * FashionNet.InputSize, FashionNet.InputSize), one);
                Assert.Equal(one, batched.AsSpan(b * FashionNet.OutputSize, FashionNet.OutputSize).ToArray());
            }
        }

        [Fact]
        public void SoftmaxOutputsAreProbabilitiesEvenForHugeLogits()
        {
            var net = new HandNet();
            new double[] { 1, -2, 0.5, 1, 0.1, -0.2, 1, 0, -1, 2, 0.5, 0.5, 0, 0.1, -0.1 }.CopyTo(net.Parameters);
            var output = new double[3];
            net.Forward(new double[] { 1e6, -1e6 }, output); // z = ~1e6: a naive exp overflows to ∞/∞ = NaN
            Assert.All(output, p => Assert.InRange(p, 0, 1));
            Assert.Equal(1.0, output.Sum(), 12);
        }
    }
}
