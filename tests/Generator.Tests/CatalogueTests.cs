using System;
using System.Linq;
using Unrolled.Generator.Layers;
using Kind = Unrolled.Shared.LayerKind;
using Xunit;

namespace Unrolled.Generator.Tests
{
    /// <summary>The layer catalogue has one entry per kind, found by its kind, with a name of its own.</summary>
    public class CatalogueTests
    {
        [Fact]
        public void EveryKindHasItsEntryAndEveryEntryItsKind()
        {
            Kind[] kinds = Enum.GetValues(typeof(Kind)).Cast<Kind>().ToArray();
            Assert.Equal(kinds.Length, Catalogue.All.Count);
            foreach (Kind kind in kinds) Assert.Equal(kind, Catalogue.Of(kind).Kind);
            Assert.Equal(Catalogue.All.Count, Catalogue.All.Select(l => l.Name).Distinct().Count());

            // The facts the analyzers share (src/Shared/LayerFacts.cs): one row per kind, found by kind and by attribute class.
            Assert.Equal(kinds.Length, Unrolled.Shared.LayerFacts.All.Count);
            foreach (Kind kind in kinds)
            {
                Unrolled.Shared.LayerFacts facts = Unrolled.Shared.LayerFacts.Of(kind);
                Assert.Equal(kind, facts.Kind);
                Assert.Same(facts, Unrolled.Shared.LayerFacts.ForAttribute(facts.Name + "Attribute"));
                Assert.NotNull(typeof(Unrolled.NetworkAttribute).Assembly.GetType("Unrolled." + facts.Name + "Attribute")); // the runtime's class
                Assert.Equal(facts.IsActivation, facts.OnRawInputs != null);
            }
            Assert.Null(Unrolled.Shared.LayerFacts.ForAttribute("NetworkAttribute"));
            // The runtime's public LayerKind is the same list in the same order (generated code writes LayerKind.X by name,
            // weights files store the name).
            Assert.Equal(Enum.GetNames(typeof(Kind)), Enum.GetNames(typeof(Unrolled.LayerKind)));
        }
    }
}
