using System;
using System.Runtime.InteropServices;
using RnnGen.Initialization;

namespace RnnGen.Training;

/// <summary>
/// An in-memory list of training examples for a model: each example is one sequence's input
/// (<see cref="InputLength"/> values: T·X floats, or T token ids with an embedding) and its
/// target (<see cref="TargetLength"/> values: class ids, or floats shaped like one sequence's
/// output). A batch of a model with batch size B is B examples laid one after the other, which
/// is the batch-first layout that <c>Predict</c>, <c>ComputeGradients</c> and <c>TrainStep</c> take.
/// </summary>
/// <typeparam name="TInput">The input element type: <see cref="float"/> features or <see cref="int"/> token ids.</typeparam>
/// <typeparam name="TTarget">The target element type: <see cref="int"/> class ids (cross-entropy) or <see cref="float"/> values.</typeparam>
/// <remarks>
/// Examples are stored contiguously in two growable arrays; <see cref="Add"/> copies its
/// arguments. The dataset is not thread-safe for writing.
/// </remarks>
public sealed class SequenceDataset<TInput, TTarget>
    where TInput : unmanaged
    where TTarget : unmanaged
{
    private TInput[] _inputs;
    private TTarget[] _targets;

    /// <summary>Creates an empty dataset whose examples have the given per-sequence lengths.</summary>
    /// <param name="inputLength">Values in one example's input: the model's <c>InputLength / BatchSize</c>.</param>
    /// <param name="targetLength">Values in one example's target: the model's <c>TargetLength / BatchSize</c>.</param>
    /// <param name="capacity">Examples to make room for up front.</param>
    /// <exception cref="ArgumentOutOfRangeException">A length is not positive, or the capacity is negative.</exception>
    public SequenceDataset(int inputLength, int targetLength, int capacity = 0)
    {
        if (inputLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputLength), inputLength, "The input length of an example must be positive.");
        }

        if (targetLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(targetLength), targetLength, "The target length of an example must be positive.");
        }

        if (capacity < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must not be negative.");
        }

        InputLength = inputLength;
        TargetLength = targetLength;
        _inputs = capacity == 0 ? Array.Empty<TInput>() : new TInput[checked(capacity * inputLength)];
        _targets = capacity == 0 ? Array.Empty<TTarget>() : new TTarget[checked(capacity * targetLength)];
    }

    /// <summary>
    /// Creates a dataset from examples already laid out one after the other (copied).
    /// </summary>
    /// <param name="inputs">Count × <paramref name="inputLength"/> input values.</param>
    /// <param name="targets">Count × <paramref name="targetLength"/> target values, the same count of examples.</param>
    /// <param name="inputLength">Values in one example's input.</param>
    /// <param name="targetLength">Values in one example's target.</param>
    /// <exception cref="ArgumentOutOfRangeException">A length is not positive.</exception>
    /// <exception cref="ArgumentException">The spans do not hold whole examples, or hold different counts of them.</exception>
    public SequenceDataset(ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets, int inputLength, int targetLength)
        : this(inputLength, targetLength)
    {
        if (inputs.Length % inputLength != 0)
        {
            throw new ArgumentException($"The inputs hold {inputs.Length} values, which is not a whole number of examples of {inputLength}.", nameof(inputs));
        }

        int count = inputs.Length / inputLength;
        if (targets.Length != (long)count * targetLength)
        {
            throw new ArgumentException($"The inputs hold {count} examples, so the targets must hold {(long)count * targetLength} values ({count} × {targetLength}), but they hold {targets.Length}.", nameof(targets));
        }

        _inputs = inputs.ToArray();
        _targets = targets.ToArray();
        Count = count;
    }

    /// <summary>The number of examples.</summary>
    public int Count { get; private set; }

    /// <summary>Values in one example's input.</summary>
    public int InputLength { get; }

    /// <summary>Values in one example's target.</summary>
    public int TargetLength { get; }

    /// <summary>Every example's input, one after the other (Count × <see cref="InputLength"/> values).</summary>
    public ReadOnlySpan<TInput> Inputs => _inputs.AsSpan(0, Count * InputLength);

    /// <summary>Every example's target, one after the other (Count × <see cref="TargetLength"/> values).</summary>
    public ReadOnlySpan<TTarget> Targets => _targets.AsSpan(0, Count * TargetLength);

    /// <summary>Appends one example (copied).</summary>
    /// <param name="input"><see cref="InputLength"/> input values.</param>
    /// <param name="target"><see cref="TargetLength"/> target values.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Add(ReadOnlySpan<TInput> input, ReadOnlySpan<TTarget> target)
    {
        if (input.Length != InputLength)
        {
            throw new ArgumentException($"An example's input must have {InputLength} values, but this one has {input.Length}.", nameof(input));
        }

        if (target.Length != TargetLength)
        {
            throw new ArgumentException($"An example's target must have {TargetLength} values, but this one has {target.Length}.", nameof(target));
        }

        if ((Count + 1) * (long)InputLength > _inputs.Length)
        {
            int capacity = Math.Max(16, checked(Count * 2));
            Array.Resize(ref _inputs, checked(capacity * InputLength));
            Array.Resize(ref _targets, checked(capacity * TargetLength));
        }

        input.CopyTo(_inputs.AsSpan(Count * InputLength, InputLength));
        target.CopyTo(_targets.AsSpan(Count * TargetLength, TargetLength));
        Count++;
    }

    /// <summary>One example's input.</summary>
    /// <param name="index">The example, in [0, <see cref="Count"/>).</param>
    /// <returns><see cref="InputLength"/> values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public ReadOnlySpan<TInput> GetInput(int index)
    {
        CheckIndex(index);
        return _inputs.AsSpan(index * InputLength, InputLength);
    }

    /// <summary>One example's target.</summary>
    /// <param name="index">The example, in [0, <see cref="Count"/>).</param>
    /// <returns><see cref="TargetLength"/> values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public ReadOnlySpan<TTarget> GetTarget(int index)
    {
        CheckIndex(index);
        return _targets.AsSpan(index * TargetLength, TargetLength);
    }

    /// <summary>A new dataset holding copies of the examples at <paramref name="indices"/>, in that order.</summary>
    /// <param name="indices">Example indices (repeats allowed).</param>
    /// <returns>The subset.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public SequenceDataset<TInput, TTarget> Subset(ReadOnlySpan<int> indices)
    {
        var subset = new SequenceDataset<TInput, TTarget>(InputLength, TargetLength, indices.Length);
        foreach (int index in indices)
        {
            subset.Add(GetInput(index), GetTarget(index));
        }

        return subset;
    }

    /// <summary>
    /// Splits the examples at random into a training and a validation set. The validation set
    /// gets round(<see cref="Count"/> × <paramref name="validationFraction"/>) examples (at least one
    /// when the fraction is positive and there are at least two examples, and never all of them):
    /// the first ones of a Fisher–Yates permutation drawn by <see cref="RnnRandom"/> from
    /// <paramref name="seed"/>. Both sets keep the examples in their original relative order.
    /// The same seed gives the same split on every machine.
    /// </summary>
    /// <param name="validationFraction">The share of examples to hold out, in [0, 1).</param>
    /// <param name="seed">The seed of the permutation.</param>
    /// <returns>The training and the validation set (copies).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is outside [0, 1).</exception>
    public (SequenceDataset<TInput, TTarget> Training, SequenceDataset<TInput, TTarget> Validation) Split(double validationFraction, int seed)
    {
        if (!(validationFraction >= 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in [0, 1).");
        }

        int validationCount = (int)Math.Round(Count * validationFraction, MidpointRounding.AwayFromZero);
        if (validationFraction > 0 && Count >= 2)
        {
            validationCount = Math.Clamp(validationCount, 1, Count - 1);
        }
        else if (Count < 2)
        {
            validationCount = 0;
        }

        int[] order = new int[Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        new RnnRandom(seed).Shuffle(order.AsSpan());
        bool[] held = new bool[Count];
        for (int i = 0; i < validationCount; i++)
        {
            held[order[i]] = true;
        }

        var training = new SequenceDataset<TInput, TTarget>(InputLength, TargetLength, Count - validationCount);
        var validation = new SequenceDataset<TInput, TTarget>(InputLength, TargetLength, validationCount);
        for (int i = 0; i < Count; i++)
        {
            (held[i] ? validation : training).Add(GetInput(i), GetTarget(i));
        }

        return (training, validation);
    }

    /// <summary>
    /// A 64-bit fingerprint of the examples' bytes and lengths (FNV-1a over 64-bit words), used by
    /// checkpoints to recognize the data a run was trained on. Not a cryptographic hash.
    /// </summary>
    /// <returns>The fingerprint.</returns>
    public ulong ComputeFingerprint()
    {
        ulong hash = 14695981039346656037UL;
        hash = Mix(hash, (ulong)Count);
        hash = Mix(hash, (ulong)InputLength);
        hash = Mix(hash, (ulong)TargetLength);
        hash = MixBytes(hash, MemoryMarshal.AsBytes(Inputs));
        hash = MixBytes(hash, MemoryMarshal.AsBytes(Targets));
        return hash;
    }

    private static ulong Mix(ulong hash, ulong word) => (hash ^ word) * 1099511628211UL;

    private static ulong MixBytes(ulong hash, ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (ulong word in words)
        {
            hash = Mix(hash, BitConverter.IsLittleEndian ? word : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(word));
        }

        for (int i = words.Length * sizeof(ulong); i < bytes.Length; i++)
        {
            hash = Mix(hash, bytes[i]);
        }

        return hash;
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The dataset has {Count} examples.");
        }
    }
}

/// <summary>Creates <see cref="SequenceDataset{TInput, TTarget}"/> instances sized for a model.</summary>
public static class SequenceDataset
{
    /// <summary>
    /// Creates an empty dataset whose examples fit <paramref name="model"/>: inputs of
    /// <c>InputLength / batchSize</c> values and targets of <c>TargetLength / batchSize</c>.
    /// </summary>
    /// <typeparam name="TInput">The model's input element type.</typeparam>
    /// <typeparam name="TTarget">The model's target element type.</typeparam>
    /// <param name="model">The model the examples are for.</param>
    /// <param name="batchSize">The model's <c>BatchSize</c> constant.</param>
    /// <param name="capacity">Examples to make room for up front.</param>
    /// <returns>The empty dataset.</returns>
    /// <exception cref="ArgumentException">The model's lengths are not multiples of <paramref name="batchSize"/>.</exception>
    public static SequenceDataset<TInput, TTarget> ForModel<TInput, TTarget>(ITrainableRnnModel<TInput, TTarget> model, int batchSize, int capacity = 0)
        where TInput : unmanaged
        where TTarget : unmanaged
    {
        ArgumentNullException.ThrowIfNull(model);
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        }

        if (model.InputLength % batchSize != 0 || model.TargetLength % batchSize != 0)
        {
            throw new ArgumentException(
                $"The model's input length {model.InputLength} and target length {model.TargetLength} must both be multiples of the batch size {batchSize}; pass the model's BatchSize constant.",
                nameof(batchSize));
        }

        return new SequenceDataset<TInput, TTarget>(model.InputLength / batchSize, model.TargetLength / batchSize, capacity);
    }
}
