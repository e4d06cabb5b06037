namespace Unrolled
{
    /// <summary>The loss a generated network minimises. Every loss is a mean, as in PyTorch and Keras.</summary>
    public enum Loss
    {
        /// <summary>
        /// Categorical cross-entropy, <c>L = −(1/m) Σ_b Σ_k y_bk · log ŷ_bk</c>, averaged over the batch
        /// (PyTorch <c>nn.CrossEntropyLoss</c>, Keras <c>categorical_crossentropy</c>). Paired with a final
        /// <see cref="SoftmaxAttribute"/> the backward pass is the fused <c>∂L/∂z = (ŷ − y)/m</c> of the lesson.
        /// </summary>
        CrossEntropy = 0,

        /// <summary>
        /// Binary cross-entropy, <c>L = −mean(y·log ŷ + (1 − y)·log(1 − ŷ))</c> over all output elements
        /// (PyTorch <c>nn.BCELoss</c>, Keras <c>binary_crossentropy</c>). Paired with a final
        /// <see cref="SigmoidAttribute"/> it is computed from the logits (log-sum-exp stable) and its gradient is fused.
        /// </summary>
        BinaryCrossEntropy = 1,

        /// <summary>Mean squared error over all output elements, <c>L = mean((ŷ − y)²)</c> (PyTorch <c>nn.MSELoss</c>).</summary>
        MeanSquaredError = 2,
    }

    /// <summary>The floating-point type of parameters, activations and gradients.</summary>
    public enum Precision
    {
        /// <summary>32-bit <see cref="float"/> (default; what Keras and PyTorch train with).</summary>
        Single = 0,

        /// <summary>64-bit <see cref="double"/>: slower, but finite-difference gradient checks become exact to ~1e-9.</summary>
        Double = 1,
    }

    /// <summary>
    /// Weight initialisers. Names and formulas follow Keras (<c>keras.initializers</c>); the normal variants are,
    /// as in Keras, truncated at two standard deviations and rescaled so the variance is exactly the one given.
    /// Biases always start at zero (Keras <c>bias_initializer="zeros"</c>).
    /// </summary>
    public enum Init
    {
        /// <summary>Glorot/Xavier uniform, <c>U(−l, l)</c>, <c>l = √(6/(fan_in + fan_out))</c>, so Var = 2/(fan_in + fan_out)
        /// (the lesson §1; Keras <c>Dense</c> default <c>glorot_uniform</c>).</summary>
        XavierUniform = 0,

        /// <summary>Glorot/Xavier normal, Var = 2/(fan_in + fan_out) (the lesson's TinyNN; Keras <c>glorot_normal</c>).</summary>
        XavierNormal = 1,

        /// <summary>He uniform, <c>U(−l, l)</c>, <c>l = √(6/fan_in)</c>, Var = 2/fan_in, for ReLU layers (Keras <c>he_uniform</c>).</summary>
        HeUniform = 2,

        /// <summary>He normal, Var = 2/fan_in, for ReLU layers (Keras <c>he_normal</c>).</summary>
        HeNormal = 3,

        /// <summary>LeCun normal, Var = 1/fan_in, for SELU/tanh-like layers (Keras <c>lecun_normal</c>).</summary>
        LeCunNormal = 4,
    }

    /// <summary>How a convolution treats the border, with Keras' names (<c>padding="valid"</c> / <c>"same"</c>).</summary>
    public enum Padding
    {
        /// <summary>No padding: only windows entirely inside the input, ⌊(H − k)/stride⌋ + 1 outputs (Keras' default;
        /// PyTorch <c>padding=0</c>).</summary>
        Valid = 0,

        /// <summary>Zero padding so that there are ⌈H/stride⌉ outputs, as Keras and TensorFlow: the total padding
        /// <c>max((out − 1)·stride + k − H, 0)</c> is split with the extra row and column, when it is odd, at the bottom and
        /// right (ONNX <c>auto_pad="SAME_UPPER"</c>). With stride 1 and an odd kernel the output is the input's size.</summary>
        Same = 1,
    }

    /// <summary>What the generator writes for each layer's arithmetic (<see cref="NetworkAttribute.Code"/>).</summary>
    public enum GeneratedCode
    {
        /// <summary>Calls into the runtime's kernels (<c>Kernels.DenseForward</c>, <c>Kernels.Im2Col</c>, …): register-tiled,
        /// vectorised, split over <c>Kernels.Threads</c>. The default, and the fast one.</summary>
        Kernels = 0,

        /// <summary>Every layer's forward and backward pass written out in the generated file as plain nested loops with
        /// compile-time bounds, each loop headed by the equation it computes (<c>∂L/∂W3[j, i] = Σ_b ∂L/∂z3[b, j] · a2[b, i]</c>),
        /// so the file reads like the lesson's NumPy and a debugger steps through every multiply. For learning, not speed: one
        /// thread, no vectors (docs/benchmarks.md measures how much slower). Results equal the kernels' up to rounding
        /// (the sums run in another order).</summary>
        Loops = 1,
    }
}
