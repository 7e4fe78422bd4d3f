using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CharLmSample;

/// <summary>The sample's command line.</summary>
internal sealed class Options
{
    public const string Usage = """
        usage: dotnet run --project samples/CharLm -- [options]

          --prompt TEXT       text to continue (lowercased; default "o, my love, th")
          --length N          characters to generate (default 300)
          --temperature T     sampling temperature, 0 = always the likeliest (default 0.8)
          --seed S            random seed for sampling (default 3)
          --weights PATH      safetensors file (default weights/charlm.safetensors next to the program)
          --help              show this text
        """;

    public string Prompt { get; private set; } = "o, my love, th";

    public int Length { get; private set; } = 300;

    public float Temperature { get; private set; } = 0.8f;

    public int Seed { get; private set; } = 3;

    public string? Weights { get; private set; }

    public bool Help { get; private set; }

    public static bool TryParse(string[] args, out Options options, [NotNullWhen(false)] out string? error)
    {
        options = new Options();
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "--help" or "-h" or "-?")
            {
                options.Help = true;
                continue;
            }

            if (i + 1 >= args.Length || !name.StartsWith("--", StringComparison.Ordinal))
            {
                error = name.StartsWith("--", StringComparison.Ordinal) ? $"{name} needs a value." : $"Unexpected argument '{name}'.";
                return false;
            }

            string value = args[++i];
            switch (name)
            {
                case "--prompt":
                    options.Prompt = value;
                    break;
                case "--length" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int length) && length >= 0:
                    options.Length = length;
                    break;
                case "--temperature" when float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float temperature) && temperature >= 0f && float.IsFinite(temperature):
                    options.Temperature = temperature;
                    break;
                case "--seed" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed):
                    options.Seed = seed;
                    break;
                case "--weights":
                    options.Weights = value;
                    break;
                case "--length" or "--temperature" or "--seed":
                    error = $"Invalid value '{value}' for {name}.";
                    return false;
                default:
                    error = $"Unknown option '{name}'.";
                    return false;
            }
        }

        return true;
    }
}
