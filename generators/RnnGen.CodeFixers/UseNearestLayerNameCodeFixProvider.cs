using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generators.Diagnostics;
using RnnGen.Generators.Model;
using RnnGen.Generators.Parsing;
using RnnGen.Generators.Validation;

namespace RnnGen.CodeFixers;

/// <summary>
/// RNN0009: replaces a <c>From</c> string literal that names no earlier layer with the nearest
/// earlier layer name — the one the diagnostic suggests ("did you mean …?"). It reads the model
/// with the generator's own parser and picks the name with <see cref="ModelValidator.Nearest"/>,
/// so the fix and the message always agree. No fix is offered when no earlier name is close,
/// when the named layer exists but is declared later, or when <c>From</c> is not a literal.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseNearestLayerNameCodeFixProvider)), Shared]
public sealed class UseNearestLayerNameCodeFixProvider : ModelCodeFixProvider
{
    /// <summary>Identifies this fix for fix-all.</summary>
    public const string EquivalenceKey = "RNN0009.UseNearestLayerName";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnknownFrom.Id);

    /// <inheritdoc/>
    protected override (string Title, string EquivalenceKey)? Describe(SyntaxNode root, SemanticModel semanticModel, Diagnostic diagnostic, CancellationToken cancellationToken) =>
        Suggest(root, semanticModel, diagnostic, cancellationToken) is { } found
            ? ($"Change '{found.Literal.Token.ValueText}' to '{found.Name}'", EquivalenceKey)
            : null;

    /// <inheritdoc/>
    protected override SyntaxNode Fix(SyntaxNode root, SemanticModel semanticModel, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var replacements = new Dictionary<LiteralExpressionSyntax, string>();
        foreach (var diagnostic in diagnostics)
        {
            if (Suggest(root, semanticModel, diagnostic, cancellationToken) is { } found) replacements[found.Literal] = found.Name;
        }
        if (replacements.Count == 0) return root;
        return root.ReplaceNodes(replacements.Keys, (original, _) =>
            SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(replacements[original]))
                .WithTriviaFrom(original));
    }

    /// <summary>The <c>From</c> literal at the diagnostic and the earlier layer name to put there, if there is a clear one.</summary>
    private static (LiteralExpressionSyntax Literal, string Name)? Suggest(
        SyntaxNode root, SemanticModel semanticModel, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Location.IsInSource || diagnostic.Location.SourceTree != root.SyntaxTree) return null;
        var argument = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeArgumentSyntax>();
        if (argument is not { NameEquals.Name.Identifier.ValueText: "From" }) return null;
        if (argument.Expression is not LiteralExpressionSyntax literal || !literal.IsKind(SyntaxKind.StringLiteralExpression)) return null;
        if (argument.FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute) return null;
        if (attribute.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration) return null;
        if (semanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type) return null;

        var parsed = ModelParser.Parse(type, cancellationToken);
        if (parsed is null) return null;
        var layers = parsed.Spec.Layers.ToArray();
        int index = -1;
        for (int i = 0; i < parsed.LayerAttributes.Length; i++)
        {
            var reference = parsed.LayerAttributes[i].ApplicationSyntaxReference;
            if (reference is not null && reference.SyntaxTree == attribute.SyntaxTree && reference.Span == attribute.Span)
            {
                index = i;
                break;
            }
        }
        if (index < 0 || layers[index].Kind == LayerKind.Embedding) return null;
        var from = layers[index].From;
        if (from is null || from != literal.Token.ValueText) return null;
        // A name that exists later is an ordering problem, not a typo: there is no clear fix.
        if (layers.Skip(index).Any(l => l.Name == from)) return null;
        var nearest = ModelValidator.Nearest(from, layers.Take(index).Select(l => l.Name));
        return nearest is null || nearest == from ? null : (literal, nearest);
    }
}
