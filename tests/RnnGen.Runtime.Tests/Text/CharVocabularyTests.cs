using System;
using RnnGen.Text;
using Xunit;

namespace RnnGen.Runtime.Tests.Text;

public sealed class CharVocabularyTests
{
    private const string Alphabet = "\n !',-.:;?abcdefghijklmnopqrstuvwxyz";

    [Fact]
    public void Ids_are_positions_in_the_alphabet()
    {
        var vocabulary = new CharVocabulary(Alphabet);
        Assert.Equal(Alphabet.Length, vocabulary.Count);
        Assert.Equal(Alphabet, vocabulary.Alphabet);
        for (int i = 0; i < Alphabet.Length; i++)
        {
            Assert.Equal(i, vocabulary.Encode(Alphabet[i]));
            Assert.Equal(Alphabet[i], vocabulary.Decode(i));
        }
    }

    [Fact]
    public void Encode_then_decode_round_trips()
    {
        var vocabulary = new CharVocabulary(Alphabet);
        const string text = "shall i compare thee to a summer's day?\nthou art more lovely;";
        int[] ids = vocabulary.Encode(text);
        Assert.Equal(text.Length, ids.Length);
        Assert.Equal(text, vocabulary.Decode(ids));

        Span<int> spanIds = stackalloc int[text.Length];
        vocabulary.Encode(text.AsSpan(), spanIds);
        Assert.Equal(ids, spanIds.ToArray());

        Span<char> chars = stackalloc char[text.Length];
        vocabulary.Decode(spanIds, chars);
        Assert.Equal(text, chars.ToString());
    }

    [Fact]
    public void Non_ascii_characters_work()
    {
        var vocabulary = new CharVocabulary("aé€\U0001F600");
        Assert.Equal(5, vocabulary.Count); // the emoji is two UTF-16 code units
        Assert.Equal(new[] { 1, 2, 0 }, vocabulary.Encode("é€a"));
        Assert.Equal("é€a", vocabulary.Decode(new[] { 1, 2, 0 }));
    }

    [Fact]
    public void FromText_sorts_distinct_characters_ordinally()
    {
        var vocabulary = CharVocabulary.FromText("the cat\nsat; The end.");
        Assert.Equal("\n .;Tacdehnst", vocabulary.Alphabet);
        Assert.False(vocabulary.HasUnknown);
        Assert.Equal(-1, vocabulary.UnknownId);
    }

    [Fact]
    public void Unknown_character_throws_naming_it_and_its_position()
    {
        var vocabulary = new CharVocabulary(Alphabet);
        var error = Assert.Throws<ArgumentException>(() => vocabulary.Encode("hello World"));
        Assert.Contains("'W'", error.Message, StringComparison.Ordinal);
        Assert.Contains("U+0057", error.Message, StringComparison.Ordinal);
        Assert.Contains("position 6", error.Message, StringComparison.Ordinal);
        Assert.Equal("text", error.ParamName);

        var single = Assert.Throws<ArgumentException>(() => vocabulary.Encode('\t'));
        Assert.Contains("\\t", single.Message, StringComparison.Ordinal);

        Assert.False(vocabulary.Contains('W'));
        Assert.False(vocabulary.TryEncode('W', out int id));
        Assert.Equal(-1, id);
    }

    [Fact]
    public void Unknown_character_maps_to_the_unknown_id()
    {
        var vocabulary = new CharVocabulary("?abc", unknown: '?');
        Assert.True(vocabulary.HasUnknown);
        Assert.Equal(0, vocabulary.UnknownId);
        Assert.Equal(new[] { 1, 0, 3, 0 }, vocabulary.Encode("aXc\u00e9"));
        Assert.Equal(0, vocabulary.Encode('Z'));
        Assert.False(vocabulary.TryEncode('Z', out _));
        Assert.Equal("a?c?", vocabulary.Decode(vocabulary.Encode("aXc\u00e9")));
    }

    [Fact]
    public void Invalid_alphabets_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new CharVocabulary(null!));
        Assert.Throws<ArgumentException>(() => new CharVocabulary(string.Empty));
        var repeated = Assert.Throws<ArgumentException>(() => new CharVocabulary("abca"));
        Assert.Contains("'a'", repeated.Message, StringComparison.Ordinal);
        Assert.Contains("0 and 3", repeated.Message, StringComparison.Ordinal);
        var repeatedWide = Assert.Throws<ArgumentException>(() => new CharVocabulary("é-é"));
        Assert.Contains("U+00E9", repeatedWide.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<ArgumentException>(() => new CharVocabulary("abc", unknown: '?'));
        Assert.Equal("unknown", unknown.ParamName);
        Assert.Throws<ArgumentException>(() => CharVocabulary.FromText(string.Empty));
    }

    [Fact]
    public void Decode_rejects_ids_out_of_range()
    {
        var vocabulary = new CharVocabulary("abc");
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode(new[] { 0, 7 }));
    }

    [Fact]
    public void Span_lengths_are_checked()
    {
        var vocabulary = new CharVocabulary("abc");
        var error = Assert.Throws<ArgumentException>(() => vocabulary.Encode("abc".AsSpan(), new int[2]));
        Assert.Contains("expected length 3, actual 2", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => vocabulary.Decode(new[] { 0, 1 }, new char[3]));
    }

    [Fact]
    public void OneHot_clears_then_sets_one()
    {
        var vocabulary = new CharVocabulary("abcd");
        float[] vector = { 5f, -1f, 2f, 7f };
        vocabulary.OneHot(2, vector);
        Assert.Equal(new[] { 0f, 0f, 1f, 0f }, vector);
        vocabulary.OneHot(0, vector);
        Assert.Equal(new[] { 1f, 0f, 0f, 0f }, vector);

        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.OneHot(4, vector));
        var error = Assert.Throws<ArgumentException>(() => vocabulary.OneHot(1, new float[5]));
        Assert.Contains("expected length 4, actual 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneHot_sequence_is_row_major()
    {
        var vocabulary = new CharVocabulary("abc");
        float[] matrix = new float[9];
        matrix.AsSpan().Fill(3f);
        vocabulary.OneHot(vocabulary.Encode("cab"), matrix);
        Assert.Equal(new[] { 0f, 0f, 1f, 1f, 0f, 0f, 0f, 1f, 0f }, matrix);
        Assert.Throws<ArgumentException>(() => vocabulary.OneHot(new[] { 0, 1 }, new float[9]));
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.OneHot(new[] { 0, 1, 3 }, new float[9]));
    }

    [Fact]
    public void ToString_escapes_control_characters()
    {
        Assert.Equal("CharVocabulary(4: \"\\n ab\")", new CharVocabulary("\n ab").ToString());
    }
}
