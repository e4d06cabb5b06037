using Microsoft.CodeAnalysis;

namespace Unrolled.Generator.Diagnostics
{
    // If you change this file, update AnalyzerReleases.Unshipped.md, docs/diagnostics/ and the README's table.
    // UNR0001–UNR0099 are reported by the generator only: they make generation impossible.
    internal static class DiagnosticDescriptors
    {
        public const string Category = "Usage";

        private static DiagnosticDescriptor Create(string id, string title, string messageFormat, string description) =>
            new DiagnosticDescriptor(id, title, messageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
                description: description, helpLinkUri: HelpLink(id), customTags: WellKnownDiagnosticTags.NotConfigurable);

        /// <summary>Every rule has a page in the repository.</summary>
        public static string HelpLink(string id) => "https://github.com/unrolled/unrolled/blob/main/docs/diagnostics/" + id + ".md";

        /// <summary>Format: <c>"{0} must be partial so that Unrolled can add the generated network to it{1}"</c>.</summary>
        public static readonly DiagnosticDescriptor NetworkMustBePartial = Create("UNR0001",
            "A [Network] class must be partial",
            "{0} must be partial so that Unrolled can add the generated network to it{1}",
            "The generator adds Forward, Backward and the parameter buffers to the class in another file, which C# only allows for partial types (and partial containing types).");

        /// <summary>Format: <c>"Input size {0} of {1} must be at least 1"</c>.</summary>
        public static readonly DiagnosticDescriptor InputSizeOutOfRange = Create("UNR0002",
            "Input size must be at least 1",
            "Input size {0} of {1} must be at least 1",
            "[Network(inputs)] gives the number of features of one sample, e.g. 784 for a 28×28 image.");

        /// <summary>Format: <c>"{0} has no trainable layer: add at least one [Dense(units)]"</c>.</summary>
        public static readonly DiagnosticDescriptor NoTrainableLayer = Create("UNR0003",
            "The network has no trainable layer",
            "{0} has no trainable layer: add at least one [Dense(units)]",
            "A network needs parameters to learn: at least one Dense or BatchNorm layer.");

        /// <summary>Format: <c>"Layer attributes of {0} appear on {1} partial declarations; put them all on one declaration so their order is the layer order"</c>.</summary>
        public static readonly DiagnosticDescriptor LayersOnSeveralDeclarations = Create("UNR0004",
            "Layer attributes on more than one partial declaration",
            "Layer attributes of {0} appear on {1} partial declarations; put them all on one declaration so their order is the layer order",
            "The order of the layer attributes is the order of the layers. Across several partial declarations (or files) that order is ambiguous.");

        /// <summary>Format: <c>"Dense layer {0} of {1} has {2} units; it needs at least 1"</c>.</summary>
        public static readonly DiagnosticDescriptor DenseUnitsOutOfRange = Create("UNR0005",
            "Dense units must be at least 1",
            "Dense layer {0} of {1} has {2} units; it needs at least 1",
            "A Dense layer with no units produces nothing.");

        /// <summary>Format: <c>"Dropout rate {0} of layer {1} of {2} must be at least 0 and less than 1"</c>.</summary>
        public static readonly DiagnosticDescriptor DropoutRateOutOfRange = Create("UNR0006",
            "Dropout rate must be in [0, 1)",
            "Dropout rate {0} of layer {1} of {2} must be at least 0 and less than 1",
            "A rate of 1 or more zeroes every activation (and the 1/(1 − rate) scaling divides by zero); a negative rate is meaningless (Keras Dropout contract).");

        /// <summary>Format: <c>"{0} of layer {1} of {2} is {3}; {4}"</c>.</summary>
        public static readonly DiagnosticDescriptor HyperParameterOutOfRange = Create("UNR0007",
            "Hyper-parameter out of range",
            "{0} of {1} is {2}; {3}",
            "BatchNorm momentum must be in [0, 1) and epsilon greater than 0; a LeakyReLU slope must be at least 0; enum arguments must name a defined value.");

        /// <summary>Format: <c>"{0} cannot be a network: {1}"</c>.</summary>
        public static readonly DiagnosticDescriptor UnsupportedNetworkType = Create("UNR0008",
            "Unsupported network type",
            "{0} cannot be a network: {1}",
            "A network is a non-generic, non-static class; it may be nested in other non-generic partial classes and namespaces.");

        /// <summary>Format: <c>"{0} is too large to unroll: {1}"</c>.</summary>
        public static readonly DiagnosticDescriptor NetworkTooLarge = Create("UNR0009",
            "Network too large to unroll",
            "{0} is too large to unroll: {1}",
            "Unrolled emits one block per layer and keeps all parameters in one array indexed by int. Very deep networks make the generated file and build time grow without benefit, and parameters beyond the limit do not fit the flat buffers.");

        /// <summary>Format: <c>"Layer {0} of {1} ([{2}]) has a {3} window on its {4} input, which leaves {5}: {6}"</c>.</summary>
        public static readonly DiagnosticDescriptor WindowDoesNotFit = Create("UNR0010",
            "A window larger than its input, or an output below 1",
            "Layer {0} of {1} ([{2}]) has a {3} window on its {4} input, which leaves {5}: {6}",
            "A convolution or pooling window slides inside its (padded) input; one that is larger than the input has no position to take, and the output would have no rows or columns. Shapes are checked at compile time, so the network fails to build here instead of at run time.");

        /// <summary>Format: <c>"Layer {0} of {1} ([{2}]) needs features, but its input is a {3} image (channels × height × width): insert [Flatten] before it"</c>.</summary>
        public static readonly DiagnosticDescriptor NeedsFeatures = Create("UNR0011",
            "A layer that needs features on a channels × height × width input",
            "Layer {0} of {1} ([{2}]) needs features, but its input is a {3} image (channels × height × width): insert [Flatten] before it",
            "Dense and Softmax work on a vector of features. Keras and PyTorch also ask for an explicit Flatten between the convolutional part of a network and its dense part, so that the order of the features (c·H·W + h·W + w, as torch.flatten) is stated, not guessed.");

        /// <summary>Format: <c>"Layer {0} of {1} ([{2}]) needs a channels × height × width input, but its input is {3}: declare the input as [Network(channels, height, width)], or move the layer before the [Flatten]"</c>.</summary>
        public static readonly DiagnosticDescriptor NeedsImage = Create("UNR0012",
            "A layer that needs a channels × height × width input on features",
            "Layer {0} of {1} ([{2}]) needs a channels × height × width input, but its input is {3}: declare the input as [Network(channels, height, width)], or move the layer before the [Flatten]",
            "Convolution, pooling and Flatten slide over or unroll the height and width of their input; a vector of features has neither. [Network(784)] declares 784 features; [Network(1, 28, 28)] declares the same pixels as one 28×28 channel.");

        /// <summary>Format: <c>"{0} of layer {1} of {2} is {3}; it must be at least 1"</c>.</summary>
        public static readonly DiagnosticDescriptor WindowArgumentOutOfRange = Create("UNR0013",
            "Stride, filters, kernel or pool size below 1",
            "{0} of layer {1} of {2} is {3}; it must be at least 1",
            "A convolution needs at least one filter and a kernel of at least 1 × 1; a window moves by a stride of at least 1 (Keras and PyTorch reject the same values at run time).");
    }
}
