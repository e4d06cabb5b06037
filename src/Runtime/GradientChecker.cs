using System;
using System.Collections.Generic;

namespace Unrolled
{
    /// <summary>What a gradient check concludes about one layer.</summary>
    public enum GradientVerdict
    {
        /// <summary>Backward agrees with finite differences as well as the precision allows.</summary>
        Pass,
        /// <summary>Between the pass and fail thresholds: often rounding (float) or a step across a non-smooth point; look closer,
        /// ideally in double precision.</summary>
        Suspicious,
        /// <summary>Backward disagrees with finite differences: the gradient is wrong (or not finite).</summary>
        Fail,
    }

    /// <summary>The worst disagreement between Backward and finite differences within one layer, and the verdict on it.</summary>
    public sealed class LayerGradientError
    {
        internal LayerGradientError(LayerInfo layer, double maxRelativeError, int worstParameter, double analytic, double numeric, int parametersChecked,
            int kinksCrossed, double kinkError, bool single)
        {
            Layer = layer;
            MaxRelativeError = maxRelativeError;
            WorstParameter = worstParameter;
            Analytic = analytic;
            Numeric = numeric;
            ParametersChecked = parametersChecked;
            KinksCrossed = kinksCrossed;
            MaxRelativeErrorAtKinks = kinkError;
            IsSinglePrecision = single;
            (double pass, double fail) = single ? (GradientChecker.SinglePass, GradientChecker.SingleFail) : (GradientChecker.DoublePass, GradientChecker.DoubleFail);
            Verdict = !(maxRelativeError <= fail) ? GradientVerdict.Fail
                : maxRelativeError > pass || (kinksCrossed == parametersChecked && parametersChecked > 0) ? GradientVerdict.Suspicious
                : GradientVerdict.Pass;
        }

        /// <summary>The layer.</summary>
        public LayerInfo Layer { get; }

        /// <summary>Pass, suspicious or fail: <see cref="MaxRelativeError"/> against the thresholds of the precision
        /// (<see cref="GradientChecker.DoublePass"/>/<see cref="GradientChecker.DoubleFail"/>, <see cref="GradientChecker.SinglePass"/>/<see cref="GradientChecker.SingleFail"/>).
        /// Suspicious too when every checked step crossed a kink (nothing was left to compare).</summary>
        public GradientVerdict Verdict { get; }

        /// <summary>max over the checked parameters whose step crossed no kink of <c>|a − n| / max(|a| + |n|, floor)</c>
        /// (NaN when a gradient or a loss was not finite).</summary>
        public double MaxRelativeError { get; }

        /// <summary>Index in <c>Parameters</c> of the parameter with the largest error.</summary>
        public int WorstParameter { get; }

        /// <summary>Backward's gradient at <see cref="WorstParameter"/>.</summary>
        public double Analytic { get; }

        /// <summary>The central finite difference at <see cref="WorstParameter"/>.</summary>
        public double Numeric { get; }

        /// <summary>How many of the layer's parameters were perturbed.</summary>
        public int ParametersChecked { get; }

        /// <summary>How many of those perturbations moved a ReLU or LeakyReLU input across 0 (a kink, where the loss is not
        /// differentiable): a finite difference there measures both slopes, not the gradient, so they are left out of
        /// <see cref="MaxRelativeError"/> and the verdict. Common in single precision, whose step must be large.</summary>
        public int KinksCrossed { get; }

        /// <summary>The largest relative error among the steps that crossed a kink (0 when none did), for information.</summary>
        public double MaxRelativeErrorAtKinks { get; }

        /// <summary>Whether the network is single precision: its check is coarse (relative errors to 1e-2); check gradients
        /// in <see cref="Precision.Double"/>, where a 1e-4 error in one layer fails.</summary>
        public bool IsSinglePrecision { get; }

        /// <inheritdoc />
        public override string ToString()
        {
            string verdict = Verdict switch { GradientVerdict.Pass => "pass", GradientVerdict.Suspicious => "suspicious", _ => "FAIL" };
            string text = FormattableString.Invariant(
                $"{Layer.Name}: {verdict}, max relative error {MaxRelativeError:E2} at θ[{WorstParameter}] (backward {Analytic:G6}, finite difference {Numeric:G6})");
            if (KinksCrossed > 0)
                text += FormattableString.Invariant($"; {KinksCrossed} of {ParametersChecked} steps crossed a ReLU kink and were left out (error there up to {MaxRelativeErrorAtKinks:E2})");
            if (IsSinglePrecision) text += "; float is a coarse check: check gradients with Precision.Double";
            return text;
        }
    }

    /// <summary>
    /// Central finite differences, <c>∂L/∂θ ≈ (L(θ + h) − L(θ − h)) / 2h</c>, compared with a network's Backward, with a
    /// verdict per layer (<see cref="GradientVerdict"/>). Every evaluation replays the same dropout masks and BatchNorm
    /// state, so dropout and BatchNorm in training mode are checked too. A step that moves a ReLU/LeakyReLU input across 0
    /// measures two slopes at once; it is detected, counted and left out of the verdict
    /// (<see cref="LayerGradientError.KinksCrossed"/>). Check gradients in <see cref="Precision.Double"/>: there a layer
    /// whose gradient is off by 1e-4 fails; a float check is coarse (its step must be 1e-2) and only catches gross errors.
    /// The network is left exactly as it was (parameters, running statistics, random state), with <c>Gradients</c>
    /// holding Backward's result.
    /// </summary>
    public static class GradientChecker
    {
        /// <summary>Double precision: a layer passes up to this relative error (a correct backward pass gives 1e-8 to 1e-11).</summary>
        public const double DoublePass = 1e-6;

        /// <summary>Double precision: a layer fails above this relative error (one layer's gradient off by 1e-4 gives 5e-5).</summary>
        public const double DoubleFail = 1e-5;

        /// <summary>Single precision: a layer passes up to this relative error (the step of 1e-2 and float rounding allow no better).</summary>
        public const double SinglePass = 1e-2;

        /// <summary>Single precision: a layer fails above this relative error.</summary>
        public const double SingleFail = 1e-1;

        /// <summary>
        /// The default step: 1e-5 in double precision, 1e-2 in single. Smaller steps drown in rounding: the loss is
        /// known to a few ulps, so the difference quotient carries an absolute noise of about ulp(L)/h
        /// (about 1e-11 in double, 1e-5 in single); larger steps add the truncation error h²·L‴/6.
        /// </summary>
        public static double DefaultStep<T>() where T : struct => Scalar<T>.IsSingle ? 1e-2 : 1e-5;

        /// <summary>
        /// The default floor of the relative-error denominator: 1e-4 in double, 1e-3 in single. Gradients smaller than
        /// the floor are compared in absolute terms (their relative error would only measure the rounding noise).
        /// </summary>
        public static double DefaultFloor<T>() where T : struct => Scalar<T>.IsSingle ? 1e-3 : 1e-4;

        /// <summary>Checks a network trained with class-index labels.</summary>
        public static LayerGradientError[] Check<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, int batchSize,
            double step = 0, double floor = 0, int maxParametersPerLayer = int.MaxValue) where T : struct
        {
            T[] inputCopy = inputs.ToArray();
            int[] labelCopy = labels.ToArray();
            return Check(network, () => network.ComputeGradients(inputCopy, labelCopy, batchSize), step, floor, maxParametersPerLayer);
        }

        /// <summary>Checks a network trained with per-output targets.</summary>
        public static LayerGradientError[] Check<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int batchSize,
            double step = 0, double floor = 0, int maxParametersPerLayer = int.MaxValue) where T : struct
        {
            T[] inputCopy = inputs.ToArray();
            T[] targetCopy = targets.ToArray();
            return Check(network, () => network.ComputeGradients(inputCopy, targetCopy, batchSize), step, floor, maxParametersPerLayer);
        }

        private static LayerGradientError[] Check<T>(INetwork<T> network, Func<T> lossAndGradients, double step, double floor, int maxParametersPerLayer)
            where T : struct
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            if (maxParametersPerLayer < 1) throw new ArgumentOutOfRangeException(nameof(maxParametersPerLayer), maxParametersPerLayer, "Check at least one parameter per layer.");
            int token = network.Guard.EnterExclusive("GradientCheck");
            try
            {
                return CheckOwned(network, lossAndGradients, step, floor, maxParametersPerLayer);
            }
            finally
            {
                network.Guard.ExitExclusive(token);
            }
        }

        private static LayerGradientError[] CheckOwned<T>(INetwork<T> network, Func<T> lossAndGradients, double step, double floor, int maxParametersPerLayer)
            where T : struct
        {
            double h = step > 0 ? step : DefaultStep<T>();
            double denominatorFloor = floor > 0 ? floor : DefaultFloor<T>();

            T[] parameters = network.Parameters.ToArray();
            T[] statistics = network.RunningStatistics.ToArray();
            ulong random = network.RandomState;

            double Evaluate()
            {
                statistics.CopyTo(network.RunningStatistics);
                network.RandomState = random;
                return Scalar<T>.ToDouble(lossAndGradients());
            }

            Evaluate();
            T[] analyticGradients = network.Gradients.ToArray();
            var kinks = new KinkWatch<T>(network);

            var results = new List<LayerGradientError>();
            foreach (LayerInfo layer in network.Layers)
            {
                if (layer.ParameterCount == 0) continue;
                int stride = Math.Max(1, (layer.ParameterCount + maxParametersPerLayer - 1) / maxParametersPerLayer);
                double worst = 0, worstAnalytic = 0, worstNumeric = 0, kinkWorst = 0;
                int worstIndex = layer.ParameterOffset, checkedCount = 0, kinkCount = 0, compared = 0;
                for (int k = 0; k < layer.ParameterCount; k += stride)
                {
                    int i = layer.ParameterOffset + k;
                    double original = Scalar<T>.ToDouble(parameters[i]);
                    network.Parameters[i] = Scalar<T>.FromDouble(original + h);
                    double plus = Evaluate();
                    bool crossed = kinks.Crossed();
                    network.Parameters[i] = Scalar<T>.FromDouble(original - h);
                    double minus = Evaluate();
                    crossed |= kinks.Crossed();
                    network.Parameters[i] = parameters[i];

                    // Divide by the step actually taken: in float, original ± h is rounded.
                    double actualStep = Scalar<T>.ToDouble(Scalar<T>.FromDouble(original + h)) - Scalar<T>.ToDouble(Scalar<T>.FromDouble(original - h));
                    double numeric = (plus - minus) / actualStep;
                    double analytic = Scalar<T>.ToDouble(analyticGradients[i]);
                    double error = Math.Abs(analytic - numeric) / Math.Max(Math.Abs(analytic) + Math.Abs(numeric), denominatorFloor);
                    if (double.IsNaN(error)) error = double.PositiveInfinity; // a non-finite gradient or loss is the worst error there is
                    checkedCount++;
                    if (crossed)
                    {
                        kinkCount++;
                        kinkWorst = Math.Max(kinkWorst, error);
                        continue;
                    }
                    if (error > worst || compared == 0)
                    {
                        worst = error;
                        worstIndex = i;
                        worstAnalytic = analytic;
                        worstNumeric = numeric;
                    }
                    compared++;
                }
                results.Add(new LayerGradientError(layer, worst, worstIndex, worstAnalytic, worstNumeric, checkedCount, kinkCount, kinkWorst, Scalar<T>.IsSingle));
            }

            // Leave the network as we found it, with Backward's gradients of the unperturbed parameters.
            parameters.CopyTo(network.Parameters);
            statistics.CopyTo(network.RunningStatistics);
            network.RandomState = random;
            analyticGradients.CopyTo(network.Gradients);
            return results.ToArray();
        }
    }

    /// <summary>The sign of every ReLU/LeakyReLU input in the unperturbed training pass, to tell whether a perturbed pass
    /// moved one across 0.</summary>
    internal sealed class KinkWatch<T> where T : struct
    {
        private readonly INetwork<T> _network;
        private readonly List<int> _inputs = new List<int>(); // 1-based indices of the layers whose outputs feed a kink
        private readonly List<bool[]> _baseline = new List<bool[]>();

        public KinkWatch(INetwork<T> network)
        {
            _network = network;
            foreach (LayerInfo layer in network.Layers)
            {
                if (layer.Kind is not (LayerKind.ReLU or LayerKind.LeakyReLU) || layer.Index == 1) continue; // the raw input does not move
                _inputs.Add(layer.Index - 1);
                _baseline.Add(Signs(network.LayerOutput(layer.Index - 1)));
            }
        }

        private static bool[] Signs(ReadOnlySpan<T> values)
        {
            var signs = new bool[values.Length];
            for (int i = 0; i < values.Length; i++) signs[i] = Scalar<T>.ToDouble(values[i]) > 0;
            return signs;
        }

        /// <summary>Whether the last pass put any kink input on the other side of 0 than the unperturbed pass did.</summary>
        public bool Crossed()
        {
            for (int k = 0; k < _inputs.Count; k++)
            {
                ReadOnlySpan<T> values = _network.LayerOutput(_inputs[k]);
                bool[] baseline = _baseline[k];
                for (int i = 0; i < baseline.Length && i < values.Length; i++)
                    if ((Scalar<T>.ToDouble(values[i]) > 0) != baseline[i]) return true;
            }
            return false;
        }
    }
}
