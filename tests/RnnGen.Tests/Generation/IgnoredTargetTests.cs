using System;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.Generation;

/// <summary>
/// A class target of -100 is ignored by cross-entropy in the generating modes too (targets of different lengths):
/// the loss is the mean over the other targets, and nothing breaks where the ignored target would be fed back.
/// </summary>
public sealed class IgnoredTargetTests
{
    /// <summary>
    /// With the last output step's target of row 0 ignored, N·L(k) − (N − 1)·L(ignored) is that step's cross-entropy
    /// −log p_k for every class k, so the exponentials of those differences sum to 1 (they are the step's softmax).
    /// </summary>
    private static void AssertLastStepIgnored(Func<int[], float> loss, int[] targets, int lastIndex, int classes)
    {
        int n = targets.Length;
        var ignored = (int[])targets.Clone();
        ignored[lastIndex] = -100;
        double withoutLast = loss(ignored);
        double total = 0;
        for (int k = 0; k < classes; k++)
        {
            var withK = (int[])targets.Clone();
            withK[lastIndex] = k;
            double ce = n * (double)loss(withK) - (n - 1) * withoutLast;
            total += Math.Exp(-ce);
        }
        Assert.Equal(1.0, total, 3);
    }

    [Fact]
    public void OneToMany_ignores_a_minus_100_target()
    {
        var model = new O2mLstmSoftmax(3);
        var x = Enumerable.Range(0, O2mLstmSoftmax.InputLength).Select(i => (float)Math.Sin(i)).ToArray();
        int[] targets = Enumerable.Range(0, O2mLstmSoftmax.TargetLength).Select(i => i % O2mLstmSoftmax.OutputSize).ToArray();
        AssertLastStepIgnored(t => model.ComputeLoss(x, t), targets, O2mLstmSoftmax.Steps - 1, O2mLstmSoftmax.OutputSize);

        // An ignored target in the middle is fed back as zeros: training still runs and the loss stays finite.
        var middle = (int[])targets.Clone();
        middle[2] = -100;
        Assert.True(float.IsFinite(model.ComputeGradients(x, middle)));
    }

    [Fact]
    public void EncoderDecoder_ignores_a_minus_100_target()
    {
        var model = new EdBilstm2Softmax(5);
        var x = Enumerable.Range(0, EdBilstm2Softmax.InputLength).Select(i => (float)Math.Cos(i)).ToArray();
        int[] targets = Enumerable.Range(0, EdBilstm2Softmax.TargetLength).Select(i => (i * 2) % EdBilstm2Softmax.OutputSize).ToArray();
        AssertLastStepIgnored(t => model.ComputeLoss(x, t), targets, EdBilstm2Softmax.OutputSteps - 1, EdBilstm2Softmax.OutputSize);
        var middle = (int[])targets.Clone();
        middle[1] = -100;
        Assert.True(float.IsFinite(model.ComputeGradients(x, middle)));
    }
}
