using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Unrolled;

// Unrolled's side of bench/compare.sh. Each measurement: warm-up, then `runs` timed repetitions; the script takes medians.
// Output: one JSON object per line {"system", "workload", "threads", "seconds": [...], "flops"}.
int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
(Dataset<float> training, Dataset<float> test) = FashionMnist.Load();
Console.WriteLine("{\"system\": \"unrolled\", \"workload\": \"kernel-path\", \"value\": \"" + Kernels.Path + "\"}");

// FLOPs executed per sample of a TinyNN training step: forward 2·(784·128 + 128·10), ∂W of both layers as much again,
// and ∂X of the second layer only, 2·128·10 (no one forms the first layer's ∂X: the inputs need no gradient) = 409,088.
// TOOLCHAIN.md's 36.6 GFLOP per epoch counts 6 · 101,632 (∂X of both layers), 1.5× this; peers.py uses the same figure as here.
const double FlopsPerSample = 4.0 * (784 * 128 + 128 * 10) + 2.0 * 128 * 10;
const double InferenceFlopsPerSample = 2.0 * (784 * 128 + 128 * 10);

void Emit(string system, string workload, int threads, IEnumerable<double> seconds, double flops) =>
    Console.WriteLine("{\"system\": \"" + system + "\", \"workload\": \"" + workload + "\", \"threads\": " + threads +
        ", \"seconds\": [" + string.Join(", ", seconds.Select(s => s.ToString("R", CultureInfo.InvariantCulture))) + "], \"flops\": " + flops.ToString("R", CultureInfo.InvariantCulture) + "}");

double Time(Action action)
{
    var clock = Stopwatch.StartNew();
    action();
    return clock.Elapsed.TotalSeconds;
}

// 1. Training: epochs of SGD (lr 0.1) at batch 1, 64 and 256, on 1 thread and on 2 (Kernels.Threads: the helper
//    thread takes half of each large product). Sgd.TrainStep runs plain SGD fused into the backward pass, as Fit does.
//    Batch 1 runs 6,000 steps per repetition, scaled to an epoch (×10), as the peers do.
foreach (int threads in new[] { 1, 2 })
foreach (int batch in new[] { 64, 256, 1 })
{
    Kernels.Threads = threads;
    var net = new TinyNN();
    var sgd = new Sgd(0.1);
    int samples = batch == 1 ? 6000 : training.Count;
    double scale = (double)training.Count / samples;
    var inputs = new float[batch * TinyNN.InputSize];
    var labels = new int[batch];
    void Epoch()
    {
        for (int start = 0; start + batch <= samples; start += batch)
        {
            training.Features.AsSpan(start * TinyNN.InputSize, batch * TinyNN.InputSize).CopyTo(inputs);
            training.Labels.AsSpan(start, batch).CopyTo(labels);
            sgd.TrainStep(net, inputs, labels, batch); // plain SGD: fused into the backward pass
        }
    }
    Epoch(); // warm-up
    Emit("unrolled", $"train-epoch-batch{batch}", threads, Enumerable.Range(0, runs).Select(_ => Time(Epoch) * scale).ToList(), FlopsPerSample * training.Count);
}

// 1b. The path most users take: ComputeGradients, then an optimiser's step (Adam, not fused), at batch 64 — TinyNN, and the
//     lesson's Keras model as ./train.sh trains it (Adam 1e-3; BatchNorm, Dropout). FLOPs of the Keras model per sample:
//     forward 2·(784·256 + 256·128 + 128·10), ∂W as much again, ∂X of the second and third Dense layers.
const double KerasFlopsPerSample = 4.0 * (784 * 256 + 256 * 128 + 128 * 10) + 2.0 * (256 * 128 + 128 * 10);
foreach (int threads in new[] { 1, 2 })
foreach (string model in new[] { "tiny", "keras" })
{
    Kernels.Threads = threads;
    INetwork<float> net = model == "tiny" ? new TinyNN() : new Unrolled.Samples.FashionNet();
    var adam = new Adam(1e-3);
    const int batch = 64;
    var inputs = new float[batch * net.InputSize];
    var labels = new int[batch];
    void Epoch()
    {
        for (int start = 0; start + batch <= training.Count; start += batch)
        {
            training.Features.AsSpan(start * net.InputSize, batch * net.InputSize).CopyTo(inputs);
            training.Labels.AsSpan(start, batch).CopyTo(labels);
            adam.TrainStep(net, inputs, labels, batch); // ComputeGradients, then Adam's step over Gradients
        }
    }
    Epoch(); // warm-up
    Emit("unrolled", model == "tiny" ? "train-epoch-batch64-adam" : "keras-train-epoch-batch64-adam", threads,
        Enumerable.Range(0, runs).Select(_ => Time(Epoch)).ToList(), (model == "tiny" ? FlopsPerSample : KerasFlopsPerSample) * training.Count);
}

// 2. Inference: one sample (latency, 10,000 calls per repetition), and one batch of 10,000.
{
    var net = new TinyNN();
    var output = new float[TinyNN.OutputSize];
    var outputs = new float[10_000 * TinyNN.OutputSize];
    ReadOnlySpan<float> Sample(int i) => test.Features.AsSpan(i * TinyNN.InputSize, TinyNN.InputSize);
    void Single() { for (int i = 0; i < 10_000; i++) net.Forward(Sample(i), output); }
    void Batch() => net.Forward(test.Features, outputs, 10_000);
    foreach (int threads in new[] { 1, 2 })
    {
        Kernels.Threads = threads;
        Single(); Batch();
        Emit("unrolled", "infer-single", threads, Enumerable.Range(0, runs).Select(_ => Time(Single) / 10_000).ToList(), InferenceFlopsPerSample);
        Emit("unrolled", "infer-batch10000", threads, Enumerable.Range(0, runs).Select(_ => Time(Batch)).ToList(), InferenceFlopsPerSample * 10_000);
    }

    // ONNX Runtime on the same weights.
    string path = Path.Combine(Path.GetTempPath(), "unrolled-bench.onnx");
    OnnxExporter.Export(net, path);
    foreach (int threads in new[] { 1, 2 })
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);
        var one = new DenseTensor<float>(new[] { 1, TinyNN.InputSize });
        var all = new DenseTensor<float>(test.Features.AsMemory(0, 10_000 * TinyNN.InputSize), new[] { 10_000, TinyNN.InputSize });
        void OrtSingle()
        {
            for (int i = 0; i < 10_000; i++)
            {
                Sample(i).CopyTo(one.Buffer.Span);
                using var result = session.Run(new[] { NamedOnnxValue.CreateFromTensor("input", one) });
            }
        }
        void OrtBatch() { using var result = session.Run(new[] { NamedOnnxValue.CreateFromTensor("input", all) }); }
        OrtSingle(); OrtBatch();
        Emit("onnxruntime", "infer-single", threads, Enumerable.Range(0, runs).Select(_ => Time(OrtSingle) / 10_000).ToList(), InferenceFlopsPerSample);
        Emit("onnxruntime", "infer-batch10000", threads, Enumerable.Range(0, runs).Select(_ => Time(OrtBatch)).ToList(), InferenceFlopsPerSample * 10_000);
    }
    File.Delete(path);
}

// 3. The sample CNN (samples/Common/Networks.cs): training with Adam at batch 64 (12,000 samples per repetition, scaled to
//    an epoch ×5), single-image and 10,000-image inference, on 1 and 2 threads, and ONNX Runtime on the same weights.
{
    // FLOPs per sample: forward 2·(676·32·9 + 121·64·288 + 1600·128 + 128·10); training three times that, less the first
    // convolution's ∂X, which nobody forms (its input is the image).
    const double CnnForward = 2.0 * (676 * 32 * 9 + 121 * 64 * 288 + 1600 * 128 + 128 * 10);
    const double CnnTraining = 3 * CnnForward - 2.0 * 676 * 32 * 9;
    const int samples = 12_000, batch = 64;
    foreach (int threads in new[] { 1, 2 })
    {
        Kernels.Threads = threads;
        var net = new Unrolled.Samples.FashionCnn();
        var adam = new Adam(1e-3);
        var inputs = new float[batch * Unrolled.Samples.FashionCnn.InputSize];
        var labels = new int[batch];
        void Epoch()
        {
            for (int start = 0; start + batch <= samples; start += batch)
            {
                training.Features.AsSpan(start * Unrolled.Samples.FashionCnn.InputSize, batch * Unrolled.Samples.FashionCnn.InputSize).CopyTo(inputs);
                training.Labels.AsSpan(start, batch).CopyTo(labels);
                net.ComputeGradients(inputs, labels, batch);
                adam.Step(net);
            }
        }
        Epoch();
        Emit("unrolled", "cnn-train-epoch-batch64", threads, Enumerable.Range(0, runs).Select(_ => Time(Epoch) * training.Count / samples).ToList(), CnnTraining * training.Count);
    }
    {
        var net = new Unrolled.Samples.FashionCnn();
        var output = new float[10];
        var outputs = new float[10_000 * 10];
        void Single() { for (int i = 0; i < 1000; i++) net.Forward(test.Features.AsSpan(i * 784, 784), output); }
        void Batch() => net.Forward(test.Features, outputs, 10_000);
        foreach (int threads in new[] { 1, 2 })
        {
            Kernels.Threads = threads;
            Single(); Batch();
            Emit("unrolled", "cnn-infer-single", threads, Enumerable.Range(0, runs).Select(_ => Time(Single) / 1000).ToList(), CnnForward);
            Emit("unrolled", "cnn-infer-batch10000", threads, Enumerable.Range(0, runs).Select(_ => Time(Batch)).ToList(), CnnForward * 10_000);
        }
        string path = Path.Combine(Path.GetTempPath(), "unrolled-bench-cnn.onnx");
        OnnxExporter.Export(net, path);
        foreach (int threads in new[] { 1, 2 })
        {
            using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
            using var session = new InferenceSession(path, options);
            var one = new DenseTensor<float>(new[] { 1, 1, 28, 28 });
            var all = new DenseTensor<float>(test.Features.AsMemory(0, 10_000 * 784), new[] { 10_000, 1, 28, 28 });
            void OrtSingle()
            {
                for (int i = 0; i < 1000; i++)
                {
                    test.Features.AsSpan(i * 784, 784).CopyTo(one.Buffer.Span);
                    using var result = session.Run(new[] { NamedOnnxValue.CreateFromTensor("input", one) });
                }
            }
            void OrtBatch() { using var result = session.Run(new[] { NamedOnnxValue.CreateFromTensor("input", all) }); }
            OrtSingle(); OrtBatch();
            Emit("onnxruntime", "cnn-infer-single", threads, Enumerable.Range(0, runs).Select(_ => Time(OrtSingle) / 1000).ToList(), CnnForward);
            Emit("onnxruntime", "cnn-infer-batch10000", threads, Enumerable.Range(0, runs).Select(_ => Time(OrtBatch)).ToList(), CnnForward * 10_000);
        }
        File.Delete(path);
    }
}

// 4. Allocation per training step and per inference call after warm-up (must be 0), TinyNN then the sample CNN.
{
    var net = new TinyNN();
    var inputs = training.Features.AsSpan(0, 64 * TinyNN.InputSize).ToArray();
    var labels = training.Labels.AsSpan(0, 64).ToArray();
    var output = new float[TinyNN.OutputSize];
    net.ComputeGradients(inputs, labels, 64);
    net.Forward(inputs.AsSpan(0, TinyNN.InputSize), output);
    long before = GC.GetAllocatedBytesForCurrentThread();
    for (int i = 0; i < 100; i++) { net.ComputeGradients(inputs, labels, 64); net.Forward(inputs.AsSpan(0, TinyNN.InputSize), output); }
    Console.WriteLine("{\"system\": \"unrolled\", \"workload\": \"allocated-bytes-per-step\", \"value\": " + (GC.GetAllocatedBytesForCurrentThread() - before) / 100 + "}");
    var cnn = new Unrolled.Samples.FashionCnn();
    cnn.ComputeGradients(inputs, labels, 64);
    cnn.Forward(inputs.AsSpan(0, 784), output);
    before = GC.GetAllocatedBytesForCurrentThread();
    for (int i = 0; i < 10; i++) { cnn.ComputeGradients(inputs, labels, 64); cnn.Forward(inputs.AsSpan(0, 784), output); }
    Console.WriteLine("{\"system\": \"unrolled\", \"workload\": \"cnn-allocated-bytes-per-step\", \"value\": " + (GC.GetAllocatedBytesForCurrentThread() - before) / 10 + "}");
}

/// <summary>The lesson's TinyNN.</summary>
[Network(784, Loss = Loss.CrossEntropy)]
[Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class TinyNN { }

