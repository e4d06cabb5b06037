using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace Unrolled
{
    /// <summary>Options of <see cref="Trainer.Fit{T}"/>; defaults follow Keras' <c>model.fit</c>.</summary>
    public sealed class FitOptions
    {
        /// <summary>Passes over the training data. Default 1 (Keras).</summary>
        public int Epochs { get; set; } = 1;

        /// <summary>Samples per step; the last batch of an epoch may be smaller. Default 32 (Keras).</summary>
        public int BatchSize { get; set; } = 32;

        /// <summary>Reshuffle the training samples every epoch. Default true (Keras).</summary>
        public bool Shuffle { get; set; } = true;

        /// <summary>Seed of the shuffling: the same seed gives the same batches, epoch after epoch.</summary>
        public int Seed { get; set; }

        /// <summary>Fraction of the training data (its last samples, before shuffling) held out for validation when no
        /// validation set is passed (Keras <c>validation_split</c>): 0 (the default, none) or in (0, 1); anything else is refused.</summary>
        public double ValidationSplit { get; set; }

        /// <summary>Called after every epoch (EarlyStopping, ReduceLROnPlateau, …).</summary>
        public IList<IEpochCallback> Callbacks { get; } = new List<IEpochCallback>();

        /// <summary>Receives progress during each epoch and once at its end. Reports are made synchronously on the
        /// training thread; use an <see cref="IProgress{T}"/> that does not post elsewhere if order matters.</summary>
        public IProgress<TrainingProgress>? Progress { get; set; }

        /// <summary>Report progress every this many batches (and at the end of each epoch). Default 20.</summary>
        public int ReportEveryBatches { get; set; } = 20;

        /// <summary>Watch the run for an exploding loss, exploding or vanishing gradients, dead ReLUs, a bad initial loss,
        /// unscaled or constant inputs and overfitting (<see cref="DiagnosisKind"/>). Default true. Diagnosis reads the
        /// gradients between the backward pass and the update, so it also keeps plain SGD from running fused into the
        /// backward pass (<see cref="Optimizer.FusesIntoBackward"/>; same weights either way, the fused step is faster at
        /// small batches).
        /// <para>NaN and infinity are handled whatever this says: a non-finite output, loss, gradient or parameter always
        /// stops training with a <see cref="DiagnosisKind.NonFinite"/> diagnosis naming the input, layer or parameter. The
        /// network keeps finite weights: those before the failing step when the failure shows before the update (a non-finite
        /// pass, loss or gradient), else the last checkpoint (taken at most every 256 samples) when an update itself
        /// overflowed.</para></summary>
        public bool Diagnose { get; set; } = true;

        /// <summary>Called with each diagnosis as it is made (also collected in <see cref="TrainingHistory.Diagnoses"/>).</summary>
        public Action<Diagnosis>? OnDiagnosis { get; set; }

        /// <summary>Record the gradient norm of every layer with parameters every this many steps (and at step 0), for a
        /// gradient-flow chart: <see cref="TrainingHistory.GradientNorms"/>. Default 0: not recorded (recording allocates
        /// one small array per record).</summary>
        public int GradientNormsEvery { get; set; }
    }

    /// <summary>Per-layer gradient norms after one step's backward pass (see <see cref="FitOptions.GradientNormsEvery"/>).</summary>
    public sealed class GradientNormRecord
    {
        internal GradientNormRecord(int epoch, long step, double[] norms)
        {
            Epoch = epoch;
            Step = step;
            Norms = norms;
        }

        /// <summary>1-based epoch.</summary>
        public int Epoch { get; }
        /// <summary>Optimiser step (0-based) whose gradients these are.</summary>
        public long Step { get; }
        /// <summary>‖∂L/∂W‖ (Frobenius norm) per layer of <see cref="TrainingHistory.GradientNormLayers"/>, in the same order:
        /// a Dense layer's weights without its bias, all parameters of other layers (BatchNorm's γ and β).</summary>
        public IReadOnlyList<double> Norms { get; }
    }

    /// <summary>Metrics of one epoch.</summary>
    public sealed class EpochResult
    {
        internal EpochResult(int epoch, double loss, double accuracy, double? validationLoss, double? validationAccuracy, double learningRate, double seconds, int samples)
        {
            Epoch = epoch;
            Loss = loss;
            Accuracy = accuracy;
            ValidationLoss = validationLoss;
            ValidationAccuracy = validationAccuracy;
            LearningRate = learningRate;
            Seconds = seconds;
            SamplesPerSecond = seconds > 0 ? samples / seconds : 0;
        }

        /// <summary>1-based epoch number.</summary>
        public int Epoch { get; }
        /// <summary>Mean training loss over the epoch's batches (training mode, sample-weighted).</summary>
        public double Loss { get; }
        /// <summary>Training accuracy over the epoch (training-mode outputs), NaN for regression.</summary>
        public double Accuracy { get; }
        /// <summary>Validation loss (inference mode), if there is validation data.</summary>
        public double? ValidationLoss { get; }
        /// <summary>Validation accuracy, if there is validation data.</summary>
        public double? ValidationAccuracy { get; }
        /// <summary>Learning rate of the epoch's last step.</summary>
        public double LearningRate { get; }
        /// <summary>Wall-clock seconds of the epoch's training steps.</summary>
        public double Seconds { get; }
        /// <summary>Training throughput.</summary>
        public double SamplesPerSecond { get; }
    }

    /// <summary>A progress report from <see cref="Trainer.Fit{T}"/>.</summary>
    public sealed class TrainingProgress
    {
        internal TrainingProgress(int epoch, int epochs, int batch, int batches, double loss, double accuracy, double samplesPerSecond, EpochResult? result)
        {
            Epoch = epoch;
            Epochs = epochs;
            Batch = batch;
            Batches = batches;
            Loss = loss;
            Accuracy = accuracy;
            SamplesPerSecond = samplesPerSecond;
            Completed = result;
        }

        /// <summary>1-based epoch.</summary>
        public int Epoch { get; }
        /// <summary>Total epochs.</summary>
        public int Epochs { get; }
        /// <summary>Batches done in this epoch.</summary>
        public int Batch { get; }
        /// <summary>Batches per epoch.</summary>
        public int Batches { get; }
        /// <summary>Running mean training loss of the epoch.</summary>
        public double Loss { get; }
        /// <summary>Running training accuracy of the epoch.</summary>
        public double Accuracy { get; }
        /// <summary>Training throughput so far in the epoch.</summary>
        public double SamplesPerSecond { get; }
        /// <summary>The epoch's result when this report ends an epoch, otherwise null.</summary>
        public EpochResult? Completed { get; }
    }

    /// <summary>What <see cref="Trainer.Fit{T}"/> returns.</summary>
    public sealed class TrainingHistory
    {
        internal TrainingHistory(IReadOnlyList<EpochResult> epochs, bool stoppedEarly, IReadOnlyList<Diagnosis> diagnoses,
            IReadOnlyList<LayerInfo> gradientNormLayers, IReadOnlyList<GradientNormRecord> gradientNorms)
        {
            Epochs = epochs;
            StoppedEarly = stoppedEarly;
            Diagnoses = diagnoses;
            GradientNormLayers = gradientNormLayers;
            GradientNorms = gradientNorms;
        }

        /// <summary>The layers with parameters, in order: the columns of <see cref="GradientNormRecord.Norms"/>.</summary>
        public IReadOnlyList<LayerInfo> GradientNormLayers { get; }

        /// <summary>Gradient norms recorded every <see cref="FitOptions.GradientNormsEvery"/> steps (empty when off).</summary>
        public IReadOnlyList<GradientNormRecord> GradientNorms { get; }

        /// <summary>What the run's diagnosis found, in order (empty for a healthy run).</summary>
        public IReadOnlyList<Diagnosis> Diagnoses { get; }

        /// <summary>One result per completed epoch.</summary>
        public IReadOnlyList<EpochResult> Epochs { get; }

        /// <summary>Whether a callback stopped training before the last epoch, or the diagnosis stopped it on a non-finite value.</summary>
        public bool StoppedEarly { get; }
    }

    /// <summary>Loss and accuracy of a network on a dataset, in inference mode.</summary>
    public sealed class Evaluation
    {
        internal Evaluation(double loss, double accuracy, int count)
        {
            Loss = loss;
            Accuracy = accuracy;
            Count = count;
        }

        /// <summary>Mean loss (probabilities clipped to [1e-7, 1 − 1e-7] before logs, as Keras does).</summary>
        public double Loss { get; }
        /// <summary>Fraction of samples classified correctly (NaN when there are no classes).</summary>
        public double Accuracy { get; }
        /// <summary>Samples evaluated.</summary>
        public int Count { get; }
    }

    /// <summary>The training loop, evaluation and prediction for any generated network.</summary>
    public static class Trainer
    {
        private const int EvaluationBatch = 256;

        /// <summary>
        /// Trains <paramref name="network"/> with mini-batch gradient descent, as Keras' <c>model.fit</c>: each epoch
        /// shuffles the samples (seeded), runs a training-mode forward and backward pass per batch and one optimiser step,
        /// then evaluates the validation data in inference mode and calls the callbacks. Allocates nothing per step.
        /// Cancelling throws <see cref="OperationCanceledException"/> between steps; the network keeps the weights of the
        /// last completed step.
        /// </summary>
        public static TrainingHistory Fit<T>(this INetwork<T> network, Dataset<T> training, Optimizer optimizer, FitOptions? options = null,
            Dataset<T>? validation = null, CancellationToken cancellationToken = default) where T : struct
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            if (training is null) throw new ArgumentNullException(nameof(training));
            if (optimizer is null) throw new ArgumentNullException(nameof(optimizer));
            options ??= new FitOptions();
            CheckOptions(options);
            int token = network.Guard.EnterExclusive("Fit");
            try
            {
                return FitOwned(network, training, optimizer, options, validation, cancellationToken);
            }
            finally
            {
                network.Guard.ExitExclusive(token);
            }
        }

        /// <summary><see cref="Fit{T}"/> on a network this thread holds exclusively.</summary>
        private static TrainingHistory FitOwned<T>(INetwork<T> network, Dataset<T> training, Optimizer optimizer, FitOptions options,
            Dataset<T>? validation, CancellationToken cancellationToken) where T : struct
        {
            if (validation is null && options.ValidationSplit > 0) (training, validation) = SplitForValidation(training, options.ValidationSplit);
            bool useLabels = DataChecks.Check(network, training, nameof(training));
            if (validation != null) DataChecks.Check(network, validation, nameof(validation));
            foreach (IEpochCallback callback in options.Callbacks)
            {
                if (callback is ReduceLROnPlateau plateau && optimizer.Schedule is null) optimizer.Schedule = plateau; // Keras sets optimizer.lr
            }

            int n = training.Count, inputSize = network.InputSize, outputSize = network.OutputSize;
            int batchSize = Math.Min(options.BatchSize, n);
            int batches = (n + batchSize - 1) / batchSize;
            var order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
            var inputs = new T[batchSize * inputSize];
            var labels = useLabels ? new int[batchSize] : Array.Empty<int>();
            var targets = useLabels ? Array.Empty<T>() : new T[batchSize * outputSize];
            SplitMix64 random = SplitMix64.FromSeed(options.Seed);
            var history = new List<EpochResult>();
            var clock = new Stopwatch();
            bool stopped = false, halted = false;
            var diagnoses = new List<Diagnosis>();
            Action<Diagnosis>? notify = options.OnDiagnosis;
            void Report(Diagnosis d)
            {
                diagnoses.Add(d);
                notify?.Invoke(d);
            }
            var normLayers = new List<LayerInfo>();
            foreach (LayerInfo layer in network.Layers) if (layer.ParameterCount > 0) normLayers.Add(layer);
            var norms = new List<GradientNormRecord>();
            var guard = new NonFiniteGuard<T>(network, batchSize);
            int epoch = 0;
            bool Halt(string? message, long step, double loss)
            {
                if (message is null) return false;
                Report(new Diagnosis(DiagnosisKind.NonFinite, epoch, step, guard.Culprit, loss, epoch > 0 ? $"Epoch {epoch}: {message}" : message));
                stopped = halted = true;
                return true;
            }
            if (Halt(guard.BeforeTraining(), 0, double.NaN))
                return new TrainingHistory(history, true, diagnoses, normLayers, norms);
            Diagnostician<T>? doctor = null;
            if (options.Diagnose)
            {
                doctor = new Diagnostician<T>(network, Report);
                doctor.BeforeTraining(training);
            }

            // Plain SGD runs inside the backward pass (same weights to the bit, no gradient buffer round trip) unless
            // something needs to see the gradients between backward pass and update.
            bool fused = optimizer.FusesIntoBackward && doctor is null && options.GradientNormsEvery == 0;
            double lastLoss = 0;

            for (epoch = 1; epoch <= options.Epochs && !stopped; epoch++)
            {
                if (options.Shuffle) Shuffle(order, ref random);
                doctor?.StartEpoch(epoch);
                double lossSum = 0;
                long correct = 0, seen = 0;
                clock.Restart();
                for (int batch = 0; batch < batches; batch++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int start = batch * batchSize, m = Math.Min(batchSize, n - start);
                    for (int b = 0; b < m; b++)
                    {
                        int sample = order[start + b];
                        training.Features.AsSpan(sample * inputSize, inputSize).CopyTo(inputs.AsSpan(b * inputSize));
                        if (useLabels) labels[b] = training.Labels![sample];
                        else training.Targets.AsSpan(sample * outputSize, outputSize).CopyTo(targets.AsSpan(b * outputSize));
                    }

                    long step = optimizer.Iterations;
                    double rate = optimizer.CurrentLearningRate;
                    guard.BeforePass();
                    ReadOnlySpan<T> outputs = network.ForwardTraining(inputs.AsSpan(0, m * inputSize), m);
                    if (Halt(guard.AfterPass(step, outputs, inputs.AsSpan(0, m * inputSize), rate), step, double.NaN)) break;
                    correct += useLabels
                        ? Metrics.CountCorrect(outputs, labels.AsSpan(0, m), outputSize)
                        : Metrics.CountCorrect(outputs, targets.AsSpan(0, m * outputSize), outputSize, network.Loss);
                    double loss;
                    if (fused)
                    {
                        loss = Scalar<T>.ToDouble(useLabels
                            ? network.BackwardSgd(labels.AsSpan(0, m), rate)
                            : network.BackwardSgd(targets.AsSpan(0, m * outputSize), rate));
                        optimizer.CountFusedStep();
                        // The update is done: only a non-finite loss (or what the next pass shows) is left to catch.
                        if ((double.IsNaN(loss) || double.IsInfinity(loss)) && Halt(guard.AfterUpdate(step, loss, rate), step, loss)) break;
                    }
                    else
                    {
                        loss = Scalar<T>.ToDouble(useLabels ? network.Backward(labels.AsSpan(0, m)) : network.Backward(targets.AsSpan(0, m * outputSize)));
                        if (Halt(guard.BeforeUpdate(step, loss, checkGradients: true, rate), step, loss)) break;
                        doctor?.AfterBackward(step, m, loss, rate);
                        if (options.GradientNormsEvery > 0 && step % options.GradientNormsEvery == 0)
                            norms.Add(new GradientNormRecord(epoch, step, GradientNorms(network, normLayers)));
                        optimizer.Step(network);
                    }
                    lastLoss = loss;
                    lossSum += loss * m;
                    seen += m;

                    if (options.Progress != null && (batch + 1) % Math.Max(1, options.ReportEveryBatches) == 0 && batch + 1 < batches)
                        options.Progress.Report(new TrainingProgress(epoch, options.Epochs, batch + 1, batches, lossSum / seen,
                            Metrics.Accuracy(correct, seen, network, useLabels), seen / clock.Elapsed.TotalSeconds, null));
                }
                clock.Stop();
                if (seen == 0) break; // stopped on the first batch of the epoch: no metrics to report

                Evaluation? check = validation is null ? null : Measure(network, validation, EvaluationBatch, checkData: false);
                var result = new EpochResult(epoch, lossSum / seen, Metrics.Accuracy(correct, seen, network, useLabels), check?.Loss, check?.Accuracy,
                    optimizer.Schedule?.LearningRate(Math.Max(0, optimizer.Iterations - 1)) ?? optimizer.LearningRate, clock.Elapsed.TotalSeconds, n);
                history.Add(result);
                doctor?.AfterEpoch(result);
                foreach (IEpochCallback callback in options.Callbacks) stopped |= callback.OnEpochEnd(network, result);
                options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, batches, batches, result.Loss, result.Accuracy, result.SamplesPerSecond, result));
            }
            // The last update (or a callback restoring weights) is seen by no later forward pass: check it once.
            epoch = Math.Max(1, history.Count);
            if (!halted) Halt(guard.AfterUpdate(optimizer.Iterations, lastLoss, optimizer.CurrentLearningRate), optimizer.Iterations, lastLoss);
            return new TrainingHistory(history, stopped && (halted || history.Count < options.Epochs), diagnoses, normLayers, norms);
        }

        /// <summary>Loss and accuracy of <paramref name="network"/> on <paramref name="data"/> in inference mode. The data is
        /// checked as <see cref="Fit{T}"/> checks it (shapes, labels in range, finite features and targets). When an output
        /// is not finite (the network's weights overflowed or hold NaN), the loss and the accuracy are NaN: a NaN is reported
        /// as such, never turned into a class.</summary>
        public static Evaluation Evaluate<T>(this INetwork<T> network, Dataset<T> data, int batchSize = EvaluationBatch) where T : struct =>
            Measure(network, data, batchSize, checkData: true);

        private static Evaluation Measure<T>(INetwork<T> network, Dataset<T> data, int batchSize, bool checkData) where T : struct
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Must be at least 1.");
            bool useLabels = checkData ? DataChecks.Check(network, data, nameof(data)) : DataChecks.UsesLabels(network, data);
            int inputSize = network.InputSize, outputSize = network.OutputSize;
            var outputs = new T[Math.Min(batchSize, data.Count) * outputSize];
            double lossSum = 0;
            long correct = 0;
            bool finite = true;
            for (int start = 0; start < data.Count; start += batchSize)
            {
                int m = Math.Min(batchSize, data.Count - start);
                Span<T> batchOutputs = outputs.AsSpan(0, m * outputSize);
                network.Forward(data.Features.AsSpan(start * inputSize, m * inputSize), batchOutputs, m);
                finite &= NonFinite.AllFinite<T>(batchOutputs);
                if (useLabels)
                {
                    ReadOnlySpan<int> labels = data.Labels.AsSpan(start, m);
                    lossSum += Metrics.LossSum(network.Loss, batchOutputs, labels, outputSize);
                    correct += Metrics.CountCorrect(batchOutputs, labels, outputSize);
                }
                else
                {
                    ReadOnlySpan<T> targets = data.Targets.AsSpan(start * outputSize, m * outputSize);
                    lossSum += Metrics.LossSum(network.Loss, batchOutputs, targets);
                    correct += Metrics.CountCorrect(batchOutputs, targets, outputSize, network.Loss);
                }
            }
            if (!finite) return new Evaluation(double.NaN, double.NaN, data.Count);
            double meanLoss = network.Loss == Loss.CrossEntropy ? lossSum / data.Count : lossSum / ((double)data.Count * outputSize);
            return new Evaluation(meanLoss, Metrics.Accuracy(correct, data.Count, network, useLabels), data.Count);
        }

        /// <summary>Inference outputs for every sample of <paramref name="features"/> (sample-major), checked as
        /// <see cref="Fit{T}"/> checks its data (a whole number of samples, finite values).</summary>
        public static T[] Predict<T>(this INetwork<T> network, T[] features) where T : struct
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            if (features is null) throw new ArgumentNullException(nameof(features));
            int count = DataChecks.CheckFeatures<T>(network, features, nameof(features));
            var outputs = new T[count * network.OutputSize];
            if (count > 0) network.Forward(features, outputs, count);
            return outputs;
        }

        /// <summary>The most probable class of one sample (argmax of the outputs; for one sigmoid output, 1 when ≥ 0.5). The
        /// input is checked as <see cref="Fit{T}"/> checks its data; a non-finite output is an
        /// <see cref="InvalidOperationException"/>, never a class.</summary>
        public static int PredictClass<T>(this INetwork<T> network, ReadOnlySpan<T> input) where T : struct
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            if (DataChecks.CheckFeatures(network, input, nameof(input)) != 1)
                throw new ArgumentException($"Expected one sample of {network.InputSize:N0} features, got {DataChecks.Count(input.Length, "value")}.", nameof(input));
            T[] output = new T[network.OutputSize];
            network.Forward(input, output);
            return Class(network, output, 0);
        }

        /// <summary>The most probable class of every sample (see <see cref="PredictClass{T}"/>).</summary>
        public static int[] PredictClasses<T>(this INetwork<T> network, T[] features) where T : struct
        {
            T[] outputs = network.Predict(features);
            int outputSize = network.OutputSize;
            var classes = new int[outputs.Length / outputSize];
            for (int i = 0; i < classes.Length; i++) classes[i] = Class(network, outputs.AsSpan(i * outputSize, outputSize), i);
            return classes;
        }

        private static int Class<T>(INetwork<T> network, ReadOnlySpan<T> output, int sample) where T : struct
        {
            if (!NonFinite.AllFinite(output))
            {
                (LayerInfo? layer, int index) = NonFinite.FirstParameter(network);
                string why = layer is null ? "the forward pass overflowed" : $"{NonFinite.DescribeParameter(layer, index)} is not finite";
                throw new InvalidOperationException($"The outputs of sample {sample:N0} are not finite ({why}): there is no class to predict.");
            }
            return Metrics.Class(output, network.OutputSize);
        }

        private static double[] GradientNorms<T>(INetwork<T> network, List<LayerInfo> layers) where T : struct
        {
            var norms = new double[layers.Count];
            for (int i = 0; i < norms.Length; i++) norms[i] = Diagnostician<T>.GradientNorm(layers[i], network.Gradients);
            return norms;
        }

        private static void CheckOptions(FitOptions options)
        {
            static void AtLeast(int value, int minimum, string name, string what)
            {
                if (value < minimum)
                    throw new ArgumentOutOfRangeException("options", value, $"FitOptions.{name} is {value}; it must be {what}.");
            }
            AtLeast(options.Epochs, 1, nameof(FitOptions.Epochs), "at least 1");
            AtLeast(options.BatchSize, 1, nameof(FitOptions.BatchSize), "at least 1");
            AtLeast(options.GradientNormsEvery, 0, nameof(FitOptions.GradientNormsEvery), "0 (off) or positive");
            double split = options.ValidationSplit;
            if (!(split >= 0 && split < 1))
                throw new ArgumentOutOfRangeException("options", split,
                    $"FitOptions.ValidationSplit is {split.ToString(System.Globalization.CultureInfo.InvariantCulture)}; it must be 0 (no split) or a fraction in (0, 1).");
        }

        private static (Dataset<T> Training, Dataset<T> Validation) SplitForValidation<T>(Dataset<T> training, double fraction) where T : struct
        {
            int held = (int)Math.Round(training.Count * fraction);
            if (held < 1 || held >= training.Count)
                throw new ArgumentException($"FitOptions.ValidationSplit = {fraction.ToString(System.Globalization.CultureInfo.InvariantCulture)} of " +
                                            $"{DataChecks.Count(training.Count, "sample")} holds out {DataChecks.Count(held, "sample")}: " +
                                            "both training and validation need at least one.", "options");
            return training.Split(fraction);
        }

        private static void Shuffle(int[] order, ref SplitMix64 random)
        {
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.NextInt32(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
    }
}
