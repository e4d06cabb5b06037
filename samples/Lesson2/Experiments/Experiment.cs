using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Unrolled;

namespace Lesson2.Experiments
{
    /// <summary>What an experiment found: the quiz's claim, the measured evidence, and whether it held.</summary>
    public abstract class ExperimentResult
    {
        /// <summary>The quiz question (1–8).</summary>
        public abstract int Question { get; }

        /// <summary>The claim, in the lesson's words.</summary>
        public abstract string Claim { get; }

        /// <summary>The measurements, one line each.</summary>
        public abstract IEnumerable<string> Evidence();

        /// <summary>Whether the measurements support the claim, in one sentence.</summary>
        public abstract string Verdict { get; }
    }

    /// <summary>Small numeric helpers shared by the experiments.</summary>
    internal static class Stats
    {
        public static string F(double value, string format = "G4") => value.ToString(format, CultureInfo.InvariantCulture);

        /// <summary>Standard normal samples (Box–Muller), seeded.</summary>
        public static double[] Normal(int count, Random random, double deviation = 1)
        {
            var values = new double[count];
            for (int i = 0; i < count; i++)
            {
                double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
                values[i] = deviation * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            }
            return values;
        }

        public static double Mean(IEnumerable<double> values) => values.Average();

        public static double Variance(IReadOnlyCollection<double> values)
        {
            double mean = values.Average();
            return values.Sum(v => (v - mean) * (v - mean)) / values.Count;
        }

        public static double Skewness(IReadOnlyCollection<double> values)
        {
            double mean = values.Average(), variance = Variance(values);
            if (variance == 0) return 0;
            return values.Sum(v => Math.Pow(v - mean, 3)) / values.Count / Math.Pow(variance, 1.5);
        }

        public static double Norm<T>(ReadOnlySpan<T> values) where T : struct
        {
            double sum = 0;
            foreach (T value in values)
            {
                double v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                sum += v * v;
            }
            return Math.Sqrt(sum);
        }

        /// <summary>Column <paramref name="unit"/> of a sample-major batch of width <paramref name="width"/>.</summary>
        public static double[] Column<T>(ReadOnlySpan<T> batch, int width, int unit) where T : struct
        {
            var column = new double[batch.Length / width];
            for (int b = 0; b < column.Length; b++) column[b] = Convert.ToDouble(batch[b * width + unit], CultureInfo.InvariantCulture);
            return column;
        }

        /// <summary>The samples of <paramref name="data"/> whose label is in <paramref name="classes"/>, relabelled 0, 1, … in that order.</summary>
        public static Dataset<float> Classes(Dataset<float> data, params int[] classes)
        {
            var features = new List<float>();
            var labels = new List<int>();
            for (int i = 0; i < data.Count; i++)
            {
                int index = Array.IndexOf(classes, data.Labels![i]);
                if (index < 0) continue;
                features.AddRange(data.Features.AsSpan(i * data.InputSize, data.InputSize).ToArray());
                labels.Add(index);
            }
            return new Dataset<float>(features.ToArray(), data.InputSize, labels.ToArray());
        }
    }
}
