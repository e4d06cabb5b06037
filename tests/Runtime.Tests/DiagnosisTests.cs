using System;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>Each run-time diagnosis, triggered by inducing its symptom; a healthy run raises none.</summary>
    public class DiagnosisTests
    {
        /// <summary>Three Gaussian blobs in 5 dimensions, class k centred on 2·e_k.</summary>
        internal static Dataset<float> Blobs(int count, int seed, float scale = 1)
        {
            float[] x = TestData.NormalSingle(count * 5, seed, 0.5);
            int[] labels = TestData.Labels(count, 3, seed + 1);
            for (int i = 0; i < count; i++) x[i * 5 + labels[i]] += 2;
            for (int i = 0; i < x.Length; i++) x[i] *= scale;
            return new Dataset<float>(x, 5, labels);
        }

        private static DiagnosisKind[] Kinds(TrainingHistory history) => history.Diagnoses.Select(d => d.Kind).Distinct().ToArray();

        [Fact]
        public void AHealthyRunRaisesNone()
        {
            var net = new ReLUSoftmaxS();
            TrainingHistory history = net.Fit(Blobs(640, 1), new Adam(0.01), new FitOptions { Epochs = 5, BatchSize = 32 }, Blobs(200, 2));
            Assert.Empty(history.Diagnoses);
            Assert.True(history.Epochs[^1].ValidationAccuracy > 0.9);
        }

        [Fact]
        public void AHugeLearningRateStopsOnNaNNamingTheLayerAndKeepsFiniteWeights()
        {
            var net = new ReLUSoftmaxS();
            var reported = new System.Collections.Generic.List<Diagnosis>();
            TrainingHistory history = net.Fit(Blobs(640, 3), new Sgd(1e30), new FitOptions { Epochs = 3, BatchSize = 32, OnDiagnosis = reported.Add });
            Diagnosis nan = Assert.Single(history.Diagnoses, d => d.Kind == DiagnosisKind.NonFinite);
            Assert.Same(nan, reported.Single(d => d.Kind == DiagnosisKind.NonFinite));
            Assert.NotNull(nan.Layer);
            Assert.Contains(nan.Layer!.Name, nan.Message);
            Assert.Contains("learning rate", nan.Message);
            Assert.True(history.StoppedEarly);
            Assert.All(net.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
        }

        [Fact]
        public void TenSigmoidLayersVanish()
        {
            var net = new SigmoidStack();
            TrainingHistory history = net.Fit(Blobs(256, 4), new Sgd(0.1), new FitOptions { Epochs = 1, BatchSize = 32 });
            Diagnosis vanishing = Assert.Single(history.Diagnoses, d => d.Kind == DiagnosisKind.VanishingGradients);
            Assert.Equal("dense_1", vanishing.Layer!.Name);
            Assert.True(vanishing.Value < 1e-3);
        }

        [Fact]
        public void HugeFirstLayerGradientsExplode()
        {
            // Inputs ×100 with the first weights ×0.01: the forward pass is unchanged, but ∂L/∂W1 = δ1·xᵀ is 100× larger
            // (ReLU networks are scale-free in their weights, so this is how a large input scale shows in the gradients).
            var net = new DeepReLU();
            for (int i = 0; i < 16 * 5; i++) net.Parameters[DeepReLU.Layer1WeightsOffset + i] *= 0.01f;
            TrainingHistory history = net.Fit(Blobs(64, 5, scale: 100), new Sgd(1e-9), new FitOptions { Epochs = 1, BatchSize = 32 });
            Diagnosis exploding = Assert.Single(history.Diagnoses, d => d.Kind == DiagnosisKind.ExplodingGradients);
            Assert.Equal("dense_1", exploding.Layer!.Name);
            Assert.True(exploding.Value > 70);
        }

        [Fact]
        public void DeadReLUsAreNamed()
        {
            var net = new ReLUSoftmaxS(); // Dense(7) → ReLU → Dense(3) → Softmax
            net.Parameters.Slice(ReLUSoftmaxS.Layer1BiasOffset, 7).Fill(-100f); // every unit starts (and stays) dead
            TrainingHistory history = net.Fit(Blobs(64, 6), new Sgd(0.01), new FitOptions { Epochs = 1, BatchSize = 32 });
            Diagnosis dead = Assert.Single(history.Diagnoses, d => d.Kind == DiagnosisKind.DyingReLU);
            Assert.Equal("relu_2", dead.Layer!.Name);
            Assert.Equal(1.0, dead.Value);
        }

        /// <summary>Issue 16: images of 6×6 whose class sets the brightness of one third of the rows.</summary>
        private static Dataset<float> Stripes(int count, int seed, float scale = 1)
        {
            float[] x = TestData.NormalSingle(count * 36, seed, 0.3);
            int[] labels = TestData.Labels(count, 3, seed + 1);
            for (int i = 0; i < count; i++)
                for (int q = 0; q < 12; q++) x[i * 36 + labels[i] * 12 + q] += 1;
            for (int i = 0; i < x.Length; i++) x[i] *= scale;
            return new Dataset<float>(x, 36, labels);
        }

        [Fact]
        public void DeadConvolutionChannelsAreNamedAsChannels()
        {
            var net = new DiagnosedCnn();
            net.Parameters.Slice(DiagnosedCnn.Layer1BiasOffset, 3).Fill(-100f); // 3 of the 4 filters output ≤ 0 everywhere
            TrainingHistory history = net.Fit(Stripes(64, 7), new Sgd(0.01), new FitOptions { Epochs = 1, BatchSize = 32 });
            Diagnosis dead = Assert.Single(history.Diagnoses, d => d.Kind == DiagnosisKind.DyingReLU);
            Assert.Equal("relu_2", dead.Layer!.Name);
            Assert.Equal(0.75, dead.Value);
            Assert.Contains("75 % of the channels of relu_2 output 0 at every position", dead.Message);
        }

        [Fact]
        public void ExplodingGradientsAreMeasuredFromTheFirstConvolution()
        {
            // As HugeFirstLayerGradientsExplode, with a convolution first: inputs ×1000, its weights ×0.001.
            var net = new DiagnosedCnn();
            for (int i = 0; i < 4 * 9; i++) net.Parameters[DiagnosedCnn.Layer1WeightsOffset + i] *= 0.001f;
            TrainingHistory history = net.Fit(Stripes(64, 8, scale: 1000), new Sgd(1e-9), new FitOptions { Epochs = 1, BatchSize = 32 });
            Diagnosis exploding = Assert.Single(history.Diagnoses, d => d.Kind == DiagnosisKind.ExplodingGradients);
            Assert.Equal("conv2d_1", exploding.Layer!.Name);
            Assert.True(exploding.Value > 70);
        }

        [Fact]
        public void ANaNConvolutionWeightIsNamedByFilterChannelRowAndColumn()
        {
            var net = new DiagnosedCnn();
            net.Parameters[DiagnosedCnn.Layer1WeightsOffset + 2 * 9 + 1 * 3 + 2] = float.NaN; // W[2, 0, 1, 2]
            var ex = Assert.Throws<InvalidOperationException>(() => net.PredictClass(Stripes(1, 9).Features));
            Assert.Contains("W[2, 0, 1, 2] of conv2d_1", ex.Message);
            Assert.Equal("b[1] of conv2d_1 (Parameters[37])", NonFinite.DescribeParameter(DiagnosedCnn.Layers, DiagnosedCnn.Layer1BiasOffset + 1));
        }

        [Fact]
        public void ABadInitialLossIsFlagged()
        {
            var net = new ReLUSoftmaxS();
            for (int i = 0; i < 7 * 3; i++) net.Parameters[ReLUSoftmaxS.Layer3WeightsOffset + i] *= 100;
            TrainingHistory history = net.Fit(Blobs(64, 7), new Sgd(1e-4), new FitOptions { Epochs = 1, BatchSize = 32 });
            Assert.Contains(DiagnosisKind.BadInitialLoss, Kinds(history));
        }

        [Fact]
        public void UnscaledAndConstantInputsAreFlaggedBeforeTraining()
        {
            Dataset<float> raw = Blobs(64, 8, scale: 255);
            for (int i = 0; i < raw.Count; i++) raw.Features[i * 5 + 4] = 1; // feature 4 never changes
            TrainingHistory history = new ReLUSoftmaxS().Fit(raw, new Sgd(1e-6), new FitOptions { Epochs = 1, BatchSize = 32 });
            Assert.Contains(DiagnosisKind.UnscaledInputs, Kinds(history));
            Diagnosis constant = Assert.Single(history.Diagnoses, d => d.Kind == DiagnosisKind.ConstantFeatures);
            Assert.Equal(1, constant.Value);
            Assert.All(history.Diagnoses.Where(d => d.Kind is DiagnosisKind.UnscaledInputs or DiagnosisKind.ConstantFeatures), d => Assert.Equal(0, d.Epoch));
        }

        [Fact]
        public void MemorisingASmallNoisyTrainingSetIsOverfitting()
        {
            // 24 samples with random labels: the network can only memorise them, so validation loss climbs.
            float[] x = TestData.NormalSingle(24 * 5, 9);
            var training = new Dataset<float>(x, 5, TestData.Labels(24, 3, 10));
            var net = new DeepReLU();
            TrainingHistory history = net.Fit(training, new Adam(0.01), new FitOptions { Epochs = 60, BatchSize = 8 }, Blobs(100, 11));
            Assert.Contains(DiagnosisKind.Overfitting, Kinds(history));
        }

        [Fact]
        public void DiagnosisCanBeTurnedOff()
        {
            TrainingHistory history = new ReLUSoftmaxS().Fit(Blobs(64, 12, scale: 255), new Sgd(1e-6), new FitOptions { Diagnose = false });
            Assert.Empty(history.Diagnoses);
        }
    }
}

namespace Unrolled.Runtime.Tests
{
    /// <summary>Issue 13, finding 11: overfitting is a trend (patience and a minimum relative rise, as EarlyStopping's
    /// min_delta), not one noisy epoch. Before the fix, validation loss 0.0609 → 0.0692, then its best 0.0496 at the end, was
    /// reported as "memorising the training set".</summary>
    public class OverfittingTrendTests
    {
        private static System.Collections.Generic.List<Diagnosis> Run(double[] training, double[] validation)
        {
            var found = new System.Collections.Generic.List<Diagnosis>();
            var doctor = new Diagnostician<float>(new ReLUSoftmaxS(), found.Add);
            for (int e = 0; e < training.Length; e++)
            {
                doctor.StartEpoch(e + 1);
                doctor.AfterEpoch(new EpochResult(e + 1, training[e], 0.9, validation[e], 0.9, 0.01, 1, 100));
            }
            return found;
        }

        [Fact]
        public void Finding11_ANoisyButHealthyValidationLossIsNotOverfitting()
        {
            // The run: a rise from 0.0609 to 0.0692, then down to the best, 0.0496, at the end.
            double[] training = { 0.30, 0.20, 0.15, 0.12, 0.10, 0.09, 0.08, 0.07 };
            double[] validation = { 0.10, 0.08, 0.0609, 0.0692, 0.0650, 0.0560, 0.0530, 0.0496 };
            Assert.Empty(Run(training, validation));
        }

        [Fact]
        public void Finding11_TwoRisingEpochsAreNotYetATrend()
        {
            double[] training = { 0.30, 0.20, 0.15, 0.12, 0.10 };
            double[] validation = { 0.10, 0.08, 0.07, 0.080, 0.090 }; // the old rule fired here
            Assert.Empty(Run(training, validation));
        }

        [Fact]
        public void Finding11_ASustainedRiseWhileTrainingLossFallsIsOverfittingOnce()
        {
            double[] training = { 0.30, 0.20, 0.15, 0.12, 0.10, 0.08, 0.06, 0.05 };
            double[] validation = { 0.10, 0.08, 0.07, 0.075, 0.080, 0.085, 0.090, 0.095 };
            Diagnosis overfitting = Assert.Single(Run(training, validation));
            Assert.Equal(DiagnosisKind.Overfitting, overfitting.Kind);
            Assert.Equal(6, overfitting.Epoch); // epochs 4–6 all ≥ 1.05 × 0.07 = 0.0735
            Assert.Contains("epoch 3", overfitting.Message);
        }

        [Fact]
        public void Finding11_ARiseBelowTheMinimumIsNotOverfitting()
        {
            double[] training = { 0.30, 0.20, 0.15, 0.12, 0.10, 0.08 };
            double[] validation = { 0.10, 0.08, 0.070, 0.071, 0.072, 0.073 }; // +4 %: noise-sized
            Assert.Empty(Run(training, validation));
        }
    }
}
