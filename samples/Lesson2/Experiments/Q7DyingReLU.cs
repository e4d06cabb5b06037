using System;
using System.Collections.Generic;
using System.Linq;
using Unrolled;
using Unrolled.Samples;
using static Lesson2.Experiments.Stats;

namespace Lesson2.Experiments
{
    /// <summary>One learning rate's effect on the hidden ReLUs of TinyNN.</summary>
    public sealed class ReLURun
    {
        internal ReLURun(double learningRate, double deadBefore, double deadAfter, double deadAfterRecovery, double deadGradient, double accuracy)
        {
            LearningRate = learningRate;
            DeadBefore = deadBefore;
            DeadAfter = deadAfter;
            DeadAfterRecovery = deadAfterRecovery;
            LargestDeadGradient = deadGradient;
            Accuracy = accuracy;
        }

        /// <summary>η of the first phase.</summary>
        public double LearningRate { get; }
        /// <summary>Share of the 128 hidden units that output 0 for every probe image, before training.</summary>
        public double DeadBefore { get; }
        /// <summary>The same share after the first phase.</summary>
        public double DeadAfter { get; }
        /// <summary>The same share after a second phase at a safe η = 0.01: dead units do not come back.</summary>
        public double DeadAfterRecovery { get; }
        /// <summary>Largest |∂L/∂W1| entry, over the rows of dead units (their incoming weights and bias), on a probe batch: exactly 0.</summary>
        public double LargestDeadGradient { get; }
        /// <summary>Accuracy on the probe images after both phases.</summary>
        public double Accuracy { get; }
    }

    /// <summary>Quiz 7: the (z &gt; 0) mask gives dead units no gradient; a high learning rate kills ReLUs and they stay dead.</summary>
    public sealed class DyingReLUResult : ExperimentResult
    {
        internal DyingReLUResult(ReLURun normal, ReLURun high, int steps)
        {
            Normal = normal;
            High = high;
            Steps = steps;
        }

        /// <summary>η = 0.1.</summary>
        public ReLURun Normal { get; }
        /// <summary>A learning rate far too high.</summary>
        public ReLURun High { get; }
        /// <summary>Steps of each phase.</summary>
        public int Steps { get; }

        /// <inheritdoc />
        public override int Question => 7;

        /// <inheritdoc />
        public override string Claim => "dz1 = da1 · (z1 > 0): units that were negative get zero gradient; units that are always negative (dead) never learn — the dying-ReLU problem, which a high learning rate causes.";

        /// <inheritdoc />
        public override IEnumerable<string> Evidence()
        {
            yield return $"TinyNN, SGD batch 64, {Steps} steps at η, then {Steps} at η = 0.01; dead = output 0 for all 2,048 probe images:";
            foreach (ReLURun run in new[] { Normal, High })
                yield return $"  η = {F(run.LearningRate),-4}: dead {run.DeadBefore:P1} before → {run.DeadAfter:P1} after → {run.DeadAfterRecovery:P1} after the safe phase; " +
                             $"largest |∂L/∂W1| over dead rows {F(run.LargestDeadGradient)}; accuracy {run.Accuracy:P1}";
        }

        /// <inheritdoc />
        public override string Verdict =>
            $"Holds: η = {F(High.LearningRate)} killed {High.DeadAfter:P0} of the hidden units (η = {F(Normal.LearningRate)}: {Normal.DeadAfter:P0}); their weight gradients are exactly " +
            $"{F(High.LargestDeadGradient)}, and after {Steps} more steps at a safe rate {High.DeadAfterRecovery:P0} are still dead.";
    }

    /// <summary>Runs quiz 7's experiment.</summary>
    public static class Q7DyingReLU
    {
        private const int Steps = 300, Batch = 64, Probe = 2048;

        /// <summary>TinyNN trained at a normal and at a far too high learning rate, from the same weights and batches.</summary>
        public static DyingReLUResult Run(Dataset<float> training, int seed = 0, double highLearningRate = 5)
        {
            Dataset<float> probe = training.Slice(0, Probe);
            Dataset<float> data = training.Slice(Probe, Steps * Batch);
            return new DyingReLUResult(Train(0.1, data, probe, seed), Train(highLearningRate, data, probe, seed), Steps);
        }

        private static ReLURun Train(double learningRate, Dataset<float> data, Dataset<float> probe, int seed)
        {
            var network = new TinyNN();
            network.InitializeParameters(seed);
            double before = DeadUnits(network, probe).Count / (double)Hidden.OutputSize;
            var options = new FitOptions { Epochs = 1, BatchSize = Batch, Seed = seed, Diagnose = false };
            network.Fit(data, new Sgd(learningRate), options);
            HashSet<int> dead = DeadUnits(network, probe);
            double after = dead.Count / (double)Hidden.OutputSize;

            // The (z > 0) mask: on a probe batch, every weight and the bias feeding a dead unit gets exactly zero gradient.
            network.ForwardTraining(probe.Features.AsSpan(0, 256 * TinyNN.InputSize), 256);
            network.Backward(probe.Labels.AsSpan(0, 256));
            double largest = 0;
            ReadOnlySpan<float> gradients = network.Gradients;
            LayerInfo dense = TinyNN.Layers[0];
            foreach (int unit in dead)
            {
                foreach (float g in gradients.Slice(dense.ParameterOffset + unit * dense.InputSize, dense.InputSize)) largest = Math.Max(largest, Math.Abs(g));
                largest = Math.Max(largest, Math.Abs(gradients[dense.ParameterOffset + dense.InputSize * dense.OutputSize + unit]));
            }

            network.Fit(data, new Sgd(0.01), options);
            double recovered = DeadUnits(network, probe).Count / (double)Hidden.OutputSize;
            return new ReLURun(learningRate, before, after, recovered, largest, network.Evaluate(probe).Accuracy);
        }

        private static LayerInfo Hidden => TinyNN.Layers.Single(l => l.Kind == LayerKind.ReLU);

        /// <summary>Hidden units whose ReLU outputs 0 for every probe image (training-mode pass: TinyNN has no dropout or BatchNorm).</summary>
        private static HashSet<int> DeadUnits(TinyNN network, Dataset<float> probe)
        {
            network.ForwardTraining(probe.Features, probe.Count);
            ReadOnlySpan<float> activations = network.LayerOutput(Hidden.Index);
            var dead = new HashSet<int>();
            for (int unit = 0; unit < Hidden.OutputSize; unit++)
            {
                bool alive = false;
                for (int b = 0; b < probe.Count && !alive; b++) alive = activations[b * Hidden.OutputSize + unit] > 0;
                if (!alive) dead.Add(unit);
            }
            return dead;
        }
    }
}
