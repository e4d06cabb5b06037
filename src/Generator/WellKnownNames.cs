namespace Unrolled.Generator
{
    /// <summary>Metadata names the generator looks for.</summary>
    internal static class WellKnownNames
    {
        public const string Namespace = "Unrolled";
        public const string NetworkAttribute = "Unrolled.NetworkAttribute";
        public const string DenseAttribute = "DenseAttribute";
        public const string ReLUAttribute = "ReLUAttribute";
        public const string LeakyReLUAttribute = "LeakyReLUAttribute";
        public const string SigmoidAttribute = "SigmoidAttribute";
        public const string TanhAttribute = "TanhAttribute";
        public const string SoftmaxAttribute = "SoftmaxAttribute";
        public const string BatchNormAttribute = "BatchNormAttribute";
        public const string DropoutAttribute = "DropoutAttribute";
    }

    /// <summary>Names of the pipeline steps, for incrementality tests (after Mapperly's MapperGeneratorStepNames).</summary>
    public static class TrackingNames
    {
        /// <summary>[Network] class → NetworkSpec + diagnostics.</summary>
        public const string Parse = nameof(Parse);
        /// <summary>The diagnostics of a parse.</summary>
        public const string Diagnostics = nameof(Diagnostics);
        /// <summary>Specs that parsed without errors.</summary>
        public const string Spec = nameof(Spec);
        /// <summary>Spec combined with the consumer's language version.</summary>
        public const string SpecWithLanguage = nameof(SpecWithLanguage);
    }
}
