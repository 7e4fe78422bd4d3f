using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using RnnGen.Generators.Cells;
using RnnGen.Generators.Model;
using RnnGen.Generators.Tests.Infrastructure;
using RnnGen.Generators.Tests.Numerics;
using RnnGen.Generators.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Generators.Tests.Generation;

/// <summary>
/// The walk of docs/architecture.md, "Adding a layer kind", checked for every registered kind: its
/// home in <see cref="LayerKinds.All"/> (distinct kind and attribute, found by the registry), the
/// runtime attribute it answers to, and example models (<see cref="Examples"/>, every variant of
/// every kind) whose forward pass matches the reference, whose gradients match finite differences
/// and whose <c>Step</c>, fed the sequence step by step, reproduces <c>Predict</c>.
/// </summary>
public sealed class LayerKindCoverageTests
{
    private const string Walk = "docs/architecture.md, \"Adding a layer kind\"";

    /// <summary>|Step − Predict| ≤ this · max(1, |Predict|), element by element.</summary>
    private const double StepTolerance = 1e-6;

    private const string StepNamespace = "KindSteps";

    private static readonly ModelConfig EmbeddingLstmSoftmax = Model(null, 3, 2, SequenceMode.ManyToMany,
        new EmbeddingLayerConfig("emb", 6, 3), new RecurrentLayerConfig("lstm", CellKind.Lstm, 4), new DenseLayerConfig("fc", 6, Activation.Softmax));

    private static readonly ModelConfig RnnTanhStacked = Model(3, 4, 2, SequenceMode.ManyToMany,
        new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 4, Layers: 2), new DenseLayerConfig("fc", 2));

    private static readonly ModelConfig RnnReluDenseGru = Model(2, 4, 2, SequenceMode.ManyToMany,
        new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 4, Activation: Activation.Relu), new DenseLayerConfig("mid", 3, Activation.Relu),
        new RecurrentLayerConfig("gru", CellKind.Gru, 3), new DenseLayerConfig("fc", 2, Activation.Tanh));

    private static readonly ModelConfig GruAfterStacked = Model(3, 3, 2, SequenceMode.ManyToMany,
        new RecurrentLayerConfig("gru", CellKind.Gru, 3, Layers: 2), new DenseLayerConfig("fc", 2, Activation.Sigmoid));

    private static readonly ModelConfig GruBeforeStacked = Model(2, 4, 1, SequenceMode.ManyToMany,
        new RecurrentLayerConfig("gru", CellKind.Gru, 4, Layers: 2, Variant: GruVariant.ResetBefore), new DenseLayerConfig("fc", 3));

    private static readonly ModelConfig LstmBidirectionalToOne = Model(2, 3, 2, SequenceMode.ManyToOne,
        new RecurrentLayerConfig("lstm", CellKind.Lstm, 3, Bidirectional: true), new DenseLayerConfig("fc", 2, Activation.Softmax));

    private static readonly ModelConfig EmbeddingGruBeforeBidirectionalToOne = Model(null, 3, 2, SequenceMode.ManyToOne,
        new EmbeddingLayerConfig("emb", 5, 2), new RecurrentLayerConfig("gru", CellKind.Gru, 3, Bidirectional: true, Variant: GruVariant.ResetBefore),
        new DenseLayerConfig("fc", 2, Activation.Sigmoid));

    private static readonly ModelConfig RnnReluBidirectionalStackedToOne = Model(2, 4, 2, SequenceMode.ManyToOne,
        new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 3, Layers: 2, Bidirectional: true, Activation: Activation.Relu), new DenseLayerConfig("fc", 1));

    private static readonly ModelConfig GruBidirectionalRnnRelu = Model(2, 3, 2, SequenceMode.ManyToMany,
        new RecurrentLayerConfig("gru", CellKind.Gru, 3, Bidirectional: true), new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 2),
        new DenseLayerConfig("fc", 2, Activation.Relu));

    private readonly ITestOutputHelper output;

    public LayerKindCoverageTests(ITestOutputHelper output) => this.output = output;

    /// <summary>
    /// Each kind, and each variant that changes its equations, with the example models that hold it.
    /// A new kind (or variant) gets a row here, with at least one unidirectional ManyToMany model so
    /// its <c>Step</c> is checked too.
    /// </summary>
    private static IReadOnlyDictionary<(LayerKind Kind, string Variant), ModelConfig[]> Examples { get; } = new Dictionary<(LayerKind, string), ModelConfig[]>
    {
        [(LayerKind.Embedding, "")] = new[] { EmbeddingLstmSoftmax, EmbeddingGruBeforeBidirectionalToOne },
        [(LayerKind.SimpleRnn, nameof(Activation.Tanh))] = new[] { RnnTanhStacked, GruBidirectionalRnnRelu },
        [(LayerKind.SimpleRnn, nameof(Activation.Relu))] = new[] { RnnReluDenseGru, RnnReluBidirectionalStackedToOne },
        [(LayerKind.Gru, nameof(GruVariant.ResetAfter))] = new[] { GruAfterStacked, RnnReluDenseGru, GruBidirectionalRnnRelu },
        [(LayerKind.Gru, nameof(GruVariant.ResetBefore))] = new[] { GruBeforeStacked, EmbeddingGruBeforeBidirectionalToOne },
        [(LayerKind.Lstm, "")] = new[] { EmbeddingLstmSoftmax, LstmBidirectionalToOne },
        [(LayerKind.Dense, nameof(Activation.Identity))] = new[] { RnnTanhStacked, GruBeforeStacked, RnnReluBidirectionalStackedToOne },
        [(LayerKind.Dense, nameof(Activation.Softmax))] = new[] { EmbeddingLstmSoftmax, LstmBidirectionalToOne },
        [(LayerKind.Dense, nameof(Activation.Sigmoid))] = new[] { GruAfterStacked, EmbeddingGruBeforeBidirectionalToOne },
        [(LayerKind.Dense, nameof(Activation.Tanh))] = new[] { RnnReluDenseGru },
        [(LayerKind.Dense, nameof(Activation.Relu))] = new[] { RnnReluDenseGru, GruBidirectionalRnnRelu },
    };

    /// <summary>Every example once, with its class name.</summary>
    private static IReadOnlyList<(string Name, ModelConfig Config)> DistinctExamples { get; } =
        Examples.Values.SelectMany(e => e).Distinct().Select((config, i) => ("K" + i.ToString(CultureInfo.InvariantCulture), config)).ToList();

    [Fact]
    public void EveryHomeHasADistinctKindAndAttribute()
    {
        Assert.NotEmpty(LayerKinds.All);
        AssertDistinct(LayerKinds.All.Select(h => h.Kind.ToString()), "Kind");
        AssertDistinct(LayerKinds.All.Select(h => h.AttributeName), "AttributeName");
        Assert.Equal(Enum.GetValues<LayerKind>().Order(), LayerKinds.All.Select(h => h.Kind).Order());
    }

    [Fact]
    public void TheRegistryFindsEveryHomeByKindAndByAttribute()
    {
        foreach (var home in LayerKinds.All)
        {
            Assert.Same(home, LayerKinds.Of(home.Kind));
            Assert.Same(home, LayerKinds.ByAttribute(home.AttributeName));
        }

        Assert.Null(LayerKinds.ByAttribute("RnnGen.RnnModelAttribute"));
        Assert.Null(LayerKinds.ByAttribute(null));
        Assert.Throws<InvalidOperationException>(() => LayerKinds.Of((LayerKind)Enum.GetValues<LayerKind>().Length));
    }

    [Fact]
    public void EveryHomeAnswersToARuntimeAttribute()
    {
        var runtime = typeof(RnnModelAttribute).Assembly;
        foreach (var home in LayerKinds.All)
        {
            var type = runtime.GetType(home.AttributeName);
            Assert.True(type is not null, $"The runtime assembly has no {home.AttributeName} for {home.Kind} ({Walk}, step 3).");
            Assert.True(typeof(Attribute).IsAssignableFrom(type) && type.IsPublic && !type.IsAbstract, home.AttributeName + " is not a public attribute.");
            var usage = type.GetCustomAttribute<AttributeUsageAttribute>();
            Assert.True(usage is { ValidOn: AttributeTargets.Class, AllowMultiple: true }, home.AttributeName + " must go on classes, any number of times.");
            var first = type.GetConstructors().Select(c => c.GetParameters().FirstOrDefault()?.Name).Distinct().ToList();
            Assert.Equal(new[] { home.FirstArgumentName }, first);
        }
    }

    [Fact]
    public void EveryRuntimeLayerAttributeHasAHome()
    {
        var layerAttributes = typeof(RnnModelAttribute).Assembly.GetExportedTypes()
            .Where(t => typeof(Attribute).IsAssignableFrom(t) && !t.IsAbstract && t != typeof(RnnModelAttribute))
            .Select(t => t.FullName!)
            .ToList();
        Assert.NotEmpty(layerAttributes);
        var orphans = layerAttributes.Where(name => LayerKinds.ByAttribute(name) is null).ToList();
        Assert.True(orphans.Count == 0, "Attributes no layer kind answers to (the parser would ignore them): " + string.Join(", ", orphans)
            + $". Register a home in Cells/LayerKinds.cs ({Walk}, step 2).");
    }

    [Fact]
    public void EveryRegisteredKindAndVariantHasAnExample()
    {
        var missing = new List<string>();
        foreach (var home in LayerKinds.All)
        {
            foreach (var variant in VariantsOf(home.Kind))
            {
                string what = home.Kind + (variant.Length == 0 ? "" : " " + variant);
                if (!Examples.TryGetValue((home.Kind, variant), out var models) || models.Length == 0)
                {
                    missing.Add(what + " has no example model");
                }
                else if (!models.Any(Steps))
                {
                    missing.Add(what + " has no unidirectional ManyToMany example (its Step is not checked)");
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing)
            + $"\nAdd it to {nameof(LayerKindCoverageTests)}.{nameof(Examples)} ({Walk}, step 4): forward against the reference, gradients against finite differences, Step against Predict.");
    }

    [Fact]
    public void EveryExampleHoldsTheKindItIsListedUnder()
    {
        foreach (var ((kind, variant), models) in Examples)
        {
            Assert.Contains(variant, VariantsOf(kind));
            foreach (var model in models)
            {
                model.Validate();
                Assert.True(model.Layers.Any(l => KeyOf(l) == (kind, variant)), $"Listed under {kind} {variant} but has no such layer: {model}");
            }
        }
    }

    [Fact]
    public void ExamplesMatchTheReference()
    {
        var report = GeneratedModelChecker.Check(DistinctExamples
            .Select((e, i) => new SweepModel(e.Name, e.Config, 100 + i, (WeightSource)(i % 3)))
            .ToList());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Models} models; compile {report.CompileTime.TotalSeconds:F1} s, run {report.RunTime.TotalSeconds:F1} s; largest relative error {report.LargestRelativeError:G3} at {report.LargestAt}"));
        Assert.Equal(DistinctExamples.Count, report.Models);
        AssertNoFailures(report.Failures);
    }

    [Fact]
    public void ExampleGradientsMatchFiniteDifferences()
    {
        var report = GradientChecker.Check(DistinctExamples.Select((e, i) => new GradientModel(e.Name, e.Config, 200 + i)).ToList());
        output.WriteLine(report.Summary());
        Assert.Equal(DistinctExamples.Count, report.Models);
        AssertNoFailures(report.Failures);
    }

    /// <summary>
    /// Every unidirectional ManyToMany example fed step by step through <c>Step</c> gives what
    /// <c>Predict</c> gives, again after <c>ResetState</c>; a third pass without the reset carries the
    /// state over and must differ (so the state is really used).
    /// </summary>
    [Fact]
    public void StepFedStepByStepEqualsPredict()
    {
        var models = DistinctExamples.Where(e => Steps(e.Config)).ToList();
        Assert.NotEmpty(models);
        var sources = new List<(string, string)>();
        foreach (var (name, config) in models)
        {
            sources.Add(("Models/" + name + ".cs", config.ToCSharp(name, StepNamespace)));
            sources.Add(("Entries/" + name + "_Entry.cs", ModelEntryPoint.Source(StepNamespace, name, config.UsesEmbedding, perStepOutput: true)));
            sources.Add(("Entries/" + name + "_Steps.cs", StepEntry(name, config.UsesEmbedding)));
        }

        var failures = new List<string>();
        using (CultureScope.EnterNonAsciiMinus())
        using (var loaded = GeneratorHarness.CompileAndLoad(sources))
        {
            foreach (var ((name, config), i) in models.Select((m, i) => (m, i)))
            {
                int seed = 300 + i;
                var input = RandomInput(config, new Random(seed));
                float[] predicted = new ModelEntry(loaded, StepNamespace, name).Run(seed, input, new Dictionary<string, float[]>(StringComparer.Ordinal));
                var passes = (float[][])loaded.InvokeStatic(StepNamespace + "." + name + "_Steps", "Run", seed, input)!;
                for (int pass = 0; pass < 2; pass++)
                {
                    if (FirstDifference(config, passes[pass], predicted) is { } at)
                    {
                        failures.Add($"{name}, {(pass == 0 ? "a fresh model" : "after ResetState")}: {at}\n{config.ToCSharp(name, StepNamespace)}");
                    }
                }

                if (FirstDifference(config, passes[2], predicted) is null)
                {
                    failures.Add($"{name}: a pass that starts from the previous pass's state gives Predict's output too; the state is not carried.\n{config}");
                }
            }
        }

        AssertNoFailures(failures);
    }

    /// <summary>The variants of a kind that each need an example: the values of the argument that changes its equations.</summary>
    private static IEnumerable<string> VariantsOf(LayerKind kind) => kind switch
    {
        LayerKind.Gru => Enum.GetNames<GruVariant>(),
        LayerKind.SimpleRnn => new[] { nameof(Activation.Tanh), nameof(Activation.Relu) }, // the activations the validator accepts
        LayerKind.Dense => Enum.GetNames<Activation>(),
        _ => new[] { "" },
    };

    private static (LayerKind Kind, string Variant) KeyOf(LayerConfig layer) => layer switch
    {
        EmbeddingLayerConfig => (LayerKind.Embedding, ""),
        DenseLayerConfig d => (LayerKind.Dense, d.Activation.ToString()),
        RecurrentLayerConfig { Cell: CellKind.Gru } r => (LayerKind.Gru, r.Variant.ToString()),
        RecurrentLayerConfig { Cell: CellKind.SimpleRnn } r => (LayerKind.SimpleRnn, r.Activation.ToString()),
        RecurrentLayerConfig { Cell: CellKind.Lstm } => (LayerKind.Lstm, ""),
        _ => throw new NotSupportedException(layer.ToString()),
    };

    /// <summary>Whether the model has <c>Step</c> and its output is a sequence <c>Predict</c> can be compared with.</summary>
    private static bool Steps(ModelConfig config) =>
        config.Mode == SequenceMode.ManyToMany && !config.Layers.OfType<RecurrentLayerConfig>().Any(r => r.Bidirectional);

    private static ModelConfig Model(int? inputSize, int steps, int batchSize, SequenceMode mode, params LayerConfig[] layers) =>
        new(inputSize, steps, batchSize, mode, layers);

    private static Array RandomInput(ModelConfig config, Random random) => config.UsesEmbedding
        ? Enumerable.Range(0, config.InputLength).Select(_ => random.Next(((EmbeddingLayerConfig)config.Layers[0]).VocabularySize)).ToArray()
        : Enumerable.Range(0, config.InputLength).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

    /// <summary>The first element [b, t, y] where the two batch-first [B, T, Y] outputs differ, or null.</summary>
    private static string? FirstDifference(ModelConfig config, float[] stepped, float[] predicted)
    {
        if (stepped.Length != predicted.Length)
        {
            return $"{stepped.Length} outputs, Predict {predicted.Length}";
        }

        for (int i = 0; i < predicted.Length; i++)
        {
            if (!(Math.Abs(stepped[i] - predicted[i]) <= StepTolerance * Math.Max(1, Math.Abs(predicted[i]))))
            {
                int y = config.OutputSize;
                return string.Create(CultureInfo.InvariantCulture,
                    $"element [{i / (config.Steps * y)}, {i / y % config.Steps}, {i % y}]: Step {stepped[i]:R}, Predict {predicted[i]:R}");
            }
        }

        return null;
    }

    /// <summary>
    /// The entry <c>N.M_Steps.Run(seed, input)</c>: a model <c>new M(seed)</c> fed the batch-first input
    /// [B, T, W] step by step three times (ResetState after the first pass, not after the second),
    /// returning each pass's outputs batch-first [B, T, Y].
    /// </summary>
    private static string StepEntry(string className, bool tokenInput) => """
        namespace $NS$;

        public static class $M$_Steps
        {
            public static float[][] Run(int seed, $INPUT$[] input)
            {
                var m = new $M$(seed);
                const int B = $M$.BatchSize, T = $M$.Steps, Y = $M$.OutputSize;
                int w = input.Length / (B * T);
                var x = new $INPUT$[B * w];
                var y = new float[B * Y];
                var passes = new float[3][];
                for (int pass = 0; pass < passes.Length; pass++)
                {
                    var output = new float[B * T * Y];
                    for (int t = 0; t < T; t++)
                    {
                        for (int b = 0; b < B; b++)
                        {
                            global::System.Array.Copy(input, (b * T + t) * w, x, b * w, w);
                        }

                        m.Step(x, y);
                        for (int b = 0; b < B; b++)
                        {
                            global::System.Array.Copy(y, b * Y, output, (b * T + t) * Y, Y);
                        }
                    }

                    passes[pass] = output;
                    if (pass == 0)
                    {
                        m.ResetState();
                    }
                }

                return passes;
            }
        }
        """
        .Replace("$NS$", StepNamespace, StringComparison.Ordinal)
        .Replace("$M$", className, StringComparison.Ordinal)
        .Replace("$INPUT$", tokenInput ? "int" : "float", StringComparison.Ordinal);

    private static void AssertDistinct(IEnumerable<string> values, string what)
    {
        var repeated = values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"Several homes share a {what}: {string.Join(", ", repeated)}");
    }

    private void AssertNoFailures(IReadOnlyCollection<string> failures)
    {
        foreach (var failure in failures)
        {
            output.WriteLine(failure);
        }

        Assert.True(failures.Count == 0, failures.Count.ToString(CultureInfo.InvariantCulture) + " failure(s):\n\n" + string.Join("\n\n", failures.Take(10)));
    }
}
