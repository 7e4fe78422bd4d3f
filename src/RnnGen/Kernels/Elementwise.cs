using System;
using System.ComponentModel;
using System.Numerics.Tensors;
using RnnGen.Initialization;

namespace RnnGen.Kernels;

/// <summary>Element-wise helpers for generated code.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Elementwise
{
    /// <summary><paramref name="destination"/> += <paramref name="source"/>.</summary>
    public static void Accumulate(ReadOnlySpan<float> source, Span<float> destination) =>
        TensorPrimitives.Add(destination, source, destination);

    /// <summary><paramref name="destination"/> += <paramref name="a"/> ⊙ <paramref name="b"/>.</summary>
    public static void MultiplyAccumulate(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination) =>
        TensorPrimitives.FusedMultiplyAdd(a, b, destination, destination);

    /// <summary>
    /// Inverted dropout (PyTorch's): each element is zeroed with probability <paramref name="p"/> and the
    /// others scaled by 1 / (1 − p). Writes the mask (0 or 1 / (1 − p)) and y = x ⊙ mask.
    /// </summary>
    public static void Dropout(ReadOnlySpan<float> x, Span<float> mask, Span<float> y, float p, RnnRandom random)
    {
        float keep = 1f / (1f - p);
        for (int j = 0; j < x.Length; j++) mask[j] = random.NextSingle() < p ? 0f : keep;
        TensorPrimitives.Multiply(x, mask, y);
    }
}
