using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Unrolled;

Console.WriteLine($"Kernels.Path = {Kernels.Path}, Kernels.Threads default = {Kernels.Threads}");
BenchmarkSwitcher.FromAssembly(typeof(TrainingStep).Assembly).Run(args);

/// <summary>The lesson's TinyNN.</summary>
[Network(784, Loss = Loss.CrossEntropy)]
[Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class TinyNN { }

/// <summary>The lesson's Keras model.</summary>
[Network(784, Loss = Loss.CrossEntropy)]
[Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)]
[Dense(128)] [ReLU] [Dropout(0.3)]
[Dense(10)] [Softmax]
public partial class FashionNet { }

/// <summary>TinyNN in loops mode (issue 17): every layer written as plain loops in the generated file.</summary>
[Network(784, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
[Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class TinyNNLoops { }

/// <summary>The sample CNN (samples/Common/Networks.cs), with the kernels and in loops mode.</summary>
[Network(1, 28, 28, Loss = Loss.CrossEntropy)]
[Conv2D(32, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
[Conv2D(64, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
[Flatten] [Dense(128)] [ReLU] [Dropout(0.5)] [Dense(10)] [Softmax]
public partial class FashionCnn { }

[Network(1, 28, 28, Loss = Loss.CrossEntropy, Code = GeneratedCode.Loops)]
[Conv2D(32, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
[Conv2D(64, 3, UseBias = false)] [BatchNorm] [ReLU] [MaxPool2D(2)]
[Flatten] [Dense(128)] [ReLU] [Dropout(0.5)] [Dense(10)] [Softmax]
public partial class FashionCnnLoops { }

/// <summary>
/// Issue 17: what the loops mode costs. A training step (ComputeGradients, then an SGD step) and an inference call of the
/// same network, generated with the kernels (the baseline) and as plain loops; the kernels on one thread, as the loops run.
/// </summary>
[MemoryDiagnoser]
public class LoopsMode
{
    private INetwork<float> _kernels = null!, _loops = null!;
    private readonly Sgd _sgd = new Sgd(0.01);
    private float[] _inputs = System.Array.Empty<float>(), _outputs = System.Array.Empty<float>();
    private int[] _labels = System.Array.Empty<int>();

    [Params("TinyNN", "FashionCnn")]
    public string Network { get; set; } = "TinyNN";

    [Params(1, 64)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Kernels.Threads = 1;
        (_kernels, _loops) = Network == "TinyNN" ? ((INetwork<float>)new TinyNN(), (INetwork<float>)new TinyNNLoops()) : (new FashionCnn(), new FashionCnnLoops());
        SplitMix64 random = SplitMix64.FromSeed(1);
        _inputs = Enumerable.Range(0, Batch * _kernels.InputSize).Select(_ => random.NextSingle()).ToArray();
        _labels = Enumerable.Range(0, Batch).Select(_ => random.NextInt32(10)).ToArray();
        _outputs = new float[Batch * _kernels.OutputSize];
    }

    [Benchmark(Baseline = true)]
    public float KernelsStep() => Step(_kernels);

    [Benchmark]
    public float LoopsStep() => Step(_loops);

    [Benchmark]
    public void KernelsForward() => _kernels.Forward(_inputs, _outputs, Batch);

    [Benchmark]
    public void LoopsForward() => _loops.Forward(_inputs, _outputs, Batch);

    private float Step(INetwork<float> net)
    {
        float loss = net.ComputeGradients(_inputs, _labels, Batch);
        _sgd.Step(net);
        return loss;
    }
}

/// <summary>One SGD training step (forward, loss, backward, update) of TinyNN; FLOPs per sample ≈ 6 × 101,632.</summary>
[MemoryDiagnoser]
public class TrainingStep : BatchAndThreads
{
    private readonly TinyNN _net = new TinyNN();
    private readonly Sgd _sgd = new Sgd(0.01);
    private float[] _inputs = System.Array.Empty<float>();
    private int[] _labels = System.Array.Empty<int>();

    [GlobalSetup]
    public void Setup()
    {
        SplitMix64 random = Begin();
        _inputs = Enumerable.Range(0, Batch * TinyNN.InputSize).Select(_ => random.NextSingle()).ToArray();
        _labels = Enumerable.Range(0, Batch).Select(_ => random.NextInt32(10)).ToArray();
    }

    /// <summary>Gradients into <c>Gradients</c>, then the optimiser's pass over them (what any optimiser does).</summary>
    [Benchmark(Baseline = true)]
    public float Step()
    {
        float loss = _net.ComputeGradients(_inputs, _labels, Batch);
        _sgd.Step(_net);
        return loss;
    }

    /// <summary>Plain SGD fused into the backward pass (<c>Sgd.TrainStep</c>): the same weights, ∂W never stored.</summary>
    [Benchmark]
    public float FusedStep() => _sgd.TrainStep(_net, _inputs, _labels, Batch);
}

/// <summary>
/// One epoch of 1,024 samples through <c>Fit</c> (plain SGD, fused; diagnosis off) against the same steps written by hand:
/// the difference is what Fit adds per step — the batch copy, the accuracy count and the NaN guard (outputs checked,
/// running statistics kept, a parameter checkpoint at most every 256 samples).
/// </summary>
[MemoryDiagnoser]
public class FitOverhead : BatchAndThreads
{
    private const int Samples = 1024;
    private readonly TinyNN _net = new TinyNN();
    private Dataset<float> _data = null!;
    private float[] _inputs = System.Array.Empty<float>();

    [GlobalSetup]
    public void Setup()
    {
        SplitMix64 random = Begin();
        _inputs = Enumerable.Range(0, Samples * TinyNN.InputSize).Select(_ => random.NextSingle()).ToArray();
        _data = new Dataset<float>(_inputs, TinyNN.InputSize, Enumerable.Range(0, Samples).Select(_ => random.NextInt32(10)).ToArray());
    }

    [Benchmark(Baseline = true)]
    public float HandWrittenSteps()
    {
        var sgd = new Sgd(1e-3);
        float loss = 0;
        for (int start = 0; start < Samples; start += Batch)
            loss = sgd.TrainStep(_net, _inputs.AsSpan(start * TinyNN.InputSize, Batch * TinyNN.InputSize), _data.Labels.AsSpan(start, Batch), Batch);
        return loss;
    }

    [Benchmark]
    public int Fit() => _net.Fit(_data, new Sgd(1e-3), new FitOptions { Epochs = 1, BatchSize = Batch, Shuffle = false, Diagnose = false }).Epochs.Count;
}

/// <summary>
/// Single-sample inference on one shared instance from 1 or 2 caller threads (20,000 calls in all, split between them), with
/// Kernels.Threads 1 or 2: the throughput of concurrent callers against one caller.
/// </summary>
public class ConcurrentInference
{
    private const int Calls = 20_000;
    private readonly FashionNet _net = new FashionNet();
    private float[] _inputs = System.Array.Empty<float>();

    /// <summary>Caller threads sharing the instance.</summary>
    [Params(1, 2)]
    public int Callers { get; set; }

    /// <summary>Kernels.Threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Kernels.Threads = Threads;
        SplitMix64 random = SplitMix64.FromSeed(2);
        _inputs = Enumerable.Range(0, 64 * FashionNet.InputSize).Select(_ => random.NextSingle()).ToArray();
        System.Threading.Tasks.Parallel.For(0, 4, _ => _net.Forward(_inputs.AsSpan(0, FashionNet.InputSize), new float[10])); // each pool thread's buffers
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public void SingleSampleCalls() => System.Threading.Tasks.Parallel.For(0, Callers, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = Callers }, caller =>
    {
        Span<float> output = stackalloc float[FashionNet.OutputSize];
        for (int i = 0; i < Calls / Callers; i++) _net.Forward(_inputs.AsSpan(i % 64 * FashionNet.InputSize, FashionNet.InputSize), output);
    });
}

/// <summary>Inference of one sample and of a batch of 10,000.</summary>
[MemoryDiagnoser]
public class Inference
{
    private readonly TinyNN _net = new TinyNN();
    private readonly float[] _inputs = Enumerable.Range(0, 10_000 * TinyNN.InputSize).Select(i => (i % 255) / 255f).ToArray();
    private readonly float[] _outputs = new float[10_000 * TinyNN.OutputSize];

    /// <summary>Kernels.Threads: 1, or 2 with the helper thread.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => Kernels.Threads = Threads;

    [Benchmark]
    public void Single() => _net.Forward(new System.ReadOnlySpan<float>(_inputs, 0, TinyNN.InputSize), new System.Span<float>(_outputs, 0, TinyNN.OutputSize));

    [Benchmark]
    public void Batch10000() => _net.Forward(_inputs, _outputs, 10_000);
}

/// <summary>The generator on the lesson's Keras model: a full run, and a run after an unrelated edit (cached).</summary>
[MemoryDiagnoser]
public class GeneratorRun
{
    private const string Source = """
        using Unrolled;
        [Network(784, Loss = Loss.CrossEntropy)]
        [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)]
        [Dense(128)] [ReLU] [Dropout(0.3)]
        [Dense(10)] [Softmax]
        public partial class FashionNet { }
        """;

    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        var references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location));
        _compilation = CSharpCompilation.Create("Bench", new[] { CSharpSyntaxTree.ParseText(Source) }, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _edited = _compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { void M() { } }"));
        _warm = CSharpGeneratorDriver.Create(new Unrolled.Generator.NetworkGenerator()).RunGenerators(_compilation);
    }

    [Benchmark]
    public GeneratorDriver FullRun() => CSharpGeneratorDriver.Create(new Unrolled.Generator.NetworkGenerator()).RunGenerators(_compilation);

    [Benchmark]
    public GeneratorDriver AfterUnrelatedEdit() => _warm.RunGenerators(_edited);
}

/// <summary>The parts of a TinyNN step: the first layer's forward (from W, and from inference's packed copy) and weight-gradient
/// products, and one SGD update.</summary>
[MemoryDiagnoser]
public class StepParts : BatchAndThreads
{
    private float[] _x = System.Array.Empty<float>(), _z = System.Array.Empty<float>(), _delta = System.Array.Empty<float>();
    private readonly float[] _w = new float[128 * 784], _b = new float[128], _dw = new float[128 * 784], _db = new float[128];
    private readonly float[] _packed = new float[Kernels.PackedWeightsLength(784, 128)];
    private readonly TinyNN _net = new TinyNN();
    private readonly Sgd _sgd = new Sgd(0.01);

    [GlobalSetup]
    public void Setup()
    {
        SplitMix64 random = Begin();
        _x = Enumerable.Range(0, Batch * 784).Select(_ => random.NextSingle()).ToArray();
        _delta = Enumerable.Range(0, Batch * 128).Select(_ => random.NextSingle() - 0.5f).ToArray();
        _z = new float[Batch * 128];
        for (int i = 0; i < _w.Length; i++) _w[i] = random.NextSingle() - 0.5f;
        Kernels.PackWeights(_w, _packed, 784, 128);
    }

    [Benchmark]
    public void Forward784x128() => Kernels.DenseForward(_x, _w, _b, _z, Batch, 784, 128);

    /// <summary>The same product from the packed copy of W that inference keeps (Kernels.PackWeights): same bits.</summary>
    [Benchmark]
    public void Forward784x128Packed() => Kernels.DenseForward(_x, _w, _packed, _b, _z, Batch, 784, 128);

    [Benchmark]
    public void WeightGradient784x128() => Kernels.DenseBackward(_delta, _x, _w, _dw, _db, System.Span<float>.Empty, Batch, 784, 128);

    [Benchmark]
    public void SgdUpdate() => _sgd.Step(_net);
}

/// <summary>The parameters the step benchmarks share: batch size and Kernels.Threads.</summary>
public abstract class BatchAndThreads
{
    [Params(1, 64, 256)]
    public int Batch { get; set; }

    /// <summary>Kernels.Threads: 1, or 2 with the helper thread.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Applies <see cref="Threads"/> and returns the seeded generator of the inputs.</summary>
    protected SplitMix64 Begin()
    {
        Kernels.Threads = Threads;
        return SplitMix64.FromSeed(1);
    }
}
