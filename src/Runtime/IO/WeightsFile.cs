using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace Unrolled
{
    /// <summary>
    /// Saves and loads a network's parameters and BatchNorm running statistics in a small versioned binary format:
    /// <code>
    /// "UNRW"  u16 version (1)  u8 element size (4 = float, 8 = double)  u8 0
    /// u16 type-name length, UTF-8 type name (the generated class's full name)
    /// u64 layer-layout fingerprint (FNV-1a of every layer's kind, shapes and counts)
    /// i32 parameter count  i32 statistics count
    /// parameters, then statistics (little-endian)
    /// u32 CRC-32 of everything before it
    /// </code>
    /// Saving is atomic (<see cref="AtomicFile"/>): a crash leaves either the old file or the new one, never half of one. Loading checks everything before it changes the
    /// network; a foreign, truncated or corrupted file is an <see cref="InvalidDataException"/> that says which.
    /// </summary>
    public static class WeightsFile
    {
        /// <summary>Current format version.</summary>
        public const int Version = 1;

        private static readonly byte[] s_magic = { (byte)'U', (byte)'N', (byte)'R', (byte)'W' };

        /// <summary>Writes <paramref name="network"/>'s parameters and running statistics to <paramref name="path"/> atomically.</summary>
        public static void Save<T>(INetwork<T> network, string path) where T : struct
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            AtomicFile.WriteAllBytes(path, Serialize(network));
        }

        /// <summary>Reads <paramref name="path"/> into <paramref name="network"/>, or throws without touching it.</summary>
        public static void Load<T>(INetwork<T> network, string path) where T : struct
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            if (!File.Exists(path)) throw new FileNotFoundException($"Weights file {path} does not exist.", path);
            Deserialize(network, File.ReadAllBytes(path), path);
        }

        internal static byte[] Serialize<T>(INetwork<T> network) where T : struct
        {
            RequireLittleEndian();
            byte[] name = Encoding.UTF8.GetBytes(TypeName(network));
            ReadOnlySpan<byte> parameters = MemoryMarshal.AsBytes(network.Parameters);
            ReadOnlySpan<byte> statistics = MemoryMarshal.AsBytes(network.RunningStatistics);
            int headerLength = 8 + 2 + name.Length + 8 + 4 + 4;
            var content = new byte[headerLength + parameters.Length + statistics.Length + 4];
            Span<byte> span = content;
            s_magic.CopyTo(span);
            BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(4), Version);
            span[6] = (byte)ElementSize<T>();
            BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(8), (ushort)name.Length);
            name.CopyTo(span.Slice(10));
            int at = 10 + name.Length;
            BinaryPrimitives.WriteUInt64LittleEndian(span.Slice(at), Fingerprint(network));
            BinaryPrimitives.WriteInt32LittleEndian(span.Slice(at + 8), network.ParameterCount);
            BinaryPrimitives.WriteInt32LittleEndian(span.Slice(at + 12), network.RunningStatistics.Length);
            parameters.CopyTo(span.Slice(headerLength));
            statistics.CopyTo(span.Slice(headerLength + parameters.Length));
            BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(content.Length - 4), Crc32.Compute(span.Slice(0, content.Length - 4)));
            return content;
        }

        internal static void Deserialize<T>(INetwork<T> network, byte[] content, string path) where T : struct
        {
            RequireLittleEndian();
            ReadOnlySpan<byte> span = content;
            const int minimum = 8 + 2 + 8 + 4 + 4 + 4;
            if (span.Length < 4 || !span.Slice(0, 4).SequenceEqual(s_magic))
                throw new InvalidDataException($"{path} is not an Unrolled weights file (it does not start with \"UNRW\").");
            if (span.Length < minimum)
                throw new InvalidDataException($"{path} is truncated: {span.Length} bytes is shorter than any weights file ({minimum} bytes).");
            int version = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(4));
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(8));
            long expected = (long)minimum + nameLength;
            int parameterCount = -1, statisticsCount = -1, elementSize = span[6];
            if (span.Length >= expected - 4)
            {
                int at = 10 + nameLength;
                parameterCount = BinaryPrimitives.ReadInt32LittleEndian(span.Slice(at + 8));
                statisticsCount = BinaryPrimitives.ReadInt32LittleEndian(span.Slice(at + 12));
                expected += ((long)Math.Max(parameterCount, 0) + Math.Max(statisticsCount, 0)) * elementSize;
            }

            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(span.Length - 4));
            if (Crc32.Compute(span.Slice(0, span.Length - 4)) != stored)
            {
                if (span.Length < expected)
                    throw new InvalidDataException($"{path} is truncated: its header announces {expected:N0} bytes but it holds {span.Length:N0}.");
                throw new InvalidDataException($"{path} is corrupt: its CRC-32 checksum does not match its content (bytes were changed after it was written).");
            }
            if (version != Version)
                throw new InvalidDataException($"{path} is weights format version {version}; this version of Unrolled reads version {Version}.");
            if (span.Length != expected)
                throw new InvalidDataException($"{path} is malformed: its header announces {expected:N0} bytes but it holds {span.Length:N0}.");

            string name = Encoding.UTF8.GetString(content, 10, nameLength);
            string expectedName = TypeName(network);
            if (elementSize != ElementSize<T>())
                throw new InvalidDataException($"{path} holds {(elementSize == 8 ? "double" : "float")} weights; {expectedName} uses {typeof(T).Name}.");
            if (name != expectedName)
                throw new InvalidDataException($"{path} holds the weights of {name}, not of {expectedName}.");
            ulong fingerprint = BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(10 + nameLength));
            if (fingerprint != Fingerprint(network) || parameterCount != network.ParameterCount || statisticsCount != network.RunningStatistics.Length)
                throw new InvalidDataException($"{path} was saved from a different layer layout of {name} ({parameterCount:N0} parameters, {statisticsCount:N0} statistics); " +
                                               $"the network now has {network.ParameterCount:N0} and {network.RunningStatistics.Length:N0}. Retrain or restore the old attributes.");

            int headerLength = 10 + nameLength + 16;
            int parameterBytes = parameterCount * elementSize;
            span.Slice(headerLength, parameterBytes).CopyTo(MemoryMarshal.AsBytes(network.Parameters));
            span.Slice(headerLength + parameterBytes, statisticsCount * elementSize).CopyTo(MemoryMarshal.AsBytes(network.RunningStatistics));
        }

        /// <summary>FNV-1a over each layer's kind, shapes, parameter and statistics counts: changes with any change of layout.</summary>
        public static ulong Fingerprint<T>(INetwork<T> network) where T : struct
        {
            ulong hash = 14695981039346656037UL;
            void Mix(int value)
            {
                for (int shift = 0; shift < 32; shift += 8)
                {
                    hash ^= (byte)(value >> shift);
                    hash *= 1099511628211UL;
                }
            }
            Mix(network.InputSize);
            foreach (LayerInfo layer in network.Layers)
            {
                Mix((int)layer.Kind);
                Mix(layer.InputSize);
                Mix(layer.OutputSize);
                Mix(layer.ParameterCount);
                Mix(layer.StatisticsCount);
            }
            return hash;
        }

        private static string TypeName<T>(INetwork<T> network) where T : struct => network.GetType().FullName ?? network.GetType().Name;

        private static int ElementSize<T>() where T : struct => Scalar<T>.IsSingle ? 4 : 8;

        private static void RequireLittleEndian()
        {
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Weights files are little-endian; big-endian hosts are not supported.");
        }
    }

    /// <summary>CRC-32 (IEEE 802.3, the polynomial of zip and PNG).</summary>
    internal static class Crc32
    {
        private static readonly uint[] s_table = CreateTable();

        public static uint Compute(ReadOnlySpan<byte> data)
        {
            uint crc = 0xFFFFFFFFu;
            foreach (byte b in data) crc = s_table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return ~crc;
        }

        private static uint[] CreateTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                table[n] = c;
            }
            return table;
        }
    }
}
