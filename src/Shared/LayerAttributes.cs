using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

// Compiled into both the generator and the analyzers (linked source): the two must agree on what a layer is and in
// which order the layers come.
namespace Unrolled.Shared
{
    /// <summary>Mirror of Unrolled.LayerKind (Roslyn components do not reference the runtime assembly).</summary>
    internal enum LayerKind { Dense, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, BatchNorm, Dropout, Flatten, Conv2D, MaxPool2D, AvgPool2D, GlobalAvgPool2D }

    /// <summary>One layer attribute applied to a network class, in source order.</summary>
    internal readonly struct LayerAttribute
    {
        public LayerAttribute(LayerKind kind, AttributeData data, AttributeSyntax? syntax)
        {
            Kind = kind;
            Data = data;
            Syntax = syntax;
        }

        public LayerKind Kind { get; }
        public AttributeData Data { get; }
        public AttributeSyntax? Syntax { get; }

        /// <summary>What the kind is (<see cref="LayerFacts"/>, declared once for generator and analyzers).</summary>
        public LayerFacts Facts => LayerFacts.Of(Kind);

        /// <summary>The attribute's name as written in source ("ReLU", "BatchNorm", …).</summary>
        public string Name => Facts.Name;

        public bool IsActivation => Facts.IsActivation;

        public bool IsSaturating => Facts.IsSaturating;

        /// <summary>A named argument's constant value, or null when absent.</summary>
        public object? Named(string name)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in Data.NamedArguments)
                if (argument.Key == name) return argument.Value.Value;
            return null;
        }
    }

    internal static class LayerAttributes
    {
        public const string Namespace = "Unrolled";
        public const string NetworkAttributeName = "Unrolled.NetworkAttribute";

        /// <summary>The layer kind of an attribute class in the Unrolled namespace, or null for any other attribute.</summary>
        public static LayerKind? KindOf(INamedTypeSymbol? type)
        {
            if (type is null || type.ContainingNamespace is not { Name: Namespace } ns || !ns.ContainingNamespace.IsGlobalNamespace) return null;
            return LayerFacts.ForAttribute(type.Name)?.Kind;
        }

        /// <summary>
        /// The layer attributes of <paramref name="type"/> in source order: file path, then position. The order
        /// <see cref="ISymbol.GetAttributes"/> returns is not a contract, so it is never relied on.
        /// </summary>
        public static List<LayerAttribute> InSourceOrder(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var layers = new List<(LayerAttribute Layer, string Path, int Start)>();
            foreach (AttributeData attribute in type.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                LayerKind? kind = KindOf(attribute.AttributeClass);
                if (kind is null) continue;
                SyntaxReference? reference = attribute.ApplicationSyntaxReference;
                layers.Add((new LayerAttribute(kind.Value, attribute, reference?.GetSyntax(cancellationToken) as AttributeSyntax),
                    reference?.SyntaxTree.FilePath ?? string.Empty, reference?.Span.Start ?? 0));
            }
            layers.Sort((a, b) =>
            {
                int byPath = string.CompareOrdinal(a.Path, b.Path);
                return byPath != 0 ? byPath : a.Start.CompareTo(b.Start);
            });
            return layers.ConvertAll(l => l.Layer);
        }

        /// <summary>How many distinct partial declarations carry layer attributes (more than one: the order is ambiguous).</summary>
        public static int DeclarationCount(List<LayerAttribute> layers)
        {
            var declarations = new HashSet<SyntaxNode>();
            foreach (LayerAttribute layer in layers)
                if (layer.Syntax?.Parent?.Parent is SyntaxNode declaration) declarations.Add(declaration);
            return declarations.Count;
        }
    }
}
