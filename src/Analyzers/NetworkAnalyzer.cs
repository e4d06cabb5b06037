using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Unrolled.Shared;

namespace Unrolled.Analyzers
{
    /// <summary>A [Network] class as the analyzers see it: its layers in source order, their widths, and its loss.</summary>
    internal sealed class NetworkModel
    {
        private NetworkModel(INamedTypeSymbol type, List<LayerAttribute> layers, Shape input, Shape[] shapes, int loss)
        {
            Type = type;
            Input = input;
            Layers = layers;
            Shapes = shapes;
            Widths = Array.ConvertAll(shapes, shape => shape.Size);
            Loss = loss;
        }

        public INamedTypeSymbol Type { get; }

        /// <summary>Layer attributes in source order.</summary>
        public List<LayerAttribute> Layers { get; }

        /// <summary>Output shape of each layer, and its values per sample.</summary>
        public Shape[] Shapes { get; }

        /// <summary>The input shape of layer <paramref name="index"/> (0-based).</summary>
        public Shape InputShapeOf(int index) => index == 0 ? Input : Shapes[index - 1];

        /// <summary>The network's input shape.</summary>
        public Shape Input { get; }

        public int[] Widths { get; }

        /// <summary>Unrolled.Loss as an int: 0 cross-entropy, 1 binary cross-entropy, 2 mean squared error.</summary>
        public int Loss { get; }

        public const int CrossEntropy = 0, BinaryCrossEntropy = 1, MeanSquaredError = 2;

        public static string LossName(int loss) => loss switch
        {
            CrossEntropy => "cross-entropy",
            BinaryCrossEntropy => "binary cross-entropy",
            _ => "mean squared error",
        };

        /// <summary>Null when the class has no layers, broken attributes (the compiler reports them), or layers on several
        /// declarations (UNR0004, the generator's): there is no order to reason about.</summary>
        public static NetworkModel? Read(INamedTypeSymbol type, AttributeData network, CancellationToken cancellationToken)
        {
            if (!Valid(network)) return null;
            List<LayerAttribute> layers = LayerAttributes.InSourceOrder(type, cancellationToken);
            if (layers.Count == 0 || LayerAttributes.DeclarationCount(layers) > 1 || layers.Any(l => !Valid(l.Data) || l.Syntax is null)) return null;

            var shapes = new Shape[layers.Count];
            Shape input = InputShape(network), shape = input;
            for (int i = 0; i < layers.Count; i++)
            {
                shape = OutputShape(layers[i], shape);
                shapes[i] = shape;
            }
            int loss = 0;
            foreach (KeyValuePair<string, TypedConstant> argument in network.NamedArguments)
                if (argument.Key == "Loss" && argument.Value.Value is int value) loss = value;
            return new NetworkModel(type, layers, input, shapes, loss);
        }

        /// <summary>[Network(inputs)] or [Network(channels, height, width)]; out-of-range sizes (the generator's UNR0002) read as 1.</summary>
        private static Shape InputShape(AttributeData network)
        {
            int Dimension(int i) => network.ConstructorArguments.Length > i && network.ConstructorArguments[i].Value is int value ? Math.Max(value, 1) : 1;
            return network.ConstructorArguments.Length == 3 ? Shape.Image(Dimension(0), Dimension(1), Dimension(2)) : Shape.Features(Dimension(0));
        }

        /// <summary>The shape a layer gives; a layer on the wrong rank (the generator's UNR0011/UNR0012) reads as if it took it.</summary>
        private static Shape OutputShape(LayerAttribute layer, Shape input)
        {
            switch (layer.Kind)
            {
                case LayerKind.Dense:
                    return Shape.Features(layer.Data.ConstructorArguments.Length > 0 && layer.Data.ConstructorArguments[0].Value is int units ? Math.Max(units, 1) : 1);
                case LayerKind.Flatten:
                    return input.Flattened;
                case LayerKind.GlobalAvgPool2D:
                    return Shape.Features(input.Channels);
                case LayerKind.Conv2D:
                {
                    int filters = Argument(layer, 0), kernelHeight = Argument(layer, 1);
                    int kernelWidth = layer.Data.ConstructorArguments.Length > 2 ? Argument(layer, 2) : kernelHeight;
                    int stride = layer.Named("Stride") is int s && s > 0 ? s : 1;
                    bool same = layer.Named("Padding") is int padding && padding == 1;
                    return Window(filters, input, kernelHeight, kernelWidth, stride, same);
                }
                case LayerKind.MaxPool2D:
                case LayerKind.AvgPool2D:
                {
                    int size = Argument(layer, 0);
                    int stride = layer.Named("Stride") is int s && s > 0 ? s : size;
                    return Window(input.Channels, input, size, size, stride, same: false);
                }
                default:
                    return input;
            }
        }

        private static int Argument(LayerAttribute layer, int index) =>
            layer.Data.ConstructorArguments.Length > index && layer.Data.ConstructorArguments[index].Value is int value ? Math.Max(value, 1) : 1;

        /// <summary>The generator's window rule (<see cref="Shape.WindowOutput"/>, <see cref="Shape.SamePadding"/>); an output
        /// below 1 (its UNR0010) reads as 1.</summary>
        private static Shape Window(int channels, Shape input, int kernelHeight, int kernelWidth, int stride, bool same)
        {
            int rows = Shape.WindowOutput(input.Height, kernelHeight, stride, same ? Shape.SamePadding(input.Height, kernelHeight, stride) : 0);
            int columns = Shape.WindowOutput(input.Width, kernelWidth, stride, same ? Shape.SamePadding(input.Width, kernelWidth, stride) : 0);
            return Shape.Image(channels, Math.Max(rows, 1), Math.Max(columns, 1));
        }

        private static bool Valid(AttributeData data) =>
            data.AttributeConstructor != null
            && data.ConstructorArguments.All(a => a.Kind != TypedConstantKind.Error)
            && data.NamedArguments.All(a => a.Value.Kind != TypedConstantKind.Error);

        public Location LocationOf(int index) => Layers[index].Syntax!.GetLocation();

        /// <summary>Properties that tell a code fix which layer (and, optionally, which position) a diagnostic is about.</summary>
        public static ImmutableDictionary<string, string?> Properties(int layer, int? target = null, string? init = null)
        {
            var builder = ImmutableDictionary.CreateBuilder<string, string?>();
            builder.Add(DiagnosticDescriptors.LayerIndex, layer.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (target is int t) builder.Add(DiagnosticDescriptors.TargetIndex, t.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (init != null) builder.Add(DiagnosticDescriptors.Init, init);
            return builder.ToImmutable();
        }
    }

    /// <summary>
    /// Base of the layer analyzers: resolves [Network] once per compilation, builds a <see cref="NetworkModel"/> per
    /// network class, skips generated code and runs concurrently.
    /// </summary>
    public abstract class NetworkAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public sealed override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                INamedTypeSymbol? networkAttribute = start.Compilation.GetTypeByMetadataName(LayerAttributes.NetworkAttributeName);
                if (networkAttribute is null) return; // the runtime is not referenced: nothing to analyse
                start.RegisterSymbolAction(symbolContext =>
                {
                    var type = (INamedTypeSymbol)symbolContext.Symbol;
                    AttributeData? network = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, networkAttribute));
                    if (network is null) return;
                    NetworkModel? model = NetworkModel.Read(type, network, symbolContext.CancellationToken);
                    if (model != null) Analyze(model, symbolContext.ReportDiagnostic);
                }, SymbolKind.NamedType);
            });
        }

        private protected abstract void Analyze(NetworkModel network, Action<Diagnostic> report);
    }
}
