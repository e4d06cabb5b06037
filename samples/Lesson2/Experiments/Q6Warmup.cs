using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Unrolled;
using static Lesson2.Experiments.Stats;

namespace Lesson2.Experiments
{
    /// <summary>One fine-tuning run of the pretrained body with a new head.</summary>
    public sealed class FineTuneRun
    {
        internal FineTuneRun(string name, double earlyDrift, double finalDrift, double accuracy, double earlyRetained, double finalRetained)
        {
            EarlyRetained = earlyRetained;
            FinalRetained = finalRetained;
            Name = name;
            EarlyBodyDrift = earlyDrift;
            FinalBodyDrift = finalDrift;
            TestAccuracy = accuracy;
        }

        /// <summary>"no warmup", "warmup" or "from scratch".</summary>
        public string Name { get; }
        /// <summary>‖θ_body − θ_pretrained‖ / ‖θ_pretrained‖ after the first <see cref="WarmupResult.EarlySteps"/> steps.</summary>
        public double EarlyBodyDrift { get; }
        /// <summary>The same after fine-tuning.</summary>
        public double FinalBodyDrift { get; }
        /// <summary>What the body still knows of the old task after the early steps: old-task test accuracy of the fine-tuned
        /// body under the pretrained head.</summary>
        public double EarlyRetained { get; }
        /// <summary>The same after fine-tuning.</summary>
        public double FinalRetained { get; }
        /// <summary>Accuracy on the new task's test images (all 10,000).</summary>
        public double TestAccuracy { get; }
    }

    /// <summary>Quiz 6: warmup protects a pretrained body while a freshly initialised head settles.</summary>
    public sealed class WarmupResult : ExperimentResult
    {
        internal WarmupResult(double pretrainAccuracy, FineTuneRun noWarmup, FineTuneRun warmup, FineTuneRun scratch, double peak, int warmupSteps, int steps, int earlySteps, int samples)
        {
            PretrainAccuracy = pretrainAccuracy;
            NoWarmup = noWarmup;
            Warmup = warmup;
            Scratch = scratch;
            PeakLearningRate = peak;
            WarmupSteps = warmupSteps;
            Steps = steps;
            EarlySteps = earlySteps;
            Samples = samples;
        }

        /// <summary>Test accuracy of the pretrained network on its own task.</summary>
        public double PretrainAccuracy { get; }
        /// <summary>Fine-tuning at the peak rate from step 1 (cosine decay).</summary>
        public FineTuneRun NoWarmup { get; }
        /// <summary>Fine-tuning with linear warmup, then cosine decay (the lesson's WarmupCosineSchedule).</summary>
        public FineTuneRun Warmup { get; }
        /// <summary>The same network and schedule as <see cref="Warmup"/> without the pretrained body: what pretraining is worth.</summary>
        public FineTuneRun Scratch { get; }
        /// <summary>Adam's peak learning rate.</summary>
        public double PeakLearningRate { get; }
        /// <summary>Warmup steps.</summary>
        public int WarmupSteps { get; }
        /// <summary>Fine-tuning steps.</summary>
        public int Steps { get; }
        /// <summary>Steps after which the early drift is measured.</summary>
        public int EarlySteps { get; }
        /// <summary>Labelled images of the new task used for fine-tuning.</summary>
        public int Samples { get; }

        /// <inheritdoc />
        public override int Question => 6;

        /// <inheritdoc />
        public override string Claim => "When a new head is attached to a pretrained body, a warmup schedule keeps the first, large and head-driven updates from overwriting the pretrained weights.";

        /// <inheritdoc />
        public override IEnumerable<string> Evidence()
        {
            yield return $"Body Dense(256) → ReLU → Dense(128) → ReLU pretrained on 30,000 images to tell pairs {{0,5}} {{1,6}} {{2,7}} {{3,8}} {{4,9}} apart (test accuracy {PretrainAccuracy:P1}), saved and reloaded;";
            yield return $"a new Dense(5) head for the pairs {{0,1}} {{2,3}} {{4,5}} {{6,7}} {{8,9}}, fine-tuned with Adam (peak η = {F(PeakLearningRate)}) for {Steps} steps on {Samples:N0} images.";
            yield return $"After {EarlySteps} steps and at the end: body drift ‖θ − θ_pretrained‖/‖θ_pretrained‖, what the body still knows (old-task test accuracy";
            yield return $"of the fine-tuned body under the old head, {PretrainAccuracy:P1} before), and the new task's test accuracy:";
            foreach (FineTuneRun run in new[] { NoWarmup, Warmup, Scratch })
                yield return $"  {run.Name,-13} drift {F(run.EarlyBodyDrift, "0.000")} → {F(run.FinalBodyDrift, "0.000")}, old task kept {run.EarlyRetained:P1} → {run.FinalRetained:P1}, new task test accuracy {run.TestAccuracy:P1}";
        }

        /// <inheritdoc />
        public override string Verdict =>
            $"{(Warmup.EarlyRetained > NoWarmup.EarlyRetained ? "Holds for the pretrained weights" : "Does not hold here")}: in the first {EarlySteps} steps the body moves " +
            $"{F(NoWarmup.EarlyBodyDrift / Warmup.EarlyBodyDrift, "0.0")}× as far without warmup, and keeps {NoWarmup.EarlyRetained:P0} of old-task accuracy vs " +
            $"{Warmup.EarlyRetained:P0} with warmup ({NoWarmup.FinalRetained:P0} vs {Warmup.FinalRetained:P0} at the end). The new task's accuracy is " +
            $"{NoWarmup.TestAccuracy:P1} vs {Warmup.TestAccuracy:P1} (from scratch {Scratch.TestAccuracy:P1}): on this small network and task the protection shows in what " +
            "the body keeps, not in a better score.";
    }

    /// <summary>Runs quiz 6's experiment.</summary>
    public static class Q6Warmup
    {
        /// <summary>Pretrain on one pairing of the classes, save, reload, attach a new head, fine-tune on another pairing with and without warmup.</summary>
        public static WarmupResult Run(Dataset<float> training, Dataset<float> test, int seed = 0, double peak = 1e-2, int samples = 300,
            int steps = 200, int warmupSteps = 50, int earlySteps = 20)
        {
            // Both tasks group the ten classes in five pairs, differently: the pretrained body must tell all ten apart, and
            // the new head has to learn a new grouping of the same features from few labels.
            Dataset<float> oldTask = Relabel(training, c => c % 5), oldTest = Relabel(test, c => c % 5);
            Dataset<float> newTask = Relabel(training, c => c / 2), newTest = Relabel(test, c => c / 2);
            int half = training.Count / 2;
            oldTask = oldTask.Slice(0, half);                                    // pretraining: the first half of the images
            newTask = newTask.Slice(half, Math.Min(samples, training.Count - half)); // fine-tuning: a few labels from the other half

            var pretrained = new PretrainedNet();
            pretrained.InitializeParameters(seed);
            pretrained.Fit(oldTask, new Adam(1e-3), new FitOptions { Epochs = 2, BatchSize = 64, Seed = seed, Diagnose = false });
            double pretrainAccuracy = pretrained.Evaluate(oldTest).Accuracy;
            string file = Path.Combine(Path.GetTempPath(), $"lesson2-pretrained-{Guid.NewGuid():N}.weights");
            try
            {
                WeightsFile.Save(pretrained, file);
                const int batch = 32;
                FineTuneRun Tune(string name, bool reload, int warmup)
                {
                    var network = new PretrainedNet();
                    network.InitializeParameters(seed + 1); // the new head (and, from scratch, a new body)
                    float[] head = network.Parameters.Slice(HeadOffset).ToArray();
                    if (reload)
                    {
                        WeightsFile.Load(network, file);
                        head.CopyTo(network.Parameters.Slice(HeadOffset)); // attach the freshly initialised head
                    }
                    float[] start = pretrained.Parameters.Slice(0, HeadOffset).ToArray();
                double Retained(PretrainedNet tuned)
                {
                    var probe = new PretrainedNet();
                    pretrained.Parameters.CopyTo(probe.Parameters);
                    tuned.Parameters.Slice(0, HeadOffset).CopyTo(probe.Parameters);
                    return probe.Evaluate(oldTest).Accuracy;
                }
                    var optimizer = new Adam(peak) { Schedule = warmup > 0 ? new WarmupCosine(peak, warmup, steps) : new CosineDecay(peak, steps) };
                    var options = new FitOptions { Epochs = 1, BatchSize = batch, Seed = seed, Diagnose = false };
                    network.Fit(Repeat(newTask, earlySteps * batch, 0), optimizer, options);
                    double early = Drift(network, start), earlyRetained = Retained(network);
                    network.Fit(Repeat(newTask, (steps - earlySteps) * batch, earlySteps * batch), optimizer, options);
                    return new FineTuneRun(name, early, Drift(network, start), network.Evaluate(newTest).Accuracy, earlyRetained, Retained(network));
                }
                return new WarmupResult(pretrainAccuracy, Tune("no warmup", true, 0), Tune("warmup", true, warmupSteps), Tune("from scratch", false, warmupSteps),
                    peak, warmupSteps, steps, earlySteps, newTask.Count);
            }
            finally
            {
                File.Delete(file);
            }
        }

        private static Dataset<float> Relabel(Dataset<float> data, Func<int, int> label) =>
            new Dataset<float>(data.Features, data.InputSize, data.Labels!.Select(label).ToArray());

        /// <summary>Where the head's parameters start: the body is everything before the last Dense layer.</summary>
        private static int HeadOffset => PretrainedNet.Layers.Last(l => l.Kind == LayerKind.Dense).ParameterOffset;

        private static double Drift(PretrainedNet network, float[] start)
        {
            ReadOnlySpan<float> body = network.Parameters.Slice(0, HeadOffset);
            double change = 0, size = 0;
            for (int i = 0; i < body.Length; i++)
            {
                change += (double)(body[i] - start[i]) * (body[i] - start[i]);
                size += (double)start[i] * start[i];
            }
            return Math.Sqrt(change / size);
        }

        /// <summary><paramref name="count"/> samples of <paramref name="data"/> from <paramref name="offset"/> on, wrapping around.</summary>
        private static Dataset<float> Repeat(Dataset<float> data, int count, int offset)
        {
            var features = new float[count * data.InputSize];
            var labels = new int[count];
            for (int i = 0; i < count; i++)
            {
                int source = (offset + i) % data.Count;
                data.Features.AsSpan(source * data.InputSize, data.InputSize).CopyTo(features.AsSpan(i * data.InputSize));
                labels[i] = data.Labels![source];
            }
            return new Dataset<float>(features, data.InputSize, labels);
        }
    }
}
