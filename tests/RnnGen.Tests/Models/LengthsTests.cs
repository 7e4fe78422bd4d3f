using System;
using System.Linq;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Models;

// A batch of three rows of different lengths, and twins compiled for one row of exactly a row's length.
// The parameters do not depend on Steps or BatchSize, so the twins load the same weights.

[RnnModel(InputSize = 3, Steps = 6, BatchSize = 3)]
[Lstm(5, Name = "enc", Bidirectional = true)]
[Gru(4, Name = "top", Variant = GruVariant.ResetBefore)]
[Dense(4, Name = "fc", Activation = Activation.Softmax)]
public partial class LenTagger { }

[RnnModel(InputSize = 3, Steps = 6)]
[Lstm(5, Name = "enc", Bidirectional = true)]
[Gru(4, Name = "top", Variant = GruVariant.ResetBefore)]
[Dense(4, Name = "fc", Activation = Activation.Softmax)]
public partial class LenTagger6 { }

[RnnModel(InputSize = 3, Steps = 2)]
[Lstm(5, Name = "enc", Bidirectional = true)]
[Gru(4, Name = "top", Variant = GruVariant.ResetBefore)]
[Dense(4, Name = "fc", Activation = Activation.Softmax)]
public partial class LenTagger2 { }

[RnnModel(InputSize = 3, Steps = 6, BatchSize = 3, Mode = SequenceMode.ManyToOne)]
[SimpleRnn(4, Name = "rnn", Activation = Activation.Relu)]
[Gru(5, Name = "gru", Bidirectional = true)]
[Dense(2, Name = "fc", Activation = Activation.Sigmoid)]
public partial class LenClassifier { }

[RnnModel(InputSize = 3, Steps = 6, Mode = SequenceMode.ManyToOne)]
[SimpleRnn(4, Name = "rnn", Activation = Activation.Relu)]
[Gru(5, Name = "gru", Bidirectional = true)]
[Dense(2, Name = "fc", Activation = Activation.Sigmoid)]
public partial class LenClassifier6 { }

[RnnModel(InputSize = 3, Steps = 2, Mode = SequenceMode.ManyToOne)]
[SimpleRnn(4, Name = "rnn", Activation = Activation.Relu)]
[Gru(5, Name = "gru", Bidirectional = true)]
[Dense(2, Name = "fc", Activation = Activation.Sigmoid)]
public partial class LenClassifier2 { }

/// <summary>
/// Rows of different lengths: each row of a batch gives what a model compiled for exactly that row's length gives
/// (outputs; loss and gradients as the valid-target-weighted mean), the padding changes nothing, a length-0 row is
/// padding, -100 targets are ignored, bad lengths change nothing, and the lengths overloads allocate nothing.
/// </summary>
public sealed class LengthsTests
{
    private static readonly int[] Lengths = { 6, 2, 0 };

    private static float[] Input(int seed, int length)
    {
        var r = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>The batch input [3, 6, 3] with the padding of each row set to <paramref name="padding"/>.</summary>
    private static float[] Batch(float padding)
    {
        var x = Input(7, 3 * 6 * 3);
        for (int b = 0; b < 3; b++)
            for (int t = Lengths[b]; t < 6; t++)
                for (int k = 0; k < 3; k++) x[(b * 6 + t) * 3 + k] = padding * (1 + k + t);
        return x;
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]) / Math.Max(1, Math.Abs(expected[i]));
            Assert.True(error <= tolerance, $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void Each_row_of_a_tagger_batch_equals_the_row_run_alone_at_its_length()
    {
        var model = new LenTagger(3);
        var full = new LenTagger6();
        var two = new LenTagger2();
        model.Parameters.CopyTo(full.Parameters);
        model.Parameters.CopyTo(two.Parameters);
        var x = Batch(1e6f);
        int[] targets = { 0, 1, 2, 3, 0, 1, /* row 1 */ 2, 3, 1, 1, 1, 1, /* row 2 */ 0, 0, 0, 0, 0, 0 };

        var y = new float[LenTagger.OutputLength];
        model.Predict(x, Lengths, y);
        float loss = model.ComputeGradients(x, Lengths, targets);

        // Row 0: length 6.
        var y0 = new float[LenTagger6.OutputLength];
        full.Predict(x.AsSpan(0, 18), y0);
        AssertClose(y0, y.AsSpan(0, 24), "row 0 output");
        float loss0 = full.ComputeGradients(x.AsSpan(0, 18), targets.AsSpan(0, 6));
        // Row 1: length 2.
        var y1 = new float[LenTagger2.OutputLength];
        two.Predict(x.AsSpan(18, 6), y1);
        AssertClose(y1, y.AsSpan(24, 8), "row 1 output");
        Assert.All(y.AsSpan(32, 16).ToArray(), v => Assert.Equal(0f, v)); // row 1's padding
        Assert.All(y.AsSpan(48, 24).ToArray(), v => Assert.Equal(0f, v)); // row 2: length 0
        float loss1 = two.ComputeGradients(x.AsSpan(18, 6), targets.AsSpan(6, 2));

        // The batch loss is the mean over its 8 valid targets: row 0's 6 and row 1's 2.
        Assert.Equal((6.0 * loss0 + 2.0 * loss1) / 8, loss, 5);
        var expected = new float[LenTagger.ParameterCount];
        for (int i = 0; i < expected.Length; i++) expected[i] = (6f * full.Gradients[i] + 2f * two.Gradients[i]) / 8f;
        AssertClose(expected, model.Gradients, "gradient");
    }

    [Fact]
    public void Each_row_of_a_classifier_batch_equals_the_row_run_alone_at_its_length()
    {
        var model = new LenClassifier(5);
        var full = new LenClassifier6();
        var two = new LenClassifier2();
        model.Parameters.CopyTo(full.Parameters);
        model.Parameters.CopyTo(two.Parameters);
        var x = Batch(-3e5f);
        float[] targets = { 1, 0, 0, 1, 1, 1 };

        var y = new float[LenClassifier.OutputLength];
        model.Predict(x, Lengths, y);
        float loss = model.ComputeGradients(x, Lengths, targets);

        var y0 = new float[2];
        full.Predict(x.AsSpan(0, 18), y0);
        AssertClose(y0, y.AsSpan(0, 2), "row 0 output");
        float loss0 = full.ComputeGradients(x.AsSpan(0, 18), targets.AsSpan(0, 2));
        var y1 = new float[2];
        two.Predict(x.AsSpan(18, 6), y1);
        AssertClose(y1, y.AsSpan(2, 2), "row 1 output");
        Assert.Equal(new float[2], y.AsSpan(4, 2).ToArray()); // length 0: zero output
        float loss1 = two.ComputeGradients(x.AsSpan(18, 6), targets.AsSpan(2, 2));

        Assert.Equal((loss0 + loss1) / 2, loss, 5);
        var expected = new float[LenClassifier.ParameterCount];
        for (int i = 0; i < expected.Length; i++) expected[i] = (full.Gradients[i] + two.Gradients[i]) / 2f;
        AssertClose(expected, model.Gradients, "gradient");
    }

    [Fact]
    public void Scrambling_the_padding_changes_nothing()
    {
        var a = new LenTagger(11);
        var b = new LenTagger(11);
        int[] targets = Enumerable.Range(0, LenTagger.TargetLength).Select(i => i % 4).ToArray();
        var ya = new float[LenTagger.OutputLength];
        var yb = new float[LenTagger.OutputLength];
        a.Predict(Batch(0f), Lengths, ya);
        b.Predict(Batch(float.NaN), Lengths, yb);
        Assert.Equal(ya, yb);
        float la = a.ComputeGradients(Batch(0f), Lengths, targets);
        var scrambledTargets = (int[])targets.Clone();
        scrambledTargets[10] = 3; scrambledTargets[15] = 0; // in row 1's padding
        float lb = b.ComputeGradients(Batch(float.PositiveInfinity), Lengths, scrambledTargets);
        Assert.Equal(la, lb);
        Assert.Equal(a.Gradients.ToArray(), b.Gradients.ToArray());
    }

    [Fact]
    public void Full_lengths_give_bit_for_bit_the_call_without_lengths()
    {
        var a = new LenTagger(5);
        var b = new LenTagger(5);
        var x = Batch(0.5f);
        int[] targets = Enumerable.Range(0, LenTagger.TargetLength).Select(i => (i * 3) % 4).ToArray();
        float la = a.ComputeGradients(x, new[] { 6, 6, 6 }, targets);
        float lb = b.ComputeGradients(x, targets);
        Assert.Equal(la, lb);
        Assert.Equal(a.Gradients.ToArray(), b.Gradients.ToArray());
    }

    [Fact]
    public void A_minus_100_target_is_ignored_by_cross_entropy()
    {
        var model = new LenTagger(2);
        var x = Batch(0f);
        int[] full = { 0, 1, 2, 3, 0, 1, 2, 3, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0 };
        var y = new float[LenTagger.OutputLength];
        model.Predict(x, Lengths, y);
        float all = model.ComputeLoss(x, Lengths, full);
        var ignored = (int[])full.Clone();
        ignored[3] = -100; // row 0, step 3
        float without = model.ComputeLoss(x, Lengths, ignored);
        double ce = -Math.Log(y[3 * 4 + 3]);
        Assert.Equal((8 * all - ce) / 7, without, 4);

        // Every target ignored: loss 0 and no gradient.
        var none = Enumerable.Repeat(-100, LenTagger.TargetLength).ToArray();
        Assert.Equal(0f, model.ComputeGradients(x, Lengths, none));
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Bad_lengths_throw_naming_the_row_and_change_nothing()
    {
        var model = new LenTagger(4);
        var x = Batch(0f);
        int[] targets = new int[LenTagger.TargetLength];
        model.ComputeGradients(x, targets);
        var parameters = model.Parameters.ToArray();
        var gradients = model.Gradients.ToArray();
        var adam = new Adam(0.01f);

        var count = Assert.Throws<ArgumentException>(() => model.Predict(x, new[] { 1, 2 }, new float[LenTagger.OutputLength]));
        Assert.Contains("3 lengths", count.Message, StringComparison.Ordinal);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => model.TrainStep(x, new[] { 6, 7, 0 }, targets, adam));
        Assert.Contains("Row 1 has length 7", range.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 6]", range.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeGradients(x, new[] { -1, 2, 3 }, targets));

        Assert.Equal(parameters, model.Parameters.ToArray());
        Assert.Equal(gradients, model.Gradients.ToArray());
        model.TrainStep(x, targets, adam); // the optimizer's state starts here: nothing was recorded before
        var again = new LenTagger(4);
        again.ComputeGradients(x, targets);
        again.TrainStep(x, targets, new Adam(0.01f));
        Assert.Equal(again.Parameters.ToArray(), model.Parameters.ToArray());
    }

    [Fact]
    public void The_lengths_overloads_allocate_nothing()
    {
        var model = new LenTagger(1);
        var x = Batch(0f);
        var y = new float[LenTagger.OutputLength];
        int[] targets = new int[LenTagger.TargetLength];
        int[] lengths = { 5, 3, 0 };
        var sgd = new Sgd(0.01f);
        Assert.Equal(0, AllocationTests.Measure(() => model.Predict(x, lengths, y)));
        Assert.Equal(0, AllocationTests.Measure(() => model.ComputeGradients(x, lengths, targets)));
        Assert.Equal(0, AllocationTests.Measure(() => model.TrainStep(x, lengths, targets, sgd)));
    }
}
