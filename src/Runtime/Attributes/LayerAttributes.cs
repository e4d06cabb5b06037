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

    /// <summary>
    /// 2-D convolution (cross-correlation, as in every framework) of a C×H×W input with <c>filters</c> kernels of
    /// C×kh×kw: <c>z[o, i, j] = b[o] + Σ_c Σ_u Σ_v W[o, c, u, v] · x[c, i·s + u − p, j·s + v − p]</c>. The weights are stored
    /// <c>[filters × channels × kh × kw]</c> row-major (PyTorch <c>Conv2d.weight</c>, ONNX <c>Conv</c>), then the bias.
    /// Defaults follow Keras' <c>Conv2D</c>: stride 1, <see cref="Padding.Valid"/>, a bias, Glorot-uniform weights with
    /// fan_in = C·kh·kw and fan_out = filters·kh·kw.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class Conv2DAttribute : LayerAttribute
    {
        /// <summary>A convolution with <paramref name="filters"/> square kernels of <paramref name="kernelSize"/> × <paramref name="kernelSize"/>.</summary>
        /// <param name="filters">Output channels; at least 1.</param>
        /// <param name="kernelSize">Kernel height and width; at least 1.</param>
        public Conv2DAttribute(int filters, int kernelSize) : this(filters, kernelSize, kernelSize) { }

        /// <summary>A convolution with <paramref name="filters"/> kernels of <paramref name="kernelHeight"/> × <paramref name="kernelWidth"/>.</summary>
        /// <param name="filters">Output channels; at least 1.</param>
        /// <param name="kernelHeight">Kernel rows; at least 1.</param>
        /// <param name="kernelWidth">Kernel columns; at least 1.</param>
        public Conv2DAttribute(int filters, int kernelHeight, int kernelWidth)
        {
            Filters = filters;
            KernelHeight = kernelHeight;
            KernelWidth = kernelWidth;
        }

        /// <summary>Output channels.</summary>
        public int Filters { get; }

        /// <summary>Kernel rows.</summary>
        public int KernelHeight { get; }

        /// <summary>Kernel columns.</summary>
        public int KernelWidth { get; }

        /// <summary>Step between windows, along both axes. Default 1 (Keras <c>strides=(1, 1)</c>).</summary>
        public int Stride { get; set; } = 1;

        /// <summary>Border treatment. Default <see cref="Unrolled.Padding.Valid"/> (Keras <c>padding="valid"</c>).</summary>
        public Padding Padding { get; set; } = Padding.Valid;

        /// <summary>Whether each filter adds a bias. Default <c>true</c> (Keras <c>use_bias=True</c>); set <c>false</c> when a
        /// <see cref="BatchNormAttribute"/> follows.</summary>
        public bool UseBias { get; set; } = true;

        /// <summary>Weight initialiser. Default <see cref="Unrolled.Init.XavierUniform"/> (Keras <c>glorot_uniform</c>).</summary>
        public Init Init { get; set; } = Init.XavierUniform;
    }

    /// <summary>
    /// Max pooling over windows of <c>poolSize</c> × <c>poolSize</c>, per channel: <c>a[c, i, j] = max_{u,v} x[c, i·s + u, j·s + v]</c>,
    /// valid windows only (Keras <c>MaxPooling2D</c>, PyTorch <c>nn.MaxPool2d</c>). A NaN in a window gives NaN (as PyTorch);
    /// the gradient of a window goes to its maximum, to the first one (row by row) when several are equal.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class MaxPool2DAttribute : LayerAttribute
    {
        /// <summary>Max pooling over <paramref name="poolSize"/> × <paramref name="poolSize"/> windows, stride <paramref name="poolSize"/>.</summary>
        /// <param name="poolSize">Window height and width; at least 1.</param>
        public MaxPool2DAttribute(int poolSize)
        {
            PoolSize = poolSize;
            Stride = poolSize;
        }

        /// <summary>Window height and width.</summary>
        public int PoolSize { get; }

        /// <summary>Step between windows. Default: the pool size (Keras <c>strides=None</c>, PyTorch <c>stride=None</c>).</summary>
        public int Stride { get; set; }
    }

    /// <summary>
    /// Average pooling over windows of <c>poolSize</c> × <c>poolSize</c>, per channel: <c>a[c, i, j] = (1/k²) Σ_{u,v} x[c, i·s + u, j·s + v]</c>,
    /// valid windows only (Keras <c>AveragePooling2D</c>, PyTorch <c>nn.AvgPool2d</c>); the gradient of a window is spread evenly.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class AvgPool2DAttribute : LayerAttribute
    {
        /// <summary>Average pooling over <paramref name="poolSize"/> × <paramref name="poolSize"/> windows, stride <paramref name="poolSize"/>.</summary>
        /// <param name="poolSize">Window height and width; at least 1.</param>
        public AvgPool2DAttribute(int poolSize)
        {
            PoolSize = poolSize;
            Stride = poolSize;
        }

        /// <summary>Window height and width.</summary>
        public int PoolSize { get; }

        /// <summary>Step between windows. Default: the pool size (Keras <c>strides=None</c>).</summary>
        public int Stride { get; set; }
    }

    /// <summary>
    /// Global average pooling: C×H×W → C features, each channel's mean over its H·W values (Keras
    /// <c>GlobalAveragePooling2D</c>, PyTorch <c>nn.AdaptiveAvgPool2d(1)</c> then flatten, ONNX <c>GlobalAveragePool</c>).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class GlobalAvgPool2DAttribute : LayerAttribute { }
}
