using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using RnnGen.Generators.Diagnostics;

namespace RnnGen.Generators.Tests.Diagnostics.Harness;

/// <summary>Everything one source produces when RnnGen's analyzer and generator run on it.</summary>
internal sealed class ModelAnalysis
{
    private ModelAnalysis(
        CSharpCompilation compilation,
        ImmutableArray<Diagnostic> compilerDiagnostics,
        ImmutableArray<Diagnostic> analyzerDiagnostics,
        IReadOnlyList<Exception> analyzerExceptions,
        GeneratorRunResult generatorResult,
        ImmutableArray<Diagnostic> driverDiagnostics,
        ImmutableArray<Diagnostic> outputDiagnostics)
    {
        Compilation = compilation;
        CompilerDiagnostics = compilerDiagnostics;
        AnalyzerDiagnostics = analyzerDiagnostics;
        AnalyzerExceptions = analyzerExceptions;
        GeneratorResult = generatorResult;
        DriverDiagnostics = driverDiagnostics;
        OutputDiagnostics = outputDiagnostics;
    }

    /// <summary>The test source compiled on its own, before generation.</summary>
    public CSharpCompilation Compilation { get; }

    /// <summary>The compiler's diagnostics on the test source alone (no generated code).</summary>
    public ImmutableArray<Diagnostic> CompilerDiagnostics { get; }

    /// <summary>What <see cref="RnnModelAnalyzer"/> reported, plus any AD0001 the analyzer host raised.</summary>
    public ImmutableArray<Diagnostic> AnalyzerDiagnostics { get; }

    /// <summary>Exceptions thrown by the analyzer (should always be empty).</summary>
    public IReadOnlyList<Exception> AnalyzerExceptions { get; }

    /// <summary>The generator's run: generated sources, its diagnostics and any exception.</summary>
    public GeneratorRunResult GeneratorResult { get; }

    /// <summary>The driver's diagnostics (a generator that throws shows up here as CS8785).</summary>
    public ImmutableArray<Diagnostic> DriverDiagnostics { get; }

    /// <summary>The compiler's diagnostics on the test source together with the generated code.</summary>
    public ImmutableArray<Diagnostic> OutputDiagnostics { get; }

    /// <summary>Only the RnnGen diagnostics, ordered by position then ID.</summary>
    public IReadOnlyList<Diagnostic> RnnDiagnostics => AnalyzerDiagnostics
        .Where(d => d.Id.StartsWith("RNN", StringComparison.Ordinal))
        .OrderBy(d => d.Location.SourceSpan.Start)
        .ThenBy(d => d.Location.SourceSpan.End)
        .ThenBy(d => d.Id, StringComparer.Ordinal)
        .ToList();

    /// <summary>Compiles <paramref name="source"/>, runs the analyzer over it and the generator on it.</summary>
    public static ModelAnalysis Run(string source)
    {
        var compilation = TestCompilation.Create(source);
        var compilerDiagnostics = compilation.GetDiagnostics();

        var exceptions = new ConcurrentQueue<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => exceptions.Enqueue(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new RnnModelAnalyzer()), options);
        var analyzerDiagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new RnnModelGenerator().AsSourceGenerator() },
            parseOptions: TestCompilation.ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
        var result = driver.GetRunResult().Results.Single();
        var outputDiagnostics = output.GetDiagnostics();

        return new ModelAnalysis(
            compilation,
            compilerDiagnostics,
            analyzerDiagnostics,
            exceptions.ToList(),
            result,
            driverDiagnostics,
            outputDiagnostics);
    }

    /// <summary>A diagnostic as one readable line: ID, span, the text it covers and its message.</summary>
    public static string Describe(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.SourceSpan;
        string text = diagnostic.Location.IsInSource
            ? diagnostic.Location.SourceTree!.GetText().ToString(span)
            : "<no source location>";
        return $"{diagnostic.Id} {span} '{text}': {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
