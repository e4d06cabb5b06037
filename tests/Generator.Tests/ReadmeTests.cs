using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Unrolled.Tests.Shared;
using Xunit;

namespace Unrolled.Generator.Tests
{
    /// <summary>
    /// Every C# block of README.md and of the package's README compiles with the generator, so an example cannot rot (issue 17): a block with top-level
    /// statements and its network is a program; one with declarations only is a library; statements alone are a fragment,
    /// compiled inside a harness that adds the usings and the lesson's FashionNet.
    /// </summary>
    public class ReadmeTests
    {
        private const string Harness = """
            [Network(784, Loss = Loss.CrossEntropy)]
            [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)]
            [Dense(128)] [ReLU] [Dropout(0.3)]
            [Dense(10)] [Softmax]
            public partial class FashionNet { }
            """;

        /// <summary>The C# blocks of README.md, then of the package's README (docs/package-readme.md), numbered in that order.</summary>
        public static TheoryData<int, string> Blocks()
        {
            var blocks = new TheoryData<int, string>();
            int n = 0;
            foreach (string file in new[] { "README.md", "docs/package-readme.md" })
            {
                string readme = File.ReadAllText(Path.Combine(Repository.Root, file));
                foreach (Match block in Regex.Matches(readme, "```csharp\n(.*?)```", RegexOptions.Singleline)) blocks.Add(++n, block.Groups[1].Value);
            }
            return blocks;
        }

        /// <summary>The README's benchmark table is a run recorded in docs/benchmarks.md: every row (workload, times, ratios) is
        /// there word for word, under the same machine and kernel path, so the README never shows numbers no run produced.</summary>
        [Fact]
        public void TheReadmesBenchmarkTableIsARecordedRun()
        {
            string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
            string docs = File.ReadAllText(Path.Combine(Repository.Root, "docs/benchmarks.md"));
            string section = readme.Substring(readme.IndexOf("## Benchmarks", System.StringComparison.Ordinal));
            string[] rows = section.Split('\n').SkipWhile(l => !l.StartsWith("| workload |", System.StringComparison.Ordinal))
                .TakeWhile(l => l.StartsWith("|", System.StringComparison.Ordinal)).ToArray();
            Assert.True(rows.Length >= 8, "the README's benchmark table was not found");
            Match path = Regex.Match(section, "kernel path `(\\w+)`");
            Assert.True(path.Success, "the README's benchmark run names no kernel path");
            int table = docs.IndexOf(string.Join("\n", rows), System.StringComparison.Ordinal);
            Assert.True(table >= 0, "the README's benchmark table is not in docs/benchmarks.md, row for row");
            // The run's section heading above the table names the machine; its text names the same kernel path.
            int heading = docs.LastIndexOf("\n### ", table, System.StringComparison.Ordinal);
            Assert.Contains($"`{path.Groups[1].Value}`", docs.Substring(heading, table - heading));
        }

        [Fact]
        public void TheReadmeHasItsExamples() => Assert.True(Blocks().Count >= 5, "the READMEs' C# examples were not found");

        [Theory]
        [MemberData(nameof(Blocks))]
        public void EveryCSharpBlockCompiles(int number, string code)
        {
            bool declares = code.Contains("partial class");
            bool statements = code.Split('\n').TakeWhile(l => !l.TrimStart().StartsWith("[Network", System.StringComparison.Ordinal))
                .Any(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("using ", System.StringComparison.Ordinal) && !l.TrimStart().StartsWith("//", System.StringComparison.Ordinal));
            string usings = "using System;\nusing System.Linq;\nusing Unrolled;\n";
            (string source, OutputKind kind) = (declares, statements) switch
            {
                (true, true) => (code, OutputKind.ConsoleApplication),               // a complete program, as pasted
                (true, false) => (usings + code, OutputKind.DynamicallyLinkedLibrary), // declarations
                _ => (usings + code + "\n" + Harness, OutputKind.ConsoleApplication), // a fragment
            };
            CSharpCompilation compilation = GeneratorHarness.Compile(new[] { (source, $"Readme{number}.cs") }).WithOptions(
                new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));
            GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out var generatorDiagnostics);
            Diagnostic[] errors = output.GetDiagnostics().Concat(generatorDiagnostics).Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            Assert.True(errors.Length == 0, $"README block {number} does not compile:\n{string.Join("\n", errors.Select(e => e.ToString()))}\n{source}");
        }
    }
}
