using System;
using System.Numerics;
using System.Threading;

namespace Unrolled
{
    /// <summary>
    /// Base of the optimisers: updates a network's flat <c>Parameters</c> from its <c>Gradients</c>, with SIMD and
    /// without allocating after the first step. Optional gradient clipping runs first and rescales the gradient
    /// buffer in place. The learning rate of step t (counted from 0) is <see cref="Schedule"/>(t), or
    /// <see cref="LearningRate"/> when there is no schedule.
    /// </summary>
    public abstract class Optimizer
    {
        private Array? _first, _second, _scratch;
        private int _count = -1;
        private int _stepping; // 1 while a step runs: a second thread stepping the same optimiser is refused

        /// <summary>Sets the learning rate.</summary>
        protected Optimizer(double learningRate)
        {
            LearningRate = learningRate;
        }

        /// <summary>The learning rate when no <see cref="Schedule"/> is set. Must be positive and finite.</summary>
        public double LearningRate
        {
            get => _learningRate;
            set
            {
                if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "The learning rate must be a positive, finite number.");
                _learningRate = value;
            }
        }
        private double _learningRate;

        /// <summary>A learning-rate schedule evaluated at every step; overrides <see cref="LearningRate"/>.</summary>
        public ILearningRateSchedule? Schedule { get; set; }

        /// <summary>If set, the gradient is rescaled so that its global L2 norm is at most this value
        /// (PyTorch <c>clip_grad_norm_</c>: scale = max_norm / (norm + 1e-6) when norm exceeds max_norm).</summary>
        public double? ClipNorm { get; set; }

        /// <summary>If set, every gradient component is clamped to [−value, value] (Keras <c>clipvalue</c>).</summary>
        public double? ClipValue { get; set; }

        /// <summary>Steps taken so far: t in the update equations is <c>Iterations</c> after the increment.</summary>
        public long Iterations { get; private set; }

        /// <summary>The learning rate the next step will use.</summary>
        public double CurrentLearningRate => Schedule?.LearningRate(Iterations) ?? LearningRate;

        /// <summary>
        /// Whether <see cref="TrainStep{T}(INetwork{T}, ReadOnlySpan{T}, ReadOnlySpan{int}, int)"/> runs this optimiser's
        /// update inside the backward pass: true for plain SGD (<see cref="Sgd"/> without momentum or weight decay) with no
        /// clipping, whose update θ ← θ − η·g needs nothing but each gradient as it is formed.
        /// </summary>
        public bool FusesIntoBackward => IsPlainGradientStep && ClipNorm is null && ClipValue is null;

        /// <summary>Whether the update is θ ← θ − η·g and nothing else.</summary>
        private protected virtual bool IsPlainGradientStep => false;

        /// <summary>
        /// One training step on a batch: training-mode forward pass, loss, backward pass and this optimiser's update; returns
        /// the mean loss before the update. When <see cref="FusesIntoBackward"/>, the update runs inside the backward pass
        /// (<see cref="INetwork{T}.BackwardSgd(ReadOnlySpan{int}, double)"/>: the same parameters to the bit, without storing
        /// the gradients); otherwise this is <c>ComputeGradients</c> then <see cref="Step{T}(INetwork{T})"/>.
        /// </summary>
        public T TrainStep<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, int batchSize) where T : struct =>
            TrainStep(network, inputs, labels, default, useLabels: true, batchSize);

        /// <summary>As <see cref="TrainStep{T}(INetwork{T}, ReadOnlySpan{T}, ReadOnlySpan{int}, int)"/>, with per-output targets.</summary>
        public T TrainStep<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int batchSize) where T : struct =>
            TrainStep(network, inputs, default, targets, useLabels: false, batchSize);

        private T TrainStep<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, ReadOnlySpan<T> targets, bool useLabels, int batchSize)
            where T : struct
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            int token = network.Guard.EnterExclusive("TrainStep");
            try
            {
                return TrainStepOwned(network, inputs, labels, targets, useLabels, batchSize);
            }
            finally
            {
                network.Guard.ExitExclusive(token);
            }
        }

        private T TrainStepOwned<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, ReadOnlySpan<T> targets, bool useLabels, int batchSize)
            where T : struct
        {
            T loss;
            if (!FusesIntoBackward)
            {
                loss = useLabels ? network.ComputeGradients(inputs, labels, batchSize) : network.ComputeGradients(inputs, targets, batchSize);
                Step(network);
                return loss;
            }
            network.ForwardTraining(inputs, batchSize);
            loss = useLabels ? network.BackwardSgd(labels, CurrentLearningRate) : network.BackwardSgd(targets, CurrentLearningRate);
            CountFusedStep();
            return loss;
        }

        /// <summary>Counts a step whose update ran fused into the backward pass (the training loop's fused path).</summary>
        internal void CountFusedStep() => Iterations++;

        /// <summary>One update of <paramref name="network"/>'s parameters from its gradients.</summary>
        public void Step<T>(INetwork<T> network) where T : struct
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            int token = network.Guard.EnterExclusive("an optimiser step");
            try
            {
                Step(network.Parameters, network.Gradients);
            }
            finally
            {
                network.Guard.ExitExclusive(token);
            }
        }

        /// <summary>One update of <paramref name="parameters"/> from <paramref name="gradients"/> (same length). Clipping
        /// rewrites <paramref name="gradients"/>.</summary>
        public void Step<T>(Span<T> parameters, Span<T> gradients) where T : struct
        {
            if (gradients.Length != parameters.Length)
                throw new ArgumentException($"Expected {parameters.Length} gradients (one per parameter), got {gradients.Length}.", nameof(gradients));
            if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
                throw new NotSupportedException($"Optimisers work on float or double, not {typeof(T)}.");
            if (Interlocked.CompareExchange(ref _stepping, 1, 0) != 0)
                throw new InvalidOperationException($"This {GetType().Name} is already taking a step on another thread: an optimiser's state (moments, step count) belongs to one training loop; create one optimiser per network and thread.");
            try
            {
                StepOwned(parameters, gradients);
            }
            finally
            {
                Volatile.Write(ref _stepping, 0);
            }
        }

        private void StepOwned<T>(Span<T> parameters, Span<T> gradients) where T : struct
        {
            if (_count < 0)
            {
                _count = parameters.Length;
                _first = new T[VectorLoop.Padded<T>(_count)];
                _second = new T[VectorLoop.Padded<T>(_count)];
                _scratch = new T[2 * Vector<T>.Count];
            }
            else if (_count != parameters.Length || !(_first is T[]))
            {
                throw new InvalidOperationException($"This optimiser holds state for {_count} parameters of another network or type; create one optimiser per network.");
            }

            if (ClipValue is double limit) Clipping.ClipValue(gradients, limit);
            if (ClipNorm is double maxNorm) Clipping.ClipNorm(gradients, maxNorm);

            double learningRate = CurrentLearningRate;
            Iterations++;
            Update(parameters, gradients, (T[])_first!, (T[])_second!, (T[])_scratch!, learningRate, Iterations);
        }

        /// <summary>Forgets the state (moments, velocity) and the step count.</summary>
        public virtual void Reset()
        {
            Iterations = 0;
            if (_first != null) Array.Clear(_first, 0, _first.Length);
            if (_second != null) Array.Clear(_second, 0, _second.Length);
        }

        /// <summary>The update of step <paramref name="t"/> (1-based) with two per-parameter state buffers.</summary>
        private protected abstract void Update<T>(Span<T> parameters, ReadOnlySpan<T> gradients, T[] first, T[] second, T[] scratch, double learningRate, long t)
            where T : struct;

        /// <summary>Checks a hyper-parameter and returns it.</summary>
        private protected static double Check(double value, string name, double min, double max, bool minInclusive = true)
        {
            bool ok = (minInclusive ? value >= min : value > min) && value <= max && !double.IsNaN(value);
            if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} must be in {(minInclusive ? "[" : "(")}{min}, {max}].");
            return value;
        }

        /// <summary>A vector of <paramref name="value"/> in the buffers' type.</summary>
        private protected static Vector<T> Splat<T>(double value) where T : struct => new Vector<T>(Scalar<T>.FromDouble(value));
    }

    /// <summary>Gradient clipping on flat buffers.</summary>
    internal static class Clipping
    {
        public static void ClipValue<T>(Span<T> gradients, double limit) where T : struct
        {
            for (int i = 0; i < gradients.Length; i++)
            {
                double g = Scalar<T>.ToDouble(gradients[i]);
                if (g > limit) gradients[i] = Scalar<T>.FromDouble(limit);
                else if (g < -limit) gradients[i] = Scalar<T>.FromDouble(-limit);
            }
        }

        /// <summary>Returns the norm before clipping.</summary>
        public static double ClipNorm<T>(Span<T> gradients, double maxNorm) where T : struct
        {
            double sum = 0;
            for (int i = 0; i < gradients.Length; i++)
            {
                double g = Scalar<T>.ToDouble(gradients[i]);
                sum += g * g;
            }
            double norm = Math.Sqrt(sum);
            if (norm > maxNorm)
            {
                double scale = maxNorm / (norm + 1e-6);
                for (int i = 0; i < gradients.Length; i++) gradients[i] = Scalar<T>.FromDouble(Scalar<T>.ToDouble(gradients[i]) * scale);
            }
            return norm;
        }
    }
}
