using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace RnnGen.Kernels;

/// <summary>Element-wise helpers for generated code.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Elementwise
{
    /// <summary><paramref name="destination"/> += <paramref name="source"/>.</summary>
    public static void Accumulate(ReadOnlySpan<float> source, Span<float> destination) =>
        TensorPrimitives.Add(destination, source, destination);
}
