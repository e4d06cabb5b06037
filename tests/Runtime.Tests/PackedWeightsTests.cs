using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>20 inputs (two 8-float pieces and a tail of 4), 16 units (two packed groups), then 16 → 10 (one group and two rows left in W).</summary>
    [Network(20, Loss = Loss.CrossEntropy)]
    [Dense(16)] [ReLU]
    [Dense(10)] [Softmax]
    public partial class PackedNet { }

    /// <summary>
    /// Inference's packed copy of the Dense weights (issue 18): the packed kernel gives the unpacked kernel's bits on every
    /// tail, and the copy a network keeps is never stale — after every access that can change the weights (a write through
    /// <c>Parameters</c>, optimiser steps fused or not, InitializeParameters, CopyParametersFrom, loading a weights file, a
    /// gradient check, Clone) the next single-sample Forward (which reads the packed copy) equals the same sample inside a
    /// batch of three (which reads W itself), and the change is visible in the output.
    /// </summary>
    [Collection(nameof(KernelThreadTests))]
    public class PackedWeightsTests
    {
        public static IEnumerable<object[]> Shapes() =>
            from m in new[] { 1, 2, 3, 5, 8, 13 }
            from inputs in new[] { 8, 13, 16, 17, 784 }
            from units in new[] { 8, 10, 16, 17, 128 }
            from threads in new[] { 1, 2 }
            select new object[] { m, inputs, units, threads };

        [Theory]
        [MemberData(nameof(Shapes))]
        public void ThePackedKernelGivesTheUnpackedBits(int m, int inputs, int units, int threads)
        {
            float[] x = TestData.NormalSingle(m * inputs, m + inputs);
            float[] w = TestData.NormalSingle(units * inputs, units);
            float[] b = TestData.NormalSingle(units, 7);
            var packed = new float[Kernels.PackedWeightsLength(inputs, units)];
            Assert.Equal(units / 8 * 8 * (inputs / 8 * 8), packed.Length);
            Kernels.PackWeights(w, packed, inputs, units);
            int before = Kernels.Threads;
            Kernels.Threads = threads;
            try
            {
                var expected = new float[m * units];
                var actual = new float[m * units];
                Kernels.DenseForward(x, w, b, expected, m, inputs, units);
                Kernels.DenseForward(x, w, packed, b, actual, m, inputs, units);
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
                // A packed copy of other weights changes the lone samples' outputs (those after the last tile: a triple on the
                // AVX2 path, a pair on the AVX-512 path): the kernel reads it.
                int tile = Kernels.Path == KernelPath.Avx512 ? 2 : 3;
                if (Kernels.Path != KernelPath.Portable && m % tile != 0)
                {
                    var other = new float[packed.Length];
                    Kernels.DenseForward(x, w, other.Select(_ => 1f).ToArray(), b, actual, m, inputs, units);
                    Assert.NotEqual(expected[(m - 1) * units], actual[(m - 1) * units]);
                }
                // On the AVX-512 path the tiles of 6 samples read it too (inference's packed tiles).
                if (Kernels.Path == KernelPath.Avx512 && m >= 6)
                {
                    Kernels.DenseForward(x, w, Enumerable.Repeat(1f, packed.Length).ToArray(), b, actual, m, inputs, units);
                    Assert.NotEqual(expected[0], actual[0]);
                }
            }
            finally { Kernels.Threads = before; }
        }

        [Fact]
        public void PackingRejectsShortBuffers() =>
            Assert.Throws<ArgumentException>(() => Kernels.PackWeights(new float[16 * 20], new float[10], 20, 16));

        /// <summary>What can change the weights, each applied to a network whose packed copy is in use.</summary>
        public static TheoryData<string> Changes() => new()
        {
            "write through Parameters", "Sgd.TrainStep (fused)", "BackwardSgd", "ComputeGradients + Adam.Step", "ComputeGradients + Sgd with momentum",
            "InitializeParameters", "CopyParametersFrom", "WeightsFile.Load", "GradientCheck", "Clone, then change the clone",
        };

        [Theory]
        [MemberData(nameof(Changes))]
        public void TheNextForwardSeesEveryChangeOfTheWeights(string change)
        {
            var net = new PackedNet();
            float[] sample = TestData.NormalSingle(PackedNet.InputSize, 3);
            float[] before = Single(net, sample);
            Assert.Equal(Batched(net, sample), before);
            Assert.True(IsPacked(net), "two inference calls at one version pack the weights"); // else this test would test nothing
            float[] batch = TestData.NormalSingle(8 * PackedNet.InputSize, 5);
            int[] labels = Enumerable.Range(0, 8).Select(i => i % 10).ToArray();
            PackedNet target = net;
            switch (change)
            {
                case "write through Parameters": net.Parameters[PackedNet.Layer1WeightsOffset + 3] += 0.5f; break;
                case "Sgd.TrainStep (fused)": new Sgd(0.5).TrainStep(net, batch, labels, 8); break;
                case "BackwardSgd": net.ForwardTraining(batch, 8); net.BackwardSgd(labels, 0.5); break;
                case "ComputeGradients + Adam.Step": new Adam(0.05).TrainStep(net, batch, labels, 8); break;
                case "ComputeGradients + Sgd with momentum": net.ComputeGradients(batch, labels, 8); new Sgd(0.5, momentum: 0.9).Step(net); break;
                case "InitializeParameters": net.InitializeParameters(99); break;
                case "CopyParametersFrom": var source = new PackedNet(); source.InitializeParameters(7); net.CopyParametersFrom(source); break;
                case "WeightsFile.Load":
                    var other = new PackedNet();
                    other.InitializeParameters(11);
                    string path = Path.Combine(Path.GetTempPath(), $"packed-{Guid.NewGuid():N}.weights");
                    try { WeightsFile.Save(other, path); WeightsFile.Load(net, path); }
                    finally { File.Delete(path); }
                    break;
                case "GradientCheck":
                    // Perturbs each parameter and puts it back through Parameters; then one weight is changed the same way.
                    net.GradientCheck(batch, labels, 8, maxParametersPerLayer: 3);
                    Assert.Equal(before, Single(net, sample)); // put back: the same outputs, packed afresh or not
                    net.Parameters[PackedNet.Layer3WeightsOffset] -= 1f;
                    break;
                case "Clone, then change the clone":
                    target = net.Clone();
                    Assert.Equal(before, Single(target, sample));
                    Assert.Equal(before, Single(target, sample));
                    target.Parameters[PackedNet.Layer1WeightsOffset] += 1f;
                    Assert.Equal(before, Single(net, sample)); // the original keeps its weights and its packed copy
                    break;
                default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
            }
            for (int call = 0; call < 3; call++) // the first call after a change reads W, the second repacks, the third reads the copy
            {
                float[] after = Single(target, sample);
                Assert.Equal(Batched(target, sample), after);
                Assert.Equal(after, Batched(target, sample, 8)); // on AVX-512 a tile of 6 samples reads the packed copy too
                Assert.NotEqual(before, after);
            }
            Assert.True(IsPacked(target));
        }

        /// <summary>A span of Parameters written after a Forward call (the documented limit): seen once Parameters is read again.</summary>
        [Fact]
        public void ASpanWrittenAfterAForwardIsSeenOnceParametersIsReadAgain()
        {
            var net = new PackedNet();
            float[] sample = TestData.NormalSingle(PackedNet.InputSize, 3);
            Span<float> parameters = net.Parameters;
            float[] before = Single(net, sample);
            Single(net, sample);
            parameters[PackedNet.Layer1WeightsOffset] += 1f;
            _ = net.Parameters; // reading it again marks the packed copy stale
            Assert.Equal(Batched(net, sample), Single(net, sample));
            Assert.NotEqual(before, Single(net, sample));
        }

        [Fact]
        public void InferenceAllocatesNothingOnceTheCopyIsPacked()
        {
            var net = new PackedNet();
            float[] sample = TestData.NormalSingle(PackedNet.InputSize, 3);
            var output = new float[PackedNet.OutputSize];
            net.Forward(sample, output); // allocates this thread's buffers and the packed copy; the second call packs in place
            long bytes = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) net.Forward(sample, output);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - bytes);
            // A training step, then inference: the copy is rewritten in place, not allocated again.
            float[] batch = TestData.NormalSingle(8 * PackedNet.InputSize, 5);
            int[] labels = new int[8];
            var sgd = new Sgd(0.1);
            sgd.TrainStep(net, batch, labels, 8);
            for (int i = 0; i < 3; i++) net.Forward(sample, output);
            bytes = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
            {
                sgd.TrainStep(net, batch, labels, 8);
                for (int k = 0; k < 3; k++) net.Forward(sample, output);
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - bytes);
        }

        private static float[] Single(PackedNet net, float[] sample)
        {
            var output = new float[PackedNet.OutputSize];
            net.Forward(sample, output);
            return output;
        }

        /// <summary>The sample as the first of <paramref name="size"/> (the others: it times −1, 2, −3, …). Of three, it falls in
        /// a tile that reads W itself (of three samples on the AVX2 path, of a pair on the AVX-512 path); of eight, on the AVX-512
        /// path, in a tile of six that reads the packed copy.</summary>
        private static float[] Batched(PackedNet net, float[] sample, int size = 3)
        {
            var inputs = sample.Concat(Enumerable.Range(1, size - 1).SelectMany(k => sample.Select(v => (k % 2 == 0 ? k : -k) * v))).ToArray();
            var outputs = new float[size * PackedNet.OutputSize];
            net.Forward(inputs, outputs, size);
            return outputs.Take(PackedNet.OutputSize).ToArray();
        }

        private static bool IsPacked(PackedNet net) =>
            typeof(PackedNet).GetField("_packed", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(net) != null
            && (long)typeof(PackedNet).GetField("_packedVersion", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(net)!
               == (long)typeof(PackedNet).GetField("_parametersVersion", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(net)!;
    }
}
