using System;
using System.ComponentModel;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnGen.Kernels;

/// <summary>
/// In-place activation functions used by generated model code. The span versions are
/// vectorized; the scalar versions serve single values and give bit-for-bit the same results.
/// Sigmoid and tanh are accurate to a few units in the last place (well within 1e-6 relative)
/// wherever the result is a normal float, and use no platform math library, so they give the
/// same bits on every machine with or without SIMD.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Activations
{
    /// <summary>Replaces every value v by 1 / (1 + e^-v).</summary>
    /// <param name="values">The values, overwritten.</param>
    public static void Sigmoid(Span<float> values)
    {
        ref float p = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            int n = Vector<float>.Count;
            for (; i <= values.Length - n; i += n)
            {
                ref float at = ref Unsafe.Add(ref p, i);
                Vector.StoreUnsafe(Sigmoid(Vector.LoadUnsafe(ref at)), ref at);
            }
        }

        for (; i < values.Length; i++)
        {
            Unsafe.Add(ref p, i) = SigmoidScalar(Unsafe.Add(ref p, i));
        }
    }

    /// <summary>Replaces every value v by tanh(v).</summary>
    /// <param name="values">The values, overwritten.</param>
    public static void Tanh(Span<float> values)
    {
        ref float p = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            int n = Vector<float>.Count;
            for (; i <= values.Length - n; i += n)
            {
                ref float at = ref Unsafe.Add(ref p, i);
                Vector.StoreUnsafe(Tanh(Vector.LoadUnsafe(ref at)), ref at);
            }
        }

        for (; i < values.Length; i++)
        {
            Unsafe.Add(ref p, i) = TanhScalar(Unsafe.Add(ref p, i));
        }
    }

    /// <summary>Replaces every value v by max(0, v); NaN stays NaN.</summary>
    /// <param name="values">The values, overwritten.</param>
    public static void Relu(Span<float> values) => TensorPrimitives.Max(values, 0f, values);

    /// <summary>
    /// Replaces a row by its softmax, e^(v_i - max) / Σ_j e^(v_j - max), which is stable for
    /// large inputs. An empty row is left as is; a row containing NaN becomes all NaN.
    /// </summary>
    /// <param name="row">The logits, overwritten by probabilities.</param>
    public static void Softmax(Span<float> row)
    {
        if (row.IsEmpty)
        {
            return;
        }

        float max = TensorPrimitives.Max(row);
        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Exp(row, row);
        float sum = TensorPrimitives.Sum(row);
        TensorPrimitives.Divide(row, sum, row);
    }

    /// <summary>Applies <see cref="Softmax(Span{float})"/> to each of <paramref name="rows"/> consecutive rows of <paramref name="width"/> values.</summary>
    /// <param name="data">The rows, contiguous, overwritten.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="width">Values per row.</param>
    public static void Softmax(Span<float> data, int rows, int width)
    {
        for (int r = 0; r < rows; r++)
        {
            Softmax(data.Slice(r * width, width));
        }
    }

    /// <summary>Returns 1 / (1 + e^-x), accurate over the whole float range (including results below the normal range).</summary>
    /// <param name="x">The argument.</param>
    /// <returns>The logistic sigmoid of <paramref name="x"/>; bit-for-bit what <see cref="Sigmoid(Span{float})"/> gives.</returns>
    public static float SigmoidScalar(float x)
    {
        if (float.IsNaN(x))
        {
            return x;
        }

        // e = e^-|x|; sigmoid = 1 / (1 + e) for x >= 0 and e / (1 + e) below, neither of which cancels.
        float e = ExpNegative(MathF.Min(MathF.Abs(x), MaxArgument));
        return (x >= 0f ? 1f : e) / (1f + e);
    }

    /// <summary>Returns tanh(x).</summary>
    /// <param name="x">The argument.</param>
    /// <returns>The hyperbolic tangent of <paramref name="x"/>; bit-for-bit what <see cref="Tanh(Span{float})"/> gives.</returns>
    public static float TanhScalar(float x)
    {
        if (float.IsNaN(x))
        {
            return x;
        }

        // tanh|x| = -m / (2 + m) with m = e^(-2|x|) - 1, which keeps full relative accuracy near 0.
        float m = ExpM1Negative(MathF.Min(2f * MathF.Abs(x), MaxArgument));
        float t = -m / (2f + m);
        return MathF.CopySign(t, x);
    }

    // ---------------------------------------------------------------------------------------
    // e^-t and e^-t - 1 for 0 <= t <= MaxArgument, in float, from IEEE operations only, so the
    // vector and scalar forms agree bit for bit. e^-t = 2^-n · e^r with n = round(t / ln 2) and
    // r = n ln 2 - t in [-0.35, 0.35] (ln 2 split in two so that n · hi is exact), e^r by its
    // Taylor series to degree 7 (truncation below 1e-8 relative), and 2^-n applied as two
    // factors so that results in the subnormal range round correctly. Accuracy: a few ulp.
    // ---------------------------------------------------------------------------------------

    private const float MaxArgument = 110f;              // e^-110 is below half the smallest subnormal
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;            // 9 significant bits
    private const float Ln2Lo = -2.12194440e-4f;         // ln 2 - Ln2Hi
    private const float ExpM1Switch = 0.34657359f;       // ln 2 / 2: below it e^-t - 1 comes from its own series

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ExpNegative(float t)
    {
        int n = (int)((t * Log2E) + 0.5f);
        float nf = n;
        float r = ((nf * Ln2Hi) - t) + (nf * Ln2Lo);
        float p = 1f / 5040f;
        p = (p * r) + (1f / 720f);
        p = (p * r) + (1f / 120f);
        p = (p * r) + (1f / 24f);
        p = (p * r) + (1f / 6f);
        p = (p * r) + 0.5f;
        p = (p * r) + 1f;
        p = (p * r) + 1f;
        int n1 = n >> 1;
        int n2 = n - n1;
        return p * BitConverter.Int32BitsToSingle((127 - n1) << 23) * BitConverter.Int32BitsToSingle((127 - n2) << 23);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ExpM1Negative(float t)
    {
        if (t >= ExpM1Switch)
        {
            return ExpNegative(t) - 1f;
        }

        float u = -t;
        float q = 1f / 40320f;
        q = (q * u) + (1f / 5040f);
        q = (q * u) + (1f / 720f);
        q = (q * u) + (1f / 120f);
        q = (q * u) + (1f / 24f);
        q = (q * u) + (1f / 6f);
        q = (q * u) + 0.5f;
        q = (q * u) + 1f;
        return q * u;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExpNegative(Vector<float> t)
    {
        Vector<int> n = Vector.ConvertToInt32((t * new Vector<float>(Log2E)) + new Vector<float>(0.5f));
        Vector<float> nf = Vector.ConvertToSingle(n);
        Vector<float> r = ((nf * new Vector<float>(Ln2Hi)) - t) + (nf * new Vector<float>(Ln2Lo));
        Vector<float> p = new(1f / 5040f);
        p = (p * r) + new Vector<float>(1f / 720f);
        p = (p * r) + new Vector<float>(1f / 120f);
        p = (p * r) + new Vector<float>(1f / 24f);
        p = (p * r) + new Vector<float>(1f / 6f);
        p = (p * r) + new Vector<float>(0.5f);
        p = (p * r) + Vector<float>.One;
        p = (p * r) + Vector<float>.One;
        Vector<int> n1 = Vector.ShiftRightArithmetic(n, 1);
        Vector<int> n2 = n - n1;
        Vector<int> bias = new(127);
        Vector<float> s1 = Vector.AsVectorSingle(Vector.ShiftLeft(bias - n1, 23));
        Vector<float> s2 = Vector.AsVectorSingle(Vector.ShiftLeft(bias - n2, 23));
        return p * s1 * s2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExpM1Negative(Vector<float> t)
    {
        Vector<float> u = -t;
        Vector<float> q = new(1f / 40320f);
        q = (q * u) + new Vector<float>(1f / 5040f);
        q = (q * u) + new Vector<float>(1f / 720f);
        q = (q * u) + new Vector<float>(1f / 120f);
        q = (q * u) + new Vector<float>(1f / 24f);
        q = (q * u) + new Vector<float>(1f / 6f);
        q = (q * u) + new Vector<float>(0.5f);
        q = (q * u) + Vector<float>.One;
        Vector<float> series = q * u;
        Vector<float> viaExp = ExpNegative(t) - Vector<float>.One;
        return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(t, new Vector<float>(ExpM1Switch)), viaExp, series);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Sigmoid(Vector<float> x)
    {
        Vector<float> e = ExpNegative(Vector.Min(Vector.Abs(x), new Vector<float>(MaxArgument)));
        Vector<float> numerator = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), Vector<float>.One, e);
        Vector<float> result = numerator / (Vector<float>.One + e);
        return Vector.ConditionalSelect(Vector.Equals(x, x), result, x); // NaN stays NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Tanh(Vector<float> x)
    {
        Vector<float> m = ExpM1Negative(Vector.Min(new Vector<float>(2f) * Vector.Abs(x), new Vector<float>(MaxArgument)));
        Vector<float> magnitude = -m / (new Vector<float>(2f) + m);
        Vector<float> sign = Vector.AsVectorSingle(Vector.AsVectorInt32(x) & new Vector<int>(int.MinValue));
        Vector<float> result = Vector.AsVectorSingle(Vector.AsVectorInt32(magnitude) | Vector.AsVectorInt32(sign));
        return Vector.ConditionalSelect(Vector.Equals(x, x), result, x); // NaN stays NaN
    }
}
