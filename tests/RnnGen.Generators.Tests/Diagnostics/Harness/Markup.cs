using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace RnnGen.Generators.Tests.Diagnostics.Harness;

/// <summary>A diagnostic a test expects: its ID and the exact span it must cover.</summary>
/// <param name="Id">The diagnostic ID, e.g. <c>RNN0006</c>.</param>
/// <param name="Span">The span in the markup-free source.</param>
internal sealed record ExpectedDiagnostic(string Id, TextSpan Span);

/// <summary>
/// Test sources with their expected diagnostics written inline:
/// <c>{|RNN0006:0|}</c> expects RNN0006 exactly on the text <c>0</c>, and <c>[|...|]</c>
/// expects the test's default ID on the enclosed text. Markers nest, so a diagnostic on a
/// whole attribute can enclose one on an argument.
/// </summary>
internal static class Markup
{
    /// <summary>Strips the markers from <paramref name="markup"/> and returns the plain source and what they marked.</summary>
    /// <param name="markup">Source with markers.</param>
    /// <param name="defaultId">The ID of <c>[|...|]</c> markers, or null when the source has none.</param>
    public static (string Source, List<ExpectedDiagnostic> Expected) Parse(string markup, string? defaultId = null)
    {
        ArgumentNullException.ThrowIfNull(markup);
        var output = new StringBuilder(markup.Length);
        var expected = new List<ExpectedDiagnostic>();
        var open = new Stack<(char Kind, string Id, int Start)>();
        int i = 0;
        while (i < markup.Length)
        {
            if (At(markup, i, "{|"))
            {
                int colon = markup.IndexOf(':', i + 2);
                if (colon < 0) throw new FormatException("A '{|' marker needs an ID and a colon: {|RNN0001:text|}");
                string id = markup.Substring(i + 2, colon - i - 2);
                if (id.Length == 0 || id.IndexOfAny(new[] { ' ', '\n', '|', '{', '}' }) >= 0)
                {
                    throw new FormatException($"Bad diagnostic ID '{id}' in a '{{|' marker");
                }
                open.Push(('{', id, output.Length));
                i = colon + 1;
            }
            else if (At(markup, i, "[|"))
            {
                if (defaultId is null) throw new FormatException("A '[|' marker needs the test's default diagnostic ID");
                open.Push(('[', defaultId, output.Length));
                i += 2;
            }
            else if (At(markup, i, "|}") || At(markup, i, "|]"))
            {
                char kind = markup[i + 1] == '}' ? '{' : '[';
                if (open.Count == 0 || open.Peek().Kind != kind)
                {
                    throw new FormatException($"Unbalanced marker close '{markup.Substring(i, 2)}' at offset {i}");
                }
                var (_, id, start) = open.Pop();
                expected.Add(new ExpectedDiagnostic(id, TextSpan.FromBounds(start, output.Length)));
                i += 2;
            }
            else
            {
                output.Append(markup[i]);
                i++;
            }
        }
        if (open.Count > 0) throw new FormatException($"{open.Count} marker(s) are never closed");
        return (output.ToString(), expected);
    }

    private static bool At(string text, int index, string token) =>
        string.CompareOrdinal(text, index, token, 0, token.Length) == 0;
}
