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
}
