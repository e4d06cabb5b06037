using System;
using System.Collections.Generic;
using System.Linq;
using Unrolled;
using static Lesson2.Experiments.Stats;

namespace Lesson2.Experiments
{
    /// <summary>Quiz 3: what Adam's bias correction does to the first steps.</summary>
    public sealed class BiasCorrectionResult : ExperimentResult
    {
        internal BiasCorrectionResult(double learningRate, IReadOnlyList<long> steps, double[] corrected, double[] uncorrected, double[] uncorrectedLowBeta2, double lowBeta2)
        {
            LearningRate = learningRate;
            Steps = steps;
            CorrectedStep = corrected;
            UncorrectedStep = uncorrected;
            UncorrectedStepLowBeta2 = uncorrectedLowBeta2;
            LowBeta2 = lowBeta2;
        }

        /// <summary>η.</summary>
        public double LearningRate { get; }
        /// <summary>The steps t reported (1-based).</summary>
        public IReadOnlyList<long> Steps { get; }
        /// <summary>|Δθ_t| / η with bias correction, β = (0.9, 0.999), for a constant gradient.</summary>
        public IReadOnlyList<double> CorrectedStep { get; }
        /// <summary>|Δθ_t| / η without bias correction, β = (0.9, 0.999).</summary>
        public IReadOnlyList<double> UncorrectedStep { get; }
        /// <summary>|Δθ_t| / η without bias correction, β = (0.9, <see cref="LowBeta2"/>).</summary>
        public IReadOnlyList<double> UncorrectedStepLowBeta2 { get; }
        /// <summary>The β2 of the third run.</summary>
        public double LowBeta2 { get; }

        /// <summary>(1 − β1^t) / √(1 − β2^t): the uncorrected-to-corrected step ratio the algebra predicts for a constant gradient.</summary>
        public static double PredictedRatio(long t, double beta1 = 0.9, double beta2 = 0.999) => (1 - Math.Pow(beta1, t)) / Math.Sqrt(1 - Math.Pow(beta2, t));

        /// <inheritdoc />
        public override int Question => 3;

        /// <inheritdoc />
        public override string Claim => "m and v start at 0 and are biased towards it; dividing by (1 − β^t) corrects this and prevents artificially tiny effective learning rates in the first steps.";

        /// <inheritdoc />
        public override IEnumerable<string> Evidence()
        {
            yield return $"A constant gradient g on four weights of very different scale (|g| from 0.05 to 10), η = {F(LearningRate)}; step size |Δθ_t|/η, the same for every weight:";
            yield return "  t            " + string.Join("", Steps.Select(t => $"{t,9}"));
            yield return "  corrected    " + string.Join("", CorrectedStep.Select(v => $"{F(v, "0.000"),9}"));
            yield return "  uncorrected  " + string.Join("", UncorrectedStep.Select(v => $"{F(v, "0.000"),9}"));
            yield return "  predicted    " + string.Join("", Steps.Select(t => $"{F(PredictedRatio(t), "0.000"),9}")) + "   (1 − β1^t)/√(1 − β2^t)";
            yield return $"  β2 = {F(LowBeta2)}    " + string.Join("", UncorrectedStepLowBeta2.Select(v => $"{F(v, "0.000"),9}")) + "   uncorrected";
            yield return "At t = 1 the uncorrected m is (1 − β1)·g = 0.1·g, tiny as the quiz says, but v is (1 − β2)·g² = 0.001·g², and m/√v = 3.16·sign(g).";
        }

        /// <inheritdoc />
        public override string Verdict =>
            $"Half true. The estimates are biased towards 0, and the correction makes every step exactly η from t = 1. But with Adam's default β the uncorrected " +
            $"steps are not tiny: they are {F(UncorrectedStep[0], "0.00")}× η at t = 1 and up to {F(UncorrectedStep.Max(), "0.0")}× near t = 12, because v is biased more than m. " +
            $"They are tiny ({F(UncorrectedStepLowBeta2[0], "0.00")}× η) only when 1 − β2 > (1 − β1)², e.g. β2 = {F(LowBeta2)}.";
    }

    /// <summary>Runs quiz 3's experiment.</summary>
    public static class Q3AdamBiasCorrection
    {
        private static readonly long[] s_reported = { 1, 2, 5, 12, 100, 1000, 5000 };

        /// <summary>Adam with and without bias correction on a constant gradient, read off the weights of <see cref="FourWeights"/>.</summary>
        public static BiasCorrectionResult Run(double learningRate = 1e-3)
        {
            const double lowBeta2 = 0.9;
            return new BiasCorrectionResult(learningRate, s_reported,
                StepSizes(new Adam(learningRate), learningRate),
                StepSizes(new Adam(learningRate) { BiasCorrection = false }, learningRate),
                StepSizes(new Adam(learningRate, beta2: lowBeta2) { BiasCorrection = false }, learningRate),
                lowBeta2);
        }

        /// <summary>|Δθ_t|/η at the reported steps, checked equal across the four weights (Adam is scale-invariant per weight).</summary>
        private static double[] StepSizes(Adam optimizer, double learningRate)
        {
            double[] gradient = { 0.5, -2, 0.05, 10 };
            var network = new FourWeights();
            network.Parameters.Clear();
            var sizes = new List<double>();
            long last = s_reported[s_reported.Length - 1];
            for (long t = 1; t <= last; t++)
            {
                double[] before = network.Parameters.ToArray();
                gradient.CopyTo(network.Gradients);
                optimizer.Step(network);
                if (Array.IndexOf(s_reported, t) < 0) continue;
                double[] steps = network.Parameters.ToArray().Select((p, i) => Math.Abs(p - before[i]) / learningRate).ToArray();
                if (steps.Max() - steps.Min() > 1e-3 * steps.Max())
                    throw new InvalidOperationException($"Adam's step at t = {t} differs across weights: {string.Join(", ", steps)}");
                sizes.Add(steps.Average());
            }
            return sizes.ToArray();
        }
    }
}
