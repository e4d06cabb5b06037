using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Unrolled.Analyzers;
using Unrolled.Shared;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Unrolled.CodeFixes
{
    /// <summary>
    /// Syntax edits on a network's layer attributes that keep comments and formatting: each position in the attribute
    /// lists keeps its own brackets and trivia, only the attributes inside move.
    /// </summary>
    internal static class LayerSyntax
    {
        /// <summary>Marks the layer attributes of the classes a Fix All edits, so they are found again in edited trees.</summary>
        private const string LayerMarkKind = "Unrolled.Layer";

        private static bool IsLayer(AttributeSyntax attribute, SemanticModel model, CancellationToken cancellationToken) =>
            LayerAttributes.KindOf(model.GetTypeInfo(attribute, cancellationToken).Type as INamedTypeSymbol) != null;

        /// <summary>The class declaration a diagnostic points into, its layer attributes in source order, and the position
        /// among them of the layer the diagnostic is on.</summary>
        public static async Task<(SyntaxNode Root, ClassDeclarationSyntax Class, List<AttributeSyntax> Layers, int Index)?> FindAsync(
            Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null) return null;
            SyntaxNode located = root.FindNode(diagnostic.Location.SourceSpan);
            ClassDeclarationSyntax? declaration = located.FirstAncestorOrSelf<ClassDeclarationSyntax>();
            if (declaration is null) return null;
            var layers = declaration.AttributeLists.SelectMany(list => list.Attributes).Where(a => IsLayer(a, model, cancellationToken)).ToList();
            int index = located.FirstAncestorOrSelf<AttributeSyntax>() is AttributeSyntax attribute ? layers.IndexOf(attribute) : -1;
            return index < 0 ? null : (root, declaration, layers, index);
        }

        /// <summary>For a Fix All: the root with every layer attribute of the affected classes marked, and each diagnostic's
        /// attribute marked with an annotation of its own.</summary>
        public static async Task<(SyntaxNode Root, List<(Diagnostic Diagnostic, SyntaxAnnotation Mark)> Marks)?> PrepareAsync(
            Document document, IReadOnlyList<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null) return null;
            var annotations = new Dictionary<AttributeSyntax, List<SyntaxAnnotation>>();
            var marks = new List<(Diagnostic, SyntaxAnnotation)>();
            foreach (Diagnostic diagnostic in diagnostics)
            {
                if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>() is not AttributeSyntax target) continue;
                if (target.FirstAncestorOrSelf<ClassDeclarationSyntax>() is not ClassDeclarationSyntax declaration) continue;
                foreach (AttributeSyntax attribute in declaration.AttributeLists.SelectMany(list => list.Attributes))
                    if (!annotations.ContainsKey(attribute) && IsLayer(attribute, model, cancellationToken))
                        annotations[attribute] = new List<SyntaxAnnotation> { new SyntaxAnnotation(LayerMarkKind) };
                if (!annotations.TryGetValue(target, out List<SyntaxAnnotation>? own)) continue;
                var mark = new SyntaxAnnotation();
                own.Add(mark);
                marks.Add((diagnostic, mark));
            }
            root = root.ReplaceNodes(annotations.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(annotations[original]));
            return (root, marks);
        }

        /// <summary>The marked layer attributes of a class in an edited tree, in source order.</summary>
        public static List<AttributeSyntax> AnnotatedLayers(ClassDeclarationSyntax declaration) =>
            declaration.AttributeLists.SelectMany(list => list.Attributes).Where(a => a.HasAnnotations(LayerMarkKind)).ToList();

        public static int Index(Diagnostic diagnostic, string key) =>
            diagnostic.Properties.TryGetValue(key, out string? value) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index) ? index : -1;

        /// <summary>Moves the layer at <paramref name="from"/> to position <paramref name="to"/>; the layers between shift by one.</summary>
        public static SyntaxNode Move(SyntaxNode root, List<AttributeSyntax> layers, int from, int to)
        {
            var contents = new Dictionary<AttributeSyntax, AttributeSyntax>();
            if (from < to)
            {
                for (int k = from; k < to; k++) contents[layers[k]] = layers[k + 1];
            }
            else
            {
                for (int k = from; k > to; k--) contents[layers[k]] = layers[k - 1];
            }
            contents[layers[to]] = layers[from];
            return root.ReplaceNodes(contents.Keys, (original, _) => contents[original].WithTriviaFrom(original));
        }

        /// <summary>Removes one layer attribute (its whole list when it is alone in it), keeping comments above it and the
        /// line break after it.</summary>
        public static SyntaxNode Remove(SyntaxNode root, AttributeSyntax layer)
        {
            var list = (AttributeListSyntax)layer.Parent!;
            if (list.Attributes.Count > 1) return root.RemoveNode(layer, SyntaxRemoveOptions.KeepNoTrivia)!;

            bool comments = list.GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia));
            SyntaxToken previous = list.GetFirstToken().GetPreviousToken();
            bool endsLine = list.GetTrailingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            bool previousEndsLine = previous.TrailingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            var marker = new SyntaxAnnotation();
            root = root.ReplaceNode(list, list.WithAdditionalAnnotations(marker));
            if (endsLine && !previousEndsLine && previous.RawKind != 0)
            {
                // [ReLU] [Dropout]⏎ → [ReLU]⏎ : the line break moves to the layer before.
                SyntaxToken before = root.FindToken(previous.SpanStart);
                root = root.ReplaceToken(before, before.WithTrailingTrivia(list.GetTrailingTrivia()));
            }
            SyntaxNode target = root.GetAnnotatedNodes(marker).First();
            return root.RemoveNode(target, comments ? SyntaxRemoveOptions.KeepLeadingTrivia : SyntaxRemoveOptions.KeepNoTrivia)!;
        }

        /// <summary>Inserts <c>[name]</c> just before (or after) <paramref name="anchor"/>, in the anchor's style.</summary>
        public static SyntaxNode Insert(SyntaxNode root, ClassDeclarationSyntax declaration, AttributeSyntax anchor, string name, bool after)
        {
            var anchorList = (AttributeListSyntax)anchor.Parent!;
            // Tokens without elastic trivia, so the code action's clean-up does not reformat the attribute lists; marked as a
            // layer, so a Fix All's later fixes in the same class see it.
            AttributeSyntax inserted = Attribute(IdentifierName(Identifier(TriviaList(), name, TriviaList()))).WithAdditionalAnnotations(new SyntaxAnnotation(LayerMarkKind));
            if (anchorList.Attributes.Count > 1)
            {
                int position = anchorList.Attributes.IndexOf(anchor) + (after ? 1 : 0);
                AttributeListSyntax widened = anchorList.WithAttributes(anchorList.Attributes.Insert(position, inserted)).WithAdditionalAnnotations(Formatter.Annotation);
                return root.ReplaceNode(anchorList, widened);
            }

            int index = declaration.AttributeLists.IndexOf(anchorList);
            AttributeListSyntax list = AttributeList(
                Token(TriviaList(), SyntaxKind.OpenBracketToken, TriviaList()), null, SingletonSeparatedList(inserted),
                Token(TriviaList(), SyntaxKind.CloseBracketToken, TriviaList()));
            SyntaxList<AttributeListSyntax> lists = declaration.AttributeLists;
            if (after)
            {
                // [Dense(10)]⏎  →  [Dense(10)] [Softmax]⏎
                list = list.WithLeadingTrivia(Space).WithTrailingTrivia(anchorList.GetTrailingTrivia());
                lists = lists.Replace(anchorList, anchorList.WithTrailingTrivia()).Insert(index + 1, list);
            }
            else
            {
                // ⇥[Dense(10)]  →  ⇥[ReLU] [Dense(10)]
                list = list.WithLeadingTrivia(anchorList.GetLeadingTrivia()).WithTrailingTrivia(Space);
                lists = lists.Replace(anchorList, anchorList.WithLeadingTrivia()).Insert(index, list);
            }
            return root.ReplaceNode(declaration, declaration.WithAttributeLists(lists));
        }

        /// <summary>Sets <c>Name = value</c> in an attribute, replacing an existing named argument or appending one.</summary>
        public static AttributeSyntax WithNamedArgument(AttributeSyntax attribute, string name, string valueExpression)
        {
            ExpressionSyntax value = ParseExpression(valueExpression).WithAdditionalAnnotations(Simplifier.Annotation);
            AttributeArgumentListSyntax arguments = attribute.ArgumentList ?? AttributeArgumentList();
            AttributeArgumentSyntax? existing = arguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
            if (existing != null) return attribute.ReplaceNode(existing.Expression, value.WithTriviaFrom(existing.Expression));

            AttributeArgumentSyntax added = AttributeArgument(
                NameEquals(IdentifierName(name), Token(SyntaxKind.EqualsToken).WithLeadingTrivia(Space).WithTrailingTrivia(Space)), null, value);
            var nodes = arguments.Arguments.ToList();
            var separators = arguments.Arguments.GetSeparators().ToList();
            if (nodes.Count > 0) separators.Add(Token(SyntaxKind.CommaToken).WithTrailingTrivia(Space));
            nodes.Add(added);
            return attribute.WithArgumentList(arguments.WithArguments(SeparatedList(nodes, separators)));
        }
    }
}
