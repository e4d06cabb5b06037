using System;

namespace Unrolled
{
    /// <summary>
    /// Weight initialisers with Keras semantics (<c>keras.initializers.VarianceScaling</c>). Used by the generated
    /// <c>InitializeParameters</c>; public so that tests and tools can reproduce an initialisation.
    /// </summary>
    public static class Initializers
    {
        // Keras: "stddev of a normal truncated at ±2σ is 0.8796… of the untruncated one", so it divides by it.
        private const double TruncatedNormalCorrection = 0.87962566103423978;

        /// <summary>Standard deviation (normal) or limit (uniform) for <paramref name="init"/>.</summary>
        public static double Scale(Init init, int fanIn, int fanOut)
        {
            switch (init)
            {
                case Init.XavierUniform: return Math.Sqrt(6.0 / (fanIn + fanOut));
                case Init.XavierNormal: return Math.Sqrt(2.0 / (fanIn + fanOut));
                case Init.HeUniform: return Math.Sqrt(6.0 / fanIn);
                case Init.HeNormal: return Math.Sqrt(2.0 / fanIn);
                case Init.LeCunNormal: return Math.Sqrt(1.0 / fanIn);
                default: throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown initialiser.");
            }
        }

        /// <summary>Draws one weight for <paramref name="init"/> with the given <see cref="Scale"/>.</summary>
        public static double Sample(Init init, double scale, ref SplitMix64 random)
        {
            switch (init)
            {
                case Init.XavierUniform:
                case Init.HeUniform:
                    return (2.0 * random.NextDouble() - 1.0) * scale;
                default:
                    // Truncated normal: redraw outside ±2σ, then undo the variance the truncation removed.
                    double g;
                    do { g = random.NextGaussian(); } while (g < -2.0 || g > 2.0);
                    return g * scale / TruncatedNormalCorrection;
            }
        }

        /// <summary>Fills <paramref name="weights"/> (a layer's <c>[fanOut × fanIn]</c> matrix) with <paramref name="init"/>.</summary>
        public static void Fill(Span<float> weights, Init init, int fanIn, int fanOut, ref SplitMix64 random)
        {
            double scale = Scale(init, fanIn, fanOut);
            for (int i = 0; i < weights.Length; i++) weights[i] = (float)Sample(init, scale, ref random);
        }

        /// <summary>Fills <paramref name="weights"/> (a layer's <c>[fanOut × fanIn]</c> matrix) with <paramref name="init"/>.</summary>
        public static void Fill(Span<double> weights, Init init, int fanIn, int fanOut, ref SplitMix64 random)
        {
            double scale = Scale(init, fanIn, fanOut);
            for (int i = 0; i < weights.Length; i++) weights[i] = Sample(init, scale, ref random);
        }
    }
}
