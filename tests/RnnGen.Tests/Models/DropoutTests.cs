using System;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.Models;

[RnnModel(InputSize = 3, Steps = 4, BatchSize = 2)]
[Lstm(6, Name = "lstm", Layers = 3, Dropout = 0.5f)]
[Dense(2, Name = "fc")]
public partial class WithDropout { }

[RnnModel(InputSize = 3, Steps = 4, BatchSize = 2)]
[Lstm(6, Name = "lstm", Layers = 3)]
[Dense(2, Name = "fc")]
public partial class WithoutDropout { }

/// <summary>Dropout between stacked layers: training only, seeded, and Predict stays deterministic.</summary>
public sealed class DropoutTests
{
    private static readonly float[] X = Enumerable.Range(0, WithDropout.InputLength).Select(i => MathF.Sin(i)).ToArray();
    private static readonly float[] Y = Enumerable.Range(0, WithDropout.TargetLength).Select(i => MathF.Cos(i)).ToArray();

    [Fact]
    public void Predict_ignores_dropout()
    {
        var a = new WithDropout(seed: 3);
        var b = new WithoutDropout(seed: 3);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        var ya = new float[WithDropout.OutputLength];
        var yb = new float[WithDropout.OutputLength];
        a.ComputeGradients(X, Y); // a training pass in between must not leave a mask behind
        a.Predict(X, ya);
        b.Predict(X, yb);
        Assert.Equal(yb, ya);
        a.Predict(X, yb);
        Assert.Equal(ya, yb);
    }

    [Fact]
    public void Training_draws_fresh_seeded_masks()
    {
        var a = new WithDropout(seed: 3);
        var plain = new WithoutDropout(seed: 3);
        float first = a.ComputeGradients(X, Y);
        float second = a.ComputeGradients(X, Y);
        Assert.NotEqual(first, second); // a new mask each step
        Assert.NotEqual(plain.ComputeGradients(X, Y), first);
        var again = new WithDropout(seed: 3);
        Assert.Equal(first, again.ComputeGradients(X, Y)); // same seed, same masks
        Assert.Equal(second, again.ComputeGradients(X, Y));
    }

    [Fact]
    public void Dropout_gradients_are_consistent_with_the_loss()
    {
        // Along the gradient direction the loss must fall for a small step under the same masks:
        // two models with the same seed draw the same masks at the same call.
        var reference = new WithDropout(seed: 9);
        var stepped = new WithDropout(seed: 9);
        float loss = reference.ComputeGradients(X, Y);
        var gradient = reference.Gradients.ToArray();
        double norm2 = gradient.Sum(g => (double)g * g);
        Assert.True(norm2 > 0);
        const float eta = 1e-3f;
        for (int i = 0; i < gradient.Length; i++) stepped.Parameters[i] -= eta * gradient[i];
        float after = stepped.ComputeGradients(X, Y);
        double predicted = loss - eta * norm2;
        Assert.True(after < loss, $"loss {loss} -> {after}");
        Assert.True(Math.Abs(after - predicted) <= 0.1 * eta * norm2 + 1e-6, $"first-order prediction {predicted}, got {after}");
    }

    [Fact]
    public void ComputeLoss_is_the_training_loss_without_dropout_and_leaves_gradients_alone()
    {
        var a = new WithDropout(seed: 5);
        var b = new WithoutDropout(seed: 5);
        float plain = b.ComputeGradients(X, Y);
        var gradients = b.Gradients.ToArray();
        Assert.Equal(plain, b.ComputeLoss(X, Y));
        Assert.True(gradients.AsSpan().SequenceEqual(b.Gradients));
        Assert.Equal(plain, a.ComputeLoss(X, Y));
        Assert.True(a.Gradients.ToArray().All(g => g == 0f));
    }
}
