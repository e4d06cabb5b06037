using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using static Unrolled.Generator.NetworkGenerator.Emitter;
using Emitter = Unrolled.Generator.NetworkGenerator.Emitter;

namespace Unrolled.Generator.Layers
{
    /// <summary><c>[Softmax]</c>: ŷ = e^(z − max z) / Σ e^(z − max z), per sample.</summary>
    internal sealed class Softmax : Layer
    {
        public override LayerKind Kind => LayerKind.Softmax;

        public override string Name => "softmax";

        /// <summary>Softmax then cross-entropy: ∂L/∂z = (ŷ − y) / m (the lesson §2, quiz 2).</summary>
        public override bool FusesWith(LossKind loss) => loss == LossKind.CrossEntropy;

        /// <summary>ONNX Softmax over the features (axis 1 of [batch × features]).</summary>
        public override string? OnnxNode(LayerSpec layer) => Onnx("Softmax", new string[0], OnnxInt("axis", 1));

        public override string Describe(LayerSpec layer) => $"Softmax over {Int(layer.OutputSize)} outputs";

        public override string ForwardMath(LayerSpec layer, string y, string x) => $"{y} = softmax({x}) = e^({x} − max {x}) / Σ e^({x} − max {x})";

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            string width = Int(layer.OutputSize);
            w.WriteLine("//   Subtracting the max first keeps every exponent ≤ 0, so e^(·) never overflows (the lesson's stable softmax).");
            // Loops mode names the buffers as the math does (z3, a4); the kernel mode's blocks keep input and output.
            string x = e.Loops ? e.InputOf(layer.Index) : "input", y = e.Loops ? Emitter.Symbol(layer) : "output";
            using (w.Open())
            {
                Local(w, x, input);
                Local(w, y, output);
                using (w.Open("for (int b = 0; b < m; b++)"))
                {
                    w.WriteLine($"int o = b * {width};");
                    w.WriteLine($"var max = {x}[o];");
                    w.WriteLine($"for (int j = 1; j < {width}; j++) if ({x}[o + j] > max) max = {x}[o + j];");
                    w.WriteLine($"{e.T} sum = {e.Literal(0)};");
                    using (w.Open($"for (int j = 0; j < {width}; j++)"))
                    {
                        w.WriteLine($"var e = {Numerics}.Exp({x}[o + j] - max);");
                        w.WriteLine($"{y}[o + j] = e;");
                        w.WriteLine("sum += e;");
                    }
                    w.WriteLine($"var inverse = {e.Literal(1)} / sum;");
                    w.WriteLine($"for (int j = 0; j < {width}; j++) {y}[o + j] *= inverse;");
                }
            }
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            string width = Int(layer.OutputSize);
            string y = names.Y, x = names.X, output = names.Output, gradOut = names.GradientOut, gradIn = names.GradientIn;
            w.WriteLine($"//   ∂L/∂{x}[j] = {y}[j] · (∂L/∂{y}[j] − Σ_i ∂L/∂{y}[i] · {y}[i])   (the softmax Jacobian, diag(a) − a·aᵀ, applied per sample)");
            string a = e.Loops ? y : "output", delta = e.Loops ? Emitter.D(y) : "delta", inputDelta = e.Loops ? Emitter.D(x) : "inputDelta";
            using (w.Open())
            {
                Local(w, a, output);
                Local(w, delta, gradOut);
                Local(w, inputDelta, gradIn);
                using (w.Open("for (int b = 0; b < m; b++)"))
                {
                    w.WriteLine($"int o = b * {width};");
                    w.WriteLine($"{e.T} dot = {e.Literal(0)};");
                    w.WriteLine($"for (int j = 0; j < {width}; j++) dot += {delta}[o + j] * {a}[o + j];");
                    w.WriteLine($"for (int j = 0; j < {width}; j++) {inputDelta}[o + j] = {a}[o + j] * ({delta}[o + j] - dot);");
                }
            }
        }
    }
}
