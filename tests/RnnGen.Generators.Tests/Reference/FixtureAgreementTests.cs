using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using RnnGen.Generators.Tests.Infrastructure;
using Xunit;

namespace RnnGen.Generators.Tests.Reference;

/// <summary>
/// The proof that the oracle matches PyTorch: it runs on every PyTorch fixture
/// (tests/RnnGen.Tests/Fixtures/*.safetensors) and must reproduce <c>__output__</c>, its loss
/// must reproduce <c>__loss__</c>, and central differences of its loss must reproduce PyTorch's
/// autograd gradients <c>__grad__.*</c>.
/// </summary>
public sealed class FixtureAgreementTests
{
    private const string FixtureFolder = "tests/RnnGen.Tests/Fixtures";

    /// <summary>Every fixture file name.</summary>
    public static IEnumerable<object[]> Fixtures() =>
        Directory.EnumerateFiles(RepositoryPaths.Combine(FixtureFolder), "*.safetensors")
            .Select(Path.GetFileName)
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => new object[] { n! });

    [Fact]
    public void FixturesArePresent() => Assert.True(Fixtures().Count() >= 10, "Expected the PyTorch fixtures under " + FixtureFolder);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReferenceReproducesPyTorch(string fixture)
    {
        var file = SafetensorsReader.Read(RepositoryPaths.Combine(FixtureFolder + "/" + fixture));
        var config = AttributeTextParser.Parse(file.Metadata["model"]);
        var input = file.Tensors["__input__"];
        var expected = file.Tensors["__output__"];

        // The fixture holds exactly the parameters the reference expects, with PyTorch's shapes.
        var parameters = file.Tensors.Keys.Where(k => !k.StartsWith("__", StringComparison.Ordinal)).OrderBy(k => k, StringComparer.Ordinal).ToArray();
        Assert.Equal(config.ParameterTensors().Select(t => t.Name).OrderBy(k => k, StringComparer.Ordinal), parameters);
        foreach (var spec in config.ParameterTensors())
        {
            Assert.True(spec.Shape.SequenceEqual(file.Tensors[spec.Name].Shape), $"{spec.Name}: reference shape [{string.Join(", ", spec.Shape)}], fixture [{string.Join(", ", file.Tensors[spec.Name].Shape)}]");
        }

        float[] Tensor(string name) => file.Tensors[name].AsFloats();
        var actual = input.DType.StartsWith('I')
            ? ReferenceModel.Predict(config, Tensor, input.AsInts())
            : ReferenceModel.Predict(config, Tensor, input.AsFloats());

        Assert.Equal(config.OutputLength, expected.Values.Length);
        Assert.Equal(expected.Values.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            double e = expected.Values[i];
            Assert.True(Math.Abs(actual[i] - e) <= 1e-5 * Math.Max(1, Math.Abs(e)), $"{fixture} element {i}: PyTorch {e:R}, reference {actual[i]:R}\n{config.ToAttributeText()}");
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReferenceLossAndItsFiniteDifferencesReproducePyTorch(string fixture)
    {
        var file = SafetensorsReader.Read(RepositoryPaths.Combine(FixtureFolder + "/" + fixture));
        var config = AttributeTextParser.Parse(file.Metadata["model"]);
        var inputTensor = file.Tensors["__input__"];
        var targetTensor = file.Tensors["__target__"];
        Array input = inputTensor.DType.StartsWith('I') ? inputTensor.AsInts() : inputTensor.AsFloats();
        Array targets = targetTensor.DType.StartsWith('I') ? targetTensor.AsInts() : targetTensor.AsFloats();
        Assert.Equal(config.TargetLength, targets.Length);

        // The loss: PyTorch's float32 value against the reference's double.
        double loss = ReferenceModel.Loss(config, name => file.Tensors[name].AsFloats(), input, targets);
        double expectedLoss = file.Tensors["__loss__"].Values[0];
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * Math.Max(1, Math.Abs(expectedLoss)), $"{fixture}: PyTorch loss {expectedLoss:R}, reference {loss:R} ({config.EffectiveLoss})");

        // Every gradient element: PyTorch's autograd in float32 against central differences in double.
        var values = config.ParameterTensors().ToDictionary(t => t.Name, t => file.Tensors[t.Name].Values.ToArray(), StringComparer.Ordinal);
        double[]? features = input is float[] f ? Array.ConvertAll(f, v => (double)v) : null;
        var failures = new List<string>();
        double largest = 0;
        void Compare(string what, double[] array, int index, double expected)
        {
            var difference = FiniteDifferences.Of(config, name => values[name], features is null ? input : features, targets, array, index);
            if (difference.Skipped)
            {
                return;
            }

            double error = Math.Abs(difference.Value - expected);
            largest = Math.Max(largest, error / Math.Max(1, Math.Abs(expected)));
            if (!(error <= (1e-4 * Math.Max(1, Math.Abs(expected))) + 1e-6) && failures.Count < 10)
            {
                failures.Add($"{what}: PyTorch {expected:R}, finite difference {difference.Value:R}");
            }
        }

        foreach (var spec in config.ParameterTensors())
        {
            var expected = file.Tensors["__grad__." + spec.Name].Values;
            Assert.Equal(spec.Length, expected.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Compare(spec.Name + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", values[spec.Name], i, expected[i]);
            }
        }

        if (features is not null)
        {
            var expected = file.Tensors["__grad__.__input__"].Values;
            Assert.Equal(features.Length, expected.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Compare("input[" + i.ToString(CultureInfo.InvariantCulture) + "]", features, i, expected[i]);
            }
        }

        Assert.True(failures.Count == 0, $"{fixture} ({config.EffectiveLoss}; largest |fd − PyTorch| / max(1, |PyTorch|) {largest:G3}):\n" + string.Join("\n", failures) + "\n" + config.ToAttributeText());
    }
}
