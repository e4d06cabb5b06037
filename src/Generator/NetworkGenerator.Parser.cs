using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Unrolled.Generator.Diagnostics;
using Unrolled.Generator.Helpers;
using Unrolled.Generator.Layers;
using Unrolled.Generator.Model;
using Unrolled.Shared;
using static Unrolled.Generator.Diagnostics.DiagnosticDescriptors;

namespace Unrolled.Generator
{
    public sealed partial class NetworkGenerator
    {
        /// <summary>Attribute data → <see cref="NetworkSpec"/> and <see cref="DiagnosticInfo"/>s. Never throws on user input.</summary>
        internal static class Parser
        {
            /// <summary>More layers than this make the generated file and build time grow without benefit.</summary>
            public const int MaxLayers = 256;

            /// <summary>Parameters live in one array indexed by int; 2^28 floats is already 1 GiB.</summary>
            public const long MaxParameters = 1L << 28;


            public static Result<NetworkSpec?> Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            {
                var errors = new List<DiagnosticInfo>();
                var symbol = (INamedTypeSymbol)context.TargetSymbol;
                var declaration = (ClassDeclarationSyntax)context.TargetNode;
                string name = symbol.Name;
                Location identifier = declaration.Identifier.GetLocation();

                CheckTypeShape(symbol, declaration, identifier, errors);

                AttributeData network = context.Attributes[0];
                if (HasCompileErrors(network)) return Fail(errors);
                SyntaxNode? networkSyntax = network.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
                ImmutableArray<TypedConstant> dimensions = network.ConstructorArguments;
                Shape input;
                if (dimensions.Length == 3)
                {
                    int channels = (int)dimensions[0].Value!, height = (int)dimensions[1].Value!, width = (int)dimensions[2].Value!;
                    if (channels < 1 || height < 1 || width < 1)
                        errors.Add(DiagnosticInfo.Create(InputSizeOutOfRange, networkSyntax,
                            string.Format(CultureInfo.InvariantCulture, "{0}×{1}×{2}", channels, height, width), name));
                    input = Shape.Image(Math.Max(channels, 1), Math.Max(height, 1), Math.Max(width, 1));
                    if (input.SizeUnchecked > MaxParameters)
                    {
                        errors.Add(DiagnosticInfo.Create(NetworkTooLarge, networkSyntax, name,
                            string.Format(CultureInfo.InvariantCulture, "its input has {0:N0} values per sample, above the limit of {1:N0}", input.SizeUnchecked, MaxParameters)));
                        return Fail(errors);
                    }
                }
                else
                {
                    int inputs = (int)dimensions[0].Value!;
                    if (inputs < 1) errors.Add(DiagnosticInfo.Create(InputSizeOutOfRange, networkSyntax, inputs, name));
                    input = Shape.Features(Math.Max(inputs, 1));
                }

                LossKind loss = LossKind.CrossEntropy;
                bool isDouble = false;
                int seed = 0;
                bool loops = false;
                foreach (KeyValuePair<string, TypedConstant> argument in network.NamedArguments)
                {
                    if (argument.Value.Kind == TypedConstantKind.Error) return Fail(errors);
                    switch (argument.Key)
                    {
                        case "Loss":
                            int lossValue = (int)argument.Value.Value!;
                            if (lossValue < 0 || lossValue > 2)
                                errors.Add(DiagnosticInfo.Create(HyperParameterOutOfRange, networkSyntax, "Loss", name, lossValue,
                                    "use Loss.CrossEntropy, Loss.BinaryCrossEntropy or Loss.MeanSquaredError"));
                            loss = (LossKind)lossValue;
                            break;
                        case "Precision":
                            int precision = (int)argument.Value.Value!;
                            if (precision < 0 || precision > 1)
                                errors.Add(DiagnosticInfo.Create(HyperParameterOutOfRange, networkSyntax, "Precision", name, precision,
                                    "use Precision.Single or Precision.Double"));
                            isDouble = precision == 1;
                            break;
                        case "Seed":
                            seed = (int)argument.Value.Value!;
                            break;
                        case "Code":
                            int code = (int)argument.Value.Value!;
                            if (code < 0 || code > 1)
                                errors.Add(DiagnosticInfo.Create(HyperParameterOutOfRange, networkSyntax, "Code", name, code,
                                    "use GeneratedCode.Kernels or GeneratedCode.Loops"));
                            loops = code == 1;
                            break;
                    }
                }

                // Layer attributes in source order (shared with the analyzers).
                List<LayerAttribute> layerAttributes = LayerAttributes.InSourceOrder(symbol, cancellationToken);
                int declarations = LayerAttributes.DeclarationCount(layerAttributes);
                if (declarations > 1) errors.Add(DiagnosticInfo.Create(LayersOnSeveralDeclarations, identifier, name, declarations));

                if (layerAttributes.Count > MaxLayers)
                    errors.Add(DiagnosticInfo.Create(NetworkTooLarge, identifier, name,
                        $"it has {layerAttributes.Count} layers and the limit is {MaxLayers}; one block per layer is emitted, so the generated file and build time grow with depth"));

                var layers = new List<LayerSpec>();
                Shape shape = input;
                long parameterOffset = 0;
                int statisticsOffset = 0;
                bool trainable = false;
                foreach (LayerAttribute attribute in layerAttributes)
                {
                    AttributeData data = attribute.Data;
                    AttributeSyntax? syntax = attribute.Syntax;
                    if (HasCompileErrors(data)) return Fail(errors);
                    int index = layers.Count + 1;
                    switch (LayerFacts.Of(attribute.Kind).Takes)
                    {
                        case InputRank.Features when shape.IsImage:
                            errors.Add(DiagnosticInfo.Create(NeedsFeatures, syntax?.GetLocation() ?? identifier, index, name, attribute.Name, shape));
                            shape = shape.Flattened; // as if the [Flatten] were there, so later layers are still checked
                            break;
                        case InputRank.Image when !shape.IsImage:
                            errors.Add(DiagnosticInfo.Create(NeedsImage, syntax?.GetLocation() ?? identifier, index, name, attribute.Name,
                                shape.Size == 1 ? "1 feature" : $"{shape} features"));
                            return Fail(errors); // no height or width to check the later windows against
                    }
                    LayerSpec layer = Catalogue.Of(attribute.Kind).Parse(new LayerArguments(attribute.Kind, data, syntax, index, shape,
                        (int)Math.Min(parameterOffset, int.MaxValue), statisticsOffset, name, errors));
                    long parameters = layer.Type.ParameterCountUnchecked(layer);
                    trainable |= parameters > 0;
                    if (parameterOffset + parameters > MaxParameters)
                    {
                        errors.Add(DiagnosticInfo.Create(NetworkTooLarge, syntax?.GetLocation() ?? identifier, name,
                            string.Format(CultureInfo.InvariantCulture,
                                "layer {0} brings the parameter count to {1:N0}, above the limit of {2:N0} (one flat array indexed by int; already 1 GiB of floats)",
                                index, parameterOffset + parameters, MaxParameters)));
                        return Fail(errors);
                    }
                    parameterOffset += parameters;
                    statisticsOffset += layer.StatisticsCount;
                    shape = layer.Output;
                    layers.Add(layer);
                }

                if (!trainable) errors.Add(DiagnosticInfo.Create(NoTrainableLayer, identifier, name));
                if (errors.Count > 0) return Fail(errors);

                var containing = new List<TypeShell>();
                for (INamedTypeSymbol? outer = symbol.ContainingType; outer != null; outer = outer.ContainingType)
                    containing.Insert(0, new TypeShell(KeywordOf(outer), outer.Name));
                string? ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;

                var spec = new NetworkSpec(ns, new EquatableArray<TypeShell>(containing), name, input, loss, isDouble, seed, loops,
                    new EquatableArray<LayerSpec>(layers));
                return new Result<NetworkSpec?>(spec, default);
            }

            private static void CheckTypeShape(INamedTypeSymbol symbol, ClassDeclarationSyntax declaration, Location identifier, List<DiagnosticInfo> errors)
            {
                string name = symbol.Name;
                if (symbol.IsStatic)
                    errors.Add(DiagnosticInfo.Create(UnsupportedNetworkType, identifier, name, "a static class has no instances to hold parameters; remove 'static'"));
                if (symbol.TypeParameters.Length > 0)
                    errors.Add(DiagnosticInfo.Create(UnsupportedNetworkType, identifier, name,
                        "generic networks are not supported, because sizes and types are fixed at compile time; declare a non-generic class per network"));
                for (INamedTypeSymbol? outer = symbol.ContainingType; outer != null; outer = outer.ContainingType)
                {
                    if (outer.TypeParameters.Length > 0)
                        errors.Add(DiagnosticInfo.Create(UnsupportedNetworkType, identifier, name,
                            $"it is nested in the generic type {outer.Name}; nest it in non-generic classes or move it to a namespace"));
                }

                var notPartial = new List<string>();
                foreach (TypeDeclarationSyntax outer in declaration.Ancestors().OfType<TypeDeclarationSyntax>())
                {
                    if (!outer.Modifiers.Any(SyntaxKind.PartialKeyword)) notPartial.Add(outer.Identifier.ValueText);
                }
                bool selfPartial = declaration.Modifiers.Any(SyntaxKind.PartialKeyword);
                if (!selfPartial || notPartial.Count > 0)
                {
                    string also = notPartial.Count == 0 ? string.Empty
                        : $" ({(selfPartial ? "its" : "and so must its")} containing type{(notPartial.Count > 1 ? "s" : string.Empty)} {string.Join(", ", notPartial)}{(selfPartial ? " must be partial too" : string.Empty)})";
                    errors.Add(DiagnosticInfo.Create(NetworkMustBePartial, identifier, name, also));
                }
            }

            /// <summary>The compiler already reports a broken attribute (wrong argument type, missing argument): stay silent.</summary>
            private static bool HasCompileErrors(AttributeData data) =>
                data.AttributeConstructor is null
                || data.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error || (a.Value is null && a.Kind != TypedConstantKind.Array))
                || data.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error || a.Value.Value is null);

            private static string KeywordOf(INamedTypeSymbol type) =>
                type.IsRecord ? (type.IsValueType ? "record struct" : "record")
                : type.TypeKind == TypeKind.Struct ? "struct"
                : type.TypeKind == TypeKind.Interface ? "interface"
                : "class";

            private static Result<NetworkSpec?> Fail(List<DiagnosticInfo> errors) =>
                new Result<NetworkSpec?>(null, new EquatableArray<DiagnosticInfo>(errors));
        }
    }
}
