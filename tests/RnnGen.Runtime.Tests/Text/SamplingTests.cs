using System;
using RnnGen.Initialization;
using RnnGen.Text;
using Xunit;

namespace RnnGen.Runtime.Tests.Text;

public sealed class SamplingTests
{
    private static readonly float[] Distribution = { 0.05f, 0.5f, 0f, 0.25f, 0.2f };

    [Fact]
    public void ArgMax_returns_the_first_maximum()
    {
        Assert.Equal(1, Sampling.ArgMax(Distribution));
        Assert.Equal(1, Sampling.ArgMax(new[] { 0.1f, 0.4f, 0.4f, 0.1f }));
        Assert.Equal(2, Sampling.ArgMax(new[] { -3f, -2f, -1f }));
        Assert.Equal(0, Sampling.ArgMax(new[] { float.NegativeInfinity, float.NegativeInfinity }));
        Assert.Equal(2, Sampling.ArgMax(new[] { float.NaN, 1f, 2f, float.NaN }));
        Assert.Equal(0, Sampling.ArgMax(new[] { float.NaN }));
        Assert.Throws<ArgumentException>(() => Sampling.ArgMax(ReadOnlySpan<float>.Empty));
    }

    [Fact]
    public void Sample_frequencies_match_the_probabilities()
    {
        const int draws = 200_000;
        var rng = new RnnRandom(42);
        int[] counts = new int[Distribution.Length];
        for (int i = 0; i < draws; i++)
        {
            counts[Sampling.Sample(Distribution, rng)]++;
        }

        Assert.Equal(0, counts[2]);
        for (int i = 0; i < Distribution.Length; i++)
        {
            // Five standard deviations of a binomial proportion.
            double p = Distribution[i];
            double tolerance = 5 * Math.Sqrt(p * (1 - p) / draws) + 1e-9;
            Assert.InRange((double)counts[i] / draws, p - tolerance, p + tolerance);
        }
    }

    [Fact]
    public void Sample_is_robust_to_a_sum_off_one()
    {
        // Unnormalized weights 1:3 are sampled as 0.25 / 0.75.
        float[] weights = { 1f, 0f, 3f };
        var rng = new RnnRandom(7);
        int first = 0;
        const int draws = 100_000;
        for (int i = 0; i < draws; i++)
        {
            int index = Sampling.Sample(weights, rng);
            Assert.NotEqual(1, index);
            if (index == 0) first++;
        }

        Assert.InRange((double)first / draws, 0.24, 0.26);

        // A sum slightly below one never falls off the end; the last non-zero token absorbs the rounding.
        float[] slightlyLow = { 0.3f, 0.3f, 0.3999f, 0f };
        for (int i = 0; i < 10_000; i++)
        {
            Assert.InRange(Sampling.Sample(slightlyLow, rng), 0, 2);
        }
    }

    [Fact]
    public void Sample_rejects_invalid_distributions()
    {
        var rng = new RnnRandom(1);
        Assert.Throws<ArgumentException>(() => Sampling.Sample(ReadOnlySpan<float>.Empty, rng));
        Assert.Throws<ArgumentException>(() => Sampling.Sample(new[] { 0f, 0f }, rng));
        Assert.Throws<ArgumentException>(() => Sampling.Sample(new[] { 0.5f, -0.1f, 0.6f }, rng));
        Assert.Throws<ArgumentException>(() => Sampling.Sample(new[] { 0.5f, float.NaN }, rng));
        Assert.Throws<ArgumentException>(() => Sampling.Sample(new[] { 0.5f, float.PositiveInfinity }, rng));
        Assert.Throws<ArgumentNullException>(() => Sampling.Sample(Distribution, null!));
    }

    [Fact]
    public void Same_seed_gives_the_same_draws()
    {
        float[] scratch = new float[Distribution.Length];
        var a = new RnnRandom(2024);
        var b = new RnnRandom(2024);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(Sampling.Sample(Distribution, a), Sampling.Sample(Distribution, b));
            Assert.Equal(
                Sampling.SampleWithTemperature(Distribution, 0.8f, a, scratch),
                Sampling.SampleWithTemperature(Distribution, 0.8f, b, scratch));
            Assert.Equal(
                Sampling.SampleTopK(Distribution, 3, 1.2f, a, scratch),
                Sampling.SampleTopK(Distribution, 3, 1.2f, b, scratch));
        }

        // A different seed gives a different sequence.
        var c = new RnnRandom(2025);
        var d = new RnnRandom(2024);
        int differences = 0;
        for (int i = 0; i < 100; i++)
        {
            if (Sampling.Sample(Distribution, c) != Sampling.Sample(Distribution, d)) differences++;
        }

        Assert.True(differences > 0);
    }

    [Fact]
    public void Temperature_one_equals_plain_sampling()
    {
        float[] scratch = new float[Distribution.Length];
        var a = new RnnRandom(5);
        var b = new RnnRandom(5);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(Sampling.Sample(Distribution, a), Sampling.SampleWithTemperature(Distribution, 1f, b, scratch));
        }
    }

    [Fact]
    public void Temperature_frequencies_match_the_tempered_distribution()
    {
        const float temperature = 0.5f;
        double[] expected = new double[Distribution.Length];
        double sum = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] = Math.Pow(Distribution[i], 1 / temperature);
            sum += expected[i];
        }

        const int draws = 200_000;
        var rng = new RnnRandom(99);
        float[] scratch = new float[Distribution.Length + 3];
        int[] counts = new int[Distribution.Length];
        for (int i = 0; i < draws; i++)
        {
            counts[Sampling.SampleWithTemperature(Distribution, temperature, rng, scratch)]++;
        }

        for (int i = 0; i < expected.Length; i++)
        {
            double p = expected[i] / sum;
            double tolerance = 5 * Math.Sqrt(p * (1 - p) / draws) + 1e-9;
            Assert.InRange((double)counts[i] / draws, p - tolerance, p + tolerance);
        }
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1e-3f)]
    [InlineData(1e-6f)]
    public void Temperature_towards_zero_approaches_argmax(float temperature)
    {
        var rng = new RnnRandom(3);
        float[] scratch = new float[Distribution.Length];
        for (int i = 0; i < 10_000; i++)
        {
            Assert.Equal(1, Sampling.SampleWithTemperature(Distribution, temperature, rng, scratch));
        }
    }

    [Fact]
    public void Small_temperature_sharpens_and_large_temperature_flattens()
    {
        float[] scratch = new float[Distribution.Length];
        const int draws = 50_000;
        double Frequency(float temperature)
        {
            var rng = new RnnRandom(11);
            int hits = 0;
            for (int i = 0; i < draws; i++)
            {
                if (Sampling.SampleWithTemperature(Distribution, temperature, rng, scratch) == 1) hits++;
            }

            return (double)hits / draws;
        }

        double cold = Frequency(0.1f), warm = Frequency(1f), hot = Frequency(100f), infinite = Frequency(float.PositiveInfinity);
        Assert.True(cold > 0.99, $"cold {cold}");
        Assert.True(cold > warm && warm > hot, $"{cold} {warm} {hot}");
        Assert.InRange(hot, 0.24, 0.27); // close to uniform over the four non-zero tokens
        Assert.InRange(infinite, 0.24, 0.26);

        var zeroRng = new RnnRandom(12);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.NotEqual(2, Sampling.SampleWithTemperature(Distribution, float.PositiveInfinity, zeroRng, scratch));
        }
    }

    [Fact]
    public void Temperature_arguments_are_checked()
    {
        var rng = new RnnRandom(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sampling.SampleWithTemperature(Distribution, -1f, rng, new float[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sampling.SampleWithTemperature(Distribution, float.NaN, rng, new float[5]));
        var error = Assert.Throws<ArgumentException>(() => Sampling.SampleWithTemperature(Distribution, 1f, rng, new float[4]));
        Assert.Contains("expected length at least 5, actual 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TopK_only_draws_the_k_most_probable()
    {
        var rng = new RnnRandom(8);
        float[] scratch = new float[Distribution.Length];
        const int draws = 100_000;
        int[] counts = new int[Distribution.Length];
        for (int i = 0; i < draws; i++)
        {
            counts[Sampling.SampleTopK(Distribution, 2, 1f, rng, scratch)]++;
        }

        Assert.Equal(0, counts[0]);
        Assert.Equal(0, counts[2]);
        Assert.Equal(0, counts[4]);
        Assert.InRange((double)counts[1] / draws, 2.0 / 3 - 0.01, 2.0 / 3 + 0.01);

        Assert.Equal(1, Sampling.SampleTopK(Distribution, 1, 1f, rng, scratch));
        Assert.Equal(1, Sampling.SampleTopK(Distribution, 3, 0f, rng, scratch));
    }

    [Fact]
    public void TopK_breaks_ties_towards_the_lower_index()
    {
        float[] ties = { 0.1f, 0.3f, 0.3f, 0.3f };
        var rng = new RnnRandom(4);
        float[] scratch = new float[ties.Length];
        for (int i = 0; i < 10_000; i++)
        {
            Assert.InRange(Sampling.SampleTopK(ties, 2, 1f, rng, scratch), 1, 2);
        }
    }

    [Fact]
    public void TopK_with_k_at_least_the_length_equals_temperature_sampling()
    {
        float[] scratch = new float[Distribution.Length];
        var a = new RnnRandom(6);
        var b = new RnnRandom(6);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(
                Sampling.SampleWithTemperature(Distribution, 0.7f, a, scratch),
                Sampling.SampleTopK(Distribution, 10, 0.7f, b, scratch));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => Sampling.SampleTopK(Distribution, 0, 1f, a, scratch));
    }

    [Fact]
    public void TopK_selection_is_right_on_larger_random_inputs()
    {
        var rng = new RnnRandom(123);
        float[] probabilities = new float[257];
        float[] scratch = new float[probabilities.Length];
        for (int trial = 0; trial < 50; trial++)
        {
            for (int i = 0; i < probabilities.Length; i++)
            {
                // Few distinct values, so ties are common.
                probabilities[i] = rng.NextInt(20) / 19f;
            }

            probabilities[0] = 1f;
            int k = 1 + rng.NextInt(40);
            float[] sorted = (float[])probabilities.Clone();
            Array.Sort(sorted);
            float threshold = sorted[sorted.Length - k];
            for (int draw = 0; draw < 200; draw++)
            {
                int index = Sampling.SampleTopK(probabilities, k, 1f, rng, scratch);
                Assert.True(probabilities[index] >= threshold, $"trial {trial}: drew {probabilities[index]} below the threshold {threshold}");
            }
        }
    }

    [Fact]
    public void Sampling_does_not_allocate()
    {
        float[] scratch = new float[Distribution.Length];
        var rng = new RnnRandom(10);
        Sampling.Sample(Distribution, rng);
        Sampling.SampleWithTemperature(Distribution, 0.8f, rng, scratch);
        Sampling.SampleTopK(Distribution, 3, 0.8f, rng, scratch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Sampling.Sample(Distribution, rng);
            Sampling.SampleWithTemperature(Distribution, 0.8f, rng, scratch);
            Sampling.SampleTopK(Distribution, 3, 0.8f, rng, scratch);
            Sampling.ArgMax(Distribution);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
