using System.Threading.Tasks;
using Xunit;
using VerifyConfiguration = Unrolled.Analyzers.Tests.Verify<Unrolled.Analyzers.LayerConfigurationAnalyzer>;
using VerifyLoss = Unrolled.Analyzers.Tests.Verify<Unrolled.Analyzers.LossPairingAnalyzer>;
using VerifyOptimizer = Unrolled.Analyzers.Tests.Verify<Unrolled.Analyzers.OptimizerAnalyzer>;

namespace Unrolled.Analyzers.Tests
{
    /// <summary>UNR0102, 0103, 0108, 0109 (loss pairing), UNR0111, 0112, 0114 (configuration), UNR0201–0204 (optimisers).</summary>
    public class LossAndConfigurationTests
    {
        [Fact]
        public Task CorrectPairsAreQuiet() => VerifyLoss.Analyzer("""
            [Network(784, Loss = Loss.CrossEntropy)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
            public partial class Classes { }

            [Network(4, Loss = Loss.BinaryCrossEntropy)] [Dense(8)] [ReLU] [Dense(3)] [Sigmoid]
            public partial class Labels { }

            [Network(4, Loss = Loss.MeanSquaredError)] [Dense(8)] [Tanh] [Dense(1)]
            public partial class Regression { }
            """);

        [Fact]
        public Task SoftmaxWithMeanSquaredError() => VerifyLoss.Analyzer("""
            [Network(784, Loss = Loss.MeanSquaredError)] [Dense(128)] [ReLU] [Dense(10)] [{|UNR0102:Softmax|}]
            public partial class Net { }
            """);

        [Fact]
        public Task CrossEntropyOnLogits() => VerifyLoss.Analyzer("""
            [Network(784)] [Dense(128)] [ReLU] [{|UNR0103:Dense(10)|}]
            public partial class Net { }
            """);

        [Fact]
        public Task SoftmaxOverOneUnitAndSigmoidWithCrossEntropy() => VerifyLoss.Analyzer("""
            [Network(4, Loss = Loss.BinaryCrossEntropy)] [Dense(1)] [{|UNR0108:Softmax|}]
            public partial class OneUnit { }

            [Network(4, Loss = Loss.CrossEntropy)] [Dense(3)] [{|UNR0108:Sigmoid|}]
            public partial class SigmoidClasses { }
            """);

        [Fact]
        public Task OutputThatDoesNotMatchTheLoss() => VerifyLoss.Analyzer("""
            [Network(4, Loss = Loss.CrossEntropy)] [Dense(3)] [{|UNR0109:ReLU|}]
            public partial class ReLUClasses { }

            [Network(4, Loss = Loss.BinaryCrossEntropy)] [{|UNR0109:Dense(3)|}]
            public partial class LogitsBce { }
            """);

        [Fact]
        public Task TheLessonsNetworksHaveOnlySuggestions() => VerifyConfiguration.Analyzer("""
            [Network(784)] [{|UNR0112:Dense(128)|}] [ReLU] [Dense(10)] [Softmax]
            public partial class TinyNN { }

            [Network(784)]
            [{|UNR0111:Dense(256)|}] [BatchNorm] [ReLU] [Dropout(0.4)]
            [{|UNR0112:Dense(128)|}] [ReLU] [Dropout(0.3)]
            [Dense(10)] [Softmax]
            public partial class FashionNet { }
            """);

        [Fact]
        public Task SuitedInitialisersAndNoBiasAreQuiet() => VerifyConfiguration.Analyzer("""
            [Network(784)]
            [Dense(256, UseBias = false)] [BatchNorm] [ReLU]
            [Dense(128, Init = Init.HeNormal)] [ReLU]
            [Dense(64)] [Tanh] [Dense(10)] [Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task HeBeforeTanhAndXavierBeforeLeakyReLU() => VerifyConfiguration.Analyzer("""
            [Network(4)] [{|UNR0112:Dense(8, Init = Init.HeUniform)|}] [Tanh] [{|UNR0112:Dense(8, Init = Init.XavierNormal)|}] [Dropout(0.1)] [LeakyReLU] [Dense(2)] [Softmax]
            public partial class Net { }
            """);

        [Fact]
        public Task DeepSigmoidStackWithoutBatchNorm() => VerifyConfiguration.Analyzer("""
            [Network(4)]
            [Dense(8)] [Sigmoid] [Dense(8)] [Tanh] [Dense(8)] [Sigmoid] [Dense(8)] [{|UNR0114:Sigmoid|}]
            [Dense(2)] [Softmax]
            public partial class Deep { }

            [Network(4)]
            [Dense(8, UseBias = false)] [BatchNorm] [Sigmoid] [Dense(8)] [Tanh] [Dense(8)] [Sigmoid] [Dense(8)] [Sigmoid]
            [Dense(2)] [Softmax]
            public partial class Normalised { }
            """);

        [Fact]
        public Task OptimiserArguments() => VerifyOptimizer.Analyzer("""
            class Setup
            {
                void Run()
                {
                    var fine = new Adam(1e-3);
                    var sgd = new Sgd(0.1, momentum: 0.9);
                    var hot = new Adam({|UNR0201:learningRate: 0.5|});
                    var cold = new Sgd({|UNR0201:1e-7|});
                    var rms = new RmsProp({|UNR0201:0.1|});
                    var decayed = new Adam(1e-3, {|UNR0202:weightDecay: 0.01|});
                    var decoupled = new AdamW(1e-3, weightDecay: 0.01);
                    var tiny = new AdamW({|UNR0204:epsilon: 1e-12|});
                    var schedule = {|UNR0203:new WarmupCosine(3e-4, 1000, 1000)|};
                    var good = new WarmupCosine(3e-4, 1000, 10000);
                }
            }
            """);
    
        /// <summary>Issue 13, finding 9: UNR0201 wherever a constant rate reaches an optimiser, and UNR0205 (an error) for
        /// rates the optimisers and schedules refuse at run time.</summary>
        [Fact]
        public Task Finding9_LearningRatesInInitialisersAssignmentsAndSchedules() => VerifyOptimizer.Analyzer("""
            class Setup
            {
                void Run(Optimizer optimizer, Sgd sgd)
                {
                    optimizer.LearningRate = {|UNR0201:50|};
                    sgd.LearningRate = 0.5;
                    sgd.LearningRate = {|UNR0201:2.0|};
                    var initialised = new Adam { LearningRate = {|UNR0201:50|} };
                    var scheduled = new Adam { Schedule = new CosineDecay({|UNR0201:5.0|}, 1000) };
                    var sgdScheduled = new Sgd { Schedule = new CosineDecay(0.5, 1000) };
                    optimizer.Schedule = new WarmupCosine({|UNR0201:3.0|}, 10, 100);
                    var loose = new CosineDecay({|UNR0201:5.0|}, 1000);
                    var plateau = new ReduceLROnPlateau(1e-3);
                    var zero = new Adam({|UNR0205:0.0|});
                    var negative = new Sgd({|UNR0205:-0.1|});
                    var nan = new Sgd({|UNR0205:double.NaN|});
                    optimizer.LearningRate = {|UNR0205:0|};
                    var set = new RmsProp { LearningRate = {|UNR0205:-1e-3|} };
                    var bad = new CosineDecay({|UNR0205:0|}, 10);
                    var constant = new ConstantSchedule({|UNR0205:double.PositiveInfinity|});
                }
            }
            """);
    
        /// <summary>Appending [Softmax] to one output would create UNR0108: a single output with cross-entropy is UNR0108 itself.</summary>
        [Fact]
        public Task OneLogitWithCrossEntropyIsNotOfferedASoftmax() => VerifyLoss.Analyzer("""
            [Network(784)] [Dense(16)] [ReLU] [{|UNR0108:Dense(1)|}]
            public partial class OneLogit { }
            """);
    }
}
