using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using static Unrolled.Generator.Diagnostics.DiagnosticDescriptors;
using static Unrolled.Generator.NetworkGenerator.Emitter;
using Emitter = Unrolled.Generator.NetworkGenerator.Emitter;

namespace Unrolled.Generator.Layers
{
    /// <summary>A pooling layer's arguments: <c>[MaxPool2D(poolSize, Stride = …)]</c>, <c>[AvgPool2D(poolSize, Stride = …)]</c>.</summary>
    internal sealed record PoolSpec(int Index, LayerKind Kind, Shape Input, Shape Output, int ParameterOffset, int StatisticsOffset, int PoolSize, int Stride)
        : LayerSpec(Index, Kind, Input, Output, ParameterOffset, StatisticsOffset);

    /// <summary>
    /// The pooling family: a k×k window slides by the stride over each channel (valid windows only) and reduces what it
    /// covers to one value; MaxPool2D and AvgPool2D differ in the reduction and in how the gradient goes back. Their blocks call
    /// the pooling kernels (src/Runtime/Kernels.Pooling.cs) with every size a constant: a batch of C×H×W samples is m·C
    /// contiguous H×W planes, and the kernels walk each plane's windows.
    /// </summary>
    internal abstract class WindowPooling : Layer
    {
        public override string Symbol => "a";

        protected static PoolSpec P(LayerSpec layer) => (PoolSpec)layer;

        public override LayerSpec Parse(LayerArguments a)
        {
            string name = LayerFacts.Of(Kind).Name;
            int size = a.AtLeastOne(name + " pool size", (int)a.Constructor[0].Value!);
            int stride = a.AtLeastOne(name + " stride", a.Named("Stride", size));
            int rows = Shape.WindowOutput(a.Input.Height, size, stride, 0), columns = Shape.WindowOutput(a.Input.Width, size, stride, 0);
            if (rows < 1 || columns < 1)
            {
                a.Report(WindowDoesNotFit, a.Index, a.Network, name, $"{size}×{size}", a.Input,
                    $"an output of {rows}×{columns} (⌊(H − k)/stride⌋ + 1 rows, ⌊(W − k)/stride⌋ + 1 columns)",
                    "use a smaller pool size, or remove the layer");
                rows = System.Math.Max(rows, 1);
                columns = System.Math.Max(columns, 1);
            }
            return new PoolSpec(a.Index, Kind, a.Input, Shape.Image(a.Input.Channels, rows, columns), a.ParameterOffset, a.StatisticsOffset, size, stride);
        }

        public override string Describe(LayerSpec layer) =>
            $"{LayerFacts.Of(Kind).Name} {layer.Input} → {layer.Output} ({Int(P(layer).PoolSize)}×{Int(P(layer).PoolSize)} windows, stride {Int(P(layer).Stride)})";

        /// <summary><c>s·i + u</c>, written as simply as the stride allows.</summary>
        protected static string At(string position, string offset, int stride) => stride == 1 ? $"{position} + {offset}" : $"{Int(stride)}·{position} + {offset}";

        protected static string Window(PoolSpec pool, string x) => $"{x}[c, {At("i", "u", pool.Stride)}, {At("j", "v", pool.Stride)}]";

        /// <summary>ONNX MaxPool / AveragePool with the window and the strides (no padding).</summary>
        protected string OnnxPool(string op, LayerSpec layer) =>
            Onnx(op, new string[0], OnnxInts("kernel_shape", P(layer).PoolSize, P(layer).PoolSize), OnnxInts("strides", P(layer).Stride, P(layer).Stride));

        /// <summary>The kernels' arguments after the spans: the planes (m·C) and the geometry.</summary>
        protected static string Geometry(LayerSpec layer) =>
            $"m * {Int(layer.Input.Channels)}, height: {Int(layer.Input.Height)}, width: {Int(layer.Input.Width)}, pool: {Int(P(layer).PoolSize)}, " +
            $"stride: {Int(P(layer).Stride)}, outHeight: {Int(layer.Output.Height)}, outWidth: {Int(layer.Output.Width)}";

        protected static string Planes(Emitter e, bool readOnly, string buffer, Shape shape) => e.Slice(readOnly, buffer, "0", $"m * {Int(shape.Size)}");
    }

    /// <summary><c>[MaxPool2D(poolSize)]</c>: a[c, i, j] = max_{u,v} x[c, i·s + u, j·s + v]; NaN wins, the first maximum takes the gradient.</summary>
    internal sealed class MaxPool2D : WindowPooling
    {
        public override LayerKind Kind => LayerKind.MaxPool2D;

        public override string Name => "max_pool2d";

        public override string? OnnxNode(LayerSpec layer) => OnnxPool("MaxPool", layer);

        public override string ForwardMath(LayerSpec layer, string y, string x) =>
            $"{y}[c, i, j] = max_(u, v < {Int(P(layer).PoolSize)}) {Window(P(layer), x)}";

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            w.WriteLine($"//   Each (sample, channel) is one {layer.Input.Height}×{layer.Input.Width} plane; Kernels.MaxPool2D walks its windows. A value takes the window");
            w.WriteLine("//   if it is larger than the maximum so far, or NaN (PyTorch's rule: NaN propagates, a tie keeps the first maximum).");
            w.WriteLine($"global::Unrolled.Kernels.MaxPool2D({e.InputRows(layer, input)}, {Planes(e, false, output, layer.Output)},");
            w.WriteLine($"    {Geometry(layer)});");
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            string x = names.X, y = names.Y;
            w.WriteLine($"//   ∂L/∂{x}[c, h, w] = Σ over the windows whose arg-max is (h, w) of ∂L/∂{y}[c, i, j], 0 elsewhere: the maximum alone");
            w.WriteLine($"//   moved the output. The kernel finds each arg-max again from {x} with the forward pass's rule.");
            w.WriteLine($"global::Unrolled.Kernels.MaxPool2DBackward({Planes(e, true, names.Input, layer.Input)}, {Planes(e, true, names.GradientOut, layer.Output)},");
            w.WriteLine($"    {Planes(e, false, names.GradientIn, layer.Input)}, {Geometry(layer)});");
        }
    }

    /// <summary><c>[AvgPool2D(poolSize)]</c>: a[c, i, j] = (1/k²) Σ_{u,v} x[c, i·s + u, j·s + v]; the gradient is spread evenly.</summary>
    internal sealed class AvgPool2D : WindowPooling
    {
        public override LayerKind Kind => LayerKind.AvgPool2D;

        public override string Name => "avg_pool2d";

        public override string? OnnxNode(LayerSpec layer) => OnnxPool("AveragePool", layer);

        private static int Area(LayerSpec layer) => P(layer).PoolSize * P(layer).PoolSize;

        public override string ForwardMath(LayerSpec layer, string y, string x) =>
            $"{y}[c, i, j] = (1/{Int(Area(layer))}) Σ_(u, v < {Int(P(layer).PoolSize)}) {Window(P(layer), x)}";

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            w.WriteLine($"//   Each (sample, channel) is one {layer.Input.Height}×{layer.Input.Width} plane; Kernels.AvgPool2D sums each window and divides by {Int(Area(layer))}.");
            w.WriteLine($"global::Unrolled.Kernels.AvgPool2D({e.InputRows(layer, input)}, {Planes(e, false, output, layer.Output)},");
            w.WriteLine($"    {Geometry(layer)});");
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            string x = names.X, y = names.Y;
            w.WriteLine($"//   ∂L/∂{x}[c, h, w] = Σ over the windows covering (h, w) of ∂L/∂{y}[c, i, j] / {Int(Area(layer))}: each input moved its window's mean by 1/{Int(Area(layer))}.");
            w.WriteLine($"global::Unrolled.Kernels.AvgPool2DBackward({Planes(e, true, names.GradientOut, layer.Output)}, {Planes(e, false, names.GradientIn, layer.Input)},");
            w.WriteLine($"    {Geometry(layer)});");
        }
    }

    /// <summary><c>[GlobalAvgPool2D]</c>: C×H×W → C, a[c] = (1/(H·W)) Σ_h Σ_w x[c, h, w].</summary>
    internal sealed class GlobalAvgPool2D : Layer
    {
        public override LayerKind Kind => LayerKind.GlobalAvgPool2D;

        public override string Name => "global_avg_pool2d";

        public override LayerSpec Parse(LayerArguments a) =>
            new PlainSpec(a.Index, Kind, a.Input, Shape.Features(a.Input.Channels), a.ParameterOffset, a.StatisticsOffset);

        /// <summary>ONNX ReduceMean over H and W without keeping them: [N, C, H, W] → [N, C] in one node (GlobalAveragePool
        /// would keep [N, C, 1, 1] and need a Flatten).</summary>
        public override string? OnnxNode(LayerSpec layer) => Onnx("ReduceMean", new string[0], OnnxInts("axes", 2, 3), OnnxInt("keepdims", 0));

        public override string Describe(LayerSpec layer) => $"GlobalAvgPool2D {layer.Input} → {Int(layer.OutputSize)} features (the mean of each channel)";

        public override string ForwardMath(LayerSpec layer, string y, string x) =>
            $"{y}[c] = (1/{Int(layer.Input.Plane)}) Σ_h Σ_w {x}[c, h, w]";

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            using (w.Open())
            {
                w.WriteLine($"var input = {input};");
                w.WriteLine($"var output = {output};");
                using (w.Open($"for (int plane = 0; plane < m * {Int(layer.Input.Channels)}; plane++)"))
                {
                    string from = $"plane * {Int(layer.Input.Plane)}", plane = Int(layer.Input.Plane);
                    string values = layer.Index == 1 ? $"input.Slice({from}, {plane})" : e.Slice(true, "input", from, plane); // the first layer reads the caller's span
                    w.WriteLine($"output[plane] = global::Unrolled.Kernels.PlaneSum({values}) / {e.Literal(layer.Input.Plane)};");
                }
            }
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            w.WriteLine($"//   ∂L/∂{names.X}[c, h, w] = ∂L/∂{names.Y}[c] / {Int(layer.Input.Plane)}: every value of the channel moved its mean equally.");
            using (w.Open())
            {
                w.WriteLine($"var delta = {names.GradientOut};");
                w.WriteLine($"var inputDelta = {names.GradientIn};");
                using (w.Open($"for (int plane = 0; plane < m * {Int(layer.Input.Channels)}; plane++)"))
                {
                    w.WriteLine($"{e.Slice(false, "inputDelta", $"plane * {Int(layer.Input.Plane)}", Int(layer.Input.Plane))}.Fill(delta[plane] / {e.Literal(layer.Input.Plane)});");
                }
            }
        }
    }
}
