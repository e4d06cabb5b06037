using System;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>
    /// Plain SGD fused into the backward pass (<c>BackwardSgd</c>, <see cref="Optimizer.TrainStep{T}(INetwork{T}, ReadOnlySpan{T}, ReadOnlySpan{int}, int)"/>)
    /// must leave exactly the parameters that <c>Backward</c> followed by <see cref="Sgd.Step{T}(INetwork{T})"/> leaves, to
    /// the bit, on one thread and on two. In the kernel-thread collection because it switches <see cref="Kernels.Threads"/>.
    /// </summary>
    [Collection(nameof(KernelThreadTests))]
    public sealed class FusedSgdTests
    {
        [Theory]
        [InlineData(1, 784, 128, 1)]
        [InlineData(1, 784, 128, 2)]
        [InlineData(64, 784, 128, 2)]
        [InlineData(3, 784, 131, 2)]   // ragged rows and a ragged split
        [InlineData(5, 200, 77, 1)]    // ragged columns (200 = 12·16 + 8)
        [InlineData(257, 129, 10, 2)]
        [InlineData(4, 17, 5, 1)]      // fewer rows than one tile: all ragged
        [InlineData(4, 3, 2, 1)]       // below the vector kernels: the portable path
        public void FusedDenseBackwardEqualsBackwardThenSgdStep(int m, int inputs, int units, int threads)
        {
            float[] x = TestData.NormalSingle(m * inputs, m + inputs);
            float[] w = TestData.NormalSingle(units * inputs, units);
            float[] b = TestData.NormalSingle(units, 7);
            float[] delta = TestData.NormalSingle(m * units, 11, 0.1);
            const float rate = 0.1f;

            // Reference: the gradients, then the optimiser on [W, b].
            var dw = new float[units * inputs];
            var db = new float[units];
            var expectedDx = new float[m * inputs];
            Kernels.DenseBackward(delta, x, w, dw, db, expectedDx, m, inputs, units);
            float[] expected = w.Concat(b).ToArray();
            new Sgd(rate).Step<float>(expected, dw.Concat(db).ToArray());

            (float[] Parameters, float[] Dx) fused = TestData.WithThreads(threads, () =>
            {
                float[] weights = (float[])w.Clone(), bias = (float[])b.Clone();
                var dx = new float[m * inputs];
                Kernels.DenseBackward(delta, x, weights, bias, new float[units * inputs], new float[units], dx, m, inputs, units, rate);
                return (weights.Concat(bias).ToArray(), dx);
            });

            Assert.NotEqual(TestData.Bits(w.Concat(b).ToArray()), TestData.Bits(fused.Parameters)); // it did step
            Assert.Equal(TestData.Bits(expected), TestData.Bits(fused.Parameters));
            Assert.Equal(TestData.Bits(expectedDx), TestData.Bits(fused.Dx)); // ∂X from the old weights
        }

        [Fact]
        public void FusedDenseBackwardWithZeroRateIsThePlainBackward()
        {
            float[] x = TestData.NormalSingle(6 * 40, 1), w = TestData.NormalSingle(20 * 40, 2), delta = TestData.NormalSingle(6 * 20, 3);
            float[] weights = (float[])w.Clone();
            var dw = new float[20 * 40];
            Kernels.DenseBackward(delta, x, weights, Span<float>.Empty, dw, Span<float>.Empty, Span<float>.Empty, 6, 40, 20, 0f);
            var expected = new float[20 * 40];
            Kernels.DenseBackward(delta, x, w, expected, Span<float>.Empty, Span<float>.Empty, 6, 40, 20);
            Assert.Equal(TestData.Bits(w), TestData.Bits(weights));
            Assert.Equal(TestData.Bits(expected), TestData.Bits(dw));

            // Double precision, with a bias gradient asked for and no bias to step: the plain overload's ∂b as well.
            double[] xd = x.Select(v => (double)v).ToArray(), wd = w.Select(v => (double)v).ToArray(), dd = delta.Select(v => (double)v).ToArray();
            double[] weightsD = (double[])wd.Clone();
            var dwD = new double[20 * 40];
            var dbD = new double[20];
            Kernels.DenseBackward(dd, xd, weightsD, Span<double>.Empty, dwD, dbD, Span<double>.Empty, 6, 40, 20, 0.0);
            var expectedDw = new double[20 * 40];
            var expectedDb = new double[20];
            Kernels.DenseBackward(dd, xd, wd, expectedDw, expectedDb, Span<double>.Empty, 6, 40, 20);
            Assert.Equal(TestData.Bits(wd), TestData.Bits(weightsD));
            Assert.Equal(TestData.Bits(expectedDw), TestData.Bits(dwD));
            Assert.Equal(TestData.Bits(expectedDb), TestData.Bits(dbD));
            Assert.Contains(dbD, v => v != 0);
        }

        /// <summary>Three steps through the whole network: fused TrainStep against ComputeGradients + Step.</summary>
        private static void AssertSameTraining<TNet>(int batch, int threads, Func<TNet, int, int[], float[]> sample) where TNet : INetwork<float>, new()
        {
            var probe = new TNet();
            float[] inputs = TestData.NormalSingle(batch * probe.InputSize, batch + 1);
            int[] labels = TestData.Labels(batch, Math.Max(2, probe.OutputSize), batch + 2);
            float[] Train(bool fused)
            {
                var net = new TNet();
                var sgd = new Sgd(0.05) { Schedule = new CosineDecay(0.05, 3) };
                Assert.True(sgd.FusesIntoBackward);
                for (int step = 0; step < 3; step++)
                {
                    if (fused)
                    {
                        sgd.TrainStep(net, inputs, labels, batch);
                    }
                    else
                    {
                        net.ComputeGradients(inputs, labels, batch);
                        sgd.Step(net);
                    }
                }
                Assert.Equal(3, sgd.Iterations);
                return net.Parameters.ToArray().Concat(net.RunningStatistics.ToArray()).Concat(sample(net, batch, labels)).ToArray();
            }
            float[] expected = Train(fused: false);
            float[] actual = TestData.WithThreads(threads, () => Train(fused: true));
            Assert.Equal(TestData.Bits(expected), TestData.Bits(actual));
        }

        private static float[] Outputs<TNet>(TNet net, int batch, int[] labels) where TNet : INetwork<float>
        {
            float[] inputs = TestData.NormalSingle(batch * net.InputSize, 99);
            var outputs = new float[batch * net.OutputSize];
            net.Forward(inputs, outputs, batch);
            return outputs;
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(1, 2)]
        [InlineData(64, 2)]
        [InlineData(5, 1)]
        public void TrainStepOnTinyNNEqualsComputeGradientsThenStep(int batch, int threads) =>
            AssertSameTraining<TinyNN>(batch, threads, Outputs);

        [Theory]
        [InlineData(8, 1)]
        [InlineData(64, 2)]
        public void TrainStepOnTheLessonModelEqualsComputeGradientsThenStep(int batch, int threads) =>
            AssertSameTraining<FashionNet>(batch, threads, Outputs); // BatchNorm γ and β, dropout, three Dense layers

        [Fact]
        public void TrainStepOnSmallNetworksEqualsComputeGradientsThenStep()
        {
            AssertSameTraining<SmallKerasS>(6, 1, Outputs);
            AssertSameTraining<BatchNormFirstS>(4, 1, Outputs); // BatchNorm first: no input gradient
            AssertSameTraining<DenseMseS>(3, 1, Outputs);      // a Dense layer without bias
        }

        [Theory]
        [InlineData(5, 1)]
        [InlineData(16, 2)]
        public void TrainStepOnConvolutionalNetworksEqualsComputeGradientsThenStep(int batch, int threads)
        {
            AssertSameTraining<ConvStridedS>(batch, threads, Outputs); // padded im2col rows (K = 9 and 12 → 16), a conv without bias
            AssertSameTraining<ConvPoolsS>(batch, threads, Outputs);   // BatchNorm on images, pooling, padded K = 18 → 32
            AssertSameTraining<LeNetS>(batch, threads, Outputs);       // K = 72 unpadded, max pooling, Flatten
        }

        [Fact]
        public void TrainStepWithTargetsInDoublePrecisionEqualsComputeGradientsThenStep()
        {
            double[] inputs = TestData.Normal(5 * SmallKerasD.InputSize, 5);
            double[] targets = TestData.Uniform(5 * SmallKerasD.OutputSize, 6);
            double[] Train(bool fused)
            {
                var net = new SmallKerasD();
                var sgd = new Sgd(0.2);
                for (int step = 0; step < 3; step++)
                {
                    if (fused) sgd.TrainStep<double>(net, inputs, targets, 5);
                    else
                    {
                        net.ComputeGradients(inputs, targets, 5);
                        sgd.Step(net);
                    }
                }
                return net.Parameters.ToArray().Concat(net.RunningStatistics.ToArray()).ToArray();
            }
            double[] before = new SmallKerasD().Parameters.ToArray();
            double[] fusedResult = Train(fused: true);
            Assert.NotEqual(TestData.Bits(before), TestData.Bits(fusedResult.Take(before.Length).ToArray()));
            Assert.Equal(TestData.Bits(Train(fused: false)), TestData.Bits(fusedResult));
        }

        [Fact]
        public void OnlyPlainSgdWithoutClippingFuses()
        {
            Assert.True(new Sgd(0.1).FusesIntoBackward);
            Assert.False(new Sgd(0.1, momentum: 0.9).FusesIntoBackward);
            Assert.False(new Sgd(0.1, weightDecay: 1e-4).FusesIntoBackward);
            Assert.False(new Sgd(0.1) { ClipNorm = 1 }.FusesIntoBackward);
            Assert.False(new Sgd(0.1) { ClipValue = 1 }.FusesIntoBackward);
            Assert.False(new Adam().FusesIntoBackward);
            Assert.False(new RmsProp().FusesIntoBackward);
        }

        [Fact]
        public void TrainStepWithMomentumStepsThroughTheGradients()
        {
            float[] inputs = TestData.NormalSingle(4 * ReLUSoftmaxS.InputSize, 1);
            int[] labels = TestData.Labels(4, ReLUSoftmaxS.OutputSize, 2);
            var a = new ReLUSoftmaxS();
            var b = new ReLUSoftmaxS();
            var first = new Sgd(0.1, momentum: 0.9);
            var second = new Sgd(0.1, momentum: 0.9);
            for (int step = 0; step < 3; step++)
            {
                float loss = first.TrainStep(a, inputs, labels, 4);
                Assert.Equal(b.ComputeGradients(inputs, labels, 4), loss);
                second.Step(b);
            }
            Assert.Equal(TestData.Bits(b.Parameters.ToArray()), TestData.Bits(a.Parameters.ToArray()));
            Assert.Equal(TestData.Bits(b.Gradients.ToArray()), TestData.Bits(a.Gradients.ToArray())); // the gradients were written
        }

        [Fact]
        public void FitWithPlainSgdGivesTheSameWeightsFusedOrNot()
        {
            double[] features = TestData.Normal(200 * 5, 4, 0.5);
            int[] labels = TestData.Labels(200, 3, 5);
            for (int i = 0; i < 200; i++) features[i * 5 + labels[i]] += 2;
            var data = new Dataset<double>(features, 5, labels);
            double[] Fit(int gradientNormsEvery)
            {
                var net = new ReLUSoftmaxD();
                var sgd = new Sgd(0.1);
                TrainingHistory history = net.Fit(data, sgd, new FitOptions { Epochs = 2, BatchSize = 16, Diagnose = false, GradientNormsEvery = gradientNormsEvery });
                Assert.Equal(2 * 13, sgd.Iterations);
                Assert.True(history.Epochs[^1].Accuracy > 0.8, $"accuracy {history.Epochs[^1].Accuracy}");
                return net.Parameters.ToArray();
            }
            // GradientNormsEvery reads the gradients, so that run takes the unfused path.
            Assert.Equal(TestData.Bits(Fit(gradientNormsEvery: 1)), TestData.Bits(Fit(gradientNormsEvery: 0)));
        }

        [Fact]
        public void BackwardSgdChecksItsArgumentsAndUsesUpTheTrainingPass()
        {
            var net = new TinyNN();
            float[] inputs = TestData.NormalSingle(2 * TinyNN.InputSize, 1);
            int[] labels = { 1, 2 };
            net.ForwardTraining(inputs, 2);
            float[] before = net.Parameters.ToArray();
            foreach (double rate in new[] { 0, -0.1, double.NaN, double.PositiveInfinity })
                Assert.Throws<ArgumentOutOfRangeException>(() => net.BackwardSgd(labels, rate));
            Assert.Throws<ArgumentOutOfRangeException>(() => net.BackwardSgd(new[] { 1, 10 }, 0.1));
            Assert.Equal(TestData.Bits(before), TestData.Bits(net.Parameters.ToArray())); // bad arguments change nothing
            net.BackwardSgd(labels, 0.1);
            Assert.NotEqual(TestData.Bits(before), TestData.Bits(net.Parameters.ToArray()));
            var ex = Assert.Throws<InvalidOperationException>(() => net.BackwardSgd(labels, 0.1));
            Assert.Contains("ForwardTraining", ex.Message);
        }
    }
}
