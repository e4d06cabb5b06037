using System.Collections.Generic;
using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using Emitter = Unrolled.Generator.NetworkGenerator.Emitter;

namespace Unrolled.Generator.Layers
{
    /// <summary>
    /// One kind of layer, and everything the generator knows about it, in one file per kind: how its attribute is read
    /// (arguments, defaults, diagnostics) into its own spec record, its names, how many parameters and running statistics
    /// it has, its line in the network explanation, its forward formula, the forward and backward code it emits, its
    /// buffers, its initialisation and how it maps to ONNX. The network-level parser and emitter walk the layers and ask
    /// each one's kind; they never switch on the kind. What the analyzers need to know of a kind is in
    /// src/Shared/LayerFacts.cs, compiled into both, with the input rank the kind takes (the parser checks it). Its shape
    /// rule is in <see cref="Parse"/>: the spec's <c>Output</c> from <see cref="LayerArguments.Input"/>.
    /// </summary>
    internal abstract class Layer
    {
        /// <summary>The kind (the shared enum the analyzers also use).</summary>
        public abstract LayerKind Kind { get; }

        /// <summary>snake_case name, as in Keras: the "dense" of <c>dense_1</c> in <c>LayerInfo</c> and summaries.</summary>
        public abstract string Name { get; }

        /// <summary>The math symbol of the layer's output (<c>z</c> for Dense, <c>a</c> for an activation, …).</summary>
        public virtual string Symbol => "a";

        /// <summary>Reads the attribute (its arguments, their defaults and their diagnostics) into a spec. Never throws on
        /// user input: a bad argument is reported and a usable value kept, so later layers are still checked.</summary>
        /// <remarks>The default is an element-wise layer without arguments: the output has the input's shape.</remarks>
        public virtual LayerSpec Parse(LayerArguments a) => new PlainSpec(a.Index, Kind, a.Input, a.Input, a.ParameterOffset, a.StatisticsOffset);

        /// <summary>Whether, as the output layer with <paramref name="loss"/>, its Jacobian and the loss's cancel so that the
        /// loss writes ∂L/∂(its input) = (ŷ − y)/… directly (softmax + cross-entropy, sigmoid + binary cross-entropy).</summary>
        public virtual bool FusesWith(LossKind loss) => false;

        /// <summary>Trainable parameters (in <c>Parameters</c>).</summary>
        public virtual int ParameterCount(LayerSpec layer) => 0;

        /// <summary>Trainable parameters without int overflow, for the parser's size limit.</summary>
        public virtual long ParameterCountUnchecked(LayerSpec layer) => ParameterCount(layer);

        /// <summary>Non-trainable values (in <c>RunningStatistics</c>).</summary>
        public virtual int StatisticsCount(LayerSpec layer) => 0;

        /// <summary>The public constants after the layer's <c>LayerNSize</c>: offsets of its parameters and statistics.</summary>
        public virtual void WriteConstants(SourceWriter w, LayerSpec layer) { }

        /// <summary>Its part of <c>FillParameters(parameters, seed)</c> (a SplitMix64 <c>random</c> is in scope).</summary>
        public virtual void WriteInitialisation(Emitter e, SourceWriter w, LayerSpec layer) { }

        /// <summary>Its part of <c>FillStatistics(statistics)</c>.</summary>
        public virtual void WriteStatisticsInitialisation(Emitter e, SourceWriter w, LayerSpec layer) { }

        /// <summary>The per-pass buffers it needs besides its output and its gradient (fields of PassBuffers).</summary>
        public virtual IEnumerable<BufferInfo> Buffers(Emitter e, LayerSpec layer) => System.Array.Empty<BufferInfo>();

        /// <summary>How the layer runs in ONNX at inference, as a C# expression of a <c>global::Unrolled.OnnxNode</c> for its
        /// LayerInfo, or null when it is the identity at inference. <see cref="Onnx"/> writes the expression.</summary>
        public abstract string? OnnxNode(LayerSpec layer);

        /// <summary><c>new global::Unrolled.OnnxNode("op", tensors, attributes)</c> from C# expressions of the tensors
        /// (<see cref="OnnxTensor"/>) and attributes.</summary>
        protected static string Onnx(string op, string[] tensors, params string[] attributes) =>
            $"new global::Unrolled.OnnxNode(\"{op}\", {Array("OnnxTensor", tensors)}, {Array("OnnxAttribute", attributes)})";

        /// <summary>A tensor of <c>Parameters</c> (or of <c>RunningStatistics</c>) named layer.<paramref name="suffix"/>.</summary>
        protected static string OnnxTensor(string suffix, bool statistics, int offset, params int[] dimensions) =>
            $"new global::Unrolled.OnnxTensor(\"{suffix}\", {(statistics ? "true" : "false")}, {Emitter.Int(offset)}, {string.Join(", ", System.Linq.Enumerable.Select(dimensions, Emitter.Int))})";

        protected static string OnnxInt(string name, long value) => $"global::Unrolled.OnnxAttribute.Int(\"{name}\", {value.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

        protected static string OnnxInts(string name, params int[] values) =>
            $"global::Unrolled.OnnxAttribute.Ints(\"{name}\", {string.Join(", ", System.Linq.Enumerable.Select(values, v => Emitter.Int(v) + "L"))})";

        protected static string OnnxFloat(string name, double value) => $"global::Unrolled.OnnxAttribute.Float(\"{name}\", {Emitter.DoubleLiteral(value)})";

        private static string Array(string type, string[] items) =>
            items.Length == 0 ? $"new global::Unrolled.{type}[0]" : $"new global::Unrolled.{type}[] {{ {string.Join(", ", items)} }}";

        /// <summary>One English line, e.g. "Dense 784 → 128 (100,480 parameters, Xavier uniform init)".</summary>
        public abstract string Describe(LayerSpec layer);

        /// <summary>The forward formula in the lesson's notation, from output <paramref name="y"/> (already "ŷ = a4" for the
        /// last layer) and input <paramref name="x"/>.</summary>
        public abstract string ForwardMath(LayerSpec layer, string y, string x);

        /// <summary>The forward block's code after its two header comments: <paramref name="input"/> and
        /// <paramref name="output"/> are the expressions of the layer's input and output buffers; <c>m</c>, <c>training</c>
        /// and <c>s</c> (the pass's buffers) are in scope. With <see cref="Emitter.Loops"/> (<c>Code = GeneratedCode.Loops</c>)
        /// the kind writes its math as plain loops instead of kernel calls, each loop nest headed by its equation.</summary>
        public abstract void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output);

        /// <summary>The backward block's code after its header comment: ∂L/∂(output) → ∂L/∂(parameters) into
        /// <c>_gradients</c> (and with <c>sgdRate</c> ≠ 0 the fused SGD step) and, when <see cref="BlockNames.NeedsInputGradient"/>,
        /// ∂L/∂(input). <c>m</c>, <c>sgdRate</c> and <c>s</c> are in scope.</summary>
        public abstract void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names);
    }

    /// <summary>A per-batch or per-feature buffer the forward or backward pass needs: its field in PassBuffers.</summary>
    internal readonly struct BufferInfo
    {
        public BufferInfo(string name, int width, bool perSample, string comment, bool trainingOnly = false)
        {
            Name = name;
            Width = width;
            PerSample = perSample;
            Comment = comment;
            TrainingOnly = trainingOnly;
        }

        public string Name { get; }
        public int Width { get; }
        public bool PerSample { get; }
        public string Comment { get; }
        /// <summary>Used by training only (masks, gradients): inference buffers leave it empty.</summary>
        public bool TrainingOnly { get; }
    }

    /// <summary>What a layer's backward block refers to: the math symbols of its input and output, and the expressions of the
    /// buffers holding them and their gradients.</summary>
    internal sealed class BlockNames
    {
        public BlockNames(string x, string y, string input, string output, string gradientOut, string gradientIn, bool needsInputGradient)
        {
            X = x;
            Y = y;
            Input = input;
            Output = output;
            GradientOut = gradientOut;
            GradientIn = gradientIn;
            NeedsInputGradient = needsInputGradient;
        }

        /// <summary>The input's symbol (<c>x</c>, <c>z1</c>, …) and the output's (<c>a2</c>, …).</summary>
        public string X { get; }
        public string Y { get; }

        /// <summary>The buffers of the input (the training batch for the first layer) and the output.</summary>
        public string Input { get; }
        public string Output { get; }

        /// <summary>∂L/∂(output), and ∂L/∂(input) (empty when not needed).</summary>
        public string GradientOut { get; }
        public string GradientIn { get; }

        /// <summary>Whether a trainable layer comes before, so ∂L/∂(input) must be formed.</summary>
        public bool NeedsInputGradient { get; }
    }
}
