using System;
using System.IO;
using System.Linq;
using Unrolled.Tests.Shared;
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
            string configuration = Repository.Configuration;
            string root = Repository.Root;
            string work = Path.Combine(Path.GetTempPath(), "unrolled-package-" + Guid.NewGuid().ToString("N"));
            string feed = Path.Combine(work, "feed");
            string version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
            Directory.CreateDirectory(feed);
            try
            {
                Run(root, "dotnet", "pack", Path.Combine(root, "src", "Runtime", "Runtime.csproj"), "-c", configuration, "-o", feed, "-p:PackageVersion=" + version);
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
            (int exitCode, string stdout, string stderr) = Repository.Run(file, directory, arguments);
            string output = stdout + stderr;
            _output.WriteLine($"$ {file} {string.Join(" ", arguments)}\n{output}");
            Assert.True(exitCode == 0, $"{file} {string.Join(" ", arguments)} failed in {directory}:\n{output}");
            return output;
        }

        private static void CopyDirectory(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
