using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using SkiaSharp;
using Xunit;

namespace Unrolled.Samples.Tests
{
    /// <summary>What a chart file must be: a PNG of the expected size with drawn lines, and an SVG whose text rendered.</summary>
    internal static class ChartFiles
    {
        /// <summary>Checks <c>{path}.png</c> and <c>{path}.svg</c>; <paramref name="texts"/> must each appear in some SVG text element
        /// (title, axis labels, legend entries). <paramref name="lineColours"/> is the least number of distinct saturated colours
        /// the PNG must have, one per plotted series.</summary>
        public static void AssertChart(string path, int lineColours, params string[] texts)
        {
            string png = path + ".png", svg = path + ".svg";
            Assert.True(File.Exists(png), $"{png} was not written");
            Assert.True(File.Exists(svg), $"{svg} was not written");

            using (SKBitmap bitmap = SKBitmap.Decode(png) ?? throw new Xunit.Sdk.XunitException($"{png} is not a readable PNG"))
            {
                Assert.Equal((Charts.Width, Charts.Height), (bitmap.Width, bitmap.Height));
                // Not blank: count the distinct strongly coloured (series) hues; text, axes and grid are greys.
                var hues = new System.Collections.Generic.HashSet<int>();
                int coloured = 0;
                for (int y = 0; y < bitmap.Height; y += 2)
                for (int x = 0; x < bitmap.Width; x += 2)
                {
                    SKColor c = bitmap.GetPixel(x, y);
                    c.ToHsv(out float h, out float s, out float v);
                    if (s > 0.5f && v > 0.4f)
                    {
                        coloured++;
                        hues.Add((int)(h / 10));
                    }
                }
                Assert.True(coloured > 200, $"{png}: only {coloured} coloured pixels sampled; the lines are missing");
                Assert.True(hues.Count >= lineColours, $"{png}: {hues.Count} hues, expected at least {lineColours} series colours");
            }

            XDocument document = XDocument.Load(svg);
            string[] drawn = document.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToArray();
            Assert.True(drawn.Length > 5, $"{svg} has {drawn.Length} text elements: the fonts were not found");
            foreach (string text in texts)
                Assert.True(drawn.Any(d => d.Contains(text, StringComparison.Ordinal)), $"{svg} has no text '{text}' among: {string.Join(" | ", drawn)}");
        }
    }
}
