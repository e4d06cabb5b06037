using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Unrolled
{
    /// <summary>Finiteness tests over flat buffers, a vector at a time.</summary>
    internal static class NonFinite
    {
        /// <summary>Whether every value is finite: x·0 is 0 for finite x and NaN otherwise, so one SIMD sum of x·0 tells
        /// (cheap enough to run on the gradients after every step).</summary>
        public static bool AllFinite<T>(ReadOnlySpan<T> values) where T : struct
        {
            ReadOnlySpan<Vector<T>> vectors = MemoryMarshal.Cast<T, Vector<T>>(values);
            Vector<T> zero = Vector<T>.Zero, probe = zero;
            foreach (Vector<T> v in vectors) probe += v * zero;
            double total = Scalar<T>.ToDouble(Vector.Dot(probe, Vector<T>.One));
            for (int i = vectors.Length * Vector<T>.Count; i < values.Length; i++) total += Scalar<T>.ToDouble(values[i]) * 0;
            return !double.IsNaN(total);
        }

        /// <summary>The index of the first NaN or infinity, or −1.</summary>
        public static int FirstIndex<T>(ReadOnlySpan<T> values) where T : struct
        {
            if (AllFinite(values)) return -1;
            for (int i = 0; i < values.Length; i++)
            {
                double v = Scalar<T>.ToDouble(values[i]);
                if (double.IsNaN(v) || double.IsInfinity(v)) return i;
            }
            return -1;
        }

        /// <summary>The first layer with a non-finite parameter, and the parameter's index in <c>Parameters</c>.</summary>
        public static (LayerInfo? Layer, int Index) FirstParameter<T>(INetwork<T> network) where T : struct
        {
            int index = FirstIndex<T>(network.Parameters);
            return (index < 0 ? null : LayerOf(network.Layers, index), index);
        }

        /// <summary>The layer whose parameters include <c>Parameters[index]</c>, or null.</summary>
        public static LayerInfo? LayerOf(IReadOnlyList<LayerInfo> layers, int index)
        {
            foreach (LayerInfo layer in layers)
                if (index >= layer.ParameterOffset && index < layer.ParameterOffset + layer.ParameterCount) return layer;
            return null;
        }

        /// <summary><see cref="DescribeParameter(LayerInfo, int)"/> of the layer holding <c>Parameters[index]</c>, or
        /// "Parameters[index]" when none does.</summary>
        public static string DescribeParameter(IReadOnlyList<LayerInfo> layers, int index) =>
            LayerOf(layers, index) is LayerInfo layer ? DescribeParameter(layer, index) : $"Parameters[{index}]";

        /// <summary>"W[3, 17] of dense_1 (θ[1,377])": where a parameter index lies in its layer.</summary>
        public static string DescribeParameter(LayerInfo layer, int index)
        {
            int k = index - layer.ParameterOffset;
            string within;
            if (layer.Kind == LayerKind.Dense)
            {
                int weights = layer.WeightCount;
                within = k < weights ? $"W[{k / layer.InputSize}, {k % layer.InputSize}]" : $"b[{k - weights}]";
            }
            else if (layer.Kind == LayerKind.Conv2D && layer.Onnx is { Initializers.Count: > 0 } onnx && onnx.Initializers[0].Dimensions.Count == 4)
            {
                // W is [filters × channels × kh × kw], as its ONNX tensor says.
                IReadOnlyList<int> d = onnx.Initializers[0].Dimensions;
                int weights = layer.WeightCount;
                within = k < weights ? $"W[{k / (d[1] * d[2] * d[3])}, {k / (d[2] * d[3]) % d[1]}, {k / d[3] % d[2]}, {k % d[3]}]" : $"b[{k - weights}]";
            }
            else if (layer.Kind == LayerKind.BatchNorm)
                within = k < layer.ParameterCount / 2 ? $"γ[{k}]" : $"β[{k - layer.ParameterCount / 2}]";
            else
                within = $"parameter {k}";
            return $"{within} of {layer.Name} (Parameters[{index.ToString("N0", CultureInfo.InvariantCulture)}])";
        }
    }

    /// <summary>
    /// What <see cref="Trainer.Fit{T}"/> does about NaN and infinity, whatever <see cref="FitOptions.Diagnose"/> says: every
    /// training pass's outputs and loss, and (when the optimiser reads them) the gradients, are checked before the update;
    /// the running statistics a non-finite pass wrote are put back; and a checkpoint of the parameters, refreshed every
    /// <see cref="CheckpointSamples"/> samples once a forward pass has shown them finite, is restored when an update itself
    /// overflowed. Training then stops with a <see cref="DiagnosisKind.NonFinite"/> diagnosis naming the input, the layer or
    /// the parameter. Allocates its buffers once per <c>Fit</c>.
    /// </summary>
    internal sealed class NonFiniteGuard<T> where T : struct
    {
        /// <summary>A checkpoint costs one copy of the parameters: taking one at most every 256 samples keeps it near 1 % of
        /// a step at small batches (every step from batch 256 on).</summary>
        public const int CheckpointSamples = 256;

        private readonly INetwork<T> _network;
        private readonly T[] _statisticsBefore, _goodParameters, _goodStatistics;
        private readonly int _checkpointEvery;
        private long _goodStep = -1;
        private int _sinceCheckpoint;

        public NonFiniteGuard(INetwork<T> network, int batchSize)
        {
            _network = network;
            _statisticsBefore = new T[network.RunningStatistics.Length];
            _goodParameters = new T[network.ParameterCount];
            _goodStatistics = new T[network.RunningStatistics.Length];
            _checkpointEvery = Math.Max(1, (CheckpointSamples + batchSize - 1) / batchSize);
        }

        /// <summary>The parameters' state before training: null when finite (and checkpointed), else the diagnosis message.</summary>
        public string? BeforeTraining()
        {
            (LayerInfo? layer, int index) = NonFinite.FirstParameter(_network);
            if (index < 0)
            {
                Checkpoint(0);
                return null;
            }
            Culprit = layer;
            return $"{Where(index)} is {Value(index)} before training started (set by hand, or loaded from a file that held it): " +
                   "every output it touches is NaN. Reinitialise (InitializeParameters) or load finite weights. Training did not start.";
        }

        /// <summary>The layer named by the last failure.</summary>
        public LayerInfo? Culprit { get; private set; }

        /// <summary>Before each training pass: remembers the running statistics, which the pass updates.</summary>
        public void BeforePass() => _network.RunningStatistics.CopyTo(_statisticsBefore);

        /// <summary>After the training pass of step <paramref name="step"/>: null when its outputs are finite (then the
        /// parameters it used may become the checkpoint), else the message, with the running statistics put back and the
        /// parameters restored to the checkpoint if they were what went non-finite.</summary>
        public string? AfterPass(long step, ReadOnlySpan<T> outputs, ReadOnlySpan<T> inputs, double learningRate)
        {
            if (NonFinite.AllFinite(outputs))
            {
                if (++_sinceCheckpoint >= _checkpointEvery) Checkpoint(step);
                return null;
            }
            _statisticsBefore.CopyTo(_network.RunningStatistics);
            int badInput = NonFinite.FirstIndex(inputs);
            if (badInput >= 0)
            {
                Culprit = null;
                int width = _network.InputSize;
                return $"At step {step} the input batch's feature {badInput % width} of sample {badInput / width} is {Value(inputs[badInput])}: " +
                       "the data changed after Fit checked it. Training stopped with the weights unchanged.";
            }
            (LayerInfo? layer, int index) = NonFinite.FirstParameter(_network);
            if (index >= 0)
            {
                Culprit = layer;
                string where = Where(index), value = Value(index);
                return $"At step {step} {where} was {value}: the previous update overflowed. {Suspect(learningRate)} {Restore()}";
            }
            Culprit = FirstNonFiniteOutput();
            return $"At step {step} the forward pass overflowed in {Name(Culprit)} with finite weights and inputs. {Suspect(learningRate)} " +
                   "Training stopped before the update, with the weights unchanged.";
        }

        /// <summary>After the backward pass, before the update: null when the loss and (when checked) the gradients are
        /// finite, else the message.</summary>
        public string? BeforeUpdate(long step, double loss, bool checkGradients, double learningRate)
        {
            bool finiteLoss = !double.IsNaN(loss) && !double.IsInfinity(loss);
            if (finiteLoss && (!checkGradients || NonFinite.AllFinite<T>(_network.Gradients))) return null;
            _statisticsBefore.CopyTo(_network.RunningStatistics);
            Culprit = checkGradients ? LastNonFiniteGradient() : null;
            string what = finiteLoss ? $"the gradients of {Name(Culprit)} overflowed (the loss was {Value(loss)})" : $"the loss became {Value(loss)}";
            return $"At step {step} {what}. {Suspect(learningRate)} Training stopped before the update, with the weights unchanged.";
        }

        /// <summary>After a fused step (the update ran inside the backward pass) or at the end of training: null when the
        /// loss and the parameters are finite, else the message, with the parameters restored to the checkpoint if needed.</summary>
        public string? AfterUpdate(long step, double loss, double learningRate)
        {
            (LayerInfo? layer, int index) = NonFinite.FirstParameter(_network);
            bool finiteLoss = !double.IsNaN(loss) && !double.IsInfinity(loss);
            if (index < 0 && finiteLoss) return null;
            Culprit = layer;
            if (index < 0)
                return $"At step {step} the loss became {Value(loss)} though the outputs were finite. {Suspect(learningRate)} Training stopped; the weights are finite.";
            return $"At step {step} the update made {Where(index)} {Value(index)}. {Suspect(learningRate)} {Restore()}";
        }

        private string Restore()
        {
            _goodParameters.CopyTo(_network.Parameters);
            _goodStatistics.CopyTo(_network.RunningStatistics);
            return $"Training stopped and restored the weights of step {_goodStep}, the last checkpoint whose forward pass was finite " +
                   $"(checkpoints are taken every {DataChecks.Count(_checkpointEvery, "step")}).";
        }

        private void Checkpoint(long step)
        {
            _network.Parameters.CopyTo(_goodParameters);
            _network.RunningStatistics.CopyTo(_goodStatistics);
            _goodStep = step;
            _sinceCheckpoint = 0;
        }

        private static string Suspect(double learningRate) =>
            $"The learning rate ({F(learningRate)}) is the first suspect: try {F(learningRate / 10)}, clip gradients (ClipNorm), or add BatchNorm.";

        private string Where(int index) => NonFinite.DescribeParameter(_network.Layers, index);

        private static string Name(LayerInfo? layer) => layer is null ? "the loss" : $"layer {layer.Name} ({layer.Description})";

        private string Value(int parameter) => Value(_network.Parameters[parameter]);

        private static string Value(T value) => Value(Scalar<T>.ToDouble(value));

        private static string Value(double value) => value.ToString(CultureInfo.InvariantCulture);

        private static string F(double value) => value.ToString("G3", CultureInfo.InvariantCulture);

        private LayerInfo? FirstNonFiniteOutput()
        {
            foreach (LayerInfo layer in _network.Layers)
                if (!NonFinite.AllFinite(_network.LayerOutput(layer.Index))) return layer;
            return null;
        }

        private LayerInfo? LastNonFiniteGradient()
        {
            IReadOnlyList<LayerInfo> layers = _network.Layers;
            for (int i = layers.Count - 1; i >= 0; i--) // the backward pass runs from the output: the last layer it broke is where it started
                if (layers[i].ParameterCount > 0 && !NonFinite.AllFinite<T>(_network.Gradients.Slice(layers[i].ParameterOffset, layers[i].ParameterCount)))
                    return layers[i];
            return null;
        }
    }
}
