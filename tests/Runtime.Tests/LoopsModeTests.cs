using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>
    /// Issue 17: <c>[Network(Code = GeneratedCode.Loops)]</c> writes every layer as plain loops. Each loops-mode twin
    /// (LoopsNetworks.cs: the same attributes and seed) gives the kernels' results — inference outputs, the training pass's
    /// layer outputs, the loss, every gradient, the running statistics, the dropout stream, and the parameters after
    /// SGD steps (fused and with momentum) — within 1e-12 in double and 1e-5 in float (relative to the largest value of each compared tensor:
    /// the sums run in another order, so single values near 0 differ by rounding of their larger terms). The loops pass
    /// finite differences by themselves, and <c>Layers</c>, <c>Summary()</c> and <c>GradientCheck</c> are the same.
    /// </summary>
    public class LoopsModeTests
    {
        private const int Batch = 5;

        public static IEnumerable<object[]> DoublePairs() => new (Func<INetwork<double>> Kernels, Func<INetwork<double>> Loops)[]
        {
            (() => new DenseMseD(), () => new DenseMseDLoops()), (() => new ReLUSoftmaxD(), () => new ReLUSoftmaxDLoops()),
            (() => new LeakyMseD(), () => new LeakyMseDLoops()), (() => new SigmoidBceD(), () => new SigmoidBceDLoops()),
            (() => new BceUnfusedD(), () => new BceUnfusedDLoops()), (() => new TanhMseD(), () => new TanhMseDLoops()),
            (() => new SoftmaxMseD(), () => new SoftmaxMseDLoops()), (() => new CrossEntropyUnfusedD(), () => new CrossEntropyUnfusedDLoops()),
            (() => new BatchNormD(), () => new BatchNormDLoops()), (() => new BatchNormFirstD(), () => new BatchNormFirstDLoops()),
            (() => new DropoutD(), () => new DropoutDLoops()), (() => new SmallKerasD(), () => new SmallKerasDLoops()),
            (() => new HandActivations(), () => new HandActivationsLoops()), (() => new LogisticRegression(), () => new LogisticRegressionLoops()),
            (() => new ConvValidD(), () => new ConvValidDLoops()), (() => new ConvStridedD(), () => new ConvStridedDLoops()),
            (() => new ConvPoolsD(), () => new ConvPoolsDLoops()), (() => new ConvWideD(), () => new ConvWideDLoops()),
            (() => new OverlappingPoolD(), () => new OverlappingPoolDLoops()),
        }.Select(p => new object[] { p.Loops().GetType().Name, p.Kernels, p.Loops });

        public static IEnumerable<object[]> SinglePairs() => new (Func<INetwork<float>> Kernels, Func<INetwork<float>> Loops)[]
        {
            (() => new DenseMseS(), () => new DenseMseSLoops()), (() => new ReLUSoftmaxS(), () => new ReLUSoftmaxSLoops()),
            (() => new LeakyMseS(), () => new LeakyMseSLoops()), (() => new SigmoidBceS(), () => new SigmoidBceSLoops()),
            (() => new TanhMseS(), () => new TanhMseSLoops()), (() => new SoftmaxMseS(), () => new SoftmaxMseSLoops()),
            (() => new BatchNormS(), () => new BatchNormSLoops()), (() => new BatchNormFirstS(), () => new BatchNormFirstSLoops()),
            (() => new DropoutS(), () => new DropoutSLoops()), (() => new SmallKerasS(), () => new SmallKerasSLoops()),
            (() => new TinyNN(), () => new TinyNNLoops()), (() => new FashionNet(), () => new FashionNetLoops()),
            (() => new ConvStridedS(), () => new ConvStridedSLoops()), (() => new ConvPoolsS(), () => new ConvPoolsSLoops()),
            (() => new LeNetS(), () => new LeNetSLoops()),
        }.Select(p => new object[] { p.Loops().GetType().Name, p.Kernels, p.Loops });

        public static IEnumerable<object[]> DoubleLoops() => DoublePairs().Select(p => new[] { p[0], p[2] });

        [Theory]
        [MemberData(nameof(DoublePairs))]
        public void InDoubleTheLoopsGiveTheKernelsResultsTo1e12(string name, Func<INetwork<double>> kernels, Func<INetwork<double>> loops) =>
            CompareModes(kernels(), loops(), 1e-12, name.Length);

        [Theory]
        [MemberData(nameof(SinglePairs))]
        public void InFloatTheLoopsGiveTheKernelsResultsTo1e5(string name, Func<INetwork<float>> kernels, Func<INetwork<float>> loops) =>
            CompareModes(kernels(), loops(), 1e-5, name.Length);

        [Theory]
        [MemberData(nameof(DoubleLoops))]
        public void TheLoopsBackwardMatchesFiniteDifferences(string name, Func<INetwork<double>> create)
        {
            INetwork<double> net = create();
            Perturb(net, name.Length);
            double[] inputs = TestData.Normal(Batch * net.InputSize, name.Length);
            LayerGradientError[] errors = net.Loss == Loss.CrossEntropy
                ? GradientChecker.Check(net, inputs, TestData.Labels(Batch, net.OutputSize, 1), Batch)
                : GradientChecker.Check(net, inputs, net.Loss == Loss.BinaryCrossEntropy ? TestData.Uniform(Batch * net.OutputSize, 2) : TestData.Normal(Batch * net.OutputSize, 2), Batch);
            string report = string.Join("\n", errors.Select(e => e.ToString()));
            Assert.NotEmpty(errors);
            Assert.True(errors.All(e => e.MaxRelativeError <= 1e-6), report);
            Assert.All(errors, e => Assert.Equal(GradientVerdict.Pass, e.Verdict));
            Assert.All(errors, e => Assert.True(Math.Abs(e.Analytic) + Math.Abs(e.Numeric) > 0, report)); // real gradients, not zeros
        }

        /// <summary>A loops-mode block with a wrong sign would pass a comparison with itself: this one is against the kernels
        /// with every layer's gradient, and it can fail (the 1.0001 skew of GradientTests is far above 1e-12).</summary>
        [Fact]
        public void TheComparisonSeesAGradientOff1e4()
        {
            var kernels = new SmallKerasD();
            var loops = new SmallKerasDLoops();
            double[] x = TestData.Normal(Batch * 6, 3);
            int[] labels = TestData.Labels(Batch, 4, 4);
            kernels.ComputeGradients(x, labels, Batch);
            loops.ComputeGradients(x, labels, Batch);
            loops.Gradients[7] *= 1.0001;
            Assert.True(RelativeDifference(kernels.Gradients.ToArray(), loops.Gradients.ToArray()) > 1e-12);
        }

        /// <summary>Fused SGD in the loops (each layer's step after its gradients) is Backward then <c>Sgd.Step</c> to the bit,
        /// as in the kernels.</summary>
        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        public void FusedSgdInTheLoopsIsBackwardThenSgdStepToTheBit(int which)
        {
            INetwork<float> Create() => which switch { 0 => new SmallKerasSLoops(), 1 => new ConvPoolsSLoops(), _ => new TinyNNLoops() };
            INetwork<float> fused = Create(), reference = Create();
            float[] x = TestData.NormalSingle(Batch * fused.InputSize, 8);
            int[] labels = TestData.Labels(Batch, fused.OutputSize, 9);
            for (int step = 0; step < 3; step++)
            {
                fused.ForwardTraining(x, Batch);
                float fusedLoss = fused.BackwardSgd(labels, 0.05);
                reference.ForwardTraining(x, Batch);
                float loss = reference.Backward(labels);
                new Sgd(0.05).Step(reference);
                Assert.Equal(loss, fusedLoss);
                Assert.Equal(TestData.Bits(reference.Parameters.ToArray()), TestData.Bits(fused.Parameters.ToArray()));
            }
        }

        [Fact]
        public void LayersSummaryAndGradientCheckAreTheSameInBothModes()
        {
            Assert.Equal(Describe(FashionNet.Layers), Describe(FashionNetLoops.Layers));
            Assert.Equal(Describe(LeNetS.Layers), Describe(LeNetSLoops.Layers));
            Assert.Equal(FashionNet.Summary(), FashionNetLoops.Summary().Replace(nameof(FashionNetLoops), nameof(FashionNet)));
            Assert.Equal(LeNetS.Summary(), LeNetSLoops.Summary().Replace(nameof(LeNetSLoops), nameof(LeNetS)));
            var pair = (Kernels: new ConvPoolsD(), Loops: new ConvPoolsDLoops());
            double[] x = TestData.Normal(Batch * ConvPoolsD.InputSize, 5);
            int[] labels = TestData.Labels(Batch, 3, 6);
            LayerGradientError[] fromKernels = pair.Kernels.GradientCheck(x, labels, Batch), fromLoops = pair.Loops.GradientCheck(x, labels, Batch);
            Assert.Equal(fromKernels.Select(e => (e.Layer.Name, e.ParametersChecked, e.Verdict)), fromLoops.Select(e => (e.Layer.Name, e.ParametersChecked, e.Verdict)));
            Assert.Equal(4, fromLoops.Length); // two Conv2D, a BatchNorm and a Dense layer
            Assert.All(fromLoops, e => Assert.Equal(GradientVerdict.Pass, e.Verdict));
        }

        /// <summary>NaN propagates in the loops as in the kernels and in PyTorch: ReLU(NaN) = NaN, a NaN wins its max-pool window,
        /// and the other samples of the batch are untouched.</summary>
        [Fact]
        public void NaNPropagatesThroughTheLoopsAsThroughTheKernels()
        {
            foreach ((INetwork<float> kernels, INetwork<float> loops) in new (INetwork<float>, INetwork<float>)[]
                { (new TinyNN(), new TinyNNLoops()), (new LeNetS(), new LeNetSLoops()) })
            {
                float[] x = TestData.NormalSingle(2 * kernels.InputSize, 3);
                x[kernels.InputSize / 2] = float.NaN; // in sample 0
                float[] expected = new float[2 * kernels.OutputSize], actual = new float[expected.Length];
                kernels.Forward(x, expected, 2);
                loops.Forward(x, actual, 2);
                Assert.All(actual.Take(kernels.OutputSize), v => Assert.True(float.IsNaN(v)));
                Assert.True(RelativeDifference(expected.Skip(kernels.OutputSize).Select(v => (double)v).ToArray(), actual.Skip(kernels.OutputSize).Select(v => (double)v).ToArray()) <= 1e-5);
            }
        }

        [Fact]
        public void TheLoopsAllocateNothingPerTrainingStepOrInferenceCall()
        {
            var net = new ConvPoolsSLoops();
            float[] x = TestData.NormalSingle(Batch * ConvPoolsSLoops.InputSize, 1), output = new float[Batch * ConvPoolsSLoops.OutputSize];
            int[] labels = TestData.Labels(Batch, ConvPoolsSLoops.OutputSize, 2);
            net.ComputeGradients(x, labels, Batch);
            net.Forward(x, output, Batch);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                net.ComputeGradients(x, labels, Batch);
                net.Forward(x, output, Batch);
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        private static string[] Describe(IReadOnlyList<LayerInfo> layers) =>
            layers.Select(l => $"{l.Index} {l.Kind} {l.Name} {l.InputSize} {l.OutputSize} {l.ParameterOffset} {l.ParameterCount} {l.StatisticsOffset} {l.StatisticsCount} {l.InputShape} {l.OutputShape} {l.Onnx?.Op}").ToArray();

        /// <summary>Both networks from the same perturbed parameters, the same inputs and labels: inference, a training pass,
        /// the loss and gradients, then three fused SGD steps and three with momentum.</summary>
        private static void CompareModes<T>(INetwork<T> kernels, INetwork<T> loops, double tolerance, int seed) where T : struct
        {
            Assert.Equal(kernels.Parameters.ToArray(), loops.Parameters.ToArray()); // the same initialisation
            Perturb(kernels, seed);
            kernels.Parameters.CopyTo(loops.Parameters);
            T[] x = TestData.Cast<T>(TestData.Normal(Batch * kernels.InputSize, seed));
            int[] labels = TestData.Labels(Batch, kernels.OutputSize, seed + 1);
            var report = new List<string>();
            void Same(string what, T[] expected, T[] actual)
            {
                Assert.Equal(expected.Length, actual.Length);
                double difference = RelativeDifference(expected.Select(TestData.ToDouble).ToArray(), actual.Select(TestData.ToDouble).ToArray());
                if (!(difference <= tolerance)) report.Add($"{what}: {difference:E2}");
            }

            var expectedOut = new T[Batch * kernels.OutputSize];
            var actualOut = new T[expectedOut.Length];
            kernels.Forward(x, expectedOut, Batch);
            loops.Forward(x, actualOut, Batch);
            Same("Forward", expectedOut, actualOut);

            T lossK = kernels.ComputeGradients(x, labels, Batch), lossL = loops.ComputeGradients(x, labels, Batch);
            Same("loss", new[] { lossK }, new[] { lossL });
            for (int layer = 1; layer <= kernels.Layers.Count; layer++)
                Same($"training output of layer {layer}", kernels.LayerOutput(layer).ToArray(), loops.LayerOutput(layer).ToArray());
            foreach (LayerInfo layer in kernels.Layers.Where(l => l.ParameterCount > 0))
                Same($"∂L/∂θ of {layer.Name}", kernels.Gradients.Slice(layer.ParameterOffset, layer.ParameterCount).ToArray(),
                    loops.Gradients.Slice(layer.ParameterOffset, layer.ParameterCount).ToArray());
            Same("running statistics", kernels.RunningStatistics.ToArray(), loops.RunningStatistics.ToArray());
            Assert.Equal(kernels.RandomState, loops.RandomState); // the same dropout draws

            // Steps with SGD, whose update is linear in the gradient, so the two modes stay within rounding. (Not Adam: it divides
            // by √v, and a gradient that is 0 in exact arithmetic — a Dense bias feeding a BatchNorm — is rounding noise in
            // either mode, which Adam turns into a full step of either sign.)
            for (int step = 0; step < 3; step++)
            {
                kernels.ForwardTraining(x, Batch);
                kernels.BackwardSgd(labels, 0.05);
                loops.ForwardTraining(x, Batch);
                loops.BackwardSgd(labels, 0.05);
            }
            Same("parameters after 3 fused SGD steps", kernels.Parameters.ToArray(), loops.Parameters.ToArray());
            var momentumK = new Sgd(0.05, momentum: 0.9);
            var momentumL = new Sgd(0.05, momentum: 0.9);
            for (int step = 0; step < 3; step++)
            {
                momentumK.TrainStep(kernels, x, labels, Batch);
                momentumL.TrainStep(loops, x, labels, Batch);
            }
            Same("parameters after 3 more steps of SGD with momentum", kernels.Parameters.ToArray(), loops.Parameters.ToArray());
            Same("running statistics after the steps", kernels.RunningStatistics.ToArray(), loops.RunningStatistics.ToArray());
            Assert.True(report.Count == 0, "The loops differ from the kernels (max |difference| / max |value|):\n" + string.Join("\n", report));
        }

        /// <summary>max |a − b| / max(max |a|, 1e-30): the difference relative to the tensor's scale. NaN where either has NaN
        /// in another place.</summary>
        private static double RelativeDifference(double[] a, double[] b)
        {
            double worst = 0, scale = 1e-30;
            for (int i = 0; i < a.Length; i++)
            {
                if (double.IsNaN(a[i]) != double.IsNaN(b[i])) return double.NaN;
                if (double.IsNaN(a[i])) continue;
                worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
                scale = Math.Max(scale, Math.Abs(a[i]));
            }
            return worst / scale;
        }

        private static void Perturb<T>(INetwork<T> net, int seed) where T : struct
        {
            T[] moved = TestData.Cast<T>(TestData.Normal(net.ParameterCount, seed + 3, 0.1)
                .Select((noise, i) => TestData.ToDouble(net.Parameters[i]) + noise).ToArray());
            moved.CopyTo(net.Parameters);
        }
    }
}
