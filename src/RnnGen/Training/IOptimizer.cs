using System;
using System.IO;

namespace RnnGen.Training;

/// <summary>
/// Updates a flat parameter buffer from the parallel gradient buffer, one step at a time, with
/// PyTorch's semantics (see <see cref="Sgd"/>, <see cref="Adam"/> and <see cref="AdamW"/>).
/// A generated model's <c>TrainStep</c> calls <see cref="Step"/> with its <c>Parameters</c> and
/// <c>Gradients</c>.
/// </summary>
/// <remarks>
/// An optimizer holds per-parameter state (momentum or moment buffers) for one parameter buffer:
/// use one optimizer per model. Instances are not thread-safe.
/// </remarks>
public interface IOptimizer
{
    /// <summary>
    /// Applies one update. When any gradient is NaN or ±infinity, returns <see langword="false"/>
    /// and changes nothing: not the parameters, not the gradients, not the optimizer state, not
    /// <see cref="StepCount"/>. Otherwise clips the gradients in place if the optimizer is
    /// configured to (as PyTorch's <c>clip_grad_norm_</c> and <c>clip_grad_value_</c> do), updates
    /// the parameters and returns <see langword="true"/>.
    /// </summary>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradients">The gradients, the same length as <paramref name="parameters"/>; modified only by clipping.</param>
    /// <returns><see langword="true"/> when the step was applied; <see langword="false"/> when it was rejected because of a non-finite gradient.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, or differ from the length the optimizer's state was built for.</exception>
    bool Step(Span<float> parameters, Span<float> gradients);

    /// <summary>The number of steps applied (rejected steps are not counted).</summary>
    long StepCount { get; }

    /// <summary>The base learning rate (a learning-rate schedule, when set, scales it per step).</summary>
    float LearningRate { get; set; }

    /// <summary>Forgets every step: step count zero and moment buffers cleared, as if freshly constructed with the current hyper-parameters.</summary>
    void Reset();

    /// <summary>Writes the hyper-parameters, the step count and the moment buffers to <paramref name="stream"/>.</summary>
    /// <param name="stream">A writable stream.</param>
    void SaveState(Stream stream);

    /// <summary>
    /// Reads a state written by <see cref="SaveState"/> and replaces this optimizer's state with it.
    /// Throws <see cref="InvalidDataException"/> and leaves the optimizer unchanged if the data is
    /// not a valid state of this kind of optimizer.
    /// </summary>
    /// <param name="stream">A readable stream positioned at the start of the state; left positioned just after it.</param>
    void LoadState(Stream stream);
}
