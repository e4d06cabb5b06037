using System;
using System.Collections.Generic;

// Compiled into both the generator and the analyzers (linked source): what each layer kind is, declared once. The
// generator's catalogue (src/Generator/Layers) holds how each kind is parsed and emitted; this table holds the facts the
// analyzers reason with, so no analyzer lists kinds of its own.
namespace Unrolled.Shared
{
    /// <summary>Facts about one layer kind.</summary>
    internal sealed class LayerFacts
    {
        private LayerFacts(LayerKind kind, string name, bool activation = false, bool saturating = false, bool rectifier = false,
            bool parameters = false, string? onRawInputs = null, InputRank takes = InputRank.Any)
        {
            Takes = takes;
            Kind = kind;
            Name = name;
            IsActivation = activation;
            IsSaturating = saturating;
            IsRectifier = rectifier;
            HasParameters = parameters;
            OnRawInputs = onRawInputs;
        }

        public LayerKind Kind { get; }

        /// <summary>The attribute's name as written in source (<c>[Dense]</c>, <c>[BatchNorm]</c>); the class is Name + "Attribute".</summary>
        public string Name { get; }

        /// <summary>An activation function (element-wise, or Softmax).</summary>
        public bool IsActivation { get; }

        /// <summary>Saturates (sigmoid, tanh): gradients vanish through deep stacks; Xavier initialisation suits it.</summary>
        public bool IsSaturating { get; }

        /// <summary>A rectifier (ReLU, LeakyReLU): He initialisation suits it.</summary>
        public bool IsRectifier { get; }

        /// <summary>Has trainable parameters.</summary>
        public bool HasParameters { get; }

        /// <summary>What the activation does to raw inputs when it is the first layer (UNR0121), for activations.</summary>
        public string? OnRawInputs { get; }

        /// <summary>The input rank the kind takes (the generator reports UNR0011/UNR0012 from it).</summary>
        public InputRank Takes { get; }

        private static readonly LayerFacts[] s_all =
        {
            new LayerFacts(LayerKind.Dense, "Dense", parameters: true, takes: InputRank.Features),
            new LayerFacts(LayerKind.ReLU, "ReLU", activation: true, rectifier: true, onRawInputs: "ReLU zeroes every negative feature"),
            new LayerFacts(LayerKind.LeakyReLU, "LeakyReLU", activation: true, rectifier: true, onRawInputs: "LeakyReLU shrinks every negative feature"),
            new LayerFacts(LayerKind.Sigmoid, "Sigmoid", activation: true, saturating: true, onRawInputs: "Sigmoid squashes the features"),
            new LayerFacts(LayerKind.Tanh, "Tanh", activation: true, saturating: true, onRawInputs: "Tanh squashes the features"),
            new LayerFacts(LayerKind.Softmax, "Softmax", activation: true, onRawInputs: "Softmax turns the features into a distribution", takes: InputRank.Features),
            new LayerFacts(LayerKind.BatchNorm, "BatchNorm", parameters: true),
            new LayerFacts(LayerKind.Dropout, "Dropout"),
            new LayerFacts(LayerKind.Flatten, "Flatten", takes: InputRank.Image),
            new LayerFacts(LayerKind.Conv2D, "Conv2D", parameters: true, takes: InputRank.Image),
            new LayerFacts(LayerKind.MaxPool2D, "MaxPool2D", takes: InputRank.Image),
            new LayerFacts(LayerKind.AvgPool2D, "AvgPool2D", takes: InputRank.Image),
            new LayerFacts(LayerKind.GlobalAvgPool2D, "GlobalAvgPool2D", takes: InputRank.Image),
        };

        private static readonly Dictionary<string, LayerFacts> s_byAttribute = ByAttribute();

        private static Dictionary<string, LayerFacts> ByAttribute()
        {
            var map = new Dictionary<string, LayerFacts>(StringComparer.Ordinal);
            foreach (LayerFacts facts in s_all) map.Add(facts.Name + "Attribute", facts);
            return map;
        }

        /// <summary>Every kind, in <see cref="LayerKind"/> order.</summary>
        public static IReadOnlyList<LayerFacts> All => s_all;

        /// <summary>The facts of <paramref name="kind"/> (the table is in <see cref="LayerKind"/> order; a test checks it).</summary>
        public static LayerFacts Of(LayerKind kind) => s_all[(int)kind];

        /// <summary>The kind whose attribute class in the Unrolled namespace is named <paramref name="attributeClass"/>, or null.</summary>
        public static LayerFacts? ForAttribute(string attributeClass) => s_byAttribute.TryGetValue(attributeClass, out LayerFacts? facts) ? facts : null;
    }
}
