using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Model;
using RnnGen.Generators.Tests.Diagnostics.Harness;
using RnnGen.Generators.Validation;
using Xunit;
using Xunit.Sdk;
using SpecActivation = RnnGen.Generators.Model.Activation;
using SpecGruVariant = RnnGen.Generators.Model.GruVariant;
using SpecLossKind = RnnGen.Generators.Model.LossKind;
using SpecMode = RnnGen.Generators.Model.SequenceMode;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>
/// Rules the analyzer must follow beyond the basic positive and negative cases: exact
/// locations for every way of writing an argument, precise messages, and declarations the
/// generator cannot serve correctly. Each failure message starts with the rule it checks.
/// </summary>
public sealed class AnalyzerEdgeCaseTests
{
    // Locations

    [Fact]
    public void RNN0003_Reported_OnTheArgument_WhenStepsIsWrittenAsZero()
    {
        Because(
            "an explicit 'Steps = 0' is the argument at fault and must be marked, as 'Steps = -1' is (not the whole [RnnModel])",
            () => DiagnosticVerifier.Verify("""
                using RnnGen;

                [RnnModel(InputSize = 4, [|Steps = 0|])]
                [Lstm(8)]
                public partial class Model { }
                """,
                "RNN0003"));
    }

    [Theory]
    [InlineData("[Lstm([|hiddenSize: 0|])]", "'hiddenSize' of 'layer0' is 0; it must be between 1 and 65536")]
    [InlineData("[Lstm(8)] [Dense([|size: 0|])]", "'size' of 'layer1' is 0; it must be between 1 and 65536")]
    public void RNN0006_Reported_OnANamedConstructorArgument(string layers, string message)
    {
        Because(
            "a constructor argument written with its parameter name ('hiddenSize: 0', 'size: 0') is still the argument at fault",
            () => DiagnosticVerifier.Verify($$"""
                using RnnGen;

                [RnnModel(InputSize = 4, Steps = 3)]
                {{layers}}
                public partial class Model { }
                """,
                "RNN0006",
                message));
    }

    [Fact]
    public void RNN0006_Reported_OnTheDimension_WhenEmbeddingArgumentsAreReordered()
    {
        Because(
            "'[Embedding(dimension: 0, vocabularySize: 100)]' must mark 'dimension: 0', whatever the order the arguments are written in",
            () => DiagnosticVerifier.Verify("""
                using RnnGen;

                [RnnModel(Steps = 3)]
                [Embedding([|dimension: 0|], vocabularySize: 100)]
                [Lstm(8)]
                public partial class Model { }
                """,
                "RNN0006",
                "'dimension' of 'layer0' is 0; it must be between 1 and 65536"));
    }

    [Fact]
    public void RNN0019_Reported_OnTheArgument_WhenAModelArgumentIsNotAConstant()
    {
        Because(
            "RNN0019 must mark the argument that cannot be read ('Steps = Model.Length'), not the whole [RnnModel]",
            () => DiagnosticVerifier.Verify("""
                using RnnGen;

                [RnnModel(InputSize = 4, [|Steps = Model.Length|])]
                [Lstm(8)]
                public partial class Model
                {
                    public static readonly int Length = 3;
                }
                """,
                "RNN0019",
                "The value of 'Steps' cannot be read; use a constant of the documented type",
                "CS0182"));
    }

    [Fact]
    public void RNN0019_Reported_OnTheLayerArgument_WhenALayerArgumentIsNotAConstant()
    {
        Because(
            "RNN0019 for a layer argument ('Layers = Model.Depth' on [Lstm]) must be on that argument, not on [RnnModel]",
            () => DiagnosticVerifier.Verify("""
                using RnnGen;

                [RnnModel(InputSize = 4, Steps = 3)]
                [Lstm(8, [|Layers = Model.Depth|])]
                public partial class Model
                {
                    public static readonly int Depth = 2;
                }
                """,
                "RNN0019",
                "The value of 'Layers' cannot be read; use a constant of the documented type",
                "CS0182"));
    }

    // Messages

    [Fact]
    public void RNN0019_Reported_WhenDropoutIsNotAConstant()
    {
        Because(
            "a non-constant Dropout cannot be read: RNN0019 (not RNN0008 claiming the value is NaN)",
            () => DiagnosticVerifier.Verify("""
                using RnnGen;

                [RnnModel(InputSize = 4, Steps = 3)]
                [Lstm(8, Layers = 2, [|Dropout = Model.Rate|])]
                public partial class Model
                {
                    public static readonly float Rate = 0.5f;
                }
                """,
                "RNN0019",
                "The value of 'Dropout' cannot be read; use a constant of the documented type",
                "CS0182"));
    }

    [Theory]
    [InlineData("public partial class Outer<T>")]
    [InlineData("public partial record Outer")]
    [InlineData("public partial interface Outer")]
    public void RNN0002_Reported_ForAModelInsideAnUnsupportedContainer(string container)
    {
        Because(
            $"inside '{container}' everything is partial, so RNN0001 ('must be declared partial') is wrong; " +
            "the container kind is the problem: one RNN0002 that names 'Outer'",
            () =>
            {
                var run = DiagnosticVerifier.Verify($$"""
                    using RnnGen;

                    {{container}}
                    {
                        [RnnModel(InputSize = 4, Steps = 3)]
                        [Lstm(8)]
                        public partial class [|Model|] { }
                    }
                    """,
                    "RNN0002");
                Assert.Contains("Outer", run.RnnDiagnostics.Single().GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            });
    }

    [Fact]
    public void RNN0016_Reported_WithTheLengthLimit_ForATooLongName()
    {
        Because(
            "a 129-character name has no space or quote, so the message must say what is wrong: the 128-character limit",
            () =>
            {
                string name = new('n', 129);
                var run = DiagnosticVerifier.Verify($$"""
                    using RnnGen;

                    [RnnModel(InputSize = 4, Steps = 3)]
                    [Lstm(8, [|Name = "{{name}}"|])]
                    public partial class Model { }
                    """,
                    "RNN0016");
                Assert.Contains("128", run.RnnDiagnostics.Single().GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            });
    }

    [Fact]
    public void RNN0016_NotReported_ForAnExplicitNullName()
    {
        Because(
            "'Name = null' is the property's default value and must mean the default name (layerN), like omitting it",
            () => DiagnosticVerifier.VerifyNotReported("RNN0016", """
                using RnnGen;

                [RnnModel(InputSize = 4, Steps = 3)]
                [Lstm(8, Name = null)]
                public partial class Model { }
                """));
    }

    // Declarations the generator cannot serve

    [Fact]
    public void RNN0002_Reported_ForAFileLocalModel()
    {
        // Today nothing is reported and the generated members land on a different, non-file type
        // named Model: the model the user declared gets none of them.
        Because(
            "a file-local ('file') model cannot receive members from a generated file: it must be an error, not a silent miscompile",
            () => DiagnosticVerifier.Verify("""
                using RnnGen;

                [RnnModel(InputSize = 4, Steps = 3)]
                [Lstm(8)]
                file partial class [|Model|] { }
                """,
                "RNN0002"));
    }

    [Theory]
    [InlineData("Predict")]
    [InlineData("Parameters")]
    [InlineData("Steps")]
    public void RNN0002_Reported_ForAModelNamedLikeAGeneratedMember(string name)
    {
        // Without the check, the generated code fails with CS0542 (member named like its type).
        Because(
            $"a model class named '{name}' collides with the generated member '{name}': it must be reported, not left to a compiler error in generated code",
            () => DiagnosticVerifier.Verify($$"""
                using RnnGen;

                [RnnModel(InputSize = 4, Steps = 3)]
                [Lstm(8)]
                public partial class [|{{name}}|] { }
                """,
                "RNN0002"));
    }

    [Theory]
    [InlineData("var")]
    [InlineData("nameof")]
    public void RNN0002_Reported_ForAModelNamedLikeAContextualKeywordTheGeneratedCodeUses(string name)
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public partial class [|{{name}}|] { }
            """,
            "RNN0002",
            $"'{name}' cannot be a model: a class named '{name}' would change what '{name}' means in the generated code; rename the class");
    }

    [Fact]
    public void RNN0002_NotReported_ForAVerbatimKeywordName_WhichIsGenerated()
    {
        // @class: the generated part must write the verbatim identifier too.
        DiagnosticVerifier.VerifyNotReported("RNN0002", """
            using RnnGen;

            public static partial class @static
            {
                [RnnModel(InputSize = 4, Steps = 3)]
                [Lstm(8)]
                public partial class @class { }
            }
            """);
    }

    [Theory]
    [InlineData("InputSize = 65536, Steps = 65536")]
    [InlineData("InputSize = 65536, Steps = 4096")]
    public void RNN0020_Reported_WhenTheStagedInputAloneExceedsTheLimit(string arguments)
    {
        // The model's input is staged as [T, B, X] floats; EstimateFloats leaves it out. With
        // T * B * X = 2^32 the planner's int arithmetic wraps and the generated InputLength is 0.
        Because(
            "the input buffer [T, B, X] counts toward the float limit: T * B * X >= 2^28 must be RNN0020",
            () => DiagnosticVerifier.Verify($$"""
                using RnnGen;

                [[|RnnModel({{arguments}})|]]
                [Lstm(1)]
                public partial class Model { }
                """,
                "RNN0020"));
    }

    private static void Because(string rule, Action check)
    {
        try
        {
            check();
        }
        catch (XunitException e)
        {
            throw new XunitException("Analyzer defect: " + rule + Environment.NewLine + e.Message);
        }
    }
}
