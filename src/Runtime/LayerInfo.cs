using System;

namespace Unrolled
{
    /// <summary>The kind of a layer in a generated network.</summary>
    public enum LayerKind
    {
        /// <summary><see cref="DenseAttribute"/>.</summary>
        Dense,
        /// <summary><see cref="ReLUAttribute"/>.</summary>
        ReLU,
        /// <summary><see cref="LeakyReLUAttribute"/>.</summary>
        LeakyReLU,
        /// <summary><see cref="SigmoidAttribute"/>.</summary>
        Sigmoid,
        /// <summary><see cref="TanhAttribute"/>.</summary>
        Tanh,
        /// <summary><see cref="SoftmaxAttribute"/>.</summary>
        Softmax,
        /// <summary><see cref="BatchNormAttribute"/>.</summary>
        BatchNorm,
        /// <summary><see cref="DropoutAttribute"/>.</summary>
        Dropout,
        /// <summary><see cref="FlattenAttribute"/>.</summary>
        Flatten,
        /// <summary><see cref="Conv2DAttribute"/>.</summary>
        Conv2D,
        /// <summary><see cref="MaxPool2DAttribute"/>.</summary>
        MaxPool2D,
        /// <summary><see cref="AvgPool2DAttribute"/>.</summary>
        AvgPool2D,
        /// <summary><see cref="GlobalAvgPool2DAttribute"/>.</summary>
        GlobalAvgPool2D,
    }

    /// <summary>
    /// One layer of a generated network, as data: what it is, its shapes, and where its parameters live in the
    /// flat <c>Parameters</c>/<c>Gradients</c> buffers and its non-trainable state in <c>RunningStatistics</c>.
    /// </summary>
    public sealed class LayerInfo
    {
        /// <summary>Creates a layer description (called by generated code). <c>hyperparameter</c> is the LeakyReLU slope,
        /// Dropout rate or BatchNorm momentum, <c>epsilon</c> the BatchNorm ε (0 for other layers). The shapes default to
        /// <paramref name="inputSize"/> and <paramref name="outputSize"/> features; a rank-3 shape must hold as many values.</summary>
        public LayerInfo(int index, LayerKind kind, string name, string description, int inputSize, int outputSize,
            int parameterOffset, int parameterCount, int statisticsOffset, int statisticsCount,
            double hyperparameter = 0, double epsilon = 0, bool hasBias = false, OnnxNode? onnx = null,
            TensorShape? inputShape = null, TensorShape? outputShape = null)
        {
            InputShape = inputShape ?? TensorShape.Features(inputSize);
            OutputShape = outputShape ?? TensorShape.Features(outputSize);
            if (InputShape.Size != inputSize || OutputShape.Size != outputSize)
                throw new ArgumentException($"Layer {name}: the shapes {InputShape} → {OutputShape} do not hold {inputSize} → {outputSize} values.");
            Onnx = onnx;
            Hyperparameter = hyperparameter;
            Epsilon = epsilon;
            HasBias = hasBias;
            Index = index;
            Kind = kind;
            Name = name;
            Description = description;
            InputSize = inputSize;
            OutputSize = outputSize;
            ParameterOffset = parameterOffset;
            ParameterCount = parameterCount;
            StatisticsOffset = statisticsOffset;
            StatisticsCount = statisticsCount;
        }

        /// <summary>1-based position in declaration order (the number in <c>z1</c>, <c>W1</c>, …).</summary>
        public int Index { get; }

        /// <summary>Layer kind.</summary>
        public LayerKind Kind { get; }

        /// <summary>Short name, e.g. <c>dense_1</c>.</summary>
        public string Name { get; }

        /// <summary>One line in English, e.g. <c>Dense 784 → 128 (100,480 parameters)</c>.</summary>
        public string Description { get; }

        /// <summary>Values per sample entering the layer (C·H·W for an image).</summary>
        public int InputSize { get; }

        /// <summary>The shape of a sample entering the layer: features, or channels × height × width.</summary>
        public TensorShape InputShape { get; }

        /// <summary>The shape of a sample leaving the layer.</summary>
        public TensorShape OutputShape { get; }

        /// <summary>Values per sample leaving the layer.</summary>
        public int OutputSize { get; }

        /// <summary>Offset of the layer's first trainable parameter in <c>Parameters</c>.</summary>
        public int ParameterOffset { get; }

        /// <summary>Trainable parameters (Dense: weights then bias; BatchNorm: γ then β).</summary>
        public int ParameterCount { get; }

        /// <summary>Offset of the layer's non-trainable state in <c>RunningStatistics</c>.</summary>
        public int StatisticsOffset { get; }

        /// <summary>Non-trainable values (BatchNorm: running mean then running variance).</summary>
        public int StatisticsCount { get; }

        /// <summary>LeakyReLU slope, Dropout rate or BatchNorm momentum (Keras convention); 0 for other layers.</summary>
        public double Hyperparameter { get; }

        /// <summary>BatchNorm ε; 0 for other layers.</summary>
        public double Epsilon { get; }

        /// <summary>The weights of a Dense or Conv2D layer (its parameters before the bias); 0 for other kinds.</summary>
        public int WeightCount => Kind switch
        {
            LayerKind.Dense => InputSize * OutputSize,
            LayerKind.Conv2D => ParameterCount - (HasBias ? OutputShape.Channels : 0),
            _ => 0,
        };

        /// <summary>Whether a Dense or Conv2D layer adds a bias (it follows the weights in <c>Parameters</c>).</summary>
        public bool HasBias { get; }

        /// <summary>How the layer runs in ONNX at inference (written by the generator from the layer's kind); null for a
        /// layer that is the identity at inference (Dropout).</summary>
        public OnnxNode? Onnx { get; }

        /// <inheritdoc />
        public override string ToString() => Description;
    }
}
