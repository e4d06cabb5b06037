using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Unrolled.Runtime.Tests
{
    /// <summary>
    /// Issue 14: one network shared by many threads. Inference on one instance from several threads gives, call for call,
    /// the bits of the same call made alone (before, 4 threads of single-sample inference got 1,332 of 10,000 classes wrong);
    /// training, loading and initialisation have one owner and a second thread gets an exception; inference during training
    /// on another thread is refused; Clone and CopyParametersFrom give independent, equal networks.
    /// </summary>
    public class ConcurrencyTests
    {
        private const int Callers = 4, CallsPerCaller = 50_000, Pool = 512;

        /// <summary>Batch sizes on both sides of every split: one sample, the 3-sample tile, the kernels' sample-split and
        /// parallel thresholds (a few samples of TinyNN's first layer), the 64-sample inference chunk.</summary>
        private static readonly int[] s_batches = { 2, 3, 4, 5, 6, 7, 12, 13, 63, 64, 65, 130 };

        public static IEnumerable<object[]> Settings() =>
            from network in new[] { "TinyNN", "FashionNet" }
            from threads in new[] { 1, 2 }
            select new object[] { network, threads };

        private static INetwork<float> Trained(string name)
        {
            INetwork<float> net = name == "TinyNN" ? new TinyNN() : new FashionNet();
            // A few steps, so that BatchNorm's running statistics and the weights are not their initial values.
            float[] x = TestData.NormalSingle(64 * 784, 5);
            int[] y = TestData.Labels(64, 10, 6);
            var adam = new Adam(1e-3);
            for (int i = 0; i < 3; i++) adam.TrainStep(net, x, y, 64);
            return net;
        }

        [Theory]
        [MemberData(nameof(Settings))]
        public void ConcurrentInferenceOnOneInstanceIsBitIdenticalToSingleThreadedInference(string network, int threads)
        {
            TestData.WithThreads(threads, () =>
            {
                INetwork<float> net = Trained(network);
                int n = net.InputSize, k = net.OutputSize;
                float[] pool = TestData.NormalSingle(Pool * n, 7);
                // The reference: each sample alone, on this thread (a sample's outputs do not depend on its batch).
                var reference = new float[Pool * k];
                for (int i = 0; i < Pool; i++) net.Forward(pool.AsSpan(i * n, n), reference.AsSpan(i * k, k));

                int differences = 0, calls = 0;
                using var start = new Barrier(Callers);
                Task[] callers = Enumerable.Range(0, Callers).Select(c => Task.Factory.StartNew(() =>
                {
                    var random = SplitMix64.FromSeed(100 + c);
                    var outputs = new float[s_batches.Max() * k];
                    start.SignalAndWait();
                    for (int call = 0; call < CallsPerCaller; call++)
                    {
                        // Mostly single samples (the serving case), one call in ten a batch.
                        int batch = call % 10 == 9 ? s_batches[random.NextInt32(s_batches.Length)] : 1;
                        if (network == "FashionNet" && batch > 13 && call % 3 != 0) batch = 1; // keep the larger network's run short
                        int first = random.NextInt32(Pool - batch + 1);
                        Span<float> output = outputs.AsSpan(0, batch * k);
                        net.Forward(pool.AsSpan(first * n, batch * n), output, batch);
                        if (!TestData.Bits(output.ToArray()).SequenceEqual(TestData.Bits(reference.AsSpan(first * k, batch * k).ToArray())))
                            Interlocked.Increment(ref differences);
                        Interlocked.Increment(ref calls);
                    }
                }, TaskCreationOptions.LongRunning)).ToArray();
                Task.WaitAll(callers);
                Assert.Equal(Callers * CallsPerCaller, calls);
                Assert.Equal(0, differences);
                return 0;
            });
        }

        [Fact]
        public void ConcurrentPredictAndEvaluateAgreeWithSingleThreadedCalls()
        {
            INetwork<float> net = Trained("FashionNet");
            var data = new Dataset<float>(TestData.NormalSingle(300 * 784, 8), 784, TestData.Labels(300, 10, 9));
            Evaluation alone = net.Evaluate(data);
            int[] classes = net.PredictClasses(data.Features);
            Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            {
                Evaluation evaluation = net.Evaluate(data);
                Assert.Equal(alone.Loss, evaluation.Loss);
                Assert.Equal(alone.Accuracy, evaluation.Accuracy);
                Assert.Equal(classes[i], net.PredictClass(data.Features.AsSpan(i * 784, 784)));
                Assert.Equal(classes, net.PredictClasses(data.Features));
            });
        }

        [Fact]
        public void InferenceAllocatesNothingAfterAThreadsFirstCall()
        {
            var net = new FashionNet();
            float[] input = TestData.NormalSingle(784 * 100, 10);
            var output = new float[10 * 100];
            long allocated = -1;
            var thread = new Thread(() =>
            {
                net.Forward(input.AsSpan(0, 784), output.AsSpan(0, 10)); // the thread's first call allocates its buffers
                net.Forward(input, output, 100);
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 50; i++)
                {
                    net.Forward(input.AsSpan(0, 784), output.AsSpan(0, 10));
                    net.Forward(input, output, 100);
                }
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            });
            thread.Start();
            thread.Join();
            Assert.Equal(0, allocated);
        }

        /// <summary>Holds <paramref name="net"/> the way a training loop on another thread does: Fit is running, stopped in
        /// its progress callback until the test has made its calls.</summary>
        private static void WhileAnotherThreadTrains(INetwork<float> net, Action check)
        {
            using var inFit = new ManualResetEventSlim();
            using var release = new ManualResetEventSlim();
            var data = new Dataset<float>(TestData.NormalSingle(64 * net.InputSize, 11), net.InputSize, TestData.Labels(64, net.OutputSize, 12));
            var options = new FitOptions
            {
                Epochs = 1, BatchSize = 8, ReportEveryBatches = 1,
                Progress = new Hook(p => { if (p.Batch == 2) { inFit.Set(); release.Wait(); } }),
            };
            Task trainer = Task.Factory.StartNew(() => net.Fit(data, new Adam(1e-3), options), TaskCreationOptions.LongRunning);
            Assert.True(inFit.Wait(TimeSpan.FromSeconds(30)), "Fit did not start");
            try
            {
                check();
            }
            finally
            {
                release.Set();
                trainer.Wait();
            }
        }

        private sealed class Hook : IProgress<TrainingProgress>
        {
            private readonly Action<TrainingProgress> _action;
            public Hook(Action<TrainingProgress> action) => _action = action;
            public void Report(TrainingProgress value) => _action(value);
        }

        public static IEnumerable<object[]> ExclusiveEntryPoints() => new[]
        {
            "ForwardTraining", "Backward", "BackwardSgd", "ComputeGradients", "InitializeParameters", "Fit", "an optimiser step",
            "TrainStep", "WeightsFile.Load", "CopyParametersFrom", "GradientCheck",
        }.Select(e => new object[] { e });

        private static void Call(string entry, FashionNet net, string weights)
        {
            float[] x = TestData.NormalSingle(4 * 784, 13);
            int[] y = TestData.Labels(4, 10, 14);
            switch (entry)
            {
                case "ForwardTraining": net.ForwardTraining(x, 4); break;
                case "Backward": net.Backward(y); break;
                case "BackwardSgd": net.BackwardSgd(y, 0.1); break;
                case "ComputeGradients": net.ComputeGradients(x, y, 4); break;
                case "InitializeParameters": net.InitializeParameters(3); break;
                case "Fit": net.Fit(new Dataset<float>(x, 784, y), new Sgd(0.1)); break;
                case "an optimiser step": new Sgd(0.1).Step(net); break;
                case "TrainStep": new Sgd(0.1).TrainStep(net, x, y, 4); break;
                case "WeightsFile.Load": WeightsFile.Load(net, weights); break;
                case "CopyParametersFrom": net.CopyParametersFrom(new FashionNet()); break;
                case "GradientCheck": net.GradientCheck(x, y, 4, maxParametersPerLayer: 2); break;
                default: throw new ArgumentException(entry);
            }
        }

        [Theory]
        [MemberData(nameof(ExclusiveEntryPoints))]
        public void ATrainingCallOnANetworkAnotherThreadTrainsThrowsNamingTheConflict(string entry)
        {
            var net = new FashionNet();
            string weights = Path.Combine(Path.GetTempPath(), $"unrolled-guard-{Guid.NewGuid():N}.weights");
            WeightsFile.Save(new FashionNet(), weights);
            try
            {
                float[] before = null!;
                WhileAnotherThreadTrains(net, () =>
                {
                    before = net.Parameters.ToArray();
                    var ex = Assert.Throws<InvalidOperationException>(() => Call(entry, net, weights));
                    Assert.Contains(entry, ex.Message);
                    Assert.Contains("running Fit", ex.Message);
                    Assert.Contains("Clone()", ex.Message);
                    Assert.Equal(before, net.Parameters.ToArray()); // refused before anything changed
                });
                Call(entry == "Backward" || entry == "BackwardSgd" ? "ForwardTraining" : entry, net, weights); // free again: the same call works
            }
            finally
            {
                File.Delete(weights);
            }
        }

        [Fact]
        public void InferenceIsRefusedWhileAnotherThreadTrainsAndTrainingWhileOthersInfer()
        {
            var net = new FashionNet();
            var output = new float[10];
            WhileAnotherThreadTrains(net, () =>
            {
                var forward = Assert.Throws<InvalidOperationException>(() => net.Forward(new float[784], output));
                Assert.Contains("Inference was called", forward.Message);
                Assert.Contains("running Fit", forward.Message);
                Assert.Throws<InvalidOperationException>(() => net.Evaluate(new Dataset<float>(new float[784], 784, new[] { 0 })));
                Assert.Throws<InvalidOperationException>(() => net.Clone());
                Assert.Throws<InvalidOperationException>(() => WeightsFile.Save(net, Path.Combine(Path.GetTempPath(), "never.weights")));
            });
            net.Forward(new float[784], output); // after training: served again

            // The other way round: inference in progress on another thread refuses a training call on this one.
            using var inferring = new ManualResetEventSlim();
            using var done = new ManualResetEventSlim();
            var reader = new Thread(() =>
            {
                net.Guard.EnterInference(); // what Forward does for the length of a call
                inferring.Set();
                done.Wait();
                net.Guard.ExitInference();
            });
            reader.Start();
            inferring.Wait();
            var ex = Assert.Throws<InvalidOperationException>(() => net.ForwardTraining(new float[784], 1));
            Assert.Contains("other threads run inference", ex.Message);
            done.Set();
            reader.Join();
            net.ForwardTraining(new float[784], 1);
        }

        [Fact]
        public void FitsOwnValidationAndNestedCallsAreNotConflicts()
        {
            var net = new FashionNet();
            var data = new Dataset<float>(TestData.NormalSingle(64 * 784, 15), 784, TestData.Labels(64, 10, 16));
            TrainingHistory history = net.Fit(data, new Adam(1e-3), new FitOptions { Epochs = 2, BatchSize = 16 }, validation: data);
            Assert.Equal(2, history.Epochs.Count);
            Assert.False(net.Guard.IsHeldExclusively);
        }

        [Fact]
        public void AnOptimiserSteppingOnTwoThreadsAtOnceIsRefused()
        {
            var sgd = new Sgd(0.1, momentum: 0.9);
            var parameters = new float[1 << 22];
            var gradients = new float[1 << 22];
            sgd.Step(parameters.AsSpan(), gradients.AsSpan());
            int refused = 0;
            // Two threads released together by a barrier for each of 32 rounds (the thread pool may run a Parallel.For on one
            // thread when the machine is busy, which made this test depend on the load).
            using var barrier = new Barrier(2);
            void Steps()
            {
                for (int round = 0; round < 32; round++)
                {
                    barrier.SignalAndWait();
                    try
                    {
                        sgd.Step(parameters.AsSpan(), gradients.AsSpan());
                    }
                    catch (InvalidOperationException ex) when (ex.Message.Contains("already taking a step on another thread"))
                    {
                        Interlocked.Increment(ref refused);
                    }
                }
            }
            var other = new Thread(Steps);
            other.Start();
            Steps();
            other.Join();
            Assert.True(refused > 0, "two threads never overlapped in 32 rounds of steps of 4 M parameters");
        }

        [Fact]
        public void ACloneIsEqualAndIndependent()
        {
            var original = (FashionNet)Trained("FashionNet");
            float[] x = TestData.NormalSingle(70 * 784, 17);
            var expected = new float[700];
            original.Forward(x, expected, 70);
            float[] parameters = original.Parameters.ToArray(), statistics = original.RunningStatistics.ToArray();
            ulong random = original.RandomState;

            FashionNet copy = original.Clone();
            var outputs = new float[700];
            copy.Forward(x, outputs, 70);
            Assert.Equal(TestData.Bits(expected), TestData.Bits(outputs));
            Assert.Equal(random, copy.RandomState);

            // Training the copy (on another thread, at the same time as inference on the original) leaves the original as it was.
            var training = new Thread(() => copy.Fit(new Dataset<float>(x, 784, TestData.Labels(70, 10, 18)), new Adam(1e-2), new FitOptions { Epochs = 3, BatchSize = 10 }));
            training.Start();
            while (training.IsAlive) original.Forward(x, outputs, 70);
            training.Join();
            Assert.Equal(TestData.Bits(parameters), TestData.Bits(original.Parameters.ToArray()));
            Assert.Equal(TestData.Bits(statistics), TestData.Bits(original.RunningStatistics.ToArray()));
            Assert.NotEqual(TestData.Bits(parameters), TestData.Bits(copy.Parameters.ToArray()));
            Assert.NotEqual(TestData.Bits(statistics), TestData.Bits(copy.RunningStatistics.ToArray()));
            original.Forward(x, outputs, 70);
            Assert.Equal(TestData.Bits(expected), TestData.Bits(outputs));

            // CopyParametersFrom publishes the trained copy's weights into the original: the same outputs, no allocation.
            var trained = new float[700];
            copy.Forward(x, trained, 70);
            original.CopyParametersFrom(copy);
            long before = GC.GetAllocatedBytesForCurrentThread();
            original.CopyParametersFrom(copy);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            original.Forward(x, outputs, 70);
            Assert.Equal(TestData.Bits(trained), TestData.Bits(outputs));
        }
    }
}
