using System;
using System.Collections.Generic;
using RnnGen.Kernels;
using Xunit;

namespace RnnGen.Runtime.Tests;

public sealed class ActivationsTests
{
    private const double RelativeTolerance = 1e-6;

    /// <summary>Arguments covering the interesting ranges: a dense grid, tiny magnitudes, both tails.</summary>
    private static float[] Arguments(double min, double max)
    {
        var values = new List<float>();
        for (double v = Math.Max(min, -20); v <= Math.Min(max, 20); v += 0.00137)
        {
            values.Add((float)v);
        }

        for (double magnitude = 1e-37; magnitude < 1; magnitude *= 1.37)
        {
            values.Add((float)magnitude);
            values.Add((float)-magnitude);
        }

        var rng = new Random(5);
        for (int i = 0; i < 20000; i++)
        {
            values.Add((float)(min + (rng.NextDouble() * (max - min))));
        }

        values.Add(0f);
        values.Add(-0f);
        values.Add((float)min);
        values.Add((float)max);
        return values.ToArray();
    }

    private static double SigmoidExact(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static void AssertRelative(double expected, float actual, float argument, string what)
    {
        double error = Math.Abs(actual - expected);
        if (!(error <= RelativeTolerance * Math.Abs(expected)))
        {
            Assert.Fail($"{what}({argument:R}) = {actual:R}, expected {expected:R} (relative error {error / Math.Abs(expected):g3})");
        }
    }

    [Fact]
    public void Sigmoid_IsWithin1e6Relative_OfDoubleMath()
    {
        // Below about -87.3 the result is subnormal in float and no relative accuracy is possible.
        float[] x = Arguments(-87, 88);
        float[] y = (float[])x.Clone();
        Activations.Sigmoid(y);
        for (int i = 0; i < x.Length; i++)
        {
            AssertRelative(SigmoidExact(x[i]), y[i], x[i], "Sigmoid");
            AssertRelative(SigmoidExact(x[i]), Activations.SigmoidScalar(x[i]), x[i], "SigmoidScalar");
        }
    }

    [Fact]
    public void Tanh_IsWithin1e6Relative_OfDoubleMath()
    {
        float[] x = Arguments(-40, 40);
        float[] y = (float[])x.Clone();
        Activations.Tanh(y);
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] == 0)
            {
                Assert.Equal(0f, y[i]);
                continue;
            }

            AssertRelative(Math.Tanh(x[i]), y[i], x[i], "Tanh");
            AssertRelative(Math.Tanh(x[i]), Activations.TanhScalar(x[i]), x[i], "TanhScalar");
        }
    }

    [Fact]
    public void SigmoidAndTanh_EveryLength_MatchScalar()
    {
        // Lengths around the vector widths exercise the vector bodies and their tails.
        var rng = new Random(11);
        for (int n = 0; n <= 70; n++)
        {
            float[] x = new float[n];
            for (int i = 0; i < n; i++)
            {
                x[i] = (float)((rng.NextDouble() * 16) - 8);
            }

            float[] s = (float[])x.Clone();
            float[] t = (float[])x.Clone();
            Activations.Sigmoid(s);
            Activations.Tanh(t);
            for (int i = 0; i < n; i++)
            {
                AssertRelative(SigmoidExact(x[i]), s[i], x[i], "Sigmoid");
                AssertRelative(Math.Tanh(x[i]), t[i], x[i], "Tanh");
            }
        }
    }

    [Fact]
    public void SpanAndScalarForms_AgreeBitForBit()
    {
        float[] x = Arguments(-120, 120);
        float[] s = (float[])x.Clone();
        float[] t = (float[])x.Clone();
        Activations.Sigmoid(s);
        Activations.Tanh(t);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(Activations.SigmoidScalar(x[i])), BitConverter.SingleToInt32Bits(s[i]));
            Assert.Equal(BitConverter.SingleToInt32Bits(Activations.TanhScalar(x[i])), BitConverter.SingleToInt32Bits(t[i]));
        }
    }

    [Fact]
    public void Sigmoid_IntoTheSubnormalRange_IsCloseInAbsoluteTerms()
    {
        for (float v = -87f; v >= -104f; v -= 0.01f)
        {
            double expected = SigmoidExact(v);
            float[] one = { v };
            Activations.Sigmoid(one);
            Assert.True(Math.Abs(one[0] - expected) <= 1.5e-45 + (1e-6 * expected), $"Sigmoid({v}) = {one[0]:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void SigmoidAndTanh_HandleSpecialValues()
    {
        float[] x = { float.PositiveInfinity, float.NegativeInfinity, float.NaN, 100f, -100f, -1000f, float.MaxValue, float.MinValue };
        float[] s = (float[])x.Clone();
        float[] t = (float[])x.Clone();
        Activations.Sigmoid(s);
        Activations.Tanh(t);
        Assert.Equal(1f, s[0]);
        Assert.Equal(0f, s[1]);
        Assert.True(float.IsNaN(s[2]));
        Assert.Equal(1f, s[3]);
        Assert.InRange(s[4], 0f, 1e-40f);
        Assert.Equal(0f, s[5]);
        Assert.Equal(1f, s[6]);
        Assert.Equal(0f, s[7]);
        Assert.Equal(1f, t[0]);
        Assert.Equal(-1f, t[1]);
        Assert.True(float.IsNaN(t[2]));
        Assert.Equal(1f, t[3]);
        Assert.Equal(-1f, t[4]);
        Assert.Equal(-1f, t[5]);
        Assert.Equal(1f, t[6]);
        Assert.Equal(-1f, t[7]);

        Assert.Equal(1f, Activations.SigmoidScalar(float.PositiveInfinity));
        Assert.Equal(0f, Activations.SigmoidScalar(float.NegativeInfinity));
        Assert.True(float.IsNaN(Activations.SigmoidScalar(float.NaN)));
        Assert.Equal(0.5f, Activations.SigmoidScalar(0f));

        // The scalar sigmoid keeps going into the subnormal range instead of flushing to 0.
        Assert.Equal(SigmoidExact(-100), Activations.SigmoidScalar(-100f), 1e-44);
        Assert.True(Activations.SigmoidScalar(-100f) > 0f);
        Assert.True(float.IsNaN(Activations.TanhScalar(float.NaN)));
    }

    [Fact]
    public void Relu_ClampsNegatives_KeepsNaN()
    {
        float[] x = { -2f, -0.5f, 0f, 0.5f, 3f, float.NaN, float.NegativeInfinity, float.PositiveInfinity, -1e-30f };
        Activations.Relu(x);
        Assert.Equal(0f, x[0]);
        Assert.Equal(0f, x[1]);
        Assert.Equal(0f, x[2]);
        Assert.Equal(0.5f, x[3]);
        Assert.Equal(3f, x[4]);
        Assert.True(float.IsNaN(x[5]));
        Assert.Equal(0f, x[6]);
        Assert.Equal(float.PositiveInfinity, x[7]);
        Assert.Equal(0f, x[8]);

        var rng = new Random(3);
        for (int n = 0; n <= 40; n++)
        {
            float[] v = new float[n];
            for (int i = 0; i < n; i++)
            {
                v[i] = (float)(rng.NextDouble() - 0.5);
            }

            float[] r = (float[])v.Clone();
            Activations.Relu(r);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(Math.Max(v[i], 0f), r[i]);
            }
        }
    }

    [Fact]
    public void Softmax_MatchesDouble_AndSumsToOne()
    {
        var rng = new Random(17);
        for (int n = 1; n <= 70; n++)
        {
            float[] x = new float[n];
            for (int i = 0; i < n; i++)
            {
                x[i] = (float)((rng.NextDouble() * 20) - 10);
            }

            float[] p = (float[])x.Clone();
            Activations.Softmax(p);
            double max = double.NegativeInfinity;
            foreach (float v in x)
            {
                max = Math.Max(max, v);
            }

            double sum = 0;
            foreach (float v in x)
            {
                sum += Math.Exp(v - max);
            }

            double total = 0;
            for (int i = 0; i < n; i++)
            {
                double expected = Math.Exp(x[i] - max) / sum;
                Assert.True(Math.Abs(p[i] - expected) <= 1e-6 * (expected + 1e-30) + 1e-9, $"n={n} i={i}: {p[i]} vs {expected}");
                total += p[i];
            }

            Assert.Equal(1.0, total, 5);
        }
    }

    [Fact]
    public void Softmax_IsStable_ForLargeAndInfiniteLogits()
    {
        float[] big = { 1000f, 1001f, 1002f };
        Activations.Softmax(big);
        double e0 = Math.Exp(-2), e1 = Math.Exp(-1);
        double s = e0 + e1 + 1;
        Assert.Equal(e0 / s, big[0], 6);
        Assert.Equal(e1 / s, big[1], 6);
        Assert.Equal(1 / s, big[2], 6);

        float[] withMinusInf = { float.NegativeInfinity, 0f, 0f };
        Activations.Softmax(withMinusInf);
        Assert.Equal(new[] { 0f, 0.5f, 0.5f }, withMinusInf);

        float[] negative = { -1e30f, -1e30f };
        Activations.Softmax(negative);
        Assert.Equal(new[] { 0.5f, 0.5f }, negative);

        float[] withNaN = { 1f, float.NaN, 2f };
        Activations.Softmax(withNaN);
        Assert.All(withNaN, v => Assert.True(float.IsNaN(v)));

        Activations.Softmax(Span<float>.Empty);
    }

    [Fact]
    public void Softmax_RowWise_TreatsRowsIndependently()
    {
        int rows = 5, width = 7;
        var rng = new Random(23);
        float[] data = new float[rows * width];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)((rng.NextDouble() * 6) - 3) + (i / width * 100); // each row on its own scale
        }

        float[] expected = (float[])data.Clone();
        for (int r = 0; r < rows; r++)
        {
            Activations.Softmax(expected.AsSpan(r * width, width));
        }

        Activations.Softmax(data, rows, width);
        Assert.Equal(expected, data);
        for (int r = 0; r < rows; r++)
        {
            double total = 0;
            for (int c = 0; c < width; c++)
            {
                total += data[r * width + c];
            }

            Assert.Equal(1.0, total, 5);
        }
    }
}
