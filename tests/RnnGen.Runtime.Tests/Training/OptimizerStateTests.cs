using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>SaveState / LoadState: resuming continues bit-identically; every invalid input is refused with a clear message and leaves the optimizer unchanged.</summary>
public sealed class OptimizerStateTests
{
    private const int Length = 29;

    [Theory]
    [MemberData(nameof(OptimizerFactories.Names), MemberType = typeof(OptimizerFactories))]
    public void ResumedRunMatchesAnUninterruptedOne(string optimizerName)
    {
        Func<Optimizer> create = OptimizerFactories.All[optimizerName];

        // Uninterrupted: six steps.
        Optimizer straight = create();
        float[] straightParameters = TrainingFixtures.RandomValues(Length, 1);
        for (int s = 0; s < 6; s++)
        {
            Assert.True(straight.Step(straightParameters, TrainingFixtures.RandomValues(Length, 100 + s, 2f)));
        }

        // Interrupted after three: save the state (the parameters travel separately, as a model checkpoint).
        Optimizer first = create();
        float[] parameters = TrainingFixtures.RandomValues(Length, 1);
        for (int s = 0; s < 3; s++)
        {
            first.Step(parameters, TrainingFixtures.RandomValues(Length, 100 + s, 2f));
        }

        var checkpoint = new MemoryStream();
        first.SaveState(checkpoint);
        checkpoint.WriteByte(0xAB); // whatever follows the state is left for the caller
        checkpoint.Position = 0;

        // A new optimizer of the same kind with other hyper-parameters: the saved ones replace them.
        Optimizer resumed = Differently(create());
        ILearningRateSchedule? schedule = create().Schedule;
        resumed.LoadState(checkpoint, Length);
        resumed.Schedule = schedule;
        Assert.Equal(0xAB, checkpoint.ReadByte());
        Assert.Equal(3, resumed.StepCount);
        Assert.Equal(Length, resumed.ParameterCount);
        Assert.Equal(TrainingFixtures.SaveState(first), TrainingFixtures.SaveState(resumed));

        for (int s = 3; s < 6; s++)
        {
            Assert.True(resumed.Step(parameters, TrainingFixtures.RandomValues(Length, 100 + s, 2f)));
        }

        Assert.Equal(straightParameters, parameters);
        Assert.Equal(TrainingFixtures.SaveState(straight), TrainingFixtures.SaveState(resumed));
        Assert.Equal(straight.LastGradientNorm, resumed.LastGradientNorm);
        Assert.Equal(straight.LastLearningRate, resumed.LastLearningRate);
    }

    [Fact]
    public void HyperParametersAreRestored()
    {
        var saved = new Sgd(0.25f, momentum: 0.5f, dampening: 0f, nesterov: true, weightDecay: 0.125f) { MaxGradientNorm = 2f, ClipValue = 0.75f };
        var loaded = new Sgd(1f);
        loaded.LoadState(new MemoryStream(TrainingFixtures.SaveState(saved)));
        Assert.Equal((0.25f, 0.5f, 0f, true, 0.125f, 2f, 0.75f), (loaded.LearningRate, loaded.Momentum, loaded.Dampening, loaded.Nesterov, loaded.WeightDecay, loaded.MaxGradientNorm, loaded.ClipValue));
        Assert.Null(loaded.ParameterCount);

        var adam = new AdamW(0.5f, 0.5f, 0.75f, 1e-3f, 0.25f);
        var loadedAdam = new AdamW();
        loadedAdam.LoadState(new MemoryStream(TrainingFixtures.SaveState(adam)));
        Assert.Equal((0.5f, 0.5f, 0.75f, 1e-3f, 0.25f, (float?)null, (float?)null), (loadedAdam.LearningRate, loadedAdam.Beta1, loadedAdam.Beta2, loadedAdam.Epsilon, loadedAdam.WeightDecay, loadedAdam.MaxGradientNorm, loadedAdam.ClipValue));
    }

    [Fact]
    public void FormatIsTheDocumentedLayout()
    {
        var adam = new Adam(0.5f, 0.25f, 0.75f, 0.125f, 2f) { MaxGradientNorm = 3f };
        adam.Step(new float[3], new[] { 1f, -2f, 0.5f });
        byte[] state = TrainingFixtures.SaveState(adam);
        Assert.Equal(80 + (2 * 3 * 4), state.Length);
        Assert.Equal("RNNGOPTS"u8.ToArray(), state[..8]);
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(state.AsSpan(8)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(state.AsSpan(12)));
        Assert.Equal(24, BinaryPrimitives.ReadInt32LittleEndian(state.AsSpan(16)));
        Assert.Equal(new[] { 0.5f, 0.25f, 0.75f, 0.125f, 2f }, Enumerable.Range(0, 5).Select(i => BinaryPrimitives.ReadSingleLittleEndian(state.AsSpan(20 + (4 * i)))));
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(state.AsSpan(40)));
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(state.AsSpan(44)));
        Assert.Equal(3f, BinaryPrimitives.ReadSingleLittleEndian(state.AsSpan(48)));
        Assert.Equal(1L, BinaryPrimitives.ReadInt64LittleEndian(state.AsSpan(56)));
        Assert.Equal(adam.LastGradientNorm, BinaryPrimitives.ReadSingleLittleEndian(state.AsSpan(64)));
        Assert.Equal(0.5f, BinaryPrimitives.ReadSingleLittleEndian(state.AsSpan(68)));
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(state.AsSpan(72)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(state.AsSpan(76)));

        // m = (1 − β1)·g and v = (1 − β2)·g² after one step (g clipped by nothing: ‖g‖ < 3).
        float m0 = BinaryPrimitives.ReadSingleLittleEndian(state.AsSpan(80));
        float v1 = BinaryPrimitives.ReadSingleLittleEndian(state.AsSpan(80 + 16));
        Assert.Equal(0.75f * 1f, m0);
        Assert.Equal(0.25f * -2f * -2f, v1);

        var sgd = new Sgd(0.5f, momentum: 0.5f, nesterov: true);
        sgd.Step(new float[2], new[] { 1f, 1f });
        byte[] sgdState = TrainingFixtures.SaveState(sgd);
        Assert.Equal(80 + (1 * 2 * 4), sgdState.Length);
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(sgdState.AsSpan(12)));
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(sgdState.AsSpan(40)));
        Assert.Equal(80, TrainingFixtures.SaveState(new Sgd(0.1f)).Length);
        Assert.Equal(-1, BinaryPrimitives.ReadInt32LittleEndian(TrainingFixtures.SaveState(new Sgd(0.1f)).AsSpan(72)));
    }

    public static IEnumerable<object[]> Corruptions()
    {
        yield return new object[] { "empty", "truncated" };
        yield return new object[] { "magic", "magic 'RNNGOPTS'" };
        yield return new object[] { "version", "format version is 2" };
        yield return new object[] { "kind", "saved by an AdamW optimizer" };
        yield return new object[] { "unknown-kind", "unknown optimizer kind (9)" };
        yield return new object[] { "beta1", "out of range" };
        yield return new object[] { "learning-rate", "learning rate NaN" };
        yield return new object[] { "clip-bits", "clipping bits 0x4" };
        yield return new object[] { "steps", "step count -1" };
        yield return new object[] { "buffer-count", "3 state buffers" };
        yield return new object[] { "length-for-other-model", "for 5 parameters, but 6 were expected" };
        yield return new object[] { "nan-moment", "state value 4 is NaN" };
        yield return new object[] { "negative-second-moment", "second-moment value 1 is negative" };
        yield return new object[] { "truncated-buffers", "truncated" };
    }

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void InvalidStateIsRefusedAndChangesNothing(string corruption, string message)
    {
        // A valid Adam state for 5 parameters after 2 steps, then one corruption.
        var source = new Adam(0.01f);
        for (int s = 0; s < 2; s++)
        {
            source.Step(new float[5], TrainingFixtures.RandomValues(5, s));
        }

        byte[] data = TrainingFixtures.SaveState(source);
        int expectedLength = 5;
        switch (corruption)
        {
            case "empty": data = Array.Empty<byte>(); break;
            case "magic": data[0] = (byte)'X'; break;
            case "version": data[8] = 2; break;
            case "kind": data[12] = 3; break;
            case "unknown-kind": data[12] = 9; break;
            case "beta1": BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(24), 1.5f); break;
            case "learning-rate": BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(20), float.NaN); break;
            case "clip-bits": data[44] = 4; break;
            case "steps": BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(56), -1); break;
            case "buffer-count": data[76] = 3; break;
            case "length-for-other-model": expectedLength = 6; break;
            case "nan-moment": BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(80 + 16), float.NaN); break;
            case "negative-second-moment": BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(80 + 20 + 4), -1f); break;
            case "truncated-buffers": data = data[..^1]; break;
        }

        AssertRefused(() => new Adam(0.5f) { ClipValue = 1f }, data, expectedLength, message);
    }

    [Fact]
    public void EveryTruncationIsRefused()
    {
        var source = new Sgd(0.1f, momentum: 0.9f);
        source.Step(new float[4], new[] { 1f, 2f, 3f, 4f });
        byte[] data = TrainingFixtures.SaveState(source);
        for (int n = 0; n < data.Length; n++)
        {
            byte[] truncated = data[..n];
            AssertRefused(() => new Sgd(0.2f, momentum: 0.9f), truncated, null, "truncated");
            AssertRefused(() => new Sgd(0.2f, momentum: 0.9f), truncated, null, "truncated", seekable: false);
        }
    }

    [Fact]
    public void SgdMomentumMismatchIsRefused()
    {
        // A plain-SGD state (no buffer) with its momentum patched to 0.9 lacks the momentum buffer.
        var plain = new Sgd(0.1f);
        plain.Step(new float[3], new[] { 1f, 1f, 1f });
        byte[] data = TrainingFixtures.SaveState(plain);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(24), 0.9f);
        AssertRefused(() => new Sgd(0.3f), data, null, "0 state buffers where an Sgd with these hyper-parameters has 1");
    }

    [Fact]
    public void StateOfAnotherKindIsRefusedByName()
    {
        byte[] sgd = TrainingFixtures.SaveState(new Sgd(0.1f));
        var ex = Assert.Throws<InvalidDataException>(() => new Adam().LoadState(new MemoryStream(sgd)));
        Assert.Equal("Cannot load the optimizer state into this Adam optimizer: it was saved by an Sgd optimizer. The optimizer is unchanged.", ex.Message);
    }

    [Fact]
    public void StepWithAnotherLengthAfterLoadThrows()
    {
        var source = new Adam();
        source.Step(new float[7], new float[7]);
        var loaded = new Adam();
        loaded.LoadState(new MemoryStream(TrainingFixtures.SaveState(source)));
        var ex = Assert.Throws<ArgumentException>(() => loaded.Step(new float[8], new float[8]));
        Assert.Contains("7", ex.Message, StringComparison.Ordinal);
        Assert.Contains("8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamArgumentsAreChecked()
    {
        var adam = new Adam();
        Assert.Throws<ArgumentNullException>(() => adam.SaveState(null!));
        Assert.Throws<ArgumentNullException>(() => adam.LoadState(null!));
        Assert.Throws<ArgumentException>(() => adam.SaveState(new MemoryStream(new byte[100], writable: false)));
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.LoadState(new MemoryStream(), -1));
    }

    private static void AssertRefused(Func<Optimizer> create, byte[] data, int? expectedLength, string message, bool seekable = true)
    {
        Optimizer target = create();
        float[] parameters = TrainingFixtures.RandomValues(expectedLength ?? 4, 3);
        target.Step(parameters, TrainingFixtures.RandomValues(parameters.Length, 4));
        byte[] before = TrainingFixtures.SaveState(target);
        float learningRate = target.LearningRate;

        Stream stream = seekable ? new MemoryStream(data) : new ForwardOnlyStream(data);
        InvalidDataException ex = expectedLength is int n
            ? Assert.Throws<InvalidDataException>(() => target.LoadState(stream, n))
            : Assert.Throws<InvalidDataException>(() => target.LoadState(stream));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("The optimizer is unchanged.", ex.Message, StringComparison.Ordinal);

        Assert.Equal(before, TrainingFixtures.SaveState(target));
        Assert.Equal(learningRate, target.LearningRate);

        // Still usable, exactly like an untouched twin.
        Optimizer twin = create();
        float[] twinParameters = TrainingFixtures.RandomValues(parameters.Length, 3);
        twin.Step(twinParameters, TrainingFixtures.RandomValues(parameters.Length, 4));
        target.Step(parameters, TrainingFixtures.RandomValues(parameters.Length, 5));
        twin.Step(twinParameters, TrainingFixtures.RandomValues(parameters.Length, 5));
        Assert.Equal(twinParameters, parameters);
    }

    private static Optimizer Differently(Optimizer optimizer) => optimizer switch
    {
        Sgd sgd => new Sgd(sgd.LearningRate * 3, momentum: sgd.Momentum == 0 ? 0.5f : 0f, weightDecay: 0.5f) { ClipValue = 9f },
        AdamW w => new AdamW(w.LearningRate * 3, beta1: 0.5f, beta2: 0.5f, epsilon: 0.5f, weightDecay: 0.5f) { MaxGradientNorm = 9f },
        Adam a => new Adam(a.LearningRate * 3, beta1: 0.5f, beta2: 0.5f, epsilon: 0.5f, weightDecay: 0.5f) { ClipValue = 9f },
        _ => throw new ArgumentException("unknown optimizer", nameof(optimizer)),
    };

    /// <summary>A read-only stream that cannot seek or report its length.</summary>
    private sealed class ForwardOnlyStream : Stream
    {
        private readonly MemoryStream _inner;

        public ForwardOnlyStream(byte[] data)
        {
            _inner = new MemoryStream(data);
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 3));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
