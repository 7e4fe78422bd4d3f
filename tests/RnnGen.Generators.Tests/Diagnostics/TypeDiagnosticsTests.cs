using RnnGen.Generators.Tests.Diagnostics.Harness;
using Xunit;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>Diagnostics about the declaring type: RNN0001, RNN0002, RNN0018. They sit on the class name.</summary>
public sealed class TypeDiagnosticsTests
{
    // RNN0001: model class must be partial

    [Fact]
    public void RNN0001_Reported_OnANonPartialClass()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public class [|Model|] { }
            """,
            "RNN0001",
            "The model class 'Model' must be declared 'partial' (and so must every type that contains it) so that RnnGen can add its members");
    }

    [Fact]
    public void RNN0001_Reported_WhenAContainingTypeIsNotPartial()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            public class Outer
            {
                [RnnModel(InputSize = 4, Steps = 3)]
                [Lstm(8)]
                public partial class [|Model|] { }
            }
            """,
            "RNN0001");
    }

    [Fact]
    public void RNN0001_Reported_WhenOnlyOneOfTwoDeclarationsIsPartial()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public partial class [|Model|] { }

            public class Model { }
            """,
            "RNN0001",
            allowedCompilerErrors: "CS0260");
    }

    [Theory]
    [InlineData("""
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8)]
        public partial class Model { }
        """)]
    [InlineData("""
        using RnnGen;

        namespace Demo
        {
            public static partial class Outer
            {
                internal partial struct Inner
                {
                    [RnnModel(InputSize = 4, Steps = 3)]
                    [Lstm(8)]
                    public sealed partial class Model { }
                }
            }
        }
        """)]
    public void RNN0001_NotReported_ForPartialClassesInPartialContainers(string source)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0001", source);
    }

    // RNN0002: unsupported model type

    [Theory]
    [InlineData("""
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8)]
        public static partial class [|Model|] { }
        """, "'Model' cannot be a model: a model cannot be a static class")]
    [InlineData("""
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8)]
        public partial class [|Model|]<T> { }
        """, "'Model' cannot be a model: a model cannot be generic (its sizes are fixed at compile time)")]
    [InlineData("""
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8)]
        public partial record [|Model|] { }
        """, "'Model' cannot be a model: a model must be a class (not a struct, record or interface)")]
    public void RNN0002_Reported_ForStaticGenericAndRecordTypes(string markup, string message)
    {
        DiagnosticVerifier.Verify(markup, "RNN0002", message);
    }

    [Fact]
    public void RNN0002_Reported_ForAStruct()
    {
        // The compiler rejects the attributes on a struct (CS0592); the analyzer still says why no code is generated.
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public partial struct [|Model|] { }
            """,
            "RNN0002",
            "'Model' cannot be a model: a model must be a class (not a struct, record or interface)",
            "CS0592");
    }

    [Theory]
    [InlineData("""
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8)]
        public sealed partial class Model { }
        """)]
    [InlineData("""
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8)]
        public abstract partial class Model { }
        """)]
    [InlineData("""
        using RnnGen;

        public static partial class Models
        {
            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            internal partial class Model { }
        }
        """)]
    public void RNN0002_NotReported_ForSealedAbstractAndNestedClasses(string source)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0002", source);
    }

    // RNN0018: layers split across partial declarations

    [Fact]
    public void RNN0018_Reported_WhenLayersSitOnTwoDeclarations()
    {
        DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public partial class [|Model|] { }

            [Dense(2)]
            public partial class Model { }
            """,
            "RNN0018",
            "The layer attributes of 'Model' sit on more than one partial declaration, so their order is ambiguous; put them all on one declaration");
    }

    [Fact]
    public void RNN0018_NotReported_WhenOnlyRnnModelSitsOnAnotherDeclaration()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0018", """
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            public partial class Model { }

            [Lstm(8)]
            [Dense(2)]
            public partial class Model
            {
                public int Extra => 1;
            }
            """);
    }
}
