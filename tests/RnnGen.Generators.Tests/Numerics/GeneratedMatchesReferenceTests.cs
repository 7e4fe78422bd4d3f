using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using RnnGen.Generators.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Generators.Tests.Numerics;

/// <summary>
/// Property-style sweep: random model declarations, compiled by the generator, must compute
/// what the independent double-precision <see cref="ReferenceModel"/> computes, element by
/// element within 1e-5 · max(1, |ref|), and expose exactly the PyTorch tensors the reference
/// expects. Compiled in batches of <see cref="ModelsPerBatch"/> models per compilation.
/// </summary>
public sealed class GeneratedMatchesReferenceTests
{
    /// <summary>The sweep's seed: change it to draw another sweep.</summary>
    public const int SweepSeed = 20250;

    /// <summary>Models per compilation.</summary>
    public const int ModelsPerBatch = 50;

    /// <summary>Compilations; <see cref="ModelsPerBatch"/> × this many models in all.</summary>
    public const int Batches = 4;

    private readonly ITestOutputHelper output;

    public GeneratedMatchesReferenceTests(ITestOutputHelper output) => this.output = output;

    /// <summary>
    /// The sweep's models: a third get fresh U(-a, a) weights (a = <see cref="GeneratedModelChecker.ReplacementAmplitude"/>),
    /// alternately by name and as one block.
    /// </summary>
    public static IReadOnlyList<SweepModel> SweepModels(int batch) =>
        Enumerable.Range(batch * ModelsPerBatch, ModelsPerBatch)
            .Select(i => new SweepModel(
                "M" + i.ToString(CultureInfo.InvariantCulture),
                RandomModelConfigs.Create(SweepSeed, i),
                1000 + i,
                (i % 3) switch { 2 => (i / 3) % 2 == 0 ? WeightSource.ByName : WeightSource.Buffer, _ => WeightSource.Init }))
            .ToList();

    [Fact]
    public void SmallLstmMatches()
    {
        var config = new ModelConfig(5, 6, 2, SequenceMode.ManyToOne, new LayerConfig[]
        {
            new RecurrentLayerConfig("lstm", CellKind.Lstm, 7, Layers: 2, Bidirectional: true),
            new DenseLayerConfig("fc", 4, Activation.Softmax),
        });
        Verify(GeneratedModelChecker.Check(new[] { new SweepModel("M17", config, 17, WeightSource.Init) }));
    }

    [Fact]
    public void EveryCellAndHeadOnceMatches()
    {
        var models = new List<SweepModel>();
        int n = 0;
        foreach (var (cell, act, variant) in new[]
        {
            (CellKind.SimpleRnn, Activation.Tanh, GruVariant.ResetAfter), (CellKind.SimpleRnn, Activation.Relu, GruVariant.ResetAfter),
            (CellKind.Gru, Activation.Tanh, GruVariant.ResetAfter), (CellKind.Gru, Activation.Tanh, GruVariant.ResetBefore),
            (CellKind.Lstm, Activation.Tanh, GruVariant.ResetAfter),
        })
        {
            foreach (var mode in new[] { SequenceMode.ManyToMany, SequenceMode.ManyToOne })
            {
                var layers = new List<LayerConfig> { new RecurrentLayerConfig("r", cell, 3, Activation: act, Variant: variant) };
                var head = (Activation)(n % 5);
                layers.Add(new DenseLayerConfig("fc", 2, head));
                models.Add(new SweepModel("E" + n.ToString(CultureInfo.InvariantCulture), new ModelConfig(2, 3, 2, mode, layers), 500 + n, WeightSource.ByName));
                n++;
            }
        }

        Verify(GeneratedModelChecker.Check(models));
    }

    [Fact]
    public void CheckerNoticesAWrongFormula()
    {
        // Each pair differs in one rule the sweep must be able to see.
        var pairs = new (LayerConfig Declared, LayerConfig Assumed, SequenceMode Mode)[]
        {
            (new RecurrentLayerConfig("r", CellKind.Gru, 4), new RecurrentLayerConfig("r", CellKind.Gru, 4, Variant: GruVariant.ResetBefore), SequenceMode.ManyToMany),
            (new RecurrentLayerConfig("r", CellKind.SimpleRnn, 4), new RecurrentLayerConfig("r", CellKind.SimpleRnn, 4, Activation: Activation.Relu), SequenceMode.ManyToMany),
            (new DenseLayerConfig("fc", 3, Activation.Softmax), new DenseLayerConfig("fc", 3, Activation.Sigmoid), SequenceMode.ManyToOne),
        };
        var models = pairs.Select((p, i) =>
        {
            var declared = new List<LayerConfig> { new RecurrentLayerConfig("base", CellKind.Lstm, 3, Bidirectional: true), p.Declared };
            var assumed = new List<LayerConfig> { declared[0], p.Assumed };
            return new SweepModel("W" + i.ToString(CultureInfo.InvariantCulture), new ModelConfig(2, 4, 2, p.Mode, declared), 900 + i, WeightSource.ByName)
            {
                ReferenceConfig = new ModelConfig(2, 4, 2, p.Mode, assumed),
            };
        }).ToList();

        var report = GeneratedModelChecker.Check(models);
        foreach (var model in models)
        {
            Assert.Contains(report.Failures, f => f.StartsWith("Sweep." + model.ClassName + " ", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SweepBatchMatchesReference(int batch)
    {
        Assert.InRange(batch, 0, Batches - 1);
        Verify(GeneratedModelChecker.Check(SweepModels(batch)));
    }

    /// <summary>
    /// OneToMany models (every cell first, heads softmax / identity / sigmoid / tanh / none, token
    /// inputs with a softmax head): the generated greedy generation against the reference's, which
    /// reruns the layers as a ManyToMany model over every prefix of fed-back outputs.
    /// </summary>
    [Fact]
    public void OneToManySweepMatchesReference()
    {
        var models = Enumerable.Range(0, 40)
            .Select(i => new SweepModel("O" + i.ToString(CultureInfo.InvariantCulture), RandomModelConfigs.CreateOneToMany(SweepSeed, i), 4000 + i,
                i % 2 == 0 ? WeightSource.Init : WeightSource.ByName))
            .ToList();
        Verify(GeneratedModelChecker.Check(models));
    }

    private void Verify(SweepReport report)
    {
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{report.Models} models, {report.Elements} elements; compile {report.CompileTime.TotalSeconds:F1} s, run {report.RunTime.TotalSeconds:F1} s; largest relative error {report.LargestRelativeError:G3} at {report.LargestAt}; float32 rounding alone (diagnostic) up to {report.LargestRounding:G3} at {report.LargestRoundingAt}, beyond 1e-5 in {report.Notes.Count} model(s); largest by weights: {string.Join(", ", report.LargestByWeights.OrderBy(p => p.Key).Select(p => p.Key + " " + p.Value.ToString("G3", CultureInfo.InvariantCulture)))}"));
        foreach (var note in report.Notes)
        {
            output.WriteLine(note);
        }

        foreach (var failure in report.Failures)
        {
            output.WriteLine(failure);
        }

        Assert.True(
            report.Failures.Count == 0,
            report.Failures.Count.ToString(CultureInfo.InvariantCulture) + " failure(s):\n\n" + string.Join("\n\n", report.Failures.Take(15)));
    }
}
