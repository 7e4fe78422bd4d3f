using System;
using System.Collections.Generic;
using RnnGen.Generators.Tests.Reference;

namespace RnnGen.Generators.Tests.Numerics;

/// <summary>The head of a gradient-sweep model and the loss it trains with.</summary>
public enum SweepHead
{
    /// <summary>No head: the last recurrent layer's output, mean squared error.</summary>
    None,
    /// <summary>Dense, no activation: mean squared error.</summary>
    Identity,
    /// <summary>Dense Softmax: cross-entropy (Auto, or now and then written out).</summary>
    Softmax,
    /// <summary>Dense Sigmoid: binary cross-entropy (Auto, or now and then written out).</summary>
    Sigmoid,
    /// <summary>Dense Tanh: mean squared error.</summary>
    Tanh,
    /// <summary>Dense Relu: mean squared error.</summary>
    Relu,
    /// <summary>Dense Softmax with <c>Loss = LossKind.MeanSquaredError</c>: the error goes back through the softmax.</summary>
    SoftmaxMse,
    /// <summary>Dense Sigmoid with <c>Loss = LossKind.MeanSquaredError</c>: the error goes back through the sigmoid.</summary>
    SigmoidMse,
}

/// <summary>
/// Small random models for the gradient check (sizes 1–9, T 1–6, B 1–3), valid by construction.
/// Model <c>i</c> takes its first recurrent cell from <c>i mod 5</c>, its mode from <c>i / 5</c>,
/// Bidirectional from <c>i / 10</c> and Layers (1 or 2) from <c>i / 20</c>, so every 40
/// consecutive indices hold every combination of those; the head shifts by one every 40 indices,
/// so 120 models give each combination three different heads. Every third model reads token ids
/// through an embedding. Batch, steps, sizes and a second recurrent attribute (with or without a
/// per-step Dense before it) are drawn from the seed.
/// </summary>
public static class GradientSweepConfigs
{
    /// <summary>The five cells: SimpleRnn tanh and relu, GRU ResetAfter and ResetBefore, LSTM.</summary>
    public static IReadOnlyList<(CellKind Cell, Activation Activation, GruVariant Variant)> Cells { get; } = new[]
    {
        (CellKind.SimpleRnn, Activation.Tanh, GruVariant.ResetAfter),
        (CellKind.SimpleRnn, Activation.Relu, GruVariant.ResetAfter),
        (CellKind.Gru, Activation.Tanh, GruVariant.ResetAfter),
        (CellKind.Gru, Activation.Tanh, GruVariant.ResetBefore),
        (CellKind.Lstm, Activation.Tanh, GruVariant.ResetAfter),
    };

    private static readonly Activation[] DenseActivations =
    {
        Activation.Identity, Activation.Softmax, Activation.Sigmoid, Activation.Tanh, Activation.Relu,
    };

    /// <summary>The head of model <paramref name="index"/>.</summary>
    public static SweepHead HeadOf(int index) => (SweepHead)((index + (index / 40)) % 8);

    /// <summary>The short name of a cell, as reports use it: rnn-tanh, rnn-relu, gru-after, gru-before, lstm.</summary>
    public static string CellName(RecurrentLayerConfig layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return layer.Cell switch
        {
            CellKind.SimpleRnn => layer.Activation == Activation.Relu ? "rnn-relu" : "rnn-tanh",
            CellKind.Gru => layer.Variant == GruVariant.ResetBefore ? "gru-before" : "gru-after",
            _ => "lstm",
        };
    }

    /// <summary>
    /// The most finite-difference work a model may take, in parameter-and-input elements times
    /// multiply-adds per forward pass (≈ elements² · B · T): draws beyond it are drawn again, which
    /// keeps the sweep's sizes 1–9 but leaves out the few largest combinations of them.
    /// </summary>
    public const double MaxWork = 4e6;

    /// <summary>The configuration at <paramref name="index"/> of the sweep drawn from <paramref name="seed"/>.</summary>
    public static ModelConfig Create(int seed, int index)
    {
        var random = new Random(unchecked((seed * 104729) + index));
        while (true)
        {
            var config = Draw(random, index);
            if (Work(config) <= MaxWork)
            {
                return config;
            }
        }
    }

    /// <summary>The finite-difference work of a model (see <see cref="MaxWork"/>).</summary>
    public static double Work(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        double elements = config.ParameterCount + (config.UsesEmbedding ? 0 : config.InputLength);
        return elements * config.ParameterCount * config.BatchSize * config.Steps;
    }

    private static ModelConfig Draw(Random random, int index)
    {
        var first = Cells[index % Cells.Count];
        var mode = (index / 5) % 2 == 0 ? SequenceMode.ManyToMany : SequenceMode.ManyToOne;
        bool bidirectional = (index / 10) % 2 == 1;
        int stacked = ((index / 20) % 2) + 1;
        var head = HeadOf(index);

        int batch = random.Next(1, 4);
        int steps = random.Next(1, 7);
        bool embedding = index % 3 == 0;

        var layers = new List<LayerConfig>();
        int? inputSize = null;
        if (embedding)
        {
            layers.Add(new EmbeddingLayerConfig("emb", random.Next(2, 10), Size(random)));
        }
        else
        {
            inputSize = Size(random);
        }

        layers.Add(Recurrent("r0", first, Size(random), stacked, bidirectional));
        if (random.NextDouble() < 0.4)
        {
            if (random.NextDouble() < 0.5)
            {
                layers.Add(new DenseLayerConfig("mid", Size(random), DenseActivations[random.Next(DenseActivations.Length)]));
            }

            layers.Add(Recurrent("r1", Cells[random.Next(Cells.Count)], Size(random), 1, random.NextDouble() < 0.4));
        }

        var loss = LossKind.Auto;
        Activation? activation = head switch
        {
            SweepHead.None => null,
            SweepHead.Identity => Activation.Identity,
            SweepHead.Softmax or SweepHead.SoftmaxMse => Activation.Softmax,
            SweepHead.Sigmoid or SweepHead.SigmoidMse => Activation.Sigmoid,
            SweepHead.Tanh => Activation.Tanh,
            _ => Activation.Relu,
        };
        switch (head)
        {
            case SweepHead.SoftmaxMse or SweepHead.SigmoidMse:
                loss = LossKind.MeanSquaredError;
                break;
            case SweepHead.Softmax when random.NextDouble() < 0.25:
                loss = LossKind.CrossEntropy;
                break;
            case SweepHead.Sigmoid when random.NextDouble() < 0.25:
                loss = LossKind.BinaryCrossEntropy;
                break;
        }

        if (activation is Activation a)
        {
            // A softmax over one class is constant: give it at least two.
            int size = a == Activation.Softmax ? random.Next(2, 10) : Size(random);
            layers.Add(new DenseLayerConfig("fc", size, a));
        }

        var config = new ModelConfig(inputSize, steps, batch, mode, layers) { Loss = loss };
        config.Validate();
        return config;
    }

    private static RecurrentLayerConfig Recurrent(string name, (CellKind Cell, Activation Activation, GruVariant Variant) cell, int hidden, int layers, bool bidirectional) =>
        new(name, cell.Cell, hidden, Layers: layers, Bidirectional: bidirectional, Activation: cell.Activation, Variant: cell.Variant);

    private static int Size(Random random) => random.Next(1, 10);
}
