using Unrolled.Samples;
using static Unrolled.Samples.CommandLine;

namespace FashionMnist
{
    /// <summary>Command-line options of the sample.</summary>
    internal sealed class Options
    {
        public int Epochs { get; private set; } = 10;
        public int BatchSize { get; private set; } = 64;
        public string Optimizer { get; private set; } = "adam";
        public double? LearningRate { get; private set; }
        public int Seed { get; private set; }
        public string Model { get; private set; } = "keras";
        public string Schedule { get; private set; } = "cosine";
        public string Data { get; private set; } = Unrolled.FashionMnist.DefaultDirectory;
        public string Weights { get; private set; } = "fashion-net.weights";
        public int? Limit { get; private set; }
        public string? Plots { get; private set; }

        public const string Usage = """
            Usage: FashionMnist [options]
              --epochs N              passes over the 60,000 training images (default 10)
              --batch-size N          samples per step (default 64)
              --optimizer NAME        sgd | momentum | rmsprop | adam | adamw (default adam)
              --lr X                  learning rate (default: 0.1 for sgd/momentum, 1e-3 otherwise)
              --schedule NAME         cosine (decay to 0 over the run, default) | constant
              --seed N                initial weights, dropout masks and shuffling (default 0)
              --model NAME            keras: the lesson's Keras model (default) | tiny: the lesson's TinyNN | tiny-loops: TinyNN in loops mode (to step through) | cnn: a small CNN (Conv → BatchNorm → ReLU → pool, twice)
              --data DIR              Fashion-MNIST directory (default /usr/share/datasets/fashion-mnist)
              --weights FILE          where to save the trained weights (default fashion-net.weights)
              --limit N               train on the first N images only (quick runs)
              --plots DIR             save loss, accuracy and gradient-flow charts (PNG and SVG) in DIR
            """;

        public static Options Parse(string[] args)
        {
            var options = new Options();
            CommandLine.Parse(args, (name, value) =>
            {
                switch (name)
                {
                    case "--epochs": options.Epochs = PositiveInt(name, value); break;
                    case "--batch-size": options.BatchSize = PositiveInt(name, value); break;
                    case "--seed": options.Seed = Int(name, value); break;
                    case "--limit": options.Limit = PositiveInt(name, value); break;
                    case "--lr": options.LearningRate = PositiveNumber(name, value); break;
                    case "--optimizer": options.Optimizer = OneOf(name, value, "sgd", "momentum", "rmsprop", "adam", "adamw"); break;
                    case "--schedule": options.Schedule = OneOf(name, value, "cosine", "constant"); break;
                    case "--model": options.Model = OneOf(name, value, "keras", "tiny", "tiny-loops", "cnn"); break;
                    case "--data": options.Data = value; break;
                    case "--weights": options.Weights = value; break;
                    case "--plots": options.Plots = value; break;
                    default: throw Unknown(name);
                }
            });
            return options;
        }
    }
}
