using System;
using System.Diagnostics.CodeAnalysis;

namespace AotInferenceSample;

/// <summary>The sample's command line: the text to score (or <c>-</c> for standard input) and an optional weights file.</summary>
internal sealed class Options
{
    /// <summary>The text shown by <c>--help</c> and after a usage error.</summary>
    public const string Usage = """
        usage: AotInference [--weights PATH] [TEXT | -]

          TEXT             text to score (lowercased); without it, or with -, standard input is read
          --weights PATH   safetensors file (default weights/charlm.safetensors next to the program)
          --help           show this text
        """;

    /// <summary>The text given on the command line, or null to read standard input.</summary>
    public string? Text { get; private set; }

    /// <summary>The weights file given with <c>--weights</c>, or null for the default.</summary>
    public string? Weights { get; private set; }

    /// <summary>Whether <c>--help</c> was given.</summary>
    public bool Help { get; private set; }

    /// <summary>Parses the arguments; on failure <paramref name="error"/> says what is wrong.</summary>
    /// <param name="args">The program's arguments.</param>
    /// <param name="options">The parsed options.</param>
    /// <param name="error">A message for the user when the arguments are invalid.</param>
    /// <returns>True when the arguments are valid.</returns>
    public static bool TryParse(string[] args, out Options options, [NotNullWhen(false)] out string? error)
    {
        options = new Options();
        error = null;
        bool textSeen = false;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                options.Help = true;
            }
            else if (arg == "--weights")
            {
                if (i + 1 >= args.Length)
                {
                    error = "--weights needs a value.";
                    return false;
                }

                options.Weights = args[++i];
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"Unknown option '{arg}'.";
                return false;
            }
            else if (textSeen)
            {
                error = "Give the text as one argument (quote it), or none to read standard input.";
                return false;
            }
            else
            {
                textSeen = true;
                options.Text = arg == "-" ? null : arg;
            }
        }

        return true;
    }
}
