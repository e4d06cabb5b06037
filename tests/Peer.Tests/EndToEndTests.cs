using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Unrolled.Peer.Tests
{
    /// <summary>The lesson's TinyNN on Fashion-MNIST, one epoch of SGD, Unrolled and PyTorch from the same weights and
    /// the same sample order.</summary>
    public class EndToEndTests
    {
        private readonly ITestOutputHelper _output;

        public EndToEndTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void OneEpochOfTinyNNTracksPyTorchStepByStep()
        {
            (Dataset<float> training, Dataset<float> test) = FashionMnist.Load();
            var net = new TinyNN();
            net.InitializeParameters(1);
            const int batch = 64;
            const double rate = 0.1;
            int[] order = Enumerable.Range(0, training.Count).ToArray();
            var random = SplitMix64.FromSeed(2);
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.NextInt32(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            string dir = Peer.NewCase(new
            {
                mode = "end_to_end",
                inputs = TinyNN.InputSize,
                layers = new object[] { new { kind = "Dense", units = 128, bias = true }, new { kind = "ReLU" }, new { kind = "Dense", units = 10, bias = true }, new { kind = "Softmax" } },
                loss = "CrossEntropy",
                optimizer = new { name = "Sgd", lr = rate },
                batch,
                data = FashionMnist.DefaultDirectory,
            });
            Npy.Write(System.IO.Path.Combine(dir, "parameters.npy"), net.Parameters.ToArray());
            Npy.Write(System.IO.Path.Combine(dir, "statistics.npy"), Array.Empty<float>());
            Npy.Write(System.IO.Path.Combine(dir, "order.npy"), order);
            Peer.Run(dir);

            var sgd = new Sgd(rate);
            var inputs = new float[batch * TinyNN.InputSize];
            var labels = new int[batch];
            var losses = new System.Collections.Generic.List<double>();
            for (int start = 0; start < order.Length; start += batch)
            {
                int m = Math.Min(batch, order.Length - start);
                for (int b = 0; b < m; b++)
                {
                    training.Features.AsSpan(order[start + b] * TinyNN.InputSize, TinyNN.InputSize).CopyTo(inputs.AsSpan(b * TinyNN.InputSize));
                    labels[b] = training.Labels![order[start + b]];
                }
                losses.Add(net.ComputeGradients(inputs.AsSpan(0, m * TinyNN.InputSize), labels.AsSpan(0, m), m));
                sgd.Step(net);
            }
            double accuracy = net.Evaluate(test).Accuracy;

            double[] peerLosses = Peer.Result(dir, "losses");
            double peerAccuracy = Peer.Result(dir, "accuracy")[0];
            double worst = Enumerable.Range(0, 100).Max(i => Math.Abs(peerLosses[i] - losses[i]));
            _output.WriteLine($"max |Δloss| over the first 100 steps: {worst:E2}; test accuracy Unrolled {accuracy:F4}, PyTorch {peerAccuracy:F4}");
            Assert.Equal(peerLosses.Length, losses.Count);
            Assert.True(worst <= 1e-3, $"per-step loss differs by {worst:E2} within the first 100 steps");
            Assert.True(Math.Abs(accuracy - peerAccuracy) <= 0.005, $"test accuracy {accuracy:F4} vs PyTorch {peerAccuracy:F4}");
            Assert.True(accuracy > 0.8, $"one epoch of SGD should reach 0.8, got {accuracy:F4}");
        }
    }
}
