using System;

namespace Unrolled
{
    /// <summary>
    /// Marks a <c>partial</c> class as a neural network. The layer attributes on the same declaration
    /// (<see cref="DenseAttribute"/>, <see cref="ReLUAttribute"/>, …) are the layers, in source order, and the
    /// Unrolled source generator emits the fully unrolled forward and backward passes into the class.
    /// </summary>
    /// <example><code>
    /// [Network(784, Loss = Loss.CrossEntropy)]
    /// [Dense(128)] [ReLU]
    /// [Dense(10)] [Softmax]
    /// public partial class TinyNN { }
    /// </code></example>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
    public sealed class NetworkAttribute : Attribute
    {
        /// <summary>Declares a network with <paramref name="inputs"/> input features per sample.</summary>
        /// <param name="inputs">Input features per sample (784 for a 28×28 image); at least 1.</param>
        public NetworkAttribute(int inputs) => Inputs = inputs;

        /// <summary>Declares a network whose samples are images of <paramref name="channels"/> × <paramref name="height"/> ×
        /// <paramref name="width"/> values, channel-major (PyTorch/ONNX NCHW within a batch): value <c>c·H·W + h·W + w</c> of a
        /// sample is channel c, row h, column w. Fashion-MNIST's 784 pixels, row by row, are already <c>[Network(1, 28, 28)]</c>.</summary>
        /// <param name="channels">Channels (1 for grey, 3 for RGB); at least 1.</param>
        /// <param name="height">Rows; at least 1.</param>
        /// <param name="width">Columns; at least 1.</param>
        public NetworkAttribute(int channels, int height, int width)
        {
            Inputs = channels * height * width;
            Channels = channels;
            Height = height;
            Width = width;
        }

        /// <summary>Input values per sample (C·H·W for an image).</summary>
        public int Inputs { get; }

        /// <summary>Input channels of an image network; 0 when the input is features.</summary>
        public int Channels { get; }

        /// <summary>Input rows of an image network; 0 when the input is features.</summary>
        public int Height { get; }

        /// <summary>Input columns of an image network; 0 when the input is features.</summary>
        public int Width { get; }

        /// <summary>The training loss. Default <see cref="Unrolled.Loss.CrossEntropy"/>, the lesson's loss for classification.</summary>
        public Loss Loss { get; set; } = Loss.CrossEntropy;

        /// <summary>Floating-point type of the generated code. Default <see cref="Unrolled.Precision.Single"/>.</summary>
        public Precision Precision { get; set; } = Precision.Single;

        /// <summary>
        /// Seed of the initial parameters and of the dropout masks. Default 0: unlike Keras (random by default),
        /// a new instance is reproducible unless you ask otherwise.
        /// </summary>
        public int Seed { get; set; }

        /// <summary>
        /// What the generated forward and backward passes are made of. Default <see cref="GeneratedCode.Kernels"/>: calls into
        /// the runtime's fast kernels. <see cref="GeneratedCode.Loops"/> writes every layer as plain loops with the equation
        /// each computes, to read and step through in a debugger; the API, <c>Layers</c>, <c>Summary()</c>, the ONNX export and
        /// the weights file are the same in both.
        /// </summary>
        public GeneratedCode Code { get; set; } = GeneratedCode.Kernels;
    }
}
