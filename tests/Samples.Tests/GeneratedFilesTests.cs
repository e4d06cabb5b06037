using System.IO;
using System.Linq;
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
    }
}
