using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using RnnGen.Generators.Diagnostics;
using RnnGen.Generators.Tests.Diagnostics.Harness;
using RnnGen.Generators.Tests.Infrastructure;
using Xunit;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>
/// The user's members against the generated ones: RNN0042 (a member C# would not let stand beside
/// a generated member, or that a generated member would hide) and RNN0043 (a primary constructor).
/// Overloads and other constructors stay allowed, and work.
/// </summary>
public sealed class MemberDiagnosticsTests
{
    private const string Attributes = """
        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8)]
        """;

    private static string Model(string members, string header = "public partial class Model") => $$"""
        using System;
        using System.IO;
        using RnnGen;
        using RnnGen.Training;

        {{Attributes}}
        {{header}}
        {
            {{members}}
        }
        """;

    // RNN0042: member collides with a generated member

    [Fact]
    public void RNN0042_Reported_OnAMethodWithTheGeneratedSignature()
    {
        DiagnosticVerifier.Verify(
            Model("public void [|Predict|](ReadOnlySpan<float> input, Span<float> output) { }"),
            "RNN0042",
            "The method 'Predict(System.ReadOnlySpan<float>, System.Span<float>)' collides with the generated method 'Predict(System.ReadOnlySpan<float>, System.Span<float>)': rename yours, or give it other parameter types (an overload is fine)");
    }

    [Fact]
    public void RNN0042_Reported_OnAConstantNamedLikeAGeneratedOne()
    {
        DiagnosticVerifier.Verify(
            Model("public const int [|Steps|] = 3;"),
            "RNN0042",
            "The constant 'Steps' collides with the generated constant 'Steps': rename yours");
    }

    [Theory]
    [InlineData("public [|Model|]() { }", "Model()")]
    [InlineData("public [|Model|](int size) { }", "Model(int)")]
    [InlineData("internal [|Model|](int seed) : this(seed, 1) { }\n    private Model(int seed, int size) { }", "Model(int)")]
    public void RNN0042_Reported_OnAConstructorWithTheGeneratedParameters(string constructor, string signature)
    {
        DiagnosticVerifier.Verify(
            Model(constructor),
            "RNN0042",
            $"The constructor '{signature}' collides with the generated constructor '{signature}': RnnGen generates 'Model()' and 'Model(int seed)'; give your constructor other parameters and chain it to a generated one with ': this(seed)' or ': this()'");
    }

    [Theory]
    [InlineData("public Span<float> [|Parameters|] => default;")]
    [InlineData("public float[] [|Gradients|] = new float[1];")]
    [InlineData("public event Action? [|Predict|] { add { } remove { } }")]
    [InlineData("public sealed class [|ResetState|] { }")]
    [InlineData("public sealed class [|Step|]<T> { }")]
    [InlineData("public static int [|InputLength|]() => 0;")]
    [InlineData("public void [|CarryState|](bool carry) { }")]
    [InlineData("public int [|Parameter|] { get; set; }")]
    [InlineData("public bool [|TryTrainStep|](ReadOnlySpan<float> input, ReadOnlySpan<float> targets, IOptimizer optimizer, ref float loss) => false;")]
    [InlineData("public static float [|ComputeGradients|](ReadOnlySpan<float> x, ReadOnlySpan<float> y) => 0;")]
    [InlineData("public void [|LoadSafetensors|](Stream weights) { }")]
    [InlineData("public static int[]? [|ParameterShape|](string? tensor) => null;")]
    [InlineData("public Span<float> [|get_Parameters|]() => default;")]
    [InlineData("public void [|set_CarryState|](bool value) { }")]
    [InlineData("public int [|DefaultSeed|];")]
    [InlineData("public int [|TargetLength|] => 0;")]
    public void RNN0042_Reported_ForEveryKindOfMember(string member)
    {
        DiagnosticVerifier.Verify(Model(member), "RNN0042");
    }

    [Theory]
    [InlineData("[RnnModel(Steps = 3)] [Embedding(10, 4)] [Lstm(8)]", "public void [|Predict|](ReadOnlySpan<int> tokens, Span<float> output) { }")]
    [InlineData("[RnnModel(Steps = 3)] [Embedding(10, 4)] [Lstm(8)]", "public const int [|VocabularySize|] = 10;")]
    [InlineData("[RnnModel(InputSize = 4, Steps = 3)] [Lstm(8)] [Dense(5, Activation = Activation.Softmax)]", "public float [|ComputeLoss|](ReadOnlySpan<float> input, ReadOnlySpan<int> classes) => 0;")]
    [InlineData("[RnnModel(InputSize = 4, Steps = 3, Mode = SequenceMode.EncoderDecoder, OutputSteps = 2)] [Gru(8)] [Gru(8, Decoder = true)]", "public int [|OutputSteps|] => 2;")]
    [InlineData("[RnnModel(InputSize = 4, Steps = 3, Mode = SequenceMode.OneToMany)] [Gru(4)]", "public void [|Step|](ReadOnlySpan<float> x, Span<float> y) { }")]
    public void RNN0042_Reported_ForMembersThatOnlySomeModelsGenerate(string attributes, string member)
    {
        DiagnosticVerifier.Verify($$"""
            using System;
            using RnnGen;

            {{attributes}}
            public partial class Model
            {
                {{member}}
            }
            """,
            "RNN0042");
    }

    [Fact]
    public void RNN0042_Reported_OnAnExplicitImplementationTheGeneratedCodeAlsoWrites()
    {
        // Before generation the class does not implement the rest of IRnnModel yet (CS0535).
        DiagnosticVerifier.Verify(
            Model("int IRnnModel.[|InputLength|] => 12;", header: "public partial class Model : IRnnModel"),
            "RNN0042",
            "The property 'RnnGen.IRnnModel.InputLength' collides with the generated property 'RnnGen.IRnnModel.InputLength': the generated code implements it; remove yours",
            "CS0535");
    }

    [Fact]
    public void RNN0042_Reported_OnTheClassName_ForAnInheritedMember()
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            public class Station
            {
                public int Steps() => 24;
            }

            {{Attributes}}
            public partial class [|Model|] : Station { }
            """,
            "RNN0042",
            "The method 'Steps()', inherited from 'Station', collides with the generated constant 'Steps': the generated member would hide it; rename it in 'Station', or derive the model from another class");
    }

    [Theory]
    [InlineData("protected void Predict(System.ReadOnlySpan<float> input, System.Span<float> output) { }")]
    [InlineData("public virtual void ResetState() { }")]
    [InlineData("internal static int BatchSize;")]
    [InlineData("public System.Span<float> Parameters => default;")]
    public void RNN0042_Reported_ForMembersInheritedFromEveryLevel(string member)
    {
        DiagnosticVerifier.Verify($$"""
            using RnnGen;

            public class Root
            {
                {{member}}
            }

            public class Station : Root { }

            {{Attributes}}
            public partial class [|Model|] : Station { }
            """,
            "RNN0042");
    }

    [Theory]
    [InlineData("public void Predict(string text) { }")]
    [InlineData("public void Predict(in ReadOnlySpan<float> input, Span<float> output) { }")]
    [InlineData("public void Predict<T>(ReadOnlySpan<float> input, Span<float> output) { }")]
    [InlineData("public const int OutputSteps = 2;")]
    [InlineData("public const int VocabularySize = 10;")]
    [InlineData("public float ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<int> classes) => 0;")]
    [InlineData("public void LoadSafetensors(byte[] bytes) { }")]
    [InlineData("public int TensorNames => 0;")]
    [InlineData("public int Item => 0;")]
    [InlineData("public string get_Steps => \"\";")]
    public void RNN0042_NotReported_ForOverloadsAndNamesThisModelDoesNotGenerate(string member)
    {
        DiagnosticVerifier.VerifyNotReported("RNN0042", Model(member));
    }

    [Theory]
    [InlineData("public Model(string name) : this(7) { }", "CS1503")]
    [InlineData("public Model(long seed) : this() { }", "CS7036")]
    [InlineData("public Model(in int seed) : this() { }", "CS7036")]
    [InlineData("public Model(string name, int seed) : this(seed) { }\n    public Model(string name) : this(name, 3) { }", "CS1503")]
    public void RNN0042_NotReported_ForConstructorsWithOtherParameters(string constructors, string beforeGeneration)
    {
        // Before generation there is no constructor to chain to yet (the compiler says so in its own words).
        DiagnosticVerifier.VerifyNotReported("RNN0042", Model(constructors), beforeGeneration);
    }

    [Fact]
    public void RNN0042_NotReported_ForStepInABidirectionalModel()
    {
        // No Step is generated for a bidirectional model: the user may write one.
        DiagnosticVerifier.VerifyNotReported("RNN0042", """
            using System;
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, Bidirectional = true)]
            public partial class Model
            {
                public void Step(ReadOnlySpan<float> x, Span<float> y) { }
            }
            """);
    }

    [Fact]
    public void RNN0042_NotReported_ForMembersABaseClassKeepsToItself()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0042", $$"""
            using RnnGen;

            public class Station
            {
                private int Steps() => 24;

                public Station() { }

                public Station(int seed) { }
            }

            {{Attributes}}
            public partial class Model : Station { }
            """);
    }

    [Fact]
    public void RNN0042_NotReported_ForAnExplicitImplementationTheGeneratedCodeLeavesToThePublicMember()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0042",
            Model("void IRnnModel.ResetState() { }", header: "public partial class Model : IRnnModel"),
            "CS0535");
    }

    [Fact]
    public async System.Threading.Tasks.Task RNN0042_NotReported_ForTheGeneratedMembersThemselves_InABuild()
    {
        // In a build the analyzer sees the generated file too: its members are RnnGen's, not the user's.
        var run = GeneratorHarness.Run(Model("public void Predict(string text) { }\n    public Model(string name) : this(3) { }"));
        Assert.Single(run.GeneratedSources);
        var diagnostics = await run.OutputCompilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new RnnModelAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void An_overload_of_a_generated_method_compiles_and_works()
    {
        using var loaded = GeneratorHarness.CompileAndLoad($$"""
            using System;
            using RnnGen;

            namespace Demo;

            {{Attributes}}
            public partial class Model
            {
                /// <summary>The last step's output for a [T, X] input given as one array.</summary>
                public float[] Predict(float[] sequence)
                {
                    var output = new float[OutputLength];
                    Predict(sequence, output);
                    return output.AsSpan(OutputLength - OutputSize).ToArray();
                }

                public void Predict(string text) => throw new NotSupportedException(text);
            }

            public static class Entry
            {
                public static float[] Overload() => new Model(5).Predict(Input());

                public static float[] Generated()
                {
                    var output = new float[Model.OutputLength];
                    new Model(5).Predict(Input(), output);
                    return output.AsSpan(Model.OutputLength - Model.OutputSize).ToArray();
                }

                private static float[] Input()
                {
                    var input = new float[Model.InputLength];
                    for (int i = 0; i < input.Length; i++) input[i] = 0.1f * i;
                    return input;
                }
            }
            """);
        var overload = (float[])loaded.InvokeStatic("Demo.Entry", "Overload")!;
        Assert.Equal((float[])loaded.InvokeStatic("Demo.Entry", "Generated")!, overload);
        Assert.Contains(overload, v => v != 0);
    }

    [Fact]
    public void A_constructor_with_other_parameters_chains_to_the_generated_ones()
    {
        using var loaded = GeneratorHarness.CompileAndLoad($$"""
            using System;
            using RnnGen;

            namespace Demo;

            {{Attributes}}
            public partial class Model
            {
                public Model(string name, int seed) : this(seed) => Name = name;

                public Model(string name) : this() => Name = name;

                public string Name { get; } = "";
            }

            public static class Entry
            {
                public static bool Seeded() =>
                    new Model("a", 7).Name == "a" && new Model("a", 7).Parameters.SequenceEqual(new Model(7).Parameters)
                    && !new Model("a", 7).Parameters.SequenceEqual(new Model().Parameters);

                public static bool Default() =>
                    new Model("b").Name == "b" && new Model("b").Parameters.SequenceEqual(new Model(Model.DefaultSeed).Parameters);
            }
            """);
        Assert.True((bool)loaded.InvokeStatic("Demo.Entry", "Seeded")!, "Model(name, seed) : this(seed) must initialize as Model(seed)");
        Assert.True((bool)loaded.InvokeStatic("Demo.Entry", "Default")!, "Model(name) : this() must initialize as Model()");
    }

    // RNN0043: model class has a primary constructor

    [Theory]
    [InlineData("public partial class Model[|(string station)|]")]
    [InlineData("public partial class Model[|()|]")]
    [InlineData("public partial class Model[|(int seed)|]")]
    public void RNN0043_Reported_OnThePrimaryConstructorsParameters(string header)
    {
        DiagnosticVerifier.Verify(
            Model("", header),
            "RNN0043",
            "The model class 'Model' has a primary constructor, which the generated constructors 'Model()' and 'Model(int seed)' cannot call; declare an ordinary constructor instead and chain it to a generated one with ': this(seed)'");
    }

    [Fact]
    public void RNN0043_NotReported_ForAnOrdinaryConstructor()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0043", Model("public Model(string station) : this() => Station = station;\n    public string Station { get; } = \"\";"),
            "CS7036");
    }

    // A model derived from another model is RNN0040 (TypeDiagnosticsTests); from an ordinary class it is fine.

    [Fact]
    public void RNN0002_NotReported_ForAModelDerivedFromAnOrdinaryClass()
    {
        DiagnosticVerifier.VerifyNotReported("RNN0002", $$"""
            using RnnGen;

            public abstract class Forecast
            {
                public abstract string Describe();
            }

            {{Attributes}}
            public partial class Model : Forecast
            {
                public override string Describe() => "LSTM";
            }
            """);
    }
}
