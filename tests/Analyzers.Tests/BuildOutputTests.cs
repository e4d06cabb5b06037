using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
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
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            DirectoryInfo? root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root != null && !File.Exists(Path.Combine(root.FullName, "Generator.sln"))) root = root.Parent;
            Assert.NotNull(root);
            string project = Path.Combine(root!.FullName, "tests", "Consumers", "Mistakes", "Mistakes.csproj");

            // --no-dependencies: the generator, analyzers and runtime were built with this test project; do not touch them.
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[] { "build", project, "-c", configuration, "--no-dependencies", "--no-incremental", "-nologo", "-clp:NoSummary" })
                start.ArgumentList.Add(argument);
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            _output.WriteLine(output);

            Assert.Equal(0, process.ExitCode);
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
