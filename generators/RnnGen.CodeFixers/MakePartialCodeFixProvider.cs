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

namespace RnnGen.CodeFixers;

/// <summary>
/// RNN0001: adds <c>partial</c> to the model class and to every type that contains it and lacks
/// the modifier.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
public sealed class MakePartialCodeFixProvider : ModelCodeFixProvider
{
    /// <summary>Identifies this fix for fix-all.</summary>
    public const string EquivalenceKey = "RNN0001.MakePartial";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.NotPartial.Id);

    /// <inheritdoc/>
    protected override (string Title, string EquivalenceKey)? Describe(SyntaxNode root, SemanticModel semanticModel, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var declaration = FindDeclaration(root, diagnostic);
        if (declaration is null) return null;
        var targets = Targets(declaration, semanticModel, cancellationToken);
        if (targets.Count == 0) return null;
        string name = declaration.Identifier.ValueText;
        bool self = targets.Any(t => t == declaration || !t.Span.Contains(declaration.Span));
        bool containers = targets.Any(t => t != declaration && t.Span.Contains(declaration.Span));
        string title = !containers
            ? $"Make '{name}' partial"
            : self
                ? $"Make '{name}' and its containing types partial"
                : $"Make the types containing '{name}' partial";
        return (title, EquivalenceKey);
    }

    /// <inheritdoc/>
    protected override SyntaxNode Fix(SyntaxNode root, SemanticModel semanticModel, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var targets = new HashSet<TypeDeclarationSyntax>();
        foreach (var diagnostic in diagnostics)
        {
            var declaration = FindDeclaration(root, diagnostic);
            if (declaration is not null) targets.UnionWith(Targets(declaration, semanticModel, cancellationToken));
        }
        if (targets.Count == 0) return root;
        // Nested targets are rewritten inside out: the replacement callback sees each node with its
        // already-rewritten children.
        return root.ReplaceNodes(targets, (_, rewritten) => AddPartial((TypeDeclarationSyntax)rewritten));
    }

    /// <summary>The model class's declaration the diagnostic sits on (its name).</summary>
    private static TypeDeclarationSyntax? FindDeclaration(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Location.IsInSource || diagnostic.Location.SourceTree != root.SyntaxTree) return null;
        var token = root.FindToken(diagnostic.Location.SourceSpan.Start);
        return token.Parent is TypeDeclarationSyntax declaration && declaration.Identifier == token ? declaration : null;
    }

    /// <summary>
    /// The declarations in this document of the model class and of every type containing it that
    /// are not partial yet (a type declared more than once must be partial everywhere).
    /// </summary>
    private static List<TypeDeclarationSyntax> Targets(TypeDeclarationSyntax declaration, SemanticModel semanticModel, CancellationToken cancellationToken)
    {
        var targets = new List<TypeDeclarationSyntax>();
        if (semanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type) return targets;
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            foreach (var reference in current.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != declaration.SyntaxTree) continue;
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax node && !node.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    targets.Add(node);
                }
            }
        }
        return targets;
    }

    /// <summary>Adds <c>partial</c> right before the type keyword (after every other modifier), keeping trivia.</summary>
    private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax declaration)
    {
        if (declaration.Modifiers.Any(SyntaxKind.PartialKeyword)) return declaration;
        if (declaration.Modifiers.Count == 0)
        {
            var keyword = declaration.Keyword;
            var partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return declaration
                .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                .WithModifiers(SyntaxFactory.TokenList(partial));
        }
        return declaration.WithModifiers(declaration.Modifiers.Add(
            SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }
}
