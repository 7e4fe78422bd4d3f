using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using RnnGen.Generators.Tests.Infrastructure;
using RnnGen.Generators.Tests.Reference;
using Xunit;

namespace RnnGen.Generators.Tests.Numerics;

/// <summary>
/// Every PyTorch fixture's model, declared from its attribute text and compiled in-process,
/// loaded with the fixture's tensors through <c>Parameter(name)</c>, must reproduce
/// <c>__output__</c> within 1e-5 · max(1, |expected|).
/// </summary>
public sealed class GeneratedMatchesFixturesTests
{
    private const string FixtureFolder = "tests/RnnGen.Tests/Fixtures";

    [Fact]
    public void EveryFixtureModelMatchesPyTorch()
    {
        var fixtures = Directory.EnumerateFiles(RepositoryPaths.Combine(FixtureFolder), "*.safetensors")
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (Name: Path.GetFileNameWithoutExtension(p), File: SafetensorsReader.Read(p)))
            .Select(f => (f.Name, f.File, Config: AttributeTextParser.Parse(f.File.Metadata["model"]), ClassName: ClassName(f.Name)))
            .ToList();
        Assert.NotEmpty(fixtures);

        var sources = new List<(string, string)>();
        foreach (var f in fixtures)
        {
            sources.Add(("Fixtures/" + f.ClassName + ".cs", f.Config.ToCSharp(f.ClassName, "Fixtures")));
            sources.Add(("Entries/" + f.ClassName + "_Entry.cs", ModelEntryPoint.Source("Fixtures", f.ClassName, f.Config.UsesEmbedding, f.Config.Mode == SequenceMode.ManyToMany)));
        }

        var failures = new StringBuilder();
        using (CultureScope.EnterNonAsciiMinus())
        using (var loaded = GeneratorHarness.CompileAndLoad(sources))
        {
            foreach (var f in fixtures)
            {
                var entry = new ModelEntry(loaded, "Fixtures", f.ClassName);
                var tensors = f.Config.ParameterTensors().ToDictionary(t => t.Name, t => f.File.Tensors[t.Name].AsFloats(), StringComparer.Ordinal);
                var input = f.File.Tensors["__input__"];
                Array data = input.DType.StartsWith('I') ? input.AsInts() : input.AsFloats();
                float[] actual = entry.RunWithTensors(0, tensors, data);
                var expected = f.File.Tensors["__output__"].Values;
                if (actual.Length != expected.Length)
                {
                    failures.Append(CultureInfo.InvariantCulture, $"{f.Name}: {actual.Length} outputs, PyTorch {expected.Length}\n");
                    continue;
                }

                for (int i = 0; i < expected.Length; i++)
                {
                    if (!(Math.Abs(actual[i] - expected[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i]))))
                    {
                        failures.Append(CultureInfo.InvariantCulture, $"{f.Name} element {i}: generated {actual[i]:R}, PyTorch {expected[i]:R}\n{f.Config.ToAttributeText()}\n");
                        break;
                    }
                }
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());
    }

    private static string ClassName(string fixture) =>
        "F" + string.Concat(fixture.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
