using System;
using System.Linq;
using RnnGen.Generators.Tests.Numerics;
using Xunit;

namespace RnnGen.Generators.Tests.Reference;

/// <summary>Rendering, tensor bookkeeping and parsing of <see cref="ModelConfig"/>.</summary>
public sealed class ModelConfigTests
{
    private static ModelConfig Example() => new(5, 6, 2, SequenceMode.ManyToOne, new LayerConfig[]
    {
        new RecurrentLayerConfig("lstm", CellKind.Lstm, 7, Layers: 2, Bidirectional: true),
        new DenseLayerConfig("fc", 4, Activation.Softmax),
    });

    [Fact]
    public void RendersTheDeclaration()
    {
        const string expected =
            "using RnnGen;\n\n" +
            "namespace Demo;\n\n" +
            "[RnnModel(InputSize = 5, Steps = 6, BatchSize = 2, Mode = SequenceMode.ManyToOne)]\n" +
            "[Lstm(7, Name = \"lstm\", Layers = 2, Bidirectional = true)]\n" +
            "[Dense(4, Name = \"fc\", Activation = Activation.Softmax)]\n" +
            "public partial class M17 { }\n";
        Assert.Equal(expected, Example().ToCSharp("M17", "Demo"));
    }

    [Fact]
    public void RendersEveryOption()
    {
        var config = new ModelConfig(null, 3, 1, SequenceMode.ManyToMany, new LayerConfig[]
        {
            new EmbeddingLayerConfig("emb", 10, 4),
            new RecurrentLayerConfig("r", CellKind.SimpleRnn, 3, Activation: Activation.Relu),
            new RecurrentLayerConfig("g", CellKind.Gru, 2, Variant: GruVariant.ResetBefore, From: "emb"),
            new DenseLayerConfig("fc", 2, From: "g"),
        });
        Assert.Equal(
            "[RnnModel(Steps = 3)]\n" +
            "[Embedding(10, 4, Name = \"emb\")]\n" +
            "[SimpleRnn(3, Name = \"r\", Activation = Activation.Relu)]\n" +
            "[Gru(2, Name = \"g\", Variant = GruVariant.ResetBefore, From = \"emb\")]\n" +
            "[Dense(2, Name = \"fc\", From = \"g\")]\n",
            config.ToAttributeText());
    }

    [Fact]
    public void ListsTensorsWithPyTorchKeysAndShapes()
    {
        var names = Example().ParameterTensors().Select(t => t.ToString()).ToArray();
        Assert.Equal(
            new[]
            {
                "lstm.weight_ih_l0 [28, 5]", "lstm.weight_hh_l0 [28, 7]", "lstm.bias_ih_l0 [28]", "lstm.bias_hh_l0 [28]",
                "lstm.weight_ih_l0_reverse [28, 5]", "lstm.weight_hh_l0_reverse [28, 7]", "lstm.bias_ih_l0_reverse [28]", "lstm.bias_hh_l0_reverse [28]",
                "lstm.weight_ih_l1 [28, 14]", "lstm.weight_hh_l1 [28, 7]", "lstm.bias_ih_l1 [28]", "lstm.bias_hh_l1 [28]",
                "lstm.weight_ih_l1_reverse [28, 14]", "lstm.weight_hh_l1_reverse [28, 7]", "lstm.bias_ih_l1_reverse [28]", "lstm.bias_hh_l1_reverse [28]",
                "fc.weight [4, 14]", "fc.bias [4]",
            },
            names);
        // Per direction: l0 28·5 + 28·7 + 2·28 = 392, l1 28·14 + 28·7 + 2·28 = 644; fc 4·14 + 4 = 60.
        Assert.Equal((2 * 392) + (2 * 644) + 60, Example().ParameterCount);
        Assert.Equal(2 * 4, Example().OutputLength);
        Assert.Equal(2 * 6 * 5, Example().InputLength);
    }

    [Fact]
    public void FromChangesTheInputWidth()
    {
        var config = new ModelConfig(3, 2, 1, SequenceMode.ManyToMany, new LayerConfig[]
        {
            new RecurrentLayerConfig("a", CellKind.Gru, 5, Bidirectional: true),
            new RecurrentLayerConfig("b", CellKind.Lstm, 4),
            new DenseLayerConfig("fc", 2, From: "a"),
        });
        Assert.Contains(config.ParameterTensors(), t => t.ToString() == "fc.weight [2, 10]");
        Assert.Contains(config.ParameterTensors(), t => t.ToString() == "b.weight_ih_l0 [16, 10]");
        Assert.Equal(2, config.OutputSize);
    }

    [Fact]
    public void ParsesFixtureStyleText()
    {
        var config = AttributeTextParser.Parse(
            "[RnnModel(Steps = 7, BatchSize = 2, Mode = SequenceMode.ManyToOne)] [Embedding(9, 4, Name = \"emb\")] " +
            "[Gru(5, Name = \"gru\", Variant = GruVariant.ResetBefore, Bidirectional = true, Layers = 2)] [Dense(1, Name = \"fc\", Activation = Activation.Sigmoid)]");
        Assert.Null(config.InputSize);
        Assert.Equal(7, config.Steps);
        Assert.Equal(2, config.BatchSize);
        Assert.Equal(SequenceMode.ManyToOne, config.Mode);
        Assert.Equal(new EmbeddingLayerConfig("emb", 9, 4), config.Layers[0]);
        Assert.Equal(new RecurrentLayerConfig("gru", CellKind.Gru, 5, 2, true, Activation.Tanh, GruVariant.ResetBefore), config.Layers[1]);
        Assert.Equal(new DenseLayerConfig("fc", 1, Activation.Sigmoid), config.Layers[2]);
    }

    [Fact]
    public void ParsesQualifiedNamesAndDefaultLayerNames()
    {
        var config = AttributeTextParser.Parse(
            "using RnnGen;\n[RnnGen.RnnModelAttribute(InputSize = 3, Steps = 2)]\n[SimpleRnn(4, Activation = RnnGen.Activation.Relu)]\n[Dense(2)]\npublic partial class X { }\n");
        Assert.Equal(3, config.InputSize);
        Assert.Equal(new RecurrentLayerConfig("layer0", CellKind.SimpleRnn, 4, Activation: Activation.Relu), config.Layers[0]);
        Assert.Equal(new DenseLayerConfig("layer1", 2), config.Layers[1]);
    }

    [Fact]
    public void RejectsUnknownAttributes()
    {
        Assert.Throws<FormatException>(() => AttributeTextParser.Parse("[RnnModel(Steps = 1)] [Conv(3)]"));
        Assert.Throws<FormatException>(() => AttributeTextParser.Parse("[Lstm(3)]"));
    }

    [Fact]
    public void RandomConfigsRoundTripThroughTheParser()
    {
        for (int i = 0; i < 300; i++)
        {
            var config = RandomModelConfigs.Create(seed: 20240, index: i);
            string text = config.ToAttributeText();
            var parsed = AttributeTextParser.Parse(text);
            Assert.Equal(text, parsed.ToAttributeText());
            Assert.Equal(config.ToCSharp("M", "N"), AttributeTextParser.Parse(config.ToCSharp("M", "N")).ToCSharp("M", "N"));
        }
    }

    [Fact]
    public void RandomConfigsCoverEveryCellModeAndHead()
    {
        var seen = Enumerable.Range(0, 60)
            .Select(i => RandomModelConfigs.Create(seed: 1, index: i))
            .Select(c =>
            {
                var first = c.Layers.OfType<RecurrentLayerConfig>().First();
                var head = c.Layers[^1] is DenseLayerConfig { Name: "fc" } d ? d.Activation.ToString() : "none";
                return (first.Cell, first.Activation, first.Variant, c.Mode, head);
            })
            .Distinct()
            .Count();
        Assert.Equal(60, seen);
    }

    [Fact]
    public void ValidationRejectsSequenceReadsAfterTheCollapse()
    {
        var config = new ModelConfig(2, 3, 1, SequenceMode.ManyToOne, new LayerConfig[]
        {
            new RecurrentLayerConfig("a", CellKind.Lstm, 2),
            new RecurrentLayerConfig("b", CellKind.Lstm, 2),
            new DenseLayerConfig("fc", 1, From: "a"),
        });
        Assert.Throws<InvalidOperationException>(config.Validate);
    }
}
