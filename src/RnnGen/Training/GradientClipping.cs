using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Training;

/// <summary>
/// Gradient clipping over a flat gradient buffer, as PyTorch's <c>clip_grad_norm_</c>
/// (norm type 2, all parameters viewed as one vector) and <c>clip_grad_value_</c>, and the
/// finiteness checks the optimizers run before every step. Nothing here allocates.
/// </summary>
public static class GradientClipping
{
    /// <summary>The term PyTorch's <c>clip_grad_norm_</c> adds to the norm before dividing.</summary>
    public const double NormEpsilon = 1e-6;

    /// <summary>
    /// Scales <paramref name="gradients"/> so that their L2 norm is at most
    /// <paramref name="maxNorm"/>, like <c>torch.nn.utils.clip_grad_norm_(params, maxNorm)</c>:
    /// total = ‖g‖₂ (accumulated in double precision), coef = maxNorm / (total + 1e-6), and the
    /// gradients are multiplied by coef only if coef &lt; 1. When a gradient is NaN or ±infinity the
    /// gradients are left unchanged (PyTorch would scale them by NaN) and the non-finite norm is returned.
    /// </summary>
    /// <param name="gradients">The gradients, scaled in place.</param>
    /// <param name="maxNorm">The largest norm allowed; finite and not negative.</param>
    /// <returns>The norm before clipping.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative, NaN or infinite.</exception>
    public static float ClipByGlobalNorm(Span<float> gradients, float maxNorm)
    {
        ValidateMaxNorm(maxNorm, nameof(maxNorm));
        double sumOfSquares = SumOfSquares(gradients);
        double total = Math.Sqrt(sumOfSquares);
        if (!double.IsFinite(total))
        {
            return (float)total;
        }

        ScaleToNorm(gradients, total, maxNorm);
        return (float)total;
    }

    /// <summary>
    /// Clamps every gradient to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>],
    /// like <c>torch.nn.utils.clip_grad_value_</c>. ±infinity becomes ±clipValue; NaN stays NaN.
    /// </summary>
    /// <param name="gradients">The gradients, clamped in place.</param>
    /// <param name="clipValue">The largest magnitude allowed; finite and not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is negative, NaN or infinite.</exception>
    public static void ClipByValue(Span<float> gradients, float clipValue)
    {
        ValidateClipValue(clipValue, nameof(clipValue));
        ref float g = ref MemoryMarshal.GetReference(gradients);
        int i = 0;
        if (Vector.IsHardwareAccelerated && gradients.Length >= Vector<float>.Count)
        {
            var hi = new Vector<float>(clipValue);
            var lo = new Vector<float>(-clipValue);
            int n = Vector<float>.Count;
            for (; i <= gradients.Length - n; i += n)
            {
                ref float at = ref Unsafe.Add(ref g, i);
                Vector<float> x = Vector.LoadUnsafe(ref at);
                Vector<float> clamped = Vector.ConditionalSelect(Vector.GreaterThan(x, hi), hi, Vector.ConditionalSelect(Vector.LessThan(x, lo), lo, x));
                Vector.StoreUnsafe(clamped, ref at);
            }
        }

        for (; i < gradients.Length; i++)
        {
            ref float x = ref Unsafe.Add(ref g, i);
            x = x > clipValue ? clipValue : x < -clipValue ? -clipValue : x;
        }
    }

    /// <summary>The L2 norm of <paramref name="values"/>, accumulated in double precision; NaN or infinity when a value is not finite.</summary>
    /// <param name="values">The values, typically a gradient buffer.</param>
    /// <returns>‖values‖₂ rounded to float.</returns>
    public static float GlobalNorm(ReadOnlySpan<float> values) => (float)Math.Sqrt(SumOfSquares(values));

    /// <summary>Whether every value is finite (neither NaN nor ±infinity).</summary>
    /// <param name="values">The values to check.</param>
    /// <returns><see langword="true"/> when no value is NaN or infinite.</returns>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        ref float p = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            // x − x is 0 for a finite x and NaN otherwise; NaN is sticky in the sum.
            Vector<float> acc = Vector<float>.Zero;
            int n = Vector<float>.Count;
            for (; i <= values.Length - n; i += n)
            {
                Vector<float> x = Vector.LoadUnsafe(ref Unsafe.Add(ref p, i));
                acc += x - x;
            }

            if (!Vector.EqualsAll(acc, Vector<float>.Zero))
            {
                return false;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(Unsafe.Add(ref p, i)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The index of the first NaN or infinite value, or −1 when all are finite (for error reports).</summary>
    /// <param name="values">The values to search.</param>
    /// <returns>The first non-finite index, or −1.</returns>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Σ x² in double precision. The squares are exact; the sum uses eight interleaved
    /// accumulators combined in a fixed order, so the result is the same on every machine
    /// whatever its vector width. Finite exactly when every value is finite (the largest
    /// possible sum of squares of finite floats is far below double's range).
    /// </summary>
    internal static double SumOfSquares(ReadOnlySpan<float> values)
    {
        ref float p = ref MemoryMarshal.GetReference(values);
        var a0 = Vector128<double>.Zero;
        var a1 = Vector128<double>.Zero;
        var a2 = Vector128<double>.Zero;
        var a3 = Vector128<double>.Zero;
        int i = 0;
        for (; i <= values.Length - 8; i += 8)
        {
            (Vector128<double> l0, Vector128<double> h0) = Vector128.Widen(Vector128.LoadUnsafe(ref p, (nuint)i));
            (Vector128<double> l1, Vector128<double> h1) = Vector128.Widen(Vector128.LoadUnsafe(ref p, (nuint)i + 4));
            a0 += l0 * l0;
            a1 += h0 * h0;
            a2 += l1 * l1;
            a3 += h1 * h1;
        }

        Vector128<double> s = (a0 + a1) + (a2 + a3);
        double sum = s.GetElement(0) + s.GetElement(1);
        for (; i < values.Length; i++)
        {
            double x = Unsafe.Add(ref p, i);
            sum += x * x;
        }

        return sum;
    }

    /// <summary>Multiplies by maxNorm / (total + 1e-6) when that is below 1.</summary>
    internal static void ScaleToNorm(Span<float> gradients, double total, float maxNorm)
    {
        double coef = maxNorm / (total + NormEpsilon);
        if (coef < 1)
        {
            Scale(gradients, (float)coef);
        }
    }

    internal static void Scale(Span<float> values, float factor)
    {
        ref float p = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var f = new Vector<float>(factor);
            int n = Vector<float>.Count;
            for (; i <= values.Length - n; i += n)
            {
                ref float at = ref Unsafe.Add(ref p, i);
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref at) * f, ref at);
            }
        }

        for (; i < values.Length; i++)
        {
            Unsafe.Add(ref p, i) *= factor;
        }
    }

    internal static void ValidateMaxNorm(float maxNorm, string paramName)
    {
        if (!(maxNorm >= 0) || float.IsPositiveInfinity(maxNorm))
        {
            throw new ArgumentOutOfRangeException(paramName, maxNorm, "The maximum gradient norm must be finite and not negative.");
        }
    }

    internal static void ValidateClipValue(float clipValue, string paramName)
    {
        if (!(clipValue >= 0) || float.IsPositiveInfinity(clipValue))
        {
            throw new ArgumentOutOfRangeException(paramName, clipValue, "The clip value must be finite and not negative.");
        }
    }
}
