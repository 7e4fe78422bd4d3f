using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using RnnGen.Generators.Tests.Reference;
using Xunit;

namespace RnnGen.Generators.Tests.Infrastructure;

/// <summary>The harness itself, exercised without the generator (a compilation with no generators).</summary>
public sealed class GeneratorHarnessTests
{
    private static GeneratorRun PlainRun(params string[] sources) =>
        GeneratorHarness.Run(
            GeneratorHarness.CreateCompilation(sources.Select((s, i) => ("Plain" + i.ToString(CultureInfo.InvariantCulture) + ".cs", s))),
            GeneratorHarness.CreateDriver(Array.Empty<ISourceGenerator>()));

    [Fact]
    public void CompilesLoadsAndCallsAStaticMethod()
    {
        using var loaded = PlainRun("namespace P; public static class C { public static int Answer() => 42; }").CompileAndLoad();
        Assert.Equal(42, loaded.InvokeStatic("P.C", "Answer"));
    }

    [Fact]
    public void RuntimeTypesAreSharedWithTheTests()
    {
        using var loaded = PlainRun("public static class C { public static System.Type Attribute() => typeof(RnnGen.RnnModelAttribute); }").CompileAndLoad();
        Assert.Same(typeof(RnnModelAttribute), loaded.InvokeStatic("C", "Attribute"));
    }

    [Fact]
    public void ErrorsAreListedWithTheirSourceLine()
    {
        var error = Assert.Throws<HarnessException>(() => PlainRun("public static class C\n{\n    public static int F() { int value = \"text\"; return value; }\n}\n").CompileAndLoad());
        Assert.Contains("CS0029", error.Message, StringComparison.Ordinal);
        Assert.Contains("Plain0.cs:3:", error.Message, StringComparison.Ordinal);
        Assert.Contains("int value = \"text\";", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public static class C { public static void F() { int unused; } }", "CS0168")]
    [InlineData("public static class C { public static string F(string? s) { string t = s; return t; } }", "CS8600")]
    [InlineData("public class lower { }", "CS8981")]
    public void WarningsAreErrors(string source, string id)
    {
        var error = Assert.Throws<HarnessException>(() => PlainRun(source).CompileAndLoad());
        Assert.Contains(id, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsafeCodeIsAllowed()
    {
        using var loaded = PlainRun("public static class C { public static unsafe int F() { int x = 3; int* p = &x; return *p; } }").CompileAndLoad();
        Assert.Equal(3, loaded.InvokeStatic("C", "F"));
    }

    [Fact]
    public void TheCultureHasANonAsciiMinus()
    {
        using (CultureScope.EnterNonAsciiMinus())
        {
            Assert.Equal("\u22121,5", (-1.5f).ToString(CultureInfo.CurrentCulture));
        }

        Assert.NotEqual("\u2212", CultureInfo.CurrentCulture.NumberFormat.NegativeSign);
    }

    [Fact]
    public void InvokeRethrowsTheOriginalException()
    {
        using var loaded = PlainRun("public static class C { public static void F() => throw new System.ArgumentException(\"bad span\"); }").CompileAndLoad();
        var error = Assert.Throws<ArgumentException>(() => loaded.InvokeStatic("C", "F"));
        Assert.Equal("bad span", error.Message);
    }

    /// <summary>
    /// A hand-written stand-in with the generated members of SPEC §2 (a single Dense layer
    /// <c>fc</c>, X = 2, Y = 1, T = 3, B = 2), so the entry class and the comparison path are
    /// tested before the generator exists.
    /// </summary>
    private const string HandWrittenModel = """
        using System;
        using System.Collections.Generic;

        namespace Fake;

        public sealed class Dense
        {
            public const int InputSize = 2, Steps = 3, OutputSize = 1, BatchSize = 2, ParameterCount = 3;

            private readonly float[] buffer = new float[ParameterCount];

            public Dense(int seed)
            {
                var random = new Random(seed);
                for (int i = 0; i < buffer.Length; i++)
                {
                    buffer[i] = (float)(random.NextDouble() - 0.5);
                }
            }

            public static IReadOnlyList<string> ParameterNames { get; } = new[] { "fc.weight", "fc.bias" };

            public Span<float> Parameters => buffer;

            public Span<float> Parameter(string name) => name switch
            {
                "fc.weight" => buffer.AsSpan(0, 2),
                "fc.bias" => buffer.AsSpan(2, 1),
                _ => throw new ArgumentException("Unknown parameter " + name),
            };

            public void Predict(ReadOnlySpan<float> input, Span<float> output)
            {
                for (int r = 0; r < BatchSize * Steps; r++)
                {
                    output[r] = (buffer[0] * input[2 * r]) + (buffer[1] * input[(2 * r) + 1]) + buffer[2];
                }
            }
        }
        """;

    [Fact]
    public void EntryClassDrivesAModelAndMatchesTheReference()
    {
        var config = new ModelConfig(2, 3, 2, SequenceMode.ManyToMany, new LayerConfig[] { new DenseLayerConfig("fc", 1) });
        using var loaded = PlainRun(HandWrittenModel, ModelEntryPoint.Source("Fake", "Dense", tokenInput: false, perStepOutput: true)).CompileAndLoad();
        var entry = new ModelEntry(loaded, "Fake", "Dense");

        Assert.Equal(new[] { "fc.weight", "fc.bias" }, entry.Names());
        Assert.Equal(new[] { 2, 3, 1, 2, 3 }, entry.Constants());
        Assert.Equal(config.ParameterCount, entry.Constants()[4]);

        var input = Enumerable.Range(0, config.InputLength).Select(i => (float)(i - 5) / 4).ToArray();
        var tensors = new Dictionary<string, float[]>();
        var output = entry.Run(7, input, tensors);
        var expected = ReferenceModel.Predict(config, n => tensors[n], input);
        Assert.Equal(expected.Length, output.Length);
        for (int i = 0; i < output.Length; i++)
        {
            Assert.True(Math.Abs(output[i] - expected[i]) <= 1e-6, $"element {i}");
        }

        Assert.Equal(tensors["fc.weight"].Concat(tensors["fc.bias"]), entry.Buffer(7));

        var written = new Dictionary<string, float[]> { ["fc.weight"] = new[] { 1f, -1f }, ["fc.bias"] = new[] { 0.5f } };
        Assert.Equal(input.Chunk(2).Select(p => p[0] - p[1] + 0.5f), entry.RunWithTensors(7, written, input));
        Assert.Equal(input.Chunk(2).Select(p => (2 * p[0]) + 0.25f), entry.RunWithBuffer(7, new[] { 2f, 0f, 0.25f }, input));
        Assert.Throws<InvalidOperationException>(() => entry.RunWithBuffer(7, new float[2], input));
    }
}
