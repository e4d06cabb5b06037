namespace Unrolled.Generator
{
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
