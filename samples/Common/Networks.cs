using Unrolled;

namespace Unrolled.Samples
{
    /// <summary>The lesson's NumPy TinyNN: 784 → 128 → ReLU → 10 → softmax, cross-entropy.</summary>
    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(128)] [ReLU]
    [Dense(10)] [Softmax]
    public partial class TinyNN { }

    /// <summary>The lesson's Keras model (§4): BatchNorm before the activation, Dropout after it.</summary>
    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)]
    [Dense(128)] [ReLU] [Dropout(0.3)]
    [Dense(10)] [Softmax]
    public partial class FashionNet { }
}
