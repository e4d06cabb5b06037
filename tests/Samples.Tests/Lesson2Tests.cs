using System;
using System.Linq;
using Lesson2.Experiments;
using Xunit;
using Xunit.Abstractions;

namespace Unrolled.Samples.Tests
{
    /// <summary>Each of the lesson's quiz claims, asserted on the numbers its experiment measures (and, where the lesson's
    /// wording and the measurement part ways, the measured behaviour is what is asserted).</summary>
    public sealed class Lesson2Tests
    {
        private static readonly Lazy<(Dataset<float> Training, Dataset<float> Test)> s_fashion = new(() => FashionMnist.Load());
        private readonly ITestOutputHelper _output;

        public Lesson2Tests(ITestOutputHelper output) => _output = output;

        private T Show<T>(T result) where T : ExperimentResult
        {
            _output.WriteLine(result.Claim);
            foreach (string line in result.Evidence()) _output.WriteLine(line);
            _output.WriteLine(result.Verdict);
            return result;
        }

        [Fact]
        public void Quiz1XavierKeepsVarianceWhileTooSmallDecaysAndTooLargeSaturates()
        {
            InitialisationResult r = Show(Q1Initialisation.Run());
            Assert.InRange(r.Xavier.WeightDeviation, 0.095, 0.105); // Var = 2/(100 + 100)
            // Xavier: within an order of magnitude over ten layers, activations and gradients.
            Assert.InRange(r.Xavier.VarianceRatio, 0.05, 1.0);
            Assert.InRange(r.Xavier.GradientRatio, 0.3, 3.0);
            Assert.True(r.Xavier.ActivationVariances.All(v => v > 0.03), "Xavier's activations keep a usable variance in every layer");
            // Too small: each layer multiplies the variance by ~100·σ² = 0.01, so ten layers lose ~18 orders of magnitude.
            Assert.True(r.TooSmall.VarianceRatio < 1e-15, $"too small: ratio {r.TooSmall.VarianceRatio}");
            for (int i = 1; i < 10; i++) Assert.InRange(r.TooSmall.ActivationVariances[i] / r.TooSmall.ActivationVariances[i - 1], 0.005, 0.02);
            Assert.True(r.TooSmall.GradientNorms[0] < 1e-6 * r.Xavier.GradientNorms[0], "too small: the first layer's gradient vanishes");
            // Too large: saturated units pass back almost nothing (the lesson's per-unit claim) …
            Assert.True(r.TooLarge.SaturatedShare > 0.6, $"saturated {r.TooLarge.SaturatedShare}");
            Assert.True(r.TooLarge.MeanDerivative < 0.2 * r.Xavier.MeanDerivative);
            // … but the large weights multiply the product back up: gradients grow towards the input (measured, reported).
            Assert.True(r.TooLarge.GradientRatio > 100, $"too large: gradient ratio {r.TooLarge.GradientRatio}");
        }

        [Fact]
        public void Quiz2SoftmaxCrossEntropyGradientIsPredictionMinusTruth()
        {
            SoftmaxGradientResult r = Show(Q2SoftmaxCrossEntropy.Run());
            Assert.True(r.FiniteDifferenceError < 1e-8, $"finite difference {r.FiniteDifferenceError}");
            Assert.True(r.ChainRuleError < 1e-12, $"chain rule {r.ChainRuleError}");
            Assert.True(r.GeneratedError < 1e-12, $"generated {r.GeneratedError}");
            Assert.Equal(0, r.PredictionMinusTruth.Sum(), 12);                  // Σ(ŷ − y) = 1 − 1
            Assert.True(r.PredictionMinusTruth[r.Label] < 0);                   // only the true class is pushed up
            Assert.True(r.PredictionMinusTruth.Max() > 0.01, "a non-trivial case: some wrong class has real probability");
        }

        [Fact]
        public void Quiz3BiasCorrectionMakesEveryStepEtaAndUncorrectedStepsFollowTheAlgebra()
        {
            BiasCorrectionResult r = Show(Q3AdamBiasCorrection.Run());
            Assert.All(r.CorrectedStep, s => Assert.InRange(s, 0.999, 1.001));
            for (int i = 0; i < r.Steps.Count; i++)
            {
                long t = r.Steps[i];
                Assert.Equal(BiasCorrectionResult.PredictedRatio(t), r.UncorrectedStep[i], 3);
                Assert.Equal(BiasCorrectionResult.PredictedRatio(t, beta2: r.LowBeta2), r.UncorrectedStepLowBeta2[i], 3);
            }
            // The lesson says the uncorrected first steps are tiny; with the default β they are 3.16× larger …
            Assert.InRange(r.UncorrectedStep[0], 3.15, 3.17);
            Assert.True(r.UncorrectedStep.Max() > 6.5);
            // … and tiny only when v is biased less than m: β2 = 0.9 gives 0.1/√0.1 = 0.316.
            Assert.InRange(r.UncorrectedStepLowBeta2[0], 0.31, 0.32);
            Assert.InRange(r.UncorrectedStep[r.Steps.Count - 1], 0.99, 1.01); // the bias is gone after thousands of steps
        }

        [Fact]
        public void Quiz4BatchNormBeforeTheActivationSeesAGaussianAfterReLUAHalfRectifiedInput()
        {
            BatchNormPlacementResult r = Show(Q4BatchNormPlacement.Run(s_fashion.Value.Training, s_fashion.Value.Test));
            Assert.Equal(0, r.Before.InputZeroShare);
            Assert.InRange(r.Before.InputSkewness, -0.5, 0.5);
            Assert.InRange(r.Before.InputExcessKurtosis, -1.0, 1.0);
            Assert.True(r.After.InputZeroShare > 0.3, $"zeros after ReLU {r.After.InputZeroShare}");
            Assert.True(r.After.InputSkewness > 1, $"skewness after ReLU {r.After.InputSkewness}");
            // Both placements train; which tests better is reported, not asserted (0.84 vs 0.84 here).
            Assert.True(r.Before.TestAccuracy > 0.8 && r.After.TestAccuracy > 0.8);
        }

        [Fact]
        public void Quiz5InvertedDropoutKeepsTheExpectedActivation()
        {
            InvertedDropoutResult r = Show(Q5InvertedDropout.Run());
            Assert.Equal(0.4, r.Rate);
            Assert.InRange(r.DroppedShare, 0.39, 0.41);
            Assert.Equal(1 / 0.6, r.KeptScale, 5);
            Assert.True(r.KeptScaleSpread < 1e-5);
            Assert.InRange(r.MeanRatio, 0.99, 1.01);
            Assert.True(r.OutputError < 0.15, $"network outputs differ by {r.OutputError}");
            Assert.True(Math.Abs(r.MeanRatio * (1 - r.Rate) - 1) > 0.35, "without the scaling the means would differ by p");
        }

        /// <summary>
        /// Over five seeds, because one seed's retention figures move with the last bit of any kernel: a change that only turned
        /// the output layer's ragged ∂W rows from multiply-then-add into FMA chains took seed 0's end-of-run retention from
        /// 63.7 % vs 39.6 % to 49.1 % vs 51.9 % (warmup vs none). Measured on seeds 0–5 with both kernels, the claims below hold
        /// on every seed or on the mean by a wide margin (early retention +0.09 to +0.10 on the mean, final +0.12 to +0.13; the
        /// single-seed bounds this test had, +0.10 early and +0.05 final, failed on half of the seeds with either kernel).
        /// </summary>
        [Fact]
        public void Quiz6WarmupProtectsThePretrainedBodyWhileTheNewHeadSettles()
        {
            WarmupResult[] runs = Enumerable.Range(0, 5).Select(seed => Q6Warmup.Run(s_fashion.Value.Training, s_fashion.Value.Test, seed)).ToArray();
            Show(runs[0]);
            foreach (WarmupResult r in runs)
            {
                Assert.True(r.PretrainAccuracy > 0.8, $"pretraining reached {r.PretrainAccuracy}");
                Assert.True(r.NoWarmup.EarlyBodyDrift > 3 * r.Warmup.EarlyBodyDrift, "warmup keeps the early updates small");
                Assert.True(r.Warmup.EarlyRetained > r.NoWarmup.EarlyRetained, "warmup keeps what the body knew through the first steps");
                Assert.True(r.Scratch.FinalRetained < r.NoWarmup.FinalRetained, "a fresh body knows less of the old task than either fine-tuned one");
                // The new task itself ends within noise either way on this small network: reported, not asserted beyond "it learns".
                Assert.True(r.Warmup.TestAccuracy > 0.6 && r.NoWarmup.TestAccuracy > 0.6);
            }
            double early = runs.Average(r => r.Warmup.EarlyRetained - r.NoWarmup.EarlyRetained);
            double final = runs.Average(r => r.Warmup.FinalRetained - r.NoWarmup.FinalRetained);
            Assert.True(early > 0.05, $"warmup kept {early:P1} more of the old task after 20 steps, on the mean of five seeds");
            Assert.True(final > 0.05, $"warmup kept {final:P1} more of the old task at the end, on the mean of five seeds");
        }

        [Fact]
        public void Quiz7AHighLearningRateKillsReLUsAndDeadUnitsGetNoGradient()
        {
            DyingReLUResult r = Show(Q7DyingReLU.Run(s_fashion.Value.Training));
            Assert.Equal(0, r.Normal.DeadBefore);
            Assert.Equal(0, r.High.DeadBefore);
            Assert.True(r.Normal.DeadAfter < 0.05, $"normal η killed {r.Normal.DeadAfter}");
            Assert.True(r.High.DeadAfter > 0.5, $"high η killed only {r.High.DeadAfter}");
            Assert.Equal(0, r.High.LargestDeadGradient);               // the (z > 0) mask: exactly zero, not small
            Assert.True(r.High.DeadAfterRecovery >= r.High.DeadAfter);  // dead units never come back
            Assert.True(r.Normal.Accuracy > r.High.Accuracy + 0.3);
        }

        [Fact]
        public void Quiz8AdamL2DecaysRarelyUpdatedWeightsHarderAdamWDecaysAllAlike()
        {
            DecoupledDecayResult r = Show(Q8AdamWDecay.Run());
            Assert.True(r.AdamL2.Ratio > 3, $"Adam + L2 ratio {r.AdamL2.Ratio}");
            Assert.InRange(r.AdamW.Ratio, 0.95, 1.05);
            Assert.Equal(r.NominalDecay, r.AdamW.OftenUpdated, 2);
            Assert.Equal(r.NominalDecay, r.AdamW.RarelyUpdated, 2);
        }
    }
}
