using System;

namespace RnnGen;

/// <summary>
/// Marks a <c>partial class</c> as an RnnGen model. The layer attributes on the same class
/// (<see cref="EmbeddingAttribute"/>, <see cref="SimpleRnnAttribute"/>, <see cref="GruAttribute"/>,
/// <see cref="LstmAttribute"/>, <see cref="DenseAttribute"/>) run in declaration order; the
/// generator compiles them into a forward pass specialized to the sizes given here.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RnnModelAttribute : Attribute
{
    /// <summary>Features per step X (float inputs). Omit when the first layer is an <see cref="EmbeddingAttribute"/>.</summary>
    public int InputSize { get; set; }

    /// <summary>Sequence length T, fixed at compile time. Required.</summary>
    public int Steps { get; set; }

    /// <summary>How inputs map to outputs. Default <see cref="SequenceMode.ManyToMany"/>.</summary>
    public SequenceMode Mode { get; set; } = SequenceMode.ManyToMany;

    /// <summary>Decoder length, <see cref="SequenceMode.EncoderDecoder"/> only.</summary>
    public int OutputSteps { get; set; }

    /// <summary>The fixed batch size B the code is specialized for. Default 1.</summary>
    public int BatchSize { get; set; } = 1;

    /// <summary>The training loss. Default <see cref="LossKind.Auto"/>.</summary>
    public LossKind Loss { get; set; } = LossKind.Auto;
}
