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
                    foreach (string framework in new[] { "netstandard2.0", "net10.0" })
                        AssertDebuggable(zip.GetEntry($"lib/{framework}/Unrolled.dll")!, root);
                    AssertPackageReadme(zip, root);
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

        /// <summary>Issue 17: the packed DLL embeds its portable PDB; every document in it is repository-relative (nothing of
        /// the build machine's paths), and Kernels.cs's source is embedded, so a debugger steps into the kernels.</summary>
        private static void AssertDebuggable(System.IO.Compression.ZipArchiveEntry dll, string root)
        {
            var bytes = new MemoryStream();
            using (Stream stream = dll.Open()) stream.CopyTo(bytes);
            bytes.Position = 0;
            using var pe = new System.Reflection.PortableExecutable.PEReader(bytes);
            System.Reflection.PortableExecutable.DebugDirectoryEntry embedded = Assert.Single(pe.ReadDebugDirectory(),
                e => e.Type == System.Reflection.PortableExecutable.DebugDirectoryEntryType.EmbeddedPortablePdb);
            using System.Reflection.Metadata.MetadataReaderProvider provider = pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded);
            System.Reflection.Metadata.MetadataReader pdb = provider.GetMetadataReader();
            var embeddedSource = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
            string? kernels = null;
            foreach (System.Reflection.Metadata.DocumentHandle handle in pdb.Documents)
            {
                System.Reflection.Metadata.Document document = pdb.GetDocument(handle);
                string name = pdb.GetString(document.Name);
                Assert.StartsWith("/_/", name);
                Assert.DoesNotContain(root.TrimEnd('/'), name);
                if (!name.EndsWith("/src/Runtime/Kernels.cs", StringComparison.Ordinal)) continue;
                foreach (System.Reflection.Metadata.CustomDebugInformationHandle information in pdb.GetCustomDebugInformation(handle))
                {
                    System.Reflection.Metadata.CustomDebugInformation entry = pdb.GetCustomDebugInformation(information);
                    if (pdb.GetGuid(entry.Kind) != embeddedSource) continue;
                    byte[] blob = pdb.GetBlobBytes(entry.Value);
                    int size = BitConverter.ToInt32(blob, 0); // 0: stored as is; otherwise the deflated text's length
                    byte[] text = blob.Skip(4).ToArray();
                    if (size != 0)
                    {
                        using var inflate = new System.IO.Compression.DeflateStream(new MemoryStream(text), System.IO.Compression.CompressionMode.Decompress);
                        var plain = new MemoryStream();
                        inflate.CopyTo(plain);
                        text = plain.ToArray();
                    }
                    kernels = System.Text.Encoding.UTF8.GetString(text);
                }
            }
            Assert.NotNull(kernels);
            Assert.Contains("public static partial class Kernels", kernels);
            Assert.Contains("public static void DenseForward(", kernels);
        }

        /// <summary>Issue 17: the packed README is the one written for package users: no links relative to the repository
        /// (they break on the package page), every link into the project under its project URL naming a file that exists, and
        /// the project URL the diagnostics' help links start with.</summary>
        private static void AssertPackageReadme(System.IO.Compression.ZipArchive zip, string root)
        {
            string readme;
            using (var reader = new StreamReader(zip.GetEntry("README.md")!.Open())) readme = reader.ReadToEnd();
            Assert.DoesNotContain("./train.sh", readme);
            string nuspec;
            using (var reader = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open())) nuspec = reader.ReadToEnd();
            string project = System.Text.RegularExpressions.Regex.Match(nuspec, "<projectUrl>([^<]+)</projectUrl>").Groups[1].Value;
            Assert.Equal("https://github.com/unrolled/unrolled", project);
            foreach (string descriptors in new[] { "src/Generator/Diagnostics/DiagnosticDescriptors.cs", "src/Analyzers/DiagnosticDescriptors.cs" })
            {
                // The generator's and the analyzers' HelpLink: "<project URL>/blob/main/docs/diagnostics/" + id + ".md".
                string source = File.ReadAllText(Path.Combine(root, descriptors));
                string help = System.Text.RegularExpressions.Regex.Match(source, "HelpLink\\(string id\\) => \"([^\"]+)\" \\+ id").Groups[1].Value;
                Assert.Equal(project + "/blob/main/docs/diagnostics/", help);
            }
            var links = System.Text.RegularExpressions.Regex.Matches(readme, @"\]\(([^)]+)\)").Select(m => m.Groups[1].Value).ToArray();
            Assert.NotEmpty(links);
            foreach (string link in links)
            {
                Assert.StartsWith(project + "/blob/main/", link); // absolute, into the project
                Assert.True(File.Exists(Path.Combine(root, link.Substring((project + "/blob/main/").Length))), $"{link} names no file of the repository");
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
