using System;
using System.IO;
using System.IO.Compression;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>The IDX reader on small files written here: valid (raw and gzip), truncated, wrong magic, wrong counts.</summary>
    public sealed class DataTests : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "unrolled-idx-" + Guid.NewGuid().ToString("N"));

        public DataTests() => Directory.CreateDirectory(_directory);

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        private static byte[] Images(int magic, int count, int rows, int columns, int pixels)
        {
            var data = new byte[16 + pixels];
            BigEndian(data, 0, magic);
            BigEndian(data, 4, count);
            BigEndian(data, 8, rows);
            BigEndian(data, 12, columns);
            for (int i = 0; i < pixels; i++) data[16 + i] = (byte)(i * 37 % 256);
            return data;
        }

        private static byte[] Labels(int magic, int count, int labels)
        {
            var data = new byte[8 + labels];
            BigEndian(data, 0, magic);
            BigEndian(data, 4, count);
            for (int i = 0; i < labels; i++) data[8 + i] = (byte)(i % 10);
            return data;
        }

        private static void BigEndian(byte[] data, int offset, int value)
        {
            data[offset] = (byte)(value >> 24);
            data[offset + 1] = (byte)(value >> 16);
            data[offset + 2] = (byte)(value >> 8);
            data[offset + 3] = (byte)value;
        }

        private string Write(string name, byte[] data, bool gzip = false)
        {
            string path = Path.Combine(_directory, name);
            if (!gzip)
            {
                File.WriteAllBytes(path, data);
                return path;
            }
            using (var file = File.Create(path))
            using (var zip = new GZipStream(file, CompressionLevel.Fastest)) zip.Write(data, 0, data.Length);
            return path;
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ReadsValidImagesAndLabelsScaledToUnitRange(bool gzip)
        {
            string images = Write("images", Images(2051, 3, 2, 2, 12), gzip);
            string labels = Write("labels", Labels(2049, 3, 3), gzip);
            (float[] pixels, int count, int rows, int columns) = Idx.ReadImages(images);
            Assert.Equal((3, 2, 2), (count, rows, columns));
            Assert.Equal(12, pixels.Length);
            for (int i = 0; i < 12; i++) Assert.Equal(i * 37 % 256 / 255f, pixels[i]);
            Assert.Equal(new[] { 0, 1, 2 }, Idx.ReadLabels(labels));
        }

        [Fact]
        public void TruncatedFilesSaySo()
        {
            string images = Write("images", Images(2051, 3, 2, 2, 11));
            var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(images));
            Assert.Contains(images, ex.Message);
            Assert.Contains("truncated", ex.Message);
            string header = Write("header", new byte[] { 0, 0, 8, 3, 0, 0 });
            Assert.Contains("ends inside the IDX header", Assert.Throws<InvalidDataException>(() => Idx.ReadImages(header)).Message);

            byte[] zipped;
            using (var memory = new MemoryStream())
            {
                using (var zip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(Images(2051, 3, 2, 2, 12), 0, 28);
                zipped = memory.ToArray();
            }
            string cut = Write("cut.gz", zipped.AsSpan(0, zipped.Length / 2).ToArray());
            Assert.Contains(cut, Assert.ThrowsAny<InvalidDataException>(() => Idx.ReadImages(cut)).Message);
        }

        [Fact]
        public void WrongMagicNumbersAreNamed()
        {
            string labels = Write("labels", Labels(2049, 3, 3));
            var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(labels));
            Assert.Contains("magic number 2049, expected 2051 (this is a label file)", ex.Message);
            string images = Write("images", Images(2051, 1, 1, 1, 1));
            Assert.Contains("expected 2049", Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(images)).Message);
        }

        [Fact]
        public void CountsThatDisagreeWithTheLengthAreRefused()
        {
            string extra = Write("extra", Labels(2049, 3, 5));
            Assert.Contains("announces 3 labels", Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(extra)).Message);
            string negative = Write("negative", Images(2051, -1, 2, 2, 0));
            Assert.Contains("invalid image header", Assert.Throws<InvalidDataException>(() => Idx.ReadImages(negative)).Message);
        }

        [Fact]
        public void MissingFashionMnistExplainsHowToGetIt()
        {
            var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(_directory));
            Assert.Contains(Path.Combine(_directory, "train-images-idx3-ubyte"), ex.Message);
            Write("train-images-idx3-ubyte", Images(2051, 2, 28, 28, 2 * 784));
            Write("train-labels-idx1-ubyte", Labels(2049, 3, 3));
            Write("t10k-images-idx3-ubyte", Images(2051, 1, 28, 28, 784));
            Write("t10k-labels-idx1-ubyte", Labels(2049, 1, 1));
            Assert.Contains("has 3 labels for 2 images", Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_directory)).Message);
        }

        [Fact]
        public void TheDefaultLocationSuggestsTheDebianPackage()
        {
            if (File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "train-images-idx3-ubyte.gz"))) return; // installed: nothing to suggest
            var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load());
            Assert.Contains("apt-get install -y dataset-fashion-mnist", ex.Message);
        }
    }
}
