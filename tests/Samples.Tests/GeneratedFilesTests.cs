using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Text;
using System.Text.RegularExpressions;
using Unrolled.Tests.Shared;
using Xunit;

namespace Unrolled.Samples.Tests
{
    /// <summary>Issue 17: the generated files the README's "Reading the generated code" names are where it says, after the
    /// build this suite runs on (samples/Common writes them with EmitCompilerGeneratedFiles).</summary>
    public class GeneratedFilesTests
    {
        [Fact]
        public void TheGeneratedFilesAreWhereTheReadmeSays()
        {
            string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
            string section = readme.Substring(readme.IndexOf("## Reading the generated code", System.StringComparison.Ordinal));
            Match listing = Regex.Match(section, "```\n(samples/[^\n]*/)\n((?:    \\S+\\.g\\.cs[^\n]*\n)+)```");
            Assert.True(listing.Success, "the README's listing of generated files was not found");
            string directory = Path.Combine(Repository.Root, listing.Groups[1].Value.Replace("/Release/", "/" + Repository.Configuration + "/"));
            string[] lines = listing.Groups[2].Value.Split('\n').Where(l => l.Trim().Length > 0).ToArray();
            Assert.True(lines.Length >= 4);
            foreach (string line in lines)
            {
                string file = line.Trim().Split(' ')[0];
                string path = Path.Combine(directory, file);
                Assert.True(File.Exists(path), $"{file} is not in {directory}");
                // "…:  // z1 = W1·x + b1": the comment the README quotes is in the file (spacing aside).
                int quote = line.IndexOf(":  // ", System.StringComparison.Ordinal);
                if (quote < 0) continue;
                string quoted = line.Substring(quote + ":  // ".Length).Trim();
                string text = Regex.Replace(File.ReadAllText(path), "[ \t]+", " ");
                Assert.Contains(Regex.Replace(quoted, "[ \t]+", " "), text);
            }
        }

        /// <summary>The section's <c>cs</c> excerpts are true: the declaration is the sample's TinyNNLoops, and every excerpt of
        /// generated code is in its generated files, line for line (indentation aside).</summary>
        [Fact]
        public void TheReadmesLoopsModeExcerptsAreInTheGeneratedFiles()
        {
            string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
            int start = readme.IndexOf("## Reading the generated code", StringComparison.Ordinal);
            string section = readme.Substring(start, readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal) - start);
            string[] excerpts = Regex.Matches(section, "```cs\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToArray();
            Assert.True(excerpts.Length >= 2, "the loops-mode excerpts were not found");
            string directory = Path.Combine(Repository.Root, "samples", "Common", "obj", Repository.Configuration, "net10.0", "generated",
                "Unrolled.Generator", "Unrolled.Generator.NetworkGenerator");
            string generated = Lines(string.Join("\n", Directory.GetFiles(directory, "Unrolled.Samples.TinyNNLoops.*.g.cs").Select(File.ReadAllText)));
            string declarations = Lines(File.ReadAllText(Path.Combine(Repository.Root, "samples", "Common", "Networks.cs")));
            foreach (string excerpt in excerpts)
            {
                string lines = Lines(excerpt);
                Assert.True((excerpt.Contains("[Network(") ? declarations : generated).Contains(lines), "not in the generated files or the sample:\n" + excerpt);
            }
        }

        /// <summary>A debugger can step through the loops: the compiler embedded the generated files in the sample's PDB, with
        /// sequence points on the line the README names for a breakpoint.</summary>
        [Fact]
        public void TheSamplesPdbEmbedsTheLoopsModeFilesWithSequencePoints()
        {
            const string breakpoint = "dW1[j * 784 + i] = sum;";
            string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
            Assert.Contains($"Put a breakpoint on `{breakpoint}`", readme);
            string pdb = Path.ChangeExtension(typeof(Unrolled.Samples.TinyNNLoops).Assembly.Location, ".pdb");
            using var provider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdb));
            MetadataReader reader = provider.GetMetadataReader();
            DocumentHandle document = reader.Documents.Single(h => reader.GetString(reader.GetDocument(h).Name).EndsWith("Unrolled.Samples.TinyNNLoops.Backward.g.cs", StringComparison.Ordinal));
            string source = EmbeddedSource(reader, document);
            string[] lines = source.Split('\n');
            int line = Array.FindIndex(lines, l => l.Contains(breakpoint)) + 1;
            Assert.True(line > 0, "the breakpoint's line is not in the embedded source");
            bool bound = reader.MethodDebugInformation
                .SelectMany(h => reader.GetMethodDebugInformation(h).GetSequencePoints())
                .Any(p => p.Document == document && !p.IsHidden && p.StartLine == line);
            Assert.True(bound, $"no sequence point on line {line} of the generated backward file: a breakpoint there would not bind");
        }

        private static readonly Guid s_embeddedSource = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

        /// <summary>The source text a portable PDB embeds for a document (a 4-byte format, then raw or deflated UTF-8).</summary>
        private static string EmbeddedSource(MetadataReader reader, DocumentHandle document)
        {
            foreach (CustomDebugInformationHandle handle in reader.GetCustomDebugInformation(document))
            {
                CustomDebugInformation information = reader.GetCustomDebugInformation(handle);
                if (reader.GetGuid(information.Kind) != s_embeddedSource) continue;
                byte[] blob = reader.GetBlobBytes(information.Value);
                int format = BitConverter.ToInt32(blob, 0);
                byte[] bytes = blob.Skip(4).ToArray();
                if (format > 0)
                {
                    using var inflated = new MemoryStream();
                    using (var deflate = new DeflateStream(new MemoryStream(bytes), CompressionMode.Decompress)) deflate.CopyTo(inflated);
                    bytes = inflated.ToArray();
                }
                return Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
            }
            throw new Xunit.Sdk.XunitException("the generated file's source is not embedded in the PDB");
        }

        /// <summary>The text's lines without their indentation, joined by newlines.</summary>
        private static string Lines(string text) => string.Join("\n", text.Replace("\r", string.Empty).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
    }
}
