using System;
using System.Collections.Generic;
using Unrolled;
using static Lesson2.Experiments.Stats;

namespace Lesson2.Experiments
{
    /// <summary>How much weight decay shrank a weight: ln(w without decay / w with decay) over the run.</summary>
    public sealed class DecayRun
    {
        internal DecayRun(string name, double often, double rarely)
        {
            Name = name;
            OftenUpdated = often;
            RarelyUpdated = rarely;
        }

        /// <summary>"Adam + L2" or "AdamW".</summary>
        public string Name { get; }
        /// <summary>Effective decay of the weight whose gradient is ±1 every step.</summary>
        public double OftenUpdated { get; }
        /// <summary>Effective decay of the weight whose gradient is ±1 once every 100 steps.</summary>
        public double RarelyUpdated { get; }
        /// <summary>Rarely over often: 1 when decay ignores the gradient history.</summary>
        public double Ratio => RarelyUpdated / OftenUpdated;
    }

    /// <summary>Quiz 8: Adam + L2 decays rarely updated weights harder than often updated ones; AdamW decays both alike.</summary>
    public sealed class DecoupledDecayResult : ExperimentResult
    {
        internal DecoupledDecayResult(DecayRun adam, DecayRun adamW, double nominal, int steps)
        {
            AdamL2 = adam;
            AdamW = adamW;
            NominalDecay = nominal;
            Steps = steps;
        }

        /// <summary>Adam with λ added to the gradient.</summary>
        public DecayRun AdamL2 { get; }
        /// <summary>AdamW, λ applied to the weights.</summary>
        public DecayRun AdamW { get; }
        /// <summary>η·λ·steps: the decay −ln(1 − ηλ)·steps ≈ ηλ·steps that decoupled decay applies to every weight.</summary>
        public double NominalDecay { get; }
        /// <summary>Optimiser steps.</summary>
        public int Steps { get; }

        /// <inheritdoc />
        public override int Question => 8;

        /// <inheritdoc />
        public override string Claim => "In Adam + L2 the decay gradient λw is divided by √v̂, so decay is weaker for frequently updated weights and stronger for rarely updated ones; AdamW decays every weight alike.";

        /// <inheritdoc />
        public override IEnumerable<string> Evidence()
        {
            yield return $"Two weights start at 1: one gets gradient ±1 every step, one ±1 once every 100 steps (0 otherwise); {Steps} steps, η = 1e-3, λ = 0.1.";
            yield return $"Effective decay ln(w without decay / w with decay), same gradients; decoupled decay would be {F(NominalDecay, "0.000")} for both:";
            foreach (DecayRun run in new[] { AdamL2, AdamW })
                yield return $"  {run.Name,-9} often updated {F(run.OftenUpdated, "0.000")}, rarely updated {F(run.RarelyUpdated, "0.000")}, ratio {F(run.Ratio, "0.00")}";
        }

        /// <inheritdoc />
        public override string Verdict =>
            $"Holds: with Adam + L2 the rarely updated weight decays {F(AdamL2.Ratio, "0.0")}× as much as the often updated one; AdamW decays both by the same " +
            $"{F(AdamW.OftenUpdated, "0.000")} (ratio {F(AdamW.Ratio, "0.00")}).";
    }

    /// <summary>Runs quiz 8's experiment.</summary>
    public static class Q8AdamWDecay
    {
        private const int Steps = 2000, RareEvery = 100;
        private const double LearningRate = 1e-3, Lambda = 0.1;

        /// <summary>The same gradient stream through Adam, Adam + L2 and AdamW on <see cref="FourWeights"/> (weights 0 and 1 used).</summary>
        public static DecoupledDecayResult Run()
        {
            double[] adamFree = Train(new Adam(LearningRate));
            double[] adamL2 = Train(new Adam(LearningRate, weightDecay: Lambda));
            double[] adamWFree = Train(new AdamW(LearningRate, weightDecay: 0));
            double[] adamW = Train(new AdamW(LearningRate, weightDecay: Lambda));
            DecayRun Decay(string name, double[] free, double[] decayed) =>
                new DecayRun(name, Math.Log(free[0] / decayed[0]), Math.Log(free[1] / decayed[1]));
            return new DecoupledDecayResult(Decay("Adam + L2", adamFree, adamL2), Decay("AdamW", adamWFree, adamW),
                -Steps * Math.Log(1 - LearningRate * Lambda), Steps);
        }

        /// <summary>Weights 0 (often) and 1 (rarely) after the run; weights 2 and 3 stay at 1 with zero gradients.</summary>
        private static double[] Train(Optimizer optimizer)
        {
            var network = new FourWeights();
            network.Parameters.Fill(1);
            for (int t = 0; t < Steps; t++)
            {
                Span<double> gradients = network.Gradients;
                gradients.Clear();
                gradients[0] = t % 2 == 0 ? 1 : -1;                                    // zero-mean, every step
                if (t % RareEvery == 0) gradients[1] = t / RareEvery % 2 == 0 ? 1 : -1; // zero-mean, once in 100 steps
                optimizer.Step(network);
            }
            return network.Parameters.ToArray();
        }
    }
}
