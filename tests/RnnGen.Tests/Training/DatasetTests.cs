using System;
using System.Linq;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Training;

/// <summary>The in-memory dataset: shapes, copies, subsets and the seeded split.</summary>
public sealed class DatasetTests
{
    [Fact]
    public void ForModel_sizes_examples_per_sequence()
    {
        var model = new SumSignClassifier();
        var data = SequenceDataset.ForModel(model, SumSignClassifier.BatchSize);
        Assert.Equal(SumSignClassifier.Steps * SumSignClassifier.InputSize, data.InputLength);
        Assert.Equal(1, data.TargetLength);
        Assert.Equal(0, data.Count);

        var tokens = SequenceDataset.ForModel(new TokenTagger(), TokenTagger.BatchSize);
        Assert.Equal(TokenTagger.Steps, tokens.InputLength);
        Assert.Equal(TokenTagger.Steps, tokens.TargetLength);

        Assert.Throws<ArgumentException>(() => SequenceDataset.ForModel(model, 3));
    }

    [Fact]
    public void Add_copies_and_checks_lengths()
    {
        var data = new SequenceDataset<float, int>(3, 2);
        float[] x = { 1, 2, 3 };
        for (int i = 0; i < 40; i++)
        {
            x[0] = i;
            data.Add(x, new[] { i, -i });
        }

        x[0] = 99;
        Assert.Equal(40, data.Count);
        Assert.Equal(new float[] { 7, 2, 3 }, data.GetInput(7).ToArray());
        Assert.Equal(new[] { 7, -7 }, data.GetTarget(7).ToArray());
        Assert.Equal(120, data.Inputs.Length);
        Assert.Equal(80, data.Targets.Length);
        Assert.Throws<ArgumentException>(() => data.Add(new float[2], new int[2]));
        Assert.Throws<ArgumentException>(() => data.Add(new float[3], new int[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.GetInput(40));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceDataset<float, int>(0, 1));

        var flat = new SequenceDataset<float, int>(data.Inputs, data.Targets, 3, 2);
        Assert.Equal(40, flat.Count);
        Assert.Equal(data.ComputeFingerprint(), flat.ComputeFingerprint());
        Assert.Throws<ArgumentException>(() => new SequenceDataset<float, int>(new float[7], new int[4], 3, 2));
        Assert.Throws<ArgumentException>(() => new SequenceDataset<float, int>(new float[6], new int[6], 3, 2));

        var subset = data.Subset(new[] { 3, 1, 3 });
        Assert.Equal(3, subset.Count);
        Assert.Equal(3f, subset.GetInput(0)[0]);
        Assert.Equal(1f, subset.GetInput(1)[0]);
        Assert.NotEqual(data.ComputeFingerprint(), subset.ComputeFingerprint());
    }

    [Fact]
    public void Split_is_seeded_disjoint_and_complete()
    {
        var data = new SequenceDataset<float, int>(1, 1);
        for (int i = 0; i < 100; i++)
        {
            data.Add(new float[] { i }, new[] { i });
        }

        var (training, validation) = data.Split(0.2, seed: 4);
        var (training2, validation2) = data.Split(0.2, seed: 4);
        var (_, validation3) = data.Split(0.2, seed: 5);

        Assert.Equal(80, training.Count);
        Assert.Equal(20, validation.Count);
        int[] t = training.Targets.ToArray(), v = validation.Targets.ToArray();
        Assert.Equal(Enumerable.Range(0, 100), t.Concat(v).OrderBy(i => i));
        Assert.Equal(t.OrderBy(i => i), t); // original order kept
        Assert.Equal(v, validation2.Targets.ToArray());
        Assert.Equal(t, training2.Targets.ToArray());
        Assert.NotEqual(v, validation3.Targets.ToArray());

        Assert.Equal(1, data.Split(0.001, 1).Validation.Count); // at least one
        Assert.Equal(0, data.Split(0, 1).Validation.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(1, 1));
    }
}
