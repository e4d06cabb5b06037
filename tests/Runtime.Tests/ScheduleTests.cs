using System;
using System.Linq;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>Every schedule against its formula at chosen steps; the callbacks against Keras' semantics.</summary>
    public class ScheduleTests
    {
        [Fact]
        public void CosineDecayFollowsKeras()
        {
            var schedule = new CosineDecay(1e-3, 10_000, alpha: 1e-6);
            Assert.Equal(1e-3, schedule.LearningRate(0), 15);
            Assert.Equal(1e-3 * ((1 - 1e-6) * 0.5 + 1e-6), schedule.LearningRate(5_000), 15);                  // halfway: cos(π/2) = 0
            Assert.Equal(1e-3 * ((1 - 1e-6) * 0.5 * (1 + Math.Cos(Math.PI * 0.25)) + 1e-6), schedule.LearningRate(2_500), 15);
            Assert.Equal(1e-3 * 1e-6, schedule.LearningRate(10_000), 1e-18);                                  // end: α·η0
            Assert.Equal(1e-3 * 1e-6, schedule.LearningRate(50_000), 1e-18);                                  // stays there
        }

        [Fact]
        public void WarmupCosineIsTheLessonsSchedule()
        {
            var schedule = new WarmupCosine(3e-4, 1000, 10_000); // the lesson's usage
            Assert.Equal(0, schedule.LearningRate(0));
            Assert.Equal(3e-4 * 500 / 1000, schedule.LearningRate(500), 15);
            Assert.Equal(3e-4, schedule.LearningRate(1000), 15);                                          // warmup end: the peak
            Assert.Equal(3e-4 * 0.5, schedule.LearningRate(5500), 15);                                    // halfway through the cosine
            Assert.Equal(3e-4 * 0.5 * (1 + Math.Cos(Math.PI * 2000 / 9000)), schedule.LearningRate(3000), 15);
            Assert.Equal(0, schedule.LearningRate(10_000), 15);                                           // end
            Assert.Throws<ArgumentException>(() => new WarmupCosine(1e-3, 1000, 1000));
        }

        [Fact]
        public void ReduceLROnPlateauWaitsPatienceThenCoolsDown()
        {
            var plateau = new ReduceLROnPlateau(1.0, factor: 0.5, patience: 2, minLearningRate: 0.2, minDelta: 0.01, cooldown: 1);
            double[] losses = { 1.0, 0.995, 0.999, 0.99, 0.98, 0.98, 0.98, 0.98, 0.98, 0.98 };
            var rates = losses.Select(loss => { plateau.Observe(loss); return plateau.Current; }).ToArray();
            // Keras by hand: e1 1.0 is the best. e2 0.995 is not below 1.0 − 0.01 (wait 1). e3 0.999: wait 2 = patience → ×0.5,
            // cooldown 1. e4 0.99: cooldown ends (wait 0); 0.99 is not strictly below 0.99, and out of cooldown: wait 1.
            // e5 0.98: a new best. e6 0.98: wait 1. e7 0.98: wait 2 → 0.25, cooldown 1. e8: cooldown ends, wait 1.
            // e9: wait 2 → max(0.125, 0.2) = 0.2 (min_lr). e10: cooldown ends, wait 1.
            Assert.Equal(new[] { 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2 }, rates);
        }

        [Fact]
        public void EarlyStoppingStopsAfterPatienceAndRestoresTheBestWeights()
        {
            var net = new HandNet();
            var stopping = new EarlyStopping(patience: 2, restoreBestWeights: true);
            double[] losses = { 0.9, 0.5, 0.6, 0.55, 0.4 };
            double[] bestParameters = Array.Empty<double>();
            int stoppedAt = 0;
            for (int epoch = 1; epoch <= losses.Length; epoch++)
            {
                net.Parameters.Fill(epoch); // a different "network" each epoch
                if (epoch == 2) bestParameters = net.Parameters.ToArray();
                if (stopping.OnEpochEnd(net, Epoch(epoch, losses[epoch - 1]))) { stoppedAt = epoch; break; }
            }
            Assert.Equal(4, stoppedAt);                 // epochs 3 and 4 did not beat 0.5
            Assert.Equal(2, stopping.BestEpoch);
            Assert.Equal(bestParameters, net.Parameters.ToArray());
        }

        private static EpochResult Epoch(int epoch, double validationLoss) =>
            new EpochResult(epoch, 1.0, 0.5, validationLoss, 0.5, 1e-3, 1, 1);
    }
}
