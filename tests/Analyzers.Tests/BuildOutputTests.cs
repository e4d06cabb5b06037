using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Unrolled.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Unrolled.Analyzers.Tests
{
    /// <summary>The diagnostics outside the test harness: a real `dotnet build` of tests/Consumers/Mistakes.</summary>
    public class BuildOutputTests
    {
        private readonly ITestOutputHelper _output;

        public BuildOutputTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void DotnetBuildOfDeliberateMistakesShowsTheUnrWarnings()
        {
            string project = Path.Combine(Repository.Root, "tests", "Consumers", "Mistakes", "Mistakes.csproj");

            // --no-dependencies: the generator, analyzers and runtime were built with this test project; do not touch them.
            (int exitCode, string stdout, string stderr) = Repository.Run("dotnet", null,
                "build", project, "-c", Repository.Configuration, "--no-dependencies", "--no-incremental", "-nologo", "-clp:NoSummary");
            string output = stdout + stderr;
            _output.WriteLine(output);

            Assert.Equal(0, exitCode);
            string[] found = Regex.Matches(output, @"Mistakes\.cs\((\d+),\d+\): warning (UNR\d{4})")
                .Select(m => $"{m.Groups[2].Value}@{m.Groups[1].Value}")
                .Distinct()
                .OrderBy(s => s, StringComparer.Ordinal)
                .ToArray();
            string[] expected =
            {
                "UNR0101@7", "UNR0102@16", "UNR0103@21", "UNR0104@9", "UNR0106@15", "UNR0107@16", "UNR0110@28", "UNR0113@25", "UNR0201@34", "UNR0204@34",
            };
            Assert.Equal(expected, found);
        }
    }
}
