using System.Collections.Generic;
using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using static Unrolled.Generator.Diagnostics.DiagnosticDescriptors;
using static Unrolled.Generator.NetworkGenerator.Emitter;
using Emitter = Unrolled.Generator.NetworkGenerator.Emitter;

namespace Unrolled.Generator.Layers
{
    /// <summary>A BatchNorm layer's arguments: <c>[BatchNorm(Momentum = …, Epsilon = …)]</c>.</summary>
    internal sealed record BatchNormSpec(int Index, Shape Input, Shape Output, int ParameterOffset, int StatisticsOffset, double Momentum, double Epsilon)
        : LayerSpec(Index, LayerKind.BatchNorm, Input, Output, ParameterOffset, StatisticsOffset)
    {
        public override (double Hyperparameter, double Epsilon, bool HasBias) InfoArguments => (Momentum, Epsilon, false);
    }

    /// <summary><c>[BatchNorm]</c>: n = γ ⊙ (x − μ) / √(σ² + ε) + β, batch statistics in training (running ones follow, as
    /// in Keras), running statistics in inference; γ then β in <c>Parameters</c>, running mean then variance in
    /// <c>RunningStatistics</c>.</summary>
    internal sealed class BatchNorm : Layer
    {
        public override LayerKind Kind => LayerKind.BatchNorm;

        public override string Name => "batch_norm";

        public override string Symbol => "n";

        private static BatchNormSpec B(LayerSpec layer) => (BatchNormSpec)layer;

        /// <summary>Keras' defaults (the runtime's BatchNormAttribute documents them; the snapshot tests pin them).</summary>
        private const double DefaultMomentum = 0.99, DefaultEpsilon = 1e-3;

        public override LayerSpec Parse(LayerArguments a)
        {
            double momentum = a.Named("Momentum", DefaultMomentum), epsilon = a.Named("Epsilon", DefaultEpsilon);
            if (!(momentum >= 0 && momentum < 1))
                a.Report(HyperParameterOutOfRange, "BatchNorm momentum", a.Where, LayerArguments.Format(momentum),
                    "it must be at least 0 and less than 1 (Keras default 0.99; PyTorch's momentum=0.1 is 0.9 here)");
            if (!(epsilon > 0) || double.IsInfinity(epsilon))
                a.Report(HyperParameterOutOfRange, "BatchNorm epsilon", a.Where, LayerArguments.Format(epsilon),
                    "it must be a finite number greater than 0 (Keras default 0.001, PyTorch 1e-5)");
            return new BatchNormSpec(a.Index, a.Input, a.Input, a.ParameterOffset, a.StatisticsOffset, momentum, epsilon);
        }

        /// <summary>What is normalised separately: each feature of a vector, each channel of an image (over batch × height ×
        /// width, PyTorch's BatchNorm2d, Keras' BatchNormalization(axis = channels)).</summary>
        private static int Features(LayerSpec layer) => layer.Input.IsImage ? layer.Input.Channels : layer.OutputSize;

        public override int ParameterCount(LayerSpec layer) => 2 * Features(layer);

        public override int StatisticsCount(LayerSpec layer) => 2 * Features(layer);

        /// <summary>The loops over every value of a batch of features, for a statement in which <c>{x}</c> is the value's
        /// index and <c>{f}</c> its feature's. For an image (loops mode) the feature is the channel and the loops go over
        /// the samples, the channels and the H·W values of each plane.</summary>
        private static void EachValue(SourceWriter w, LayerSpec layer, string statement)
        {
            if (layer.Input.IsImage)
            {
                EachValueBlock(w, layer, statement);
                return;
            }
            using (w.Open("for (int b = 0; b < m; b++)"))
            {
                w.WriteLine($"int o = b * {Int(layer.OutputSize)};");
                w.WriteLine($"for (int j = 0; j < {Int(layer.OutputSize)}; j++) {Fill(statement)}");
            }
        }

        /// <summary>As <see cref="EachValue"/>, with a block of statements.</summary>
        private static void EachValueBlock(SourceWriter w, LayerSpec layer, params string[] statements)
        {
            if (layer.Input.IsImage)
            {
                string plane = Int(layer.Input.Plane);
                using (w.Open("for (int b = 0; b < m; b++)"))
                using (w.Open($"for (int c = 0; c < {Int(layer.Input.Channels)}; c++)"))
                {
                    w.WriteLine($"int o = (b * {Int(layer.Input.Channels)} + c) * {plane}; // plane c of sample b");
                    using (w.Open($"for (int q = 0; q < {plane}; q++)"))
                        foreach (string statement in statements) w.WriteLine(statement.Replace("{x}", "o + q").Replace("{f}", "c"));
                }
                return;
            }
            using (w.Open("for (int b = 0; b < m; b++)"))
            {
                w.WriteLine($"int o = b * {Int(layer.OutputSize)};");
                using (w.Open($"for (int j = 0; j < {Int(layer.OutputSize)}; j++)"))
                    foreach (string statement in statements) w.WriteLine(Fill(statement));
            }
        }

        private static string Fill(string statement) => statement.Replace("{x}", "o + j").Replace("{f}", "j");

        /// <summary>The loops over the planes of a batch of images (sample b, channel c, at <c>o</c>), for statements in
        /// which <c>{plane:name}</c> and <c>{span:name}</c> are plane c of sample b of buffer <c>name</c>, read-only or writable.</summary>
        private static void EachPlane(Emitter e, SourceWriter w, LayerSpec layer, bool firstLayerInput, params string[] statements)
        {
            string plane = Int(layer.Input.Plane);
            using (w.Open("for (int b = 0; b < m; b++)"))
            using (w.Open($"for (int c = 0; c < {Int(layer.Input.Channels)}; c++)"))
            {
                w.WriteLine($"int o = (b * {Int(layer.Input.Channels)} + c) * {plane};");
                foreach (string statement in statements)
                {
                    string line = System.Text.RegularExpressions.Regex.Replace(statement, @"\{(plane|span):(\w+)\}", match =>
                        match.Groups[2].Value == "input" && firstLayerInput ? $"input.Slice(o, {plane})" // the first layer reads the caller's span
                        : e.Slice(match.Groups[1].Value == "plane", match.Groups[2].Value, "o", plane));
                    w.WriteLine(line);
                }
            }
        }

        /// <summary>1/m, or 1/(m·H·W) for an image: the values each mean is over.</summary>
        private static string InverseCount(Emitter e, LayerSpec layer) =>
            layer.Input.IsImage ? $"{e.Literal(1)} / (m * {Int(layer.Input.Plane)})" : $"{e.Literal(1)} / m";

        public override void WriteConstants(SourceWriter w, LayerSpec layer)
        {
            w.WriteLine($"/// <summary>Offset of γ{Int(layer.Index)} in <see cref=\"Parameters\"/>; β{Int(layer.Index)} follows it.</summary>");
            w.WriteLine($"public const int {Const(layer, "GammaOffset")} = {Int(layer.ParameterOffset)};");
            w.WriteLine($"/// <summary>Offset of β{Int(layer.Index)} in <see cref=\"Parameters\"/>.</summary>");
            w.WriteLine($"public const int {Const(layer, "BetaOffset")} = {Int(layer.ParameterOffset + Features(layer))};");
            w.WriteLine($"/// <summary>Offset of layer {Int(layer.Index)}'s running mean in <see cref=\"RunningStatistics\"/>.</summary>");
            w.WriteLine($"public const int {Const(layer, "RunningMeanOffset")} = {Int(layer.StatisticsOffset)};");
            w.WriteLine($"/// <summary>Offset of layer {Int(layer.Index)}'s running variance in <see cref=\"RunningStatistics\"/>.</summary>");
            w.WriteLine($"public const int {Const(layer, "RunningVarianceOffset")} = {Int(layer.StatisticsOffset + Features(layer))};");
        }

        public override void WriteInitialisation(Emitter e, SourceWriter w, LayerSpec layer)
        {
            string k = Int(layer.Index), units = Int(Features(layer));
            w.WriteLine($"// γ{k} = 1, β{k} = 0: BatchNorm starts as the identity on normalised inputs.");
            w.WriteLine($"{e.Slice(false, "parameters", Const(layer, "GammaOffset"), units)}.Fill({e.Literal(1)});");
            w.WriteLine($"global::System.Array.Clear(parameters, {Const(layer, "BetaOffset")}, {units});");
        }

        public override void WriteStatisticsInitialisation(Emitter e, SourceWriter w, LayerSpec layer)
        {
            w.WriteLine($"// Layer {Int(layer.Index)}: running mean 0, running variance 1 (Keras and PyTorch).");
            w.WriteLine($"global::System.Array.Clear(statistics, {Const(layer, "RunningMeanOffset")}, {Int(Features(layer))});");
            w.WriteLine($"{e.Slice(false, "statistics", Const(layer, "RunningVarianceOffset"), Int(Features(layer)))}.Fill({e.Literal(1)});");
        }

        public override IEnumerable<BufferInfo> Buffers(Emitter e, LayerSpec layer)
        {
            string k = Int(layer.Index);
            yield return new BufferInfo($"xhat{k}", layer.OutputSize, true, $"x̂{k} = ({e.InputOf(layer.Index)} − μ{k}) / √(σ²{k} + ε), kept for the backward pass");
            string per = layer.Input.IsImage ? "per-channel" : "per-feature";
            yield return new BufferInfo($"mean{k}", Features(layer), false, $"μ{k}: {per} mean used by the last forward pass");
            yield return new BufferInfo($"invStd{k}", Features(layer), false, $"1 / √(σ²{k} + ε) used by the last forward pass");
        }

        /// <summary>ONNX BatchNormalization with γ, β and the running statistics (inference mode).</summary>
        public override string? OnnxNode(LayerSpec layer)
        {
            int n = Features(layer);
            return Onnx("BatchNormalization", new[]
            {
                OnnxTensor("scale", false, layer.ParameterOffset, n), OnnxTensor("bias", false, layer.ParameterOffset + n, n),
                OnnxTensor("mean", true, layer.StatisticsOffset, n), OnnxTensor("var", true, layer.StatisticsOffset + n, n),
            }, OnnxFloat("epsilon", B(layer).Epsilon));
        }

        public override string Describe(LayerSpec layer) =>
            $"BatchNorm over {(layer.Input.IsImage ? $"{Int(layer.Input.Channels)} channels of {layer.Input}" : $"{Int(layer.OutputSize)} features")} (ε = {Number(B(layer).Epsilon)}, momentum = {Number(B(layer).Momentum)}; {Grouped(layer.ParameterCount)} parameters, {Grouped(layer.StatisticsCount)} running statistics)";

        public override string ForwardMath(LayerSpec layer, string y, string x)
        {
            string k = Int(layer.Index);
            return $"{y} = γ{k} ⊙ ({x} − μ{k}) / √(σ²{k} + ε) + β{k}";
        }

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            string k = Int(layer.Index), width = Int(Features(layer));
            string momentum = e.Literal(B(layer).Momentum), rest = e.Literal(1 - B(layer).Momentum), epsilon = e.Literal(B(layer).Epsilon);
            string runningMean = Const(layer, "RunningMeanOffset"), runningVariance = Const(layer, "RunningVarianceOffset");
            string over = layer.Input.IsImage ? $"per-channel mean and (biased) variance over the batch, height and width (m·{Int(layer.Input.Plane)} values each)" : "per-feature mean and (biased) variance";
            w.WriteLine($"//   Training: μ{k}, σ²{k} are the batch's {over}, and the running statistics follow them");
            w.WriteLine($"//     as in Keras: running ← {Number(B(layer).Momentum)}·running + {Number(1 - B(layer).Momentum)}·batch. Inference: μ{k}, σ²{k} are the running statistics.");
            using (w.Open())
            {
                w.WriteLine($"var input = {input};");
                w.WriteLine($"var output = {output};");
                w.WriteLine($"var xhat = s.xhat{k};");
                w.WriteLine($"var mean = s.mean{k};");
                w.WriteLine($"var invStd = s.invStd{k};");
                w.WriteLine("var p = _parameters;");
                w.WriteLine("var stats = _statistics;");
                // The kernels: per plane for an image, a vector of features at a time for vectors; loops over every value in loops mode.
                bool planes = layer.Input.IsImage && !e.Loops, features = !layer.Input.IsImage && !e.Loops, first = layer.Index == 1;
                using (w.Open("if (training)"))
                {
                    w.WriteLine($"var invM = {InverseCount(e, layer)};");
                    w.WriteLine($"global::System.Array.Clear(mean, 0, {width});");
                    w.WriteLine($"global::System.Array.Clear(invStd, 0, {width}); // holds Σ (x − μ)² until the last loop");
                    if (planes)
                    {
                        w.WriteLine("// Each plane is summed with vectors (Kernels.PlaneSum), then the planes of a channel in sample order.");
                        EachPlane(e, w, layer, first, "mean[c] += global::Unrolled.Kernels.PlaneSum({plane:input});");
                    }
                    else if (features)
                    {
                        w.WriteLine("// Kernels.BatchNormSums adds the samples in order, a vector of features at a time (each feature its own sum).");
                        w.WriteLine($"global::Unrolled.Kernels.BatchNormSums<{e.T}>(input, mean, m, {width});");
                    }
                    else EachValue(w, layer, "mean[{f}] += input[{x}];");
                    w.WriteLine($"for (int j = 0; j < {width}; j++) mean[j] *= invM;");
                    if (planes) EachPlane(e, w, layer, first, "invStd[c] += global::Unrolled.Kernels.PlaneSquaredDeviation({plane:input}, mean[c]);");
                    else if (features) w.WriteLine($"global::Unrolled.Kernels.BatchNormSquaredDeviations<{e.T}>(input, mean, invStd, m, {width});");
                    else EachValueBlock(w, layer, "var centred = input[{x}] - mean[{f}];", "invStd[{f}] += centred * centred;");
                    using (w.Open($"for (int j = 0; j < {width}; j++)"))
                    {
                        w.WriteLine("var variance = invStd[j] * invM;");
                        w.WriteLine($"stats[{runningMean} + j] = {momentum} * stats[{runningMean} + j] + {rest} * mean[j];");
                        w.WriteLine($"stats[{runningVariance} + j] = {momentum} * stats[{runningVariance} + j] + {rest} * variance;");
                        w.WriteLine($"invStd[j] = {e.Literal(1)} / {Numerics}.Sqrt(variance + {epsilon});");
                    }
                }
                using (w.Open("else"))
                {
                    using (w.Open($"for (int j = 0; j < {width}; j++)"))
                    {
                        w.WriteLine($"mean[j] = stats[{runningMean} + j];");
                        w.WriteLine($"invStd[j] = {e.Literal(1)} / {Numerics}.Sqrt(stats[{runningVariance} + j] + {epsilon});");
                    }
                }
                if (planes)
                    EachPlane(e, w, layer, first,
                        $"global::Unrolled.Kernels.PlaneNormalize({{plane:input}}, mean[c], invStd[c], p[{Const(layer, "GammaOffset")} + c], p[{Const(layer, "BetaOffset")} + c], {{span:xhat}}, {{span:output}});");
                else if (features)
                {
                    w.WriteLine("// Kernels.BatchNormNormalize: x̂ = (x − μ)·(1/√(σ² + ε)), then n = γ·x̂ + β, a vector of features at a time.");
                    w.WriteLine($"global::Unrolled.Kernels.BatchNormNormalize<{e.T}>(input, mean, invStd, {e.Slice(true, "p", Const(layer, "GammaOffset"), width)}, {e.Slice(true, "p", Const(layer, "BetaOffset"), width)},");
                    w.WriteLine($"    xhat, output, m, {width});");
                }
                else
                    EachValueBlock(w, layer,
                        "var normalised = (input[{x}] - mean[{f}]) * invStd[{f}];",
                        "xhat[{x}] = normalised;",
                        $"output[{{x}}] = p[{Const(layer, "GammaOffset")} + {{f}}] * normalised + p[{Const(layer, "BetaOffset")} + {{f}}];");
            }
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            string k = Int(layer.Index);
            string y = names.Y, x = names.X, gradOut = names.GradientOut, gradIn = names.GradientIn;
            bool needInputGradient = names.NeedsInputGradient;
            string sum = layer.Input.IsImage ? "Σ_b Σ_h Σ_w" : "Σ_b", mean = layer.Input.IsImage ? "mean_(b,h,w)" : "mean_b";
            w.WriteLine($"//   ∂L/∂γ{k} = {sum} ∂L/∂{y} ⊙ x̂{k},   ∂L/∂β{k} = {sum} ∂L/∂{y}" + (layer.Input.IsImage ? "   (per channel)" : string.Empty));
            if (needInputGradient)
            {
                w.WriteLine($"//   ∂L/∂{x} = γ{k} / √(σ²{k} + ε) ⊙ (∂L/∂{y} − {mean}(∂L/∂{y}) − x̂{k} ⊙ {mean}(∂L/∂{y} ⊙ x̂{k}))");
                w.WriteLine($"//   (the full training-mode formula: μ{k} and σ²{k} depend on every {(layer.Input.IsImage ? "value of the channel in the" : "sample of the")} batch)");
            }
            using (w.Open())
            {
                w.WriteLine("var p = _parameters;");
                w.WriteLine("var g = _gradients;");
                w.WriteLine($"var xhat = s.xhat{k};");
                w.WriteLine($"var delta = {gradOut};");
                string gamma = Const(layer, "GammaOffset"), beta = Const(layer, "BetaOffset");
                w.WriteLine($"global::System.Array.Clear(g, {gamma}, {Int(layer.ParameterCount)}); // γ{k} and β{k}");
                bool planes = layer.Input.IsImage && !e.Loops, features = !layer.Input.IsImage && !e.Loops;
                string width = Int(Features(layer));
                if (planes)
                    EachPlane(e, w, layer, false, $"g[{gamma} + c] += global::Unrolled.Kernels.PlaneDot({{plane:delta}}, {{plane:xhat}});",
                        $"g[{beta} + c] += global::Unrolled.Kernels.PlaneSum({{plane:delta}});");
                else if (features)
                    w.WriteLine($"global::Unrolled.Kernels.BatchNormParameterGradients<{e.T}>(delta, xhat, {e.Slice(false, "g", gamma, width)}, {e.Slice(false, "g", beta, width)}, m, {width});");
                else EachValueBlock(w, layer, $"g[{gamma} + {{f}}] += delta[{{x}}] * xhat[{{x}}];", $"g[{beta} + {{f}}] += delta[{{x}}];");
                if (needInputGradient)
                {
                    w.WriteLine($"var invStd = s.invStd{k};");
                    w.WriteLine($"var inputDelta = {gradIn};");
                    w.WriteLine($"var invM = {InverseCount(e, layer)};");
                    if (planes)
                        EachPlane(e, w, layer, false,
                            $"global::Unrolled.Kernels.PlaneBatchNormGradient({{plane:delta}}, {{plane:xhat}}, p[{gamma} + c] * invStd[c], g[{beta} + c] * invM, g[{gamma} + c] * invM, {{span:inputDelta}});");
                    else if (features)
                    {
                        w.WriteLine($"global::Unrolled.Kernels.BatchNormInputGradient<{e.T}>(delta, xhat, {e.Slice(true, "p", gamma, width)}, invStd,");
                        w.WriteLine($"    {e.Slice(true, "g", gamma, width)}, {e.Slice(true, "g", beta, width)}, invM, inputDelta, m, {width});");
                    }
                    else
                        EachValueBlock(w, layer,
                            $"inputDelta[{{x}}] = p[{gamma} + {{f}}] * invStd[{{f}}] * (delta[{{x}}] - g[{beta} + {{f}}] * invM - xhat[{{x}}] * g[{gamma} + {{f}}] * invM);");
                }
                w.WriteLine($"// With sgdRate η > 0 (SGD fused in): γ{k} ← γ{k} − η·∂L/∂γ{k} and β{k} ← β{k} − η·∂L/∂β{k}" +
                    (needInputGradient ? $", now that ∂L/∂{x} has used the old γ{k}." : "."));
                if (e.Loops) w.WriteLine($"if (sgdRate != 0) for (int q = {gamma}; q < {gamma} + {Int(layer.ParameterCount)}; q++) p[q] -= sgdRate * g[q];");
                else w.WriteLine("if (sgdRate != 0) global::Unrolled.Kernels.SgdUpdate(" + e.Slice(false, "p", gamma, Int(layer.ParameterCount)) + ", " +
                    e.Slice(true, "g", gamma, Int(layer.ParameterCount)) + ", sgdRate);");
            }
        }
    }
}
