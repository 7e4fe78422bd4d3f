using System;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>Constructor and Step argument checks, Reset.</summary>
public sealed class OptimizerArgumentTests
{
    [Fact]
    public void MismatchedSpansThrowWithBothLengths()
    {
        var adam = new Adam();
        var ex = Assert.Throws<ArgumentException>(() => adam.Step(new float[4], new float[3]));
        Assert.Contains("3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("4", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, adam.StepCount);
    }

    [Fact]
    public void AnotherLengthAfterTheFirstStepThrowsWithBothLengths()
    {
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        sgd.Step(new float[10], new float[10]);
        var ex = Assert.Throws<ArgumentException>(() => sgd.Step(new float[11], new float[11]));
        Assert.Contains("built for 10 parameters", ex.Message, StringComparison.Ordinal);
        Assert.Contains("given 11", ex.Message, StringComparison.Ordinal);
        Assert.Equal("parameters", ex.ParamName);

        // Plain SGD has no buffers but binds its length the same way.
        var plain = new Sgd(0.1f);
        plain.Step(new float[2], new float[2]);
        Assert.Throws<ArgumentException>(() => plain.Step(new float[3], new float[3]));

        // Reset forgets the length.
        sgd.Reset();
        Assert.Null(sgd.ParameterCount);
        Assert.True(sgd.Step(new float[11], new float[11]));
        Assert.Equal(11, sgd.ParameterCount);
    }

    [Fact]
    public void ResetStartsOverLikeAFreshOptimizer()
    {
        foreach (Func<Optimizer> create in OptimizerFactories.All.Values)
        {
            Optimizer used = create();
            float[] p = TrainingFixtures.RandomValues(19, 1);
            used.Step(p, TrainingFixtures.RandomValues(19, 2));
            used.Step(p, TrainingFixtures.RandomValues(19, 3));
            Assert.False(used.Step(p, BadGradients()));
            used.Reset();
            Assert.Equal(0, used.StepCount);
            Assert.Equal(0, used.RejectedStepCount);
            Assert.Equal(0f, used.LastGradientNorm);
            Assert.Equal(TrainingFixtures.SaveState(create()), TrainingFixtures.SaveState(used));

            Optimizer fresh = create();
            float[] q = (float[])p.Clone();
            used.Step(p, TrainingFixtures.RandomValues(19, 4));
            fresh.Step(q, TrainingFixtures.RandomValues(19, 4));
            Assert.Equal(q, p);
        }

        static float[] BadGradients()
        {
            float[] g = new float[19];
            g[0] = float.NaN;
            return g;
        }
    }

    [Fact]
    public void HyperParametersAreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(-0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1f, momentum: -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1f, dampening: float.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1f, weightDecay: -0.1f));
        Assert.Throws<ArgumentException>(() => new Sgd(0.1f, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd(0.1f, momentum: 0.9f, dampening: 0.1f, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(-1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta2: -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(epsilon: -1e-8f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(weightDecay: float.NaN));
        var adam = new Adam();
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = float.PositiveInfinity);
        Assert.Equal(1e-3f, adam.LearningRate);
    }

    [Fact]
    public void DefaultsArePyTorchs()
    {
        var adam = new Adam();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 0f), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay));
        var adamW = new AdamW();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f), (adamW.LearningRate, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay));
        var sgd = new Sgd(0.1f);
        Assert.Equal((0f, 0f, false, 0f), (sgd.Momentum, sgd.Dampening, sgd.Nesterov, sgd.WeightDecay));
        Assert.Null(adam.MaxGradientNorm);
        Assert.Null(adam.ClipValue);
        Assert.Null(adam.Schedule);
    }

    [Fact]
    public void GradientsAreNotModifiedWithoutClipping()
    {
        // Weight decay is added to a copy, as PyTorch's out-of-place grad.add(param, ...).
        foreach (Optimizer optimizer in new Optimizer[] { new Sgd(0.1f, 0.9f, weightDecay: 0.1f), new Adam(weightDecay: 0.1f), new AdamW() })
        {
            float[] p = TrainingFixtures.RandomValues(33, 1);
            float[] g = TrainingFixtures.RandomValues(33, 2);
            float[] before = (float[])g.Clone();
            optimizer.Step(p, g);
            Assert.Equal(before, g);
        }
    }

    [Fact]
    public void EmptyBuffersAreAccepted()
    {
        var adam = new Adam();
        Assert.True(adam.Step(Span<float>.Empty, Span<float>.Empty));
        Assert.Equal(1, adam.StepCount);
        Assert.Equal(0, adam.ParameterCount);
    }
}
