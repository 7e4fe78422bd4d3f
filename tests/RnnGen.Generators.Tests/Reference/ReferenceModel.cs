using System;
using System.Collections.Generic;
using System.Globalization;

namespace RnnGen.Generators.Tests.Reference;

/// <summary>The arithmetic of a reference run.</summary>
public enum ReferencePrecision
{
    /// <summary>Double precision throughout: the oracle.</summary>
    Double,
    /// <summary>Every intermediate rounded to float, in the reference's sequential order: an estimate of float32 rounding alone.</summary>
    Single,
}

/// <summary>
/// A plain, loop-based, double-precision forward pass of every model a <see cref="ModelConfig"/>
/// describes, written straight from PyTorch's equations. It shares nothing with the generator:
/// it is the oracle the generated code is compared with.
/// </summary>
/// <remarks>
/// Layouts: float input [B, T, X] (token ids [B, T] with an embedding), batch-first and
/// row-major; output [B, T, Y] (ManyToMany) or [B, Y] (ManyToOne). Tensors are fetched by
/// their PyTorch <c>state_dict</c> key, row-major with PyTorch's shape.
/// </remarks>
public static class ReferenceModel
{
    /// <summary>Runs a float-input model.</summary>
    public static double[] Predict(ModelConfig config, Func<string, float[]> tensor, float[] input) =>
        Predict(config, tensor, input, ReferencePrecision.Double);

    /// <summary>Runs a model whose first layer is an embedding; <paramref name="tokens"/> is [B, T].</summary>
    public static double[] Predict(ModelConfig config, Func<string, float[]> tensor, int[] tokens) =>
        Predict(config, tensor, tokens, ReferencePrecision.Double);

    /// <summary>Runs a float-input model at the given precision.</summary>
    public static double[] Predict(ModelConfig config, Func<string, float[]> tensor, float[] input, ReferencePrecision precision)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(input);
        if (config.UsesEmbedding)
        {
            throw new ArgumentException("This model reads token ids: pass an int[] input.", nameof(input));
        }

        config.Validate();
        int x = config.InputSize!.Value;
        Expect("input", config.BatchSize * config.Steps * x, input.Length);
        var sequence = new double[config.BatchSize][][];
        for (int b = 0; b < config.BatchSize; b++)
        {
            sequence[b] = new double[config.Steps][];
            for (int t = 0; t < config.Steps; t++)
            {
                sequence[b][t] = new double[x];
                for (int i = 0; i < x; i++)
                {
                    sequence[b][t][i] = input[((b * config.Steps) + t) * x + i];
                }
            }
        }

        return Run(config, tensor, Signal.Sequence(sequence, x), new Arithmetic(precision));
    }

    /// <summary>Runs an embedding model at the given precision; <paramref name="tokens"/> is [B, T].</summary>
    public static double[] Predict(ModelConfig config, Func<string, float[]> tensor, int[] tokens, ReferencePrecision precision)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(tokens);
        if (!config.UsesEmbedding)
        {
            throw new ArgumentException("This model reads float features: pass a float[] input.", nameof(tokens));
        }

        config.Validate();
        Expect("input", config.BatchSize * config.Steps, tokens.Length);
        var embedding = (EmbeddingLayerConfig)config.Layers[0];
        var weight = Fetch(tensor, embedding.Name + ".weight", embedding.VocabularySize * embedding.Dimension);
        var sequence = new double[config.BatchSize][][];
        for (int b = 0; b < config.BatchSize; b++)
        {
            sequence[b] = new double[config.Steps][];
            for (int t = 0; t < config.Steps; t++)
            {
                int id = tokens[b * config.Steps + t];
                if (id < 0 || id >= embedding.VocabularySize)
                {
                    throw new ArgumentOutOfRangeException(nameof(tokens), $"Token id {id} at [{b}, {t}] is outside 0..{embedding.VocabularySize - 1}.");
                }

                sequence[b][t] = new double[embedding.Dimension];
                for (int d = 0; d < embedding.Dimension; d++)
                {
                    sequence[b][t][d] = weight[id * embedding.Dimension + d];
                }
            }
        }

        // The embedding's output is layer 0's output; the remaining layers run from there.
        return Run(config, tensor, Signal.Sequence(sequence, embedding.Dimension), new Arithmetic(precision), firstLayer: 1);
    }

    /// <summary>Runs a model on either input kind (float[] or int[]).</summary>
    public static double[] Predict(ModelConfig config, Func<string, float[]> tensor, Array input, ReferencePrecision precision = ReferencePrecision.Double) => input switch
    {
        float[] f => Predict(config, tensor, f, precision),
        int[] i => Predict(config, tensor, i, precision),
        _ => throw new ArgumentException("The input must be float[] or int[].", nameof(input)),
    };

    /// <summary>The output of one layer: a sequence [B][T][W] or one vector per batch row [B][W].</summary>
    private sealed class Signal
    {
        private Signal(double[][][]? steps, double[][]? vectors, int width)
        {
            Steps = steps;
            Vectors = vectors;
            Width = width;
        }

        public double[][][]? Steps { get; }

        public double[][]? Vectors { get; }

        public int Width { get; }

        public bool IsSequence => Steps is not null;

        public static Signal Sequence(double[][][] steps, int width) => new(steps, null, width);

        public static Signal Vector(double[][] vectors, int width) => new(null, vectors, width);
    }

    private static double[] Run(ModelConfig config, Func<string, float[]> tensor, Signal modelInput, Arithmetic fp, int firstLayer = 0)
    {
        int count = config.Layers.Count;
        var outputs = new Signal[count];
        if (firstLayer == 1)
        {
            outputs[0] = modelInput;
        }

        int collapse = config.Mode == SequenceMode.ManyToOne ? config.LastRecurrentIndex : -1;
        for (int i = firstLayer; i < count; i++)
        {
            int source = config.SourceIndex(i);
            var input = source < 0 ? modelInput : outputs[source];
            outputs[i] = config.Layers[i] switch
            {
                RecurrentLayerConfig r => RunRecurrent(r, tensor, input, fp, collapseToFinalState: i == collapse),
                DenseLayerConfig d => RunDense(d, tensor, input, fp),
                EmbeddingLayerConfig e => throw new InvalidOperationException($"Embedding '{e.Name}' must be the first layer."),
                _ => throw new NotSupportedException(config.Layers[i].GetType().Name),
            };
        }

        var result = outputs[count - 1];
        var flat = new List<double>();
        if (config.Mode == SequenceMode.ManyToMany)
        {
            if (!result.IsSequence)
            {
                throw new InvalidOperationException("A ManyToMany model must end in a sequence.");
            }

            foreach (var row in result.Steps!)
            {
                foreach (var step in row)
                {
                    flat.AddRange(step);
                }
            }
        }
        else
        {
            if (result.IsSequence)
            {
                throw new InvalidOperationException("A ManyToOne model must end in one vector per batch row.");
            }

            foreach (var row in result.Vectors!)
            {
                flat.AddRange(row);
            }
        }

        return flat.ToArray();
    }

    private static Signal RunRecurrent(RecurrentLayerConfig layer, Func<string, float[]> tensor, Signal input, Arithmetic fp, bool collapseToFinalState)
    {
        if (!input.IsSequence)
        {
            throw new InvalidOperationException($"Recurrent layer '{layer.Name}' needs a sequence input.");
        }

        var current = input.Steps!;
        int width = input.Width;
        int batch = current.Length;
        int steps = current[0].Length;
        double[][] finalState = new double[batch][];
        for (int k = 0; k < layer.Layers; k++)
        {
            var forward = RunDirection(layer, tensor, k, reverse: false, current, width, fp);
            var backward = layer.Bidirectional ? RunDirection(layer, tensor, k, reverse: true, current, width, fp) : null;
            var next = new double[batch][][];
            for (int b = 0; b < batch; b++)
            {
                next[b] = new double[steps][];
                for (int t = 0; t < steps; t++)
                {
                    next[b][t] = backward is null ? forward[b][t] : Concat(forward[b][t], backward[b][t]);
                }

                // Final state: forward after step T-1; backward after step 0 (it runs T-1 … 0).
                finalState[b] = backward is null
                    ? forward[b][steps - 1]
                    : Concat(forward[b][steps - 1], backward[b][0]);
            }

            current = next;
            width = layer.OutputWidth;
        }

        return collapseToFinalState
            ? Signal.Vector(finalState, layer.OutputWidth)
            : Signal.Sequence(current, layer.OutputWidth);
    }

    /// <summary>One direction of one stacked layer: the hidden state after every step, indexed by t.</summary>
    private static double[][][] RunDirection(RecurrentLayerConfig layer, Func<string, float[]> tensor, int k, bool reverse, double[][][] input, int inWidth, Arithmetic fp)
    {
        int h = layer.Hidden;
        int rows = layer.Gates * h;
        string suffix = "_l" + k.ToString(CultureInfo.InvariantCulture) + (reverse ? "_reverse" : "");
        var wih = Fetch(tensor, layer.Name + ".weight_ih" + suffix, rows * inWidth);
        var whh = Fetch(tensor, layer.Name + ".weight_hh" + suffix, rows * h);
        var bih = Fetch(tensor, layer.Name + ".bias_ih" + suffix, rows);
        var bhh = Fetch(tensor, layer.Name + ".bias_hh" + suffix, rows);

        int batch = input.Length;
        int steps = input[0].Length;
        var result = new double[batch][][];
        for (int b = 0; b < batch; b++)
        {
            result[b] = new double[steps][];
            var state = new double[h];
            var cell = new double[h];
            for (int s = 0; s < steps; s++)
            {
                int t = reverse ? steps - 1 - s : s;
                var x = input[b][t];

                // gi = W_ih x + b_ih and gh = W_hh h + b_hh, all gate blocks at once.
                var gi = new double[rows];
                var gh = new double[rows];
                for (int r = 0; r < rows; r++)
                {
                    double sumI = bih[r];
                    for (int c = 0; c < inWidth; c++)
                    {
                        sumI = fp.R(sumI + fp.R(wih[r * inWidth + c] * x[c]));
                    }

                    double sumH = bhh[r];
                    for (int c = 0; c < h; c++)
                    {
                        sumH = fp.R(sumH + fp.R(whh[r * h + c] * state[c]));
                    }

                    gi[r] = sumI;
                    gh[r] = sumH;
                }

                var next = new double[h];
                switch (layer.Cell)
                {
                    case CellKind.SimpleRnn:
                        for (int j = 0; j < h; j++)
                        {
                            double a = fp.R(gi[j] + gh[j]);
                            next[j] = layer.Activation switch
                            {
                                Activation.Tanh => fp.R(Math.Tanh(a)),
                                Activation.Relu => Math.Max(0.0, a),
                                _ => throw new NotSupportedException($"SimpleRnn activation {layer.Activation}"),
                            };
                        }

                        break;

                    case CellKind.Lstm:
                        var newCell = new double[h];
                        for (int j = 0; j < h; j++)
                        {
                            double i = fp.Sigmoid(gi[j] + gh[j]);
                            double f = fp.Sigmoid(gi[h + j] + gh[h + j]);
                            double g = fp.Tanh(gi[(2 * h) + j] + gh[(2 * h) + j]);
                            double o = fp.Sigmoid(gi[(3 * h) + j] + gh[(3 * h) + j]);
                            newCell[j] = fp.R(fp.R(f * cell[j]) + fp.R(i * g));
                            next[j] = fp.R(o * fp.R(Math.Tanh(newCell[j])));
                        }

                        cell = newCell;
                        break;

                    case CellKind.Gru:
                        var reset = new double[h];
                        var update = new double[h];
                        for (int j = 0; j < h; j++)
                        {
                            reset[j] = fp.Sigmoid(gi[j] + gh[j]);
                            update[j] = fp.Sigmoid(gi[h + j] + gh[h + j]);
                        }

                        for (int j = 0; j < h; j++)
                        {
                            double candidate;
                            if (layer.Variant == GruVariant.ResetAfter)
                            {
                                // n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
                                candidate = fp.Tanh(gi[(2 * h) + j] + fp.R(reset[j] * gh[(2 * h) + j]));
                            }
                            else
                            {
                                // n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)
                                double sum = bhh[(2 * h) + j];
                                for (int c = 0; c < h; c++)
                                {
                                    sum = fp.R(sum + fp.R(whh[((2 * h) + j) * h + c] * fp.R(reset[c] * state[c])));
                                }

                                candidate = fp.Tanh(gi[(2 * h) + j] + sum);
                            }

                            next[j] = fp.R(fp.R(fp.R(1.0 - update[j]) * candidate) + fp.R(update[j] * state[j]));
                        }

                        break;

                    default:
                        throw new NotSupportedException(layer.Cell.ToString());
                }

                state = next;
                result[b][t] = next;
            }
        }

        return result;
    }

    private static Signal RunDense(DenseLayerConfig layer, Func<string, float[]> tensor, Signal input, Arithmetic fp)
    {
        int inWidth = input.Width;
        var w = Fetch(tensor, layer.Name + ".weight", layer.Size * inWidth);
        var bias = Fetch(tensor, layer.Name + ".bias", layer.Size);

        double[] Apply(double[] x)
        {
            var y = new double[layer.Size];
            for (int r = 0; r < layer.Size; r++)
            {
                double sum = bias[r];
                for (int c = 0; c < inWidth; c++)
                {
                    sum = fp.R(sum + fp.R(w[r * inWidth + c] * x[c]));
                }

                y[r] = sum;
            }

            return Activate(layer.Activation, y, fp);
        }

        if (input.IsSequence)
        {
            var steps = input.Steps!;
            var result = new double[steps.Length][][];
            for (int b = 0; b < steps.Length; b++)
            {
                result[b] = new double[steps[b].Length][];
                for (int t = 0; t < steps[b].Length; t++)
                {
                    result[b][t] = Apply(steps[b][t]);
                }
            }

            return Signal.Sequence(result, layer.Size);
        }

        var vectors = input.Vectors!;
        var rows = new double[vectors.Length][];
        for (int b = 0; b < vectors.Length; b++)
        {
            rows[b] = Apply(vectors[b]);
        }

        return Signal.Vector(rows, layer.Size);
    }

    /// <summary>Applies a Dense activation to one step's features.</summary>
    public static double[] Activate(Activation activation, double[] y) => Activate(activation, y, new Arithmetic(ReferencePrecision.Double));

    private static double[] Activate(Activation activation, double[] y, Arithmetic fp)
    {
        ArgumentNullException.ThrowIfNull(y);
        var result = new double[y.Length];
        switch (activation)
        {
            case Activation.Identity:
                Array.Copy(y, result, y.Length);
                break;
            case Activation.Tanh:
                for (int i = 0; i < y.Length; i++)
                {
                    result[i] = fp.Tanh(y[i]);
                }

                break;
            case Activation.Relu:
                for (int i = 0; i < y.Length; i++)
                {
                    result[i] = Math.Max(0.0, y[i]);
                }

                break;
            case Activation.Sigmoid:
                for (int i = 0; i < y.Length; i++)
                {
                    result[i] = fp.Sigmoid(y[i]);
                }

                break;
            case Activation.Softmax:
                double max = double.NegativeInfinity;
                foreach (var v in y)
                {
                    max = Math.Max(max, v);
                }

                double total = 0;
                for (int i = 0; i < y.Length; i++)
                {
                    result[i] = fp.R(Math.Exp(fp.R(y[i] - max)));
                    total = fp.R(total + result[i]);
                }

                for (int i = 0; i < y.Length; i++)
                {
                    result[i] = fp.R(result[i] / total);
                }

                break;
            default:
                throw new NotSupportedException(activation.ToString());
        }

        return result;
    }

    /// <summary>
    /// Rounding after every operation: none (double precision), or to the nearest float, which
    /// computes exactly what sequential float32 arithmetic would (double holds a float product or
    /// sum exactly enough for one rounding to be correct). The float mode only measures how much
    /// float32 rounding alone moves a model's output; the oracle is the double mode.
    /// </summary>
    private readonly struct Arithmetic
    {
        private readonly bool single;

        public Arithmetic(ReferencePrecision precision) => single = precision == ReferencePrecision.Single;

        public double R(double x) => single ? (float)x : x;

        public double Sigmoid(double x) => R(ReferenceModel.Sigmoid(R(x)));

        public double Tanh(double x) => R(Math.Tanh(R(x)));
    }

    /// <summary>The logistic function 1 / (1 + e^-x).</summary>
    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static double[] Concat(double[] a, double[] b)
    {
        var result = new double[a.Length + b.Length];
        a.CopyTo(result, 0);
        b.CopyTo(result, a.Length);
        return result;
    }

    private static double[] Fetch(Func<string, float[]> tensor, string name, int expectedLength)
    {
        var values = tensor(name) ?? throw new KeyNotFoundException($"No tensor '{name}'.");
        if (values.Length != expectedLength)
        {
            throw new ArgumentException($"Tensor '{name}' has {values.Length} elements; the model needs {expectedLength}.");
        }

        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    private static void Expect(string what, int expected, int actual)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"The {what} has {actual} elements; the model needs {expected}.");
        }
    }
}
