using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Spectre.Console;
using Unrolled;
using Unrolled.Samples;
using static Unrolled.Samples.CommandLine;

// Trains the same network on the same data from the same initial weights and batch order with each optimiser,
// prints a table of final metrics and draws the training-loss and test-accuracy curves of all of them.
const string Usage = """
    Usage: OptimizerComparison [options]
      --epochs N          passes over the training images (default 5)
      --batch-size N      samples per step (default 64)
      --model NAME        tiny: the lesson's TinyNN (default) | keras: the lesson's Keras model
      --optimizers LIST   comma-separated, from sgd,momentum,rmsprop,adam,adamw (default: all five)
      --seed N            initial weights, dropout masks and shuffling, shared by every run (default 0)
      --limit N           train on the first N images only (quick runs)
      --data DIR          Fashion-MNIST directory (default /usr/share/datasets/fashion-mnist)
      --plots DIR         where the charts go (default optimizer-comparison)
    Each optimiser uses its customary learning rate, constant over the run: SGD 0.1; momentum 0.9 with 0.01 (the
    same long-run step as SGD 0.1); RMSprop, Adam and AdamW 1e-3, AdamW with Keras' weight decay 0.004.
    """;

int epochs = 5, batchSize = 64, seed = 0;
int? limit = null;
string model = "tiny", data = Unrolled.FashionMnist.DefaultDirectory, plots = "optimizer-comparison";
IReadOnlyList<string> names = new[] { "sgd", "momentum", "rmsprop", "adam", "adamw" };
try
{
    Parse(args, (name, value) =>
    {
        switch (name)
        {
            case "--epochs": epochs = PositiveInt(name, value); break;
            case "--batch-size": batchSize = PositiveInt(name, value); break;
            case "--seed": seed = Int(name, value); break;
            case "--limit": limit = PositiveInt(name, value); break;
            case "--model": model = OneOf(name, value, "tiny", "keras"); break;
            case "--optimizers": names = ListOf(name, value, "sgd", "momentum", "rmsprop", "adam", "adamw"); break;
            case "--data": data = value; break;
            case "--plots": plots = value; break;
            default: throw Unknown(name);
        }
    });
}
catch (OptionException e)
{
    return Fail(e, Usage);
}

Dataset<float> training, test;
try
{
    (training, test) = Unrolled.FashionMnist.Load(data);
}
catch (Exception e) when (e is FileNotFoundException || e is InvalidDataException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
if (limit is int n && n < training.Count) training = training.Slice(0, n);

static Optimizer Create(string name) => name switch
{
    "sgd" => new Sgd(0.1),
    "momentum" => new Sgd(0.01, momentum: 0.9),
    "rmsprop" => new RmsProp(1e-3),
    "adam" => new Adam(1e-3),
    "adamw" => new AdamW(1e-3, weightDecay: 0.004),
    _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
};
INetwork<float> Network() => model == "keras" ? new FashionNet() : new TinyNN();

Console.WriteLine($"{Network().GetType().Name} on {training.Count:N0} training images, {test.Count:N0} test images; batch {batchSize}, {epochs} epochs, seed {seed}.");
var runs = new List<(string Name, Optimizer Optimizer, TrainingHistory History, double Seconds)>();
foreach (string name in names)
{
    INetwork<float> network = Network();
    network.InitializeParameters(seed); // the same initial weights for every optimiser
    Optimizer optimizer = Create(name);
    var clock = Stopwatch.StartNew();
    TrainingHistory history = network.Fit(training, optimizer, new FitOptions { Epochs = epochs, BatchSize = batchSize, Seed = seed }, validation: test);
    clock.Stop();
    EpochResult last = history.Epochs[^1];
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: loss {1:F4}, test accuracy {2:F4} ({3:F1} s)", name, last.Loss, last.ValidationAccuracy, clock.Elapsed.TotalSeconds));
    runs.Add((name, optimizer, history, clock.Elapsed.TotalSeconds));
}

var table = new Table().Title("Final epoch").AddColumns("optimiser", "η", "training loss", "test loss", "test accuracy", "seconds");
foreach (var run in runs.OrderByDescending(r => r.History.Epochs[^1].ValidationAccuracy))
{
    EpochResult last = run.History.Epochs[^1];
    table.AddRow(run.Name, run.Optimizer.LearningRate.ToString("G3", CultureInfo.InvariantCulture), last.Loss.ToString("F4", CultureInfo.InvariantCulture),
        last.ValidationLoss!.Value.ToString("F4", CultureInfo.InvariantCulture), last.ValidationAccuracy!.Value.ToString("F4", CultureInfo.InvariantCulture),
        run.Seconds.ToString("F1", CultureInfo.InvariantCulture));
}
AnsiConsole.Write(table);

Series Curve(string name, TrainingHistory history, Func<EpochResult, double> value) =>
    new Series(name, history.Epochs.Select(e => (double)e.Epoch).ToArray(), history.Epochs.Select(value).ToArray(), Markers: true);
string title = $"{Network().GetType().Name}, same data, weights and batches";
var files = Charts.Lines(Path.Combine(plots, "optimizers-loss"), $"{title}: training loss", "epoch", "cross-entropy loss",
        runs.Select(r => Curve(r.Name, r.History, e => e.Loss)), integerX: true)
    .Concat(Charts.Lines(Path.Combine(plots, "optimizers-accuracy"), $"{title}: test accuracy", "epoch", "test accuracy",
        runs.Select(r => Curve(r.Name, r.History, e => e.ValidationAccuracy!.Value)), integerX: true, legend: ScottPlot.Alignment.LowerRight));
foreach (string file in files) Console.WriteLine($"saved {file}");
return 0;
