using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using CharLmSample;
using RnnGen.IO;
using RnnGen.Text;

namespace AotInferenceSample;

/// <summary>
/// Scores text with the CharLm character LSTM (declared in samples/CharLm, compiled by RnnGen) in a
/// program published with Native AOT and full trimming. The output is plain <c>key value…</c> lines
/// with every number at full precision, so the JIT and the native build can be compared number by
/// number (verify-aot.sh does).
/// </summary>
/// <remarks>
/// Output lines, in order:
/// <list type="bullet">
/// <item><c>characters N</c>: the text's length after lowercasing;</item>
/// <item><c>step_cross_entropy X</c>: mean cross-entropy (nats/char) of each next character, with
/// <c>Step</c> run one character at a time and the state carried (<c>n/a</c> for one character);</item>
/// <item><c>next R U+XXXX "c" P</c>: the five likeliest characters after the whole text, with probabilities;</item>
/// <item><c>predict_window N P0 … P7</c>: one <c>Predict</c> call over the first window of up to
/// <see cref="CharLm.Steps"/> characters (zero padded), the first eight probabilities of its last
/// character's row;</item>
/// <item><c>predict_vs_step_max_abs_diff D</c>: the largest difference between that row and the
/// <c>Step</c> output after the same characters (the two code paths should agree to rounding).</item>
/// </list>
/// </remarks>
internal static class Program
{
    private const string WeightsName = "charlm.safetensors";
    private const int TopCount = 5;
    private const int PrintedOutputs = 8;

    private static int Main(string[] args)
    {
        if (!Options.TryParse(args, out Options options, out string? error))
        {
            Console.Error.WriteLine($"error: {error}");
            Console.Error.WriteLine();
            Console.Error.WriteLine(Options.Usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(Options.Usage);
            return 0;
        }

        try
        {
            Run(options);
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static void Run(Options options)
    {
        string weights = options.Weights ?? Path.Combine(AppContext.BaseDirectory, "weights", WeightsName);
        if (!File.Exists(weights))
        {
            throw new IOException($"weights file '{weights}' not found (give another one with --weights PATH).");
        }

        // The alphabet (character of each one-hot position) is in the safetensors metadata.
        IReadOnlyDictionary<string, string> metadata = SafetensorsFile.ReadMetadata(weights);
        if (!metadata.TryGetValue("alphabet", out string? alphabet))
        {
            throw new InvalidDataException($"'{weights}' has no \"alphabet\" in its metadata.");
        }

        var vocabulary = new CharVocabulary(alphabet);
        if (vocabulary.Count != CharLm.InputSize)
        {
            throw new InvalidDataException(
                $"'{weights}' was trained on {vocabulary.Count} characters but CharLm is declared with InputSize = {CharLm.InputSize}.");
        }

        string text = (options.Text ?? Console.In.ReadToEnd()).Replace("\r\n", "\n", StringComparison.Ordinal).ToLowerInvariant();
        if (text.Length == 0)
        {
            throw new ArgumentException("the text is empty.");
        }

        int[] ids = Encode(vocabulary, text);
        var model = new CharLm();
        model.LoadSafetensors(weights);

        // Step: one character at a time, the state carried from the first character to the last.
        int window = Math.Min(CharLm.Steps, ids.Length);
        float[] x = new float[CharLm.InputSize];
        float[] y = new float[CharLm.OutputSize];
        float[] stepAtWindowEnd = new float[CharLm.OutputSize];
        double total = 0;
        model.ResetState();
        for (int i = 0; i < ids.Length; i++)
        {
            vocabulary.OneHot(ids[i], x);
            model.Step(x, y);
            if (i + 1 == window)
            {
                y.CopyTo(stepAtWindowEnd, 0);
            }

            if (i + 1 < ids.Length)
            {
                total -= Math.Log(y[ids[i + 1]]);
            }
        }

        Console.WriteLine($"characters {ids.Length}");
        Console.WriteLine($"step_cross_entropy {(ids.Length > 1 ? Format(total / (ids.Length - 1)) : "n/a")}");
        PrintTop(vocabulary, y);

        // Predict: the first window in one call from a zero state, padded with all-zero inputs.
        float[] input = new float[CharLm.InputLength];
        float[] output = new float[CharLm.OutputLength];
        vocabulary.OneHot(ids.AsSpan(0, window), input.AsSpan(0, window * CharLm.InputSize));
        model.Predict(input, output);
        ReadOnlySpan<float> row = output.AsSpan((window - 1) * CharLm.OutputSize, CharLm.OutputSize);

        var line = new StringBuilder($"predict_window {window}");
        for (int k = 0; k < PrintedOutputs; k++)
        {
            line.Append(' ').Append(Format(row[k]));
        }

        Console.WriteLine(line.ToString());
        float difference = 0;
        for (int k = 0; k < row.Length; k++)
        {
            difference = Math.Max(difference, Math.Abs(row[k] - stepAtWindowEnd[k]));
        }

        Console.WriteLine($"predict_vs_step_max_abs_diff {Format(difference)}");
    }

    /// <summary>Encodes the text, rejecting a character outside the model's alphabet with its position and the alphabet.</summary>
    private static int[] Encode(CharVocabulary vocabulary, string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (!vocabulary.Contains(text[i]))
            {
                throw new ArgumentException(
                    $"character {Quote(text[i])} (U+{(int)text[i]:X4}) at position {i} is not one the model knows; it knows {Quote(vocabulary.Alphabet)}.");
            }
        }

        return vocabulary.Encode(text);
    }

    /// <summary>Prints the <see cref="TopCount"/> likeliest next characters, ties broken by id.</summary>
    private static void PrintTop(CharVocabulary vocabulary, float[] probabilities)
    {
        int[] order = new int[probabilities.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => probabilities[b].CompareTo(probabilities[a]) is int c && c != 0 ? c : a.CompareTo(b));
        for (int rank = 0; rank < TopCount && rank < order.Length; rank++)
        {
            char c = vocabulary.Decode(order[rank]);
            Console.WriteLine($"next {rank + 1} U+{(int)c:X4} {Quote(c)} {Format(probabilities[order[rank]])}");
        }
    }

    private static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(char c) => Quote(c.ToString());

    private static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '"' => "\\\"",
                '\\' => "\\\\",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
