using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Unrolled.CodeFixes;
using Xunit;

namespace Unrolled.Analyzers.Tests
{
    /// <summary>
    /// Issue 13, finding 4: a code fix changes what the network computes only by the one mistake it names. For every fix,
    /// random healthy networks get one to three instances of its mistake planted; each diagnostic must sit on a planted
    /// mistake (and every mistake must get one), each single fix must restore exactly its mistake's layers and leave every
    /// other layer and class as it was, and Fix All (document, project, solution) must restore the healthy network; the
    /// results must compile with the generated code (checked on the first documents: compiling dominates the run time) and
    /// no longer have the diagnostic. 200 declarations per fix, seeded.
    /// Before this test, UNR0110's fix removed the Dense after an inner Softmax (a 128-class output).
    /// </summary>
    public class CodeFixPropertyTests
    {
        /// <summary>Documents per rule, networks per document, and how many documents are also compiled with the generated
        /// code (compiling dominates the run time; the shapes of every document are checked).</summary>
        private const int Documents = 10, NetworksPerDocument = 20, CompiledDocuments = 2;

        private static readonly string[] s_activations = { "ReLU", "LeakyReLU(0.2)", "Tanh", "Sigmoid" };

        /// <summary>A network as segments: each has its healthy layers and, when a mistake is planted in it, the planted ones.</summary>
        private sealed class Net
        {
            public string Name = "";
            public int Inputs;
            public string Loss = "";          // healthy loss: "" (the default, cross-entropy) or "Loss.X"
            public string? PlantedLoss;       // UNR0102
            public bool PlantedNotPartial;    // UNR0001
            public bool Nested;
            public List<Segment> Segments = new List<Segment>();
            public int Output => Segments.Count - 1;
        }

        private sealed class Segment
        {
            public List<string> Healthy = new List<string>();
            public List<string>? Planted;
            public string Activation = "";    // hidden blocks: the activation's text
            public bool BatchNorm, Dropout;
            public int Dense = -1;            // index of the Dense in Healthy, −1 for none
        }

        /// <summary>What a rule's property test needs: the fixer, how to plant the mistake, and where its diagnostic points
        /// relative to the mistake (UNR0107 sits on the Dense after the block that lost its activation).</summary>
        private sealed class Rule
        {
            public Rule(CodeFixProvider fixer, Func<Net, Random, bool> plant, int segmentShift = 0, bool generator = false, bool classification = true)
            {
                Fixer = fixer;
                Plant = plant;
                SegmentShift = segmentShift;
                Generator = generator;
                Classification = classification;
            }

            public CodeFixProvider Fixer { get; }
            public Func<Net, Random, bool> Plant { get; }
            public int SegmentShift { get; }
            public bool Generator { get; }
            public bool Classification { get; }
        }

        private static readonly Dictionary<string, Rule> s_rules = new Dictionary<string, Rule>
        {
            ["UNR0001"] = new Rule(new AddPartialCodeFixer(), (n, r) =>
            {
                n.PlantedNotPartial = true;
                n.Nested = r.Next(3) == 0;
                n.Segments[0].Planted = new List<string>(n.Segments[0].Healthy); // the class-level mistake counts as segment 0's
                return true;
            }, generator: true),
            ["UNR0101"] = new Rule(new MoveLayerCodeFixer(), (n, r) => PlantInBlocks(n, r, s => s.BatchNorm, s => Swap(s.Healthy, s.Healthy.IndexOf("BatchNorm"), s.Healthy.IndexOf(s.Activation)))),
            ["UNR0102"] = new Rule(new AttributeArgumentCodeFixer(), (n, r) =>
            {
                n.Loss = "Loss.CrossEntropy";
                n.PlantedLoss = r.Next(2) == 0 ? "Loss.MeanSquaredError" : "Loss.BinaryCrossEntropy";
                n.Segments[n.Output].Planted = new List<string>(n.Segments[n.Output].Healthy);
                return true;
            }),
            ["UNR0103"] = new Rule(new InsertLayerCodeFixer(), (n, r) => Output(n, healthy => healthy.Take(healthy.Count - 1))),
            ["UNR0104"] = new Rule(new MoveLayerCodeFixer(), (n, r) => PlantInBlocks(n, r, s => s.BatchNorm && s.Dropout,
                s => new[] { s.Healthy[0], s.Healthy[3], s.Healthy[1], s.Healthy[2] }.ToList())),
            ["UNR0105"] = new Rule(new MoveLayerCodeFixer(), (n, r) => PlantInBlocks(n, r, s => s.Dropout,
                s => Swap(s.Healthy, s.Healthy.Count - 1, s.Healthy.IndexOf(s.Activation)))),
            ["UNR0106"] = new Rule(new RemoveLayerCodeFixer(), (n, r) => PlantInBlocks(n, r, s => true,
                s => Insert(s.Healthy, s.Healthy.IndexOf(s.Activation) + 1, s_activations[r.Next(s_activations.Length)]))),
            ["UNR0107"] = new Rule(new InsertLayerCodeFixer(), (n, r) => PlantInBlocks(n, r, s => s.Activation == "ReLU",
                s => s.Healthy.Where(l => l != "ReLU").ToList()), segmentShift: -1),
            ["UNR0110"] = new Rule(new RemoveLayerCodeFixer(), (n, r) =>
            {
                // A Softmax before the output (in up to three blocks), a layer after the output Softmax, or Dropout or
                // BatchNorm after any other output; at least one of them.
                List<string> InnerSoftmax(Segment s) => Insert(s.Healthy, s.Healthy.IndexOf(s.Activation) + 1, "Softmax");
                bool any = r.Next(2) == 0 && PlantInBlocks(n, r, _ => true, InnerSoftmax);
                if (r.Next(2) == 0)
                {
                    Segment output = n.Segments[n.Output];
                    string last = output.Healthy[output.Healthy.Count - 1] == "Softmax" ? new[] { "Dropout(0.3)", "BatchNorm", "ReLU" }[r.Next(3)] : new[] { "Dropout(0.3)", "BatchNorm" }[r.Next(2)];
                    output.Planted = output.Healthy.Append(last).ToList();
                    any = true;
                }
                return any || PlantInBlocks(n, r, _ => true, InnerSoftmax);
            }, classification: false),
            ["UNR0111"] = new Rule(new AttributeArgumentCodeFixer(), (n, r) => PlantInBlocks(n, r, s => s.BatchNorm,
                s => Replace(s.Healthy, s.Dense, s.Healthy[s.Dense].Replace(", UseBias = false", r.Next(2) == 0 ? string.Empty : ", UseBias = true")))),
            ["UNR0112"] = new Rule(new AttributeArgumentCodeFixer(), (n, r) => PlantInBlocks(n, r, s => !s.BatchNorm,
                s => Replace(s.Healthy, s.Dense, Unsuited(s.Healthy[s.Dense], r)))),
            ["UNR0113"] = new Rule(new RemoveLayerCodeFixer(), (n, r) => Output(n, healthy => Insert(healthy.ToList(), 1, s_activations[r.Next(s_activations.Length)]))),
            ["UNR0119"] = new Rule(new RemoveLayerCodeFixer(), (n, r) => PlantInBlocks(n, r, s => s.BatchNorm, s => Insert(s.Healthy, s.Healthy.IndexOf("BatchNorm"), "BatchNorm"))),
            ["UNR0120"] = new Rule(new RemoveLayerCodeFixer(), (n, r) => PlantInBlocks(n, r, s => !s.Dropout, s => s.Healthy.Append("Dropout(0)").ToList())),
            ["UNR0121"] = new Rule(new RemoveLayerCodeFixer(), (n, r) =>
            {
                n.Segments[0].Planted = new[] { s_activations[r.Next(s_activations.Length)] }.Concat(n.Segments[0].Healthy).ToList();
                return true;
            }),
        };

        public static IEnumerable<object[]> Ids() => s_rules.Keys.Select(id => new object[] { id });

        [Theory]
        [MemberData(nameof(Ids))]
        public async Task Finding4_EveryCodeFixChangesOnlyTheMistakeItNames(string id)
        {
            Rule rule = s_rules[id];
            var harness = new FixHarness(new LayerOrderAnalyzer(), new LossPairingAnalyzer(), new LayerConfigurationAnalyzer(), new MissingNetworkAnalyzer());
            var random = new Random(int.Parse(id.Substring(3), System.Globalization.CultureInfo.InvariantCulture));
            int declarations = 0, singleFixes = 0;
            for (int d = 0; d < Documents; d++)
            {
                var nets = new List<Net>();
                while (nets.Count < NetworksPerDocument)
                {
                    Net net = Healthy(random, $"Net{d}_{nets.Count}", rule.Classification || random.Next(3) != 0);
                    if (rule.Plant(net, random)) nets.Add(net);
                }
                declarations += nets.Count;
                Document document = FixHarness.Document(Render(nets, random, _ => true));
                var planted = nets.ToDictionary(n => n.Name);

                // Every diagnostic of the rule is on a planted mistake, and every mistake has one.
                List<Diagnostic> diagnostics = (await harness.DiagnoseAsync(document, rule.Generator)).Where(x => x.Id == id).ToList();
                var hits = diagnostics.Select(x => (Diagnostic: x, Net: planted[FixHarness.Where(x).Class], Segment: SegmentOf(planted[FixHarness.Where(x).Class], x, rule, _ => true))).ToList();
                foreach (Net net in nets)
                {
                    int[] expected = PlantedSegments(net).ToArray();
                    int[] found = hits.Where(h => h.Net == net).Select(h => h.Segment).OrderBy(s => s).ToArray();
                    Assert.True(expected.SequenceEqual(found), $"{id} on {net.Name}: diagnostics on segments [{string.Join(", ", found)}], mistakes in [{string.Join(", ", expected)}]\n{Render(new[] { net }, new Random(0), _ => true)}");
                }

                // Each diagnostic fixed alone: exactly its mistake is undone, in its class only.
                Dictionary<string, string> before = await FixHarness.ShapesAsync(document);
                var variants = new List<Net>();
                var variantOf = new Dictionary<string, (Net Net, int Fixed)>();
                foreach (var hit in hits)
                {
                    Document? fixedDocument = await FixHarness.FixAsync(document, hit.Diagnostic, rule.Fixer);
                    Assert.True(fixedDocument != null, $"{id}: no fix offered for {hit.Diagnostic}");
                    Dictionary<string, string> after = await FixHarness.ShapesAsync(fixedDocument!);
                    var expected = new Dictionary<string, string>(before) { [hit.Net.Name] = Shape(hit.Net, s => s != hit.Segment) };
                    AssertShapes(expected, after, $"{id}, single fix of {hit.Diagnostic}");
                    string variant = $"{hit.Net.Name}_fixed{singleFixes++}";
                    variants.Add(Fixed(hit.Net, hit.Segment, variant));
                    variantOf[variant] = (hit.Net, hit.Segment);
                }

                // The single-fix results together: they compile, and only the other mistakes keep their diagnostic.
                if (hits.Count > 0)
                {
                    Document assembled = FixHarness.Document(Render(variants, random, _ => true));
                    if (!rule.Generator && d < CompiledDocuments) Assert.Empty(await FixHarness.ErrorsAsync(assembled)); // UNR0001 is the generator's error itself
                    var remaining = (await harness.DiagnoseAsync(assembled, rule.Generator)).Where(x => x.Id == id)
                        .Select(x => (Variant: FixHarness.Where(x).Class, Diagnostic: x)).ToList();
                    foreach ((string variant, (Net net, int fixedSegment)) in variantOf)
                    {
                        int[] expected = PlantedSegments(net).Where(s => s != fixedSegment).ToArray();
                        int[] found = remaining.Where(x => x.Variant == variant).Select(x => SegmentOf(net, x.Diagnostic, rule, s => s != fixedSegment)).OrderBy(s => s).ToArray();
                        Assert.True(expected.SequenceEqual(found), $"{id}: after fixing segment {fixedSegment} of {net.Name}, diagnostics on [{string.Join(", ", found)}], mistakes left in [{string.Join(", ", expected)}]");
                    }
                }

                // Fix All in every scope: the healthy networks, compiling, without the diagnostic.
                var healthy = nets.ToDictionary(n => n.Name, n => Shape(n, _ => false));
                foreach (FixAllScope scope in new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution })
                {
                    Document? all = await harness.FixAllAsync(document, id, rule.Fixer, scope, rule.Generator);
                    Assert.True(all != null, $"{id}: no Fix All in {scope}");
                    AssertShapes(healthy, await FixHarness.ShapesAsync(all!), $"{id}, Fix All in {scope}");
                    if (scope != FixAllScope.Document) continue;
                    if (d < CompiledDocuments) Assert.Empty(await FixHarness.ErrorsAsync(all!));
                    Assert.DoesNotContain(await harness.DiagnoseAsync(all!, rule.Generator), x => x.Id == id);
                }
            }
            Assert.True(declarations >= 200 && singleFixes >= 200, $"{declarations} declarations, {singleFixes} single fixes");
        }

        /// <summary>A copy of <paramref name="net"/> named <paramref name="name"/> with the mistake of one segment undone.</summary>
        private static Net Fixed(Net net, int segment, string name)
        {
            var copy = new Net { Name = name, Inputs = net.Inputs, Loss = net.Loss, PlantedLoss = net.PlantedLoss, PlantedNotPartial = net.PlantedNotPartial, Nested = net.Nested };
            for (int s = 0; s < net.Segments.Count; s++)
            {
                Segment original = net.Segments[s];
                copy.Segments.Add(new Segment
                {
                    Healthy = original.Healthy, Planted = s == segment ? null : original.Planted, Activation = original.Activation,
                    BatchNorm = original.BatchNorm, Dropout = original.Dropout, Dense = original.Dense,
                });
            }
            return copy;
        }

        private static void AssertShapes(Dictionary<string, string> expected, Dictionary<string, string> actual, string what)
        {
            foreach ((string name, string shape) in expected)
            {
                Assert.True(actual.TryGetValue(name, out string? got), $"{what}: class {name} is gone");
                Assert.True(shape == got, $"{what}: {name}\n expected {shape}\n   actual {got}");
            }
            Assert.Equal(expected.Count, actual.Count);
        }

        private static IEnumerable<int> PlantedSegments(Net net) =>
            net.Segments.Select((s, i) => (s, i)).Where(p => p.s.Planted != null).Select(p => p.i);

        /// <summary>The segment a diagnostic's mistake is in: the segment of its layer (shifted as the rule says), or, for a
        /// diagnostic on the class rather than a layer, the one planted segment.</summary>
        private static int SegmentOf(Net net, Diagnostic diagnostic, Rule rule, Func<int, bool> planted)
        {
            int layer = FixHarness.Where(diagnostic).Layer;
            if (layer < 0) return net.PlantedNotPartial ? 0 : -1;
            int start = 0;
            for (int s = 0; s < net.Segments.Count; s++)
            {
                int count = (planted(s) ? net.Segments[s].Planted ?? net.Segments[s].Healthy : net.Segments[s].Healthy).Count;
                if (layer < start + count) return s + rule.SegmentShift;
                start += count;
            }
            return -1;
        }

        /// <summary>The expected shape (see <see cref="FixHarness.ShapesAsync"/>) with the mistakes of the segments for which
        /// <paramref name="planted"/> is true still in place.</summary>
        private static string Shape(Net net, Func<int, bool> planted)
        {
            bool anyPlanted = PlantedSegments(net).Any(planted);
            string loss = anyPlanted && net.PlantedLoss != null ? net.PlantedLoss : net.Loss;
            var parts = new List<string> { FixHarness.Normalize(loss.Length == 0 ? $"Network({net.Inputs})" : $"Network({net.Inputs}, Loss = {loss})") };
            for (int s = 0; s < net.Segments.Count; s++)
                parts.AddRange((planted(s) ? net.Segments[s].Planted ?? net.Segments[s].Healthy : net.Segments[s].Healthy).Select(FixHarness.Normalize));
            return (anyPlanted && net.PlantedNotPartial ? string.Empty : "partial ") + string.Join(" ", parts);
        }

        private static string Render(IEnumerable<Net> nets, Random random, Func<int, bool> planted, string? rename = null)
        {
            var source = new StringBuilder("using Unrolled;\n\nnamespace Nets\n{\n");
            foreach (Net net in nets)
            {
                bool anyPlanted = PlantedSegments(net).Any(planted);
                string loss = anyPlanted && net.PlantedLoss != null ? net.PlantedLoss : net.Loss;
                bool partial = !(anyPlanted && net.PlantedNotPartial);
                string indent = net.Nested ? "        " : "    ";
                if (net.Nested) source.Append($"    public {(partial ? "partial " : string.Empty)}class Outer{rename ?? net.Name}\n    {{\n");
                source.Append(indent).Append(loss.Length == 0 ? $"[Network({net.Inputs})]" : $"[Network({net.Inputs}, Loss = {loss})]").Append('\n').Append(indent);
                var layers = new List<string>();
                for (int s = 0; s < net.Segments.Count; s++) layers.AddRange(planted(s) ? net.Segments[s].Planted ?? net.Segments[s].Healthy : net.Segments[s].Healthy);
                for (int i = 0; i < layers.Count;)
                {
                    int take = Math.Min(layers.Count - i, 1 + (random.Next(4) == 0 ? random.Next(3) : 0)); // mostly one per list, sometimes [A, B, C]
                    source.Append('[').Append(string.Join(", ", layers.Skip(i).Take(take))).Append(']');
                    i += take;
                    if (i < layers.Count) source.Append(random.Next(3) == 0 ? (random.Next(2) == 0 ? " // note\n" : "\n") + indent : " ");
                }
                source.Append('\n').Append(indent).Append($"public {(partial ? "partial " : string.Empty)}class {rename ?? net.Name} {{ }}\n");
                if (net.Nested) source.Append("    }\n");
                source.Append('\n');
            }
            return source.Append("}\n").ToString();
        }

        /// <summary>A network with no mistake: an optional input BatchNorm, one to three hidden blocks Dense → [BatchNorm] →
        /// activation → [Dropout] with initialisers suited to their activation, and an output for classification
        /// (Dense → Softmax), regression (Dense, MSE) or one yes/no output (Dense(1) → Sigmoid, BCE).</summary>
        private static Net Healthy(Random random, string name, bool classification)
        {
            var net = new Net { Name = name, Inputs = random.Next(2, 40) };
            net.Segments.Add(new Segment { Healthy = random.Next(4) == 0 ? new List<string> { "BatchNorm" } : new List<string>() });
            int blocks = random.Next(1, 4);
            for (int b = 0; b < blocks; b++)
            {
                string activation = s_activations[random.Next(s_activations.Length)];
                bool relu = activation.StartsWith("ReLU") || activation.StartsWith("LeakyReLU");
                string init = relu ? (random.Next(2) == 0 ? "HeUniform" : "HeNormal") : (random.Next(2) == 0 ? "XavierUniform" : "XavierNormal");
                var segment = new Segment { Activation = activation, BatchNorm = random.Next(2) == 0, Dropout = random.Next(2) == 0, Dense = 0 };
                segment.Healthy.Add($"Dense({random.Next(1, 33)}, Init = Init.{init}{(segment.BatchNorm ? ", UseBias = false" : string.Empty)})");
                if (segment.BatchNorm) segment.Healthy.Add("BatchNorm");
                segment.Healthy.Add(activation);
                if (segment.Dropout) segment.Healthy.Add($"Dropout(0.{random.Next(1, 6)})");
                net.Segments.Add(segment);
            }
            int kind = classification ? 0 : random.Next(1, 3);
            var output = new Segment { Dense = 0 };
            switch (kind)
            {
                case 0:
                    output.Healthy.Add($"Dense({random.Next(2, 13)})");
                    output.Healthy.Add("Softmax");
                    break;
                case 1:
                    net.Loss = "Loss.MeanSquaredError";
                    output.Healthy.Add($"Dense({random.Next(1, 5)})");
                    break;
                default:
                    net.Loss = "Loss.BinaryCrossEntropy";
                    output.Healthy.Add("Dense(1)");
                    output.Healthy.Add("Sigmoid");
                    break;
            }
            net.Segments.Add(output);
            return net;
        }

        /// <summary>Plants a mistake in one to three eligible hidden blocks; false when none is eligible.</summary>
        private static bool PlantInBlocks(Net net, Random random, Func<Segment, bool> eligible, Func<Segment, List<string>> plant)
        {
            var candidates = Enumerable.Range(1, net.Segments.Count - 2).Where(s => net.Segments[s].Planted is null && eligible(net.Segments[s])).ToList();
            if (candidates.Count == 0) return false;
            int count = random.Next(1, Math.Min(3, candidates.Count) + 1);
            foreach (int s in candidates.OrderBy(_ => random.Next()).Take(count)) net.Segments[s].Planted = plant(net.Segments[s]);
            return true;
        }

        /// <summary>Plants a mistake in a classification output (Dense → Softmax); false for another output.</summary>
        private static bool Output(Net net, Func<List<string>, IEnumerable<string>> plant)
        {
            Segment output = net.Segments[net.Output];
            if (output.Healthy.Count != 2 || output.Healthy[1] != "Softmax") return false;
            output.Planted = plant(output.Healthy).ToList();
            return true;
        }

        private static List<string> Swap(List<string> layers, int a, int b)
        {
            var swapped = new List<string>(layers);
            (swapped[a], swapped[b]) = (swapped[b], swapped[a]);
            return swapped;
        }

        private static List<string> Insert(List<string> layers, int at, string layer)
        {
            var inserted = new List<string>(layers);
            inserted.Insert(at, layer);
            return inserted;
        }

        private static List<string> Replace(List<string> layers, int at, string layer)
        {
            var replaced = new List<string>(layers);
            replaced[at] = layer;
            return replaced;
        }

        /// <summary>The initialiser whose fix is the healthy one: Xavier (or LeCun) before ReLU, He before tanh/sigmoid.</summary>
        private static string Unsuited(string dense, Random random) =>
            dense.Contains("Init.HeUniform") ? dense.Replace("Init.HeUniform", "Init.XavierUniform")
            : dense.Contains("Init.HeNormal") ? dense.Replace("Init.HeNormal", random.Next(2) == 0 ? "Init.XavierNormal" : "Init.LeCunNormal")
            : dense.Contains("Init.XavierUniform") ? dense.Replace("Init.XavierUniform", "Init.HeUniform")
            : dense.Replace("Init.XavierNormal", "Init.HeNormal");
    }
}
