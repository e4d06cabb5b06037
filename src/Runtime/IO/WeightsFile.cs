using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace Unrolled
{
    /// <summary>Opt-ins of <see cref="WeightsFile.Load{T}(INetwork{T}, string, WeightsLoadOptions?)"/>; each relaxes one check and no other.</summary>
    public sealed class WeightsLoadOptions
    {
        /// <summary>Load a file saved by a class of another name (after renaming the class or its namespace). The precision
        /// and the layer layout (every layer's kind, shapes and counts) are still checked. Default false.</summary>
        public bool IgnoreTypeName { get; set; }

        /// <summary>Load NaN or infinite parameters or statistics (e.g. to inspect a diverged run) instead of refusing the
        /// file. Default false.</summary>
        public bool AllowNonFinite { get; set; }
    }

    /// <summary>
    /// Saves and loads a network's parameters and BatchNorm running statistics in a small versioned binary format
    /// (little-endian; version 2, version 1 files are still read):
    /// <code>
    /// prefix   "UNRW"  u16 version (2)  u8 element size (4 = float, 8 = double)  u8 0
    ///          u32 header length H   u64 file length   u32 CRC-32 of the 20 bytes before it
    /// header   u16 type-name length, UTF-8 type name (the generated class's full name)
    ///          i32 parameter count  i32 statistics count  u16 layer count
    ///          per layer: u16 + UTF-8 kind, u16 + UTF-8 description, i32 input size, i32 output size, i32 parameters, i32 statistics
    ///          u32 CRC-32 of the header (bytes 24 … H − 4)
    /// payload  parameters, then statistics
    ///          u32 CRC-32 of everything before it
    /// </code>
    /// Every length is checked by its own checksum before it is trusted, so a flipped bit is reported as corruption and a
    /// cut file as truncation, and a file of another layer layout is described layer by layer. Saving is atomic
    /// (<see cref="AtomicFile"/>: a crash leaves either the old file or the new one) and refuses non-finite values. Loading
    /// checks everything before it changes the network; a foreign, truncated, corrupted or mismatched file is an
    /// <see cref="InvalidDataException"/> that says which.
    /// </summary>
    public static class WeightsFile
    {
        /// <summary>Current format version.</summary>
        public const int Version = 2;

        private const int PrefixLength = 24, V1Minimum = 8 + 2 + 8 + 4 + 4 + 4;
        private static readonly byte[] s_magic = { (byte)'U', (byte)'N', (byte)'R', (byte)'W' };

        /// <summary>Writes <paramref name="network"/>'s parameters and running statistics to <paramref name="path"/> atomically.
        /// A NaN or infinite value is refused (<see cref="InvalidOperationException"/> naming the layer and the index): such a
        /// file would only spread the failure.</summary>
        public static void Save<T>(INetwork<T> network, string path) where T : struct
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            byte[] content;
            network.Guard.EnterInference(); // a consistent set of weights: refused while another thread trains the network
            try
            {
                content = SerializeChecked(network, path);
            }
            finally
            {
                network.Guard.ExitInference();
            }
            AtomicFile.WriteAllBytes(path, content);
        }

        private static byte[] SerializeChecked<T>(INetwork<T> network, string path) where T : struct
        {
            int index = NonFinite.FirstIndex<T>(network.Parameters);
            if (index >= 0)
                throw new InvalidOperationException($"Not saved to {path}: {NonFinite.DescribeParameter(network.Layers, index)} is " +
                                                    $"{Scalar<T>.ToDouble(network.Parameters[index]).ToString(CultureInfo.InvariantCulture)}. Save the weights of a finite network (Fit keeps them when training diverges).");
            int statistic = NonFinite.FirstIndex<T>(network.RunningStatistics);
            if (statistic >= 0)
                throw new InvalidOperationException($"Not saved to {path}: RunningStatistics[{statistic}] is {Scalar<T>.ToDouble(network.RunningStatistics[statistic]).ToString(CultureInfo.InvariantCulture)}.");
            return Serialize(network);
        }

        /// <summary>Reads <paramref name="path"/> into <paramref name="network"/>, or throws without touching it.</summary>
        public static void Load<T>(INetwork<T> network, string path, WeightsLoadOptions? options = null) where T : struct
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            if (!File.Exists(path)) throw new FileNotFoundException($"Weights file {path} does not exist.", path);
            byte[] content = File.ReadAllBytes(path);
            int token = network.Guard.EnterExclusive("WeightsFile.Load");
            try
            {
                Deserialize(network, content, path, options);
            }
            finally
            {
                network.Guard.ExitExclusive(token);
            }
        }

        internal static byte[] Serialize<T>(INetwork<T> network) where T : struct
        {
            RequireLittleEndian();
            var header = new Writer();
            header.String(TypeName(network));
            header.Int32(network.ParameterCount);
            header.Int32(network.RunningStatistics.Length);
            header.UInt16(network.Layers.Count);
            foreach (LayerInfo layer in network.Layers)
            {
                header.String(layer.Kind.ToString());
                header.String(layer.Description);
                header.Int32(layer.InputSize);
                header.Int32(layer.OutputSize);
                header.Int32(layer.ParameterCount);
                header.Int32(layer.StatisticsCount);
            }
            ReadOnlySpan<byte> headerBytes = header.ToArray();
            ReadOnlySpan<byte> parameters = MemoryMarshal.AsBytes(network.Parameters);
            ReadOnlySpan<byte> statistics = MemoryMarshal.AsBytes(network.RunningStatistics);
            int headerEnd = PrefixLength + headerBytes.Length + 4;
            var content = new byte[headerEnd + parameters.Length + statistics.Length + 4];
            Span<byte> span = content;
            s_magic.CopyTo(span);
            BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(4), Version);
            span[6] = (byte)ElementSize<T>();
            BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(8), (uint)headerEnd);
            BinaryPrimitives.WriteUInt64LittleEndian(span.Slice(12), (ulong)content.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(20), Crc32.Compute(span.Slice(0, 20)));
            headerBytes.CopyTo(span.Slice(PrefixLength));
            BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(headerEnd - 4), Crc32.Compute(span.Slice(PrefixLength, headerBytes.Length)));
            parameters.CopyTo(span.Slice(headerEnd));
            statistics.CopyTo(span.Slice(headerEnd + parameters.Length));
            BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(content.Length - 4), Crc32.Compute(span.Slice(0, content.Length - 4)));
            return content;
        }

        internal static void Deserialize<T>(INetwork<T> network, byte[] content, string path, WeightsLoadOptions? options = null) where T : struct
        {
            RequireLittleEndian();
            options ??= new WeightsLoadOptions();
            ReadOnlySpan<byte> span = content;
            if (span.Length < 4 || !span.Slice(0, 4).SequenceEqual(s_magic))
                throw new InvalidDataException($"{path} is not an Unrolled weights file (it does not start with \"UNRW\").");
            if (span.Length >= 6 && BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(4)) == 1)
            {
                DeserializeVersion1(network, content, path, options);
                return;
            }
            if (span.Length < PrefixLength)
                throw new InvalidDataException($"{path} is truncated: {span.Length:N0} bytes is shorter than any weights file's header ({PrefixLength} bytes).");
            if (Crc32.Compute(span.Slice(0, 20)) != BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(20)))
                throw new InvalidDataException($"{path} is corrupt: the checksum of its first 20 bytes (version, sizes) does not match, so none of its sizes can be trusted.");
            int version = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(4)), elementSize = span[6];
            if (version != Version)
                throw new InvalidDataException($"{path} is weights format version {version}; this version of Unrolled reads versions 1 and {Version}.");
            long headerEnd = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(8));
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(12));
            if ((ulong)span.Length < length)
                throw new InvalidDataException($"{path} is truncated: it holds {span.Length:N0} of the {length:N0} bytes it was written with.");
            if ((ulong)span.Length > length)
                throw new InvalidDataException($"{path} is malformed: it holds {span.Length - (long)length:N0} bytes after the {length:N0} it was written with.");
            if (elementSize != 4 && elementSize != 8 || headerEnd < PrefixLength + 4 || headerEnd > span.Length - 4)
                throw new InvalidDataException($"{path} is malformed: its header announces element size {elementSize} and a header of {headerEnd:N0} bytes in a file of {span.Length:N0}.");
            ReadOnlySpan<byte> header = span.Slice(PrefixLength, (int)headerEnd - PrefixLength - 4);
            if (Crc32.Compute(header) != BinaryPrimitives.ReadUInt32LittleEndian(span.Slice((int)headerEnd - 4)))
                throw new InvalidDataException($"{path} is corrupt: its header's CRC-32 checksum does not match (the type name or the layer layout was changed after it was written).");
            if (Crc32.Compute(span.Slice(0, span.Length - 4)) != BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(span.Length - 4)))
                throw new InvalidDataException($"{path} is corrupt: its CRC-32 checksum does not match its content (bytes were changed after it was written).");

            var reader = new Reader(header, path);
            string name = reader.String();
            int parameterCount = reader.Int32(), statisticsCount = reader.Int32();
            int layerCount = reader.UInt16();
            var layers = new SavedLayer[layerCount];
            for (int i = 0; i < layerCount; i++)
                layers[i] = new SavedLayer(reader.String(), reader.String(), reader.Int32(), reader.Int32(), reader.Int32(), reader.Int32());
            reader.End();
            if ((long)(parameterCount + (long)statisticsCount) * elementSize != span.Length - headerEnd - 4 || parameterCount < 0 || statisticsCount < 0)
                throw new InvalidDataException($"{path} is malformed: its header announces {parameterCount:N0} parameters and {statisticsCount:N0} statistics, " +
                                               $"which is not the {span.Length - headerEnd - 4:N0} bytes of values it holds.");

            CheckIdentity(network, path, name, elementSize, options);
            string? difference = LayoutDifference(network, layers);
            if (difference != null || parameterCount != network.ParameterCount || statisticsCount != network.RunningStatistics.Length)
                throw new InvalidDataException($"{path} was saved from a different layer layout of {name}: {difference ?? $"{parameterCount:N0} parameters and {statisticsCount:N0} statistics"}. " +
                                               "Retrain, or restore the attributes it was saved with.");
            Commit(network, span.Slice((int)headerEnd, parameterCount * elementSize), span.Slice((int)headerEnd + parameterCount * elementSize, statisticsCount * elementSize), path, options);
        }

        /// <summary>Version 1 (one CRC over the whole file, the layout as a fingerprint): read for files saved before version 2.</summary>
        private static void DeserializeVersion1<T>(INetwork<T> network, byte[] content, string path, WeightsLoadOptions options) where T : struct
        {
            ReadOnlySpan<byte> span = content;
            if (span.Length < V1Minimum)
                throw new InvalidDataException($"{path} is truncated: {span.Length} bytes is shorter than any weights file ({V1Minimum} bytes).");
            if (Crc32.Compute(span.Slice(0, span.Length - 4)) != BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(span.Length - 4)))
                throw new InvalidDataException($"{path} is truncated or corrupt: its CRC-32 checksum does not match its content (a version 1 file cannot tell which).");
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(8)), elementSize = span[6];
            long headerLength = 10L + nameLength + 16;
            if (headerLength + 4 > span.Length)
                throw new InvalidDataException($"{path} is malformed: its type name of {nameLength:N0} bytes does not fit in its {span.Length:N0} bytes.");
            int at = 10 + nameLength;
            int parameterCount = BinaryPrimitives.ReadInt32LittleEndian(span.Slice(at + 8));
            int statisticsCount = BinaryPrimitives.ReadInt32LittleEndian(span.Slice(at + 12));
            long expected = headerLength + ((long)Math.Max(parameterCount, 0) + Math.Max(statisticsCount, 0)) * elementSize + 4;
            if (span.Length != expected || (elementSize != 4 && elementSize != 8))
                throw new InvalidDataException($"{path} is malformed: its header announces {expected:N0} bytes but it holds {span.Length:N0}.");
            string name = Encoding.UTF8.GetString(content, 10, nameLength);
            CheckIdentity(network, path, name, elementSize, options);
            ulong fingerprint = BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(at));
            if (fingerprint != Fingerprint(network) || parameterCount != network.ParameterCount || statisticsCount != network.RunningStatistics.Length)
                throw new InvalidDataException($"{path} (format version 1, which records the layer layout only as a fingerprint) was saved from a different layer layout of {name}" +
                                               (parameterCount != network.ParameterCount || statisticsCount != network.RunningStatistics.Length
                                                   ? $": {parameterCount:N0} parameters and {statisticsCount:N0} statistics, the network has {network.ParameterCount:N0} and {network.RunningStatistics.Length:N0}."
                                                   : ": the counts agree, so a layer's kind or shape changed (e.g. ReLU → Tanh).") +
                                               " Retrain, or restore the attributes it was saved with.");
            Commit(network, span.Slice((int)headerLength, parameterCount * elementSize), span.Slice((int)headerLength + parameterCount * elementSize, statisticsCount * elementSize), path, options);
        }

        private static void CheckIdentity<T>(INetwork<T> network, string path, string name, int elementSize, WeightsLoadOptions options) where T : struct
        {
            string expectedName = TypeName(network);
            if (elementSize != ElementSize<T>())
                throw new InvalidDataException($"{path} holds {(elementSize == 8 ? "double" : "float")} weights; {expectedName} uses {typeof(T).Name}.");
            if (name != expectedName && !options.IgnoreTypeName)
                throw new InvalidDataException($"{path} holds the weights of {name}, not of {expectedName}. If {expectedName} is {name} renamed, " +
                                               "load with new WeightsLoadOptions { IgnoreTypeName = true } (the layer layout is still checked).");
        }

        /// <summary>Copies the values in, after checking they are finite (unless allowed).</summary>
        private static void Commit<T>(INetwork<T> network, ReadOnlySpan<byte> parameters, ReadOnlySpan<byte> statistics, string path, WeightsLoadOptions options) where T : struct
        {
            ReadOnlySpan<T> values = MemoryMarshal.Cast<byte, T>(parameters), stats = MemoryMarshal.Cast<byte, T>(statistics);
            if (!options.AllowNonFinite)
            {
                int bad = NonFinite.FirstIndex(values);
                if (bad >= 0)
                    throw new InvalidDataException($"{path} holds a non-finite parameter: {NonFinite.DescribeParameter(network.Layers, bad)} is " +
                                                   $"{Scalar<T>.ToDouble(values[bad]).ToString(CultureInfo.InvariantCulture)}. Load it with new WeightsLoadOptions {{ AllowNonFinite = true }} to inspect it.");
                int badStatistic = NonFinite.FirstIndex(stats);
                if (badStatistic >= 0)
                    throw new InvalidDataException($"{path} holds a non-finite running statistic: RunningStatistics[{badStatistic}] is " +
                                                   $"{Scalar<T>.ToDouble(stats[badStatistic]).ToString(CultureInfo.InvariantCulture)}. Load it with new WeightsLoadOptions {{ AllowNonFinite = true }} to inspect it.");
            }
            values.CopyTo(network.Parameters);
            stats.CopyTo(network.RunningStatistics);
        }

        /// <summary>A layer as a version 2 file records it.</summary>
        private readonly struct SavedLayer
        {
            public SavedLayer(string kind, string description, int inputSize, int outputSize, int parameters, int statistics)
            {
                Kind = kind;
                Description = description;
                InputSize = inputSize;
                OutputSize = outputSize;
                Parameters = parameters;
                Statistics = statistics;
            }

            public string Kind { get; }
            public string Description { get; }
            public int InputSize { get; }
            public int OutputSize { get; }
            public int Parameters { get; }
            public int Statistics { get; }

            public bool Matches(LayerInfo layer) =>
                Kind == layer.Kind.ToString() && Description == layer.Description && InputSize == layer.InputSize && OutputSize == layer.OutputSize
                && Parameters == layer.ParameterCount && Statistics == layer.StatisticsCount;
        }

        /// <summary>What differs between the saved layers and the network's, layer by layer (at most three), or null.</summary>
        private static string? LayoutDifference<T>(INetwork<T> network, SavedLayer[] saved) where T : struct
        {
            IReadOnlyList<LayerInfo> layers = network.Layers;
            var differences = new List<string>();
            int common = Math.Min(saved.Length, layers.Count), shown = 0;
            for (int i = 0; i < common; i++)
            {
                if (saved[i].Matches(layers[i])) continue;
                if (shown++ < 3) differences.Add($"layer {i + 1} is {saved[i].Description} in the file, {layers[i].Description} in the network");
            }
            if (shown > 3) differences.Add($"{shown - 3} more layers differ");
            if (saved.Length != layers.Count)
                differences.Add($"the file has {DataChecks.Count(saved.Length, "layer")}, the network {layers.Count}");
            return differences.Count == 0 ? null : string.Join("; ", differences);
        }

        /// <summary>FNV-1a over each layer's kind, shapes, parameter and statistics counts: changes with any change of layout
        /// (the layout record of version 1 files).</summary>
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

        /// <summary>Little-endian header fields into a growing buffer.</summary>
        private sealed class Writer
        {
            private readonly List<byte> _bytes = new List<byte>();

            public void UInt16(int value)
            {
                if (value < 0 || value > ushort.MaxValue) throw new InvalidOperationException($"{value} does not fit a weights file's 16-bit field.");
                _bytes.Add((byte)value);
                _bytes.Add((byte)(value >> 8));
            }

            public void Int32(int value)
            {
                for (int shift = 0; shift < 32; shift += 8) _bytes.Add((byte)(value >> shift));
            }

            public void String(string value)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(value);
                UInt16(bytes.Length);
                _bytes.AddRange(bytes);
            }

            public byte[] ToArray() => _bytes.ToArray();
        }

        /// <summary>Reads header fields, bounds-checked (the header's checksum matched, so a failure here is a malformed writer).</summary>
        private ref struct Reader
        {
            private readonly ReadOnlySpan<byte> _bytes;
            private readonly string _path;
            private int _at;

            public Reader(ReadOnlySpan<byte> bytes, string path)
            {
                _bytes = bytes;
                _path = path;
                _at = 0;
            }

            private ReadOnlySpan<byte> Take(int count)
            {
                if (count > _bytes.Length - _at)
                    throw new InvalidDataException($"{_path} is malformed: its header ends inside a field (at byte {PrefixLength + _at:N0}).");
                ReadOnlySpan<byte> taken = _bytes.Slice(_at, count);
                _at += count;
                return taken;
            }

            public int UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

            public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

            public string String()
            {
                int length = UInt16();
#if NETSTANDARD2_0
                return Encoding.UTF8.GetString(Take(length).ToArray());
#else
                return Encoding.UTF8.GetString(Take(length));
#endif
            }

            public void End()
            {
                if (_at != _bytes.Length) throw new InvalidDataException($"{_path} is malformed: its header has {_bytes.Length - _at:N0} bytes after its last layer.");
            }
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
