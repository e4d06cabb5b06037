using Unrolled;

namespace Mistakes
{
    // The lesson's "NOT Dense → Activation → BatchNorm" (UNR0101) and its Dropout rules (UNR0104, UNR0105).
    [Network(784)]
    [Dense(256)] [ReLU] [BatchNorm]
    [Dense(128)] [Dropout(0.3)] [ReLU]
    [Dense(64)] [Dropout(0.2)] [BatchNorm] [ReLU]
    [Dense(10)] [Softmax]
    public partial class OrderMistakes { }

    // Softmax with mean squared error (UNR0102), two activations (UNR0106), Dense after Dense (UNR0107).
    [Network(784, Loss = Loss.MeanSquaredError)]
    [Dense(128)] [ReLU] [Tanh]
    [Dense(64)] [Dense(10)] [Softmax]
    public partial class PairingMistakes { }

    // Cross-entropy on logits (UNR0103).
    [Network(784)]
    [Dense(128)] [ReLU] [Dense(10)]
    public partial class Logits { }

    // ReLU before the output Softmax (UNR0113); Dropout as the last layer (UNR0110).
    [Network(784)] [Dense(10)] [ReLU] [Softmax]
    public partial class Clipped { }

    [Network(784, Loss = Loss.MeanSquaredError)] [Dense(10)] [Dropout(0.5)]
    public partial class DropoutLast { }

    public static class Training
    {
        // A learning rate that explodes the loss (UNR0201) and a tiny epsilon (UNR0204).
        public static Optimizer Create() => new Adam(learningRate: 0.5, epsilon: 1e-12);
    }
}
