using System;

namespace RnnGen;

/// <summary>Properties shared by every recurrent layer attribute.</summary>
public abstract class RecurrentLayerAttribute : Attribute
{
    /// <summary>Creates the layer with <paramref name="hiddenSize"/> units per direction.</summary>
    protected RecurrentLayerAttribute(int hiddenSize) => HiddenSize = hiddenSize;

    /// <summary>Units per direction H.</summary>
    public int HiddenSize { get; }

    /// <summary>The layer's name: the prefix of its tensor names (<c>lstm.weight_ih_l0</c>). Default <c>layerN</c>, N its position.</summary>
    public string? Name { get; set; }

    /// <summary>Stacked layers, like PyTorch's <c>num_layers</c>. Default 1.</summary>
    public int Layers { get; set; } = 1;

    /// <summary>Runs a second direction backwards over the sequence; the output is concat(forward, backward), 2H wide.</summary>
    public bool Bidirectional { get; set; }

    /// <summary>The <c>Name</c> of the layer this one reads. Default: the previous layer.</summary>
    public string? From { get; set; }

    /// <summary>Dropout on the output of every stacked layer but the last, training only (PyTorch's <c>dropout</c>). In [0, 1).</summary>
    public float Dropout { get; set; }

    /// <summary><see cref="SequenceMode.EncoderDecoder"/> only: this layer starts the decoder.</summary>
    public bool Decoder { get; set; }
}

/// <summary>An Elman RNN, PyTorch <c>nn.RNN</c>: h' = act(W_ih x + b_ih + W_hh h + b_hh).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SimpleRnnAttribute : RecurrentLayerAttribute
{
    /// <summary>Creates the layer with <paramref name="hiddenSize"/> units per direction.</summary>
    public SimpleRnnAttribute(int hiddenSize) : base(hiddenSize) { }

    /// <summary><see cref="RnnGen.Activation.Tanh"/> (default) or <see cref="RnnGen.Activation.Relu"/>.</summary>
    public Activation Activation { get; set; } = Activation.Tanh;
}

/// <summary>A gated recurrent unit, PyTorch <c>nn.GRU</c> (gates r, z, n).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GruAttribute : RecurrentLayerAttribute
{
    /// <summary>Creates the layer with <paramref name="hiddenSize"/> units per direction.</summary>
    public GruAttribute(int hiddenSize) : base(hiddenSize) { }

    /// <summary>Where the reset gate applies. Default <see cref="GruVariant.ResetAfter"/> (PyTorch).</summary>
    public GruVariant Variant { get; set; } = GruVariant.ResetAfter;
}

/// <summary>A long short-term memory layer, PyTorch <c>nn.LSTM</c> (gates i, f, g, o).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LstmAttribute : RecurrentLayerAttribute
{
    /// <summary>Creates the layer with <paramref name="hiddenSize"/> units per direction.</summary>
    public LstmAttribute(int hiddenSize) : base(hiddenSize) { }
}

/// <summary>A fully connected layer, PyTorch <c>nn.Linear</c> followed by an activation.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Creates the layer with <paramref name="size"/> outputs.</summary>
    public DenseAttribute(int size) => Size = size;

    /// <summary>Output features.</summary>
    public int Size { get; }

    /// <summary>The layer's name: the prefix of its tensor names (<c>fc.weight</c>). Default <c>layerN</c>.</summary>
    public string? Name { get; set; }

    /// <summary>The <c>Name</c> of the layer this one reads. Default: the previous layer.</summary>
    public string? From { get; set; }

    /// <summary>The activation after the affine map. Default <see cref="RnnGen.Activation.Identity"/>.</summary>
    public Activation Activation { get; set; } = Activation.Identity;
}

/// <summary>A token embedding, PyTorch <c>nn.Embedding</c>: first layer only; the model's inputs become token ids.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class EmbeddingAttribute : Attribute
{
    /// <summary>Creates an embedding of <paramref name="vocabularySize"/> tokens into <paramref name="dimension"/> features.</summary>
    public EmbeddingAttribute(int vocabularySize, int dimension)
    {
        VocabularySize = vocabularySize;
        Dimension = dimension;
    }

    /// <summary>Number of token ids, 0 … V-1.</summary>
    public int VocabularySize { get; }

    /// <summary>Features per token.</summary>
    public int Dimension { get; }

    /// <summary>The layer's name: the prefix of its tensor names (<c>emb.weight</c>). Default <c>layerN</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Must be empty: an embedding reads the model's input.</summary>
    public string? From { get; set; }
}
