using Unrolled.Shared;

namespace Unrolled.Generator.Layers
{
    /// <summary>The layer kinds, one instance each, by <see cref="LayerKind"/>. Adding a kind: its file here, its entry below.</summary>
    internal static class Catalogue
    {
        private static readonly Layer[] s_layers =
        {
            new Dense(), new ReLU(), new LeakyReLU(), new Sigmoid(), new Tanh(), new Softmax(), new BatchNorm(), new Dropout(), new Flatten(),
            new Conv2D(), new MaxPool2D(), new AvgPool2D(), new GlobalAvgPool2D(),
        };

        /// <summary>The kind's entry (the array is in <see cref="LayerKind"/> order; a test checks it).</summary>
        public static Layer Of(LayerKind kind) => s_layers[(int)kind];

        /// <summary>Every kind, in <see cref="LayerKind"/> order.</summary>
        public static System.Collections.Generic.IReadOnlyList<Layer> All => s_layers;
    }
}
