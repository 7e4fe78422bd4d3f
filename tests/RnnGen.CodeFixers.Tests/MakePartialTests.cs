using System.Threading.Tasks;
using RnnGen.CodeFixers.Tests.Harness;
using Xunit;

namespace RnnGen.CodeFixers.Tests;

/// <summary>RNN0001: the model class, and every type containing it, is made partial.</summary>
public sealed class MakePartialTests
{
    private static readonly MakePartialCodeFixProvider Provider = new();

    [Fact]
    public Task AddsPartial_ToTheModelClass() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 20)]
        [Lstm(32, Name = "lstm")]
        [Dense(8, Name = "fc")]
        public class Forecaster { }
        """,
        "RNN0001",
        "Make 'Forecaster' partial",
        """
        using RnnGen;

        [RnnModel(InputSize = 8, Steps = 20)]
        [Lstm(32, Name = "lstm")]
        [Dense(8, Name = "fc")]
        public partial class Forecaster { }
        """);

    [Fact]
    public Task AddsPartial_WhenTheClassHasNoModifiers() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        namespace Models
        {
            [RnnModel(InputSize = 8, Steps = 20)]
            [Gru(16)]
            class Forecaster
            {
            }
        }
        """,
        "RNN0001",
        "Make 'Forecaster' partial",
        """
        using RnnGen;

        namespace Models
        {
            [RnnModel(InputSize = 8, Steps = 20)]
            [Gru(16)]
            partial class Forecaster
            {
            }
        }
        """);

    [Fact]
    public Task AddsPartial_AfterEveryOtherModifier_ToTheClassAndItsContainers() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        namespace Models;

        public static class Outer
        {
            internal class Middle
            {
                [RnnModel(InputSize = 4, Steps = 3)]
                [Lstm(8)]
                internal sealed class Model { }
            }
        }
        """,
        "RNN0001",
        "Make 'Model' and its containing types partial",
        """
        using RnnGen;

        namespace Models;

        public static partial class Outer
        {
            internal partial class Middle
            {
                [RnnModel(InputSize = 4, Steps = 3)]
                [Lstm(8)]
                internal sealed partial class Model { }
            }
        }
        """);

    [Fact]
    public Task AddsPartial_OnlyToTheContainers_WhenTheClassIsPartial() => FixVerifier.VerifyAsync(Provider, """
        using RnnGen;

        public class Outer
        {
            [RnnModel(InputSize = 4, Steps = 3)]
            [SimpleRnn(8)]
            public partial class Model { }
        }
        """,
        "RNN0001",
        "Make the types containing 'Model' partial",
        """
        using RnnGen;

        public partial class Outer
        {
            [RnnModel(InputSize = 4, Steps = 3)]
            [SimpleRnn(8)]
            public partial class Model { }
        }
        """);

    [Fact]
    public Task FixAll_InDocument_MakesEveryModelAndTheirSharedContainerPartialOnce() => FixVerifier.VerifyFixAllAsync(Provider, """
        using RnnGen;

        public class Models
        {
            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public class First { }

            [RnnModel(InputSize = 2, Steps = 5)]
            [Gru(4)]
            public class Second { }
        }

        [RnnModel(InputSize = 3, Steps = 2)]
        [SimpleRnn(6)]
        internal class Third { }
        """,
        "RNN0001",
        3,
        MakePartialCodeFixProvider.EquivalenceKey,
        """
        using RnnGen;

        public partial class Models
        {
            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public partial class First { }

            [RnnModel(InputSize = 2, Steps = 5)]
            [Gru(4)]
            public partial class Second { }
        }

        [RnnModel(InputSize = 3, Steps = 2)]
        [SimpleRnn(6)]
        internal partial class Third { }
        """);

    [Fact]
    public async Task NoFix_ForAStruct_WhichCannotBeAModelAtAll()
    {
        // A partial struct gets RNN0002 (not a class), which has no clear fix; this fixer does not claim it.
        var document = FixHarness.CreateDocument("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public partial struct Model { }
            """);
        var diagnostic = Assert.Single(await FixHarness.RnnDiagnosticsAsync(document));
        Assert.Equal("RNN0002", diagnostic.Id);
        Assert.DoesNotContain("RNN0002", Provider.FixableDiagnosticIds);
        Assert.Empty(await FixHarness.ActionsAsync(document, Provider, diagnostic));
    }
}
