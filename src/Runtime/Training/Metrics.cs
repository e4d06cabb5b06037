using System;

namespace Unrolled
{
    /// <summary>Loss and accuracy from a network's outputs (probabilities), shared by training and evaluation.</summary>
    internal static class Metrics
    {
        /// <summary>Keras' epsilon: probabilities are clipped to [ε, 1 − ε] before a log.</summary>
        private const double Epsilon = 1e-7;

        /// <summary>The class of one output row: argmax, or for a single (sigmoid) output, 1 when it is at least 0.5.</summary>
        public static int Class<T>(ReadOnlySpan<T> row, int outputSize) where T : struct
        {
            if (outputSize == 1) return Scalar<T>.ToDouble(row[0]) >= 0.5 ? 1 : 0;
            int best = 0;
            double max = Scalar<T>.ToDouble(row[0]);
            for (int k = 1; k < outputSize; k++)
            {
                double v = Scalar<T>.ToDouble(row[k]);
                if (v > max) { max = v; best = k; }
            }
            return best;
        }

        public static long CountCorrect<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<int> labels, int outputSize) where T : struct
        {
            long correct = 0;
            for (int b = 0; b < labels.Length; b++)
                if (Class(outputs.Slice(b * outputSize, outputSize), outputSize) == labels[b]) correct++;
            return correct;
        }

        /// <summary>With targets: classification by argmax of the targets (cross-entropy), or per output at 0.5 (binary
        /// cross-entropy, counted per sample when every output is right); 0 for regression.</summary>
        public static long CountCorrect<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets, int outputSize, Loss loss) where T : struct
        {
            if (loss == Loss.MeanSquaredError) return 0;
            long correct = 0;
            int samples = targets.Length / outputSize;
            for (int b = 0; b < samples; b++)
            {
                ReadOnlySpan<T> output = outputs.Slice(b * outputSize, outputSize), target = targets.Slice(b * outputSize, outputSize);
                if (loss == Loss.CrossEntropy)
                {
                    if (Class(output, outputSize) == Class(target, outputSize)) correct++;
                    continue;
                }
                bool all = true;
                for (int k = 0; k < outputSize && all; k++)
                    all = (Scalar<T>.ToDouble(output[k]) >= 0.5) == (Scalar<T>.ToDouble(target[k]) >= 0.5);
                if (all) correct++;
            }
            return correct;
        }

        public static double Accuracy<T>(long correct, long count, INetwork<T> network, bool labels) where T : struct =>
            !labels && network.Loss == Loss.MeanSquaredError ? double.NaN : (double)correct / count;

        /// <summary>Σ of per-sample losses (cross-entropy) or per-element losses (BCE, MSE) for class labels.</summary>
        public static double LossSum<T>(Loss loss, ReadOnlySpan<T> outputs, ReadOnlySpan<int> labels, int outputSize) where T : struct
        {
            double sum = 0;
            for (int b = 0; b < labels.Length; b++)
            {
                for (int k = 0; k < outputSize; k++)
                {
                    double y = outputSize == 1 && loss != Loss.CrossEntropy ? labels[b] : (k == labels[b] ? 1 : 0);
                    sum += Element(loss, Scalar<T>.ToDouble(outputs[b * outputSize + k]), y);
                }
            }
            return sum;
        }

        /// <summary>Σ of the loss over every element for per-output targets.</summary>
        public static double LossSum<T>(Loss loss, ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets) where T : struct
        {
            double sum = 0;
            for (int i = 0; i < targets.Length; i++) sum += Element(loss, Scalar<T>.ToDouble(outputs[i]), Scalar<T>.ToDouble(targets[i]));
            return sum;
        }

        private static double Element(Loss loss, double p, double y)
        {
            switch (loss)
            {
                case Loss.CrossEntropy:
                    return y == 0 ? 0 : -y * Math.Log(Clip(p));
                case Loss.BinaryCrossEntropy:
                    double q = Clip(p);
                    return -(y * Math.Log(q) + (1 - y) * Math.Log(1 - q));
                default:
                    return (p - y) * (p - y);
            }
        }

        private static double Clip(double p) => Math.Min(Math.Max(p, Epsilon), 1 - Epsilon);
    }
}
