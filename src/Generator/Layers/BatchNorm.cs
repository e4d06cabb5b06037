using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using static Unrolled.Generator.NetworkGenerator.Emitter;
using Emitter = Unrolled.Generator.NetworkGenerator.Emitter;

namespace Unrolled.Generator.Layers
{
    /// <summary><c>[BatchNorm]</c>: n = γ ⊙ (x − μ) / √(σ² + ε) + β, batch statistics in training (running ones follow, as
    /// in Keras), running statistics in inference; γ then β in <c>Parameters</c>, running mean then variance in
    /// <c>RunningStatistics</c>.</summary>
    internal sealed class BatchNorm : Layer
    {
        public override LayerKind Kind => LayerKind.BatchNorm;

        public override string Name => "batch_norm";

        public override string Symbol => "n";

        public override int ParameterCount(LayerSpec layer) => 2 * layer.OutputSize;

        public override int StatisticsCount(LayerSpec layer) => 2 * layer.OutputSize;

        public override string Describe(LayerSpec layer) =>
            $"BatchNorm over {Int(layer.OutputSize)} features (ε = {Number(layer.Epsilon)}, momentum = {Number(layer.Value)}; {Grouped(layer.ParameterCount)} parameters, {Grouped(layer.StatisticsCount)} running statistics)";

        public override string ForwardMath(LayerSpec layer, string y, string x)
        {
            string k = Int(layer.Index);
            return $"{y} = γ{k} ⊙ ({x} − μ{k}) / √(σ²{k} + ε) + β{k}";
        }

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {

            string k = Int(layer.Index), width = Int(layer.OutputSize);
            string momentum = e.Literal(layer.Value), rest = e.Literal(1 - layer.Value), epsilon = e.Literal(layer.Epsilon);
            string runningMean = Const(layer, "RunningMeanOffset"), runningVariance = Const(layer, "RunningVarianceOffset");
            w.WriteLine($"//   Training: μ{k}, σ²{k} are the batch's per-feature mean and (biased) variance, and the running statistics follow them");
            w.WriteLine($"//     as in Keras: running ← {Number(layer.Value)}·running + {Number(1 - layer.Value)}·batch. Inference: μ{k}, σ²{k} are the running statistics.");
            using (w.Open())
            {
                w.WriteLine($"var input = {input};");
                w.WriteLine($"var output = {output};");
                w.WriteLine($"var xhat = s.xhat{k};");
                w.WriteLine($"var mean = s.mean{k};");
                w.WriteLine($"var invStd = s.invStd{k};");
                w.WriteLine("var p = _parameters;");
                w.WriteLine("var stats = _statistics;");
                using (w.Open("if (training)"))
                {
                    w.WriteLine($"var invM = {e.Literal(1)} / m;");
                    w.WriteLine($"global::System.Array.Clear(mean, 0, {width});");
                    w.WriteLine($"global::System.Array.Clear(invStd, 0, {width}); // holds Σ (x − μ)² until the last loop");
                    using (w.Open("for (int b = 0; b < m; b++)"))
                    {
                        w.WriteLine($"int o = b * {width};");
                        w.WriteLine($"for (int j = 0; j < {width}; j++) mean[j] += input[o + j];");
                    }
                    w.WriteLine($"for (int j = 0; j < {width}; j++) mean[j] *= invM;");
                    using (w.Open("for (int b = 0; b < m; b++)"))
                    {
                        w.WriteLine($"int o = b * {width};");
                        using (w.Open($"for (int j = 0; j < {width}; j++)"))
                        {
                            w.WriteLine("var centred = input[o + j] - mean[j];");
                            w.WriteLine("invStd[j] += centred * centred;");
                        }
                    }
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
                using (w.Open("for (int b = 0; b < m; b++)"))
                {
                    w.WriteLine($"int o = b * {width};");
                    using (w.Open($"for (int j = 0; j < {width}; j++)"))
                    {
                        w.WriteLine("var normalised = (input[o + j] - mean[j]) * invStd[j];");
                        w.WriteLine("xhat[o + j] = normalised;");
                        w.WriteLine($"output[o + j] = p[{Const(layer, "GammaOffset")} + j] * normalised + p[{Const(layer, "BetaOffset")} + j];");
                    }
                }
            }
        }
    }
}
