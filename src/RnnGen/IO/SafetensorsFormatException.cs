using System;
using System.IO;

namespace RnnGen.IO;

/// <summary>
/// A safetensors file (or stream) is malformed, or does not hold what the model expects.
/// The message names the file (when read from a path), the tensor concerned, and what was
/// expected versus found.
/// </summary>
/// <remarks>
/// It derives from <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed), so
/// <c>catch (IOException)</c> around a load handles both an unreadable and an invalid file.
/// </remarks>
public sealed class SafetensorsFormatException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public SafetensorsFormatException()
        : base("The safetensors data is invalid.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public SafetensorsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public SafetensorsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message, the file and the tensor concerned.</summary>
    /// <param name="message">What is wrong, naming the file and the tensor.</param>
    /// <param name="filePath">The file path as given by the caller, or null for a stream.</param>
    /// <param name="tensorName">The tensor concerned, or null when the problem is not about one tensor.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public SafetensorsFormatException(string message, string? filePath, string? tensorName, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    /// <summary>The file path as given by the caller, or null when reading a stream.</summary>
    public string? FilePath { get; }

    /// <summary>The (first) tensor the problem concerns, or null.</summary>
    public string? TensorName { get; }
}
