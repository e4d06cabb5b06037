using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Unrolled.Generator.Helpers;

namespace Unrolled.Generator.Diagnostics
{
    /// <summary>Where a diagnostic goes, as plain values (a <see cref="Location"/> holds a syntax tree).</summary>
    internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        public Location ToLocation(Compilation compilation)
        {
            foreach (SyntaxTree tree in compilation.SyntaxTrees)
            {
                if (tree.FilePath == FilePath && tree.Length >= Span.End) return Location.Create(tree, Span);
            }
            return Location.Create(FilePath, Span, LineSpan);
        }

        public static LocationInfo? From(Location? location) =>
            location is null ? null : new LocationInfo(location.SourceTree?.FilePath ?? string.Empty, location.SourceSpan, location.GetLineSpan().Span);
    }

    /// <summary>
    /// A structurally equatable diagnostic, so the diagnostics output of the pipeline caches
    /// (a work-around for dotnet/roslyn#68291, as in dotnet/runtime's Common DiagnosticInfo).
    /// </summary>
    internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, SyntaxNode? node, params object[] arguments) =>
            Create(descriptor, node?.GetLocation(), arguments);

        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params object[] arguments) =>
            new DiagnosticInfo(descriptor, LocationInfo.From(location),
                new EquatableArray<string>(arguments.Select(a => System.Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)));

        /// <summary>The diagnostic, located in <paramref name="compilation"/>'s syntax tree of the same path when there is one.</summary>
        public Diagnostic ToDiagnostic(Compilation compilation) =>
            Diagnostic.Create(Descriptor, Location?.ToLocation(compilation), Arguments.Select(a => (object)a).ToArray());
    }
}
