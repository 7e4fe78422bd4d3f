using System.Collections.Generic;
using System.Globalization;

namespace RnnGen.Generators.Tests.Infrastructure;

/// <summary>
/// Small valid model declarations that between them reach every shape of the generated API:
/// every mode, float and token inputs, every head (none, Identity, Softmax, Sigmoid, Tanh, Relu),
/// unidirectional and bidirectional, automatic and explicit losses, dropout. Each is the attribute lines of
/// one model (no class declaration), sized to generate little code.
/// </summary>
public static class VariedModels
{
    private static readonly string?[] Heads = { null, "Identity", "Softmax", "Sigmoid", "Tanh", "Relu" };

    private static readonly string[] Cells = { "Lstm", "Gru", "SimpleRnn" };

    /// <summary>The attribute lines of every model, in a fixed order.</summary>
    public static IReadOnlyList<string> All { get; } = Create();

    private static List<string> Create()
    {
        var models = new List<string>();
        foreach (var mode in new[] { "ManyToMany", "ManyToOne", "OneToMany", "EncoderDecoder" })
        {
            foreach (bool tokens in new[] { false, true })
            {
                foreach (var head in Heads)
                {
                    foreach (bool bidirectional in mode is "ManyToMany" or "ManyToOne" ? new[] { false, true } : new[] { false })
                    {
                        models.Add(Declare(mode, tokens, head, bidirectional, loss: null, cell: Cells[models.Count % Cells.Length]));
                    }
                }
            }
        }

        // Losses given explicitly, also against the head's default (a warning, still generated).
        foreach (var (head, loss) in new[] { ("Softmax", "CrossEntropy"), ("Identity", "MeanSquaredError"), ("Sigmoid", "BinaryCrossEntropy"), ("Sigmoid", "MeanSquaredError"), ("Softmax", "MeanSquaredError"), ("Tanh", "Auto") })
        {
            foreach (var mode in new[] { "ManyToMany", "OneToMany", "EncoderDecoder" })
            {
                models.Add(Declare(mode, tokens: models.Count % 2 == 0, head, bidirectional: false, loss, cell: Cells[models.Count % Cells.Length]));
            }
        }
        // Dropout between stacked layers (its own random generator in the generated class).
        models.Add("[RnnModel(InputSize = 3, Steps = 2)]\n[Gru(4, Layers = 2, Dropout = 0.25f)]\n[Dense(2)]");
        models.Add("[RnnModel(Steps = 2, Mode = SequenceMode.ManyToOne)]\n[Embedding(5, 3)]\n[Lstm(4, Layers = 2, Dropout = 0.5f, Bidirectional = true)]\n[Dense(2, Activation = Activation.Softmax)]");
        return models;
    }

    private static string Declare(string mode, bool tokens, string? head, bool bidirectional, string? loss, string cell)
    {
        const int vocabulary = 5, inputSize = 3;
        // OneToMany feeds the output back as the next input: the head is as wide as the input (RNN0030).
        int output = mode == "OneToMany" ? (tokens ? vocabulary : inputSize) : 2;
        string model = string.Create(CultureInfo.InvariantCulture, $"[RnnModel({(tokens ? "" : $"InputSize = {inputSize}, ")}Steps = 2, Mode = SequenceMode.{mode}{(mode == "EncoderDecoder" ? ", OutputSteps = 3" : "")}{(loss is null ? "" : ", Loss = LossKind." + loss)})]");
        var lines = new List<string> { model };
        if (tokens) lines.Add(string.Create(CultureInfo.InvariantCulture, $"[Embedding({vocabulary}, 3)]"));
        string direction = bidirectional ? ", Bidirectional = true" : "";
        if (mode == "EncoderDecoder")
        {
            lines.Add($"[{cell}(4, Name = \"encoder\")]");
            lines.Add($"[{cell}(4, Name = \"decoder\", Decoder = true)]"); // starts from the encoder's state: as wide
        }
        else
        {
            int hidden = mode == "OneToMany" && head is null ? output : 4;
            lines.Add($"[{cell}({hidden.ToString(CultureInfo.InvariantCulture)}, Name = \"rnn\"{direction})]");
        }
        if (head is not null) lines.Add(string.Create(CultureInfo.InvariantCulture, $"[Dense({output}, Name = \"head\", Activation = Activation.{head})]"));
        return string.Join("\n", lines);
    }
}
