using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Unrolled.Generator.Tests
{
    /// <summary>
    /// UNR0001–UNR0009: reported by the generator on the exact span, nothing generated, never an exception.
    /// Spans are marked in the sources with [| |].
    /// </summary>
    public class DiagnosticTests
    {
        [Theory]
        [InlineData("UNR0001", "[Network(4)] [Dense(2)] public class [|Net|] { }", "Net must be partial")]
        [InlineData("UNR0001", "public class Outer { [Network(4)] [Dense(2)] public partial class [|Net|] { } }", "containing type Outer must be partial too")]
        [InlineData("UNR0002", "[[|Network(0)|]] [Dense(2)] public partial class Net { }", "Input size 0 of Net must be at least 1")]
        [InlineData("UNR0002", "[[|Network(1, 0, 28)|]] [Flatten] [Dense(2)] public partial class Net { }", "Input size 1×0×28 of Net must be at least 1")]
        [InlineData("UNR0003", "[Network(4)] [ReLU] [Softmax] public partial class [|Net|] { }", "Net has no trainable layer")]
        [InlineData("UNR0003", "[Network(4)] public partial class [|Net|] { }", "no trainable layer")]
        [InlineData("UNR0005", "[Network(4)] [Dense(3)] [[|Dense(0)|]] public partial class Net { }", "Dense layer 2 of Net has 0 units")]
        [InlineData("UNR0006", "[Network(4)] [Dense(3)] [[|Dropout(1.0)|]] public partial class Net { }", "Dropout rate 1 of layer 2 of Net must be at least 0 and less than 1")]
        [InlineData("UNR0006", "[Network(4)] [Dense(3)] [[|Dropout(-0.1)|]] public partial class Net { }", "Dropout rate -0.1")]
        [InlineData("UNR0007", "[Network(4)] [Dense(3)] [[|BatchNorm(Momentum = 1.5)|]] public partial class Net { }", "BatchNorm momentum of layer 2 of Net is 1.5")]
        [InlineData("UNR0007", "[Network(4)] [Dense(3)] [[|BatchNorm(Epsilon = 0)|]] public partial class Net { }", "BatchNorm epsilon of layer 2 of Net is 0")]
        [InlineData("UNR0007", "[Network(4)] [Dense(3)] [[|LeakyReLU(-0.2)|]] public partial class Net { }", "LeakyReLU slope of layer 2 of Net is -0.2")]
        [InlineData("UNR0007", "[[|Network(4, Loss = (Loss)9)|]] [Dense(3)] public partial class Net { }", "Loss of Net is 9")]
        [InlineData("UNR0007", "[[|Network(4, Code = (GeneratedCode)2)|]] [Dense(3)] public partial class Net { }", "Code of Net is 2; use GeneratedCode.Kernels or GeneratedCode.Loops")]
        [InlineData("UNR0007", "[Network(4)] [[|Dense(3, Init = (Init)42)|]] public partial class Net { }", "Dense Init of layer 1 of Net is 42")]
        [InlineData("UNR0008", "[Network(4)] [Dense(3)] public partial class [|Net|]<T> { }", "generic networks are not supported")]
        [InlineData("UNR0008", "public partial class Outer<T> { [Network(4)] [Dense(3)] public partial class [|Net|] { } }", "nested in the generic type Outer")]
        [InlineData("UNR0008", "[Network(4)] [Dense(3)] public static partial class [|Net|] { }", "a static class has no instances")]
        [InlineData("UNR0009", "[Network(100000)] [Dense(10)] [[|Dense(100000000)|]] public partial class Net { }", "above the limit of 268,435,456")]
        [InlineData("UNR0009", "[Network(100000)] [[|Dense(100000)|]] public partial class Net { }", "parameter count to 10,000,100,000")]
        [InlineData("UNR0009", "[[|Network(1000, 1000, 1000)|]] [Flatten] [Dense(2)] public partial class Net { }", "its input has 1,000,000,000 values per sample")]
        [InlineData("UNR0010", "[Network(1, 28, 28)] [Conv2D(8, 5)] [MaxPool2D(2)] [Conv2D(16, 5)] [MaxPool2D(2)] [[|Conv2D(32, 5)|]] [Flatten] [Dense(10)] public partial class Net { }",
            "Layer 5 of Net ([Conv2D]) has a 5×5 window on its 16×4×4 input, which leaves an output of 0×0")]
        [InlineData("UNR0010", "[Network(1, 28, 9)] [[|Conv2D(4, 3, 11)|]] [Flatten] [Dense(10)] public partial class Net { }", "a 3×11 window on its 1×28×9 input, which leaves an output of 26×-1")]
        [InlineData("UNR0010", "[Network(3, 5, 5)] [Conv2D(4, 3)] [[|MaxPool2D(4)|]] [Flatten] [Dense(2)] public partial class Net { }", "Layer 2 of Net ([MaxPool2D]) has a 4×4 window on its 4×3×3 input")]
        [InlineData("UNR0010", "[Network(3, 5, 5)] [[|AvgPool2D(6)|]] [Flatten] [Dense(2)] public partial class Net { }", "Layer 1 of Net ([AvgPool2D]) has a 6×6 window on its 3×5×5 input, which leaves an output of 0×0")]
        [InlineData("UNR0011", "[Network(1, 28, 28)] [[|Dense(10)|]] [Softmax] public partial class Net { }", "Layer 1 of Net ([Dense]) needs features, but its input is a 1×28×28 image (channels × height × width): insert [Flatten] before it")]
        [InlineData("UNR0011", "[Network(3, 4, 4)] [ReLU] [[|Softmax|]] public partial class Net { }", "Layer 2 of Net ([Softmax]) needs features, but its input is a 3×4×4 image")]
        [InlineData("UNR0012", "[Network(784)] [[|Conv2D(8, 3)|]] [Flatten] [Dense(10)] public partial class Net { }", "Layer 1 of Net ([Conv2D]) needs a channels × height × width input, but its input is 784 features")]
        [InlineData("UNR0012", "[Network(1, 8, 8)] [GlobalAvgPool2D] [[|MaxPool2D(2)|]] [Dense(10)] public partial class Net { }", "Layer 2 of Net ([MaxPool2D]) needs a channels × height × width input, but its input is 1 feature")]
        [InlineData("UNR0013", "[Network(1, 8, 8)] [[|Conv2D(0, 3)|]] [Flatten] [Dense(10)] public partial class Net { }", "Conv2D filters of layer 1 of Net is 0; it must be at least 1")]
        [InlineData("UNR0013", "[Network(1, 8, 8)] [[|Conv2D(4, 3, Stride = 0)|]] [Flatten] [Dense(10)] public partial class Net { }", "Conv2D stride of layer 1 of Net is 0")]
        [InlineData("UNR0013", "[Network(1, 8, 8)] [[|Conv2D(4, 3, -1)|]] [Flatten] [Dense(10)] public partial class Net { }", "Conv2D kernel width of layer 1 of Net is -1")]
        [InlineData("UNR0013", "[Network(1, 8, 8)] [[|MaxPool2D(0)|]] [Flatten] [Dense(10)] public partial class Net { }", "MaxPool2D pool size of layer 1 of Net is 0")]
        [InlineData("UNR0013", "[Network(1, 8, 8)] [[|AvgPool2D(2, Stride = 0)|]] [Flatten] [Dense(10)] public partial class Net { }", "AvgPool2D stride of layer 1 of Net is 0")]
        [InlineData("UNR0007", "[Network(1, 8, 8)] [[|Conv2D(4, 3, Padding = (Padding)5)|]] [Flatten] [Dense(10)] public partial class Net { }", "Conv2D Padding of layer 1 of Net is 5")]
        [InlineData("UNR0012", "[Network(784)] [[|Flatten|]] [Dense(10)] public partial class Net { }", "Layer 1 of Net ([Flatten]) needs a channels × height × width input, but its input is 784 features")]
        [InlineData("UNR0012", "[Network(1, 4, 4)] [Flatten] [Dense(3)] [[|Flatten|]] public partial class Net { }", "Layer 3 of Net ([Flatten]) needs a channels × height × width input, but its input is 3 features")]
        public void ReportsOnTheExactSpanAndGeneratesNothing(string id, string markedSource, string messagePart)
        {
            (string source, TextSpan span) = Unmark("using Unrolled;\n" + markedSource);
            (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(source);
            GeneratorRunResult run = result.Results.Single();

            Assert.Null(run.Exception);
            Assert.Empty(run.GeneratedSources);
            Diagnostic diagnostic = Assert.Single(run.Diagnostics, d => d.Id == id);
            Assert.Equal(span, diagnostic.Location.SourceSpan);
            Assert.Contains(messagePart, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.StartsWith("https://", diagnostic.Descriptor.HelpLinkUri);
        }

        [Fact]
        public void LayersOnTwoPartialDeclarationsAreAmbiguous()
        {
            const string first = "using Unrolled; [Network(4)] [Dense(3)] public partial class Net { }";
            const string second = "using Unrolled; [ReLU] [Dense(2)] public partial class Net { }";
            CSharpCompilation compilation = GeneratorHarness.Compile(new[] { (first, "A.cs"), (second, "B.cs") });
            GeneratorRunResult run = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult().Results.Single();
            Diagnostic diagnostic = Assert.Single(run.Diagnostics);
            Assert.Equal("UNR0004", diagnostic.Id);
            Assert.Contains("appear on 2 partial declarations", diagnostic.GetMessage());
            Assert.Empty(run.GeneratedSources);
        }

        [Fact]
        public void LayersOnOneDeclarationAndNetworkOnAnotherAreFine()
        {
            const string first = "using Unrolled; [Network(4)] public partial class Net { }";
            const string second = "using Unrolled; [Dense(3)] [ReLU] [Dense(2)] public partial class Net { }";
            CSharpCompilation compilation = GeneratorHarness.Compile(new[] { (first, "A.cs"), (second, "B.cs") });
            GeneratorRunResult run = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult().Results.Single();
            Assert.Empty(run.Diagnostics);
            Assert.Equal(3, run.GeneratedSources.Length);
        }

        [Fact]
        public void TooManyLayersIsUnr0009()
        {
            string layers = string.Concat(System.Linq.Enumerable.Repeat("[Tanh]", 300));
            (GeneratorDriverRunResult result, _) = GeneratorHarness.Run($"using Unrolled; [Network(4)] [Dense(3)] {layers} public partial class Net {{ }}");
            Diagnostic diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal("UNR0009", diagnostic.Id);
            Assert.Contains("it has 301 layers and the limit is 256", diagnostic.GetMessage());
        }

        [Fact]
        public void SeveralProblemsAreAllReported()
        {
            (GeneratorDriverRunResult result, _) = GeneratorHarness.Run("using Unrolled; [Network(0)] [Dense(0)] [Dropout(2)] public class Net { }");
            Assert.Equal(new[] { "UNR0001", "UNR0002", "UNR0005", "UNR0006" }, result.Diagnostics.Select(d => d.Id).OrderBy(i => i));
        }

        [Theory]
        [InlineData("[Network] [Dense(3)] public partial class Net { }")]                 // missing argument
        [InlineData("[Network(\"784\")] [Dense(3)] public partial class Net { }")]        // wrong argument type
        [InlineData("[Network(4)] [Dense(3.5)] public partial class Net { }")]
        [InlineData("[Network(4)] [Dense(UnknownConstant)] public partial class Net { }")]
        [InlineData("[Network(4)] [Dense(3, Init = Init.Nope)] public partial class Net { }")]
        [InlineData("[Network(4)] [Dense(3)] public partial class { }")]                  // missing name
        [InlineData("[Network(4)] [Dense(3)] public partial struct Net { }")]            // not a class: the attribute itself is an error
        public void BrokenAttributesLeaveTheCompilerToComplainAndNeverThrow(string declaration)
        {
            (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run("using Unrolled;\n" + declaration);
            GeneratorRunResult run = result.Results.Single();
            Assert.Null(run.Exception);
            Assert.Contains(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("CS"));
        }

        private static (string Source, TextSpan Span) Unmark(string marked)
        {
            int start = marked.IndexOf("[|", System.StringComparison.Ordinal);
            int end = marked.IndexOf("|]", System.StringComparison.Ordinal) - 2;
            string source = marked.Replace("[|", string.Empty).Replace("|]", string.Empty);
            return (source, TextSpan.FromBounds(start, end));
        }
    }
}
