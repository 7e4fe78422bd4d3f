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
/// EncoderDecoder models: the encoder's final state starts the decoder (layer by layer; a
/// bidirectional encoder's two directions side by side, an LSTM's h and c); <c>Predict</c> decodes
/// greedily from a zero vector, feeding each output back; training is teacher-forced. Checked
/// against PyTorch (tools/fixtures/make_generation_fixtures.py).
/// </summary>
public sealed class EncoderDecoderTests
{
    private static readonly Dictionary<string, Func<IRnnModel>> Models = new(StringComparer.Ordinal)
    {
        ["ed_bilstm2_softmax"] = () => new EdBilstm2Softmax(),
        ["ed_embedding_gru_softmax"] = () => new EdEmbeddingGruSoftmax(),
        ["ed_rnn_identity"] = () => new EdRnnIdentity(),
    };

    private readonly ITestOutputHelper _output;

    public EncoderDecoderTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Names() => Models.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

    private static (IRnnModel Model, SafetensorsFile File) Load(string fixture) => GenerationFixtures.Load(fixture, Models[fixture]());

    [Fact]
    public void Every_fixture_has_a_model()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.Fixtures, "Generation"), "ed_*.safetensors").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(Models.Keys.OrderBy(k => k, StringComparer.Ordinal), files);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Predict_decodes_what_PyTorch_decodes(string fixture)
    {
        var (model, file) = Load(fixture);
        Assert.Equal(file["__output__"].ElementCount, model.OutputLength);
        float[] output = PyTorchFixtureTests.Predict(model, file);
        double worst = PyTorchFixtureTests.AssertClose(file["__output__"].ToSingleArray(), output, fixture + " decoded");
        Assert.Equal(output, PyTorchFixtureTests.Predict(model, file)); // every call starts from the encoder
        _output.WriteLine($"{fixture}: largest output error {worst:E2}");
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

        float validation = model switch
        {
            EdBilstm2Softmax m => m.ComputeLoss(file["__input__"].ToSingleArray(), GradientTests.Ids(file["__target__"])),
            EdEmbeddingGruSoftmax m => m.ComputeLoss(GradientTests.Ids(file["__input__"]), GradientTests.Ids(file["__target__"])),
            EdRnnIdentity m => m.ComputeLoss(file["__input__"].ToSingleArray(), file["__target__"].ToSingleArray()),
            _ => throw new InvalidOperationException(),
        };
        Assert.Equal(loss, validation);
        _output.WriteLine($"{fixture}: loss {loss:R} (PyTorch {expected:R}), largest gradient error {worst:E2}");
    }

    [Fact]
    public void Shapes_and_state_rules()
    {
        Assert.Equal(EdBilstm2Softmax.BatchSize * EdBilstm2Softmax.Steps * EdBilstm2Softmax.InputSize, EdBilstm2Softmax.InputLength);
        Assert.Equal(EdBilstm2Softmax.BatchSize * EdBilstm2Softmax.OutputSteps * EdBilstm2Softmax.OutputSize, EdBilstm2Softmax.OutputLength);
        Assert.Equal(EdBilstm2Softmax.BatchSize * EdBilstm2Softmax.OutputSteps, EdBilstm2Softmax.TargetLength);

        var model = new EdRnnIdentity();
        Assert.False(model.CarryState);
        Assert.Throws<NotSupportedException>(() => model.CarryState = true);
        var e = Assert.Throws<ArgumentException>(() => model.Predict(new float[EdRnnIdentity.InputLength], new float[EdRnnIdentity.BatchSize * EdRnnIdentity.Steps * EdRnnIdentity.OutputSize]));
        Assert.Contains("Expected a span of " + EdRnnIdentity.OutputLength, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encoder_decoder_learns_to_reverse_a_sequence()
    {
        const int B = EdReverser.BatchSize, T = EdReverser.Steps, X = EdReverser.InputSize;
        var model = new EdReverser(seed: 3);
        var adam = new Adam(learningRate: 0.01f) { MaxGradientNorm = 1f };
        var rng = new RnnGen.Initialization.RnnRandom(11);
        var x = new float[EdReverser.InputLength];
        var targets = new int[EdReverser.TargetLength];
        void Sample()
        {
            Array.Clear(x);
            for (int b = 0; b < B; b++)
            {
                for (int t = 0; t < T; t++)
                {
                    int symbol = rng.NextInt(X);
                    x[(b * T + t) * X + symbol] = 1;
                    targets[b * T + (T - 1 - t)] = symbol;
                }
            }
        }

        for (int step = 0; step < 3000; step++)
        {
            Sample();
            model.TrainStep(x, targets, adam);
        }

        int correct = 0, total = 0;
        var y = new float[EdReverser.OutputLength];
        for (int trial = 0; trial < 20; trial++)
        {
            Sample();
            model.Predict(x, y);
            for (int i = 0; i < targets.Length; i++, total++)
            {
                if (RnnGen.Text.Sampling.ArgMax(y.AsSpan(i * X, X)) == targets[i]) correct++;
            }
        }
        _output.WriteLine($"reversal: {correct} of {total} symbols");
        Assert.True(correct >= 0.95 * total, $"reversal: {correct} of {total} symbols");
    }

    [Fact]
    public void Predict_and_TrainStep_allocate_nothing()
    {
        var model = new EdReverser();
        var x = new float[EdReverser.InputLength];
        x[0] = 1;
        var y = new float[EdReverser.OutputLength];
        var targets = new int[EdReverser.TargetLength];
        var adam = new Adam(learningRate: 1e-3f) { MaxGradientNorm = 1f };
        Assert.Equal(0, AllocationTests.Measure(() => model.Predict(x, y)));
        Assert.Equal(0, AllocationTests.Measure(() => model.TrainStep(x, targets, adam)));
    }
}
