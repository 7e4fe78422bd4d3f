using System.Globalization;
using RnnGen.Generators.Tests.Diagnostics.Harness;
using Xunit;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>
/// Diagnostics about layer attributes: RNN0006 (layer sizes), RNN0007 to RNN0013, RNN0016,
/// RNN0017 (Decoder), RNN0021 and RNN0023. A wrong argument is reported on that argument, a
/// misplaced layer on its whole attribute.
/// </summary>
public sealed class LayerDiagnosticsTests
{
    // RNN0006 on layers: sizes out of range

    [Theory]
    [InlineData("[Lstm([|0|])]", "'hiddenSize' of 'layer0' is 0; it must be between 1 and 65536")]
    [InlineData("[Gru([|-3|], Name = \"gru\")]", "'hiddenSize' of 'gru' is -3; it must be between 1 and 65536")]
    [InlineData("[SimpleRnn([|65537|])]", "'hiddenSize' of 'layer0' is 65537; it must be between 1 and 65536")]
    [InlineData("[Lstm(8)] [Dense([|0|], Name = \"fc\")]", "'size' of 'fc' is 0; it must be between 1 and 65536")]
    public void RNN0006_Reported_OnTheSizeArgument(string layers, string message)
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            {{layers}}
            public partial class Model { }
            """,
            "RNN0006",
            message);
    }

    [Theory]
    [InlineData("[Embedding([|0|], 16)]", "'vocabularySize' of 'layer0' is 0; it must be between 1 and 65536")]
    [InlineData("[Embedding(100, [|0|])]", "'dimension' of 'layer0' is 0; it must be between 1 and 65536")]
    [InlineData("[Embedding(100, [|65537|])]", "'dimension' of 'layer0' is 65537; it must be between 1 and 65536")]
    public void RNN0006_Reported_OnTheEmbeddingArgument(string embedding, string message)
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(Steps = 3)]
            {{embedding}}
            [Gru(4)]
            public partial class Model { }
            """,
            "RNN0006",
            message);
    }

    [Theory]
    [InlineData("[Lstm(1)]")]
    [InlineData("[Gru(1)] [Dense(65536)]")]
    [InlineData("[SimpleRnn(1)] [Dense(1)]")]
    public void RNN0006_NotReported_ForLayerSizesAtTheLimits(string layers)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0006", $$"""
            using RnnGen;

            [RnnModel(InputSize = 2, Steps = 2)]
            {{layers}}
            public partial class Model { }
            """);
    }

    [Fact]
    public void RNN0006_NotReported_ForAnEmbeddingAtTheLimits()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0006", """
            using RnnGen;

            [RnnModel(Steps = 2)]
            [Embedding(65536, 1)]
            [Gru(1)]
            public partial class Model { }
            """);
    }

    // RNN0007: Layers out of range

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65)]
    public void RNN0007_Reported_OnLayers(int layers)
    {
        string value = layers.ToString(CultureInfo.InvariantCulture);
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Gru(8, Name = "gru", [|Layers = {{value}}|])]
            public partial class Model { }
            """,
            "RNN0007",
            $"'Layers' of 'gru' is {value}; it must be between 1 and 64");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void RNN0007_NotReported_ForOneToSixtyFourLayers(int layers)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0007", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [SimpleRnn(4, Layers = {{layers.ToString(CultureInfo.InvariantCulture)}})]
            public partial class Model { }
            """);
    }

    // RNN0008: Dropout outside [0, 1)

    [Theory]
    [InlineData("1", "1")]
    [InlineData("1.5f", "1.5")]
    [InlineData("-0.25f", "-0.25")]
    [InlineData("float.NaN", "NaN")]
    public void RNN0008_Reported_OnDropout(string dropout, string shown)
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Layers = 2, [|Dropout = {{dropout}}|])]
            public partial class Model { }
            """,
            "RNN0008",
            $"'Dropout' of 'layer0' is {shown}; it must be at least 0 and less than 1");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.5f")]
    [InlineData("0.99f")]
    public void RNN0008_NotReported_ForDropoutInTheRange(string dropout)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0008", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Layers = 2, Dropout = {{dropout}})]
            public partial class Model { }
            """);
    }

    // RNN0009: unknown layer in From

    [Fact]
    public void RNN0009_Reported_OnFrom_WithASuggestionForATypo()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Name = "lstm")]
            [Dense(4, [|From = "lstmm"|])]
            public partial class Model { }
            """,
            "RNN0009",
            "'From' of 'layer1' names 'lstmm', which is not an earlier layer of this model; did you mean 'lstm'?");
    }

    [Fact]
    public void RNN0009_Reported_OnFrom_WhenItNamesALaterLayer()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Name = "first", [|From = "second"|])]
            [Lstm(8, Name = "second")]
            public partial class Model { }
            """,
            "RNN0009",
            "'From' of 'first' names 'second', which is not an earlier layer of this model; a layer can only read a layer declared before it");
    }

    [Fact]
    public void RNN0009_Reported_OnFrom_WithoutSuggestionWhenNothingIsClose()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Name = "lstm")]
            [Dense(4, Name = "head", [|From = "decoder"|])]
            public partial class Model { }
            """,
            "RNN0009",
            "'From' of 'head' names 'decoder', which is not an earlier layer of this model");
    }

    [Fact]
    public void RNN0009_Reported_OnFrom_OfAnEmbedding()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(Steps = 3)]
            [Embedding(100, 16, Name = "emb", [|From = "tokens"|])]
            [Lstm(8)]
            public partial class Model { }
            """,
            "RNN0009",
            "'From' of 'emb' names 'tokens', which is not an earlier layer of this model; an [Embedding] reads the model's token ids: remove 'From'");
    }

    [Theory]
    [InlineData("""
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8, Name = "lstm")]
        [{|RNN0021:Gru(8, Name = "gru")|}]
        [Dense(4, From = "lstm")]
        public partial class Model { }
        """)]
    [InlineData("""
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8)]
        [Dense(4, From = "layer0")]
        public partial class Model { }
        """)]
    public void RNN0009_NotReported_WhenFromNamesAnEarlierLayer(string markup)
    {
        // Reading past a layer leaves that layer unread: the first source also earns RNN0021 (marked).
        DiagnosticVerifier.VerifyNotReported("RNN0009", markup);
    }

    // RNN0010: duplicate layer name

    [Fact]
    public void RNN0010_Reported_OnTheSecondName()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Name = "rnn")]
            [Gru(8, [|Name = "rnn"|])]
            public partial class Model { }
            """,
            "RNN0010",
            "Two layers are named 'rnn'; layer names must be unique (they prefix the tensor names)");
    }

    [Fact]
    public void RNN0010_Reported_OnTheAttribute_WhenADefaultNameIsTaken()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Name = "layer1")]
            [[|Dense(4)|]]
            public partial class Model { }
            """,
            "RNN0010",
            "Two layers are named 'layer1'; layer names must be unique (they prefix the tensor names)");
    }

    [Fact]
    public void RNN0010_NotReported_ForDistinctNames()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0010", """
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Name = "rnn")]
            [Gru(8, Name = "rnn2")]
            [Dense(4, Name = "layer0")]
            public partial class Model { }
            """);
    }

    // RNN0011: embedding not first

    [Fact]
    public void RNN0011_Reported_OnTheEmbeddingAttribute()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            [[|Embedding(100, 16, Name = "emb")|]]
            public partial class Model { }
            """,
            "RNN0011",
            "[Embedding] 'emb' must be the first layer: it turns the model's token ids into vectors");
    }

    [Fact]
    public void RNN0011_NotReported_ForAnEmbeddingFirst()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0011", """
            using RnnGen;

            [RnnModel(Steps = 3)]
            [Embedding(100, 16, Name = "emb")]
            [Lstm(8)]
            public partial class Model { }
            """);
    }

    // RNN0012: no recurrent layer

    [Theory]
    [InlineData("[Dense(4)]")]
    [InlineData("")]
    public void RNN0012_Reported_OnRnnModel(string layers)
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [[|RnnModel(InputSize = 4, Steps = 3)|]]
            {{layers}}
            public partial class Model { }
            """,
            "RNN0012",
            "The model 'Model' has no recurrent layer: add [Lstm], [Gru] or [SimpleRnn]");
    }

    [Fact]
    public void RNN0012_Reported_ForAnEmbeddingWithoutRecurrentLayer()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [[|RnnModel(Steps = 3)|]]
            [Embedding(100, 16)]
            [Dense(4)]
            public partial class Model { }
            """,
            "RNN0012");
    }

    [Theory]
    [InlineData("[SimpleRnn(4)]")]
    [InlineData("[Dense(4)] [Gru(4)]")]
    public void RNN0012_NotReported_WithOneRecurrentLayer(string layers)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0012", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            {{layers}}
            public partial class Model { }
            """);
    }

    // RNN0013: unsupported activation

    [Theory]
    [InlineData("[SimpleRnn(8, [|Activation = Activation.Sigmoid|])]", "[SimpleRnn] does not support activation 'Sigmoid'; use Activation.Tanh or Activation.Relu")]
    [InlineData("[SimpleRnn(8, [|Activation = Activation.Identity|])]", "[SimpleRnn] does not support activation 'Identity'; use Activation.Tanh or Activation.Relu")]
    [InlineData("[SimpleRnn(8, [|Activation = Activation.Softmax|])]", "[SimpleRnn] does not support activation 'Softmax'; use Activation.Tanh or Activation.Relu")]
    [InlineData("[Lstm(8)] [Dense(4, [|Activation = (Activation)9|])]", "[Dense] does not support activation '9'; use Identity, Tanh, Relu, Sigmoid or Softmax")]
    public void RNN0013_Reported_OnActivation(string layers, string message)
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            {{layers}}
            public partial class Model { }
            """,
            "RNN0013",
            message);
    }

    [Theory]
    [InlineData("[SimpleRnn(8, Activation = Activation.Tanh)]")]
    [InlineData("[SimpleRnn(8, Activation = Activation.Relu)]")]
    [InlineData("[SimpleRnn(8)] [Dense(4, Activation = Activation.Identity)]")]
    [InlineData("[SimpleRnn(8)] [Dense(4, Activation = Activation.Tanh)]")]
    [InlineData("[SimpleRnn(8)] [Dense(4, Activation = Activation.Relu)]")]
    [InlineData("[SimpleRnn(8)] [Dense(4, Activation = Activation.Sigmoid)]")]
    [InlineData("[SimpleRnn(8)] [Dense(4, Activation = Activation.Softmax)]")]
    public void RNN0013_NotReported_ForSupportedActivations(string layers)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0013", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            {{layers}}
            public partial class Model { }
            """);
    }

    // RNN0016: invalid layer name

    [Theory]
    [InlineData("a b")]
    [InlineData("")]
    [InlineData("it's")]
    [InlineData("tab\\there")]
    public void RNN0016_Reported_OnName(string name)
    {
        string shown = name.Replace("\\t", "\t", System.StringComparison.Ordinal);
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, [|Name = "{{name}}"|])]
            public partial class Model { }
            """,
            "RNN0016",
            $"Layer name '{shown}' is not valid: use a non-empty name of at most 128 characters without spaces, quotes or backslashes (it prefixes tensor names such as 'name.weight')");
    }

    [Fact]
    public void RNN0016_Reported_ForANameLongerThan128Characters()
    {
        string name = new('n', 129);
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, [|Name = "{{name}}"|])]
            public partial class Model { }
            """,
            "RNN0016");
    }

    [Theory]
    [InlineData("lstm_1")]
    [InlineData("encoder.rnn")]
    [InlineData("x")]
    [InlineData("Überschrift-2")]
    public void RNN0016_NotReported_ForOrdinaryNames(string name)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0016", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Name = "{{name}}")]
            public partial class Model { }
            """);
    }

    [Fact]
    public void RNN0016_NotReported_ForA128CharacterName()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0016", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Name = "{{new string('n', 128)}}")]
            public partial class Model { }
            """);
    }

    // RNN0017 on layers: Decoder outside EncoderDecoder

    [Fact]
    public void RNN0017_Reported_OnDecoder_InAManyToOneModel()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, Mode = SequenceMode.ManyToOne)]
            [Lstm(8, Name = "encoder")]
            [Lstm(8, Name = "decoder", [|Decoder = true|])]
            public partial class Model { }
            """,
            "RNN0017",
            "'Decoder' is only meaningful in an EncoderDecoder model");
    }

    [Fact]
    public void RNN0017_NotReported_ForDecoderFalse()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0017", """
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Decoder = false)]
            public partial class Model { }
            """);
    }

    // RNN0021: a layer's output is never read (warning: the model is still generated)

    [Fact]
    public void RNN0021_Reported_OnTheUnreadLayer()
    {
        var run = DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Name = "a")]
            [[|Lstm(8, Name = "b")|]]
            [Dense(2, From = "a")]
            public partial class Model { }
            """,
            "RNN0021",
            "The output of 'b' is never read: no layer names it in 'From' and it is not the last layer");
        Assert.All(run.RnnDiagnostics, d => Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, d.Severity));
        DiagnosticVerifier.AssertGeneratedAndCompiles(run);
    }

    [Fact]
    public void RNN0021_NotReported_WhenEveryLayerIsReadThroughExplicitFrom()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0021", """
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Name = "a")]
            [Dense(3, Name = "side", From = "a")]
            [Gru(8, Name = "b", From = "side")]
            [Dense(2, From = "b")]
            public partial class Model { }
            """);
    }

    // RNN0023: ManyToOne output is a sequence

    [Fact]
    public void RNN0023_Reported_OnTheLastLayer()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, Mode = SequenceMode.ManyToOne)]
            [Lstm(8, Name = "a")]
            [{|RNN0021:Lstm(8, Name = "b")|}]
            [[|Dense(4, Name = "head", From = "a")|]]
            public partial class Model { }
            """,
            "RNN0023",
            "The last layer 'head' outputs a sequence, but a ManyToOne model outputs one vector per sequence: let it read the last recurrent layer (or a layer after it)");
    }

    [Theory]
    [InlineData("[Lstm(8, Name = \"a\")] [Lstm(8, Name = \"b\")] [Dense(4, Name = \"head\", From = \"b\")]")]
    [InlineData("[Lstm(8, Name = \"a\")] [Lstm(8, Name = \"b\")]")]
    [InlineData("[Gru(8, Bidirectional = true, Layers = 2)] [Dense(8, Activation = Activation.Relu)] [Dense(1, Activation = Activation.Sigmoid)]")]
    public void RNN0023_NotReported_WhenTheHeadReadsTheFinalState(string layers)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0023", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, Mode = SequenceMode.ManyToOne)]
            {{layers}}
            public partial class Model { }
            """);
    }
}
