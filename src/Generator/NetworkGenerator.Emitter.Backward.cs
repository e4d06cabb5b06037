using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;

namespace Unrolled.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal sealed partial class Emitter
        {
            /// <summary>Keras' epsilon: probabilities are clipped to [ε, 1 − ε] before a log when the loss cannot use logits.</summary>
            private const double ProbabilityEpsilon = 1e-7;

            // ── X.Backward.g.cs ──────────────────────────────────────────────────────────────────────

            private void WriteBackward(SourceWriter w)
            {
                string t = _t, K = Int(_spec.OutputSize);
                bool crossEntropy = _spec.Loss == LossKind.CrossEntropy;

                // Public entry points: Backward after ForwardTraining, and ComputeGradients doing both; each for labels and targets.
                string labelsSummary = crossEntropy
                    ? "/// Backward pass of the last <see cref=\"ForwardTraining\"/> with one class index per sample."
                    : _spec.OutputSize == 1
                        ? "/// Backward pass of the last <see cref=\"ForwardTraining\"/> with one 0/1 label per sample (the target of the single output)."
                        : "/// Backward pass of the last <see cref=\"ForwardTraining\"/> with one class index per sample (one-hot targets).";
                WriteEntry(w, "/// <summary>\n" + labelsSummary + "\n/// Writes <see cref=\"Gradients\"/>, averaged over the batch, and returns the mean loss.\n/// </summary>",
                    compute: false, labels: true);
                w.WriteLine();
                WriteEntry(w, "/// <summary>\n/// Backward pass of the last <see cref=\"ForwardTraining\"/> with per-output targets (batchSize × OutputSize,\n" +
                    (crossEntropy ? "/// one-hot or any distribution per sample). Writes <see cref=\"Gradients\"/> and returns the mean loss."
                                  : "/// in [0, 1] for binary cross-entropy). Writes <see cref=\"Gradients\"/> and returns the mean loss.") + "\n/// </summary>",
                    compute: false, labels: false);
                w.WriteLine();
                WriteEntry(w, "/// <summary>Training-mode forward pass, loss and backward pass; returns the mean loss. Allocates nothing after the first call with this batch size.</summary>",
                    compute: true, labels: true);
                w.WriteLine();
                WriteEntry(w, "/// <summary>Training-mode forward pass, loss and backward pass with per-output targets; returns the mean loss.</summary>",
                    compute: true, labels: false);
                foreach (bool labels in new[] { true, false })
                {
                    w.WriteLine();
                    WriteEntry(w, "/// <summary>\n/// Backward pass of the last <see cref=\"ForwardTraining\"/> " + (labels ? "with class-index labels" : "with per-output targets") +
                        " and one step of plain SGD fused in,\n" +
                        "/// θ ← θ − η·∂L/∂θ: each layer's parameters are updated as soon as its gradients are formed, and each tile of a\n" +
                        "/// Dense layer's ∂L/∂W goes from registers straight into W, never stored. The new parameters are bit-identical to\n" +
                        "/// Backward followed by <c>new Sgd(learningRate).Step(this)</c>; <see cref=\"Gradients\"/> is left unspecified and the\n" +
                        "/// training pass is used up. Returns the mean loss before the step.\n/// </summary>",
                        compute: false, labels: labels, fused: true);
                }

                // Checks.
                w.WriteLine();
                using (w.Open("private void RequireTrainingPass()"))
                {
                    w.WriteLine("if (!_hasTrainingPass)");
                    w.WriteLine("    throw new global::System.InvalidOperationException(\"Backward needs the buffers of a training pass: call ForwardTraining first (BackwardSgd, InitializeParameters and CopyParametersFrom use them up; inference does not touch them).\");");
                }
                w.WriteLine();
                int maxLabel = !crossEntropy && _spec.OutputSize == 1 ? 1 : _spec.OutputSize - 1;
                using (w.Open($"private static void CheckLabels({ReadOnlySpan}<int> labels, int batchSize)"))
                {
                    w.WriteLine("if (labels.Length != batchSize)");
                    w.WriteLine("    throw new global::System.ArgumentException(\"Expected \" + CountOf(batchSize, \"label\") + \" (one per sample), got \" + labels.Length + \".\", nameof(labels));");
                    using (w.Open("for (int b = 0; b < labels.Length; b++)"))
                    {
                        w.WriteLine($"if ((uint)labels[b] > {Int(maxLabel)}u)");
                        w.WriteLine($"    throw new global::System.ArgumentOutOfRangeException(nameof(labels), labels[b], \"Label of sample \" + b + \" must be between 0 and {Int(maxLabel)}.\");");
                    }
                }
                w.WriteLine();
                using (w.Open($"private static void CheckTargets({ReadOnlySpan}<{t}> targets, int batchSize)"))
                {
                    w.WriteLine("if (targets.Length != batchSize * OutputSize)");
                    w.WriteLine("    throw new global::System.ArgumentException(\"Expected \" + CountOf(batchSize * OutputSize, \"target\") + \" (\" + CountOf(batchSize, \"sample\") + \" × \" + OutputSize + \"), got \" + targets.Length + \".\", nameof(targets));");
                }

                // Loss and ∂L/∂(output), one version per kind of target.
                foreach (bool labels in new[] { true, false })
                {
                    w.WriteLine();
                    WriteLoss(w, labels, K);
                }

                // The layers, last to first.
                w.WriteLine();
                w.WriteLine("/// <summary>The unrolled backward pass: each block turns ∂L/∂(its output) into ∂L/∂(its parameters) and ∂L/∂(its input).");
                w.WriteLine("/// With <paramref name=\"sgdRate\"/> η &gt; 0 (BackwardSgd) each layer then steps its parameters, θ ← θ − η·∂L/∂θ, after its");
                w.WriteLine("/// ∂L/∂(input) has used the old ones; with 0 the gradients go to <see cref=\"Gradients\"/> for any optimiser.</summary>");
                using (w.Open($"private void BackwardLayers(int m, {t} sgdRate)"))
                {
                    w.WriteLine("var s = _train;");
                    bool first = true;
                    for (int i = _spec.Layers.Count - 1; i >= 0; i--)
                    {
                        LayerSpec layer = _spec.Layers[i];
                        if (layer.Index < _firstTrainable) break;
                        if (!first) w.WriteLine();
                        first = false;
                        if (_fusedOutput && layer.Index == _spec.Layers.Count)
                        {
                            w.WriteLine($"// Layer {Int(layer.Index)} ({layer.Type.Name}): nothing to do, the loss already wrote ∂L/∂{InputOf(layer.Index)} (fused).");
                            continue;
                        }
                        WriteBackwardLayer(w, layer);
                    }
                }
            }

            /// <summary>One public entry point: <c>Backward</c> (after ForwardTraining) or <c>ComputeGradients</c> (forward
            /// too), for class-index labels or per-output targets. Arguments are checked before anything changes.</summary>
            private void WriteEntry(SourceWriter w, string documentation, bool compute, bool labels, bool fused = false)
            {
                string t = _t;
                string truth = labels ? "labels" : "targets";
                string truthType = labels ? "int" : t;
                string batch = compute ? "batchSize" : "_batchSize";
                w.WriteLine(documentation);
                w.WriteLine(s_generatedCode);
                string signature = compute
                    ? $"public {t} ComputeGradients({ReadOnlySpan}<{t}> inputs, {ReadOnlySpan}<{truthType}> {truth}, int batchSize)"
                    : fused
                        ? $"public {t} BackwardSgd({ReadOnlySpan}<{truthType}> {truth}, double learningRate)"
                        : $"public {t} Backward({ReadOnlySpan}<{truthType}> {truth})";
                string name = compute ? "ComputeGradients" : fused ? "BackwardSgd" : "Backward";
                using (w.Open(signature))
                {
                    Exclusive(w, name, () =>
                    {
                        w.WriteLine(compute ? "CheckBatch(inputs.Length, batchSize);" : "RequireTrainingPass();");
                        w.WriteLine($"Check{(labels ? "Labels" : "Targets")}({truth}, {batch});{(compute && labels ? " // before the forward pass, so bad labels change nothing" : string.Empty)}");
                        if (fused)
                        {
                            w.WriteLine("if (!(learningRate > 0) || double.IsInfinity(learningRate))");
                            w.WriteLine("    throw new global::System.ArgumentOutOfRangeException(nameof(learningRate), learningRate, \"The learning rate must be a positive, finite number.\");");
                        }
                        if (compute) w.WriteLine("ForwardTraining(inputs, batchSize);");
                        w.WriteLine($"var loss = LossAndOutputGradient({truth}, {batch});");
                        w.WriteLine($"BackwardLayers({batch}, {(fused ? $"({t})learningRate" : Literal(0))});");
                        if (fused) w.WriteLine("_hasTrainingPass = false; // the kept layer outputs belong to the old parameters");
                        if (fused && HasPackedWeights) w.WriteLine("ParametersChanged();");
                        w.WriteLine("return loss;");
                    });
                }
            }

            private void WriteLoss(SourceWriter w, bool labels, string K)
            {
                string t = _t;
                LayerSpec last = _spec.Last;
                string yhat = Field(Symbol(last));
                bool oneOutput = _spec.OutputSize == 1;
                string target = labels
                    ? (_spec.Loss != LossKind.CrossEntropy && oneOutput ? $"({t})label" : $"k == label ? {Literal(1)} : {Literal(0)}")
                    : "targets[o + k]";
                string deltaField = _fusedOutput ? GradientField(InputOf(last.Index)) : GradientField(Symbol(last));
                string deltaName = _fusedOutput ? InputOf(last.Index) : Symbol(last);

                w.WriteLine($"/// <summary>The mean loss and ∂L/∂{deltaName}, for {(labels ? "class-index labels" : "per-output targets")}.</summary>");
                using (w.Open($"private {t} LossAndOutputGradient({ReadOnlySpan}<{(labels ? "int" : t)}> {(labels ? "labels" : "targets")}, int m)"))
                {
                    w.WriteLine("var s = _train;");
                    w.WriteLine($"var yhat = {yhat};");
                    w.WriteLine($"var delta = {deltaField};");
                    w.WriteLine("double loss = 0;");
                    if (_spec.Loss == LossKind.CrossEntropy)
                    {
                        w.WriteLine($"var scale = {Literal(1)} / m;");
                        if (_fusedOutput)
                        {
                            string logits = Field(InputOf(last.Index));
                            w.WriteLine($"var logits = {logits};");
                            w.WriteLine($"// L = (1/m) Σ_b Σ_k y[b,k] · (log Σ_j e^{InputOf(last.Index)}[b,j] − {InputOf(last.Index)}[b,k]): log-softmax from the logits, so log 0 never happens.");
                            w.WriteLine($"// ∂L/∂{InputOf(last.Index)} = (ŷ − y) / m: softmax + cross-entropy, the Jacobians cancel to the prediction error (lesson §2).");
                            w.WriteLine("//   (Written as (ŷ·Σ_k y[k] − y) / m, which is the same for one-hot targets and exact for any others.)");
                        }
                        else
                        {
                            w.WriteLine($"// L = −(1/m) Σ_b Σ_k y[b,k] · log max(ŷ[b,k], ε), ε = {Number(ProbabilityEpsilon)} (as Keras clips probabilities).");
                            w.WriteLine($"// ∂L/∂ŷ = −y / (m·ŷ), and 0 where ŷ < ε (the clip is flat there).");
                        }
                        using (w.Open("for (int b = 0; b < m; b++)"))
                        {
                            w.WriteLine($"int o = b * {K};");
                            if (labels) w.WriteLine("int label = labels[b];");
                            if (_fusedOutput)
                            {
                                w.WriteLine("var max = logits[o];");
                                w.WriteLine($"for (int k = 1; k < {K}; k++) if (logits[o + k] > max) max = logits[o + k];");
                                w.WriteLine("double sumExp = 0;");
                                w.WriteLine($"for (int k = 0; k < {K}; k++) sumExp += global::System.Math.Exp((double)logits[o + k] - max);");
                                w.WriteLine("double logSumExp = max + global::System.Math.Log(sumExp);");
                                w.WriteLine($"{t} sumY = {Literal(0)};");
                                using (w.Open($"for (int k = 0; k < {K}; k++)"))
                                {
                                    w.WriteLine($"{t} y = {target};");
                                    w.WriteLine("if (y != 0) loss += y * (logSumExp - logits[o + k]);");
                                    w.WriteLine("sumY += y;");
                                }
                                w.WriteLine($"for (int k = 0; k < {K}; k++) delta[o + k] = (yhat[o + k] * sumY - ({target})) * scale;");
                            }
                            else
                            {
                                using (w.Open($"for (int k = 0; k < {K}; k++)"))
                                {
                                    w.WriteLine($"{t} y = {target};");
                                    w.WriteLine("var p = yhat[o + k];");
                                    w.WriteLine($"bool clipped = p < {Literal(ProbabilityEpsilon)};");
                                    w.WriteLine($"if (y != 0) loss -= y * global::System.Math.Log(clipped ? {Literal(ProbabilityEpsilon)} : p);");
                                    w.WriteLine($"delta[o + k] = clipped ? {Literal(0)} : -y * scale / p;");
                                }
                            }
                        }
                        w.WriteLine($"return ({t})(loss / m);");
                        return;
                    }

                    w.WriteLine($"var scale = {Literal(1)} / (m * {K});");
                    if (_spec.Loss == LossKind.BinaryCrossEntropy && _fusedOutput)
                    {
                        w.WriteLine($"var logits = {Field(InputOf(last.Index))};");
                        w.WriteLine($"// L = (1/(m·K)) Σ [log(1 + e^{InputOf(last.Index)}) − y·{InputOf(last.Index)}]: binary cross-entropy from the logits (softplus, stable).");
                        w.WriteLine($"// ∂L/∂{InputOf(last.Index)} = (ŷ − y) / (m·K): sigmoid + binary cross-entropy, fused.");
                    }
                    else if (_spec.Loss == LossKind.BinaryCrossEntropy)
                    {
                        w.WriteLine($"// L = −(1/(m·K)) Σ [y·log ŷ + (1 − y)·log(1 − ŷ)], ŷ clipped to [ε, 1 − ε], ε = {Number(ProbabilityEpsilon)} (Keras).");
                        w.WriteLine("// ∂L/∂ŷ = (ŷ − y) / (ŷ·(1 − ŷ)·m·K), and 0 where ŷ was clipped.");
                    }
                    else
                    {
                        w.WriteLine("// L = (1/(m·K)) Σ (ŷ − y)²");
                        w.WriteLine("// ∂L/∂ŷ = 2·(ŷ − y) / (m·K)");
                    }
                    using (w.Open("for (int b = 0; b < m; b++)"))
                    {
                        w.WriteLine($"int o = b * {K};");
                        if (labels) w.WriteLine("int label = labels[b];");
                        using (w.Open($"for (int k = 0; k < {K}; k++)"))
                        {
                            w.WriteLine($"{t} y = {target};");
                            if (_spec.Loss == LossKind.BinaryCrossEntropy && _fusedOutput)
                            {
                                w.WriteLine("var z = logits[o + k];");
                                w.WriteLine($"loss += {Numerics}.Softplus((double)z) - y * z;");
                                w.WriteLine("delta[o + k] = (yhat[o + k] - y) * scale;");
                            }
                            else if (_spec.Loss == LossKind.BinaryCrossEntropy)
                            {
                                w.WriteLine("var p = yhat[o + k];");
                                w.WriteLine($"bool clipped = p < {Literal(ProbabilityEpsilon)} || p > {Literal(1 - ProbabilityEpsilon)};");
                                w.WriteLine($"double q = clipped ? global::System.Math.Min(global::System.Math.Max((double)p, {Number(ProbabilityEpsilon)}), {Number(1 - ProbabilityEpsilon)}) : p;");
                                w.WriteLine("loss -= y * global::System.Math.Log(q) + (1 - y) * global::System.Math.Log(1 - q);");
                                w.WriteLine($"delta[o + k] = clipped ? {Literal(0)} : (p - y) / (p * ({Literal(1)} - p)) * scale;");
                            }
                            else
                            {
                                w.WriteLine("var error = yhat[o + k] - y;");
                                w.WriteLine("loss += (double)error * error;");
                                w.WriteLine($"delta[o + k] = {Literal(2)} * error * scale;");
                            }
                        }
                    }
                    w.WriteLine($"return ({t})(loss / ((double)m * {K}));");
                }
            }

            private void WriteBackwardLayer(SourceWriter w, LayerSpec layer)
            {
                string k = Int(layer.Index);
                string y = Symbol(layer), x = InputOf(layer.Index);
                string output = Field(y), gradOut = GradientField(y);
                string input = layer.Index == 1 ? Field("x") : Field(x);
                bool needInputGradient = NeedsInputGradient(layer);
                string gradIn = needInputGradient ? GradientField(x) : string.Empty;
                w.WriteLine($"// Layer {k}: {layer.Type.Describe(layer)}, backward.");

                layer.Type.WriteBackward(this, w, layer, new Layers.BlockNames(x, y, input, output, gradOut, gradIn, needInputGradient));
            }
        }
    }
}
