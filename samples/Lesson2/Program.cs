using System;
using System.Collections.Generic;
using Lesson2.Experiments;
using Spectre.Console;
using Unrolled;
using Unrolled.Samples;
using static Unrolled.Samples.CommandLine;

// The lesson's eight quiz claims, each measured: prints the claim, the evidence and a verdict per question.
const string Usage = """
    Usage: Lesson2 [options]
      --question N     run one experiment (1–8; default: all)
      --seed N         seed of every experiment (default 0)
      --data DIR       Fashion-MNIST directory, for questions 4, 6 and 7 (default /usr/share/datasets/fashion-mnist)
    """;

int? question = null;
int seed = 0;
string data = Unrolled.FashionMnist.DefaultDirectory;
try
{
    Parse(args, (name, value) =>
    {
        switch (name)
        {
            case "--question":
                int q = PositiveInt(name, value);
                question = q <= 8 ? q : throw new OptionException($"--question must be between 1 and 8, not {q}.");
                break;
            case "--seed": seed = Int(name, value); break;
            case "--data": data = value; break;
            default: throw Unknown(name);
        }
    });
}
catch (OptionException e)
{
    return Fail(e, Usage);
}

Lazy<(Dataset<float> Training, Dataset<float> Test)> fashion = new(() => Unrolled.FashionMnist.Load(data));
var experiments = new SortedDictionary<int, Func<ExperimentResult>>
{
    [1] = () => Q1Initialisation.Run(seed),
    [2] = () => Q2SoftmaxCrossEntropy.Run(seed),
    [3] = () => Q3AdamBiasCorrection.Run(),
    [4] = () => Q4BatchNormPlacement.Run(fashion.Value.Training, fashion.Value.Test, seed),
    [5] = () => Q5InvertedDropout.Run(seed),
    [6] = () => Q6Warmup.Run(fashion.Value.Training, fashion.Value.Test, seed),
    [7] = () => Q7DyingReLU.Run(fashion.Value.Training, seed),
    [8] = () => Q8AdamWDecay.Run(),
};

foreach (var (number, run) in experiments)
{
    if (question is int only && only != number) continue;
    ExperimentResult result;
    try
    {
        result = run();
    }
    catch (Exception e) when (e is System.IO.FileNotFoundException || e is System.IO.InvalidDataException)
    {
        Console.Error.WriteLine($"Quiz {number} needs Fashion-MNIST: {e.Message}");
        return 1;
    }
    AnsiConsole.MarkupLine($"[bold]Quiz {result.Question}[/]: {Markup.Escape(result.Claim)}");
    foreach (string line in result.Evidence()) Console.WriteLine("  " + line);
    AnsiConsole.MarkupLine($"  [green]{Markup.Escape(result.Verdict)}[/]");
    Console.WriteLine();
}
return 0;
