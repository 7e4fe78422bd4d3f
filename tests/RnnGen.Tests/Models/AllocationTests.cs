using System;
using Xunit;

namespace RnnGen.Tests.Models;

/// <summary>Predict and Step allocate nothing on the managed heap after the first call.</summary>
public sealed class AllocationTests
{
    /// <summary>Bytes allocated by 10 calls of <paramref name="action"/> after 200 warm-up calls.</summary>
    internal static long Measure(Action action)
    {
        // Warm up past tiered compilation (tier-0 code and on-stack replacement may allocate once).
        for (int i = 0; i < 200; i++) action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Predict_allocates_nothing()
    {
        var lm = new CharRnn();
        var x = new float[CharRnn.InputLength];
        var y = new float[CharRnn.OutputLength];
        Assert.Equal(0, Measure(() => lm.Predict(x, y)));

        var classifier = new BiGruClassifier();
        var cx = new float[BiGruClassifier.InputLength];
        var cy = new float[BiGruClassifier.OutputLength];
        Assert.Equal(0, Measure(() => classifier.Predict(cx, cy)));

        var tokens = new TokenRnn();
        var ids = new int[TokenRnn.InputLength];
        var ty = new float[TokenRnn.OutputLength];
        Assert.Equal(0, Measure(() => tokens.Predict(ids, ty)));
    }

    [Fact]
    public void Step_allocates_nothing()
    {
        var lm = new CharRnn();
        var x = new float[CharRnn.BatchSize * CharRnn.InputSize];
        var y = new float[CharRnn.BatchSize * CharRnn.OutputSize];
        Assert.Equal(0, Measure(() => lm.Step(x, y)));

        var tokens = new TokenRnn();
        var ids = new int[TokenRnn.BatchSize];
        var ty = new float[TokenRnn.BatchSize * TokenRnn.OutputSize];
        Assert.Equal(0, Measure(() => tokens.Step(ids, ty)));
    }
}
