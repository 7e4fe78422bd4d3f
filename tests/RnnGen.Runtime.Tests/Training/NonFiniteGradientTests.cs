using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>
/// A NaN or infinite gradient anywhere makes Step return false and change nothing: parameters,
/// gradients, moments, step count (the whole saved state is compared byte for byte).
/// </summary>
public sealed class NonFiniteGradientTests
{
    private const int Length = 37; // a vector body and a scalar tail for every vector width

    public static IEnumerable<object[]> Cases()
    {
        foreach (object[] name in OptimizerFactories.Names())
        {
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                foreach (int index in new[] { 0, 5, 17, Length - 1 })
                {
                    yield return new object[] { name[0], bad, index };
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RejectedStepChangesNothing(string optimizerName, float bad, int index)
    {
        Optimizer optimizer = OptimizerFactories.All[optimizerName]();
        float[] parameters = TrainingFixtures.RandomValues(Length, 1);
        for (int s = 0; s < 2; s++)
        {
            Assert.True(optimizer.Step(parameters, TrainingFixtures.RandomValues(Length, 10 + s, 3f)));
        }

        byte[] stateBefore = TrainingFixtures.SaveState(optimizer);
        float[] parametersBefore = parameters.ToArray();
        float[] gradients = TrainingFixtures.RandomValues(Length, 99, 3f);
        gradients[index] = bad;
        float[] gradientsBefore = gradients.ToArray();
        float normBefore = optimizer.LastGradientNorm;

        Assert.False(optimizer.Step(parameters, gradients));

        Assert.Equal(parametersBefore, parameters);
        Assert.Equal(gradientsBefore, gradients);
        Assert.Equal(2, optimizer.StepCount);
        Assert.Equal(1, optimizer.RejectedStepCount);
        Assert.Equal(normBefore, optimizer.LastGradientNorm);
        Assert.Equal(stateBefore, TrainingFixtures.SaveState(optimizer));

        // ...and training continues exactly as if the bad step had never been attempted.
        Optimizer twin = OptimizerFactories.All[optimizerName]();
        float[] twinParameters = TrainingFixtures.RandomValues(Length, 1);
        for (int s = 0; s < 2; s++)
        {
            twin.Step(twinParameters, TrainingFixtures.RandomValues(Length, 10 + s, 3f));
        }

        Assert.True(optimizer.Step(parameters, TrainingFixtures.RandomValues(Length, 7, 3f)));
        Assert.True(twin.Step(twinParameters, TrainingFixtures.RandomValues(Length, 7, 3f)));
        Assert.Equal(twinParameters, parameters);
        Assert.Equal(TrainingFixtures.SaveState(twin), TrainingFixtures.SaveState(optimizer));
    }

    [Theory]
    [MemberData(nameof(OptimizerFactories.Names), MemberType = typeof(OptimizerFactories))]
    public void RejectedFirstStepAllocatesNoStateAndBindsNoLength(string optimizerName)
    {
        Optimizer optimizer = OptimizerFactories.All[optimizerName]();
        byte[] fresh = TrainingFixtures.SaveState(optimizer);
        float[] parameters = TrainingFixtures.RandomValues(Length, 1);
        float[] gradients = TrainingFixtures.RandomValues(Length, 2);
        gradients[3] = float.NaN;

        Assert.False(optimizer.Step(parameters, gradients));
        Assert.Null(optimizer.ParameterCount);
        Assert.Equal(0, optimizer.StepCount);
        Assert.Equal(fresh, TrainingFixtures.SaveState(optimizer));

        // No length is bound yet: another length is still accepted.
        Assert.True(optimizer.Step(new float[5], new float[5]));
        Assert.Equal(5, optimizer.ParameterCount);
    }

    [Fact]
    public void LargeFiniteGradientsAreNotMistakenForNonFinite()
    {
        // Squares of float.MaxValue overflow float but not the double accumulator.
        var optimizer = new Sgd(0f);
        var gradients = new float[100];
        Array.Fill(gradients, float.MaxValue);
        Assert.True(optimizer.Step(new float[100], gradients));
        Assert.True(float.IsPositiveInfinity(optimizer.LastGradientNorm)); // 10 · MaxValue does not fit a float
    }
}
