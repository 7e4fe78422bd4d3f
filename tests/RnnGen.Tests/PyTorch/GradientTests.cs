using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.IO;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.PyTorch;

/// <summary>
/// Back-propagation through time against PyTorch: for every fixture, the loss, the gradient of
/// every parameter tensor and (float inputs) of the input, to 1e-5.
/// </summary>
public sealed class GradientTests
{
    private readonly ITestOutputHelper _output;

    public GradientTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Names() => PyTorchFixtureTests.Names();

    internal static float ComputeGradients(IRnnModel model, SafetensorsFile file, float[]? inputGradients = null)
    {
        var target = file["__target__"];
        switch (model)
        {
            case ITrainableRnnModel<int, int> m:
                return m.ComputeGradients(Ids(file["__input__"]), Ids(target), default);
            case ITrainableRnnModel<int, float> m:
                return m.ComputeGradients(Ids(file["__input__"]), target.ToSingleArray(), default);
            case ITrainableRnnModel<float, int> m:
                return m.ComputeGradients(file["__input__"].ToSingleArray(), Ids(target), inputGradients);
            case ITrainableRnnModel<float, float> m:
                return m.ComputeGradients(file["__input__"].ToSingleArray(), target.ToSingleArray(), inputGradients);
            default:
                throw new InvalidOperationException("Unexpected model type " + model.GetType());
        }
    }

    internal static int[] Ids(TensorEntry entry) => entry.ToInt64Array().Select(v => checked((int)v)).ToArray();

    [Theory]
    [MemberData(nameof(Names))]
    public void Loss_and_every_gradient_match_PyTorch(string fixture)
    {
        var (model, file) = PyTorchFixtureTests.Load(fixture);
        bool floatInput = file["__input__"].DType == "F32";
        var inputGradients = floatInput ? new float[model.InputLength] : null;
        float loss = ComputeGradients(model, file, inputGradients);

        float expectedLoss = file["__loss__"].ToSingleArray()[0];
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * Math.Max(1, Math.Abs(expectedLoss)), $"{fixture}: loss {loss:R}, PyTorch {expectedLoss:R}");

        double worst = 0;
        foreach (var name in model.TensorNames)
        {
            worst = Math.Max(worst, PyTorchFixtureTests.AssertClose(file["__grad__." + name].ToSingleArray(), model.Gradient(name).ToArray(), $"{fixture} d/d{name}"));
        }
        if (floatInput)
        {
            worst = Math.Max(worst, PyTorchFixtureTests.AssertClose(file["__grad__.__input__"].ToSingleArray(), inputGradients!, $"{fixture} d/dinput"));
        }
        _output.WriteLine($"{fixture}: loss {loss:R} (PyTorch {expectedLoss:R}), largest gradient error {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ComputeGradients_twice_gives_the_same_gradients(string fixture)
    {
        var (model, file) = PyTorchFixtureTests.Load(fixture);
        float first = ComputeGradients(model, file);
        var gradients = model.Gradients.ToArray();
        float second = ComputeGradients(model, file);
        Assert.Equal(first, second);
        Assert.True(gradients.AsSpan().SequenceEqual(model.Gradients), "gradients are overwritten, not accumulated");
    }
}
