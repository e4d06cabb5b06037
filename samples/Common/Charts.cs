using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace Unrolled.Samples
{
    /// <summary>One line of a chart: a name for the legend and its points.</summary>
    public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Markers = false);

    /// <summary>
    /// The samples' pictures, each saved as PNG and SVG (same name, two extensions) at <see cref="Width"/> × <see cref="Height"/>:
    /// training curves, an optimiser comparison and gradient flow. SVG export draws every line solid, so series are told
    /// apart by colour and markers, never by dash pattern.
    /// </summary>
    public static class Charts
    {
        /// <summary>Image width in pixels.</summary>
        public const int Width = 800;
        /// <summary>Image height in pixels.</summary>
        public const int Height = 500;

        /// <summary>Training and validation loss per epoch (<c>loss.png/svg</c>) and accuracy per epoch
        /// (<c>accuracy.png/svg</c>) in <paramref name="directory"/>; returns the files written.</summary>
        public static IReadOnlyList<string> TrainingCurves(TrainingHistory history, string directory, string title)
        {
            double[] epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();
            var files = new List<string>();
            var loss = new List<Series> { new Series("training", epochs, history.Epochs.Select(e => e.Loss).ToArray()) };
            var accuracy = new List<Series> { new Series("training", epochs, history.Epochs.Select(e => e.Accuracy).ToArray()) };
            if (history.Epochs.All(e => e.ValidationLoss.HasValue))
            {
                loss.Add(new Series("validation", epochs, history.Epochs.Select(e => e.ValidationLoss!.Value).ToArray(), Markers: true));
                accuracy.Add(new Series("validation", epochs, history.Epochs.Select(e => e.ValidationAccuracy ?? double.NaN).ToArray(), Markers: true));
            }
            files.AddRange(Lines(Path.Combine(directory, "loss"), $"{title}: loss", "epoch", "cross-entropy loss", loss, integerX: true));
            files.AddRange(Lines(Path.Combine(directory, "accuracy"), $"{title}: accuracy", "epoch", "accuracy", accuracy, integerX: true, legend: Alignment.LowerRight));
            return files;
        }

        /// <summary>Gradient flow: ‖∂L/∂W‖ of every layer with parameters against the training step, on a log scale
        /// (<c>gradient-flow.png/svg</c>). Needs <see cref="FitOptions.GradientNormsEvery"/> &gt; 0.</summary>
        public static IReadOnlyList<string> GradientFlow(TrainingHistory history, string directory, string title)
        {
            if (history.GradientNorms.Count == 0)
                throw new ArgumentException("The history has no gradient norms: set FitOptions.GradientNormsEvery.", nameof(history));
            double[] steps = history.GradientNorms.Select(r => (double)r.Step).ToArray();
            var series = history.GradientNormLayers
                .Select((layer, i) => new Series($"{layer.Name} ({layer.Kind})", steps, history.GradientNorms.Select(r => r.Norms[i]).ToArray()))
                .ToList();
            return Lines(Path.Combine(directory, "gradient-flow"), $"{title}: gradient flow", "training step", "‖∂L/∂W‖ (log scale)", series, logY: true);
        }

        /// <summary>Draws <paramref name="series"/> as lines and saves <c>{path}.png</c> and <c>{path}.svg</c>.</summary>
        public static IReadOnlyList<string> Lines(string path, string title, string xLabel, string yLabel, IEnumerable<Series> series, bool logY = false, bool integerX = false,
            Alignment legend = Alignment.UpperRight)
        {
            var plot = new Plot();
            try
            {
                foreach (Series s in series)
                {
                    if (s.X.Count != s.Y.Count) throw new ArgumentException($"Series '{s.Name}' has {s.X.Count} x values and {s.Y.Count} y values.", nameof(series));
                    double[] ys = logY ? s.Y.Select(y => y > 0 ? Math.Log10(y) : double.NaN).ToArray() : s.Y.ToArray();
                    var line = plot.Add.Scatter(s.X.ToArray(), ys);
                    line.LegendText = s.Name;
                    line.LineWidth = 2;
                    line.MarkerSize = s.Markers ? 7 : 0;
                }
                if (logY) plot.Axes.Left.TickGenerator = LogTicks();
                if (integerX) plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
                plot.Title(title);
                plot.XLabel(xLabel);
                plot.YLabel(yLabel);
                plot.ShowLegend(legend);
                string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
                if (directory != null) Directory.CreateDirectory(directory);
                plot.SavePng(path + ".png", Width, Height);
                plot.SaveSvg(path + ".svg", Width, Height);
                return new[] { path + ".png", path + ".svg" };
            }
            finally
            {
                plot.Dispose();
            }
        }

        /// <summary>Ticks at powers of ten for values plotted as log10 (ScottPlot 5 has no log axis of its own).</summary>
        private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
