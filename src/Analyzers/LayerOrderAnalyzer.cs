using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Unrolled.Shared;
using static Unrolled.Analyzers.DiagnosticDescriptors;

namespace Unrolled.Analyzers
{
    /// <summary>
    /// Layer order: BatchNorm after an activation (UNR0101), Dropout before BatchNorm (UNR0104) or before the
    /// activation (UNR0105), two activations in a row (UNR0106), Dense after Dense (UNR0107), a Softmax before the output,
    /// a layer after the output Softmax or Dropout/BatchNorm last (UNR0110), an activation right before the output
    /// Softmax/Sigmoid (UNR0113), two BatchNorms in a row (UNR0119), Dropout(0) (UNR0120), an activation as the first
    /// layer (UNR0121). Each diagnostic sits on the layer its code fix moves, removes or inserts before.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LayerOrderAnalyzer : NetworkAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            BatchNormAfterActivation, DropoutBeforeBatchNorm, DropoutBeforeActivation, TwoActivations, DenseAfterDense, LayerAfterOutput, ActivationBeforeOutput,
            TwoBatchNorms, DropoutOfZero, ActivationFirst);

        private protected override void Analyze(NetworkModel network, Action<Diagnostic> report)
        {
            List<LayerAttribute> layers = network.Layers;
            int last = layers.Count - 1;
            bool IsOutputActivation(int i) => i == last && layers[i].Kind is LayerKind.Softmax or LayerKind.Sigmoid;
            // The output Softmax: the last one with no Dense after it. Layers after it are after the output; a Softmax
            // with a Dense after it is in the middle of the network.
            int lastDense = layers.FindLastIndex(l => l.Kind == LayerKind.Dense);
            int outputSoftmax = layers.FindLastIndex(l => l.Kind == LayerKind.Softmax);
            if (outputSoftmax < lastDense) outputSoftmax = -1;

            for (int i = 0; i < layers.Count; i++)
            {
                LayerAttribute layer = layers[i];
                LayerAttribute? previous = i > 0 ? layers[i - 1] : null;
                LayerAttribute? next = i < last ? layers[i + 1] : null;

                if (outputSoftmax >= 0 && i > outputSoftmax)
                {
                    // After the output: whatever the layer is, the mistake is that it is there (and only that is said).
                    report(Diagnostic.Create(LayerAfterOutput, network.LocationOf(i), NetworkModel.Properties(i),
                        $"[{layer.Name}] after the output Softmax: Softmax produces the output probabilities; remove [{layer.Name}]"));
                    continue;
                }

                if (layer.Kind == LayerKind.BatchNorm && previous is { IsActivation: true } activation)
                    report(Diagnostic.Create(BatchNormAfterActivation, network.LocationOf(i), NetworkModel.Properties(i, i - 1), activation.Name));

                if (layer.Kind == LayerKind.Dropout && next is { Kind: LayerKind.BatchNorm })
                {
                    bool activationAfter = i + 2 <= last && layers[i + 2].IsActivation && !IsOutputActivation(i + 2);
                    string also = activationAfter ? $" and its [{layers[i + 2].Name}]" : string.Empty;
                    report(Diagnostic.Create(DropoutBeforeBatchNorm, network.LocationOf(i), NetworkModel.Properties(i, activationAfter ? i + 2 : i + 1), also));
                }

                if (layer.Kind == LayerKind.Dropout && next is { IsActivation: true } following && !IsOutputActivation(i + 1))
                    report(Diagnostic.Create(DropoutBeforeActivation, network.LocationOf(i), NetworkModel.Properties(i, i + 1), following.Name));

                if (layer.IsActivation && previous is { IsActivation: true } before && !IsOutputActivation(i)
                    && !(layer.Kind == LayerKind.Softmax && i < lastDense)) // UNR0110 names a Softmax before the output
                    report(Diagnostic.Create(TwoActivations, network.LocationOf(i), NetworkModel.Properties(i), layer.Name, before.Name));

                if (layer.Kind is LayerKind.Dense or LayerKind.Conv2D)
                {
                    // Dense [BatchNorm…] [Dropout…] Dense: the ReLU goes after the BatchNorms and before the Dropouts
                    // (Dense → BatchNorm → activation → Dropout, the lesson's order). Between convolutions (and from a
                    // convolution into a Dense layer) Flatten and average pooling are linear as well.
                    int j = i - 1;
                    while (j >= 0 && layers[j].Kind is LayerKind.BatchNorm or LayerKind.Dropout or LayerKind.Flatten or LayerKind.AvgPool2D or LayerKind.GlobalAvgPool2D) j--;
                    if (j >= 0 && layers[j].Kind is LayerKind.Dense or LayerKind.Conv2D)
                    {
                        int insertAt = j + 1;
                        while (insertAt < i && layers[insertAt].Kind == LayerKind.BatchNorm) insertAt++;
                        report(Diagnostic.Create(DenseAfterDense, network.LocationOf(i), NetworkModel.Properties(i, insertAt), i + 1, j + 1, layer.Name, layers[j].Name));
                    }
                }

                if (layer.Kind == LayerKind.Softmax && i < lastDense)
                    report(Diagnostic.Create(LayerAfterOutput, network.LocationOf(i), NetworkModel.Properties(i),
                        "[Softmax] before the output: it squashes the hidden features into probabilities that sum to 1, and the Dense layers after it learn from that; remove this [Softmax] (the output Softmax comes last)"));
                else if (i == last && layer.Kind is LayerKind.Dropout or LayerKind.BatchNorm)
                    report(Diagnostic.Create(LayerAfterOutput, network.LocationOf(i), NetworkModel.Properties(i),
                        $"{layer.Name} as the last layer changes the predictions themselves: remove [{layer.Name}]"));

                if (IsOutputActivation(i) && previous is { IsActivation: true } clipping)
                    report(Diagnostic.Create(ActivationBeforeOutput, network.LocationOf(i - 1), NetworkModel.Properties(i - 1), clipping.Name, layer.Name));

                if (layer.Kind == LayerKind.BatchNorm && previous is { Kind: LayerKind.BatchNorm })
                    report(Diagnostic.Create(TwoBatchNorms, network.LocationOf(i), NetworkModel.Properties(i)));

                if (layer.Kind == LayerKind.Dropout && layer.Data.ConstructorArguments.Length > 0 && layer.Data.ConstructorArguments[0].Value is double rate && rate == 0)
                    report(Diagnostic.Create(DropoutOfZero, network.LocationOf(i), NetworkModel.Properties(i)));

                if (i == 0 && layer.IsActivation)
                    report(Diagnostic.Create(ActivationFirst, network.LocationOf(i), NetworkModel.Properties(i), layer.Name, layer.Facts.OnRawInputs));
            }
        }
    }

    /// <summary>Layer attributes on a class without [Network] (UNR0115): the generator ignores them, so they do nothing.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MissingNetworkAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(LayersWithoutNetwork);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                INamedTypeSymbol? networkAttribute = start.Compilation.GetTypeByMetadataName(LayerAttributes.NetworkAttributeName);
                if (networkAttribute is null) return;
                start.RegisterSymbolAction(symbolContext =>
                {
                    var type = (INamedTypeSymbol)symbolContext.Symbol;
                    foreach (AttributeData attribute in type.GetAttributes())
                        if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, networkAttribute)) return;
                    List<LayerAttribute> layers = LayerAttributes.InSourceOrder(type, symbolContext.CancellationToken);
                    if (layers.Count == 0 || layers[0].Syntax is null) return;
                    symbolContext.ReportDiagnostic(Diagnostic.Create(LayersWithoutNetwork, layers[0].Syntax!.GetLocation(), layers[0].Name, type.Name));
                }, SymbolKind.NamedType);
            });
        }
    }

    /// <summary>
    /// Output layer and loss: Softmax with a loss other than cross-entropy (UNR0102), cross-entropy on logits (UNR0103),
    /// Softmax over one unit or Sigmoid with cross-entropy (UNR0108), other mismatches (UNR0109).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LossPairingAnalyzer : NetworkAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            SoftmaxWithoutCrossEntropy, CrossEntropyWithoutSoftmax, WrongOutputForClasses, OutputDoesNotMatchLoss);

        private protected override void Analyze(NetworkModel network, Action<Diagnostic> report)
        {
            List<LayerAttribute> layers = network.Layers;
            for (int i = 0; i < layers.Count; i++)
            {
                if (layers[i].Kind == LayerKind.Softmax && network.Widths[i] == 1)
                    report(Diagnostic.Create(WrongOutputForClasses, network.LocationOf(i), NetworkModel.Properties(i),
                        "Softmax over a single unit always outputs 1: use [Sigmoid] with Loss.BinaryCrossEntropy for a yes/no output, or more units with [Softmax] and Loss.CrossEntropy"));
            }

            int last = layers.Count - 1;
            LayerAttribute output = layers[last];
            if (output.Kind is LayerKind.Dropout or LayerKind.BatchNorm) return; // UNR0110 says that first
            string lossName = NetworkModel.LossName(network.Loss);
            switch (network.Loss)
            {
                case NetworkModel.CrossEntropy:
                    if (output.Kind == LayerKind.Dense && network.Widths[last] == 1)
                        report(Diagnostic.Create(WrongOutputForClasses, network.LocationOf(last), NetworkModel.Properties(last),
                            "One output with cross-entropy: a Softmax over it would always output 1; for a yes/no output end with [Sigmoid] and use Loss.BinaryCrossEntropy"));
                    else if (output.Kind == LayerKind.Dense)
                        report(Diagnostic.Create(CrossEntropyWithoutSoftmax, network.LocationOf(last), NetworkModel.Properties(last), "Dense (logits)"));
                    else if (output.Kind == LayerKind.Sigmoid)
                        report(Diagnostic.Create(WrongOutputForClasses, network.LocationOf(last), NetworkModel.Properties(last),
                            "Sigmoid output with cross-entropy: use [Softmax] with Loss.CrossEntropy for one class per sample, or Loss.BinaryCrossEntropy for independent yes/no outputs"));
                    else if (output.Kind != LayerKind.Softmax)
                        report(Diagnostic.Create(OutputDoesNotMatchLoss, network.LocationOf(last), NetworkModel.Properties(last), output.Name, lossName,
                            $"cross-entropy needs probabilities; end with [Softmax] instead of [{output.Name}]"));
                    break;
                default:
                    if (output.Kind == LayerKind.Softmax && network.Widths[last] > 1)
                        report(Diagnostic.Create(SoftmaxWithoutCrossEntropy, network.LocationOf(last), NetworkModel.Properties(last), lossName));
                    else if (network.Loss == NetworkModel.BinaryCrossEntropy && output.Kind != LayerKind.Sigmoid && output.Kind != LayerKind.Softmax)
                        report(Diagnostic.Create(OutputDoesNotMatchLoss, network.LocationOf(last), NetworkModel.Properties(last), output.Name, lossName,
                            $"binary cross-entropy needs probabilities in (0, 1); end with [Sigmoid]{(output.Kind == LayerKind.Dense ? string.Empty : $" instead of [{output.Name}]")}"));
                    break;
            }
        }
    }

    /// <summary>Design suggestions: bias before BatchNorm (UNR0111), initialiser vs activation (UNR0112), deep saturating stacks (UNR0114).</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LayerConfigurationAnalyzer : NetworkAnalyzer
    {
        // Unrolled.Init values.
        private static readonly string[] s_inits = { "XavierUniform", "XavierNormal", "HeUniform", "HeNormal", "LeCunNormal" };

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(BiasBeforeBatchNorm, InitUnsuited, SaturatingStack);

        private protected override void Analyze(NetworkModel network, Action<Diagnostic> report)
        {
            List<LayerAttribute> layers = network.Layers;
            int saturating = 0;
            bool batchNorm = layers.Exists(l => l.Kind == LayerKind.BatchNorm);
            for (int i = 0; i < layers.Count; i++)
            {
                LayerAttribute layer = layers[i];
                if (layer.IsSaturating && ++saturating == 4 && !batchNorm)
                    report(Diagnostic.Create(SaturatingStack, network.LocationOf(i), NetworkModel.Properties(i), layers.FindAll(l => l.IsSaturating).Count));
                if (layer.Kind is not (LayerKind.Dense or LayerKind.Conv2D)) continue;

                bool useBias = layer.Named("UseBias") is not false;
                if (useBias && i + 1 < layers.Count && layers[i + 1].Kind == LayerKind.BatchNorm)
                    report(Diagnostic.Create(BiasBeforeBatchNorm, network.LocationOf(i), NetworkModel.Properties(i), i + 1, layer.Name));

                // The activation this layer feeds (through Dropout; BatchNorm in between rescales anyway).
                int j = i + 1;
                while (j < layers.Count && layers[j].Kind == LayerKind.Dropout) j++;
                if (j >= layers.Count) continue;
                int init = layer.Named("Init") is int value ? value : 0;
                if (init < 0 || init >= s_inits.Length) continue;
                LayerFacts next = layers[j].Facts;
                string? better = next.IsRectifier ? init switch { 0 => "HeUniform", 1 => "HeNormal", 4 => "HeNormal", _ => null }
                    : next.IsSaturating ? init switch { 2 => "XavierUniform", 3 => "XavierNormal", _ => null }
                    : null;
                if (better != null)
                    report(Diagnostic.Create(InitUnsuited, network.LocationOf(i), NetworkModel.Properties(i, init: better), i + 1, s_inits[init], layers[j].Name, better, layer.Name));
            }
        }
    }

    /// <summary>The shapes of a convolutional network: pooling that leaves input unused (UNR0116), element-wise Dropout on
    /// feature maps (UNR0117), a Dense layer after Flatten with millions of weights (UNR0118).</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ConvolutionShapeAnalyzer : NetworkAnalyzer
    {
        /// <summary>Above this many weights a Dense layer after Flatten is reported (a few million: 16 MB of floats).</summary>
        public const long HugeDense = 4_000_000;

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(PoolingLeavesInputUnused, DropoutOnFeatureMaps, HugeDenseAfterFlatten);

        private protected override void Analyze(NetworkModel network, Action<Diagnostic> report)
        {
            List<LayerAttribute> layers = network.Layers;
            for (int i = 0; i < layers.Count; i++)
            {
                LayerAttribute layer = layers[i];
                Shape input = network.InputShapeOf(i);
                if (!input.IsImage && layer.Kind != LayerKind.Dense) continue;
                switch (layer.Kind)
                {
                    case LayerKind.MaxPool2D:
                    case LayerKind.AvgPool2D:
                    {
                        int size = layer.Data.ConstructorArguments.Length > 0 && layer.Data.ConstructorArguments[0].Value is int k ? k : 0;
                        int stride = layer.Named("Stride") is int s ? s : size;
                        if (size < 1 || stride < 1 || size > input.Height || size > input.Width) break; // the generator's UNR0010/UNR0013
                        int rows = (input.Height - size) % stride, columns = (input.Width - size) % stride;
                        if (rows == 0 && columns == 0) break;
                        string unused = rows > 0 && columns > 0 ? $"{Count(rows, "row")} and {Count(columns, "column")}" : rows > 0 ? Count(rows, "row") : Count(columns, "column");
                        report(Diagnostic.Create(PoolingLeavesInputUnused, network.LocationOf(i), NetworkModel.Properties(i), layer.Name, i + 1, unused, input.ToString()));
                        break;
                    }
                    case LayerKind.Dropout:
                        report(Diagnostic.Create(DropoutOnFeatureMaps, network.LocationOf(i), NetworkModel.Properties(i), i + 1, input.ToString()));
                        break;
                    case LayerKind.Dense when i > 0 && layers[i - 1].Kind == LayerKind.Flatten:
                    {
                        long weights = (long)input.Size * network.Widths[i];
                        if (weights > HugeDense)
                            report(Diagnostic.Create(HugeDenseAfterFlatten, network.LocationOf(i), NetworkModel.Properties(i), i + 1,
                                weights.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), input.Size.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                                network.Widths[i].ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
                        break;
                    }
                }
            }
        }

        private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
    }
}
