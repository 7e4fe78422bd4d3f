using System;
using System.Linq;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>Clipping by global norm and by value, and the finiteness checks, against hand-computed values.</summary>
public sealed class GradientClippingTests
{
    [Fact]
    public void ClipByGlobalNorm_ScalesLikeClipGradNorm()
    {
        float[] g = { 3f, 4f };
        float norm = GradientClipping.ClipByGlobalNorm(g, 1f);
        Assert.Equal(5f, norm);
        float coef = (float)(1.0 / (5.0 + 1e-6));
        Assert.Equal(new[] { 3f * coef, 4f * coef }, g);
        Assert.Equal(0.6f, g[0], 6);
        Assert.Equal(0.8f, g[1], 6);
    }

    [Fact]
    public void ClipByGlobalNorm_LeavesSmallGradientsBitForBit()
    {
        float[] g = { 0.3f, -0.4f, 0f };
        float norm = GradientClipping.ClipByGlobalNorm(g, 1f);
        Assert.Equal((float)Math.Sqrt((0.3 * 0.3) + (0.4 * 0.4)), norm, 7);
        Assert.Equal(new[] { 0.3f, -0.4f, 0f }, g);
    }

    [Fact]
    public void ClipByGlobalNorm_AtExactlyTheMaximumScalesByTheEpsilonTerm()
    {
        // PyTorch: coef = 5 / (5 + 1e-6) < 1, so even a norm equal to the maximum is scaled (barely).
        float[] g = { 3f, 4f };
        GradientClipping.ClipByGlobalNorm(g, 5f);
        float coef = (float)(5.0 / (5.0 + 1e-6));
        Assert.Equal(new[] { 3f * coef, 4f * coef }, g);
    }

    [Fact]
    public void ClipByGlobalNorm_ZeroMaximumZeroesTheGradients()
    {
        float[] g = { 3f, -4f };
        GradientClipping.ClipByGlobalNorm(g, 0f);
        Assert.All(g, v => Assert.Equal(0f, Math.Abs(v)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(1001)]
    public void ClipByGlobalNorm_LongBuffersMatchADoubleReference(int length)
    {
        float[] g = TrainingFixtures.RandomValues(length, length, 2f);
        float[] original = g.ToArray();
        double sum = original.Sum(v => (double)v * v);
        double total = Math.Sqrt(sum);
        float norm = GradientClipping.ClipByGlobalNorm(g, 0.5f);
        Assert.Equal((float)total, norm);
        Assert.Equal(norm, GradientClipping.GlobalNorm(original));
        float coef = (float)(0.5 / (total + 1e-6));
        Assert.Equal(original.Select(v => v * coef), g);
        Assert.True(Math.Abs(GradientClipping.GlobalNorm(g) - 0.5) < 1e-5);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void ClipByGlobalNorm_NonFiniteGradientsAreLeftAlone(float bad)
    {
        float[] g = TrainingFixtures.RandomValues(20, 1, 5f);
        g[13] = bad;
        float[] before = g.ToArray();
        float norm = GradientClipping.ClipByGlobalNorm(g, 0.1f);
        Assert.False(float.IsFinite(norm));
        Assert.Equal(float.IsNaN(bad), float.IsNaN(norm));
        Assert.Equal(before, g);
    }

    [Fact]
    public void ClipByValue_ClampsEveryValue()
    {
        float[] g = { -2f, 0.5f, 3f, -0.1f, 1f, -1f, float.PositiveInfinity, float.NegativeInfinity, float.NaN };
        GradientClipping.ClipByValue(g, 1f);
        Assert.Equal(new[] { -1f, 0.5f, 1f, -0.1f, 1f, -1f, 1f, -1f, float.NaN }, g);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(1003)]
    public void ClipByValue_VectorAndScalarPathsAgree(int length)
    {
        float[] g = TrainingFixtures.RandomValues(length, 9, 2f);
        g[length / 2] = float.NaN;
        float[] expected = g.Select(v => float.IsNaN(v) ? v : Math.Clamp(v, -0.25f, 0.25f)).ToArray();
        GradientClipping.ClipByValue(g, 0.25f);
        Assert.Equal(expected, g);
    }

    [Fact]
    public void AllFiniteAndIndexOfNonFinite_FindEveryPosition()
    {
        const int length = 67;
        float[] values = TrainingFixtures.RandomValues(length, 3);
        values[10] = float.MaxValue;
        values[11] = -float.MaxValue;
        values[12] = -0f;
        values[13] = float.Epsilon;
        Assert.True(GradientClipping.AllFinite(values));
        Assert.Equal(-1, GradientClipping.IndexOfNonFinite(values));
        Assert.True(GradientClipping.AllFinite(ReadOnlySpan<float>.Empty));
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            for (int i = 0; i < length; i++)
            {
                float[] copy = values.ToArray();
                copy[i] = bad;
                Assert.False(GradientClipping.AllFinite(copy), $"{bad} at {i}");
                Assert.Equal(i, GradientClipping.IndexOfNonFinite(copy));
            }
        }
    }

    [Fact]
    public void ArgumentsAreValidated()
    {
        float[] g = { 1f };
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(g, -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(g, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(g, float.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(g, -0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(g, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam { MaxGradientNorm = -1f });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam { ClipValue = float.PositiveInfinity });
    }

    [Fact]
    public void OptimizerClipsByNormThenByValue_InPlace()
    {
        float[] g = TrainingFixtures.RandomValues(45, 8, 3f);
        float[] expected = g.ToArray();
        float expectedNorm = GradientClipping.ClipByGlobalNorm(expected, 2f);
        GradientClipping.ClipByValue(expected, 0.1f);

        var sgd = new Sgd(1f) { MaxGradientNorm = 2f, ClipValue = 0.1f };
        float[] p = new float[45];
        Assert.True(sgd.Step(p, g));
        Assert.Equal(expected, g);
        Assert.Equal(expected.Select(v => -v), p);
        Assert.Equal(expectedNorm, sgd.LastGradientNorm);
    }

    [Fact]
    public void LastGradientNormIsThePreClipNormOfTheLastAppliedStep()
    {
        var adam = new Adam { MaxGradientNorm = 0.1f };
        Assert.Equal(0f, adam.LastGradientNorm);
        adam.Step(new float[2], new[] { 3f, 4f });
        Assert.Equal(5f, adam.LastGradientNorm);
        adam.Step(new float[2], new[] { float.NaN, 4f });
        Assert.Equal(5f, adam.LastGradientNorm);
        adam.Step(new float[2], new[] { 0f, 2f });
        Assert.Equal(2f, adam.LastGradientNorm);
    }
}
