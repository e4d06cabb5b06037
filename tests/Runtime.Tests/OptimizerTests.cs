using System;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>
    /// Several optimiser steps against the update equations, computed independently here in double precision with
    /// plain loops. Lengths are odd (13) so the SIMD tail is exercised; gradients change every step.
    /// </summary>
    public class OptimizerTests
    {
        private const int N = 13;

        private static double[] Gradient(int step) => TestData.Normal(N, 100 + step);

        private static double[] Run(Optimizer optimizer, double[] start, int steps)
        {
            double[] parameters = (double[])start.Clone();
            for (int t = 1; t <= steps; t++) optimizer.Step<double>(parameters, Gradient(t));
            return parameters;
        }

        private static void AssertClose(double[] expected, double[] actual, double tolerance = 1e-12)
        {
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"θ[{i}]: expected {expected[i]}, got {actual[i]}");
        }

        [Fact]
        public void PlainSgdIsThetaMinusRateTimesGradient()
        {
            double[] start = TestData.Normal(N, 1), expected = (double[])start.Clone();
            for (int t = 1; t <= 3; t++)
            {
                double[] g = Gradient(t);
                for (int i = 0; i < N; i++) expected[i] -= 0.05 * g[i];
            }
            AssertClose(expected, Run(new Sgd(0.05), start, 3));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void MomentumAndNesterovFollowPyTorch(bool nesterov)
        {
            double[] start = TestData.Normal(N, 1), expected = (double[])start.Clone(), velocity = new double[N];
            const double rate = 0.1, mu = 0.9, decay = 0.01;
            for (int t = 1; t <= 4; t++)
            {
                double[] g = Gradient(t);
                for (int i = 0; i < N; i++)
                {
                    double gi = g[i] + decay * expected[i];
                    velocity[i] = mu * velocity[i] + gi;
                    expected[i] -= rate * (nesterov ? gi + mu * velocity[i] : velocity[i]);
                }
            }
            AssertClose(expected, Run(new Sgd(rate, mu, nesterov, decay), start, 4));
        }

        [Fact]
        public void RmsPropDividesByTheRunningRootMeanSquare()
        {
            double[] start = TestData.Normal(N, 1), expected = (double[])start.Clone(), s = new double[N];
            for (int t = 1; t <= 3; t++)
            {
                double[] g = Gradient(t);
                for (int i = 0; i < N; i++)
                {
                    s[i] = 0.9 * s[i] + 0.1 * g[i] * g[i];
                    expected[i] -= 1e-3 * g[i] / (Math.Sqrt(s[i]) + 1e-7);
                }
            }
            AssertClose(expected, Run(new RmsProp(), start, 3));
        }

        [Fact]
        public void AdamIsBiasCorrectedAtSteps1To3AsInTheLesson()
        {
            double[] start = TestData.Normal(N, 1), expected = (double[])start.Clone(), m = new double[N], v = new double[N];
            var adam = new Adam(learningRate: 0.01);
            double[] actual = (double[])start.Clone();
            for (int t = 1; t <= 3; t++)
            {
                double[] g = Gradient(t);
                for (int i = 0; i < N; i++)
                {
                    m[i] = 0.9 * m[i] + 0.1 * g[i];
                    v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                    double mHat = m[i] / (1 - Math.Pow(0.9, t)), vHat = v[i] / (1 - Math.Pow(0.999, t));
                    expected[i] -= 0.01 * mHat / (Math.Sqrt(vHat) + 1e-8);
                }
                adam.Step<double>(actual, g);
                AssertClose(expected, actual);
            }
            // At t = 1 the corrected step is ≈ η·sign(g): m̂ = g, v̂ = g².
            double[] once = Run(new Adam(learningRate: 0.01), start, 1);
            double[] g1 = Gradient(1);
            for (int i = 0; i < N; i++) Assert.Equal(-0.01 * Math.Sign(g1[i]), once[i] - start[i], 6);
        }

        [Fact]
        public void WithoutBiasCorrectionTheFirstStepIsMisScaled()
        {
            // At t = 1 with m = v = 0: m = (1 − β1)·g is 10× too small (the lesson's quiz 3), and √v = √(1 − β2)·|g| is
            // 31.6× too small. Uncorrected, the step m/√v is therefore (1 − β1)/√(1 − β2) ≈ 3.16 times the corrected one.
            double[] start = TestData.Normal(N, 1);
            double[] corrected = Run(new Adam(0.01), start, 1);
            double[] raw = Run(new Adam(0.01) { BiasCorrection = false }, start, 1);
            double ratio = 0.1 / Math.Sqrt(0.001);
            for (int i = 0; i < N; i++) Assert.Equal((corrected[i] - start[i]) * ratio, raw[i] - start[i], 6);
        }

        [Fact]
        public void AdamWDecaysWeightsDirectlyAndAdamAddsL2ToTheGradient()
        {
            double[] start = TestData.Normal(N, 1);
            const double rate = 0.01, decay = 0.1;
            double[] expectedW = (double[])start.Clone(), expectedL2 = (double[])start.Clone();
            double[] mW = new double[N], vW = new double[N], mL = new double[N], vL = new double[N];
            for (int t = 1; t <= 3; t++)
            {
                double[] g = Gradient(t);
                for (int i = 0; i < N; i++)
                {
                    // AdamW: θ ← θ − η·λ·θ, then the Adam step on g alone.
                    expectedW[i] -= rate * decay * expectedW[i];
                    mW[i] = 0.9 * mW[i] + 0.1 * g[i];
                    vW[i] = 0.999 * vW[i] + 0.001 * g[i] * g[i];
                    expectedW[i] -= rate * (mW[i] / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(vW[i] / (1 - Math.Pow(0.999, t))) + 1e-8);
                    // Adam + L2: g ← g + λ·θ, then the Adam step.
                    double gl = g[i] + decay * expectedL2[i];
                    mL[i] = 0.9 * mL[i] + 0.1 * gl;
                    vL[i] = 0.999 * vL[i] + 0.001 * gl * gl;
                    expectedL2[i] -= rate * (mL[i] / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(vL[i] / (1 - Math.Pow(0.999, t))) + 1e-8);
                }
            }
            AssertClose(expectedW, Run(new AdamW(rate, decay), start, 3));
            AssertClose(expectedL2, Run(new Adam(rate, weightDecay: decay), start, 3));
        }

        [Fact]
        public void FloatBuffersGiveTheSameStepsToFloatPrecision()
        {
            float[] parameters = TestData.NormalSingle(N, 1);
            double[] reference = parameters.Select(v => (double)v).ToArray();
            var single = new Adam(0.01);
            var twin = new Adam(0.01);
            for (int t = 1; t <= 3; t++)
            {
                double[] g = Gradient(t).Select(v => (double)(float)v).ToArray();
                single.Step<float>(parameters, g.Select(v => (float)v).ToArray());
                twin.Step<double>(reference, g);
            }
            for (int i = 0; i < N; i++) Assert.Equal(reference[i], parameters[i], 5);
        }

        [Fact]
        public void ClippingByNormAndByValue()
        {
            var parameters = new double[4];
            var gradients = new double[] { 3, 4, 0, 0 }; // norm 5
            new Sgd(1) { ClipNorm = 1 }.Step<double>(parameters, gradients);
            Assert.Equal(-3 / (5 + 1e-6), parameters[0], 12);
            Assert.Equal(-4 / (5 + 1e-6), parameters[1], 12);

            parameters = new double[3];
            new Sgd(1) { ClipValue = 0.5 }.Step<double>(parameters, new double[] { 2, -0.25, -7 });
            Assert.Equal(new[] { -0.5, 0.25, 0.5 }, parameters);
        }

        [Fact]
        public void ScheduleSetsTheRateOfEachStepAndStepsAllocateNothing()
        {
            var optimizer = new Sgd(1) { Schedule = new WarmupCosine(1, 2, 10) };
            var parameters = new double[N];
            var gradients = Enumerable.Repeat(1.0, N).ToArray();
            optimizer.Step<double>(parameters, gradients); // step 0: η = 0 (the lesson's warmup starts at 0)
            Assert.All(parameters, p => Assert.Equal(0, p));
            optimizer.Step<double>(parameters, gradients); // step 1: η = 0.5
            Assert.All(parameters, p => Assert.Equal(-0.5, p));
            Assert.Equal(2, optimizer.Iterations);

            var adam = new Adam();
            float[] p = new float[1001], g = TestData.NormalSingle(1001, 3);
            adam.Step<float>(p, g);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) adam.Step<float>(p, g);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        [Fact]
        public void BadHyperParametersAndMismatchedBuffersAreRefused()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(-1));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1, momentum: 1));
            Assert.Throws<ArgumentException>(() => new Sgd(0.1, nesterov: true));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(epsilon: 0));
            var adam = new Adam();
            var ex = Assert.Throws<ArgumentException>(() => adam.Step<double>(new double[3], new double[2]));
            Assert.Contains("Expected 3 gradients", ex.Message);
            adam.Step<double>(new double[3], new double[3]);
            Assert.Throws<InvalidOperationException>(() => adam.Step<double>(new double[4], new double[4]));
            Assert.Throws<InvalidOperationException>(() => adam.Step<float>(new float[3], new float[3]));
        }
    }
}
