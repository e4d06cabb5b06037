using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Unrolled.Generator.Diagnostics;
using Unrolled.Generator.Helpers;
using Unrolled.Generator.Model;

namespace Unrolled.Generator
{
    /// <summary>
    /// Turns <c>[Network]</c> partial classes and their layer attributes into a fully unrolled forward pass and a
    /// hand-derived backward pass.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class NetworkGenerator : IIncrementalGenerator
    {
        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // 1. Find [Network] classes and turn each into a NetworkSpec plus its DiagnosticInfos.
            //    Only strings, numbers and equatable collections leave this step: no ISymbol, SyntaxNode or Compilation.
            IncrementalValuesProvider<Result<NetworkSpec?>> parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    Shared.LayerAttributes.NetworkAttributeName,
                    predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                    transform: static (ctx, ct) => Parser.Parse(ctx, ct))
                .WithTrackingName(TrackingNames.Parse);

            // 2. Diagnostics get their own output: their locations move on every edit above the class, and that must
            //    not regenerate the source. The equatable infos hold file paths, not syntax trees; only when reporting
            //    are they mapped back onto the compilation's tree, so the IDE can squiggle them and offer code fixes.
            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
                .Select(static (r, _) => r.Errors)
                .Where(static e => e.Count > 0)
                .WithTrackingName(TrackingNames.Diagnostics);
            context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider), static (spc, pair) =>
            {
                foreach (DiagnosticInfo info in pair.Left) spc.ReportDiagnostic(info.ToDiagnostic(pair.Right));
            });

            // 3. Source only for specs that parsed without errors, paired with whether the consumer's C# has
            //    nullable reference types (C# 8); everything else we emit is valid C# 7.3.
            IncrementalValuesProvider<NetworkSpec> specs = parsed
                .Where(static r => r.Value is not null)
                .Select(static (r, _) => r.Value!)
                .WithTrackingName(TrackingNames.Spec);
            IncrementalValueProvider<bool> nullableAware = context.ParseOptionsProvider
                .Select(static (options, _) => options is CSharpParseOptions cs && cs.LanguageVersion >= LanguageVersion.CSharp8);
            context.RegisterSourceOutput(
                specs.Combine(nullableAware).WithTrackingName(TrackingNames.SpecWithLanguage),
                static (spc, pair) => Emitter.Emit(spc, pair.Left, pair.Right));
        }
    }
}
