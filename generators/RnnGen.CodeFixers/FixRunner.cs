using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace RnnGen.CodeFixers;

/// <summary>
/// A fixer's edit for any number of its diagnostics in one document, computed against the
/// original syntax tree in a single pass, so that edits touching the same node (a shared
/// containing type, two arguments of one attribute) combine instead of conflicting.
/// </summary>
internal delegate Task<SyntaxNode> DocumentFix(
    Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken);

/// <summary>Runs a <see cref="DocumentFix"/> for one diagnostic or for a whole fix-all scope.</summary>
internal static class FixRunner
{
    /// <summary>A fix-all provider (document, project and solution scope) built on <paramref name="fix"/>.</summary>
    public static FixAllProvider Create(DocumentFix fix) =>
        FixAllProvider.Create(async (context, document, diagnostics) =>
            await ApplyAsync(document, diagnostics, fix, context.CancellationToken).ConfigureAwait(false));

    /// <summary>Applies <paramref name="fix"/> for <paramref name="diagnostics"/> to <paramref name="document"/>.</summary>
    public static async Task<Document> ApplyAsync(
        Document document, ImmutableArray<Diagnostic> diagnostics, DocumentFix fix, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || diagnostics.IsEmpty) return document;
        var fixedRoot = await fix(document, root, diagnostics, cancellationToken).ConfigureAwait(false);
        return ReferenceEquals(fixedRoot, root) ? document : document.WithSyntaxRoot(fixedRoot);
    }
}
