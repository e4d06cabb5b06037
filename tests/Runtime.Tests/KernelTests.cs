using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>The blocked Dense kernels against plain triple loops in double precision, on sizes that hit every tail
    /// (samples not a multiple of 2 or 4, units not a multiple of 4, inputs not a multiple of 8 or 16).</summary>
    public class KernelTests
    {
        public static IEnumerable<object[]> Shapes() =>
            from m in new[] { 1, 2, 3, 5, 64 }
            from inputs in new[] { 3, 8, 13, 16, 17, 33, 784 }
            from units in new[] { 1, 3, 4, 5, 10, 128 }
            where m * inputs * units <= 64 * 784 * 10 || (m == 64 && inputs == 784 && units == 128)
            select new object[] { m, inputs, units };

        [Theory]
        [MemberData(nameof(Shapes))]
        public void DenseForwardAndBackwardEqualTheDefinitions(int m, int inputs, int units)
        {
            float[] x = TestData.NormalSingle(m * inputs, m + inputs);
            float[] w = TestData.NormalSingle(units * inputs, units);
            float[] b = TestData.NormalSingle(units, 7);
            float[] delta = TestData.NormalSingle(m * units, 11);

            var z = new float[m * units];
            Kernels.DenseForward(x, w, b, z, m, inputs, units);
            var zNoBias = new float[m * units];
            Kernels.DenseForward(x, w, default, zNoBias, m, inputs, units);
            var dw = Enumerable.Repeat(float.NaN, units * inputs).ToArray(); // overwritten, not accumulated
            var db = Enumerable.Repeat(float.NaN, units).ToArray();
            var dx = Enumerable.Repeat(float.NaN, m * inputs).ToArray();
            Kernels.DenseBackward(delta, x, w, dw, db, dx, m, inputs, units);

            for (int s = 0; s < m; s++)
                for (int j = 0; j < units; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < inputs; i++) sum += (double)x[s * inputs + i] * w[j * inputs + i];
                    AssertClose(sum + b[j], z[s * units + j], inputs);
                    AssertClose(sum, zNoBias[s * units + j], inputs);
                }
            for (int j = 0; j < units; j++)
            {
                AssertClose(Enumerable.Range(0, m).Sum(s => (double)delta[s * units + j]), db[j], m);
                for (int i = 0; i < inputs; i++)
                    AssertClose(Enumerable.Range(0, m).Sum(s => (double)delta[s * units + j] * x[s * inputs + i]), dw[j * inputs + i], m);
            }
            for (int s = 0; s < m; s++)
                for (int i = 0; i < inputs; i++)
                    AssertClose(Enumerable.Range(0, units).Sum(j => (double)delta[s * units + j] * w[j * inputs + i]), dx[s * inputs + i], units);
        }

        /// <summary>Float sums of n products of N(0, 1) values: error grows like √n · ulp.</summary>
        private static void AssertClose(double expected, float actual, int terms) =>
            Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Sqrt(terms) * Math.Max(1, Math.Abs(expected)) + 1e-5,
                $"expected {expected}, got {actual} ({terms} terms)");
    }
}
