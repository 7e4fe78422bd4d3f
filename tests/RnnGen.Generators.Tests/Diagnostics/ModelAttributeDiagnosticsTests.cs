using System.Globalization;
using System.Linq;
using RnnGen.Generators.Tests.Diagnostics.Harness;
using Xunit;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>
/// Diagnostics about the <c>[RnnModel]</c> attribute: RNN0003, RNN0004, RNN0005, RNN0006 (model
/// sizes), RNN0014 (unknown mode), RNN0017 (OutputSteps), RNN0019, RNN0020 and RNN0022. A wrong argument is
/// reported on that argument; a missing one on the whole attribute.
/// </summary>
public sealed class ModelAttributeDiagnosticsTests
{
    // RNN0003: Steps missing or not positive

    [Fact]
    public void RNN0003_Reported_OnTheAttribute_WhenStepsIsOmitted()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [[|RnnModel(InputSize = 4)|]]
            [Lstm(8)]
            public partial class Model { }
            """,
            "RNN0003",
            "[RnnModel] needs 'Steps' = the sequence length T, a positive number (it is 0)");
    }

    [Fact]
    public void RNN0003_Reported_OnTheArgument_WhenStepsIsNegative()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, [|Steps = -1|])]
            [Lstm(8)]
            public partial class Model { }
            """,
            "RNN0003",
            "[RnnModel] needs 'Steps' = the sequence length T, a positive number (it is -1)");
    }

    [Fact]
    public void RNN0003_Reported_OnTheBareAttribute()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [{|RNN0003:{|RNN0004:{|RNN0012:RnnModel|}|}|}]
            public partial class Model { }
            """);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(65536)]
    public void RNN0003_NotReported_ForPositiveSteps(int steps)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0003", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = {{steps.ToString(CultureInfo.InvariantCulture)}})]
            [Gru(2)]
            public partial class Model { }
            """);
    }

    // RNN0004: InputSize missing

    [Fact]
    public void RNN0004_Reported_OnTheAttribute_WhenInputSizeIsOmitted()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [[|RnnModel(Steps = 3)|]]
            [Lstm(8)]
            public partial class Model { }
            """,
            "RNN0004",
            "[RnnModel] needs 'InputSize' = features per step, a positive number, unless the first layer is an [Embedding]");
    }

    [Theory]
    [InlineData("""
        using RnnGen;

        [RnnModel(InputSize = 1, Steps = 3)]
        [Lstm(8)]
        public partial class Model { }
        """)]
    [InlineData("""
        using RnnGen;

        [RnnModel(Steps = 3)]
        [Embedding(100, 16)]
        [Lstm(8)]
        public partial class Model { }
        """)]
    public void RNN0004_NotReported_WhenInputSizeIsGivenOrTheFirstLayerIsAnEmbedding(string source)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0004", source);
    }

    // RNN0005: InputSize given with an embedding

    [Fact]
    public void RNN0005_Reported_OnInputSize_WhenTheFirstLayerIsAnEmbedding()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel([|InputSize = 16|], Steps = 3)]
            [Embedding(100, 16)]
            [Lstm(8)]
            public partial class Model { }
            """,
            "RNN0005",
            "'InputSize' must be omitted when the first layer is an [Embedding]: the inputs are token ids and the embedding's dimension (16) is the width");
    }

    [Fact]
    public void RNN0005_NotReported_WhenInputSizeIsOmittedWithAnEmbedding()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0005", """
            using RnnGen;

            [RnnModel(Steps = 3)]
            [Embedding(100, 16, Name = "emb")]
            [Lstm(8)]
            public partial class Model { }
            """);
    }

    // RNN0006 on [RnnModel]: Steps, InputSize, BatchSize out of range

    [Theory]
    [InlineData("InputSize = 0", "Steps = 3", "'InputSize' of the model is 0; it must be between 1 and 65536")]
    [InlineData("InputSize = 65537", "Steps = 3", "'InputSize' of the model is 65537; it must be between 1 and 65536")]
    [InlineData("Steps = 65537", "InputSize = 4", "'Steps' of the model is 65537; it must be between 1 and 65536")]
    [InlineData("BatchSize = 0", "InputSize = 4, Steps = 3", "'BatchSize' of the model is 0; it must be between 1 and 16384")]
    [InlineData("BatchSize = 16385", "InputSize = 4, Steps = 3", "'BatchSize' of the model is 16385; it must be between 1 and 16384")]
    public void RNN0006_Reported_OnTheModelArgument(string wrong, string rest, string message)
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel([|{{wrong}}|], {{rest}})]
            [Gru(2)]
            public partial class Model { }
            """,
            "RNN0006",
            message);
    }

    [Theory]
    [InlineData("InputSize = 65536, Steps = 1")]
    [InlineData("InputSize = 1, Steps = 65536")]
    [InlineData("InputSize = 1, Steps = 1, BatchSize = 16384")]
    [InlineData("InputSize = 1, Steps = 1, BatchSize = 1")]
    public void RNN0006_NotReported_ForModelSizesAtTheLimits(string arguments)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0006", $$"""
            using RnnGen;

            [RnnModel({{arguments}})]
            [Gru(1)]
            public partial class Model { }
            """);
    }

    // RNN0014: unknown sequence mode

    [Theory]
    [InlineData("Mode = (SequenceMode)9", "Mode '9' is not a SequenceMode this version of RnnGen knows; use ManyToMany, ManyToOne, OneToMany or EncoderDecoder")]
    [InlineData("Mode = (SequenceMode)(-1)", "Mode '-1' is not a SequenceMode this version of RnnGen knows; use ManyToMany, ManyToOne, OneToMany or EncoderDecoder")]
    public void RNN0014_Reported_OnMode(string mode, string message)
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, [|{{mode}}|])]
            [Lstm(8)]
            [Dense(4)]
            public partial class Model { }
            """,
            "RNN0014",
            message);
    }

    [Theory]
    [InlineData("Mode = SequenceMode.ManyToMany")]
    [InlineData("Mode = SequenceMode.ManyToOne")]
    [InlineData("Mode = SequenceMode.OneToMany")]
    public void RNN0014_NotReported_ForTheSequenceModes(string mode)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0014", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, {{mode}})]
            [Lstm(8)]
            [Dense(4)]
            public partial class Model { }
            """);
    }

    // RNN0017 on [RnnModel]: OutputSteps outside EncoderDecoder

    [Fact]
    public void RNN0017_Reported_OnOutputSteps_InAManyToManyModel()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, [|OutputSteps = 5|])]
            [Lstm(8)]
            public partial class Model { }
            """,
            "RNN0017",
            "'OutputSteps' is only meaningful in an EncoderDecoder model");
    }

    [Fact]
    public void RNN0017_NotReported_ForOutputStepsInAnEncoderDecoderModel()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0017", """
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, Mode = SequenceMode.EncoderDecoder, OutputSteps = 5)]
            [Lstm(8, Name = "encoder")]
            [Lstm(8, Name = "decoder", Decoder = true)]
            [Dense(4)]
            public partial class Model { }
            """);
    }

    // RNN0019: attribute argument cannot be read

    [Fact]
    public void RNN0019_Reported_OnLoss_ForAnUndefinedLossKind()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, [|Loss = (LossKind)7|])]
            [Lstm(8)]
            public partial class Model { }
            """,
            "RNN0019",
            "The value of 'Loss' cannot be read; use a constant of the documented type");
    }

    [Fact]
    public void RNN0019_Reported_OnVariant_ForAnUndefinedGruVariant()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Gru(8, [|Variant = (GruVariant)2|])]
            public partial class Model { }
            """,
            "RNN0019",
            "The value of 'Variant' cannot be read; use a constant of the documented type");
    }

    [Theory]
    [InlineData("Loss = LossKind.MeanSquaredError", "Variant = GruVariant.ResetBefore")]
    [InlineData("Loss = LossKind.Auto", "Variant = GruVariant.ResetAfter")]
    public void RNN0019_NotReported_ForDefinedEnumValues(string loss, string variant)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0019", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, {{loss}})]
            [Gru(8, {{variant}})]
            public partial class Model { }
            """);
    }

    // RNN0020: model too large

    [Fact]
    public void RNN0020_Reported_OnTheAttribute_ForAModelBeyondTheFloatLimit()
    {
        var run = DiagnosticVerifier.Verify("""
            using RnnGen;

            [[|RnnModel(InputSize = 1024, Steps = 4096, BatchSize = 64)|]]
            [Lstm(1024)]
            public partial class Model { }
            """,
            "RNN0020");
        string message = run.RnnDiagnostics.Single().GetMessage(CultureInfo.InvariantCulture);
        Assert.StartsWith("The model 'Model' needs ", message, System.StringComparison.Ordinal);
        Assert.EndsWith(" floats of parameters and activations; the limit is 268435456: reduce sizes, Steps or BatchSize", message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void RNN0020_NotReported_ForALargeModelUnderTheLimit()
    {
        // Large enough for the RNN0037 warning (about 400 MB), under the hard limit.
        DiagnosticVerifier.VerifyNotReported("RNN0020", """
            using RnnGen;

            [{|RNN0037:RnnModel(InputSize = 64, Steps = 512, BatchSize = 64)|}]
            [Lstm(256)]
            [Dense(64, Activation = Activation.Softmax)]
            public partial class Model { }
            """);
    }

    // RNN0025: mean squared error on a probability head (warning)

    [Theory]
    [InlineData("Softmax", "cross-entropy (LossKind.CrossEntropy)")]
    [InlineData("Sigmoid", "binary cross-entropy (LossKind.BinaryCrossEntropy)")]
    public void RNN0025_Reported_OnLoss_ForSquaredErrorOnAProbabilityHead(string activation, string usual)
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, [|Loss = LossKind.MeanSquaredError|])]
            [Lstm(8)]
            [Dense(4, Activation = Activation.{{activation}})]
            public partial class Model { }
            """,
            "RNN0025",
            $"Loss 'MeanSquaredError' on a head with Activation.{activation} learns slowly: its gradient vanishes where the outputs saturate; the default loss for this head is {usual}");
    }

    [Theory]
    [InlineData("LossKind.MeanSquaredError", ", Activation = Activation.Tanh")]
    [InlineData("LossKind.Auto", ", Activation = Activation.Softmax")]
    [InlineData("LossKind.MeanSquaredError", "")]
    public void RNN0025_NotReported_ForOtherCombinations(string loss, string headActivation)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0025", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, Loss = {{loss}})]
            [Lstm(8)]
            [Dense(4{{headActivation}})]
            public partial class Model { }
            """);
    }

    // RNN0022: loss does not fit the head

    [Theory]
    [InlineData("CrossEntropy", "", "Loss 'CrossEntropy' needs a [Dense] head with Activation.Softmax as the last layer")]
    [InlineData("CrossEntropy", ", Activation = Activation.Sigmoid", "Loss 'CrossEntropy' needs a [Dense] head with Activation.Softmax as the last layer")]
    [InlineData("BinaryCrossEntropy", ", Activation = Activation.Softmax", "Loss 'BinaryCrossEntropy' needs a [Dense] head with Activation.Sigmoid as the last layer")]
    public void RNN0022_Reported_OnLoss_WhenTheHeadDoesNotFit(string loss, string headActivation, string message)
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, [|Loss = LossKind.{{loss}}|])]
            [Lstm(8)]
            [Dense(4{{headActivation}})]
            public partial class Model { }
            """,
            "RNN0022",
            message);
    }

    [Fact]
    public void RNN0022_Reported_WhenTheLastLayerIsRecurrent()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, [|Loss = LossKind.BinaryCrossEntropy|])]
            [Lstm(8)]
            public partial class Model { }
            """,
            "RNN0022",
            "Loss 'BinaryCrossEntropy' needs a [Dense] head with Activation.Sigmoid as the last layer");
    }

    [Theory]
    [InlineData("CrossEntropy", ", Activation = Activation.Softmax")]
    [InlineData("BinaryCrossEntropy", ", Activation = Activation.Sigmoid")]
    [InlineData("MeanSquaredError", ", Activation = Activation.Tanh")]
    [InlineData("MeanSquaredError", "")]
    [InlineData("Auto", ", Activation = Activation.Tanh")]
    public void RNN0022_NotReported_WhenTheHeadFitsTheLoss(string loss, string headActivation)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0022", $$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3, Loss = LossKind.{{loss}})]
            [Lstm(8)]
            [Dense(4{{headActivation}})]
            public partial class Model { }
            """);
    }
}
