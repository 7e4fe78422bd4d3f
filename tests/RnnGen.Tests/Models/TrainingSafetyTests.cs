using System;
using System.IO;
using System.Linq;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Models;

/// <summary>Training never writes NaN weights, rejects bad targets before touching anything, and allocates nothing.</summary>
public sealed class TrainingSafetyTests
{
    private static long Measure(Action action)
    {
        for (int i = 0; i < 50; i++) action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void ComputeGradients_and_TrainStep_allocate_nothing()
    {
        var lm = new CharRnn();
        var x = new float[CharRnn.InputLength];
        var ids = new int[CharRnn.TargetLength];
        for (int i = 0; i < ids.Length; i++) ids[i] = i % CharRnn.OutputSize;
        Assert.Equal(0, Measure(() => lm.ComputeGradients(x, ids)));
        var adam = new Adam(1e-4f) { MaxGradientNorm = 1f };
        Assert.Equal(0, Measure(() => lm.TrainStep(x, ids, adam)));

        var classifier = new BiGruClassifier();
        var cx = new float[BiGruClassifier.InputLength];
        var cy = new int[BiGruClassifier.TargetLength];
        var sgd = new Sgd(0.01f, momentum: 0.9f);
        Assert.Equal(0, Measure(() => classifier.TrainStep(cx, cy, sgd)));

        var tokens = new TokenRnn();
        var tx = new int[TokenRnn.InputLength];
        var ty = new float[TokenRnn.TargetLength];
        var sgd2 = new Sgd(0.01f);
        Assert.Equal(0, Measure(() => tokens.TrainStep(tx, ty, sgd2)));
    }

    private static string Snapshot(IOptimizer optimizer)
    {
        using var stream = new MemoryStream();
        optimizer.SaveState(stream);
        return Convert.ToBase64String(stream.ToArray());
    }

    [Fact]
    public void A_NaN_input_leaves_parameters_and_optimizer_unchanged()
    {
        var model = new BiGruClassifier(seed: 3);
        var x = new float[BiGruClassifier.InputLength];
        var y = new int[BiGruClassifier.TargetLength];
        var adam = new Adam(0.01f);
        model.TrainStep(x, y, adam); // a good step first, so the optimizer has state
        var parameters = model.Parameters.ToArray();
        var state = Snapshot(adam);

        x[5] = float.NaN;
        var e = Assert.Throws<NonFiniteException>(() => model.TrainStep(x, y, adam));
        Assert.Contains("unchanged", e.Message);
        Assert.True(parameters.AsSpan().SequenceEqual(model.Parameters));
        Assert.Equal(state, Snapshot(adam));
        Assert.False(model.TryTrainStep(x, y, adam, out float loss));
        Assert.True(float.IsNaN(loss));
        Assert.True(parameters.AsSpan().SequenceEqual(model.Parameters));
        Assert.Equal(1, adam.StepCount);
    }

    [Fact]
    public void An_overflowing_loss_leaves_parameters_unchanged()
    {
        // A huge target overflows the float loss (the optimizer's own tests cover non-finite gradients).
        var model = new TokenRnn(seed: 4);
        var ids = new int[TokenRnn.InputLength];
        var targets = new float[TokenRnn.TargetLength];
        targets[0] = float.MaxValue;
        var sgd = new Sgd(0.1f);
        var parameters = model.Parameters.ToArray();
        Assert.False(model.TryTrainStep(ids, targets, sgd, out _));
        Assert.True(parameters.AsSpan().SequenceEqual(model.Parameters));
        Assert.Equal(0, sgd.StepCount);
    }

    [Fact]
    public void Out_of_range_targets_throw_before_anything_changes()
    {
        var model = new CharRnn(seed: 1);
        var x = new float[CharRnn.InputLength];
        var ids = new int[CharRnn.TargetLength];
        model.ComputeGradients(x, ids);
        var gradients = model.Gradients.ToArray();
        ids[7] = CharRnn.OutputSize;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeGradients(x, ids));
        Assert.Contains("index 7", e.Message);
        ids[7] = -1;
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeGradients(x, ids));
        Assert.True(gradients.AsSpan().SequenceEqual(model.Gradients), "a rejected call must not touch the gradients");
        Assert.Throws<ArgumentException>(() => model.ComputeGradients(x, new int[3]));
    }
}
