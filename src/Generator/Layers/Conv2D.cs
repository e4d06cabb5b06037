using System.Collections.Generic;
using System.Globalization;
using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using static Unrolled.Generator.Diagnostics.DiagnosticDescriptors;
using static Unrolled.Generator.NetworkGenerator.Emitter;
using Emitter = Unrolled.Generator.NetworkGenerator.Emitter;

namespace Unrolled.Generator.Layers
{
    /// <summary>A Conv2D layer's arguments: <c>[Conv2D(filters, kernelSize | kernelHeight, kernelWidth, Stride, Padding, UseBias, Init)]</c>,
    /// with the padding resolved to rows and columns (Keras' "same": the odd one at the bottom and right).</summary>
    internal sealed record Conv2DSpec(int Index, Shape Input, Shape Output, int ParameterOffset, int StatisticsOffset,
        int KernelHeight, int KernelWidth, int Stride, bool Same, int PadTop, int PadLeft, int PadBottom, int PadRight, bool UseBias, InitKind Init)
        : LayerSpec(Index, LayerKind.Conv2D, Input, Output, ParameterOffset, StatisticsOffset)
    {
        public int Filters => Output.Channels;

        /// <summary>K = C·kh·kw: the inputs one window covers (a row of im2col, a row of W).</summary>
        public int Depth => Input.Channels * KernelHeight * KernelWidth;

        /// <summary>P = outH·outW output positions per channel.</summary>
        public int Positions => Output.Plane;

        public int WeightCount => Filters * Depth;

        public int BiasOffset => ParameterOffset + WeightCount;

        public override (double Hyperparameter, double Epsilon, bool HasBias) InfoArguments => (0, 0, UseBias);
    }

    /// <summary>
    /// <c>[Conv2D(filters, kernelSize)]</c>: z[o, i, j] = b[o] + Σ_c Σ_u Σ_v W[o, c, u, v] · x[c, i·s + u − p, j·s + v − p], W
    /// <c>[filters × C × kh × kw]</c> row-major then b. Computed as im2col and the Dense kernels' products (see
    /// <c>Kernels.Convolution.cs</c>): every window is a row of <c>cols</c>, so Zᵀ = cols·Wᵀ + b, ∂W = δᵀ·cols, ∂cols = δ·W and
    /// ∂x = col2im(∂cols).
    /// </summary>
    internal sealed class Conv2D : Layer
    {
        public override LayerKind Kind => LayerKind.Conv2D;

        public override string Name => "conv2d";

        public override string Symbol => "z";

        private static Conv2DSpec C(LayerSpec layer) => (Conv2DSpec)layer;

        public override LayerSpec Parse(LayerArguments a)
        {
            Shape input = a.Input;
            int filters = (int)a.Constructor[0].Value!;
            int kernelHeight = (int)a.Constructor[1].Value!;
            int kernelWidth = a.Constructor.Length > 2 ? (int)a.Constructor[2].Value! : kernelHeight;
            int stride = a.Named("Stride", 1);
            int padding = a.Named("Padding", 0);
            bool useBias = a.Named("UseBias", true);
            InitKind init = a.Init("Conv2D");
            if (padding < 0 || padding > 1)
                a.Report(HyperParameterOutOfRange, "Conv2D Padding", a.Where, padding, "use Padding.Valid or Padding.Same");
            filters = a.AtLeastOne("Conv2D filters", filters);
            kernelHeight = a.AtLeastOne(a.Constructor.Length > 2 ? "Conv2D kernel height" : "Conv2D kernel size", kernelHeight);
            kernelWidth = a.Constructor.Length > 2 ? a.AtLeastOne("Conv2D kernel width", kernelWidth) : kernelHeight;
            stride = a.AtLeastOne("Conv2D stride", stride);

            bool same = padding == 1;
            int padRows = same ? Shape.SamePadding(input.Height, kernelHeight, stride) : 0;
            int padColumns = same ? Shape.SamePadding(input.Width, kernelWidth, stride) : 0;
            int rows = Shape.WindowOutput(input.Height, kernelHeight, stride, padRows);
            int columns = Shape.WindowOutput(input.Width, kernelWidth, stride, padColumns);
            if (rows < 1 || columns < 1)
            {
                a.Report(WindowDoesNotFit, a.Index, a.Network, "Conv2D", $"{kernelHeight}×{kernelWidth}", input,
                    $"an output of {rows}×{columns} (⌊(H − kh)/stride⌋ + 1 rows, ⌊(W − kw)/stride⌋ + 1 columns)",
                    "use a smaller kernel, or Padding = Padding.Same to keep the input's size");
                rows = System.Math.Max(rows, 1);
                columns = System.Math.Max(columns, 1);
            }
            return new Conv2DSpec(a.Index, input, Shape.Image(filters, rows, columns), a.ParameterOffset, a.StatisticsOffset, kernelHeight, kernelWidth, stride,
                same, padRows / 2, padColumns / 2, padRows - padRows / 2, padColumns - padColumns / 2, useBias, init);
        }

        /// <summary>The length of an im2col row in the float kernels: K rounded up to a whole number of 16-float tiles when K is
        /// small (a first layer on grey images has K = 9: the products would run on 1-float tails); the padding columns are 0
        /// in cols and in the padded copy of W, so they add nothing. Double networks run the reference kernels on K itself.</summary>
        private static int RowStride(Emitter e, Conv2DSpec conv) =>
            e.Spec.IsDouble || conv.Depth >= 64 || conv.Depth % 16 == 0 ? conv.Depth : (conv.Depth + 15) / 16 * 16;

        private static bool Padded(Emitter e, Conv2DSpec conv) => RowStride(e, conv) != conv.Depth;

        public override int ParameterCount(LayerSpec layer) => C(layer).WeightCount + (C(layer).UseBias ? C(layer).Filters : 0);

        public override long ParameterCountUnchecked(LayerSpec layer) =>
            (long)C(layer).Filters * C(layer).Depth + (C(layer).UseBias ? C(layer).Filters : 0);

        public override void WriteConstants(SourceWriter w, LayerSpec layer)
        {
            Conv2DSpec conv = C(layer);
            w.WriteLine($"/// <summary>Offset of W{Int(layer.Index)} ([{Int(conv.Filters)} × {Int(layer.Input.Channels)} × {Int(conv.KernelHeight)} × {Int(conv.KernelWidth)}], row-major) in <see cref=\"Parameters\"/>.</summary>");
            w.WriteLine($"public const int {Const(layer, "WeightsOffset")} = {Int(layer.ParameterOffset)};");
            if (!conv.UseBias) return;
            w.WriteLine($"/// <summary>Offset of b{Int(layer.Index)} ({Int(conv.Filters)} values, one per filter) in <see cref=\"Parameters\"/>.</summary>");
            w.WriteLine($"public const int {Const(layer, "BiasOffset")} = {Int(conv.BiasOffset)};");
        }

        public override void WriteInitialisation(Emitter e, SourceWriter w, LayerSpec layer)
        {
            Conv2DSpec conv = C(layer);
            string k = Int(layer.Index);
            int window = conv.KernelHeight * conv.KernelWidth;
            w.WriteLine($"// W{k}: {InitName(conv.Init)} with fan_in = C·kh·kw = {Int(conv.Depth)}, fan_out = filters·kh·kw = {Int(conv.Filters * window)} (Keras){(conv.UseBias ? $"; b{k} = 0" : string.Empty)}.");
            w.WriteLine($"global::Unrolled.Initializers.Fill({e.Slice(false, "parameters", Const(layer, "WeightsOffset"), Int(conv.WeightCount))}, " +
                        $"global::Unrolled.Init.{conv.Init}, {Int(conv.Depth)}, {Int(conv.Filters * window)}, ref random);");
            if (conv.UseBias) w.WriteLine($"global::System.Array.Clear(parameters, {Const(layer, "BiasOffset")}, {Int(conv.Filters)});");
        }

        public override IEnumerable<BufferInfo> Buffers(Emitter e, LayerSpec layer)
        {
            Conv2DSpec conv = C(layer);
            if (e.Loops) yield break; // the loops read x and W where they are
            string k = Int(layer.Index);
            int row = RowStride(e, conv);
            string padding = Padded(e, conv) ? $" padded with zeros to {Int(row)}" : string.Empty;
            yield return new BufferInfo($"cols{k}", conv.Positions * row, true,
                $"cols{k}: im2col of {e.InputOf(layer.Index)}, one row of {Int(conv.Depth)} window inputs{padding} per output position, m·{Int(conv.Positions)} rows");
            yield return new BufferInfo($"zt{k}", conv.Positions * conv.Filters, true,
                $"z{k} position-major ([m·{Int(conv.Positions)} × {Int(conv.Filters)}]), then ∂L/∂z{k} in that order in the backward pass");
            if (Padded(e, conv))
            {
                yield return new BufferInfo($"wpad{k}", conv.Filters * row, false, $"W{k} with each row padded with zeros to {Int(row)}, copied in before each pass");
                yield return new BufferInfo($"gwpad{k}", conv.Filters * row, false, $"∂L/∂W{k} in the padded rows", trainingOnly: true);
            }
            if (e.NeedsInputGradient(layer))
                yield return new BufferInfo($"gcols{k}", conv.Positions * row, true, $"∂L/∂cols{k}, before col2im folds it into ∂L/∂{e.InputOf(layer.Index)}", trainingOnly: true);
        }

        /// <summary>ONNX Conv: W as stored ([F, C, kh, kw]), b, the kernel shape, strides and pads [top, left, bottom, right].</summary>
        public override string? OnnxNode(LayerSpec layer)
        {
            Conv2DSpec conv = C(layer);
            var tensors = new List<string> { OnnxTensor("weight", false, conv.ParameterOffset, conv.Filters, layer.Input.Channels, conv.KernelHeight, conv.KernelWidth) };
            if (conv.UseBias) tensors.Add(OnnxTensor("bias", false, conv.BiasOffset, conv.Filters));
            return Onnx("Conv", tensors.ToArray(), OnnxInts("kernel_shape", conv.KernelHeight, conv.KernelWidth), OnnxInts("strides", conv.Stride, conv.Stride),
                OnnxInts("pads", conv.PadTop, conv.PadLeft, conv.PadBottom, conv.PadRight));
        }

        public override string Describe(LayerSpec layer)
        {
            Conv2DSpec conv = C(layer);
            string padding = conv.Same
                ? conv.PadTop + conv.PadBottom + conv.PadLeft + conv.PadRight == 0 ? "same padding (none needed)"
                  : $"same padding (rows {Int(conv.PadTop)}+{Int(conv.PadBottom)}, columns {Int(conv.PadLeft)}+{Int(conv.PadRight)})"
                : "valid padding";
            return $"Conv2D {layer.Input} → {layer.Output} ({Int(conv.Filters)} filters of {Int(conv.KernelHeight)}×{Int(conv.KernelWidth)}, stride {Int(conv.Stride)}, {padding}; " +
                   $"{Grouped(layer.ParameterCount)} parameters{(conv.UseBias ? string.Empty : ", no bias")}, {InitName(conv.Init)} init)";
        }

        /// <summary><c>i·s + u − p</c> written as simply as the numbers allow: <c>i + u</c>, <c>2·i + u − 1</c>, …</summary>
        private static string Index(string position, string offset, int stride, int padding)
        {
            string scaled = stride == 1 ? position : $"{Int(stride)}·{position}";
            return padding == 0 ? $"{scaled} + {offset}" : $"{scaled} + {offset} − {Int(padding)}";
        }

        private static string Window(Conv2DSpec conv, string x) =>
            $"{x}[c, {Index("i", "u", conv.Stride, conv.PadTop)}, {Index("j", "v", conv.Stride, conv.PadLeft)}]";

        public override string ForwardMath(LayerSpec layer, string y, string x)
        {
            Conv2DSpec conv = C(layer);
            string k = Int(layer.Index);
            string sum = $"Σ_c Σ_u Σ_v W{k}[o, c, u, v] · {Window(conv, x)}";
            return conv.UseBias ? $"{y}[o, i, j] = b{k}[o] + {sum}" : $"{y}[o, i, j] = {sum}";
        }

        private static string Geometry(Emitter e, Conv2DSpec conv) => string.Format(CultureInfo.InvariantCulture,
            "channels: {0}, height: {1}, width: {2}, kernelHeight: {3}, kernelWidth: {4}, stride: {5}, padTop: {6}, padLeft: {7}, outHeight: {8}, outWidth: {9}{10}",
            conv.Input.Channels, conv.Input.Height, conv.Input.Width, conv.KernelHeight, conv.KernelWidth, conv.Stride, conv.PadTop, conv.PadLeft,
            conv.Output.Height, conv.Output.Width, Padded(e, conv) ? ", rowStride: " + Int(RowStride(e, conv)) : string.Empty);

        /// <summary>W as the products see it: the parameters, or their padded copy (written first).</summary>
        private static string Weights(Emitter e, SourceWriter w, Conv2DSpec conv, bool readOnly)
        {
            string weights = e.Slice(readOnly, "_parameters", Const(conv, "WeightsOffset"), Int(conv.WeightCount));
            if (!Padded(e, conv)) return weights;
            string k = Int(conv.Index), row = Int(RowStride(e, conv));
            w.WriteLine($"global::Unrolled.Kernels.CopyRows({e.Slice(true, "_parameters", Const(conv, "WeightsOffset"), Int(conv.WeightCount))}, {Int(conv.Depth)}, {e.Slice(false, $"s.wpad{k}", "0", Int(conv.Filters * RowStride(e, conv)))}, {row}, {Int(conv.Filters)}, {Int(conv.Depth)});");
            return e.Slice(readOnly, $"s.wpad{k}", "0", Int(conv.Filters * RowStride(e, conv)));
        }

        public override void WriteForward(Emitter e, SourceWriter w, LayerSpec layer, string input, string output)
        {
            if (e.Loops)
            {
                WriteForwardLoops(e, w, C(layer), input, output);
                return;
            }
            Conv2DSpec conv = C(layer);
            string k = Int(layer.Index), positions = Int(conv.Positions), depth = Int(conv.Depth), filters = Int(conv.Filters);
            string x = e.InputOf(layer.Index);
            w.WriteLine($"//   o < {filters} filters, (i, j) < {Int(conv.Output.Height)}×{Int(conv.Output.Width)} positions, c < {Int(layer.Input.Channels)}, (u, v) < {Int(conv.KernelHeight)}×{Int(conv.KernelWidth)}" +
                        (conv.PadTop + conv.PadLeft + conv.PadBottom + conv.PadRight > 0 ? $"; {x} is 0 outside its {Int(layer.Input.Height)}×{Int(layer.Input.Width)} (zero padding)." : "."));
            w.WriteLine($"//   im2col: row (b, i, j) of cols{k} holds the {depth} inputs window (i, j) covers, in the order of W{k}'s row (c, u, v), so");
            w.WriteLine($"//   the convolution is a Dense product over m·{positions} rows: Z{k}ᵀ = cols{k} · W{k}ᵀ{(conv.UseBias ? " + b" + k : string.Empty)} ([m·{positions} × {filters}],");
            w.WriteLine($"//   on Kernels.DenseForward), then each sample is transposed from position-major to channel-major {layer.Output}.");
            if (Padded(e, conv))
                w.WriteLine($"//   Rows of cols{k} and of W{k} are padded with zeros from {depth} to {Int(RowStride(e, conv))} values: whole vector tiles for the products.");
            string cols = $"s.cols{k}", zt = $"s.zt{k}";
            int colsLength = conv.Positions * RowStride(e, conv);
            string bias = conv.UseBias ? e.Slice(true, "_parameters", Const(layer, "BiasOffset"), filters) : $"default({ReadOnlySpan}<{e.T}>)";
            w.WriteLine($"global::Unrolled.Kernels.Im2Col({e.InputRows(layer, input)}, {e.Slice(false, cols, "0", $"m * {Int(colsLength)}")}, m,");
            w.WriteLine($"    {Geometry(e, conv)});");
            string weights = Weights(e, w, conv, readOnly: true);
            w.WriteLine($"global::Unrolled.Kernels.DenseForward({e.Slice(true, cols, "0", $"m * {Int(colsLength)}")}, {weights},");
            w.WriteLine($"    {bias}, {e.Slice(false, zt, "0", $"m * {Int(conv.Positions * conv.Filters)}")}, m * {positions}, {Int(RowStride(e, conv))}, {filters});");
            w.WriteLine($"global::Unrolled.Kernels.TransposeSamples({e.Slice(true, zt, "0", $"m * {Int(conv.Positions * conv.Filters)}")}, {e.Slice(false, output, "0", $"m * {Int(layer.OutputSize)}")}, m, {positions}, {filters});");
        }

        public override void WriteBackward(Emitter e, SourceWriter w, LayerSpec layer, BlockNames names)
        {
            if (e.Loops)
            {
                WriteBackwardLoops(e, w, C(layer), names);
                return;
            }
            Conv2DSpec conv = C(layer);
            string k = Int(layer.Index), positions = Int(conv.Positions), depth = Int(conv.Depth), filters = Int(conv.Filters);
            string y = names.Y, x = names.X;
            w.WriteLine($"//   ∂L/∂W{k}[o, c, u, v] = Σ_b Σ_i Σ_j ∂L/∂{y}[o, i, j] · {Window(conv, x)}   (the 1/m of the mean loss is already inside ∂L/∂{y})");
            if (conv.UseBias) w.WriteLine($"//   ∂L/∂b{k}[o] = Σ_b Σ_i Σ_j ∂L/∂{y}[o, i, j]");
            if (names.NeedsInputGradient)
            {
                w.WriteLine($"//   ∂L/∂{x}[c, h, w] = Σ_o Σ_u Σ_v ∂L/∂{y}[o, i, j] · W{k}[o, c, u, v] over the windows (i, j) that cover (h, w): the correlation of");
                w.WriteLine($"//   ∂L/∂{y} (spread by the stride) with W{k} rotated by 180°, the convolution's transpose.");
            }
            else w.WriteLine($"//   ∂L/∂{x} is not needed: no trainable layer comes before.");
            w.WriteLine($"//   As products on the im2col rows: δ = ∂L/∂{y} made position-major ([m·{positions} × {filters}]), ∂W{k} = δᵀ · cols{k}" +
                        (conv.UseBias ? $", ∂b{k} = Σ_rows δ" : string.Empty) + (names.NeedsInputGradient ? $", ∂cols{k} = δ · W{k}, then col2im" : string.Empty));
            w.WriteLine(names.NeedsInputGradient
                ? $"//   adds each ∂cols{k} entry to the input value it was copied from. With sgdRate η > 0 (SGD fused in), ∂cols{k} is formed first, from the old W{k}."
                : $"//   (Kernels.DenseBackward). With sgdRate η > 0 (SGD fused in), W{k} ← W{k} − η·∂L/∂W{k} as each ∂W tile leaves the registers.");
            string cols = $"s.cols{k}", zt = $"s.zt{k}", gcols = $"s.gcols{k}";
            int ztLength = conv.Positions * conv.Filters, colsLength = conv.Positions * RowStride(e, conv);
            bool padded = Padded(e, conv);
            string none = $"default({Span}<{e.T}>)";
            w.WriteLine($"global::Unrolled.Kernels.TransposeSamples({e.Slice(true, names.GradientOut, "0", $"m * {Int(layer.OutputSize)}")}, {e.Slice(false, zt, "0", $"m * {Int(ztLength)}")}, m, {filters}, {positions});");
            string bias = conv.UseBias ? e.Slice(false, "_parameters", Const(layer, "BiasOffset"), filters) : none;
            string biasGradient = conv.UseBias ? e.Slice(false, "_gradients", Const(layer, "BiasOffset"), filters) : none;
            string inputGradient = names.NeedsInputGradient ? e.Slice(false, gcols, "0", $"m * {Int(colsLength)}") : none;
            string weights = Weights(e, w, conv, readOnly: false);
            string weightGradient = padded ? e.Slice(false, $"s.gwpad{k}", "0", Int(conv.Filters * RowStride(e, conv)))
                                           : e.Slice(false, "_gradients", Const(layer, "WeightsOffset"), Int(conv.WeightCount));
            w.WriteLine($"global::Unrolled.Kernels.DenseBackward({e.Slice(true, zt, "0", $"m * {Int(ztLength)}")}, {e.Slice(true, cols, "0", $"m * {Int(colsLength)}")},");
            w.WriteLine($"    {weights}, {bias},");
            w.WriteLine($"    {weightGradient}, {biasGradient},");
            w.WriteLine($"    {inputGradient}, m * {positions}, {Int(RowStride(e, conv))}, {filters}, sgdRate);");
            if (padded)
            {
                string row = Int(RowStride(e, conv));
                w.WriteLine($"// ∂W{k} (and, with the fused step, the new W{k}) back out of the padded rows.");
                w.WriteLine($"global::Unrolled.Kernels.CopyRows({e.Slice(true, $"s.gwpad{k}", "0", Int(conv.Filters * RowStride(e, conv)))}, {row}, {e.Slice(false, "_gradients", Const(layer, "WeightsOffset"), Int(conv.WeightCount))}, {depth}, {filters}, {depth});");
                w.WriteLine($"if (sgdRate != 0) global::Unrolled.Kernels.CopyRows({e.Slice(true, $"s.wpad{k}", "0", Int(conv.Filters * RowStride(e, conv)))}, {row}, {e.Slice(false, "_parameters", Const(layer, "WeightsOffset"), Int(conv.WeightCount))}, {depth}, {filters}, {depth});");
            }
            if (!names.NeedsInputGradient) return;
            w.WriteLine($"global::Unrolled.Kernels.Col2Im({e.Slice(true, gcols, "0", $"m * {Int(colsLength)}")}, {e.Slice(false, names.GradientIn, "0", $"m * {Int(layer.InputSize)}")}, m,");
            w.WriteLine($"    {Geometry(e, conv)});");
        }

        // ── Loops mode ─────────────────────────────────────────────────────────────────────────────

        /// <summary>Whether any side is padded: the loops then skip the taps that fall outside the image.</summary>
        private static bool HasPadding(Conv2DSpec conv) => conv.PadTop + conv.PadLeft + conv.PadBottom + conv.PadRight > 0;

        /// <summary><c>s * i + u - p</c> as C#, as simply as the numbers allow.</summary>
        private static string Tap(string position, string offset, int stride, int padding) =>
            (stride == 1 ? position : $"{Int(stride)} * {position}") + $" + {offset}" + (padding == 0 ? string.Empty : $" - {Int(padding)}");

        /// <summary>The two nested loops over the taps (u, v) of window (i, j), with the input row h and column w they read:
        /// <paramref name="body"/> runs inside, where <c>h</c> and <c>w</c> are inside the image.</summary>
        private static void EachTap(SourceWriter w, Conv2DSpec conv, System.Action body)
        {
            bool padded = HasPadding(conv);
            using (w.Open($"for (int u = 0; u < {Int(conv.KernelHeight)}; u++)"))
            {
                w.WriteLine($"int h = {Tap("i", "u", conv.Stride, conv.PadTop)};");
                if (padded) w.WriteLine($"if (h < 0 || h >= {Int(conv.Input.Height)}) continue; // a padding row: x is 0 there");
                using (w.Open($"for (int v = 0; v < {Int(conv.KernelWidth)}; v++)"))
                {
                    w.WriteLine($"int w = {Tap("j", "v", conv.Stride, conv.PadLeft)};");
                    if (padded) w.WriteLine($"if (w < 0 || w >= {Int(conv.Input.Width)}) continue; // a padding column");
                    body();
                }
            }
        }

        /// <summary>Index expressions of the flat buffers: x[b, c, h, w], W[o, c, u, v], z[b, o, i, j].</summary>
        private static string At(Conv2DSpec conv, string x) =>
            $"{x}[((b * {Int(conv.Input.Channels)} + c) * {Int(conv.Input.Height)} + h) * {Int(conv.Input.Width)} + w]";

        private static string WeightAt(Conv2DSpec conv, string weights) =>
            $"{weights}[((o * {Int(conv.Input.Channels)} + c) * {Int(conv.KernelHeight)} + u) * {Int(conv.KernelWidth)} + v]";

        private static string OutputAt(Conv2DSpec conv, string z) =>
            $"{z}[((b * {Int(conv.Filters)} + o) * {Int(conv.Output.Height)} + i) * {Int(conv.Output.Width)} + j]";

        /// <summary>The loops over every output value z[b, o, i, j].</summary>
        private static void EachOutput(SourceWriter w, Conv2DSpec conv, System.Action body)
        {
            using (w.Open("for (int b = 0; b < m; b++)"))
            using (w.Open($"for (int o = 0; o < {Int(conv.Filters)}; o++)"))
            using (w.Open($"for (int i = 0; i < {Int(conv.Output.Height)}; i++)"))
            using (w.Open($"for (int j = 0; j < {Int(conv.Output.Width)}; j++)"))
                body();
        }

        private static string Padding(Conv2DSpec conv) =>
            HasPadding(conv) ? $"; x is 0 outside its {Int(conv.Input.Height)}×{Int(conv.Input.Width)} (zero padding), so those taps are skipped" : string.Empty;

        private static void WriteForwardLoops(Emitter e, SourceWriter w, Conv2DSpec conv, string input, string output)
        {
            string k = Int(conv.Index), x = e.InputOf(conv.Index), z = Emitter.Symbol(conv);
            using (w.Open())
            {
                Local(w, x, input);
                Local(w, z, output);
                w.WriteLine($"var W{k} = {e.Slice(true, "_parameters", Const(conv, "WeightsOffset"), Int(conv.WeightCount))}; // W{k}[o, c, u, v], row-major");
                if (conv.UseBias) w.WriteLine($"var b{k} = {e.Slice(true, "_parameters", Const(conv, "BiasOffset"), Int(conv.Filters))};");
                w.WriteLine($"// {z}[b, o, i, j] = {(conv.UseBias ? $"b{k}[o] + " : string.Empty)}Σ_c Σ_u Σ_v W{k}[o, c, u, v] · {x}[b, c, {Index("i", "u", conv.Stride, conv.PadTop)}, {Index("j", "v", conv.Stride, conv.PadLeft)}]" +
                            $"   for each sample b, filter o and position (i, j){Padding(conv)}");
                EachOutput(w, conv, () =>
                {
                    w.WriteLine($"{e.T} sum = {e.Literal(0)};");
                    using (w.Open($"for (int c = 0; c < {Int(conv.Input.Channels)}; c++)"))
                        EachTap(w, conv, () => w.WriteLine($"sum += {WeightAt(conv, $"W{k}")} * {At(conv, x)};"));
                    w.WriteLine($"{OutputAt(conv, z)} = {(conv.UseBias ? $"b{k}[o] + " : string.Empty)}sum;");
                });
            }
        }

        private static void WriteBackwardLoops(Emitter e, SourceWriter w, Conv2DSpec conv, BlockNames names)
        {
            string k = Int(conv.Index), x = names.X, z = names.Y, dz = Emitter.D(z), dx = Emitter.D(x);
            using (w.Open())
            {
                Local(w, dz, names.GradientOut);
                Local(w, x, names.Input);
                e.WriteWeightSpans(w, conv, conv.WeightCount, conv.UseBias ? conv.Filters : 0);
                w.WriteLine($"// ∂L/∂W{k}[o, c, u, v] = Σ_b Σ_i Σ_j ∂L/∂{z}[b, o, i, j] · {x}[b, c, {Index("i", "u", conv.Stride, conv.PadTop)}, {Index("j", "v", conv.Stride, conv.PadLeft)}]" +
                            $"   (each weight met every position of every sample){Padding(conv)}");
                using (w.Open($"for (int o = 0; o < {Int(conv.Filters)}; o++)"))
                using (w.Open($"for (int c = 0; c < {Int(conv.Input.Channels)}; c++)"))
                using (w.Open($"for (int u = 0; u < {Int(conv.KernelHeight)}; u++)"))
                using (w.Open($"for (int v = 0; v < {Int(conv.KernelWidth)}; v++)"))
                {
                    w.WriteLine($"{e.T} sum = {e.Literal(0)};");
                    using (w.Open("for (int b = 0; b < m; b++)"))
                    using (w.Open($"for (int i = 0; i < {Int(conv.Output.Height)}; i++)"))
                    {
                        w.WriteLine($"int h = {Tap("i", "u", conv.Stride, conv.PadTop)};");
                        if (HasPadding(conv)) w.WriteLine($"if (h < 0 || h >= {Int(conv.Input.Height)}) continue;");
                        using (w.Open($"for (int j = 0; j < {Int(conv.Output.Width)}; j++)"))
                        {
                            w.WriteLine($"int w = {Tap("j", "v", conv.Stride, conv.PadLeft)};");
                            if (HasPadding(conv)) w.WriteLine($"if (w < 0 || w >= {Int(conv.Input.Width)}) continue;");
                            w.WriteLine($"sum += {OutputAt(conv, dz)} * {At(conv, x)};");
                        }
                    }
                    w.WriteLine($"{WeightAt(conv, $"dW{k}")} = sum;");
                }
                if (conv.UseBias)
                {
                    w.WriteLine($"// ∂L/∂b{k}[o] = Σ_b Σ_i Σ_j ∂L/∂{z}[b, o, i, j]");
                    using (w.Open($"for (int o = 0; o < {Int(conv.Filters)}; o++)"))
                    {
                        w.WriteLine($"{e.T} sum = {e.Literal(0)};");
                        using (w.Open("for (int b = 0; b < m; b++)"))
                        using (w.Open($"for (int i = 0; i < {Int(conv.Output.Height)}; i++)"))
                            w.WriteLine($"for (int j = 0; j < {Int(conv.Output.Width)}; j++) sum += {OutputAt(conv, dz)};");
                        w.WriteLine($"db{k}[o] = sum;");
                    }
                }
                if (names.NeedsInputGradient)
                {
                    Local(w, dx, names.GradientIn);
                    w.WriteLine($"// ∂L/∂{x}[b, c, h, w] = Σ_o Σ_u Σ_v ∂L/∂{z}[b, o, i, j] · W{k}[o, c, u, v] over the windows (i, j) whose tap (u, v) is (h, w):");
                    w.WriteLine($"// written as each output sending its gradient back to the {Int(conv.Depth)} inputs of its window, d{x}[b, c, h, w] += W{k}[o, c, u, v] · d{z}[b, o, i, j].");
                    w.WriteLine($"for (int q = 0; q < m * {Int(conv.InputSize)}; q++) {dx}[q] = {e.Literal(0)};");
                    EachOutput(w, conv, () =>
                    {
                        w.WriteLine($"var delta = {OutputAt(conv, dz)};");
                        using (w.Open($"for (int c = 0; c < {Int(conv.Input.Channels)}; c++)"))
                            EachTap(w, conv, () => w.WriteLine($"{At(conv, dx)} += {WeightAt(conv, $"W{k}")} * delta;"));
                    });
                }
                else w.WriteLine($"// ∂L/∂{x} is not needed: no trainable layer comes before.");
                e.WriteWeightStep(w, conv, conv.WeightCount, conv.UseBias ? conv.Filters : 0, names);
            }
        }
    }
}
