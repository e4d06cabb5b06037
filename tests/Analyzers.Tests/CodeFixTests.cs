using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Unrolled.CodeFixes;
using Xunit;

namespace Unrolled.Analyzers.Tests
{
    /// <summary>Every code fix: the expected source after the fix, with comments and formatting kept.</summary>
    public class CodeFixTests
    {
        [Fact]
        public Task MovesBatchNormBeforeTheActivationKeepingComments() => Verify<LayerOrderAnalyzer, MoveLayerCodeFixer>.Fix("""
            [Network(784)]
            [Dense(256)] // hidden layer
            [ReLU]       // non-linearity
            [{|UNR0101:BatchNorm|}]  // normalise
            [Dense(10)] [Softmax]
            public partial class Net { }
            """, """
            [Network(784)]
            [Dense(256)] // hidden layer
            [BatchNorm]       // non-linearity
            [ReLU]  // normalise
            [Dense(10)] [Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task MovesDropoutAfterBatchNormAndItsActivation() => Verify<LayerOrderAnalyzer, MoveLayerCodeFixer>.Fix("""
            [Network(784)] [Dense(256)] [{|UNR0104:Dropout(0.4)|}] [BatchNorm] [ReLU] [Dense(10)] [Softmax]
            public partial class Net { }
            """, """
            [Network(784)] [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)] [Dense(10)] [Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task MovesDropoutAfterTheActivationInACombinedList() => Verify<LayerOrderAnalyzer, MoveLayerCodeFixer>.Fix("""
            [Network(784)]
            [Dense(256), {|UNR0105:Dropout(0.4)|}, ReLU]
            [Dense(10), Softmax]
            public partial class Net { }
            """, """
            [Network(784)]
            [Dense(256), ReLU, Dropout(0.4)]
            [Dense(10), Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task RemovesTheSecondActivation() => Verify<LayerOrderAnalyzer, RemoveLayerCodeFixer>.Fix("""
            [Network(784)]
            [Dense(256)]
            [ReLU]
            [{|UNR0106:Tanh|}]
            [Dense(10)]
            [Softmax]
            public partial class Net { }
            """, """
            [Network(784)]
            [Dense(256)]
            [ReLU]
            [Dense(10)]
            [Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task RemovesDropoutAsTheLastLayerAndTheActivationBeforeTheOutput() => Verify<LayerOrderAnalyzer, RemoveLayerCodeFixer>.Fix("""
            [Network(784)] [Dense(128)] [ReLU] [{|UNR0110:Dropout(0.5)|}]
            public partial class DropoutLast { }

            [Network(784)] [Dense(128)] [ReLU] [Dense(10)] [{|UNR0113:ReLU|}] [Softmax]
            public partial class Clipped { }
            """, """
            [Network(784)] [Dense(128)] [ReLU]
            public partial class DropoutLast { }

            [Network(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
            public partial class Clipped { }
            """, fixAllIterations: 2);

        [Fact]
        public Task InsertsReLUBetweenDenseLayers() => Verify<LayerOrderAnalyzer, InsertLayerCodeFixer>.Fix("""
            [Network(784)]
            [Dense(256)]
            [{|UNR0107:Dense(128)|}] [ReLU]
            [Dense(10)] [Softmax]
            public partial class Net { }
            """, """
            [Network(784)]
            [Dense(256)]
            [ReLU] [Dense(128)] [ReLU]
            [Dense(10)] [Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task AppendsSoftmax() => Verify<LossPairingAnalyzer, InsertLayerCodeFixer>.Fix("""
            [Network(784)]
            [Dense(128)] [ReLU]
            [{|UNR0103:Dense(10)|}]
            public partial class Net { }
            """, """
            [Network(784)]
            [Dense(128)] [ReLU]
            [Dense(10)] [Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task SetsTheLossToCrossEntropy() => Verify<LossPairingAnalyzer, AttributeArgumentCodeFixer>.Fix("""
            [Network(784, Loss = Loss.MeanSquaredError)] [Dense(10)] [{|UNR0102:Softmax|}]
            public partial class Explicit { }

            [Network(784, Loss = Loss.BinaryCrossEntropy, Seed = 3)] [Dense(10)] [{|UNR0102:Softmax|}]
            public partial class WithSeed { }
            """, """
            [Network(784, Loss = Loss.CrossEntropy)] [Dense(10)] [Softmax]
            public partial class Explicit { }

            [Network(784, Loss = Loss.CrossEntropy, Seed = 3)] [Dense(10)] [Softmax]
            public partial class WithSeed { }
            """);

        [Fact]
        public Task SetsUseBiasAndInit() => Verify<LayerConfigurationAnalyzer, AttributeArgumentCodeFixer>.Fix("""
            [Network(784)]
            [{|UNR0111:Dense(256)|}] [BatchNorm] [ReLU]
            [{|UNR0112:Dense(128, Init = Init.XavierNormal)|}] [ReLU]
            [{|UNR0112:Dense(64)|}] [ReLU]
            [Dense(10)] [Softmax]
            public partial class Net { }
            """, """
            [Network(784)]
            [Dense(256, UseBias = false)] [BatchNorm] [ReLU]
            [Dense(128, Init = Init.HeNormal)] [ReLU]
            [Dense(64, Init = Init.HeUniform)] [ReLU]
            [Dense(10)] [Softmax]
            public partial class Net { }
            """, fixAllIterations: 2);

        [Fact]
        public Task AddsPartialToTheNetworkAndItsContainingType()
        {
            var test = new WithGenerator<AddPartialCodeFixer>
            {
                TestCode = References.Usings + """
                    public class Outer
                    {
                        [Network(4)] [Dense(3)] [Softmax]
                        class {|UNR0001:Net|} { }
                    }
                    """,
                FixedCode = References.Usings + """
                    public partial class Outer
                    {
                        [Network(4)] [Dense(3)] [Softmax]
                        partial class Net { }
                    }
                    """,
                ReferenceAssemblies = References.Assemblies,
            };
            test.TestState.AdditionalReferences.AddRange(References.Extra);
            test.FixedState.AdditionalReferences.AddRange(References.Extra);
            test.FixedState.MarkupHandling = MarkupMode.Allow;
            test.TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            return test.RunAsync();
        }

        [Fact]
        public Task InsertsFlattenBeforeTheFirstLayerThatNeedsFeatures()
        {
            // Issue 15: UNR0011 (the generator's) on the Dense, whose input is the 1×4×4 image; the fix inserts [Flatten]
            // right before it, after the element-wise layers that work on the image, and touches nothing else.
            var test = new WithGenerator<InsertLayerCodeFixer>
            {
                TestCode = References.Usings + """
                    [Network(1, 4, 4)]
                    [Dropout(0.1)] [{|UNR0011:Dense(3)|}] [Softmax]
                    public partial class Net { }
                    """,
                FixedCode = References.Usings + """
                    [Network(1, 4, 4)]
                    [Dropout(0.1)] [Flatten] [Dense(3)] [Softmax]
                    public partial class Net { }
                    """,
                ReferenceAssemblies = References.Assemblies,
            };
            test.TestState.AdditionalReferences.AddRange(References.Extra);
            test.FixedState.AdditionalReferences.AddRange(References.Extra);
            test.TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            return test.RunAsync();
        }

        /// <summary>UNR0001 and UNR0011 come from the generator, so these tests run it.</summary>
        private sealed class WithGenerator<TFixer> : CSharpCodeFixTest<EmptyDiagnosticAnalyzer, TFixer, DefaultVerifier>
            where TFixer : Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider, new()
        {
            protected override IEnumerable<Type> GetSourceGenerators() => new[] { typeof(Unrolled.Generator.NetworkGenerator) };
        }
    }
}
