using System;
using RnnGen.Initialization;

namespace RnnGen.Text;

/// <summary>
/// Picks the next token from a model's output distribution: greedy (<see cref="ArgMax"/>),
/// by sampling (<see cref="Sample"/>), with a temperature (<see cref="SampleWithTemperature"/>)
/// or among the k most likely tokens (<see cref="SampleTopK"/>). None of them allocates.
/// </summary>
/// <remarks>
/// <para>
/// Probabilities are the output of a softmax head: non-negative weights, normally summing
/// to 1. The samplers only need non-negative finite weights with a positive sum: they scale
/// the uniform draw by the actual sum, so a distribution that is slightly off 1 after float
/// rounding (or not normalized at all) is sampled exactly in proportion to its weights. A
/// token with weight 0 is never drawn.
/// </para>
/// <para>
/// Every sampler consumes exactly one <see cref="RnnRandom.NextSingle"/> draw (none when the
/// choice is forced), so the same seed gives the same text on every machine for the same
/// probabilities.
/// </para>
/// </remarks>
public static class Sampling
{
    /// <summary>Returns the index of the largest value (the first one on ties); NaN values are never chosen.</summary>
    /// <param name="values">Probabilities, logits or any scores; at least one.</param>
    /// <returns>The index of the maximum (0 if every value is NaN).</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("At least one value is required.", nameof(values));
        }

        int best = -1;
        float max = float.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (v > max || (best < 0 && v == max))
            {
                max = v;
                best = i;
            }
        }

        return best < 0 ? 0 : best;
    }

    /// <summary>
    /// Draws an index with probability proportional to its weight, by inverting the cumulative
    /// distribution at one uniform draw scaled by the weights' sum.
    /// </summary>
    /// <param name="probabilities">Non-negative, finite weights with a positive sum (normally a softmax output).</param>
    /// <param name="rng">The random source; one <see cref="RnnRandom.NextSingle"/> draw is consumed.</param>
    /// <returns>The sampled index; never one whose weight is 0.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rng"/> is null.</exception>
    /// <exception cref="ArgumentException">The span is empty, a weight is negative or not finite, or the weights sum to 0.</exception>
    public static int Sample(ReadOnlySpan<float> probabilities, RnnRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double total = Validate(probabilities, nameof(probabilities));
        return Draw(probabilities, total, rng);
    }

    /// <summary>
    /// Draws an index from the distribution sharpened or flattened by <paramref name="temperature"/>:
    /// weights <c>p^(1/temperature)</c>, renormalized. Below 1 the likely tokens become likelier
    /// (0 is greedy: <see cref="ArgMax"/>); 1 is <see cref="Sample"/>; above 1 the distribution
    /// flattens towards uniform over the tokens with non-zero probability.
    /// </summary>
    /// <param name="probabilities">Non-negative, finite weights with a positive sum (normally a softmax output).</param>
    /// <param name="temperature">A finite value ≥ 0 (0 means greedy) or positive infinity (uniform over the non-zero tokens).</param>
    /// <param name="rng">The random source; one <see cref="RnnRandom.NextSingle"/> draw is consumed unless the temperature is 0.</param>
    /// <param name="scratch">Working space of at least <c>probabilities.Length</c> elements; its contents are overwritten.</param>
    /// <returns>The sampled index; never one whose probability is 0.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rng"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="temperature"/> is negative or NaN.</exception>
    /// <exception cref="ArgumentException">The probabilities are invalid (see <see cref="Sample"/>) or <paramref name="scratch"/> is too short.</exception>
    public static int SampleWithTemperature(ReadOnlySpan<float> probabilities, float temperature, RnnRandom rng, Span<float> scratch)
    {
        ArgumentNullException.ThrowIfNull(rng);
        CheckTemperature(temperature);
        Validate(probabilities, nameof(probabilities));
        CheckScratch(scratch, probabilities.Length);
        if (temperature == 0f)
        {
            return ArgMax(probabilities);
        }

        Span<float> weights = scratch.Slice(0, probabilities.Length);
        double total = Temper(probabilities, temperature, weights);
        return Draw(weights, total, rng);
    }

    /// <summary>
    /// Draws an index among the <paramref name="k"/> most probable ones, after applying
    /// <paramref name="temperature"/> as in <see cref="SampleWithTemperature"/>. Ties at the
    /// k-th place are broken towards the lower index, so exactly <c>min(k, non-zero count)</c>
    /// tokens remain candidates.
    /// </summary>
    /// <param name="probabilities">Non-negative, finite weights with a positive sum (normally a softmax output).</param>
    /// <param name="k">How many of the most probable tokens to keep; at least 1 (1 is greedy). Values above the length keep every token.</param>
    /// <param name="temperature">A finite value ≥ 0 (0 means greedy), or positive infinity (uniform over the kept tokens); 1 leaves the probabilities as they are.</param>
    /// <param name="rng">The random source; one <see cref="RnnRandom.NextSingle"/> draw is consumed unless the choice is forced.</param>
    /// <param name="scratch">Working space of at least <c>probabilities.Length</c> elements; its contents are overwritten.</param>
    /// <returns>The sampled index.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rng"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1, or <paramref name="temperature"/> is negative or NaN.</exception>
    /// <exception cref="ArgumentException">The probabilities are invalid (see <see cref="Sample"/>) or <paramref name="scratch"/> is too short.</exception>
    public static int SampleTopK(ReadOnlySpan<float> probabilities, int k, float temperature, RnnRandom rng, Span<float> scratch)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");
        }

        CheckTemperature(temperature);
        Validate(probabilities, nameof(probabilities));
        CheckScratch(scratch, probabilities.Length);
        if (temperature == 0f || k == 1)
        {
            return ArgMax(probabilities);
        }

        int n = probabilities.Length;
        Span<float> weights = scratch.Slice(0, n);
        if (k < n)
        {
            // The k-th largest probability is the threshold: found by selection on a copy,
            // then everything below it (and the surplus ties at it, from the high indices) is dropped.
            probabilities.CopyTo(weights);
            float threshold = SelectKthLargest(weights, k);
            int above = 0;
            for (int i = 0; i < n; i++)
            {
                if (probabilities[i] > threshold)
                {
                    above++;
                }
            }

            int tiesToKeep = k - above;
            for (int i = 0; i < n; i++)
            {
                float p = probabilities[i];
                bool keep = p > threshold || (p == threshold && tiesToKeep-- > 0);
                weights[i] = keep ? p : 0f;
            }

            double kept = Temper(weights, temperature, weights);
            return Draw(weights, kept, rng);
        }

        double total = Temper(probabilities, temperature, weights);
        return Draw(weights, total, rng);
    }

    // Writes p^(1/temperature) scaled by the largest p (so the largest weight is exactly 1 and
    // nothing under- or overflows however small the temperature), returns the sum.
    private static double Temper(ReadOnlySpan<float> probabilities, float temperature, Span<float> weights)
    {
        float max = 0f;
        foreach (float p in probabilities)
        {
            if (p > max)
            {
                max = p;
            }
        }

        double total = 0;
        if (temperature == 1f)
        {
            for (int i = 0; i < probabilities.Length; i++)
            {
                weights[i] = probabilities[i];
                total += probabilities[i];
            }

            return total;
        }

        double exponent = 1.0 / temperature;
        for (int i = 0; i < probabilities.Length; i++)
        {
            float p = probabilities[i];
            float w = p > 0f ? (float)Math.Pow(p / (double)max, exponent) : 0f;
            weights[i] = w;
            total += w;
        }

        return total;
    }

    private static int Draw(ReadOnlySpan<float> weights, double total, RnnRandom rng)
    {
        double u = rng.NextSingle() * total;
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < weights.Length; i++)
        {
            float w = weights[i];
            if (w > 0f)
            {
                cumulative += w;
                last = i;
                if (u < cumulative)
                {
                    return i;
                }
            }
        }

        // u < total, so only rounding in the running sum can get here: the last token with weight wins.
        return last;
    }

    private static double Validate(ReadOnlySpan<float> probabilities, string parameterName)
    {
        if (probabilities.IsEmpty)
        {
            throw new ArgumentException("At least one probability is required.", parameterName);
        }

        double total = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            float p = probabilities[i];
            if (!(p >= 0f) || float.IsInfinity(p))
            {
                throw new ArgumentException($"Probability {i} is {p}; every probability must be finite and non-negative.", parameterName);
            }

            total += p;
        }

        if (!(total > 0))
        {
            throw new ArgumentException("The probabilities sum to 0; at least one must be positive.", parameterName);
        }

        return total;
    }

    private static void CheckTemperature(float temperature)
    {
        if (!(temperature >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be 0 (greedy) or positive.");
        }
    }

    private static void CheckScratch(Span<float> scratch, int length)
    {
        if (scratch.Length < length)
        {
            throw new ArgumentException($"The scratch span must hold one element per probability: expected length at least {length}, actual {scratch.Length}.", nameof(scratch));
        }
    }

    // Quickselect (median-of-three pivot, Hoare partition) for the k-th largest value, 1-based; reorders values.
    private static float SelectKthLargest(Span<float> values, int k)
    {
        int target = k - 1; // index in descending order
        int lo = 0, hi = values.Length - 1;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) / 2);
            if (values[mid] > values[lo]) Swap(values, mid, lo);
            if (values[hi] > values[lo]) Swap(values, hi, lo);
            if (values[hi] > values[mid]) Swap(values, hi, mid);
            float pivot = values[mid];

            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] > pivot) i++;
                while (values[j] < pivot) j--;
                if (i <= j)
                {
                    Swap(values, i, j);
                    i++;
                    j--;
                }
            }

            if (target <= j)
            {
                hi = j;
            }
            else if (target >= i)
            {
                lo = i;
            }
            else
            {
                return values[target];
            }
        }

        return values[target];
    }

    private static void Swap(Span<float> values, int a, int b) => (values[a], values[b]) = (values[b], values[a]);
}
