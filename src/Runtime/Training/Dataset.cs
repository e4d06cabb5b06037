using System;

namespace Unrolled
{
    /// <summary>
    /// Samples for training or evaluation, sample-major: sample i's features are
    /// <c>Features[i·InputSize .. (i+1)·InputSize)</c>. Each sample has a class label, per-output targets, or both.
    /// </summary>
    public sealed class Dataset<T> where T : struct
    {
        /// <summary>Creates a dataset; the arrays are used, not copied.</summary>
        public Dataset(T[] features, int inputSize, int[]? labels = null, T[]? targets = null)
        {
            if (features is null) throw new ArgumentNullException(nameof(features));
            if (inputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "Must be at least 1.");
            if (features.Length % inputSize != 0)
                throw new ArgumentException($"{DataChecks.Count(features.Length, "feature")} is not a whole number of samples of {inputSize:N0} features.", nameof(features));
            if (labels is null && targets is null) throw new ArgumentException("A dataset needs labels, targets or both.");
            Count = features.Length / inputSize;
            if (labels != null && labels.Length != Count)
                throw new ArgumentException($"Expected {DataChecks.Count(Count, "label")} (one per sample), got {labels.Length:N0}.", nameof(labels));
            if (targets != null && (targets.Length == 0 || targets.Length % Count != 0))
                throw new ArgumentException($"{DataChecks.Count(targets.Length, "target")} is not a whole number per sample for {DataChecks.Count(Count, "sample")}.", nameof(targets));
            Features = features;
            InputSize = inputSize;
            Labels = labels;
            Targets = targets;
            TargetSize = targets is null || Count == 0 ? 0 : targets.Length / Count;
        }

        /// <summary>Number of samples.</summary>
        public int Count { get; }

        /// <summary>Features per sample.</summary>
        public int InputSize { get; }

        /// <summary>Targets per sample (0 without targets).</summary>
        public int TargetSize { get; }

        /// <summary>All features, sample-major.</summary>
        public T[] Features { get; }

        /// <summary>Class index per sample, if any.</summary>
        public int[]? Labels { get; }

        /// <summary>Targets, sample-major, if any.</summary>
        public T[]? Targets { get; }

        /// <summary>Samples [start, start + count) as a new dataset (copies).</summary>
        public Dataset<T> Slice(int start, int count)
        {
            if (start < 0 || count < 0 || start + count > Count)
                throw new ArgumentOutOfRangeException(nameof(count), $"[{start}, {start + count}) is outside the dataset's {DataChecks.Count(Count, "sample")}.");
            return new Dataset<T>(
                Features.AsSpan(start * InputSize, count * InputSize).ToArray(), InputSize,
                Labels?.AsSpan(start, count).ToArray(),
                Targets?.AsSpan(start * TargetSize, count * TargetSize).ToArray());
        }

        /// <summary>Keras' <c>validation_split</c>: the last <paramref name="fraction"/> of the samples (taken before any
        /// shuffling) become validation data.</summary>
        public (Dataset<T> Training, Dataset<T> Validation) Split(double fraction)
        {
            if (!(fraction > 0 && fraction < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "Must be in (0, 1).");
            int validation = (int)Math.Round(Count * fraction);
            if (validation < 1 || validation >= Count) throw new ArgumentException($"A split of {fraction} of {DataChecks.Count(Count, "sample")} leaves none on one side.", nameof(fraction));
            return (Slice(0, Count - validation), Slice(Count - validation, validation));
        }
    }
}
