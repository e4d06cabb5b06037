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

        /// <summary>The fourth standardised moment minus 3 (0 for a Gaussian).</summary>
        public static double ExcessKurtosis(IReadOnlyCollection<double> values)
        {
            double mean = values.Average(), variance = Variance(values);
            if (variance == 0) return 0;
            return values.Sum(v => Math.Pow(v - mean, 4)) / values.Count / (variance * variance) - 3;
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
    }
}
