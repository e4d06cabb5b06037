using System.Collections.Generic;
using Unrolled.Generator.Helpers;
using Unrolled.Generator.Layers;
using Unrolled.Generator.Model;
using Unrolled.Shared;

namespace Unrolled.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal sealed partial class Emitter
        {
            // ── Descriptions (the XML "network explanation", LayerInfo and block headers share them) ──

            internal static string InitName(InitKind init) => init switch
            {
                InitKind.XavierUniform => "Xavier uniform",
                InitKind.XavierNormal => "Xavier normal",
                InitKind.HeUniform => "He uniform",
                InitKind.HeNormal => "He normal",
                _ => "LeCun normal",
            };

            /// <summary>The forward formula of a layer in the lesson's notation (the last layer's output is ŷ).</summary>
            private string ForwardMath(LayerSpec layer)
            {
                string y = Symbol(layer);
                return layer.Type.ForwardMath(layer, layer.Index == _spec.Layers.Count ? "ŷ = " + y : y, InputOf(layer.Index));
            }

            private string LossMath() => _spec.Loss switch
            {
                LossKind.CrossEntropy => "cross-entropy, L = −(1/m) Σ_b Σ_k y[b,k] · log ŷ[b,k]",
                LossKind.BinaryCrossEntropy => "binary cross-entropy, L = −(1/(m·K)) Σ (y · log ŷ + (1 − y) · log(1 − ŷ))",
                _ => "mean squared error, L = (1/(m·K)) Σ (ŷ − y)²",
            };

            private string LossStart()
            {
                string last = Symbol(_spec.Last);
                if (!_fusedOutput) return $"backward starts from ∂L/∂{last}";
                string logits = InputOf(_spec.Last.Index);
                return _spec.Loss == LossKind.CrossEntropy
                    ? $"backward starts from ∂L/∂{logits} = (ŷ − y) / m (softmax + cross-entropy, fused)"
                    : $"backward starts from ∂L/∂{logits} = (ŷ − y) / (m·K) (sigmoid + binary cross-entropy, fused)";
            }

            private void WriteExplanation(SourceWriter w)
            {
                w.WriteLine("/// <remarks>");
                w.WriteLine("/// <para>Network explanation (one block per layer in the .Forward.g.cs and .Backward.g.cs files):</para>");
                w.WriteLine("/// <code>");
                w.WriteLine(_spec.Input.IsImage
                    ? $"/// ○ Input x: {_spec.Input} (channels × height × width, {Int(_spec.InputSize)} values, channel-major) per sample; a batch is m samples, sample-major.<br/>"
                    : $"/// ○ Input x: {Int(_spec.InputSize)} features per sample; a batch is m samples, sample-major.<br/>");
                // An image network names every layer's output shape (its descriptions give only the shapes they change).
                foreach (LayerSpec layer in _spec.Layers)
                    w.WriteLine(_spec.Input.IsImage
                        ? $"/// ○ Layer {Int(layer.Index)}, {Xml(layer.Type.Describe(layer))}, out {layer.Output.Tuple.Replace("None, ", string.Empty)}: {Xml(ForwardMath(layer))}.<br/>"
                        : $"/// ○ Layer {Int(layer.Index)}, {Xml(layer.Type.Describe(layer))}: {Xml(ForwardMath(layer))}.<br/>");
                w.WriteLine($"/// ○ Loss: {Xml(LossMath())}; {Xml(LossStart())}.<br/>");
                w.WriteLine($"/// ○ Totals: {Grouped(_spec.ParameterCount)} trainable parameters, {Grouped(_spec.StatisticsCount)} non-trainable.<br/>");
                if (_spec.Loops)
                    w.WriteLine("/// ○ Code: loops (GeneratedCode.Loops). Every block is plain loops with constant bounds, each headed by its equation: for reading and stepping through, one thread, no vectors.<br/>");
                w.WriteLine("/// </code>");
                w.WriteLine("/// </remarks>");
            }

            /// <summary>LayerInfo's shape arguments, written only for an image shape (features are its default).</summary>
            private static string ShapeArguments(LayerSpec layer)
            {
                string Shape(Shape shape) => $"new global::Unrolled.TensorShape({Int(shape.Channels)}, {Int(shape.Height)}, {Int(shape.Width)})";
                return (layer.Input.IsImage ? ", inputShape: " + Shape(layer.Input) : string.Empty)
                     + (layer.Output.IsImage ? ", outputShape: " + Shape(layer.Output) : string.Empty);
            }

            private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

            // ── X.Network.g.cs ───────────────────────────────────────────────────────────────────────

            private void WriteNetwork(SourceWriter w)
            {
                string t = _t;
                w.WriteLine("// ── Shapes ──────────────────────────────────────────────────────────────────────");
                if (_spec.Input.IsImage)
                {
                    w.WriteLine($"/// <summary>Input values per sample: {_spec.Input} (channels × height × width), channel-major.</summary>");
                    w.WriteLine($"public const int InputSize = {Int(_spec.InputSize)};");
                    w.WriteLine("/// <summary>Input channels, height and width: value c·H·W + h·W + w of a sample is channel c, row h, column w.</summary>");
                    w.WriteLine($"public const int InputChannels = {Int(_spec.Input.Channels)}, InputHeight = {Int(_spec.Input.Height)}, InputWidth = {Int(_spec.Input.Width)};");
                }
                else
                {
                    w.WriteLine("/// <summary>Input features per sample.</summary>");
                    w.WriteLine($"public const int InputSize = {Int(_spec.InputSize)};");
                }
                w.WriteLine("/// <summary>Outputs per sample (the last layer's width).</summary>");
                w.WriteLine($"public const int OutputSize = {Int(_spec.OutputSize)};");
                w.WriteLine("/// <summary>Trainable parameters: the length of <see cref=\"Parameters\"/> and <see cref=\"Gradients\"/>.</summary>");
                w.WriteLine($"public const int ParameterCount = {Int(_spec.ParameterCount)};");
                w.WriteLine("/// <summary>Non-trainable values (BatchNorm running means and variances): the length of <see cref=\"RunningStatistics\"/>.</summary>");
                w.WriteLine($"public const int RunningStatisticsCount = {Int(_spec.StatisticsCount)};");
                w.WriteLine("/// <summary>Number of layers.</summary>");
                w.WriteLine($"public const int LayerCount = {Int(_spec.Layers.Count)};");
                w.WriteLine("/// <summary>The seed a new instance is initialised from ([Network(Seed = …)]).</summary>");
                w.WriteLine($"public const int DefaultSeed = {Int(_spec.Seed)};");
                w.WriteLine("/// <summary>Inference runs in chunks of this many samples: the buffers stay small for any batch size, and a chunk of inputs stays in the L2 cache while the kernels sweep the weights over it.</summary>");
                w.WriteLine("private const int InferenceChunk = 64;");
                foreach (LayerSpec layer in _spec.Layers)
                {
                    w.WriteLine();
                    w.WriteLine($"// Layer {Int(layer.Index)}: {layer.Type.Describe(layer)}");
                    w.WriteLine(layer.Output.IsImage
                        ? $"/// <summary>Output values per sample of layer {Int(layer.Index)} ({layer.Type.Name}): {layer.Output}, channel-major.</summary>"
                        : $"/// <summary>Output width of layer {Int(layer.Index)} ({layer.Type.Name}).</summary>");
                    w.WriteLine($"public const int {Const(layer, "Size")} = {Int(layer.OutputSize)};");
                    layer.Type.WriteConstants(w, layer);
                }

                w.WriteLine();
                w.WriteLine("private static readonly global::System.Collections.ObjectModel.ReadOnlyCollection<global::Unrolled.LayerInfo> s_layers =");
                w.WriteLine("    global::System.Array.AsReadOnly(new global::Unrolled.LayerInfo[]");
                w.WriteLine("    {");
                foreach (LayerSpec layer in _spec.Layers)
                {
                    w.WriteLine($"        new global::Unrolled.LayerInfo({Int(layer.Index)}, global::Unrolled.LayerKind.{layer.Kind}, \"{layer.Type.Name}_{Int(layer.Index)}\", " +
                                $"\"{layer.Type.Describe(layer)}\", {Int(layer.InputSize)}, {Int(layer.OutputSize)}, {Int(layer.ParameterOffset)}, {Int(layer.ParameterCount)}, " +
                                $"{Int(layer.StatisticsOffset)}, {Int(layer.StatisticsCount)}, {DoubleLiteral(layer.InfoArguments.Hyperparameter)}, {DoubleLiteral(layer.InfoArguments.Epsilon)}, {(layer.InfoArguments.HasBias ? "true" : "false")}, " +
                                $"{layer.Type.OnnxNode(layer) ?? "null"}{ShapeArguments(layer)}),");
                }
                w.WriteLine("    });");
                w.WriteLine();
                w.WriteLine("/// <summary>The layers in declaration order, as data (kind, shapes, parameter offsets).</summary>");
                w.WriteLine("public static global::System.Collections.Generic.IReadOnlyList<global::Unrolled.LayerInfo> Layers => s_layers;");
                w.WriteLine();
                w.WriteLine("/// <summary>A Keras-style summary: one row per layer (output shape, parameters), then the trainable and non-trainable totals.</summary>");
                w.WriteLine(_spec.Input.IsImage
                    ? $"public static string Summary() => global::Unrolled.NetworkSummary.Format(\"{_spec.TypeName}\", new global::Unrolled.TensorShape(InputChannels, InputHeight, InputWidth), s_layers);"
                    : $"public static string Summary() => global::Unrolled.NetworkSummary.Format(\"{_spec.TypeName}\", InputSize, s_layers);");

                w.WriteLine();
                w.WriteLine("// ── State: flat parameter and gradient buffers, running statistics, per-batch buffers ─────");
                w.WriteLine($"private static readonly {t}[] s_empty = new {t}[0];");
                w.WriteLine($"private {t}[] _parameters = NewParameters(DefaultSeed);");
                w.WriteLine($"private {t}[] _gradients = new {t}[ParameterCount];");
                w.WriteLine($"private {t}[] _statistics = NewStatistics();");
                w.WriteLine("private global::Unrolled.SplitMix64 _random = global::Unrolled.SplitMix64.ForDropout(DefaultSeed);");
                w.WriteLine("private int _batchSize;       // samples of the last training forward pass");
                w.WriteLine("private bool _hasTrainingPass; // whether the training buffers hold a pass Backward can use");
                w.WriteLine("private PassBuffers _train = new PassBuffers(0, true); // the training pass: layer outputs, gradients, masks");
                w.WriteLine($"private global::Unrolled.NetworkGuard _guard = new global::Unrolled.NetworkGuard(\"{_spec.FullName}\");");
                w.WriteLine("/// <summary>Each thread's inference buffers (one chunk of samples), shared by the instances of this network on that thread.</summary>");
                w.WriteLine($"[global::System.ThreadStatic] private static PassBuffers{(_nullable ? "?" : string.Empty)} t_inference;");
                if (HasPackedWeights)
                {
                    w.WriteLine("/// <summary>The parameters' version: bumped by every access that can change them (BackwardSgd, InitializeParameters,");
                    w.WriteLine("/// CopyParametersFrom, and the Parameters getter — optimiser steps, loading — through _parametersLent); inference's packed copy holds one.</summary>");
                    w.WriteLine("private long _parametersVersion;");
                    w.WriteLine("private int _parametersLent; // 1 after a Parameters get: the next inference call bumps the version (a plain store keeps the getter cheap)");
                    w.WriteLine($"private float[]{(_nullable ? "?" : string.Empty)} _packed; // inference's packed copy of the Dense weights (PackedWeights)");
                    w.WriteLine("private long _packedVersion = -1; // the version _packed holds; -1: none");
                    w.WriteLine("private long _seenVersion = -1;   // the version the last inference call saw");
                }
                w.WriteLine();
                w.WriteLine("/// <summary>Every trainable parameter, flat, layer by layer (Dense: W row-major then b; BatchNorm: γ then β).</summary>");
                if (HasPackedWeights)
                {
                    w.WriteLine("/// <remarks>Each get marks inference's packed copy of the weights stale, so writes through the span are seen by the next");
                    w.WriteLine("/// Forward. Write through the span before the next Forward call: a span kept across a Forward call and written after it");
                    w.WriteLine("/// is seen by inference only once Parameters is read again.</remarks>");
                    w.WriteLine($"public {Span}<{t}> Parameters {{ get {{ _parametersLent = 1; return _parameters; }} }}");
                }
                else w.WriteLine($"public {Span}<{t}> Parameters => _parameters;");
                w.WriteLine("/// <summary>∂L/∂θ of the last backward pass (mean over the batch), in the layout of <see cref=\"Parameters\"/>.</summary>");
                w.WriteLine($"public {Span}<{t}> Gradients => _gradients;");
                w.WriteLine("/// <summary>Non-trainable state: for each BatchNorm layer its running mean, then its running variance.</summary>");
                w.WriteLine($"public {Span}<{t}> RunningStatistics => _statistics;");
                w.WriteLine("/// <summary>State of the dropout random generator; restore a saved value to replay the same masks.</summary>");
                w.WriteLine("public ulong RandomState { get { return _random.State; } set { _random.State = value; } }");
                string iface = $"global::Unrolled.INetwork<{t}>";
                w.WriteLine($"int {iface}.InputSize => InputSize;");
                w.WriteLine($"int {iface}.OutputSize => OutputSize;");
                w.WriteLine($"int {iface}.ParameterCount => ParameterCount;");
                w.WriteLine($"global::Unrolled.Loss {iface}.Loss => global::Unrolled.Loss.{_spec.Loss};");
                w.WriteLine($"global::System.Collections.Generic.IReadOnlyList<global::Unrolled.LayerInfo> {iface}.Layers => s_layers;");
                w.WriteLine("/// <summary>Detects misuse across threads: training, loading and initialisation take this network exclusively (a second");
                w.WriteLine("/// thread gets an InvalidOperationException naming the conflict); inference is shared and is refused only while another");
                w.WriteLine("/// thread holds the network exclusively.</summary>");
                w.WriteLine("public global::Unrolled.NetworkGuard Guard => _guard;");

                w.WriteLine();
                w.WriteLine("// ── Initialisation ─────────────────────────────────────────────────────────────────────");
                w.WriteLine("/// <summary>Re-initialises parameters, running statistics and the dropout generator from <paramref name=\"seed\"/>; the same seed gives the same network.</summary>");
                w.WriteLine(s_generatedCode);
                using (w.Open("public void InitializeParameters(int seed)"))
                {
                    Exclusive(w, "InitializeParameters", () =>
                    {
                        w.WriteLine("FillParameters(_parameters, seed);");
                        w.WriteLine("FillStatistics(_statistics);");
                        w.WriteLine("global::System.Array.Clear(_gradients, 0, ParameterCount);");
                        w.WriteLine("_random = global::Unrolled.SplitMix64.ForDropout(seed);");
                        w.WriteLine("_hasTrainingPass = false;");
                        if (HasPackedWeights) w.WriteLine("ParametersChanged();");
                    });
                }
                w.WriteLine();
                w.WriteLine("// ── Copies ─────────────────────────────────────────────────────────────────────────────");
                w.WriteLine("/// <summary>");
                w.WriteLine("/// A deep copy: parameters, gradients, running statistics and the dropout generator's state are copied, and the copy");
                w.WriteLine("/// gets its own buffers and guard, so training or serving one never touches the other (fields you declare in the");
                w.WriteLine("/// partial class are copied as MemberwiseClone copies them). The copy computes the same outputs, bit for bit.");
                w.WriteLine("/// Allocates the copy; takes this network as inference does (refused while another thread trains it).");
                w.WriteLine("/// </summary>");
                w.WriteLine(s_generatedCode);
                using (w.Open($"public {_spec.TypeName} Clone()"))
                {
                    Inference(w, "_guard", () =>
                    {
                        w.WriteLine($"var copy = ({_spec.TypeName})MemberwiseClone();");
                        w.WriteLine($"copy._parameters = ({t}[])_parameters.Clone();");
                        w.WriteLine($"copy._gradients = ({t}[])_gradients.Clone();");
                        w.WriteLine($"copy._statistics = ({t}[])_statistics.Clone();");
                        w.WriteLine("copy._train = new PassBuffers(0, true);");
                        w.WriteLine("copy._hasTrainingPass = false;");
                        w.WriteLine($"copy._guard = new global::Unrolled.NetworkGuard(\"{_spec.FullName}\");");
                        if (HasPackedWeights)
                        {
                            w.WriteLine("copy._packed = null; // its own packed copy, made from its own parameters");
                            w.WriteLine("copy._packedVersion = -1;");
                            w.WriteLine("copy._seenVersion = -1;");
                        }
                        w.WriteLine("return copy;");
                    });
                }
                w.WriteLine();
                w.WriteLine("/// <summary>");
                w.WriteLine("/// Copies <paramref name=\"source\"/>'s parameters and running statistics into this network (no allocation), e.g. to publish");
                w.WriteLine("/// a trainer's weights to a spare instance that servers then switch to. Takes this network exclusively (refused while");
                w.WriteLine("/// other threads run inference on it or train it) and reads the source as inference does; the training pass is used up.");
                w.WriteLine("/// </summary>");
                w.WriteLine(s_generatedCode);
                using (w.Open($"public void CopyParametersFrom({_spec.TypeName} source)"))
                {
                    w.WriteLine("if (source is null) throw new global::System.ArgumentNullException(nameof(source));");
                    w.WriteLine("if (ReferenceEquals(source, this)) return;");
                    Exclusive(w, "CopyParametersFrom", () => Inference(w, "source._guard", () =>
                    {
                        w.WriteLine("global::System.Array.Copy(source._parameters, _parameters, ParameterCount);");
                        w.WriteLine("global::System.Array.Copy(source._statistics, _statistics, RunningStatisticsCount);");
                        w.WriteLine("_hasTrainingPass = false;");
                        if (HasPackedWeights) w.WriteLine("ParametersChanged();");
                    }));
                }
                w.WriteLine();
                using (w.Open($"private static {t}[] NewParameters(int seed)"))
                {
                    w.WriteLine($"var parameters = new {t}[ParameterCount];");
                    w.WriteLine("FillParameters(parameters, seed);");
                    w.WriteLine("return parameters;");
                }
                w.WriteLine();
                using (w.Open($"private static {t}[] NewStatistics()"))
                {
                    w.WriteLine($"var statistics = new {t}[RunningStatisticsCount];");
                    w.WriteLine("FillStatistics(statistics);");
                    w.WriteLine("return statistics;");
                }
                w.WriteLine();
                using (w.Open($"private static void FillParameters({t}[] parameters, int seed)"))
                {
                    w.WriteLine("var random = global::Unrolled.SplitMix64.FromSeed(seed);");
                    foreach (LayerSpec layer in _spec.Layers)
                    {
                        layer.Type.WriteInitialisation(this, w, layer);
                    }
                }
                w.WriteLine();
                using (w.Open($"private static void FillStatistics({t}[] statistics)"))
                {
                    foreach (LayerSpec layer in _spec.Layers)
                    {
                        layer.Type.WriteStatisticsInitialisation(this, w, layer);
                    }
                }

                w.WriteLine();
                w.WriteLine("/// <summary>The buffers of one forward pass (and, for training, its backward pass): layer outputs, BatchNorm's x̂, μ and");
                w.WriteLine("/// 1/σ, dropout masks, and the gradients. The instance trains in one set; inference uses the calling thread's set.</summary>");
                using (w.Open("private sealed class PassBuffers"))
                {
                    w.WriteLine("public int rows;     // samples of the last pass in these buffers");
                    w.WriteLine("private int _capacity; // samples the per-sample buffers hold");
                    w.WriteLine("private readonly bool _training; // whether the training-only buffers (inputs, masks, gradients) are kept");
                    w.WriteLine($"public {t}[] x = s_empty; // the training batch's inputs, kept for ∂L/∂W of the first Dense layer");
                    if (HasPackedWeights) w.WriteLine($"public float[]{(_nullable ? "?" : string.Empty)} packed; // inference: the network's packed Dense weights for this call, or null (training, or not packed yet)");
                    foreach (BufferInfo buffer in Buffers())
                        w.WriteLine($"public {t}[] {buffer.Name} = {(buffer.PerSample || buffer.TrainingOnly ? "s_empty" : $"new {t}[{Int(buffer.Width)}]")}; // {buffer.Comment}");
                    w.WriteLine();
                    using (w.Open("public PassBuffers(int capacity, bool training)"))
                    {
                        w.WriteLine("_training = training;");
                        w.WriteLine("Ensure(capacity, training);");
                    }
                    w.WriteLine();
                    w.WriteLine("/// <summary>Grows the per-sample buffers to <paramref name=\"samples\"/>; after warm-up nothing is allocated.</summary>");
                    using (w.Open("public void Ensure(int samples, bool training)"))
                    {
                        w.WriteLine("if (samples <= _capacity || samples == 0) return;");
                        w.WriteLine($"if (_training) x = new {t}[checked(samples * InputSize)];");
                        foreach (BufferInfo buffer in Buffers())
                        {
                            if (!buffer.PerSample && !buffer.TrainingOnly) continue;
                            string size = buffer.PerSample ? $"checked(samples * {Int(buffer.Width)})" : Int(buffer.Width);
                            w.WriteLine(buffer.TrainingOnly ? $"if (_training) {buffer.Name} = new {t}[{size}];" : $"{buffer.Name} = new {t}[{size}];");
                        }
                        w.WriteLine("_capacity = samples;");
                    }
                }
                w.WriteLine();
                w.WriteLine("/// <summary>The output of layer <paramref name=\"layer\"/> (1-based) for the samples of the last training pass (ForwardTraining),");
                w.WriteLine("/// sample-major; valid until the next one. For diagnosis: dead ReLUs, the first non-finite layer. (Inference keeps its layer");
                w.WriteLine("/// outputs in per-thread buffers and does not change this.)</summary>");
                using (w.Open($"public {ReadOnlySpan}<{t}> LayerOutput(int layer)"))
                {
                    using (w.Open("switch (layer)"))
                    {
                        foreach (LayerSpec layer in _spec.Layers)
                            w.WriteLine($"case {Int(layer.Index)}: return new {ReadOnlySpan}<{t}>(_train.{Symbol(layer)}, 0, _train.rows * {Int(layer.OutputSize)});");
                        w.WriteLine($"default: throw new global::System.ArgumentOutOfRangeException(nameof(layer), layer, \"Layers are numbered 1 to \" + LayerCount + \".\");");
                    }
                }

                w.WriteLine();
                w.WriteLine("// ── Gradient check (a teaching tool and a test hook) ─────────────────────────────────────");
                foreach (bool labels in new[] { true, false })
                {
                    string second = labels ? $"{ReadOnlySpan}<int> labels" : $"{ReadOnlySpan}<{t}> targets";
                    w.WriteLine("/// <summary>");
                    w.WriteLine("/// Compares Backward with central finite differences, (L(θ + h) − L(θ − h)) / 2h, for every parameter");
                    w.WriteLine("/// (or an evenly spaced subset of <paramref name=\"maxParametersPerLayer\"/> per layer) and returns the largest");
                    w.WriteLine("/// relative error per trainable layer. The network is left as it was. 0 selects the default step and floor.");
                    w.WriteLine("/// </summary>");
                    w.WriteLine(s_generatedCode);
                    w.WriteLine($"public global::Unrolled.LayerGradientError[] GradientCheck({ReadOnlySpan}<{t}> inputs, {second}, int batchSize, double step = 0, double floor = 0, int maxParametersPerLayer = int.MaxValue)");
                    w.WriteLine($"    => global::Unrolled.GradientChecker.Check(this, inputs, {(labels ? "labels" : "targets")}, batchSize, step, floor, maxParametersPerLayer);");
                }
            }

            private IEnumerable<BufferInfo> Buffers()
            {
                int lastBackward = _fusedOutput ? _spec.Layers.Count - 1 : _spec.Layers.Count;
                foreach (LayerSpec layer in _spec.Layers)
                {
                    string y = Symbol(layer), k = Int(layer.Index);
                    yield return new BufferInfo(y, layer.OutputSize, true, $"{y}: output of layer {k}, m × {Int(layer.OutputSize)}");
                    foreach (BufferInfo buffer in layer.Type.Buffers(this, layer)) yield return buffer;
                    if (layer.Index >= _firstTrainable && layer.Index <= lastBackward)
                        yield return new BufferInfo("g" + y, layer.OutputSize, true, $"∂L/∂{y}", trainingOnly: true);
                }
            }
        }
    }
}
