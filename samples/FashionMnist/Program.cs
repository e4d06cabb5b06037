using System;
using FashionMnist;

var net = new FashionNet();
var x = new float[FashionNet.InputSize * 4];
for (int i = 0; i < x.Length; i++) x[i] = (i % 17) / 17f;
var loss = net.ComputeGradients(x, new[] { 1, 2, 3, 4 }, 4);
Console.WriteLine($"loss {loss}");
