using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Unrolled.Package.Tests
{
    /// <summary>
    /// `dotnet pack` makes one package, and two consumers that know only the package (from a local folder feed) build:
    /// a net10.0 console app that trains a network, and a netstandard2.0 library at C# 7.3. The version is unique per run,
    /// because the global package cache keeps what it saw under a version.
    /// </summary>
    public class PackageTests
    {
        private readonly ITestOutputHelper _output;

        public PackageTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void ThePackageCarriesTheGeneratorAndBothConsumersBuild()
        {
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            string root = Root();
            string work = Path.Combine(Path.GetTempPath(), "unrolled-package-" + Guid.NewGuid().ToString("N"));
            string feed = Path.Combine(work, "feed");
            string version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
            Directory.CreateDirectory(feed);
            try
            {
                Run(root, "dotnet", "pack", Path.Combine(root, "src", "Runtime", "Runtime.csproj"), "-c", configuration, "--no-build", "-o", feed, "-p:Version=" + version);
                string package = Path.Combine(feed, $"Unrolled.{version}.nupkg");
                Assert.True(File.Exists(package), package);
                using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
                {
                    string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
                    foreach (string expected in new[] { "lib/netstandard2.0/Unrolled.dll", "lib/net10.0/Unrolled.dll", "analyzers/dotnet/cs/Unrolled.Generator.dll",
                                                        "analyzers/dotnet/cs/Unrolled.Analyzers.dll", "analyzers/dotnet/cs/Unrolled.CodeFixes.dll" })
                        Assert.Contains(expected, entries);
                }

                foreach (string consumer in new[] { "Console", "Library" })
                {
                    string directory = Path.Combine(work, consumer);
                    CopyDirectory(Path.Combine(root, "tests", "Package.Tests", "Consumers", consumer), directory);
                    File.WriteAllText(Path.Combine(directory, "NuGet.Config"), $"""
                        <?xml version="1.0" encoding="utf-8"?>
                        <configuration>
                          <packageSources>
                            <add key="local" value="{feed}" />
                          </packageSources>
                        </configuration>
                        """);
                    File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />"); // not the repository's
                }

                Run(Path.Combine(work, "Library"), "dotnet", "build", "-c", "Release", "-p:UnrolledVersion=" + version);
                string output = Run(Path.Combine(work, "Console"), "dotnet", "run", "-c", "Release", "-p:UnrolledVersion=" + version);
                Assert.Contains("parameters: 82", output);
                string accuracy = output.Split('\n').Single(l => l.StartsWith("accuracy: ", StringComparison.Ordinal)).Substring("accuracy: ".Length).Trim();
                Assert.True(double.Parse(accuracy, System.Globalization.CultureInfo.InvariantCulture) >= 0.9, output);
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        }

        private string Run(string directory, string file, params string[] arguments)
        {
            var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in arguments) start.ArgumentList.Add(argument);
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            _output.WriteLine($"$ {file} {string.Join(" ", arguments)}\n{output}");
            Assert.True(process.ExitCode == 0, $"{file} {string.Join(" ", arguments)} failed in {directory}:\n{output}");
            return output;
        }

        private static string Root()
        {
            DirectoryInfo? directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory != null && !File.Exists(Path.Combine(directory.FullName, "Generator.sln"))) directory = directory.Parent;
            return directory?.FullName ?? throw new InvalidOperationException("Generator.sln not found above " + AppContext.BaseDirectory);
        }

        private static void CopyDirectory(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
