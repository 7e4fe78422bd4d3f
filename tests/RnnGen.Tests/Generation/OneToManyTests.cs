using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.IO;
using RnnGen.Tests.Models;
using RnnGen.Tests.PyTorch;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Generation;

/// <summary>
/// OneToMany models: <c>Predict</c> generates a sequence from one input, feeding each output back
/// (checked against PyTorch's greedy loop); training is teacher-forced (loss and every gradient
/// checked against PyTorch, and against the same layers run as a ManyToMany model on the
/// teacher-forced sequence).
/// </summary>
public sealed class OneToManyTests
{
    private static readonly Dictionary<string, Func<IRnnModel>> Models = new(StringComparer.Ordinal)
    {
        ["o2m_lstm_softmax"] = () => new O2mLstmSoftmax(),
        ["o2m_embedding_gru2_softmax"] = () => new O2mEmbeddingGru2Softmax(),
        ["o2m_rnn_identity"] = () => new O2mRnnIdentity(),
    };

    private readonly ITestOutputHelper _output;

    public OneToManyTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Names() => Models.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

    private static (IRnnModel Model, SafetensorsFile File) Load(string fixture) => GenerationFixtures.Load(fixture, Models[fixture]());

    [Fact]
    public void Every_fixture_has_a_model()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.Fixtures, "Generation"), "o2m_*.safetensors").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(Models.Keys.OrderBy(k => k, StringComparer.Ordinal), files);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Predict_generates_what_PyTorch_generates(string fixture)
    {
        var (model, file) = Load(fixture);
        Assert.Equal(file["__input__"].ElementCount, model.InputLength);
        float[] output = PyTorchFixtureTests.Predict(model, file);
        double worst = PyTorchFixtureTests.AssertClose(file["__output__"].ToSingleArray(), output, fixture + " generated");
        _output.WriteLine($"{fixture}: largest output error {worst:E2}");

        // Generation starts from a zero state every time, whatever Step did before.
        // (A float OneToMany model's step input and output are both [B, X]: its output is as wide as its input.)
        (model as IStreamingRnnModel<float>)?.Step(new float[model.InputLength], new float[model.InputLength]);
        Assert.Equal(output, PyTorchFixtureTests.Predict(model, file));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Teacher_forced_loss_and_every_gradient_match_PyTorch(string fixture)
    {
        var (model, file) = Load(fixture);
        bool floatInput = file["__input__"].DType == "F32";
        var inputGradients = floatInput ? new float[model.InputLength] : null;
        float loss = GradientTests.ComputeGradients(model, file, inputGradients);

        float expected = file["__loss__"].ToSingleArray()[0];
        Assert.True(Math.Abs(loss - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"{fixture}: loss {loss:R}, PyTorch {expected:R}");
        double worst = 0;
        foreach (var name in model.TensorNames)
        {
            worst = Math.Max(worst, PyTorchFixtureTests.AssertClose(file["__grad__." + name].ToSingleArray(), model.Gradient(name).ToArray(), $"{fixture} d/d{name}"));
        }
        if (floatInput)
        {
            worst = Math.Max(worst, PyTorchFixtureTests.AssertClose(file["__grad__.__input__"].ToSingleArray(), inputGradients!, $"{fixture} d/dinput"));
        }

        // ComputeLoss is the same loss without the backward pass.
        float validation = model switch
        {
            O2mLstmSoftmax m => m.ComputeLoss(file["__input__"].ToSingleArray(), GradientTests.Ids(file["__target__"])),
            O2mEmbeddingGru2Softmax m => m.ComputeLoss(GradientTests.Ids(file["__input__"]), GradientTests.Ids(file["__target__"])),
            O2mRnnIdentity m => m.ComputeLoss(file["__input__"].ToSingleArray(), file["__target__"].ToSingleArray()),
            _ => throw new InvalidOperationException(),
        };
        Assert.Equal(loss, validation);
        _output.WriteLine($"{fixture}: loss {loss:R} (PyTorch {expected:R}), largest gradient error {worst:E2}");
    }

    [Fact]
    public void Training_is_the_ManyToMany_pass_over_the_teacher_forced_sequence()
    {
        var generator = new O2mLstmSoftmax(seed: 7);
        var twin = new O2mLstmSoftmaxTwin();
        generator.Parameters.CopyTo(twin.Parameters);
        const int B = O2mLstmSoftmax.BatchSize, T = O2mLstmSoftmax.Steps, X = O2mLstmSoftmax.InputSize;
        var x = new float[] { 0, 0, 1, 0, 0, 0.5f, -1, 0, 2, 0 };
        var targets = new int[] { 1, 4, 0, 2, 2, 3, 0, 0, 1, 4, 3, 2 };
        var sequence = new float[B * T * X];
        for (int b = 0; b < B; b++)
        {
            x.AsSpan(b * X, X).CopyTo(sequence.AsSpan(b * T * X, X));
            for (int t = 1; t < T; t++) sequence[(b * T + t) * X + targets[b * T + t - 1]] = 1;
        }

        var dx = new float[O2mLstmSoftmax.InputLength];
        var dsequence = new float[O2mLstmSoftmaxTwin.InputLength];
        float loss = generator.ComputeGradients(x, targets, dx);
        float twinLoss = twin.ComputeGradients(sequence, targets, dsequence);
        Assert.Equal(twinLoss, loss);
        Assert.True(generator.Gradients.SequenceEqual(twin.Gradients));
        for (int b = 0; b < B; b++)
        {
            Assert.Equal(dsequence.AsSpan(b * T * X, X).ToArray(), dx.AsSpan(b * X, X).ToArray());
        }
    }

    [Fact]
    public void Predict_is_the_Step_loop_with_the_most_likely_symbol_fed_back()
    {
        var generator = new O2mLstmSoftmax(seed: 3);
        var twin = new O2mLstmSoftmaxTwin();
        generator.Parameters.CopyTo(twin.Parameters);
        const int B = O2mLstmSoftmax.BatchSize, T = O2mLstmSoftmax.Steps, X = O2mLstmSoftmax.InputSize, Y = O2mLstmSoftmax.OutputSize;
        var x = new float[] { 1, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
        var generated = new float[O2mLstmSoftmax.OutputLength];
        generator.Predict(x, generated);

        twin.ResetState();
        var step = x.ToArray();
        var y = new float[B * Y];
        for (int t = 0; t < T; t++)
        {
            twin.Step(step, y);
            for (int b = 0; b < B; b++)
            {
                Assert.Equal(y.AsSpan(b * Y, Y).ToArray(), generated.AsSpan((b * T + t) * Y, Y).ToArray());
            }
            Array.Clear(step);
            for (int b = 0; b < B; b++) step[b * X + RnnGen.Text.Sampling.ArgMax(y.AsSpan(b * Y, Y))] = 1;
        }

        // Predict leaves Step's state after the last output: the next Step continues the sequence.
        var next = new float[B * Y];
        generator.Step(step, next);
        var twinNext = new float[B * Y];
        twin.Step(step, twinNext);
        Assert.Equal(twinNext, next);
    }

    [Fact]
    public void Wrong_lengths_and_ids_throw_naming_what_was_expected()
    {
        var model = new O2mLstmSoftmax();
        var e = Assert.Throws<ArgumentException>(() => model.Predict(new float[O2mLstmSoftmax.BatchSize * O2mLstmSoftmax.Steps * O2mLstmSoftmax.InputSize], new float[O2mLstmSoftmax.OutputLength]));
        Assert.Contains("Expected a span of " + O2mLstmSoftmax.InputLength, e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeGradients(new float[O2mLstmSoftmax.InputLength], Enumerable.Repeat(9, O2mLstmSoftmax.TargetLength).ToArray()));

        var tokens = new O2mEmbeddingGru2Softmax();
        Assert.Throws<ArgumentOutOfRangeException>(() => tokens.Predict(new[] { 0, 7 }, new float[O2mEmbeddingGru2Softmax.OutputLength]));
        Assert.Throws<ArgumentException>(() => tokens.ComputeGradients(new[] { 0, 1 }, new int[O2mEmbeddingGru2Softmax.TargetLength], new float[2]));
    }

    [Fact]
    public void A_generating_model_learns_to_continue_a_cycle()
    {
        // Symbols 0 → 1 → 2 → 3 → 0 …: from any first symbol the model must generate the cycle.
        var model = new O2mStacked(seed: 1);
        const int B = O2mStacked.BatchSize, T = O2mStacked.Steps, X = O2mStacked.InputSize;
        var adam = new Adam(learningRate: 0.02f) { MaxGradientNorm = 1f };
        var x = new float[O2mStacked.InputLength];
        var targets = new int[O2mStacked.TargetLength];
        var rng = new RnnGen.Initialization.RnnRandom(5);
        for (int step = 0; step < 300; step++)
        {
            Array.Clear(x);
            for (int b = 0; b < B; b++)
            {
                int first = (int)(rng.NextUInt32() % X);
                x[b * X + first] = 1;
                for (int t = 0; t < T; t++) targets[b * T + t] = (first + t + 1) % X;
            }
            model.TrainStep(x, targets, adam);
        }

        var generated = new float[O2mStacked.OutputLength];
        Array.Clear(x);
        for (int b = 0; b < B; b++) x[b * X + b] = 1;
        model.Predict(x, generated);
        for (int b = 0; b < B; b++)
        {
            for (int t = 0; t < T; t++)
            {
                Assert.Equal((b + t + 1) % X, RnnGen.Text.Sampling.ArgMax(generated.AsSpan((b * T + t) * X, X)));
            }
        }
    }

    [Fact]
    public void Predict_and_TrainStep_allocate_nothing()
    {
        var model = new O2mStacked();
        var x = new float[O2mStacked.InputLength];
        x[0] = 1;
        var y = new float[O2mStacked.OutputLength];
        var targets = new int[O2mStacked.TargetLength];
        var dx = new float[O2mStacked.InputLength];
        var adam = new Adam(learningRate: 1e-3f) { MaxGradientNorm = 1f };
        Assert.Equal(0, AllocationTests.Measure(() => model.Predict(x, y)));
        Assert.Equal(0, AllocationTests.Measure(() => model.TrainStep(x, targets, adam)));
        Assert.Equal(0, AllocationTests.Measure(() => model.ComputeGradients(x, targets, dx)));
    }
}
