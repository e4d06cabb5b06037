using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using CsCheck;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Unrolled.Generator.Tests
{
    /// <summary>
    /// 10,000 random declarations (random layer sequences, invalid and extreme arguments, missing partial, nested,
    /// namespaced and generic classes, C# 7.3 and latest): the generator never throws, and every declaration either
    /// compiles with its generated code or gets a UNR diagnostic and no code.
    /// </summary>
    public class FuzzTests
    {
        private const int PerCompilation = 25;
        private const int Compilations = 400; // × 25 = 10,000 declarations

        /// <summary>Mostly valid values, with a few invalid or extreme ones mixed in.</summary>
        private static Gen<T> Mostly<T>(T[] valid, T[] invalid) => Gen.Frequency((12, Gen.OneOf(valid)), (1, Gen.OneOf(invalid)));

        private static readonly Gen<string> Layer = Gen.Frequency(
            (5, Gen.Select(Mostly(new[] { 1, 3, 13, 64 }, new[] { -5, 0, 100_000_000 }), Gen.OneOf("", ", UseBias = false", ", UseBias = true"),
                Mostly(new[] { "", "", ", Init = Init.HeNormal", ", Init = Init.LeCunNormal" }, new[] { ", Init = (Init)9" }),
                (units, bias, init) => $"[Dense({units}{bias}{init})]")),
            (3, Gen.OneOf("[ReLU]", "[Sigmoid]", "[Tanh]", "[Softmax]", "[LeakyReLU]")),
            (1, Mostly(new[] { "[LeakyReLU(0.1)]", "[LeakyReLU(0)]" }, new[] { "[LeakyReLU(-1)]", "[LeakyReLU(double.NaN)]", "[LeakyReLU(double.PositiveInfinity)]" })),
            (1, Gen.Select(Mostly(new[] { "", "Momentum = 0.9", "Momentum = 0" }, new[] { "Momentum = 1", "Momentum = -0.5", "Momentum = double.NaN" }),
                Mostly(new[] { "", "Epsilon = 1e-5" }, new[] { "Epsilon = 0", "Epsilon = -1" }),
                (m, e) => "[BatchNorm(" + string.Join(", ", new[] { m, e }.Where(x => x.Length > 0)) + ")]")),
            (1, Mostly(new[] { "[Dropout(0)]", "[Dropout(0.5)]", "[Dropout(0.999)]" }, new[] { "[Dropout(1)]", "[Dropout(-0.1)]", "[Dropout(2)]", "[Dropout(double.NaN)]" })));

        /// <summary>Issue 16: the layers of a network's convolutional part (on features they get UNR0012; a few Dense and Softmax
        /// among them get UNR0011).</summary>
        private static readonly Gen<string> ImageLayer = Gen.Frequency(
            (4, Gen.Select(Mostly(new[] { 1, 3, 8 }, new[] { 0, -2 }), Mostly(new[] { "1", "2", "3", "5", "2, 3" }, new[] { "0", "40", "3, 0" }),
                Mostly(new[] { "", "", ", Stride = 2" }, new[] { ", Stride = 0" }),
                Mostly(new[] { "", ", Padding = Padding.Same", ", Padding = Padding.Valid" }, new[] { ", Padding = (Padding)3" }),
                Gen.OneOf("", ", UseBias = false"),
                (filters, kernel, stride, padding, bias) => $"[Conv2D({filters}, {kernel}{stride}{padding}{bias})]")),
            (2, Mostly(new[] { "[MaxPool2D(2)]", "[MaxPool2D(3, Stride = 2)]", "[AvgPool2D(2)]", "[AvgPool2D(3, Stride = 1)]" },
                new[] { "[MaxPool2D(0)]", "[MaxPool2D(50)]", "[AvgPool2D(2, Stride = -1)]" })),
            (3, Gen.OneOf("[ReLU]", "[BatchNorm]", "[Dropout(0.2)]", "[Tanh]")),
            (1, Layer));

        /// <summary>An image network: its convolutional part, usually a Flatten or a global pool, then a dense part.</summary>
        private static readonly Gen<(string Inputs, string[] Layers)> ImageNetwork =
            Gen.Select(Mostly(new[] { "1, 8, 8", "3, 7, 9", "2, 28, 28", "1, 1, 1", "1, 12, 5" }, new[] { "0, 8, 8", "3, -1, 5" }),
                ImageLayer.List[0, 5], Gen.Frequency((6, Gen.Const("[Flatten]")), (2, Gen.Const("[GlobalAvgPool2D]")), (1, Gen.Const(""))), Layer.List[0, 5],
                (inputs, image, bridge, dense) => (inputs, image.Concat(new[] { bridge }).Where(l => l.Length > 0).Concat(dense).ToArray()));

        private static readonly Gen<(string Inputs, string[] Layers)> FeatureNetwork =
            Gen.Select(Mostly(new[] { "1", "2", "7", "784", "100_000" }, new[] { "-1", "0" }), Layer.List[0, 9], (inputs, layers) => (inputs, layers.ToArray()));

        private sealed record Declaration(string Name, string Source);

        /// <summary>A declaration with "{N}" where its number goes.</summary>
        private static readonly Gen<string> Template =
            Gen.Select(
                Gen.Frequency((2, FeatureNetwork), (1, ImageNetwork)),
                Mostly(new[] { "", ", Loss = Loss.BinaryCrossEntropy", ", Loss = Loss.MeanSquaredError" }, new[] { ", Loss = (Loss)7" }),
                Mostly(new[] { "", ", Precision = Precision.Double", ", Seed = -3", ", Code = GeneratedCode.Loops", ", Precision = Precision.Double, Code = GeneratedCode.Loops" },
                    new[] { ", Precision = (Precision)5", ", Code = (GeneratedCode)3" }),
                Gen.Frequency((30, Gen.Const("partial class")), (1, Gen.Const("class")), (1, Gen.Const("static partial class")), (1, Gen.Const("partial class {0}<T>"))),
                Gen.Frequency((12, Gen.Const("none")), (4, Gen.Const("namespace")), (4, Gen.Const("nested")), (1, Gen.Const("nested-plain")), (1, Gen.Const("nested-generic"))),
                (network, loss, extra, kind, container) =>
                {
                    (string inputs, string[] layers) = network;
                    string type = kind.Contains("{0}") ? string.Format(CultureInfo.InvariantCulture, kind, "Net{N}") : kind + " Net{N}";
                    string declaration = $"[Network({inputs}{loss}{extra})] {string.Join(" ", layers)}\npublic {type} {{ }}";
                    return container switch
                    {
                        "namespace" => $"namespace Space{{N}} {{ {declaration} }}",
                        "nested" => $"public partial class Outer{{N}} {{ {declaration} }}",
                        "nested-plain" => $"public class Outer{{N}} {{ {declaration} }}",
                        "nested-generic" => $"public partial class Outer{{N}}<T> {{ {declaration} }}",
                        _ => declaration,
                    };
                });

        private static readonly Gen<(Declaration[] Declarations, bool Latest)> Batch =
            Gen.Select(Template.Array[PerCompilation], Gen.Bool, (templates, latest) =>
                (templates.Select((t, i) => new Declaration("Net" + i.ToString(CultureInfo.InvariantCulture), t.Replace("{N}", i.ToString(CultureInfo.InvariantCulture)))).ToArray(), latest));

        [Fact]
        public void TenThousandRandomDeclarationsNeverThrowAndAlwaysCompileOrExplain()
        {
            int declarations = 0, generated = 0, explained = 0;
            Batch.Sample(batch =>
            {
                LanguageVersion version = batch.Latest ? LanguageVersion.Latest : LanguageVersion.CSharp7_3;
                var source = new StringBuilder("using Unrolled;\n");
                var spans = new Dictionary<string, (int Start, int End)>();
                foreach (Declaration d in batch.Declarations)
                {
                    int start = source.Length;
                    source.Append(d.Source).Append('\n');
                    spans[d.Name] = (start, source.Length);
                }
                CSharpCompilation compilation = GeneratorHarness.Compile(source.ToString(), version);
                GeneratorDriver driver = GeneratorHarness.CreateDriver(version).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
                GeneratorRunResult run = driver.GetRunResult().Results.Single();
                if (run.Exception != null) throw new Exception("The generator threw:\n" + source, run.Exception);

                Diagnostic[] errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
                foreach (Declaration d in batch.Declarations)
                {
                    (int start, int end) = spans[d.Name];
                    bool InDeclaration(Diagnostic x) => x.Location.IsInSource && x.Location.SourceTree == compilation.SyntaxTrees.First() && x.Location.SourceSpan.Start >= start && x.Location.SourceSpan.Start < end;
                    string hint = "." + d.Name + ".";
                    bool Mine(GeneratedSourceResult s) => ("." + s.HintName).Contains(hint, StringComparison.Ordinal);
                    Diagnostic[] unr = run.Diagnostics.Where(x => x.Id.StartsWith("UNR", StringComparison.Ordinal) && InDeclaration(x)).ToArray();
                    GeneratedSourceResult[] sources = run.GeneratedSources.Where(Mine).ToArray();
                    declarations++;
                    if (unr.Length > 0)
                    {
                        explained++;
                        if (sources.Length > 0) throw new Exception($"{d.Name} got {unr[0].Id} and generated code anyway:\n{d.Source}");
                        if (unr.Any(x => x.GetMessage(CultureInfo.InvariantCulture).Length < 20)) throw new Exception($"{d.Name}: a diagnostic without an explanation");
                        continue;
                    }
                    generated++;
                    if (sources.Length != 3) throw new Exception($"{d.Name} got neither code nor a UNR diagnostic:\n{d.Source}");
                    Diagnostic[] mine = errors.Where(x => InDeclaration(x) || (x.Location.SourceTree is SyntaxTree tree && tree.FilePath.Contains(hint, StringComparison.Ordinal))).ToArray();
                    if (mine.Length > 0) throw new Exception($"{d.Name} does not compile with its generated code ({version}):\n{string.Join("\n", mine.Take(5))}\n{d.Source}");
                }
            }, iter: Compilations, threads: 1);
            Assert.Equal(Compilations * PerCompilation, declarations);
            Assert.True(generated > 1000 && explained > 1000, $"both outcomes must be common: {generated} generated, {explained} explained");
        }
    }
}
