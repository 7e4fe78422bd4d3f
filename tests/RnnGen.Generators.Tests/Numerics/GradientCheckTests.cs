using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using RnnGen.Generators.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Generators.Tests.Numerics;

/// <summary>
/// The generated <c>ComputeGradients</c> (loss and full back-propagation through time) against
/// central differences of the independent double-precision <see cref="ReferenceModel"/> loss, on
/// a seeded sweep of small random models covering every cell, stack depth, direction, mode, head,
/// loss and input kind (see <see cref="GradientSweepConfigs"/>). Every element of every parameter
/// gradient, and of the input gradient of float-input models, must satisfy
/// |gen − fd| ≤ 1e-4 · max(1, |fd|) + 1e-6; the loss must match the reference to 1e-5 · max(1, |ref|).
/// </summary>
public sealed class GradientCheckTests
{
    /// <summary>The sweep's seed: change it to draw another sweep.</summary>
    public const int SweepSeed = 7411;

    /// <summary>Models per compilation.</summary>
    public const int ModelsPerBatch = 40;

    /// <summary>Compilations; <see cref="ModelsPerBatch"/> × this many models in all.</summary>
    public const int Batches = 3;

    private readonly ITestOutputHelper output;

    public GradientCheckTests(ITestOutputHelper output) => this.output = output;

    /// <summary>The models of one batch.</summary>
    public static IReadOnlyList<GradientModel> SweepModels(int batch) =>
        Enumerable.Range(batch * ModelsPerBatch, ModelsPerBatch)
            .Select(i => new GradientModel("G" + i.ToString(CultureInfo.InvariantCulture), GradientSweepConfigs.Create(SweepSeed, i), 3000 + i))
            .ToList();

    [Fact]
    public void SweepCoversEveryCellModeHeadAndInput()
    {
        var configs = Enumerable.Range(0, ModelsPerBatch * Batches).Select(i => (Index: i, Config: GradientSweepConfigs.Create(SweepSeed, i))).ToList();
        Assert.True(configs.Count >= 120);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (index, config) in configs)
        {
            var first = (RecurrentLayerConfig)config.Layers.First(l => l is RecurrentLayerConfig);
            string cell = GradientSweepConfigs.CellName(first);
            seen.Add(string.Create(CultureInfo.InvariantCulture, $"{cell} layers {first.Layers} bidirectional {first.Bidirectional} {config.Mode}"));
            seen.Add(cell + " head " + GradientSweepConfigs.HeadOf(index));
            seen.Add(cell + " loss " + config.EffectiveLoss);
            seen.Add(cell + (config.UsesEmbedding ? " embedding" : " features"));
            seen.Add(cell + " batch " + config.BatchSize.ToString(CultureInfo.InvariantCulture));
            seen.Add(cell + " stack " + config.Layers.Count(l => l is RecurrentLayerConfig).ToString(CultureInfo.InvariantCulture));
            seen.Add("head " + GradientSweepConfigs.HeadOf(index) + " " + config.Mode + (config.UsesEmbedding ? " embedding" : " features"));
            if (config.Loss != LossKind.Auto)
            {
                seen.Add("explicit " + config.Loss + " " + config.HeadActivation);
            }

            if (config.Layers.Any(l => l is DenseLayerConfig { Name: "mid" }))
            {
                seen.Add("dense between");
            }

            foreach (var r in config.Layers.OfType<RecurrentLayerConfig>())
            {
                seen.Add("recurrent " + GradientSweepConfigs.CellName(r));
            }
        }

        var missing = new List<string>();
        foreach (var c in GradientSweepConfigs.Cells.Select(c => GradientSweepConfigs.CellName(new RecurrentLayerConfig("r", c.Cell, 1, Activation: c.Activation, Variant: c.Variant))))
        {
            foreach (int layers in new[] { 1, 2 })
            {
                foreach (bool bidirectional in new[] { false, true })
                {
                    foreach (var mode in new[] { SequenceMode.ManyToMany, SequenceMode.ManyToOne })
                    {
                        missing.Add(string.Create(CultureInfo.InvariantCulture, $"{c} layers {layers} bidirectional {bidirectional} {mode}"));
                    }
                }
            }

            missing.AddRange(Enum.GetValues<SweepHead>().Select(h => c + " head " + h));
            missing.AddRange(new[] { LossKind.CrossEntropy, LossKind.BinaryCrossEntropy, LossKind.MeanSquaredError }.Select(l => c + " loss " + l));
            missing.AddRange(new[] { " embedding", " features", " batch 1", " batch 2", " batch 3", " stack 1", " stack 2" }.Select(s => c + s));
        }

        foreach (var head in Enum.GetValues<SweepHead>())
        {
            foreach (var mode in new[] { SequenceMode.ManyToMany, SequenceMode.ManyToOne })
            {
                missing.Add("head " + head + " " + mode + " features");
            }
        }

        missing.AddRange(new[]
        {
            "explicit MeanSquaredError Softmax", "explicit MeanSquaredError Sigmoid", "explicit CrossEntropy Softmax", "explicit BinaryCrossEntropy Sigmoid",
            "dense between", "recurrent rnn-tanh", "recurrent rnn-relu", "recurrent gru-after", "recurrent gru-before", "recurrent lstm",
        });
        missing.RemoveAll(seen.Contains);
        Assert.True(missing.Count == 0, "The sweep never draws: " + string.Join("; ", missing));
    }

    [Fact]
    public void SmallModelsOfEveryLossMatch()
    {
        var models = new[]
        {
            new ModelConfig(3, 4, 2, SequenceMode.ManyToMany, new LayerConfig[] { new RecurrentLayerConfig("lstm", CellKind.Lstm, 4), new DenseLayerConfig("fc", 3, Activation.Softmax) }),
            new ModelConfig(3, 4, 2, SequenceMode.ManyToOne, new LayerConfig[] { new RecurrentLayerConfig("gru", CellKind.Gru, 4, Bidirectional: true), new DenseLayerConfig("fc", 2, Activation.Sigmoid) }),
            new ModelConfig(3, 4, 2, SequenceMode.ManyToMany, new LayerConfig[] { new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 4, Layers: 2), new DenseLayerConfig("fc", 2) }),
            new ModelConfig(3, 4, 2, SequenceMode.ManyToMany, new LayerConfig[] { new RecurrentLayerConfig("lstm", CellKind.Lstm, 4), new DenseLayerConfig("fc", 3, Activation.Softmax) }) { Loss = LossKind.MeanSquaredError },
            new ModelConfig(null, 4, 2, SequenceMode.ManyToOne, new LayerConfig[] { new EmbeddingLayerConfig("emb", 5, 3), new RecurrentLayerConfig("gru", CellKind.Gru, 4, Variant: GruVariant.ResetBefore), new DenseLayerConfig("fc", 2, Activation.Sigmoid) }) { Loss = LossKind.MeanSquaredError },
        };
        Verify(GradientChecker.Check(models.Select((c, i) => new GradientModel("S" + i.ToString(CultureInfo.InvariantCulture), c, 77 + i)).ToList()));
    }

    /// <summary>
    /// OneToMany models: the generated teacher-forced gradients (parameters and the one input per
    /// sequence) against central differences of the reference's teacher-forced loss.
    /// </summary>
    [Fact]
    public void OneToManyModelsMatchFiniteDifferences()
    {
        Verify(GradientChecker.Check(Enumerable.Range(0, 20)
            .Select(i => new GradientModel("O" + i.ToString(CultureInfo.InvariantCulture), RandomModelConfigs.CreateOneToMany(SweepSeed + 1, i), 5000 + i))
            .ToList()));
    }

    [Fact]
    public void CheckerNoticesWrongGradients()
    {
        var lstm = new ModelConfig(3, 4, 2, SequenceMode.ManyToMany, new LayerConfig[] { new RecurrentLayerConfig("lstm", CellKind.Lstm, 3), new DenseLayerConfig("fc", 3, Activation.Softmax) });
        var tanh = new ModelConfig(2, 3, 2, SequenceMode.ManyToOne, new LayerConfig[] { new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 3), new DenseLayerConfig("fc", 2, Activation.Tanh) });
        var gru = new ModelConfig(2, 3, 2, SequenceMode.ManyToMany, new LayerConfig[] { new RecurrentLayerConfig("gru", CellKind.Gru, 3) });
        var models = new[]
        {
            // Generated gradients off by 5e-4 in one element: more than the tolerance for any |fd| < 4.
            new GradientModel("T0", lstm, 1) { Tamper = ("fc.weight", 4, 5e-4f) },
            new GradientModel("T1", lstm, 2) { Tamper = ("lstm.weight_hh_l0", 7, -5e-4f) },
            new GradientModel("T2", tanh, 3) { Tamper = ("input", 5, 5e-4f) },
            new GradientModel("T3", tanh, 4) { Tamper = ("rnn.bias_ih_l0", 2, 5e-4f) },

            // A model the reference reads with the other GRU variant.
            new GradientModel("T4", gru, 5) { ReferenceConfig = new ModelConfig(2, 3, 2, SequenceMode.ManyToMany, new LayerConfig[] { new RecurrentLayerConfig("gru", CellKind.Gru, 3, Variant: GruVariant.ResetBefore) }) },
        };

        var report = GradientChecker.Check(models);
        foreach (var (model, expected) in models.Zip(new[] { "fc.weight [1, 1]:", "lstm.weight_hh_l0 [2, 1]:", "input [0, 2, 1]:", "rnn.bias_ih_l0 [2]:", "" }))
        {
            string? failure = report.Failures.FirstOrDefault(f => f.StartsWith(GradientChecker.Namespace + "." + model.ClassName + " ", StringComparison.Ordinal));
            Assert.True(failure is not null, model.ClassName + " was not reported.");
            Assert.Contains(expected, failure, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void SweepBatchMatchesFiniteDifferences(int batch)
    {
        Assert.InRange(batch, 0, Batches - 1);
        Verify(GradientChecker.Check(SweepModels(batch)));
    }

    private void Verify(GradientReport report)
    {
        output.WriteLine(report.Summary());
        foreach (var (kind, at) in report.LargestAtByKind.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine("  largest " + kind + ": " + at);
        }

        foreach (var failure in report.Failures)
        {
            output.WriteLine(failure);
        }

        Assert.True(
            report.Failures.Count == 0,
            report.Failures.Count.ToString(CultureInfo.InvariantCulture) + " failure(s):\n\n" + string.Join("\n\n", report.Failures.Take(10)));
    }
}
