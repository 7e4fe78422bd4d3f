using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Tests.Infrastructure;
using Xunit;

namespace RnnGen.Generators.Tests.Generation;

/// <summary>
/// <see cref="SourceWriter"/>: indentation that must return to zero, and <see cref="SourceWriter.Wrap"/>,
/// which keeps generated lines within <see cref="SourceWriter.MaxLineLength"/> columns (code at the
/// arguments of its widest call, comments at spaces, never inside a literal or an XML tag).
/// </summary>
public sealed class SourceWriterTests
{
    private const string Lead = "            ";

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("            global::RnnGen.Kernels.Blas.MatMulTransposedAdd(h_prev, ldh, whh, g, 36, B, 36, 9);")]
    [InlineData("            // gates += W_hh h[t-1]   [36 x 9]·[9] -> [36]")]
    public void ShortLinesAreUntouched(string line)
    {
        Assert.Equal(new[] { line }, SourceWriter.Wrap(line));
    }

    [Fact]
    public void ALineOfExactlyTheLimitIsUntouched()
    {
        const string head = "var total = F(", tail = ");";
        string line = Lead + head + new string('a', SourceWriter.MaxLineLength - Lead.Length - head.Length - tail.Length) + tail;
        Assert.Equal(SourceWriter.MaxLineLength, line.Length);
        Assert.Equal(new[] { line }, SourceWriter.Wrap(line));
    }

    /// <summary>The call wrapped is the one whose parentheses enclose the most text, not the first.</summary>
    [Theory]
    [InlineData("global::RnnGen.Kernels.Blas.MatMulTransposedAdd(",
        "a.Slice(__A.enc_l0_out, __A.enc_l0_out_len), 128, p.Slice(__P.fc_weight, __P.fc_weight_len), logits, 1200, B, 1200, 128);")]
    [InlineData("a.Slice(__A.emb_out, __A.emb_out_len).CopyTo(",
        "q.Slice(__Q.decoder_input_of_the_first_step + b * OutputSize, OutputSize * BatchSize - b * OutputSize - 1));")]
    public void ALongCallMovesItsArgumentsToOneContinuationLine(string head, string arguments)
    {
        string line = Lead + head + arguments;
        Assert.True(line.Length > SourceWriter.MaxLineLength);

        Assert.Equal(new[] { Lead + head, Lead + "    " + arguments }, SourceWriter.Wrap(line));
    }

    [Fact]
    public void ArgumentsThatDoNotFitOnOneLineGoOnePerLine()
    {
        string line = Lead + "global::RnnGen.Kernels.Cells.LstmBackward(g.Slice(b * 512, 512), c_prev.Slice(b * 128, 128), "
            + "a.Slice(__A.decoder_l0_c + (t * B + b) * 128, 128), d.Slice(__A.decoder_l0_out + (t * B + b) * 128, 128), "
            + "dc.Slice(b * 128, 128), dgates.Slice(b * 512, 512));";

        var lines = SourceWriter.Wrap(line).ToList();

        Assert.Equal(
            new[]
            {
                Lead + "global::RnnGen.Kernels.Cells.LstmBackward(",
                Lead + "    g.Slice(b * 512, 512),",
                Lead + "    c_prev.Slice(b * 128, 128),",
                Lead + "    a.Slice(__A.decoder_l0_c + (t * B + b) * 128, 128),",
                Lead + "    d.Slice(__A.decoder_l0_out + (t * B + b) * 128, 128),",
                Lead + "    dc.Slice(b * 128, 128),",
                Lead + "    dgates.Slice(b * 512, 512));",
            },
            lines);
        AssertWithinLimit(lines);
    }

    [Fact]
    public void AnArgumentStillTooLongIsWrappedInTurn()
    {
        string inner = "Inner(" + string.Join(", ", Enumerable.Range(0, 14).Select(i => "argument" + i.ToString(CultureInfo.InvariantCulture))) + ")";
        string line = Lead + "Outer(" + inner + ", " + inner.Replace("Inner", "Other", StringComparison.Ordinal) + ");";

        var lines = SourceWriter.Wrap(line).ToList();

        AssertWithinLimit(lines);
        Assert.Equal(Squeeze(line), Squeeze(string.Concat(lines)));
        Assert.Equal(Lead + "Outer(", lines[0]);
        Assert.Equal(Lead + "    Inner(", lines[1]);
    }

    [Fact]
    public void ATrailingCommentMovesAboveTheCode()
    {
        string code = Lead + "var h = st.Slice(__S.decoder_l0_h, __S.decoder_l0_h_len);";
        string comment = "// [B, 128], h[t-1] in, h[t] out; the cell overwrites it with h[t] element by element";
        string line = code + " " + comment;
        Assert.True(line.Length > SourceWriter.MaxLineLength);

        Assert.Equal(new[] { Lead + comment, code }, SourceWriter.Wrap(line));
    }

    [Fact]
    public void StringLiteralsWithCommasAndParenthesesAreNeverSplit()
    {
        const string first = "\"Expected (B, T, X) = (\"";
        const string second = "\", \"";
        const string third = "\"), see F(a, b): \\\"a, b\\\" // no comment\"";
        string line = Lead + "throw new global::System.ArgumentException(" + first + " + BatchSize + " + second + " + Steps + " + third
            + " + (char)(',') + ')', nameof(parameterWithAVeryLongNameForTheTest));";
        Assert.True(line.Length > SourceWriter.MaxLineLength);

        var lines = SourceWriter.Wrap(line).ToList();

        Assert.Equal(
            new[]
            {
                Lead + "throw new global::System.ArgumentException(",
                Lead + "    " + first + " + BatchSize + " + second + " + Steps + " + third + " + (char)(',') + ')',",
                Lead + "    nameof(parameterWithAVeryLongNameForTheTest));",
            },
            lines);
        AssertWithinLimit(lines);
    }

    [Fact]
    public void XmlDocCommentsWrapAtSpacesButNeverInsideATag()
    {
        const string tag = "<see cref=\"M:Demo.Model.Predict(int, int)\"/>";
        string prefix = Lead + "/// <summary>";
        var words = new List<string>();
        while ((prefix + string.Join(" ", words)).Length < SourceWriter.MaxLineLength - 20)
        {
            words.Add("word" + words.Count.ToString(CultureInfo.InvariantCulture));
        }

        // The tag straddles column 140: a break at any space but the one before it splits it.
        string line = prefix + string.Join(" ", words) + " " + tag + " and some more words after it.</summary>";

        var lines = SourceWriter.Wrap(line).ToList();

        Assert.True(lines.Count >= 2);
        AssertWithinLimit(lines);
        Assert.All(lines, l => Assert.StartsWith(Lead + "/// ", l, StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains(tag, StringComparison.Ordinal));
        Assert.Equal(line[(Lead.Length + 4)..], string.Join(" ", lines.Select(l => l[(Lead.Length + 4)..])));
    }

    [Fact]
    public void LineCommentsWithLessThanSignsWrap()
    {
        string line = Lead + "// for 0 <= t < T the mask keeps x[t] when u < 1 - p and scales it by 1/(1-p); for t >= T nothing is kept, "
            + "and a < b < c < d holds for every row of the batch";

        var lines = SourceWriter.Wrap(line).ToList();

        Assert.Equal(2, lines.Count);
        AssertWithinLimit(lines);
        Assert.All(lines, l => Assert.StartsWith(Lead + "// ", l, StringComparison.Ordinal));
        Assert.Equal(line, lines[0] + " " + lines[1][(Lead.Length + 3)..]);
    }

    /// <summary>
    /// <c>"a\\\""</c> is the text <c>a\"</c>: an escaped backslash, then an escaped quote. The literal
    /// scanner must not take that quote for the end of the literal (it would then read the real end as
    /// the start of another, find no call outside literals and leave the line unwrapped).
    /// </summary>
    [Fact]
    public void AnEscapedBackslashBeforeAnEscapedQuoteDoesNotEndTheLiteral()
    {
        string line = Lead + "var names = Call(\"a\\\\\\\"\", \"(b, c\", argumentNumberOne, argumentNumberTwo, argumentNumberThree, argumentNumberFour, "
            + "argumentNumberFive, argumentNumberSix);";
        Assert.True(line.Length > SourceWriter.MaxLineLength);

        var lines = SourceWriter.Wrap(line).ToList();

        Assert.Equal(Lead + "var names = Call(", lines[0]);
        AssertWithinLimit(lines);
    }

    /// <summary>
    /// A wrapped comment only gains line breaks: the indentation after <c>//</c> and the column alignment
    /// of the header's buffer table survive (the <c>decoder_input</c> and <c>decoder_l0_h0</c> rows of
    /// <c>Baselines/Translator.verified.cs</c>).
    /// </summary>
    [Fact]
    public void AWrappedCommentKeepsItsSpacing()
    {
        string line = "//   decoder_l0_h0                offset    360448  length      1024  "
            + "[B, H] = [8, 128] h before the first step (zeros, or the carried state), and more text";
        Assert.True(line.Length > SourceWriter.MaxLineLength);

        var first = SourceWriter.Wrap(line).First();

        Assert.StartsWith(first, line, StringComparison.Ordinal);
    }

    [Fact]
    public void ClosingABlockThatWasNeverOpenedThrows()
    {
        Assert.Throws<InvalidOperationException>(() => new SourceWriter().CloseBlock());
    }

    [Fact]
    public void AnUnclosedBlockThrowsWhenTheTextIsTaken()
    {
        var writer = new SourceWriter().OpenBlock("class C").OpenBlock("void F()").CloseBlock();
        var error = Assert.Throws<InvalidOperationException>(() => writer.ToString());
        Assert.Contains("1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BalancedBlocksIndentByFourAndWrapAtTheirIndentation()
    {
        const string head = "var result = Function(";
        string arguments = string.Join(", ", Enumerable.Range(0, 25).Select(i => "a" + i.ToString(CultureInfo.InvariantCulture)));
        string text = new SourceWriter().OpenBlock("class C").OpenBlock("void G()").Line(head + arguments + ");").CloseBlock().CloseBlock().ToString();

        Assert.Equal(
            "class C\n{\n    void G()\n    {\n        " + head + "\n            " + arguments + ");\n    }\n}\n",
            text);
    }

    /// <summary>
    /// The generator runs in the IDE's and the build's culture: its output must not depend on it (a
    /// U+2212 minus or a decimal comma in a literal would not compile, or change the header).
    /// </summary>
    [Fact]
    public void GenerationIsTheSameUnderACultureWithANonAsciiMinusAndADecimalComma()
    {
        const string dropout = """
            using RnnGen;
            namespace Demo;

            [RnnModel(InputSize = 3, Steps = 5, BatchSize = 3)]
            [Lstm(7, Name = "lstm", Layers = 3, Dropout = 0.25f)]
            [Gru(5, Name = "gru", Layers = 2, Dropout = 0.125f, Bidirectional = true)]
            [Dense(2, Name = "fc", Activation = Activation.Tanh)]
            public partial class Dropped { }
            """;
        var sources = new[] { SnapshotTests.CharRnn, SnapshotTests.Classifier, SnapshotTests.Tagger, SnapshotTests.Composer, SnapshotTests.Translator, dropout }
            .Select((text, i) => ("Model" + i.ToString(CultureInfo.InvariantCulture) + ".cs", text))
            .ToList();

        var invariant = GeneratorHarness.Run(sources, culture: CultureInfo.InvariantCulture).GeneratedSources;
        var nonAscii = GeneratorHarness.Run(sources, culture: CultureScope.NonAsciiMinus).GeneratedSources;

        Assert.Equal(sources.Count, invariant.Count);
        Assert.Equal(invariant.Keys, nonAscii.Keys);
        foreach (var (hint, text) in invariant)
        {
            Assert.True(text == nonAscii[hint], hint + " differs under " + CultureScope.NonAsciiMinus.Name + ": first at line " + FirstDifference(text, nonAscii[hint]));
        }

        Assert.Contains("0.25f", invariant["Demo.Dropped.g.cs"], StringComparison.Ordinal);
    }

    private static void AssertWithinLimit(IEnumerable<string> lines) =>
        Assert.All(lines, l => Assert.True(l.Length <= SourceWriter.MaxLineLength, l.Length.ToString(CultureInfo.InvariantCulture) + " characters: " + l));

    /// <summary>The text without white space: what wrapping must preserve.</summary>
    private static string Squeeze(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static string FirstDifference(string a, string b)
    {
        var left = a.Split('\n');
        var right = b.Split('\n');
        for (int i = 0; i < Math.Min(left.Length, right.Length); i++)
        {
            if (left[i] != right[i])
            {
                return (i + 1).ToString(CultureInfo.InvariantCulture) + ":\n  " + left[i] + "\n  " + right[i];
            }
        }

        return "(the end: " + left.Length.ToString(CultureInfo.InvariantCulture) + " and " + right.Length.ToString(CultureInfo.InvariantCulture) + " lines)";
    }
}
