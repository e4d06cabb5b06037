using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Unrolled.Analyzers.Tests
{
    /// <summary>
    /// Runs analyzers, the generator and code fixes in-process on a workspace document, without the testing framework's
    /// per-case overhead, so a property test can try hundreds of declarations: diagnostics, a single fix, Fix All in a scope,
    /// and whether the result compiles with the generated code.
    /// </summary>
    internal sealed class FixHarness
    {
        private static readonly CSharpParseOptions s_parse = new CSharpParseOptions(LanguageVersion.Latest);

        private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;

        public FixHarness(params DiagnosticAnalyzer[] analyzers) => _analyzers = analyzers.ToImmutableArray();

        /// <summary>A document in a fresh workspace, in a library project that references the runtime.</summary>
        public static Document Document(string source)
        {
            var workspace = new AdhocWorkspace();
            ProjectId id = ProjectId.CreateNewId();
            Solution solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(id, VersionStamp.Default, "Nets", "Nets", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: s_parse, metadataReferences: References.Extra));
            DocumentId documentId = DocumentId.CreateNewId(id);
            solution = solution.AddDocument(documentId, "Nets.cs", SourceText.From(source));
            return solution.GetDocument(documentId)!;
        }

        /// <summary>The analyzers' diagnostics, and with <paramref name="generator"/> the generator's too.</summary>
        public async Task<ImmutableArray<Diagnostic>> DiagnoseAsync(Document document, bool generator = false)
        {
            Compilation compilation = (await document.Project.GetCompilationAsync().ConfigureAwait(false))!;
            ImmutableArray<Diagnostic> found = await compilation.WithAnalyzers(_analyzers).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
            if (!generator) return found;
            return found.AddRange(RunGenerator(compilation, out _));
        }

        private static ImmutableArray<Diagnostic> RunGenerator(Compilation compilation, out Compilation output)
        {
            GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new Generator.NetworkGenerator().AsSourceGenerator() }, parseOptions: s_parse);
            driver.RunGeneratorsAndUpdateCompilation(compilation, out output, out ImmutableArray<Diagnostic> diagnostics);
            return diagnostics;
        }

        /// <summary>Compiler and generator errors of the document with its generated code (empty: it compiles).</summary>
        public static async Task<string[]> ErrorsAsync(Document document)
        {
            Compilation compilation = (await document.Project.GetCompilationAsync().ConfigureAwait(false))!;
            ImmutableArray<Diagnostic> generator = RunGenerator(compilation, out Compilation output);
            return generator.Concat(output.GetDiagnostics())
                .Where(d => d.Severity == DiagnosticSeverity.Error)
                .Select(d => d.ToString())
                .ToArray();
        }

        /// <summary>The document after the code action registered for <paramref name="diagnostic"/>, or null when none is.</summary>
        public static async Task<Document?> FixAsync(Document document, Diagnostic diagnostic, CodeFixProvider fixer)
        {
            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
            await fixer.RegisterCodeFixesAsync(context).ConfigureAwait(false);
            CodeAction? chosen = actions.FirstOrDefault(a => a.EquivalenceKey == diagnostic.Id);
            return chosen is null ? null : await ApplyAsync(document, chosen).ConfigureAwait(false);
        }

        /// <summary>The document after the fixer's Fix All for <paramref name="id"/> in <paramref name="scope"/>, or null when
        /// the fixer offers none.</summary>
        public async Task<Document?> FixAllAsync(Document document, string id, CodeFixProvider fixer, FixAllScope scope, bool generator = false)
        {
            FixAllProvider? provider = fixer.GetFixAllProvider();
            if (provider is null || !provider.GetSupportedFixAllScopes().Contains(scope)) return null;
            var context = new FixAllContext(document, fixer, scope, id, new[] { id }, new Provider(this, generator), CancellationToken.None);
            CodeAction? action = await provider.GetFixAsync(context).ConfigureAwait(false);
            return action is null ? null : await ApplyAsync(document, action).ConfigureAwait(false);
        }

        private static async Task<Document> ApplyAsync(Document document, CodeAction action)
        {
            ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
            Solution changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            return changed.GetDocument(document.Id)!;
        }

        /// <summary>Supplies the diagnostics of a Fix All from the harness's analyzers (and generator).</summary>
        private sealed class Provider : FixAllContext.DiagnosticProvider
        {
            private readonly FixHarness _harness;
            private readonly bool _generator;

            public Provider(FixHarness harness, bool generator)
            {
                _harness = harness;
                _generator = generator;
            }

            public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            {
                SyntaxTree? tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
                return (await _harness.DiagnoseAsync(document, _generator).ConfigureAwait(false)).Where(d => d.Location.SourceTree == tree);
            }

            public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                Task.FromResult(Enumerable.Empty<Diagnostic>()); // every diagnostic of these rules is in a document

            public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            {
                var all = new List<Diagnostic>();
                foreach (Document document in project.Documents) all.AddRange(await GetDocumentDiagnosticsAsync(document, cancellationToken).ConfigureAwait(false));
                return all;
            }
        }

        /// <summary>What a fix may change and what it must keep, per class: the [Network] attribute, the layer attributes
        /// in order (whitespace removed, so a reformatted list compares equal), and whether the class is partial.</summary>
        public static async Task<Dictionary<string, string>> ShapesAsync(Document document)
        {
            SyntaxNode root = (await document.GetSyntaxRootAsync().ConfigureAwait(false))!;
            var shapes = new Dictionary<string, string>();
            foreach (ClassDeclarationSyntax declaration in root.DescendantNodes().OfType<ClassDeclarationSyntax>())
            {
                IEnumerable<string> attributes = declaration.AttributeLists.SelectMany(l => l.Attributes).Select(a => Normalize(a.ToString()));
                if (!attributes.Any()) continue;
                string partial = declaration.Modifiers.Any(SyntaxKind.PartialKeyword) ? "partial " : string.Empty;
                shapes[declaration.Identifier.ValueText] = partial + string.Join(" ", attributes);
            }
            return shapes;
        }

        public static string Normalize(string attribute) =>
            new string(attribute.Where(c => !char.IsWhiteSpace(c)).ToArray()).Replace("global::Unrolled.", string.Empty);

        /// <summary>The class a diagnostic is in and the position of the attribute it is on among the class's attributes
        /// after [Network] (−1 when it is not on a layer attribute).</summary>
        public static (string Class, int Layer) Where(Diagnostic diagnostic)
        {
            SyntaxNode node = diagnostic.Location.SourceTree!.GetRoot().FindNode(diagnostic.Location.SourceSpan);
            ClassDeclarationSyntax declaration = node.FirstAncestorOrSelf<ClassDeclarationSyntax>()!;
            List<AttributeSyntax> layers = declaration.AttributeLists.SelectMany(l => l.Attributes).Where(a => a.Name.ToString() != "Network").ToList();
            AttributeSyntax? attribute = node.FirstAncestorOrSelf<AttributeSyntax>();
            return (declaration.Identifier.ValueText, attribute is null ? -1 : layers.IndexOf(attribute));
        }
    }
}
