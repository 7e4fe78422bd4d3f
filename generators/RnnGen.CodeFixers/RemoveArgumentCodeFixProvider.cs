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
/// RNN0005, RNN0017, RNN0028 and RNN0039: removes an attribute argument that must not be there —
/// <c>InputSize</c> on a model whose first layer is an embedding, <c>OutputSteps</c> or
/// <c>Decoder</c> outside an encoder–decoder model, <c>Bidirectional</c> on a layer that
/// generates its sequence step by step, and a <c>Decoder</c> mark after the decoder's first layer.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveArgumentCodeFixProvider)), Shared]
public sealed class RemoveArgumentCodeFixProvider : ModelCodeFixProvider
{
    /// <summary>Identifies the RNN0005 fix for fix-all.</summary>
    public const string RemoveInputSizeKey = "RNN0005.RemoveInputSize";

    /// <summary>Identifies the RNN0017 fix for fix-all.</summary>
    public const string RemoveEncoderDecoderOptionKey = "RNN0017.RemoveOption";

    /// <summary>Identifies the RNN0028 fix for fix-all.</summary>
    public const string RemoveBidirectionalKey = "RNN0028.RemoveBidirectional";

    /// <summary>Identifies the RNN0039 fix for fix-all.</summary>
    public const string RemoveSecondDecoderKey = "RNN0039.RemoveDecoder";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.InputSizeWithEmbedding.Id,
        DiagnosticDescriptors.EncoderDecoderOnly.Id,
        DiagnosticDescriptors.BidirectionalGenerator.Id,
        DiagnosticDescriptors.SecondDecoder.Id);

    /// <inheritdoc/>
    protected override (string Title, string EquivalenceKey)? Describe(SyntaxNode root, SemanticModel semanticModel, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var argument = FindArgument(root, diagnostic);
        if (argument is null) return null;
        string name = argument.NameEquals!.Name.Identifier.ValueText;
        return diagnostic.Id switch
        {
            "RNN0005" => ("Remove 'InputSize' (the embedding sets the width)", RemoveInputSizeKey),
            "RNN0028" => ("Remove 'Bidirectional' (outputs are generated one step at a time)", RemoveBidirectionalKey),
            "RNN0039" => ("Remove 'Decoder' (an earlier layer starts the decoder)", RemoveSecondDecoderKey),
            _ => ($"Remove '{name}' (only for EncoderDecoder models)", RemoveEncoderDecoderOptionKey),
        };
    }

    /// <inheritdoc/>
    protected override SyntaxNode Fix(SyntaxNode root, SemanticModel semanticModel, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var arguments = new HashSet<AttributeArgumentSyntax>();
        foreach (var diagnostic in diagnostics)
        {
            var argument = FindArgument(root, diagnostic);
            if (argument is not null) arguments.Add(argument);
        }
        if (arguments.Count == 0) return root;

        // Rewrite each affected argument list once, dropping every removed argument with its separator.
        var lists = arguments.Select(a => (AttributeArgumentListSyntax)a.Parent!).Distinct().ToList();
        return root.ReplaceNodes(lists, (original, _) => Without(original, arguments));
    }

    private static AttributeArgumentListSyntax Without(AttributeArgumentListSyntax list, HashSet<AttributeArgumentSyntax> removed)
    {
        var kept = new List<AttributeArgumentSyntax>();
        for (int i = 0; i < list.Arguments.Count; i++)
        {
            var argument = list.Arguments[i];
            if (removed.Contains(argument)) continue;
            // The first kept argument takes the place (and leading trivia) of the original first one.
            kept.Add(kept.Count == 0 && i > 0 ? argument.WithLeadingTrivia(list.Arguments[0].GetLeadingTrivia()) : argument);
        }
        // Reuse the original commas (and the space after each) in order; there is always one more than needed.
        var separators = Enumerable.Range(0, System.Math.Max(0, kept.Count - 1)).Select(i => list.Arguments.GetSeparator(i));
        return list.WithArguments(SyntaxFactory.SeparatedList(kept, separators));
    }

    /// <summary>The named argument the diagnostic sits on, if it is one this fixer removes.</summary>
    private static AttributeArgumentSyntax? FindArgument(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Location.IsInSource || diagnostic.Location.SourceTree != root.SyntaxTree) return null;
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var argument = node.FirstAncestorOrSelf<AttributeArgumentSyntax>();
        if (argument?.NameEquals is null || argument.Span != diagnostic.Location.SourceSpan) return null;
        if (argument.Parent is not AttributeArgumentListSyntax) return null;
        string name = argument.NameEquals.Name.Identifier.ValueText;
        bool expected = diagnostic.Id switch
        {
            "RNN0005" => name == "InputSize",
            "RNN0028" => name == "Bidirectional",
            "RNN0039" => name == "Decoder",
            _ => name is "OutputSteps" or "Decoder",
        };
        return expected ? argument : null;
    }
}
