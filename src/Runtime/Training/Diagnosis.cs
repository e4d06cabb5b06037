using System;
using System.Collections.Generic;
using System.Globalization;

namespace Unrolled
{
    /// <summary>What went wrong (or is about to) in a training run; thresholds after AUTOTRAINER (ICSE 2021).</summary>
    public enum DiagnosisKind
    {
        /// <summary>An output, the loss, a gradient or a parameter became NaN or infinite (or a parameter was before training):
        /// training stopped with finite weights. Reported whatever <see cref="FitOptions.Diagnose"/> says.</summary>
        NonFinite,
        /// <summary>‖∂L/∂W‖ of the first trainable layer is more than 70 times that of the last.</summary>
        ExplodingGradients,
        /// <summary>‖∂L/∂W‖ of the first trainable layer is below 1e-3 of the last and below 1e-4.</summary>
        VanishingGradients,
        /// <summary>70 % or more of a ReLU layer's units are zero for every sample of a batch.</summary>
        DyingReLU,
        /// <summary>The first batch's cross-entropy is far from ln(classes), the loss of an uninformed softmax.</summary>
        BadInitialLoss,
        /// <summary>Features lie far outside [−1, 1] (e.g. raw pixels 0–255).</summary>
        UnscaledInputs,
        /// <summary>Some features never change: they carry no information.</summary>
        ConstantFeatures,
        /// <summary>The validation loss stayed at least 5 % above its best for 3 epochs while the training loss kept falling
        /// below its value at that best epoch (a trend, as EarlyStopping's patience and min_delta, not one noisy epoch).</summary>
        Overfitting,
        /// <summary>The mean loss of the last 25 steps is more than 10 times the loss of the first step (before any update):
        /// the loss is exploding, and the learning rate is the first suspect (the lesson's story).</summary>
        ExplodingLoss,
    }

    /// <summary>One diagnosis, with a plain-English message that says what to do.</summary>
    public sealed class Diagnosis
    {
        internal Diagnosis(DiagnosisKind kind, int epoch, long step, LayerInfo? layer, double value, string message)
        {
            Kind = kind;
            Epoch = epoch;
            Step = step;
            Layer = layer;
            Value = value;
            Message = message;
        }

        /// <summary>The symptom.</summary>
        public DiagnosisKind Kind { get; }
        /// <summary>1-based epoch (0: before training).</summary>
        public int Epoch { get; }
        /// <summary>Optimiser step at which it was seen.</summary>
        public long Step { get; }
        /// <summary>The layer concerned, when there is one.</summary>
        public LayerInfo? Layer { get; }
        /// <summary>The measured value (a ratio, a share, a loss, a range…).</summary>
        public double Value { get; }
        /// <summary>What happened and what to try.</summary>
        public string Message { get; }

        /// <inheritdoc />
        public override string ToString() => Message;
    }

    /// <summary>
    /// Watches a training run (used by <see cref="Trainer.Fit{T}"/>): the data before the first step, the loss and the
    /// per-layer gradient norms after steps, ReLU activity, and the epoch metrics. Each symptom is reported once per
    /// epoch (per layer where it applies).
    /// </summary>
    internal sealed class Diagnostician<T> where T : struct
    {
        private const double ExplodingRatio = 70, VanishingRatio = 1e-3, VanishingNorm = 1e-4, DeadShare = 0.7, UnscaledLimit = 10;
        private const int CheckEvery = 25, MinimumBatchForDeadUnits = 16;
        /// <summary>An exploding loss: the last <see cref="CheckEvery"/> steps' mean loss over the first step's loss.</summary>
        private const double ExplodingLossRatio = 10;
        /// <summary>Overfitting: epochs the validation loss must stay above its best, and by how much (relative).</summary>
        internal const int OverfittingPatience = 3;
        internal const double OverfittingMinRise = 0.05;

        private readonly INetwork<T> _network;
        private readonly Action<Diagnosis> _report;
        private readonly HashSet<string> _reportedThisEpoch = new HashSet<string>(StringComparer.Ordinal);
        private readonly List<EpochResult> _epochs = new List<EpochResult>();
        private int _epoch;
        private bool _overfittingReported;
        private double _initialLoss = double.NaN, _recentLossSum;
        private int _recentLossCount;

        public Diagnostician(INetwork<T> network, Action<Diagnosis> report)
        {
            _network = network;
            _report = report;
        }

        private static string F(double value) => value.ToString("G3", CultureInfo.InvariantCulture);

        public void BeforeTraining(Dataset<T> data)
        {
            double max = 0;
            int width = data.InputSize, constant = 0;
            var low = new double[width];
            var high = new double[width];
            for (int j = 0; j < width; j++) { low[j] = double.PositiveInfinity; high[j] = double.NegativeInfinity; }
            for (int i = 0; i < data.Features.Length; i++)
            {
                double v = Scalar<T>.ToDouble(data.Features[i]);
                max = Math.Max(max, Math.Abs(v));
                int j = i % width;
                if (v < low[j]) low[j] = v;
                if (v > high[j]) high[j] = v;
            }
            for (int j = 0; j < width; j++) if (low[j] == high[j]) constant++;
            if (max > UnscaledLimit)
                _report(new Diagnosis(DiagnosisKind.UnscaledInputs, 0, 0, null, max,
                    $"Inputs reach {F(max)}, far outside [-1, 1]: large inputs saturate activations and make the first layer's gradients huge. Scale them (e.g. pixels / 255) or standardise each feature."));
            if (constant > 0 && data.Count > 1)
                _report(new Diagnosis(DiagnosisKind.ConstantFeatures, 0, 0, null, constant,
                    $"{constant} of {width} features have the same value in every training sample: they carry no information. Drop them or check the data pipeline."));
        }

        public void StartEpoch(int epoch)
        {
            _epoch = epoch;
            _reportedThisEpoch.Clear();
        }

        /// <summary>After Backward (finite loss and gradients: <see cref="NonFiniteGuard{T}"/> saw to that), before the optimiser step.</summary>
        public void AfterBackward(long step, int batchSize, double loss, double learningRate)
        {
            Span<T> gradients = _network.Gradients;
            IReadOnlyList<LayerInfo> layers = _network.Layers;
            CheckLossTrend(step, loss, learningRate);

            if (step == 0 && _network.Loss == Loss.CrossEntropy && _network.OutputSize > 1)
            {
                double expected = Math.Log(_network.OutputSize);
                if (loss > 1.5 * expected + 0.5 || loss < 0.3 * expected)
                    _report(new Diagnosis(DiagnosisKind.BadInitialLoss, _epoch, step, null, loss,
                        $"The first batch's loss is {F(loss)}; an untrained softmax over {_network.OutputSize} classes should give about ln({_network.OutputSize}) = {F(expected)}. Check the initialisation (weights too large?) and the input scaling."));
            }

            if (step % CheckEvery != 0) return;
            CheckGradientFlow(step, layers, gradients);
            if (batchSize >= MinimumBatchForDeadUnits) CheckDeadReLUs(step, batchSize, layers);
        }

        /// <summary>The loss of step 0 (before any update) is the reference; every <see cref="CheckEvery"/> steps, the mean loss
        /// of the last ones is compared with it (a mean, so one bad batch does not count).</summary>
        private void CheckLossTrend(long step, double loss, double learningRate)
        {
            if (step == 0)
            {
                _initialLoss = loss;
                return;
            }
            _recentLossSum += loss;
            if (++_recentLossCount < CheckEvery) return;
            double recent = _recentLossSum / _recentLossCount, ratio = recent / _initialLoss;
            _recentLossSum = 0;
            _recentLossCount = 0;
            if (_initialLoss > 0 && ratio > ExplodingLossRatio)
                Once("exploding-loss", () => new Diagnosis(DiagnosisKind.ExplodingLoss, _epoch, step, null, ratio,
                    $"The loss is exploding: {F(recent)} on average over the last {CheckEvery} steps, {F(ratio)} times the first step's {F(_initialLoss)}. " +
                    $"The learning rate ({F(learningRate)}) is the first suspect: try {F(learningRate / 10)}. Clipping gradients (ClipNorm) and BatchNorm also help."));
        }

        public void AfterEpoch(EpochResult result)
        {
            _epochs.Add(result);
            int n = _epochs.Count;
            // The best validation loss before the last Patience epochs: overfitting when each of those stayed at least
            // MinRise above it while the training loss went on falling below its value at the best epoch.
            if (_overfittingReported || n <= OverfittingPatience || result.ValidationLoss is null) return;
            int best = -1;
            for (int e = 0; e < n - OverfittingPatience; e++)
                if (_epochs[e].ValidationLoss is double v && (best < 0 || v < _epochs[best].ValidationLoss!.Value)) best = e;
            if (best < 0) return;
            double bestLoss = _epochs[best].ValidationLoss!.Value, threshold = bestLoss * (1 + OverfittingMinRise);
            for (int e = n - OverfittingPatience; e < n; e++)
                if (_epochs[e].ValidationLoss is not double v || !(v >= threshold)) return;
            if (!(result.Loss < _epochs[best].Loss)) return;
            _overfittingReported = true; // once per run: the trend, once established, holds for every later epoch
            double now = result.ValidationLoss.Value;
            _report(new Diagnosis(DiagnosisKind.Overfitting, _epoch, 0, null, now / bestLoss - 1,
                $"Validation loss has stayed above its best ({F(bestLoss)}, epoch {_epochs[best].Epoch}) for {OverfittingPatience} epochs, now {F(now)} (+{now / bestLoss - 1:P0}), " +
                $"while the training loss fell from {F(_epochs[best].Loss)} to {F(result.Loss)}: the network is memorising the training set. " +
                "Add Dropout, use EarlyStopping(restoreBestWeights: true) or ReduceLROnPlateau, or get more data."));
        }

        private void CheckGradientFlow(long step, IReadOnlyList<LayerInfo> layers, Span<T> gradients)
        {
            LayerInfo? first = null, last = null;
            foreach (LayerInfo layer in layers)
            {
                if (layer.WeightCount == 0) continue; // Dense and Conv2D
                first ??= layer;
                last = layer;
            }
            if (first is null || last is null || ReferenceEquals(first, last)) return;
            double firstNorm = GradientNorm(first, gradients);
            double lastNorm = GradientNorm(last, gradients);
            if (lastNorm == 0) return;
            double ratio = firstNorm / lastNorm;
            if (ratio > ExplodingRatio)
                Once("exploding", () => new Diagnosis(DiagnosisKind.ExplodingGradients, _epoch, step, first, ratio,
                    $"Gradients explode towards the input: ‖∂L/∂W‖ of {first.Name} is {F(ratio)} times that of {last.Name}. Lower the learning rate, clip gradients (ClipNorm), add BatchNorm, or use smaller initial weights."));
            else if (ratio < VanishingRatio && firstNorm < VanishingNorm)
                Once("vanishing", () => new Diagnosis(DiagnosisKind.VanishingGradients, _epoch, step, first, ratio,
                    $"Gradients vanish before the input: ‖∂L/∂W‖ of {first.Name} is {F(firstNorm)}, {F(ratio)} times that of {last.Name}, so the first layers barely learn. Use ReLU with He initialisation, or add BatchNorm before saturating activations."));
        }

        private void CheckDeadReLUs(long step, int batchSize, IReadOnlyList<LayerInfo> layers)
        {
            foreach (LayerInfo layer in layers)
            {
                if (layer.Kind != LayerKind.ReLU) continue;
                ReadOnlySpan<T> output = _network.LayerOutput(layer.Index);
                // A unit is a feature, or a channel of an image (its filter: dead when no position of any sample is > 0).
                int units = layer.OutputShape.Channels, plane = layer.OutputSize / units, dead = 0;
                for (int j = 0; j < units; j++)
                {
                    bool alive = false;
                    for (int b = 0; b < batchSize && !alive; b++)
                        for (int q = 0; q < plane && !alive; q++) alive = Scalar<T>.ToDouble(output[(b * units + j) * plane + q]) > 0;
                    if (!alive) dead++;
                }
                double share = (double)dead / units;
                if (share >= DeadShare)
                    Once("relu:" + layer.Name, () => new Diagnosis(DiagnosisKind.DyingReLU, _epoch, step, layer, share,
                        $"{share:P0} of the {(plane > 1 ? "channels" : "units")} of {layer.Name} output 0 {(plane > 1 ? "at every position " : string.Empty)}for every sample of the batch: dead ReLUs get no gradient and never recover (the lesson's quiz 7). Lower the learning rate, use LeakyReLU, or He initialisation."));
            }
        }

        private void Once(string key, Func<Diagnosis> create)
        {
            if (_reportedThisEpoch.Add(key)) _report(create());
        }

        /// <summary>‖∂L/∂W‖ of a Dense or Conv2D layer's weights (bias left out), or of all the parameters of another layer.</summary>
        internal static double GradientNorm(LayerInfo layer, ReadOnlySpan<T> gradients) =>
            Norm(gradients.Slice(layer.ParameterOffset, layer.WeightCount > 0 ? layer.WeightCount : layer.ParameterCount));

        private static double Norm(ReadOnlySpan<T> values)
        {
            double sum = 0;
            foreach (T value in values)
            {
                double v = Scalar<T>.ToDouble(value);
                sum += v * v;
            }
            return Math.Sqrt(sum);
        }
    }
}
