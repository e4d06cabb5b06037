using System;
using System.Globalization;

namespace Unrolled
{
    /// <summary>
    /// The one validation of data handed to a network (<see cref="Trainer.Fit{T}"/>, <see cref="Trainer.Evaluate{T}"/>,
    /// <see cref="Trainer.Predict{T}"/>, <see cref="Trainer.PredictClass{T}"/>, <see cref="Trainer.PredictClasses{T}"/>): every
    /// entry point refuses the same bad input with the same message, before anything changes.
    /// </summary>
    internal static class DataChecks
    {
        /// <summary>"1 sample", "2 samples" (<paramref name="plural"/> when adding an s will not do).</summary>
        public static string Count(long count, string noun, string? plural = null) =>
            count.ToString("N0", CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : plural ?? noun + "s");

        /// <summary>Whether <paramref name="data"/> is read through its labels (else through its targets).</summary>
        public static bool UsesLabels<T>(INetwork<T> network, Dataset<T> data) where T : struct =>
            data.Labels != null && (network.Loss == Loss.CrossEntropy || data.Targets is null);

        /// <summary>The largest valid class label: 1 for a single sigmoid output read as yes/no, else OutputSize − 1 (the
        /// generated Backward's rule).</summary>
        public static int MaxLabel<T>(INetwork<T> network) where T : struct =>
            network.Loss != Loss.CrossEntropy && network.OutputSize == 1 ? 1 : network.OutputSize - 1;

        /// <summary>Shapes, emptiness, label range and finiteness of a dataset; <paramref name="name"/> is the argument's name
        /// ("training", "validation", "data"). Returns whether the labels are used.</summary>
        public static bool Check<T>(INetwork<T> network, Dataset<T> data, string name) where T : struct
        {
            if (data is null) throw new ArgumentNullException(name);
            if (data.InputSize != network.InputSize)
                throw new ArgumentException($"The {name} data has {Count(data.InputSize, "feature")} per sample; the network expects {network.InputSize:N0}.", name);
            if (data.Count == 0) throw new ArgumentException($"The {name} data is empty.", name);
            bool useLabels = UsesLabels(network, data);
            if (data.Targets != null && data.TargetSize != network.OutputSize)
                throw new ArgumentException($"The {name} data has {Count(data.TargetSize, "target")} per sample; the network has {Count(network.OutputSize, "output")}.", name);
            if (useLabels)
            {
                int max = MaxLabel(network);
                int[] labels = data.Labels!;
                for (int i = 0; i < labels.Length; i++)
                {
                    if ((uint)labels[i] > (uint)max)
                        throw new ArgumentOutOfRangeException(name, labels[i],
                            $"The {name} data's label of sample {i:N0} is {labels[i]}; the network's labels are 0 to {max} ({Count(max + 1, "class", "classes")}).");
                }
            }
            Finite(data.Features, data.InputSize, name, "feature");
            if (data.Targets != null) Finite(data.Targets, data.TargetSize, name, "target");
            return useLabels;
        }

        /// <summary>Sample-major features for inference: a whole number of samples, every value finite. Returns the sample count.</summary>
        public static int CheckFeatures<T>(INetwork<T> network, ReadOnlySpan<T> features, string name) where T : struct
        {
            int width = network.InputSize;
            if (features.Length % width != 0)
                throw new ArgumentException($"{Count(features.Length, "feature")} is not a whole number of samples of {width:N0} features.", name);
            Finite(features, width, "input", "feature");
            return features.Length / width;
        }

        /// <summary>A NaN or infinite value would turn every output and gradient into NaN: refuse it up front, naming it.</summary>
        private static void Finite<T>(ReadOnlySpan<T> values, int width, string name, string what) where T : struct
        {
            int bad = NonFinite.FirstIndex(values);
            if (bad < 0) return;
            throw new ArgumentException(
                $"The {name} data's {what} {bad % width} of sample {bad / width:N0} is {Scalar<T>.ToDouble(values[bad]).ToString(CultureInfo.InvariantCulture)}: " +
                "a non-finite input makes every output and gradient it touches NaN. Clean or impute the data first.", name);
        }
    }
}
