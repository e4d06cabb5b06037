using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Unrolled.Tests.Shared;
using Xunit;

namespace Unrolled.Analyzers.Tests
{
    /// <summary>Every rule the generator or an analyzer can report has its page, its help link to that page, and its row
    /// (the same row) in the README's table and in docs/diagnostics/README.md.</summary>
    public class CatalogueTests
    {
        private static DiagnosticDescriptor[] Descriptors() =>
            new[] { typeof(LayerOrderAnalyzer).Assembly, typeof(Generator.NetworkGenerator).Assembly }
                .SelectMany(a => a.GetTypes())
                .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
                .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
                .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
                .GroupBy(d => d.Id).Select(g => g.First())
                .OrderBy(d => d.Id, StringComparer.Ordinal)
                .ToArray();

        private static string[] Rows(string path, string linkPrefix) =>
            File.ReadAllLines(path).Where(l => l.StartsWith("| [UNR", StringComparison.Ordinal)).Select(l => linkPrefix.Length == 0 ? l : l.Replace(linkPrefix, string.Empty)).ToArray();

        [Fact]
        public void EveryRuleHasItsPageItsHelpLinkAndOneRowInBothTables()
        {
            DiagnosticDescriptor[] descriptors = Descriptors();
            Assert.True(descriptors.Length >= 30, $"{descriptors.Length} descriptors found");
            string pages = Path.Combine(Repository.Root, "docs", "diagnostics");
            string[] readme = Rows(Path.Combine(Repository.Root, "README.md"), "docs/diagnostics/");
            string[] catalogue = Rows(Path.Combine(pages, "README.md"), string.Empty);
            Assert.Equal(readme, catalogue);
            Assert.Equal(descriptors.Select(d => d.Id), readme.Select(r => Regex.Match(r, @"UNR\d{4}").Value));
            foreach (DiagnosticDescriptor descriptor in descriptors)
            {
                string page = Path.Combine(pages, descriptor.Id + ".md");
                Assert.True(File.Exists(page), $"{descriptor.Id} has no page {page}");
                Assert.StartsWith($"# {descriptor.Id}: ", File.ReadAllLines(page)[0]);
                Assert.EndsWith($"/docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri);
                string row = readme.Single(r => r.StartsWith($"| [{descriptor.Id}]", StringComparison.Ordinal));
                Assert.Contains($"| {descriptor.DefaultSeverity} |", row);
            }
        }
    }
}
