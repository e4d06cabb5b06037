using Unrolled;

namespace Lesson2
{
    /// <summary>Quiz 1: ten tanh layers of 100 units (fan_in = fan_out, so Xavier's Var(W) = 1/100).</summary>
    [Network(100, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Dense(100)] [Tanh] [Dense(100)] [Tanh] [Dense(100)] [Tanh] [Dense(100)] [Tanh] [Dense(100)] [Tanh]
    [Dense(100)] [Tanh] [Dense(100)] [Tanh] [Dense(100)] [Tanh] [Dense(100)] [Tanh] [Dense(100)] [Tanh]
    public partial class TanhStack { }

    /// <summary>Quiz 2: one Dense layer into softmax + cross-entropy, in double so finite differences are exact to ~1e-10.</summary>
    [Network(6, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Dense(4)] [Softmax]
    public partial class SoftmaxClassifier { }

    /// <summary>Quizzes 3 and 8: a bare set of weights for an optimiser to move (gradients are written by the experiment).</summary>
    [Network(4, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Dense(1, UseBias = false)]
    public partial class FourWeights { }

    /// <summary>Quiz 4: the lesson's placement, Dense → BatchNorm → ReLU.</summary>
    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(128, UseBias = false)] [BatchNorm] [ReLU]
    [Dense(10)] [Softmax]
    public partial class BatchNormBeforeReLU { }

#pragma warning disable UNR0101 // BatchNorm after the activation is the point of this experiment
    /// <summary>Quiz 4: the placement the lesson warns against, Dense → ReLU → BatchNorm.</summary>
    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(128)] [ReLU] [BatchNorm]
    [Dense(10)] [Softmax]
    public partial class BatchNormAfterReLU { }
#pragma warning restore UNR0101

    /// <summary>Quiz 5: ReLU features with the lesson's Dropout(0.4) after them.</summary>
    [Network(50, Loss = Loss.MeanSquaredError)]
    [Dense(200)] [ReLU] [Dropout(0.4)]
    [Dense(1)]
    public partial class DropoutProbe { }

    /// <summary>Quiz 6: a body (two ReLU layers) and a 5-class head; pretrained on one task, fine-tuned on another.</summary>
    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(256, Init = Init.HeUniform)] [ReLU]
    [Dense(128, Init = Init.HeUniform)] [ReLU]
    [Dense(5)] [Softmax]
    public partial class PretrainedNet { }
}
