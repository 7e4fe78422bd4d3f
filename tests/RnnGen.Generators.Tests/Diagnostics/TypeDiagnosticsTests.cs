using RnnGen.Generators.Tests.Diagnostics.Harness;
using Xunit;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>
/// Diagnostics about the declaring type: RNN0001, RNN0002, RNN0018 (on the class name), RNN0038 (on
/// the first layer attribute of a class that is not a model) and RNN0040 (on the base class in the
/// base list).
/// </summary>
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

    // RNN0038: layer attributes on a class without [RnnModel]

    [Fact]
    public void RNN0038_Reported_OnTheFirstLayerAttribute_AndNothingIsGenerated()
    {
        var run = DiagnosticVerifier.Verify("""
            using RnnGen;

            [System.Serializable]
            [[|Lstm(32, Name = "lstm")|], Dense(8)]
            [Dense(8, Name = "fc")]
            public partial class Forecaster { }
            """,
            "RNN0038",
            "'Forecaster' has layer attributes but no [RnnModel], so they are ignored and no model is generated: add [RnnModel] to make it a model");
        DiagnosticVerifier.AssertNothingGenerated(run);
    }

    [Fact]
    public void RNN0038_Reported_ForANestedClassThatIsNotPartial_WithAnEmbeddingFirst()
    {
        var run = DiagnosticVerifier.Verify("""
            using RnnGen;

            public class Models
            {
                [[|Embedding(100, 16)|]]
                [Gru(16)]
                internal class Words { }
            }
            """,
            "RNN0038");
        DiagnosticVerifier.AssertNothingGenerated(run);
    }

    [Fact]
    public void RNN0038_NotReported_WhenRnnModelSitsOnAnotherPartialDeclaration()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0038", """
            using RnnGen;

            [Lstm(8)]
            [Dense(2)]
            public partial class Model { }

            [RnnModel(InputSize = 4, Steps = 3)]
            public partial class Model { }
            """);
    }

    [Fact]
    public void RNN0038_NotReported_ForAClassWithOtherAttributesOnly()
    {
        var run = DiagnosticVerifier.VerifyNotReported("RNN0038", """
            using RnnGen;

            [System.Serializable]
            public partial class Settings
            {
                public int Layers { get; set; } = 2;
            }
            """);
        Assert.Empty(run.RnnDiagnostics);
    }

    // RNN0040: a model derives from another model

    [Fact]
    public void RNN0040_Reported_OnTheBaseClass_AndOnlyTheBaseModelIsGenerated()
    {
        var run = DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public partial class Shallow { }

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            [Lstm(8)]
            public partial class Deep : [|Shallow|], System.IDisposable
            {
                public void Dispose() { }
            }
            """,
            "RNN0040",
            "The model 'Deep' derives from the model 'Shallow': a model owns its parameter buffer, its work buffers and their layout, and the generated members of both would collide; derive from a class that is not a model, and hold 'Shallow' in a field to reuse it");

        // The base model is generated as usual; the derived one not at all (no hidden members, no CS0108).
        var generated = Assert.Single(run.GeneratorResult.GeneratedSources);
        Assert.Equal("Shallow.g.cs", generated.HintName);
        Assert.DoesNotContain(run.OutputDiagnostics, d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
    }

    [Fact]
    public void RNN0040_Reported_ThroughAnIntermediateClass_WrittenQualified()
    {
        var run = DiagnosticVerifier.Verify("""
            using RnnGen;

            namespace Demo
            {
                [RnnModel(InputSize = 4, Steps = 3)]
                [Gru(8)]
                public partial class Shallow { }

                public class Middle : Shallow { }

                [RnnModel(InputSize = 4, Steps = 3)]
                [Gru(8)]
                public partial class Deep : [|global::Demo.Middle|] { }
            }
            """,
            "RNN0040",
            "The model 'Deep' derives from the model 'Shallow': a model owns its parameter buffer, its work buffers and their layout, and the generated members of both would collide; derive from a class that is not a model, and hold 'Shallow' in a field to reuse it");
        Assert.Equal("Demo.Shallow.g.cs", Assert.Single(run.GeneratorResult.GeneratedSources).HintName);
    }

    [Fact]
    public void RNN0040_Reported_OnTheDeclarationThatNamesTheBase()
    {
        var run = DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public partial class Shallow { }

            public interface IForecaster { }

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public partial class Deep : IForecaster { }

            public partial class Deep : [|Shallow|] { }
            """,
            "RNN0040");
        Assert.Equal("Shallow.g.cs", Assert.Single(run.GeneratorResult.GeneratedSources).HintName);
    }

    [Fact]
    public void RNN0040_Reported_OnTheClassName_WhenTheBaseIsWrittenThroughAnAlias()
    {
        var run = DiagnosticVerifier.Verify("""
            using RnnGen;
            using Small = Shallow;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public partial class Shallow { }

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public partial class [|Deep|] : Small { }
            """,
            "RNN0040");
        Assert.Equal("Shallow.g.cs", Assert.Single(run.GeneratorResult.GeneratedSources).HintName);
    }

    [Fact]
    public void RNN0040_NotReported_ForAModelDerivedFromAPlainClass_OrAPlainClassDerivedFromAModel()
    {
        // Sharing code through a base class that is not a model is fine, and so is extending a model
        // with a class that is not one itself.
        var run = DiagnosticVerifier.VerifyNotReported("RNN0040", """
            using RnnGen;

            public abstract class Describable
            {
                public override string ToString() => GetType().Name;
            }

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public partial class Forecaster : Describable { }

            public sealed class LabelledForecaster : Forecaster
            {
                public string Label { get; set; } = "";
            }
            """);
        Assert.Empty(run.RnnDiagnostics);
    }
}
