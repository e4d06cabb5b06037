using System;
using System.IO;
using System.IO.Compression;

namespace Unrolled
{
    /// <summary>
    /// Reads the IDX files of MNIST and Fashion-MNIST, gzip-compressed or raw: a big-endian header (magic 2051 for
    /// images with count, rows, columns; 2049 for labels with count), then one unsigned byte per pixel or label.
    /// Every problem is an <see cref="InvalidDataException"/> or <see cref="FileNotFoundException"/> naming the file.
    /// </summary>
    public static class Idx
    {
        private const int ImagesMagic = 2051, LabelsMagic = 2049;

        /// <summary>Images as floats scaled to [0, 1] (pixel / 255), sample-major, with their shape.</summary>
        public static (float[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
        {
            byte[] data = ReadAll(path);
            int magic = Header(data, 0, path);
            if (magic != ImagesMagic)
                throw new InvalidDataException($"{path} is not an IDX image file: magic number {magic}, expected {ImagesMagic}{(magic == LabelsMagic ? " (this is a label file)" : string.Empty)}.");
            int count = Header(data, 4, path), rows = Header(data, 8, path), columns = Header(data, 12, path);
            if (count < 0 || rows < 1 || columns < 1)
                throw new InvalidDataException($"{path} has an invalid image header: {count} images of {rows}×{columns}.");
            long expected = 16 + (long)count * rows * columns;
            CheckLength(path, data.Length, expected, $"{count} images of {rows}×{columns}");
            var pixels = new float[(long)count * rows * columns];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = data[16 + i] / 255f; // as torchvision's ToTensor
            return (pixels, count, rows, columns);
        }

        /// <summary>Labels as class indices.</summary>
        public static int[] ReadLabels(string path)
        {
            byte[] data = ReadAll(path);
            int magic = Header(data, 0, path);
            if (magic != LabelsMagic)
                throw new InvalidDataException($"{path} is not an IDX label file: magic number {magic}, expected {LabelsMagic}{(magic == ImagesMagic ? " (this is an image file)" : string.Empty)}.");
            int count = Header(data, 4, path);
            if (count < 0) throw new InvalidDataException($"{path} has an invalid label count {count}.");
            CheckLength(path, data.Length, 8 + (long)count, $"{count} labels");
            var labels = new int[count];
            for (int i = 0; i < count; i++) labels[i] = data[8 + i];
            return labels;
        }

        private static void CheckLength(string path, long actual, long expected, string what)
        {
            if (actual < expected)
                throw new InvalidDataException($"{path} is truncated: its header announces {what} ({expected:N0} bytes) but it holds {actual:N0} bytes.");
            if (actual > expected)
                throw new InvalidDataException($"{path} is malformed: its header announces {what} ({expected:N0} bytes) but it holds {actual:N0} bytes.");
        }

        private static int Header(byte[] data, int offset, string path)
        {
            if (data.Length < offset + 4) throw new InvalidDataException($"{path} is truncated: it ends inside the IDX header ({data.Length} bytes).");
            return (data[offset] << 24) | (data[offset + 1] << 16) | (data[offset + 2] << 8) | data[offset + 3];
        }

        /// <summary>The file's bytes, decompressed when it starts with the gzip magic 1f 8b.</summary>
        private static byte[] ReadAll(string path)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist.", path);
            byte[] raw = File.ReadAllBytes(path);
            if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b) return raw;
            try
            {
                using var input = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
                using var output = new MemoryStream();
                input.CopyTo(output);
                return output.ToArray();
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{path} is a corrupt or truncated gzip file: {e.Message}", e);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"{path} is a truncated gzip file: {e.Message}", e);
            }
        }
    }

    /// <summary>Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test images of 28×28, 10 classes.</summary>
    public static class FashionMnist
    {
        /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts the files.</summary>
        public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

        /// <summary>Pixels per image.</summary>
        public const int InputSize = 28 * 28;

        /// <summary>The class names, by label.</summary>
        public static readonly string[] ClassNames =
            { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

        /// <summary>Loads the training and test sets (pixels scaled to [0, 1]) from <paramref name="directory"/>.</summary>
        public static (Dataset<float> Training, Dataset<float> Test) Load(string directory = DefaultDirectory)
        {
            string Find(string name)
            {
                foreach (string candidate in new[] { name + ".gz", name })
                {
                    string path = Path.Combine(directory, candidate);
                    if (File.Exists(path)) return path;
                }
                string hint = Path.GetFullPath(directory).TrimEnd('/') == DefaultDirectory
                    ? " Install the data with: sudo apt-get install -y dataset-fashion-mnist"
                    : " Pass the directory that holds the four IDX files (optionally .gz).";
                throw new FileNotFoundException($"Fashion-MNIST file {Path.Combine(directory, name)}[.gz] was not found.{hint}", Path.Combine(directory, name + ".gz"));
            }

            Dataset<float> Read(string images, string labels)
            {
                (float[] pixels, int count, int rows, int columns) = Idx.ReadImages(Find(images));
                if (rows * columns != InputSize) throw new InvalidDataException($"{Find(images)} holds {rows}×{columns} images; Fashion-MNIST images are 28×28.");
                int[] classes = Idx.ReadLabels(Find(labels));
                if (classes.Length != count) throw new InvalidDataException($"{Find(labels)} has {classes.Length} labels for {count} images in {Find(images)}.");
                foreach (int label in classes)
                    if (label > 9) throw new InvalidDataException($"{Find(labels)} holds label {label}; Fashion-MNIST has classes 0–9.");
                return new Dataset<float>(pixels, InputSize, classes);
            }

            return (Read("train-images-idx3-ubyte", "train-labels-idx1-ubyte"), Read("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"));
        }
    }
}
