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
            using (w.Open())
            {
                w.WriteLine($"var input = {input};");
                w.WriteLine($"var output = {output};");
                using (w.Open("for (int b = 0; b < m; b++)"))
                {
                    w.WriteLine($"int o = b * {width};");
                    w.WriteLine("var max = input[o];");
                    w.WriteLine($"for (int j = 1; j < {width}; j++) if (input[o + j] > max) max = input[o + j];");
                    w.WriteLine($"{e.T} sum = {e.Literal(0)};");
                    using (w.Open($"for (int j = 0; j < {width}; j++)"))
                    {
                        w.WriteLine($"var e = {Numerics}.Exp(input[o + j] - max);");
                        w.WriteLine("output[o + j] = e;");
                        w.WriteLine("sum += e;");
                    }
                    w.WriteLine($"var inverse = {e.Literal(1)} / sum;");
                    w.WriteLine($"for (int j = 0; j < {width}; j++) output[o + j] *= inverse;");
                }
            }
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            string width = Int(layer.OutputSize);
            string y = names.Y, x = names.X, output = names.Output, gradOut = names.GradientOut, gradIn = names.GradientIn;
            w.WriteLine($"//   ∂L/∂{x}[j] = {y}[j] · (∂L/∂{y}[j] − Σ_i ∂L/∂{y}[i] · {y}[i])   (the softmax Jacobian, diag(a) − a·aᵀ, applied per sample)");
            using (w.Open())
            {
                w.WriteLine($"var output = {output};");
                w.WriteLine($"var delta = {gradOut};");
                w.WriteLine($"var inputDelta = {gradIn};");
                using (w.Open("for (int b = 0; b < m; b++)"))
                {
                    w.WriteLine($"int o = b * {width};");
                    w.WriteLine($"{e.T} dot = {e.Literal(0)};");
                    w.WriteLine($"for (int j = 0; j < {width}; j++) dot += delta[o + j] * output[o + j];");
                    w.WriteLine($"for (int j = 0; j < {width}; j++) inputDelta[o + j] = output[o + j] * (delta[o + j] - dot);");
                }
            }
        }
    }
}
