using Unrolled.Generator.Diagnostics;
using Unrolled.Generator.Helpers;
using Unrolled.Shared;

namespace Unrolled.Generator.Model
{
    /// <summary>Mirror of Unrolled.Loss.</summary>
    internal enum LossKind { CrossEntropy = 0, BinaryCrossEntropy = 1, MeanSquaredError = 2 }

    /// <summary>Mirror of Unrolled.Init.</summary>
    internal enum InitKind { XavierUniform = 0, XavierNormal = 1, HeUniform = 2, HeNormal = 3, LeCunNormal = 4 }

    /// <summary>
    /// One layer with every size and offset resolved; each kind derives its own record with its own arguments
    /// (<c>DenseSpec</c>, <c>BatchNormSpec</c>, … next to the kind in src/Generator/Layers). Immutable and structurally
    /// equatable: it must not hold symbols or syntax, otherwise incremental caching breaks.
    /// </summary>
    /// <param name="Index">1-based position in declaration order.</param>
    internal abstract record LayerSpec(int Index, LayerKind Kind, Shape Input, Shape Output, int ParameterOffset, int StatisticsOffset)
    {
        /// <summary>The kind's entry in the layer catalogue: everything the generator knows about this kind.</summary>
        public Layers.Layer Type => Layers.Catalogue.Of(Kind);

        /// <summary>Values per sample entering and leaving the layer (C·H·W for an image).</summary>
        public int InputSize => Input.Size;

        public int OutputSize => Output.Size;

        public int ParameterCount => Type.ParameterCount(this);

        public int StatisticsCount => Type.StatisticsCount(this);

        /// <summary>What the runtime's LayerInfo records of the arguments: the hyper-parameter (LeakyReLU slope, Dropout
        /// rate, BatchNorm momentum), BatchNorm's ε, and whether a Dense layer has a bias.</summary>
        public virtual (double Hyperparameter, double Epsilon, bool HasBias) InfoArguments => (0, 0, false);
    }

    /// <summary>A layer without arguments (ReLU, Sigmoid, Tanh, Softmax): same shape in and out.</summary>
    internal sealed record PlainSpec(int Index, LayerKind Kind, Shape Input, Shape Output, int ParameterOffset, int StatisticsOffset)
        : LayerSpec(Index, Kind, Input, Output, ParameterOffset, StatisticsOffset);

    /// <summary>A containing type, outermost first, as text: <c>partial class Outer</c>.</summary>
    internal sealed record TypeShell(string Keyword, string Name);

    /// <summary>
    /// Everything the emitter needs to write one network. <c>Loops</c> is <c>[Network(Code = GeneratedCode.Loops)]</c>: each
    /// kind writes its blocks as plain loops instead of kernel calls. Immutable and structurally equatable
    /// (records plus <see cref="EquatableArray{T}"/>), so an edit that does not change the network is Cached.
    /// </summary>
    internal sealed record NetworkSpec(
        string? Namespace,
        EquatableArray<TypeShell> ContainingTypes,
        string TypeName,
        Shape Input,
        LossKind Loss,
        bool IsDouble,
        int Seed,
        bool Loops,
        EquatableArray<LayerSpec> Layers)
    {
        public LayerSpec Last => Layers[Layers.Count - 1];

        public int InputSize => Input.Size;

        public int OutputSize => Last.OutputSize;

        public int ParameterCount => Last.ParameterOffset + Last.ParameterCount;

        public int StatisticsCount => Last.StatisticsOffset + Last.StatisticsCount;

        /// <summary><c>Namespace.Outer.Name</c>, for hint names and messages.</summary>
        public string FullName
        {
            get
            {
                var builder = new System.Text.StringBuilder();
                if (Namespace != null) builder.Append(Namespace).Append('.');
                foreach (TypeShell shell in ContainingTypes) builder.Append(shell.Name).Append('.');
                return builder.Append(TypeName).ToString();
            }
        }
    }

    /// <summary>A parse result and the diagnostics found on the way (after MVVM's Result&lt;T&gt;).</summary>
    internal sealed record Result<T>(T Value, EquatableArray<DiagnosticInfo> Errors);
}
