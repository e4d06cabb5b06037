using Microsoft.CodeAnalysis;

namespace Unrolled.Analyzers
{
    /// <summary>Diagnostic categories, with the .NET names.</summary>
    internal static class DiagnosticCategories
    {
        public const string Design = "Design";
        public const string Usage = "Usage";
        public const string Performance = "Performance";
    }

    // Every analyzer descriptor, in one place. If you change this file, update AnalyzerReleases.Unshipped.md,
    // docs/diagnostics/ and the README's table. UNR0001–UNR0009 belong to the generator (one reporter per ID).
    internal static class DiagnosticDescriptors
    {
        /// <summary>Diagnostic property: the index (in source order) of the layer a code fix moves, edits or removes.</summary>
        public const string LayerIndex = "LayerIndex";

        /// <summary>Diagnostic property: the index a code fix moves the layer to, or the index of the related layer.</summary>
        public const string TargetIndex = "TargetIndex";

        /// <summary>Diagnostic property: the Init value a code fix writes.</summary>
        public const string Init = "Init";

        /// <summary>Every rule has a page in the repository.</summary>
        public static string HelpLink(string id) => "https://github.com/unrolled/unrolled/blob/main/docs/diagnostics/" + id + ".md";

        private static DiagnosticDescriptor Create(string id, string title, string messageFormat, string category, DiagnosticSeverity severity, string description) =>
            new DiagnosticDescriptor(id, title, messageFormat, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpLink(id));

        /// <summary>Format: <c>"BatchNorm after {0}: move [BatchNorm] before [{0}] so it normalises the pre-activations"</c>.</summary>
        public static readonly DiagnosticDescriptor BatchNormAfterActivation = Create("UNR0101",
            "BatchNorm placed after an activation",
            "BatchNorm after {0}: move [BatchNorm] before [{0}] so it normalises the pre-activations",
            DiagnosticCategories.Design, DiagnosticSeverity.Warning,
            "The lesson's BatchNorm placement rule (§4, quiz 4): Dense → BatchNorm → Activation. Pre-activations are roughly Gaussian; after ReLU they are half-rectified and normalising them is less effective.");

        /// <summary>Format: <c>"Softmax output with {0} loss: set Loss = Loss.CrossEntropy, whose gradient through softmax is ŷ − y"</c>.</summary>
        public static readonly DiagnosticDescriptor SoftmaxWithoutCrossEntropy = Create("UNR0102",
            "Softmax output with a loss other than cross-entropy",
            "Softmax output with {0} loss: set Loss = Loss.CrossEntropy, whose gradient through softmax is ŷ − y",
            DiagnosticCategories.Design, DiagnosticSeverity.Warning,
            "Softmax and cross-entropy are made for each other (the lesson §2 and quiz 2): the Jacobians cancel to the prediction error. With another loss the softmax Jacobian shrinks the gradient of confident wrong answers (NeuraLint f015).");

        /// <summary>Format: <c>"Cross-entropy loss but the last layer is {0}, not Softmax: append [Softmax] so the outputs are probabilities"</c>.</summary>
        public static readonly DiagnosticDescriptor CrossEntropyWithoutSoftmax = Create("UNR0103",
            "Cross-entropy without a final Softmax",
            "Cross-entropy loss but the last layer is {0}, not Softmax: append [Softmax] so the outputs are probabilities",
            DiagnosticCategories.Design, DiagnosticSeverity.Warning,
            "Cross-entropy takes the log of probabilities. Logits straight from a Dense layer are not probabilities (UMLAUT NoSoftmaxActivation; NeuraLint f008).");

        /// <summary>Format: <c>"Dropout directly before BatchNorm: BatchNorm sees another variance in training than in inference; move [Dropout] after [BatchNorm]{0}"</c>.</summary>
        public static readonly DiagnosticDescriptor DropoutBeforeBatchNorm = Create("UNR0104",
            "Dropout directly before BatchNorm",
            "Dropout directly before BatchNorm: BatchNorm sees another variance in training than in inference; move [Dropout] after [BatchNorm]{0}",
            DiagnosticCategories.Design, DiagnosticSeverity.Warning,
            "Dropout rescales its survivors in training only, so the variance BatchNorm's running statistics record is not the one it meets at inference (the 'variance shift', Li et al. 2019; NeuraLint f006).");

        /// <summary>Format: <c>"Dropout before {0}: move [Dropout] after [{0}] (the lesson: Dropout goes after the activation)"</c>.</summary>
        public static readonly DiagnosticDescriptor DropoutBeforeActivation = Create("UNR0105",
            "Dropout placed before the activation",
            "Dropout before {0}: move [Dropout] after [{0}] (the lesson: Dropout goes after the activation)",
            DiagnosticCategories.Design, DiagnosticSeverity.Info,
            "The lesson §4: 'Dropout goes AFTER the activation'. Before a ReLU, dropped zeros and negative pre-activations become indistinguishable.");

        /// <summary>Format: <c>"{0} directly after {1}: two activations in a row; remove [{0}]"</c>.</summary>
        public static readonly DiagnosticDescriptor TwoActivations = Create("UNR0106",
            "Two activations in a row",
            "{0} directly after {1}: two activations in a row; remove [{0}]",
            DiagnosticCategories.Design, DiagnosticSeverity.Warning,
            "A second activation right after the first rarely helps and often hurts (ReLU after sigmoid is the identity; sigmoid after ReLU squashes half its range away) (NeuraLint f003).");

        /// <summary>Format: <c>"Dense layer {0} follows Dense layer {1} with no non-linearity between them: they collapse to one linear map; insert [ReLU]"</c>.</summary>
        public static readonly DiagnosticDescriptor DenseAfterDense = Create("UNR0107",
            "Two Dense (or Conv2D) layers with no non-linearity between them",
            "{2} layer {0} follows {3} layer {1} with no non-linearity between them: they collapse to one linear map; insert [ReLU]",
            DiagnosticCategories.Design, DiagnosticSeverity.Warning,
            "W2·(W1·x + b1) + b2 is one linear map: the extra layer adds parameters but no capacity (NeuraLint f009). Two convolutions in a row are one convolution with a larger kernel; Flatten, average pooling, Dropout and BatchNorm (at inference) between them are linear too.");

        /// <summary>Format: <c>"{0}"</c> (Softmax over one unit, or Sigmoid with cross-entropy).</summary>
        public static readonly DiagnosticDescriptor WrongOutputForClasses = Create("UNR0108",
            "Softmax on a single unit, or Sigmoid with multi-class cross-entropy",
            "{0}",
            DiagnosticCategories.Design, DiagnosticSeverity.Error,
            "Softmax over one unit always outputs 1, so nothing is learned; sigmoid outputs are independent and do not sum to 1, so categorical cross-entropy is the wrong loss for them (NeuraLint f012, f017).");

        /// <summary>Format: <c>"{0} output does not match {1} loss: {2}"</c>.</summary>
        public static readonly DiagnosticDescriptor OutputDoesNotMatchLoss = Create("UNR0109",
            "Output activation does not match the loss",
            "{0} output does not match {1} loss: {2}",
            DiagnosticCategories.Design, DiagnosticSeverity.Warning,
            "Cross-entropy needs a probability distribution (Softmax), binary cross-entropy probabilities in (0, 1) (Sigmoid) (NeuraLint f015/f020; TheDeepChecker wrong_loss_selection).");

        /// <summary>Format: <c>"{0}"</c> (a layer after the output activation, or Dropout/BatchNorm last).</summary>
        public static readonly DiagnosticDescriptor LayerAfterOutput = Create("UNR0110",
            "A Softmax before the output, a layer after the output activation, or Dropout/BatchNorm as the last layer",
            "{0}",
            DiagnosticCategories.Design, DiagnosticSeverity.Warning,
            "The output activation shapes what the loss sees; a layer after it undoes that, a Softmax with Dense layers after it squashes hidden features into probabilities, and Dropout or BatchNorm as the last layer perturbs the predictions themselves (Neurarch R08).");

        /// <summary>Format: <c>"Dense layer {0} has a bias that the following BatchNorm's β cancels: set UseBias = false"</c>.</summary>
        public static readonly DiagnosticDescriptor BiasBeforeBatchNorm = Create("UNR0111",
            "Dense or Conv2D bias cancelled by BatchNorm",
            "{1} layer {0} has a bias that the following BatchNorm's β cancels: set UseBias = false",
            DiagnosticCategories.Performance, DiagnosticSeverity.Info,
            "BatchNorm subtracts the batch mean, which removes any constant bias; its own β does the shifting (NeuraLint f005).");

        /// <summary>Format: <c>"Dense layer {0} uses {1} initialisation before {2}: use Init.{3}"</c>.</summary>
        public static readonly DiagnosticDescriptor InitUnsuited = Create("UNR0112",
            "Initialiser unsuited to the following activation",
            "{4} layer {0} uses {1} initialisation before {2}: use Init.{3}",
            DiagnosticCategories.Design, DiagnosticSeverity.Info,
            "Xavier (Var = 2/(fan_in + fan_out)) keeps variance for linear/tanh/sigmoid layers; ReLU zeroes half its inputs, so He (Var = 2/fan_in) keeps the variance there (He et al. 2015; TheDeepChecker need_he / need_glorot).");

        /// <summary>Format: <c>"{0} directly before the output {1} clips the logits: remove [{0}]"</c>.</summary>
        public static readonly DiagnosticDescriptor ActivationBeforeOutput = Create("UNR0113",
            "An activation directly before the output Softmax or Sigmoid",
            "{0} directly before the output {1} clips the logits: remove [{0}]",
            DiagnosticCategories.Design, DiagnosticSeverity.Warning,
            "Softmax and sigmoid need unconstrained logits; ReLU removes every negative logit and sigmoid/tanh squeeze them into a small range, so the probabilities cannot become confident.");

        /// <summary>Format: <c>"{0} sigmoid/tanh layers without BatchNorm: gradients will vanish; add [BatchNorm] before the activations or use [ReLU]"</c>.</summary>
        public static readonly DiagnosticDescriptor SaturatingStack = Create("UNR0114",
            "Deep stack of saturating activations without BatchNorm",
            "{0} sigmoid/tanh layers without BatchNorm: gradients will vanish; add [BatchNorm] before the activations or use [ReLU]",
            DiagnosticCategories.Design, DiagnosticSeverity.Info,
            "σ'(x) ≤ 0.25: every sigmoid layer shrinks the gradient at least fourfold, so a deep stack learns nothing in its first layers (the lesson §1; AUTOTRAINER vanishing gradient).");

        /// <summary>Format: <c>"{0}: move or remove it"</c> (layer names and what is wrong), for UNR0119–UNR0121.</summary>
        public static readonly DiagnosticDescriptor TwoBatchNorms = Create("UNR0119",
            "Two BatchNorm layers in a row",
            "BatchNorm directly after BatchNorm: the second normalises what the first just normalised, so the first's γ and β are wasted; remove the second [BatchNorm]",
            DiagnosticCategories.Design, DiagnosticSeverity.Warning,
            "BatchNorm's output has, per unit, the batch mean β and standard deviation |γ|; a second BatchNorm maps it back to zero mean and unit variance, undoing the first's γ and β (the lesson §4: one BatchNorm per Dense, before the activation).");

        /// <summary>Format: <c>"[Dropout(0)] drops nothing: …"</c>.</summary>
        public static readonly DiagnosticDescriptor DropoutOfZero = Create("UNR0120",
            "Dropout with rate 0",
            "[Dropout(0)] drops nothing: it is the identity in training and inference; remove it, or give it a rate such as 0.2–0.5",
            DiagnosticCategories.Design, DiagnosticSeverity.Info,
            "Keras' Dropout(rate) drops each unit with probability rate; at 0 the layer does nothing but copy (Keras allows it, so this is a suggestion, not a warning).");

        /// <summary>Format: <c>"[{0}] is the first layer: it acts on the raw inputs …"</c>.</summary>
        public static readonly DiagnosticDescriptor ActivationFirst = Create("UNR0121",
            "An activation as the first layer",
            "[{0}] is the first layer: it acts on the raw inputs, not on a layer's output ({1}); remove it, or put a [Dense] before it",
            DiagnosticCategories.Design, DiagnosticSeverity.Warning,
            "An activation gives a Dense layer's weighted sums their non-linearity. On the raw inputs it only distorts them: ReLU zeroes every negative feature (half of standardised data), sigmoid and tanh squash large ones, softmax turns the features into a distribution.");

        /// <summary>Format: <c>"[{0}] on {1}, which has no [Network] attribute: the layers do nothing; add [Network(inputSize)] to make it a network"</c>.</summary>
        public static readonly DiagnosticDescriptor LayersWithoutNetwork = Create("UNR0115",
            "Layer attributes on a class without [Network]",
            "[{0}] on {1}, which has no [Network] attribute: the layer attributes do nothing; add [Network(inputSize)] to make it a network",
            DiagnosticCategories.Usage, DiagnosticSeverity.Warning,
            "The generator reads layer attributes only on a class with [Network(inputs)], which gives the input size; without it nothing is generated and the attributes are silently ignored.");

        /// <summary>Format: <c>"Learning rate {0} is outside the usual range for {1} ({2} to {3}): too high makes the loss explode, too low never learns"</c>.</summary>
        public static readonly DiagnosticDescriptor LearningRateOutOfRange = Create("UNR0201",
            "Learning rate outside the usual range",
            "Learning rate {0} is outside the usual range for {1} ({2} to {3}): too high makes the loss explode, too low never learns",
            DiagnosticCategories.Usage, DiagnosticSeverity.Warning,
            "The lesson's story: 'when her loss exploded … learning rate too high'. Adaptive optimisers work around 1e-3; plain SGD tolerates up to about 1 (UMLAUT NaNInLoss; TheDeepChecker high_lr/low_lr).");

        /// <summary>Format: <c>"Learning rate {0} is not a positive, finite number: {1} throws ArgumentOutOfRangeException at run time"</c>.</summary>
        public static readonly DiagnosticDescriptor LearningRateInvalid = Create("UNR0205",
            "Learning rate not positive and finite",
            "Learning rate {0} is not a positive, finite number: {1} throws ArgumentOutOfRangeException at run time",
            DiagnosticCategories.Usage, DiagnosticSeverity.Error,
            "Gradient descent moves against the gradient by a positive step; the optimisers and schedules refuse 0, negative, NaN and infinite rates when they are constructed or assigned.");

        /// <summary>Format: <c>"Adam with weight decay adds λ·θ to the gradient, which Adam then divides by √v̂: use AdamW for decoupled weight decay"</c>.</summary>
        public static readonly DiagnosticDescriptor AdamWithWeightDecay = Create("UNR0202",
            "Adam with L2 weight decay",
            "Adam with weight decay adds λ·θ to the gradient, which Adam then divides by √v̂: use AdamW for decoupled weight decay",
            DiagnosticCategories.Design, DiagnosticSeverity.Info,
            "The lesson's quiz 8: in Adam the L2 term is scaled by the adaptive denominator, so rarely-updated weights decay more and often-updated ones less. AdamW applies the decay to the weights directly.");

        /// <summary>Format: <c>"Warmup steps ({0}) must be fewer than total steps ({1})"</c>.</summary>
        public static readonly DiagnosticDescriptor WarmupNotShorterThanTotal = Create("UNR0203",
            "Warmup steps not fewer than total steps",
            "Warmup steps ({0}) must be fewer than total steps ({1}): the cosine phase needs at least one step",
            DiagnosticCategories.Usage, DiagnosticSeverity.Error,
            "The lesson's WarmupCosineSchedule divides by (total_steps − warmup_steps); WarmupCosine throws at run time for this input.");

        /// <summary>Format: <c>"Adam epsilon {0} is at most 1e-10: early steps divide by almost nothing; use 1e-8 (PyTorch) or 1e-7 (Keras)"</c>.</summary>
        public static readonly DiagnosticDescriptor AdamEpsilonTooSmall = Create("UNR0204",
            "Adam epsilon too small",
            "Adam epsilon {0} is at most 1e-10: early steps divide by almost nothing; use 1e-8 (PyTorch) or 1e-7 (Keras)",
            DiagnosticCategories.Usage, DiagnosticSeverity.Warning,
            "ε keeps √v̂ + ε away from zero; where a gradient is tiny, a minute ε turns it into a huge step (TheDeepChecker low_adam_epsilon).");

        /// <summary>Format: <c>"[{0}] layer {1} leaves {2} of its {3} input unused: …"</c>.</summary>
        public static readonly DiagnosticDescriptor PoolingLeavesInputUnused = Create("UNR0116",
            "A pooling window or stride that leaves rows or columns of its input unused",
            "[{0}] layer {1} leaves {2} of its {3} input unused: its windows stop before the end ((H − k) is not a multiple of the stride); adjust the pool size or stride, or pad the layer before",
            DiagnosticCategories.Design, DiagnosticSeverity.Info,
            "Valid pooling takes only whole windows: what is left after the last one is never looked at (MaxPool2D(2) on 13 rows ignores the 13th). Often harmless, sometimes a shape nobody meant.");

        /// <summary>Format: <c>"[Dropout] layer {0} drops single values of {1} feature maps: …"</c>.</summary>
        public static readonly DiagnosticDescriptor DropoutOnFeatureMaps = Create("UNR0117",
            "Element-wise Dropout directly on convolutional feature maps",
            "[Dropout] layer {0} drops single values of {1} feature maps: neighbouring pixels are correlated, so the next layer recovers them and it barely regularises; drop after [Flatten] or the Dense layer instead",
            DiagnosticCategories.Design, DiagnosticSeverity.Info,
            "Tompson et al. 2015 (spatial dropout): adjacent activations of a feature map are strongly correlated, so zeroing single ones leaves their information in the neighbours. Drop whole channels, or drop in the dense part.");

        /// <summary>Format: <c>"[Dense] layer {0} after [Flatten] has {1:N0} weights ({2} inputs × {3} units): …"</c>.</summary>
        public static readonly DiagnosticDescriptor HugeDenseAfterFlatten = Create("UNR0118",
            "A Dense layer after Flatten with millions of weights",
            "[Dense] layer {0} after [Flatten] has {1} weights ({2} inputs × {3} units): pool, stride or add a convolution stage first to shrink the feature maps",
            DiagnosticCategories.Performance, DiagnosticSeverity.Info,
            "Flattening large feature maps into a Dense layer puts almost all of a network's parameters (and its overfitting) in one layer. Pooling before the Flatten, or global average pooling, keeps the dense part small.");
    }
}
