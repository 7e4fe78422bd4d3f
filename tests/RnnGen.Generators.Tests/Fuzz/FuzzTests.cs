using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using RnnGen.Generators.Diagnostics;
using RnnGen.Generators.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Generators.Tests.Fuzz;

/// <summary>
/// Robustness: seeded random and malformed model declarations go through the analyzer and the
/// generator. Neither may throw (no AD0001, no CS8785), and every declaration must either be
/// reported (an RNN error, or a compiler error in the user's own text) or compile into a model
/// whose generated code has no errors. A sample of the valid models is loaded and run.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class FuzzTests
{
    private const int Seed = 20261129;
    private const int Compilations = 50;
    private const int PerCompilation = 200;
    private const int SampledModels = 50;

    private readonly ITestOutputHelper output;
    private long analyzerTicks;
    private long generatorTicks;
    private long compileTicks;

    public FuzzTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Random_declarations_get_a_diagnostic_or_a_working_model()
    {
        var total = Stopwatch.StartNew();
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var rnnIds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var samples = new List<FuzzCase>();
        int declarations = 0;

        // Declarations come from one seeded sequence; the compilations are then checked two at a time.
        var source = new FuzzDeclarations(Seed);
        var batches = Enumerable.Range(0, Compilations)
            .Select(c => Enumerable.Range(0, PerCompilation)
                .Select(i =>
                {
                    string ns = string.Create(CultureInfo.InvariantCulture, $"Fz{c:D2}_{i:D3}");
                    return source.Next(ns + ".cs", ns);
                })
                .ToList())
            .ToList();
        var results = new (List<(FuzzCase Case, string Outcome)> Outcomes, List<string> Failures, SortedDictionary<string, int> Ids)[Compilations];
        System.Threading.Tasks.Parallel.For(0, Compilations, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 2 }, c =>
        {
            var batchFailures = new List<string>();
            var ids = new SortedDictionary<string, int>(StringComparer.Ordinal);
            results[c] = (CheckCompilation(c, batches[c], batchFailures, ids), batchFailures, ids);
        });
        foreach (var (result, batchFailures, ids) in results)
        {
            declarations += result.Count;
            failures.AddRange(batchFailures);
            foreach (var pair in ids) rnnIds[pair.Key] = rnnIds.GetValueOrDefault(pair.Key) + pair.Value;
            foreach (var (_, outcome) in result)
            {
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }

            // Two valid top-level models per compilation (while the sample is short) are run below.
            samples.AddRange(result
                .Where(r => r.Outcome.StartsWith("valid model", StringComparison.Ordinal) && !r.Outcome.Contains("warnings", StringComparison.Ordinal) && r.Case.TopLevel && r.Case.TokenInput is not null && !r.Case.Mutations.Contains("type: abstract"))
                .Select(r => r.Case)
                .Take(Math.Min(2, SampledModels - samples.Count)));
        }
        var checkTime = total.Elapsed;

        int ran = 0;
        foreach (var sample in samples)
        {
            if (RunSample(sample, failures)) ran++;
        }

        output.WriteLine($"Seed {Seed}: {declarations} declarations in {Compilations} compilations of {PerCompilation}; checked in {checkTime.TotalSeconds:F1} s, {ran} of {samples.Count} sampled models run in {(total.Elapsed - checkTime).TotalSeconds:F1} s.");
        foreach (var pair in outcomes.OrderByDescending(p => p.Value))
        {
            output.WriteLine($"  {pair.Key}: {pair.Value}");
        }
        output.WriteLine($"Time summed over both workers: analyzer {TimeSpan.FromTicks(analyzerTicks).TotalSeconds:F1} s, generator {TimeSpan.FromTicks(generatorTicks).TotalSeconds:F1} s, compiling the output {TimeSpan.FromTicks(compileTicks).TotalSeconds:F1} s.");
        output.WriteLine("RNN diagnostics reported (all severities): " + string.Join(", ", rnnIds.Select(p => $"{p.Key} x{p.Value}")));
        output.WriteLine($"Failures: {failures.Count}");
        foreach (var failure in failures)
        {
            output.WriteLine("FUZZ FAILURE " + failure);
        }

        Assert.True(declarations >= 10_000, $"Only {declarations} declarations were fuzzed");
        Assert.True(failures.Count == 0, $"{failures.Count} fuzz failure(s); the first:" + Environment.NewLine + string.Join(Environment.NewLine, failures.Take(5)));
    }

    private List<(FuzzCase Case, string Outcome)> CheckCompilation(int index, List<FuzzCase> cases, List<string> failures, SortedDictionary<string, int> rnnIds, int depth = 0)
    {
        var compilation = GeneratorHarness.CreateCompilation(cases.Select(c => (c.Path, c.Text)), "Fuzz" + index.ToString(CultureInfo.InvariantCulture));
        var compilerDiagnostics = compilation.GetDiagnostics();

        // The analyzer, with its exceptions captured.
        var clock = Stopwatch.StartNew();
        var exceptions = new ConcurrentQueue<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => exceptions.Enqueue(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var analyzerDiagnostics = compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new RnnModelAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        System.Threading.Interlocked.Add(ref analyzerTicks, clock.Elapsed.Ticks);
        foreach (var exception in exceptions)
        {
            failures.Add($"compilation {index}: the analyzer threw: {exception}");
        }
        foreach (var ad in analyzerDiagnostics.Where(d => d.Id == "AD0001"))
        {
            failures.Add($"compilation {index}: AD0001 {ad.GetMessage(CultureInfo.InvariantCulture)} in {Owner(ad, cases)}");
        }
        foreach (var d in analyzerDiagnostics.Where(d => d.Id.StartsWith("RNN", StringComparison.Ordinal)))
        {
            rnnIds[d.Id] = rnnIds.GetValueOrDefault(d.Id) + 1;
        }

        // The generator (every generator of the assembly, as a build runs them).
        clock.Restart();
        var run = GeneratorHarness.Run(compilation);
        System.Threading.Interlocked.Add(ref generatorTicks, clock.Elapsed.Ticks);

        // Which declaration declares which model (a truncated namespace can move a class).
        var modelHints = cases.ToDictionary(c => c, c => ModelHints(compilation, c.Path));

        var crashes = run.RunResult.Results.Where(r => r.Exception is not null).Select(r => r.Exception!).ToList();
        if (crashes.Count > 0)
        {
            // A crash drops every generated file of the compilation: name the declarations behind it,
            // then check the others without them so that the crash does not hide other findings.
            var culprits = cases.Where(c => crashes.Any(e => modelHints[c].Any(h => e.Message.Contains("'" + h + "'", StringComparison.Ordinal)))).ToList();
            foreach (var e in crashes)
            {
                failures.Add($"compilation {index}: GENERATOR CRASH (CS8785): {e.GetType().Name}: {e.Message}" +
                    (culprits.Count == 0 ? " (declaration not identified)" : ""));
            }
            foreach (var culprit in culprits)
            {
                failures.Add(Describe(culprit, "GENERATOR CRASH (CS8785) caused by this declaration"));
            }
            if (culprits.Count > 0 && depth < 3)
            {
                var rest = cases.Except(culprits).ToList();
                var outcomesWithout = CheckCompilation(index, rest, failures, rnnIds, depth + 1);
                outcomesWithout.AddRange(culprits.Select(c => (c, "GENERATOR CRASH")));
                return outcomesWithout;
            }
        }
        foreach (var d in run.GeneratorDiagnostics.Concat(run.RunResult.Diagnostics).Where(d => d.Id != "CS8785" || crashes.Count == 0))
        {
            failures.Add($"compilation {index}: the generator reported {d.Id} ({d.GetMessage(CultureInfo.InvariantCulture)})");
        }

        var before = new HashSet<string>(compilerDiagnostics.Select(Key), StringComparer.Ordinal);
        clock.Restart();
        var outputCompilation = run.OutputCompilation;
        var newErrors = outputCompilation.GetParseDiagnostics().Concat(outputCompilation.GetDeclarationDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error && !before.Contains(Key(d)))
            .ToList();
        System.Threading.Interlocked.Add(ref compileTicks, clock.Elapsed.Ticks);
        int plainValid = 0;
        var generatedHints = run.GeneratedSources.Keys.ToList();

        var outcomes = new List<(FuzzCase, string)>();
        var attributedHints = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fuzzCase in cases)
        {
            var rnnErrors = analyzerDiagnostics
                .Where(d => d.DefaultSeverity == DiagnosticSeverity.Error && d.Id.StartsWith("RNN", StringComparison.Ordinal) && d.Location.SourceTree?.FilePath == fuzzCase.Path)
                .ToList();
            var ownErrors = compilerDiagnostics
                .Where(d => d.Severity == DiagnosticSeverity.Error && !d.IsWarningAsError && d.Location.SourceTree?.FilePath == fuzzCase.Path)
                .ToList();
            var hints = generatedHints.Where(modelHints[fuzzCase].Contains).ToList();
            // A warning the user's own text already has (e.g. a lower-case type name) is not the generator's doing.
            var ownWarnings = new HashSet<string>(compilerDiagnostics.Where(d => d.Location.SourceTree?.FilePath == fuzzCase.Path && (d.IsWarningAsError || d.Severity == DiagnosticSeverity.Warning)).Select(d => d.Id), StringComparer.Ordinal);
            attributedHints.UnionWith(hints);

            string outcome;
            if (rnnErrors.Count > 0)
            {
                outcome = "RNN error";
                if (hints.Count > 0 && ownErrors.Count == 0)
                {
                    failures.Add(Describe(fuzzCase, $"the analyzer reports {string.Join(", ", rnnErrors.Select(d => d.Id))} but the generator still produced {string.Join(", ", hints)}"));
                }
            }
            else if (ownErrors.Count > 0)
            {
                outcome = "compiler error in the declaration";
            }
            else if (modelHints[fuzzCase].Count == 0)
            {
                outcome = "no model left in the text";
            }
            else if (hints.Count == 0)
            {
                outcome = "NEITHER";
                var other = analyzerDiagnostics.Where(d => d.Location.SourceTree?.FilePath == fuzzCase.Path).Select(d => d.Id);
                failures.Add(Describe(fuzzCase, "no RNN error, no compiler error and no generated model" +
                    (other.Any() ? " (non-error diagnostics: " + string.Join(", ", other) + ")" : "")));
            }
            else
            {
                // Syntax and declarations of every generated file are checked; method bodies (the costly
                // part: each model is tens of kilobytes of code) for every model whose declaration was
                // mutated beyond a size, and for every fifth of the others.
                bool full = fuzzCase.Mutations.Any(m => !m.StartsWith("size ", StringComparison.Ordinal)) || plainValid++ % 5 == 0;
                var trees = outputCompilation.SyntaxTrees
                    .Where(tree => tree.FilePath == fuzzCase.Path || hints.Any(h => tree.FilePath.EndsWith("/" + h, StringComparison.Ordinal)))
                    .ToList();
                clock.Restart();
                var errors = full
                    ? trees.SelectMany(tree => outputCompilation.GetSemanticModel(tree).GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error && !before.Contains(Key(d))).ToList()
                    : newErrors.Where(d => d.Location.SourceTree is { } tree && trees.Contains(tree)).ToList();
                System.Threading.Interlocked.Add(ref compileTicks, clock.Elapsed.Ticks);
                var broken = errors
                    .Where(d => !(d.IsWarningAsError && ownWarnings.Contains(d.Id)))
                    .ToList();
                if (broken.Count > 0)
                {
                    outcome = "GENERATED CODE DOES NOT COMPILE";
                    failures.Add(Describe(fuzzCase, "the generated code does not compile: " + string.Join("; ", broken.Take(5).Select(DescribeDiagnostic))));
                }
                else
                {
                    outcome = (ownWarnings.Count > 0 ? "valid model, with warnings of its own" : "valid model") +
                        (full ? "" : " (generated code: syntax and declarations checked)");
                }
            }
            outcomes.Add((fuzzCase, outcome));
        }

        // Errors in generated files no declaration accounts for (e.g. a namespace cut by a truncation).
        foreach (var d in newErrors.Where(d => d.Location.SourceTree is { } tree && !cases.Any(c => c.Path == tree.FilePath)))
        {
            string file = d.Location.SourceTree!.FilePath;
            if (!attributedHints.Any(h => file.EndsWith("/" + h, StringComparison.Ordinal)) && !(d.IsWarningAsError && before.Any(k => k.StartsWith(d.Id + "@", StringComparison.Ordinal))))
            {
                failures.Add($"compilation {index}: an error in generated file '{file}' that no declaration accounts for: {DescribeDiagnostic(d)}");
            }
        }
        return outcomes;
    }

    /// <summary>Compiles one valid model on its own with an entry class, builds it and predicts on zeros.</summary>
    private bool RunSample(FuzzCase sample, List<string> failures)
    {
        string type = sample.ClassName;
        string element = sample.TokenInput == true ? "int" : "float";
        string entry = $$"""
            using System;

            #pragma warning disable CS0612, CS0618 // a model may be marked [Obsolete]

            namespace {{sample.Namespace}}
            {
                public static class FuzzEntry
                {
                    public static long Cost() => (long){{type}}.ParameterCount * {{type}}.Steps * {{type}}.BatchSize;

                    public static float[] Run()
                    {
                        var model = new {{type}}();
                        var input = new {{element}}[{{type}}.InputLength];
                        var output = new float[{{type}}.OutputLength];
                        model.Predict(new ReadOnlySpan<{{element}}>(input), new Span<float>(output));
                        return output;
                    }
                }
            }
            """;
        try
        {
            using var loaded = GeneratorHarness.CompileAndLoad(new[] { (sample.Path, sample.Text), ("FuzzEntry.cs", entry) });
            string entryType = sample.Namespace + ".FuzzEntry";
            long cost = (long)loaded.InvokeStatic(entryType, "Cost")!;
            if (cost > 200_000_000)
            {
                output.WriteLine($"sample {sample.Namespace}: skipped running (parameters x steps x batch = {cost})");
                return false;
            }
            var result = (float[])loaded.InvokeStatic(entryType, "Run")!;
            int bad = Array.FindIndex(result, v => !float.IsFinite(v));
            if (result.Length == 0 || bad >= 0)
            {
                failures.Add(Describe(sample, result.Length == 0 ? "Predict produced no outputs" : $"Predict on zeros produced a non-finite output at {bad}: {result[bad]}"));
                return false;
            }
            return true;
        }
        catch (Exception e)
        {
            failures.Add(Describe(sample, "the valid model could not be built and run: " + e));
            return false;
        }
    }

    /// <summary>The hint names of the models declared in file <paramref name="path"/> (the generator names a model's file after its full name).</summary>
    private static HashSet<string> ModelHints(Compilation compilation, string path)
    {
        var hints = new HashSet<string>(StringComparer.Ordinal);
        var tree = compilation.SyntaxTrees.First(t => t.FilePath == path);
        var semantic = compilation.GetSemanticModel(tree);
        foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>())
        {
            if (semantic.GetDeclaredSymbol(declaration) is not INamedTypeSymbol type) continue;
            if (!type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "RnnGen.RnnModelAttribute")) continue;
            var parts = new List<string>();
            if (!type.ContainingNamespace.IsGlobalNamespace) parts.Add(type.ContainingNamespace.ToDisplayString());
            var containers = new List<string>();
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType) containers.Insert(0, outer.Name);
            parts.AddRange(containers);
            parts.Add(type.Name);
            hints.Add(string.Join(".", parts) + ".g.cs");
        }
        return hints;
    }

    private static string Key(Diagnostic d) =>
        d.Id + "@" + (d.Location.SourceTree?.FilePath ?? "") + ":" + d.Location.SourceSpan.ToString();

    private static string Owner(Diagnostic d, List<FuzzCase> cases) =>
        cases.FirstOrDefault(c => c.Path == d.Location.SourceTree?.FilePath)?.Namespace ?? "(no declaration)";

    private static string DescribeDiagnostic(Diagnostic d) =>
        $"{d.Id} {d.Location.SourceTree?.FilePath}{d.Location.GetLineSpan().StartLinePosition}: {d.GetMessage(CultureInfo.InvariantCulture)}";

    private static string Describe(FuzzCase fuzzCase, string problem)
    {
        var sb = new StringBuilder();
        sb.Append('[').Append(fuzzCase.Namespace).Append("] ").Append(problem).Append(Environment.NewLine);
        sb.Append("  mutations: ").Append(fuzzCase.Mutations.Count == 0 ? "(none)" : string.Join(" | ", fuzzCase.Mutations)).Append(Environment.NewLine);
        sb.Append("  declaration:").Append(Environment.NewLine);
        foreach (var line in fuzzCase.Text.Split('\n'))
        {
            sb.Append("    ").Append(line).Append(Environment.NewLine);
        }
        return sb.ToString();
    }
}

/// <summary>The fuzz run and the speed measurement share the machine badly: they run one after the other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzCollection
{
    public const string Name = "Fuzz and IDE speed";
}
