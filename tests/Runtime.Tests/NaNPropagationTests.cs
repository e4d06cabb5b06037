using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>
    /// Issue 13, finding 1: NaN in, NaN out, as in PyTorch (relu(NaN) = NaN) and ONNX Runtime, for every activation kind,
    /// both precisions, the training, gradient and fused-SGD paths, and one and two kernel threads. Before the fix ReLU
    /// computed <c>z &gt; 0 ? z : 0</c> and turned a NaN pixel into a confident class.
    /// </summary>
    public class NaNPropagationTests
    {
        public static IEnumerable<object[]> Networks() =>
            from name in new[]
            {
                "ReLUSoftmax", "LeakyMse", "SigmoidBce", "TanhMse", "SoftmaxMse", "BatchNorm", "Dropout", "SmallKeras",
            }
            from precision in new[] { "S", "D" }
            from threads in new[] { 1, 2 }
            select new object[] { name + precision, threads };

        private static object Create(string name) => Activator.CreateInstance(typeof(NaNPropagationTests).Assembly.GetType("Unrolled.Runtime.Tests." + name)!)!;

        [Theory]
        [MemberData(nameof(Networks))]
        public void Finding1_ANaNFeatureGivesNaNOutputsInEveryPath(string network, int threads)
        {
            object net = Create(network);
            if (net is INetwork<float> single) TestData.WithThreads(threads, () => Check(single));
            else TestData.WithThreads(threads, () => Check((INetwork<double>)net));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void Finding1_ANaNPixelGivesNaNProbabilitiesInTheLessonNetworksAtEveryBatchSize(int threads)
        {
            // Large enough batches that the kernels split work between threads and tile samples.
            TestData.WithThreads(threads, () => Check(new TinyNN(), 300));
            TestData.WithThreads(threads, () => Check(new FashionNet(), 300));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void Finding1_ANaNWeightBeforeAReLUGivesNaNOutputs(int threads)
        {
            TestData.WithThreads(threads, () =>
            {
                var net = new TinyNN();
                float[] image = TestData.Uniform(784, 3).Select(v => (float)v).ToArray();
                net.Parameters[5 * 784 + 17] = float.NaN; // unit 5 of the hidden layer
                var probabilities = new float[10];
                net.Forward(image, probabilities);
                Assert.All(probabilities, p => Assert.True(float.IsNaN(p), $"p = {p}"));
                return 0;
            });
        }

        private static int Check<T>(INetwork<T> net, int batch = 5) where T : struct
        {
            int n = net.InputSize, k = net.OutputSize;
            const int bad = 2;
            T[] inputs = TestData.Cast<T>(TestData.Normal(batch * n, 11));
            inputs[bad * n + n / 2] = Scalar<T>.FromDouble(double.NaN);
            T[] targets = TestData.Cast<T>(Enumerable.Range(0, batch * k).Select(i => i % k == 0 ? 1.0 : 0.0).ToArray());
            static bool IsNaN(T value) => double.IsNaN(Scalar<T>.ToDouble(value));

            // Inference: the sample with the NaN is NaN everywhere, the others are untouched.
            var outputs = new T[batch * k];
            net.Forward(inputs, outputs, batch);
            for (int s = 0; s < batch; s++)
            for (int j = 0; j < k; j++)
                Assert.True(IsNaN(outputs[s * k + j]) == (s == bad), $"sample {s}, output {j}: {outputs[s * k + j]}");
            var one = new T[k];
            net.Forward(inputs.AsSpan(bad * n, n), one);
            Assert.All(one, v => Assert.True(IsNaN(v)));

            // Training mode, the loss, the gradients and the fused SGD step.
            ReadOnlySpan<T> training = net.ForwardTraining(inputs, batch);
            Assert.True(IsNaN(training[bad * k]));
            Assert.True(IsNaN(net.ComputeGradients(inputs, targets, batch)));
            Assert.Contains(net.Gradients.ToArray(), IsNaN);
            net.ForwardTraining(inputs, batch);
            Assert.True(IsNaN(net.BackwardSgd(targets, 0.1)));
            return 0;
        }
    }
}
