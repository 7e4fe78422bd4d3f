using RnnGen.Generators.Tests.Diagnostics.Harness;
using Xunit;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>
/// Diagnostics about models that generate their output step by step (OneToMany, the decoder of an
/// EncoderDecoder model) and about models too large to be what the user meant: RNN0028–RNN0037, RNN0039
/// and RNN0041.
/// </summary>
public sealed class GenerationDiagnosticsTests
{
    private const string OneToMany = "Mode = SequenceMode.OneToMany";
    private const string EncoderDecoder = "Mode = SequenceMode.EncoderDecoder";

    // RNN0028: bidirectional layer where outputs are fed back

    [Fact]
    public void RNN0028_Reported_OnBidirectional_InAOneToManyModel()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 16, Steps = 20, {{OneToMany}})]
            [Lstm(8, Name = "lstm", [|Bidirectional = true|])]
            [Dense(16, Name = "fc", Activation = Activation.Softmax)]
            public partial class Composer { }
            """,
            "RNN0028",
            "'lstm' is bidirectional, but a OneToMany model feeds each output back as the next input: the backward direction would need outputs that do not exist yet; remove 'Bidirectional'");
    }

    [Fact]
    public void RNN0028_Reported_OnBidirectional_InADecoder()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Gru(8, Name = "encoder")]
            [Gru(8, Name = "decoder", Decoder = true, [|Bidirectional = true|])]
            [Dense(4)]
            public partial class Translator { }
            """,
            "RNN0028",
            "'decoder' is bidirectional, but the decoder of an EncoderDecoder model feeds each output back as the next input: the backward direction would need outputs that do not exist yet; remove 'Bidirectional'");
    }

    [Fact]
    public void RNN0028_NotReported_ForABidirectionalEncoder()
    {
        // The encoder reads a whole given sequence: both directions are fine there.
        DiagnosticVerifier.VerifyNotReported("RNN0028", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Gru(8, Name = "encoder", Bidirectional = true)]
            [Gru(16, Name = "decoder", Decoder = true)]
            [Dense(4)]
            public partial class Translator { }
            """);
    }

    // RNN0029: Step on a bidirectional model

    [Fact]
    public void RNN0029_Reported_OnStep_OfABidirectionalModel()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6)]
            [Lstm(8, Name = "lstm", Bidirectional = true)]
            [Dense(2)]
            public partial class Tagger { }

            public static class Streaming
            {
                public static void Run(Tagger tagger, float[] x, float[] y) => tagger.[|Step|](x, y);
            }
            """,
            "RNN0029",
            "'Tagger' has no 'Step': its layer 'lstm' is bidirectional, and the backward direction needs the whole sequence before the first output; call Predict on whole sequences, or make the layer unidirectional to stream",
            "CS1061");
    }

    [Fact]
    public void RNN0029_NotReported_OnStep_OfAUnidirectionalModel()
    {
        // Step exists only once the model is generated: the source alone has CS1061, the output must not.
        var run = DiagnosticVerifier.VerifyNotReported("RNN0029", """
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6)]
            [Lstm(8, Name = "lstm")]
            [Dense(2)]
            public partial class Tagger { }

            public static class Streaming
            {
                public static void Run(Tagger tagger, float[] x, float[] y) => tagger.Step(x, y);
            }
            """,
            "CS1061");
        Assert.DoesNotContain(run.OutputDiagnostics, d => d.Id == "CS1061");
    }

    [Fact]
    public void RNN0029_NotReported_OnAStepMemberOfAnotherType()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0029", """
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6)]
            [Lstm(8, Bidirectional = true)]
            [Dense(2)]
            public partial class Tagger { }

            public sealed class Walker { public int Step(int x) => x + 1; }

            public static class Use
            {
                public static int Run(Walker walker) => walker.Step(1);
            }
            """);
    }

    // RNN0030: OneToMany output width differs from the input width

    [Fact]
    public void RNN0030_Reported_OnTheHeadSize_WhenItDiffersFromInputSize()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 20, {{OneToMany}})]
            [Lstm(8)]
            [Dense([|6|], Name = "fc")]
            public partial class Composer { }
            """,
            "RNN0030",
            "A OneToMany model feeds each output back as the next input, so 'fc' must output 4 features (the model's InputSize); it outputs 6");
    }

    [Fact]
    public void RNN0030_Reported_WhenTheHeadDiffersFromTheVocabulary()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(Steps = 20, {{OneToMany}})]
            [Embedding(10, 4)]
            [Gru(8)]
            [Dense([|9|], Name = "fc", Activation = Activation.Softmax)]
            public partial class Writer { }
            """,
            "RNN0030",
            "A OneToMany model feeds each output back as the next input, so 'fc' must output 10 features (the embedding's vocabulary size: the most likely token is fed back); it outputs 9");
    }

    [Fact]
    public void RNN0030_Reported_OnTheRecurrentSize_WithoutAHead()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 3, Steps = 20, {{OneToMany}})]
            [SimpleRnn([|5|], Name = "rnn")]
            public partial class Oscillator { }
            """,
            "RNN0030");
    }

    [Fact]
    public void RNN0030_NotReported_WhenTheHeadMatchesTheInput()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0030", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 20, {{OneToMany}})]
            [Lstm(8)]
            [Dense(4, Activation = Activation.Softmax)]
            public partial class Composer { }
            """);
    }

    [Fact]
    public void RNN0030_NotReported_InManyToMany()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0030", """
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 20)]
            [Lstm(8)]
            [Dense(6)]
            public partial class Tagger { }
            """);
    }

    // RNN0031: EncoderDecoder without a decoder

    [Fact]
    public void RNN0031_Reported_OnMode_WhenNoLayerIsMarkedDecoder()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, [|Mode = SequenceMode.EncoderDecoder|], OutputSteps = 5)]
            [Gru(8)]
            [Dense(4)]
            public partial class Translator { }
            """,
            "RNN0031",
            "The EncoderDecoder model 'Translator' has no recurrent layer marked 'Decoder = true': mark the recurrent layer that starts the decoder");
    }

    [Fact]
    public void RNN0031_NotReported_WhenADecoderIsMarked()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0031", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Gru(8)]
            [Gru(8, Decoder = true)]
            [Dense(4)]
            public partial class Translator { }
            """);
    }

    // RNN0032: OutputSteps missing

    [Fact]
    public void RNN0032_Reported_OnTheAttribute_WhenOutputStepsIsOmitted()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [[|RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}})|]]
            [Gru(8)]
            [Gru(8, Decoder = true)]
            [Dense(4)]
            public partial class Translator { }
            """,
            "RNN0032",
            "An EncoderDecoder model needs 'OutputSteps' = the decoder's output length, a positive number (it is 0)");
    }

    [Fact]
    public void RNN0032_Reported_OnOutputSteps_WhenNotPositive()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, [|OutputSteps = -3|])]
            [Gru(8)]
            [Gru(8, Decoder = true)]
            [Dense(4)]
            public partial class Translator { }
            """,
            "RNN0032");
    }

    [Fact]
    public void RNN0032_NotReported_ForPositiveOutputSteps()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0032", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 1)]
            [Gru(8)]
            [Gru(8, Decoder = true)]
            [Dense(4)]
            public partial class Translator { }
            """);
    }

    // RNN0033: decoder without an encoder

    [Fact]
    public void RNN0033_Reported_OnDecoder_WhenNoRecurrentLayerPrecedesIt()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Gru(8, Name = "decoder", [|Decoder = true|])]
            [Dense(4)]
            public partial class Translator { }
            """,
            "RNN0033",
            "'decoder' starts the decoder, but no recurrent layer comes before it to encode the input: declare the encoder's recurrent layer first");
    }

    [Fact]
    public void RNN0033_NotReported_WithAnEncoder()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0033", $$"""
            using RnnGen;

            [RnnModel(Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Embedding(30, 8)]
            [Lstm(16, Name = "encoder")]
            [Lstm(16, Name = "decoder", Decoder = true)]
            [Dense(30, Activation = Activation.Softmax)]
            public partial class Translator { }
            """);
    }

    // RNN0034: the decoder cannot take the encoder's state

    [Fact]
    public void RNN0034_Reported_OnTheDecoder_ForAnLstmStateIntoAGru()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Lstm(8, Name = "encoder")]
            [[|Gru(8, Name = "decoder", Decoder = true)|]]
            [Dense(4)]
            public partial class Translator { }
            """,
            "RNN0034",
            "Decoder 'decoder' starts from the final state of encoder 'encoder', but an LSTM's state is (h, c) and a GRU's or simple RNN's only h: make the decoder an [Lstm] too");
    }

    [Fact]
    public void RNN0034_Reported_OnTheHiddenSize_ForABidirectionalEncoder()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Gru(8, Name = "encoder", Bidirectional = true)]
            [Gru([|8|], Name = "decoder", Decoder = true)]
            [Dense(4)]
            public partial class Translator { }
            """,
            "RNN0034",
            "Decoder 'decoder' starts from the final state of encoder 'encoder', but its hidden size is 8 and the encoder's final state is 16 wide (2 × 8: the bidirectional encoder's forward and backward states side by side); set it to 16");
    }

    [Fact]
    public void RNN0034_Reported_OnTheAttribute_ForDifferentLayerCounts()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Lstm(8, Name = "encoder", Layers = 2)]
            [[|Lstm(8, Name = "decoder", Decoder = true)|]]
            [Dense(4)]
            public partial class Translator { }
            """,
            "RNN0034",
            "Decoder 'decoder' starts from the final state of encoder 'encoder', but it stacks 1 layer(s) and the encoder 2: decoder layer l starts from encoder layer l, so set 'Layers = 2'");
    }

    [Theory]
    [InlineData("[Gru(8, Name = \"encoder\")]", "[SimpleRnn(8, Name = \"decoder\", Decoder = true)]")]
    [InlineData("[Lstm(8, Name = \"encoder\", Layers = 2, Bidirectional = true)]", "[Lstm(16, Name = \"decoder\", Layers = 2, Decoder = true)]")]
    public void RNN0034_NotReported_ForCompatibleStates(string encoder, string decoder)
    {
        // A GRU's and a simple RNN's states are both one vector h of the same size.
        DiagnosticVerifier.VerifyNotReported("RNN0034", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            {{encoder}}
            {{decoder}}
            [Dense(4)]
            public partial class Translator { }
            """);
    }

    // RNN0035: a decoder layer reads the encoder

    [Fact]
    public void RNN0035_Reported_OnFrom_OfTheDecodersFirstLayer()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Gru(8, Name = "encoder")]
            [Gru(8, Name = "decoder", Decoder = true, [|From = "encoder"|])]
            [Dense(4)]
            public partial class Translator { }
            """,
            "RNN0035",
            "'decoder' is part of the decoder and cannot read 'encoder': the decoder's first layer reads the model's previous output and starts from the encoder's final state; remove 'From'");
    }

    [Fact]
    public void RNN0035_Reported_OnFrom_OfALaterDecoderLayer()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Gru(8, Name = "encoder")]
            [Gru(8, Name = "decoder", Decoder = true)]
            [Dense(4, Name = "fc", [|From = "encoder"|])]
            public partial class Translator { }
            """,
            "RNN0035",
            "'fc' is part of the decoder and cannot read 'encoder': the encoder runs over the 6 input steps and the decoder over the 5 output steps, so their sequences do not line up; read a decoder layer");
    }

    [Fact]
    public void RNN0035_NotReported_ForFromInsideEachHalf()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0035", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Dense(6, Name = "project")]
            [Gru(8, Name = "encoder", From = "project")]
            [Gru(8, Name = "decoder", Decoder = true)]
            [Dense(4, Name = "fc", From = "decoder")]
            public partial class Translator { }
            """);
    }

    // RNN0039: more than one layer marked as the decoder's start

    [Fact]
    public void RNN0039_Reported_OnEveryDecoderMarkAfterTheFirst()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Gru(8, Name = "encoder")]
            [Gru(8, Name = "decoder", Decoder = true)]
            [Gru(8, Name = "refine", [|Decoder = true|])]
            [Dense(6, Name = "project")]
            [SimpleRnn(8, [|Decoder = true|], Name = "polish")]
            [Dense(4)]
            public partial class Translator { }
            """,
            "RNN0039");
    }

    [Fact]
    public void RNN0039_Reported_WithTheLayerThatStartsTheDecoder()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Embedding(30, 8)]
            [Lstm(16, Name = "encoder")]
            [Lstm(16, Name = "decoder", Decoder = true)]
            [Lstm(16, Name = "decoder2", [|Decoder = true|])]
            [Dense(30, Activation = Activation.Softmax)]
            public partial class Translator { }
            """,
            "RNN0039",
            "'decoder2' is marked 'Decoder = true', but 'decoder' already starts the decoder and every layer after it belongs to the decoder: mark only the first decoder layer");
    }

    [Fact]
    public void RNN0039_NotReported_ForOneMark_AndDecoderFalseAfterIt()
    {
        // Layers after the mark belong to the decoder without one; an explicit 'false' marks nothing.
        DiagnosticVerifier.VerifyNotReported("RNN0039", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 6, {{EncoderDecoder}}, OutputSteps = 5)]
            [Gru(8, Name = "encoder", Decoder = false)]
            [Gru(8, Name = "decoder", Decoder = true)]
            [Gru(8, Name = "refine", Decoder = false)]
            [Gru(8, Name = "polish")]
            [Dense(4)]
            public partial class Translator { }
            """);
    }

    // RNN0036: generated code very large

    [Fact]
    public void RNN0036_Reported_ForSixtyFourBidirectionalLayers()
    {
        var run = DiagnosticVerifier.Verify("""
            using RnnGen;

            [[|RnnModel(InputSize = 8, Steps = 10)|]]
            [Lstm(16, Layers = 64, Bidirectional = true)]
            [Dense(4)]
            public partial class Deep { }
            """,
            "RNN0036",
            "'Deep' generates about 21,300 lines of C# (128 recurrent layer passes); code this large slows the build and the IDE and its methods grow past the sizes the JIT optimizes: use fewer stacked layers, or drop 'Bidirectional' where the model does not need it");

        // The estimate is the size of what the generator actually wrote, within 10 %.
        int lines = run.GeneratorResult.GeneratedSources[0].SourceText.Lines.Count;
        Assert.InRange(lines, 21_000 * 0.9, 21_000 * 1.1);
    }

    [Fact]
    public void RNN0036_NotReported_ForThirtyTwoBidirectionalLayers()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0036", """
            using RnnGen;

            [RnnModel(InputSize = 8, Steps = 10)]
            [Lstm(16, Layers = 32, Bidirectional = true)]
            [Dense(4)]
            public partial class Deep { }
            """);
    }

    // RNN0037: a lot of memory

    [Fact]
    public void RNN0037_Reported_ForLongSequencesInLargeBatches()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [[|RnnModel(InputSize = 4, Steps = 4096, BatchSize = 64)|]]
            [Lstm(64)]
            [Dense(4)]
            public partial class Streamer { }
            """,
            "RNN0037");
    }

    [Fact]
    public void RNN0037_NotReported_BelowTheThreshold()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0037", """
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 1024, BatchSize = 64)]
            [Lstm(64)]
            [Dense(4)]
            public partial class Streamer { }
            """);
    }

    // RNN0041: too many layers

    private static string Repeat(string attribute, int count) => string.Concat(System.Linq.Enumerable.Repeat(attribute + "\n", count));

    [Fact]
    public void RNN0041_Reported_OnLayers_OfTheAttributeThatStacksPastTheLimit()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 8, Steps = 10)]
            [Lstm(16, Layers = 48, Bidirectional = true)]
            [Gru(16, Layers = 16)]
            [Gru(16, [|Layers = 2|])]
            [Dense(4)]
            public partial class Deep { }
            """,
            "RNN0041",
            "'Deep' has 66 stacked recurrent layers (the sum of 'Layers' over its recurrent layers, a bidirectional layer counting once); the limit is 64: every layer gets its own generated code, and beyond that the code slows every build and the IDE; use fewer, wider layers");
    }

    [Fact]
    public void RNN0041_Reported_OnTheSixtyFifthRecurrentAttribute()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 8, Steps = 10)]
            {{Repeat("[SimpleRnn(4)]", 64)}}[[|SimpleRnn(4)|]]
            [Dense(4)]
            public partial class Deep { }
            """,
            "RNN0041");
    }

    [Fact]
    public void RNN0041_Reported_OnTheFirstLayerAttributePastTheLimit()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 8, Steps = 10)]
            [Lstm(16)]
            {{Repeat("[Dense(8)]", 127)}}[[|Dense(8)|]]
            [Dense(8)]
            public partial class Wide { }
            """,
            "RNN0041",
            "'Wide' has 130 layer attributes; the limit is 128: every layer gets its own generated code, and beyond that the code slows every build and the IDE; use fewer, wider layers");
    }

    [Fact]
    public void RNN0041_Reported_OnceForEachLimit_ForAThousandLayers_AndNothingIsGenerated()
    {
        // Before the limit this generated about 138,000 lines (a minute and 3.8 GB to compile).
        var run = DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 8, Steps = 10)]
            {{Repeat("[Lstm(16)]", 64)}}[[|Lstm(16)|]]
            {{Repeat("[Lstm(16)]", 63)}}[[|Lstm(16)|]]
            {{Repeat("[Lstm(16)]", 871)}}public partial class Huge { }
            """,
            "RNN0041");
        DiagnosticVerifier.AssertNothingGenerated(run);
    }

    [Fact]
    public void RNN0041_NotReported_AtBothLimits()
    {
        // 64 stacked recurrent layers and 128 layer attributes: generated (with the RNN0036 warning).
        DiagnosticVerifier.VerifyNotReported("RNN0041", $$"""
            using RnnGen;

            [{|RNN0036:RnnModel(InputSize = 8, Steps = 10)|}]
            [Lstm(4, Layers = 63)]
            [Gru(4)]
            {{Repeat("[Dense(4)]", 126)}}public partial class Deep { }
            """);
    }

    [Fact]
    public void RNN0041_NotReported_WhenOneAttributesLayersIsOutOfRange()
    {
        // Layers = 65 is RNN0007's to report; it does not count towards the model's total as well.
        DiagnosticVerifier.VerifyNotReported("RNN0041", """
            using RnnGen;

            [RnnModel(InputSize = 8, Steps = 10)]
            [Lstm(16, {|RNN0007:Layers = 65|})]
            [Dense(4)]
            public partial class Deep { }
            """);
    }
}
