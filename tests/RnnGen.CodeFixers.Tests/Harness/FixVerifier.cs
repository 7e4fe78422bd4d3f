using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;

namespace RnnGen.CodeFixers.Tests.Harness;

/// <summary>The checks every fix test makes.</summary>
internal static class FixVerifier
{
    /// <summary>
    /// Asserts that <paramref name="source"/> has exactly one RnnGen diagnostic, <paramref name="id"/>;
    /// that <paramref name="provider"/> offers exactly one fix for it, titled <paramref name="title"/>;
    /// that applying it yields <paramref name="expected"/>; and that the result is clean.
    /// </summary>
    public static async Task VerifyAsync(CodeFixProvider provider, string source, string id, string title, string expected)
    {
        var document = FixHarness.CreateDocument(source);
        var diagnostics = await FixHarness.RnnDiagnosticsAsync(document);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Contains(id, provider.FixableDiagnosticIds);

        var action = Assert.Single(await FixHarness.ActionsAsync(document, provider, diagnostic));
        Assert.Equal(title, action.Title);
        Assert.NotNull(action.EquivalenceKey);

        var fixedDocument = await FixHarness.ApplyAsync(document, action);
        Assert.Equal(FixHarness.Normalize(expected), await FixHarness.TextAsync(fixedDocument));
        await FixHarness.AssertCleanAsync(fixedDocument);
    }

    /// <summary>
    /// Asserts that every RnnGen diagnostic of <paramref name="source"/> is <paramref name="id"/>
    /// (there are <paramref name="count"/>), that one fix-all in the document turns it into
    /// <paramref name="expected"/>, and that the result is clean.
    /// </summary>
    public static async Task VerifyFixAllAsync(CodeFixProvider provider, string source, string id, int count, string equivalenceKey, string expected)
    {
        var document = FixHarness.CreateDocument(source);
        var diagnostics = await FixHarness.RnnDiagnosticsAsync(document);
        Assert.Equal(count, diagnostics.Length);
        Assert.All(diagnostics, d => Assert.Equal(id, d.Id));
        foreach (var diagnostic in diagnostics)
        {
            var action = Assert.Single(await FixHarness.ActionsAsync(document, provider, diagnostic));
            Assert.Equal(equivalenceKey, action.EquivalenceKey);
        }

        var fixedDocument = await FixHarness.FixAllInDocumentAsync(document, provider, id, equivalenceKey);
        Assert.Equal(FixHarness.Normalize(expected), await FixHarness.TextAsync(fixedDocument));
        await FixHarness.AssertCleanAsync(fixedDocument);
    }

    /// <summary>Asserts that <paramref name="source"/> reports <paramref name="id"/> and that no fix is offered for it.</summary>
    public static async Task VerifyNoFixAsync(CodeFixProvider provider, string source, string id)
    {
        var document = FixHarness.CreateDocument(source);
        var diagnostics = (await FixHarness.RnnDiagnosticsAsync(document)).Where(d => d.Id == id).ToList();
        Assert.NotEmpty(diagnostics);
        foreach (var diagnostic in diagnostics)
        {
            Assert.Empty(await FixHarness.ActionsAsync(document, provider, diagnostic));
        }
    }
}
