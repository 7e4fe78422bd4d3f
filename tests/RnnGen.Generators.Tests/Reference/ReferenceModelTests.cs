using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace RnnGen.Generators.Tests.Reference;

/// <summary>
/// Tests of the oracle itself: tiny models whose outputs are worked out by hand below, the
/// direction and collapse rules, and batch independence.
/// </summary>
public sealed class ReferenceModelTests
{
    private const double Tolerance = 1e-12;

    private static double S(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static Func<string, float[]> Tensors(Dictionary<string, float[]> map) =>
        name => map.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException(name);

    private static void Near(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static ModelConfig Single(RecurrentLayerConfig layer, SequenceMode mode = SequenceMode.ManyToMany, int steps = 2) =>
        new(1, steps, 1, mode, new LayerConfig[] { layer });

    [Fact]
    public void SimpleRnnTanhByHand()
    {
        var config = Single(new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 1));
        var tensors = new Dictionary<string, float[]>
        {
            ["rnn.weight_ih_l0"] = new[] { 0.5f },
            ["rnn.weight_hh_l0"] = new[] { -0.75f },
            ["rnn.bias_ih_l0"] = new[] { 0.125f },
            ["rnn.bias_hh_l0"] = new[] { 0.25f },
        };
        var output = ReferenceModel.Predict(config, Tensors(tensors), new[] { 1f, -2f });

        double h0 = Math.Tanh((0.5 * 1) + 0.125 + 0.25);
        double h1 = Math.Tanh((0.5 * -2) + 0.125 + (-0.75 * h0) + 0.25);
        Near(new[] { h0, h1 }, output);
    }

    [Fact]
    public void SimpleRnnReluByHand()
    {
        var config = Single(new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 1, Activation: Activation.Relu), steps: 3);
        var tensors = new Dictionary<string, float[]>
        {
            ["rnn.weight_ih_l0"] = new[] { 1f },
            ["rnn.weight_hh_l0"] = new[] { -2f },
            ["rnn.bias_ih_l0"] = new[] { 0f },
            ["rnn.bias_hh_l0"] = new[] { 0.5f },
        };

        // h0 = relu(1 + 0.5) = 1.5; h1 = relu(1 - 3 + 0.5) = 0; h2 = relu(-1 - 0 + 0.5) = 0.
        var output = ReferenceModel.Predict(config, Tensors(tensors), new[] { 1f, 1f, -1f });
        Near(new[] { 1.5, 0.0, 0.0 }, output);
    }

    [Fact]
    public void LstmByHand()
    {
        var config = Single(new RecurrentLayerConfig("lstm", CellKind.Lstm, 1));
        var tensors = new Dictionary<string, float[]>
        {
            // Rows i, f, g, o.
            ["lstm.weight_ih_l0"] = new[] { 0.125f, 0.25f, 0.375f, 0.5f },
            ["lstm.weight_hh_l0"] = new[] { -0.5f, 0.625f, -0.75f, 0.875f },
            ["lstm.bias_ih_l0"] = new[] { 0.0625f, 0f, 0.03125f, -0.0625f },
            ["lstm.bias_hh_l0"] = new[] { 0.0625f, -0.125f, 0.25f, 0f },
        };
        var output = ReferenceModel.Predict(config, Tensors(tensors), new[] { 1.5f, -0.5f });

        // t = 0, h = c = 0.
        double i0 = S((0.125 * 1.5) + 0.0625 + 0.0625);
        double f0 = S((0.25 * 1.5) + 0 - 0.125);
        double g0 = Math.Tanh((0.375 * 1.5) + 0.03125 + 0.25);
        double o0 = S((0.5 * 1.5) - 0.0625 + 0);
        double c0 = (f0 * 0) + (i0 * g0);
        double h0 = o0 * Math.Tanh(c0);

        // t = 1.
        double i1 = S((0.125 * -0.5) + 0.0625 + (-0.5 * h0) + 0.0625);
        double f1 = S((0.25 * -0.5) + 0 + (0.625 * h0) - 0.125);
        double g1 = Math.Tanh((0.375 * -0.5) + 0.03125 + (-0.75 * h0) + 0.25);
        double o1 = S((0.5 * -0.5) - 0.0625 + (0.875 * h0) + 0);
        double c1 = (f1 * c0) + (i1 * g1);
        double h1 = o1 * Math.Tanh(c1);

        Near(new[] { h0, h1 }, output);
    }

    private static Dictionary<string, float[]> GruTensors() => new()
    {
        // Rows r, z, n.
        ["gru.weight_ih_l0"] = new[] { 0.25f, -0.375f, 0.5f },
        ["gru.weight_hh_l0"] = new[] { 0.625f, 0.75f, -0.875f },
        ["gru.bias_ih_l0"] = new[] { 0.125f, 0.25f, 0.3125f },
        ["gru.bias_hh_l0"] = new[] { -0.125f, 0.0625f, 0.375f },
    };

    [Fact]
    public void GruResetAfterByHand()
    {
        var config = Single(new RecurrentLayerConfig("gru", CellKind.Gru, 1));
        var output = ReferenceModel.Predict(config, Tensors(GruTensors()), new[] { 1f, 2f });

        double r0 = S(0.25 + 0.125 - 0.125);
        double z0 = S(-0.375 + 0.25 + 0.0625);
        double n0 = Math.Tanh(0.5 + 0.3125 + (r0 * (0 + 0.375)));
        double h0 = ((1 - z0) * n0) + (z0 * 0);

        double r1 = S((0.25 * 2) + 0.125 + (0.625 * h0) - 0.125);
        double z1 = S((-0.375 * 2) + 0.25 + (0.75 * h0) + 0.0625);
        double n1 = Math.Tanh((0.5 * 2) + 0.3125 + (r1 * ((-0.875 * h0) + 0.375)));
        double h1 = ((1 - z1) * n1) + (z1 * h0);

        Near(new[] { h0, h1 }, output);
    }

    [Fact]
    public void GruResetBeforeByHand()
    {
        var config = Single(new RecurrentLayerConfig("gru", CellKind.Gru, 1, Variant: GruVariant.ResetBefore));
        var output = ReferenceModel.Predict(config, Tensors(GruTensors()), new[] { 1f, 2f });

        // The reset gate multiplies h before W_hn, so b_hn is not scaled by r.
        double r0 = S(0.25 + 0.125 - 0.125);
        double z0 = S(-0.375 + 0.25 + 0.0625);
        double n0 = Math.Tanh(0.5 + 0.3125 + (-0.875 * (r0 * 0)) + 0.375);
        double h0 = (1 - z0) * n0;

        double r1 = S((0.25 * 2) + 0.125 + (0.625 * h0) - 0.125);
        double z1 = S((-0.375 * 2) + 0.25 + (0.75 * h0) + 0.0625);
        double n1 = Math.Tanh((0.5 * 2) + 0.3125 + (-0.875 * (r1 * h0)) + 0.375);
        double h1 = ((1 - z1) * n1) + (z1 * h0);

        Near(new[] { h0, h1 }, output);
    }

    [Fact]
    public void GruVariantsDiffer()
    {
        var after = ReferenceModel.Predict(Single(new RecurrentLayerConfig("gru", CellKind.Gru, 1)), Tensors(GruTensors()), new[] { 1f, 2f });
        var before = ReferenceModel.Predict(Single(new RecurrentLayerConfig("gru", CellKind.Gru, 1, Variant: GruVariant.ResetBefore)), Tensors(GruTensors()), new[] { 1f, 2f });
        Assert.True(Math.Abs(after[0] - before[0]) > 1e-3);
    }

    private static Dictionary<string, float[]> BidirectionalRelu() => new()
    {
        ["rnn.weight_ih_l0"] = new[] { 1f },
        ["rnn.weight_hh_l0"] = new[] { 0.5f },
        ["rnn.bias_ih_l0"] = new[] { 0f },
        ["rnn.bias_hh_l0"] = new[] { 0f },
        ["rnn.weight_ih_l0_reverse"] = new[] { 2f },
        ["rnn.weight_hh_l0_reverse"] = new[] { 0.25f },
        ["rnn.bias_ih_l0_reverse"] = new[] { 0f },
        ["rnn.bias_hh_l0_reverse"] = new[] { 0f },
    };

    [Fact]
    public void BidirectionalOutputConcatenatesForwardAndBackwardAtEachStep()
    {
        var config = Single(new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 1, Bidirectional: true, Activation: Activation.Relu), steps: 3);
        var output = ReferenceModel.Predict(config, Tensors(BidirectionalRelu()), new[] { 1f, 2f, 4f });

        // Forward: h0 = 1, h1 = 2 + 0.5 = 2.5, h2 = 4 + 1.25 = 5.25.
        // Backward (t = 2, 1, 0): h2 = 8, h1 = 4 + 2 = 6, h0 = 2 + 1.5 = 3.5.
        Near(new[] { 1, 3.5, 2.5, 6, 5.25, 8 }, output);
    }

    [Fact]
    public void BidirectionalManyToOneReadsForwardLastAndBackwardFirst()
    {
        var config = Single(new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 1, Bidirectional: true, Activation: Activation.Relu), SequenceMode.ManyToOne, steps: 3);
        var output = ReferenceModel.Predict(config, Tensors(BidirectionalRelu()), new[] { 1f, 2f, 4f });
        Near(new[] { 5.25, 3.5 }, output);
    }

    [Fact]
    public void StackedLayerReadsTheLayerBelow()
    {
        var tensors = new Dictionary<string, float[]>
        {
            ["rnn.weight_ih_l0"] = new[] { 1f },
            ["rnn.weight_hh_l0"] = new[] { 1f },
            ["rnn.bias_ih_l0"] = new[] { 0f },
            ["rnn.bias_hh_l0"] = new[] { 0f },
            ["rnn.weight_ih_l1"] = new[] { 2f },
            ["rnn.weight_hh_l1"] = new[] { 0f },
            ["rnn.bias_ih_l1"] = new[] { 0f },
            ["rnn.bias_hh_l1"] = new[] { 1f },
        };
        var layer = new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 1, Layers: 2, Activation: Activation.Relu);

        // Layer 0: 1, 3. Layer 1: 2·1 + 1 = 3, 2·3 + 1 = 7.
        Near(new[] { 3.0, 7.0 }, ReferenceModel.Predict(Single(layer), Tensors(tensors), new[] { 1f, 2f }));
        Near(new[] { 7.0 }, ReferenceModel.Predict(Single(layer, SequenceMode.ManyToOne), Tensors(tensors), new[] { 1f, 2f }));
    }

    [Fact]
    public void ManyToOneRunsEarlierDenseLayersPerStepAndLaterOnesOnce()
    {
        var config = new ModelConfig(1, 2, 1, SequenceMode.ManyToOne, new LayerConfig[]
        {
            new DenseLayerConfig("pre", 1, Activation.Relu),
            new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 1, Activation: Activation.Relu),
            new DenseLayerConfig("head", 2),
        });
        var tensors = new Dictionary<string, float[]>
        {
            ["pre.weight"] = new[] { -1f },
            ["pre.bias"] = new[] { 0f },
            ["rnn.weight_ih_l0"] = new[] { 1f },
            ["rnn.weight_hh_l0"] = new[] { 1f },
            ["rnn.bias_ih_l0"] = new[] { 0f },
            ["rnn.bias_hh_l0"] = new[] { 0f },
            ["head.weight"] = new[] { 1f, -1f },
            ["head.bias"] = new[] { 0f, 10f },
        };

        // pre: relu(-x) = 1, 3; rnn: 1, 4; head on the final state 4: [4, -4 + 10].
        Near(new[] { 4.0, 6.0 }, ReferenceModel.Predict(config, Tensors(tensors), new[] { -1f, -3f }));
        Assert.Equal(2, config.OutputLength);
    }

    [Fact]
    public void ManyToOneWithoutHeadOutputsTheFinalState()
    {
        var config = new ModelConfig(1, 3, 2, SequenceMode.ManyToOne, new LayerConfig[]
        {
            new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 1, Bidirectional: true, Activation: Activation.Relu),
        });

        // Two batch rows: the second is the first doubled, and ReLU with zero biases is linear there.
        var output = ReferenceModel.Predict(config, Tensors(BidirectionalRelu()), new[] { 1f, 2f, 4f, 2f, 4f, 8f });
        Near(new[] { 5.25, 3.5, 10.5, 7.0 }, output);
    }

    [Fact]
    public void EmbeddingLooksUpRowsAndFromSelectsTheSource()
    {
        var config = new ModelConfig(null, 2, 1, SequenceMode.ManyToMany, new LayerConfig[]
        {
            new EmbeddingLayerConfig("emb", 3, 2),
            new DenseLayerConfig("unused", 1),
            new DenseLayerConfig("out", 2, From: "emb"),
        });
        var tensors = new Dictionary<string, float[]>
        {
            ["emb.weight"] = new[] { 1f, 2f, 3f, 4f, 5f, 6f },
            ["unused.weight"] = new[] { 100f, 100f },
            ["unused.bias"] = new[] { 100f },
            ["out.weight"] = new[] { 1f, 0f, 0f, 1f },
            ["out.bias"] = new[] { 0f, 0.5f },
        };
        Near(new[] { 5.0, 6.5, 1.0, 2.5 }, ReferenceModel.Predict(config, Tensors(tensors), new[] { 2, 0 }));
    }

    [Fact]
    public void DenseActivations()
    {
        Near(new[] { 0.25, 0.75 }, ReferenceModel.Activate(Activation.Softmax, new[] { 0.0, Math.Log(3) }));
        Near(new[] { 0.25, 0.75 }, ReferenceModel.Activate(Activation.Softmax, new[] { 1000.0, 1000.0 + Math.Log(3) }));
        Near(new[] { 0.5, 1 / (1 + Math.Exp(-2)) }, ReferenceModel.Activate(Activation.Sigmoid, new[] { 0.0, 2.0 }));
        Near(new[] { 0.0, 2.0 }, ReferenceModel.Activate(Activation.Relu, new[] { -1.0, 2.0 }));
        Near(new[] { Math.Tanh(-1), Math.Tanh(2) }, ReferenceModel.Activate(Activation.Tanh, new[] { -1.0, 2.0 }));
        Near(new[] { -1.0, 2.0 }, ReferenceModel.Activate(Activation.Identity, new[] { -1.0, 2.0 }));
    }

    [Fact]
    public void DenseAppliesWeightRowsAsOutputs()
    {
        // W is [out, in] row-major: y_r = Σ_c W[r, c] x_c + b_r.
        var config = new ModelConfig(2, 1, 1, SequenceMode.ManyToMany, new LayerConfig[] { new DenseLayerConfig("fc", 3) });
        var tensors = new Dictionary<string, float[]>
        {
            ["fc.weight"] = new[] { 1f, 2f, 3f, 4f, 5f, 6f },
            ["fc.bias"] = new[] { 0.5f, 0f, -1f },
        };
        Near(new[] { 1 + 20 + 0.5, 3 + 40.0, 5 + 60 - 1.0 }, ReferenceModel.Predict(config, Tensors(tensors), new[] { 1f, 10f }));
    }

    [Fact]
    public void BatchRowsAreIndependent()
    {
        var random = new Random(7);
        var layers = new LayerConfig[]
        {
            new RecurrentLayerConfig("a", CellKind.Lstm, 3, Layers: 2, Bidirectional: true),
            new DenseLayerConfig("mid", 4, Activation.Tanh),
            new RecurrentLayerConfig("b", CellKind.Gru, 2, Variant: GruVariant.ResetBefore),
            new DenseLayerConfig("fc", 3, Activation.Softmax),
        };
        var wide = new ModelConfig(2, 4, 3, SequenceMode.ManyToMany, layers);
        var narrow = new ModelConfig(2, 4, 1, SequenceMode.ManyToMany, layers);
        var tensors = wide.ParameterTensors().ToDictionary(t => t.Name, t => Enumerable.Range(0, t.Length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
        var input = Enumerable.Range(0, wide.InputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var all = ReferenceModel.Predict(wide, Tensors(tensors), input);
        int per = narrow.OutputLength;
        for (int b = 0; b < 3; b++)
        {
            var row = ReferenceModel.Predict(narrow, Tensors(tensors), input.Skip(b * narrow.InputLength).Take(narrow.InputLength).ToArray());
            Near(row, all.Skip(b * per).Take(per).ToArray());
        }
    }

    [Fact]
    public void SinglePrecisionRoundsEveryValueButStaysClose()
    {
        var random = new Random(11);
        var config = new ModelConfig(3, 5, 2, SequenceMode.ManyToMany, new LayerConfig[]
        {
            new RecurrentLayerConfig("g", CellKind.Gru, 6, Variant: GruVariant.ResetBefore),
            new RecurrentLayerConfig("l", CellKind.Lstm, 5, Bidirectional: true),
            new DenseLayerConfig("fc", 4, Activation.Softmax),
        });
        var tensors = config.ParameterTensors().ToDictionary(t => t.Name, t => Enumerable.Range(0, t.Length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
        var input = Enumerable.Range(0, config.InputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var exact = ReferenceModel.Predict(config, Tensors(tensors), input);
        var single = ReferenceModel.Predict(config, Tensors(tensors), input, ReferencePrecision.Single);
        Assert.All(single, v => Assert.Equal(v, (double)(float)v));
        Assert.Contains(exact, v => v != (double)(float)v);
        for (int i = 0; i < exact.Length; i++)
        {
            Assert.True(Math.Abs(exact[i] - single[i]) < 1e-6, $"element {i}: {exact[i]:R} vs {single[i]:R}");
        }
    }

    [Fact]
    public void WrongTensorLengthIsRejectedByName()
    {
        var config = Single(new RecurrentLayerConfig("rnn", CellKind.SimpleRnn, 2));
        var tensors = config.ParameterTensors().ToDictionary(t => t.Name, t => new float[t.Length]);
        tensors["rnn.weight_hh_l0"] = new float[3];
        var error = Assert.Throws<ArgumentException>(() => ReferenceModel.Predict(config, Tensors(tensors), new float[2]));
        Assert.Contains("rnn.weight_hh_l0", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A head-only model: 2 steps × 2 features in, one Dense(2) per step; logits z = W x + b.</summary>
    private static (ModelConfig Config, Dictionary<string, float[]> Tensors, float[] Input, double[][] Logits) DenseOnly(Activation head, LossKind loss = LossKind.Auto)
    {
        var config = new ModelConfig(2, 2, 1, SequenceMode.ManyToMany, new LayerConfig[] { new DenseLayerConfig("fc", 2, head) }) { Loss = loss };
        var tensors = new Dictionary<string, float[]>
        {
            ["fc.weight"] = new[] { 0.5f, -1f, 1.5f, 0.25f },
            ["fc.bias"] = new[] { 0.125f, -0.5f },
        };
        var input = new[] { 1f, 2f, -1f, 0.5f };
        var logits = new[]
        {
            new[] { (0.5 * 1) + (-1 * 2) + 0.125, (1.5 * 1) + (0.25 * 2) - 0.5 },
            new[] { (0.5 * -1) + (-1 * 0.5) + 0.125, (1.5 * -1) + (0.25 * 0.5) - 0.5 },
        };
        return (config, tensors, input, logits);
    }

    [Fact]
    public void CrossEntropyIsTheMeanOfLogSumExpMinusTheTargetLogit()
    {
        var (config, tensors, input, z) = DenseOnly(Activation.Softmax);
        Assert.Equal(LossKind.CrossEntropy, config.EffectiveLoss);
        Assert.Equal(2, config.TargetLength);
        double expected = ((Math.Log(Math.Exp(z[0][0]) + Math.Exp(z[0][1])) - z[0][1]) + (Math.Log(Math.Exp(z[1][0]) + Math.Exp(z[1][1])) - z[1][0])) / 2;
        Assert.Equal(expected, ReferenceModel.Loss(config, Tensors(tensors), input, new[] { 1, 0 }), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceModel.Loss(config, Tensors(tensors), input, new[] { 1, 2 }));
        Assert.Throws<ArgumentException>(() => ReferenceModel.Loss(config, Tensors(tensors), input, new[] { 1f, 0f }));
    }

    [Fact]
    public void BinaryCrossEntropyIsTheMeanOverEveryElement()
    {
        var (config, tensors, input, z) = DenseOnly(Activation.Sigmoid);
        Assert.Equal(LossKind.BinaryCrossEntropy, config.EffectiveLoss);
        Assert.Equal(4, config.TargetLength);
        var t = new[] { 1f, 0f, 0.25f, 0.75f };
        double expected = 0;
        for (int i = 0; i < 4; i++)
        {
            double p = S(z[i / 2][i % 2]);
            expected -= (t[i] * Math.Log(p)) + ((1 - t[i]) * Math.Log(1 - p));
        }

        Assert.Equal(expected / 4, ReferenceModel.Loss(config, Tensors(tensors), input, t), 12);
    }

    [Fact]
    public void MeanSquaredErrorReadsTheActivatedOutput()
    {
        var t = new[] { 0.5f, -0.25f, 1f, 0f };
        foreach (var (head, loss) in new[] { (Activation.Identity, LossKind.Auto), (Activation.Tanh, LossKind.Auto), (Activation.Softmax, LossKind.MeanSquaredError), (Activation.Sigmoid, LossKind.MeanSquaredError) })
        {
            var (config, tensors, input, z) = DenseOnly(head, loss);
            Assert.Equal(LossKind.MeanSquaredError, config.EffectiveLoss);
            Assert.Equal(4, config.TargetLength);
            double expected = 0;
            for (int row = 0; row < 2; row++)
            {
                var y = ReferenceModel.Activate(head, z[row]);
                for (int j = 0; j < 2; j++)
                {
                    expected += (y[j] - t[(row * 2) + j]) * (y[j] - t[(row * 2) + j]);
                }
            }

            Assert.Equal(expected / 4, ReferenceModel.Loss(config, Tensors(tensors), input, t), 12);
        }
    }

    [Fact]
    public void ExplicitLossesNeedTheirHead()
    {
        Assert.Throws<InvalidOperationException>(() => DenseOnly(Activation.Sigmoid, LossKind.CrossEntropy).Config.Validate());
        Assert.Throws<InvalidOperationException>(() => DenseOnly(Activation.Softmax, LossKind.BinaryCrossEntropy).Config.Validate());
        var config = new ModelConfig(2, 3, 2, SequenceMode.ManyToOne, new LayerConfig[] { new RecurrentLayerConfig("r", CellKind.Gru, 2), new DenseLayerConfig("fc", 4, Activation.Softmax) });
        Assert.Equal(2, config.TargetLength);
        Assert.Contains("Loss = LossKind.MeanSquaredError", new ModelConfig(2, 3, 2, SequenceMode.ManyToOne, config.Layers) { Loss = LossKind.MeanSquaredError }.ToAttributeText(), StringComparison.Ordinal);
        Assert.Equal(LossKind.MeanSquaredError, AttributeTextParser.Parse("[RnnModel(InputSize = 2, Steps = 3, Loss = LossKind.MeanSquaredError)] [Gru(2)] [Dense(4, Activation = Activation.Softmax)]").Loss);
    }

    [Fact]
    public void FiniteDifferencesOfTheLossMatchAHandDerivative()
    {
        // d/db_j of mean-over-rows CE = mean over rows of (softmax(z)_j − onehot_j).
        var (config, tensors, input, z) = DenseOnly(Activation.Softmax);
        var values = tensors.ToDictionary(p => p.Key, p => Array.ConvertAll(p.Value, v => (double)v));
        var targets = new[] { 1, 0 };
        for (int j = 0; j < 2; j++)
        {
            double expected = 0;
            for (int row = 0; row < 2; row++)
            {
                expected += (ReferenceModel.Activate(Activation.Softmax, z[row])[j] - (targets[row] == j ? 1 : 0)) / 2;
            }

            var difference = FiniteDifferences.Of(config, n => values[n], input, targets, values["fc.bias"], j);
            Assert.False(difference.Skipped);
            Assert.Equal(expected, difference.Value, 8);
            Assert.Equal(tensors["fc.bias"][j], values["fc.bias"][j]);
        }
    }
}
