using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using static Unrolled.Generator.Diagnostics.DiagnosticDescriptors;
using static Unrolled.Generator.NetworkGenerator.Emitter;
using Emitter = Unrolled.Generator.NetworkGenerator.Emitter;

namespace Unrolled.Generator.Layers
{
    /// <summary>A LeakyReLU layer's argument: <c>[LeakyReLU(slope)]</c>.</summary>
    internal sealed record LeakyReLUSpec(int Index, Shape Input, Shape Output, int ParameterOffset, int StatisticsOffset, double Slope)
        : LayerSpec(Index, LayerKind.LeakyReLU, Input, Output, ParameterOffset, StatisticsOffset)
    {
        public override (double Hyperparameter, double Epsilon, bool HasBias) InfoArguments => (Slope, 0, false);
    }

    /// <summary>The piecewise-linear activations, each a vector kernel of the runtime (<c>Kernels.Relu</c>,
    /// <c>Kernels.LeakyRelu</c>) and its backward twin: a compare and a select per vector, NaN kept as PyTorch keeps it.</summary>
    internal abstract class Rectifier : Layer
    {
        /// <summary>The kernel's name: <c>Kernels.{Kernel}</c> forward, <c>Kernels.{Kernel}Backward</c> backward.</summary>
        protected abstract string Kernel { get; }

        /// <summary>The forward kernel's rule, for the block's comment.</summary>
        protected abstract string Rule { get; }

        /// <summary>The derivative's comment after "where …'(z) = ".</summary>
        protected abstract string Derivative(LayerSpec layer, string x);

        /// <summary>What the rule does with NaN, for the comment.</summary>
        protected virtual string NaN => "NaN stays NaN";

        /// <summary>The kernels' extra arguments (", α"), or empty.</summary>
        protected virtual string Arguments(Emitter e, LayerSpec layer) => string.Empty;

        /// <summary>Loops mode: the forward rule on one value, <c>input</c> its operand (<c>z ≤ 0 ? 0 : z</c>).</summary>
        protected abstract string ForwardRule(Emitter e, LayerSpec layer, string input);

        /// <summary>Loops mode: ∂L/∂(input) of one value from its input and ∂L/∂(output) (<c>z ≤ 0 ? 0 : δ</c>).</summary>
        protected abstract string BackwardRule(Emitter e, LayerSpec layer, string input, string delta);

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            if (e.Loops)
            {
                string x = e.InputOf(layer.Index), y = Emitter.Symbol(layer);
                using (w.Open())
                {
                    Local(w, x, input);
                    Local(w, y, output);
                    w.WriteLine($"// {y}[i] = {ForwardRule(e, layer, $"{x}[i]").Replace("<=", "≤")}   for each of the m·{Int(layer.OutputSize)} values ({NaN})");
                    w.WriteLine($"for (int i = 0; i < m * {Int(layer.OutputSize)}; i++) {y}[i] = {ForwardRule(e, layer, $"{x}[i]")};");
                }
                return;
            }
            w.WriteLine($"//   Kernels.{Kernel} takes a vector at a time, {Rule} as a compare and a select (no branch on each sign; {NaN}).");
            w.WriteLine($"global::Unrolled.Kernels.{Kernel}({e.InputRows(layer, input)}, {e.Slice(false, output, "0", $"m * {Int(layer.OutputSize)}")}{Arguments(e, layer)});");
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            string width = Int(layer.OutputSize), x = names.X, y = names.Y;
            w.WriteLine($"//   ∂L/∂{x} = ∂L/∂{y} ⊙ {FormulaName}'({x}), where {FormulaName}'({x}) = {Derivative(layer, x)}");
            if (e.Loops)
            {
                string dx = Emitter.D(x), dy = Emitter.D(y);
                using (w.Open())
                {
                    Local(w, x, names.Input);
                    Local(w, dy, names.GradientOut);
                    Local(w, dx, names.GradientIn);
                    string rule = BackwardRule(e, layer, $"{x}[i]", $"{dy}[i]");
                    w.WriteLine($"// ∂L/∂{x}[i] = {rule.Replace("<=", "≤")}");
                    w.WriteLine($"for (int i = 0; i < m * {width}; i++) {dx}[i] = {rule};");
                }
                return;
            }
            w.WriteLine($"global::Unrolled.Kernels.{Kernel}Backward({e.Slice(true, names.Input, "0", $"m * {width}")}, {e.Slice(true, names.GradientOut, "0", $"m * {width}")},");
            w.WriteLine($"    {e.Slice(false, names.GradientIn, "0", $"m * {width}")}{Arguments(e, layer)});");
        }

        /// <summary>The attribute's name in formulas (ReLU, LeakyReLU).</summary>
        private string FormulaName => LayerFacts.Of(Kind).Name;
    }

    /// <summary><c>[ReLU]</c>: a = max(0, z), NaN kept (PyTorch's rule).</summary>
    internal sealed class ReLU : Rectifier
    {
        public override LayerKind Kind => LayerKind.ReLU;

        public override string Name => "relu";

        protected override string Kernel => "Relu";

        protected override string Rule => "z ≤ 0 ? 0 : z";

        protected override string NaN => "NaN stays NaN, as in PyTorch";

        protected override string ForwardRule(Emitter e, LayerSpec layer, string input) => $"{input} <= 0 ? {e.Literal(0)} : {input}";

        /// <summary>A NaN input passes the gradient, as PyTorch's threshold_backward (and the kernel) do.</summary>
        protected override string BackwardRule(Emitter e, LayerSpec layer, string input, string delta) => $"{input} <= 0 ? {e.Literal(0)} : {delta}";

        protected override string Derivative(LayerSpec layer, string x) =>
            $"1 if {x} > 0, else 0: units that were off pass no gradient (dying ReLU, quiz 7)";

        public override string Describe(LayerSpec layer) => "ReLU";

        public override string? OnnxNode(LayerSpec layer) => Onnx("Relu", new string[0]);

        public override string ForwardMath(LayerSpec layer, string y, string x) => $"{y} = ReLU({x}) = max(0, {x})";
    }

    /// <summary><c>[LeakyReLU(slope)]</c>: a = z if z &gt; 0, else α·z.</summary>
    internal sealed class LeakyReLU : Rectifier
    {
        public override LayerKind Kind => LayerKind.LeakyReLU;

        public override string Name => "leaky_relu";

        protected override string Kernel => "LeakyRelu";

        protected override string Rule => "z > 0 ? z : α·z";

        protected override string Derivative(LayerSpec layer, string x) => $"1 if {x} > 0, else {Number(Slope(layer))}";

        protected override string Arguments(Emitter e, LayerSpec layer) => ", " + e.Literal(Slope(layer));

        protected override string ForwardRule(Emitter e, LayerSpec layer, string input) => $"{input} > 0 ? {input} : {e.Literal(Slope(layer))} * {input}";

        protected override string BackwardRule(Emitter e, LayerSpec layer, string input, string delta) => $"{input} > 0 ? {delta} : {e.Literal(Slope(layer))} * {delta}";

        private static double Slope(LayerSpec layer) => ((LeakyReLUSpec)layer).Slope;

        /// <summary>Keras' default slope (the runtime's LeakyReLUAttribute documents it).</summary>
        private const double DefaultSlope = 0.3;

        public override LayerSpec Parse(LayerArguments a)
        {
            double slope = a.Constructor.Length == 0 ? DefaultSlope : (double)a.Constructor[0].Value!;
            if (!(slope >= 0) || double.IsInfinity(slope))
                a.Report(HyperParameterOutOfRange, "LeakyReLU slope", a.Where, LayerArguments.Format(slope),
                    "use a finite slope of at least 0 (Keras default 0.3, PyTorch 0.01)");
            return new LeakyReLUSpec(a.Index, a.Input, a.Input, a.ParameterOffset, a.StatisticsOffset, slope);
        }

        public override string Describe(LayerSpec layer) => $"LeakyReLU, slope {Number(Slope(layer))}";

        public override string? OnnxNode(LayerSpec layer) => Onnx("LeakyRelu", new string[0], OnnxFloat("alpha", Slope(layer)));

        public override string ForwardMath(LayerSpec layer, string y, string x) => $"{y} = {x} if {x} > 0, else {Number(Slope(layer))}·{x}";
    }

    /// <summary>The element-wise activations computed by a scalar function of <c>Numerics</c> (sigmoid, tanh).</summary>
    internal abstract class ScalarActivation : Layer
    {
        /// <summary>The <c>Numerics</c> function.</summary>
        protected abstract string Function { get; }

        /// <summary>The derivative in the lesson's notation, through the output <paramref name="y"/>.</summary>
        protected abstract string Derivative(string x, string y);

        /// <summary>∂L/∂(input)[i] as code, from <paramref name="delta"/> (∂L/∂(output)) and <paramref name="output"/>.</summary>
        protected abstract string InputGradient(Emitter e, string delta, string output);

        // Loops mode names the buffers as the math does (z1, a2, da2, dz1); the kernel mode's blocks keep input and output.

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            w.WriteLine($"//   ∂L/∂{names.X} = ∂L/∂{names.Y} ⊙ {Derivative(names.X, names.Y)}");
            string output = e.Loops ? names.Y : "output", delta = e.Loops ? Emitter.D(names.Y) : "delta", inputDelta = e.Loops ? Emitter.D(names.X) : "inputDelta";
            using (w.Open())
            {
                Local(w, output, names.Output);
                Local(w, delta, names.GradientOut);
                Local(w, inputDelta, names.GradientIn);
                w.WriteLine($"int n = m * {Int(layer.OutputSize)};");
                w.WriteLine($"for (int i = 0; i < n; i++) {inputDelta}[i] = {InputGradient(e, delta, output)};");
            }
        }

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            string x = e.Loops ? e.InputOf(layer.Index) : "input", y = e.Loops ? Emitter.Symbol(layer) : "output";
            using (w.Open())
            {
                Local(w, x, input);
                Local(w, y, output);
                w.WriteLine($"int n = m * {Int(layer.OutputSize)};");
                w.WriteLine($"for (int i = 0; i < n; i++) {y}[i] = {Numerics}.{Function}({x}[i]);");
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

        protected override string InputGradient(Emitter e, string delta, string output) => $"{delta}[i] * {output}[i] * ({e.Literal(1)} - {output}[i])";

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

        protected override string InputGradient(Emitter e, string delta, string output) => $"{delta}[i] * ({e.Literal(1)} - {output}[i] * {output}[i])";

        public override string Describe(LayerSpec layer) => "Tanh";

        public override string? OnnxNode(LayerSpec layer) => Onnx("Tanh", new string[0]);

        public override string ForwardMath(LayerSpec layer, string y, string x) => $"{y} = tanh({x})";
    }
}
