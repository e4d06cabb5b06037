using System;
using System.Collections.Generic;

namespace Unrolled
{
    /// <summary>
    /// How one layer runs in ONNX at inference: an operator, the initializers it reads from the network's flat buffers
    /// (after the previous layer's output), and its attributes. The generator writes each layer's node from the layer
    /// catalogue (src/Generator/Layers: the kind's file says how it maps to ONNX) into <see cref="LayerInfo.Onnx"/>;
    /// <see cref="OnnxExporter"/> only serialises them. A layer without a node (Dropout) is the identity at inference.
    /// </summary>
    public sealed class OnnxNode
    {
        /// <summary>A node of <paramref name="op"/> (an ONNX opset-13 operator name).</summary>
        public OnnxNode(string op, OnnxTensor[] initializers, OnnxAttribute[] attributes)
        {
            Op = op ?? throw new ArgumentNullException(nameof(op));
            Initializers = initializers ?? Array.Empty<OnnxTensor>();
            Attributes = attributes ?? Array.Empty<OnnxAttribute>();
        }

        /// <summary>The ONNX operator: Gemm, BatchNormalization, Relu, …</summary>
        public string Op { get; }

        /// <summary>Inputs after the data flowing in, in the operator's order.</summary>
        public IReadOnlyList<OnnxTensor> Initializers { get; }

        /// <summary>The operator's attributes.</summary>
        public IReadOnlyList<OnnxAttribute> Attributes { get; }
    }

    /// <summary>An initializer: a slice of <c>Parameters</c> or <c>RunningStatistics</c> with its ONNX shape.</summary>
    public sealed class OnnxTensor
    {
        /// <summary>The tensor named <c>layerName.suffix</c>, read from <c>RunningStatistics</c> when
        /// <paramref name="statistics"/> is true (else <c>Parameters</c>) at <paramref name="offset"/>, of shape <paramref name="dimensions"/>.</summary>
        public OnnxTensor(string suffix, bool statistics, int offset, params int[] dimensions)
        {
            Suffix = suffix ?? throw new ArgumentNullException(nameof(suffix));
            FromStatistics = statistics;
            Offset = offset;
            Dimensions = dimensions ?? throw new ArgumentNullException(nameof(dimensions));
        }

        /// <summary>The name's part after the layer's name (<c>weight</c>, <c>bias</c>, <c>mean</c>, …).</summary>
        public string Suffix { get; }

        /// <summary>Read from <c>RunningStatistics</c> instead of <c>Parameters</c>.</summary>
        public bool FromStatistics { get; }

        /// <summary>Where the values start in their buffer.</summary>
        public int Offset { get; }

        /// <summary>The ONNX shape; the values are its product, row-major.</summary>
        public IReadOnlyList<int> Dimensions { get; }

        /// <summary>How many values: the product of the dimensions.</summary>
        public int Count
        {
            get
            {
                int count = 1;
                foreach (int dimension in Dimensions) count *= dimension;
                return count;
            }
        }
    }

    /// <summary>An integer, floating-point or integer-list attribute of an ONNX node.</summary>
    public sealed class OnnxAttribute
    {
        private OnnxAttribute(string name, bool isFloat, long integer, double number, long[]? integers = null)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            IsFloat = isFloat;
            Integer = integer;
            Number = number;
            Integers = integers;
        }

        /// <summary>An INT attribute.</summary>
        public static OnnxAttribute Int(string name, long value) => new OnnxAttribute(name, false, value, 0);

        /// <summary>A FLOAT attribute (written as a 32-bit float, as ONNX stores them).</summary>
        public static OnnxAttribute Float(string name, double value) => new OnnxAttribute(name, true, 0, value);

        /// <summary>An INTS attribute (<c>kernel_shape</c>, <c>strides</c>, <c>pads</c>).</summary>
        public static OnnxAttribute Ints(string name, params long[] values) =>
            new OnnxAttribute(name, false, 0, 0, (long[])(values ?? throw new ArgumentNullException(nameof(values))).Clone());

        /// <summary>The INTS values, or null for an INT or FLOAT attribute.</summary>
        public IReadOnlyList<long>? Integers { get; }

        /// <summary>The attribute's name.</summary>
        public string Name { get; }

        /// <summary>Whether it is a FLOAT (else an INT).</summary>
        public bool IsFloat { get; }

        /// <summary>The INT value.</summary>
        public long Integer { get; }

        /// <summary>The FLOAT value.</summary>
        public double Number { get; }
    }
}
