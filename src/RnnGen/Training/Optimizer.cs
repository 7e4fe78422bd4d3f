using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace RnnGen.Training;

/// <summary>
/// What every optimizer shares: the base learning rate and an optional schedule, gradient
/// clipping, the rejection of non-finite gradients, the step count, and the state format of
/// <see cref="SaveState"/> / <see cref="LoadState(Stream)"/>.
/// </summary>
/// <remarks>
/// <para>
/// One <see cref="Step"/> does, in this order: (1) compute the global L2 norm of the gradients
/// in double precision; if it is not finite (some gradient is NaN or ±infinity) return
/// <see langword="false"/> without touching anything; (2) clip by
/// <see cref="MaxGradientNorm"/> (PyTorch's <c>clip_grad_norm_</c>), then (3) by
/// <see cref="ClipValue"/> (<c>clip_grad_value_</c>), both in place in the gradient buffer as
/// PyTorch does; (4) take the learning rate from <see cref="Schedule"/> (or
/// <see cref="LearningRate"/>) and apply the optimizer's update; (5) increment
/// <see cref="StepCount"/>.
/// </para>
/// <para>
/// The state buffers (momentum, or Adam's two moments) are allocated on the first applied
/// step, sized to that step's parameter count; from then on <see cref="Step"/> allocates
/// nothing and every call must pass that same length. Instances are not thread-safe.
/// </para>
/// <para>
/// State format (<see cref="SaveState"/>), every number little-endian:
/// <list type="table">
/// <listheader><term>offset</term><description>content</description></listheader>
/// <item><term>0</term><description>8 bytes, the ASCII magic <c>RNNGOPTS</c></description></item>
/// <item><term>8</term><description>int32 format version, 1</description></item>
/// <item><term>12</term><description>int32 optimizer kind: 1 <see cref="Sgd"/>, 2 <see cref="Adam"/>, 3 <see cref="AdamW"/></description></item>
/// <item><term>16</term><description>int32 size of the hyper-parameter block that follows, 24</description></item>
/// <item><term>20</term><description>float32 base learning rate, then four float32 hyper-parameters and an int32 of option bits: for <see cref="Sgd"/> momentum, dampening, weight decay, 0, and bit 0 = Nesterov; for <see cref="Adam"/> and <see cref="AdamW"/> β1, β2, ε, weight decay, and 0</description></item>
/// <item><term>44</term><description>int32 clipping bits (bit 0: <see cref="MaxGradientNorm"/> set, bit 1: <see cref="ClipValue"/> set), float32 maximum norm, float32 clip value (0 when not set)</description></item>
/// <item><term>56</term><description>int64 <see cref="StepCount"/></description></item>
/// <item><term>64</term><description>float32 <see cref="LastGradientNorm"/>, float32 <see cref="LastLearningRate"/></description></item>
/// <item><term>72</term><description>int32 parameter count N the buffers are for (−1 before the first step), int32 buffer count K (<see cref="Sgd"/>: 1 with momentum, else 0; <see cref="Adam"/>, <see cref="AdamW"/>: 2)</description></item>
/// <item><term>80</term><description>when N ≥ 0, K buffers of N float32 each: the momentum buffer, or Adam's first moment (exp_avg) then second moment (exp_avg_sq)</description></item>
/// </list>
/// The schedule and <see cref="RejectedStepCount"/> are not part of the state.
/// </para>
/// </remarks>
public abstract class Optimizer : IOptimizer
{
    private const int HeaderBytes = 80;
    private const int HyperParameterBlockBytes = 24;
    private const int FormatVersion = 1;
    private const int ClipNormBit = 1;
    private const int ClipValueBit = 2;
    private static ReadOnlySpan<byte> Magic => "RNNGOPTS"u8;

    /// <summary>Hyper-parameter slots in the state format (after the learning rate).</summary>
    private protected const int HyperParameterSlots = 4;

    private float _learningRate;
    private float? _maxGradientNorm;
    private float? _clipValue;
    private float[]? _state;
    private int _length = -1;

    private protected Optimizer(float learningRate)
    {
        ValidateLearningRate(learningRate, nameof(learningRate));
        _learningRate = learningRate;
    }

    /// <summary>The base learning rate: the rate of every step without a <see cref="Schedule"/>, the input of the schedule with one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            ValidateLearningRate(value, nameof(value));
            _learningRate = value;
        }
    }

    /// <summary>
    /// When set, gradients are clipped before each step like PyTorch's
    /// <c>clip_grad_norm_(parameters, MaxGradientNorm)</c> with norm type 2 over the whole buffer
    /// (see <see cref="GradientClipping.ClipByGlobalNorm"/>). Applied before <see cref="ClipValue"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public float? MaxGradientNorm
    {
        get => _maxGradientNorm;
        set
        {
            if (value is float v)
            {
                GradientClipping.ValidateMaxNorm(v, nameof(value));
            }

            _maxGradientNorm = value;
        }
    }

    /// <summary>
    /// When set, every gradient is clamped to [−ClipValue, ClipValue] before each step, like
    /// PyTorch's <c>clip_grad_value_</c>. Applied after <see cref="MaxGradientNorm"/> when both are set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public float? ClipValue
    {
        get => _clipValue;
        set
        {
            if (value is float v)
            {
                GradientClipping.ValidateClipValue(v, nameof(value));
            }

            _clipValue = value;
        }
    }

    /// <summary>
    /// The learning-rate schedule, or <see langword="null"/> for the constant <see cref="LearningRate"/>.
    /// Each step uses <c>Schedule.GetLearningRate(StepCount, LearningRate)</c>, StepCount being the
    /// number of steps applied before it. Not saved by <see cref="SaveState"/>.
    /// </summary>
    public ILearningRateSchedule? Schedule { get; set; }

    /// <summary>The number of steps applied; rejected steps are not counted.</summary>
    public long StepCount { get; private set; }

    /// <summary>The global L2 norm of the gradients of the last applied step, before clipping (0 before the first step); for progress reports.</summary>
    public float LastGradientNorm { get; private set; }

    /// <summary>The learning rate the last applied step used (0 before the first step).</summary>
    public float LastLearningRate { get; private set; }

    /// <summary>How many calls of <see cref="Step"/> were rejected because of a non-finite gradient since construction or <see cref="Reset"/>. Diagnostic only: not part of the saved state.</summary>
    public long RejectedStepCount { get; private set; }

    /// <summary>The parameter count the state buffers were built for, or <see langword="null"/> before the first applied step (and after <see cref="Reset"/>).</summary>
    public int? ParameterCount => _length < 0 ? null : _length;

    /// <summary>The kind name written in messages.</summary>
    private protected abstract string KindName { get; }

    /// <summary>The kind number in the state format.</summary>
    private protected abstract int KindCode { get; }

    /// <summary>How many buffers of <see cref="ParameterCount"/> floats the current hyper-parameters need.</summary>
    private protected abstract int StateBufferCount { get; }

    /// <summary>The learning rate the step with <paramref name="step"/> earlier steps uses: the schedule's rate, or <see cref="LearningRate"/>.</summary>
    /// <param name="step">The number of steps applied before it.</param>
    /// <returns>The learning rate.</returns>
    public float LearningRateAt(long step)
        => Schedule is { } schedule ? schedule.GetLearningRate(step, _learningRate) : _learningRate;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The <see cref="Schedule"/> returned a negative, NaN or infinite learning rate; nothing was changed.</exception>
    public bool Step(Span<float> parameters, Span<float> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException(
                $"The gradient buffer has {gradients.Length} values but the parameter buffer has {parameters.Length}; they must have the same length.",
                nameof(gradients));
        }

        if (_length >= 0 && parameters.Length != _length)
        {
            throw new ArgumentException(
                $"This {KindName} optimizer's state was built for {_length} parameters but Step was given {parameters.Length}; use one optimizer per model, or Reset() it first.",
                nameof(parameters));
        }

        double sumOfSquares = GradientClipping.SumOfSquares(gradients);
        if (!double.IsFinite(sumOfSquares))
        {
            RejectedStepCount++;
            return false;
        }

        float learningRate = LearningRateAt(StepCount);
        if (!(learningRate >= 0) || float.IsPositiveInfinity(learningRate))
        {
            throw new InvalidOperationException(
                $"The learning-rate schedule returned {learningRate.ToString(CultureInfo.InvariantCulture)} for step {StepCount}; a learning rate must be finite and not negative. Nothing was changed.");
        }

        if (_length < 0)
        {
            AllocateState(parameters.Length);
        }

        double norm = Math.Sqrt(sumOfSquares);
        if (_maxGradientNorm is float maxNorm)
        {
            GradientClipping.ScaleToNorm(gradients, norm, maxNorm);
        }

        if (_clipValue is float clipValue)
        {
            GradientClipping.ClipByValue(gradients, clipValue);
        }

        Update(parameters, gradients, _state, learningRate, StepCount + 1);
        StepCount++;
        LastGradientNorm = (float)norm;
        LastLearningRate = learningRate;
        return true;
    }

    /// <summary>
    /// Forgets every step: <see cref="StepCount"/>, <see cref="RejectedStepCount"/>,
    /// <see cref="LastGradientNorm"/> and <see cref="LastLearningRate"/> become 0, the moment buffers
    /// are cleared and <see cref="ParameterCount"/> is forgotten, as in a freshly constructed
    /// optimizer with the current hyper-parameters. The buffers are kept, so the next step with
    /// the same parameter count does not allocate.
    /// </summary>
    public void Reset()
    {
        StepCount = 0;
        LastGradientNorm = 0;
        LastLearningRate = 0;
        RejectedStepCount = 0;
        _length = -1;
        if (_state is not null)
        {
            Array.Clear(_state);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable.</exception>
    public void SaveState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], KindCode);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], HyperParameterBlockBytes);
        BinaryPrimitives.WriteSingleLittleEndian(header[20..], _learningRate);
        Span<float> hyper = stackalloc float[HyperParameterSlots];
        GetHyperParameters(hyper, out int options);
        for (int i = 0; i < HyperParameterSlots; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(header[(24 + (4 * i))..], hyper[i]);
        }

        BinaryPrimitives.WriteInt32LittleEndian(header[40..], options);
        int clipBits = (_maxGradientNorm.HasValue ? ClipNormBit : 0) | (_clipValue.HasValue ? ClipValueBit : 0);
        BinaryPrimitives.WriteInt32LittleEndian(header[44..], clipBits);
        BinaryPrimitives.WriteSingleLittleEndian(header[48..], _maxGradientNorm ?? 0f);
        BinaryPrimitives.WriteSingleLittleEndian(header[52..], _clipValue ?? 0f);
        BinaryPrimitives.WriteInt64LittleEndian(header[56..], StepCount);
        BinaryPrimitives.WriteSingleLittleEndian(header[64..], LastGradientNorm);
        BinaryPrimitives.WriteSingleLittleEndian(header[68..], LastLearningRate);
        BinaryPrimitives.WriteInt32LittleEndian(header[72..], _length);
        BinaryPrimitives.WriteInt32LittleEndian(header[76..], StateBufferCount);
        stream.Write(header);
        if (_length > 0)
        {
            WriteFloats(stream, _state.AsSpan(0, StateBufferCount * _length));
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="InvalidDataException">The data is not a valid state of this kind of optimizer; nothing was changed.</exception>
    /// <remarks>Like PyTorch's <c>load_state_dict</c>, the saved hyper-parameters (learning rate, clipping and the optimizer's own) replace the current ones. The schedule is kept.</remarks>
    public void LoadState(Stream stream) => LoadStateCore(stream, null);

    /// <summary>
    /// Like <see cref="LoadState(Stream)"/>, and also checks that the state was saved for
    /// <paramref name="parameterCount"/> parameters (or before any step).
    /// </summary>
    /// <param name="stream">A readable stream positioned at the start of the state; left positioned just after it.</param>
    /// <param name="parameterCount">The length of the parameter buffer the state will be used with.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="InvalidDataException">The data is not a valid state of this kind of optimizer, or is for another parameter count; nothing was changed.</exception>
    public void LoadState(Stream stream, int parameterCount)
    {
        if (parameterCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount, "The parameter count must not be negative.");
        }

        LoadStateCore(stream, parameterCount);
    }

    /// <summary>Applies the update of one step to the parameters, with clipped, finite gradients.</summary>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradients">The gradients (not to be modified).</param>
    /// <param name="state">StateBufferCount buffers of parameters.Length floats, back to back.</param>
    /// <param name="learningRate">This step's learning rate.</param>
    /// <param name="step">This step's number, 1 for the first.</param>
    private protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> state, float learningRate, long step);

    /// <summary>The optimizer-specific hyper-parameters in their state-format slots.</summary>
    private protected abstract void GetHyperParameters(Span<float> values, out int options);

    /// <summary>Validates saved hyper-parameters: an error message, or null with the buffer count they need.</summary>
    private protected abstract string? CheckHyperParameters(ReadOnlySpan<float> values, int options, out int stateBufferCount);

    /// <summary>Replaces the hyper-parameters with validated saved ones.</summary>
    private protected abstract void SetHyperParameters(ReadOnlySpan<float> values, int options);

    /// <summary>Validates saved state buffers: an error message or null.</summary>
    private protected virtual string? CheckStateBuffers(ReadOnlySpan<float> state, int length) => null;

    private protected static void ValidateLearningRate(float learningRate, string paramName)
    {
        if (!(learningRate >= 0) || float.IsPositiveInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(paramName, learningRate, "The learning rate must be finite and not negative.");
        }
    }

    private protected static bool IsFiniteNonNegative(float value) => value >= 0 && !float.IsPositiveInfinity(value);

    private void AllocateState(int length)
    {
        long needed = (long)StateBufferCount * length;
        if (needed > Array.MaxLength)
        {
            throw new ArgumentException($"{length} parameters need {needed} floats of {KindName} state, more than an array can hold.", "parameters");
        }

        if (_state is null || _state.Length != needed)
        {
            _state = needed == 0 ? Array.Empty<float>() : new float[needed];
        }
        else
        {
            Array.Clear(_state);
        }

        _length = length;
    }

    private void LoadStateCore(Stream stream, int? expectedParameterCount)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        int got = stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false);
        if (got >= Magic.Length && !header[..Magic.Length].SequenceEqual(Magic))
        {
            throw Invalid("it does not start with the optimizer-state magic 'RNNGOPTS'");
        }

        if (got < HeaderBytes)
        {
            throw Invalid($"it is truncated: the header is {HeaderBytes} bytes but the stream ended after {got}");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != FormatVersion)
        {
            throw Invalid($"its format version is {version}; this library reads version {FormatVersion}");
        }

        int kind = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        if (kind != KindCode)
        {
            throw Invalid($"it was saved by {KindNameOf(kind)}");
        }

        int hyperBytes = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        if (hyperBytes != HyperParameterBlockBytes)
        {
            throw Invalid($"its hyper-parameter block is {hyperBytes} bytes; version {FormatVersion} has {HyperParameterBlockBytes}");
        }

        float learningRate = BinaryPrimitives.ReadSingleLittleEndian(header[20..]);
        if (!IsFiniteNonNegative(learningRate))
        {
            throw Invalid($"its learning rate {Format(learningRate)} is not finite and non-negative");
        }

        Span<float> hyper = stackalloc float[HyperParameterSlots];
        for (int i = 0; i < HyperParameterSlots; i++)
        {
            hyper[i] = BinaryPrimitives.ReadSingleLittleEndian(header[(24 + (4 * i))..]);
        }

        int options = BinaryPrimitives.ReadInt32LittleEndian(header[40..]);
        if (CheckHyperParameters(hyper, options, out int bufferCount) is string hyperError)
        {
            throw Invalid(hyperError);
        }

        int clipBits = BinaryPrimitives.ReadInt32LittleEndian(header[44..]);
        float maxNorm = BinaryPrimitives.ReadSingleLittleEndian(header[48..]);
        float clipValue = BinaryPrimitives.ReadSingleLittleEndian(header[52..]);
        if ((clipBits & ~(ClipNormBit | ClipValueBit)) != 0)
        {
            throw Invalid($"its clipping bits 0x{clipBits:X} are not defined");
        }

        if ((clipBits & ClipNormBit) != 0 && !IsFiniteNonNegative(maxNorm))
        {
            throw Invalid($"its maximum gradient norm {Format(maxNorm)} is not finite and non-negative");
        }

        if ((clipBits & ClipValueBit) != 0 && !IsFiniteNonNegative(clipValue))
        {
            throw Invalid($"its clip value {Format(clipValue)} is not finite and non-negative");
        }

        long stepCount = BinaryPrimitives.ReadInt64LittleEndian(header[56..]);
        float lastNorm = BinaryPrimitives.ReadSingleLittleEndian(header[64..]);
        float lastRate = BinaryPrimitives.ReadSingleLittleEndian(header[68..]);
        int length = BinaryPrimitives.ReadInt32LittleEndian(header[72..]);
        int savedBufferCount = BinaryPrimitives.ReadInt32LittleEndian(header[76..]);
        if (stepCount < 0)
        {
            throw Invalid($"its step count {stepCount} is negative");
        }

        if (!(lastNorm >= 0) || !IsFiniteNonNegative(lastRate))
        {
            throw Invalid($"its last gradient norm {Format(lastNorm)} or last learning rate {Format(lastRate)} is invalid");
        }

        if (length < -1)
        {
            throw Invalid($"its parameter count {length} is negative");
        }

        if (length == -1 && stepCount != 0)
        {
            throw Invalid($"it records {stepCount} steps but no parameter count");
        }

        if (savedBufferCount != bufferCount)
        {
            throw Invalid($"it holds {savedBufferCount} state buffers where an {KindName} with these hyper-parameters has {bufferCount}");
        }

        if (expectedParameterCount is int expected && length >= 0 && length != expected)
        {
            throw Invalid($"it is for {length} parameters, but {expected} were expected");
        }

        long floats = length <= 0 ? 0 : (long)bufferCount * length;
        if (floats > Array.MaxLength)
        {
            throw Invalid($"its {bufferCount} buffers of {length} floats exceed the largest array");
        }

        if (stream.CanSeek && stream.Length - stream.Position < floats * sizeof(float))
        {
            throw Invalid($"it is truncated: {bufferCount} buffers of {length} floats need {floats * sizeof(float)} bytes after the header, but only {Math.Max(0, stream.Length - stream.Position)} remain");
        }

        float[] state = length < 0 ? Array.Empty<float>() : new float[floats];
        Span<byte> bytes = MemoryMarshal.AsBytes(state.AsSpan());
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read < bytes.Length)
        {
            throw Invalid($"it is truncated: {bufferCount} buffers of {length} floats need {bytes.Length} bytes after the header, but the stream ended after {read}");
        }

        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < state.Length; i++)
            {
                state[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i, 4));
            }
        }

        int bad = GradientClipping.IndexOfNonFinite(state);
        if (bad >= 0)
        {
            throw Invalid($"state value {bad} is {Format(state[bad])}");
        }

        if (length > 0 && CheckStateBuffers(state, length) is string stateError)
        {
            throw Invalid(stateError);
        }

        // Everything is valid: commit.
        SetHyperParameters(hyper, options);
        _learningRate = learningRate;
        _maxGradientNorm = (clipBits & ClipNormBit) != 0 ? maxNorm : null;
        _clipValue = (clipBits & ClipValueBit) != 0 ? clipValue : null;
        StepCount = stepCount;
        LastGradientNorm = lastNorm;
        LastLearningRate = lastRate;
        _length = length;
        _state = state;
    }

    private static void WriteFloats(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        Span<byte> chunk = stackalloc byte[4096];
        while (!values.IsEmpty)
        {
            int n = Math.Min(values.Length, chunk.Length / 4);
            for (int i = 0; i < n; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(chunk.Slice(4 * i, 4), values[i]);
            }

            stream.Write(chunk[..(4 * n)]);
            values = values[n..];
        }
    }

    private static string KindNameOf(int kind) => kind switch
    {
        1 => "an Sgd optimizer",
        2 => "an Adam optimizer",
        3 => "an AdamW optimizer",
        _ => $"an unknown optimizer kind ({kind})",
    };

    private static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private InvalidDataException Invalid(string reason)
        => new($"Cannot load the optimizer state into this {KindName} optimizer: {reason}. The optimizer is unchanged.");
}
