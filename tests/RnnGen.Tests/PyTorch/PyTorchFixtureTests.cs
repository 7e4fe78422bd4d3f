using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.IO;
using Xunit;

namespace RnnGen.Tests.PyTorch;

/// <summary>
/// Generated models against PyTorch: the fixtures hold PyTorch's weights, inputs and outputs
/// (tools/fixtures/make_fixtures.py); the twins in <see cref="FixtureModels"/> must reproduce
/// the outputs to 1e-5. No torch is needed to run these.
/// </summary>
public sealed class PyTorchFixtureTests
{
    public const float Tolerance = 1e-5f;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public PyTorchFixtureTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Names() => FixtureModels.All.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

    /// <summary>Loads a fixture's weights into a fresh twin by tensor name.</summary>
    internal static (IRnnModel Model, SafetensorsFile File) Load(string fixture)
    {
        var file = SafetensorsFile.Read(TestPaths.Fixture(fixture));
        var model = FixtureModels.All[fixture]();
        foreach (var name in model.TensorNames)
        {
            file[name].ToSingleArray().AsSpan().CopyTo(model.Parameter(name));
        }
        return (model, file);
    }

    internal static float[] Predict(IRnnModel model, SafetensorsFile file)
    {
        var output = new float[model.OutputLength];
        switch (model)
        {
            case IRnnModel<int> tokens:
                tokens.Predict(file["__input__"].ToInt64Array().Select(v => checked((int)v)).ToArray(), output);
                break;
            case IRnnModel<float> floats:
                floats.Predict(file["__input__"].ToSingleArray(), output);
                break;
            default:
                throw new InvalidOperationException("Unexpected model type " + model.GetType());
        }
        return output;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Tensor_names_and_shapes_match_the_state_dict(string fixture)
    {
        var file = SafetensorsFile.Read(TestPaths.Fixture(fixture));
        var model = FixtureModels.All[fixture]();
        var torchNames = file.Names.Where(n => !n.StartsWith("__", StringComparison.Ordinal)).ToArray();
        Assert.Equal(torchNames.OrderBy(n => n, StringComparer.Ordinal), model.TensorNames.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var name in torchNames)
        {
            var shape = file[name].Shape;
            Assert.Equal(shape.Aggregate(1, (a, b) => a * b), model.Parameter(name).Length);
        }
        Assert.Equal(model.Parameters.Length, torchNames.Sum(n => file[n].Shape.Aggregate(1, (a, b) => a * b)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Predict_matches_PyTorch(string fixture)
    {
        var (model, file) = Load(fixture);
        var expected = file["__output__"].ToSingleArray();
        var actual = Predict(model, file);
        double worst = AssertClose(expected, actual, fixture);
        _output.WriteLine($"{fixture}: largest relative error against PyTorch {worst:E2}");
    }

    internal static double AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]) / Math.Max(1.0, Math.Abs(expected[i]));
            worst = Math.Max(worst, error);
            Assert.True(error <= Tolerance, $"{what}: element {i} is {actual[i]:R}, PyTorch says {expected[i]:R} (relative error {error:E2}).");
        }
        return worst;
    }
}
