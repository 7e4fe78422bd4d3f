using System;
using RnnGen.Initialization;
using Xunit;

namespace RnnGen.Runtime.Tests;

/// <summary>
/// The generator's numbers are part of the product (a model's default parameters come from
/// them), so its first outputs are pinned here. They were computed once by an independent
/// implementation of SplitMix64 + xoshiro128** (and of Box–Muller with the platform's
/// double-precision log and cos); a change to the algorithm fails these tests.
/// </summary>
public sealed class RandomTests
{
    [Fact]
    public void NextUInt32_FixedSeeds_GiveThePinnedSequence()
    {
        var rng = new RnnRandom(42UL);
        uint[] expected = { 1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222, 2940343271, 2244566231 };
        foreach (uint value in expected)
        {
            Assert.Equal(value, rng.NextUInt32());
        }

        var zero = new RnnRandom(0UL);
        Assert.Equal(new uint[] { 3737715805, 2584255861, 2876756834, 3286328325 }, new[] { zero.NextUInt32(), zero.NextUInt32(), zero.NextUInt32(), zero.NextUInt32() });

        var minusOne = new RnnRandom(-1);
        Assert.Equal(new uint[] { 477689756, 2493998634, 555695776, 607808419 }, new[] { minusOne.NextUInt32(), minusOne.NextUInt32(), minusOne.NextUInt32(), minusOne.NextUInt32() });
    }

    [Fact]
    public void IntSeed_IsTheSignExtendedLongSeed()
    {
        var a = new RnnRandom(42);
        var b = new RnnRandom(42UL);
        var c = new RnnRandom(-7);
        var d = new RnnRandom(unchecked((ulong)-7L));
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(b.NextUInt32(), a.NextUInt32());
            Assert.Equal(d.NextUInt32(), c.NextUInt32());
        }
    }

    [Fact]
    public void NextSingle_IsTheTop24BitsScaled()
    {
        var rng = new RnnRandom(42);
        float[] expected = { 0.4137016534805298f, 0.9697872400283813f, 0.003983974456787109f, 0.5395373106002808f, 0.6500836610794067f, 0.5947961807250977f };
        foreach (float value in expected)
        {
            Assert.Equal(value, rng.NextSingle());
        }

        var bits = new RnnRandom(99);
        var single = new RnnRandom(99);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal((bits.NextUInt32() >> 8) / 16777216f, single.NextSingle());
        }
    }

    [Fact]
    public void NextNormal_GivesThePinnedSequence()
    {
        var rng = new RnnRandom(42);
        float[] expected =
        {
            1.30474853515625f, -3.222247838973999f, -0.7682536244392395f, -0.8617724776268005f,
            -0.25298961997032166f, -0.08768375217914581f, -0.6472521424293518f, -1.3194506168365479f,
        };
        foreach (float value in expected)
        {
            Assert.Equal(value, rng.NextNormal());
        }
    }

    [Fact]
    public void NextNormal_AgreesWithPlatformMath_OnManyDraws()
    {
        // The generator evaluates log and cos with its own exactly reproducible code; it must
        // agree with the platform's math library to float precision.
        var rng = new RnnRandom(2024);
        var uniforms = new RnnRandom(2024);
        int exact = 0;
        const int N = 200_000;
        for (int i = 0; i < N; i++)
        {
            float actual = rng.NextNormal();
            double u1;
            do
            {
                u1 = uniforms.NextSingle();
            }
            while (u1 == 0);

            double u2 = uniforms.NextSingle();
            float expected = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            if (actual == expected)
            {
                exact++;
            }
            else
            {
                Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Abs(expected) + 1e-12, $"draw {i}: {actual:R} vs {expected:R}");
            }
        }

        Assert.True(exact >= N * 0.999, $"{exact} of {N} draws identical to the platform-math result");
    }

    [Fact]
    public void NextNormal_HasMeanZeroAndVarianceOne()
    {
        var rng = new RnnRandom(7);
        const int N = 400_000;
        double sum = 0, sumSquares = 0, sumFourth = 0;
        int beyondThree = 0;
        for (int i = 0; i < N; i++)
        {
            double v = rng.NextNormal();
            sum += v;
            sumSquares += v * v;
            sumFourth += v * v * v * v;
            if (Math.Abs(v) > 3)
            {
                beyondThree++;
            }
        }

        double mean = sum / N;
        double variance = (sumSquares / N) - (mean * mean);
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
        Assert.InRange(sumFourth / N, 2.9, 3.1);                 // kurtosis of a normal
        Assert.InRange(beyondThree / (double)N, 0.0022, 0.0032); // P(|z| > 3) = 0.0027
    }

    [Fact]
    public void NextSingle_IsUniformOnUnitInterval()
    {
        var rng = new RnnRandom(8);
        const int N = 400_000;
        double sum = 0, sumSquares = 0;
        var buckets = new int[10];
        for (int i = 0; i < N; i++)
        {
            float v = rng.NextSingle();
            Assert.InRange(v, 0f, 0.99999994f);
            sum += v;
            sumSquares += (double)v * v;
            buckets[(int)(v * 10)]++;
        }

        double mean = sum / N;
        Assert.InRange(mean, 0.498, 0.502);
        Assert.InRange((sumSquares / N) - (mean * mean), 1 / 12.0 - 0.002, 1 / 12.0 + 0.002);
        Assert.All(buckets, count => Assert.InRange(count, 39_000, 41_000));
    }

    [Fact]
    public void NextUniform_StaysInRangeWithTheRightMoments()
    {
        var rng = new RnnRandom(9);
        const int N = 200_000;
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < N; i++)
        {
            float v = rng.NextUniform(-3f, 5f);
            Assert.InRange(v, -3f, 5f);
            sum += v;
            sumSquares += (double)v * v;
        }

        double mean = sum / N;
        Assert.InRange(mean, 0.98, 1.02);
        Assert.InRange((sumSquares / N) - (mean * mean), (64 / 12.0) - 0.05, (64 / 12.0) + 0.05);
    }

    [Fact]
    public void NextInt_IsPinnedUnbiasedAndInRange()
    {
        var rng = new RnnRandom(7);
        Assert.Equal(new[] { 4, 3, 6, 8, 4, 2, 7, 0, 1, 3, 7, 9 }, Draw(rng, 10, 12));
        var big = new RnnRandom(7);
        Assert.Equal(new[] { 900548384, 777162961, 1496400420, 1794490269 }, Draw(big, int.MaxValue, 4));

        var counts = new int[7];
        var uniform = new RnnRandom(10);
        const int N = 700_000;
        for (int i = 0; i < N; i++)
        {
            counts[uniform.NextInt(7)]++;
        }

        // Expected 100 000 each, standard deviation about 290.
        Assert.All(counts, c => Assert.InRange(c, 98_500, 101_500));

        var one = new RnnRandom(1);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(0, one.NextInt(1));
            int v = one.NextInt(-5, 5);
            Assert.InRange(v, -5, 4);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => one.NextInt(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => one.NextInt(-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => one.NextInt(5, 5));
        Assert.Equal(int.MinValue, new RnnRandom(3).NextInt(int.MinValue, int.MinValue + 1));
    }

    [Fact]
    public void Shuffle_IsAPermutation_AndDeterministic()
    {
        int[] a = new int[50];
        int[] b = new int[50];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = b[i] = i;
        }

        new RnnRandom(5).Shuffle<int>(a);
        new RnnRandom(5).Shuffle<int>(b);
        Assert.Equal(a, b);
        Assert.NotEqual(System.Linq.Enumerable.Range(0, 50), a);
        int[] sorted = (int[])a.Clone();
        Array.Sort(sorted);
        Assert.Equal(System.Linq.Enumerable.Range(0, 50), sorted);
    }

    [Fact]
    public void DifferentSeeds_GiveDifferentStreams_SameSeedsTheSame()
    {
        var a = new RnnRandom(1);
        var b = new RnnRandom(2);
        var c = new RnnRandom(1);
        int equal = 0;
        for (int i = 0; i < 1000; i++)
        {
            uint x = a.NextUInt32();
            Assert.Equal(x, c.NextUInt32());
            if (x == b.NextUInt32())
            {
                equal++;
            }
        }

        Assert.True(equal < 3);
    }

    [Fact]
    public void ParameterInit_Uniform_DrawsInIndexOrderWithinTheBound()
    {
        float bound = ParameterInit.DefaultBound(128);
        Assert.Equal((float)(1 / Math.Sqrt(128)), bound);
        Assert.Equal(0.0883883461356163f, bound);

        var values = new float[6];
        ParameterInit.Uniform(values, bound, new RnnRandom(123));
        Assert.Equal(new[] { -0.019544966518878937f, 0.02080240100622177f, -0.04813896119594574f, -0.023539014160633087f, 0.07087183743715286f, -0.023693658411502838f }, values);

        var many = new float[100_000];
        var rng = new RnnRandom(4);
        ParameterInit.Uniform(many, 0.25f, rng);
        var replay = new RnnRandom(4);
        double sum = 0;
        for (int i = 0; i < many.Length; i++)
        {
            Assert.Equal(replay.NextUniform(-0.25f, 0.25f), many[i]);
            Assert.InRange(many[i], -0.25f, 0.25f);
            sum += many[i];
        }

        Assert.InRange(sum / many.Length, -0.002, 0.002);

        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterInit.Uniform(values, -1f, new RnnRandom(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterInit.Uniform(values, float.NaN, new RnnRandom(1)));
        Assert.Throws<ArgumentNullException>(() => ParameterInit.Uniform(values, 1f, null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterInit.DefaultBound(0));
    }

    [Fact]
    public void ParameterInit_Normal_DrawsInIndexOrder()
    {
        var values = new float[8];
        ParameterInit.Normal(values, new RnnRandom(42));
        Assert.Equal(new[] { 1.30474853515625f, -3.222247838973999f, -0.7682536244392395f, -0.8617724776268005f, -0.25298961997032166f, -0.08768375217914581f, -0.6472521424293518f, -1.3194506168365479f }, values);

        var scaled = new float[8];
        ParameterInit.Normal(scaled, 1f, 2f, new RnnRandom(42));
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(1f + (2f * values[i]), scaled[i]);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterInit.Normal(values, 0f, -1f, new RnnRandom(1)));
        Assert.Throws<ArgumentNullException>(() => ParameterInit.Normal(values, null!));
    }

    private static int[] Draw(RnnRandom rng, int max, int count)
    {
        var result = new int[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = rng.NextInt(max);
        }

        return result;
    }
}
