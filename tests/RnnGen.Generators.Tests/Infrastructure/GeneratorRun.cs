using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Generators.Tests.Infrastructure;

/// <summary>The outcome of one generator run over a compilation.</summary>
public sealed class GeneratorRun
{
    private ImmutableArray<Diagnostic>? compilationDiagnostics;

    internal GeneratorRun(CSharpCompilation input, Compilation output, GeneratorDriver driver, GeneratorDriverRunResult result, ImmutableArray<Diagnostic> generatorDiagnostics)
    {
        InputCompilation = input;
        OutputCompilation = output;
        Driver = driver;
        RunResult = result;
        GeneratorDiagnostics = generatorDiagnostics;
        var sources = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var generated in result.Results.SelectMany(r => r.GeneratedSources))
        {
            sources[generated.HintName] = generated.SourceText.ToString();
        }

        GeneratedSources = sources;
    }

    /// <summary>The compilation the generator saw.</summary>
    public CSharpCompilation InputCompilation { get; }

    /// <summary>The compilation with the generated sources added.</summary>
    public Compilation OutputCompilation { get; }

    /// <summary>The driver after the run (holds the incremental state for a next run).</summary>
    public GeneratorDriver Driver { get; }

    /// <summary>The driver's run result (generated sources, tracked steps, exceptions).</summary>
    public GeneratorDriverRunResult RunResult { get; }

    /// <summary>Diagnostics the generators reported.</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; }

    /// <summary>Generated source text by hint name.</summary>
    public IReadOnlyDictionary<string, string> GeneratedSources { get; }

    /// <summary>Every diagnostic of the output compilation (declaration, binding and emit-independent).</summary>
    public ImmutableArray<Diagnostic> CompilationDiagnostics => compilationDiagnostics ??= OutputCompilation.GetDiagnostics();

    /// <summary>Generator exceptions, generator warnings and errors, and compilation errors (warnings are errors here).</summary>
    public IReadOnlyList<Diagnostic> Errors =>
        GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Concat(CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && !d.IsSuppressed)))
            .ToList();

    /// <summary>A readable list of <see cref="Errors"/>: id, message, file, line and the text of that line.</summary>
    public string DescribeErrors() => Describe(Errors);

    /// <summary>Emits the output compilation and loads it into a collectible context; throws <see cref="HarnessException"/> on any error.</summary>
    public LoadedAssembly CompileAndLoad()
    {
        var exceptions = RunResult.Results.Where(r => r.Exception is not null).Select(r => r.Generator.GetGeneratorType().Name + " threw: " + r.Exception).ToList();
        if (exceptions.Count > 0)
        {
            throw new HarnessException(string.Join("\n", exceptions) + "\n" + DescribeErrors());
        }

        // Emit binds every method body once and reports every compile diagnostic, so there is
        // no separate GetDiagnostics pass (it would bind everything twice).
        var generatorErrors = GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        using var pe = new MemoryStream();
        var emit = OutputCompilation.Emit(pe);
        var errors = generatorErrors
            .Concat(emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && !d.IsSuppressed)))
            .ToList();
        if (errors.Count > 0 || !emit.Success)
        {
            throw new HarnessException(Describe(errors));
        }

        pe.Position = 0;
        return LoadedAssembly.Load(pe, OutputCompilation.AssemblyName ?? "Generated");
    }

    /// <summary>Formats diagnostics with the source line each points at.</summary>
    public static string Describe(IReadOnlyCollection<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var sb = new StringBuilder();
        sb.Append(diagnostics.Count.ToString(CultureInfo.InvariantCulture)).Append(" error(s):\n");
        foreach (var d in diagnostics.Take(200))
        {
            sb.Append(d.Id).Append(' ').Append(d.Severity).Append(": ").Append(d.GetMessage(CultureInfo.InvariantCulture)).Append('\n');
            if (d.Location.IsInSource && d.Location.SourceTree is { } tree)
            {
                var span = d.Location.GetLineSpan();
                int line = span.StartLinePosition.Line;
                var lines = tree.GetText().Lines;
                sb.Append("    at ").Append(Path.GetFileName(tree.FilePath)).Append(':')
                    .Append((line + 1).ToString(CultureInfo.InvariantCulture)).Append(':')
                    .Append((span.StartLinePosition.Character + 1).ToString(CultureInfo.InvariantCulture)).Append('\n');
                if (line < lines.Count)
                {
                    sb.Append("    | ").Append(lines[line].ToString().Trim()).Append('\n');
                }
            }
        }

        if (diagnostics.Count > 200)
        {
            sb.Append("… and ").Append((diagnostics.Count - 200).ToString(CultureInfo.InvariantCulture)).Append(" more\n");
        }

        return sb.ToString();
    }
}
