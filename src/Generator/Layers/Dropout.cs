using System.Collections.Generic;
using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using static Unrolled.Generator.Diagnostics.DiagnosticDescriptors;
using static Unrolled.Generator.NetworkGenerator.Emitter;
using Emitter = Unrolled.Generator.NetworkGenerator.Emitter;

namespace Unrolled.Generator.Layers
{
    /// <summary>A Dropout layer's argument: <c>[Dropout(rate)]</c>.</summary>
    internal sealed record DropoutSpec(int Index, Shape Input, Shape Output, int ParameterOffset, int StatisticsOffset, double Rate)
        : LayerSpec(Index, LayerKind.Dropout, Input, Output, ParameterOffset, StatisticsOffset)
    {
        public override (double Hyperparameter, double Epsilon, bool HasBias) InfoArguments => (Rate, 0, false);
    }

    /// <summary><c>[Dropout(rate)]</c>: inverted dropout, d = x ⊙ mask / (1 − p) in training, x in inference.</summary>
    internal sealed class Dropout : Layer
    {
        public override LayerKind Kind => LayerKind.Dropout;

        public override string Name => "dropout";

        public override string Symbol => "d";

        private static double Rate(LayerSpec layer) => ((DropoutSpec)layer).Rate;

        public override LayerSpec Parse(LayerArguments a)
        {
            double rate = (double)a.Constructor[0].Value!;
            if (!(rate >= 0 && rate < 1)) a.Report(DropoutRateOutOfRange, LayerArguments.Format(rate), a.Index, a.Network);
            return new DropoutSpec(a.Index, a.Input, a.Input, a.ParameterOffset, a.StatisticsOffset, rate);
        }

        public override IEnumerable<BufferInfo> Buffers(Emitter e, LayerSpec layer)
        {
            if (Rate(layer) == 0) yield break; // the identity: no mask
            string k = Int(layer.Index);
            yield return new BufferInfo($"mask{k}", layer.OutputSize, true, $"mask{k} / (1 − p): 0 or {Number(1 / (1 - Rate(layer)))} per activation", trainingOnly: true);
        }

        /// <summary>Nothing: Dropout is the identity at inference.</summary>
        public override string? OnnxNode(LayerSpec layer) => null;

        public override string Describe(LayerSpec layer) => $"Dropout, p = {Number(Rate(layer))} (training only)";

        public override string ForwardMath(LayerSpec layer, string y, string x) =>
            $"{y} = {x} ⊙ mask{Int(layer.Index)} / (1 − {Number(Rate(layer))}) in training, {x} in inference";

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            string k = Int(layer.Index), width = Int(layer.OutputSize);
            if (Rate(layer) == 0)
            {
                w.WriteLine("//   p = 0: the identity in training and in inference.");
                if (e.Loops) using (w.Open()) WriteCopy(e, w, layer, input, output);
                else w.WriteLine($"{e.InputRows(layer, input)}.CopyTo({output});");
                return;
            }
            w.WriteLine($"//   mask{k} ~ Bernoulli(1 − p), stored already divided by (1 − p) so that E[{Emitter.Symbol(layer)}] = {e.InputOf(layer.Index)} (inverted dropout).");
            using (w.Open())
            {
                w.WriteLine($"var output = {output};");
                w.WriteLine($"int n = m * {width};");
                using (w.Open("if (training)"))
                {
                    w.WriteLine($"var input = {input};");
                    w.WriteLine($"var mask = s.mask{k};");
                    if (e.Loops)
                        using (w.Open("for (int i = 0; i < n; i++)"))
                        {
                            string draw = e.Spec.IsDouble ? "_random.NextDouble()" : "_random.NextSingle()";
                            w.WriteLine($"mask[i] = {draw} >= {e.Literal(Rate(layer))} ? {e.Literal(1 / (1 - Rate(layer)))} : {e.Literal(0)};");
                            w.WriteLine("output[i] = input[i] * mask[i];");
                        }
                    else
                    {
                        string draw = e.Spec.IsDouble ? "NextDouble" : "NextSingle";
                        w.WriteLine($"// Kernels.DropoutForward: mask[i] = u ≥ p ? 1 / (1 − p) : 0 for u = _random.{draw}(), one draw per activation in order, and output[i] = input[i]·mask[i].");
                        w.WriteLine($"global::Unrolled.Kernels.DropoutForward(ref _random, {e.InputRows(layer, "input")}, mask, {e.Slice(false, "output", "0", "n")}, {e.Literal(Rate(layer))}, {e.Literal(1 / (1 - Rate(layer)))});");
                    }
                }
                using (w.Open("else"))
                {
                    if (e.Loops) WriteCopy(e, w, layer, input, "output");
                    else w.WriteLine($"{e.InputRows(layer, input)}.CopyTo(output);");
                }
            }
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            string k = Int(layer.Index), width = Int(layer.OutputSize);
            string y = names.Y, x = names.X, gradOut = names.GradientOut, gradIn = names.GradientIn;
            if (Rate(layer) == 0)
            {
                w.WriteLine($"//   ∂L/∂{x} = ∂L/∂{y}   (p = 0: the identity)");
                if (e.Loops)
                    using (w.Open())
                    {
                        Local(w, Emitter.D(y), gradOut);
                        Local(w, Emitter.D(x), gradIn);
                        w.WriteLine($"for (int i = 0; i < m * {width}; i++) {Emitter.D(x)}[i] = {Emitter.D(y)}[i];");
                    }
                else w.WriteLine($"{e.Slice(true, gradOut, "0", $"m * {width}")}.CopyTo({gradIn});");
                return;
            }
            w.WriteLine($"//   ∂L/∂{x} = ∂L/∂{y} ⊙ mask{k} / (1 − p): dropped activations pass no gradient");
            using (w.Open())
            {
                w.WriteLine($"var mask = s.mask{k};");
                w.WriteLine($"var delta = {gradOut};");
                w.WriteLine($"var inputDelta = {gradIn};");
                w.WriteLine($"int n = m * {width};");
                if (e.Loops) w.WriteLine("for (int i = 0; i < n; i++) inputDelta[i] = delta[i] * mask[i];");
                else w.WriteLine($"global::Unrolled.Kernels.DropoutBackward(delta, mask, {e.Slice(false, "inputDelta", "0", "n")});");
            }
        }

        /// <summary>Loops mode: the identity as a loop, <c>output[i] = input[i]</c> (inference, or p = 0).</summary>
        private static void WriteCopy(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            string x = e.InputOf(layer.Index);
            Local(w, x, input);
            w.WriteLine($"for (int i = 0; i < m * {Int(layer.OutputSize)}; i++) {output}[i] = {x}[i];");
        }
    }
}
