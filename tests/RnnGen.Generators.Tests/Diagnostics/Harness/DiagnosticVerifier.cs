using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace RnnGen.Generators.Tests.Diagnostics.Harness;

/// <summary>
/// Checks a marked-up source: the analyzer must report exactly the marked diagnostics (ID and
/// span, nothing more), never throw, and the generator must agree: no source for a model with
/// an error, one compiling source for a model without.
/// </summary>
internal static class DiagnosticVerifier
{
    /// <summary>
    /// Verifies that <paramref name="markup"/> reports exactly its marked diagnostics and returns
    /// the run for further checks.
    /// </summary>
    /// <param name="markup">The source with <c>{|ID:...|}</c> / <c>[|...|]</c> markers.</param>
    /// <param name="defaultId">The ID of <c>[|...|]</c> markers.</param>
    /// <param name="message">When given, the exact message every <paramref name="defaultId"/> diagnostic must have.</param>
    /// <param name="allowedCompilerErrors">Compiler errors the source is written to have (e.g. a non-constant argument).</param>
    public static ModelAnalysis Verify(string markup, string? defaultId = null, string? message = null, params string[] allowedCompilerErrors)
    {
        var (source, expected) = Markup.Parse(markup, defaultId);
        var run = ModelAnalysis.Run(source);

        AssertHealthy(run, allowedCompilerErrors);

        string expectedText = string.Join(Environment.NewLine, expected
            .OrderBy(e => e.Span.Start).ThenBy(e => e.Span.End).ThenBy(e => e.Id, StringComparer.Ordinal)
            .Select(e => $"{e.Id} {e.Span} '{source.Substring(e.Span.Start, e.Span.Length)}'"));
        string actualText = string.Join(Environment.NewLine, run.RnnDiagnostics
            .Select(d => $"{d.Id} {d.Location.SourceSpan} '{source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)}'"));
        Assert.True(
            expectedText == actualText,
            "The analyzer's diagnostics differ from the marked ones." + Environment.NewLine +
            "Expected:" + Environment.NewLine + Indent(expectedText) + Environment.NewLine +
            "Actual:" + Environment.NewLine + Indent(string.Join(Environment.NewLine, run.RnnDiagnostics.Select(ModelAnalysis.Describe))));

        foreach (var diagnostic in run.RnnDiagnostics)
        {
            Assert.True(diagnostic.Location.SourceTree?.FilePath == TestCompilation.SourcePath, $"{diagnostic.Id} is not located in the test source");
            Assert.False(string.IsNullOrWhiteSpace(diagnostic.GetMessage(CultureInfo.InvariantCulture)), $"{diagnostic.Id} has an empty message");
        }
        if (message is not null)
        {
            var matching = run.RnnDiagnostics.Where(d => d.Id == defaultId).ToList();
            Assert.NotEmpty(matching);
            foreach (var diagnostic in matching)
            {
                Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
            }
        }

        // With one model the generator's output follows from the diagnostics; with several the test checks it.
        // RNN0029 is about a call site (Step on a bidirectional model), not the model: the model is still generated.
        bool anyError = run.RnnDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && d.Id != "RNN0029");
        if (anyError && CountModels(source) == 1)
        {
            AssertNothingGenerated(run);
        }
        else if (CountModels(source) == 1)
        {
            AssertGeneratedAndCompiles(run, allowedCompilerErrors);
        }
        return run;
    }

    /// <summary>
    /// A near miss: <paramref name="markup"/> is close to triggering <paramref name="id"/> but must
    /// not; every diagnostic it does report must be marked (usually none).
    /// </summary>
    public static ModelAnalysis VerifyNotReported(string id, string markup, params string[] allowedCompilerErrors)
    {
        var run = Verify(markup, defaultId: null, message: null, allowedCompilerErrors);
        Assert.DoesNotContain(run.RnnDiagnostics, d => d.Id == id);
        return run;
    }

    /// <summary>No analyzer exception, no AD0001, no generator crash, no compiler errors beyond the allowed ones.</summary>
    public static void AssertHealthy(ModelAnalysis run, params string[] allowedCompilerErrors)
    {
        Assert.True(run.AnalyzerExceptions.Count == 0, "The analyzer threw: " + string.Join(Environment.NewLine, run.AnalyzerExceptions));
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id == "AD0001");
        Assert.True(run.GeneratorResult.Exception is null, "The generator threw: " + run.GeneratorResult.Exception);
        Assert.DoesNotContain(run.DriverDiagnostics, d => d.Id == "CS8785");
        Assert.DoesNotContain(run.OutputDiagnostics, d => d.Id == "CS8785");
        var generatorDiagnostics = run.GeneratorResult.Diagnostics.Concat(run.DriverDiagnostics).ToList();
        Assert.True(generatorDiagnostics.Count == 0,
            "The generator reported diagnostics (it should leave that to the analyzer): " +
            string.Join("; ", generatorDiagnostics.Select(ModelAnalysis.Describe)));

        var unexpected = run.CompilerDiagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error && !allowedCompilerErrors.Contains(d.Id))
            .ToList();
        Assert.True(unexpected.Count == 0, "The test source does not compile: " + string.Join("; ", unexpected.Select(ModelAnalysis.Describe)));
        foreach (var id in allowedCompilerErrors)
        {
            Assert.Contains(run.CompilerDiagnostics, d => d.Id == id);
        }
    }

    /// <summary>The generator produced no source at all.</summary>
    public static void AssertNothingGenerated(ModelAnalysis run)
    {
        Assert.True(run.GeneratorResult.GeneratedSources.IsEmpty,
            "The generator produced source for a model with an error: " +
            string.Join(", ", run.GeneratorResult.GeneratedSources.Select(s => s.HintName)));
    }

    /// <summary>The generator produced exactly one source, and the source with it has no compiler errors.</summary>
    public static void AssertGeneratedAndCompiles(ModelAnalysis run, params string[] allowedCompilerErrors)
    {
        Assert.True(run.GeneratorResult.GeneratedSources.Length == 1,
            $"Expected one generated source for a valid model, got {run.GeneratorResult.GeneratedSources.Length}");
        var errors = run.OutputDiagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error && !allowedCompilerErrors.Contains(d.Id))
            .ToList();
        Assert.True(errors.Count == 0, "The generated code does not compile: " + string.Join(Environment.NewLine, errors.Take(10).Select(ModelAnalysis.Describe)));
    }

    private static int CountModels(string source)
    {
        int count = 0;
        for (int at = source.IndexOf("[RnnModel", StringComparison.Ordinal); at >= 0; at = source.IndexOf("[RnnModel", at + 1, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private static string Indent(string text) =>
        text.Length == 0 ? "    (none)" : string.Join(Environment.NewLine, text.Split(Environment.NewLine).Select(l => "    " + l));
}
