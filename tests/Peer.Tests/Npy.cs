using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Unrolled.Peer.Tests
{
    /// <summary>The NumPy .npy format (version 1.0, little-endian float32/float64/int64), enough to talk to the peer.</summary>
    internal static class Npy
    {
        public static void Write(string path, float[] data, params int[] shape) => Write(path, "<f4", MemoryMarshal.AsBytes(data.AsSpan()), shape.Length == 0 ? new[] { data.Length } : shape);

        public static void Write(string path, int[] data, params int[] shape) =>
            Write(path, "<i8", MemoryMarshal.AsBytes(data.Select(v => (long)v).ToArray().AsSpan()), shape.Length == 0 ? new[] { data.Length } : shape);

        private static void Write(string path, string dtype, ReadOnlySpan<byte> bytes, int[] shape)
        {
            string dims = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
            string header = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {dims}, }}";
            int total = 10 + header.Length + 1;
            header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
            using var file = File.Create(path);
            file.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
            file.Write(BitConverter.GetBytes((ushort)header.Length));
            file.Write(Encoding.ASCII.GetBytes(header));
            file.Write(bytes);
        }

        /// <summary>Reads a float32 or float64 array as doubles.</summary>
        public static double[] Read(string path)
        {
            byte[] content = File.ReadAllBytes(path);
            int headerLength = BitConverter.ToUInt16(content, 8);
            string header = Encoding.ASCII.GetString(content, 10, headerLength);
            string dtype = Regex.Match(header, "'descr': '([^']+)'").Groups[1].Value;
            int offset = 10 + headerLength;
            ReadOnlySpan<byte> body = content.AsSpan(offset);
            return dtype switch
            {
                "<f4" => MemoryMarshal.Cast<byte, float>(body).ToArray().Select(v => (double)v).ToArray(),
                "<f8" => MemoryMarshal.Cast<byte, double>(body).ToArray(),
                _ => throw new InvalidDataException($"{path}: unsupported dtype {dtype}"),
            };
        }
    }
}
