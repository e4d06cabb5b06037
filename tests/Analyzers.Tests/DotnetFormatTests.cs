using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Unrolled.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Unrolled.Analyzers.Tests
{
    /// <summary>
    /// Issue 13, finding 5: every code fix the README's diagnostics table lists for an analyzer rule works through
    /// <c>dotnet format analyzers --diagnostics ID</c> on a real project (which runs the fix's Fix All in solution scope).
    /// Before, UNR0101/0104 reported "doesn't support Fix All in Solution" and UNR0107/0110/0111/0113 "didn't return a Fix
    /// All action". UNR0001 is the generator's and dotnet format does not fix generator diagnostics (the README says so);
    /// its Fix All is covered by <see cref="CodeFixPropertyTests"/>.
    /// </summary>
    public class DotnetFormatTests
    {
        private readonly ITestOutputHelper _output;

        public DotnetFormatTests(ITestOutputHelper output) => _output = output;

        /// <summary>Per rule: networks with the mistake (one with it twice where it can be), and the expected source after the fix.</summary>
        private static readonly Dictionary<string, (string Before, string After)> s_cases = new Dictionary<string, (string, string)>
        {
            ["UNR0101"] = ("[Network(784)] [Dense(256)] [ReLU] [BatchNorm] [Dense(128)] [Tanh] [BatchNorm] [Dense(10)] [Softmax]",
                           "[Network(784)] [Dense(256)] [BatchNorm] [ReLU] [Dense(128)] [BatchNorm] [Tanh] [Dense(10)] [Softmax]"),
            ["UNR0102"] = ("[Network(784, Loss = Loss.MeanSquaredError)] [Dense(10)] [Softmax]",
                           "[Network(784, Loss = Loss.CrossEntropy)] [Dense(10)] [Softmax]"),
            ["UNR0103"] = ("[Network(784)] [Dense(128)] [ReLU] [Dense(10)]",
                           "[Network(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]"),
            ["UNR0104"] = ("[Network(784)] [Dense(256)] [Dropout(0.4)] [BatchNorm] [ReLU] [Dense(10)] [Softmax]",
                           "[Network(784)] [Dense(256)] [BatchNorm] [ReLU] [Dropout(0.4)] [Dense(10)] [Softmax]"),
            ["UNR0105"] = ("[Network(784)] [Dense(128)] [Dropout(0.3)] [ReLU] [Dense(64)] [Dropout(0.2)] [Tanh] [Dense(10)] [Softmax]",
                           "[Network(784)] [Dense(128)] [ReLU] [Dropout(0.3)] [Dense(64)] [Tanh] [Dropout(0.2)] [Dense(10)] [Softmax]"),
            ["UNR0106"] = ("[Network(784)] [Dense(128)] [ReLU] [Tanh] [Dense(64)] [Sigmoid] [ReLU] [Dense(10)] [Softmax]",
                           "[Network(784)] [Dense(128)] [ReLU] [Dense(64)] [Sigmoid] [Dense(10)] [Softmax]"),
            ["UNR0107"] = ("[Network(784)] [Dense(128)] [Dense(64)] [BatchNorm] [Dropout(0.2)] [Dense(10)] [Softmax]",
                           "[Network(784)] [Dense(128)] [ReLU] [Dense(64)] [BatchNorm] [ReLU] [Dropout(0.2)] [Dense(10)] [Softmax]"),
            ["UNR0110"] = ("[Network(784)] [Dense(128)] [ReLU] [Softmax] [Dense(10)] [Softmax] [Dropout(0.2)]",
                           "[Network(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]"),
            ["UNR0111"] = ("[Network(784)] [Dense(256)] [BatchNorm] [ReLU] [Dense(128, Init = Init.HeUniform)] [BatchNorm] [ReLU] [Dense(10)] [Softmax]",
                           "[Network(784)] [Dense(256, UseBias = false)] [BatchNorm] [ReLU] [Dense(128, Init = Init.HeUniform, UseBias = false)] [BatchNorm] [ReLU] [Dense(10)] [Softmax]"),
            ["UNR0112"] = ("[Network(784)] [Dense(128)] [ReLU] [Dense(64, Init = Init.HeNormal)] [Tanh] [Dense(10)] [Softmax]",
                           "[Network(784)] [Dense(128, Init = Init.HeUniform)] [ReLU] [Dense(64, Init = Init.XavierNormal)] [Tanh] [Dense(10)] [Softmax]"),
            ["UNR0113"] = ("[Network(784)] [Dense(128)] [ReLU] [Dense(10)] [ReLU] [Softmax]",
                           "[Network(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]"),
            ["UNR0119"] = ("[Network(784)] [Dense(128)] [BatchNorm] [BatchNorm] [ReLU] [Dense(64)] [BatchNorm] [BatchNorm] [ReLU] [Dense(10)] [Softmax]",
                           "[Network(784)] [Dense(128)] [BatchNorm] [ReLU] [Dense(64)] [BatchNorm] [ReLU] [Dense(10)] [Softmax]"),
            ["UNR0120"] = ("[Network(784)] [Dense(128)] [ReLU] [Dropout(0)] [Dense(10)] [Softmax]",
                           "[Network(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]"),
            ["UNR0121"] = ("[Network(784)] [ReLU] [Dense(128)] [ReLU] [Dense(10)] [Softmax]",
                           "[Network(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]"),
        };

        private static string Source(string network) => $$"""
            using Unrolled;

            namespace Formatted
            {
                {{network}}
                public partial class First { }

                // The same mistake in a second class: Fix All must reach every class.
                {{network}}
                public partial class Second { }
            }

            """;

        /// <summary>The analyzer rules whose row in the README's diagnostics table names a code fix.</summary>
        private static string[] FixableInReadme() =>
            File.ReadAllLines(Path.Combine(Repository.Root, "README.md"))
                .Select(line => Regex.Match(line, @"^\| \[(UNR\d{4})\]\([^)]*\) \| \w+ \| analyzer \| .* \| ([^|]*) \|$"))
                .Where(m => m.Success && m.Groups[2].Value.Trim().Length > 0)
                .Select(m => m.Groups[1].Value)
                .ToArray();

        [Fact]
        public void Finding5_EveryFixInTheReadmeHasADotnetFormatCase()
        {
            string[] readme = FixableInReadme();
            Assert.NotEmpty(readme);
            Assert.Equal(readme.OrderBy(id => id, StringComparer.Ordinal), s_cases.Keys.OrderBy(id => id, StringComparer.Ordinal));
        }

        [Fact]
        public void Finding5_DotnetFormatAnalyzersFixesEveryRuleInEveryClass()
        {
            string root = Path.Combine(Path.GetTempPath(), "unrolled-format-" + Guid.NewGuid().ToString("N"));
            try
            {
                // One project per rule (dotnet format fixes one workspace at a time); two run at once.
                var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
                Parallel.ForEach(s_cases, new ParallelOptions { MaxDegreeOfParallelism = 2 }, pair =>
                {
                    string directory = Path.Combine(root, pair.Key);
                    Directory.CreateDirectory(directory);
                    File.WriteAllText(Path.Combine(directory, "Formatted.csproj"), Project());
                    string file = Path.Combine(directory, "Nets.cs");
                    File.WriteAllText(file, Source(pair.Value.Before));
                    (int restored, string restoreOut, string restoreErr) = Repository.Run("dotnet", directory, "restore", "-nologo");
                    if (restored != 0)
                    {
                        failures.Add($"{pair.Key}: restore failed\n{restoreOut}{restoreErr}");
                        return;
                    }
                    (int exit, string stdout, string stderr) = Repository.Run("dotnet", directory,
                        "format", "analyzers", "Formatted.csproj", "--diagnostics", pair.Key, "--severity", "info", "--no-restore", "-v", "diag");
                    string log = stdout + stderr;
                    string after = File.ReadAllText(file);
                    if (exit != 0 || Regex.IsMatch(log, "Fix All|Unable to fix|warning", RegexOptions.IgnoreCase))
                        failures.Add($"{pair.Key}: dotnet format exited {exit}\n{log}");
                    else if (after != Source(pair.Value.After))
                        failures.Add($"{pair.Key}: expected\n{Source(pair.Value.After)}\nactual\n{after}");
                });
                foreach (string failure in failures) _output.WriteLine(failure);
                Assert.Empty(failures);
            }
            finally
            {
                try { Directory.Delete(root, recursive: true); } catch (IOException) { }
            }
        }

        /// <summary>A consumer project using the runtime, the generator, the analyzers and the code fixes as built.</summary>
        private static string Project()
        {
            string Built(string project, string assembly, string framework) =>
                Path.Combine(Repository.Root, "src", project, "bin", Repository.Configuration, framework, assembly);
            return $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <Reference Include="{Built("Runtime", "Unrolled.dll", "net10.0")}" />
                    <Analyzer Include="{Built("Generator", "Unrolled.Generator.dll", "netstandard2.0")}" />
                    <Analyzer Include="{Built("Analyzers", "Unrolled.Analyzers.dll", "netstandard2.0")}" />
                    <Analyzer Include="{Built("CodeFixes", "Unrolled.CodeFixes.dll", "netstandard2.0")}" />
                  </ItemGroup>
                </Project>
                """;
        }
    }
}
