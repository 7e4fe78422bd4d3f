using System;

namespace RnnGen;

/// <summary>
/// A training step met a NaN or infinite loss or gradient. The step was not applied: the
/// model's parameters and the optimizer's state are exactly as before the call.
/// </summary>
public sealed class NonFiniteException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteException() : base("A loss or gradient is NaN or infinite; the step was not applied.") { }

    /// <summary>Creates the exception with a message.</summary>
    public NonFiniteException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public NonFiniteException(string message, Exception innerException) : base(message, innerException) { }
}
