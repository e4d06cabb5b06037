using System;

namespace Unrolled
{
    /// <summary>The quantity a callback watches.</summary>
    public enum Monitor
    {
        /// <summary>Validation loss (Keras' default, <c>val_loss</c>); falls back to the training loss without validation data.</summary>
        ValidationLoss,
        /// <summary>Training loss.</summary>
        Loss,
        /// <summary>Validation accuracy (higher is better).</summary>
        ValidationAccuracy,
        /// <summary>Training accuracy (higher is better).</summary>
        Accuracy,
    }

    /// <summary>Called by <see cref="Trainer"/> at the end of every epoch.</summary>
    public interface IEpochCallback
    {
        /// <summary>Sees the epoch's metrics; returns true to stop training.</summary>
        bool OnEpochEnd<T>(INetwork<T> network, EpochResult epoch) where T : struct;
    }

    /// <summary>Shared "did the monitored value improve" logic of Keras' callbacks.</summary>
    public abstract class MonitoringCallback
    {
        /// <summary>Sets what is watched and by how much it must improve.</summary>
        private protected MonitoringCallback(Monitor monitor, double minDelta)
        {
            if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "Must be at least 0.");
            Monitor = monitor;
            MinDelta = minDelta;
            Best = HigherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
        }

        /// <summary>The watched quantity.</summary>
        public Monitor Monitor { get; }

        /// <summary>The smallest change that counts as an improvement.</summary>
        public double MinDelta { get; }

        /// <summary>The best value seen so far.</summary>
        public double Best { get; private protected set; }

        /// <summary>Epochs since the last improvement.</summary>
        public int Wait { get; private protected set; }

        private bool HigherIsBetter => Monitor == Monitor.Accuracy || Monitor == Monitor.ValidationAccuracy;

        /// <summary>The watched value of <paramref name="epoch"/> (validation falls back to training when absent).</summary>
        private protected double Value(EpochResult epoch)
        {
            switch (Monitor)
            {
                case Monitor.ValidationLoss: return epoch.ValidationLoss ?? epoch.Loss;
                case Monitor.ValidationAccuracy: return epoch.ValidationAccuracy ?? epoch.Accuracy;
                case Monitor.Accuracy: return epoch.Accuracy;
                default: return epoch.Loss;
            }
        }

        /// <summary>Keras' <c>monitor_op</c>: current &lt; best − min_delta (or &gt; best + min_delta for accuracy).</summary>
        private protected bool Improved(double current) =>
            HigherIsBetter ? current > Best + MinDelta : current < Best - MinDelta;
    }

    /// <summary>
    /// Stops training when the monitored value has not improved for <see cref="Patience"/> epochs, with Keras
    /// semantics (<c>keras.callbacks.EarlyStopping</c>): an improvement is a change beyond <c>minDelta</c>; with
    /// <c>restoreBestWeights</c> the parameters and running statistics of the best epoch are put back when it stops.
    /// </summary>
    public sealed class EarlyStopping : MonitoringCallback, IEpochCallback
    {
        private Array? _bestParameters, _bestStatistics;

        /// <summary>Creates the callback. Keras defaults: patience 0, min_delta 0, restore_best_weights false.</summary>
        public EarlyStopping(int patience = 0, double minDelta = 0, bool restoreBestWeights = false, Monitor monitor = Monitor.ValidationLoss)
            : base(monitor, minDelta)
        {
            if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "Must be at least 0.");
            Patience = patience;
            RestoreBestWeights = restoreBestWeights;
        }

        /// <summary>Epochs without improvement before stopping.</summary>
        public int Patience { get; }

        /// <summary>Whether to restore the best epoch's weights when stopping.</summary>
        public bool RestoreBestWeights { get; }

        /// <summary>The 1-based epoch with the best value.</summary>
        public int BestEpoch { get; private set; }

        /// <summary>The epoch at which training was stopped, or 0.</summary>
        public int StoppedEpoch { get; private set; }

        /// <inheritdoc />
        public bool OnEpochEnd<T>(INetwork<T> network, EpochResult epoch) where T : struct
        {
            double current = Value(epoch);
            if (Improved(current))
            {
                Best = current;
                BestEpoch = epoch.Epoch;
                Wait = 0;
                if (RestoreBestWeights)
                {
                    _bestParameters = network.Parameters.ToArray();
                    _bestStatistics = network.RunningStatistics.ToArray();
                }
                return false;
            }
            Wait++;
            if (Wait < Patience) return false;
            StoppedEpoch = epoch.Epoch;
            if (RestoreBestWeights && _bestParameters is T[] parameters && _bestStatistics is T[] statistics)
            {
                parameters.CopyTo(network.Parameters);
                statistics.CopyTo(network.RunningStatistics);
            }
            return true;
        }
    }

    /// <summary>
    /// Multiplies the learning rate by <see cref="Factor"/> when the monitored value has not improved for
    /// <see cref="Patience"/> epochs, with Keras semantics (<c>keras.callbacks.ReduceLROnPlateau</c>), including
    /// <c>cooldown</c> and <c>min_lr</c>. As in Keras, the cooldown counter is decremented before it is checked, so a
    /// cooldown of c leaves c − 1 epochs uncounted after a reduction (PyTorch's <c>cooldown = c − 1</c>; and Keras'
    /// <c>patience = p</c> is PyTorch's <c>patience = p − 1</c>). tests/Peer.Tests compares the two.
    /// Use it as the optimiser's <see cref="Optimizer.Schedule"/> and as a callback.
    /// </summary>
    public sealed class ReduceLROnPlateau : MonitoringCallback, IEpochCallback, ILearningRateSchedule
    {
        private int _cooldownCounter;

        /// <summary>Creates the callback. Keras defaults: factor 0.1, patience 10, min_delta 1e-4, cooldown 0, min_lr 0
        /// (the lesson uses factor 0.5, patience 5, min_lr 1e-7).</summary>
        public ReduceLROnPlateau(double initialLearningRate, double factor = 0.1, int patience = 10, double minLearningRate = 0,
            double minDelta = 1e-4, int cooldown = 0, Monitor monitor = Monitor.ValidationLoss)
            : base(monitor, minDelta)
        {
            if (!(initialLearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(initialLearningRate), initialLearningRate, "Must be positive.");
            if (!(factor > 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "Must be in (0, 1): the rate is multiplied by it.");
            if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "Must be at least 0.");
            if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "Must be at least 0.");
            if (!(minLearningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, "Must be at least 0.");
            Current = initialLearningRate;
            Factor = factor;
            Patience = patience;
            MinLearningRate = minLearningRate;
            Cooldown = cooldown;
        }

        /// <summary>The current learning rate.</summary>
        public double Current { get; private set; }

        /// <summary>Multiplier applied on a plateau.</summary>
        public double Factor { get; }

        /// <summary>Epochs without improvement before reducing.</summary>
        public int Patience { get; }

        /// <summary>Lower bound of the rate.</summary>
        public double MinLearningRate { get; }

        /// <summary>Epochs to wait after a reduction before counting again.</summary>
        public int Cooldown { get; }

        /// <inheritdoc />
        public double LearningRate(long step) => Current;

        /// <summary>Keras' <c>on_epoch_end</c> with the watched value.</summary>
        public void Observe(double current)
        {
            if (_cooldownCounter > 0)
            {
                _cooldownCounter--;
                Wait = 0;
            }
            if (Improved(current))
            {
                Best = current;
                Wait = 0;
            }
            else if (_cooldownCounter == 0) // Keras checks in_cooldown() again after the decrement
            {
                Wait++;
                if (Wait >= Patience && Current > MinLearningRate)
                {
                    Current = Math.Max(Current * Factor, MinLearningRate);
                    _cooldownCounter = Cooldown;
                    Wait = 0;
                }
            }
        }

        /// <inheritdoc />
        public bool OnEpochEnd<T>(INetwork<T> network, EpochResult epoch) where T : struct
        {
            Observe(Value(epoch));
            return false;
        }
    }
}
