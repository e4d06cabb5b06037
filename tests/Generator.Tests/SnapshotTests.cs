using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Unrolled.Generator.Tests
{
    /// <summary>
    /// The generated code of the lesson's networks and of one small network per layer kind, compared with the committed
    /// snapshots under Snapshots/ (a change to the emitter shows as a readable diff). Every case must also compile cleanly.
    /// </summary>
    public class SnapshotTests
    {
        public static readonly Dictionary<string, string> Networks = new Dictionary<string, string>
        {
            // The lesson's NumPy TinyNN (§1–2).
            ["TinyNN"] = """
                using Unrolled;
                namespace Lesson
                {
                    [Network(784, Loss = Loss.CrossEntropy)]
                    [Dense(128)] [ReLU]
                    [Dense(10)] [Softmax]
                    public partial class TinyNN { }
                }
                """,
            // The lesson's Keras model (§4).
            ["KerasModel"] = """
                using Unrolled;
                namespace Lesson
                {
                    [Network(784, Loss = Loss.CrossEntropy)]
                    [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)]
                    [Dense(128)] [ReLU] [Dropout(0.3)]
                    [Dense(10)] [Softmax]
                    public partial class FashionNet { }
                }
                """,
            // The sample CNN (samples/Common/Networks.cs, ./train.sh --model cnn).
            ["FashionCnn"] = """
                using Unrolled;
                namespace Samples
                {
                    [Network(1, 28, 28, Loss = Loss.CrossEntropy)]
                    [Conv2D(32, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
                    [Conv2D(64, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
                    [Flatten]
                    [Dense(128)] [ReLU] [Dropout(0.5)]
                    [Dense(10)] [Softmax]
                    public partial class FashionCnn { }
                }
                """,
            // One convolution alone: a rectangular kernel, stride 2, same padding with the extra column on the right.
            ["Conv2D"] = """
                using Unrolled;
                [Network(3, 7, 8, Loss = Loss.MeanSquaredError)]
                [Conv2D(2, 3, 2, Stride = 2, Padding = Padding.Same)] [Flatten] [Dense(1)]
                public partial class ConvNet { }
                """,
            // The pooling kinds after a convolution: overlapping max pooling, average pooling, global average pooling.
            ["Pooling"] = """
                using Unrolled;
                [Network(1, 9, 9, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
                [Conv2D(2, 2)] [MaxPool2D(3, Stride = 2)] [AvgPool2D(2, Stride = 1)] [GlobalAvgPool2D] [Dense(2)] [Softmax]
                public partial class PoolNet { }
                """,
            // An image input (channels × height × width) flattened into a Dense layer.
            ["Flatten"] = """
                using Unrolled;
                [Network(2, 3, 4, Loss = Loss.CrossEntropy)]
                [Dropout(0.2)] [Flatten]
                [Dense(5)] [Softmax]
                public partial class FlattenNet { }
                """,
            // Every convolutional kind: same padding, BatchNorm per channel, max and average pooling, a rectangular kernel
            // without bias, global average pooling into the dense part.
            ["Convolution"] = """
                using Unrolled;
                [Network(1, 8, 8, Loss = Loss.CrossEntropy)]
                [Conv2D(4, 3, Padding = Padding.Same, Init = Init.HeUniform)] [BatchNorm] [ReLU] [MaxPool2D(2)]
                [Conv2D(6, 2, 3, UseBias = false)] [AvgPool2D(2, Stride = 1)] [GlobalAvgPool2D]
                [Dense(3)] [Softmax]
                public partial class SmallCnn { }
                """,
            // Loops mode (issue 17): the same networks written as plain loops, to read beside the kernel versions above.
            ["TinyNN.Loops"] = """
                using Unrolled;
                namespace Lesson
                {
                    [Network(784, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
                    [Dense(128)] [ReLU]
                    [Dense(10)] [Softmax]
                    public partial class TinyNN { }
                }
                """,
            ["KerasModel.Loops"] = """
                using Unrolled;
                namespace Lesson
                {
                    [Network(784, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
                    [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)]
                    [Dense(128)] [ReLU] [Dropout(0.3)]
                    [Dense(10)] [Softmax]
                    public partial class FashionNet { }
                }
                """,
            ["FashionCnn.Loops"] = """
                using Unrolled;
                namespace Samples
                {
                    [Network(1, 28, 28, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
                    [Conv2D(32, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
                    [Conv2D(64, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
                    [Flatten]
                    [Dense(128)] [ReLU] [Dropout(0.5)]
                    [Dense(10)] [Softmax]
                    public partial class FashionCnn { }
                }
                """,
            ["Convolution.Loops"] = """
                using Unrolled;
                [Network(1, 8, 8, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
                [Conv2D(4, 3, Padding = Padding.Same, Init = Init.HeUniform)] [BatchNorm] [ReLU] [MaxPool2D(2)]
                [Conv2D(6, 2, 3, UseBias = false)] [AvgPool2D(2, Stride = 1)] [GlobalAvgPool2D]
                [Dense(3)] [Softmax]
                public partial class SmallCnn { }
                """,
            ["LeakyReLU.Loops"] = """
                using Unrolled;
                [Network(3, Loss = Loss.MeanSquaredError, Precision = Precision.Double, Code = GeneratedCode.Loops)]
                [Dense(4)] [LeakyReLU(0.1)]
                [Dense(2, UseBias = false)] [LeakyReLU]
                public partial class LeakyNet { }
                """,
            ["Dense"] = """
                using Unrolled;
                [Network(3, Loss = Loss.MeanSquaredError, Seed = 7)]
                [Dense(2, Init = Init.HeNormal)]
                [Dense(1, UseBias = false)]
                public partial class DenseOnly { }
                """,
            ["ReLU"] = """
                using Unrolled;
                [Network(3, Loss = Loss.MeanSquaredError)]
                [Dense(4, Init = Init.HeUniform)] [ReLU]
                [Dense(2)]
                public partial class ReLUNet { }
                """,
            ["LeakyReLU"] = """
                using Unrolled;
                [Network(3, Loss = Loss.MeanSquaredError)]
                [Dense(4)] [LeakyReLU(0.1)]
                [Dense(2)] [LeakyReLU]
                public partial class LeakyNet { }
                """,
            ["Sigmoid"] = """
                using Unrolled;
                [Network(3, Loss = Loss.BinaryCrossEntropy)]
                [Dense(4)] [Sigmoid]
                [Dense(2)] [Sigmoid]
                public partial class SigmoidNet { }
                """,
            ["Tanh"] = """
                using Unrolled;
                [Network(3, Loss = Loss.MeanSquaredError)]
                [Dense(4, Init = Init.LeCunNormal)] [Tanh]
                [Dense(2)] [Tanh]
                public partial class TanhNet { }
                """,
            ["Softmax"] = """
                using Unrolled;
                [Network(3, Loss = Loss.MeanSquaredError)]
                [Dense(3)] [Softmax]
                public partial class SoftmaxMseNet { }
                """,
            ["BatchNorm"] = """
                using Unrolled;
                [Network(3, Loss = Loss.CrossEntropy)]
                [Dense(4, UseBias = false)] [BatchNorm(Momentum = 0.9, Epsilon = 1e-5)] [ReLU]
                [Dense(3)] [Softmax]
                public partial class BatchNormNet { }
                """,
            ["Dropout"] = """
                using Unrolled;
                [Network(3, Loss = Loss.CrossEntropy)]
                [Dense(4)] [ReLU] [Dropout(0.5)] [Dropout(0)]
                [Dense(3)] [Softmax]
                public partial class DropoutNet { }
                """,
            ["Double"] = """
                using Unrolled;
                namespace Outer.Inner
                {
                    public partial class Container
                    {
                        [Network(2, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]
                        [Dense(3)] [Tanh] [Dense(1)] [Sigmoid]
                        internal partial class XorNet { }
                    }
                }
                """,
        };

        public static IEnumerable<object[]> Cases => Networks.Keys.OrderBy(k => k, System.StringComparer.Ordinal).Select(k => new object[] { k });

        [Theory]
        [MemberData(nameof(Cases))]
        public void GeneratedCodeMatchesSnapshot(string name)
        {
            GeneratorDriverRunResult result = GeneratorHarness.RunAndCompile(Networks[name]);
            GeneratedSourceResult[] sources = result.Results.Single().GeneratedSources.ToArray();
            Assert.Equal(3, sources.Length);
            foreach (GeneratedSourceResult source in sources)
                Snapshot.Match($"{name}#{source.HintName}", source.SourceText.ToString());
        }

        [Fact]
        public void CSharp73OutputHasNoNullableDirectiveAndCompiles()
        {
            GeneratorDriverRunResult result = GeneratorHarness.RunAndCompile(Networks["KerasModel"], LanguageVersion.CSharp7_3);
            GeneratedSourceResult network = result.Results.Single().GeneratedSources.Single(s => s.HintName.EndsWith(".Network.g.cs"));
            Snapshot.Match("KerasModel.CSharp73#" + network.HintName, network.SourceText.ToString());
            Assert.DoesNotContain("#nullable", network.SourceText.ToString());
        }

        [Fact]
        public void TheSampleCnnAsCSharp73()
        {
            GeneratorDriverRunResult result = GeneratorHarness.RunAndCompile(Networks["FashionCnn"], LanguageVersion.CSharp7_3);
            foreach (GeneratedSourceResult source in result.Results.Single().GeneratedSources)
                Snapshot.Match("FashionCnn.CSharp73#" + source.HintName, source.SourceText.ToString());
        }

        [Fact]
        public void TheLoopsModeTinyNNAsCSharp73()
        {
            GeneratorDriverRunResult result = GeneratorHarness.RunAndCompile(Networks["TinyNN.Loops"], LanguageVersion.CSharp7_3);
            foreach (GeneratedSourceResult source in result.Results.Single().GeneratedSources)
                Snapshot.Match("TinyNN.Loops.CSharp73#" + source.HintName, source.SourceText.ToString());
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void EveryNetworkCompilesAsCSharp73(string name) =>
            GeneratorHarness.RunAndCompile(Networks[name], LanguageVersion.CSharp7_3);
    }
}
