using System;
using System.Collections.Generic;
using System.Linq;
using Unrolled;
using static Lesson2.Experiments.Stats;

namespace Lesson2.Experiments
{
    /// <summary>How one initialisation behaved through the ten tanh layers.</summary>
    public sealed class InitialisationRun
    {
        internal InitialisationRun(string name, double weightDeviation, double[] variances, double[] gradientNorms, double saturated, double derivative)
        {
            MeanDerivative = derivative;
            Name = name;
            WeightDeviation = weightDeviation;
            ActivationVariances = variances;
            GradientNorms = gradientNorms;
            SaturatedShare = saturated;
        }

        /// <summary>"Xavier", "too small" or "too large".</summary>
        public string Name { get; }
        /// <summary>Standard deviation of the weights.</summary>
        public double WeightDeviation { get; }
        /// <summary>Var(a) after each of the ten tanh layers.</summary>
        public IReadOnlyList<double> ActivationVariances { get; }
        /// <summary>‖∂L/∂W‖ of each of the ten Dense layers, first to last.</summary>
        public IReadOnlyList<double> GradientNorms { get; }
        /// <summary>Share of the last layer's activations with |a| &gt; 0.99 (tanh saturated, derivative &lt; 0.02).</summary>
        public double SaturatedShare { get; }
        /// <summary>Mean tanh′(z) = 1 − a² over the last layer: the factor each unit passes back.</summary>
        public double MeanDerivative { get; }
        /// <summary>Var(a) of layer 10 over Var(a) of layer 1.</summary>
        public double VarianceRatio => ActivationVariances[ActivationVariances.Count - 1] / ActivationVariances[0];
        /// <summary>‖∂L/∂W‖ of layer 1 over that of layer 10.</summary>
        public double GradientRatio => GradientNorms[0] / GradientNorms[GradientNorms.Count - 1];
    }

    /// <summary>Quiz 1: Xavier keeps activation variance across ten layers; too small decays, too large saturates.</summary>
    public sealed class InitialisationResult : ExperimentResult
    {
        internal InitialisationResult(InitialisationRun xavier, InitialisationRun small, InitialisationRun large)
        {
            Xavier = xavier;
            TooSmall = small;
            TooLarge = large;
        }

        /// <summary>Xavier uniform, Var(W) = 2/(fan_in + fan_out) = 0.01.</summary>
        public InitialisationRun Xavier { get; }
        /// <summary>N(0, 0.01²): each layer multiplies the variance by about 100·10⁻⁴ = 0.01.</summary>
        public InitialisationRun TooSmall { get; }
        /// <summary>N(0, 1): pre-activations have variance ~100, tanh saturates.</summary>
        public InitialisationRun TooLarge { get; }

        /// <inheritdoc />
        public override int Question => 1;

        /// <inheritdoc />
        public override string Claim => "Xavier/Glorot (Var = 2/(fan_in + fan_out)) keeps activation and gradient variance roughly equal across layers; " +
                                        "too small decays the signal to zero, too large saturates and vanishes the gradients.";

        /// <inheritdoc />
        public override IEnumerable<string> Evidence()
        {
            yield return "Ten Dense(100) → tanh layers, 512 inputs ~ N(0, 1); Var(a) after layers 1, 2, 4, 6, 8, 10 and ‖∂L/∂W‖ of layers 1 and 10:";
            foreach (InitialisationRun run in new[] { Xavier, TooSmall, TooLarge })
            {
                string variances = string.Join("  ", new[] { 0, 1, 3, 5, 7, 9 }.Select(i => F(run.ActivationVariances[i], "0.00E+0")));
                yield return $"  {run.Name,-9} σ(W) = {F(run.WeightDeviation, "0.###")}: Var(a) {variances}; var ratio 10/1 = {F(run.VarianceRatio, "0.00E+0")}; " +
                             $"‖∂L/∂W1‖ = {F(run.GradientNorms[0], "0.00E+0")}, ratio 1/10 = {F(run.GradientRatio, "0.00E+0")}; " +
                             $"layer 10: {run.SaturatedShare:P0} saturated, mean tanh′ = {F(run.MeanDerivative, "0.000")}";
            }
        }

        /// <inheritdoc />
        public override string Verdict =>
            $"Holds for activations: Xavier's variance changes by {F(Xavier.VarianceRatio, "0.00")}× over ten layers (tanh compresses it slowly) and its " +
            $"gradients by {F(Xavier.GradientRatio, "0.00")}×, while too small shrinks the variance {F(1 / TooSmall.VarianceRatio, "0.0E+0")}-fold " +
            $"and its first-layer gradient to {F(TooSmall.GradientNorms[0], "0.0E+0")} (Xavier: {F(Xavier.GradientNorms[0], "0.0E+0")}). " +
            $"Too large saturates {TooLarge.SaturatedShare:P0} of the units (mean tanh′ {F(TooLarge.MeanDerivative, "0.00")} vs {F(Xavier.MeanDerivative, "0.00")}), " +
            $"but the gradients do not vanish here: the large weights multiply them back up, so layer 1's is {F(TooLarge.GradientRatio, "0.0E+0")}× layer 10's (they explode). " +
            "Vanishing through saturation is a per-unit effect; the whole product depends on the weights too.";
    }

    /// <summary>Runs quiz 1's experiment.</summary>
    public static class Q1Initialisation
    {
        private const int Batch = 512, Width = 100, Depth = 10;

        /// <summary>Forward and backward through <see cref="TanhStack"/> with three initialisations of the same seed.</summary>
        public static InitialisationResult Run(int seed = 0)
        {
            var random = new Random(seed);
            double[] inputs = Normal(Batch * Width, random);
            double[] targets = Normal(Batch * Width, random, 0.5);
            return new InitialisationResult(
                Measure("Xavier", null, inputs, targets, seed),
                Measure("too small", 0.01, inputs, targets, seed),
                Measure("too large", 1.0, inputs, targets, seed));
        }

        private static InitialisationRun Measure(string name, double? deviation, double[] inputs, double[] targets, int seed)
        {
            var network = new TanhStack();
            network.InitializeParameters(seed); // Xavier uniform, the Dense default
            IReadOnlyList<LayerInfo> dense = TanhStack.Layers.Where(l => l.Kind == LayerKind.Dense).ToList();
            if (deviation is double sigma)
            {
                var random = new Random(seed + 1);
                foreach (LayerInfo layer in dense)
                {
                    Span<double> weights = network.Parameters.Slice(layer.ParameterOffset, layer.InputSize * layer.OutputSize);
                    double[] values = Normal(weights.Length, random, sigma);
                    values.CopyTo(weights);
                }
            }
            double actualDeviation = Math.Sqrt(Variance(network.Parameters.Slice(dense[0].ParameterOffset, Width * Width).ToArray()));

            network.ForwardTraining(inputs, Batch);
            var variances = new double[Depth];
            double saturated = 0, derivative = 0;
            int tanh = 0;
            foreach (LayerInfo layer in TanhStack.Layers.Where(l => l.Kind == LayerKind.Tanh))
            {
                double[] activations = network.LayerOutput(layer.Index).ToArray();
                variances[tanh++] = Variance(activations);
                saturated = activations.Count(a => Math.Abs(a) > 0.99) / (double)activations.Length; // the last layer's, at the end
                derivative = activations.Average(a => 1 - a * a);
            }
            network.Backward(targets);
            double[] gradients = dense.Select(l => Norm<double>(network.Gradients.Slice(l.ParameterOffset, l.InputSize * l.OutputSize))).ToArray();
            return new InitialisationRun(name, actualDeviation, variances, gradients, saturated, derivative);
        }
    }
}
