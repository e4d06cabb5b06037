using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Unrolled.Analyzers.Tests
{
    /// <summary>Offline references: net10.0 reference assemblies from Basic.Reference.Assemblies plus the Unrolled runtime.</summary>
    internal static class References
    {
        public static readonly ReferenceAssemblies Assemblies = new ReferenceAssemblies("net10.0");

        public static readonly MetadataReference[] Extra =
            Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
                .Append(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location))
                .ToArray();

        public const string Usings = "using Unrolled;\n";
    }

    /// <summary>Runs one analyzer on markup source: <c>{|UNR0101:BatchNorm|}</c> marks the exact span and ID.</summary>
    internal static class Verify<TAnalyzer> where TAnalyzer : DiagnosticAnalyzer, new()
    {
        public static Task Analyzer(string source)
        {
            var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
            {
                TestCode = References.Usings + source,
                ReferenceAssemblies = References.Assemblies,
            };
            test.TestState.AdditionalReferences.AddRange(References.Extra);
            return test.RunAsync();
        }
    }

    /// <summary>Runs an analyzer and a code fix: the source's diagnostics, then the fixed source with none left.</summary>
    internal static class Verify<TAnalyzer, TCodeFix>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        /// <param name="fixAllIterations">How many fix-all passes are needed: one per rule (equivalence key) present.</param>
        public static Task Fix(string source, string fixedSource, int? fixAllIterations = null)
        {
            var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
            {
                TestCode = References.Usings + source,
                FixedCode = References.Usings + fixedSource,
                ReferenceAssemblies = References.Assemblies,
            };
            if (fixAllIterations is int passes) test.NumberOfFixAllIterations = passes;
            test.TestState.AdditionalReferences.AddRange(References.Extra);
            test.FixedState.AdditionalReferences.AddRange(References.Extra);
            return test.RunAsync();
        }
    }
}
