using System;
using System.Collections.Generic;
using System.Linq;
using Unrolled;
using static Lesson2.Experiments.Stats;

namespace Lesson2.Experiments
{
    /// <summary>Quiz 5: inverted dropout keeps the expected activation equal between training and inference.</summary>
    public sealed class InvertedDropoutResult : ExperimentResult
    {
        internal InvertedDropoutResult(double rate, int passes, double inferenceMean, double trainingMean, double droppedShare, double keptScale, double keptScaleSpread, double outputError)
        {
            OutputError = outputError;
            Rate = rate;
            Passes = passes;
            InferenceMean = inferenceMean;
            TrainingMean = trainingMean;
            DroppedShare = droppedShare;
            KeptScale = keptScale;
            KeptScaleSpread = keptScaleSpread;
        }

        /// <summary>p, the dropout rate.</summary>
        public double Rate { get; }
        /// <summary>Training-mode passes averaged.</summary>
        public int Passes { get; }
        /// <summary>Mean activation after the Dropout layer in inference mode (Dropout is the identity).</summary>
        public double InferenceMean { get; }
        /// <summary>Mean activation after the Dropout layer over the training-mode passes (fresh masks each).</summary>
        public double TrainingMean { get; }
        /// <summary>Share of the positive ReLU outputs that training mode zeroed.</summary>
        public double DroppedShare { get; }
        /// <summary>Kept outputs over their inference values: 1/(1 − p).</summary>
        public double KeptScale { get; }
        /// <summary>Largest |kept ratio − <see cref="KeptScale"/>| over all kept outputs.</summary>
        public double KeptScaleSpread { get; }
        /// <summary>Mean |average training-mode network output − inference output| over the mean |inference output|: the
        /// next Dense layer sees the same expected input in both modes, so its outputs agree on average.</summary>
        public double OutputError { get; }
        /// <summary>Training mean over inference mean.</summary>
        public double MeanRatio => TrainingMean / InferenceMean;

        /// <inheritdoc />
        public override int Question => 5;

        /// <inheritdoc />
        public override string Claim => "Dropout(p) zeroes p of the units in training; scaling the kept ones by 1/(1 − p) (inverted dropout) means inference needs no scaling: expected activations match.";

        /// <inheritdoc />
        public override IEnumerable<string> Evidence()
        {
            yield return $"Dense(200) → ReLU → Dropout({F(Rate)}), 256 samples, {Passes} training passes with fresh masks:";
            yield return $"  dropped share of active units {DroppedShare:P2} (p = {Rate:P0}); kept units scaled by {F(KeptScale, "0.000000")} = 1/(1 − p) = {F(1 / (1 - Rate), "0.000000")} (spread {F(KeptScaleSpread, "0.0E+0")})";
            yield return $"  mean activation: training {F(TrainingMean, "0.00000")}, inference {F(InferenceMean, "0.00000")}, ratio {F(MeanRatio, "0.0000")}";
            yield return $"  network output (Dense(1) after the dropout) averaged over the passes vs Forward in inference mode: relative difference {F(OutputError, "0.0000")}";
            yield return $"  without the 1/(1 − p) scaling the training mean would be {F(TrainingMean * (1 - Rate), "0.00000")}, ratio {F(MeanRatio * (1 - Rate), "0.0000")}";
        }

        /// <inheritdoc />
        public override string Verdict =>
            $"Holds: {DroppedShare:P1} dropped, survivors ×{F(KeptScale, "0.000")}, and the training-mode mean is {F(MeanRatio, "0.000")}× the inference mean (it would be {F(MeanRatio * (1 - Rate), "0.000")}× unscaled).";
    }

    /// <summary>Runs quiz 5's experiment.</summary>
    public static class Q5InvertedDropout
    {
        private const int Batch = 256, Passes = 200;

        /// <summary>Compares the Dropout layer's output of <see cref="DropoutProbe"/> in inference and in training mode.</summary>
        public static InvertedDropoutResult Run(int seed = 0)
        {
            var random = new Random(seed);
            float[] inputs = Normal(Batch * DropoutProbe.InputSize, random).Select(v => (float)v).ToArray();
            var network = new DropoutProbe();
            network.InitializeParameters(seed);
            LayerInfo dropout = DropoutProbe.Layers.Single(l => l.Kind == LayerKind.Dropout);

            // Inference mode: Dropout is the identity, so its output is the ReLU's, which is the same in both modes (no BatchNorm before it).
            var inferenceOutputs = new float[Batch * DropoutProbe.OutputSize];
            network.Forward(inputs, inferenceOutputs, Batch);
            network.ForwardTraining(inputs, Batch);
            float[] inference = network.LayerOutput(dropout.Index - 1).ToArray();

            var trainingOutputs = new double[inferenceOutputs.Length];
            double sum = 0, scaleSum = 0, spread = 0;
            long dropped = 0, active = 0, kept = 0;
            var ratios = new List<double>();
            for (int pass = 0; pass < Passes; pass++)
            {
                ReadOnlySpan<float> final = network.ForwardTraining(inputs, Batch);
                for (int i = 0; i < final.Length; i++) trainingOutputs[i] += final[i] / (double)Passes;
                ReadOnlySpan<float> training = network.LayerOutput(dropout.Index);
                for (int i = 0; i < training.Length; i++)
                {
                    sum += training[i];
                    if (inference[i] <= 0) continue;
                    active++;
                    if (training[i] == 0) { dropped++; continue; }
                    kept++;
                    double ratio = (double)training[i] / inference[i];
                    scaleSum += ratio;
                    ratios.Add(ratio);
                }
            }
            double scale = scaleSum / kept;
            foreach (double ratio in ratios) spread = Math.Max(spread, Math.Abs(ratio - scale));
            double outputDifference = trainingOutputs.Select((v, i) => Math.Abs(v - inferenceOutputs[i])).Average();
            double outputScale = inferenceOutputs.Average(v => Math.Abs((double)v));
            return new InvertedDropoutResult(dropout.Hyperparameter, Passes, inference.Average(v => (double)v), sum / Passes / inference.Length,
                (double)dropped / active, scale, spread, outputDifference / outputScale);
        }
    }
}
