using System;

namespace Unrolled
{
    /// <summary>A learning rate per optimiser step (step counted from 0, as Keras' <c>optimizer.iterations</c>).</summary>
    public interface ILearningRateSchedule
    {
        /// <summary>The learning rate of step <paramref name="step"/>.</summary>
        double LearningRate(long step);
    }

    /// <summary>The same learning rate at every step.</summary>
    public sealed class ConstantSchedule : ILearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        public ConstantSchedule(double learningRate)
        {
            if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Must be positive and finite.");
            Rate = learningRate;
        }

        /// <summary>The learning rate.</summary>
        public double Rate { get; }

        /// <inheritdoc />
        public double LearningRate(long step) => Rate;
    }

    /// <summary>
    /// Cosine decay with Keras semantics (<c>keras.optimizers.schedules.CosineDecay</c>, without warmup):
    /// <code>
    /// s = min(step, decaySteps)
    /// η(step) = η0 · ((1 − α) · ½·(1 + cos(π·s / decaySteps)) + α)
    /// </code>
    /// α is the final learning rate as a <em>fraction</em> of η0 (Keras: "minimum learning rate value as a fraction of
    /// initial_learning_rate"); the lesson's comment calls <c>alpha=1e-6</c> "minimum lr", which is that fraction.
    /// </summary>
    public sealed class CosineDecay : ILearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        public CosineDecay(double initialLearningRate, long decaySteps, double alpha = 0)
        {
            if (!(initialLearningRate > 0) || double.IsInfinity(initialLearningRate)) throw new ArgumentOutOfRangeException(nameof(initialLearningRate), initialLearningRate, "Must be positive and finite.");
            if (decaySteps < 1) throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps, "Must be at least 1.");
            if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Must be in [0, 1] (a fraction of the initial learning rate).");
            InitialLearningRate = initialLearningRate;
            DecaySteps = decaySteps;
            Alpha = alpha;
        }

        /// <summary>η0.</summary>
        public double InitialLearningRate { get; }

        /// <summary>Steps over which the rate decays.</summary>
        public long DecaySteps { get; }

        /// <summary>α: the final rate as a fraction of η0.</summary>
        public double Alpha { get; }

        /// <inheritdoc />
        public double LearningRate(long step)
        {
            double s = Math.Min(Math.Max(step, 0), DecaySteps);
            double cosine = 0.5 * (1 + Math.Cos(Math.PI * s / DecaySteps));
            return InitialLearningRate * ((1 - Alpha) * cosine + Alpha);
        }
    }

    /// <summary>
    /// Linear warmup then cosine decay to 0, exactly the lesson's <c>WarmupCosineSchedule</c> (§5):
    /// <code>
    /// step &lt; warmup:  η = peak · step / warmup
    /// otherwise:      η = peak · ½·(1 + cos(π·(step − warmup) / (total − warmup)))
    /// </code>
    /// Steps past <c>total</c> keep the final rate 0. Warmup protects a pretrained body while a new head settles (quiz 6).
    /// </summary>
    public sealed class WarmupCosine : ILearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        public WarmupCosine(double peakLearningRate, long warmupSteps, long totalSteps)
        {
            if (!(peakLearningRate > 0) || double.IsInfinity(peakLearningRate)) throw new ArgumentOutOfRangeException(nameof(peakLearningRate), peakLearningRate, "Must be positive and finite.");
            if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "Must be at least 0.");
            if (totalSteps <= warmupSteps)
                throw new ArgumentException($"totalSteps ({totalSteps}) must be greater than warmupSteps ({warmupSteps}): the cosine phase needs at least one step.", nameof(totalSteps));
            PeakLearningRate = peakLearningRate;
            WarmupSteps = warmupSteps;
            TotalSteps = totalSteps;
        }

        /// <summary>The rate at the end of warmup.</summary>
        public double PeakLearningRate { get; }

        /// <summary>Steps of linear warmup.</summary>
        public long WarmupSteps { get; }

        /// <summary>Steps at which the rate reaches 0.</summary>
        public long TotalSteps { get; }

        /// <inheritdoc />
        public double LearningRate(long step)
        {
            if (step < WarmupSteps) return PeakLearningRate * step / WarmupSteps;
            double s = Math.Min(step, TotalSteps) - WarmupSteps;
            return PeakLearningRate * 0.5 * (1 + Math.Cos(Math.PI * s / (TotalSteps - WarmupSteps)));
        }
    }
}
