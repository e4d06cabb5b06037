using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace Unrolled
{
    /// <summary>
    /// Writes a trained network as a standard ONNX model (IR version 8, opset 13) in inference mode, so it can run on
    /// ONNX Runtime, on servers and on GPUs. Each layer's node comes from its kind in the generator's layer catalogue
    /// (<see cref="LayerInfo.Onnx"/>: Dense → Gemm with transB = 1, BatchNorm → BatchNormalization with the running
    /// statistics, the activations → their operators, Conv2D → Conv, the pooling layers → MaxPool, AveragePool, GlobalAveragePool then Flatten, Flatten → Flatten, Dropout → nothing); this class only serialises them. The input and
    /// output have a dynamic batch dimension.
    /// The protobuf is written by hand (a few dozen lines), so Unrolled needs no protobuf dependency.
    /// </summary>
    public static class OnnxExporter
    {
        private const int FloatType = 1, DoubleType = 11;

        /// <summary>Writes <paramref name="network"/> to <paramref name="path"/> (atomically: a temporary file, then a rename).</summary>
        public static void Export<T>(INetwork<T> network, string path, string inputName = "input", string outputName = "output") where T : struct
        {
            AtomicFile.WriteAllBytes(path, ToBytes(network, inputName, outputName));
        }

        /// <summary>The ONNX ModelProto bytes of <paramref name="network"/>.</summary>
        public static byte[] ToBytes<T>(INetwork<T> network, string inputName = "input", string outputName = "output") where T : struct
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            int elementType = Scalar<T>.IsSingle ? FloatType : DoubleType;
            var graph = new Proto();
            string current = inputName;
            var layers = new List<LayerInfo>(network.Layers);
            int last = layers.FindLastIndex(l => l.Onnx != null);
            for (int i = 0; i < layers.Count; i++)
            {
                LayerInfo layer = layers[i];
                if (layer.Onnx is not OnnxNode onnx) continue; // the identity at inference
                string output = i == last ? outputName : layer.Name;
                var inputs = new List<string> { current };
                foreach (OnnxTensor tensor in onnx.Initializers)
                {
                    Span<T> source = tensor.FromStatistics ? network.RunningStatistics : network.Parameters;
                    inputs.Add(Initializer(graph, layer.Name + "." + tensor.Suffix, source.Slice(tensor.Offset, tensor.Count), elementType, tensor.Dimensions));
                }
                var node = new Proto();
                Node(node, onnx.Op, layer.Name, inputs, output);
                foreach (OnnxAttribute attribute in onnx.Attributes)
                    node.Message(5, attribute.IsFloat ? FloatAttribute(attribute.Name, attribute.Number)
                        : attribute.Integers != null ? IntsAttribute(attribute.Name, attribute.Integers)
                        : IntAttribute(attribute.Name, attribute.Integer));
                graph.Message(1, node);
                current = output;
            }
            if (last < 0) throw new ArgumentException("The network has no layer to export.", nameof(network));

            graph.String(2, network.GetType().Name);
            graph.Message(11, ValueInfo(inputName, elementType, layers[0].InputShape));
            graph.Message(12, ValueInfo(outputName, elementType, layers[layers.Count - 1].OutputShape));

            var model = new Proto();
            model.Varint(1, 8);                                       // ir_version
            model.String(2, "Unrolled");                             // producer_name
            model.String(3, typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0");
            model.Message(7, graph);
            var opset = new Proto();
            opset.String(1, string.Empty);
            opset.Varint(2, 13);
            model.Message(8, opset);
            return model.ToArray();
        }

        private static void Node(Proto node, string op, string name, List<string> inputs, string output)
        {
            foreach (string input in inputs) node.String(1, input);
            node.String(2, output);
            node.String(3, name);
            node.String(4, op);
        }

        private static string Initializer<T>(Proto graph, string name, Span<T> values, int elementType, IReadOnlyList<int> dims) where T : struct
        {
            var tensor = new Proto();
            foreach (int dim in dims) tensor.Varint(1, (ulong)dim);
            tensor.Varint(2, (ulong)elementType);
            tensor.String(8, name);
            tensor.Bytes(9, MemoryMarshal.AsBytes(values)); // raw_data, little-endian
            graph.Message(5, tensor);
            return name;
        }

        /// <summary>[batch, features] or [batch, C, H, W] (NCHW), the batch dynamic.</summary>
        private static Proto ValueInfo(string name, int elementType, TensorShape sample)
        {
            var batch = new Proto();
            batch.String(2, "batch");                                // dim_param: dynamic
            var shape = new Proto();
            shape.Message(1, batch);
            foreach (int size in sample.Dimensions)
            {
                var dimension = new Proto();
                dimension.Varint(1, (ulong)size);                    // dim_value
                shape.Message(1, dimension);
            }
            var tensorType = new Proto();
            tensorType.Varint(1, (ulong)elementType);
            tensorType.Message(2, shape);
            var type = new Proto();
            type.Message(1, tensorType);
            var info = new Proto();
            info.String(1, name);
            info.Message(2, type);
            return info;
        }

        private static Proto IntAttribute(string name, long value)
        {
            var attribute = new Proto();
            attribute.String(1, name);
            attribute.Varint(3, (ulong)value);
            attribute.Varint(20, 2); // AttributeType.INT
            return attribute;
        }

        private static Proto IntsAttribute(string name, IReadOnlyList<long> values)
        {
            var attribute = new Proto();
            attribute.String(1, name);
            foreach (long value in values) attribute.Varint(8, (ulong)value); // repeated int64 ints (unpacked)
            attribute.Varint(20, 7); // AttributeType.INTS
            return attribute;
        }

        private static Proto FloatAttribute(string name, double value)
        {
            var attribute = new Proto();
            attribute.String(1, name);
            attribute.Fixed32(2, (float)value);
            attribute.Varint(20, 1); // AttributeType.FLOAT
            return attribute;
        }

        /// <summary>A protobuf message under construction (varint, fixed32 and length-delimited fields only).</summary>
        private sealed class Proto
        {
            private readonly MemoryStream _buffer = new MemoryStream();

            public void Varint(int field, ulong value)
            {
                Tag(field, 0);
                WriteVarint(value);
            }

            public void Fixed32(int field, float value)
            {
                Tag(field, 5);
                byte[] bytes = BitConverter.GetBytes(value);
                if (!BitConverter.IsLittleEndian) Array.Reverse(bytes);
                _buffer.Write(bytes, 0, 4);
            }

            public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

            public void Message(int field, Proto message) => Bytes(field, message.ToArray());

            public void Bytes(int field, ReadOnlySpan<byte> value)
            {
                Tag(field, 2);
                WriteVarint((ulong)value.Length);
                byte[] copy = value.ToArray();
                _buffer.Write(copy, 0, copy.Length);
            }

            public byte[] ToArray() => _buffer.ToArray();

            private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

            private void WriteVarint(ulong value)
            {
                while (value >= 0x80)
                {
                    _buffer.WriteByte((byte)(value | 0x80));
                    value >>= 7;
                }
                _buffer.WriteByte((byte)value);
            }
        }
    }
}
