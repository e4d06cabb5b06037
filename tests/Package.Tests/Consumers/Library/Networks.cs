using Unrolled;

namespace Library
{
    /// <summary>The lesson's Keras model in a C# 7.3 netstandard2.0 library.</summary>
    [Network(784, Loss = Loss.CrossEntropy)]
    [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)]
    [Dense(128)] [ReLU] [Dropout(0.3)]
    [Dense(10)] [Softmax]
    public partial class FashionNet { }

    /// <summary>Calls the generated API.</summary>
    public static class Use
    {
        /// <summary>One training step.</summary>
        public static float Step(float[] images, int[] labels)
        {
            var net = new FashionNet();
            return net.ComputeGradients(images, labels, labels.Length);
        }
    }
}
