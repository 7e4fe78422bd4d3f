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
using RnnGen.Generators.Parsing;

namespace RnnGen.CodeFixers;

/// <summary>
/// RNN0038: makes a class with layer attributes a model by adding <c>[RnnModel]</c> on its own
/// line above the first layer attribute. The sizes nobody can infer get the smallest valid
/// placeholder, 1 (<c>Steps</c>, and <c>InputSize</c> unless the first layer is an embedding), so
/// the fixed class compiles into a model with no new diagnostic; the user then sets the real sizes.
/// A class that is not partial gets RNN0001 (and its fix) afterwards.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddModelAttributeCodeFixProvider)), Shared]
public sealed class AddModelAttributeCodeFixProvider : ModelCodeFixProvider
{
    /// <summary>Identifies this fix for fix-all.</summary>
    public const string EquivalenceKey = "RNN0038.AddRnnModel";

    private const string WithInputSize = "(InputSize = 1, Steps = 1)";
    private const string WithoutInputSize = "(Steps = 1)";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.LayersWithoutModel.Id);

    /// <inheritdoc/>
    protected override (string Title, string EquivalenceKey)? Describe(SyntaxNode root, SemanticModel semanticModel, Diagnostic diagnostic, CancellationToken cancellationToken) =>
        Find(root, diagnostic, semanticModel, cancellationToken) is { } edit ? ($"Add [RnnModel{edit.Arguments}] (placeholder sizes)", EquivalenceKey) : null;

    /// <inheritdoc/>
    protected override SyntaxNode Fix(SyntaxNode root, SemanticModel semanticModel, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        // One insertion per class, however many diagnostics point at it.
        var edits = new Dictionary<TypeDeclarationSyntax, Edit>();
        foreach (var diagnostic in diagnostics)
        {
            if (Find(root, diagnostic, semanticModel, cancellationToken) is { } edit && !edits.ContainsKey(edit.Declaration))
            {
                edits.Add(edit.Declaration, edit);
            }
        }
        if (edits.Count == 0) return root;
        var endOfLine = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        if (endOfLine == default) endOfLine = SyntaxFactory.CarriageReturnLineFeed;
        // A nested class is rewritten before its container; the container's own attribute lists are untouched by that.
        return root.ReplaceNodes(edits.Keys, (original, rewritten) => Insert((TypeDeclarationSyntax)rewritten, edits[original], endOfLine));
    }

    /// <summary>Where to insert and what: the class, the index of the attribute list holding the first layer, the layer's name and the arguments.</summary>
    private sealed record Edit(TypeDeclarationSyntax Declaration, int ListIndex, NameSyntax LayerName, string Arguments);

    private static Edit? Find(SyntaxNode root, Diagnostic diagnostic, SemanticModel semanticModel, CancellationToken cancellationToken)
    {
        if (!diagnostic.Location.IsInSource || diagnostic.Location.SourceTree != root.SyntaxTree) return null;
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node.FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute || attribute.Span != diagnostic.Location.SourceSpan) return null;
        if (attribute.Parent is not AttributeListSyntax list || list.Parent is not TypeDeclarationSyntax declaration) return null;
        bool embedding = semanticModel.GetSymbolInfo(attribute, cancellationToken).Symbol?.ContainingType?.ToDisplayString() == RnnGen.Generators.Cells.LayerKinds.Of(RnnGen.Generators.Model.LayerKind.Embedding).AttributeName;
        return new Edit(declaration, declaration.AttributeLists.IndexOf(list), attribute.Name, embedding ? WithoutInputSize : WithInputSize);
    }

    /// <summary>
    /// Puts <c>[RnnModel(…)]</c> on its own line before the attribute list at <see cref="Edit.ListIndex"/>:
    /// it takes that list's leading trivia (comments, blank lines, indentation) and the list keeps its indentation.
    /// </summary>
    private static TypeDeclarationSyntax Insert(TypeDeclarationSyntax declaration, Edit edit, SyntaxTrivia endOfLine)
    {
        var list = declaration.AttributeLists[edit.ListIndex];
        var leading = list.GetLeadingTrivia();
        int lineStart = 0;
        for (int i = 0; i < leading.Count; i++)
        {
            // A line ends with an end-of-line trivia, or inside a trivia that spans whole lines (a doc comment, a directive).
            if (leading[i].IsKind(SyntaxKind.EndOfLineTrivia) || leading[i].ToFullString().EndsWith("\n", System.StringComparison.Ordinal)) lineStart = i + 1;
        }
        var indentation = SyntaxFactory.TriviaList(leading.Skip(lineStart).Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)));
        var model = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.Attribute(ModelName(edit.LayerName), SyntaxFactory.ParseAttributeArgumentList(edit.Arguments))))
            .WithLeadingTrivia(leading)
            .WithTrailingTrivia(endOfLine);
        var lists = declaration.AttributeLists
            .Replace(list, list.WithLeadingTrivia(indentation))
            .Insert(edit.ListIndex, model);
        return declaration.WithAttributeLists(lists);
    }

    /// <summary><c>RnnModel</c>, qualified as the layer attribute is (<c>RnnGen.Lstm</c> → <c>RnnGen.RnnModel</c>), so it binds where the layer does.</summary>
    private static NameSyntax ModelName(NameSyntax layer)
    {
        var name = SyntaxFactory.IdentifierName("RnnModel");
        return layer switch
        {
            QualifiedNameSyntax qualified => qualified.WithRight(name).WithoutTrivia(),
            AliasQualifiedNameSyntax alias => alias.WithName(name).WithoutTrivia(),
            _ => name,
        };
    }
}
