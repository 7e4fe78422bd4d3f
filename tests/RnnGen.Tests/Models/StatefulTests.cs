using System;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.Models;

[RnnModel(InputSize = 3, Steps = 5, BatchSize = 2)]
[Lstm(4, Name = "lstm", Layers = 2)]
[Gru(3, Name = "gru", Variant = GruVariant.ResetBefore)]
[Dense(2, Name = "fc")]
public partial class Chunked5 { }

[RnnModel(InputSize = 3, Steps = 10, BatchSize = 2)]
[Lstm(4, Name = "lstm", Layers = 2)]
[Gru(3, Name = "gru", Variant = GruVariant.ResetBefore)]
[Dense(2, Name = "fc")]
public partial class Whole10 { }

/// <summary>CarryState: a long sequence processed (and trained) chunk by chunk.</summary>
public sealed class StatefulTests
{
    private static float[] Input(int steps, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, 2 * steps * 3).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>Batch row b, steps [from, from + count) of a [2, T, X] input.</summary>
    private static float[] Chunk(float[] whole, int totalSteps, int from, int count, int width)
    {
        var chunk = new float[2 * count * width];
        for (int b = 0; b < 2; b++)
            whole.AsSpan((b * totalSteps + from) * width, count * width).CopyTo(chunk.AsSpan(b * count * width));
        return chunk;
    }

    private static Chunked5 Twin(Whole10 whole)
    {
        var chunked = new Chunked5();
        whole.Parameters.CopyTo(chunked.Parameters);
        return chunked;
    }

    [Fact]
    public void Carried_chunks_equal_one_long_sequence()
    {
        var whole = new Whole10(seed: 11);
        var chunked = Twin(whole);
        var x = Input(10, 1);
        var expected = new float[Whole10.OutputLength];
        whole.Predict(x, expected);

        chunked.CarryState = true;
        var first = new float[Chunked5.OutputLength];
        var second = new float[Chunked5.OutputLength];
        chunked.Predict(Chunk(x, 10, 0, 5, 3), first);
        chunked.Predict(Chunk(x, 10, 5, 5, 3), second);
        PyTorch.PyTorchFixtureTests.AssertClose(Chunk(expected, 10, 0, 5, 2), first, "chunk 1");
        PyTorch.PyTorchFixtureTests.AssertClose(Chunk(expected, 10, 5, 5, 2), second, "chunk 2");

        // ResetState starts over; without CarryState every call starts from zeros.
        chunked.ResetState();
        var again = new float[Chunked5.OutputLength];
        chunked.Predict(Chunk(x, 10, 0, 5, 3), again);
        Assert.Equal(first, again);
        chunked.CarryState = false;
        chunked.Predict(Chunk(x, 10, 5, 5, 3), again);
        var fresh = new float[Chunked5.OutputLength];
        Twin(whole).Predict(Chunk(x, 10, 5, 5, 3), fresh);
        Assert.Equal(fresh, again);
    }

    [Fact]
    public void Carried_training_loss_is_the_long_sequence_loss_of_that_chunk_and_gradients_are_truncated()
    {
        var whole = new Whole10(seed: 12);
        var x = Input(10, 2);
        var y = Input(10, 3).Take(Whole10.TargetLength).ToArray();
        var chunked = Twin(whole);
        chunked.CarryState = true;
        chunked.Predict(Chunk(x, 10, 0, 5, 3), new float[Chunked5.OutputLength]);
        float loss = chunked.ComputeGradients(Chunk(x, 10, 5, 5, 3), Chunk(y, 10, 5, 5, 2));

        // Mean squared error over the second half of the long sequence, from the long model's outputs.
        var outputs = new float[Whole10.OutputLength];
        whole.Predict(x, outputs);
        var tail = Chunk(outputs, 10, 5, 5, 2);
        var target = Chunk(y, 10, 5, 5, 2);
        double expected = tail.Zip(target, (o, t) => (double)(o - t) * (o - t)).Average();
        Assert.True(Math.Abs(loss - expected) < 1e-5, $"loss {loss}, expected {expected}");

        // Truncated gradients: d(loss of chunk 2, starting from the carried state held fixed) by central differences.
        var analytic = chunked.Gradients.ToArray();
        var parameters = chunked.Parameters.ToArray();
        float Loss(int index, float delta)
        {
            var probe = new Chunked5();
            parameters.CopyTo(probe.Parameters);
            probe.CarryState = true;
            probe.Predict(Chunk(x, 10, 0, 5, 3), new float[Chunked5.OutputLength]); // the carried state, from unperturbed weights
            probe.Parameters[index] += delta;
            return probe.ComputeGradients(Chunk(x, 10, 5, 5, 3), Chunk(y, 10, 5, 5, 2));
        }
        var rng = new Random(5);
        int checkedCount = 0;
        for (int n = 0; n < 40; n++)
        {
            int i = rng.Next(parameters.Length);
            const float h = 1e-2f;
            double numeric = (Loss(i, h) - Loss(i, -h)) / (2.0 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-3 + 2e-2 * Math.Abs(numeric),
                $"parameter {i}: analytic {analytic[i]}, finite difference {numeric}");
            checkedCount++;
        }
        Assert.Equal(40, checkedCount);
    }
}
