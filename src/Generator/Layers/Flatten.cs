using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using static Unrolled.Generator.NetworkGenerator.Emitter;
using Emitter = Unrolled.Generator.NetworkGenerator.Emitter;

namespace Unrolled.Generator.Layers
{
    /// <summary>
    /// <c>[Flatten]</c>: C×H×W → C·H·W features, f[c·H·W + h·W + w] = x[c, h, w] (<c>torch.flatten(x, 1)</c>). A sample is
    /// stored channel-major already, so the values do not move: forward and backward are copies, kept as blocks of their own
    /// so that the change of shape is written where it happens.
    /// </summary>
    internal sealed class Flatten : Layer
    {
        public override LayerKind Kind => LayerKind.Flatten;

        public override string Name => "flatten";

        public override string Symbol => "f";

        /// <summary>The parser has checked the input is an image (UNR0012).</summary>
        public override LayerSpec Parse(LayerArguments a) => new PlainSpec(a.Index, Kind, a.Input, a.Input.Flattened, a.ParameterOffset, a.StatisticsOffset);

        /// <summary>ONNX Flatten with axis 1: [N, C, H, W] → [N, C·H·W], in the same order.</summary>
        public override string? OnnxNode(LayerSpec layer) => Onnx("Flatten", new string[0], OnnxInt("axis", 1));

        public override string Describe(LayerSpec layer) => $"Flatten {layer.Input} → {Int(layer.OutputSize)} features";

        public override string ForwardMath(LayerSpec layer, string y, string x) =>
            $"{y}[c·{Int(layer.Input.Plane)} + h·{Int(layer.Input.Width)} + w] = {x}[c, h, w]";

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            w.WriteLine($"//   A sample of {layer.Input} is stored channel by channel, row by row: already the order of the features, so this is a copy.");
            if (e.Loops)
            {
                string x = e.InputOf(layer.Index), f = Emitter.Symbol(layer);
                using (w.Open())
                {
                    Local(w, x, input);
                    Local(w, f, output);
                    w.WriteLine($"for (int i = 0; i < m * {Int(layer.OutputSize)}; i++) {f}[i] = {x}[i];");
                }
                return;
            }
            w.WriteLine($"{e.InputRows(layer, input)}.CopyTo({output});");
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            w.WriteLine($"//   ∂L/∂{names.X}[c, h, w] = ∂L/∂{names.Y}[c·{Int(layer.Input.Plane)} + h·{Int(layer.Input.Width)} + w]: the same values, back in their shape");
            if (e.Loops)
            {
                string dx = Emitter.D(names.X), df = Emitter.D(names.Y);
                using (w.Open())
                {
                    Local(w, df, names.GradientOut);
                    Local(w, dx, names.GradientIn);
                    w.WriteLine($"for (int i = 0; i < m * {Int(layer.OutputSize)}; i++) {dx}[i] = {df}[i];");
                }
                return;
            }
            w.WriteLine($"{e.Slice(true, names.GradientOut, "0", $"m * {Int(layer.OutputSize)}")}.CopyTo({names.GradientIn});");
        }
    }
}
