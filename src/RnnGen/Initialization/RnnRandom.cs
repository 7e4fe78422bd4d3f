using System;

namespace RnnGen.Initialization;

/// <summary>
/// A small, fast pseudo-random generator whose output depends only on its seed: the same seed
/// gives the same numbers on every machine, operating system, architecture and .NET runtime.
/// </summary>
/// <remarks>
/// The generator is xoshiro128** (128-bit state, period 2^128 − 1), seeded by expanding the
/// 64-bit seed with SplitMix64. Floating-point results are derived with exactly rounded IEEE
/// operations only (no platform math library), so they are bit-for-bit reproducible.
/// The class is not thread-safe; use one instance per thread.
/// </remarks>
public sealed class RnnRandom
{
    private uint _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    /// <param name="seed">Any value; every seed gives a different, valid state.</param>
    public RnnRandom(ulong seed)
    {
        ulong state = seed;
        ulong a = SplitMix64(ref state);
        ulong b = SplitMix64(ref state);
        _s0 = (uint)a;
        _s1 = (uint)(a >> 32);
        _s2 = (uint)b;
        _s3 = (uint)(b >> 32);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            // The all-zero state is the one state xoshiro cannot leave.
            _s0 = 0x9E3779B9u;
        }
    }

    /// <summary>Creates a generator from a 32-bit seed, sign-extended to 64 bits (so <c>new RnnRandom(5)</c> equals <c>new RnnRandom(5UL)</c>).</summary>
    /// <param name="seed">Any value.</param>
    public RnnRandom(int seed)
        : this(unchecked((ulong)(long)seed))
    {
    }

    /// <summary>Returns the next 32 uniformly distributed random bits.</summary>
    /// <returns>A value in [0, 2^32).</returns>
    public uint NextUInt32()
    {
        uint s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        uint result = RotateLeft(s1 * 5u, 7) * 9u;
        uint t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 11);
        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
        return result;
    }

    /// <summary>Returns a uniformly distributed float in [0, 1): the top 24 bits of <see cref="NextUInt32"/> times 2^-24, so every value is exact.</summary>
    /// <returns>A multiple of 2^-24 in [0, 1).</returns>
    public float NextSingle() => (NextUInt32() >> 8) * (1f / 16777216f);

    /// <summary>
    /// Returns <c>low + (high - low) * u</c> with <c>u = </c><see cref="NextSingle"/>, computed in float:
    /// uniform on [low, high) (rounding can produce <paramref name="high"/> itself, as in PyTorch's <c>uniform_</c>).
    /// </summary>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound.</param>
    /// <returns>The uniform sample.</returns>
    public float NextUniform(float low, float high) => low + ((high - low) * NextSingle());

    /// <summary>
    /// Returns a standard normal sample (mean 0, variance 1) by the Box–Muller transform of two
    /// <see cref="NextSingle"/> draws u1 (redrawn while zero) and u2:
    /// <c>sqrt(-2 ln u1) · cos(2π u2)</c>, evaluated in double and rounded to float once.
    /// </summary>
    /// <returns>The normal sample.</returns>
    public float NextNormal()
    {
        float u1;
        do
        {
            u1 = NextSingle();
        }
        while (u1 == 0f);

        float u2 = NextSingle();
        double radius = Math.Sqrt(-2.0 * ReproducibleMath.Log(u1));
        return (float)(radius * ReproducibleMath.CosTwoPi(u2));
    }

    /// <summary>Returns a uniformly distributed integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    /// <param name="maxExclusive">The exclusive upper bound; must be positive.</param>
    /// <returns>The integer sample.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is zero or negative.</exception>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "The upper bound must be positive.");
        }

        // Multiply-shift maps 32 random bits onto [0, max); rejecting the few low products that
        // would be over-represented makes every result equally likely.
        uint bound = (uint)maxExclusive;
        ulong product = (ulong)NextUInt32() * bound;
        uint low = (uint)product;
        if (low < bound)
        {
            uint threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                product = (ulong)NextUInt32() * bound;
                low = (uint)product;
            }
        }

        return (int)(product >> 32);
    }

    /// <summary>Returns a uniformly distributed integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    /// <param name="minInclusive">The inclusive lower bound.</param>
    /// <param name="maxExclusive">The exclusive upper bound; must be greater than <paramref name="minInclusive"/>.</param>
    /// <returns>The integer sample.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or wider than <see cref="int.MaxValue"/>.</exception>
    public int NextInt(int minInclusive, int maxExclusive)
    {
        long width = (long)maxExclusive - minInclusive;
        if (width <= 0 || width > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, $"The range [{minInclusive}, {maxExclusive}) must be non-empty and at most int.MaxValue wide.");
        }

        return minInclusive + NextInt((int)width);
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates), every permutation equally likely.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">The items to shuffle.</param>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static uint RotateLeft(uint value, int count) => (value << count) | (value >> (32 - count));

    private static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
