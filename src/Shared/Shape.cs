using System;
using System.Globalization;

// Compiled into both the generator and the analyzers (linked source): the shape a layer takes and gives, so that both
// infer the same shapes through a network.
namespace Unrolled.Shared
{
    /// <summary>
    /// The shape of one sample entering or leaving a layer: rank 1 (features) or rank 3 (channels × height × width,
    /// channel-major within a sample as PyTorch and ONNX lay out NCHW). A batch is always sample-major, so the batch size is
    /// not part of the shape. Immutable and equatable (it lives in the generator's specs, which incremental caching compares).
    /// </summary>
    internal readonly struct Shape : IEquatable<Shape>
    {
        private Shape(int rank, int channels, int height, int width)
        {
            Rank = rank;
            Channels = channels;
            Height = height;
            Width = width;
        }

        /// <summary>Rank 1: <paramref name="features"/> per sample.</summary>
        public static Shape Features(int features) => new Shape(1, features, 1, 1);

        /// <summary>Rank 3: C × H × W per sample.</summary>
        public static Shape Image(int channels, int height, int width) => new Shape(3, channels, height, width);

        /// <summary>1 (features) or 3 (C × H × W).</summary>
        public int Rank { get; }

        /// <summary>C; for rank 1 the number of features.</summary>
        public int Channels { get; }

        /// <summary>H (1 for rank 1).</summary>
        public int Height { get; }

        /// <summary>W (1 for rank 1).</summary>
        public int Width { get; }

        public bool IsImage => Rank == 3;

        /// <summary>Values per sample, C·H·W, without overflow (the parser's size limit reads it before <see cref="Size"/>).</summary>
        public long SizeUnchecked => (long)Channels * Height * Width;

        /// <summary>Values per sample, C·H·W.</summary>
        public int Size => (int)Math.Min(SizeUnchecked, int.MaxValue);

        /// <summary>H·W, the values of one channel.</summary>
        public int Plane => Height * Width;

        /// <summary>The same values as features (what Flatten gives).</summary>
        public Shape Flattened => Features(Size);

        /// <summary>"784" or "32×26×26", for messages and comments.</summary>
        public override string ToString() => IsImage
            ? string.Format(CultureInfo.InvariantCulture, "{0}×{1}×{2}", Channels, Height, Width)
            : Channels.ToString(CultureInfo.InvariantCulture);

        /// <summary>Keras' summary notation: "(None, 784)" or "(None, 32, 26, 26)" (channels first).</summary>
        public string Tuple => IsImage
            ? string.Format(CultureInfo.InvariantCulture, "(None, {0}, {1}, {2})", Channels, Height, Width)
            : string.Format(CultureInfo.InvariantCulture, "(None, {0})", Channels);

        /// <summary>Output length of a sliding window over <paramref name="input"/> values padded by <paramref name="padding"/> in
        /// total: ⌊(input + padding − window) / stride⌋ + 1, below 1 when the window does not fit.</summary>
        public static int WindowOutput(int input, int window, int stride, int padding) =>
            stride < 1 ? 0 : (int)Math.Max(int.MinValue, Math.Floor(((double)input + padding - window) / stride) + 1);

        /// <summary>Keras/TensorFlow "same" padding: ⌈input / stride⌉ outputs, and the total padding that gives them (the extra
        /// row or column, when the total is odd, goes at the bottom or right).</summary>
        public static int SamePadding(int input, int window, int stride)
        {
            int outputs = (input + stride - 1) / stride;
            return Math.Max((outputs - 1) * stride + window - input, 0);
        }

        public bool Equals(Shape other) => Rank == other.Rank && Channels == other.Channels && Height == other.Height && Width == other.Width;

        public override bool Equals(object? obj) => obj is Shape other && Equals(other);

        public override int GetHashCode() => ((Rank * 397 ^ Channels) * 397 ^ Height) * 397 ^ Width;

        public static bool operator ==(Shape left, Shape right) => left.Equals(right);

        public static bool operator !=(Shape left, Shape right) => !left.Equals(right);
    }

    /// <summary>What a layer kind takes as input.</summary>
    internal enum InputRank
    {
        /// <summary>Any shape, element by element (activations, Dropout) or per channel (BatchNorm).</summary>
        Any,
        /// <summary>Rank 1 only (Dense, Softmax): a C×H×W input needs a Flatten first (UNR0011).</summary>
        Features,
        /// <summary>Rank 3 only (Conv2D, pooling, Flatten): UNR0012 on features.</summary>
        Image,
    }
}
