using System;
using System.Collections.Generic;

namespace Unrolled
{
    /// <summary>
    /// What every generated network exposes, so that optimisers, training loops and tools can drive any of them.
    /// <typeparamref name="T"/> is <see cref="float"/> or <see cref="double"/> (<see cref="NetworkAttribute.Precision"/>).
    /// <para>Threads: inference (<c>Forward</c>, and <see cref="Trainer.Predict{T}"/>, <see cref="Trainer.PredictClass{T}"/> and
    /// <see cref="Trainer.Evaluate{T}"/> on top of it) may be called on one instance from any number of threads at once; each
    /// call's result is bit-identical to the same call made alone. Each thread's layer outputs go to its own buffers, one
    /// chunk of 64 samples per network type, allocated on the thread's first call; nothing is allocated per call after that.
    /// Training (<c>ForwardTraining</c>, <c>Backward</c>, <c>ComputeGradients</c>, optimiser steps, <c>Fit</c>),
    /// <c>InitializeParameters</c> and weight loading have one owner at a time: another thread that tries gets an
    /// <see cref="InvalidOperationException"/> naming the conflict (<see cref="Guard"/>), and inference is refused while
    /// another thread trains (never served from half-updated weights). To serve while training, serve a copy
    /// (<c>Clone()</c>, or <c>CopyParametersFrom</c> into a spare instance). Writing <see cref="Parameters"/> by hand while
    /// other threads run inference is not detected.</para>
    /// </summary>
    public interface INetwork<T> where T : struct
    {
        /// <summary>Input features per sample.</summary>
        int InputSize { get; }

        /// <summary>Outputs per sample (the last layer's width).</summary>
        int OutputSize { get; }

        /// <summary>Number of trainable parameters.</summary>
        int ParameterCount { get; }

        /// <summary>The loss <see cref="ComputeGradients(ReadOnlySpan{T}, ReadOnlySpan{int}, int)"/> minimises.</summary>
        Loss Loss { get; }

        /// <summary>The layers in declaration order.</summary>
        IReadOnlyList<LayerInfo> Layers { get; }

        /// <summary>The network's guard against concurrent training, loading and inference during training (see the
        /// interface's remarks); the runtime's Fit, optimisers, weights files and gradient checker take it too.</summary>
        NetworkGuard Guard { get; }

        /// <summary>Every trainable parameter, flat, layer by layer in declaration order
        /// (Dense: weights row-major <c>[units × inputs]</c>, then bias; BatchNorm: γ then β).</summary>
        /// <remarks>Float networks keep a packed copy of their Dense weights for single-sample inference; each get marks it
        /// stale, so the next <c>Forward</c> sees what was written through the span. Write before the next <c>Forward</c> call
        /// (a span kept across a <c>Forward</c> call and written after it is seen once <c>Parameters</c> is read again).</remarks>
        Span<T> Parameters { get; }

        /// <summary>∂L/∂θ for every parameter, same layout as <see cref="Parameters"/>, written by the last backward pass.</summary>
        Span<T> Gradients { get; }

        /// <summary>Non-trainable state: for each BatchNorm layer, its running mean then its running variance.</summary>
        Span<T> RunningStatistics { get; }

        /// <summary>State of the dropout random generator; save and restore it to replay the same dropout masks.</summary>
        ulong RandomState { get; set; }

        /// <summary>Re-initialises parameters, running statistics and the dropout generator deterministically from <paramref name="seed"/>.</summary>
        void InitializeParameters(int seed);

        /// <summary>Inference for one sample: BatchNorm uses its running statistics and Dropout is off.</summary>
        void Forward(ReadOnlySpan<T> input, Span<T> output);

        /// <summary>Inference for a sample-major batch: <paramref name="inputs"/> holds <c>batchSize × InputSize</c> values,
        /// <paramref name="outputs"/> receives <c>batchSize × OutputSize</c>.</summary>
        void Forward(ReadOnlySpan<T> inputs, Span<T> outputs, int batchSize);

        /// <summary>Training-mode forward pass (batch statistics, dropout on; updates BatchNorm's running statistics).
        /// Keeps what <c>Backward</c> needs and returns a view of the outputs, valid until the next forward pass.</summary>
        ReadOnlySpan<T> ForwardTraining(ReadOnlySpan<T> inputs, int batchSize);

        /// <summary>The output of layer <paramref name="layer"/> (1-based) for the samples of the last training pass
        /// (<see cref="ForwardTraining"/>), sample-major; valid until the next one. Inference does not change it.</summary>
        ReadOnlySpan<T> LayerOutput(int layer);

        /// <summary>Backward pass of the last <see cref="ForwardTraining"/> with class-index labels: writes
        /// <see cref="Gradients"/> (mean over the batch) and returns the mean loss.</summary>
        T Backward(ReadOnlySpan<int> labels);

        /// <summary>Backward pass of the last <see cref="ForwardTraining"/> with per-output targets
        /// (<c>batchSize × OutputSize</c>): writes <see cref="Gradients"/> and returns the mean loss.</summary>
        T Backward(ReadOnlySpan<T> targets);

        /// <summary>Backward pass of the last <see cref="ForwardTraining"/> with class-index labels and one step of plain SGD
        /// (θ ← θ − η·∂L/∂θ) fused in: parameters are updated layer by layer as their gradients are formed, and a Dense
        /// layer's ∂L/∂W is never stored. Bit-identical to <c>Backward</c> then <c>new Sgd(learningRate).Step(network)</c>;
        /// <see cref="Gradients"/> is left unspecified. Returns the mean loss before the step.</summary>
        T BackwardSgd(ReadOnlySpan<int> labels, double learningRate);

        /// <summary>As <see cref="BackwardSgd(ReadOnlySpan{int}, double)"/>, with per-output targets.</summary>
        T BackwardSgd(ReadOnlySpan<T> targets, double learningRate);

        /// <summary>Training-mode forward, loss and backward for class-index labels; returns the mean loss.</summary>
        T ComputeGradients(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, int batchSize);

        /// <summary>Training-mode forward, loss and backward for per-output targets; returns the mean loss.</summary>
        T ComputeGradients(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int batchSize);
    }
}
