using System;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>Learning-rate schedules and how the optimizers use them.</summary>
public sealed class ScheduleTests
{
    [Fact]
    public void Constant()
    {
        Assert.Equal(0.3f, ConstantSchedule.Instance.GetLearningRate(0, 0.3f));
        Assert.Equal(0.3f, ConstantSchedule.Instance.GetLearningRate(1_000_000, 0.3f));
    }

    [Fact]
    public void StepDecay_MultipliesByGammaEveryStepSizeSteps()
    {
        var s = new StepDecaySchedule(3, 0.5f);
        float[] expected = { 1f, 1f, 1f, 0.5f, 0.5f, 0.5f, 0.25f };
        for (int step = 0; step < expected.Length; step++)
        {
            Assert.Equal(expected[step], s.GetLearningRate(step, 1f));
        }

        Assert.Equal(0.1f * 0.1f * 0.1f, new StepDecaySchedule(10).GetLearningRate(30, 1f), 7);
    }

    [Fact]
    public void CosineAnnealing_FromBaseToMinimumThenStays()
    {
        var s = new CosineAnnealingSchedule(10, 0.01f);
        Assert.Equal(1f, s.GetLearningRate(0, 1f));
        Assert.Equal((1f + 0.01f) / 2, s.GetLearningRate(5, 1f), 6);
        Assert.Equal(0.01f, s.GetLearningRate(10, 1f), 7);
        Assert.Equal(0.01f, s.GetLearningRate(25, 1f), 7);
        for (int step = 0; step <= 10; step++)
        {
            double expected = 0.01 + ((1 - 0.01) * (1 + Math.Cos(Math.PI * step / 10)) / 2);
            Assert.Equal(expected, s.GetLearningRate(step, 1f), 6);
        }
    }

    [Fact]
    public void LinearWarmup_RampsThenHandsOver()
    {
        var s = new LinearWarmupSchedule(4, new StepDecaySchedule(2, 0.5f));
        float[] expected = { 0.25f, 0.5f, 0.75f, 1f, 1f, 1f, 0.5f, 0.5f, 0.25f };
        for (int step = 0; step < expected.Length; step++)
        {
            Assert.Equal(expected[step] * 0.2f, s.GetLearningRate(step, 0.2f), 7);
        }

        var plain = new LinearWarmupSchedule(2);
        Assert.Equal(0.5f, plain.GetLearningRate(0, 1f));
        Assert.Equal(1f, plain.GetLearningRate(1, 1f));
        Assert.Equal(1f, plain.GetLearningRate(100, 1f));
    }

    [Fact]
    public void Function()
    {
        var s = new FunctionSchedule((step, lr) => lr / (step + 1));
        Assert.Equal(0.25f, s.GetLearningRate(3, 1f));
    }

    [Fact]
    public void ArgumentsAreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecaySchedule(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecaySchedule(1, -0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingSchedule(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingSchedule(5, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmupSchedule(0));
        Assert.Throws<ArgumentNullException>(() => new FunctionSchedule(null!));
    }

    [Fact]
    public void OptimizerAsksTheScheduleWithTheNumberOfStepsAlreadyApplied()
    {
        // Plain SGD with g = 1: each step moves p by exactly −lr.
        var sgd = new Sgd(1f) { Schedule = new StepDecaySchedule(2, 0.5f) };
        float[] p = { 0f };
        float[] lrs = { 1f, 1f, 0.5f, 0.5f, 0.25f };
        float expected = 0f;
        for (int i = 0; i < lrs.Length; i++)
        {
            Assert.Equal(lrs[i], sgd.LearningRateAt(sgd.StepCount));
            Assert.True(sgd.Step(p, new[] { 1f }));
            expected -= lrs[i];
            Assert.Equal(expected, p[0]);
            Assert.Equal(lrs[i], sgd.LastLearningRate);
        }

        // Rejected steps do not advance the schedule.
        Assert.False(sgd.Step(p, new[] { float.NaN }));
        Assert.Equal(0.25f, sgd.LearningRateAt(sgd.StepCount));

        // The base rate stays what the user set; the schedule scales it.
        Assert.Equal(1f, sgd.LearningRate);
        sgd.LearningRate = 4f;
        Assert.Equal(1f, sgd.LearningRateAt(sgd.StepCount));
        sgd.Schedule = null;
        Assert.Equal(4f, sgd.LearningRateAt(sgd.StepCount));
    }

    [Fact]
    public void ABadScheduleValueThrowsAndChangesNothing()
    {
        var adam = new Adam(0.1f) { Schedule = new FunctionSchedule((step, lr) => step == 1 ? float.NaN : lr) };
        float[] p = { 1f, 2f };
        float[] g = { 0.5f, -0.5f };
        adam.Step(p, g);
        byte[] before = TrainingFixtures.SaveState(adam);
        float[] pBefore = (float[])p.Clone();
        var ex = Assert.Throws<InvalidOperationException>(() => adam.Step(p, g));
        Assert.Contains("NaN for step 1", ex.Message, StringComparison.Ordinal);
        Assert.Equal(pBefore, p);
        Assert.Equal(before, TrainingFixtures.SaveState(adam));
    }
}
