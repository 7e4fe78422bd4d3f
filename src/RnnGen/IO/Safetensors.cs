using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace RnnGen.IO;

/// <summary>
/// Loads and saves a model's flat float parameter buffer as a safetensors file (an 8-byte
/// little-endian header length, a UTF-8 JSON header, then the raw little-endian tensor data),
/// the format PyTorch's <c>safetensors.torch.save_file(model.state_dict(), ...)</c> writes.
/// </summary>
/// <remarks>
/// <para>
/// A load validates the whole file before it changes anything: the header length, the JSON,
/// every tensor's dtype, shape and data offsets, that every tensor of the layout is present
/// and that the file holds no other tensor (besides <c>__metadata__</c>), and that the data
/// is all there. Only then are the values copied into the parameter buffer, so a failed load
/// leaves it exactly as it was. Every problem with the file is a
/// <see cref="SafetensorsFormatException"/> whose message names the file, the tensor and what
/// was expected versus found.
/// </para>
/// <para>
/// A save writes the header keys and the data in layout order, F32, with the header padded
/// with spaces to a multiple of 8 bytes. Saving to a path writes a temporary file in the same
/// directory and renames it over the target, so a failed save leaves an existing file intact.
/// </para>
/// </remarks>
public static class Safetensors
{
    private const string F32 = "F32";

    /// <summary>Loads every tensor of <paramref name="layout"/> from a safetensors stream into <paramref name="parameters"/>.</summary>
    /// <param name="stream">The stream, positioned at the start of the file; read to the end of the last tensor.</param>
    /// <param name="layout">The tensors the model has, with their place in <paramref name="parameters"/>.</param>
    /// <param name="parameters">The model's parameter buffer; unchanged unless the whole load succeeds.</param>
    /// <exception cref="SafetensorsFormatException">The data is malformed or does not match the layout.</exception>
    /// <exception cref="ArgumentException">The layout is inconsistent with itself or with <paramref name="parameters"/>.</exception>
    public static void Load(Stream stream, IReadOnlyList<TensorLayout> layout, Span<float> parameters)
    {
        ArgumentNullException.ThrowIfNull(stream);
        LoadCore(stream, null, layout, parameters);
    }

    /// <summary>Loads every tensor of <paramref name="layout"/> from a safetensors file into <paramref name="parameters"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="layout">The tensors the model has, with their place in <paramref name="parameters"/>.</param>
    /// <param name="parameters">The model's parameter buffer; unchanged unless the whole load succeeds.</param>
    /// <exception cref="SafetensorsFormatException">The file is malformed or does not match the layout; the message names the file.</exception>
    /// <exception cref="ArgumentException">The layout is inconsistent with itself or with <paramref name="parameters"/>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void Load(string path, IReadOnlyList<TensorLayout> layout, Span<float> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ValidateLayout(layout, parameters.Length);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        LoadCore(stream, path, layout, parameters);
    }

    /// <summary>Saves the tensors of <paramref name="layout"/> from <paramref name="parameters"/> as safetensors to a stream.</summary>
    /// <param name="stream">The destination, written from its current position.</param>
    /// <param name="layout">The tensors to write, in order, with their place in <paramref name="parameters"/>.</param>
    /// <param name="parameters">The model's parameter buffer.</param>
    /// <param name="metadata">Optional string metadata, written as the header's <c>__metadata__</c>.</param>
    /// <exception cref="ArgumentException">The layout is inconsistent with itself or with <paramref name="parameters"/>, or a name or metadata string cannot be encoded.</exception>
    public static void Save(Stream stream, IReadOnlyList<TensorLayout> layout, ReadOnlySpan<float> parameters, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        TensorLayout[] tensors = ValidateLayout(layout, parameters.Length);

        var entries = new (string Name, string DType, int[] Shape, long Begin, long End)[tensors.Length];
        long offset = 0;
        for (int t = 0; t < tensors.Length; t++)
        {
            long bytes = (long)tensors[t].Length * sizeof(float);
            entries[t] = (tensors[t].Name, F32, tensors[t].Shape, offset, offset + bytes);
            offset += bytes;
        }

        byte[] header = SafetensorsHeader.Build(entries, metadata);
        stream.Write(header);
        foreach (TensorLayout tensor in tensors)
        {
            WriteSingles(stream, parameters.Slice(tensor.Offset, tensor.Length));
        }

        stream.Flush();
    }

    /// <summary>
    /// Saves the tensors of <paramref name="layout"/> from <paramref name="parameters"/> as a safetensors file.
    /// The data goes to a temporary file in the same directory that then replaces <paramref name="path"/>,
    /// so a failure leaves any existing file unchanged (and no temporary file behind).
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="layout">The tensors to write, in order, with their place in <paramref name="parameters"/>.</param>
    /// <param name="parameters">The model's parameter buffer.</param>
    /// <param name="metadata">Optional string metadata, written as the header's <c>__metadata__</c>.</param>
    /// <exception cref="ArgumentException">The layout is inconsistent with itself or with <paramref name="parameters"/>, or a name or metadata string cannot be encoded.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, IReadOnlyList<TensorLayout> layout, ReadOnlySpan<float> parameters, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ValidateLayout(layout, parameters.Length);
        string target = Path.GetFullPath(path);
        FileStream stream = AtomicFile.Create(target, out string temporary);
        try
        {
            using (stream)
            {
                Save(stream, layout, parameters, metadata);
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

    private static void LoadCore(Stream stream, string? path, IReadOnlyList<TensorLayout> layout, Span<float> parameters)
    {
        TensorLayout[] tensors = ValidateLayout(layout, parameters.Length);
        SafetensorsHeader header = SafetensorsHeader.Read(stream, path);

        // Every tensor of the model must be present.
        var missing = new List<string>();
        foreach (TensorLayout t in tensors)
        {
            if (!header.ByName.ContainsKey(t.Name))
            {
                missing.Add(t.Name);
            }
        }

        if (missing.Count > 0)
        {
            var fileNames = new List<string>(header.Tensors.Count);
            foreach (HeaderTensor t in header.Tensors)
            {
                fileNames.Add(t.Name);
            }

            throw SafetensorsHeader.Error(path, missing[0],
                $"missing tensor{(missing.Count > 1 ? "s" : string.Empty)} {SafetensorsHeader.FormatNames(missing)}; the file contains {SafetensorsHeader.FormatNames(fileNames)}");
        }

        // ...and nothing else.
        var expected = new Dictionary<string, int>(tensors.Length, StringComparer.Ordinal);
        for (int t = 0; t < tensors.Length; t++)
        {
            expected.Add(tensors[t].Name, t);
        }

        var extra = new List<string>();
        foreach (HeaderTensor t in header.Tensors)
        {
            if (!expected.ContainsKey(t.Name))
            {
                extra.Add(t.Name);
            }
        }

        if (extra.Count > 0)
        {
            var modelNames = new List<string>(tensors.Length);
            foreach (TensorLayout t in tensors)
            {
                modelNames.Add(t.Name);
            }

            throw SafetensorsHeader.Error(path, extra[0],
                $"unexpected tensor{(extra.Count > 1 ? "s" : string.Empty)} {SafetensorsHeader.FormatNames(extra)} that the model does not have; the model expects {SafetensorsHeader.FormatNames(modelNames)}");
        }

        // Each with the right dtype and shape.
        var staging = new int[tensors.Length];
        int total = 0;
        for (int t = 0; t < tensors.Length; t++)
        {
            HeaderTensor found = header.ByName[tensors[t].Name];
            if (found.DType != F32)
            {
                throw SafetensorsHeader.Error(path, found.Name,
                    $"tensor '{found.Name}' has dtype {found.DType}, expected F32 (convert it to float32 before saving)");
            }

            if (!found.Shape.AsSpan().SequenceEqual(tensors[t].Shape))
            {
                throw SafetensorsHeader.Error(path, found.Name,
                    $"tensor '{found.Name}' has shape {SafetensorsHeader.FormatShape(found.Shape)}, expected {SafetensorsHeader.FormatShape(tensors[t].Shape)}");
            }

            staging[t] = total;
            total += tensors[t].Length;
        }

        // Read the data in file order into a staging buffer; the parameters are untouched until it is complete.
        var order = new List<HeaderTensor>(header.Tensors);
        order.Sort(static (a, b) => a.Begin.CompareTo(b.Begin));
        float[] values = new float[total];
        long position = 0;
        foreach (HeaderTensor t in order)
        {
            if (t.End == t.Begin)
            {
                continue;
            }

            Skip(stream, t.Begin - position, t, path);
            int index = expected[t.Name];
            Span<byte> destination = MemoryMarshal.AsBytes(values.AsSpan(staging[index], tensors[index].Length));
            int read = stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
            if (read < destination.Length)
            {
                throw SafetensorsHeader.Error(path, t.Name,
                    $"the file ends inside tensor '{t.Name}': data_offsets [{t.Begin}, {t.End}] need {t.End} data bytes but the data section has only {t.Begin + read} (truncated)");
            }

            position = t.End;
        }

        if (!BitConverter.IsLittleEndian)
        {
            Span<int> words = MemoryMarshal.Cast<float, int>(values.AsSpan());
            BinaryPrimitives.ReverseEndianness(words, words);
        }

        for (int t = 0; t < tensors.Length; t++)
        {
            values.AsSpan(staging[t], tensors[t].Length).CopyTo(parameters.Slice(tensors[t].Offset, tensors[t].Length));
        }
    }

    private static void Skip(Stream stream, long count, HeaderTensor next, string? path)
    {
        if (count <= 0)
        {
            return;
        }

        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current);
            return;
        }

        byte[] scratch = ArrayPool<byte>.Shared.Rent((int)Math.Min(count, 1 << 16));
        try
        {
            while (count > 0)
            {
                int read = stream.Read(scratch, 0, (int)Math.Min(count, scratch.Length));
                if (read == 0)
                {
                    throw SafetensorsHeader.Error(path, next.Name,
                        $"the file ends before tensor '{next.Name}' (data_offsets [{next.Begin}, {next.End}]) (truncated)");
                }

                count -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static void WriteSingles(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        int[] buffer = ArrayPool<int>.Shared.Rent(Math.Min(values.Length, 16384));
        try
        {
            while (!values.IsEmpty)
            {
                int n = Math.Min(values.Length, buffer.Length);
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(values.Slice(0, n)), buffer.AsSpan(0, n));
                stream.Write(MemoryMarshal.AsBytes(buffer.AsSpan(0, n)));
                values = values.Slice(n);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }

    /// <summary>Checks the layout (caller errors, not file errors) and returns a snapshot of it.</summary>
    private static TensorLayout[] ValidateLayout(IReadOnlyList<TensorLayout> layout, int parameterCount)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var tensors = new TensorLayout[layout.Count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int t = 0; t < tensors.Length; t++)
        {
            TensorLayout tensor = layout[t];
            tensors[t] = tensor;
            if (string.IsNullOrEmpty(tensor.Name) || tensor.Name == SafetensorsHeader.MetadataKey)
            {
                throw new ArgumentException($"Layout entry {t} has an invalid name '{tensor.Name}'.", nameof(layout));
            }

            if (!names.Add(tensor.Name))
            {
                throw new ArgumentException($"Layout names tensor '{tensor.Name}' twice.", nameof(layout));
            }

            if (tensor.Shape is null)
            {
                throw new ArgumentException($"Layout tensor '{tensor.Name}' has no shape.", nameof(layout));
            }

            foreach (int dimension in tensor.Shape)
            {
                if (dimension < 0)
                {
                    throw new ArgumentException($"Layout tensor '{tensor.Name}' has a negative dimension in shape {SafetensorsHeader.FormatShape(tensor.Shape)}.", nameof(layout));
                }
            }

            long length;
            try
            {
                length = tensor.Length;
            }
            catch (OverflowException)
            {
                throw new ArgumentException($"Layout tensor '{tensor.Name}' has shape {SafetensorsHeader.FormatShape(tensor.Shape)} with more than int.MaxValue elements.", nameof(layout));
            }

            if (tensor.Offset < 0 || tensor.Offset + length > parameterCount)
            {
                throw new ArgumentException(
                    $"Layout tensor '{tensor.Name}' occupies [{tensor.Offset}, {tensor.Offset + length}) but the parameter buffer has {parameterCount} elements.", nameof(layout));
            }
        }

        return tensors;
    }
}

/// <summary>Writes a file through a temporary file in the same directory that is then renamed over the target.</summary>
internal static class AtomicFile
{
    /// <summary>Creates a new temporary file next to <paramref name="target"/>.</summary>
    public static FileStream Create(string target, out string temporary)
    {
        string directory = Path.GetDirectoryName(target) ?? ".";
        string name = Path.GetFileName(target);
        while (true)
        {
            temporary = Path.Combine(directory, $".{name}.{Path.GetRandomFileName()}.tmp");
            try
            {
                return new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            }
            catch (IOException) when (File.Exists(temporary))
            {
                // Name collision with another writer: try another name.
            }
        }
    }

    /// <summary>Deletes a file, ignoring failures (used on an error path).</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
