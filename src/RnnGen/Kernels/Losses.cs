using System;
using System.ComponentModel;

namespace RnnGen.Kernels;

/// <summary>
/// Losses for one output row, fused with the head's activation where that is what makes them
/// stable. Each returns the row's summed loss (in double) and writes dL/d(input) scaled by
/// <c>scale</c> (1 / number of targets: PyTorch's mean reduction).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Losses
{
    /// <summary>
    /// Softmax cross-entropy from logits: loss = logsumexp(z) − z[target]. <paramref name="row"/> holds the
    /// logits and is replaced by the probabilities; <paramref name="dLogits"/> = scale · (p − onehot(target)).
    /// </summary>
    public static double SoftmaxCrossEntropy(Span<float> row, int target, Span<float> dLogits, float scale)
    {
        float max = float.NegativeInfinity;
        for (int j = 0; j < row.Length; j++) max = MathF.Max(max, row[j]);
        double sum = 0;
        for (int j = 0; j < row.Length; j++) sum += Math.Exp(row[j] - max);
        double logSum = Math.Log(sum) + max;
        double loss = logSum - row[target];
        for (int j = 0; j < row.Length; j++)
        {
            float p = (float)Math.Exp(row[j] - logSum);
            row[j] = p;
            dLogits[j] = scale * (j == target ? p - 1f : p);
        }
        return loss;
    }

    /// <summary>
    /// Binary cross-entropy from logits: loss = Σ max(z, 0) − z·y + log(1 + e^−|z|). <paramref name="row"/>
    /// holds the logits and is replaced by σ(z); <paramref name="dLogits"/> = scale · (σ(z) − y).
    /// </summary>
    public static double BinaryCrossEntropy(Span<float> row, ReadOnlySpan<float> targets, Span<float> dLogits, float scale)
    {
        double loss = 0;
        for (int j = 0; j < row.Length; j++)
        {
            double z = row[j], y = targets[j];
            loss += Math.Max(z, 0) - z * y + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            float p = (float)(1 / (1 + Math.Exp(-z)));
            row[j] = p;
            dLogits[j] = scale * (p - targets[j]);
        }
        return loss;
    }

    /// <summary>Squared error: loss = Σ (y − t)²; <paramref name="dY"/> = scale · 2 (y − t).</summary>
    public static double SquaredError(ReadOnlySpan<float> y, ReadOnlySpan<float> targets, Span<float> dY, float scale)
    {
        double loss = 0;
        for (int j = 0; j < y.Length; j++)
        {
            float d = y[j] - targets[j];
            loss += (double)d * d;
            dY[j] = scale * 2f * d;
        }
        return loss;
    }
}
