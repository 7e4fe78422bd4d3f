using System;
using System.Collections.Generic;
using RnnGen.Generators.Tests.Reference;

namespace RnnGen.Generators.Tests.Numerics;

/// <summary>
/// Draws random model configurations that are valid by construction. The model at index
/// <c>i</c> cycles its first recurrent cell, its mode and its head through every combination
/// (5 cells × 2 modes × 6 heads), so any 60 consecutive indices cover them all; the rest
/// (stack, sizes, batch, steps, embedding, per-step Dense, <c>From</c>) is drawn from the seed.
/// </summary>
public static class RandomModelConfigs
{
    private static readonly (CellKind Cell, Activation Activation, GruVariant Variant)[] Cells =
    {
        (CellKind.SimpleRnn, Activation.Tanh, GruVariant.ResetAfter),
        (CellKind.SimpleRnn, Activation.Relu, GruVariant.ResetAfter),
        (CellKind.Gru, Activation.Tanh, GruVariant.ResetAfter),
        (CellKind.Gru, Activation.Tanh, GruVariant.ResetBefore),
        (CellKind.Lstm, Activation.Tanh, GruVariant.ResetAfter),
    };

    private static readonly Activation?[] Heads =
    {
        null, Activation.Identity, Activation.Softmax, Activation.Sigmoid, Activation.Tanh, Activation.Relu,
    };

    private static readonly Activation[] DenseActivations =
    {
        Activation.Identity, Activation.Softmax, Activation.Sigmoid, Activation.Tanh, Activation.Relu,
    };

    /// <summary>The configuration at <paramref name="index"/> of the sweep drawn from <paramref name="seed"/>.</summary>
    public static ModelConfig Create(int seed, int index)
    {
        var random = new Random(unchecked((seed * 7919) + index));
        var first = Cells[index % Cells.Length];
        var mode = (index / Cells.Length) % 2 == 0 ? SequenceMode.ManyToMany : SequenceMode.ManyToOne;
        var head = Heads[(index / (Cells.Length * 2)) % Heads.Length];

        int batch = random.Next(1, 6);
        int steps = random.Next(1, 13);
        bool embedding = random.NextDouble() < 0.3;
        int recurrentCount = Pick(random, (1, 45), (2, 35), (3, 20));

        var layers = new List<LayerConfig>();
        int? inputSize = null;
        if (embedding)
        {
            layers.Add(new EmbeddingLayerConfig("emb", random.Next(2, 41), Size(random)));
        }
        else
        {
            inputSize = Size(random);
        }

        for (int j = 0; j < recurrentCount; j++)
        {
            if (j > 0 && random.NextDouble() < 0.25)
            {
                layers.Add(new DenseLayerConfig("mid" + j, Size(random), DenseActivations[random.Next(DenseActivations.Length)], FromFor(random, layers, mode)));
            }

            var cell = j == 0 ? first : Cells[random.Next(Cells.Length)];
            string name = cell.Cell switch { CellKind.Lstm => "lstm", CellKind.Gru => "gru", _ => "rnn" } + j;
            layers.Add(new RecurrentLayerConfig(
                name,
                cell.Cell,
                Size(random),
                Layers: Pick(random, (1, 50), (2, 30), (3, 20)),
                Bidirectional: random.NextDouble() < 0.4,
                Activation: cell.Activation,
                Variant: cell.Variant,
                From: FromFor(random, layers, mode)));
        }

        if (head is Activation activation)
        {
            if (random.NextDouble() < 0.15)
            {
                layers.Add(new DenseLayerConfig("hidden", Size(random), DenseActivations[random.Next(DenseActivations.Length)], ExplicitPrevious(random, layers)));
            }

            layers.Add(new DenseLayerConfig("fc", Size(random), activation, ExplicitPrevious(random, layers)));
        }

        var config = new ModelConfig(inputSize, steps, batch, mode, layers);
        config.Validate();
        return config;
    }

    private static readonly Activation?[] GeneratingHeads =
    {
        Activation.Softmax, Activation.Identity, Activation.Sigmoid, Activation.Tanh, null,
    };

    /// <summary>
    /// A random OneToMany model: every cell first in turn, unidirectional (1–2 recurrent
    /// attributes, stacked or not, sometimes a Dense between them), the head cycling through
    /// softmax (the most likely class fed back), identity, sigmoid, tanh and none (the last
    /// recurrent layer's h fed back), as wide as the input (or the embedding's vocabulary).
    /// </summary>
    public static ModelConfig CreateOneToMany(int seed, int index)
    {
        var random = new Random(unchecked((seed * 7919) + index));
        var first = Cells[index % Cells.Length];
        var head = GeneratingHeads[(index / Cells.Length) % GeneratingHeads.Length];
        int batch = random.Next(1, 5);
        int steps = random.Next(1, 8);
        bool embedding = head == Activation.Softmax && random.NextDouble() < 0.4;
        int width = random.Next(2, 9);

        var layers = new List<LayerConfig>();
        int? inputSize = null;
        if (embedding) layers.Add(new EmbeddingLayerConfig("emb", width, random.Next(1, 7)));
        else inputSize = width;

        int recurrentCount = random.NextDouble() < 0.7 ? 1 : 2;
        for (int j = 0; j < recurrentCount; j++)
        {
            if (j > 0 && random.NextDouble() < 0.3)
            {
                layers.Add(new DenseLayerConfig("mid" + j, random.Next(1, 12), DenseActivations[random.Next(DenseActivations.Length)]));
            }

            var cell = j == 0 ? first : Cells[random.Next(Cells.Length)];
            bool last = j == recurrentCount - 1;
            int hidden = last && head is null ? width : random.Next(1, 16);
            string name = cell.Cell switch { CellKind.Lstm => "lstm", CellKind.Gru => "gru", _ => "rnn" } + j;
            layers.Add(new RecurrentLayerConfig(name, cell.Cell, hidden, Layers: random.NextDouble() < 0.3 ? 2 : 1,
                Activation: cell.Activation, Variant: cell.Variant));
        }

        if (head is Activation activation)
        {
            layers.Add(new DenseLayerConfig("fc", width, activation));
        }

        var config = new ModelConfig(inputSize, steps, batch, SequenceMode.OneToMany, layers);
        config.Validate();
        return config;
    }

    /// <summary>
    /// Mostly the default (null); sometimes the previous layer's name written out; in
    /// ManyToMany, now and then the layer before that, which leaves the previous layer's
    /// output unread (a dead branch that still owns parameters).
    /// </summary>
    private static string? FromFor(Random random, List<LayerConfig> earlier, SequenceMode mode)
    {
        if (earlier.Count == 0)
        {
            return null;
        }

        double roll = random.NextDouble();
        if (roll < 0.15)
        {
            return earlier[^1].Name;
        }

        if (roll < 0.2 && mode == SequenceMode.ManyToMany && earlier.Count >= 2)
        {
            return earlier[^2].Name;
        }

        return null;
    }

    private static string? ExplicitPrevious(Random random, List<LayerConfig> earlier) =>
        random.NextDouble() < 0.15 ? earlier[^1].Name : null;

    /// <summary>Mostly 1–40 (many not multiples of 4, 8 or 16); about one in eight 33–70.</summary>
    private static int Size(Random random) => random.NextDouble() < 0.125 ? random.Next(33, 71) : random.Next(1, 41);

    private static int Pick(Random random, params (int Value, int Weight)[] choices)
    {
        int total = 0;
        foreach (var c in choices)
        {
            total += c.Weight;
        }

        int roll = random.Next(total);
        foreach (var c in choices)
        {
            if (roll < c.Weight)
            {
                return c.Value;
            }

            roll -= c.Weight;
        }

        return choices[^1].Value;
    }
}
