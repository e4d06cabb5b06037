using System;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    [CollectionDefinition(nameof(KernelThreadTests), DisableParallelization = true)]
    public sealed class KernelThreadCollection { }

    /// <summary>
    /// Two threads split the kernels' work along outputs, never along a sum, so every number must be bit-identical to one
    /// thread's. Runs alone (not beside other tests), so the helper thread is free and the split path really runs.
    /// </summary>
    [Collection(nameof(KernelThreadTests))]
    public sealed class KernelThreadTests
    {
        [Theory]
        [InlineData(1, 784, 128)]
        [InlineData(3, 784, 131)]
        [InlineData(5, 200, 77)]
        [InlineData(64, 784, 128)]
        [InlineData(257, 129, 10)]
        [InlineData(256, 128, 10)] // a small output layer: split by samples only from 256 K multiply-adds on
        public void DenseKernelsGiveTheSameBitsOnOneAndTwoThreads(int m, int inputs, int units)
        {
            float[] x = TestData.NormalSingle(m * inputs, m + inputs);
            float[] w = TestData.NormalSingle(units * inputs, units);
            float[] b = TestData.NormalSingle(units, 7);
            float[] delta = TestData.NormalSingle(m * units, 11);
            float[][] Run()
            {
                var z = new float[m * units];
                var dw = new float[units * inputs];
                var db = new float[units];
                var dx = new float[m * inputs];
                Kernels.DenseForward(x, w, b, z, m, inputs, units);
                Kernels.DenseBackward(delta, x, w, dw, db, dx, m, inputs, units);
                return new[] { z, dw, db, dx };
            }

            float[][] one = TestData.WithThreads(1, Run);
            // The kernels leave the helper alone for 2 ms after network calls overlapped (other test classes ran before this
            // collection): wait that out, so the split path really runs.
            System.Threading.Thread.Sleep(10);
            long helped = KernelThreads.HelperJobs;
            float[][] two = TestData.WithThreads(2, Run);
            if (Environment.ProcessorCount >= 2 && System.Runtime.Intrinsics.X86.Fma.IsSupported)
                Assert.True(KernelThreads.HelperJobs > helped, "the helper thread ran part of the work");
            for (int i = 0; i < one.Length; i++) Assert.Equal(TestData.Bits(one[i]), TestData.Bits(two[i]));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(64)]
        public void TrainingStepsGiveTheSameParametersOnOneAndTwoThreads(int batch)
        {
            float[] inputs = TestData.NormalSingle(batch * WideNet.InputSize, 3);
            int[] labels = TestData.Labels(batch, WideNet.OutputSize, 4);
            float[] Train(Func<Optimizer> create)
            {
                var net = new WideNet();
                Optimizer optimizer = create();
                for (int step = 0; step < 3; step++)
                {
                    net.ComputeGradients(inputs, labels, batch);
                    optimizer.Step(net);
                }
                var outputs = new float[batch * WideNet.OutputSize];
                net.Forward(inputs, outputs, batch);
                return net.Parameters.ToArray().Concat(outputs).ToArray();
            }
            foreach (Func<Optimizer> create in new Func<Optimizer>[] { () => new Sgd(0.1, momentum: 0.9), () => new Adam(1e-3), () => new AdamW(1e-3) })
                Assert.Equal(TestData.Bits(TestData.WithThreads(1, () => Train(create))), TestData.Bits(TestData.WithThreads(2, () => Train(create))));
        }

        [Fact]
        public void ThreadsAcceptsOnlyOneOrTwo()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.Threads = 0);
            Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.Threads = 3);
        }
    }

    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(128)] [ReLU] [Dense(10)] [Softmax]
    public partial class WideNet { }
}
