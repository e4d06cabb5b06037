using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;

namespace Unrolled.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal sealed partial class Emitter
        {
            // ── X.Forward.g.cs ───────────────────────────────────────────────────────────────────────

            private void WriteForward(SourceWriter w)
            {
                string t = _t, last = Field(Symbol(_spec.Last));

                w.WriteLine("/// <summary>Inference for one sample: BatchNorm uses its running statistics and Dropout is off.</summary>");
                w.WriteLine($"/// <param name=\"input\">{Int(_spec.InputSize)} features.</param>");
                w.WriteLine($"/// <param name=\"output\">Receives {Int(_spec.OutputSize)} outputs (the last layer's activation).</param>");
                w.WriteLine(s_generatedCode);
                w.WriteLine($"public void Forward({ReadOnlySpan}<{t}> input, {Span}<{t}> output) => Forward(input, output, 1);");
                w.WriteLine();
                w.WriteLine("/// <summary>Inference for a sample-major batch: BatchNorm uses its running statistics and Dropout is off.</summary>");
                w.WriteLine("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> × InputSize features, sample after sample.</param>");
                w.WriteLine("/// <param name=\"outputs\">Receives <paramref name=\"batchSize\"/> × OutputSize outputs.</param>");
                w.WriteLine("/// <param name=\"batchSize\">Samples in the batch, at least 1.</param>");
                w.WriteLine(s_generatedCode);
                using (w.Open($"public void Forward({ReadOnlySpan}<{t}> inputs, {Span}<{t}> outputs, int batchSize)"))
                {
                    w.WriteLine("CheckBatch(inputs.Length, batchSize);");
                    w.WriteLine("if (outputs.Length != batchSize * OutputSize)");
                    w.WriteLine("    throw new global::System.ArgumentException(\"Expected \" + CountOf(batchSize * OutputSize, \"output\") + \" (\" + CountOf(batchSize, \"sample\") + \" × \" + OutputSize + \"), got \" + outputs.Length + \".\", nameof(outputs));");
                    w.WriteLine("// Thread-safe: the weights are only read, and the layer outputs go to this thread's own buffers (t_inference),");
                    w.WriteLine("// allocated on its first call; the guard refuses the call while another thread trains or loads this network.");
                    Inference(w, "_guard", () =>
                    {
                        w.WriteLine("var s = t_inference ?? (t_inference = new PassBuffers(InferenceChunk, false));");
                        using (w.Open("for (int start = 0; start < batchSize; start += InferenceChunk)"))
                        {
                            w.WriteLine("int m = global::System.Math.Min(InferenceChunk, batchSize - start);");
                            w.WriteLine("ForwardLayers(inputs.Slice(start * InputSize, m * InputSize), m, false, s);");
                            w.WriteLine($"new {ReadOnlySpan}<{t}>({last}, 0, m * OutputSize).CopyTo(outputs.Slice(start * OutputSize));");
                        }
                    });
                }
                w.WriteLine();
                w.WriteLine("/// <summary>");
                w.WriteLine("/// Training-mode forward pass: BatchNorm normalises with the batch statistics (and updates its running ones),");
                w.WriteLine("/// Dropout draws new masks. Keeps what Backward needs; returns a view of the outputs, valid until the next pass.");
                w.WriteLine("/// </summary>");
                w.WriteLine(s_generatedCode);
                using (w.Open($"public {ReadOnlySpan}<{t}> ForwardTraining({ReadOnlySpan}<{t}> inputs, int batchSize)"))
                {
                    w.WriteLine("CheckBatch(inputs.Length, batchSize);");
                    Exclusive(w, "ForwardTraining", () =>
                    {
                        w.WriteLine("var s = _train;");
                        w.WriteLine("s.Ensure(batchSize, true);");
                        w.WriteLine("_hasTrainingPass = false;");
                        w.WriteLine($"inputs.CopyTo({Field("x")});");
                        w.WriteLine($"ForwardLayers(new {ReadOnlySpan}<{t}>({Field("x")}, 0, inputs.Length), batchSize, true, s);");
                        w.WriteLine("_batchSize = batchSize;");
                        w.WriteLine("_hasTrainingPass = true;");
                        w.WriteLine($"return new {ReadOnlySpan}<{t}>({last}, 0, batchSize * OutputSize);");
                    });
                }
                w.WriteLine();
                using (w.Open("private static void CheckBatch(int inputLength, int batchSize)"))
                {
                    w.WriteLine("if (batchSize < 1) throw new global::System.ArgumentOutOfRangeException(nameof(batchSize), batchSize, \"The batch size must be at least 1.\");");
                    w.WriteLine("if ((long)batchSize * InputSize != inputLength)");
                    w.WriteLine("    throw new global::System.ArgumentException(\"Expected \" + CountOf((long)batchSize * InputSize, \"input\") + \" (\" + CountOf(batchSize, \"sample\") + \" × \" + InputSize + \" features), got \" + inputLength + \".\", \"inputs\");");
                }
                w.WriteLine();
                w.WriteLine("/// <summary>\"1 sample\", \"2 samples\": for the messages of the argument checks.</summary>");
                w.WriteLine("private static string CountOf(long count, string noun) => count == 1 ? \"1 \" + noun : count + \" \" + noun + \"s\";");

                w.WriteLine();
                w.WriteLine("/// <summary>The unrolled forward pass over <paramref name=\"m\"/> samples: one block per layer, every width a constant.");
                w.WriteLine("/// The layer outputs go to <paramref name=\"s\"/>: the training buffers, or the calling thread's inference buffers.</summary>");
                using (w.Open($"private void ForwardLayers({ReadOnlySpan}<{t}> x, int m, bool training, PassBuffers s)"))
                {
                    w.WriteLine("s.rows = m;");
                    bool first = true;
                    foreach (LayerSpec layer in _spec.Layers)
                    {
                        if (!first) w.WriteLine();
                        first = false;
                        WriteForwardLayer(w, layer);
                    }
                }
            }

            private void WriteForwardLayer(SourceWriter w, LayerSpec layer)
            {
                string k = Int(layer.Index), width = Int(layer.OutputSize), inWidth = Int(layer.InputSize);
                string input = layer.Index == 1 ? "x" : Field(InputOf(layer.Index));
                string output = Field(Symbol(layer));
                w.WriteLine($"// Layer {k}: {Describe(layer)}.");
                w.WriteLine($"//   {ForwardMath(layer)}");
                switch (layer.Kind)
                {
                    case LayerKind.Dense:
                        w.WriteLine($"//   W{k} is [{width} × {inWidth}], row-major (unit j's weights are the row W{k}[j, :]), so for the batch Z = X·W{k}ᵀ{(layer.UseBias ? " + b" + k : string.Empty)}.");
                        w.WriteLine("//   Kernels.DenseForward blocks it into tiles of 3 samples × 4 units: 12 dot products run side by side over");
                        w.WriteLine("//   8-float vectors with fused multiply-add, so each weight vector loaded serves 3 samples and each input vector 4 units.");
                        string bias = layer.UseBias ? Slice(true, "_parameters", Const(layer, "BiasOffset"), width) : $"default({ReadOnlySpan}<{_t}>)";
                        w.WriteLine($"global::Unrolled.Kernels.DenseForward({InputRows(layer, input)}, {Slice(true, "_parameters", Const(layer, "WeightsOffset"), Int(layer.WeightCount))},");
                        w.WriteLine($"    {bias}, {Slice(false, output, "0", $"m * {width}")}, m, {inWidth}, {width});");
                        break;

                    case LayerKind.BatchNorm:
                        WriteBatchNormForward(w, layer, input, output);
                        break;

                    case LayerKind.Dropout:
                        if (layer.Value == 0)
                        {
                            w.WriteLine("//   p = 0: the identity in training and in inference.");
                            w.WriteLine($"{InputRows(layer, input)}.CopyTo({output});");
                            break;
                        }
                        w.WriteLine($"//   mask{k} ~ Bernoulli(1 − p), stored already divided by (1 − p) so that E[{Symbol(layer)}] = {InputOf(layer.Index)} (inverted dropout).");
                        using (w.Open())
                        {
                            w.WriteLine($"var output = {output};");
                            w.WriteLine($"int n = m * {width};");
                            using (w.Open("if (training)"))
                            {
                                w.WriteLine($"var input = {input};");
                                w.WriteLine($"var mask = s.mask{k};");
                                using (w.Open("for (int i = 0; i < n; i++)"))
                                {
                                    string draw = _spec.IsDouble ? "_random.NextDouble()" : "_random.NextSingle()";
                                    w.WriteLine($"mask[i] = {draw} >= {Literal(layer.Value)} ? {Literal(1 / (1 - layer.Value))} : {Literal(0)};");
                                    w.WriteLine("output[i] = input[i] * mask[i];");
                                }
                            }
                            using (w.Open("else"))
                            {
                                w.WriteLine($"{InputRows(layer, input)}.CopyTo(output);");
                            }
                        }
                        break;

                    case LayerKind.Softmax:
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
                                w.WriteLine($"{_t} sum = {Literal(0)};");
                                using (w.Open($"for (int j = 0; j < {width}; j++)"))
                                {
                                    w.WriteLine($"var e = {Numerics}.Exp(input[o + j] - max);");
                                    w.WriteLine("output[o + j] = e;");
                                    w.WriteLine("sum += e;");
                                }
                                w.WriteLine($"var inverse = {Literal(1)} / sum;");
                                w.WriteLine($"for (int j = 0; j < {width}; j++) output[o + j] *= inverse;");
                            }
                        }
                        break;

                    case LayerKind.ReLU:
                    case LayerKind.LeakyReLU:
                        bool leaky = layer.Kind == LayerKind.LeakyReLU;
                        w.WriteLine(leaky
                            ? "//   Kernels.LeakyRelu takes a vector at a time, z > 0 ? z : α·z as a compare and a select (no branch on each sign; NaN stays NaN)."
                            : "//   Kernels.Relu takes a vector at a time, z ≤ 0 ? 0 : z as a compare and a select (no branch on each sign; NaN stays NaN, as in PyTorch).");
                        w.WriteLine($"global::Unrolled.Kernels.{(leaky ? "LeakyRelu" : "Relu")}({InputRows(layer, input)}, {Slice(false, output, "0", $"m * {width}")}{(leaky ? ", " + Literal(layer.Value) : string.Empty)});");
                        break;

                    default:
                        using (w.Open())
                        {
                            w.WriteLine($"var input = {input};");
                            w.WriteLine($"var output = {output};");
                            w.WriteLine($"int n = m * {width};");
                            w.WriteLine($"for (int i = 0; i < n; i++) output[i] = {Numerics}.{(layer.Kind == LayerKind.Sigmoid ? "Sigmoid" : "Tanh")}(input[i]);");
                        }
                        break;
                }
            }

            private void WriteBatchNormForward(SourceWriter w, LayerSpec layer, string input, string output)
            {
                string k = Int(layer.Index), width = Int(layer.OutputSize);
                string momentum = Literal(layer.Value), rest = Literal(1 - layer.Value), epsilon = Literal(layer.Epsilon);
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
                        w.WriteLine($"var invM = {Literal(1)} / m;");
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
                            w.WriteLine($"invStd[j] = {Literal(1)} / {Numerics}.Sqrt(variance + {epsilon});");
                        }
                    }
                    using (w.Open("else"))
                    {
                        using (w.Open($"for (int j = 0; j < {width}; j++)"))
                        {
                            w.WriteLine($"mean[j] = stats[{runningMean} + j];");
                            w.WriteLine($"invStd[j] = {Literal(1)} / {Numerics}.Sqrt(stats[{runningVariance} + j] + {epsilon});");
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

            /// <summary>Sample <paramref name="b"/>'s row of the layer's input, as a read-only span.</summary>
            private string InputRow(LayerSpec layer, string input, string b) =>
                layer.Index == 1 ? $"{input}.Slice({b} * {Int(layer.InputSize)}, {Int(layer.InputSize)})"
                                 : Slice(true, input, $"{b} * {Int(layer.InputSize)}", Int(layer.InputSize));

            /// <summary>All m rows of the layer's input, as a read-only span.</summary>
            private string InputRows(LayerSpec layer, string input) =>
                layer.Index == 1 ? $"{input}.Slice(0, m * {Int(layer.InputSize)})"
                                 : Slice(true, input, "0", $"m * {Int(layer.InputSize)}");
        }
    }
}
