using System;

namespace RnnGen.Initialization;

/// <summary>
/// Logarithm and cosine built only from IEEE-754 double additions, multiplications and
/// divisions (each exactly rounded), so that results are identical on every platform,
/// unlike the C runtime's <c>log</c>/<c>cos</c> which may differ in the last bit.
/// Accurate to a few units in the last place of a double: far below float resolution.
/// </summary>
internal static class ReproducibleMath
{
    private const double Ln2 = 0.69314718055994530942;
    private const double HalfPi = 1.57079632679489661923;
    private const double Sqrt2 = 1.41421356237309504880;

    /// <summary>Natural logarithm of a positive, finite, normal double.</summary>
    internal static double Log(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        double mantissa = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L); // [1, 2)
        if (mantissa > Sqrt2)
        {
            mantissa *= 0.5;
            exponent++;
        }

        // ln(m) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), s = (m - 1) / (m + 1), |s| <= 0.1716.
        double s = (mantissa - 1.0) / (mantissa + 1.0);
        double s2 = s * s;
        double series = 1.0 / 25.0;
        series = (series * s2) + (1.0 / 23.0);
        series = (series * s2) + (1.0 / 21.0);
        series = (series * s2) + (1.0 / 19.0);
        series = (series * s2) + (1.0 / 17.0);
        series = (series * s2) + (1.0 / 15.0);
        series = (series * s2) + (1.0 / 13.0);
        series = (series * s2) + (1.0 / 11.0);
        series = (series * s2) + (1.0 / 9.0);
        series = (series * s2) + (1.0 / 7.0);
        series = (series * s2) + (1.0 / 5.0);
        series = (series * s2) + (1.0 / 3.0);
        series = (series * s2) + 1.0;
        return (exponent * Ln2) + (2.0 * s * series);
    }

    /// <summary>cos(2π·u) for u in [0, 1) with 4u exact (true of every <see cref="RnnRandom.NextSingle"/> value).</summary>
    internal static double CosTwoPi(double u)
    {
        double q = u * 4.0;
        int quadrant = (int)q;
        double f = q - quadrant; // exact; the angle within the quadrant is f·π/2
        double c, s;
        if (f <= 0.5)
        {
            double t = f * HalfPi;
            c = CosSmall(t);
            s = SinSmall(t);
        }
        else
        {
            double t = (1.0 - f) * HalfPi;
            c = SinSmall(t);
            s = CosSmall(t);
        }

        return (quadrant & 3) switch
        {
            0 => c,
            1 => -s,
            2 => -c,
            _ => s,
        };
    }

    /// <summary>Taylor series of cos on [0, π/4].</summary>
    private static double CosSmall(double t)
    {
        double t2 = t * t;
        double r = 1.0 / 20922789888000.0;             // 1/16!
        r = (r * -t2) + (1.0 / 87178291200.0);         // 1/14!
        r = (r * -t2) + (1.0 / 479001600.0);           // 1/12!
        r = (r * -t2) + (1.0 / 3628800.0);             // 1/10!
        r = (r * -t2) + (1.0 / 40320.0);               // 1/8!
        r = (r * -t2) + (1.0 / 720.0);                 // 1/6!
        r = (r * -t2) + (1.0 / 24.0);                  // 1/4!
        r = (r * -t2) + 0.5;                           // 1/2!
        return (r * -t2) + 1.0;
    }

    /// <summary>Taylor series of sin on [0, π/4].</summary>
    private static double SinSmall(double t)
    {
        double t2 = t * t;
        double r = 1.0 / 355687428096000.0;            // 1/17!
        r = (r * -t2) + (1.0 / 1307674368000.0);       // 1/15!
        r = (r * -t2) + (1.0 / 6227020800.0);          // 1/13!
        r = (r * -t2) + (1.0 / 39916800.0);            // 1/11!
        r = (r * -t2) + (1.0 / 362880.0);              // 1/9!
        r = (r * -t2) + (1.0 / 5040.0);                // 1/7!
        r = (r * -t2) + (1.0 / 120.0);                 // 1/5!
        r = (r * -t2) + (1.0 / 6.0);                   // 1/3!
        return ((r * -t2) + 1.0) * t;
    }
}
