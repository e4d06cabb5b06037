using System.Threading.Tasks;
using Xunit;
using VerifyConfiguration = Unrolled.Analyzers.Tests.Verify<Unrolled.Analyzers.LayerConfigurationAnalyzer>;
using VerifyOrder = Unrolled.Analyzers.Tests.Verify<Unrolled.Analyzers.LayerOrderAnalyzer>;
using VerifyShapes = Unrolled.Analyzers.Tests.Verify<Unrolled.Analyzers.ConvolutionShapeAnalyzer>;

namespace Unrolled.Analyzers.Tests
{
    /// <summary>Issue 16: the order rules on convolution blocks, and UNR0116–UNR0118 on the shapes of a CNN.</summary>
    public class ConvolutionAnalyzerTests
    {
        /// <summary>The lesson's placement rule in each block (Conv → BatchNorm → ReLU → pool), Dropout after the dense
        /// activation: quiet for the order rules.</summary>
        [Fact]
        public Task ConvBatchNormReluIsRight() => VerifyOrder.Analyzer("""
            [Network(1, 28, 28)]
            [Conv2D(32, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
            [Conv2D(64, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
            [Flatten] [Dense(128)] [ReLU] [Dropout(0.5)] [Dense(10)] [Softmax]
            public partial class Cnn { }
            """);

        [Fact]
        public Task BatchNormAfterTheActivationOfAConvolution() => VerifyOrder.Analyzer("""
            [Network(1, 28, 28)] [Conv2D(8, 3)] [ReLU] [{|UNR0101:BatchNorm|}] [Flatten] [Dense(10)] [Softmax]
            public partial class Cnn { }
            """);

        [Fact]
        public Task TwoConvolutionsOrAConvolutionIntoADenseLayerWithNothingNonLinearCollapse() => VerifyOrder.Analyzer("""
            [Network(1, 28, 28)] [Conv2D(8, 3)] [BatchNorm] [{|UNR0107:Conv2D(8, 3)|}] [ReLU] [Flatten] [Dense(10)] [Softmax]
            public partial class ConvConv { }

            [Network(1, 28, 28)] [Conv2D(8, 3)] [AvgPool2D(2)] [Flatten] [{|UNR0107:Dense(10)|}] [Softmax]
            public partial class ConvDense { }

            [Network(1, 28, 28)] [Conv2D(8, 3)] [MaxPool2D(2)] [Flatten] [Dense(10)] [Softmax]
            public partial class MaxPoolIsNonLinear { }
            """);

        [Fact]
        public Task AConvolutionsBiasBeforeBatchNormAndXavierBeforeReLU() => VerifyConfiguration.Analyzer("""
            [Network(1, 28, 28)]
            [{|UNR0111:Conv2D(8, 3)|}] [BatchNorm] [ReLU]
            [{|UNR0112:Conv2D(8, 3, UseBias = false)|}] [ReLU]
            [Conv2D(8, 3, UseBias = false, Init = Init.HeUniform)] [ReLU]
            [Flatten] [Dense(10)] [Softmax]
            public partial class Cnn { }
            """);

        [Fact]
        public Task PoolingThatLeavesRowsOrColumnsUnused() => VerifyShapes.Analyzer("""
            [Network(1, 28, 28)]
            [Conv2D(8, 3)] [MaxPool2D(2)]               // 26×26 → 13×13: all used
            [Conv2D(8, 3)] [{|UNR0116:MaxPool2D(2)|}]   // 11×11 → 5×5: row and column 10 unused
            [Flatten] [Dense(10)] [Softmax]
            public partial class Cnn { }

            [Network(1, 9, 8)] [{|UNR0116:AvgPool2D(3, Stride = 2)|}] [Flatten] [Dense(2)]
            public partial class Rows { }
            """);

        [Fact]
        public Task DropoutOnFeatureMapsIsInfoButNotAfterFlatten() => VerifyShapes.Analyzer("""
            [Network(1, 28, 28)]
            [Conv2D(8, 3)] [ReLU] [{|UNR0117:Dropout(0.25)|}] [MaxPool2D(2)]
            [Flatten] [Dropout(0.2)] [Dense(10)] [Softmax]
            public partial class Cnn { }
            """);

        [Fact]
        public Task ADenseLayerWithMillionsOfWeightsAfterFlatten() => VerifyShapes.Analyzer("""
            [Network(1, 28, 28)]
            [Conv2D(64, 3, Padding = Padding.Same)] [ReLU]
            [Flatten] [{|UNR0118:Dense(128)|}] [ReLU] [Dense(10)] [Softmax]
            public partial class Big { }

            [Network(1, 28, 28)]
            [Conv2D(64, 3, Padding = Padding.Same)] [ReLU] [MaxPool2D(2)]
            [Flatten] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
            public partial class Pooled { }
            """);
    }
}
