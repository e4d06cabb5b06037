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
        }
    }
}
