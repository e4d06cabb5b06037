using System;
using System.Globalization;
using System.IO;
using System.Linq;
using FashionMnist;
using Spectre.Console;
using Unrolled;
using Unrolled.Samples;

// Trains one of the lesson's networks on Fashion-MNIST and prints, as its last line, "test accuracy: 0.XXXX".
Options options;
try
{
    options = Options.Parse(args);
}
catch (OptionException e)
{
    return CommandLine.Fail(e, Options.Usage);
}

Dataset<float> training, test;
try
{
    (training, test) = Unrolled.FashionMnist.Load(options.Data);
}
catch (Exception e) when (e is FileNotFoundException || e is InvalidDataException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
if (options.Limit is int limit && limit < training.Count) training = training.Slice(0, limit);

INetwork<float> network = options.Model switch { "tiny" => new TinyNN(), "tiny-loops" => new TinyNNLoops(), "cnn" => new FashionCnn(), _ => new FashionNet() };
network.InitializeParameters(options.Seed);
int stepsPerEpoch = (training.Count + options.BatchSize - 1) / options.BatchSize;
double learningRate = options.LearningRate ?? (options.Optimizer is "sgd" or "momentum" ? 0.1 : 1e-3);
Optimizer optimizer = options.Optimizer switch
{
    "sgd" => new Sgd(learningRate),
    "momentum" => new Sgd(learningRate, momentum: 0.9),
    "rmsprop" => new RmsProp(learningRate),
    "adamw" => new AdamW(learningRate),
    _ => new Adam(learningRate),
};
if (options.Schedule == "cosine") optimizer.Schedule = new CosineDecay(learningRate, (long)stepsPerEpoch * options.Epochs);

Console.Write(options.Model switch { "tiny" => TinyNN.Summary(), "tiny-loops" => TinyNNLoops.Summary(), "cnn" => FashionCnn.Summary(), _ => FashionNet.Summary() });
AnsiConsole.MarkupLine($"[bold]{network.GetType().Name}[/]: {network.ParameterCount:N0} parameters, {network.Layers.Count} layers; " +
                       $"{training.Count:N0} training and {test.Count:N0} test images; {options.Optimizer} η = {learningRate.ToString(CultureInfo.InvariantCulture)}" +
                       $" ({options.Schedule}), batch {options.BatchSize}, {options.Epochs} epochs, seed {options.Seed}");

var fit = new FitOptions
{
    Epochs = options.Epochs,
    BatchSize = options.BatchSize,
    Seed = options.Seed,
    // Run-time diagnosis: NaN/Inf, exploding or vanishing gradients, dead ReLUs, bad initial loss, unscaled inputs, overfitting.
    // Per-layer gradient norms for the gradient-flow chart, about 100 points over the run.
    GradientNormsEvery = options.Plots is null ? 0 : Math.Max(1, stepsPerEpoch * options.Epochs / 100),
    OnDiagnosis = d => AnsiConsole.MarkupLine($"[yellow]diagnosis ({d.Kind}):[/] {Markup.Escape(d.Message)}"),
};
string Line(EpochResult r) => string.Format(CultureInfo.InvariantCulture,
    "epoch {0}/{1}: loss {2:F4}, accuracy {3:F4}, test loss {4:F4}, test accuracy {5:F4}, lr {6:E2}, {7:N0} samples/s",
    r.Epoch, options.Epochs, r.Loss, r.Accuracy, r.ValidationLoss, r.ValidationAccuracy, r.LearningRate, r.SamplesPerSecond);

TrainingHistory? history = null;
if (AnsiConsole.Profile.Capabilities.Interactive)
{
    AnsiConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
        .Start(context =>
        {
            ProgressTask? task = null;
            fit.Progress = new Reporter(p =>
            {
                task ??= context.AddTask($"epoch {p.Epoch}", maxValue: p.Batches);
                task.Value = p.Batch;
                task.Description = string.Format(CultureInfo.InvariantCulture, "epoch {0}/{1}  loss {2:F4}  acc {3:F4}  {4:N0}/s", p.Epoch, p.Epochs, p.Loss, p.Accuracy, p.SamplesPerSecond);
                if (p.Completed is EpochResult r)
                {
                    task.Description = Markup.Escape(Line(r));
                    task.StopTask();
                    task = null;
                }
            });
            history = network.Fit(training, optimizer, fit, validation: test);
        });
}
else
{
    fit.Progress = new Reporter(p => { if (p.Completed is EpochResult r) Console.WriteLine(Line(r)); });
    history = network.Fit(training, optimizer, fit, validation: test);
}

if (options.Plots is string plots && history is { Epochs.Count: > 0 })
{
    string title = $"{network.GetType().Name}, {options.Optimizer}";
    foreach (string file in Charts.TrainingCurves(history, plots, title).Concat(Charts.GradientFlow(history, plots, title)))
        Console.WriteLine($"saved {file}");
}

WeightsFile.Save(network, options.Weights);
Evaluation final = network.Evaluate(test);
Console.WriteLine($"saved weights to {Path.GetFullPath(options.Weights)}");
Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "test accuracy: {0:F4}", final.Accuracy));
return 0;

/// <summary>A synchronous IProgress (Progress&lt;T&gt; would post reports to the thread pool).</summary>
internal sealed class Reporter : IProgress<TrainingProgress>
{
    private readonly Action<TrainingProgress> _report;
    public Reporter(Action<TrainingProgress> report) => _report = report;
    public void Report(TrainingProgress value) => _report(value);
}
