using System;
using System.IO;
using System.Linq;
using CsCheck;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>Weights files round-trip bit-exactly and refuse anything else with a clear message.</summary>
    public sealed class WeightsFileTests : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "unrolled-weights-" + Guid.NewGuid().ToString("N"));

        public WeightsFileTests() => Directory.CreateDirectory(_directory);

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        private string PathOf(string name) => Path.Combine(_directory, name);

        private static SmallKerasS Trained()
        {
            var net = new SmallKerasS();
            net.InitializeParameters(5);
            float[] inputs = TestData.NormalSingle(8 * 6, 1);
            int[] labels = TestData.Labels(8, 4, 2);
            var adam = new Adam(0.01);
            for (int i = 0; i < 5; i++) { net.ComputeGradients(inputs, labels, 8); adam.Step(net); }
            return net;
        }

        [Fact]
        public void RoundTripIsBitExactIncludingRunningStatistics()
        {
            SmallKerasS net = Trained();
            WeightsFile.Save(net, PathOf("net.weights"));
            var loaded = new SmallKerasS();
            WeightsFile.Load(loaded, PathOf("net.weights"));
            Assert.Equal(net.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits), loaded.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(net.RunningStatistics.ToArray(), loaded.RunningStatistics.ToArray());
            Assert.NotEqual(new SmallKerasS().RunningStatistics.ToArray(), loaded.RunningStatistics.ToArray()); // statistics really were trained

            var doubleNet = new SmallKerasD();
            doubleNet.Parameters.Fill(Math.PI);
            WeightsFile.Save(doubleNet, PathOf("d.weights"));
            var doubleLoaded = new SmallKerasD();
            WeightsFile.Load(doubleLoaded, PathOf("d.weights"));
            Assert.All(doubleLoaded.Parameters.ToArray(), v => Assert.Equal(Math.PI, v));
        }

        [Fact]
        public void AnotherNetworksFileIsRefused()
        {
            WeightsFile.Save(Trained(), PathOf("keras.weights"));
            var other = new TinyNN();
            float[] before = other.Parameters.ToArray();
            var ex = Assert.Throws<InvalidDataException>(() => WeightsFile.Load(other, PathOf("keras.weights")));
            Assert.Contains("holds the weights of Unrolled.Runtime.Tests.SmallKerasS, not of Unrolled.Runtime.Tests.TinyNN", ex.Message);
            Assert.Equal(before, other.Parameters.ToArray());
            Assert.Contains("holds float weights", Assert.Throws<InvalidDataException>(() => WeightsFile.Load(new SmallKerasD(), PathOf("keras.weights"))).Message);
        }

        [Fact]
        public void AFileOfAnotherLayerLayoutIsRefused()
        {
            // Same type name, another layout (as after editing the attributes): rewrite the fingerprint, fix the checksum.
            SmallKerasS net = Trained();
            byte[] content = WeightsFile.Serialize(net);
            int fingerprintAt = 10 + content[8] + (content[9] << 8);
            content[fingerprintAt] ^= 0xFF;
            uint crc = Crc32.Compute(content.AsSpan(0, content.Length - 4));
            BitConverter.GetBytes(crc).CopyTo(content, content.Length - 4);
            File.WriteAllBytes(PathOf("old.weights"), content);
            var ex = Assert.Throws<InvalidDataException>(() => WeightsFile.Load(new SmallKerasS(), PathOf("old.weights")));
            Assert.Contains("different layer layout", ex.Message);
        }

        [Fact]
        public void TruncatedFilesAreRefusedAtEveryLength()
        {
            WeightsFile.Save(Trained(), PathOf("net.weights"));
            byte[] content = File.ReadAllBytes(PathOf("net.weights"));
            var net = new SmallKerasS();
            float[] before = net.Parameters.ToArray();
            foreach (int length in new[] { 0, 3, 10, 40, content.Length / 2, content.Length - 1 })
            {
                File.WriteAllBytes(PathOf("cut.weights"), content.AsSpan(0, length).ToArray());
                var ex = Assert.Throws<InvalidDataException>(() => WeightsFile.Load(net, PathOf("cut.weights")));
                Assert.True(ex.Message.Contains("truncated") || ex.Message.Contains("not an Unrolled weights file"), $"{length} bytes: {ex.Message}");
            }
            Assert.Equal(before, net.Parameters.ToArray());
        }

        [Fact]
        public void EveryFlippedBitIsDetected()
        {
            WeightsFile.Save(Trained(), PathOf("net.weights"));
            byte[] content = File.ReadAllBytes(PathOf("net.weights"));
            var net = new SmallKerasS();
            var random = SplitMix64.FromSeed(4);
            for (int trial = 0; trial < 200; trial++)
            {
                byte[] flipped = (byte[])content.Clone();
                int bit = random.NextInt32(flipped.Length * 8);
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                File.WriteAllBytes(PathOf("flipped.weights"), flipped);
                var ex = Assert.Throws<InvalidDataException>(() => WeightsFile.Load(net, PathOf("flipped.weights")));
                Assert.Contains(PathOf("flipped.weights"), ex.Message);
            }
            Assert.Contains("CRC-32", Assert.Throws<InvalidDataException>(() =>
            {
                byte[] flipped = (byte[])content.Clone();
                flipped[content.Length / 2] ^= 1;
                File.WriteAllBytes(PathOf("flipped.weights"), flipped);
                WeightsFile.Load(net, PathOf("flipped.weights"));
            }).Message);
        }

        [Fact]
        public void FuzzedFilesAreAlwaysRefusedAndNeverChangeTheNetwork()
        {
            byte[] content = WeightsFile.Serialize(Trained());
            var net = new SmallKerasS();
            float[] parameters = net.Parameters.ToArray(), statistics = net.RunningStatistics.ToArray();
            // A cut anywhere, then 1–8 random bytes overwritten (or none): every variant but the original is refused.
            var variants = Gen.Select(Gen.Int[0, content.Length], Gen.Int[0, int.MaxValue].Array[0, 8], Gen.Byte.Array[8],
                (length, positions, values) =>
                {
                    byte[] bytes = content.AsSpan(0, length).ToArray();
                    for (int i = 0; i < positions.Length && bytes.Length > 0; i++) bytes[positions[i] % bytes.Length] = values[i];
                    return bytes;
                });
            Check.Sample(variants, bytes =>
            {
                if (bytes.AsSpan().SequenceEqual(content)) return;
                var ex = Assert.Throws<InvalidDataException>(() => WeightsFile.Deserialize(net, bytes, "fuzzed.weights"));
                Assert.StartsWith("fuzzed.weights ", ex.Message);
                Assert.Equal(parameters, net.Parameters.ToArray());
                Assert.Equal(statistics, net.RunningStatistics.ToArray());
            }, iter: 20_000, threads: 1);
        }

        [Fact]
        public void AnInterruptedSaveLeavesThePreviousFileIntact()
        {
            SmallKerasS first = Trained();
            WeightsFile.Save(first, PathOf("net.weights"));
            byte[] previous = File.ReadAllBytes(PathOf("net.weights"));

            var second = new SmallKerasS();
            second.Parameters.Fill(42);
            AtomicFile.BeforeCommit = _ => throw new IOException("simulated crash before the rename");
            try
            {
                Assert.Throws<IOException>(() => WeightsFile.Save(second, PathOf("net.weights")));
            }
            finally
            {
                AtomicFile.BeforeCommit = null;
            }
            Assert.Equal(previous, File.ReadAllBytes(PathOf("net.weights")));
            Assert.Equal(new[] { "net.weights" }, Directory.GetFiles(_directory).Select(Path.GetFileName)); // no temporary left behind

            WeightsFile.Save(second, PathOf("net.weights"));
            var loaded = new SmallKerasS();
            WeightsFile.Load(loaded, PathOf("net.weights"));
            Assert.All(loaded.Parameters.ToArray(), v => Assert.Equal(42f, v));
        }
    }
}
