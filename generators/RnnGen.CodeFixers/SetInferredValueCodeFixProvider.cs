using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generators.Diagnostics;
using RnnGen.Generators.Validation;

namespace RnnGen.CodeFixers;

/// <summary>
/// RNN0030 and RNN0034: sets a size that contradicts one fixed elsewhere to the value the rest of
/// the model implies — a OneToMany head to the input width it is fed back into, a decoder's
/// hidden size or <c>Layers</c> to the encoder's final state. The value comes from the validator
/// (the diagnostic's <see cref="ValidationIssue.FixValueProperty"/>), so fix and message agree.
/// An existing argument gets the new value; a missing named one (<c>Layers</c>) is added.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SetInferredValueCodeFixProvider)), Shared]
public sealed class SetInferredValueCodeFixProvider : ModelCodeFixProvider
{
    /// <summary>Identifies this fix for fix-all.</summary>
    public const string EquivalenceKey = "RnnGen.SetInferredValue";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.FeedbackWidth.Id,
        DiagnosticDescriptors.DecoderStateMismatch.Id);

    /// <inheritdoc/>
    protected override (string Title, string EquivalenceKey)? Describe(SyntaxNode root, SemanticModel semanticModel, Diagnostic diagnostic, CancellationToken cancellationToken) =>
        Find(root, diagnostic) is { } edit ? ($"Set '{edit.Argument}' to {edit.Value.ToString(CultureInfo.InvariantCulture)}", EquivalenceKey) : null;

    /// <inheritdoc/>
    protected override SyntaxNode Fix(SyntaxNode root, SemanticModel semanticModel, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        // Group by attribute so that two edits of one attribute (hidden size and Layers) combine.
        var edits = diagnostics.Select(d => Find(root, d)).OfType<Edit>().GroupBy(e => e.Attribute).ToList();
        if (edits.Count == 0) return root;
        return root.ReplaceNodes(edits.Select(g => g.Key), (original, _) => Apply(original, edits.First(g => g.Key == original)));
    }

    private static AttributeSyntax Apply(AttributeSyntax attribute, IEnumerable<Edit> edits)
    {
        var list = attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
        var arguments = list.Arguments;
        foreach (var edit in edits)
        {
            var literal = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(edit.Value));
            int index = IndexOf(arguments, edit.Argument);
            if (index >= 0)
            {
                var old = arguments[index];
                arguments = arguments.Replace(old, old.WithExpression(literal.WithTriviaFrom(old.Expression)));
            }
            else
            {
                // "Name = value" after the last argument, written the way a person would.
                var added = SyntaxFactory.ParseAttributeArgumentList($"({edit.Argument} = {edit.Value.ToString(CultureInfo.InvariantCulture)})")!.Arguments[0];
                var separators = arguments.GetSeparators().ToList();
                if (arguments.Count > 0) separators.Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space));
                arguments = SyntaxFactory.SeparatedList(arguments.Append(added), separators);
            }
        }
        return attribute.WithArgumentList(list.WithArguments(arguments));
    }

    /// <summary>The index of the argument named <paramref name="name"/>: a named one, or the first positional for a size.</summary>
    private static int IndexOf(SeparatedSyntaxList<AttributeArgumentSyntax> arguments, string name)
    {
        for (int i = 0; i < arguments.Count; i++)
        {
            var a = arguments[i];
            if (a.NameEquals?.Name.Identifier.ValueText == name || a.NameColon?.Name.Identifier.ValueText == name) return i;
        }
        if (name is "size" or "hiddenSize" && arguments.Count > 0 && arguments[0].NameEquals is null && arguments[0].NameColon is null) return 0;
        return -1;
    }

    private sealed record Edit(AttributeSyntax Attribute, string Argument, int Value);

    /// <summary>The attribute, argument and value a diagnostic asks to set, if it carries one.</summary>
    private static Edit? Find(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Location.IsInSource || diagnostic.Location.SourceTree != root.SyntaxTree) return null;
        if (!diagnostic.Properties.TryGetValue(ValidationIssue.FixValueProperty, out var text)
            || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)) return null;
        if (!diagnostic.Properties.TryGetValue(ValidationIssue.FixArgumentProperty, out var argument) || string.IsNullOrEmpty(argument)) return null;
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var attribute = node.FirstAncestorOrSelf<AttributeSyntax>();
        return attribute is null ? null : new Edit(attribute, argument!, value);
    }
}
