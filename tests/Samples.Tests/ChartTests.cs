using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Unrolled.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Unrolled.Samples.Tests
{
    /// <summary>The samples draw their charts: run each on a slice of Fashion-MNIST and check the images.</summary>
    public sealed class ChartTests : IDisposable
    {
        private readonly ITestOutputHelper _output;
        private readonly string _directory = Path.Combine(Path.GetTempPath(), $"unrolled-charts-{Guid.NewGuid():N}");

        public ChartTests(ITestOutputHelper output) => _output = output;

        public void Dispose()
        {
            if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        }

        private static string Sample(string name) =>
            Path.Combine(Repository.Root, "samples", name, "bin", Repository.Configuration, "net10.0", name + ".dll");

        private string RunSample(string name, params string[] arguments)
        {
            (int exitCode, string stdout, string stderr) = Repository.Run("dotnet", null, new[] { Sample(name) }.Concat(arguments).ToArray());
            _output.WriteLine(stdout + stderr);
            Assert.True(exitCode == 0, $"{name} exited with {exitCode}: {stderr}");
            return stdout;
        }

        [Fact]
        public void FashionMnistWithPlotsDrawsLossAccuracyAndGradientFlow()
        {
            string weights = Path.Combine(_directory, "net.weights");
            string stdout = RunSample("FashionMnist", "--epochs", "3", "--limit", "6000", "--plots", _directory, "--weights", weights);
            ChartFiles.AssertChart(Path.Combine(_directory, "loss"), 2, "FashionNet, adam: loss", "epoch", "cross-entropy loss", "training", "validation");
            ChartFiles.AssertChart(Path.Combine(_directory, "accuracy"), 2, "FashionNet, adam: accuracy", "accuracy", "training", "validation");
            // Four layers with parameters: three Dense and one BatchNorm, each its own line.
            ChartFiles.AssertChart(Path.Combine(_directory, "gradient-flow"), 4, "gradient flow", "training step", "dense_1 (Dense)", "dense_5 (Dense)", "dense_8 (Dense)", "(BatchNorm)");
            Assert.Contains("saved " + Path.Combine(_directory, "gradient-flow.svg"), stdout);
        }

        [Fact]
        public void OptimizerComparisonTrainsEveryOptimiserFromTheSameStartAndDrawsThem()
        {
            string stdout = RunSample("OptimizerComparison", "--epochs", "2", "--limit", "6000", "--plots", _directory);
            string[] optimisers = { "sgd", "momentum", "rmsprop", "adam", "adamw" };
            foreach (string name in optimisers)
            {
                // The table's row: every optimiser learned something on 6,000 images in 2 epochs (chance is 0.1).
                Match row = Regex.Match(stdout, $@"│ {name} +│ [0-9.]+ +│ (?<loss>[0-9.]+) +│ [0-9.]+ +│ (?<accuracy>[0-9.]+) +│");
                Assert.True(row.Success, $"no table row for {name}");
                Assert.InRange(double.Parse(row.Groups["accuracy"].Value, CultureInfo.InvariantCulture), 0.6, 1.0); // 0.72–0.80 measured
            }
            ChartFiles.AssertChart(Path.Combine(_directory, "optimizers-loss"), 5, optimisers.Append("training loss").ToArray());
            ChartFiles.AssertChart(Path.Combine(_directory, "optimizers-accuracy"), 5, optimisers.Append("test accuracy").ToArray());
        }
    }
}
