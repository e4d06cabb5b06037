using System;
using System.Collections.Generic;

namespace Unrolled
{
    /// <summary>The worst disagreement between Backward and finite differences within one layer.</summary>
    public sealed class LayerGradientError
    {
        internal LayerGradientError(LayerInfo layer, double maxRelativeError, int worstParameter, double analytic, double numeric, int parametersChecked)
        {
            Layer = layer;
            MaxRelativeError = maxRelativeError;
            WorstParameter = worstParameter;
            Analytic = analytic;
            Numeric = numeric;
            ParametersChecked = parametersChecked;
        }

        /// <summary>The layer.</summary>
        public LayerInfo Layer { get; }

        /// <summary>max over checked parameters of <c>|a − n| / max(|a| + |n|, floor)</c>.</summary>
        public double MaxRelativeError { get; }

        /// <summary>Index in <c>Parameters</c> of the parameter with the largest error.</summary>
        public int WorstParameter { get; }

        /// <summary>Backward's gradient at <see cref="WorstParameter"/>.</summary>
        public double Analytic { get; }

        /// <summary>The central finite difference at <see cref="WorstParameter"/>.</summary>
        public double Numeric { get; }

        /// <summary>How many of the layer's parameters were perturbed.</summary>
        public int ParametersChecked { get; }

        /// <inheritdoc />
        public override string ToString() =>
            FormattableString.Invariant($"{Layer.Name}: max relative error {MaxRelativeError:E2} at θ[{WorstParameter}] (backward {Analytic:G6}, finite difference {Numeric:G6})");
    }

    /// <summary>
    /// Central finite differences, <c>∂L/∂θ ≈ (L(θ + h) − L(θ − h)) / 2h</c>, compared with a network's Backward.
    /// Every evaluation replays the same dropout masks and BatchNorm state, so dropout and BatchNorm in training mode
    /// are checked too. The network is left exactly as it was (parameters, running statistics, random state), with
    /// <c>Gradients</c> holding Backward's result.
    /// </summary>
    public static class GradientChecker
    {
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

            var results = new List<LayerGradientError>();
            foreach (LayerInfo layer in network.Layers)
            {
                if (layer.ParameterCount == 0) continue;
                int stride = Math.Max(1, (layer.ParameterCount + maxParametersPerLayer - 1) / maxParametersPerLayer);
                double worst = 0, worstAnalytic = 0, worstNumeric = 0;
                int worstIndex = layer.ParameterOffset, checkedCount = 0;
                for (int k = 0; k < layer.ParameterCount; k += stride)
                {
                    int i = layer.ParameterOffset + k;
                    double original = Scalar<T>.ToDouble(parameters[i]);
                    network.Parameters[i] = Scalar<T>.FromDouble(original + h);
                    double plus = Evaluate();
                    network.Parameters[i] = Scalar<T>.FromDouble(original - h);
                    double minus = Evaluate();
                    network.Parameters[i] = parameters[i];

                    // Divide by the step actually taken: in float, original ± h is rounded.
                    double actualStep = Scalar<T>.ToDouble(Scalar<T>.FromDouble(original + h)) - Scalar<T>.ToDouble(Scalar<T>.FromDouble(original - h));
                    double numeric = (plus - minus) / actualStep;
                    double analytic = Scalar<T>.ToDouble(analyticGradients[i]);
                    double error = Math.Abs(analytic - numeric) / Math.Max(Math.Abs(analytic) + Math.Abs(numeric), denominatorFloor);
                    if (error > worst || checkedCount == 0)
                    {
                        worst = error;
                        worstIndex = i;
                        worstAnalytic = analytic;
                        worstNumeric = numeric;
                    }
                    checkedCount++;
                }
                results.Add(new LayerGradientError(layer, worst, worstIndex, worstAnalytic, worstNumeric, checkedCount));
            }

            // Leave the network as we found it, with Backward's gradients of the unperturbed parameters.
            parameters.CopyTo(network.Parameters);
            statistics.CopyTo(network.RunningStatistics);
            network.RandomState = random;
            analyticGradients.CopyTo(network.Gradients);
            return results.ToArray();
        }
    }
}
