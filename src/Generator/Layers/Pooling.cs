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
        : LayerSpec(Index, Kind, Input, Output, ParameterOffset, StatisticsOffset)
    {
    }

    /// <summary>
    /// The pooling family: a k×k window slides by the stride over each channel (valid windows only) and reduces what it
    /// covers to one value; MaxPool2D and AvgPool2D differ in the reduction and in how the gradient goes back. The blocks are
    /// plain loops over planes (a sample's channel is one contiguous H×W plane, and so is every (sample, channel) pair of the
    /// batch), with every bound a constant.
    /// </summary>
    internal abstract class WindowPooling : Layer
    {
        public override string Symbol => "a";

        protected static PoolSpec P(LayerSpec layer) => (PoolSpec)layer;

        public override LayerSpec Parse(LayerArguments a)
        {
            string name = LayerFacts.Of(Kind).Name;
            int size = Conv2D.AtLeastOne(a, name + " pool size", (int)a.Constructor[0].Value!);
            int stride = Conv2D.AtLeastOne(a, name + " stride", a.Named("Stride", size));
            int rows = Shape.WindowOutput(a.Input.Height, size, stride, 0), columns = Shape.WindowOutput(a.Input.Width, size, stride, 0);
            if (rows < 1 || columns < 1)
            {
                a.Report(WindowDoesNotFit, a.Index, a.Network, name, $"{size}×{size}", a.Input, string.Empty,
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

        /// <summary>The loops over the planes and output positions, with <c>corner</c>, the window's first input, and <c>at</c>,
        /// the output's index, in scope of <paramref name="body"/>.</summary>
        protected static void Windows(SourceWriter w, LayerSpec layer, System.Action body)
        {
            PoolSpec pool = P(layer);
            using (w.Open($"for (int plane = 0; plane < m * {Int(layer.Input.Channels)}; plane++)"))
            {
                w.WriteLine($"int from = plane * {Int(layer.Input.Plane)}, to = plane * {Int(layer.Output.Plane)};");
                using (w.Open($"for (int i = 0; i < {Int(layer.Output.Height)}; i++)"))
                using (w.Open($"for (int j = 0; j < {Int(layer.Output.Width)}; j++)"))
                {
                    w.WriteLine($"int corner = from + i * {Int(pool.Stride * layer.Input.Width)} + j * {Int(pool.Stride)}, at = to + i * {Int(layer.Output.Width)} + j;");
                    body();
                }
            }
        }

        /// <summary>The loops over one window, from <c>corner</c>; <paramref name="line"/> sees the input's index as <c>k</c>.</summary>
        protected static void OverWindow(SourceWriter w, LayerSpec layer, string line)
        {
            using (w.Open($"for (int u = 0; u < {Int(P(layer).PoolSize)}; u++)"))
            using (w.Open($"for (int v = 0; v < {Int(P(layer).PoolSize)}; v++)"))
            {
                w.WriteLine($"int k = corner + u * {Int(layer.Input.Width)} + v;");
                w.WriteLine(line);
            }
        }
    }

    /// <summary><c>[MaxPool2D(poolSize)]</c>: a[c, i, j] = max_{u,v} x[c, i·s + u, j·s + v]; NaN wins, the first maximum takes the gradient.</summary>
    internal sealed class MaxPool2D : WindowPooling
    {
        public override LayerKind Kind => LayerKind.MaxPool2D;

        public override string Name => "max_pool2d";

        public override string? OnnxNode(LayerSpec layer) => OnnxPool("MaxPool", layer);

        public override string ForwardMath(LayerSpec layer, string y, string x) =>
            $"{y}[c, i, j] = max_(u, v < {Int(P(layer).PoolSize)}) {Window(P(layer), x)}";

        /// <summary>The one rule of both passes, PyTorch's (max_pool2d's CPU kernel): a larger value, or a NaN, takes the window,
        /// so ties go to the first maximum, row by row, and a NaN wins.</summary>
        private static string Takes(Emitter e) => $"value > max || {e.T}.IsNaN(value)";

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            w.WriteLine("//   A value takes the window if it is larger than the maximum so far, or NaN (NaN propagates; PyTorch's rule).");
            using (w.Open())
            {
                w.WriteLine($"var input = {input};");
                w.WriteLine($"var output = {output};");
                Windows(w, layer, () =>
                {
                    w.WriteLine("var max = input[corner];");
                    OverWindow(w, layer, $"var value = input[k]; if ({Takes(e)}) max = value;");
                    w.WriteLine("output[at] = max;");
                });
            }
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            string x = names.X, y = names.Y;
            w.WriteLine($"//   ∂L/∂{x}[c, h, w] = Σ over the windows whose arg-max is (h, w) of ∂L/∂{y}[c, i, j], 0 elsewhere: the maximum alone");
            w.WriteLine($"//   moved the output. The arg-max is found again from {x} with the forward pass's rule (ties: the first maximum).");
            using (w.Open())
            {
                w.WriteLine($"var input = {names.Input};");
                w.WriteLine($"var delta = {names.GradientOut};");
                w.WriteLine($"var inputDelta = {names.GradientIn};");
                w.WriteLine($"global::System.Array.Clear(inputDelta, 0, m * {Int(layer.InputSize)});");
                Windows(w, layer, () =>
                {
                    w.WriteLine("var max = input[corner];");
                    w.WriteLine("int arg = corner;");
                    OverWindow(w, layer, $"var value = input[k]; if ({Takes(e)}) {{ max = value; arg = k; }}");
                    w.WriteLine("inputDelta[arg] += delta[at];");
                });
            }
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
            using (w.Open())
            {
                w.WriteLine($"var input = {input};");
                w.WriteLine($"var output = {output};");
                Windows(w, layer, () =>
                {
                    w.WriteLine($"{e.T} sum = {e.Literal(0)};");
                    OverWindow(w, layer, "sum += input[k];");
                    w.WriteLine($"output[at] = sum / {e.Literal(Area(layer))};");
                });
            }
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            string x = names.X, y = names.Y;
            w.WriteLine($"//   ∂L/∂{x}[c, h, w] = Σ over the windows covering (h, w) of ∂L/∂{y}[c, i, j] / {Int(Area(layer))}: each input moved its window's mean by 1/{Int(Area(layer))}.");
            using (w.Open())
            {
                w.WriteLine($"var delta = {names.GradientOut};");
                w.WriteLine($"var inputDelta = {names.GradientIn};");
                w.WriteLine($"global::System.Array.Clear(inputDelta, 0, m * {Int(layer.InputSize)});");
                Windows(w, layer, () =>
                {
                    w.WriteLine($"var share = delta[at] / {e.Literal(Area(layer))};");
                    OverWindow(w, layer, "inputDelta[k] += share;");
                });
            }
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
                    w.WriteLine($"int from = plane * {Int(layer.Input.Plane)};");
                    w.WriteLine($"{e.T} sum = {e.Literal(0)};");
                    w.WriteLine($"for (int q = 0; q < {Int(layer.Input.Plane)}; q++) sum += input[from + q];");
                    w.WriteLine($"output[plane] = sum / {e.Literal(layer.Input.Plane)};");
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
                    w.WriteLine($"int from = plane * {Int(layer.Input.Plane)};");
                    w.WriteLine($"var share = delta[plane] / {e.Literal(layer.Input.Plane)};");
                    w.WriteLine($"for (int q = 0; q < {Int(layer.Input.Plane)}; q++) inputDelta[from + q] = share;");
                }
            }
        }
    }
}
