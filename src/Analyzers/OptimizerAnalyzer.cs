using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using static Unrolled.Analyzers.DiagnosticDescriptors;

namespace Unrolled.Analyzers
{
    /// <summary>
    /// Constant arguments of the runtime's optimiser and schedule constructors: learning rate range (UNR0201), Adam with
    /// L2 weight decay (UNR0202), warmup not shorter than the schedule (UNR0203), a tiny Adam epsilon (UNR0204).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class OptimizerAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            LearningRateOutOfRange, AdamWithWeightDecay, WarmupNotShorterThanTotal, AdamEpsilonTooSmall);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                // Resolve the runtime's types once per compilation.
                Compilation compilation = start.Compilation;
                INamedTypeSymbol? sgd = compilation.GetTypeByMetadataName("Unrolled.Sgd");
                INamedTypeSymbol? rmsProp = compilation.GetTypeByMetadataName("Unrolled.RmsProp");
                INamedTypeSymbol? adam = compilation.GetTypeByMetadataName("Unrolled.Adam");
                INamedTypeSymbol? adamW = compilation.GetTypeByMetadataName("Unrolled.AdamW");
                INamedTypeSymbol? warmup = compilation.GetTypeByMetadataName("Unrolled.WarmupCosine");
                if (sgd is null || rmsProp is null || adam is null || adamW is null || warmup is null) return;

                start.RegisterOperationAction(operationContext =>
                {
                    var creation = (IObjectCreationOperation)operationContext.Operation;
                    INamedTypeSymbol? type = creation.Type as INamedTypeSymbol;
                    if (type is null) return;
                    bool isSgd = Same(type, sgd), isAdam = Same(type, adam), isAdamW = Same(type, adamW), isRms = Same(type, rmsProp);

                    if (Same(type, warmup))
                    {
                        if (Constant(creation, "warmupSteps", out double warmupSteps, out _) && Constant(creation, "totalSteps", out double totalSteps, out _) && warmupSteps >= totalSteps)
                            operationContext.ReportDiagnostic(Diagnostic.Create(WarmupNotShorterThanTotal, creation.Syntax.GetLocation(), Format(warmupSteps), Format(totalSteps)));
                        return;
                    }
                    if (!(isSgd || isAdam || isAdamW || isRms)) return;

                    if (Constant(creation, "learningRate", out double rate, out SyntaxNode? rateSyntax) && rateSyntax != null)
                    {
                        (double low, double high) = isSgd ? (1e-5, 1.0) : (1e-5, 1e-2);
                        if (rate < low || rate > high)
                            operationContext.ReportDiagnostic(Diagnostic.Create(LearningRateOutOfRange, rateSyntax.GetLocation(), Format(rate), type.Name, Format(low), Format(high)));
                    }
                    if (isAdam && Constant(creation, "weightDecay", out double decay, out SyntaxNode? decaySyntax) && decaySyntax != null && decay > 0)
                        operationContext.ReportDiagnostic(Diagnostic.Create(AdamWithWeightDecay, decaySyntax.GetLocation()));
                    if ((isAdam || isAdamW) && Constant(creation, "epsilon", out double epsilon, out SyntaxNode? epsilonSyntax) && epsilonSyntax != null && epsilon <= 1e-10)
                        operationContext.ReportDiagnostic(Diagnostic.Create(AdamEpsilonTooSmall, epsilonSyntax.GetLocation(), Format(epsilon)));
                }, OperationKind.ObjectCreation);
            });
        }

        private static bool Same(INamedTypeSymbol a, INamedTypeSymbol b) => SymbolEqualityComparer.Default.Equals(a, b);

        /// <summary>The constant value of the argument bound to <paramref name="parameter"/>, with its syntax when it is
        /// written in source (null for an omitted argument that takes the default).</summary>
        private static bool Constant(IObjectCreationOperation creation, string parameter, out double value, out SyntaxNode? syntax)
        {
            foreach (IArgumentOperation argument in creation.Arguments)
            {
                if (argument.Parameter?.Name != parameter) continue;
                Optional<object?> constant = argument.Value.ConstantValue;
                syntax = argument.ArgumentKind == ArgumentKind.DefaultValue ? null : argument.Syntax;
                if (constant.HasValue && constant.Value is System.IConvertible convertible)
                {
                    value = convertible.ToDouble(CultureInfo.InvariantCulture);
                    return true;
                }
                break;
            }
            value = 0;
            syntax = null;
            return false;
        }

        private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
    }
}
