using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>
    /// Issue 13, findings 6 and 10: Fit, Evaluate, Predict, PredictClass and PredictClasses validate their data through one
    /// check, with the same messages, before anything changes; option errors name the public option. Before the fix
    /// Evaluate took labels 12 and −1 (an out-of-range label added 0 to the loss, so the reported loss went down) and NaN
    /// features, and ValidationSplit = −0.2 or NaN was silently ignored.
    /// </summary>
    public class DataValidationTests
    {
        private static Dataset<float> Data(int count = 20) => DiagnosisTests.Blobs(count, 1); // 5 features, labels 0–2

        /// <summary>Every entry point that takes a dataset, as an action on a fresh network.</summary>
        public static IEnumerable<object[]> DatasetEntryPoints() => new[]
        {
            new object[] { "Fit" }, new object[] { "Fit (validation)" }, new object[] { "Evaluate" },
        };

        private static void Use(string entry, Dataset<float> data)
        {
            var net = new ReLUSoftmaxS();
            switch (entry)
            {
                case "Fit": net.Fit(data, new Sgd(0.1)); break;
                case "Fit (validation)": net.Fit(Data(), new Sgd(0.1), validation: data); break;
                default: net.Evaluate(data); break;
            }
        }

        [Theory]
        [MemberData(nameof(DatasetEntryPoints))]
        public void Finding6_OutOfRangeLabelsAreRefusedByEveryEntryPoint(string entry)
        {
            foreach (int label in new[] { 12, -1, 3 })
            {
                Dataset<float> data = Data();
                data.Labels![7] = label;
                var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Use(entry, data));
                Assert.Contains($"label of sample 7 is {label}", ex.Message);
                Assert.Contains("0 to 2 (3 classes)", ex.Message);
            }
        }

        [Theory]
        [MemberData(nameof(DatasetEntryPoints))]
        public void Finding6_NonFiniteFeaturesAreRefusedByEveryEntryPoint(string entry)
        {
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                Dataset<float> data = Data();
                data.Features[4 * 5 + 2] = bad;
                var ex = Assert.Throws<ArgumentException>(() => Use(entry, data));
                Assert.Contains("feature 2 of sample 4 is", ex.Message);
            }
        }

        [Theory]
        [MemberData(nameof(DatasetEntryPoints))]
        public void Finding6_WrongShapesAreRefusedByEveryEntryPoint(string entry)
        {
            var wide = new Dataset<float>(new float[12], 6, new int[2]);
            Assert.Contains("6 features per sample; the network expects 5", Assert.Throws<ArgumentException>(() => Use(entry, wide)).Message);
            var one = new Dataset<float>(new float[4], 1, new int[4]);
            Assert.Contains("1 feature per sample", Assert.Throws<ArgumentException>(() => Use(entry, one)).Message);
            var targets = new Dataset<float>(new float[10], 5, targets: new float[8]);
            Assert.Contains("4 targets per sample; the network has 3 outputs", Assert.Throws<ArgumentException>(() => Use(entry, targets)).Message);
        }

        [Fact]
        public void Finding6_ARefusedEvaluationChangesNothingAndAValidOneStillWorks()
        {
            var net = new ReLUSoftmaxS();
            Dataset<float> data = Data();
            double loss = net.Evaluate(data).Loss;
            data.Labels![0] = 12;
            Assert.Throws<ArgumentOutOfRangeException>(() => net.Evaluate(data));
            data.Labels![0] = 0;
            Assert.Equal(loss, net.Evaluate(data).Loss);
        }

        [Fact]
        public void Finding6_PredictionsRefuseNonFiniteFeaturesAndWrongLengths()
        {
            var net = new ReLUSoftmaxS();
            float[] x = Data(3).Features;
            x[7] = float.NaN;
            Assert.Contains("feature 2 of sample 1 is NaN", Assert.Throws<ArgumentException>(() => net.Predict(x)).Message);
            Assert.Contains("feature 2 of sample 1 is NaN", Assert.Throws<ArgumentException>(() => net.PredictClasses(x)).Message);
            Assert.Contains("feature 2 of sample 0 is NaN", Assert.Throws<ArgumentException>(() => net.PredictClass(x.AsSpan(5, 5))).Message);
            Assert.Contains("7 features is not a whole number of samples of 5", Assert.Throws<ArgumentException>(() => net.Predict(new float[7])).Message);
            Assert.Contains("1 feature is not a whole number", Assert.Throws<ArgumentException>(() => net.PredictClasses(new float[1])).Message);
            Assert.Contains("one sample of 5 features, got 10 values", Assert.Throws<ArgumentException>(() => net.PredictClass(new float[10])).Message);
        }

        [Fact]
        public void Finding1_ANaNOutputIsNeverTurnedIntoAClass()
        {
            var net = new ReLUSoftmaxS();
            net.Parameters[3] = float.NaN;
            float[] x = Data(3).Features;
            var ex = Assert.Throws<InvalidOperationException>(() => net.PredictClass(x.AsSpan(0, 5)));
            Assert.Contains("W[0, 3] of dense_1", ex.Message);
            Assert.Throws<InvalidOperationException>(() => net.PredictClasses(x));
            Evaluation evaluation = net.Evaluate(Data());
            Assert.True(double.IsNaN(evaluation.Loss));
            Assert.True(double.IsNaN(evaluation.Accuracy));
            Assert.All(net.Predict(x), p => Assert.True(float.IsNaN(p))); // raw outputs: NaN, as ONNX Runtime gives
        }

        [Theory]
        [InlineData(-0.2)]
        [InlineData(double.NaN)]
        [InlineData(1.0)]
        [InlineData(1.5)]
        [InlineData(double.PositiveInfinity)]
        public void Finding10_ABadValidationSplitIsRefusedNamingTheOption(double split)
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ReLUSoftmaxS().Fit(Data(), new Sgd(0.1), new FitOptions { ValidationSplit = split }));
            Assert.Contains("FitOptions.ValidationSplit", ex.Message);
            Assert.Equal("options", ex.ParamName); // not Dataset.Split's internal 'fraction'
            Assert.DoesNotContain("'fraction'", ex.Message);
        }

        [Fact]
        public void Finding10_ASplitThatLeavesNoSampleNamesTheOptionAndCountsInTheSingular()
        {
            var ex = Assert.Throws<ArgumentException>(() => new ReLUSoftmaxS().Fit(Data(2), new Sgd(0.1), new FitOptions { ValidationSplit = 0.1 }));
            Assert.Contains("FitOptions.ValidationSplit = 0.1 of 2 samples holds out 0 samples", ex.Message);
            var one = Assert.Throws<ArgumentException>(() => new ReLUSoftmaxS().Fit(Data(1), new Sgd(0.1), new FitOptions { ValidationSplit = 0.9 }));
            Assert.Contains("of 1 sample holds out 1 sample:", one.Message);
        }

        [Fact]
        public void Finding10_OptionErrorsNameThePublicOption()
        {
            var net = new ReLUSoftmaxS();
            Assert.Contains("FitOptions.Epochs is 0", Assert.Throws<ArgumentOutOfRangeException>(() => net.Fit(Data(), new Sgd(0.1), new FitOptions { Epochs = 0 })).Message);
            Assert.Contains("FitOptions.BatchSize is -3", Assert.Throws<ArgumentOutOfRangeException>(() => net.Fit(Data(), new Sgd(0.1), new FitOptions { BatchSize = -3 })).Message);
        }

        [Fact]
        public void Finding10_MessagesCountOneInTheSingular()
        {
            Assert.Equal("1 sample", DataChecks.Count(1, "sample"));
            Assert.Equal("2 samples", DataChecks.Count(2, "sample"));
            Assert.Equal("1,000 samples", DataChecks.Count(1000, "sample"));
            var ex = Assert.Throws<ArgumentException>(() => new Dataset<float>(new float[1], 1, new int[2]));
            Assert.Contains("Expected 1 label (one per sample), got 2", ex.Message);
        }
    }
}
