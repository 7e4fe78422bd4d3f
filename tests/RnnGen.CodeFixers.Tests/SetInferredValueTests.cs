using System.Threading.Tasks;
using RnnGen.CodeFixers.Tests.Harness;
using Xunit;

namespace RnnGen.CodeFixers.Tests;

/// <summary>
/// RNN0028: <c>Bidirectional</c> removed where outputs are fed back; RNN0030 and RNN0034: a size
/// that contradicts the rest of the model set to the inferred value; each fixed model compiles and
/// is generated.
/// </summary>
public sealed class SetInferredValueTests
{
    private static readonly SetInferredValueCodeFixProvider Provider = new();

    [Fact]
    public Task RNN0028_RemovesBidirectional_InAOneToManyModel() => FixVerifier.VerifyAsync(new RemoveArgumentCodeFixProvider(), """
        using RnnGen;

        [RnnModel(InputSize = 16, Steps = 20, Mode = SequenceMode.OneToMany)]
        [Lstm(64, Bidirectional = true, Name = "lstm")]
        [Dense(16, Activation = Activation.Softmax)]
        public partial class Composer { }
        """,
        "RNN0028",
        "Remove 'Bidirectional' (outputs are generated one step at a time)",
        """
        using RnnGen;

        [RnnModel(InputSize = 16, Steps = 20, Mode = SequenceMode.OneToMany)]
        [Lstm(64, Name = "lstm")]
        [Dense(16, Activation = Activation.Softmax)]
        public partial class Composer { }
        """);

    [Fact]
    public Task RNN0030_SetsTheHeadSize_ToTheInputWidth() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 16, Steps = 20, Mode = SequenceMode.OneToMany)]
        [Lstm(64)]
        [Dense(12, Activation = Activation.Softmax)]
        public partial class Composer { }
        """,
        "RNN0030",
        "Set 'size' to 16",
        """
        using RnnGen;

        [RnnModel(InputSize = 16, Steps = 20, Mode = SequenceMode.OneToMany)]
        [Lstm(64)]
        [Dense(16, Activation = Activation.Softmax)]
        public partial class Composer { }
        """);

    [Fact]
    public Task RNN0030_SetsTheHeadSize_ToTheVocabulary_WhenWrittenAsANamedArgument() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [RnnModel(Steps = 20, Mode = SequenceMode.OneToMany)]
        [Embedding(40, 8)]
        [Gru(32)]
        [Dense(size: 39, Activation = Activation.Softmax)]
        public partial class Writer { }
        """,
        "RNN0030",
        "Set 'size' to 40",
        """
        using RnnGen;

        [RnnModel(Steps = 20, Mode = SequenceMode.OneToMany)]
        [Embedding(40, 8)]
        [Gru(32)]
        [Dense(size: 40, Activation = Activation.Softmax)]
        public partial class Writer { }
        """);

    [Fact]
    public Task RNN0034_SetsTheDecoderSize_ToTwiceABidirectionalEncoder() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 30, Mode = SequenceMode.EncoderDecoder, OutputSteps = 10)]
        [Gru(32, Bidirectional = true)]
        [Gru(32, Decoder = true)]
        [Dense(8)]
        public partial class Forecaster { }
        """,
        "RNN0034",
        "Set 'hiddenSize' to 64",
        """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 30, Mode = SequenceMode.EncoderDecoder, OutputSteps = 10)]
        [Gru(32, Bidirectional = true)]
        [Gru(64, Decoder = true)]
        [Dense(8)]
        public partial class Forecaster { }
        """);

    [Fact]
    public Task RNN0034_AddsLayers_WhenTheDecoderStacksFewer() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 30, Mode = SequenceMode.EncoderDecoder, OutputSteps = 10)]
        [Lstm(32, Layers = 2)]
        [Lstm(32, Decoder = true)]
        [Dense(8)]
        public partial class Forecaster { }
        """,
        "RNN0034",
        "Set 'Layers' to 2",
        """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 30, Mode = SequenceMode.EncoderDecoder, OutputSteps = 10)]
        [Lstm(32, Layers = 2)]
        [Lstm(32, Decoder = true, Layers = 2)]
        [Dense(8)]
        public partial class Forecaster { }
        """);

    [Fact]
    public Task RNN0034_NoFix_ForAnLstmStateIntoAGru() => FixVerifier.VerifyNoFixAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 30, Mode = SequenceMode.EncoderDecoder, OutputSteps = 10)]
        [Lstm(32)]
        [Gru(32, Decoder = true)]
        [Dense(8)]
        public partial class Forecaster { }
        """,
        "RNN0034");
}
