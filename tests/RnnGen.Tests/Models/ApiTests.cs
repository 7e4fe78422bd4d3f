using System;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.Models;

/// <summary>The generated members' contract: constants, initialization, tensor access, argument checks.</summary>
public sealed class ApiTests
{
    [Fact]
    public void Constants_describe_the_model()
    {
        Assert.Equal(65, CharRnn.InputSize);
        Assert.Equal(100, CharRnn.Steps);
        Assert.Equal(65, CharRnn.OutputSize);
        Assert.Equal(1, CharRnn.BatchSize);
        // LSTM 4·128·(65 + 128) + 2·4·128, Linear 65·128 + 65
        Assert.Equal(4 * 128 * (65 + 128) + 2 * 4 * 128 + 65 * 128 + 65, CharRnn.ParameterCount);
        Assert.Equal(new[] { "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "fc.weight", "fc.bias" }, CharRnn.ParameterNames);
        Assert.Equal(new[] { 512, 65 }, CharRnn.ParameterShape("lstm.weight_ih_l0"));
        Assert.Equal(3 * 6 * 4, BiGruClassifier.InputLength);
        Assert.Equal(3 * 3, BiGruClassifier.OutputLength);
        Assert.Equal(11, TokenRnn.VocabularySize);
    }

    [Fact]
    public void ParameterNames_cannot_be_changed_by_a_caller()
    {
        var names = CharRnn.ParameterNames;
        Assert.False(names is string[], "the names must not be exposed as a mutable array");
        Assert.Throws<NotSupportedException>(() => ((System.Collections.Generic.IList<string>)names)[0] = "x");
        Assert.Equal("lstm.weight_ih_l0", CharRnn.ParameterNames[0]);
    }

    [Fact]
    public void Stacked_bidirectional_names_follow_PyTorch()
    {
        var names = BiGruClassifier.ParameterNames;
        Assert.Equal("gru.weight_ih_l0", names[0]);
        Assert.Contains("gru.weight_ih_l0_reverse", names);
        Assert.Contains("gru.bias_hh_l1_reverse", names);
        var model = new BiGruClassifier();
        Assert.Equal(3 * 5 * 4, model.Parameter("gru.weight_ih_l0").Length);
        Assert.Equal(3 * 5 * 10, model.Parameter("gru.weight_ih_l1").Length); // layer 1 reads 2H
    }

    [Fact]
    public void Initialization_is_deterministic_and_seeded()
    {
        var a = new CharRnn();
        var b = new CharRnn();
        var c = new CharRnn(7);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Assert.False(a.Parameters.SequenceEqual(c.Parameters));
        Assert.True(new CharRnn(CharRnn.DefaultSeed).Parameters.SequenceEqual(a.Parameters));
    }

    [Fact]
    public void Initialization_follows_PyTorch_bounds()
    {
        var model = new CharRnn();
        float lstmBound = 1f / MathF.Sqrt(128);
        float fcBound = 1f / MathF.Sqrt(128);
        foreach (var name in new[] { "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0" })
        {
            var t = model.Parameter(name).ToArray();
            Assert.All(t, v => Assert.InRange(v, -lstmBound, lstmBound));
            Assert.True(t.Max() > 0.9f * lstmBound && t.Min() < -0.9f * lstmBound, name + " should fill its range");
        }
        Assert.All(model.Parameter("fc.weight").ToArray(), v => Assert.InRange(v, -fcBound, fcBound));
        var emb = new TokenRnn().Parameter("emb.weight").ToArray();
        Assert.True(emb.Any(v => Math.Abs(v) > 1f), "embedding weights are N(0, 1)");
    }

    [Fact]
    public void Unknown_tensor_name_lists_the_valid_ones()
    {
        var model = new CharRnn();
        var e = Assert.Throws<ArgumentException>(() => model.Parameter("lstm.weight"));
        Assert.Contains("lstm.weight_ih_l0", e.Message);
        Assert.Contains("fc.bias", e.Message);
        Assert.Throws<ArgumentException>(() => model.Gradient("nope"));
    }

    [Fact]
    public void Wrong_span_lengths_throw_with_expected_and_actual()
    {
        var model = new CharRnn();
        var e = Assert.Throws<ArgumentException>(() => model.Predict(new float[10], new float[CharRnn.OutputLength]));
        Assert.Contains("6500", e.Message);
        Assert.Contains("10", e.Message);
        Assert.Equal("input", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => model.Predict(new float[CharRnn.InputLength], new float[3]));
        Assert.Equal("output", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => model.Step(new float[64], new float[65]));
        Assert.Contains("65", e.Message);
    }

    [Fact]
    public void Out_of_range_token_ids_throw()
    {
        var model = new TokenRnn();
        var ids = new int[TokenRnn.InputLength];
        ids[3] = 11;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(ids, new float[TokenRnn.OutputLength]));
        Assert.Contains("index 3", e.Message);
        ids[3] = -1;
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(ids, new float[TokenRnn.OutputLength]));
    }

    [Fact]
    public void Writes_through_Parameters_are_seen_by_the_next_call()
    {
        var model = new CharRnn();
        var x = new float[CharRnn.InputLength];
        var before = new float[CharRnn.OutputLength];
        var after = new float[CharRnn.OutputLength];
        model.Predict(x, before);
        model.Parameter("fc.bias")[0] += 5f;
        model.Predict(x, after);
        Assert.True(after[0] > before[0] + 0.1f);
    }

    [Fact]
    public void Softmax_head_outputs_probabilities()
    {
        var model = new CharRnn();
        var x = new float[CharRnn.InputLength];
        for (int t = 0; t < CharRnn.Steps; t++) x[t * CharRnn.InputSize + (t * 7) % 65] = 1f;
        var y = new float[CharRnn.OutputLength];
        model.Predict(x, y);
        for (int t = 0; t < CharRnn.Steps; t++)
        {
            var row = y.AsSpan(t * 65, 65).ToArray();
            Assert.InRange(row.Sum(), 0.99999f, 1.00001f);
            Assert.All(row, p => Assert.InRange(p, 0f, 1f));
        }
    }
}
