using System;
using System.Globalization;
using RnnGen.Initialization;
using RnnGen.Text;

namespace TranslateSample;

/// <summary>Random dates written the many ways people write them, and their ISO 8601 form.</summary>
public static class DateData
{
    /// <summary>What the inputs are made of; '_' pads an input to the model's length.</summary>
    public const string InputAlphabet = "_ abcdefghijklmnopqrstuvwxyz0123456789,./-";

    /// <summary>What the outputs are made of.</summary>
    public const string OutputAlphabet = "0123456789-";

    public static readonly CharVocabulary Input = new(InputAlphabet);
    public static readonly CharVocabulary Output = new(OutputAlphabet);

    private static readonly string[] Months =
    {
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    };

    /// <summary>A random date between 1950 and 2049 in one of the formats below.</summary>
    public static (string Human, string Iso) Next(RnnRandom rng)
    {
        var date = new DateTime(1950, 1, 1).AddDays(rng.NextInt(36524));
        return (Format(date, rng.NextInt(10)), date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    public static string Format(DateTime d, int style)
    {
        string month = Months[d.Month - 1], mon = month[..3];
        string ordinal = d.Day + (d.Day is 1 or 21 or 31 ? "st" : d.Day is 2 or 22 ? "nd" : d.Day is 3 or 23 ? "rd" : "th");
        return style switch
        {
            0 => $"{d.Day} {month} {d.Year}",
            1 => $"{month} {d.Day}, {d.Year}",
            2 => $"{mon} {d.Day} {d.Year}",
            3 => $"{ordinal} of {month} {d.Year}",
            4 => $"{d.Day:00}/{d.Month:00}/{d.Year}",
            5 => $"{d.Day}.{d.Month}.{d.Year}",
            6 => $"{mon} {d.Day}, {d.Year % 100:00}",
            7 => $"{d.Day} {mon} {d.Year}",
            8 => $"{month} {ordinal} {d.Year}",
            _ => $"{d.Year}/{d.Month}/{d.Day}",
        };
    }

    /// <summary>Lower-cased (and cut to the model's input length) as token ids; returns the length, the rest is padding the model never reads.</summary>
    public static int EncodeInput(string human, Span<int> destination)
    {
        destination.Fill(0);
        string text = human.ToLowerInvariant();
        int length = Math.Min(destination.Length, text.Length);
        for (int i = 0; i < length; i++)
        {
            destination[i] = Input.TryEncode(text[i], out int id) ? id : Input.Encode(' ');
        }
        return length;
    }
}
