using Unrolled;

// Issue 17: loops-mode twins of the networks in Networks.cs and of the convolutional ones: the same attributes and seed with
// Code = GeneratedCode.Loops, so the two modes can be compared value for value (LoopsModeTests). "<name>Loops" is the twin of <name>.
namespace Unrolled.Runtime.Tests
{
    [Network(3, Loss = Loss.MeanSquaredError, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Dense(4)] [Dense(2, UseBias = false)]
    public partial class DenseMseDLoops { }

    [Network(5, Loss = Loss.CrossEntropy, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Dense(7, Init = Init.HeNormal)] [ReLU] [Dense(3)] [Softmax]
    public partial class ReLUSoftmaxDLoops { }

    [Network(4, Loss = Loss.MeanSquaredError, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Dense(5)] [LeakyReLU(0.1)] [Dense(2)] [LeakyReLU]
    public partial class LeakyMseDLoops { }

    [Network(4, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Dense(5)] [Sigmoid] [Dense(3)] [Sigmoid]
    public partial class SigmoidBceDLoops { }

    [Network(4, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Dense(3)] [Sigmoid] [Dropout(0)]
    public partial class BceUnfusedDLoops { }

    [Network(4, Loss = Loss.MeanSquaredError, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Dense(5, Init = Init.LeCunNormal)] [Tanh] [Dense(2)] [Tanh]
    public partial class TanhMseDLoops { }

    [Network(4, Loss = Loss.MeanSquaredError, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Dense(5)] [Softmax] [Dense(3)] [Softmax]
    public partial class SoftmaxMseDLoops { }

    [Network(4, Loss = Loss.CrossEntropy, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Dense(3)] [Sigmoid]
    public partial class CrossEntropyUnfusedDLoops { }

    [Network(5, Loss = Loss.CrossEntropy, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Dense(7, UseBias = false)] [BatchNorm] [ReLU] [Dense(3)] [Softmax]
    public partial class BatchNormDLoops { }

    [Network(3, Loss = Loss.MeanSquaredError, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [BatchNorm(Momentum = 0.9, Epsilon = 1e-5)] [Dense(4)] [Tanh] [BatchNorm] [Dense(2)]
    public partial class BatchNormFirstDLoops { }

    [Network(5, Loss = Loss.CrossEntropy, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Dense(9)] [ReLU] [Dropout(0.5)] [Dense(3)] [Softmax]
    public partial class DropoutDLoops { }

    [Network(6, Loss = Loss.CrossEntropy, Precision = Precision.Double, Seed = 3, Code = GeneratedCode.Loops)]
    [Dense(8)] [BatchNorm] [ReLU] [Dropout(0.4)]
    [Dense(7)] [ReLU] [Dropout(0.3)]
    [Dense(4)] [Softmax]
    public partial class SmallKerasDLoops { }

    [Network(2, Loss = Loss.MeanSquaredError, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Dense(3)] [LeakyReLU(0.1)] [Dense(2)] [Tanh] [Dense(1)] [Sigmoid]
    public partial class HandActivationsLoops { }

    [Network(2, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Dense(1)] [Sigmoid]
    public partial class LogisticRegressionLoops { }

    [Network(3, Loss = Loss.MeanSquaredError, Code = GeneratedCode.Loops)]
    [Dense(4)] [Dense(2, UseBias = false)]
    public partial class DenseMseSLoops { }

    [Network(5, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
    [Dense(7, Init = Init.HeNormal)] [ReLU] [Dense(3)] [Softmax]
    public partial class ReLUSoftmaxSLoops { }

    [Network(4, Loss = Loss.MeanSquaredError, Code = GeneratedCode.Loops)]
    [Dense(5)] [LeakyReLU(0.1)] [Dense(2)] [LeakyReLU]
    public partial class LeakyMseSLoops { }

    [Network(4, Loss = Loss.BinaryCrossEntropy, Code = GeneratedCode.Loops)]
    [Dense(5)] [Sigmoid] [Dense(3)] [Sigmoid]
    public partial class SigmoidBceSLoops { }

    [Network(4, Loss = Loss.MeanSquaredError, Code = GeneratedCode.Loops)]
    [Dense(5, Init = Init.LeCunNormal)] [Tanh] [Dense(2)] [Tanh]
    public partial class TanhMseSLoops { }

    [Network(4, Loss = Loss.MeanSquaredError, Code = GeneratedCode.Loops)]
    [Dense(5)] [Softmax] [Dense(3)] [Softmax]
    public partial class SoftmaxMseSLoops { }

    [Network(5, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
    [Dense(7, UseBias = false)] [BatchNorm] [ReLU] [Dense(3)] [Softmax]
    public partial class BatchNormSLoops { }

    [Network(3, Loss = Loss.MeanSquaredError, Code = GeneratedCode.Loops)]
    [BatchNorm(Momentum = 0.9, Epsilon = 1e-5)] [Dense(4)] [Tanh] [BatchNorm] [Dense(2)]
    public partial class BatchNormFirstSLoops { }

    [Network(5, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
    [Dense(9)] [ReLU] [Dropout(0.5)] [Dense(3)] [Softmax]
    public partial class DropoutSLoops { }

    [Network(6, Loss = Loss.CrossEntropy, Seed = 3, Code = GeneratedCode.Loops)]
    [Dense(8)] [BatchNorm] [ReLU] [Dropout(0.4)]
    [Dense(7)] [ReLU] [Dropout(0.3)]
    [Dense(4)] [Softmax]
    public partial class SmallKerasSLoops { }

    [Network(784, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
    [Dense(128)] [ReLU] [Dense(10)] [Softmax]
    public partial class TinyNNLoops { }

    [Network(784, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
    [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)]
    [Dense(128)] [ReLU] [Dropout(0.3)]
    [Dense(10)] [Softmax]
    public partial class FashionNetLoops { }

    [Network(2, 6, 5, Loss = Loss.CrossEntropy, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Conv2D(3, 3)] [Tanh] [Flatten] [Dense(4)] [Softmax]
    public partial class ConvValidDLoops { }

    [Network(1, 7, 6, Loss = Loss.CrossEntropy, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Conv2D(2, 3, Stride = 2, Padding = Padding.Same)] [Sigmoid] [Conv2D(3, 2, 3, UseBias = false)] [Flatten] [Dense(3)] [Softmax]
    public partial class ConvStridedDLoops { }

    [Network(1, 7, 6, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
    [Conv2D(2, 3, Stride = 2, Padding = Padding.Same)] [Sigmoid] [Conv2D(3, 2, 3, UseBias = false)] [Flatten] [Dense(3)] [Softmax]
    public partial class ConvStridedSLoops { }

    [Network(2, 6, 6, Loss = Loss.CrossEntropy, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Conv2D(3, 3, Padding = Padding.Same)] [BatchNorm] [Tanh] [MaxPool2D(2)] [Conv2D(4, 2)] [AvgPool2D(2, Stride = 1)] [GlobalAvgPool2D] [Dense(3)] [Softmax]
    public partial class ConvPoolsDLoops { }

    [Network(2, 6, 6, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
    [Conv2D(3, 3, Padding = Padding.Same)] [BatchNorm] [Tanh] [MaxPool2D(2)] [Conv2D(4, 2)] [AvgPool2D(2, Stride = 1)] [GlobalAvgPool2D] [Dense(3)] [Softmax]
    public partial class ConvPoolsSLoops { }

    [Network(3, 7, 9, Loss = Loss.CrossEntropy, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Conv2D(2, 5, Padding = Padding.Same)] [Tanh] [Conv2D(2, 5, UseBias = false)] [Flatten] [Dense(3)] [Softmax]
    public partial class ConvWideDLoops { }

    [Network(2, 7, 7, Loss = Loss.MeanSquaredError, Precision = Precision.Double, Code = GeneratedCode.Loops)]
    [Conv2D(2, 1)] [MaxPool2D(3, Stride = 2)] [Flatten] [Dense(2)]
    public partial class OverlappingPoolDLoops { }

    [Network(1, 28, 28, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
    [Conv2D(8, 3)] [ReLU] [MaxPool2D(2)] [Conv2D(16, 3)] [ReLU] [MaxPool2D(2)] [Flatten] [Dense(32)] [ReLU] [Dense(10)] [Softmax]
    public partial class LeNetSLoops { }
}
