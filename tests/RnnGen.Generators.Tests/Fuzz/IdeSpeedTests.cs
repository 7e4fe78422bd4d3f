using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using RnnGen.Generators.Diagnostics;
using RnnGen.Generators.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Generators.Tests.Fuzz;

/// <summary>
/// How long the analyzer and the generator take on a file of 20 realistic models, as an IDE
/// would run them: the analyzer on a fresh compilation, the generator on a first run and on
/// incremental re-runs after an unrelated edit and after a size edit. This measures and
/// prints; it asserts only that everything ran cleanly (timings are never asserted).
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class IdeSpeedTests
{
    private const int Runs = 7;
    private const string ModelsPath = "Models.cs";
    private const string OtherPath = "Other.cs";

    private readonly ITestOutputHelper output;

    public IdeSpeedTests(ITestOutputHelper output) => this.output = output;

    /// <summary>Twenty valid models: the benchmark workloads and variations of them.</summary>
    internal static string TwentyModels()
    {
        var models = new (string Name, string Attributes)[]
        {
            ("CharRnn", "[RnnModel(InputSize = 65, Steps = 100)]\n[Lstm(128, Name = \"lstm\")]\n[Dense(65, Name = \"fc\", Activation = Activation.Softmax)]"),
            ("Classifier", "[RnnModel(InputSize = 32, Steps = 50, Mode = SequenceMode.ManyToOne)]\n[Gru(256, Name = \"gru\", Layers = 2)]\n[Dense(10, Name = \"fc\", Activation = Activation.Softmax)]"),
            ("StreamLstm8", "[RnnModel(InputSize = 1, Steps = 1)]\n[Lstm(8, Name = \"cell\")]"),
            ("StreamLstm32", "[RnnModel(InputSize = 1, Steps = 1)]\n[Lstm(32, Name = \"cell\")]"),
            ("StreamLstm64", "[RnnModel(InputSize = 1, Steps = 1)]\n[Lstm(64, Name = \"cell\")]"),
            ("StreamGru32", "[RnnModel(InputSize = 1, Steps = 1)]\n[Gru(32, Name = \"cell\")]"),
            ("StreamGru64", "[RnnModel(InputSize = 1, Steps = 1)]\n[Gru(64, Name = \"cell\")]"),
            ("Tagger", "[RnnModel(InputSize = 4, Steps = 200, BatchSize = 16)]\n[Lstm(64, Name = \"bilstm\", Bidirectional = true)]\n[Dense(3, Name = \"fc\", Activation = Activation.Softmax)]"),
            ("CharRnnBatch32", "[RnnModel(InputSize = 65, Steps = 100, BatchSize = 32)]\n[Lstm(128, Name = \"lstm\")]\n[Dense(65, Name = \"fc\", Activation = Activation.Softmax)]"),
            ("CharRnnStacked", "[RnnModel(InputSize = 65, Steps = 100)]\n[Lstm(256, Name = \"lstm\", Layers = 2, Dropout = 0.2f)]\n[Dense(65, Name = \"fc\", Activation = Activation.Softmax)]"),
            ("TokenLm", "[RnnModel(Steps = 64)]\n[Embedding(1000, 64, Name = \"emb\")]\n[Lstm(256, Name = \"lstm\")]\n[Dense(1000, Name = \"fc\", Activation = Activation.Softmax)]"),
            ("TokenClassifier", "[RnnModel(Steps = 40, Mode = SequenceMode.ManyToOne, BatchSize = 8)]\n[Embedding(5000, 32, Name = \"emb\")]\n[Gru(128, Name = \"gru\", Bidirectional = true)]\n[Dense(4, Name = \"fc\", Activation = Activation.Softmax)]"),
            ("ClassifierBatch32", "[RnnModel(InputSize = 32, Steps = 50, Mode = SequenceMode.ManyToOne, BatchSize = 32)]\n[Gru(256, Name = \"gru\", Layers = 2)]\n[Dense(10, Name = \"fc\", Activation = Activation.Softmax)]"),
            ("Regressor", "[RnnModel(InputSize = 6, Steps = 24, Mode = SequenceMode.ManyToOne)]\n[Lstm(48, Name = \"lstm\")]\n[Dense(16, Name = \"hidden\", Activation = Activation.Relu)]\n[Dense(1, Name = \"out\")]"),
            ("SimpleRelu", "[RnnModel(InputSize = 10, Steps = 30)]\n[SimpleRnn(64, Name = \"rnn\", Activation = Activation.Relu)]\n[Dense(10, Name = \"fc\", Activation = Activation.Sigmoid)]"),
            ("GruResetBefore", "[RnnModel(InputSize = 16, Steps = 32)]\n[Gru(96, Name = \"gru\", Variant = GruVariant.ResetBefore)]\n[Dense(8, Name = \"fc\", Activation = Activation.Tanh)]"),
            ("MixedStack", "[RnnModel(InputSize = 12, Steps = 20)]\n[Gru(64, Name = \"gru\")]\n[Lstm(64, Name = \"lstm\")]\n[SimpleRnn(32, Name = \"rnn\")]\n[Dense(5, Name = \"fc\", Activation = Activation.Softmax)]"),
            ("SkipHead", "[RnnModel(InputSize = 8, Steps = 16, Mode = SequenceMode.ManyToOne)]\n[Lstm(32, Name = \"a\")]\n[Lstm(32, Name = \"b\", Bidirectional = true)]\n[Dense(2, Name = \"fc\", Activation = Activation.Softmax)]"),
            ("BiGruTagger", "[RnnModel(InputSize = 20, Steps = 120, BatchSize = 4)]\n[Gru(48, Name = \"gru\", Bidirectional = true, Layers = 2, Dropout = 0.1f)]\n[Dense(9, Name = \"fc\", Activation = Activation.Softmax)]"),
            ("Denoiser", "[RnnModel(InputSize = 2, Steps = 256, Loss = LossKind.MeanSquaredError)]\n[Lstm(24, Name = \"lstm\")]\n[Dense(2, Name = \"fc\")]"),
        };
        var sb = new StringBuilder("using RnnGen;\n\nnamespace IdeSpeed;\n");
        foreach (var (name, attributes) in models)
        {
            sb.Append('\n').Append(attributes).Append("\npublic partial class ").Append(name).Append(" { }\n");
        }
        return sb.ToString();
    }

    private const string Other = "namespace IdeSpeed;\n\npublic static class Unrelated\n{\n    public static int Value() => 1;\n}\n";

    [Fact]
    public void Analyzer_and_generator_time_for_twenty_models()
    {
        string models = TwentyModels();
        var baseCompilation = GeneratorHarness.CreateCompilation(new[] { (ModelsPath, models), (OtherPath, Other) });
        var unrelatedEdit = Replace(baseCompilation, OtherPath, Other.Replace("=> 1;", "=> 2;", StringComparison.Ordinal));
        var sizeEdit = Replace(baseCompilation, ModelsPath, models.Replace("[Lstm(48, Name = \"lstm\")]", "[Lstm(49, Name = \"lstm\")]", StringComparison.Ordinal));

        var withOurs = new List<double>();
        var withNoOp = new List<double>();
        var oursReported = new List<double>();
        var compilerOnly = new List<double>();
        var first = new List<double>();
        var afterUnrelated = new List<double>();
        var afterSize = new List<double>();
        int generatedFiles = 0;
        long generatedChars = 0;

        for (int run = 0; run < Runs; run++)
        {
            // The analyzer: ours against a no-op analyzer on fresh (unbound) copies of the compilation.
            var ours = Analyze(baseCompilation.Clone(), new RnnModelAnalyzer(), out var analyzerTime, out var diagnostics);
            withOurs.Add(ours);
            oursReported.Add(analyzerTime.TotalMilliseconds);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001" || d.Severity == DiagnosticSeverity.Error);
            withNoOp.Add(Analyze(baseCompilation.Clone(), new NoOpAnalyzer(), out _, out _));
            var clock = Stopwatch.StartNew();
            var compilerErrors = baseCompilation.Clone().GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            compilerOnly.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Empty(compilerErrors);

            // The generator: a first run, then incremental re-runs on the same driver.
            GeneratorDriver driver = CSharpGeneratorDriver.Create(
                GeneratorHarness.Generators,
                parseOptions: GeneratorHarness.ParseOptions,
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));
            var compilation = baseCompilation.Clone();
            clock.Restart();
            driver = driver.RunGenerators(compilation);
            first.Add(clock.Elapsed.TotalMilliseconds);
            var result = driver.GetRunResult();
            Assert.All(result.Results, r => Assert.Null(r.Exception));
            generatedFiles = result.GeneratedTrees.Length;
            generatedChars = result.GeneratedTrees.Sum(t => (long)t.Length);

            clock.Restart();
            driver = driver.RunGenerators(unrelatedEdit);
            afterUnrelated.Add(clock.Elapsed.TotalMilliseconds);

            clock.Restart();
            driver = driver.RunGenerators(sizeEdit);
            afterSize.Add(clock.Elapsed.TotalMilliseconds);
            Assert.All(driver.GetRunResult().Results, r => Assert.Null(r.Exception));
        }

        Assert.Equal(20, generatedFiles);
        output.WriteLine($"20 models ({models.Length} chars of declarations, {generatedChars} chars generated in {generatedFiles} files); median of {Runs} runs, the first run included:");
        output.WriteLine($"  analyzer diagnostics with RnnModelAnalyzer:     {Median(withOurs),8:F1} ms");
        output.WriteLine($"  analyzer diagnostics with a no-op analyzer:     {Median(withNoOp),8:F1} ms");
        output.WriteLine($"  difference (our analyzer's cost):               {Median(withOurs) - Median(withNoOp),8:F1} ms");
        output.WriteLine($"  RnnModelAnalyzer execution time (host's count): {Median(oursReported),8:F1} ms");
        output.WriteLine($"  compiler diagnostics alone (no analyzers):      {Median(compilerOnly),8:F1} ms");
        output.WriteLine($"  generator, first run:                           {Median(first),8:F1} ms");
        output.WriteLine($"  generator, re-run after an unrelated edit:      {Median(afterUnrelated),8:F1} ms");
        output.WriteLine($"  generator, re-run after a size edit:            {Median(afterSize),8:F1} ms");
        output.WriteLine("  all runs (ms): ours " + Join(withOurs) + "; no-op " + Join(withNoOp) + "; first " + Join(first) + "; unrelated " + Join(afterUnrelated) + "; size " + Join(afterSize));
    }

    private static double Analyze(Compilation compilation, DiagnosticAnalyzer analyzer, out TimeSpan analyzerTime, out ImmutableArray<Diagnostic> diagnostics)
    {
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: null,
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: true);
        var clock = Stopwatch.StartNew();
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create(analyzer), options);
        diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        double elapsed = clock.Elapsed.TotalMilliseconds;
        analyzerTime = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default).GetAwaiter().GetResult().ExecutionTime;
        return elapsed;
    }

    private static Compilation Replace(CSharpCompilation compilation, string path, string text)
    {
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path, Encoding.UTF8));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static string Join(List<double> values) =>
        string.Join(" ", values.Select(v => v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>An analyzer that registers nothing: the host's own cost of running an analyzer.</summary>
#pragma warning disable RS1001 // never loaded by a host: passed to CompilationWithAnalyzers directly
    private sealed class NoOpAnalyzer : DiagnosticAnalyzer
#pragma warning restore RS1001
    {
#pragma warning disable RS2008 // a test-only descriptor that is never reported, not a shipped rule
        private static readonly DiagnosticDescriptor Never = new("NOOP0001", "never", "never", "Test", DiagnosticSeverity.Hidden, isEnabledByDefault: false);
#pragma warning restore RS2008

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Never);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
        }
    }
}
