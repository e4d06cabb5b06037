using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using static Unrolled.Generator.Diagnostics.DiagnosticDescriptors;
using static Unrolled.Generator.NetworkGenerator.Emitter;
using Emitter = Unrolled.Generator.NetworkGenerator.Emitter;

namespace Unrolled.Generator.Layers
{
    /// <summary>A Dense layer's arguments: <c>[Dense(units, UseBias = …, Init = …)]</c>.</summary>
    internal sealed record DenseSpec(int Index, Shape Input, Shape Output, int ParameterOffset, int StatisticsOffset, bool UseBias, InitKind Init)
        : LayerSpec(Index, LayerKind.Dense, Input, Output, ParameterOffset, StatisticsOffset)
    {
        public int WeightCount => InputSize * OutputSize;

        public int BiasOffset => ParameterOffset + WeightCount;

        public override (double Hyperparameter, double Epsilon, bool HasBias) InfoArguments => (0, 0, UseBias);
    }

    /// <summary><c>[Dense(units)]</c>: z = W·x + b, W <c>[units × inputs]</c> row-major then b in <c>Parameters</c>.</summary>
    internal sealed class Dense : Layer
    {
        public override LayerKind Kind => LayerKind.Dense;

        public override string Name => "dense";

        public override string Symbol => "z";

        private static DenseSpec D(LayerSpec layer) => (DenseSpec)layer;

        // ── The packed copy of W for inference (issue 18) ─────────────────────────────────────────────────────────────
        // A lone sample's pass over W reads eight rows at a time, 4·inputs bytes apart; Kernels.PackWeights lays each 8 rows'
        // 8-float pieces side by side, so that pass is one sequential stream (1.07–1.35× faster per layer call, measured on 784 → 128
        // with 1 and 2 threads; docs/benchmarks.md). The network keeps one packed copy for all its Dense layers, with the
        // parameter version it was packed at (Emitter.WritePackedWeights).

        /// <summary>Floats of the layer's packed W (Kernels.PackedWeightsLength: the first units / 8 · 8 rows, each up to its last
        /// whole 8 inputs); 0 when nothing is packed: not a Dense layer, loops mode, double precision, fewer than 8 inputs or units.</summary>
        internal static int PackedLength(Emitter e, LayerSpec layer) =>
            layer.Kind == LayerKind.Dense && !e.Loops && !e.Spec.IsDouble && layer.InputSize >= 8 ? layer.OutputSize / 8 * 8 * (layer.InputSize / 8 * 8) : 0;

        /// <summary>Where the layer's packed W starts in the network's packed copy: after the earlier Dense layers'.</summary>
        internal static int PackedOffset(Emitter e, LayerSpec layer)
        {
            int offset = 0;
            foreach (LayerSpec earlier in e.Spec.Layers)
            {
                if (earlier.Index == layer.Index) break;
                offset += PackedLength(e, earlier);
            }
            return offset;
        }

        /// <summary>The statement that packs the layer's W into the array <c>packed</c>.</summary>
        internal static void WritePacking(Emitter e, SourceWriter w, LayerSpec layer)
        {
            int length = PackedLength(e, layer);
            if (length == 0) return;
            w.WriteLine($"global::Unrolled.Kernels.PackWeights({e.Slice(true, "_parameters", Const(layer, "WeightsOffset"), Int(D(layer).WeightCount))}, {e.Slice(false, "packed", Int(PackedOffset(e, layer)), Int(length))}, {Int(layer.InputSize)}, {Int(layer.OutputSize)});");
        }

        public override LayerSpec Parse(LayerArguments a)
        {
            int units = (int)a.Constructor[0].Value!;
            bool useBias = a.Named("UseBias", true);
            InitKind init = a.Init("Dense");
            if (units < 1)
            {
                a.Report(DenseUnitsOutOfRange, a.Index, a.Network, units);
                units = 1; // keep going so that later layers are still checked
            }
            return new DenseSpec(a.Index, a.Input, Shape.Features(units), a.ParameterOffset, a.StatisticsOffset, useBias, init);
        }

        public override int ParameterCount(LayerSpec layer) => D(layer).WeightCount + (D(layer).UseBias ? layer.OutputSize : 0);

        public override void WriteConstants(SourceWriter w, LayerSpec layer)
        {
            w.WriteLine($"/// <summary>Offset of W{Int(layer.Index)} ([{Int(layer.OutputSize)} × {Int(layer.InputSize)}], row-major) in <see cref=\"Parameters\"/>.</summary>");
            w.WriteLine($"public const int {Const(layer, "WeightsOffset")} = {Int(layer.ParameterOffset)};");
            if (!D(layer).UseBias) return;
            w.WriteLine($"/// <summary>Offset of b{Int(layer.Index)} ({Int(layer.OutputSize)} values) in <see cref=\"Parameters\"/>.</summary>");
            w.WriteLine($"public const int {Const(layer, "BiasOffset")} = {Int(D(layer).BiasOffset)};");
        }

        public override void WriteInitialisation(Emitter e, SourceWriter w, LayerSpec layer)
        {
            string k = Int(layer.Index), units = Int(layer.OutputSize);
            w.WriteLine($"// W{k}: {InitName(D(layer).Init)} with fan_in = {Int(layer.InputSize)}, fan_out = {units}{(D(layer).UseBias ? $"; b{k} = 0" : string.Empty)}.");
            w.WriteLine($"global::Unrolled.Initializers.Fill({e.Slice(false, "parameters", Const(layer, "WeightsOffset"), Int(D(layer).WeightCount))}, " +
                        $"global::Unrolled.Init.{D(layer).Init}, {Int(layer.InputSize)}, {units}, ref random);");
            if (D(layer).UseBias) w.WriteLine($"global::System.Array.Clear(parameters, {Const(layer, "BiasOffset")}, {units});");
        }

        public override long ParameterCountUnchecked(LayerSpec layer) => (long)layer.InputSize * layer.OutputSize + (D(layer).UseBias ? layer.OutputSize : 0);

        /// <summary>ONNX Gemm: Y = X·Wᵀ + b (transB = 1, W as stored).</summary>
        public override string? OnnxNode(LayerSpec layer)
        {
            DenseSpec dense = D(layer);
            var tensors = new System.Collections.Generic.List<string> { OnnxTensor("weight", false, dense.ParameterOffset, dense.OutputSize, dense.InputSize) };
            if (dense.UseBias) tensors.Add(OnnxTensor("bias", false, dense.BiasOffset, dense.OutputSize));
            return Onnx("Gemm", tensors.ToArray(), OnnxInt("transB", 1));
        }

        public override string Describe(LayerSpec layer) =>
            $"Dense {Int(layer.InputSize)} → {Int(layer.OutputSize)} ({Grouped(layer.ParameterCount)} parameters{(D(layer).UseBias ? string.Empty : ", no bias")}, {InitName(D(layer).Init)} init)";

        public override string ForwardMath(LayerSpec layer, string y, string x)
        {
            string k = Int(layer.Index);
            return D(layer).UseBias ? $"{y} = W{k}·{x} + b{k}" : $"{y} = W{k}·{x}";
        }

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            if (e.Loops)
            {
                WriteForwardLoops(e, w, D(layer), input, output);
                return;
            }
            string k = Int(layer.Index), width = Int(layer.OutputSize), inWidth = Int(layer.InputSize);
            w.WriteLine($"//   W{k} is [{width} × {inWidth}], row-major (unit j's weights are the row W{k}[j, :]), so for the batch Z = X·W{k}ᵀ{(D(layer).UseBias ? " + b" + k : string.Empty)}.");
            if (e.Spec.IsDouble)
            {
                w.WriteLine("//   Kernels.DenseForward (double) takes each output as one dot product of a row of W with a sample, System.Numerics");
                w.WriteLine("//   vectors wide: the reference precision, not the fast path.");
            }
            else
            {
                w.WriteLine("//   Kernels.DenseForward blocks it into tiles of 3 samples × 4 units: 12 dot products run side by side over");
                w.WriteLine("//   8-float vectors with fused multiply-add, so each weight vector loaded serves 3 samples and each input vector 4 units.");
            }
            string bias = D(layer).UseBias ? e.Slice(true, "_parameters", Const(layer, "BiasOffset"), width) : $"default({ReadOnlySpan}<{e.T}>)";
            string weights = e.Slice(true, "_parameters", Const(layer, "WeightsOffset"), Int(D(layer).WeightCount));
            int packed = PackedLength(e, layer);
            if (packed > 0)
            {
                w.WriteLine($"//   In inference the lone samples read W{k} from the packed copy (s.packed, see PackedWeights): the same numbers, one stream.");
                w.WriteLine($"global::Unrolled.Kernels.DenseForward({e.InputRows(layer, input)}, {weights},");
                w.WriteLine($"    s.packed == null ? default({ReadOnlySpan}<{e.T}>) : {e.Slice(true, "s.packed", Int(PackedOffset(e, layer)), Int(packed))},");
            }
            else w.WriteLine($"global::Unrolled.Kernels.DenseForward({e.InputRows(layer, input)}, {weights},");
            w.WriteLine($"    {bias}, {e.Slice(false, output, "0", $"m * {width}")}, m, {inWidth}, {width});");
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            if (e.Loops)
            {
                WriteBackwardLoops(e, w, D(layer), names);
                return;
            }
            string k = Int(layer.Index), width = Int(layer.OutputSize), inWidth = Int(layer.InputSize);
            string y = names.Y, x = names.X, gradOut = names.GradientOut, input = names.Input, gradIn = names.GradientIn;
            bool needInputGradient = names.NeedsInputGradient;
            w.WriteLine($"//   ∂L/∂W{k} = Σ_b ∂L/∂{y}[b] · {x}[b]ᵀ   (the 1/m of the mean loss is already inside ∂L/∂{y})");
            if (D(layer).UseBias) w.WriteLine($"//   ∂L/∂b{k} = Σ_b ∂L/∂{y}[b]");
            if (needInputGradient) w.WriteLine($"//   ∂L/∂{x} = W{k}ᵀ · ∂L/∂{y}");
            else w.WriteLine($"//   ∂L/∂{x} is not needed: no trainable layer comes before.");
            string step;
            if (e.Spec.IsDouble)
            {
                w.WriteLine($"//   Kernels.DenseBackward (double) adds, for each sample and unit, δ times the sample's row into ∂W and δ times W{k}'s row");
                w.WriteLine($"//   into ∂{x} (System.Numerics vectors wide: the reference precision, not the fast path).");
                step = $"W{k} ← W{k} − η·∂L/∂W{k} follows" + (D(layer).UseBias ? "," : ".");
            }
            else
            {
                w.WriteLine($"//   Kernels.DenseBackward forms these as matrix products, ∂W = δᵀ·{x} and ∂{x} = δ·W{k}, accumulating tiles of");
                w.WriteLine("//   6 rows × 16 columns in registers over the whole reduction (a broadcast δ times a row of the other factor).");
                step = $"each ∂W tile leaves the registers as W{k} ← W{k} − η·∂L/∂W{k}" + (D(layer).UseBias ? "," : ".");
            }
            w.WriteLine(needInputGradient
                ? $"//   With sgdRate η > 0 (SGD fused in), ∂{x} is formed first, from the old W{k}; then {step}"
                : $"//   With sgdRate η > 0 (SGD fused in), {step}");
            if (D(layer).UseBias) w.WriteLine($"//   and b{k} ← b{k} − η·∂L/∂b{k}.");
            string none = $"default({Span}<{e.T}>)";
            string bias = D(layer).UseBias ? e.Slice(false, "_parameters", Const(layer, "BiasOffset"), width) : none;
            string biasGradient = D(layer).UseBias ? e.Slice(false, "_gradients", Const(layer, "BiasOffset"), width) : none;
            string inputGradient = needInputGradient ? e.Slice(false, gradIn, "0", $"m * {inWidth}") : none;
            w.WriteLine($"global::Unrolled.Kernels.DenseBackward({e.Slice(true, gradOut, "0", $"m * {width}")}, {e.Slice(true, input, "0", $"m * {inWidth}")},");
            w.WriteLine($"    {e.Slice(false, "_parameters", Const(layer, "WeightsOffset"), Int(D(layer).WeightCount))}, {bias},");
            w.WriteLine($"    {e.Slice(false, "_gradients", Const(layer, "WeightsOffset"), Int(D(layer).WeightCount))}, {biasGradient},");
            w.WriteLine($"    {inputGradient}, m, {inWidth}, {width}, sgdRate);");
        }

        /// <summary>Loops mode: W and b as spans named as the math names them, then one loop nest per equation.</summary>
        private static void WriteForwardLoops(Emitter e, SourceWriter w, DenseSpec dense, string input, string output)
        {
            string k = Int(dense.Index), units = Int(dense.OutputSize), inputs = Int(dense.InputSize);
            string x = e.InputOf(dense.Index), z = Emitter.Symbol(dense);
            using (w.Open())
            {
                Local(w, x, input);
                Local(w, z, output);
                w.WriteLine($"var W{k} = {e.Slice(true, "_parameters", Const(dense, "WeightsOffset"), Int(dense.WeightCount))}; // W{k}[j, i] is W{k}[j * {inputs} + i]");
                if (dense.UseBias) w.WriteLine($"var b{k} = {e.Slice(true, "_parameters", Const(dense, "BiasOffset"), units)};");
                w.WriteLine($"// {z}[b, j] = Σ_i W{k}[j, i] · {x}[b, i]{(dense.UseBias ? $" + b{k}[j]" : string.Empty)}   for each sample b and unit j: a row of W{k} dotted with the sample");
                using (w.Open("for (int b = 0; b < m; b++)"))
                using (w.Open($"for (int j = 0; j < {units}; j++)"))
                {
                    w.WriteLine($"{e.T} sum = {e.Literal(0)};");
                    w.WriteLine($"for (int i = 0; i < {inputs}; i++) sum += W{k}[j * {inputs} + i] * {x}[b * {inputs} + i];");
                    w.WriteLine($"{z}[b * {units} + j] = sum{(dense.UseBias ? $" + b{k}[j]" : string.Empty)};");
                }
            }
        }

        private static void WriteBackwardLoops(Emitter e, SourceWriter w, DenseSpec dense, BlockNames names)
        {
            string k = Int(dense.Index), units = Int(dense.OutputSize), inputs = Int(dense.InputSize);
            string x = names.X, z = names.Y, dz = Emitter.D(z), dx = Emitter.D(x);
            using (w.Open())
            {
                Local(w, dz, names.GradientOut);
                Local(w, x, names.Input);
                e.WriteWeightSpans(w, dense, dense.WeightCount, dense.UseBias ? dense.OutputSize : 0);
                w.WriteLine($"// ∂L/∂W{k}[j, i] = Σ_b ∂L/∂{z}[b, j] · {x}[b, i]   (dW{k} = {dz}ᵀ·{x}, the lesson's dW = dz @ a.T / m: its 1/m is already inside ∂L/∂{z}, from the loss)");
                using (w.Open($"for (int j = 0; j < {units}; j++)"))
                using (w.Open($"for (int i = 0; i < {inputs}; i++)"))
                {
                    w.WriteLine($"{e.T} sum = {e.Literal(0)};");
                    w.WriteLine($"for (int b = 0; b < m; b++) sum += {dz}[b * {units} + j] * {x}[b * {inputs} + i];");
                    w.WriteLine($"dW{k}[j * {inputs} + i] = sum;");
                }
                if (dense.UseBias)
                {
                    w.WriteLine($"// ∂L/∂b{k}[j] = Σ_b ∂L/∂{z}[b, j]");
                    using (w.Open($"for (int j = 0; j < {units}; j++)"))
                    {
                        w.WriteLine($"{e.T} sum = {e.Literal(0)};");
                        w.WriteLine($"for (int b = 0; b < m; b++) sum += {dz}[b * {units} + j];");
                        w.WriteLine($"db{k}[j] = sum;");
                    }
                }
                if (names.NeedsInputGradient)
                {
                    Local(w, dx, names.GradientIn);
                    w.WriteLine($"// ∂L/∂{x}[b, i] = Σ_j W{k}[j, i] · ∂L/∂{z}[b, j]   ({dx} = {dz}·W{k}, the lesson's da = W.T @ dz: each unit sends its gradient back along its weights)");
                    using (w.Open("for (int b = 0; b < m; b++)"))
                    using (w.Open($"for (int i = 0; i < {inputs}; i++)"))
                    {
                        w.WriteLine($"{e.T} sum = {e.Literal(0)};");
                        w.WriteLine($"for (int j = 0; j < {units}; j++) sum += W{k}[j * {inputs} + i] * {dz}[b * {units} + j];");
                        w.WriteLine($"{dx}[b * {inputs} + i] = sum;");
                    }
                }
                else w.WriteLine($"// ∂L/∂{x} is not needed: no trainable layer comes before.");
                e.WriteWeightStep(w, dense, dense.WeightCount, dense.UseBias ? dense.OutputSize : 0, names);
            }
        }
    }
}
