using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using static Unrolled.Generator.Diagnostics.DiagnosticDescriptors;
using static Unrolled.Generator.NetworkGenerator.Emitter;
using Emitter = Unrolled.Generator.NetworkGenerator.Emitter;

namespace Unrolled.Generator.Layers
{
    /// <summary>A LeakyReLU layer's argument: <c>[LeakyReLU(slope)]</c>.</summary>
    internal sealed record LeakyReLUSpec(int Index, int InputSize, int OutputSize, int ParameterOffset, int StatisticsOffset, double Slope)
        : LayerSpec(Index, LayerKind.LeakyReLU, InputSize, OutputSize, ParameterOffset, StatisticsOffset)
    {
        public override (double Hyperparameter, double Epsilon, bool HasBias) InfoArguments => (Slope, 0, false);
    }

    /// <summary><c>[ReLU]</c>: a = max(0, z), NaN kept (PyTorch's rule), a vector kernel.</summary>
    internal sealed class ReLU : Layer
    {
        public override LayerKind Kind => LayerKind.ReLU;

        public override string Name => "relu";

        public override string Describe(LayerSpec layer) => "ReLU";

        public override string? OnnxNode(LayerSpec layer) => Onnx("Relu", new string[0]);

        public override string ForwardMath(LayerSpec layer, string y, string x) => $"{y} = ReLU({x}) = max(0, {x})";

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            w.WriteLine("//   Kernels.Relu takes a vector at a time, z ≤ 0 ? 0 : z as a compare and a select (no branch on each sign; NaN stays NaN, as in PyTorch).");
            w.WriteLine($"global::Unrolled.Kernels.Relu({e.InputRows(layer, input)}, {e.Slice(false, output, "0", $"m * {Int(layer.OutputSize)}")});");
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            string width = Int(layer.OutputSize), x = names.X, y = names.Y;
            w.WriteLine($"//   ∂L/∂{x} = ∂L/∂{y} ⊙ ReLU'({x}), where ReLU'({x}) = 1 if {x} > 0, else 0: units that were off pass no gradient (dying ReLU, quiz 7)");
            w.WriteLine($"global::Unrolled.Kernels.ReluBackward({e.Slice(true, names.Input, "0", $"m * {width}")}, {e.Slice(true, names.GradientOut, "0", $"m * {width}")},");
            w.WriteLine($"    {e.Slice(false, names.GradientIn, "0", $"m * {width}")});");
        }
    }

    /// <summary><c>[LeakyReLU(slope)]</c>: a = z if z &gt; 0, else α·z, a vector kernel.</summary>
    internal sealed class LeakyReLU : Layer
    {
        public override LayerKind Kind => LayerKind.LeakyReLU;

        public override string Name => "leaky_relu";

        private static double Slope(LayerSpec layer) => ((LeakyReLUSpec)layer).Slope;

        /// <summary>Keras' default slope (the runtime's LeakyReLUAttribute documents it).</summary>
        private const double DefaultSlope = 0.3;

        public override LayerSpec Parse(LayerArguments a)
        {
            double slope = a.Constructor.Length == 0 ? DefaultSlope : (double)a.Constructor[0].Value!;
            if (!(slope >= 0) || double.IsInfinity(slope))
                a.Report(HyperParameterOutOfRange, "LeakyReLU slope", a.Where, LayerArguments.Format(slope),
                    "use a finite slope of at least 0 (Keras default 0.3, PyTorch 0.01)");
            return new LeakyReLUSpec(a.Index, a.Width, a.Width, a.ParameterOffset, a.StatisticsOffset, slope);
        }

        public override string Describe(LayerSpec layer) => $"LeakyReLU, slope {Number(Slope(layer))}";

        public override string? OnnxNode(LayerSpec layer) => Onnx("LeakyRelu", new string[0], OnnxFloat("alpha", Slope(layer)));

        public override string ForwardMath(LayerSpec layer, string y, string x) => $"{y} = {x} if {x} > 0, else {Number(Slope(layer))}·{x}";

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            w.WriteLine("//   Kernels.LeakyRelu takes a vector at a time, z > 0 ? z : α·z as a compare and a select (no branch on each sign; NaN stays NaN).");
            w.WriteLine($"global::Unrolled.Kernels.LeakyRelu({e.InputRows(layer, input)}, {e.Slice(false, output, "0", $"m * {Int(layer.OutputSize)}")}, {e.Literal(Slope(layer))});");
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            string width = Int(layer.OutputSize), x = names.X, y = names.Y;
            w.WriteLine($"//   ∂L/∂{x} = ∂L/∂{y} ⊙ LeakyReLU'({x}), where LeakyReLU'({x}) = 1 if {x} > 0, else {Number(Slope(layer))}");
            w.WriteLine($"global::Unrolled.Kernels.LeakyReluBackward({e.Slice(true, names.Input, "0", $"m * {width}")}, {e.Slice(true, names.GradientOut, "0", $"m * {width}")},");
            w.WriteLine($"    {e.Slice(false, names.GradientIn, "0", $"m * {width}")}, {e.Literal(Slope(layer))});");
        }
    }

    /// <summary>The element-wise activations computed by a scalar function of <c>Numerics</c> (sigmoid, tanh).</summary>
    internal abstract class ScalarActivation : Layer
    {
        /// <summary>The <c>Numerics</c> function.</summary>
        protected abstract string Function { get; }

        /// <summary>The derivative in the lesson's notation, through the output <paramref name="y"/>.</summary>
        protected abstract string Derivative(string x, string y);

        /// <summary>∂L/∂(input)[i] as code, from <c>delta</c> (∂L/∂(output)) and <c>output</c>.</summary>
        protected abstract string InputGradient(Emitter e);

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            w.WriteLine($"//   ∂L/∂{names.X} = ∂L/∂{names.Y} ⊙ {Derivative(names.X, names.Y)}");
            using (w.Open())
            {
                w.WriteLine($"var output = {names.Output};");
                w.WriteLine($"var delta = {names.GradientOut};");
                w.WriteLine($"var inputDelta = {names.GradientIn};");
                w.WriteLine($"int n = m * {Int(layer.OutputSize)};");
                w.WriteLine($"for (int i = 0; i < n; i++) inputDelta[i] = {InputGradient(e)};");
            }
        }

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            using (w.Open())
            {
                w.WriteLine($"var input = {input};");
                w.WriteLine($"var output = {output};");
                w.WriteLine($"int n = m * {Int(layer.OutputSize)};");
                w.WriteLine($"for (int i = 0; i < n; i++) output[i] = {Numerics}.{Function}(input[i]);");
            }
        }
    }

    /// <summary><c>[Sigmoid]</c>: a = 1 / (1 + e^(−z)).</summary>
    internal sealed class Sigmoid : ScalarActivation
    {
        public override LayerKind Kind => LayerKind.Sigmoid;

        public override string Name => "sigmoid";

        /// <summary>Sigmoid then binary cross-entropy: ∂L/∂z = (ŷ − y) / (m·K).</summary>
        public override bool FusesWith(LossKind loss) => loss == LossKind.BinaryCrossEntropy;

        protected override string Function => "Sigmoid";

        protected override string Derivative(string x, string y) => $"σ'({x}), where σ'({x}) = {y} · (1 − {y})";

        protected override string InputGradient(Emitter e) => $"delta[i] * output[i] * ({e.Literal(1)} - output[i])";

        public override string Describe(LayerSpec layer) => "Sigmoid";

        public override string? OnnxNode(LayerSpec layer) => Onnx("Sigmoid", new string[0]);

        public override string ForwardMath(LayerSpec layer, string y, string x) => $"{y} = σ({x}) = 1 / (1 + e^(−{x}))";
    }

    /// <summary><c>[Tanh]</c>: a = tanh(z).</summary>
    internal sealed class Tanh : ScalarActivation
    {
        public override LayerKind Kind => LayerKind.Tanh;

        public override string Name => "tanh";

        protected override string Function => "Tanh";

        protected override string Derivative(string x, string y) => $"tanh'({x}), where tanh'({x}) = 1 − {y}²";

        protected override string InputGradient(Emitter e) => $"delta[i] * ({e.Literal(1)} - output[i] * output[i])";

        public override string Describe(LayerSpec layer) => "Tanh";

        public override string? OnnxNode(LayerSpec layer) => Onnx("Tanh", new string[0]);

        public override string ForwardMath(LayerSpec layer, string y, string x) => $"{y} = tanh({x})";
    }
}
