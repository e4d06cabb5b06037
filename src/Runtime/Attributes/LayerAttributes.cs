using System;

namespace Unrolled
{
    /// <summary>Base type of every layer attribute. Layers are applied in the order they appear in source.</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public abstract class LayerAttribute : Attribute
    {
        private protected LayerAttribute() { }
    }

    /// <summary>
    /// Fully connected layer, <c>z = W·x + b</c>, with <c>W</c> stored row-major as <c>[units × inputs]</c>
    /// (the lesson's notation and PyTorch's <c>nn.Linear</c> layout), followed by the bias.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class DenseAttribute : LayerAttribute
    {
        /// <summary>A dense layer with <paramref name="units"/> outputs.</summary>
        /// <param name="units">Output units; at least 1.</param>
        public DenseAttribute(int units) => Units = units;

        /// <summary>Output units.</summary>
        public int Units { get; }

        /// <summary>Whether the layer has a bias <c>b</c>. Default <c>true</c> (Keras <c>use_bias=True</c>, PyTorch <c>bias=True</c>).
        /// Set it to <c>false</c> when a <see cref="BatchNormAttribute"/> follows: its β makes the bias redundant.</summary>
        public bool UseBias { get; set; } = true;

        /// <summary>Weight initialiser. Default <see cref="Unrolled.Init.XavierUniform"/> (Keras <c>glorot_uniform</c>).</summary>
        public Init Init { get; set; } = Init.XavierUniform;
    }

    /// <summary>Rectified linear unit, <c>a = max(0, x)</c>; <c>ReLU'(x) = 1 if x &gt; 0 else 0</c> (the lesson §2).</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class ReLUAttribute : LayerAttribute { }

    /// <summary>Leaky ReLU, <c>a = x if x &gt; 0 else slope·x</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class LeakyReLUAttribute : LayerAttribute
    {
        /// <summary>Leaky ReLU with the Keras default slope 0.3 (<c>keras.layers.LeakyReLU(negative_slope=0.3)</c>;
        /// PyTorch's <c>nn.LeakyReLU</c> defaults to 0.01).</summary>
        public LeakyReLUAttribute() : this(0.3) { }

        /// <summary>Leaky ReLU with the given negative slope.</summary>
        /// <param name="slope">Slope for negative inputs; at least 0.</param>
        public LeakyReLUAttribute(double slope) => Slope = slope;

        /// <summary>Slope for negative inputs.</summary>
        public double Slope { get; }
    }

    /// <summary>Logistic sigmoid, <c>a = 1/(1 + e^(−x))</c>; <c>σ'(x) = a·(1 − a)</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class SigmoidAttribute : LayerAttribute { }

    /// <summary>Hyperbolic tangent, <c>a = tanh(x)</c>; <c>tanh'(x) = 1 − a²</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class TanhAttribute : LayerAttribute { }

    /// <summary>Softmax over the features of each sample, computed stably as <c>e^(x − max x) / Σ e^(x − max x)</c> (the lesson §1).</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class SoftmaxAttribute : LayerAttribute { }

    /// <summary>
    /// Batch normalisation over the features (Ioffe &amp; Szegedy 2015; the lesson §4):
    /// <c>y = γ·(x − μ)/√(σ² + ε) + β</c>. Training mode uses the batch mean and (biased) variance and updates the
    /// running statistics as Keras does: <c>running = momentum·running + (1 − momentum)·batch</c>. Inference mode
    /// uses the running statistics. Trainable: γ (starts at 1) then β (starts at 0).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class BatchNormAttribute : LayerAttribute
    {
        /// <summary>Weight of the old running statistics. Default 0.99 (Keras <c>BatchNormalization(momentum=0.99)</c>;
        /// PyTorch's <c>momentum=0.1</c> is the weight of the new value, i.e. 0.9 here). Must be in [0, 1).</summary>
        public double Momentum { get; set; } = 0.99;

        /// <summary>Added to the variance for numerical stability. Default 1e-3 (Keras <c>epsilon=0.001</c>;
        /// PyTorch uses 1e-5). Must be greater than 0.</summary>
        public double Epsilon { get; set; } = 1e-3;
    }

    /// <summary>
    /// Inverted dropout (the lesson's quiz 5, "the modern approach"): in training each activation is zeroed with
    /// probability <c>rate</c> and the survivors are scaled by <c>1/(1 − rate)</c>, so inference is the identity
    /// (Keras <c>Dropout</c>, PyTorch <c>nn.Dropout</c>).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class DropoutAttribute : LayerAttribute
    {
        /// <summary>Dropout with the given rate.</summary>
        /// <param name="rate">Fraction of activations zeroed in training, in [0, 1).</param>
        public DropoutAttribute(double rate) => Rate = rate;

        /// <summary>Fraction of activations zeroed in training.</summary>
        public double Rate { get; }
    }

    /// <summary>
    /// Flattens a channels × height × width input into C·H·W features, feature <c>c·H·W + h·W + w</c> being channel c, row h,
    /// column w (<c>torch.flatten(x, 1)</c>, PyTorch <c>nn.Flatten</c>, ONNX <c>Flatten</c> with axis 1; Keras <c>Flatten</c>
    /// on channels-first data). The values do not move: a sample is already stored in that order. Goes between the
    /// convolutional part of a network and its <see cref="DenseAttribute"/> layers.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class FlattenAttribute : LayerAttribute { }
}
