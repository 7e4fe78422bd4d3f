using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using RnnGen.Initialization;
using RnnGen.IO;
using RnnGen.Text;

namespace CharLmSample;

/// <summary>
/// Loads the PyTorch-trained character language model into the RnnGen-generated <see cref="CharLm"/>,
/// scores held-out text against PyTorch's own numbers, shows next-character predictions and
/// samples new text one character at a time.
/// </summary>
internal static class Program
{
    private const string WeightsName = "charlm.safetensors";

    private static int Main(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (!Options.TryParse(args, out Options options, out string? error))
        {
            Console.Error.WriteLine(error);
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
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
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
            throw new IOException($"{weights} not found. Train it with: /usr/bin/python3 tools/samples/train_char_lm.py");
        }

        // The tensors go straight into the generated model; the header's metadata carries the
        // alphabet and the numbers PyTorch computed when it saved the weights.
        IReadOnlyDictionary<string, string> metadata = SafetensorsFile.ReadMetadata(weights);
        if (!metadata.TryGetValue("alphabet", out string? alphabet))
        {
            throw new InvalidDataException($"{weights} has no \"alphabet\" in its metadata.");
        }

        var vocabulary = new CharVocabulary(alphabet);
        if (vocabulary.Count != CharLm.InputSize)
        {
            throw new InvalidDataException(
                $"The weights were trained on {vocabulary.Count} characters but CharLm is declared with InputSize = {CharLm.InputSize}; update CharLm.cs.");
        }

        // An empty prompt starts the text at the beginning of a line.
        string prompt = options.Prompt.ToLowerInvariant();
        string context = prompt.Length == 0 ? "\n" : prompt;
        for (int i = 0; i < context.Length; i++)
        {
            if (!vocabulary.Contains(context[i]))
            {
                throw new ArgumentException(
                    $"The prompt's character {Quote(context[i].ToString())} (position {i}) is not one the model knows; it knows {Quote(vocabulary.Alphabet)}.");
            }
        }

        var model = new CharLm();
        model.LoadSafetensors(weights);

        PrintSummary(weights, metadata, vocabulary);
        if (metadata.TryGetValue("heldout_text", out string? heldout) && heldout.Length > 1)
        {
            PrintHeldOutScores(model, vocabulary, heldout, metadata);
        }

        int[] promptIds = vocabulary.Encode(context);
        PrintNextCharacter(model, vocabulary, context, promptIds);
        PrintSample(model, vocabulary, prompt, promptIds, options);
    }

    private static void PrintSummary(string weights, IReadOnlyDictionary<string, string> metadata, CharVocabulary vocabulary)
    {
        Console.WriteLine("CharLm: a character LSTM trained in PyTorch, compiled to C# by RnnGen");
        Console.WriteLine($"  network     one-hot({CharLm.InputSize}) -> LSTM(64) -> Dense({CharLm.OutputSize}, softmax); Predict reads {CharLm.Steps} characters, Step one");
        string trained = metadata.TryGetValue("torch_version", out string? torch) ? $", saved by PyTorch {torch}" : string.Empty;
        string loss = metadata.TryGetValue("train_loss", out string? train) && TryParse(train, out double trainLoss)
            ? $", training loss {trainLoss:F3} nats/char"
            : string.Empty;
        Console.WriteLine($"  weights     {Path.GetFileName(weights)} ({new FileInfo(weights).Length / 1024.0:F0} KB{trained}{loss})");
        Console.WriteLine($"  parameters  {CharLm.ParameterCount:N0} in {CharLm.ParameterNames.Count} tensors:");
        foreach (string name in CharLm.ParameterNames)
        {
            int[] shape = CharLm.ParameterShape(name);
            Console.WriteLine($"                {name,-18} [{string.Join(", ", shape)}]");
        }

        Console.WriteLine($"  alphabet    {vocabulary.Count} characters: {Quote(vocabulary.Alphabet)}");
        Console.WriteLine();
    }

    private static void PrintHeldOutScores(CharLm model, CharVocabulary vocabulary, string text, IReadOnlyDictionary<string, string> metadata)
    {
        int[] ids = vocabulary.Encode(text);
        int firstLineEnd = text.IndexOf('\n');
        string firstLine = firstLineEnd > 0 ? text[..firstLineEnd] : text;
        Console.WriteLine($"Held-out text: {ids.Length} characters the model never trained on, from \"{firstLine} ...\"");

        double windowed = CrossEntropyWithPredict(model, vocabulary, ids);
        double streamed = CrossEntropyWithStep(model, vocabulary, ids);

        Console.WriteLine($"  {string.Empty,-30} {"RnnGen",10}  {"PyTorch",10}{"difference",12}");
        PrintScore($"Predict, {CharLm.Steps}-character windows", windowed, metadata, "heldout_cross_entropy");
        PrintScore("Step, one pass over the text", streamed, metadata, "heldout_cross_entropy_stream");
        Console.WriteLine($"  (cross-entropy in nats per character; perplexity {Math.Exp(windowed):F2} and {Math.Exp(streamed):F2})");
        Console.WriteLine();
    }

    private static void PrintScore(string label, double value, IReadOnlyDictionary<string, string> metadata, string key)
    {
        string reference = "         -", difference = string.Empty;
        if (metadata.TryGetValue(key, out string? text) && TryParse(text, out double pytorch))
        {
            reference = $"{pytorch,10:F6}";
            difference = $"{Math.Abs(value - pytorch).ToString("0.0e+0", CultureInfo.InvariantCulture),12}";
        }

        Console.WriteLine($"  {label,-30} {value,10:F6}  {reference}{difference}");
    }

    /// <summary>
    /// Mean cross-entropy of each character given the ones before it in its window: the text is cut
    /// into windows of <see cref="CharLm.Steps"/> inputs, each run by one <c>Predict</c> call from a
    /// zero state (the last window is padded; the LSTM only looks back, so padding changes nothing).
    /// </summary>
    private static double CrossEntropyWithPredict(CharLm model, CharVocabulary vocabulary, int[] ids)
    {
        int v = CharLm.InputSize, steps = CharLm.Steps;
        float[] input = new float[CharLm.InputLength];
        float[] output = new float[CharLm.OutputLength];
        int predictions = ids.Length - 1;
        double total = 0;
        for (int start = 0; start < predictions; start += steps)
        {
            int count = Math.Min(steps, predictions - start);
            Array.Clear(input);
            vocabulary.OneHot(ids.AsSpan(start, count), input.AsSpan(0, count * v));
            model.Predict(input, output);
            for (int t = 0; t < count; t++)
            {
                total -= Math.Log(output[(t * v) + ids[start + t + 1]]);
            }
        }

        return total / predictions;
    }

    /// <summary>Mean cross-entropy of each character given everything before it: one <c>Step</c> per character, the state carried throughout.</summary>
    private static double CrossEntropyWithStep(CharLm model, CharVocabulary vocabulary, int[] ids)
    {
        float[] x = new float[CharLm.InputSize];
        float[] y = new float[CharLm.OutputSize];
        model.ResetState();
        double total = 0;
        for (int i = 0; i + 1 < ids.Length; i++)
        {
            vocabulary.OneHot(ids[i], x);
            model.Step(x, y);
            total -= Math.Log(y[ids[i + 1]]);
        }

        return total / (ids.Length - 1);
    }

    private static void PrintNextCharacter(CharLm model, CharVocabulary vocabulary, string prompt, int[] promptIds)
    {
        float[] probabilities = Prime(model, vocabulary, promptIds);
        int[] order = new int[probabilities.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => probabilities[b].CompareTo(probabilities[a]) is int c && c != 0 ? c : a.CompareTo(b));
        var line = new StringBuilder("  ");
        for (int rank = 0; rank < 5 && rank < order.Length; rank++)
        {
            int id = order[rank];
            line.Append($"{Quote(vocabulary.Decode(id).ToString()),-5}{probabilities[id] * 100,5:F1}%    ");
        }

        Console.WriteLine($"Most likely next characters after {Quote(Tail(prompt, 40))}:");
        Console.WriteLine(line.ToString().TrimEnd());
        Console.WriteLine();
    }

    private static void PrintSample(CharLm model, CharVocabulary vocabulary, string prompt, int[] promptIds, Options options)
    {
        var rng = new RnnRandom(options.Seed);
        float[] x = new float[CharLm.InputSize];
        float[] scratch = new float[CharLm.OutputSize];
        char[] generated = new char[options.Length];

        // Prime the state with the prompt, then feed every sampled character back in.
        float[] probabilities = Prime(model, vocabulary, promptIds);
        for (int i = 0; i < generated.Length; i++)
        {
            int id = Sampling.SampleWithTemperature(probabilities, options.Temperature, rng, scratch);
            generated[i] = vocabulary.Decode(id);
            vocabulary.OneHot(id, x);
            model.Step(x, probabilities);
        }

        Console.WriteLine($"Sampled text (Step; temperature {options.Temperature}, seed {options.Seed}):");
        string text = (prompt + new string(generated)).TrimEnd('\n');
        foreach (string line in text.Split('\n'))
        {
            Console.WriteLine($"  {line}");
        }
    }

    /// <summary>Runs the prompt through <c>Step</c> from a fresh state; returns the distribution of the character that follows.</summary>
    private static float[] Prime(CharLm model, CharVocabulary vocabulary, int[] promptIds)
    {
        float[] x = new float[CharLm.InputSize];
        float[] y = new float[CharLm.OutputSize];
        model.ResetState();
        foreach (int id in promptIds)
        {
            vocabulary.OneHot(id, x);
            model.Step(x, y);
        }

        return y;
    }

    private static string Tail(string text, int length) => text.Length <= length ? text : "..." + text[^length..];

    private static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            builder.Append(c switch
            {
                '\n' => "\\n",
                '"' => "\\\"",
                '\\' => "\\\\",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    private static bool TryParse(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
