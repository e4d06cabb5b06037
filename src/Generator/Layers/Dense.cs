using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using static Unrolled.Generator.NetworkGenerator.Emitter;
using Emitter = Unrolled.Generator.NetworkGenerator.Emitter;

namespace Unrolled.Generator.Layers
{
    /// <summary><c>[Dense(units)]</c>: z = W·x + b, W <c>[units × inputs]</c> row-major then b in <c>Parameters</c>.</summary>
    internal sealed class Dense : Layer
    {
        public override LayerKind Kind => LayerKind.Dense;

        public override string Name => "dense";

        public override string Symbol => "z";

        public override int ParameterCount(LayerSpec layer) => layer.WeightCount + (layer.UseBias ? layer.OutputSize : 0);

        public override string Describe(LayerSpec layer) =>
            $"Dense {Int(layer.InputSize)} → {Int(layer.OutputSize)} ({Grouped(layer.ParameterCount)} parameters{(layer.UseBias ? string.Empty : ", no bias")}, {InitName(layer.Init)} init)";

        public override string ForwardMath(LayerSpec layer, string y, string x)
        {
            string k = Int(layer.Index);
            return layer.UseBias ? $"{y} = W{k}·{x} + b{k}" : $"{y} = W{k}·{x}";
        }

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            string k = Int(layer.Index), width = Int(layer.OutputSize), inWidth = Int(layer.InputSize);
            w.WriteLine($"//   W{k} is [{width} × {inWidth}], row-major (unit j's weights are the row W{k}[j, :]), so for the batch Z = X·W{k}ᵀ{(layer.UseBias ? " + b" + k : string.Empty)}.");
            w.WriteLine("//   Kernels.DenseForward blocks it into tiles of 3 samples × 4 units: 12 dot products run side by side over");
            w.WriteLine("//   8-float vectors with fused multiply-add, so each weight vector loaded serves 3 samples and each input vector 4 units.");
            string bias = layer.UseBias ? e.Slice(true, "_parameters", Const(layer, "BiasOffset"), width) : $"default({ReadOnlySpan}<{e.T}>)";
            w.WriteLine($"global::Unrolled.Kernels.DenseForward({e.InputRows(layer, input)}, {e.Slice(true, "_parameters", Const(layer, "WeightsOffset"), Int(layer.WeightCount))},");
            w.WriteLine($"    {bias}, {e.Slice(false, output, "0", $"m * {width}")}, m, {inWidth}, {width});");
        }
    }
}
