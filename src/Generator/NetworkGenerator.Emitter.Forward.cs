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
                        if (HasPackedWeights) w.WriteLine("s.packed = PackedWeights();");
                        using (w.Open("for (int start = 0; start < batchSize; start += InferenceChunk)"))
                        {
                            w.WriteLine("int m = global::System.Math.Min(InferenceChunk, batchSize - start);");
                            w.WriteLine("ForwardLayers(inputs.Slice(start * InputSize, m * InputSize), m, false, s);");
                            w.WriteLine($"new {ReadOnlySpan}<{t}>({last}, 0, m * OutputSize).CopyTo(outputs.Slice(start * OutputSize));");
                        }
                        if (HasPackedWeights) w.WriteLine("s.packed = null; // the thread's buffers keep no network's weights alive");
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
                if (HasPackedWeights) WritePackedWeights(w);
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

            /// <summary>Whether the network keeps a packed copy of its Dense weights for inference (<see cref="Layers.Dense.PackedLength"/>).</summary>
            internal bool HasPackedWeights
            {
                get
                {
                    foreach (LayerSpec layer in _spec.Layers) if (Layers.Dense.PackedLength(this, layer) > 0) return true;
                    return false;
                }
            }

            /// <summary>ParametersChanged and PackedWeights: the version the Parameters getter and every writer bump, and inference's
            /// packed copy, repacked in place at the second inference call that sees a new version.</summary>
            private void WritePackedWeights(SourceWriter w)
            {
                int length = 0;
                foreach (LayerSpec layer in _spec.Layers) length += Layers.Dense.PackedLength(this, layer);
                w.WriteLine("/// <summary>Marks inference's packed copy of the weights stale (the parameters may change).</summary>");
                w.WriteLine("private void ParametersChanged() => global::System.Threading.Interlocked.Increment(ref _parametersVersion);");
                w.WriteLine();
                w.WriteLine("/// <summary>");
                w.WriteLine("/// Inference's packed copy of the Dense weights for the current parameters (Kernels.PackWeights), or null: a new version");
                w.WriteLine("/// is packed at the second inference call that sees it, so weights that change between every call (inference after each");
                w.WriteLine("/// training step) are never packed for nothing. The copy is allocated at the first call and rewritten in place. Only a change of the");
                w.WriteLine("/// parameters (which the guard refuses while inference runs) changes what is written, so a call reading the copy");
                w.WriteLine("/// while another call repacks it reads the same numbers.");
                w.WriteLine("/// </summary>");
                using (w.Open($"private float[]{(_nullable ? "?" : string.Empty)} PackedWeights()"))
                {
                    w.WriteLine("// A Parameters get since the last call: the weights may have been written through the span (an atomic test-and-clear,");
                    w.WriteLine("// so a get that races with it is seen now or by the next call).");
                    w.WriteLine("if (global::System.Threading.Volatile.Read(ref _parametersLent) != 0 && global::System.Threading.Interlocked.Exchange(ref _parametersLent, 0) != 0) ParametersChanged();");
                    w.WriteLine("long version = global::System.Threading.Interlocked.Read(ref _parametersVersion);");
                    w.WriteLine("if (global::System.Threading.Interlocked.Read(ref _packedVersion) == version) return global::System.Threading.Volatile.Read(ref _packed);");
                    using (w.Open("if (global::System.Threading.Interlocked.Exchange(ref _seenVersion, version) != version)"))
                    {
                        w.WriteLine("// New weights: not packed yet. The copy is allocated at the first inference call, so later calls allocate nothing.");
                        w.WriteLine($"if (global::System.Threading.Volatile.Read(ref _packed) == null) global::System.Threading.Volatile.Write(ref _packed, new float[{Int(length)}]);");
                        w.WriteLine("return null;");
                    }
                    w.WriteLine($"var packed = global::System.Threading.Volatile.Read(ref _packed) ?? new float[{Int(length)}];");
                    foreach (LayerSpec layer in _spec.Layers) Layers.Dense.WritePacking(this, w, layer);
                    w.WriteLine("global::System.Threading.Volatile.Write(ref _packed, packed);");
                    w.WriteLine("global::System.Threading.Interlocked.Exchange(ref _packedVersion, version);");
                    w.WriteLine("return packed;");
                }
                w.WriteLine();
            }

            private void WriteForwardLayer(SourceWriter w, LayerSpec layer)
            {
                string k = Int(layer.Index);
                string input = layer.Index == 1 ? "x" : Field(InputOf(layer.Index));
                string output = Field(Symbol(layer));
                w.WriteLine($"// Layer {k}: {layer.Type.Describe(layer)}.");
                w.WriteLine($"//   {ForwardMath(layer)}");
                layer.Type.WriteForward(this, w, layer, input, output);
            }

            /// <summary>Sample <paramref name="b"/>'s row of the layer's input, as a read-only span.</summary>
            internal string InputRow(LayerSpec layer, string input, string b) =>
                layer.Index == 1 ? $"{input}.Slice({b} * {Int(layer.InputSize)}, {Int(layer.InputSize)})"
                                 : Slice(true, input, $"{b} * {Int(layer.InputSize)}", Int(layer.InputSize));

            /// <summary>All m rows of the layer's input, as a read-only span.</summary>
            internal string InputRows(LayerSpec layer, string input) =>
                layer.Index == 1 ? $"{input}.Slice(0, m * {Int(layer.InputSize)})"
                                 : Slice(true, input, "0", $"m * {Int(layer.InputSize)}");
        }
    }
}
