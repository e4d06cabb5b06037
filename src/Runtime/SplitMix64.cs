using System;

namespace Unrolled
{
    /// <summary>
    /// A small, fast, seedable random generator (SplitMix64, Steele, Lea &amp; Flood 2014). It is a value type with
    /// one <see cref="ulong"/> of state, so a network can copy it to replay the same dropout masks (gradient checks)
    /// and it allocates nothing. Sequences are identical on every platform and runtime.
    /// </summary>
    public struct SplitMix64
    {
        private const double DoubleUnit = 1.0 / (1UL << 53);
        private const float SingleUnit = 1.0f / (1U << 24);

        /// <summary>Starts the sequence of <paramref name="seed"/>.</summary>
        public SplitMix64(ulong seed) => State = seed;

        /// <summary>The whole state; assign a saved value to replay a sequence.</summary>
        public ulong State { get; set; }

        /// <summary>Next 64 random bits.</summary>
        public ulong NextUInt64() => Mix(State += Increment);

        /// <summary>What the state advances by on each draw (the golden ratio's 64-bit fraction).</summary>
        internal const ulong Increment = 0x9E3779B97F4A7C15UL;

        /// <summary>The output of a state: the k-th draw from state s is <c>Mix(s + k·Increment)</c>, so a run of draws can be
        /// computed in any order (<see cref="Kernels.DropoutForward(ref SplitMix64, ReadOnlySpan{float}, Span{float}, Span{float}, float, float)"/>).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        internal static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
        public double NextDouble() => (NextUInt64() >> 11) * DoubleUnit;

        /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
        public float NextSingle() => (NextUInt64() >> 40) * SingleUnit;

        /// <summary>A standard normal sample (Box–Muller, one value per call).</summary>
        public double NextGaussian()
        {
            double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
            double u2 = NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }

        /// <summary>Uniform integer in [0, <paramref name="exclusiveMax"/>), without modulo bias (Lemire's method).</summary>
        public int NextInt32(int exclusiveMax)
        {
            if (exclusiveMax <= 0) throw new ArgumentOutOfRangeException(nameof(exclusiveMax), exclusiveMax, "Must be positive.");
            uint range = (uint)exclusiveMax;
            uint threshold = unchecked(0u - range) % range; // 2^32 mod range: draws below it would bias the result
            while (true)
            {
                ulong product = (NextUInt64() >> 32) * range;
                if ((uint)product >= threshold) return (int)(product >> 32);
            }
        }

        /// <summary>The generator a network with seed <paramref name="seed"/> starts from (the seed is mixed first,
        /// so nearby seeds give unrelated sequences).</summary>
        public static SplitMix64 FromSeed(int seed)
        {
            var mixer = new SplitMix64((ulong)(uint)seed ^ 0x5DEECE66DUL);
            return new SplitMix64(mixer.NextUInt64());
        }

        /// <summary>The dropout-mask generator of a network with seed <paramref name="seed"/>: a stream independent of
        /// the one <see cref="FromSeed"/> gives the initialiser, so adding dropout does not change the initial weights.</summary>
        public static SplitMix64 ForDropout(int seed) => new SplitMix64(FromSeed(seed).State ^ 0xD1B54A32D192ED03UL);
    }
}
