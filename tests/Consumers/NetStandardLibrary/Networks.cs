using Unrolled;

namespace Consumers.NetStandard
{
    /// <summary>The lesson's Keras model, declared in a C# 7.3 library.</summary>
    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)]
    [Dense(128)] [ReLU] [Dropout(0.3)]
    [Dense(10)] [Softmax]
    public partial class FashionNet { }

    /// <summary>Every other layer kind and loss, in double precision, nested in a class.</summary>
    public partial class Models
    {
        /// <summary>A small regression network.</summary>
        [Network(3, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
        [Dense(5, Init = Init.HeUniform)] [LeakyReLU(0.1)] [Dense(4)] [Tanh] [Dense(2)] [Sigmoid]
        public partial class Regressor { }

        /// <summary>A binary classifier.</summary>
        [Network(4, Loss = Loss.BinaryCrossEntropy)]
        [Dense(8, UseBias = false)] [BatchNorm] [ReLU] [Dense(1)] [Sigmoid]
        internal partial class Binary { }
    }

    /// <summary>Uses the generated API from C# 7.3.</summary>
    public static class Usage
    {
        /// <summary>One training step and one prediction.</summary>
        public static float Step(float[] inputs, int[] labels, float[] outputs)
        {
            var net = new FashionNet();
            float loss = net.ComputeGradients(inputs, labels, labels.Length);
            net.Forward(inputs, outputs, labels.Length);
            return loss;
        }
    }
}
