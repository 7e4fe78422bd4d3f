using System.Linq;
using Microsoft.CodeAnalysis.Diagnostics;
using RnnGen.Generators.Tests.Diagnostics.Harness;
using Xunit;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>
/// The analyzer and the generator agree: a valid model gets no diagnostic and one compiling
/// source; a model with an error gets its diagnostic and no source, and nothing crashes.
/// </summary>
public sealed class GeneratorGateTests
{
    [Theory]
    [InlineData("""
        using RnnGen;

        namespace Demo;

        [RnnModel(InputSize = 65, Steps = 100)]
        [Lstm(128, Name = "lstm")]
        [Dense(65, Name = "fc", Activation = Activation.Softmax)]
        public partial class CharRnn { }
        """)]
    [InlineData("""
        using RnnGen;

        [RnnModel(InputSize = 3, Steps = 5, Mode = SequenceMode.ManyToOne, BatchSize = 4, Loss = LossKind.BinaryCrossEntropy)]
        [Gru(6, Layers = 2, Bidirectional = true, Dropout = 0.25f, Variant = GruVariant.ResetBefore)]
        [Dense(1, Activation = Activation.Sigmoid)]
        internal sealed partial class Sentiment { }
        """)]
    [InlineData("""
        using RnnGen;

        [RnnModel(Steps = 8, Loss = LossKind.CrossEntropy)]
        [Embedding(50, 8, Name = "emb")]
        [SimpleRnn(16, Activation = Activation.Relu, Name = "rnn")]
        [Dense(50, Activation = Activation.Softmax)]
        public partial class Tokens { }
        """)]
    [InlineData("""
        using RnnGen;

        public static partial class Zoo
        {
            [RnnModel(InputSize = 2, Steps = 4)]
            [Lstm(4, Name = "a")]
            [Dense(3, Name = "mid", From = "a", Activation = Activation.Tanh)]
            [Gru(4, Name = "b")]
            [Dense(2)]
            public partial class Branchy { }
        }
        """)]
    public void ValidModel_ReportsNothing_AndIsGenerated(string source)
    {
        var run = DiagnosticVerifier.Verify(source);
        Assert.Empty(run.AnalyzerDiagnostics);
        DiagnosticVerifier.AssertGeneratedAndCompiles(run);
    }

    [Theory]
    [InlineData("""
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8)]
        public class {|RNN0001:Model|} { }
        """)]
    [InlineData("""
        using RnnGen;

        [RnnModel(InputSize = 4, {|RNN0003:Steps = -5|})]
        [Lstm(8)]
        public partial class Model { }
        """)]
    [InlineData("""
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm({|RNN0006:0|})]
        [Dense(2, {|RNN0009:From = "nowhere"|})]
        public partial class Model { }
        """)]
    [InlineData("""
        using RnnGen;

        [{|RNN0004:{|RNN0012:RnnModel(Steps = 3)|}|}]
        [Dense(2)]
        [{|RNN0011:Embedding(10, 2)|}]
        public partial class Model { }
        """)]
    public void ModelWithAnError_IsNotGenerated_AndNothingCrashes(string markup)
    {
        var run = DiagnosticVerifier.Verify(markup);
        Assert.Contains(run.RnnDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        DiagnosticVerifier.AssertNothingGenerated(run);
        Assert.DoesNotContain(run.OutputDiagnostics, d => d.Id is "CS8785" or "AD0001");
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id is "CS8785" or "AD0001");
        Assert.DoesNotContain(run.DriverDiagnostics, d => d.Id is "CS8785" or "AD0001");
    }

    [Fact]
    public void OnlyTheInvalidModelOfTwo_IsLeftOut()
    {
        var run = DiagnosticVerifier.Verify("""
            using RnnGen;

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8)]
            public partial class Good { }

            [RnnModel(InputSize = 4, Steps = 3)]
            [Lstm(8, {|RNN0007:Layers = 0|})]
            public partial class Bad { }
            """);
        Assert.Equal(new[] { "Good.g.cs" }, run.GeneratorResult.GeneratedSources.Select(s => s.HintName).ToArray());
        Assert.DoesNotContain(run.OutputDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Fact]
    public async System.Threading.Tasks.Task WithoutTheRuntime_NothingIsReported()
    {
        // Attributes named like RnnGen's but declared in the test source: a different type, so no model.
        var compilation = TestCompilation.Create("""
            namespace Other
            {
                [System.AttributeUsage(System.AttributeTargets.Class)]
                public sealed class RnnModelAttribute : System.Attribute { public int Steps { get; set; } }

                [RnnModel(Steps = 0)]
                public class Model { }
            }
            """);
        var analyzers = System.Collections.Immutable.ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(
            new RnnGen.Generators.Diagnostics.RnnModelAnalyzer());
        var diagnostics = await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void AClassWithoutRnnModel_IsNotGenerated_AndItsLayersAreReportedAsIgnored()
    {
        var run = DiagnosticVerifier.Verify("""
            using RnnGen;

            [{|RNN0038:Lstm(8)|}]
            public partial class NotAModel { }
            """);
        Assert.Empty(run.GeneratorResult.GeneratedSources);
    }
}
