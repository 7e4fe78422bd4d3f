using System.Linq;
using System.Threading.Tasks;
using RnnGen.CodeFixers.Tests.Harness;
using Xunit;

namespace RnnGen.CodeFixers.Tests;

/// <summary>RNN0038: a class with layer attributes but no [RnnModel] becomes a model, with placeholder sizes.</summary>
public sealed class AddModelAttributeTests
{
    private static readonly AddModelAttributeCodeFixProvider Provider = new();

    [Fact]
    public Task AddsRnnModel_WithPlaceholderInputSizeAndSteps() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [Lstm(32, Name = "lstm")]
        [Dense(8, Name = "fc")]
        public partial class Forecaster { }
        """,
        "RNN0038",
        "Add [RnnModel(InputSize = 1, Steps = 1)] (placeholder sizes)",
        """
        using RnnGen;

        [RnnModel(InputSize = 1, Steps = 1)]
        [Lstm(32, Name = "lstm")]
        [Dense(8, Name = "fc")]
        public partial class Forecaster { }
        """);

    [Fact]
    public Task AddsRnnModel_WithoutInputSize_WhenTheFirstLayerIsAnEmbedding() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [Embedding(100, 16)]
        [Gru(32)]
        [Dense(100, Activation = Activation.Softmax)]
        public partial class WordModel { }
        """,
        "RNN0038",
        "Add [RnnModel(Steps = 1)] (placeholder sizes)",
        """
        using RnnGen;

        [RnnModel(Steps = 1)]
        [Embedding(100, 16)]
        [Gru(32)]
        [Dense(100, Activation = Activation.Softmax)]
        public partial class WordModel { }
        """);

    [Fact]
    public Task AddsRnnModel_AboveTheFirstLayer_KeepingCommentsAndIndentation() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        namespace Models
        {
            [System.Diagnostics.DebuggerDisplay("forecaster")]
            // Forecasts the next steps.
            [SimpleRnn(16), Dense(4)]
            internal sealed partial class Forecaster
            {
            }
        }
        """,
        "RNN0038",
        "Add [RnnModel(InputSize = 1, Steps = 1)] (placeholder sizes)",
        """
        using RnnGen;

        namespace Models
        {
            [System.Diagnostics.DebuggerDisplay("forecaster")]
            // Forecasts the next steps.
            [RnnModel(InputSize = 1, Steps = 1)]
            [SimpleRnn(16), Dense(4)]
            internal sealed partial class Forecaster
            {
            }
        }
        """);

    [Fact]
    public Task AddsRnnModel_QualifiedLikeTheLayer() => FixVerifier.VerifyAsync(Provider, """
        [global::RnnGen.Lstm(8)]
        public partial class Model { }
        """,
        "RNN0038",
        "Add [RnnModel(InputSize = 1, Steps = 1)] (placeholder sizes)",
        """
        [global::RnnGen.RnnModel(InputSize = 1, Steps = 1)]
        [global::RnnGen.Lstm(8)]
        public partial class Model { }
        """);

    [Fact]
    public async Task AClassThatIsNotPartial_GetsRNN0001_ThenItsFix()
    {
        var document = FixHarness.CreateDocument("""
            using RnnGen;

            [Gru(16)]
            public class Forecaster { }
            """);
        var diagnostic = Assert.Single(await FixHarness.RnnDiagnosticsAsync(document));
        Assert.Equal("RNN0038", diagnostic.Id);
        document = await FixHarness.ApplyAsync(document, Assert.Single(await FixHarness.ActionsAsync(document, Provider, diagnostic)));

        // Now a model: the only thing left is the missing 'partial', which RNN0001 reports and fixes.
        var remaining = Assert.Single(await FixHarness.RnnDiagnosticsAsync(document));
        Assert.Equal("RNN0001", remaining.Id);
        var makePartial = new MakePartialCodeFixProvider();
        document = await FixHarness.ApplyAsync(document, Assert.Single(await FixHarness.ActionsAsync(document, makePartial, remaining)));
        Assert.Equal(FixHarness.Normalize("""
            using RnnGen;

            [RnnModel(InputSize = 1, Steps = 1)]
            [Gru(16)]
            public partial class Forecaster { }
            """), await FixHarness.TextAsync(document));
        await FixHarness.AssertCleanAsync(document);
    }

    [Fact]
    public async Task ProblemsTheLayersAlreadyHad_AreReportedOnceItIsAModel()
    {
        // Without [RnnModel] nothing looked at the layers; with it, the validator does (here: no recurrent layer).
        var document = FixHarness.CreateDocument("""
            using RnnGen;

            [Dense(4)]
            public partial class Head { }
            """);
        var diagnostic = Assert.Single(await FixHarness.RnnDiagnosticsAsync(document));
        document = await FixHarness.ApplyAsync(document, Assert.Single(await FixHarness.ActionsAsync(document, Provider, diagnostic)));
        Assert.Equal(new[] { "RNN0012" }, (await FixHarness.RnnDiagnosticsAsync(document)).Select(d => d.Id));
    }

    [Fact]
    public Task FixAll_InDocument_MakesEveryClassAModel() => FixVerifier.VerifyFixAllAsync(Provider, """
        using RnnGen;

        public static partial class Models
        {
            [Lstm(8)]
            public partial class First { }

            [Embedding(20, 4)]
            [Gru(4)]
            public partial class Second { }
        }
        """,
        "RNN0038",
        2,
        AddModelAttributeCodeFixProvider.EquivalenceKey,
        """
        using RnnGen;

        public static partial class Models
        {
            [RnnModel(InputSize = 1, Steps = 1)]
            [Lstm(8)]
            public partial class First { }

            [RnnModel(Steps = 1)]
            [Embedding(20, 4)]
            [Gru(4)]
            public partial class Second { }
        }
        """);
}
