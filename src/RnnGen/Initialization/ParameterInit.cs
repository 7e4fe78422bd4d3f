using System;

namespace RnnGen.Initialization;

/// <summary>
/// Fills parameter tensors with random values drawn from an <see cref="RnnRandom"/>, in index
/// order, so that a model's initial parameters depend only on the seed and on the order in
/// which its tensors are initialized.
/// </summary>
public static class ParameterInit
{
    /// <summary>Fills <paramref name="values"/> from U(−<paramref name="bound"/>, <paramref name="bound"/>), drawn in index order.</summary>
    /// <param name="values">The tensor to fill.</param>
    /// <param name="bound">Half-width of the interval; non-negative.</param>
    /// <param name="rng">The random source.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rng"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bound"/> is negative, infinite or NaN.</exception>
    public static void Uniform(Span<float> values, float bound, RnnRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(bound >= 0f) || float.IsInfinity(bound))
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "The bound must be finite and non-negative.");
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = rng.NextUniform(-bound, bound);
        }
    }

    /// <summary>Fills <paramref name="values"/> from the standard normal distribution N(0, 1), drawn in index order.</summary>
    /// <param name="values">The tensor to fill.</param>
    /// <param name="rng">The random source.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rng"/> is null.</exception>
    public static void Normal(Span<float> values, RnnRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = rng.NextNormal();
        }
    }

    /// <summary>Fills <paramref name="values"/> from N(<paramref name="mean"/>, <paramref name="std"/>²), drawn in index order.</summary>
    /// <param name="values">The tensor to fill.</param>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation; non-negative.</param>
    /// <param name="rng">The random source.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rng"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="std"/> is negative or NaN.</exception>
    public static void Normal(Span<float> values, float mean, float std, RnnRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(std >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "The standard deviation must be non-negative.");
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = mean + (std * rng.NextNormal());
        }
    }

    /// <summary>
    /// PyTorch's default bound 1/√<paramref name="fan"/> (computed in double, rounded once): the
    /// half-width used for every recurrent tensor (fan = hidden size) and for <c>nn.Linear</c>
    /// weights and biases (fan = input features).
    /// </summary>
    /// <param name="fan">Hidden size or number of input features; positive.</param>
    /// <returns>The bound.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fan"/> is zero or negative.</exception>
    public static float DefaultBound(int fan)
    {
        if (fan <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fan), fan, "The fan must be positive.");
        }

        return (float)(1.0 / Math.Sqrt(fan));
    }
}
