using System;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>After the first step, Step allocates nothing on the managed heap, accepted or rejected, with clipping and schedules.</summary>
public sealed class AllocationTests
{
    [Theory]
    [MemberData(nameof(OptimizerFactories.Names), MemberType = typeof(OptimizerFactories))]
    public void StepAllocatesNothingAfterTheFirst(string optimizerName)
    {
        IOptimizer optimizer = OptimizerFactories.All[optimizerName]();
        float[] parameters = TrainingFixtures.RandomValues(1003, 1);
        float[] gradients = TrainingFixtures.RandomValues(1003, 2, 2f);
        float[] bad = TrainingFixtures.RandomValues(1003, 3);
        bad[500] = float.NaN;

        // The first step allocates the state; a few more warm up the code paths.
        for (int i = 0; i < 5; i++)
        {
            optimizer.Step(parameters, gradients);
            optimizer.Step(parameters, bad);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            optimizer.Step(parameters, gradients);
            optimizer.Step(parameters, bad);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(205, optimizer.StepCount);
    }

    [Fact]
    public void ClippingFunctionsAllocateNothing()
    {
        float[] gradients = TrainingFixtures.RandomValues(517, 4, 3f);
        GradientClipping.ClipByGlobalNorm(gradients, 1f);
        GradientClipping.ClipByValue(gradients, 0.1f);
        GradientClipping.AllFinite(gradients);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            GradientClipping.ClipByGlobalNorm(gradients, 1f);
            GradientClipping.ClipByValue(gradients, 0.1f);
            GradientClipping.AllFinite(gradients);
            GradientClipping.GlobalNorm(gradients);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ResetKeepsTheBuffers()
    {
        var optimizer = new Adam(0.01f);
        float[] parameters = new float[256];
        float[] gradients = TrainingFixtures.RandomValues(256, 5);
        optimizer.Step(parameters, gradients);
        optimizer.Step(parameters, gradients);
        optimizer.Reset();

        long before = GC.GetAllocatedBytesForCurrentThread();
        optimizer.Step(parameters, gradients);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1, optimizer.StepCount);
    }
}
