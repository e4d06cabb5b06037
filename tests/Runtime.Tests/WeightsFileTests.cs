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
        public void Finding8_AFileOfAnotherLayerLayoutSaysWhichLayerDiffers()
        {
            // ReLU → Tanh: the counts are equal, so only a per-layer record can say what changed.
            var before = new LayoutBefore();
            WeightsFile.Save(before, PathOf("relu.weights"));
            var after = new LayoutAfter();
            float[] untouched = after.Parameters.ToArray();
            var ex = Assert.Throws<InvalidDataException>(() => WeightsFile.Load(after, PathOf("relu.weights"), new WeightsLoadOptions { IgnoreTypeName = true }));
            Assert.Contains("layer 2 is ReLU in the file, Tanh in the network", ex.Message);
            Assert.DoesNotContain("layer 1 ", ex.Message);
            Assert.Equal(untouched, after.Parameters.ToArray());
        }

        [Fact]
        public void Finding8_ALayerCountChangeIsCountedAndDescribed()
        {
            WeightsFile.Save(Trained(), PathOf("keras.weights"));
            var ex = Assert.Throws<InvalidDataException>(() => WeightsFile.Load(new TinyNN(), PathOf("keras.weights"), new WeightsLoadOptions { IgnoreTypeName = true }));
            Assert.Contains("the file has 9 layers, the network 4", ex.Message);
            Assert.Contains("layer 1 is Dense 6 → 8", ex.Message);
        }

        [Fact]
        public void Finding8_ARenamedClassLoadsWithTheExplicitOverrideOnly()
        {
            var before = new LayoutBefore();
            before.InitializeParameters(9);
            WeightsFile.Save(before, PathOf("before.weights"));
            var renamed = new LayoutRenamed();
            var refused = Assert.Throws<InvalidDataException>(() => WeightsFile.Load(renamed, PathOf("before.weights")));
            Assert.Contains("IgnoreTypeName = true", refused.Message);
            WeightsFile.Load(renamed, PathOf("before.weights"), new WeightsLoadOptions { IgnoreTypeName = true });
            Assert.Equal(before.Parameters.ToArray(), renamed.Parameters.ToArray());
        }

        [Fact]
        public void Finding3_NonFiniteParametersAreNeverSavedAndLoadedOnlyWhenAllowed()
        {
            SmallKerasS net = Trained();
            net.Parameters[SmallKerasS.Layer5WeightsOffset + 3] = float.NaN;
            string path = PathOf("nan.weights");
            var refused = Assert.Throws<InvalidOperationException>(() => WeightsFile.Save(net, path));
            Assert.Contains("W[0, 3] of dense_5", refused.Message);
            Assert.False(File.Exists(path));
            net.Parameters[SmallKerasS.Layer5WeightsOffset + 3] = 1;
            net.RunningStatistics[2] = float.PositiveInfinity;
            Assert.Contains("RunningStatistics[2] is ", Assert.Throws<InvalidOperationException>(() => WeightsFile.Save(net, path)).Message);

            // A file that holds a NaN (written before this check, or by hand) is refused unless asked for.
            net.RunningStatistics[2] = 1;
            net.Parameters[SmallKerasS.Layer1BiasOffset + 1] = float.NegativeInfinity;
            File.WriteAllBytes(path, WeightsFile.Serialize(net));
            var loaded = new SmallKerasS();
            float[] before = loaded.Parameters.ToArray();
            var ex = Assert.Throws<InvalidDataException>(() => WeightsFile.Load(loaded, path));
            Assert.Contains("b[1] of dense_1", ex.Message);
            Assert.Contains("AllowNonFinite", ex.Message);
            Assert.Equal(before, loaded.Parameters.ToArray());
            WeightsFile.Load(loaded, path, new WeightsLoadOptions { AllowNonFinite = true });
            Assert.Equal(float.NegativeInfinity, loaded.Parameters[SmallKerasS.Layer1BiasOffset + 1]);
        }

        /// <summary>A version 1 file, written as version 1 wrote them (the format's spec, kept here to test the reader).</summary>
        private static byte[] Version1<T>(INetwork<T> network, string? typeName = null) where T : struct
        {
            byte[] name = System.Text.Encoding.UTF8.GetBytes(typeName ?? network.GetType().FullName!);
            byte[] parameters = System.Runtime.InteropServices.MemoryMarshal.AsBytes(network.Parameters).ToArray();
            byte[] statistics = System.Runtime.InteropServices.MemoryMarshal.AsBytes(network.RunningStatistics).ToArray();
            var bytes = new System.Collections.Generic.List<byte> { (byte)'U', (byte)'N', (byte)'R', (byte)'W', 1, 0, (byte)(typeof(T) == typeof(float) ? 4 : 8), 0 };
            bytes.AddRange(BitConverter.GetBytes((ushort)name.Length));
            bytes.AddRange(name);
            bytes.AddRange(BitConverter.GetBytes(WeightsFile.Fingerprint(network)));
            bytes.AddRange(BitConverter.GetBytes(network.ParameterCount));
            bytes.AddRange(BitConverter.GetBytes(network.RunningStatistics.Length));
            bytes.AddRange(parameters);
            bytes.AddRange(statistics);
            bytes.AddRange(BitConverter.GetBytes(Crc32.Compute(bytes.ToArray())));
            return bytes.ToArray();
        }

        [Fact]
        public void Version1FilesStillLoadAndAreCheckedTheSameWay()
        {
            SmallKerasS net = Trained();
            File.WriteAllBytes(PathOf("v1.weights"), Version1(net));
            var loaded = new SmallKerasS();
            WeightsFile.Load(loaded, PathOf("v1.weights"));
            Assert.Equal(net.Parameters.ToArray(), loaded.Parameters.ToArray());
            Assert.Equal(net.RunningStatistics.ToArray(), loaded.RunningStatistics.ToArray());

            File.WriteAllBytes(PathOf("v1-relu.weights"), Version1(new LayoutBefore(), typeof(LayoutAfter).FullName));
            var ex = Assert.Throws<InvalidDataException>(() => WeightsFile.Load(new LayoutAfter(), PathOf("v1-relu.weights")));
            Assert.Contains("the counts agree, so a layer's kind or shape changed", ex.Message);
            Assert.DoesNotContain("the network now has", ex.Message);

            var nan = new LayoutBefore();
            nan.Parameters[0] = float.NaN;
            File.WriteAllBytes(PathOf("v1-nan.weights"), Version1(nan));
            Assert.Contains("W[0, 0] of dense_1", Assert.Throws<InvalidDataException>(() => WeightsFile.Load(new LayoutBefore(), PathOf("v1-nan.weights"))).Message);
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
                Assert.True(ex.Message.Contains("truncated") || (length < 4 && ex.Message.Contains("not an Unrolled weights file")), $"{length} bytes: {ex.Message}");
            }
            Assert.Equal(before, net.Parameters.ToArray());
        }

        [Fact]
        public void Finding8_EveryFlippedBitIsDetectedAsCorruptionNeverAsTruncation()
        {
            WeightsFile.Save(Trained(), PathOf("net.weights"));
            byte[] content = File.ReadAllBytes(PathOf("net.weights"));
            var net = new SmallKerasS();
            // Every bit of the header (name length, type name, counts, layer records, checksums), then a sample of the rest.
            var random = SplitMix64.FromSeed(4);
            int headerBits = (BitConverter.ToInt32(content, 8) + 4) * 8;
            for (int trial = 0; trial < headerBits + 200; trial++)
            {
                byte[] flipped = (byte[])content.Clone();
                int bit = trial < headerBits ? trial : random.NextInt32(flipped.Length * 8);
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                var ex = Assert.Throws<InvalidDataException>(() => WeightsFile.Deserialize(net, flipped, "flipped.weights"));
                Assert.StartsWith("flipped.weights is ", ex.Message);
                Assert.True(ex.Message.Contains("corrupt") || ex.Message.Contains("not an Unrolled weights file"), $"bit {bit}: {ex.Message}");
                Assert.DoesNotContain("truncated", ex.Message);
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
