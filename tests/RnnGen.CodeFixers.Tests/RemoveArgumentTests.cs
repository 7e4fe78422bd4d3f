using System.Threading.Tasks;
using RnnGen.CodeFixers.Tests.Harness;
using Xunit;

namespace RnnGen.CodeFixers.Tests;

/// <summary>RNN0005, RNN0017 and RNN0039: an argument that must not be there is removed.</summary>
public sealed class RemoveArgumentTests
{
    private static readonly RemoveArgumentCodeFixProvider Provider = new();

    [Fact]
    public Task RNN0005_RemovesInputSize_AsTheFirstArgument() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 64, Steps = 100)]
        [Embedding(5000, 64, Name = "emb")]
        [Lstm(128, Name = "lstm")]
        [Dense(5000, Name = "fc", Activation = Activation.Softmax)]
        public partial class WordModel { }
        """,
        "RNN0005",
        "Remove 'InputSize' (the embedding sets the width)",
        """
        using RnnGen;

        [RnnModel(Steps = 100)]
        [Embedding(5000, 64, Name = "emb")]
        [Lstm(128, Name = "lstm")]
        [Dense(5000, Name = "fc", Activation = Activation.Softmax)]
        public partial class WordModel { }
        """);

    [Fact]
    public Task RNN0005_RemovesInputSize_BetweenOtherArguments() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [RnnModel(Steps = 3, InputSize = 16, BatchSize = 2)]
        [Embedding(100, 16)]
        [Lstm(8)]
        public partial class Model { }
        """,
        "RNN0005",
        "Remove 'InputSize' (the embedding sets the width)",
        """
        using RnnGen;

        [RnnModel(Steps = 3, BatchSize = 2)]
        [Embedding(100, 16)]
        [Lstm(8)]
        public partial class Model { }
        """);

    [Fact]
    public Task RNN0017_RemovesOutputSteps_AsTheLastArgument() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 50, OutputSteps = 10)]
        [Lstm(64)]
        [Dense(8)]
        public partial class Forecaster { }
        """,
        "RNN0017",
        "Remove 'OutputSteps' (only for EncoderDecoder models)",
        """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 50)]
        [Lstm(64)]
        [Dense(8)]
        public partial class Forecaster { }
        """);

    [Fact]
    public Task RNN0017_RemovesDecoder_FromALayer() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8, Name = "encoder")]
        [Lstm(8, Name = "decoder", Decoder = true)]
        public partial class Model { }
        """,
        "RNN0017",
        "Remove 'Decoder' (only for EncoderDecoder models)",
        """
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8, Name = "encoder")]
        [Lstm(8, Name = "decoder")]
        public partial class Model { }
        """);

    [Fact]
    public Task RNN0017_FixAll_InDocument_RemovesEveryEncoderDecoderOption() => FixVerifier.VerifyFixAllAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3, OutputSteps = 2)]
        [Lstm(8, Name = "encoder", Decoder = true)]
        [Gru(8, Decoder = true, Name = "decoder")]
        public partial class Model { }
        """,
        "RNN0017",
        3,
        RemoveArgumentCodeFixProvider.RemoveEncoderDecoderOptionKey,
        """
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8, Name = "encoder")]
        [Gru(8, Name = "decoder")]
        public partial class Model { }
        """);

    [Fact]
    public async Task RNN0005_And_RNN0017_InOneAttribute_CanBothBeFixed()
    {
        var document = FixHarness.CreateDocument("""
            using RnnGen;

            [RnnModel(InputSize = 16, Steps = 3, OutputSteps = 2)]
            [Embedding(100, 16)]
            [Lstm(8)]
            public partial class Model { }
            """);
        var diagnostics = await FixHarness.RnnDiagnosticsAsync(document);
        Assert.Equal(new[] { "RNN0005", "RNN0017" }, System.Linq.Enumerable.Select(diagnostics, d => d.Id));
        var first = Assert.Single(await FixHarness.ActionsAsync(document, Provider, diagnostics[0]));
        document = await FixHarness.ApplyAsync(document, first);
        var remaining = Assert.Single(await FixHarness.RnnDiagnosticsAsync(document));
        var second = Assert.Single(await FixHarness.ActionsAsync(document, Provider, remaining));
        document = await FixHarness.ApplyAsync(document, second);
        Assert.Equal(FixHarness.Normalize("""
            using RnnGen;

            [RnnModel(Steps = 3)]
            [Embedding(100, 16)]
            [Lstm(8)]
            public partial class Model { }
            """), await FixHarness.TextAsync(document));
        await FixHarness.AssertCleanAsync(document);
    }

    [Fact]
    public Task RNN0039_RemovesTheSecondDecoderMark() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3, Mode = SequenceMode.EncoderDecoder, OutputSteps = 2)]
        [Gru(8, Name = "encoder")]
        [Gru(8, Name = "decoder", Decoder = true)]
        [Gru(8, Name = "refine", Decoder = true)]
        [Dense(4)]
        public partial class Translator { }
        """,
        "RNN0039",
        "Remove 'Decoder' (an earlier layer starts the decoder)",
        """
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3, Mode = SequenceMode.EncoderDecoder, OutputSteps = 2)]
        [Gru(8, Name = "encoder")]
        [Gru(8, Name = "decoder", Decoder = true)]
        [Gru(8, Name = "refine")]
        [Dense(4)]
        public partial class Translator { }
        """);

    [Fact]
    public Task RNN0039_FixAll_InDocument_KeepsOnlyTheFirstMark() => FixVerifier.VerifyFixAllAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3, Mode = SequenceMode.EncoderDecoder, OutputSteps = 2)]
        [Lstm(8, Name = "encoder")]
        [Lstm(8, Decoder = true, Name = "decoder")]
        [Lstm(8, Decoder = true, Name = "second")]
        [Lstm(8, Name = "third", Decoder = true)]
        [Dense(4)]
        public partial class Translator { }
        """,
        "RNN0039",
        2,
        RemoveArgumentCodeFixProvider.RemoveSecondDecoderKey,
        """
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3, Mode = SequenceMode.EncoderDecoder, OutputSteps = 2)]
        [Lstm(8, Name = "encoder")]
        [Lstm(8, Decoder = true, Name = "decoder")]
        [Lstm(8, Name = "second")]
        [Lstm(8, Name = "third")]
        [Dense(4)]
        public partial class Translator { }
        """);

    [Fact]
    public async Task NoFix_InAnEncoderDecoderModel_WhereTheOptionsBelong()
    {
        // OutputSteps and Decoder are right there: the model is clean, nothing claims them and
        // nothing offers to remove them.
        var source = """
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, Mode = SequenceMode.EncoderDecoder, OutputSteps = 2)]
            [Lstm(8, Name = "encoder")]
            [Lstm(8, Name = "decoder", Decoder = true)]
            public partial class Model { }
            """;
        var document = FixHarness.CreateDocument(source);
        Assert.Empty(await FixHarness.RnnDiagnosticsAsync(document));
        await FixHarness.AssertCleanAsync(document);
    }
}
