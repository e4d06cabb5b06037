using Unrolled;

// Networks checked against PyTorch: odd sizes (7, 13), every layer kind, every loss.
namespace Unrolled.Peer.Tests
{
    [Network(7, Loss = Loss.CrossEntropy)]
    [Dense(13)] [ReLU] [Dense(5)] [Softmax]
    public partial class ReLUClassifier { }

    [Network(7, Loss = Loss.CrossEntropy)]
    [Dense(13, UseBias = false)] [BatchNorm] [ReLU] [Dense(4)] [Softmax]
    public partial class BatchNormClassifier { }

    [Network(13, Loss = Loss.BinaryCrossEntropy)]
    [Dense(7)] [LeakyReLU(0.1)] [Dense(3)] [Sigmoid]
    public partial class LeakyBinary { }

    [Network(5, Loss = Loss.MeanSquaredError)]
    [Dense(13)] [Tanh] [Dense(2)]
    public partial class TanhRegressor { }

    [Network(6, Loss = Loss.MeanSquaredError)]
    [Dense(7)] [Sigmoid] [Dropout(0)] [Dense(3)] [Softmax]
    public partial class SoftmaxRegressor { }

    [Network(3, Loss = Loss.BinaryCrossEntropy)]
    [BatchNorm(Momentum = 0.9, Epsilon = 1e-5)] [Dense(6)] [Tanh] [Dense(2)] [Sigmoid] [Dropout(0)]
    public partial class BatchNormFirstBinary { }

    [Network(4, Loss = Loss.CrossEntropy)]
    [Dense(3)] [Sigmoid]
    public partial class SigmoidCrossEntropy { }

    // Dropout with rate > 0 draws other masks than PyTorch: compared in inference mode only.
    [Network(5, Loss = Loss.CrossEntropy)]
    [Dense(9)] [ReLU] [Dropout(0.5)] [Dense(3)] [Softmax]
    public partial class DropoutClassifier { }

    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(128)] [ReLU] [Dense(10)] [Softmax]
    public partial class TinyNN { }

    // Issue 16: the convolutional kinds. Three input channels and odd sizes (7×9); a 3×3 valid convolution, max pooling.
    [Network(3, 7, 9, Loss = Loss.CrossEntropy)]
    [Conv2D(4, 3)] [ReLU] [MaxPool2D(2)] [Flatten] [Dense(5)] [Softmax]
    public partial class ConvClassifier { }

    // Keras' "same" with stride 2 and an even kernel: padding 1 above and left, 2 below and right. BatchNorm per channel,
    // overlapping average pooling.
    [Network(1, 7, 9, Loss = Loss.CrossEntropy)]
    [Conv2D(3, 4, Stride = 2, Padding = Padding.Same, UseBias = false)] [BatchNorm] [Tanh] [AvgPool2D(2, Stride = 1)] [Flatten] [Dense(4)] [Softmax]
    public partial class SameConvClassifier { }

    // 1×1 and 2×1 kernels, overlapping max pooling, global average pooling, mean squared error.
    [Network(2, 6, 5, Loss = Loss.MeanSquaredError)]
    [Conv2D(3, 1)] [Sigmoid] [MaxPool2D(3, Stride = 2)] [Conv2D(2, 2, 1)] [GlobalAvgPool2D] [Dense(2)]
    public partial class PooledRegressor { }

    // 5×5 kernels on three channels (K = 75), LeakyReLU.
    [Network(3, 9, 8, Loss = Loss.BinaryCrossEntropy)]
    [Conv2D(2, 5, Padding = Padding.Same)] [LeakyReLU(0.1)] [Flatten] [Dense(3)] [Sigmoid]
    public partial class WideKernelBinary { }

    // The sample's FashionCnn (samples/Common/Networks.cs) with Dropout(0): masks are drawn by other generators than
    // PyTorch's, so the training comparisons use this twin; a test checks the two differ in the dropout rate only.
    [Network(1, 28, 28, Loss = Loss.CrossEntropy)]
    [Conv2D(32, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
    [Conv2D(64, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
    [Flatten]
    [Dense(128)] [ReLU] [Dropout(0)]
    [Dense(10)] [Softmax]
    public partial class SampleCnnWithoutDropout { }

    // The same in double precision, for the optimiser comparison against PyTorch in float64.
    [Network(1, 28, 28, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Conv2D(32, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
    [Conv2D(64, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
    [Flatten]
    [Dense(128)] [ReLU] [Dropout(0)]
    [Dense(10)] [Softmax]
    public partial class SampleCnnDouble { }
}

namespace Unrolled.Peer.Tests
{
    // Issue 17: loops-mode twins (Code = GeneratedCode.Loops) of the networks above, checked against PyTorch the same way.
    [Network(7, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
    [Dense(13)] [ReLU] [Dense(5)] [Softmax]
    public partial class ReLUClassifierLoops { }

    [Network(7, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
    [Dense(13, UseBias = false)] [BatchNorm] [ReLU] [Dense(4)] [Softmax]
    public partial class BatchNormClassifierLoops { }

    [Network(13, Loss = Loss.BinaryCrossEntropy, Code = GeneratedCode.Loops)]
    [Dense(7)] [LeakyReLU(0.1)] [Dense(3)] [Sigmoid]
    public partial class LeakyBinaryLoops { }

    [Network(5, Loss = Loss.MeanSquaredError, Code = GeneratedCode.Loops)]
    [Dense(13)] [Tanh] [Dense(2)]
    public partial class TanhRegressorLoops { }

    [Network(3, 7, 9, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
    [Conv2D(4, 3)] [ReLU] [MaxPool2D(2)] [Flatten] [Dense(5)] [Softmax]
    public partial class ConvClassifierLoops { }

    [Network(1, 7, 9, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
    [Conv2D(3, 4, Stride = 2, Padding = Padding.Same, UseBias = false)] [BatchNorm] [Tanh] [AvgPool2D(2, Stride = 1)] [Flatten] [Dense(4)] [Softmax]
    public partial class SameConvClassifierLoops { }

    [Network(2, 6, 5, Loss = Loss.MeanSquaredError, Code = GeneratedCode.Loops)]
    [Conv2D(3, 1)] [Sigmoid] [MaxPool2D(3, Stride = 2)] [Conv2D(2, 2, 1)] [GlobalAvgPool2D] [Dense(2)]
    public partial class PooledRegressorLoops { }

    [Network(3, 9, 8, Loss = Loss.BinaryCrossEntropy, Code = GeneratedCode.Loops)]
    [Conv2D(2, 5, Padding = Padding.Same)] [LeakyReLU(0.1)] [Flatten] [Dense(3)] [Sigmoid]
    public partial class WideKernelBinaryLoops { }
}
