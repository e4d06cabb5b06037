using System;
using System.Collections.Generic;
using System.Linq;
using Unrolled;
using static Lesson2.Experiments.Stats;

namespace Lesson2.Experiments
{
    /// <summary>What BatchNorm receives in one placement, and how the network trained.</summary>
    public sealed class PlacementRun
    {
        internal PlacementRun(string name, double skewness, double zeroShare, double excessKurtosis, double testAccuracy, double testLoss)
        {
            Name = name;
            InputSkewness = skewness;
            InputZeroShare = zeroShare;
            InputExcessKurtosis = excessKurtosis;
            TestAccuracy = testAccuracy;
            TestLoss = testLoss;
        }

        /// <summary>"Dense → BN → ReLU" or "Dense → ReLU → BN".</summary>
        public string Name { get; }
        /// <summary>Mean over units of the skewness of BatchNorm's input over the probe images (0 for a Gaussian).</summary>
        public double InputSkewness { get; }
        /// <summary>Share of BatchNorm's inputs that are exactly 0.</summary>
        public double InputZeroShare { get; }
        /// <summary>Mean over units of the excess kurtosis of BatchNorm's input (0 for a Gaussian).</summary>
        public double InputExcessKurtosis { get; }
        /// <summary>Test accuracy after training.</summary>
        public double TestAccuracy { get; }
        /// <summary>Test loss after training.</summary>
        public double TestLoss { get; }
    }

    /// <summary>Quiz 4: BatchNorm before the activation normalises a near-Gaussian distribution; after ReLU it is half-rectified.</summary>
    public sealed class BatchNormPlacementResult : ExperimentResult
    {
        internal BatchNormPlacementResult(PlacementRun before, PlacementRun after, int epochs, int samples)
        {
            Before = before;
            After = after;
            Epochs = epochs;
            Samples = samples;
        }

        /// <summary>Dense → BN → ReLU (the lesson's rule).</summary>
        public PlacementRun Before { get; }
        /// <summary>Dense → ReLU → BN.</summary>
        public PlacementRun After { get; }
        /// <summary>Training epochs of each.</summary>
        public int Epochs { get; }
        /// <summary>Training images.</summary>
        public int Samples { get; }

        /// <inheritdoc />
        public override int Question => 4;

        /// <inheritdoc />
        public override string Claim => "Put BatchNorm before the activation: the raw pre-activations are roughly Gaussian and well defined, while after ReLU they are half-rectified and no longer Gaussian, so normalising them is less effective.";

        /// <inheritdoc />
        public override IEnumerable<string> Evidence()
        {
            yield return $"Dense(128) with BatchNorm before or after its ReLU, then Dense(10) → softmax; Adam 1e-3, batch 64, {Epochs} epochs on {Samples:N0} images, same seed.";
            yield return "What BatchNorm normalises (per unit over 2,048 training images, averaged over units; a Gaussian has skewness 0, excess kurtosis 0, no exact zeros):";
            foreach (PlacementRun run in new[] { Before, After })
                yield return $"  {run.Name}: skewness {F(run.InputSkewness, "0.00")}, excess kurtosis {F(run.InputExcessKurtosis, "0.00")}, exact zeros {run.InputZeroShare:P1}; " +
                             $"test accuracy {F(run.TestAccuracy, "0.0000")}, test loss {F(run.TestLoss, "0.0000")}";
        }

        /// <inheritdoc />
        public override string Verdict
        {
            get
            {
                string accuracy = Before.TestAccuracy >= After.TestAccuracy
                    ? $"BN before ReLU also tested better here ({F(Before.TestAccuracy, "0.0000")} vs {F(After.TestAccuracy, "0.0000")})"
                    : $"but BN after ReLU tested better here ({F(After.TestAccuracy, "0.0000")} vs {F(Before.TestAccuracy, "0.0000")}): the distribution argument is sound, the accuracy advantage is not guaranteed";
                return $"The distribution part holds: before the activation BatchNorm sees skewness {F(Before.InputSkewness, "0.00")} and no zeros; after ReLU it sees " +
                       $"skewness {F(After.InputSkewness, "0.00")} with {After.InputZeroShare:P0} exact zeros. {accuracy}.";
            }
        }
    }

    /// <summary>Runs quiz 4's experiment.</summary>
    public static class Q4BatchNormPlacement
    {
        private const int Probe = 2048;

        /// <summary>Trains both placements from the same seed and measures BatchNorm's input on probe images.</summary>
        public static BatchNormPlacementResult Run(Dataset<float> training, Dataset<float> test, int seed = 0, int samples = 20000, int epochs = 2)
        {
            Dataset<float> data = training.Slice(0, Math.Min(samples, training.Count));
            Dataset<float> probe = training.Slice(0, Probe);
            var options = new FitOptions { Epochs = epochs, BatchSize = 64, Seed = seed, Diagnose = false };

            var before = new BatchNormBeforeReLU();
            before.InitializeParameters(seed);
            before.Fit(data, new Adam(1e-3), options);
            var after = new BatchNormAfterReLU();
            after.InitializeParameters(seed);
            after.Fit(data, new Adam(1e-3), options);

            return new BatchNormPlacementResult(
                Measure("Dense → BN → ReLU", before, BatchNormBeforeReLU.Layers, probe, test),
                Measure("Dense → ReLU → BN", after, BatchNormAfterReLU.Layers, probe, test),
                epochs, data.Count);
        }

        private static PlacementRun Measure(string name, INetwork<float> network, IReadOnlyList<LayerInfo> layers, Dataset<float> probe, Dataset<float> test)
        {
            LayerInfo batchNorm = layers.Single(l => l.Kind == LayerKind.BatchNorm);
            network.ForwardTraining(probe.Features, probe.Count);
            ReadOnlySpan<float> input = network.LayerOutput(batchNorm.Index - 1);
            int width = batchNorm.InputSize;
            double skewness = 0, kurtosis = 0;
            long zeros = 0;
            int units = 0;
            for (int unit = 0; unit < width; unit++)
            {
                double[] column = Column(input, width, unit);
                zeros += column.Count(v => v == 0);
                if (Variance(column) == 0) continue; // a unit dead on every probe image has no shape to measure
                skewness += Skewness(column);
                kurtosis += ExcessKurtosis(column);
                units++;
            }
            Evaluation evaluation = network.Evaluate(test);
            return new PlacementRun(name, skewness / units, zeros / (double)input.Length, kurtosis / units, evaluation.Accuracy, evaluation.Loss);
        }
    }
}
