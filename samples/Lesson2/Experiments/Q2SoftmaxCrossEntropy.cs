using System;
using System.Collections.Generic;
using System.Linq;
using Unrolled;
using static Lesson2.Experiments.Stats;

namespace Lesson2.Experiments
{
    /// <summary>Quiz 2: ∂L/∂z of softmax + cross-entropy is ŷ − y.</summary>
    public sealed class SoftmaxGradientResult : ExperimentResult
    {
        internal SoftmaxGradientResult(double[] logits, double[] probabilities, int label, double[] centralDifference, double[] chainRule, double[] generated)
        {
            Logits = logits;
            Probabilities = probabilities;
            Label = label;
            CentralDifference = centralDifference;
            ChainRule = chainRule;
            GeneratedGradient = generated;
        }

        /// <summary>z, the logits of the sample.</summary>
        public IReadOnlyList<double> Logits { get; }
        /// <summary>ŷ = softmax(z), as the generated network computed it.</summary>
        public IReadOnlyList<double> Probabilities { get; }
        /// <summary>The true class.</summary>
        public int Label { get; }
        /// <summary>ŷ − y.</summary>
        public double[] PredictionMinusTruth => Probabilities.Select((p, k) => p - (k == Label ? 1 : 0)).ToArray();
        /// <summary>(L(z + h·e_k) − L(z − h·e_k)) / 2h per logit, h = 1e-5, L = −log softmax(z)_y in double.</summary>
        public IReadOnlyList<double> CentralDifference { get; }
        /// <summary>The two Jacobians multiplied out: (diag(ŷ) − ŷŷᵀ) · (−y/ŷ).</summary>
        public IReadOnlyList<double> ChainRule { get; }
        /// <summary>∂L/∂b of the generated Dense layer (equal to ∂L/∂z, since z = Wx + b).</summary>
        public IReadOnlyList<double> GeneratedGradient { get; }

        /// <summary>Largest |finite difference − (ŷ − y)|.</summary>
        public double FiniteDifferenceError => MaxDifference(CentralDifference);
        /// <summary>Largest |chain rule − (ŷ − y)|.</summary>
        public double ChainRuleError => MaxDifference(ChainRule);
        /// <summary>Largest |generated ∂L/∂b − (ŷ − y)|.</summary>
        public double GeneratedError => MaxDifference(GeneratedGradient);

        private double MaxDifference(IReadOnlyList<double> values) => values.Select((v, k) => Math.Abs(v - PredictionMinusTruth[k])).Max();

        /// <inheritdoc />
        public override int Question => 2;

        /// <inheritdoc />
        public override string Claim => "With softmax + cross-entropy the output gradient simplifies to ∂L/∂z = ŷ − y: the two Jacobians' product cancels to the prediction error.";

        /// <inheritdoc />
        public override IEnumerable<string> Evidence()
        {
            string Row(IEnumerable<double> values) => string.Join("  ", values.Select(v => F(v, "+0.000000;-0.000000")));
            yield return $"One sample, 4 classes, true class {Label}; z = [{Row(Logits)}]";
            yield return $"  ŷ − y                             [{Row(PredictionMinusTruth)}]";
            yield return $"  central difference of L, h = 1e-5 [{Row(CentralDifference)}]   max |Δ| = {F(FiniteDifferenceError, "0.0E+0")}";
            yield return $"  Jacobians (diag ŷ − ŷŷᵀ)·(−y/ŷ)   [{Row(ChainRule)}]   max |Δ| = {F(ChainRuleError, "0.0E+0")}";
            yield return $"  generated backward ∂L/∂b          [{Row(GeneratedGradient)}]   max |Δ| = {F(GeneratedError, "0.0E+0")}";
        }

        /// <inheritdoc />
        public override string Verdict => $"Holds: the finite-difference gradient, the multiplied-out Jacobians and the generated backward pass all equal ŷ − y " +
                                          $"(largest difference {F(Math.Max(FiniteDifferenceError, Math.Max(ChainRuleError, GeneratedError)), "0.0E+0")}).";
    }

    /// <summary>Runs quiz 2's experiment.</summary>
    public static class Q2SoftmaxCrossEntropy
    {
        /// <summary>One random sample through <see cref="SoftmaxClassifier"/> (double precision).</summary>
        public static SoftmaxGradientResult Run(int seed = 0)
        {
            var random = new Random(seed);
            var network = new SoftmaxClassifier();
            network.InitializeParameters(seed);
            double[] x = Normal(SoftmaxClassifier.InputSize, random, 2);
            int label = random.Next(SoftmaxClassifier.OutputSize);
            LayerInfo dense = SoftmaxClassifier.Layers[0];

            // z = W·x + b, from the parameters (W row-major [units × inputs], then b).
            ReadOnlySpan<double> parameters = network.Parameters;
            var z = new double[dense.OutputSize];
            for (int k = 0; k < z.Length; k++)
            {
                z[k] = parameters[dense.ParameterOffset + dense.InputSize * dense.OutputSize + k];
                for (int i = 0; i < dense.InputSize; i++) z[k] += parameters[dense.ParameterOffset + k * dense.InputSize + i] * x[i];
            }

            double[] probabilities = network.ForwardTraining(x, 1).ToArray();
            network.Backward(new[] { label });
            double[] generated = network.Gradients.Slice(dense.ParameterOffset + dense.InputSize * dense.OutputSize, dense.OutputSize).ToArray();

            const double h = 1e-5;
            var difference = new double[z.Length];
            for (int k = 0; k < z.Length; k++)
            {
                double[] up = (double[])z.Clone(), down = (double[])z.Clone();
                up[k] += h;
                down[k] -= h;
                difference[k] = (Loss(up, label) - Loss(down, label)) / (2 * h);
            }

            // ∂L/∂ŷ = −y/ŷ (only the true class is non-zero); ∂ŷ_j/∂z_k = ŷ_j(δ_jk − ŷ_k).
            var chain = new double[z.Length];
            for (int k = 0; k < z.Length; k++)
                for (int j = 0; j < z.Length; j++)
                {
                    double dLossDy = j == label ? -1 / probabilities[j] : 0;
                    double jacobian = probabilities[j] * ((j == k ? 1 : 0) - probabilities[k]);
                    chain[k] += jacobian * dLossDy;
                }
            return new SoftmaxGradientResult(z, probabilities, label, difference, chain, generated);
        }

        /// <summary>−log softmax(z)_y, with the max subtracted.</summary>
        private static double Loss(double[] z, int label)
        {
            double max = z.Max();
            double sum = z.Sum(v => Math.Exp(v - max));
            return -(z[label] - max - Math.Log(sum));
        }
    }
}
