using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Unrolled
{
    /// <summary>A Keras-style <c>model.summary()</c> of a generated network, from its <see cref="LayerInfo"/> data.</summary>
    public static class NetworkSummary
    {
        /// <summary>
        /// The table Keras prints: one row per layer with its output shape and parameter count, then the totals.
        /// As in Keras, BatchNorm's running mean and variance count as non-trainable parameters.
        /// </summary>
        public static string Format(string name, int inputSize, IReadOnlyList<LayerInfo> layers) => Format(name, TensorShape.Features(inputSize), layers);

        /// <summary>The table for a network whose input is <paramref name="input"/>; shapes are channels first, (None, C, H, W),
        /// as PyTorch and ONNX lay them out (Keras' default is channels last), which the header says when an image shape appears.</summary>
        public static string Format(string name, TensorShape input, IReadOnlyList<LayerInfo> layers)
        {
            if (layers is null) throw new ArgumentNullException(nameof(layers));
            var rows = new List<(string Layer, string Shape, string Parameters)> { ("Layer (type)", "Output Shape", "Param #") };
            rows.Add(("input (Input)", input.ToBatchString(), "0"));
            bool images = input.Rank == 3;
            long trainable = 0, nonTrainable = 0;
            foreach (LayerInfo layer in layers)
            {
                int parameters = layer.ParameterCount + layer.StatisticsCount;
                trainable += layer.ParameterCount;
                nonTrainable += layer.StatisticsCount;
                rows.Add(($"{layer.Name} ({layer.Kind})", layer.OutputShape.ToBatchString(), Grouped(parameters)));
                images |= layer.OutputShape.Rank == 3;
            }

            int first = 0, second = 0, third = 0;
            foreach (var row in rows)
            {
                first = Math.Max(first, row.Layer.Length);
                second = Math.Max(second, row.Shape.Length);
                third = Math.Max(third, row.Parameters.Length);
            }
            string rule = new string('─', first + second + third + 8);
            var text = new StringBuilder();
            text.Append("Model: \"").Append(name).Append("\"\n");
            if (images) text.Append("Shapes are channels first: (None = the batch, channels, height, width).\n");
            text.Append(rule).Append('\n');
            for (int i = 0; i < rows.Count; i++)
            {
                (string layer, string shape, string parameters) = rows[i];
                text.Append(' ').Append(layer.PadRight(first)).Append("   ").Append(shape.PadRight(second)).Append("   ").Append(parameters.PadLeft(third)).Append('\n');
                if (i == 0) text.Append(rule).Append('\n');
            }
            text.Append(rule).Append('\n');
            text.Append(" Total params: ").Append(Grouped(trainable + nonTrainable)).Append('\n');
            text.Append(" Trainable params: ").Append(Grouped(trainable)).Append('\n');
            text.Append(" Non-trainable params: ").Append(Grouped(nonTrainable)).Append('\n');
            return text.ToString();
        }

        private static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
    }
}
