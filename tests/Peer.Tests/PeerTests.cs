using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Unrolled.Peer.Tests
{
    /// <summary>
    /// Unrolled against PyTorch 1.13 on identical weights and batches, float32: forward outputs ≤ 1e-5, gradients and
    /// statistics ≤ 1e-4, parameters after 10 optimiser steps ≤ 1e-4, learning rates ≤ 1e-6 (relative, see
    /// <see cref="Peer.AssertClose"/>). The Keras ↔ PyTorch mapping is in peer/torch_peer.py's docstring.
    /// </summary>
    public class PeerTests
    {
        // ── The layer lists PyTorch rebuilds (checked against the generated Layers so they cannot drift) ──

        private static object Dense(int units, bool bias = true) => new { kind = "Dense", units, bias };
        private static object Act(string kind) => new { kind };
        private static object Leaky(double slope) => new { kind = "LeakyReLU", slope };
        private static object BatchNorm(double momentum = 0.99, double epsilon = 1e-3) => new { kind = "BatchNorm", momentum, epsilon };
        private static object Dropout(double rate) => new { kind = "Dropout", rate };
        private static object Conv(int filters, int kh, int kw, int stride = 1, string padding = "Valid", bool bias = true) =>
            new { kind = "Conv2D", filters, kh, kw, stride, padding, bias };
        private static object Pool(string kind, int pool, int stride) => new { kind, pool, stride };
        private static readonly object[] s_sampleCnn =
        {
            Conv(32, 3, 3, bias: false), BatchNorm(), Act("ReLU"), Pool("MaxPool2D", 2, 2),
            Conv(64, 3, 3, bias: false), BatchNorm(), Act("ReLU"), Pool("MaxPool2D", 2, 2),
            Act("Flatten"), Dense(128), Act("ReLU"), Dropout(0.5), Dense(10), Act("Softmax"),
        };

        private static readonly Dictionary<Type, object[]> s_layers = new Dictionary<Type, object[]>
        {
            [typeof(ReLUClassifier)] = new[] { Dense(13), Act("ReLU"), Dense(5), Act("Softmax") },
            [typeof(BatchNormClassifier)] = new[] { Dense(13, bias: false), BatchNorm(), Act("ReLU"), Dense(4), Act("Softmax") },
            [typeof(LeakyBinary)] = new[] { Dense(7), Leaky(0.1), Dense(3), Act("Sigmoid") },
            [typeof(TanhRegressor)] = new[] { Dense(13), Act("Tanh"), Dense(2) },
            [typeof(SoftmaxRegressor)] = new[] { Dense(7), Act("Sigmoid"), Dropout(0), Dense(3), Act("Softmax") },
            [typeof(BatchNormFirstBinary)] = new[] { BatchNorm(0.9, 1e-5), Dense(6), Act("Tanh"), Dense(2), Act("Sigmoid"), Dropout(0) },
            [typeof(SigmoidCrossEntropy)] = new[] { Dense(3), Act("Sigmoid") },
            [typeof(DropoutClassifier)] = new[] { Dense(9), Act("ReLU"), Dropout(0.5), Dense(3), Act("Softmax") },
            [typeof(TinyNN)] = new[] { Dense(128), Act("ReLU"), Dense(10), Act("Softmax") },
            [typeof(ConvClassifier)] = new[] { Conv(4, 3, 3), Act("ReLU"), Pool("MaxPool2D", 2, 2), Act("Flatten"), Dense(5), Act("Softmax") },
            [typeof(SameConvClassifier)] = new[] { Conv(3, 4, 4, stride: 2, padding: "Same", bias: false), BatchNorm(), Act("Tanh"), Pool("AvgPool2D", 2, 1), Act("Flatten"), Dense(4), Act("Softmax") },
            [typeof(PooledRegressor)] = new[] { Conv(3, 1, 1), Act("Sigmoid"), Pool("MaxPool2D", 3, 2), Conv(2, 2, 1), Act("GlobalAvgPool2D"), Dense(2) },
            [typeof(WideKernelBinary)] = new[] { Conv(2, 5, 5, padding: "Same"), Leaky(0.1), Act("Flatten"), Dense(3), Act("Sigmoid") },
            [typeof(Unrolled.Samples.FashionCnn)] = s_sampleCnn,
            [typeof(SampleCnnWithoutDropout)] = s_sampleCnn.Select(l => (string)l.GetType().GetProperty("kind")!.GetValue(l)! == "Dropout" ? Dropout(0) : l).ToArray(),
            [typeof(SampleCnnDouble)] = s_sampleCnn.Select(l => (string)l.GetType().GetProperty("kind")!.GetValue(l)! == "Dropout" ? Dropout(0) : l).ToArray(),
        };

        /// <summary>Issue 17: a loops-mode twin is the same PyTorch model as the network it twins.</summary>
        private static readonly Dictionary<Type, Type> s_loopsTwins = new Dictionary<Type, Type>
        {
            [typeof(ReLUClassifierLoops)] = typeof(ReLUClassifier), [typeof(BatchNormClassifierLoops)] = typeof(BatchNormClassifier),
            [typeof(LeakyBinaryLoops)] = typeof(LeakyBinary), [typeof(TanhRegressorLoops)] = typeof(TanhRegressor),
            [typeof(ConvClassifierLoops)] = typeof(ConvClassifier), [typeof(SameConvClassifierLoops)] = typeof(SameConvClassifier),
            [typeof(PooledRegressorLoops)] = typeof(PooledRegressor), [typeof(WideKernelBinaryLoops)] = typeof(WideKernelBinary),
        };

        private static Dictionary<string, object?> Spec<T>(INetwork<T> net, string mode) where T : struct
        {
            object[] layers = s_layers[s_loopsTwins.TryGetValue(net.GetType(), out Type? twinned) ? twinned : net.GetType()];
            Assert.Equal(net.Layers.Select(l => l.Kind.ToString()), layers.Select(l => (string)l.GetType().GetProperty("kind")!.GetValue(l)!));
            return new Dictionary<string, object?>
            {
                ["mode"] = mode,
                ["inputs"] = net.InputSize,
                ["shape"] = net.Layers[0].InputShape.Rank == 3 ? net.Layers[0].InputShape.Dimensions : null,
                ["layers"] = layers,
                ["loss"] = net.Loss.ToString(),
                ["labels"] = net.Loss == Loss.CrossEntropy,
                ["targets"] = net.Loss != Loss.CrossEntropy,
                // Deep convolutional networks are compared with PyTorch in float64: its float32 kernels are further from
                // exact than the tolerances (see peer/torch_peer.py), so they would only compare rounding.
                ["double"] = IsDeep(net.Layers),
            };
        }

        /// <summary>The sample CNN and its twins: two convolutions on 28×28 images.</summary>
        private static bool IsDeep(IReadOnlyList<LayerInfo> layers) => layers.Count(l => l.Kind == LayerKind.Conv2D) >= 2 && layers[0].InputSize >= 784;

        public static IEnumerable<object[]> Networks() =>
            new Func<INetwork<float>>[]
            {
                () => new ReLUClassifier(), () => new BatchNormClassifier(), () => new LeakyBinary(), () => new TanhRegressor(),
                () => new SoftmaxRegressor(), () => new BatchNormFirstBinary(), () => new SigmoidCrossEntropy(), () => new DropoutClassifier(),
                () => new ConvClassifier(), () => new SameConvClassifier(), () => new PooledRegressor(), () => new WideKernelBinary(),
                () => new Unrolled.Samples.FashionCnn(), () => new SampleCnnWithoutDropout(),
                // Issue 17: the loops mode (GeneratedCode.Loops) against PyTorch too.
                () => new ReLUClassifierLoops(), () => new BatchNormClassifierLoops(), () => new LeakyBinaryLoops(), () => new TanhRegressorLoops(),
                () => new ConvClassifierLoops(), () => new SameConvClassifierLoops(), () => new PooledRegressorLoops(), () => new WideKernelBinaryLoops(),
            }.SelectMany(f => new[] { 1, 33 }.Select(batch => new object[] { f().GetType().Name, batch, f }));

        /// <summary>Initial weights, moved off the initialiser's zeros and ones, and non-trivial running statistics.</summary>
        private static void Randomise(INetwork<float> net, int seed)
        {
            net.InitializeParameters(seed);
            var random = SplitMix64.FromSeed(seed + 100);
            Span<float> p = net.Parameters;
            for (int i = 0; i < p.Length; i++) p[i] += (float)(0.1 * random.NextGaussian());
            foreach (LayerInfo layer in net.Layers.Where(l => l.StatisticsCount > 0))
            {
                int n = layer.StatisticsCount / 2; // features, or channels of an image
                for (int j = 0; j < n; j++)
                {
                    net.RunningStatistics[layer.StatisticsOffset + j] = (float)(0.3 * random.NextGaussian());
                    net.RunningStatistics[layer.StatisticsOffset + n + j] = (float)(0.5 + random.NextDouble());
                }
            }
        }

        private static float[] Normal(int count, int seed, double scale = 1)
        {
            var random = SplitMix64.FromSeed(seed);
            var values = new float[count];
            for (int i = 0; i < values.Length; i++) values[i] = (float)(scale * random.NextGaussian());
            return values;
        }

        /// <summary>Labels (cross-entropy) or targets: uniform in [0, 1] for BCE, normal for MSE.</summary>
        private static (int[] Labels, float[] Targets) Truth(INetwork<float> net, int count, int seed)
        {
            var random = SplitMix64.FromSeed(seed);
            var labels = new int[count];
            var targets = new float[count * net.OutputSize];
            for (int i = 0; i < count; i++) labels[i] = random.NextInt32(net.OutputSize);
            for (int i = 0; i < targets.Length; i++) targets[i] = net.Loss == Loss.BinaryCrossEntropy ? (float)random.NextDouble() : (float)random.NextGaussian();
            return (labels, targets);
        }

        private static void WriteTruth(string dir, INetwork<float> net, int[] labels, float[] targets, params int[] shape)
        {
            if (net.Loss == Loss.CrossEntropy) Npy.Write(System.IO.Path.Combine(dir, "labels.npy"), labels, shape);
            else Npy.Write(System.IO.Path.Combine(dir, "targets.npy"), targets, shape.Append(net.OutputSize).ToArray());
        }

        private static double[] D(ReadOnlySpan<float> values) => values.ToArray().Select(v => (double)v).ToArray();

        [Theory]
        [MemberData(nameof(Networks))]
        public void ForwardLossGradientsAndRunningStatisticsMatchPyTorch(string name, int batch, Func<INetwork<float>> create)
        {
            INetwork<float> net = create();
            Randomise(net, name.Length + batch);
            // PyTorch's BatchNorm1d refuses training batches of one sample (no variance), and dropout masks come from
            // different generators: inference only then.
            bool train = !(batch == 1 && net.Layers.Any(l => l.Kind == LayerKind.BatchNorm && l.InputShape.Rank == 1))
                && !net.Layers.Any(l => l.Kind == LayerKind.Dropout && l.Hyperparameter > 0);
            float[] x = Normal(batch * net.InputSize, batch, 1.5);
            (int[] labels, float[] targets) = Truth(net, batch, batch + 1);

            Dictionary<string, object?> spec = Spec(net, "forward_backward");
            spec["train"] = train;
            string dir = Peer.NewCase(spec);
            Npy.Write(System.IO.Path.Combine(dir, "parameters.npy"), net.Parameters.ToArray());
            Npy.Write(System.IO.Path.Combine(dir, "statistics.npy"), net.RunningStatistics.ToArray());
            Npy.Write(System.IO.Path.Combine(dir, "x.npy"), x, batch, net.InputSize);
            WriteTruth(dir, net, labels, targets, batch);
            Peer.Run(dir);

            // The parameter counts PyTorch's modules hold are the ones Summary() prints (trainable; BatchNorm's running
            // statistics as non-trainable, as Keras counts them).
            double[] counts = Peer.Result(dir, "parameter_counts");
            Assert.Equal(counts[0], net.ParameterCount);
            Assert.Equal(counts[1], net.RunningStatistics.Length);
            string summary = (string)net.GetType().GetMethod("Summary")!.Invoke(null, null)!;
            Assert.Contains(" Trainable params: " + counts[0].ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + "\n", summary);
            Assert.Contains(" Non-trainable params: " + counts[1].ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + "\n", summary);

            // A component at the 1 % floor of AssertClose is compared to 1e-2 of the largest output, so 1e-5 there is ≈ 2 ULPs of
            // that largest value. The loops mode multiplies and adds in two roundings (C# for netstandard2.0 has no FMA), where
            // the kernels and PyTorch's GEMM round once: measured 1.01e-5 on PooledRegressorLoops at batch 33, hence 2e-5 for it.
            double outputTolerance = s_loopsTwins.ContainsKey(net.GetType()) ? 2e-5 : 1e-5;
            var output = new float[batch * net.OutputSize];
            net.Forward(x, output, batch);
            Peer.AssertClose("inference output", Peer.Result(dir, "eval_output"), D(output), outputTolerance);
            if (!train) return;

            ReadOnlySpan<float> trainOutput = net.ForwardTraining(x, batch);
            Peer.AssertClose("training output", Peer.Result(dir, "train_output"), D(trainOutput), outputTolerance);
            float loss = net.Loss == Loss.CrossEntropy ? net.Backward(labels) : net.Backward(targets);
            Peer.AssertClose("loss", Peer.Result(dir, "loss"), new double[] { loss }, 1e-5);
            // The sample CNN's first ∂W sums m·26·26 (22,308 at batch 33) products that cancel to a small gradient: Unrolled's
            // own float32 gradients differ from its float64 ones by up to 8e-5 there (measured), so 2e-4 is float32 rounding.
            Peer.AssertClose("gradients", Peer.Result(dir, "gradients"), D(net.Gradients), IsDeep(net.Layers) ? 2e-4 : 1e-4);
            Peer.AssertClose("running statistics", Peer.Result(dir, "statistics_after"), D(net.RunningStatistics), 1e-4);
        }

        public static IEnumerable<object[]> Optimizers()
        {
            yield return new object[] { "sgd", (Func<Optimizer>)(() => new Sgd(0.1)), new { name = "Sgd", lr = 0.1 } };
            yield return new object[] { "momentum", (Func<Optimizer>)(() => new Sgd(0.05, momentum: 0.9, weightDecay: 1e-3)), new { name = "Sgd", lr = 0.05, momentum = 0.9, weight_decay = 1e-3 } };
            yield return new object[] { "nesterov", (Func<Optimizer>)(() => new Sgd(0.05, momentum: 0.9, nesterov: true)), new { name = "Sgd", lr = 0.05, momentum = 0.9, nesterov = true } };
            yield return new object[] { "rmsprop", (Func<Optimizer>)(() => new RmsProp(1e-2)), new { name = "RmsProp", lr = 1e-2, rho = 0.9, epsilon = 1e-7 } };
            yield return new object[] { "adam", (Func<Optimizer>)(() => new Adam(1e-2)), new { name = "Adam", lr = 1e-2, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } };
            yield return new object[] { "adam-l2", (Func<Optimizer>)(() => new Adam(1e-2, weightDecay: 0.05)), new { name = "Adam", lr = 1e-2, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weight_decay = 0.05 } };
            yield return new object[] { "adamw", (Func<Optimizer>)(() => new AdamW(1e-2, weightDecay: 0.05)), new { name = "AdamW", lr = 1e-2, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weight_decay = 0.05 } };
        }

        [Theory]
        [MemberData(nameof(Optimizers))]
        public void TenOptimiserStepsMatchPyTorch(string name, Func<Optimizer> create, object optimizer) =>
            Train(new BatchNormClassifier(), create(), optimizer, schedule: null, scheduleSpec: null, seed: name.Length);

        [Theory]
        [InlineData("adam")]
        [InlineData("momentum")]
        public void TenOptimiserStepsOnConvolutionalNetworksMatchPyTorch(string name)
        {
            // The sample CNN trains with the sample's rates (Adam 1e-3; momentum 0.01): at 1e-2 Adam moves every one of its
            // 225,130 parameters by ≈ η a step whatever the size of its gradient, so a gradient that is float32 rounding
            // noise (dead units) moves by ±η in either framework and 10 steps compare noise, not the backward pass.
            (Optimizer Optimizer, object Spec) Create(double rate) => name == "adam"
                ? (new Adam(rate), new { name = "Adam", lr = rate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 })
                : (new Sgd(rate * 5, momentum: 0.9), new { name = "Sgd", lr = rate * 5, momentum = 0.9 });
            foreach ((INetwork<float> net, double rate, int seed) in new (INetwork<float>, double, int)[]
                { (new SameConvClassifier(), 1e-2, 11), (new PooledRegressor(), 1e-2, 12) })
            {
                (Optimizer optimizer, object spec) = Create(rate);
                Train(net, optimizer, spec, schedule: null, scheduleSpec: null, seed: seed);
            }
            {
                // The sample CNN: Adam divides each gradient by its own root mean square, so a parameter whose gradient is
                // float32 rounding noise (a unit no sample excites) steps by ±η·(noise/|noise|) in either framework. PyTorch's
                // float32 differs from its own float64 by 4e-4 after these 10 steps (measured), so the sample's architecture is
                // trained here in double against PyTorch in float64, where both are exact to far below the tolerance.
                (Optimizer optimizer, object spec) = Create(1e-3);
                TrainDouble(new SampleCnnDouble(), optimizer, spec, seed: 13, batch: 16);
            }
        }

        /// <summary>Issue 17: ten Adam steps and ten momentum steps of loops-mode networks (a dense one with BatchNorm, a strided
        /// same-padded convolution with BatchNorm on images and average pooling) match PyTorch as the kernels do.</summary>
        [Fact]
        public void TenOptimiserStepsInLoopsModeMatchPyTorch()
        {
            Train(new BatchNormClassifierLoops(), new Adam(1e-2), new { name = "Adam", lr = 1e-2, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 },
                schedule: null, scheduleSpec: null, seed: 21);
            Train(new SameConvClassifierLoops(), new Sgd(0.05, momentum: 0.9), new { name = "Sgd", lr = 0.05, momentum = 0.9 },
                schedule: null, scheduleSpec: null, seed: 22);
        }

        /// <summary><see cref="Train"/> for a double network against PyTorch in float64 (the values cross as float32, so both
        /// sides start from the same rounded parameters and inputs).</summary>
        private static void TrainDouble(INetwork<double> net, Optimizer optimizer, object optimizerSpec, int seed, int batch)
        {
            const int steps = 10;
            var random = SplitMix64.FromSeed(seed);
            net.InitializeParameters(seed);
            Span<double> p = net.Parameters;
            for (int i = 0; i < p.Length; i++) p[i] = (float)(p[i] + 0.1 * random.NextGaussian());
            float[] x = Normal(steps * batch * net.InputSize, seed + 1);
            int[] labels = Enumerable.Range(0, steps * batch).Select(_ => random.NextInt32(net.OutputSize)).ToArray();
            Dictionary<string, object?> spec = Spec(net, "train");
            spec["optimizer"] = optimizerSpec;
            string dir = Peer.NewCase(spec);
            Npy.Write(System.IO.Path.Combine(dir, "parameters.npy"), net.Parameters.ToArray().Select(v => (float)v).ToArray());
            Npy.Write(System.IO.Path.Combine(dir, "statistics.npy"), net.RunningStatistics.ToArray().Select(v => (float)v).ToArray());
            Npy.Write(System.IO.Path.Combine(dir, "x.npy"), x, steps, batch, net.InputSize);
            Npy.Write(System.IO.Path.Combine(dir, "labels.npy"), labels, steps, batch);
            Peer.Run(dir);

            double[] inputs = x.Select(v => (double)v).ToArray();
            var losses = new double[steps];
            for (int step = 0; step < steps; step++)
            {
                losses[step] = net.ComputeGradients(inputs.AsSpan(step * batch * net.InputSize, batch * net.InputSize), labels.AsSpan(step * batch, batch), batch);
                optimizer.Step(net);
            }
            string name = net.GetType().Name;
            Peer.AssertClose(name + ": losses", Peer.Result(dir, "losses"), losses, 1e-6);
            Peer.AssertClose(name + ": parameters after 10 steps", Peer.Result(dir, "parameters_after"), net.Parameters.ToArray(), 1e-5);
        }

        [Fact]
        public void TheSampleCnnTwinDiffersFromTheSampleInTheDropoutRateOnly()
        {
            LayerInfo[] sample = Unrolled.Samples.FashionCnn.Layers.ToArray(), twin = SampleCnnWithoutDropout.Layers.ToArray();
            Assert.Equal(sample.Length, twin.Length);
            for (int i = 0; i < sample.Length; i++)
            {
                Assert.Equal(sample[i].Kind, twin[i].Kind);
                Assert.Equal((sample[i].InputShape, sample[i].OutputShape, sample[i].ParameterOffset, sample[i].ParameterCount), (twin[i].InputShape, twin[i].OutputShape, twin[i].ParameterOffset, twin[i].ParameterCount));
                if (sample[i].Kind != LayerKind.Dropout) Assert.Equal(sample[i].Description, twin[i].Description);
            }
        }

        [Fact]
        public void TenStepsWithCosineDecayMatchPyTorch() =>
            Train(new LeakyBinary(), new Adam(1e-2), new { name = "Adam", lr = 1e-2, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 },
                new CosineDecay(1e-2, 10, alpha: 0.1), new { name = "CosineDecay", initial = 1e-2, decay_steps = 10, alpha = 0.1 }, seed: 5);

        [Fact]
        public void TenStepsWithWarmupCosineMatchPyTorch() =>
            Train(new TanhRegressor(), new Sgd(0.1, momentum: 0.9), new { name = "Sgd", lr = 0.1, momentum = 0.9 },
                new WarmupCosine(0.1, 3, 10), new { name = "WarmupCosine", peak = 0.1, warmup_steps = 3, total_steps = 10 }, seed: 6);

        private static void Train(INetwork<float> net, Optimizer optimizer, object optimizerSpec, ILearningRateSchedule? schedule, object? scheduleSpec, int seed,
            int batch = 33)
        {
            const int steps = 10;
            Randomise(net, seed);
            float[] x = Normal(steps * batch * net.InputSize, seed + 1);
            (int[] labels, float[] targets) = Truth(net, steps * batch, seed + 2);
            Dictionary<string, object?> spec = Spec(net, "train");
            spec["optimizer"] = optimizerSpec;
            spec["schedule"] = scheduleSpec;
            string dir = Peer.NewCase(spec);
            Npy.Write(System.IO.Path.Combine(dir, "parameters.npy"), net.Parameters.ToArray());
            Npy.Write(System.IO.Path.Combine(dir, "statistics.npy"), net.RunningStatistics.ToArray());
            Npy.Write(System.IO.Path.Combine(dir, "x.npy"), x, steps, batch, net.InputSize);
            WriteTruth(dir, net, labels, targets, steps, batch);
            Peer.Run(dir);

            optimizer.Schedule = schedule;
            var losses = new double[steps];
            var rates = new double[steps];
            for (int step = 0; step < steps; step++)
            {
                ReadOnlySpan<float> inputs = x.AsSpan(step * batch * net.InputSize, batch * net.InputSize);
                losses[step] = net.Loss == Loss.CrossEntropy
                    ? net.ComputeGradients(inputs, labels.AsSpan(step * batch, batch), batch)
                    : net.ComputeGradients(inputs, targets.AsSpan(step * batch * net.OutputSize, batch * net.OutputSize), batch);
                rates[step] = optimizer.CurrentLearningRate;
                optimizer.Step(net);
            }
            string name = net.GetType().Name;
            Peer.AssertClose(name + ": learning rates", Peer.Result(dir, "rates"), rates, 1e-6);
            Peer.AssertClose(name + ": losses", Peer.Result(dir, "losses"), losses, 1e-4);
            Peer.AssertClose(name + ": parameters after 10 steps", Peer.Result(dir, "parameters_after"), D(net.Parameters), 1e-4);
        }

        [Fact]
        public void CosineDecayMatchesCosineAnnealingLR()
        {
            var schedule = new CosineDecay(3e-3, 1000, alpha: 0.01);
            string dir = Peer.NewCase(new { mode = "schedule", schedule = new { name = "CosineDecay", initial = 3e-3, decay_steps = 1000, alpha = 0.01, steps = 1001 } });
            Peer.Run(dir);
            Peer.AssertClose("cosine decay", Peer.Result(dir, "rates"), Enumerable.Range(0, 1001).Select(s => schedule.LearningRate(s)).ToArray(), 1e-6);
        }

        [Fact]
        public void WarmupCosineMatchesTheLessonsScheduleUnderLambdaLR()
        {
            var schedule = new WarmupCosine(3e-4, 100, 1000);
            string dir = Peer.NewCase(new { mode = "schedule", schedule = new { name = "WarmupCosine", peak = 3e-4, warmup_steps = 100, total_steps = 1000, steps = 1200 } });
            Peer.Run(dir);
            Peer.AssertClose("warmup + cosine", Peer.Result(dir, "rates"), Enumerable.Range(0, 1200).Select(s => schedule.LearningRate(s)).ToArray(), 1e-6);
        }

        [Fact]
        public void ReduceLROnPlateauMatchesPyTorchWithPatienceMapped()
        {
            double[] metrics = { 1.0, 0.9, 0.95, 0.93, 0.92, 0.91, 0.91, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91, 0.92, 0.93 };
            var plateau = new ReduceLROnPlateau(0.1, factor: 0.5, patience: 2, minLearningRate: 0.01, minDelta: 0.015, cooldown: 2);
            var rates = metrics.Select(m => { plateau.Observe(m); return plateau.Current; }).ToArray();
            string dir = Peer.NewCase(new
            {
                mode = "schedule",
                schedule = new { name = "ReduceLROnPlateau", initial = 0.1, factor = 0.5, patience = 2, min_lr = 0.01, min_delta = 0.015, cooldown = 2, metrics },
            });
            Peer.Run(dir);
            Peer.AssertClose("ReduceLROnPlateau", Peer.Result(dir, "rates"), rates, 1e-6);
            Assert.True(rates.Distinct().Count() >= 3, "the sequence must exercise at least two reductions");
        }
    }
}
