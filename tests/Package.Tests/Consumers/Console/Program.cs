using System;
using Unrolled;

// A user's first network, from the package alone: learn XOR-like quadrants of the plane.
var random = SplitMix64.FromSeed(1);
const int count = 2000;
var features = new float[count * 2];
var labels = new int[count];
for (int i = 0; i < count; i++)
{
    float x = (float)(2 * random.NextDouble() - 1), y = (float)(2 * random.NextDouble() - 1);
    features[2 * i] = x;
    features[2 * i + 1] = y;
    labels[i] = x * y > 0 ? 1 : 0;
}
var data = new Dataset<float>(features, 2, labels);
var net = new Quadrants();
net.Fit(data, new Adam(0.01), new FitOptions { Epochs = 30, BatchSize = 32 });
Console.WriteLine($"parameters: {Quadrants.ParameterCount}");
Console.WriteLine($"accuracy: {net.Evaluate(data).Accuracy:F3}");

[Network(2, Loss = Loss.CrossEntropy)]
[Dense(16, Init = Init.HeUniform)] [ReLU]
[Dense(2)] [Softmax]
public partial class Quadrants { }
