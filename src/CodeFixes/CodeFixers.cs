using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Unrolled.Analyzers.DiagnosticDescriptors;

namespace Unrolled.CodeFixes
{
    /// <summary>Base of the layer fixers: one code action per diagnostic, titled by <see cref="Title"/>, editing the root;
    /// the equivalence key is the rule's ID. Fix All (document, project, solution) applies the fixes of a document one after
    /// another, last layer first, each on the tree the previous ones left (<see cref="LayerFixAll"/>), so fixes in one
    /// class never see stale positions.</summary>
    public abstract class LayerCodeFixer : CodeFixProvider
    {
        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => new LayerFixAll(this);

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                var found = await LayerSyntax.FindAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false);
                if (found is null) continue;
                (SyntaxNode root, ClassDeclarationSyntax declaration, List<AttributeSyntax> layers, int index) = found.Value;
                string? title = Title(diagnostic, layers[index]);
                if (title is null) continue;
                Document document = context.Document;
                context.RegisterCodeFix(
                    // Keyed by rule, not by title, so "fix all" applies every instance of a rule (titles name the layer).
                    CodeAction.Create(title, _ => Task.FromResult(document.WithSyntaxRoot(Fix(root, declaration, layers, index, diagnostic))), equivalenceKey: diagnostic.Id),
                    diagnostic);
            }
        }

        /// <summary>Whether this fixer offers a fix for <paramref name="diagnostic"/> (its title is not null).</summary>
        internal bool Offers(Diagnostic diagnostic, AttributeSyntax layer) => Title(diagnostic, layer) != null;

        /// <summary>The code action's title, or null when no fix applies.</summary>
        private protected abstract string? Title(Diagnostic diagnostic, AttributeSyntax layer);

        /// <summary>The root with the fix applied; <paramref name="index"/> is the position in <paramref name="layers"/> of the
        /// layer the diagnostic is on.</summary>
        internal abstract SyntaxNode Fix(SyntaxNode root, ClassDeclarationSyntax declaration, List<AttributeSyntax> layers, int index, Diagnostic diagnostic);

        /// <summary>The position a diagnostic's TargetIndex names, relative to the layer it is on (so it stays right after
        /// earlier fixes in the same class shifted the layers before it).</summary>
        private protected static int Target(Diagnostic diagnostic, int index)
        {
            int target = LayerSyntax.Index(diagnostic, TargetIndex), layer = LayerSyntax.Index(diagnostic, LayerIndex);
            return target < 0 || layer < 0 ? -1 : index + (target - layer);
        }

        private protected static string Name(AttributeSyntax attribute) => attribute.Name.ToString();
    }

    /// <summary>
    /// Fix All for the layer fixers: per document, every diagnostic of the rule is tied to its attribute by an annotation,
    /// then fixed in turn from the end of the document backwards; the layer list of a class is re-read from the current tree
    /// before each fix (the layer attributes were annotated from the semantic model once).
    /// </summary>
    internal sealed class LayerFixAll : DocumentBasedFixAllProvider
    {
        private readonly LayerCodeFixer _fixer;

        public LayerFixAll(LayerCodeFixer fixer) => _fixer = fixer;

        protected override string GetFixAllTitle(FixAllContext fixAllContext) =>
            $"Fix all {fixAllContext.CodeActionEquivalenceKey ?? string.Join(", ", fixAllContext.DiagnosticIds)} in {fixAllContext.Scope.ToString().ToLowerInvariant()}";

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            string? key = fixAllContext.CodeActionEquivalenceKey;
            var chosen = diagnostics.Where(d => (key is null || d.Id == key) && _fixer.FixableDiagnosticIds.Contains(d.Id)).ToList();
            if (chosen.Count == 0) return document;
            var prepared = await LayerSyntax.PrepareAsync(document, chosen, fixAllContext.CancellationToken).ConfigureAwait(false);
            if (prepared is null) return document;
            (SyntaxNode root, List<(Diagnostic Diagnostic, SyntaxAnnotation Mark)> marks) = prepared.Value;
            foreach ((Diagnostic diagnostic, SyntaxAnnotation mark) in marks.OrderByDescending(m => m.Diagnostic.Location.SourceSpan.Start))
            {
                fixAllContext.CancellationToken.ThrowIfCancellationRequested();
                if (root.GetAnnotatedNodes(mark).FirstOrDefault() is not AttributeSyntax layer) continue;
                if (layer.FirstAncestorOrSelf<ClassDeclarationSyntax>() is not ClassDeclarationSyntax declaration) continue;
                List<AttributeSyntax> layers = LayerSyntax.AnnotatedLayers(declaration);
                int index = layers.IndexOf(layer);
                if (index < 0 || !_fixer.Offers(diagnostic, layer)) continue;
                root = _fixer.Fix(root, declaration, layers, index, diagnostic);
            }
            return document.WithSyntaxRoot(root);
        }
    }

    /// <summary>Moves a layer: BatchNorm before the activation (UNR0101), Dropout after BatchNorm and its activation
    /// (UNR0104) or after the activation (UNR0105).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class MoveLayerCodeFixer : LayerCodeFixer
    {
        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(BatchNormAfterActivation.Id, DropoutBeforeBatchNorm.Id, DropoutBeforeActivation.Id);

        private protected override string? Title(Diagnostic diagnostic, AttributeSyntax layer) =>
            diagnostic.Id == BatchNormAfterActivation.Id ? "Move [BatchNorm] before the activation" : "Move [Dropout] after the activation";

        internal override SyntaxNode Fix(SyntaxNode root, ClassDeclarationSyntax declaration, List<AttributeSyntax> layers, int index, Diagnostic diagnostic)
        {
            int target = Target(diagnostic, index);
            return target < 0 || target >= layers.Count ? root : LayerSyntax.Move(root, layers, index, target);
        }
    }

    /// <summary>Removes a layer: the second of two activations (UNR0106), a Softmax before the output, a layer after the
    /// output or Dropout/BatchNorm last (UNR0110), an activation before the output Softmax/Sigmoid (UNR0113), the second of
    /// two BatchNorms (UNR0119), Dropout(0) (UNR0120), an activation as the first layer (UNR0121).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class RemoveLayerCodeFixer : LayerCodeFixer
    {
        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(TwoActivations.Id, LayerAfterOutput.Id, ActivationBeforeOutput.Id, TwoBatchNorms.Id, DropoutOfZero.Id, ActivationFirst.Id);

        private protected override string? Title(Diagnostic diagnostic, AttributeSyntax layer) => $"Remove [{Name(layer)}]";

        internal override SyntaxNode Fix(SyntaxNode root, ClassDeclarationSyntax declaration, List<AttributeSyntax> layers, int index, Diagnostic diagnostic) =>
            LayerSyntax.Remove(root, layers[index]);
    }

    /// <summary>Inserts [ReLU] between two Dense layers, after the first one's BatchNorm and before its Dropout (UNR0107),
    /// appends [Softmax] (UNR0103), or inserts [Flatten] before a Dense or Softmax on an image (UNR0011, the generator's).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class InsertLayerCodeFixer : LayerCodeFixer
    {
        /// <summary>UNR0011 is reported by the generator: its ID, not its descriptor, is what the fixer knows.</summary>
        private const string NeedsFeatures = "UNR0011";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DenseAfterDense.Id, CrossEntropyWithoutSoftmax.Id, NeedsFeatures);

        private protected override string? Title(Diagnostic diagnostic, AttributeSyntax layer) =>
            diagnostic.Id == NeedsFeatures ? $"Insert [Flatten] before [{Name(layer)}]"
            : diagnostic.Id == DenseAfterDense.Id ? "Insert [ReLU] between the Dense layers"
            : "Append [Softmax]";

        internal override SyntaxNode Fix(SyntaxNode root, ClassDeclarationSyntax declaration, List<AttributeSyntax> layers, int index, Diagnostic diagnostic)
        {
            if (diagnostic.Id == NeedsFeatures) return LayerSyntax.Insert(root, declaration, layers[index], "Flatten", after: false);
            if (diagnostic.Id != DenseAfterDense.Id) return LayerSyntax.Insert(root, declaration, layers[index], "Softmax", after: true);
            int target = Target(diagnostic, index);
            return LayerSyntax.Insert(root, declaration, layers[target >= 0 && target <= index ? target : index], "ReLU", after: false);
        }
    }

    /// <summary>Edits an attribute argument: Loss = CrossEntropy on [Network] (UNR0102), UseBias = false (UNR0111),
    /// the suggested Init (UNR0112).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class AttributeArgumentCodeFixer : LayerCodeFixer
    {
        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(SoftmaxWithoutCrossEntropy.Id, BiasBeforeBatchNorm.Id, InitUnsuited.Id);

        private protected override string? Title(Diagnostic diagnostic, AttributeSyntax layer)
        {
            if (diagnostic.Id == SoftmaxWithoutCrossEntropy.Id) return "Set Loss = Loss.CrossEntropy";
            if (diagnostic.Id == BiasBeforeBatchNorm.Id) return "Set UseBias = false";
            return diagnostic.Properties.TryGetValue(Init, out string? init) ? $"Set Init = Init.{init}" : null;
        }

        internal override SyntaxNode Fix(SyntaxNode root, ClassDeclarationSyntax declaration, List<AttributeSyntax> layers, int index, Diagnostic diagnostic)
        {
            if (diagnostic.Id == SoftmaxWithoutCrossEntropy.Id)
            {
                AttributeSyntax? network = declaration.Parent is null ? null : FindNetworkAttribute(root, declaration);
                return network is null ? root : root.ReplaceNode(network, LayerSyntax.WithNamedArgument(network, "Loss", "global::Unrolled.Loss.CrossEntropy"));
            }
            AttributeSyntax dense = layers[index];
            AttributeSyntax edited = diagnostic.Id == BiasBeforeBatchNorm.Id
                ? LayerSyntax.WithNamedArgument(dense, "UseBias", "false")
                : LayerSyntax.WithNamedArgument(dense, "Init", "global::Unrolled.Init." + diagnostic.Properties[Init]);
            return root.ReplaceNode(dense, edited);
        }

        /// <summary>[Network] may sit on another partial declaration of the same class in the same file.</summary>
        private static AttributeSyntax? FindNetworkAttribute(SyntaxNode root, ClassDeclarationSyntax declaration)
        {
            static bool IsNetwork(AttributeSyntax a)
            {
                string name = a.Name.ToString();
                return name == "Network" || name == "NetworkAttribute" || name.EndsWith(".Network", System.StringComparison.Ordinal) || name.EndsWith(".NetworkAttribute", System.StringComparison.Ordinal);
            }
            AttributeSyntax? own = declaration.AttributeLists.SelectMany(l => l.Attributes).FirstOrDefault(IsNetwork);
            return own ?? root.DescendantNodes().OfType<ClassDeclarationSyntax>()
                .Where(c => c.Identifier.ValueText == declaration.Identifier.ValueText)
                .SelectMany(c => c.AttributeLists).SelectMany(l => l.Attributes).FirstOrDefault(IsNetwork);
        }
    }

    /// <summary>Adds <c>partial</c> to a [Network] class and its containing types (UNR0001, reported by the generator). Fix All
    /// adds it declaration by declaration on the current tree, so networks nested in one type make it partial once.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class AddPartialCodeFixer : CodeFixProvider
    {
        private const string Title = "Make the network partial";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("UNR0001");

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => new PartialFixAll();

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                TypeDeclarationSyntax? type = TypeOf(root, diagnostic);
                if (root is null || type is null) continue;
                Document document = context.Document;
                context.RegisterCodeFix(CodeAction.Create(Title, _ => Task.FromResult(document.WithSyntaxRoot(AddPartial(root, type))), diagnostic.Id), diagnostic);
            }
        }

        private static TypeDeclarationSyntax? TypeOf(SyntaxNode? root, Diagnostic diagnostic) =>
            root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>();

        private static SyntaxNode AddPartial(SyntaxNode root, TypeDeclarationSyntax type)
        {
            var targets = type.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Where(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword)).ToList();
            return root.ReplaceNodes(targets, (_, rewritten) =>
            {
                SyntaxToken partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
                if (rewritten.Modifiers.Count > 0) return rewritten.WithModifiers(rewritten.Modifiers.Add(partial));
                // No modifiers: "partial" takes the keyword's indentation and comments.
                SyntaxToken keyword = rewritten.Keyword;
                return rewritten
                    .WithKeyword(keyword.WithLeadingTrivia())
                    .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
            });
        }

        /// <summary>Marks every diagnosed type, then adds <c>partial</c> to each on the current tree.</summary>
        private sealed class PartialFixAll : DocumentBasedFixAllProvider
        {
            protected override string GetFixAllTitle(FixAllContext fixAllContext) => "Make every network partial";

            protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
            {
                SyntaxNode? root = await document.GetSyntaxRootAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
                if (root is null) return document;
                var marks = new Dictionary<TypeDeclarationSyntax, SyntaxAnnotation>();
                foreach (Diagnostic diagnostic in diagnostics)
                    if (TypeOf(root, diagnostic) is TypeDeclarationSyntax type && !marks.ContainsKey(type)) marks[type] = new SyntaxAnnotation();
                root = root.ReplaceNodes(marks.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(marks[original]));
                foreach (SyntaxAnnotation mark in marks.Values)
                    if (root.GetAnnotatedNodes(mark).FirstOrDefault() is TypeDeclarationSyntax type) root = AddPartial(root, type);
                return document.WithSyntaxRoot(root);
            }
        }
    }
}
