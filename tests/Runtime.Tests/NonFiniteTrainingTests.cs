using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>
    /// Issue 13, findings 1 and 2: a NaN weight or a NaN input during Fit stops training with a NonFinite diagnosis naming
    /// the layer (or the input), whatever FitOptions.Diagnose says, and the network keeps finite weights; an exploding loss
    /// is named as such. Before the fix a NaN weight in a ReLU layer trained on silently, and Diagnose = false ran five NaN
    /// epochs.
    /// </summary>
    public class NonFiniteTrainingTests
    {
        private static Dataset<float> Blobs(int count, int seed) => DiagnosisTests.Blobs(count, seed);

        private sealed class Hook : IProgress<TrainingProgress>
        {
            private readonly Action<TrainingProgress> _action;
            public Hook(Action<TrainingProgress> action) => _action = action;
            public void Report(TrainingProgress value) => _action(value);
        }

        private static void AssertFinite(INetwork<float> net)
        {
            Assert.All(net.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
            Assert.All(net.RunningStatistics.ToArray(), p => Assert.True(float.IsFinite(p)));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Finding1_ANaNWeightInAReLULayerStopsTrainingBeforeItStartsNamingTheWeight(bool diagnose)
        {
            var net = new ReLUSoftmaxS(); // Dense(7) → ReLU → Dense(3) → Softmax
            net.Parameters[ReLUSoftmaxS.Layer1WeightsOffset + 2 * 5 + 4] = float.NaN;
            TrainingHistory history = net.Fit(Blobs(64, 1), new Adam(0.01), new FitOptions { Epochs = 3, Diagnose = diagnose });
            Diagnosis nan = Assert.Single(history.Diagnoses);
            Assert.Equal(DiagnosisKind.NonFinite, nan.Kind);
            Assert.Equal("dense_1", nan.Layer!.Name);
            Assert.Contains("W[2, 4] of dense_1", nan.Message);
            Assert.Contains("before training", nan.Message);
            Assert.True(history.StoppedEarly);
            Assert.Empty(history.Epochs);
        }

        [Theory]
        [InlineData(true, 8)]
        [InlineData(false, 8)]
        [InlineData(true, 256)]
        [InlineData(false, 256)]
        public void Finding2_ANaNWeightAppearingDuringTrainingStopsItAndRestoresTheCheckpoint(bool diagnose, int batchSize)
        {
            var net = new BatchNormS(); // Dense → BatchNorm → ReLU → Dense → Softmax, with running statistics
            int batches = 0;
            var options = new FitOptions
            {
                Epochs = 8, BatchSize = batchSize, Diagnose = diagnose, ReportEveryBatches = 1,
                Progress = new Hook(p => { if (++batches == 40) net.Parameters[BatchNormS.Layer4WeightsOffset + 1] = float.NaN; }),
            };
            TrainingHistory history = net.Fit(Blobs(2048, 2), new Sgd(0.05), options);
            Diagnosis nan = Assert.Single(history.Diagnoses, d => d.Kind == DiagnosisKind.NonFinite);
            Assert.Equal("dense_4", nan.Layer!.Name);
            Assert.Contains("restored the weights of step", nan.Message);
            Assert.True(history.StoppedEarly);
            AssertFinite(net);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Finding2_ANaNInputDuringTrainingStopsItNamingTheInputWithTheWeightsUnchanged(bool diagnose)
        {
            var net = new BatchNormS();
            Dataset<float> data = Blobs(640, 3);
            float[]? before = null;
            var options = new FitOptions
            {
                Epochs = 2, BatchSize = 32, Shuffle = false, Diagnose = diagnose, ReportEveryBatches = 1,
                Progress = new Hook(p =>
                {
                    if (p.Epoch != 1 || p.Batch != 5) return;
                    data.Features[(5 * 32 + 3) * 5 + 1] = float.NaN; // sample 3 of the next batch
                    before = net.Parameters.ToArray().Concat(net.RunningStatistics.ToArray()).ToArray();
                }),
            };
            TrainingHistory history = net.Fit(data, new Adam(0.01), options);
            Diagnosis nan = Assert.Single(history.Diagnoses, d => d.Kind == DiagnosisKind.NonFinite);
            Assert.Contains("feature 1 of sample 3", nan.Message);
            Assert.Equal(5, nan.Step);
            Assert.Equal(before, net.Parameters.ToArray().Concat(net.RunningStatistics.ToArray()).ToArray()); // statistics put back
        }

        public static IEnumerable<object[]> Optimizers() => new[]
        {
            new object[] { "sgd", true }, new object[] { "sgd", false }, new object[] { "adam", true }, new object[] { "adam", false },
        };

        [Theory]
        [MemberData(nameof(Optimizers))]
        public void Finding2_AHugeLearningRateStopsTrainingWithFiniteWeightsWhateverDiagnoseSays(string optimizer, bool diagnose)
        {
            var net = new BatchNormS();
            Optimizer chosen = optimizer == "sgd" ? new Sgd(1e30) : new Adam(1e30);
            TrainingHistory history = net.Fit(Blobs(640, 4), chosen, new FitOptions { Epochs = 5, BatchSize = 32, Diagnose = diagnose });
            Diagnosis nan = Assert.Single(history.Diagnoses, d => d.Kind == DiagnosisKind.NonFinite);
            Assert.Contains("learning rate", nan.Message);
            Assert.True(history.StoppedEarly);
            Assert.True(history.Epochs.Count < 5);
            AssertFinite(net);
            Assert.Equal(net.Parameters.ToArray().Length, net.Parameters.ToArray().Count(float.IsFinite));
        }

        [Theory]
        [InlineData(50.0)]
        [InlineData(1000.0)]
        public void Finding2_AnExplodingLossIsNamedWithTheLearningRateAsFirstSuspect(double rate)
        {
            var net = new TinyNN();
            Dataset<float> data = Blobs784(1024, 5);
            TrainingHistory history = net.Fit(data, new Sgd(rate), new FitOptions { Epochs = 1, BatchSize = 16 });
            Diagnosis? first = history.Diagnoses.FirstOrDefault(d => d.Kind is DiagnosisKind.ExplodingLoss or DiagnosisKind.NonFinite);
            Assert.True(first != null, string.Join("\n", history.Epochs.Select(e => e.Loss)) + "\n" + string.Join("\n", history.Diagnoses));
            Assert.Contains("learning rate", first.Message);
            if (first.Kind == DiagnosisKind.ExplodingLoss)
            {
                Assert.Contains("exploding", first.Message);
                Assert.True(first.Value > 10);
            }
            AssertFinite(net);
        }

        [Fact]
        public void AHealthyRunHasNoExplodingLoss()
        {
            TrainingHistory history = new TinyNN().Fit(Blobs784(1024, 6), new Sgd(0.05), new FitOptions { Epochs = 2, BatchSize = 16 });
            Assert.DoesNotContain(history.Diagnoses, d => d.Kind is DiagnosisKind.ExplodingLoss or DiagnosisKind.NonFinite);
        }

        /// <summary>Ten blobs in 784 dimensions, pixel-like values in [0, 1].</summary>
        private static Dataset<float> Blobs784(int count, int seed)
        {
            double[] noise = TestData.Uniform(count * 784, seed);
            int[] labels = TestData.Labels(count, 10, seed + 1);
            var x = new float[count * 784];
            for (int i = 0; i < count; i++)
            for (int j = 0; j < 784; j++)
                x[i * 784 + j] = (float)(0.3 * noise[i * 784 + j] + (j % 10 == labels[i] ? 0.5 : 0));
            return new Dataset<float>(x, 784, labels);
        }
    }
}
