using Unrolled;

// Networks under test: every layer kind, every loss, both precisions. "D" = Precision.Double, "S" = Precision.Single.
// Sizes are small and odd so that off-by-one errors in the unrolled loops show.
namespace Unrolled.Runtime.Tests
{
    [Network(3, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Dense(4)] [Dense(2, UseBias = false)]
    public partial class DenseMseD { }

    [Network(3, Loss = Loss.MeanSquaredError)]
    [Dense(4)] [Dense(2, UseBias = false)]
    public partial class DenseMseS { }

    [Network(5, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Dense(7, Init = Init.HeNormal)] [ReLU] [Dense(3)] [Softmax]
    public partial class ReLUSoftmaxD { }

    [Network(5, Loss = Loss.CrossEntropy)]
    [Dense(7, Init = Init.HeNormal)] [ReLU] [Dense(3)] [Softmax]
    public partial class ReLUSoftmaxS { }

    [Network(4, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Dense(5)] [LeakyReLU(0.1)] [Dense(2)] [LeakyReLU]
    public partial class LeakyMseD { }

    [Network(4, Loss = Loss.MeanSquaredError)]
    [Dense(5)] [LeakyReLU(0.1)] [Dense(2)] [LeakyReLU]
    public partial class LeakyMseS { }

    [Network(4, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]
    [Dense(5)] [Sigmoid] [Dense(3)] [Sigmoid]
    public partial class SigmoidBceD { }

    [Network(4, Loss = Loss.BinaryCrossEntropy)]
    [Dense(5)] [Sigmoid] [Dense(3)] [Sigmoid]
    public partial class SigmoidBceS { }

    // BCE on probabilities (no fused sigmoid: the last layer is an identity dropout).
    [Network(4, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]
    [Dense(3)] [Sigmoid] [Dropout(0)]
    public partial class BceUnfusedD { }

    [Network(4, Loss = Loss.BinaryCrossEntropy)]
    [Dense(3)] [Sigmoid] [Dropout(0)]
    public partial class BceUnfusedS { }

    [Network(4, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Dense(5, Init = Init.LeCunNormal)] [Tanh] [Dense(2)] [Tanh]
    public partial class TanhMseD { }

    [Network(4, Loss = Loss.MeanSquaredError)]
    [Dense(5, Init = Init.LeCunNormal)] [Tanh] [Dense(2)] [Tanh]
    public partial class TanhMseS { }

    // Softmax not fused: in the middle of the network, and at the end with MSE.
    [Network(4, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Dense(5)] [Softmax] [Dense(3)] [Softmax]
    public partial class SoftmaxMseD { }

    [Network(4, Loss = Loss.MeanSquaredError)]
    [Dense(5)] [Softmax] [Dense(3)] [Softmax]
    public partial class SoftmaxMseS { }

    // Cross-entropy on probabilities that are not a softmax (the clipped-log path).
    [Network(4, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Dense(3)] [Sigmoid]
    public partial class CrossEntropyUnfusedD { }

    [Network(4, Loss = Loss.CrossEntropy)]
    [Dense(3)] [Sigmoid]
    public partial class CrossEntropyUnfusedS { }

    [Network(5, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Dense(7, UseBias = false)] [BatchNorm] [ReLU] [Dense(3)] [Softmax]
    public partial class BatchNormD { }

    [Network(5, Loss = Loss.CrossEntropy)]
    [Dense(7, UseBias = false)] [BatchNorm] [ReLU] [Dense(3)] [Softmax]
    public partial class BatchNormS { }

    // BatchNorm as the first trainable layer (no input gradient) and after an activation.
    [Network(3, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [BatchNorm(Momentum = 0.9, Epsilon = 1e-5)] [Dense(4)] [Tanh] [BatchNorm] [Dense(2)]
    public partial class BatchNormFirstD { }

    [Network(3, Loss = Loss.MeanSquaredError)]
    [BatchNorm(Momentum = 0.9, Epsilon = 1e-5)] [Dense(4)] [Tanh] [BatchNorm] [Dense(2)]
    public partial class BatchNormFirstS { }

    [Network(5, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Dense(9)] [ReLU] [Dropout(0.5)] [Dense(3)] [Softmax]
    public partial class DropoutD { }

    [Network(5, Loss = Loss.CrossEntropy)]
    [Dense(9)] [ReLU] [Dropout(0.5)] [Dense(3)] [Softmax]
    public partial class DropoutS { }

    // The lesson's Keras model, shrunk: every kind of layer in one network.
    [Network(6, Loss = Loss.CrossEntropy, Precision = Precision.Double, Seed = 3)]
    [Dense(8)] [BatchNorm] [ReLU] [Dropout(0.4)]
    [Dense(7)] [ReLU] [Dropout(0.3)]
    [Dense(4)] [Softmax]
    public partial class SmallKerasD { }

    [Network(6, Loss = Loss.CrossEntropy, Seed = 3)]
    [Dense(8)] [BatchNorm] [ReLU] [Dropout(0.4)]
    [Dense(7)] [ReLU] [Dropout(0.3)]
    [Dense(4)] [Softmax]
    public partial class SmallKerasS { }

    // Full-size lesson networks.
    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(128)] [ReLU] [Dense(10)] [Softmax]
    public partial class TinyNN { }

    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)]
    [Dense(128)] [ReLU] [Dropout(0.3)]
    [Dense(10)] [Softmax]
    public partial class FashionNet { }

    // Tiny networks whose forward values the tests compute by hand.
    [Network(2, Precision = Precision.Double)]
    [Dense(2)] [ReLU] [Dense(3)] [Softmax]
    public partial class HandNet { }

    [Network(2, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Dense(3)] [LeakyReLU(0.1)] [Dense(2)] [Tanh] [Dense(1)] [Sigmoid]
    public partial class HandActivations { }

    [Network(2, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [BatchNorm(Momentum = 0.8, Epsilon = 0.01)] [Dense(1)]
    public partial class HandBatchNorm { }

    [Network(2, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]
    [Dense(1)] [Sigmoid]
    public partial class LogisticRegression { }
}

namespace Unrolled.Runtime.Tests
{
    // Dropout feeding a linear head: the output is linear in the mask, so E[training output] = inference output.
    [Network(5, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Dense(9)] [ReLU] [Dropout(0.4)] [Dense(2)]
    public partial class DropoutLinearHead { }
}

namespace Unrolled.Runtime.Tests
{
    // Ten sigmoid layers: the textbook vanishing-gradient network.
    [Network(5, Loss = Loss.CrossEntropy)]
    [Dense(8)] [Sigmoid] [Dense(8)] [Sigmoid] [Dense(8)] [Sigmoid] [Dense(8)] [Sigmoid] [Dense(8)] [Sigmoid]
    [Dense(8)] [Sigmoid] [Dense(8)] [Sigmoid] [Dense(8)] [Sigmoid] [Dense(8)] [Sigmoid] [Dense(8)] [Sigmoid]
    [Dense(3)] [Softmax]
    public partial class SigmoidStack { }

    // Six ReLU layers (weights are scaled up in the test to make gradients explode).
    [Network(5, Loss = Loss.CrossEntropy)]
    [Dense(16)] [ReLU] [Dense(16)] [ReLU] [Dense(16)] [ReLU] [Dense(16)] [ReLU] [Dense(16)] [ReLU] [Dense(3)] [Softmax]
    public partial class DeepReLU { }
}

namespace Unrolled.Runtime.Tests
{
    // The same network before and after an edit of one activation: equal counts, another layout (weights-file tests).
    [Network(3)] [Dense(4)] [ReLU] [Dense(2)] [Softmax]
    public partial class LayoutBefore { }

    [Network(3)] [Dense(4)] [Tanh] [Dense(2)] [Softmax]
    public partial class LayoutAfter { }

    [Network(3)] [Dense(4)] [ReLU] [Dense(2)] [Softmax]
    public partial class LayoutRenamed { }
}

namespace Unrolled.Runtime.Tests
{
    // Issue 13, finding 7: the float network whose gradient check cried wolf at a ReLU kink.
    [Network(4)] [Dense(7)] [ReLU] [Dense(3)] [Softmax]
    public partial class KinkNet { }
}

namespace Unrolled.Runtime.Tests
{
    // Issue 15: an image input (channels × height × width) and its flat twin, same seed, same parameters.
    [Network(2, 3, 4, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Tanh] [Flatten] [Dense(5)] [ReLU] [Dense(3)] [Softmax]
    public partial class ImageFlattenD { }

    [Network(24, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Tanh] [Dense(5)] [ReLU] [Dense(3)] [Softmax]
    public partial class ImageFlatTwinD { }
}

namespace Unrolled.Runtime.Tests
{
    // Issue 16: convolutional networks, each kind and each option, in double (finite differences) and float (twins).
    [Network(2, 6, 5, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Conv2D(3, 3)] [Tanh] [Flatten] [Dense(4)] [Softmax]
    public partial class ConvValidD { }

    // Same padding with stride 2 (asymmetric: the extra column on the right), a conv after a conv (col2im), a rectangular
    // kernel without bias.
    [Network(1, 7, 6, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Conv2D(2, 3, Stride = 2, Padding = Padding.Same)] [Sigmoid] [Conv2D(3, 2, 3, UseBias = false)] [Flatten] [Dense(3)] [Softmax]
    public partial class ConvStridedD { }

    [Network(1, 7, 6, Loss = Loss.CrossEntropy)]
    [Conv2D(2, 3, Stride = 2, Padding = Padding.Same)] [Sigmoid] [Conv2D(3, 2, 3, UseBias = false)] [Flatten] [Dense(3)] [Softmax]
    public partial class ConvStridedS { }

    // BatchNorm per channel, max pooling, average pooling with overlapping windows, global average pooling.
    [Network(2, 6, 6, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Conv2D(3, 3, Padding = Padding.Same)] [BatchNorm] [Tanh] [MaxPool2D(2)] [Conv2D(4, 2)] [AvgPool2D(2, Stride = 1)] [GlobalAvgPool2D] [Dense(3)] [Softmax]
    public partial class ConvPoolsD { }

    [Network(2, 6, 6, Loss = Loss.CrossEntropy)]
    [Conv2D(3, 3, Padding = Padding.Same)] [BatchNorm] [Tanh] [MaxPool2D(2)] [Conv2D(4, 2)] [AvgPool2D(2, Stride = 1)] [GlobalAvgPool2D] [Dense(3)] [Softmax]
    public partial class ConvPoolsS { }

    // Three input channels, 5×5 kernels, an odd 7×9 image: same padding (2 on each side), then valid without bias.
    [Network(3, 7, 9, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Conv2D(2, 5, Padding = Padding.Same)] [Tanh] [Conv2D(2, 5, UseBias = false)] [Flatten] [Dense(3)] [Softmax]
    public partial class ConvWideD { }

    // Overlapping max-pooling windows (3×3, stride 2): an input can be the maximum of two windows.
    [Network(2, 7, 7, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Conv2D(2, 1)] [MaxPool2D(3, Stride = 2)] [Flatten] [Dense(2)]
    public partial class OverlappingPoolD { }

    // A LeNet-sized float network for the threads and allocation tests (big enough for the kernels to split).
    [Network(1, 28, 28, Loss = Loss.CrossEntropy)]
    [Conv2D(8, 3)] [ReLU] [MaxPool2D(2)] [Conv2D(16, 3)] [ReLU] [MaxPool2D(2)] [Flatten] [Dense(32)] [ReLU] [Dense(10)] [Softmax]
    public partial class LeNetS { }
}

namespace Unrolled.Runtime.Tests
{
    // Issue 16: the run-time diagnosis on convolutional layers.
    [Network(1, 6, 6, Loss = Loss.CrossEntropy)]
    [Conv2D(4, 3, Init = Init.HeUniform)] [ReLU] [Flatten] [Dense(8, Init = Init.HeUniform)] [ReLU] [Dense(3)] [Softmax]
    public partial class DiagnosedCnn { }
}
