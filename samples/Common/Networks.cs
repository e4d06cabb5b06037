using Unrolled;

namespace Unrolled.Samples
{
    /// <summary>The lesson's NumPy TinyNN: 784 → 128 → ReLU → 10 → softmax, cross-entropy.</summary>
    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(128)] [ReLU]
    [Dense(10)] [Softmax]
    public partial class TinyNN { }

    /// <summary>The same TinyNN written as plain loops (<c>Code = GeneratedCode.Loops</c>): to read beside the lesson's NumPy
    /// and to step through in a debugger (<c>./train.sh --model tiny-loops</c>); the same results, slower.</summary>
    [Network(784, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
    [Dense(128)] [ReLU]
    [Dense(10)] [Softmax]
    public partial class TinyNNLoops { }

    /// <summary>The lesson's Keras model (§4): BatchNorm before the activation, Dropout after it.</summary>
    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)]
    [Dense(128)] [ReLU] [Dropout(0.3)]
    [Dense(10)] [Softmax]
    public partial class FashionNet { }

    /// <summary>A small CNN (issue 16), with the lesson's placement rule in each block: Conv → BatchNorm → ReLU (the
    /// convolutions have no bias: BatchNorm's β replaces it), then pooling; Dropout after the dense activation. Keras'
    /// default (Glorot) initialisation throughout: He for the Dense(128) before ReLU (UNR0112's Info) reached the same test
    /// accuracy (0.9155 against 0.9153) but a first loss of 4.0 instead of ln 10, which the run-time diagnosis flags.</summary>
    [Network(1, 28, 28, Loss = Loss.CrossEntropy)]
    [Conv2D(32, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
    [Conv2D(64, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
    [Flatten]
    [Dense(128)] [ReLU] [Dropout(0.5)]
    [Dense(10)] [Softmax]
    public partial class FashionCnn { }
}
