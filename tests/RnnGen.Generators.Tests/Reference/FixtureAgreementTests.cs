using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.Generators.Tests.Infrastructure;
using Xunit;

namespace RnnGen.Generators.Tests.Reference;

/// <summary>
/// The proof that the oracle matches PyTorch: it runs on every PyTorch fixture
/// (tests/RnnGen.Tests/Fixtures/*.safetensors) and must reproduce <c>__output__</c>.
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
}
