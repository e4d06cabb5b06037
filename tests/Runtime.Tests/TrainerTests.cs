using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>The training loop on small synthetic problems (the real-data runs are in tests/Training.Tests).</summary>
    public class TrainerTests
    {
        /// <summary>Three Gaussian blobs in 5 dimensions: class k is centred on 2·e_k.</summary>
        private static Dataset<double> Blobs(int count, int seed)
        {
            double[] noise = TestData.Normal(count * 5, seed, 0.5);
            int[] labels = TestData.Labels(count, 3, seed + 1);
            for (int i = 0; i < count; i++) noise[i * 5 + labels[i]] += 2;
            return new Dataset<double>(noise, 5, labels);
        }

        private sealed class Recorder : IProgress<TrainingProgress>
        {
            public List<TrainingProgress> Reports { get; } = new List<TrainingProgress>();
            public void Report(TrainingProgress value) => Reports.Add(value);
        }

        [Fact]
        public void FitLearnsASeparableProblemAndReportsProgress()
        {
            var net = new ReLUSoftmaxD();
            Dataset<double> training = Blobs(600, 1), validation = Blobs(200, 2);
            double before = net.Evaluate(validation).Accuracy;
            var recorder = new Recorder();
            TrainingHistory history = net.Fit(training, new Adam(0.01), new FitOptions { Epochs = 5, BatchSize = 32, Progress = recorder, ReportEveryBatches = 5 }, validation);

            Assert.Equal(5, history.Epochs.Count);
            Assert.False(history.StoppedEarly);
            Assert.True(history.Epochs[4].Loss < history.Epochs[0].Loss);
            Assert.InRange(history.Epochs[4].ValidationAccuracy!.Value, 0.95, 1.0);
            Assert.InRange(before, 0, 0.8);
            Assert.Equal(history.Epochs[4].ValidationAccuracy, net.Evaluate(validation).Accuracy);
            // 19 batches per epoch: reports after batches 5, 10, 15, then the epoch's end.
            Assert.Equal(5 * 4, recorder.Reports.Count);
            Assert.Equal(new[] { 5, 10, 15, 19 }, recorder.Reports.Take(4).Select(r => r.Batch));
            Assert.All(recorder.Reports.Where((r, i) => i % 4 == 3), r => Assert.NotNull(r.Completed));
        }

        [Fact]
        public void SameSeedGivesBitIdenticalParametersAfterAnEpoch()
        {
            double[] Train(int seed)
            {
                var net = new SmallKerasD();
                net.Fit(Blobs(300, 3).WithFeatures(6), new Adam(), new FitOptions { Epochs = 1, BatchSize = 16, Seed = seed });
                return net.Parameters.ToArray().Concat(net.RunningStatistics.ToArray()).ToArray();
            }
            Assert.Equal(Train(7), Train(7));
            Assert.NotEqual(Train(7), Train(8)); // the seed drives the shuffling
        }

        [Fact]
        public void ValidationSplitHoldsOutTheLastSamples()
        {
            var net = new ReLUSoftmaxD();
            TrainingHistory history = net.Fit(Blobs(100, 4), new Sgd(0.1), new FitOptions { Epochs = 1, ValidationSplit = 0.2 });
            Assert.NotNull(history.Epochs[0].ValidationLoss);
            Assert.Throws<ArgumentOutOfRangeException>(() => Blobs(10, 1).Split(1.5));
        }

        [Fact]
        public void EarlyStoppingEndsFitAndPlateauLowersTheRate()
        {
            var net = new ReLUSoftmaxD();
            var stopping = new EarlyStopping(patience: 1, minDelta: 10); // nothing ever improves by 10
            var plateau = new ReduceLROnPlateau(0.05, factor: 0.5, patience: 1, minDelta: 10);
            var optimizer = new Sgd(0.05);
            var options = new FitOptions { Epochs = 10 };
            options.Callbacks.Add(plateau);
            options.Callbacks.Add(stopping);
            TrainingHistory history = net.Fit(Blobs(64, 5), optimizer, options, Blobs(32, 6));
            Assert.True(history.StoppedEarly);
            Assert.Equal(2, history.Epochs.Count);
            Assert.Same(plateau, optimizer.Schedule);
            Assert.Equal(0.025, plateau.Current, 15);
        }

        [Fact]
        public void CancellationStopsBetweenSteps()
        {
            var net = new ReLUSoftmaxD();
            using var source = new CancellationTokenSource();
            var options = new FitOptions { Epochs = 3, BatchSize = 10, ReportEveryBatches = 1 };
            int reports = 0;
            options.Progress = new Progress(p => { if (++reports == 2) source.Cancel(); });
            var optimizer = new Sgd(0.1);
            Assert.Throws<OperationCanceledException>(() => net.Fit(Blobs(100, 7), optimizer, options, cancellationToken: source.Token));
            Assert.Equal(2, optimizer.Iterations); // the step that reported the cancellation completed; no further step ran
        }

        [Fact]
        public void NonFiniteInputsAreRefusedBeforeTrainingNamingTheSample()
        {
            var net = new ReLUSoftmaxD();
            Dataset<double> data = Blobs(50, 9);
            data.Features[17 * 5 + 3] = double.NaN;
            double[] before = net.Parameters.ToArray();
            var ex = Assert.Throws<ArgumentException>(() => net.Fit(data, new Sgd(0.1)));
            Assert.Contains("feature 3 of sample 17 is NaN", ex.Message);
            Assert.Equal(before, net.Parameters.ToArray());
            Dataset<double> validation = Blobs(10, 10);
            validation.Features[0] = double.PositiveInfinity;
            Assert.Contains("validation data's feature 0 of sample 0", Assert.Throws<ArgumentException>(() => net.Fit(Blobs(20, 1), new Sgd(0.1), validation: validation)).Message);
        }

        [Fact]
        public void RegressionWithTargetsAndPrediction()
        {
            var net = new DenseMseD(); // 3 → 4 → 2, linear: learn y = A·x
            double[] x = TestData.Normal(400 * 3, 8);
            double[] y = new double[400 * 2];
            for (int i = 0; i < 400; i++)
            {
                y[2 * i] = x[3 * i] - 2 * x[3 * i + 1];
                y[2 * i + 1] = 0.5 * x[3 * i + 2];
            }
            var data = new Dataset<double>(x, 3, targets: y);
            TrainingHistory history = net.Fit(data, new Adam(0.02), new FitOptions { Epochs = 40, BatchSize = 20 });
            Assert.True(double.IsNaN(history.Epochs[0].Accuracy));
            Assert.InRange(net.Evaluate(data).Loss, 0, 1e-3);
            double[] prediction = net.Predict(new double[] { 1, 1, 1 });
            Assert.Equal(-1, prediction[0], 1);
            Assert.Equal(0.5, prediction[1], 1);
        }

        [Fact]
        public void EvaluateAndPredictClassUseProbabilities()
        {
            var net = new HandNet();
            new double[] { 1, -2, 0.5, 1, 0.1, -0.2, 1, 0, -1, 2, 0.5, 0.5, 0, 0.1, -0.1 }.CopyTo(net.Parameters);
            double[] x = { 0.3, -0.4, -1, 2 };
            double[] p = net.Predict(x);
            int[] classes = net.PredictClasses(x);
            Assert.Equal(Array.IndexOf(p, p.Take(3).Max()), classes[0]);
            Assert.Equal(classes[0], net.PredictClass<double>(x.AsSpan(0, 2)));
            Evaluation evaluation = net.Evaluate(new Dataset<double>(x, 2, new[] { classes[0], (classes[1] + 1) % 3 }));
            Assert.Equal(0.5, evaluation.Accuracy);
            double expected = (-Math.Log(p[classes[0]]) - Math.Log(p[3 + (classes[1] + 1) % 3])) / 2;
            Assert.Equal(expected, evaluation.Loss, 12);
        }

        private sealed class Progress : IProgress<TrainingProgress>
        {
            private readonly Action<TrainingProgress> _action;
            public Progress(Action<TrainingProgress> action) => _action = action;
            public void Report(TrainingProgress value) => _action(value);
        }
    }

    internal static class DatasetExtensions
    {
        /// <summary>Pads or cuts every sample to <paramref name="inputSize"/> features.</summary>
        public static Dataset<double> WithFeatures(this Dataset<double> data, int inputSize)
        {
            var features = new double[data.Count * inputSize];
            for (int i = 0; i < data.Count; i++)
                for (int j = 0; j < Math.Min(inputSize, data.InputSize); j++) features[i * inputSize + j] = data.Features[i * data.InputSize + j];
            int[] labels = data.Labels!.Select(l => l % 4).ToArray();
            return new Dataset<double>(features, inputSize, labels);
        }
    }
}
