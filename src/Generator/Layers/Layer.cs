using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using Emitter = Unrolled.Generator.NetworkGenerator.Emitter;

namespace Unrolled.Generator.Layers
{
    /// <summary>
    /// One kind of layer, and everything the generator knows about it, in one file per kind: its names, how many
    /// parameters and running statistics it has, its line in the network explanation, its forward formula and the
    /// forward code it emits. The network-level emitter walks the layers and asks each one's kind; it never switches on
    /// the kind itself. (Still outside the catalogue, to be moved into it: argument parsing and its diagnostics, the
    /// backward code, the buffer list, the initialisation and the ONNX mapping.)
    /// </summary>
    internal abstract class Layer
    {
        /// <summary>The kind (the shared enum the analyzers also use).</summary>
        public abstract LayerKind Kind { get; }

        /// <summary>snake_case name, as in Keras: the "dense" of <c>dense_1</c> in <c>LayerInfo</c> and summaries.</summary>
        public abstract string Name { get; }

        /// <summary>The math symbol of the layer's output (<c>z</c> for Dense, <c>a</c> for an activation, …).</summary>
        public virtual string Symbol => "a";

        /// <summary>Trainable parameters (in <c>Parameters</c>).</summary>
        public virtual int ParameterCount(LayerSpec layer) => 0;

        /// <summary>Non-trainable values (in <c>RunningStatistics</c>).</summary>
        public virtual int StatisticsCount(LayerSpec layer) => 0;

        /// <summary>One English line, e.g. "Dense 784 → 128 (100,480 parameters, Xavier uniform init)".</summary>
        public abstract string Describe(LayerSpec layer);

        /// <summary>The forward formula in the lesson's notation, from output <paramref name="y"/> (already "ŷ = a4" for the
        /// last layer) and input <paramref name="x"/>.</summary>
        public abstract string ForwardMath(LayerSpec layer, string y, string x);

        /// <summary>The forward block's code after its two header comments: <paramref name="input"/> and
        /// <paramref name="output"/> are the expressions of the layer's input and output buffers; <c>m</c>, <c>training</c>
        /// and <c>s</c> (the pass's buffers) are in scope.</summary>
        public abstract void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output);
    }
}
