using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>
    /// Backward against central finite differences, for every layer kind and every loss: ≤ 1e-6 relative error in
    /// double precision, ≤ 1e-2 in single. BatchNorm in training mode and Dropout (masks replayed) are included.
    /// </summary>
    public class GradientTests
    {
        private const int Batch = 5;

        public static IEnumerable<object[]> DoubleNetworks() => new Func<INetwork<double>>[]
        {
            () => new DenseMseD(), () => new ReLUSoftmaxD(), () => new LeakyMseD(), () => new SigmoidBceD(), () => new BceUnfusedD(),
            () => new TanhMseD(), () => new SoftmaxMseD(), () => new CrossEntropyUnfusedD(), () => new BatchNormD(),
            () => new BatchNormFirstD(), () => new DropoutD(), () => new SmallKerasD(), () => new HandActivations(), () => new LogisticRegression(),
        }.Select(f => new object[] { f().GetType().Name, f });

        /// <summary>Single-precision networks without kinks (no ReLU): finite differences of the float network itself.</summary>
        public static IEnumerable<object[]> SmoothSingleNetworks() => new Func<INetwork<float>>[]
        {
            () => new DenseMseS(), () => new SigmoidBceS(), () => new BceUnfusedS(), () => new TanhMseS(), () => new SoftmaxMseS(),
            () => new CrossEntropyUnfusedS(), () => new BatchNormFirstS(),
        }.Select(f => new object[] { f().GetType().Name, f });

        /// <summary>Every single-precision network with its double-precision twin (same layers, same seed).</summary>
        public static IEnumerable<object[]> Twins() => new (Func<INetwork<float>> Single, Func<INetwork<double>> Double)[]
        {
            (() => new DenseMseS(), () => new DenseMseD()), (() => new ReLUSoftmaxS(), () => new ReLUSoftmaxD()),
            (() => new LeakyMseS(), () => new LeakyMseD()), (() => new SigmoidBceS(), () => new SigmoidBceD()),
            (() => new BceUnfusedS(), () => new BceUnfusedD()), (() => new TanhMseS(), () => new TanhMseD()),
            (() => new SoftmaxMseS(), () => new SoftmaxMseD()), (() => new CrossEntropyUnfusedS(), () => new CrossEntropyUnfusedD()),
            (() => new BatchNormS(), () => new BatchNormD()), (() => new BatchNormFirstS(), () => new BatchNormFirstD()),
            (() => new DropoutS(), () => new DropoutD()), (() => new SmallKerasS(), () => new SmallKerasD()),
        }.Select(p => new object[] { p.Single().GetType().Name, p.Single, p.Double });

        [Theory]
        [MemberData(nameof(DoubleNetworks))]
        public void DoublePrecisionBackwardMatchesFiniteDifferences(string name, Func<INetwork<double>> create)
        {
            LayerGradientError[] errors = Check(create(), seed: name.Length);
            AssertBelow(errors, 1e-6);
            Assert.All(errors, e => Assert.Equal(GradientVerdict.Pass, e.Verdict));
        }

        [Fact]
        public void Finding7_AFloatNetworkWithReLUKinksPassesAndSaysWhereAKinkWasCrossed()
        {
            // Before verdicts and kink detection, some of these checks reported relative errors near 0.1 on a correct
            // backward pass: the float step (1e-2) had moved a ReLU input across 0.
            int kinked = 0;
            double worstAtKink = 0;
            for (int seed = 0; seed < 40; seed++)
            {
                var net = new KinkNet();
                net.InitializeParameters(seed);
                LayerGradientError[] errors = net.GradientCheck(TestData.NormalSingle(5 * 4, 100 + seed), TestData.Labels(5, 3, 200 + seed), 5);
                string report = string.Join("\n", errors.Select(e => e.ToString()));
                Assert.All(errors, e => Assert.True(e.Verdict == GradientVerdict.Pass, report));
                Assert.All(errors, e => Assert.Contains("check gradients with Precision.Double", e.ToString()));
                foreach (LayerGradientError e in errors.Where(e => e.KinksCrossed > 0))
                {
                    kinked++;
                    worstAtKink = Math.Max(worstAtKink, e.MaxRelativeErrorAtKinks);
                    Assert.Contains("crossed a ReLU kink", e.ToString());
                }
            }
            Assert.True(kinked > 0, "no check crossed a kink: the test no longer exercises the detection");
            Assert.True(worstAtKink > GradientChecker.SinglePass, $"the kinks crossed were harmless ({worstAtKink:E2}): the test no longer shows why they are left out");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void Finding7_ABackwardPassOffBy1e4InOneLayerFailsInDoubleAndNamesThatLayer(int wrongLayer)
        {
            var inner = new SmallKerasD();
            Perturb(inner, 5);
            LayerInfo[] trainable = SmallKerasD.Layers.Where(l => l.ParameterCount > 0).ToArray();
            var skewed = new SkewedGradients(inner, trainable[wrongLayer], 1.0001);
            LayerGradientError[] errors = GradientChecker.Check<double>(skewed, TestData.Normal(Batch * 6, 6), TestData.Labels(Batch, 4, 7), Batch);
            string report = string.Join("\n", errors.Select(e => e.ToString()));
            LayerGradientError failed = Assert.Single(errors, e => e.Verdict == GradientVerdict.Fail);
            Assert.Equal(trainable[wrongLayer].Name, failed.Layer.Name);
            Assert.Contains("FAIL", failed.ToString());
            Assert.All(errors.Where(e => e != failed), e => Assert.True(e.Verdict == GradientVerdict.Pass, report));
        }

        /// <summary>A real network whose reported gradients of one layer are scaled: a subtly wrong backward pass.</summary>
        private sealed class SkewedGradients : INetwork<double>
        {
            private readonly INetwork<double> _inner;
            private readonly LayerInfo _layer;
            private readonly double _scale;

            public SkewedGradients(INetwork<double> inner, LayerInfo layer, double scale)
            {
                _inner = inner;
                _layer = layer;
                _scale = scale;
            }

            private double Skew(double loss)
            {
                foreach (ref double g in _inner.Gradients.Slice(_layer.ParameterOffset, _layer.ParameterCount)) g *= _scale;
                return loss;
            }

            public int InputSize => _inner.InputSize;
            public int OutputSize => _inner.OutputSize;
            public int ParameterCount => _inner.ParameterCount;
            public Loss Loss => _inner.Loss;
            public IReadOnlyList<LayerInfo> Layers => _inner.Layers;
            public NetworkGuard Guard => _inner.Guard;
            public Span<double> Parameters => _inner.Parameters;
            public Span<double> Gradients => _inner.Gradients;
            public Span<double> RunningStatistics => _inner.RunningStatistics;
            public ulong RandomState { get => _inner.RandomState; set => _inner.RandomState = value; }
            public void InitializeParameters(int seed) => _inner.InitializeParameters(seed);
            public void Forward(ReadOnlySpan<double> input, Span<double> output) => _inner.Forward(input, output);
            public void Forward(ReadOnlySpan<double> inputs, Span<double> outputs, int batchSize) => _inner.Forward(inputs, outputs, batchSize);
            public ReadOnlySpan<double> ForwardTraining(ReadOnlySpan<double> inputs, int batchSize) => _inner.ForwardTraining(inputs, batchSize);
            public ReadOnlySpan<double> LayerOutput(int layer) => _inner.LayerOutput(layer);
            public double Backward(ReadOnlySpan<int> labels) => Skew(_inner.Backward(labels));
            public double Backward(ReadOnlySpan<double> targets) => Skew(_inner.Backward(targets));
            public double ComputeGradients(ReadOnlySpan<double> inputs, ReadOnlySpan<int> labels, int batchSize) => Skew(_inner.ComputeGradients(inputs, labels, batchSize));
            public double ComputeGradients(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, int batchSize) => Skew(_inner.ComputeGradients(inputs, targets, batchSize));
            public double BackwardSgd(ReadOnlySpan<int> labels, double learningRate) => throw new NotSupportedException();
            public double BackwardSgd(ReadOnlySpan<double> targets, double learningRate) => throw new NotSupportedException();
        }

        [Theory]
        [MemberData(nameof(SmoothSingleNetworks))]
        public void SinglePrecisionBackwardMatchesItsOwnFiniteDifferences(string name, Func<INetwork<float>> create)
        {
            LayerGradientError[] errors = Check(create(), seed: name.Length);
            AssertBelow(errors, 1e-2);
        }

        /// <summary>
        /// Float finite differences need a step of about 1e-2 to rise above rounding, and a step that large crosses
        /// ReLU kinks. So the float Backward of every network, kinks included, is compared with the central finite
        /// differences (h = 1e-6) of its double-precision twin holding the same parameters, statistics, inputs and
        /// dropout masks. This finite-difference loop is written here, independently of GradientChecker.
        /// </summary>
        [Theory]
        [MemberData(nameof(Twins))]
        public void SinglePrecisionBackwardMatchesFiniteDifferencesOfItsDoubleTwin(string name, Func<INetwork<float>> createSingle, Func<INetwork<double>> createDouble)
        {
            INetwork<float> single = createSingle();
            INetwork<double> twin = createDouble();
            int seed = name.Length;
            Perturb(single, seed);
            for (int i = 0; i < single.ParameterCount; i++) twin.Parameters[i] = single.Parameters[i];
            float[] statistics = single.RunningStatistics.ToArray();
            ulong random = single.RandomState;

            float[] inputs = TestData.NormalSingle(Batch * single.InputSize, seed);
            double[] inputsD = inputs.Select(v => (double)v).ToArray();
            int[] labels = TestData.Labels(Batch, single.OutputSize, seed + 1);
            double[] targets = (single.Loss == Loss.BinaryCrossEntropy ? TestData.Uniform(Batch * single.OutputSize, seed + 2) : TestData.Normal(Batch * single.OutputSize, seed + 2))
                .Select(v => (double)(float)v).ToArray();
            float[] targetsS = targets.Select(v => (float)v).ToArray();

            if (single.Loss == Loss.CrossEntropy) single.ComputeGradients(inputs, labels, Batch);
            else single.ComputeGradients(inputs, targetsS, Batch);
            double[] backward = single.Gradients.ToArray().Select(v => (double)v).ToArray();

            double LossOfTwin()
            {
                for (int i = 0; i < statistics.Length; i++) twin.RunningStatistics[i] = statistics[i];
                twin.RandomState = random;
                return single.Loss == Loss.CrossEntropy ? twin.ComputeGradients(inputsD, labels, Batch) : twin.ComputeGradients(inputsD, targets, Batch);
            }

            const double h = 1e-6, floor = 1e-3;
            var report = new List<string>();
            foreach (LayerInfo layer in single.Layers.Where(l => l.ParameterCount > 0))
            {
                double worst = 0;
                for (int i = layer.ParameterOffset; i < layer.ParameterOffset + layer.ParameterCount; i++)
                {
                    double original = twin.Parameters[i];
                    twin.Parameters[i] = original + h;
                    double plus = LossOfTwin();
                    twin.Parameters[i] = original - h;
                    double minus = LossOfTwin();
                    twin.Parameters[i] = original;
                    double numeric = (plus - minus) / (2 * h);
                    worst = Math.Max(worst, Math.Abs(backward[i] - numeric) / Math.Max(Math.Abs(backward[i]) + Math.Abs(numeric), floor));
                }
                report.Add($"{layer.Name}: {worst:E2}");
            }
            Assert.True(report.Count > 0);
            Assert.True(report.All(r => double.Parse(r.Split(": ")[1], System.Globalization.CultureInfo.InvariantCulture) <= 1e-2),
                "Float Backward disagrees with double finite differences:\n" + string.Join("\n", report));
        }

        [Fact]
        public void GradientCheckCoversEveryTrainableLayerAndLeavesTheNetworkUnchanged()
        {
            var net = new SmallKerasD();
            Perturb(net, 11);
            double[] parameters = net.Parameters.ToArray(), statistics = net.RunningStatistics.ToArray();
            ulong random = net.RandomState;

            LayerGradientError[] errors = GradientChecker.Check<double>(net, TestData.Normal(Batch * 6, 11), TestData.Labels(Batch, 4, 12), Batch);

            Assert.Equal(new[] { "dense_1", "batch_norm_2", "dense_5", "dense_8" }, errors.Select(e => e.Layer.Name));
            Assert.All(errors, e => Assert.Equal(e.Layer.ParameterCount, e.ParametersChecked));
            Assert.Equal(parameters, net.Parameters.ToArray());
            Assert.Equal(statistics, net.RunningStatistics.ToArray());
            Assert.Equal(random, net.RandomState);
        }

        [Fact]
        public void GradientCheckerFindsAWrongGradient()
        {
            // L(θ) = Σ θ², so ∂L/∂θ = 2θ; the fake network reports 2θ for layer 1 and 3θ for layer 2.
            var fake = new QuadraticNetwork(new[] { 0.5, -1.0, 2.0 }, new[] { 1.5, -0.25 });
            LayerGradientError[] errors = GradientChecker.Check<double>(fake, new double[1], new int[1], 1);
            Assert.True(errors[0].MaxRelativeError < 1e-8, errors[0].ToString());
            Assert.InRange(errors[1].MaxRelativeError, 0.19, 0.21); // |3θ − 2θ| / (3|θ| + 2|θ|) = 0.2
            Assert.Equal(new[] { GradientVerdict.Pass, GradientVerdict.Fail }, errors.Select(e => e.Verdict));
        }

        /// <summary>Checks at a random point: every parameter moved by N(0, 0.1²), so no bias is exactly 0 and no
        /// ReLU input sits exactly on the kink (where the derivative is one-sided and finite differences disagree).</summary>
        private static LayerGradientError[] Check<T>(INetwork<T> net, int seed) where T : struct
        {
            Perturb(net, seed);
            T[] inputs = TestData.Cast<T>(TestData.Normal(Batch * net.InputSize, seed));
            if (net.Loss == Loss.CrossEntropy)
                return GradientChecker.Check(net, inputs, TestData.Labels(Batch, net.OutputSize, seed + 1), Batch);
            double[] targets = net.Loss == Loss.BinaryCrossEntropy
                ? TestData.Uniform(Batch * net.OutputSize, seed + 2)
                : TestData.Normal(Batch * net.OutputSize, seed + 2);
            return GradientChecker.Check(net, inputs, TestData.Cast<T>(targets), Batch);
        }

        private static void Perturb<T>(INetwork<T> net, int seed) where T : struct
        {
            T[] moved = TestData.Cast<T>(TestData.Normal(net.ParameterCount, seed + 3, 0.1)
                .Select((noise, i) => TestData.ToDouble(net.Parameters[i]) + noise).ToArray());
            moved.CopyTo(net.Parameters);
        }

        private static void AssertBelow(LayerGradientError[] errors, double tolerance)
        {
            Assert.NotEmpty(errors);
            string report = string.Join("\n", errors.Select(e => e.ToString()));
            Assert.True(errors.All(e => e.MaxRelativeError <= tolerance), $"Backward disagrees with finite differences (tolerance {tolerance}):\n{report}");
            // The check must have compared real gradients, not zeros against zeros.
            Assert.True(errors.All(e => Math.Abs(e.Analytic) + Math.Abs(e.Numeric) > 0 || e.MaxRelativeError == 0), report);
        }

        /// <summary>A hand-written INetwork whose Backward is deliberately wrong in its second layer.</summary>
        private sealed class QuadraticNetwork : INetwork<double>
        {
            private readonly double[] _parameters, _gradients;
            private readonly int _first;

            public QuadraticNetwork(double[] first, double[] second)
            {
                _first = first.Length;
                _parameters = first.Concat(second).ToArray();
                _gradients = new double[_parameters.Length];
                Layers = new[]
                {
                    new LayerInfo(1, LayerKind.Dense, "a", "a", 1, 1, 0, first.Length, 0, 0),
                    new LayerInfo(2, LayerKind.Dense, "b", "b", 1, 1, first.Length, second.Length, 0, 0),
                };
            }

            public int InputSize => 1;
            public int OutputSize => 1;
            public int ParameterCount => _parameters.Length;
            public Loss Loss => Loss.CrossEntropy;
            public IReadOnlyList<LayerInfo> Layers { get; }
            public NetworkGuard Guard { get; } = new NetworkGuard("QuadraticNetwork");
            public Span<double> Parameters => _parameters;
            public Span<double> Gradients => _gradients;
            public Span<double> RunningStatistics => Span<double>.Empty;
            public ulong RandomState { get; set; }
            public void InitializeParameters(int seed) { }
            public void Forward(ReadOnlySpan<double> input, Span<double> output) { }
            public void Forward(ReadOnlySpan<double> inputs, Span<double> outputs, int batchSize) { }
            public ReadOnlySpan<double> ForwardTraining(ReadOnlySpan<double> inputs, int batchSize) => default;
            public ReadOnlySpan<double> LayerOutput(int layer) => default;
            public double Backward(ReadOnlySpan<int> labels) => Evaluate();
            public double Backward(ReadOnlySpan<double> targets) => Evaluate();
            public double ComputeGradients(ReadOnlySpan<double> inputs, ReadOnlySpan<int> labels, int batchSize) => Evaluate();
            public double ComputeGradients(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, int batchSize) => Evaluate();
            public double BackwardSgd(ReadOnlySpan<int> labels, double learningRate) => throw new NotSupportedException();
            public double BackwardSgd(ReadOnlySpan<double> targets, double learningRate) => throw new NotSupportedException();

            private double Evaluate()
            {
                for (int i = 0; i < _parameters.Length; i++) _gradients[i] = (i < _first ? 2 : 3) * _parameters[i];
                return _parameters.Sum(p => p * p);
            }
        }
    }
}
