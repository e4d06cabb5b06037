using System;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>Loss values are means, as in PyTorch and Keras, computed independently here.</summary>
    public class LossTests
    {
        private static readonly double[] HandParameters = { 1, -2, 0.5, 1, 0.1, -0.2, 1, 0, -1, 2, 0.5, 0.5, 0, 0.1, -0.1 };

        [Fact]
        public void CrossEntropyIsTheBatchMeanOfMinusLogProbabilityOfTheLabel()
        {
            var net = new HandNet();
            HandParameters.CopyTo(net.Parameters);
            double[] inputs = { 0.3, -0.4, -1, 2, 0.5, 0.5 };
            int[] labels = { 2, 0, 1 };
            var probabilities = new double[9];
            net.Forward(inputs, probabilities, 3);
            double expected = -Enumerable.Range(0, 3).Select(b => Math.Log(probabilities[b * 3 + labels[b]])).Average();

            double loss = net.ComputeGradients(inputs, labels, 3);
            Assert.Equal(expected, loss, 13);
        }

        [Fact]
        public void CrossEntropyWithOneHotTargetsEqualsCrossEntropyWithLabels()
        {
            var net = new HandNet();
            HandParameters.CopyTo(net.Parameters);
            double[] inputs = { 0.3, -0.4, -1, 2 };
            double fromLabels = net.ComputeGradients(inputs, new[] { 1, 2 }, 2);
            double[] gradients = net.Gradients.ToArray();
            double fromTargets = net.ComputeGradients(inputs, new double[] { 0, 1, 0, 0, 0, 1 }, 2);
            Assert.Equal(fromLabels, fromTargets, 14);
            Assert.Equal(gradients, net.Gradients.ToArray());
        }

        [Fact]
        public void OutputGradientOfSoftmaxCrossEntropyIsPredictionMinusTruthOverM()
        {
            // With one Dense layer feeding the softmax, ∂L/∂b2 = Σ_b (ŷ − y) / m: read it from the bias gradients.
            var net = new HandNet();
            HandParameters.CopyTo(net.Parameters);
            double[] inputs = { 0.3, -0.4, -1, 2 };
            int[] labels = { 1, 2 };
            var yhat = new double[6];
            net.Forward(inputs, yhat, 2);
            net.ComputeGradients(inputs, labels, 2);
            for (int k = 0; k < 3; k++)
            {
                double expected = ((yhat[k] - (labels[0] == k ? 1 : 0)) + (yhat[3 + k] - (labels[1] == k ? 1 : 0))) / 2;
                Assert.Equal(expected, net.Gradients[HandNet.Layer3BiasOffset + k], 14);
            }
        }

        [Fact]
        public void BinaryCrossEntropyIsTheMeanOverElements()
        {
            var net = new LogisticRegression(); // Dense(1) + Sigmoid on 2 inputs
            new double[] { 0.5, -1.5, 0.25 }.CopyTo(net.Parameters);
            double[] inputs = { 1, 2, -1, 0.5, 3, -2 };
            double[] targets = { 1, 0, 0.25 };
            double expected = 0;
            for (int b = 0; b < 3; b++)
            {
                double p = 1 / (1 + Math.Exp(-(0.5 * inputs[2 * b] - 1.5 * inputs[2 * b + 1] + 0.25)));
                expected -= targets[b] * Math.Log(p) + (1 - targets[b]) * Math.Log(1 - p);
            }
            Assert.Equal(expected / 3, net.ComputeGradients(inputs, targets, 3), 13);
            // Labels 0/1 are the targets of the single output.
            Assert.Equal(net.ComputeGradients(inputs, new double[] { 1, 0, 1 }, 3), net.ComputeGradients(inputs, new[] { 1, 0, 1 }, 3), 14);
        }

        [Fact]
        public void BinaryCrossEntropyFromLogitsStaysFiniteWhenTheSigmoidSaturates()
        {
            var net = new LogisticRegression();
            new double[] { 100, 0, 0 }.CopyTo(net.Parameters);
            double loss = net.ComputeGradients(new double[] { 10, 0 }, new double[] { 0 }, 1); // z = 1000, σ(z) = 1, target 0
            Assert.Equal(1000, loss, 9); // log(1 + e^1000) − 0 = 1000 (a naive −log(1 − σ) would be ∞)
        }

        [Fact]
        public void MeanSquaredErrorIsTheMeanOverElements()
        {
            var net = new DenseMseD(); // Dense(4) then Dense(2, no bias) on 3 inputs
            double[] inputs = TestData.Normal(3 * 3, 1);
            double[] targets = TestData.Normal(3 * 2, 2);
            var outputs = new double[6];
            net.Forward(inputs, outputs, 3);
            double expected = outputs.Zip(targets, (o, t) => (o - t) * (o - t)).Average();
            Assert.Equal(expected, net.ComputeGradients(inputs, targets, 3), 13);
        }
    }
}
