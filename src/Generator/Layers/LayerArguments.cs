using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Unrolled.Generator.Diagnostics;
using Unrolled.Generator.Model;
using Unrolled.Shared;

namespace Unrolled.Generator.Layers
{
    /// <summary>
    /// One layer attribute as its kind's <see cref="Layer.Parse"/> reads it, inside the generator's transform (the only
    /// place Roslyn's types are seen): the arguments, where the layer sits, and the list its diagnostics go to. What
    /// leaves is a <see cref="LayerSpec"/>, free of symbols and syntax.
    /// </summary>
    internal sealed class LayerArguments
    {
        private readonly AttributeData _data;
        private readonly List<DiagnosticInfo> _errors;

        public LayerArguments(LayerKind kind, AttributeData data, SyntaxNode? syntax, int index, Shape input, int parameterOffset, int statisticsOffset,
            string network, List<DiagnosticInfo> errors)
        {
            Kind = kind;
            _data = data;
            Syntax = syntax;
            Index = index;
            Input = input;
            ParameterOffset = parameterOffset;
            StatisticsOffset = statisticsOffset;
            Network = network;
            _errors = errors;
        }

        public LayerKind Kind { get; }
        public SyntaxNode? Syntax { get; }
        /// <summary>1-based position; the input shape (already of the rank the kind takes: the parser checks it); where its
        /// parameters and statistics start.</summary>
        public int Index { get; }
        public Shape Input { get; }
        public int ParameterOffset { get; }
        public int StatisticsOffset { get; }
        /// <summary>The network class's name, and "layer 3 of Name" for messages.</summary>
        public string Network { get; }
        public string Where => $"layer {Index} of {Network}";

        public ImmutableArray<TypedConstant> Constructor => _data.ConstructorArguments;

        /// <summary>A named argument's value, or <paramref name="fallback"/> when it is not given.</summary>
        public T Named<T>(string name, T fallback)
        {
            foreach (KeyValuePair<string, TypedConstant> named in _data.NamedArguments)
                if (named.Key == name) return (T)named.Value.Value!;
            return fallback;
        }

        /// <summary>The <c>Init</c> argument of a layer with weights (Keras' Glorot uniform when absent); an undefined value is
        /// UNR0007 and reads as the default.</summary>
        public InitKind Init(string kind)
        {
            int init = Named("Init", (int)InitKind.XavierUniform);
            if (init >= 0 && init <= 4) return (InitKind)init;
            Report(DiagnosticDescriptors.HyperParameterOutOfRange, kind + " Init", Where, init, "use Init.XavierUniform, XavierNormal, HeUniform, HeNormal or LeCunNormal");
            return InitKind.XavierUniform;
        }

        /// <summary>A size or stride that must be at least 1: UNR0013 below that, and 1 returned so later layers are still checked.</summary>
        public int AtLeastOne(string what, int value)
        {
            if (value >= 1) return value;
            Report(DiagnosticDescriptors.WindowArgumentOutOfRange, what, Index, Network, value);
            return 1;
        }

        /// <summary>Reports a diagnostic on the attribute.</summary>
        public void Report(DiagnosticDescriptor descriptor, params object[] arguments) => _errors.Add(DiagnosticInfo.Create(descriptor, Syntax, arguments));

        /// <summary>A number as the user wrote it (round-trip), for messages.</summary>
        public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
