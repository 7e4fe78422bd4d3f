using System;
using System.ComponentModel;

namespace RnnGen.Kernels;

/// <summary>
/// Backward of the <see cref="Activations"/>: turns dL/dy into dL/dx in place, from the
/// forward outputs y (no inputs need to be kept).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ActivationGradients
{
    /// <summary>y = tanh(x): dx = dy ⊙ (1 − y²).</summary>
    public static void Tanh(ReadOnlySpan<float> y, Span<float> dy)
    {
        for (int j = 0; j < dy.Length; j++) dy[j] *= 1f - y[j] * y[j];
    }

    /// <summary>y = max(0, x): dx = dy where y &gt; 0, else 0.</summary>
    public static void Relu(ReadOnlySpan<float> y, Span<float> dy)
    {
        for (int j = 0; j < dy.Length; j++) if (!(y[j] > 0f)) dy[j] = 0f;
    }

    /// <summary>y = σ(x): dx = dy ⊙ y ⊙ (1 − y).</summary>
    public static void Sigmoid(ReadOnlySpan<float> y, Span<float> dy)
    {
        for (int j = 0; j < dy.Length; j++) dy[j] *= y[j] * (1f - y[j]);
    }

    /// <summary>y = softmax(x) per row of <paramref name="width"/>: dx = y ⊙ (dy − Σ dy ⊙ y).</summary>
    public static void Softmax(ReadOnlySpan<float> y, Span<float> dy, int rows, int width)
    {
        for (int r = 0; r < rows; r++)
        {
            var yr = y.Slice(r * width, width);
            var dr = dy.Slice(r * width, width);
            double dot = 0;
            for (int j = 0; j < width; j++) dot += (double)dr[j] * yr[j];
            for (int j = 0; j < width; j++) dr[j] = yr[j] * (float)(dr[j] - dot);
        }
    }
}
