using System;
using RnnGen;
using RnnGen.Initialization;
using RnnGen.Training;

namespace TrainSequenceSample;

/// <summary>
/// Reads two binary numbers one bit pair per step, least significant bit first, and writes the
/// bits of their sum as it goes. Each output bit depends on a carry from the steps before it:
/// the network has to learn to keep that carry in its hidden state.
/// </summary>
[RnnModel(InputSize = 2, Steps = BinaryAddition.Bits + 1, BatchSize = 32)]
[Gru(16, Name = "gru")]
[Dense(2, Name = "fc", Activation = Activation.Softmax)]
public partial class BinaryAdder { }

/// <summary>The addition task: encoding numbers as sequences and reading sums back.</summary>
internal static class BinaryAddition
{
    /// <summary>Bits per operand; the sum has one more.</summary>
    public const int Bits = 12;

    /// <summary>The largest operand plus one.</summary>
    public const int Limit = 1 << Bits;

    /// <summary>Writes the input of one example: step t holds bit t of <paramref name="a"/> and of <paramref name="b"/>.</summary>
    public static void Encode(int a, int b, Span<float> input)
    {
        for (int t = 0; t < BinaryAdder.Steps; t++)
        {
            input[2 * t] = (a >> t) & 1;
            input[(2 * t) + 1] = (b >> t) & 1;
        }
    }

    /// <summary>The two operands an input encodes.</summary>
    public static (int A, int B) Decode(ReadOnlySpan<float> input)
    {
        int a = 0, b = 0;
        for (int t = 0; t < Bits; t++)
        {
            a |= (input[2 * t] > 0.5f ? 1 : 0) << t;
            b |= (input[(2 * t) + 1] > 0.5f ? 1 : 0) << t;
        }

        return (a, b);
    }

    /// <summary>Writes the target of one example: step t's class is bit t of a + b.</summary>
    public static void Target(int a, int b, Span<int> target)
    {
        int sum = a + b;
        for (int t = 0; t < BinaryAdder.Steps; t++)
        {
            target[t] = (sum >> t) & 1;
        }
    }

    /// <summary><paramref name="count"/> random pairs, drawn from <paramref name="seed"/>.</summary>
    public static SequenceDataset<float, int> Dataset(int count, int seed)
    {
        var data = new SequenceDataset<float, int>(BinaryAdder.Steps * BinaryAdder.InputSize, BinaryAdder.Steps, count);
        var rng = new RnnRandom(seed);
        var input = new float[data.InputLength];
        var target = new int[data.TargetLength];
        for (int n = 0; n < count; n++)
        {
            int a = rng.NextInt(Limit), b = rng.NextInt(Limit);
            Encode(a, b, input);
            Target(a, b, target);
            data.Add(input, target);
        }

        return data;
    }

    /// <summary>Adds a batch of pairs with the model: the number whose bit t is the more probable class of step t.</summary>
    public static void Add(BinaryAdder model, ReadOnlySpan<(int A, int B)> pairs, Span<int> sums)
    {
        var input = new float[BinaryAdder.InputLength];
        var output = new float[BinaryAdder.OutputLength];
        for (int start = 0; start < pairs.Length; start += BinaryAdder.BatchSize)
        {
            int n = Math.Min(BinaryAdder.BatchSize, pairs.Length - start);
            for (int i = 0; i < BinaryAdder.BatchSize; i++)
            {
                var (a, b) = pairs[start + (i % n)];
                Encode(a, b, input.AsSpan(i * BinaryAdder.Steps * BinaryAdder.InputSize, BinaryAdder.Steps * BinaryAdder.InputSize));
            }

            model.Predict(input, output);
            for (int i = 0; i < n; i++)
            {
                int sum = 0;
                for (int t = 0; t < BinaryAdder.Steps; t++)
                {
                    int at = ((i * BinaryAdder.Steps) + t) * BinaryAdder.OutputSize;
                    if (output[at + 1] > output[at])
                    {
                        sum |= 1 << t;
                    }
                }

                sums[start + i] = sum;
            }
        }
    }

    /// <summary>A number as <paramref name="width"/> binary digits, most significant first.</summary>
    public static string ToBinary(int value, int width) => Convert.ToString(value, 2).PadLeft(width, '0');
}
