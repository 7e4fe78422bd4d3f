using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using RnnGen.Generators.Diagnostics;
using RnnGen.Generators.Tests.Diagnostics.Harness;
using Xunit;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>RNN0026 and RNN0027: the generator without the runtime, or with an older runtime.</summary>
public sealed class RuntimeReferenceTests
{
    private const string Model = """
        using RnnGen;

        [RnnModel(InputSize = 4, Steps = 3)]
        [Lstm(8)]
        public partial class Model { }
        """;

    private static ImmutableArray<Diagnostic> Analyze(string source, params MetadataReference[] runtime)
    {
        var compilation = CSharpCompilation.Create(
            "RuntimeReference_" + Guid.NewGuid().ToString("N"),
            new[] { CSharpSyntaxTree.ParseText(source, TestCompilation.ParseOptions) },
            Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>().Concat(runtime),
            TestCompilation.Options);
        var exceptions = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (e, _, _) => exceptions.Enqueue(e), concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var diagnostics = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new RnnModelAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        Assert.Empty(exceptions);
        return diagnostics;
    }

    /// <summary>An assembly named RnnGen with the attributes, at an old version.</summary>
    private static MetadataReference FakeRuntime(string version)
    {
        var source = $$"""
            [assembly: System.Reflection.AssemblyVersion("{{version}}")]
            namespace RnnGen
            {
                [System.AttributeUsage(System.AttributeTargets.Class)]
                public sealed class RnnModelAttribute : System.Attribute { public int InputSize { get; set; } public int Steps { get; set; } }
                [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true)]
                public sealed class LstmAttribute : System.Attribute { public LstmAttribute(int hiddenSize) { } }
            }
            """;
        var compilation = CSharpCompilation.Create("RnnGen", new[] { CSharpSyntaxTree.ParseText(source) },
            Basic.Reference.Assemblies.Net100.References.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    private static MetadataReference RealRuntime => MetadataReference.CreateFromFile(typeof(RnnGen.RnnModelAttribute).Assembly.Location);

    [Fact]
    public void RNN0026_Reported_OnTheAttribute_WhenTheRuntimeIsNotReferenced()
    {
        var diagnostics = Analyze(Model);
        var d = Assert.Single(diagnostics, x => x.Id == "RNN0026");
        Assert.Equal("RnnModel(InputSize = 4, Steps = 3)", d.Location.SourceTree!.ToString().Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains("not referenced", d.GetMessage());
    }

    [Fact]
    public void RNN0026_NotReported_WithTheRuntime_OrForOtherAttributes()
    {
        Assert.DoesNotContain(Analyze(Model, RealRuntime), d => d.Id == "RNN0026");
        Assert.DoesNotContain(Analyze("[System.Obsolete] public class Plain { }"), d => d.Id == "RNN0026");
    }

    [Fact]
    public void RNN0027_Reported_OnTheClass_WhenTheRuntimeIsOlder()
    {
        var diagnostics = Analyze(Model, FakeRuntime("0.0.9.0"));
        var d = Assert.Single(diagnostics, x => x.Id == "RNN0027");
        Assert.Equal("Model", d.Location.SourceTree!.ToString().Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains("version 0.0.9", d.GetMessage());
    }

    [Fact]
    public void RNN0027_NotReported_WithTheMatchingOrANewerRuntime()
    {
        Assert.DoesNotContain(Analyze(Model, RealRuntime), d => d.Id == "RNN0027");
        Assert.DoesNotContain(Analyze(Model, FakeRuntime("9.0.0.0")), d => d.Id == "RNN0027");
    }
}
