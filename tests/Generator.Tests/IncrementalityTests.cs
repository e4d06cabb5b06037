using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Unrolled.Generator.Tests
{
    /// <summary>The pipeline caches what did not change (named after the rule each test proves, as Mapperly's tests are).</summary>
    public class IncrementalityTests
    {
        private const string Network = """
            using Unrolled;
            namespace App
            {
                [Network(784)]
                [Dense(128)] [ReLU] [Dense(10)] [Softmax]
                public partial class TinyNN { }

                public class Other
                {
                    public int Compute() => 1;
                }
            }
            """;

        [Fact]
        public void AddingAnUnrelatedFileLeavesEveryStepCached()
        {
            (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce(Network);
            CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }", GeneratorHarness.Parse(), "Unrelated.cs"));
            GeneratorRunResult second = driver.RunGenerators(edited).GetRunResult().Results.Single();

            // Roslyn may re-run the transform (another tree can change semantics) but then finds the spec equal.
            AssertReasons(second, TrackingNames.Parse, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
            AssertReasons(second, TrackingNames.SpecWithLanguage, IncrementalStepRunReason.Cached);
        }

        [Fact]
        public void EditingAMethodBodyOutsideTheNetworkDoesNotRegenerate()
        {
            (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce(Network);
            GeneratorRunResult second = driver.RunGenerators(Replace(compilation, "=> 1;", "=> 2 + 40;")).GetRunResult().Results.Single();

            // The class's file changed, so the parse re-runs; its spec is equal, so nothing downstream re-runs.
            AssertReasons(second, TrackingNames.Parse, IncrementalStepRunReason.Unchanged);
            AssertReasons(second, TrackingNames.SpecWithLanguage, IncrementalStepRunReason.Cached);
        }

        [Fact]
        public void MovingTheClassDownAFileDoesNotRegenerateTheSource()
        {
            (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce(Network);
            GeneratorRunResult second = driver.RunGenerators(Replace(compilation, "namespace App", "// a comment\n\nnamespace App")).GetRunResult().Results.Single();
            AssertReasons(second, TrackingNames.SpecWithLanguage, IncrementalStepRunReason.Cached);
        }

        [Fact]
        public void MovingAnInvalidNetworkOnlyReRunsItsDiagnostics()
        {
            string invalid = Network.Replace("[Dense(128)]", "[Dense(128)] [Dropout(1.5)]");
            (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce(invalid);
            int line = driver.GetRunResult().Diagnostics.Single().Location.GetLineSpan().StartLinePosition.Line;
            GeneratorRunResult second = driver.RunGenerators(Replace(compilation, "namespace App", "\n\nnamespace App")).GetRunResult().Results.Single();
            AssertReasons(second, TrackingNames.Diagnostics, IncrementalStepRunReason.Modified);
            Assert.Equal(line + 2, second.Diagnostics.Single().Location.GetLineSpan().StartLinePosition.Line); // moved down two lines
            Assert.Empty(second.GeneratedSources);
        }

        [Fact]
        public void ChangingADenseWidthRegeneratesForwardAndBackward()
        {
            (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce(Network);
            GeneratorRunResult second = driver.RunGenerators(Replace(compilation, "[Dense(128)]", "[Dense(64)]")).GetRunResult().Results.Single();

            AssertReasons(second, TrackingNames.Parse, IncrementalStepRunReason.Modified);
            AssertReasons(second, TrackingNames.SpecWithLanguage, IncrementalStepRunReason.Modified);
            Assert.Contains("Dense 784 → 64", second.GeneratedSources.Single(s => s.HintName.EndsWith(".Forward.g.cs")).SourceText.ToString());
            Assert.Contains("Dense 784 → 64", second.GeneratedSources.Single(s => s.HintName.EndsWith(".Backward.g.cs")).SourceText.ToString());
        }

        /// <summary>Issue 15: one layer's argument changes one network's spec; the network beside it in the same file stays cached.</summary>
        [Fact]
        public void ChangingOneLayersArgumentRegeneratesThatNetworkOnly()
        {
            string two = Network.Replace("public class Other", """
                [Network(784)]
                [Dense(64)] [ReLU] [Dropout(0.2)] [Dense(10)] [Softmax]
                public partial class WithDropout { }

                public class Other
                """);
            (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce(two);
            GeneratorRunResult second = driver.RunGenerators(Replace(compilation, "[Dropout(0.2)]", "[Dropout(0.3)]")).GetRunResult().Results.Single();

            IncrementalStepRunReason[] reasons = second.TrackedSteps[TrackingNames.SpecWithLanguage].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
            Assert.Equal(2, reasons.Length);
            Assert.Single(reasons, r => r == IncrementalStepRunReason.Modified);
            Assert.Single(reasons, r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
            Assert.Contains("p = 0.3", second.GeneratedSources.Single(s => s.HintName == "App.WithDropout.Forward.g.cs").SourceText.ToString());
        }

        [Fact]
        public void RunningTwiceOnAnEqualCompilationIsCachedOrUnchanged()
        {
            (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce(Network);
            GeneratorRunResult second = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();
            string[] ours = { TrackingNames.Parse, TrackingNames.Diagnostics, TrackingNames.Spec, TrackingNames.SpecWithLanguage };
            foreach (IncrementalGeneratorRunStep step in second.TrackedSteps.Where(s => ours.Contains(s.Key)).SelectMany(s => s.Value))
                Assert.All(step.Outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step.Name}: {o.Reason}"));
        }

        [Fact]
        public void StepOutputsHoldNoSymbolsSyntaxOrCompilations()
        {
            (GeneratorDriver driver, _) = RunOnce(Network.Replace("[ReLU]", "[BatchNorm] [ReLU] [Dropout(0.2)]"));
            GeneratorRunResult run = driver.GetRunResult().Results.Single();
            foreach (string step in new[] { TrackingNames.Parse, TrackingNames.Spec, TrackingNames.Diagnostics, TrackingNames.SpecWithLanguage })
            {
                if (!run.TrackedSteps.TryGetValue(step, out var steps)) continue;
                foreach (var output in steps.SelectMany(s => s.Outputs)) AssertNoRoslynObjects(output.Value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }

        [Fact]
        public void OutputIsIndependentOfTheCurrentCulture()
        {
            string Generate()
            {
                string source = SnapshotTests.Networks["BatchNorm"].Replace("Epsilon = 1e-5", "Epsilon = 1.5e-5");
                return string.Concat(GeneratorHarness.RunAndCompile(source).Results.Single().GeneratedSources.Select(s => s.SourceText.ToString()));
            }

            CultureInfo original = CultureInfo.CurrentCulture;
            string invariant = Generate();
            try
            {
                foreach (string culture in new[] { "fi-FI", "de-DE", "ar-SA" })
                {
                    CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
                    Assert.Equal(invariant, Generate());
                }
            }
            finally
            {
                CultureInfo.CurrentCulture = original;
            }
            Assert.Contains("1.5E-05f", invariant);
        }

        private static (GeneratorDriver Driver, CSharpCompilation Compilation) RunOnce(string source)
        {
            CSharpCompilation compilation = GeneratorHarness.Compile(source);
            GeneratorDriver driver = GeneratorHarness.CreateDriver(track: true).RunGenerators(compilation);
            return (driver, compilation);
        }

        private static CSharpCompilation Replace(CSharpCompilation compilation, string oldText, string newText)
        {
            SyntaxTree tree = compilation.SyntaxTrees.First();
            string text = tree.ToString();
            Assert.Contains(oldText, text);
            return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace(oldText, newText))));
        }

        private static void AssertReasons(GeneratorRunResult run, string step, params IncrementalStepRunReason[] expected)
        {
            Assert.True(run.TrackedSteps.ContainsKey(step), $"Step {step} did not run.");
            IncrementalStepRunReason[] reasons = run.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.Contains(r, expected));
        }

        private static void AssertNoRoslynObjects(object? value, string step, HashSet<object> seen)
        {
            if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
            Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or SyntaxTree,
                $"Step {step} holds a {value.GetType().Name}, which keeps a compilation alive and defeats caching.");
            if (!value.GetType().IsValueType && !seen.Add(value)) return;
            if (value is IEnumerable sequence)
            {
                foreach (object? item in sequence) AssertNoRoslynObjects(item, step, seen);
            }
            foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                AssertNoRoslynObjects(field.GetValue(value), step, seen);
        }
    }
}
