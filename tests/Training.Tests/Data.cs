using System;
using Unrolled;

namespace Unrolled.Training.Tests
{
    /// <summary>Fashion-MNIST, loaded once for all tests. A missing dataset fails the tests with the install command.</summary>
    internal static class Data
    {
        private static readonly Lazy<(Dataset<float> Training, Dataset<float> Test)> s_data = new Lazy<(Dataset<float>, Dataset<float>)>(() => FashionMnist.Load());

        public static Dataset<float> Training => s_data.Value.Training;

        public static Dataset<float> Test => s_data.Value.Test;
    }

    /// <summary>Every other activation kind and a Dense without bias, for the ONNX mapping of each kind.</summary>
    [Network(6, Loss = Loss.BinaryCrossEntropy, Seed = 4)]
    [Dense(5, UseBias = false)] [LeakyReLU(0.1)] [Dense(4)] [Tanh] [Dropout(0.2)] [Dense(3)] [Sigmoid]
    public partial class EveryActivation { }

    /// <summary>Issue 16: each convolutional kind's ONNX node. Keras "same" with stride 2 (the extra column on the right),
    /// BatchNorm per channel, overlapping max pooling, a convolution without bias, average pooling, Flatten.</summary>
    [Network(3, 9, 8, Loss = Loss.CrossEntropy, Seed = 7)]
    [Conv2D(4, 3, Stride = 2, Padding = Padding.Same)] [BatchNorm] [ReLU] [MaxPool2D(2, Stride = 1)]
    [Conv2D(5, 2, UseBias = false)] [AvgPool2D(2)] [Flatten] [Dense(3)] [Softmax]
    public partial class EveryConvolution { }

    /// <summary>Global average pooling into the dense part.</summary>
    [Network(2, 6, 6, Loss = Loss.BinaryCrossEntropy, Seed = 8)]
    [Conv2D(3, 3)] [Tanh] [GlobalAvgPool2D] [Dense(2)] [Sigmoid]
    public partial class GlobalPooling { }

    /// <summary>An image input (N×C×H×W in ONNX) flattened into the dense part (issue 15).</summary>
    [Network(2, 3, 4, Loss = Loss.CrossEntropy, Seed = 6)]
    [Sigmoid] [Flatten] [Dense(4)] [Softmax]
    public partial class ImageInput { }

    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(128)] [ReLU] [Dense(10)] [Softmax]
    public partial class TinyNN { }

    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)]
    [Dense(128)] [ReLU] [Dropout(0.3)]
    [Dense(10)] [Softmax]
    public partial class FashionNet { }

    /// <summary>Issue 17: loops-mode twins (GeneratedCode.Loops) of the ONNX networks above; their export runs as their Forward.</summary>
    [Network(6, Loss = Loss.BinaryCrossEntropy, Seed = 4, Code = GeneratedCode.Loops)]
    [Dense(5, UseBias = false)] [LeakyReLU(0.1)] [Dense(4)] [Tanh] [Dropout(0.2)] [Dense(3)] [Sigmoid]
    public partial class EveryActivationLoops { }

    [Network(3, 9, 8, Loss = Loss.CrossEntropy, Seed = 7, Code = GeneratedCode.Loops)]
    [Conv2D(4, 3, Stride = 2, Padding = Padding.Same)] [BatchNorm] [ReLU] [MaxPool2D(2, Stride = 1)]
    [Conv2D(5, 2, UseBias = false)] [AvgPool2D(2)] [Flatten] [Dense(3)] [Softmax]
    public partial class EveryConvolutionLoops { }

    [Network(2, 6, 6, Loss = Loss.BinaryCrossEntropy, Seed = 8, Code = GeneratedCode.Loops)]
    [Conv2D(3, 3)] [Tanh] [GlobalAvgPool2D] [Dense(2)] [Sigmoid]
    public partial class GlobalPoolingLoops { }
}
