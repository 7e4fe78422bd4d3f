using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using RnnGen.Generators;
using RnnGen.Generators.Diagnostics;
using Xunit;

namespace RnnGen.CodeFixers.Tests.Harness;

/// <summary>
/// Runs RnnGen's analyzer on a source in an ad-hoc workspace, asks a code fix provider for its
/// fixes, applies one (or a document-wide fix-all) and checks the result.
/// </summary>
internal static class FixHarness
{
    private const string SourcePath = "Model.cs";

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
    {
        var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net100.References.All)
        {
            MetadataReference.CreateFromFile(typeof(global::RnnGen.RnnModelAttribute).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(System.Numerics.Tensors.TensorPrimitives).Assembly.Location),
        };
        return references.ToImmutableArray();
    });

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        allowUnsafe: true,
        specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic>
        {
            ["CS1701"] = ReportDiagnostic.Suppress,
            ["CS1702"] = ReportDiagnostic.Suppress,
        });

    /// <summary>A document holding <paramref name="source"/> in a fresh workspace.</summary>
    public static Document CreateDocument(string source)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var project = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(
                projectId,
                VersionStamp.Create(),
                "Models",
                "Models",
                LanguageNames.CSharp,
                compilationOptions: CompilationOptions,
                parseOptions: ParseOptions,
                metadataReferences: LazyReferences.Value))
            .GetProject(projectId)!;
        return project.AddDocument(SourcePath, SourceText.From(source), filePath: SourcePath);
    }

    /// <summary>The RnnGen diagnostics of the document's project, ordered by position.</summary>
    public static async Task<ImmutableArray<Diagnostic>> RnnDiagnosticsAsync(Document document)
    {
        var tree = await document.GetSyntaxTreeAsync().ConfigureAwait(false);
        return (await RnnDiagnosticsAsync(document.Project).ConfigureAwait(false))
            .Where(d => d.Location.SourceTree == tree)
            .ToImmutableArray();
    }

    /// <summary>The RnnGen diagnostics of a project, ordered by position.</summary>
    public static async Task<ImmutableArray<Diagnostic>> RnnDiagnosticsAsync(Project project)
    {
        var compilation = (await project.GetCompilationAsync().ConfigureAwait(false))!;
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => { lock (exceptions) exceptions.Add(exception); },
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new RnnModelAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync()
            .ConfigureAwait(false);
        Assert.Empty(exceptions);
        return diagnostics
            .Where(d => d.Id.StartsWith("RNN", StringComparison.Ordinal))
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();
    }

    /// <summary>The code actions <paramref name="provider"/> offers for one diagnostic.</summary>
    public static async Task<IReadOnlyList<CodeAction>> ActionsAsync(Document document, CodeFixProvider provider, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        return actions;
    }

    /// <summary>The document after applying <paramref name="action"/>.</summary>
    public static async Task<Document> ApplyAsync(Document document, CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
        var apply = Assert.Single(operations.OfType<ApplyChangesOperation>());
        return apply.ChangedSolution.GetDocument(document.Id)!;
    }

    /// <summary>Fixes every <paramref name="diagnosticId"/> of the document with one fix-all action.</summary>
    public static async Task<Document> FixAllInDocumentAsync(Document document, CodeFixProvider provider, string diagnosticId, string equivalenceKey)
    {
        var fixAll = provider.GetFixAllProvider();
        Assert.NotNull(fixAll);
        Assert.Contains(FixAllScope.Document, fixAll!.GetSupportedFixAllScopes());
        var context = new FixAllContext(
            document,
            provider,
            FixAllScope.Document,
            equivalenceKey,
            new[] { diagnosticId },
            new DocumentDiagnostics(),
            CancellationToken.None);
        var action = await fixAll.GetFixAsync(context).ConfigureAwait(false);
        Assert.NotNull(action);
        return await ApplyAsync(document, action!).ConfigureAwait(false);
    }

    /// <summary>The document's text with line endings normalized.</summary>
    public static async Task<string> TextAsync(Document document) =>
        Normalize((await document.GetTextAsync().ConfigureAwait(false)).ToString());

    /// <summary>Line endings as <c>\n</c>.</summary>
    public static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>
    /// Asserts that the fixed document compiles without warnings or errors, that the analyzer
    /// reports nothing on it, and that the generator's output compiles together with it.
    /// </summary>
    public static async Task AssertCleanAsync(Document document)
    {
        var compilation = (CSharpCompilation)(await document.Project.GetCompilationAsync().ConfigureAwait(false))!;
        var compilerProblems = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(compilerProblems.Count == 0, "Compiler: " + string.Join("; ", compilerProblems));

        var rnn = await RnnDiagnosticsAsync(document).ConfigureAwait(false);
        Assert.True(rnn.IsEmpty, "Analyzer: " + string.Join("; ", rnn));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new RnnModelGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
        Assert.Empty(driverDiagnostics);
        Assert.NotEmpty(driver.GetRunResult().GeneratedTrees);
        var outputProblems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(outputProblems.Count == 0, "With generated code: " + string.Join("; ", outputProblems));
    }

    /// <summary>Gives a fix-all the analyzer's diagnostics for the document being fixed.</summary>
    private sealed class DocumentDiagnostics : FixAllContext.DiagnosticProvider
    {
        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            await RnnDiagnosticsAsync(document).ConfigureAwait(false);

        public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            (await RnnDiagnosticsAsync(project).ConfigureAwait(false)).Where(d => !d.Location.IsInSource);

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            await RnnDiagnosticsAsync(project).ConfigureAwait(false);
    }
}
