using System;
using System.Collections.Generic;
using System.Globalization;

namespace RnnGen.Text;

/// <summary>
/// A character vocabulary for character-level models: maps each character of an alphabet to
/// an id (its position in the alphabet) and back, and writes one-hot vectors.
/// </summary>
/// <remarks>
/// <para>
/// The alphabet is a string of distinct UTF-16 characters; the character at index <c>i</c> has
/// id <c>i</c>. A vocabulary built with <see cref="FromText(string)"/> uses the text's distinct
/// characters sorted by ordinal value, the same order as Python's <c>sorted(set(text))</c>, so
/// ids agree with a model trained that way.
/// </para>
/// <para>
/// A character outside the alphabet either maps to a designated unknown character (see
/// <see cref="CharVocabulary(string, char)"/>) or makes encoding throw an
/// <see cref="ArgumentException"/> that names the character and its position.
/// </para>
/// <para>Instances are immutable and safe to share between threads.</para>
/// </remarks>
public sealed class CharVocabulary
{
    private const int DirectLookupSize = 128;

    private readonly string _alphabet;
    private readonly int[] _direct;
    private readonly Dictionary<char, int>? _others;
    private readonly int _unknownId;

    /// <summary>Creates a vocabulary whose encoding throws on a character outside <paramref name="alphabet"/>.</summary>
    /// <param name="alphabet">The characters in id order; each may appear once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="alphabet"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="alphabet"/> is empty or repeats a character.</exception>
    public CharVocabulary(string alphabet)
        : this(alphabet, -1)
    {
    }

    /// <summary>Creates a vocabulary that encodes a character outside <paramref name="alphabet"/> as <paramref name="unknown"/>.</summary>
    /// <param name="alphabet">The characters in id order; each may appear once.</param>
    /// <param name="unknown">The character that stands for every character outside the alphabet; it must be part of <paramref name="alphabet"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="alphabet"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="alphabet"/> is empty, repeats a character, or does not contain <paramref name="unknown"/>.</exception>
    public CharVocabulary(string alphabet, char unknown)
        : this(alphabet, FindUnknown(alphabet, unknown))
    {
    }

    private CharVocabulary(string alphabet, int unknownId)
    {
        ArgumentNullException.ThrowIfNull(alphabet);
        if (alphabet.Length == 0)
        {
            throw new ArgumentException("The alphabet must contain at least one character.", nameof(alphabet));
        }

        _alphabet = alphabet;
        _unknownId = unknownId;
        _direct = new int[DirectLookupSize];
        _direct.AsSpan().Fill(-1);
        for (int i = 0; i < alphabet.Length; i++)
        {
            char c = alphabet[i];
            int previous;
            if (c < DirectLookupSize)
            {
                previous = _direct[c];
                _direct[c] = i;
            }
            else
            {
                _others ??= new Dictionary<char, int>();
                previous = _others.TryGetValue(c, out int id) ? id : -1;
                _others[c] = i;
            }

            if (previous >= 0)
            {
                throw new ArgumentException(
                    $"The alphabet repeats the character {Describe(c)} (at positions {previous} and {i}); every character must appear once.",
                    nameof(alphabet));
            }
        }
    }

    /// <summary>The number of characters (ids run from 0 to <c>Count - 1</c>).</summary>
    public int Count => _alphabet.Length;

    /// <summary>The alphabet: the character of every id, in id order.</summary>
    public string Alphabet => _alphabet;

    /// <summary>Whether characters outside the alphabet are encoded as <see cref="UnknownId"/> rather than rejected.</summary>
    public bool HasUnknown => _unknownId >= 0;

    /// <summary>The id that characters outside the alphabet are encoded as, or -1 when they are rejected.</summary>
    public int UnknownId => _unknownId;

    /// <summary>Builds a vocabulary from the distinct characters of <paramref name="text"/>, sorted by ordinal value; unknown characters are rejected.</summary>
    /// <param name="text">Text whose characters make up the alphabet.</param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty.</exception>
    public static CharVocabulary FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            throw new ArgumentException("The text must contain at least one character.", nameof(text));
        }

        char[] chars = text.ToCharArray();
        Array.Sort(chars);
        int distinct = 0;
        for (int i = 0; i < chars.Length; i++)
        {
            if (i == 0 || chars[i] != chars[distinct - 1])
            {
                chars[distinct++] = chars[i];
            }
        }

        return new CharVocabulary(new string(chars, 0, distinct));
    }

    /// <summary>Whether <paramref name="c"/> is part of the alphabet.</summary>
    /// <param name="c">The character.</param>
    /// <returns><see langword="true"/> when the character has its own id.</returns>
    public bool Contains(char c) => Lookup(c) >= 0;

    /// <summary>Looks up the id of <paramref name="c"/> without the unknown-character policy.</summary>
    /// <param name="c">The character.</param>
    /// <param name="id">The character's id, or -1 when it is not part of the alphabet.</param>
    /// <returns><see langword="true"/> when the character is part of the alphabet.</returns>
    public bool TryEncode(char c, out int id)
    {
        id = Lookup(c);
        return id >= 0;
    }

    /// <summary>Returns the id of <paramref name="c"/>, applying the unknown-character policy.</summary>
    /// <param name="c">The character.</param>
    /// <returns>The character's id, or <see cref="UnknownId"/> for a character outside the alphabet.</returns>
    /// <exception cref="ArgumentException">The character is not part of the alphabet and the vocabulary has no unknown character.</exception>
    public int Encode(char c)
    {
        int id = Lookup(c);
        if (id >= 0)
        {
            return id;
        }

        if (_unknownId >= 0)
        {
            return _unknownId;
        }

        throw new ArgumentException($"The character {Describe(c)} is not in the vocabulary ({Count} characters: {DescribeAlphabet()}).", nameof(c));
    }

    /// <summary>Encodes every character of <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>One id per character.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">A character is not part of the alphabet and the vocabulary has no unknown character; the message names it and its position.</exception>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int[] ids = new int[text.Length];
        Encode(text.AsSpan(), ids);
        return ids;
    }

    /// <summary>Encodes every character of <paramref name="text"/> into <paramref name="destination"/>, without allocating.</summary>
    /// <param name="text">The text.</param>
    /// <param name="destination">Receives one id per character; its length must equal the text's.</param>
    /// <exception cref="ArgumentException">The lengths differ, or a character is not part of the alphabet and the vocabulary has no unknown character (the message names it and its position).</exception>
    public void Encode(ReadOnlySpan<char> text, Span<int> destination)
    {
        if (destination.Length != text.Length)
        {
            throw new ArgumentException($"The destination must have one element per character: expected length {text.Length}, actual {destination.Length}.", nameof(destination));
        }

        for (int i = 0; i < text.Length; i++)
        {
            int id = Lookup(text[i]);
            if (id < 0)
            {
                if (_unknownId < 0)
                {
                    throw new ArgumentException(
                        $"The character {Describe(text[i])} at position {i} is not in the vocabulary ({Count} characters: {DescribeAlphabet()}).",
                        nameof(text));
                }

                id = _unknownId;
            }

            destination[i] = id;
        }
    }

    /// <summary>Returns the character of an id.</summary>
    /// <param name="id">An id in [0, <see cref="Count"/>).</param>
    /// <returns>The character.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside [0, <see cref="Count"/>).</exception>
    public char Decode(int id)
    {
        if ((uint)id >= (uint)_alphabet.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"The id must be in [0, {Count}).");
        }

        return _alphabet[id];
    }

    /// <summary>Decodes a sequence of ids into a string.</summary>
    /// <param name="ids">Ids in [0, <see cref="Count"/>).</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, <see cref="Count"/>).</exception>
    public string Decode(ReadOnlySpan<int> ids)
    {
        if (ids.IsEmpty)
        {
            return string.Empty;
        }

        char[] chars = new char[ids.Length];
        Decode(ids, chars);
        return new string(chars);
    }

    /// <summary>Decodes a sequence of ids into <paramref name="destination"/>, without allocating.</summary>
    /// <param name="ids">Ids in [0, <see cref="Count"/>).</param>
    /// <param name="destination">Receives one character per id; its length must equal the number of ids.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, <see cref="Count"/>).</exception>
    public void Decode(ReadOnlySpan<int> ids, Span<char> destination)
    {
        if (destination.Length != ids.Length)
        {
            throw new ArgumentException($"The destination must have one element per id: expected length {ids.Length}, actual {destination.Length}.", nameof(destination));
        }

        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)_alphabet.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"The id at position {i} must be in [0, {Count}).");
            }

            destination[i] = _alphabet[id];
        }
    }

    /// <summary>Writes the one-hot vector of <paramref name="id"/>: clears <paramref name="destination"/>, then sets element <paramref name="id"/> to 1.</summary>
    /// <param name="id">An id in [0, <see cref="Count"/>).</param>
    /// <param name="destination">A vector of exactly <see cref="Count"/> elements.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> does not have <see cref="Count"/> elements.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside [0, <see cref="Count"/>).</exception>
    public void OneHot(int id, Span<float> destination)
    {
        if (destination.Length != _alphabet.Length)
        {
            throw new ArgumentException($"The one-hot vector must have one element per character: expected length {Count}, actual {destination.Length}.", nameof(destination));
        }

        if ((uint)id >= (uint)_alphabet.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"The id must be in [0, {Count}).");
        }

        destination.Clear();
        destination[id] = 1f;
    }

    /// <summary>Writes the one-hot vectors of a sequence of ids, row-major [ids.Length, <see cref="Count"/>] (the input layout of a one-step-per-character model).</summary>
    /// <param name="ids">Ids in [0, <see cref="Count"/>).</param>
    /// <param name="destination">Exactly <c>ids.Length * Count</c> elements.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, <see cref="Count"/>).</exception>
    public void OneHot(ReadOnlySpan<int> ids, Span<float> destination)
    {
        long expected = (long)ids.Length * _alphabet.Length;
        if (destination.Length != expected)
        {
            throw new ArgumentException($"The one-hot matrix must be [{ids.Length}, {Count}]: expected length {expected}, actual {destination.Length}.", nameof(destination));
        }

        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)_alphabet.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i], $"The id at position {i} must be in [0, {Count}).");
            }
        }

        destination.Clear();
        for (int i = 0; i < ids.Length; i++)
        {
            destination[(i * _alphabet.Length) + ids[i]] = 1f;
        }
    }

    /// <summary>Returns the alphabet as a readable, escaped string such as <c>"\n !abc"</c>.</summary>
    /// <returns>A description of the vocabulary.</returns>
    public override string ToString() => $"CharVocabulary({Count}: {DescribeAlphabet()})";

    private int Lookup(char c)
    {
        if (c < DirectLookupSize)
        {
            return _direct[c];
        }

        return _others is not null && _others.TryGetValue(c, out int id) ? id : -1;
    }

    private static int FindUnknown(string alphabet, char unknown)
    {
        ArgumentNullException.ThrowIfNull(alphabet);
        int id = alphabet.IndexOf(unknown);
        if (id < 0)
        {
            throw new ArgumentException($"The unknown character {Describe(unknown)} must be part of the alphabet.", nameof(unknown));
        }

        return id;
    }

    private string DescribeAlphabet()
    {
        var builder = new System.Text.StringBuilder(_alphabet.Length + 2);
        builder.Append('"');
        foreach (char c in _alphabet)
        {
            AppendEscaped(builder, c);
        }

        builder.Append('"');
        return builder.ToString();
    }

    private static string Describe(char c)
    {
        var builder = new System.Text.StringBuilder(16);
        builder.Append('\'');
        AppendEscaped(builder, c);
        builder.Append("' (U+").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append(')');
        return builder.ToString();
    }

    private static void AppendEscaped(System.Text.StringBuilder builder, char c)
    {
        switch (c)
        {
            case '\n': builder.Append("\\n"); break;
            case '\r': builder.Append("\\r"); break;
            case '\t': builder.Append("\\t"); break;
            case '\\': builder.Append("\\\\"); break;
            default:
                if (char.IsControl(c) || char.IsSurrogate(c))
                {
                    builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(c);
                }

                break;
        }
    }
}
