using System;
using System.Collections.Generic;
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

        /// <summary>The bit patterns, for comparisons that must hold to the bit (NaN payloads and −0 included).</summary>
        public static int[] Bits(IEnumerable<float> values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

        /// <summary>The bit patterns of double-precision values.</summary>
        public static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

        /// <summary>Runs <paramref name="run"/> with <see cref="Kernels.Threads"/> set to <paramref name="threads"/>, then restores it.</summary>
        public static T WithThreads<T>(int threads, Func<T> run)
        {
            int saved = Kernels.Threads;
            Kernels.Threads = threads;
            try
            {
                return run();
            }
            finally
            {
                Kernels.Threads = saved;
            }
        }
    }
}
