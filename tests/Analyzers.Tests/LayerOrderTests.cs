using System.Threading.Tasks;
using Xunit;
using VerifyOrder = Unrolled.Analyzers.Tests.Verify<Unrolled.Analyzers.LayerOrderAnalyzer>;
using VerifyMissing = Unrolled.Analyzers.Tests.Verify<Unrolled.Analyzers.MissingNetworkAnalyzer>;

namespace Unrolled.Analyzers.Tests
{
    /// <summary>UNR0101, 0104, 0105, 0106, 0107, 0110, 0113: fires on the exact attribute, stays quiet on correct networks.</summary>
    public class LayerOrderTests
    {
        /// <summary>The lesson's networks (§1 TinyNN and §4 Keras model) are correct.</summary>
        [Fact]
        public Task TheLessonsNetworksAreQuiet() => VerifyOrder.Analyzer("""
            [Network(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
            public partial class TinyNN { }

            [Network(784)]
            [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)]
            [Dense(128)] [ReLU] [Dropout(0.3)]
            [Dense(10)] [Softmax]
            public partial class FashionNet { }
            """);

        [Fact]
        public Task NoNetworkNoDiagnostics() => VerifyOrder.Analyzer("public class Plain { }");

        /// <summary>The lesson's "NOT Dense → Activation → BatchNorm".</summary>
        [Fact]
        public Task BatchNormAfterActivation() => VerifyOrder.Analyzer("""
            [Network(784)] [Dense(256)] [ReLU] [{|UNR0101:BatchNorm|}] [Dense(10)] [Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task DropoutBeforeBatchNorm() => VerifyOrder.Analyzer("""
            [Network(784)] [Dense(256)] [{|UNR0104:Dropout(0.4)|}] [BatchNorm] [ReLU] [Dense(10)] [Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task DropoutBeforeActivation() => VerifyOrder.Analyzer("""
            [Network(784)] [Dense(256)] [{|UNR0105:Dropout(0.4)|}] [ReLU] [Dense(10)] [Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task TwoActivations() => VerifyOrder.Analyzer("""
            [Network(784)] [Dense(256)] [ReLU] [{|UNR0106:Tanh|}] [Dense(10)] [Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task DenseAfterDense() => VerifyOrder.Analyzer("""
            [Network(784)] [Dense(256)] [{|UNR0107:Dense(128)|}] [ReLU] [Dense(10)] [Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task DenseAfterDenseThroughBatchNormAndDropout() => VerifyOrder.Analyzer("""
            [Network(784)] [Dense(256)] [BatchNorm] [Dropout(0.2)] [{|UNR0107:Dense(10)|}] [Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task LayerAfterSoftmaxAndDropoutLast() => VerifyOrder.Analyzer("""
            [Network(784)] [Dense(10)] [Softmax] [{|UNR0110:Dropout(0.2)|}] [{|UNR0110:BatchNorm|}]
            public partial class AfterOutput { }

            [Network(784)] [Dense(10)] [Softmax] [{|UNR0110:ReLU|}]
            public partial class ActivationAfterOutput { }

            [Network(784)] [Dense(128)] [ReLU] [{|UNR0110:Dropout(0.5)|}]
            public partial class DropoutLast { }
            """);

        /// <summary>Issue 13, finding 4: the squiggle belongs on the inner Softmax, not on the Dense after it (whose removal
        /// turned a 10-class network into a 128-class one).</summary>
        [Fact]
        public Task Finding4_ASoftmaxBeforeTheOutputIsTheMistakeNotTheDenseAfterIt() => VerifyOrder.Analyzer("""
            [Network(784)] [Dense(128)] [{|UNR0110:Softmax|}] [Dense(10)] [Softmax]
            public partial class Net { }

            [Network(784)] [Dense(128)] [ReLU] [{|UNR0110:Softmax|}] [Dense(64)] [ReLU] [Dense(10)] [Softmax]
            public partial class Deeper { }
            """);

        /// <summary>Issue 13, finding 9, decided per case: two BatchNorms in a row (UNR0119, warning), Dropout(0) (UNR0120,
        /// info: Keras allows it), an activation as the first layer (UNR0121, warning).</summary>
        [Fact]
        public Task Finding9_TwoBatchNormsDropoutOfZeroAndAnActivationFirst() => VerifyOrder.Analyzer("""
            [Network(784)] [Dense(128)] [BatchNorm] [{|UNR0119:BatchNorm|}] [ReLU] [Dense(10)] [Softmax]
            public partial class TwoNorms { }

            [Network(784)] [Dense(128)] [ReLU] [{|UNR0120:Dropout(0)|}] [Dense(10)] [Softmax]
            public partial class NoDrop { }

            [Network(784)] [{|UNR0121:ReLU|}] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
            public partial class ActivationFirst { }

            [Network(784)] [BatchNorm] [Dense(10)] [Softmax]
            public partial class NormalisedInputsAreFine { }
            """);

        [Fact]
        public Task ActivationBeforeTheOutputSoftmax() => VerifyOrder.Analyzer("""
            [Network(784)] [Dense(128)] [ReLU] [Dense(10)] [{|UNR0113:ReLU|}] [Softmax]
            public partial class Net { }

            [Network(4, Loss = Loss.BinaryCrossEntropy)] [Dense(1)] [{|UNR0113:Tanh|}] [Sigmoid]
            public partial class Binary { }
            """);

        [Fact]
        public Task CombinedAttributeListsAndSeveralFilesOrderTheSameWay() => VerifyOrder.Analyzer("""
            [Network(784)]
            [Dense(256), ReLU, {|UNR0101:BatchNorm|}]
            [Dense(10), Softmax]
            public partial class Net { }
            """);
    
        /// <summary>Issue 13, finding 9: layer attributes without [Network] do nothing (UNR0115).</summary>
        [Fact]
        public Task Finding9_LayerAttributesWithoutANetworkAreReportedOnce() => VerifyMissing.Analyzer("""
            [{|UNR0115:Dense(128)|}] [ReLU] [Dense(10)] [Softmax]
            public partial class Forgotten { }

            [Network(784)] [Dense(10)] [Softmax]
            public partial class Declared { }

            public class Plain { }
            """);
    }
}
