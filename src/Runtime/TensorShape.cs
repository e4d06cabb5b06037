using System;
using System.Globalization;

namespace Unrolled
{
    /// <summary>
    /// The shape of one sample entering or leaving a layer: rank 1 (features) or rank 3 (channels × height × width,
    /// channel-major within a sample, as PyTorch and ONNX lay out NCHW). Batches are sample-major, so the batch size is not
    /// part of the shape.
    /// </summary>
    public readonly struct TensorShape : IEquatable<TensorShape>
    {
        /// <summary>A rank-3 shape: <paramref name="channels"/> × <paramref name="height"/> × <paramref name="width"/>.</summary>
        public TensorShape(int channels, int height, int width)
        {
            if (channels < 1 || height < 1 || width < 1)
                throw new ArgumentOutOfRangeException(nameof(channels), $"A shape's dimensions must be at least 1; got {channels}×{height}×{width}.");
            Rank = 3;
            Channels = channels;
            Height = height;
            Width = width;
        }

        private TensorShape(int features)
        {
            if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), $"A shape needs at least 1 feature; got {features}.");
            Rank = 1;
            Channels = features;
            Height = 1;
            Width = 1;
        }

        /// <summary>A rank-1 shape of <paramref name="features"/> values.</summary>
        public static TensorShape Features(int features) => new TensorShape(features);

        /// <summary>1 (features) or 3 (channels × height × width).</summary>
        public int Rank { get; }

        /// <summary>C, or the number of features for rank 1.</summary>
        public int Channels { get; }

        /// <summary>H (1 for rank 1).</summary>
        public int Height { get; }

        /// <summary>W (1 for rank 1).</summary>
        public int Width { get; }

        /// <summary>Values per sample: C·H·W, or the features.</summary>
        public int Size => Channels * Height * Width;

        /// <summary>The dimensions without the batch: <c>[features]</c> or <c>[C, H, W]</c>.</summary>
        public int[] Dimensions => Rank == 3 ? new[] { Channels, Height, Width } : new[] { Channels };

        /// <summary>Keras' notation with the batch first: <c>(None, 784)</c> or <c>(None, 32, 26, 26)</c> (channels first).</summary>
        public string ToBatchString() => Rank == 3
            ? string.Format(CultureInfo.InvariantCulture, "(None, {0}, {1}, {2})", Channels, Height, Width)
            : string.Format(CultureInfo.InvariantCulture, "(None, {0})", Channels);

        /// <summary><c>784</c> or <c>32×26×26</c>.</summary>
        public override string ToString() => Rank == 3
            ? string.Format(CultureInfo.InvariantCulture, "{0}×{1}×{2}", Channels, Height, Width)
            : Channels.ToString(CultureInfo.InvariantCulture);

        /// <inheritdoc />
        public bool Equals(TensorShape other) => Rank == other.Rank && Channels == other.Channels && Height == other.Height && Width == other.Width;

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is TensorShape other && Equals(other);

        /// <inheritdoc />
        public override int GetHashCode() => ((Rank * 397 ^ Channels) * 397 ^ Height) * 397 ^ Width;

        /// <summary>Same rank and dimensions.</summary>
        public static bool operator ==(TensorShape left, TensorShape right) => left.Equals(right);

        /// <summary>Different rank or dimensions.</summary>
        public static bool operator !=(TensorShape left, TensorShape right) => !left.Equals(right);
    }
}
