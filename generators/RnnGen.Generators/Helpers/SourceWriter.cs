using System;
using System.Collections.Generic;
using System.Text;

namespace RnnGen.Generators.Helpers;

/// <summary>
/// Writes C# source with indentation. Blocks opened with <see cref="OpenBlock"/> must be closed;
/// <see cref="ToString"/> asserts that the indentation has returned to zero. Lines longer than
/// <see cref="MaxLineLength"/> are wrapped: code at the arguments of its widest call (one line of
/// arguments, or one argument a line), comments at spaces, never inside a string or character literal.
/// </summary>
internal sealed class SourceWriter
{
    /// <summary>The longest line written.</summary>
    public const int MaxLineLength = 140;

    private readonly StringBuilder _sb = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length == 0)
        {
            _sb.Append('\n');
            return this;
        }
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                _sb.Append('\n');
                continue;
            }
            foreach (var wrapped in Wrap(new string(' ', _indent * 4) + line))
            {
                _sb.Append(wrapped).Append('\n');
            }
        }
        return this;
    }

    /// <summary>The attribute line written above every member declared with <see cref="Member"/> or <see cref="OpenMember"/>, or null.</summary>
    public string? MemberAttribute { get; set; }

    /// <summary>A one-line member declaration, below <see cref="MemberAttribute"/>.</summary>
    public SourceWriter Member(string declaration)
    {
        if (MemberAttribute is not null) Line(MemberAttribute);
        return Line(declaration);
    }

    /// <summary>A member declaration with a body, below <see cref="MemberAttribute"/>.</summary>
    public SourceWriter OpenMember(string declaration)
    {
        if (MemberAttribute is not null) Line(MemberAttribute);
        return OpenBlock(declaration);
    }

    public SourceWriter OpenBlock(string header)
    {
        if (header.Length > 0) Line(header);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter CloseBlock(string suffix = "")
    {
        if (_indent == 0) throw new InvalidOperationException("CloseBlock without an open block.");
        _indent--;
        Line("}" + suffix);
        return this;
    }

    public SourceWriter Indent() { _indent++; return this; }

    public SourceWriter Unindent() { _indent--; return this; }

    public override string ToString()
    {
        if (_indent != 0) throw new InvalidOperationException($"Unbalanced blocks: indentation is {_indent} at the end.");
        return _sb.ToString();
    }

    /// <summary>The line, or the lines it wraps into, each at most <see cref="MaxLineLength"/> characters where possible.</summary>
    internal static IEnumerable<string> Wrap(string line)
    {
        if (line.Length <= MaxLineLength) return new[] { line };
        string lead = line.Substring(0, line.Length - line.TrimStart().Length);
        string body = line.Substring(lead.Length);
        if (body.StartsWith("//", StringComparison.Ordinal)) return WrapComment(lead, body);
        int comment = TrailingComment(body);
        if (comment > 0)
        {
            // A trailing comment moves above the code it describes.
            var result = new List<string>(WrapComment(lead, body.Substring(comment)));
            result.AddRange(Wrap(lead + body.Substring(0, comment).TrimEnd()));
            return result;
        }
        return WrapCode(lead, body);
    }

    /// <summary>
    /// A comment cut at spaces (never inside a quoted value, or an XML tag of a <c>///</c> line): the
    /// text keeps its spacing, and continuation lines keep the indentation after the comment marker.
    /// </summary>
    private static IEnumerable<string> WrapComment(string lead, string body)
    {
        string marker = body.StartsWith("///", StringComparison.Ordinal) ? "///" : "//";
        string text = body.Substring(marker.Length);
        string indent = text.Substring(0, text.Length - text.TrimStart().Length);
        bool xml = marker == "///";
        var lines = new List<string>();
        string prefix = lead + marker;
        while (prefix.Length + text.Length > MaxLineLength)
        {
            int cut = LastBreak(text, MaxLineLength - prefix.Length, xml, indent.Length);
            if (cut < 0) break; // one unbreakable word: leave it long
            lines.Add(prefix + text.Substring(0, cut).TrimEnd());
            text = indent + text.Substring(cut).TrimStart();
        }
        lines.Add(prefix + text);
        return lines;
    }

    /// <summary>The last space at or before <paramref name="limit"/> (after <paramref name="from"/>) where a comment may break, or -1.</summary>
    private static int LastBreak(string text, int limit, bool xml, int from)
    {
        int best = -1, tag = 0;
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '"') quoted = !quoted;
            else if (xml && !quoted && c == '<') tag++;
            else if (xml && !quoted && c == '>' && tag > 0) tag--;
            else if (c == ' ' && !quoted && tag == 0 && i > from)
            {
                if (i > limit) return best >= 0 ? best : i;
                if (i > 0 && text[i - 1] != ' ') best = i;
            }
        }
        return best;
    }

    /// <summary>The index of a <c>//</c> comment after code, outside literals; -1 if none.</summary>
    private static int TrailingComment(string body)
    {
        var scan = new LiteralScanner();
        for (int i = 0; i < body.Length - 1; i++)
        {
            if (scan.Step(body, i)) continue;
            if (body[i] == '/' && body[i + 1] == '/') return i;
        }
        return -1;
    }

    private static IEnumerable<string> WrapCode(string lead, string body)
    {
        // The call whose parentheses enclose the most text: its arguments go on the next line(s).
        var scan = new LiteralScanner();
        var open = new Stack<int>();
        int bestOpen = -1, bestClose = -1;
        var commas = new Dictionary<int, List<int>>();
        for (int i = 0; i < body.Length; i++)
        {
            if (scan.Step(body, i)) continue;
            char c = body[i];
            if (c == '(' || c == '[' || c == '{') { open.Push(i); commas[i] = new List<int>(); }
            else if ((c == ')' || c == ']' || c == '}') && open.Count > 0)
            {
                int o = open.Pop();
                if (body[o] == '(' && i - o > 1 && i - o > bestClose - bestOpen) { bestOpen = o; bestClose = i; }
            }
            else if (c == ',' && open.Count > 0) commas[open.Peek()].Add(i);
        }
        if (bestOpen < 0) return new[] { lead + body };
        string inner = lead + "    ";
        string head = body.Substring(0, bestOpen + 1);
        string tail = body.Substring(bestClose);
        var args = new List<string>();
        int start = bestOpen + 1;
        foreach (int comma in commas[bestOpen])
        {
            args.Add(body.Substring(start, comma - start).Trim());
            start = comma + 1;
        }
        args.Add(body.Substring(start, bestClose - start).Trim());
        var lines = new List<string>();
        lines.AddRange(Wrap(lead + head));
        string oneLine = inner + string.Join(", ", args) + tail;
        if (oneLine.Length <= MaxLineLength)
        {
            lines.Add(oneLine);
            return lines;
        }
        for (int i = 0; i < args.Count; i++)
        {
            lines.AddRange(Wrap(inner + args[i] + (i < args.Count - 1 ? "," : tail)));
        }
        return lines;
    }

    /// <summary>Tracks string and character literals while scanning a line of code.</summary>
    private struct LiteralScanner
    {
        private char _quote;
        private bool _escaped;

        /// <summary>Advances over position <paramref name="i"/>; true when it is inside (or delimits) a literal.</summary>
        public bool Step(string text, int i)
        {
            char c = text[i];
            if (_quote != '\0')
            {
                if (_escaped) _escaped = false;
                else if (c == '\\') _escaped = true;
                else if (c == _quote) _quote = '\0';
                return true;
            }
            if (c == '"' || c == '\'')
            {
                _quote = c;
                return true;
            }
            return false;
        }
    }
}
