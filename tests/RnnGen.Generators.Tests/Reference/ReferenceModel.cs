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

        return Forward(config, Widen(tensor), input, new Arithmetic(precision), headLogits: false);
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

        return Forward(config, Widen(tensor), tokens, new Arithmetic(precision), headLogits: false);
    }

    /// <summary>Runs a model on either input kind (float[] or int[]).</summary>
    public static double[] Predict(ModelConfig config, Func<string, float[]> tensor, Array input, ReferencePrecision precision = ReferencePrecision.Double) => input switch
    {
        float[] f => Predict(config, tensor, f, precision),
        int[] i => Predict(config, tensor, i, precision),
        _ => throw new ArgumentException("The input must be float[] or int[].", nameof(input)),
    };

    /// <summary>
    /// Runs a model in double precision on double-precision tensors, so that a caller can perturb
    /// parameters (or, with a <c>double[]</c> input, the input) by less than a float's spacing.
    /// <paramref name="input"/> is float[] or double[] features [B, T, X], or int[] token ids [B, T].
    /// </summary>
    public static double[] Predict(ModelConfig config, Func<string, double[]> tensor, Array input)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tensor);
        return Forward(config, tensor, input, new Arithmetic(ReferencePrecision.Double), headLogits: false);
    }

    /// <summary>
    /// The training loss of a model (see <see cref="Loss(ModelConfig, Func{string, double[]}, Array, Array, List{bool})"/>)
    /// on its float32 tensors, computed in double precision.
    /// </summary>
    public static double Loss(ModelConfig config, Func<string, float[]> tensor, Array input, Array targets)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return Loss(config, Widen(tensor), input, targets);
    }

    /// <summary>
    /// The training loss of a model in double precision, the mean over every target as PyTorch's
    /// default reduction, for the model's <see cref="ModelConfig.EffectiveLoss"/>:
    /// <list type="bullet">
    /// <item>cross-entropy (<c>F.cross_entropy</c> on the Softmax head's logits z): per output row
    /// logsumexp(z) − z[target], targets int[] class ids [B, T] (ManyToMany) or [B] (ManyToOne);</item>
    /// <item>binary cross-entropy (<c>F.binary_cross_entropy</c> on p = σ(z) of the Sigmoid head):
    /// per element −[t log p + (1 − t) log(1 − p)], targets float[] in [0, 1] shaped like the output;</item>
    /// <item>mean squared error (<c>F.mse_loss</c> on the model's output, after any head activation):
    /// per element (y − t)², targets float[] shaped like the output.</item>
    /// </list>
    /// </summary>
    /// <param name="config">The model.</param>
    /// <param name="tensor">Parameter tensors by <c>state_dict</c> key.</param>
    /// <param name="input">float[] or double[] features [B, T, X], or int[] token ids [B, T].</param>
    /// <param name="targets">int[] class ids (cross-entropy) or float[] values shaped like the output.</param>
    /// <param name="reluSigns">When given, receives whether each ReLU's argument was positive, in
    /// evaluation order: two runs cross a ReLU kink between them exactly when these differ.</param>
    public static double Loss(ModelConfig config, Func<string, double[]> tensor, Array input, Array targets, List<bool>? reluSigns = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(targets);
        if (config.Mode == SequenceMode.OneToMany)
        {
            // Teacher forcing: the same layers over the sequence the targets make.
            config.Validate();
            return Loss(config.AsSequence(config.Steps), tensor, TeacherForced(config, input, targets), targets, reluSigns);
        }

        var kind = config.EffectiveLoss;
        bool logits = kind is LossKind.CrossEntropy or LossKind.BinaryCrossEntropy;
        var output = Forward(config, tensor, input, new Arithmetic(ReferencePrecision.Double, reluSigns), headLogits: logits);
        int y = config.OutputSize;
        double sum = 0;
        switch (kind)
        {
            case LossKind.CrossEntropy:
            {
                var classes = targets as int[] ?? throw new ArgumentException("Cross-entropy targets are int[] class ids.", nameof(targets));
                int rows = output.Length / y;
                Expect("targets", rows, classes.Length);
                for (int r = 0; r < rows; r++)
                {
                    int target = classes[r];
                    if (target < 0 || target >= y)
                    {
                        throw new ArgumentOutOfRangeException(nameof(targets), $"Target {target} at {r} is outside 0..{y - 1}.");
                    }

                    double max = double.NegativeInfinity;
                    for (int j = 0; j < y; j++)
                    {
                        max = Math.Max(max, output[(r * y) + j]);
                    }

                    double total = 0;
                    for (int j = 0; j < y; j++)
                    {
                        total += Math.Exp(output[(r * y) + j] - max);
                    }

                    sum += max + Math.Log(total) - output[(r * y) + target];
                }

                return sum / rows;
            }

            case LossKind.BinaryCrossEntropy:
            {
                var values = targets as float[] ?? throw new ArgumentException("Binary cross-entropy targets are float[].", nameof(targets));
                Expect("targets", output.Length, values.Length);
                for (int i = 0; i < output.Length; i++)
                {
                    // log σ(z) and log(1 − σ(z)) = log σ(−z), without forming σ(z) first.
                    double t = values[i];
                    sum -= (t * LogSigmoid(output[i])) + ((1 - t) * LogSigmoid(-output[i]));
                }

                return sum / output.Length;
            }

            case LossKind.MeanSquaredError:
            {
                var values = targets as float[] ?? throw new ArgumentException("Mean squared error targets are float[].", nameof(targets));
                Expect("targets", output.Length, values.Length);
                for (int i = 0; i < output.Length; i++)
                {
                    double d = output[i] - values[i];
                    sum += d * d;
                }

                return sum / output.Length;
            }

            default:
                throw new NotSupportedException($"Loss {kind}.");
        }
    }

    /// <summary>
    /// OneToMany, greedily: output t is the last output of the same layers run as a ManyToMany
    /// model over the prefix of inputs 0..t, where input 0 is the given one and input t + 1 is
    /// output t fed back (the most likely class as a one-hot vector or token id for a softmax head
    /// or token input, the values otherwise). Quadratic in T, and independent of any step code.
    /// </summary>
    private static double[] Generate(ModelConfig config, Func<string, double[]> tensor, Array input, Arithmetic fp)
    {
        int b = config.BatchSize, steps = config.Steps, y = config.OutputSize;
        bool tokens = config.UsesEmbedding;
        bool argmax = tokens || config.HeadActivation == Activation.Softmax;
        int x = tokens ? 1 : config.InputSize!.Value;
        var inputs = new List<double[]>(); // per step, [B, x] (token ids as doubles)
        inputs.Add(input switch
        {
            int[] ids => Array.ConvertAll(ids, v => (double)v),
            float[] f => Array.ConvertAll(f, v => (double)v),
            double[] d => (double[])d.Clone(),
            _ => throw new ArgumentException("The input must be float[], double[] or int[].", nameof(input)),
        });
        Expect("input", b * x, inputs[0].Length);
        var output = new double[b * steps * y];
        for (int t = 0; t < steps; t++)
        {
            var prefix = config.AsSequence(t + 1);
            Array sequence = tokens ? new int[b * (t + 1)] : new double[b * (t + 1) * x];
            for (int r = 0; r < b; r++)
            {
                for (int s = 0; s <= t; s++)
                {
                    if (sequence is int[] ids) ids[r * (t + 1) + s] = (int)inputs[s][r];
                    else Array.Copy(inputs[s], r * x, (double[])sequence, (r * (t + 1) + s) * x, x);
                }
            }

            var run = Forward(prefix, tensor, sequence, fp, headLogits: false);
            var next = new double[b * x];
            for (int r = 0; r < b; r++)
            {
                Array.Copy(run, (r * (t + 1) + t) * y, output, (r * steps + t) * y, y);
                if (!argmax)
                {
                    Array.Copy(run, (r * (t + 1) + t) * y, next, r * x, x);
                    continue;
                }

                int best = 0;
                for (int j = 1; j < y; j++)
                {
                    if (run[(r * (t + 1) + t) * y + j] > run[(r * (t + 1) + t) * y + best]) best = j;
                }

                if (tokens) next[r] = best;
                else next[r * x + best] = 1;
            }

            inputs.Add(next);
        }

        return output;
    }

    /// <summary>
    /// OneToMany teacher forcing: the input sequence whose step 0 is the given input and step t
    /// the target of step t − 1 (a class id one-hot or as a token, or the target values).
    /// </summary>
    private static Array TeacherForced(ModelConfig config, Array input, Array targets)
    {
        int b = config.BatchSize, steps = config.Steps, y = config.OutputSize;
        if (config.UsesEmbedding)
        {
            var ids = (int[])input;
            var sequence = new int[b * steps];
            for (int r = 0; r < b; r++)
            {
                sequence[r * steps] = ids[r];
                for (int t = 1; t < steps; t++)
                {
                    sequence[r * steps + t] = targets is int[] classes ? classes[r * steps + t - 1] : ArgMax((float[])targets, (r * steps + t - 1) * y, y);
                }
            }

            return sequence;
        }

        int x = config.InputSize!.Value;
        double[] first = input switch
        {
            float[] f => Array.ConvertAll(f, v => (double)v),
            double[] d => d,
            _ => throw new ArgumentException("The input must be float[] or double[].", nameof(input)),
        };
        var features = new double[b * steps * x];
        for (int r = 0; r < b; r++)
        {
            Array.Copy(first, r * x, features, r * steps * x, x);
            for (int t = 1; t < steps; t++)
            {
                int at = (r * steps + t) * x;
                if (targets is int[] classes) features[at + classes[r * steps + t - 1]] = 1;
                else for (int j = 0; j < x; j++) features[at + j] = ((float[])targets)[(r * steps + t - 1) * y + j];
            }
        }

        return features;
    }

    private static int ArgMax(float[] values, int start, int count)
    {
        int best = 0;
        for (int j = 1; j < count; j++)
        {
            if (values[start + j] > values[start + best]) best = j;
        }

        return best;
    }

    /// <summary>log σ(x) = −log(1 + e^−x), accurate for large |x|.</summary>
    public static double LogSigmoid(double x) => x >= 0 ? -Math.Log(1 + Math.Exp(-x)) : x - Math.Log(1 + Math.Exp(x));

    /// <summary>Validates, embeds or reshapes the input and runs every layer.</summary>
    private static double[] Forward(ModelConfig config, Func<string, double[]> tensor, Array input, Arithmetic fp, bool headLogits)
    {
        ArgumentNullException.ThrowIfNull(input);
        config.Validate();
        if (config.Mode == SequenceMode.OneToMany)
        {
            return Generate(config, tensor, input, fp);
        }

        if (input is int[] tokens)
        {
            if (!config.UsesEmbedding)
            {
                throw new ArgumentException("This model reads float features, not token ids.", nameof(input));
            }

            Expect("input", config.BatchSize * config.Steps, tokens.Length);
            var embedding = (EmbeddingLayerConfig)config.Layers[0];
            var weight = Fetch(tensor, embedding.Name + ".weight", embedding.VocabularySize * embedding.Dimension);
            var embedded = new double[config.BatchSize][][];
            for (int b = 0; b < config.BatchSize; b++)
            {
                embedded[b] = new double[config.Steps][];
                for (int t = 0; t < config.Steps; t++)
                {
                    int id = tokens[b * config.Steps + t];
                    if (id < 0 || id >= embedding.VocabularySize)
                    {
                        throw new ArgumentOutOfRangeException(nameof(input), $"Token id {id} at [{b}, {t}] is outside 0..{embedding.VocabularySize - 1}.");
                    }

                    embedded[b][t] = new double[embedding.Dimension];
                    for (int d = 0; d < embedding.Dimension; d++)
                    {
                        embedded[b][t][d] = weight[id * embedding.Dimension + d];
                    }
                }
            }

            // The embedding's output is layer 0's output; the remaining layers run from there.
            return Run(config, tensor, Signal.Sequence(embedded, embedding.Dimension), fp, headLogits, firstLayer: 1);
        }

        if (config.UsesEmbedding)
        {
            throw new ArgumentException("This model reads token ids: pass an int[] input.", nameof(input));
        }

        double[] features = input switch
        {
            float[] f => Array.ConvertAll(f, v => (double)v),
            double[] d => d,
            _ => throw new ArgumentException("The input must be float[], double[] or int[].", nameof(input)),
        };
        int x = config.InputSize!.Value;
        Expect("input", config.BatchSize * config.Steps * x, features.Length);
        var sequence = new double[config.BatchSize][][];
        for (int b = 0; b < config.BatchSize; b++)
        {
            sequence[b] = new double[config.Steps][];
            for (int t = 0; t < config.Steps; t++)
            {
                sequence[b][t] = new double[x];
                Array.Copy(features, ((b * config.Steps) + t) * x, sequence[b][t], 0, x);
            }
        }

        return Run(config, tensor, Signal.Sequence(sequence, x), fp, headLogits);
    }

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

    /// <summary>
    /// Runs layers <paramref name="firstLayer"/>… and flattens the last one's output batch-first.
    /// With <paramref name="headLogits"/>, a final Dense layer stops before its activation.
    /// </summary>
    private static double[] Run(ModelConfig config, Func<string, double[]> tensor, Signal modelInput, Arithmetic fp, bool headLogits, int firstLayer = 0)
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
            var layer = config.Layers[i];
            if (headLogits && i == count - 1 && layer is DenseLayerConfig head)
            {
                layer = head with { Activation = Activation.Identity };
            }

            outputs[i] = layer switch
            {
                RecurrentLayerConfig r => RunRecurrent(r, tensor, input, fp, collapseToFinalState: i == collapse),
                DenseLayerConfig d => RunDense(d, tensor, input, fp),
                EmbeddingLayerConfig e => throw new InvalidOperationException($"Embedding '{e.Name}' must be the first layer."),
                _ => throw new NotSupportedException(layer.GetType().Name),
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

    private static Signal RunRecurrent(RecurrentLayerConfig layer, Func<string, double[]> tensor, Signal input, Arithmetic fp, bool collapseToFinalState)
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
    private static double[][][] RunDirection(RecurrentLayerConfig layer, Func<string, double[]> tensor, int k, bool reverse, double[][][] input, int inWidth, Arithmetic fp)
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
                                Activation.Relu => fp.Relu(a),
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

    private static Signal RunDense(DenseLayerConfig layer, Func<string, double[]> tensor, Signal input, Arithmetic fp)
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
                    result[i] = fp.Relu(y[i]);
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
        private readonly List<bool>? reluSigns;

        public Arithmetic(ReferencePrecision precision, List<bool>? reluSigns = null)
        {
            single = precision == ReferencePrecision.Single;
            this.reluSigns = reluSigns;
        }

        public double R(double x) => single ? (float)x : x;

        /// <summary>max(0, x); records the sign of x when asked to.</summary>
        public double Relu(double x)
        {
            reluSigns?.Add(x > 0);
            return Math.Max(0.0, x);
        }

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

    private static double[] Fetch(Func<string, double[]> tensor, string name, int expectedLength)
    {
        var values = tensor(name) ?? throw new KeyNotFoundException($"No tensor '{name}'.");
        if (values.Length != expectedLength)
        {
            throw new ArgumentException($"Tensor '{name}' has {values.Length} elements; the model needs {expectedLength}.");
        }

        return values;
    }

    /// <summary>Float tensors widened to double on every fetch.</summary>
    private static Func<string, double[]> Widen(Func<string, float[]> tensor) => name =>
    {
        var values = tensor(name) ?? throw new KeyNotFoundException($"No tensor '{name}'.");
        return Array.ConvertAll(values, v => (double)v);
    };

    private static void Expect(string what, int expected, int actual)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"The {what} has {actual} elements; the model needs {expected}.");
        }
    }
}
