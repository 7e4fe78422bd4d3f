using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;

namespace RnnGen.IO;

/// <summary>
/// A whole safetensors file read into memory, with every tensor of any dtype: for tools,
/// tests and inspection. (Models load their parameters with <see cref="Safetensors.Load(string, IReadOnlyList{TensorLayout}, Span{float})"/>.)
/// </summary>
/// <remarks>
/// Reading validates the header exactly as a model load does (JSON syntax, dtypes, shapes,
/// data offsets consistent with them, within the data and not overlapping) and throws
/// <see cref="SafetensorsFormatException"/> for any problem.
/// </remarks>
public sealed class SafetensorsFile
{
    private readonly Dictionary<string, TensorEntry> _byName;

    private SafetensorsFile(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<string> names, Dictionary<string, TensorEntry> byName)
    {
        Metadata = metadata;
        Names = names;
        _byName = byName;
    }

    /// <summary>The header's <c>__metadata__</c> strings (empty when there are none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor names in header order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Gets a tensor by name.</summary>
    /// <param name="name">The tensor's key.</param>
    /// <exception cref="KeyNotFoundException">The file has no such tensor (the message lists those it has).</exception>
    public TensorEntry this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            if (_byName.TryGetValue(name, out TensorEntry? entry))
            {
                return entry;
            }

            throw new KeyNotFoundException($"The safetensors file has no tensor '{name}'; it has {SafetensorsHeader.FormatNames(Names)}.");
        }
    }

    /// <summary>Gets a tensor by name if the file has it.</summary>
    /// <param name="name">The tensor's key.</param>
    /// <param name="entry">The tensor, or null.</param>
    /// <returns>True if the file has the tensor.</returns>
    public bool TryGet(string name, [MaybeNullWhen(false)] out TensorEntry entry)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out entry);
    }

    /// <summary>Reads and validates a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The file's tensors and metadata.</returns>
    /// <exception cref="SafetensorsFormatException">The file is malformed; the message names it.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return ReadCore(stream, path);
    }

    /// <summary>
    /// Reads only the header's <c>__metadata__</c> strings (for example an alphabet or training
    /// facts saved beside the weights): the header is read and validated, the tensor data is not
    /// read at all, so this costs the same for a 100 KB and a 1 GB file.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The metadata; empty when the file has none.</returns>
    /// <exception cref="SafetensorsFormatException">The header is malformed; the message names the file and the problem.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        return SafetensorsHeader.Read(stream, path).Metadata;
    }

    /// <summary>Reads and validates safetensors data from a stream (to its end).</summary>
    /// <param name="stream">The stream, positioned at the start of the file.</param>
    /// <returns>The file's tensors and metadata.</returns>
    /// <exception cref="SafetensorsFormatException">The data is malformed.</exception>
    public static SafetensorsFile Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadCore(stream, null);
    }

    /// <summary>
    /// Writes tensors of any dtype as a safetensors stream: metadata first, then the tensors in
    /// the given order, each one's bytes (little-endian) right after the previous one.
    /// </summary>
    /// <param name="stream">The destination.</param>
    /// <param name="tensors">Name, dtype (<c>F32</c>, <c>I64</c>, …), shape and raw little-endian bytes of each tensor.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> strings.</param>
    /// <exception cref="ArgumentException">A name repeats, a dtype is unknown, or a tensor's byte count does not match its dtype and shape.</exception>
    public static void Write(Stream stream, IEnumerable<(string Name, string DType, int[] Shape, byte[] Data)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        List<(string Name, string DType, int[] Shape, byte[] Data)> list = ValidateTensors(tensors);
        var entries = new (string Name, string DType, int[] Shape, long Begin, long End)[list.Count];
        long offset = 0;
        for (int i = 0; i < list.Count; i++)
        {
            entries[i] = (list[i].Name, list[i].DType, list[i].Shape, offset, offset + list[i].Data.Length);
            offset += list[i].Data.Length;
        }

        stream.Write(SafetensorsHeader.Build(entries, metadata));
        foreach ((string _, string _, int[] _, byte[] data) in list)
        {
            stream.Write(data);
        }

        stream.Flush();
    }

    /// <summary>Writes tensors of any dtype as a safetensors file, replacing <paramref name="path"/> only once the whole file is written.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">Name, dtype, shape and raw little-endian bytes of each tensor.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> strings.</param>
    /// <exception cref="ArgumentException">A name repeats, a dtype is unknown, or a tensor's byte count does not match its dtype and shape.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, IEnumerable<(string Name, string DType, int[] Shape, byte[] Data)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        List<(string Name, string DType, int[] Shape, byte[] Data)> list = ValidateTensors(tensors);
        string target = Path.GetFullPath(path);
        FileStream stream = AtomicFile.Create(target, out string temporary);
        try
        {
            using (stream)
            {
                Write(stream, list, metadata);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            AtomicFile.TryDelete(temporary);
            throw;
        }
    }

    private static List<(string Name, string DType, int[] Shape, byte[] Data)> ValidateTensors(IEnumerable<(string Name, string DType, int[] Shape, byte[] Data)> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = new List<(string Name, string DType, int[] Shape, byte[] Data)>(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, string dtype, int[] shape, byte[] data) in list)
        {
            if (string.IsNullOrEmpty(name) || name == SafetensorsHeader.MetadataKey || !names.Add(name))
            {
                throw new ArgumentException($"Tensor name '{name}' is empty, reserved or repeated.", nameof(tensors));
            }

            int size = dtype is null ? 0 : SafetensorsHeader.ElementSize(dtype);
            if (size == 0)
            {
                throw new ArgumentException($"Tensor '{name}' has unknown dtype '{dtype}'.", nameof(tensors));
            }

            if (shape is null || data is null)
            {
                throw new ArgumentException($"Tensor '{name}' has no shape or no data.", nameof(tensors));
            }

            long count = 1;
            foreach (int dimension in shape)
            {
                if (dimension < 0)
                {
                    throw new ArgumentException($"Tensor '{name}' has a negative dimension in shape {SafetensorsHeader.FormatShape(shape)}.", nameof(tensors));
                }

                count = checked(count * dimension);
            }

            if (checked(count * size) != data.Length)
            {
                throw new ArgumentException(
                    $"Tensor '{name}' has {data.Length} bytes of data, but dtype {dtype} with shape {SafetensorsHeader.FormatShape(shape)} needs {count * size}.", nameof(tensors));
            }
        }

        return list;
    }

    private static SafetensorsFile ReadCore(Stream stream, string? path)
    {
        SafetensorsHeader header = SafetensorsHeader.Read(stream, path);
        byte[] data;
        if (header.DataLength is long length)
        {
            if (length > Array.MaxLength)
            {
                throw SafetensorsHeader.Error(path, null, $"the data section is {length} bytes, too large to read into memory");
            }

            data = new byte[length];
            int read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            if (read < data.Length)
            {
                throw SafetensorsHeader.Error(path, null, $"the data section ended after {read} of {length} bytes");
            }
        }
        else
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            data = buffer.ToArray();
            header.CheckRange(data.Length, path);
        }

        var names = new List<string>(header.Tensors.Count);
        var byName = new Dictionary<string, TensorEntry>(header.Tensors.Count, StringComparer.Ordinal);
        foreach (HeaderTensor t in header.Tensors)
        {
            names.Add(t.Name);
            byName.Add(t.Name, new TensorEntry(t.Name, t.DType, t.Shape, t.ElementCount, new ReadOnlyMemory<byte>(data, (int)t.Begin, (int)(t.End - t.Begin))));
        }

        return new SafetensorsFile(header.Metadata, names, byName);
    }
}
