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

        /// <summary>Loops mode: the loops over every window, plane p = (sample, channel) and output position (i, j), with
        /// <c>corner</c> (the flat index of x[p, s·i, s·j]) and <c>at</c> (of a[p, i, j]); <paramref name="body"/> runs inside.</summary>
        protected static void EachWindow(SourceWriter w, LayerSpec layer, System.Action body)
        {
            PoolSpec pool = P(layer);
            using (w.Open($"for (int p = 0; p < m * {Int(layer.Input.Channels)}; p++)"))
            using (w.Open($"for (int i = 0; i < {Int(layer.Output.Height)}; i++)"))
            using (w.Open($"for (int j = 0; j < {Int(layer.Output.Width)}; j++)"))
            {
                string row = pool.Stride == 1 ? "i" : $"{Int(pool.Stride)} * i", column = pool.Stride == 1 ? "j" : $"{Int(pool.Stride)} * j";
                w.WriteLine($"int corner = p * {Int(layer.Input.Plane)} + {row} * {Int(layer.Input.Width)} + {column};");
                w.WriteLine($"int at = p * {Int(layer.Output.Plane)} + i * {Int(layer.Output.Width)} + j;");
                body();
            }
        }

        /// <summary>Loops mode: the two loops over a window's taps, <c>tap</c> the flat index of x[p, s·i + u, s·j + v].</summary>
        protected static void EachTap(SourceWriter w, LayerSpec layer, string statement)
        {
            using (w.Open($"for (int u = 0; u < {Int(P(layer).PoolSize)}; u++)"))
            using (w.Open($"for (int v = 0; v < {Int(P(layer).PoolSize)}; v++)"))
            {
                w.WriteLine($"int tap = corner + u * {Int(layer.Input.Width)} + v;");
                w.WriteLine(statement);
            }
        }

        /// <summary>Loops mode: "dx = 0" over the input's gradient, for the backward passes that add into it.</summary>
        protected static void Clear(Emitter e, SourceWriter w, LayerSpec layer, string dx) =>
            w.WriteLine($"for (int q = 0; q < m * {Int(layer.InputSize)}; q++) {dx}[q] = {e.Literal(0)};");
    }

    /// <summary><c>[MaxPool2D(poolSize)]</c>: a[c, i, j] = max_{u,v} x[c, i·s + u, j·s + v]; NaN wins, the first maximum takes the gradient.</summary>
    internal sealed class MaxPool2D : WindowPooling
    {
        public override LayerKind Kind => LayerKind.MaxPool2D;

        public override string Name => "max_pool2d";

        public override string? OnnxNode(LayerSpec layer) => OnnxPool("MaxPool", layer);

        public override string ForwardMath(LayerSpec layer, string y, string x) =>
            $"{y}[c, i, j] = max_(u, v < {Int(P(layer).PoolSize)}) {Window(P(layer), x)}";

        /// <summary>Loops mode: finds the window's maximum and its index by the kernel's rule (larger, or NaN); then
        /// <paramref name="use"/> with <c>max</c> and <c>arg</c> in scope.</summary>
        private static void ArgMax(Emitter e, SourceWriter w, LayerSpec layer, string x, string use)
        {
            EachWindow(w, layer, () =>
            {
                w.WriteLine($"var max = {x}[corner];");
                w.WriteLine("int arg = corner;");
                EachTap(w, layer, $"if ({x}[tap] > max || {e.T}.IsNaN({x}[tap])) {{ max = {x}[tap]; arg = tap; }}");
                w.WriteLine(use);
            });
        }

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            if (e.Loops)
            {
                string x = e.InputOf(layer.Index), y = Emitter.Symbol(layer);
                using (w.Open())
                {
                    Local(w, x, input);
                    Local(w, y, output);
                    w.WriteLine($"// {y}[p, i, j] = max_(u, v) {x}[p, {At("i", "u", P(layer).Stride)}, {At("j", "v", P(layer).Stride)}]   for each plane p (a sample's channel) and window (i, j):");
                    w.WriteLine("// a value takes the window if it is larger than the maximum so far, or NaN (PyTorch's rule: NaN propagates, a tie keeps the first).");
                    ArgMax(e, w, layer, x, $"{y}[at] = max;");
                }
                return;
            }
            w.WriteLine($"//   Each (sample, channel) is one {layer.Input.Height}×{layer.Input.Width} plane; Kernels.MaxPool2D walks its windows. A value takes the window");
            w.WriteLine("//   if it is larger than the maximum so far, or NaN (PyTorch's rule: NaN propagates, a tie keeps the first maximum).");
            w.WriteLine($"global::Unrolled.Kernels.MaxPool2D({e.InputRows(layer, input)}, {Planes(e, false, output, layer.Output)},");
            w.WriteLine($"    {Geometry(layer)});");
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            string x = names.X, y = names.Y;
            w.WriteLine($"//   ∂L/∂{x}[c, h, w] = Σ over the windows whose arg-max is (h, w) of ∂L/∂{y}[c, i, j], 0 elsewhere: the maximum alone");
            if (e.Loops)
            {
                w.WriteLine($"//   moved the output. Each arg-max is found again from {x} with the forward pass's rule.");
                string dx = Emitter.D(x), dy = Emitter.D(y);
                using (w.Open())
                {
                    Local(w, x, names.Input);
                    Local(w, dy, names.GradientOut);
                    Local(w, dx, names.GradientIn);
                    Clear(e, w, layer, dx);
                    w.WriteLine($"// ∂L/∂{x}[arg-max of window (p, i, j)] += ∂L/∂{y}[p, i, j]");
                    ArgMax(e, w, layer, x, $"{dx}[arg] += {dy}[at];");
                }
                return;
            }
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
            if (e.Loops)
            {
                string x = e.InputOf(layer.Index), y = Emitter.Symbol(layer);
                using (w.Open())
                {
                    Local(w, x, input);
                    Local(w, y, output);
                    w.WriteLine($"// {y}[p, i, j] = (1/{Int(Area(layer))}) Σ_u Σ_v {x}[p, {At("i", "u", P(layer).Stride)}, {At("j", "v", P(layer).Stride)}]   for each plane p (a sample's channel) and window (i, j)");
                    EachWindow(w, layer, () =>
                    {
                        w.WriteLine($"{e.T} sum = {e.Literal(0)};");
                        EachTap(w, layer, $"sum += {x}[tap];");
                        w.WriteLine($"{y}[at] = sum / {e.Literal(Area(layer))};");
                    });
                }
                return;
            }
            w.WriteLine($"//   Each (sample, channel) is one {layer.Input.Height}×{layer.Input.Width} plane; Kernels.AvgPool2D sums each window and divides by {Int(Area(layer))}.");
            w.WriteLine($"global::Unrolled.Kernels.AvgPool2D({e.InputRows(layer, input)}, {Planes(e, false, output, layer.Output)},");
            w.WriteLine($"    {Geometry(layer)});");
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            string x = names.X, y = names.Y;
            w.WriteLine($"//   ∂L/∂{x}[c, h, w] = Σ over the windows covering (h, w) of ∂L/∂{y}[c, i, j] / {Int(Area(layer))}: each input moved its window's mean by 1/{Int(Area(layer))}.");
            if (e.Loops)
            {
                string dx = Emitter.D(x), dy = Emitter.D(y);
                using (w.Open())
                {
                    Local(w, dy, names.GradientOut);
                    Local(w, dx, names.GradientIn);
                    Clear(e, w, layer, dx);
                    w.WriteLine($"// ∂L/∂{x}[p, {At("i", "u", P(layer).Stride)}, {At("j", "v", P(layer).Stride)}] += ∂L/∂{y}[p, i, j] / {Int(Area(layer))}   for every tap (u, v) of every window");
                    EachWindow(w, layer, () =>
                    {
                        w.WriteLine($"var share = {dy}[at] / {e.Literal(Area(layer))};");
                        EachTap(w, layer, $"{dx}[tap] += share;");
                    });
                }
                return;
            }
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
            if (e.Loops)
            {
                string x = e.InputOf(layer.Index), y = Emitter.Symbol(layer), plane = Int(layer.Input.Plane);
                using (w.Open())
                {
                    Local(w, x, input);
                    Local(w, y, output);
                    w.WriteLine($"// {y}[p] = (1/{plane}) Σ_q {x}[p, q]   for each plane p = (sample, channel), over its {plane} values q = h·{Int(layer.Input.Width)} + w");
                    using (w.Open($"for (int p = 0; p < m * {Int(layer.Input.Channels)}; p++)"))
                    {
                        w.WriteLine($"{e.T} sum = {e.Literal(0)};");
                        w.WriteLine($"for (int q = 0; q < {plane}; q++) sum += {x}[p * {plane} + q];");
                        w.WriteLine($"{y}[p] = sum / {e.Literal(layer.Input.Plane)};");
                    }
                }
                return;
            }
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
            if (e.Loops)
            {
                string dx = Emitter.D(names.X), dy = Emitter.D(names.Y), plane = Int(layer.Input.Plane);
                using (w.Open())
                {
                    Local(w, dy, names.GradientOut);
                    Local(w, dx, names.GradientIn);
                    using (w.Open($"for (int p = 0; p < m * {Int(layer.Input.Channels)}; p++)"))
                        w.WriteLine($"for (int q = 0; q < {plane}; q++) {dx}[p * {plane} + q] = {dy}[p] / {e.Literal(layer.Input.Plane)};");
                }
                return;
            }
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
