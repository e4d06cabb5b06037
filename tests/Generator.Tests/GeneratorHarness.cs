using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Unrolled.Generator.Tests
{
    /// <summary>Runs the generator on source text with offline net10.0 reference assemblies plus the Unrolled runtime.</summary>
    internal static class GeneratorHarness
    {
        public static readonly ImmutableArray<MetadataReference> References =
            Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
                .Append(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location))
                .ToImmutableArray();

        public static CSharpParseOptions Parse(LanguageVersion version = LanguageVersion.Latest) => new CSharpParseOptions(version);

        public static CSharpCompilation Compile(string source, LanguageVersion version = LanguageVersion.Latest, string path = "Network.cs") =>
            Compile(new[] { (source, path) }, version);

        public static CSharpCompilation Compile(IEnumerable<(string Source, string Path)> sources, LanguageVersion version = LanguageVersion.Latest) =>
            CSharpCompilation.Create("Consumer",
                sources.Select(s => CSharpSyntaxTree.ParseText(s.Source, Parse(version), s.Path)),
                References,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: version >= LanguageVersion.CSharp8 ? NullableContextOptions.Enable : NullableContextOptions.Disable));

        public static GeneratorDriver CreateDriver(LanguageVersion version = LanguageVersion.Latest, bool track = false) =>
            CSharpGeneratorDriver.Create(
                new[] { new NetworkGenerator().AsSourceGenerator() },
                parseOptions: Parse(version),
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));

        /// <summary>Generates, and returns the result plus the compilation that includes the generated files.</summary>
        public static (GeneratorDriverRunResult Result, Compilation Output) Run(string source, LanguageVersion version = LanguageVersion.Latest)
        {
            CSharpCompilation compilation = Compile(source, version);
            GeneratorDriver driver = CreateDriver(version).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
            return (driver.GetRunResult(), output);
        }

        /// <summary>Generates and asserts the generator threw nothing and the output compiles without errors or warnings.</summary>
        public static GeneratorDriverRunResult RunAndCompile(string source, LanguageVersion version = LanguageVersion.Latest)
        {
            (GeneratorDriverRunResult result, Compilation output) = Run(source, version);
            Exception? exception = result.Results.Single().Exception;
            if (exception != null) throw new Xunit.Sdk.XunitException("The generator threw: " + exception);
            Diagnostic[] problems = output.GetDiagnostics()
                .Where(d => d.Severity >= DiagnosticSeverity.Warning)
                .ToArray();
            if (problems.Length > 0)
                throw new Xunit.Sdk.XunitException("Generated code does not compile cleanly:\n" + string.Join("\n", problems.Take(20).Select(d => d.ToString())));
            return result;
        }
    }
}
