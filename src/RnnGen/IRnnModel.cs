using System;
using System.Collections.Generic;
using System.IO;

namespace RnnGen;

/// <summary>
/// What every generated model offers independently of its input type: its parameters and
/// gradients, tensor access by PyTorch name and weight I/O. Generated classes implement it
/// explicitly; their own public members (constants, <c>Predict</c>, …) are the primary API.
/// </summary>
public interface IRnnModel
{
    /// <summary>Every parameter in one contiguous buffer, PyTorch state_dict order.</summary>
    Span<float> Parameters { get; }

    /// <summary>Gradients, parallel to <see cref="Parameters"/>.</summary>
    Span<float> Gradients { get; }

    /// <summary>The parameter tensors' names in buffer order.</summary>
    IReadOnlyList<string> TensorNames { get; }

    /// <summary>Length of the input span of <c>Predict</c>.</summary>
    int InputLength { get; }

    /// <summary>Length of the output span of <c>Predict</c>.</summary>
    int OutputLength { get; }

    /// <summary>One parameter tensor by its PyTorch state_dict key.</summary>
    Span<float> Parameter(string name);

    /// <summary>The gradient of one parameter tensor.</summary>
    Span<float> Gradient(string name);

    /// <summary>Loads every parameter from a safetensors file; unchanged on failure.</summary>
    void LoadSafetensors(string path);

    /// <summary>Loads every parameter from a safetensors stream; unchanged on failure.</summary>
    void LoadSafetensors(Stream stream);

    /// <summary>Saves every parameter as a safetensors file.</summary>
    void SaveSafetensors(string path);

    /// <summary>Whether each call starts from the final state of the previous one (stateful, truncated BPTT).</summary>
    bool CarryState { get; set; }

    /// <summary>Zeroes the carried and streaming state.</summary>
    void ResetState();

    /// <summary>Writes every parameter to a stream in the safetensors format.</summary>
    void SaveSafetensors(Stream stream);
}

/// <summary>A generated model whose inputs are <typeparamref name="TInput"/> (float features or int token ids).</summary>
public interface IRnnModel<TInput> : IRnnModel
{
    /// <summary>Runs the model on a batch (see the generated <c>Predict</c>).</summary>
    void Predict(ReadOnlySpan<TInput> input, Span<float> output);
}

/// <summary>A generated model that can also run one step at a time, carrying its state.</summary>
public interface IStreamingRnnModel<TInput> : IRnnModel<TInput>
{
    /// <summary>Runs one time step for the whole batch (see the generated <c>Step</c>).</summary>
    void Step(ReadOnlySpan<TInput> x, Span<float> y);
}

/// <summary>
/// A generated model that trains: inputs <typeparamref name="TInput"/> (float features or int token ids),
/// targets <typeparamref name="TTarget"/> (int class ids for a cross-entropy loss, floats otherwise).
/// </summary>
public interface ITrainableRnnModel<TInput, TTarget> : IRnnModel<TInput>
{
    /// <summary>Length of the targets span.</summary>
    int TargetLength { get; }

    /// <summary>Forward pass, loss and back-propagation through time; overwrites <see cref="IRnnModel.Gradients"/>; returns the loss.</summary>
    float ComputeGradients(ReadOnlySpan<TInput> input, ReadOnlySpan<TTarget> targets);

    /// <summary>As <see cref="ComputeGradients(ReadOnlySpan{TInput}, ReadOnlySpan{TTarget})"/>, also writing the input gradient when <paramref name="inputGradients"/> is not empty.</summary>
    float ComputeGradients(ReadOnlySpan<TInput> input, ReadOnlySpan<TTarget> targets, Span<float> inputGradients);

    /// <summary>The loss of <see cref="ComputeGradients(ReadOnlySpan{TInput}, ReadOnlySpan{TTarget})"/> without the backward pass or dropout; gradients untouched.</summary>
    float ComputeLoss(ReadOnlySpan<TInput> input, ReadOnlySpan<TTarget> targets);

    /// <summary>Gradients, then one optimizer update; throws <see cref="NonFiniteException"/> (changing nothing) on a NaN or infinite loss or gradient.</summary>
    float TrainStep(ReadOnlySpan<TInput> input, ReadOnlySpan<TTarget> targets, Training.IOptimizer optimizer);

    /// <summary>As <see cref="TrainStep"/>, returning false (and changing nothing) instead of throwing.</summary>
    bool TryTrainStep(ReadOnlySpan<TInput> input, ReadOnlySpan<TTarget> targets, Training.IOptimizer optimizer, out float loss);
}
