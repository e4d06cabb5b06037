using System;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>Issue 16: the convolutional kinds' forward and backward passes, against finite differences, a direct
    /// reference written here, float twins, thread counts and PyTorch's rules for max pooling.</summary>
    [Collection(nameof(KernelThreadTests))] // switches Kernels.Threads
    public class ConvolutionTests
    {
        private const int Batch = 5;

        private static void Perturb<T>(INetwork<T> net, int seed) where T : struct
        {
            double[] noise = TestData.Normal(net.ParameterCount, seed, 0.4);
            Span<T> p = net.Parameters;
            for (int i = 0; i < p.Length; i++)
            {
                double value = Convert.ToDouble(p[i]) + noise[i];
                p[i] = typeof(T) == typeof(float) ? (T)(object)(float)value : (T)(object)value;
            }
        }

        public static TheoryData<string> DoubleNetworks => new TheoryData<string> { nameof(ConvValidD), nameof(ConvStridedD), nameof(ConvPoolsD), nameof(OverlappingPoolD), nameof(ConvWideD) };

        private static INetwork<double> Create(string name) => name switch
        {
            nameof(ConvValidD) => new ConvValidD(),
            nameof(ConvStridedD) => new ConvStridedD(),
            nameof(ConvPoolsD) => new ConvPoolsD(),
            nameof(ConvWideD) => new ConvWideD(),
            _ => new OverlappingPoolD(),
        };

        [Theory]
        [MemberData(nameof(DoubleNetworks))]
        public void GradientsMatchFiniteDifferencesInDouble(string name)
        {
            INetwork<double> net = Create(name);
            Perturb(net, 21);
            double[] x = TestData.Normal(Batch * net.InputSize, 22);
            LayerGradientError[] errors = net.Loss == Loss.MeanSquaredError
                ? GradientChecker.Check<double>(net, x, TestData.Normal(Batch * net.OutputSize, 23), Batch)
                : GradientChecker.Check<double>(net, x, TestData.Labels(Batch, net.OutputSize, 23), Batch);
            string report = string.Join("\n", errors.Select(e => e.ToString()));
            Assert.Equal(net.Layers.Count(l => l.ParameterCount > 0), errors.Length);
            Assert.All(errors, e => Assert.True(e.Verdict == GradientVerdict.Pass, report));
        }

        /// <summary>The convolution written as its definition, six loops, zero padding by bounds checks.</summary>
        private static double[] DirectConvolution(double[] x, double[] weights, double[]? bias, int m, int channels, int height, int width,
            int filters, int kh, int kw, int stride, int padTop, int padLeft, int outH, int outW)
        {
            var z = new double[m * filters * outH * outW];
            for (int b = 0; b < m; b++)
            for (int o = 0; o < filters; o++)
            for (int i = 0; i < outH; i++)
            for (int j = 0; j < outW; j++)
            {
                double sum = bias?[o] ?? 0;
                for (int c = 0; c < channels; c++)
                for (int u = 0; u < kh; u++)
                for (int v = 0; v < kw; v++)
                {
                    int row = i * stride + u - padTop, column = j * stride + v - padLeft;
                    if (row < 0 || row >= height || column < 0 || column >= width) continue;
                    sum += weights[((o * channels + c) * kh + u) * kw + v] * x[((b * channels + c) * height + row) * width + column];
                }
                z[((b * filters + o) * outH + i) * outW + j] = sum;
            }
            return z;
        }

        [Fact]
        public void TheFirstConvolutionEqualsItsDefinition_SamePaddingWithStride2PutsTheExtraColumnRight()
        {
            var net = new ConvStridedD();
            Perturb(net, 31);
            double[] x = TestData.Normal(Batch * ConvStridedD.InputSize, 32);
            net.ForwardTraining(x, Batch);
            LayerInfo conv = ConvStridedD.Layers[0];
            Assert.Equal(new TensorShape(2, 4, 3), conv.OutputShape); // ⌈7/2⌉ × ⌈6/2⌉
            double[] weights = net.Parameters.Slice(ConvStridedD.Layer1WeightsOffset, 2 * 9).ToArray();
            double[] bias = net.Parameters.Slice(ConvStridedD.Layer1BiasOffset, 2).ToArray();
            // Rows: total padding (4 − 1)·2 + 3 − 7 = 2, one on each side; columns: (3 − 1)·2 + 3 − 6 = 1, on the right (Keras).
            double[] expected = DirectConvolution(x, weights, bias, Batch, 1, 7, 6, 2, 3, 3, 2, padTop: 1, padLeft: 0, outH: 4, outW: 3);
            double[] actual = net.LayerOutput(1).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12, $"z1[{i}]: {actual[i]} vs {expected[i]}");
        }

        [Fact]
        public void FloatTwinsAgreeWithDoubleNetworks()
        {
            (INetwork<double> D, INetwork<float> S)[] twins = { (new ConvStridedD(), new ConvStridedS()), (new ConvPoolsD(), new ConvPoolsS()) };
            foreach ((INetwork<double> d, INetwork<float> s) in twins)
            {
                Perturb(d, 41);
                for (int i = 0; i < d.ParameterCount; i++) s.Parameters[i] = (float)d.Parameters[i];
                for (int i = 0; i < d.ParameterCount; i++) d.Parameters[i] = s.Parameters[i]; // the same values in both
                double[] x = TestData.Normal(Batch * d.InputSize, 42);
                int[] labels = TestData.Labels(Batch, d.OutputSize, 43);
                double lossD = d.ComputeGradients(x, labels, Batch);
                float lossS = s.ComputeGradients(x.Select(v => (float)v).ToArray(), labels, Batch);
                Assert.True(Math.Abs(lossD - lossS) <= 1e-5 * Math.Max(1, Math.Abs(lossD)), $"{d.GetType().Name}: loss {lossS} vs {lossD}");
                double scale = Enumerable.Range(0, d.ParameterCount).Max(i => Math.Abs(d.Gradients[i]));
                for (int i = 0; i < d.ParameterCount; i++)
                    Assert.True(Math.Abs(d.Gradients[i] - s.Gradients[i]) <= 1e-4 * scale, $"{d.GetType().Name} gradient {i}: {s.Gradients[i]} vs {d.Gradients[i]}");
            }
        }

        [Fact]
        public void ResultsAreBitIdenticalOnOneAndTwoKernelThreads()
        {
            float[] x = TestData.NormalSingle(64 * LeNetS.InputSize, 51);
            int[] labels = TestData.Labels(64, 10, 52);
            (float Loss, int[] Gradients, int[] Outputs) Run(int threads) => TestData.WithThreads(threads, () =>
            {
                var net = new LeNetS();
                float loss = net.ComputeGradients(x, labels, 64);
                var outputs = new float[64 * 10];
                net.Forward(x, outputs, 64);
                return (loss, TestData.Bits(net.Gradients.ToArray()), TestData.Bits(outputs));
            });
            var one = Run(1);
            var two = Run(2);
            Assert.Equal(one.Loss, two.Loss);
            Assert.Equal(one.Gradients, two.Gradients);
            Assert.Equal(one.Outputs, two.Outputs);
        }

        [Fact]
        public void ATrainingStepAllocatesNothingAfterWarmUp()
        {
            var net = new LeNetS();
            float[] x = TestData.NormalSingle(32 * LeNetS.InputSize, 61);
            int[] labels = TestData.Labels(32, 10, 62);
            var outputs = new float[32 * 10];
            for (int i = 0; i < 3; i++) { net.ComputeGradients(x, labels, 32); net.Forward(x, outputs, 32); }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++) { net.ComputeGradients(x, labels, 32); net.Forward(x, outputs, 32); }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        [Fact]
        public void MaxPoolRoutesATiesGradientToTheFirstMaximumAndPropagatesNaN()
        {
            // OverlappingPoolD: 2×7×7 → 1×1 Conv2D(2) → 3×3 max pooling, stride 2 → 2×3×3 → Dense(2), mean squared error.
            // Both filters read input channel 0 only, which is all ones: every window of z1 is a tie. Input channel 1 holds
            // a distinct value per position, so ∂L/∂W1[o, 1] = Σ ∂L/∂z1[o, h, w] · x[1, h, w] says where the gradient went.
            var net = new OverlappingPoolD();
            net.Parameters.Clear();
            net.Parameters[OverlappingPoolD.Layer1WeightsOffset + 0] = 1; // W1[0, 0]
            net.Parameters[OverlappingPoolD.Layer1WeightsOffset + 2] = 1; // W1[1, 0]
            double[] dense = TestData.Normal(2 * 18, 71);
            dense.CopyTo(net.Parameters.Slice(OverlappingPoolD.Layer4WeightsOffset, 36));
            var x = new double[OverlappingPoolD.InputSize];
            for (int q = 0; q < 49; q++) { x[q] = 1; x[49 + q] = 1 + q; }
            double[] targets = { 0.5, -0.25 };
            net.ComputeGradients(x, targets, 1);

            // y = W4·a with a = 1 everywhere; ∂L/∂y_k = 2(y_k − t_k)/2 (the mean over 2 outputs); δ = W4ᵀ·∂L/∂y.
            double[] dy = Enumerable.Range(0, 2).Select(k => Enumerable.Range(0, 18).Sum(i => dense[k * 18 + i]) - targets[k]).ToArray();
            double Expected(int o, int offset) => Enumerable.Range(0, 9).Sum(window =>
            {
                int i = window / 3, j = window % 3;
                double delta = dy[0] * dense[o * 9 + window] + dy[1] * dense[18 + o * 9 + window];
                return delta * x[49 + (2 * i + offset) * 7 + 2 * j + offset];
            });
            for (int o = 0; o < 2; o++)
            {
                double actual = net.Gradients[OverlappingPoolD.Layer1WeightsOffset + o * 2 + 1];
                Assert.True(Math.Abs(actual - Expected(o, 0)) <= 1e-12, $"filter {o}: ∂W = {actual}, first-maximum routing gives {Expected(o, 0)}");
                Assert.True(Math.Abs(actual - Expected(o, 2)) > 1e-6, "the last-maximum routing would give the same: the test shows nothing");
            }

            x[3 * 7 + 3] = double.NaN; // channel 0, (3, 3): inside the four central windows
            net.ForwardTraining(x, 1);
            double[] pooled = net.LayerOutput(2).ToArray();
            for (int o = 0; o < 2; o++)
            for (int window = 0; window < 9; window++)
            {
                int i = window / 3, j = window % 3;
                bool covers = 2 * i <= 3 && 3 <= 2 * i + 2 && 2 * j <= 3 && 3 <= 2 * j + 2;
                Assert.Equal(covers, double.IsNaN(pooled[o * 9 + window]));
            }
            var outputs = new double[2];
            net.Forward(x, outputs, 1);
            Assert.True(double.IsNaN(outputs[0]) && double.IsNaN(outputs[1]), "a NaN under a window must reach the outputs");
        }
    }
}
