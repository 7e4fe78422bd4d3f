using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace RnnGen.IO;

/// <summary>The kinds of JSON value the header parser produces.</summary>
internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>A parsed JSON value: a small immutable tree that keeps object members in document order.</summary>
internal sealed class JsonNode
{
    private JsonNode(JsonKind kind)
    {
        Kind = kind;
    }

    public JsonKind Kind { get; }

    /// <summary>The text of a string value.</summary>
    public string? Text { get; private init; }

    /// <summary>True for a number written as an integer (no fraction or exponent) that fits in a <see cref="long"/>.</summary>
    public bool IsInteger { get; private init; }

    /// <summary>The value of an integer number.</summary>
    public long Integer { get; private init; }

    /// <summary>The source text of a number (for messages).</summary>
    public string? NumberText { get; private init; }

    /// <summary>Object members in document order (keys are unique).</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode>> Members { get; private init; } = Array.Empty<KeyValuePair<string, JsonNode>>();

    /// <summary>Array items in order.</summary>
    public IReadOnlyList<JsonNode> Items { get; private init; } = Array.Empty<JsonNode>();

    public static JsonNode NewObject(List<KeyValuePair<string, JsonNode>> members) => new(JsonKind.Object) { Members = members };

    public static JsonNode NewArray(List<JsonNode> items) => new(JsonKind.Array) { Items = items };

    public static JsonNode NewString(string text) => new(JsonKind.String) { Text = text };

    public static JsonNode NewNumber(string text, bool isInteger, long value) => new(JsonKind.Number) { NumberText = text, IsInteger = isInteger, Integer = value };

    public static readonly JsonNode TrueValue = new(JsonKind.True);

    public static readonly JsonNode FalseValue = new(JsonKind.False);

    public static readonly JsonNode NullValue = new(JsonKind.Null);

    /// <summary>A short description of the value for error messages, e.g. <c>the string "F32"</c> or <c>an array</c>.</summary>
    public string Describe() => Kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "an array",
        JsonKind.String => "the string \"" + Truncate(Text!) + "\"",
        JsonKind.Number => "the number " + Truncate(NumberText!),
        JsonKind.True => "true",
        JsonKind.False => "false",
        _ => "null",
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "...");
}

/// <summary>Thrown by <see cref="JsonHeaderParser"/> for text that is not valid JSON.</summary>
internal sealed class JsonSyntaxException : Exception
{
    public JsonSyntaxException(string message, int position)
        : base(message)
    {
        Position = position;
    }

    /// <summary>Character offset of the problem in the header text.</summary>
    public int Position { get; }
}

/// <summary>
/// A strict RFC 8259 JSON parser for safetensors headers: no comments, no trailing commas,
/// duplicate object keys rejected, nesting limited, only whitespace after the top-level
/// value, strings validated (escapes including <c>\uXXXX</c> surrogate pairs, no raw control
/// characters, no unpaired surrogates).
/// </summary>
internal sealed class JsonHeaderParser
{
    /// <summary>The deepest nesting of objects and arrays accepted.</summary>
    public const int MaxDepth = 64;

    private readonly string _text;
    private int _pos;
    private readonly StringBuilder _buffer = new();

    private JsonHeaderParser(string text)
    {
        _text = text;
    }

    /// <summary>Parses a complete JSON document.</summary>
    /// <exception cref="JsonSyntaxException">The text is not a single valid JSON value.</exception>
    public static JsonNode Parse(string text)
    {
        var parser = new JsonHeaderParser(text);
        parser.SkipWhitespace();
        if (parser._pos >= text.Length)
        {
            throw new JsonSyntaxException("the header is empty (or only whitespace)", parser._pos);
        }

        JsonNode root = parser.ParseValue(0);
        parser.SkipWhitespace();
        if (parser._pos < text.Length)
        {
            throw parser.Error($"unexpected {parser.DescribeCurrent()} after the end of the JSON value");
        }

        return root;
    }

    private JsonNode ParseValue(int depth)
    {
        if (_pos >= _text.Length)
        {
            throw Error("unexpected end of the header, expected a value");
        }

        char c = _text[_pos];
        switch (c)
        {
            case '{':
                return ParseObject(depth + 1);
            case '[':
                return ParseArray(depth + 1);
            case '"':
                return JsonNode.NewString(ParseString());
            case 't':
                ExpectLiteral("true");
                return JsonNode.TrueValue;
            case 'f':
                ExpectLiteral("false");
                return JsonNode.FalseValue;
            case 'n':
                ExpectLiteral("null");
                return JsonNode.NullValue;
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ParseNumber();
                }

                throw Error($"unexpected {DescribeCurrent()}, expected a value");
        }
    }

    private JsonNode ParseObject(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error($"nesting deeper than {MaxDepth} levels");
        }

        _pos++; // '{'
        var members = new List<KeyValuePair<string, JsonNode>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        SkipWhitespace();
        if (Peek() == '}')
        {
            _pos++;
            return JsonNode.NewObject(members);
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Error($"unexpected {DescribeCurrent()}, expected a string key");
            }

            int keyPos = _pos;
            string key = ParseString();
            if (!keys.Add(key))
            {
                throw new JsonSyntaxException($"duplicate key \"{key}\"", keyPos);
            }

            SkipWhitespace();
            if (Peek() != ':')
            {
                throw Error($"unexpected {DescribeCurrent()}, expected ':' after key \"{key}\"");
            }

            _pos++;
            SkipWhitespace();
            members.Add(new KeyValuePair<string, JsonNode>(key, ParseValue(depth)));
            SkipWhitespace();
            char c = Peek();
            if (c == ',')
            {
                _pos++;
                continue;
            }

            if (c == '}')
            {
                _pos++;
                return JsonNode.NewObject(members);
            }

            throw Error($"unexpected {DescribeCurrent()}, expected ',' or '}}' in an object");
        }
    }

    private JsonNode ParseArray(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error($"nesting deeper than {MaxDepth} levels");
        }

        _pos++; // '['
        var items = new List<JsonNode>();
        SkipWhitespace();
        if (Peek() == ']')
        {
            _pos++;
            return JsonNode.NewArray(items);
        }

        while (true)
        {
            SkipWhitespace();
            items.Add(ParseValue(depth));
            SkipWhitespace();
            char c = Peek();
            if (c == ',')
            {
                _pos++;
                continue;
            }

            if (c == ']')
            {
                _pos++;
                return JsonNode.NewArray(items);
            }

            throw Error($"unexpected {DescribeCurrent()}, expected ',' or ']' in an array");
        }
    }

    private string ParseString()
    {
        int start = _pos;
        _pos++; // opening quote
        _buffer.Clear();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw new JsonSyntaxException("unterminated string", start);
            }

            char c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return _buffer.ToString();
            }

            if (c < 0x20)
            {
                throw Error($"raw control character U+{(int)c:X4} in a string (must be escaped)");
            }

            if (c == '\\')
            {
                _pos++;
                if (_pos >= _text.Length)
                {
                    throw new JsonSyntaxException("unterminated string", start);
                }

                char e = _text[_pos];
                switch (e)
                {
                    case '"': _buffer.Append('"'); break;
                    case '\\': _buffer.Append('\\'); break;
                    case '/': _buffer.Append('/'); break;
                    case 'b': _buffer.Append('\b'); break;
                    case 'f': _buffer.Append('\f'); break;
                    case 'n': _buffer.Append('\n'); break;
                    case 'r': _buffer.Append('\r'); break;
                    case 't': _buffer.Append('\t'); break;
                    case 'u':
                        AppendUnicodeEscape();
                        continue; // AppendUnicodeEscape advanced past the escape
                    default:
                        throw Error($"invalid escape '\\{e}' in a string");
                }

                _pos++;
                continue;
            }

            if (char.IsHighSurrogate(c))
            {
                if (_pos + 1 >= _text.Length || !char.IsLowSurrogate(_text[_pos + 1]))
                {
                    throw Error("unpaired surrogate in a string");
                }

                _buffer.Append(c).Append(_text[_pos + 1]);
                _pos += 2;
                continue;
            }

            if (char.IsLowSurrogate(c))
            {
                throw Error("unpaired surrogate in a string");
            }

            _buffer.Append(c);
            _pos++;
        }
    }

    /// <summary>Reads <c>uXXXX</c> (the position is at the <c>u</c>) and, for a high surrogate, the <c>\uXXXX</c> low surrogate that must follow.</summary>
    private void AppendUnicodeEscape()
    {
        int escapeStart = _pos - 1;
        char first = ReadHex4();
        if (char.IsLowSurrogate(first))
        {
            throw new JsonSyntaxException("unpaired low surrogate escape in a string", escapeStart);
        }

        if (!char.IsHighSurrogate(first))
        {
            _buffer.Append(first);
            return;
        }

        if (_pos + 1 < _text.Length && _text[_pos] == '\\' && _text[_pos + 1] == 'u')
        {
            _pos++;
            char second = ReadHex4();
            if (char.IsLowSurrogate(second))
            {
                _buffer.Append(first).Append(second);
                return;
            }
        }

        throw new JsonSyntaxException("unpaired high surrogate escape in a string", escapeStart);
    }

    /// <summary>Reads <c>uXXXX</c> at the position (which is at the <c>u</c>) and moves past it.</summary>
    private char ReadHex4()
    {
        if (_pos + 4 >= _text.Length)
        {
            throw Error("truncated \\u escape in a string");
        }

        int value = 0;
        for (int i = 1; i <= 4; i++)
        {
            char h = _text[_pos + i];
            int digit = h >= '0' && h <= '9' ? h - '0'
                : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10
                : -1;
            if (digit < 0)
            {
                throw new JsonSyntaxException($"invalid hex digit '{h}' in a \\u escape", _pos + i);
            }

            value = (value << 4) | digit;
        }

        _pos += 5;
        return (char)value;
    }

    private JsonNode ParseNumber()
    {
        int start = _pos;
        if (Peek() == '-')
        {
            _pos++;
        }

        if (Peek() == '0')
        {
            _pos++;
            if (IsDigit(Peek()))
            {
                throw Error("leading zero in a number");
            }
        }
        else if (IsDigit(Peek()))
        {
            while (IsDigit(Peek()))
            {
                _pos++;
            }
        }
        else
        {
            throw Error("a '-' not followed by digits");
        }

        bool integer = true;
        if (Peek() == '.')
        {
            integer = false;
            _pos++;
            if (!IsDigit(Peek()))
            {
                throw Error("a decimal point not followed by digits");
            }

            while (IsDigit(Peek()))
            {
                _pos++;
            }
        }

        if (Peek() == 'e' || Peek() == 'E')
        {
            integer = false;
            _pos++;
            if (Peek() == '+' || Peek() == '-')
            {
                _pos++;
            }

            if (!IsDigit(Peek()))
            {
                throw Error("an exponent without digits");
            }

            while (IsDigit(Peek()))
            {
                _pos++;
            }
        }

        string text = _text.Substring(start, _pos - start);
        long value = 0;
        bool fits = integer && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        return JsonNode.NewNumber(text, fits, value);
    }

    private void ExpectLiteral(string literal)
    {
        if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0)
        {
            throw Error($"unexpected {DescribeCurrent()}, expected a value");
        }

        _pos += literal.Length;
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            {
                return;
            }

            _pos++;
        }
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private string DescribeCurrent()
    {
        if (_pos >= _text.Length)
        {
            return "end of the header";
        }

        char c = _text[_pos];
        return c >= 0x20 && c < 0x7F ? $"character '{c}'" : $"character U+{(int)c:X4}";
    }

    private JsonSyntaxException Error(string message) => new(message, _pos);
}
