using System;
using Microsoft.CodeAnalysis.Text;
using RnnGen.Generators.Tests.Diagnostics.Harness;
using Xunit;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>The test markup itself: spans, IDs, nesting and malformed markers.</summary>
public sealed class MarkupTests
{
    [Fact]
    public void NamedMarker_GivesItsIdAndTheSpanOfItsText()
    {
        var (source, expected) = Markup.Parse("[Lstm({|RNN0006:0|})]");
        Assert.Equal("[Lstm(0)]", source);
        Assert.Equal(new[] { new ExpectedDiagnostic("RNN0006", new TextSpan(6, 1)) }, expected);
    }

    [Fact]
    public void BracketMarker_TakesTheDefaultId_AndMarkersNest()
    {
        var (source, expected) = Markup.Parse("[[|RnnModel({|RNN0003:Steps = 0|})|]]", "RNN0004");
        Assert.Equal("[RnnModel(Steps = 0)]", source);
        Assert.Equal(2, expected.Count);
        Assert.Contains(new ExpectedDiagnostic("RNN0003", new TextSpan(10, 9)), expected);
        Assert.Contains(new ExpectedDiagnostic("RNN0004", new TextSpan(1, 19)), expected);
    }

    [Fact]
    public void EmptyMarker_MarksAnEmptySpan()
    {
        var (source, expected) = Markup.Parse("ab{|X1:|}c");
        Assert.Equal("abc", source);
        Assert.Equal(new TextSpan(2, 0), Assert.Single(expected).Span);
    }

    [Theory]
    [InlineData("{|RNN0001:never closed")]
    [InlineData("closed |} without opening")]
    [InlineData("{|RNN0001:mismatched|]")]
    [InlineData("[|no default id|]")]
    public void MalformedMarkup_Throws(string markup)
    {
        Assert.Throws<FormatException>(() => Markup.Parse(markup));
    }
}
