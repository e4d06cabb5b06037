using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using static Unrolled.Analyzers.DiagnosticDescriptors;

namespace Unrolled.Analyzers
{
    /// <summary>
    /// Constant learning rates wherever they reach an optimiser — a constructor argument, an object initialiser
    /// (<c>new Adam { LearningRate = 50 }</c>), an assignment (<c>optimizer.LearningRate = 50</c>) or a schedule's initial
    /// rate (<c>Schedule = new CosineDecay(5.0, 1000)</c>): not positive and finite, which throws at run time (UNR0205), or
    /// outside the usual range (UNR0201); Adam with L2 weight decay (UNR0202), warmup not shorter than the schedule
    /// (UNR0203), a tiny Adam epsilon (UNR0204).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class OptimizerAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>The usual range of plain SGD's learning rate, and of the adaptive optimisers'.</summary>
        private static readonly (double Low, double High) s_sgdRange = (1e-5, 1.0), s_adaptiveRange = (1e-5, 1e-2);

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            LearningRateOutOfRange, AdamWithWeightDecay, WarmupNotShorterThanTotal, AdamEpsilonTooSmall, LearningRateInvalid);

        /// <summary>The runtime's types, resolved once per compilation.</summary>
        private sealed class Types
        {
            public Types(Compilation compilation)
            {
                Optimizer = compilation.GetTypeByMetadataName("Unrolled.Optimizer");
                Sgd = compilation.GetTypeByMetadataName("Unrolled.Sgd");
                Adam = compilation.GetTypeByMetadataName("Unrolled.Adam");
                AdamW = compilation.GetTypeByMetadataName("Unrolled.AdamW");
                RmsProp = compilation.GetTypeByMetadataName("Unrolled.RmsProp");
                Warmup = compilation.GetTypeByMetadataName("Unrolled.WarmupCosine");
                Cosine = compilation.GetTypeByMetadataName("Unrolled.CosineDecay");
                Constant = compilation.GetTypeByMetadataName("Unrolled.ConstantSchedule");
                Plateau = compilation.GetTypeByMetadataName("Unrolled.ReduceLROnPlateau");
            }

            public INamedTypeSymbol? Optimizer, Sgd, Adam, AdamW, RmsProp, Warmup, Cosine, Constant, Plateau;

            public bool Complete => Optimizer != null && Sgd != null && Adam != null && AdamW != null && RmsProp != null && Warmup != null;

            public bool IsOptimizer(ITypeSymbol? type) => Same(type, Sgd) || Same(type, Adam) || Same(type, AdamW) || Same(type, RmsProp);

            /// <summary>The parameter of a schedule's constructor that holds its initial (or peak) rate, or null.</summary>
            public string? ScheduleRate(ITypeSymbol? type) =>
                Same(type, Cosine) || Same(type, Plateau) ? "initialLearningRate"
                : Same(type, Warmup) ? "peakLearningRate"
                : Same(type, Constant) ? "learningRate"
                : null;

            /// <summary>The usual range and the name to show for an optimiser type (null: not known, so any optimiser's range).</summary>
            public (double Low, double High, string Name) Range(ITypeSymbol? optimizer) =>
                Same(optimizer, Sgd) ? (s_sgdRange.Low, s_sgdRange.High, "Sgd")
                : IsOptimizer(optimizer) ? (s_adaptiveRange.Low, s_adaptiveRange.High, optimizer!.Name)
                : (s_sgdRange.Low, s_sgdRange.High, "any optimiser");
        }

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = new Types(start.Compilation);
                if (!types.Complete) return;
                start.RegisterOperationAction(c => AnalyzeCreation(c, types), OperationKind.ObjectCreation);
                start.RegisterOperationAction(c => AnalyzeAssignment(c, types), OperationKind.SimpleAssignment);
            });
        }

        private static void AnalyzeCreation(OperationAnalysisContext context, Types types)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            ITypeSymbol? type = creation.Type;
            if (Same(type, types.Warmup)
                && Constant(creation, "warmupSteps", out double warmupSteps, out _) && Constant(creation, "totalSteps", out double totalSteps, out _) && warmupSteps >= totalSteps)
                context.ReportDiagnostic(Diagnostic.Create(WarmupNotShorterThanTotal, creation.Syntax.GetLocation(), Format(warmupSteps), Format(totalSteps)));

            if (types.ScheduleRate(type) is string scheduleRate)
            {
                // A schedule's rate is the optimiser's: the one whose Schedule it is assigned to, if that is visible here.
                if (Constant(creation, scheduleRate, out double initial, out SyntaxNode? syntax) && syntax != null)
                    CheckRate(context, types, initial, syntax, ScheduleOwner(creation, types), $"new {type!.Name}(…)");
                return;
            }
            if (!types.IsOptimizer(type)) return;

            if (Constant(creation, "learningRate", out double rate, out SyntaxNode? rateSyntax) && rateSyntax != null)
                CheckRate(context, types, rate, rateSyntax, type, $"new {type!.Name}(…)");
            if (Same(type, types.Adam) && Constant(creation, "weightDecay", out double decay, out SyntaxNode? decaySyntax) && decaySyntax != null && decay > 0)
                context.ReportDiagnostic(Diagnostic.Create(AdamWithWeightDecay, decaySyntax.GetLocation()));
            if ((Same(type, types.Adam) || Same(type, types.AdamW)) && Constant(creation, "epsilon", out double epsilon, out SyntaxNode? epsilonSyntax) && epsilonSyntax != null && epsilon <= 1e-10)
                context.ReportDiagnostic(Diagnostic.Create(AdamEpsilonTooSmall, epsilonSyntax.GetLocation(), Format(epsilon)));
        }

        /// <summary><c>x.LearningRate = c</c> and <c>new Adam { LearningRate = c }</c>: an assignment to Optimizer.LearningRate.</summary>
        private static void AnalyzeAssignment(OperationAnalysisContext context, Types types)
        {
            var assignment = (ISimpleAssignmentOperation)context.Operation;
            if (assignment.Target is not IPropertyReferenceOperation { Property: { Name: "LearningRate" } property } target) return;
            if (!Same(property.ContainingType, types.Optimizer)) return;
            if (!TryConstant(assignment.Value, out double rate)) return;
            CheckRate(context, types, rate, assignment.Value.Syntax, target.Instance?.Type, "the LearningRate setter");
        }

        private static void CheckRate(OperationAnalysisContext context, Types types, double rate, SyntaxNode syntax, ITypeSymbol? optimizer, string thrower)
        {
            if (!(rate > 0) || double.IsInfinity(rate))
            {
                context.ReportDiagnostic(Diagnostic.Create(LearningRateInvalid, syntax.GetLocation(), Format(rate), thrower));
                return;
            }
            (double low, double high, string name) = types.Range(optimizer);
            if (rate < low || rate > high)
                context.ReportDiagnostic(Diagnostic.Create(LearningRateOutOfRange, syntax.GetLocation(), Format(rate), name, Format(low), Format(high)));
        }

        /// <summary>The optimiser type whose Schedule a schedule creation is assigned to (<c>Schedule = new …</c> in an object
        /// initialiser or an assignment), or null.</summary>
        private static ITypeSymbol? ScheduleOwner(IOperation creation, Types types)
        {
            IOperation? value = creation.Parent;
            while (value is IConversionOperation) value = value.Parent;
            if (value is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { Name: "Schedule" } property } target }
                && Same(property.ContainingType, types.Optimizer))
                return target.Instance?.Type;
            return null;
        }

        private static bool Same(ITypeSymbol? a, ITypeSymbol? b) => a != null && b != null && SymbolEqualityComparer.Default.Equals(a, b);

        private static bool TryConstant(IOperation operation, out double value)
        {
            Optional<object?> constant = operation.ConstantValue;
            if (constant.HasValue && constant.Value is System.IConvertible convertible && constant.Value is not bool and not string)
            {
                value = convertible.ToDouble(CultureInfo.InvariantCulture);
                return true;
            }
            value = 0;
            return false;
        }

        /// <summary>The constant value of the argument bound to <paramref name="parameter"/>, with its syntax when it is
        /// written in source (null for an omitted argument that takes the default).</summary>
        private static bool Constant(IObjectCreationOperation creation, string parameter, out double value, out SyntaxNode? syntax)
        {
            foreach (IArgumentOperation argument in creation.Arguments)
            {
                if (argument.Parameter?.Name != parameter) continue;
                syntax = argument.ArgumentKind == ArgumentKind.DefaultValue ? null : argument.Syntax;
                if (TryConstant(argument.Value, out value)) return true;
                break;
            }
            value = 0;
            syntax = null;
            return false;
        }

        private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
    }
}
