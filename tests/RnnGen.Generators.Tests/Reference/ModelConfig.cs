using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace RnnGen.Generators.Tests.Reference;

/// <summary>The recurrent cell of a <see cref="RecurrentLayerConfig"/>.</summary>
public enum CellKind
{
    /// <summary>Elman RNN, PyTorch <c>nn.RNN</c>.</summary>
    SimpleRnn,
    /// <summary>PyTorch <c>nn.GRU</c> (gates r, z, n).</summary>
    Gru,
    /// <summary>PyTorch <c>nn.LSTM</c> (gates i, f, g, o).</summary>
    Lstm,
}

/// <summary>One layer attribute of a test model.</summary>
/// <param name="Name">The layer's name: the prefix of its tensor names.</param>
/// <param name="From">The name of the layer it reads, or null for the previous layer.</param>
public abstract record LayerConfig(string Name, string? From);

/// <summary><c>[Embedding(V, D)]</c>: token ids to D features; first layer only.</summary>
public sealed record EmbeddingLayerConfig(string Name, int VocabularySize, int Dimension)
    : LayerConfig(Name, null);

/// <summary><c>[SimpleRnn(H)]</c>, <c>[Gru(H)]</c> or <c>[Lstm(H)]</c>.</summary>
public sealed record RecurrentLayerConfig(
    string Name,
    CellKind Cell,
    int Hidden,
    int Layers = 1,
    bool Bidirectional = false,
    Activation Activation = Activation.Tanh,
    GruVariant Variant = GruVariant.ResetAfter,
    string? From = null)
    : LayerConfig(Name, From)
{
    /// <summary>Gate blocks per cell: LSTM 4, GRU 3, RNN 1.</summary>
    public int Gates => Cell switch { CellKind.Lstm => 4, CellKind.Gru => 3, _ => 1 };

    /// <summary>1, or 2 when bidirectional.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Width of the layer's output: H, or 2H when bidirectional.</summary>
    public int OutputWidth => Hidden * Directions;
}

/// <summary><c>[Dense(Y)]</c>: y = act(W x + b).</summary>
public sealed record DenseLayerConfig(
    string Name,
    int Size,
    Activation Activation = Activation.Identity,
    string? From = null)
    : LayerConfig(Name, From);

/// <summary>A parameter tensor the model must expose: its state_dict key and PyTorch shape.</summary>
public sealed record TensorSpec(string Name, int[] Shape)
{
    /// <summary>Number of elements.</summary>
    public int Length => Shape.Aggregate(1, (a, b) => a * b);

    /// <inheritdoc />
    public override string ToString() => Name + " [" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// A test-side description of an RnnGen model: the values of its <c>[RnnModel]</c> attribute
/// and its layer attributes in declaration order. It renders the C# declaration and answers
/// shape questions (tensor names and shapes, input and output lengths) without the generator.
/// </summary>
public sealed class ModelConfig
{
    /// <summary>Creates a model description.</summary>
    public ModelConfig(int? inputSize, int steps, int batchSize, SequenceMode mode, IEnumerable<LayerConfig> layers)
    {
        InputSize = inputSize;
        Steps = steps;
        BatchSize = batchSize;
        Mode = mode;
        Layers = layers.ToArray();
    }

    /// <summary>Features per step X; null when the first layer is an embedding.</summary>
    public int? InputSize { get; }

    /// <summary>Sequence length T.</summary>
    public int Steps { get; }

    /// <summary>Batch size B.</summary>
    public int BatchSize { get; }

    /// <summary>How the input sequence maps to outputs.</summary>
    public SequenceMode Mode { get; }

    /// <summary>The layers in declaration order.</summary>
    public IReadOnlyList<LayerConfig> Layers { get; }

    /// <summary>The declared <c>Loss</c> (<see cref="LossKind.Auto"/> unless set).</summary>
    public LossKind Loss { get; init; } = LossKind.Auto;

    /// <summary>The activation of the head: the last layer's when it is a Dense, else null.</summary>
    public Activation? HeadActivation => Layers.Count > 0 && Layers[^1] is DenseLayerConfig d ? d.Activation : null;

    /// <summary>
    /// The loss training uses: <see cref="Loss"/>, or for <see cref="LossKind.Auto"/> cross-entropy
    /// after a Softmax head, binary cross-entropy after a Sigmoid head, mean squared error otherwise.
    /// </summary>
    public LossKind EffectiveLoss => Loss != LossKind.Auto
        ? Loss
        : HeadActivation switch
        {
            Activation.Softmax => LossKind.CrossEntropy,
            Activation.Sigmoid => LossKind.BinaryCrossEntropy,
            _ => LossKind.MeanSquaredError,
        };

    /// <summary>
    /// Elements of the training targets: one class id per output row for cross-entropy
    /// (B·T or B), otherwise one value per output element.
    /// </summary>
    public int TargetLength => EffectiveLoss == LossKind.CrossEntropy ? OutputLength / OutputSize : OutputLength;

    /// <summary>Whether the first layer is an embedding (the input is token ids).</summary>
    public bool UsesEmbedding => Layers.Count > 0 && Layers[0] is EmbeddingLayerConfig;

    /// <summary>Index of the last recurrent layer in declaration order, or -1.</summary>
    public int LastRecurrentIndex
    {
        get
        {
            for (int i = Layers.Count - 1; i >= 0; i--)
            {
                if (Layers[i] is RecurrentLayerConfig)
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>Index of the layer that layer <paramref name="index"/> reads, or -1 for the model input.</summary>
    public int SourceIndex(int index)
    {
        var layer = Layers[index];
        if (layer.From is null)
        {
            return index - 1;
        }

        for (int i = 0; i < index; i++)
        {
            if (Layers[i].Name == layer.From)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Layer '{layer.Name}' reads '{layer.From}', which is not an earlier layer.");
    }

    /// <summary>Output width of every layer, in declaration order.</summary>
    public int[] LayerWidths()
    {
        var widths = new int[Layers.Count];
        for (int i = 0; i < Layers.Count; i++)
        {
            widths[i] = Layers[i] switch
            {
                EmbeddingLayerConfig e => e.Dimension,
                RecurrentLayerConfig r => r.OutputWidth,
                DenseLayerConfig d => d.Size,
                _ => throw new NotSupportedException(Layers[i].GetType().Name),
            };
        }

        return widths;
    }

    /// <summary>Input width of every layer, in declaration order.</summary>
    public int[] LayerInputWidths()
    {
        var widths = LayerWidths();
        var inputs = new int[Layers.Count];
        for (int i = 0; i < Layers.Count; i++)
        {
            if (Layers[i] is EmbeddingLayerConfig)
            {
                inputs[i] = 0;
                continue;
            }

            int source = SourceIndex(i);
            inputs[i] = source < 0
                ? InputSize ?? throw new InvalidOperationException("A model without an embedding needs InputSize.")
                : widths[source];
        }

        return inputs;
    }

    /// <summary>The same layers as a ManyToMany model over <paramref name="steps"/> steps (a OneToMany model's teacher-forced or prefix runs).</summary>
    public ModelConfig AsSequence(int steps) => new(InputSize, steps, BatchSize, SequenceMode.ManyToMany, Layers) { Loss = Loss };

    /// <summary>Features per output element Y: the width of the last declared layer.</summary>
    public int OutputSize => LayerWidths()[^1];

    /// <summary>Elements of one input: B·T (token ids) or B·T·X; OneToMany: B (token ids) or B·X, one per sequence.</summary>
    public int InputLength => (Mode == SequenceMode.OneToMany ? BatchSize : BatchSize * Steps) * (UsesEmbedding ? 1 : InputSize ?? 0);

    /// <summary>Elements of one output: B·T·Y (ManyToMany) or B·Y (ManyToOne).</summary>
    public int OutputLength => Mode switch
    {
        SequenceMode.ManyToMany or SequenceMode.OneToMany => BatchSize * Steps * OutputSize,
        SequenceMode.ManyToOne => BatchSize * OutputSize,
        _ => throw new NotSupportedException($"Mode {Mode} is not modelled by the reference yet."),
    };

    /// <summary>
    /// Every parameter tensor the model has, by PyTorch <c>state_dict</c> key, in PyTorch's
    /// order (layers in declaration order; per stacked layer: forward then reverse; per
    /// direction: weight_ih, weight_hh, bias_ih, bias_hh).
    /// </summary>
    public IReadOnlyList<TensorSpec> ParameterTensors()
    {
        var inputs = LayerInputWidths();
        var list = new List<TensorSpec>();
        for (int i = 0; i < Layers.Count; i++)
        {
            switch (Layers[i])
            {
                case EmbeddingLayerConfig e:
                    list.Add(new TensorSpec(e.Name + ".weight", new[] { e.VocabularySize, e.Dimension }));
                    break;
                case RecurrentLayerConfig r:
                    for (int k = 0; k < r.Layers; k++)
                    {
                        int inWidth = k == 0 ? inputs[i] : r.OutputWidth;
                        for (int dir = 0; dir < r.Directions; dir++)
                        {
                            string suffix = "_l" + k.ToString(CultureInfo.InvariantCulture) + (dir == 1 ? "_reverse" : "");
                            int rows = r.Gates * r.Hidden;
                            list.Add(new TensorSpec(r.Name + ".weight_ih" + suffix, new[] { rows, inWidth }));
                            list.Add(new TensorSpec(r.Name + ".weight_hh" + suffix, new[] { rows, r.Hidden }));
                            list.Add(new TensorSpec(r.Name + ".bias_ih" + suffix, new[] { rows }));
                            list.Add(new TensorSpec(r.Name + ".bias_hh" + suffix, new[] { rows }));
                        }
                    }

                    break;
                case DenseLayerConfig d:
                    list.Add(new TensorSpec(d.Name + ".weight", new[] { d.Size, inputs[i] }));
                    list.Add(new TensorSpec(d.Name + ".bias", new[] { d.Size }));
                    break;
            }
        }

        return list;
    }

    /// <summary>Total number of parameters.</summary>
    public int ParameterCount => ParameterTensors().Sum(t => t.Length);

    /// <summary>
    /// Throws when the description is not a model the reference can run: unknown or later
    /// <c>From</c> names, an embedding that is not first, a missing InputSize, a ManyToOne model
    /// without a recurrent layer, or a layer after the collapsed one that reads a sequence.
    /// </summary>
    public void Validate()
    {
        if (Layers.Count == 0)
        {
            throw new InvalidOperationException("A model needs at least one layer.");
        }

        if (Steps < 1 || BatchSize < 1)
        {
            throw new InvalidOperationException("Steps and BatchSize must be positive.");
        }

        if (UsesEmbedding == (InputSize is not null))
        {
            throw new InvalidOperationException("Exactly one of InputSize and a first [Embedding] must be given.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Layers.Count; i++)
        {
            if (!names.Add(Layers[i].Name))
            {
                throw new InvalidOperationException($"Duplicate layer name '{Layers[i].Name}'.");
            }

            if (Layers[i] is EmbeddingLayerConfig && i != 0)
            {
                throw new InvalidOperationException("An embedding must be the first layer.");
            }

            _ = SourceIndex(i);
        }

        if (Mode == SequenceMode.ManyToOne)
        {
            int last = LastRecurrentIndex;
            if (last < 0)
            {
                throw new InvalidOperationException("ManyToOne needs a recurrent layer.");
            }

            for (int i = last + 1; i < Layers.Count; i++)
            {
                if (SourceIndex(i) < last)
                {
                    throw new InvalidOperationException(
                        $"Layer '{Layers[i].Name}' comes after the collapsed layer but reads a sequence.");
                }
            }
        }
        else if (Mode == SequenceMode.OneToMany)
        {
            int fedBack = UsesEmbedding ? ((EmbeddingLayerConfig)Layers[0]).VocabularySize : InputSize!.Value;
            if (OutputSize != fedBack)
            {
                throw new InvalidOperationException($"OneToMany feeds the output back: it must be {fedBack} wide, not {OutputSize}.");
            }

            if (Layers.OfType<RecurrentLayerConfig>().Any(r => r.Bidirectional))
            {
                throw new InvalidOperationException("OneToMany cannot have a bidirectional layer.");
            }
        }
        else if (Mode != SequenceMode.ManyToMany)
        {
            throw new NotSupportedException($"Mode {Mode} is not modelled by the reference yet.");
        }

        if (Loss == LossKind.CrossEntropy && HeadActivation != Activation.Softmax)
        {
            throw new InvalidOperationException("Loss = CrossEntropy needs a Dense Softmax head.");
        }

        if (Loss == LossKind.BinaryCrossEntropy && HeadActivation != Activation.Sigmoid)
        {
            throw new InvalidOperationException("Loss = BinaryCrossEntropy needs a Dense Sigmoid head.");
        }
    }

    /// <summary>The attribute lines, one per line, without the class declaration.</summary>
    public string ToAttributeText()
    {
        var sb = new StringBuilder();
        var model = new List<string>();
        if (InputSize is int x)
        {
            model.Add("InputSize = " + Int(x));
        }

        model.Add("Steps = " + Int(Steps));
        if (BatchSize != 1)
        {
            model.Add("BatchSize = " + Int(BatchSize));
        }

        if (Mode != SequenceMode.ManyToMany)
        {
            model.Add("Mode = SequenceMode." + Mode);
        }

        if (Loss != LossKind.Auto)
        {
            model.Add("Loss = LossKind." + Loss);
        }

        sb.Append("[RnnModel(").Append(string.Join(", ", model)).Append(")]\n");
        foreach (var layer in Layers)
        {
            sb.Append(RenderLayer(layer)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The full C# declaration of the model as a <c>partial class</c>.</summary>
    public string ToCSharp(string className, string? @namespace)
    {
        var sb = new StringBuilder();
        sb.Append("using RnnGen;\n\n");
        if (@namespace is not null)
        {
            sb.Append("namespace ").Append(@namespace).Append(";\n\n");
        }

        sb.Append(ToAttributeText());
        sb.Append("public partial class ").Append(className).Append(" { }\n");
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToAttributeText().TrimEnd('\n').Replace("\n", " ", StringComparison.Ordinal);

    private static string RenderLayer(LayerConfig layer)
    {
        var args = new List<string>();
        string attribute;
        switch (layer)
        {
            case EmbeddingLayerConfig e:
                attribute = "Embedding";
                args.Add(Int(e.VocabularySize));
                args.Add(Int(e.Dimension));
                args.Add("Name = " + Quote(e.Name));
                break;
            case RecurrentLayerConfig r:
                attribute = r.Cell.ToString();
                args.Add(Int(r.Hidden));
                args.Add("Name = " + Quote(r.Name));
                if (r.Layers != 1)
                {
                    args.Add("Layers = " + Int(r.Layers));
                }

                if (r.Bidirectional)
                {
                    args.Add("Bidirectional = true");
                }

                if (r.Cell == CellKind.SimpleRnn && r.Activation != Activation.Tanh)
                {
                    args.Add("Activation = Activation." + r.Activation);
                }

                if (r.Cell == CellKind.Gru && r.Variant != GruVariant.ResetAfter)
                {
                    args.Add("Variant = GruVariant." + r.Variant);
                }

                if (r.From is not null)
                {
                    args.Add("From = " + Quote(r.From));
                }

                break;
            case DenseLayerConfig d:
                attribute = "Dense";
                args.Add(Int(d.Size));
                args.Add("Name = " + Quote(d.Name));
                if (d.Activation != Activation.Identity)
                {
                    args.Add("Activation = Activation." + d.Activation);
                }

                if (d.From is not null)
                {
                    args.Add("From = " + Quote(d.From));
                }

                break;
            default:
                throw new NotSupportedException(layer.GetType().Name);
        }

        return "[" + attribute + "(" + string.Join(", ", args) + ")]";
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
