using System;
using System.Globalization;

namespace RnnGen.Generators.Tests.Infrastructure;

/// <summary>
/// Sets the current thread's culture (and UI culture) for a scope and restores it on dispose.
/// <see cref="NonAsciiMinus"/> is the culture the harness runs the generator under: its minus
/// sign is U+2212 and its decimal separator a comma, so a float literal formatted with the
/// current culture does not compile and a parse with it misreads.
/// </summary>
public sealed class CultureScope : IDisposable
{
    private readonly CultureInfo previous;
    private readonly CultureInfo previousUi;

    /// <summary>Switches the current thread to <paramref name="culture"/>.</summary>
    public CultureScope(CultureInfo culture)
    {
        previous = CultureInfo.CurrentCulture;
        previousUi = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
    }

    /// <summary>A Swedish-like culture whose negative sign is U+2212 (MINUS SIGN) and decimal separator ','.</summary>
    public static CultureInfo NonAsciiMinus { get; } = CreateNonAsciiMinus();

    /// <summary>Enters <see cref="NonAsciiMinus"/>.</summary>
    public static CultureScope EnterNonAsciiMinus() => new(NonAsciiMinus);

    /// <inheritdoc />
    public void Dispose()
    {
        CultureInfo.CurrentCulture = previous;
        CultureInfo.CurrentUICulture = previousUi;
    }

    private static CultureInfo CreateNonAsciiMinus()
    {
        CultureInfo culture;
        try
        {
            culture = (CultureInfo)CultureInfo.GetCultureInfo("sv-SE").Clone();
        }
        catch (CultureNotFoundException)
        {
            culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        }

        // Set explicitly: without ICU data (invariant globalization) sv-SE would not have them.
        culture.NumberFormat.NegativeSign = "\u2212";
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = "\u00a0";
        culture.NumberFormat.PercentDecimalSeparator = ",";
        culture.NumberFormat.CurrencyDecimalSeparator = ",";
        return CultureInfo.ReadOnly(culture);
    }
}
