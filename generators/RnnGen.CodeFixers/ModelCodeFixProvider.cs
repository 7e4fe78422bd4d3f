using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace RnnGen.CodeFixers;

/// <summary>
/// The frame every RnnGen code fix shares: one code action for each diagnostic the fix can handle
/// (titled and keyed by <see cref="Describe"/>), and a fix-all for document, project and solution
/// scope. Both run <see cref="Fix"/>, one edit for any number of the fix's diagnostics in one
/// document, computed against the original syntax tree in a single pass, so that edits touching the
/// same node (a shared containing type, two arguments of one attribute) combine instead of conflicting.
/// </summary>
public abstract class ModelCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public sealed override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) =>
            await ApplyAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var semanticModel = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || semanticModel is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (Describe(root, semanticModel, diagnostic, context.CancellationToken) is not { } fix) continue;
            context.RegisterCodeFix(
                CodeAction.Create(fix.Title, ct => ApplyAsync(context.Document, ImmutableArray.Create(diagnostic), ct), fix.EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>The title and the fix-all key of the fix for <paramref name="diagnostic"/>, or null when there is no clear fix.</summary>
    protected abstract (string Title, string EquivalenceKey)? Describe(
        SyntaxNode root, SemanticModel semanticModel, Diagnostic diagnostic, CancellationToken cancellationToken);

    /// <summary>The document's root with <paramref name="diagnostics"/> fixed, or <paramref name="root"/> itself when none can be.</summary>
    protected abstract SyntaxNode Fix(
        SyntaxNode root, SemanticModel semanticModel, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken);

    private async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || semanticModel is null || diagnostics.IsEmpty) return document;
        var fixedRoot = Fix(root, semanticModel, diagnostics, cancellationToken);
        return ReferenceEquals(fixedRoot, root) ? document : document.WithSyntaxRoot(fixedRoot);
    }
}
