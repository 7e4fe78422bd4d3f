using System;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.PyTorch;

/// <summary><c>Step</c> over a sequence gives what <c>Predict</c> gives, on the PyTorch fixtures' weights.</summary>
public sealed class StreamingTests
{
    public static TheoryData<string> StreamingFixtures()
    {
        var data = new TheoryData<string>();
        foreach (var (name, factory) in FixtureModels.All.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var model = factory();
            if (model is IStreamingRnnModel<float> or IStreamingRnnModel<int>) data.Add(name);
        }
        return data;
    }

    [Fact]
    public void Bidirectional_models_have_no_Step()
    {
        Assert.False(FixtureModels.All["lstm_bidir_m2m"]() is IStreamingRnnModel<float>);
        Assert.True(FixtureModels.All["lstm_m2m_softmax"]() is IStreamingRnnModel<float>);
    }

    [Theory]
    [MemberData(nameof(StreamingFixtures))]
    public void Step_over_a_sequence_equals_Predict(string fixture)
    {
        var (model, file) = PyTorchFixtureTests.Load(fixture);
        var predicted = PyTorchFixtureTests.Predict(model, file);
        var shape = file["__input__"].Shape; // [B, T, X] or [B, T]
        int batch = shape[0], steps = shape[1], features = shape.Length == 3 ? shape[2] : 1;
        bool perStep = predicted.Length == model.OutputLength && file["__output__"].Shape.Length == 3;
        int y = file["__output__"].Shape[^1];
        var stepOut = new float[batch * y];
        var streamed = new float[predicted.Length];

        // Twice: the second run after ResetState must repeat the first.
        for (int run = 0; run < 2; run++)
        {
            if (run == 1) Reset(model);
            for (int t = 0; t < steps; t++)
            {
                StepOnce(model, file, t, batch, steps, features, stepOut);
                for (int b = 0; b < batch; b++)
                {
                    if (perStep) stepOut.AsSpan(b * y, y).CopyTo(streamed.AsSpan((b * steps + t) * y, y));
                    else if (t == steps - 1) stepOut.AsSpan(b * y, y).CopyTo(streamed.AsSpan(b * y, y));
                }
            }
            PyTorchFixtureTests.AssertClose(predicted, streamed, $"{fixture} (run {run})");
        }
    }

    private static void Reset(IRnnModel model)
    {
        if (model is IStreamingRnnModel<float> f) f.ResetState();
        else ((IStreamingRnnModel<int>)model).ResetState();
    }

    private static void StepOnce(IRnnModel model, RnnGen.IO.SafetensorsFile file, int t, int batch, int steps, int features, float[] y)
    {
        if (model is IStreamingRnnModel<int> tokens)
        {
            var ids = file["__input__"].ToInt64Array();
            var x = new int[batch];
            for (int b = 0; b < batch; b++) x[b] = (int)ids[b * steps + t];
            tokens.Step(x, y);
        }
        else
        {
            var input = file["__input__"].ToSingleArray();
            var x = new float[batch * features];
            for (int b = 0; b < batch; b++) input.AsSpan((b * steps + t) * features, features).CopyTo(x.AsSpan(b * features, features));
            ((IStreamingRnnModel<float>)model).Step(x, y);
        }
    }
}
