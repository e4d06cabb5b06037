using System;
using System.Linq;

namespace Unrolled.Runtime.Tests
{
    /// <summary>Deterministic batches for tests.</summary>
    internal static class TestData
    {
        public static double[] Normal(int count, int seed, double scale = 1.0)
        {
            var random = SplitMix64.FromSeed(seed);
            var values = new double[count];
            for (int i = 0; i < count; i++) values[i] = random.NextGaussian() * scale;
            return values;
        }

        public static float[] NormalSingle(int count, int seed, double scale = 1.0) => Normal(count, seed, scale).Select(v => (float)v).ToArray();

        public static double[] Uniform(int count, int seed)
        {
            var random = SplitMix64.FromSeed(seed);
            var values = new double[count];
            for (int i = 0; i < count; i++) values[i] = random.NextDouble();
            return values;
        }

        public static int[] Labels(int count, int classes, int seed)
        {
            var random = SplitMix64.FromSeed(seed);
            var labels = new int[count];
            for (int i = 0; i < count; i++) labels[i] = random.NextInt32(classes);
            return labels;
        }

        public static T[] Cast<T>(double[] values) where T : struct =>
            typeof(T) == typeof(float) ? (T[])(object)values.Select(v => (float)v).ToArray() : (T[])(object)values;

        public static double ToDouble<T>(T value) where T : struct => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
