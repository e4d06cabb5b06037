using System;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>Issue 15: layers take and give shapes (features, or channels × height × width), and the runtime's data carries them.</summary>
    public class ShapeTests
    {
        [Fact]
        public void AnImageNetworksLayersCarryTheirShapes()
        {
            Assert.Equal(24, ImageFlattenD.InputSize);
            Assert.Equal((2, 3, 4), (ImageFlattenD.InputChannels, ImageFlattenD.InputHeight, ImageFlattenD.InputWidth));
            LayerInfo[] layers = ImageFlattenD.Layers.ToArray();
            Assert.Equal(new TensorShape(2, 3, 4), layers[0].InputShape);
            Assert.Equal(new TensorShape(2, 3, 4), layers[0].OutputShape);      // tanh is element-wise: the shape stays
            Assert.Equal(LayerKind.Flatten, layers[1].Kind);
            Assert.Equal(new TensorShape(2, 3, 4), layers[1].InputShape);
            Assert.Equal(TensorShape.Features(24), layers[1].OutputShape);
            Assert.Equal(TensorShape.Features(5), layers[2].OutputShape);
            Assert.All(layers, l => Assert.Equal(l.InputShape.Size, l.InputSize));
            Assert.All(layers, l => Assert.Equal(l.OutputShape.Size, l.OutputSize));
            Assert.All(ImageFlatTwinD.Layers, l => Assert.Equal(1, l.InputShape.Rank));
        }

        [Fact]
        public void FlattenMovesNoValue_AnImageNetworkComputesWhatItsFlatTwinDoes()
        {
            var image = new ImageFlattenD();
            var flat = new ImageFlatTwinD();
            Assert.Equal(ImageFlatTwinD.ParameterCount, ImageFlattenD.ParameterCount);
            TestData.Normal(ImageFlattenD.ParameterCount, 3, 0.5).CopyTo(image.Parameters);
            image.Parameters.CopyTo(flat.Parameters);
            double[] x = TestData.Normal(7 * 24, 4);
            int[] labels = TestData.Labels(7, 3, 5);
            var expected = new double[7 * 3];
            var actual = new double[7 * 3];
            flat.Forward(x, expected, 7);
            image.Forward(x, actual, 7);
            Assert.Equal(TestData.Bits(expected), TestData.Bits(actual));
            double lossFlat = flat.ComputeGradients(x, labels, 7), lossImage = image.ComputeGradients(x, labels, 7);
            Assert.Equal(lossFlat, lossImage);
            Assert.Equal(TestData.Bits(flat.Gradients.ToArray()), TestData.Bits(image.Gradients.ToArray()));
        }

        [Fact]
        public void AnImageNetworksGradientsMatchFiniteDifferences()
        {
            var net = new ImageFlattenD();
            TestData.Normal(ImageFlattenD.ParameterCount, 8, 0.5).CopyTo(net.Parameters);
            LayerGradientError[] errors = GradientChecker.Check<double>(net, TestData.Normal(6 * 24, 9), TestData.Labels(6, 3, 10), 6);
            Assert.All(errors, e => Assert.True(e.Verdict == GradientVerdict.Pass, e.ToString()));
            Assert.Equal(2, errors.Length);
        }

        [Fact]
        public void TheSummaryShowsChannelsFirstShapesAndSaysSo()
        {
            string summary = ImageFlattenD.Summary();
            string[] lines = summary.Split('\n');
            Assert.Equal("Shapes are channels first: (None = the batch, channels, height, width).", lines[1]);
            Assert.Contains(lines, l => l.Contains("input (Input)") && l.Contains("(None, 2, 3, 4)"));
            Assert.Contains(lines, l => l.Contains("tanh_1 (Tanh)") && l.Contains("(None, 2, 3, 4)"));
            Assert.Contains(lines, l => l.Contains("flatten_2 (Flatten)") && l.Contains("(None, 24)"));
            Assert.DoesNotContain("channels first", ImageFlatTwinD.Summary()); // only said where an image shape appears
        }

        [Fact]
        public void TensorShapeRefusesEmptyDimensionsAndLayerInfoRefusesShapesThatDoNotHoldItsSizes()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new TensorShape(1, 0, 28));
            Assert.Throws<ArgumentOutOfRangeException>(() => TensorShape.Features(0));
            Assert.Equal("(None, 32, 26, 26)", new TensorShape(32, 26, 26).ToBatchString());
            Assert.Equal(new[] { 32, 26, 26 }, new TensorShape(32, 26, 26).Dimensions);
            var ex = Assert.Throws<ArgumentException>(() => new LayerInfo(1, LayerKind.Flatten, "flatten_1", "Flatten", 24, 24, 0, 0, 0, 0,
                inputShape: new TensorShape(2, 3, 3)));
            Assert.Contains("2×3×3", ex.Message);
        }
    }
}
