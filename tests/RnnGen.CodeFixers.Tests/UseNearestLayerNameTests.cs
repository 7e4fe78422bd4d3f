using System.Globalization;
using System.Threading.Tasks;
using RnnGen.CodeFixers.Tests.Harness;
using Xunit;

namespace RnnGen.CodeFixers.Tests;

/// <summary>RNN0009: an unknown From name is replaced with the nearest earlier layer name.</summary>
public sealed class UseNearestLayerNameTests
{
    private static readonly UseNearestLayerNameCodeFixProvider Provider = new();

    [Fact]
    public Task ReplacesATypo_WithTheSuggestedName() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 50, Mode = SequenceMode.ManyToOne)]
        [Lstm(64, Name = "encoder")]
        [Dense(8, Name = "head", From = "encodr")]
        public partial class Forecaster { }
        """,
        "RNN0009",
        "Change 'encodr' to 'encoder'",
        """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 50, Mode = SequenceMode.ManyToOne)]
        [Lstm(64, Name = "encoder")]
        [Dense(8, Name = "head", From = "encoder")]
        public partial class Forecaster { }
        """);

    [Fact]
    public async Task TheFix_AgreesWithTheMessage()
    {
        var document = FixHarness.CreateDocument("""
            using RnnGen;

            [RnnModel(InputSize = 8, Steps = 5)]
            [Lstm(8)]
            [Gru(8)]
            [Dense(4, From = "layr0")]
            public partial class Model { }
            """);
        var diagnostic = Assert.Single(await FixHarness.RnnDiagnosticsAsync(document));
        Assert.Equal("RNN0009", diagnostic.Id);
        Assert.EndsWith("did you mean 'layer0'?", diagnostic.GetMessage(CultureInfo.InvariantCulture));
        var action = Assert.Single(await FixHarness.ActionsAsync(document, Provider, diagnostic));
        Assert.Equal("Change 'layr0' to 'layer0'", action.Title);
    }

    [Fact]
    public Task ReplacesAPositionalName() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 5, Mode = SequenceMode.ManyToOne)]
        [Lstm(8)]
        [Dense(4, From = "Layer0")]
        public partial class Model { }
        """,
        "RNN0009",
        "Change 'Layer0' to 'layer0'",
        """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 5, Mode = SequenceMode.ManyToOne)]
        [Lstm(8)]
        [Dense(4, From = "layer0")]
        public partial class Model { }
        """);

    [Fact]
    public Task FixAll_InDocument_ReplacesEveryTypo() => FixVerifier.VerifyFixAllAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 5)]
        [Lstm(8, Name = "first")]
        [Lstm(8, Name = "second", From = "frist")]
        [Dense(4, Name = "head", From = "secnd")]
        public partial class Model { }
        """,
        "RNN0009",
        2,
        UseNearestLayerNameCodeFixProvider.EquivalenceKey,
        """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 5)]
        [Lstm(8, Name = "first")]
        [Lstm(8, Name = "second", From = "first")]
        [Dense(4, Name = "head", From = "second")]
        public partial class Model { }
        """);

    [Fact]
    public Task NoFix_WhenNoEarlierNameIsClose() => FixVerifier.VerifyNoFixAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 5)]
        [Lstm(8, Name = "encoder")]
        [Dense(4, Name = "head", From = "attention")]
        public partial class Model { }
        """,
        "RNN0009");

    [Fact]
    public Task NoFix_WhenTheNamedLayerComesLater() => FixVerifier.VerifyNoFixAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 5)]
        [Lstm(8, Name = "encodr")]
        [Lstm(8, Name = "second", From = "encoder")]
        [Lstm(8, Name = "encoder")]
        public partial class Model { }
        """,
        "RNN0009");

    [Fact]
    public Task NoFix_WhenFromIsNotAStringLiteral() => FixVerifier.VerifyNoFixAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 5)]
        [Lstm(8, Name = "encoder")]
        [Dense(4, Name = "head", From = Names.Source)]
        public partial class Model { }

        internal static class Names
        {
            public const string Source = "encodr";
        }
        """,
        "RNN0009");
}
