using System;
using System.Text;

namespace RnnGen.Generators.Helpers;

/// <summary>
/// Writes C# source with indentation. Blocks opened with <see cref="OpenBlock"/> must be closed;
/// <see cref="ToString"/> asserts that the indentation has returned to zero.
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length == 0)
        {
            _sb.Append('\n');
            return this;
        }
        foreach (var line in text.Split('\n'))
        {
            if (line.Length > 0) _sb.Append(' ', _indent * 4).Append(line.TrimEnd('\r'));
            _sb.Append('\n');
        }
        return this;
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
}
