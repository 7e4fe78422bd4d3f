using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace RnnGen.IO;

/// <summary>One tensor entry of a validated safetensors header.</summary>
internal sealed class HeaderTensor
{
    public HeaderTensor(string name, string dtype, int elementSize, int[] shape, long elementCount, long begin, long end)
    {
        Name = name;
        DType = dtype;
        ElementSize = elementSize;
        Shape = shape;
        ElementCount = elementCount;
        Begin = begin;
        End = end;
    }

    public string Name { get; }

    public string DType { get; }

    public int ElementSize { get; }

    public int[] Shape { get; }

    public long ElementCount { get; }

    /// <summary>First byte, relative to the start of the data section.</summary>
    public long Begin { get; }

    /// <summary>One past the last byte, relative to the start of the data section.</summary>
    public long End { get; }
}

/// <summary>
/// Reads and validates the length prefix and JSON header of a safetensors file, and writes
/// headers. Everything about the header is checked here: the length, the JSON syntax, the
/// structure, dtypes, shapes, and data offsets (consistent with dtype and shape, not
/// overlapping, and within the data section when its size is known).
/// </summary>
internal sealed class SafetensorsHeader
{
    /// <summary>Largest header accepted, in bytes (100 MB).</summary>
    public const long MaxHeaderLength = 100L * 1024 * 1024;

    public const string MetadataKey = "__metadata__";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private SafetensorsHeader(List<HeaderTensor> tensors, Dictionary<string, HeaderTensor> byName, Dictionary<string, string> metadata, long headerLength, long? dataLength)
    {
        Tensors = tensors;
        ByName = byName;
        Metadata = metadata;
        HeaderLength = headerLength;
        DataLength = dataLength;
    }

    /// <summary>The tensors in header order.</summary>
    public List<HeaderTensor> Tensors { get; }

    public Dictionary<string, HeaderTensor> ByName { get; }

    public Dictionary<string, string> Metadata { get; }

    /// <summary>The header length N from the 8-byte prefix.</summary>
    public long HeaderLength { get; }

    /// <summary>Bytes after the header when the stream is seekable; null otherwise.</summary>
    public long? DataLength { get; }

    /// <summary>Size in bytes of one element of a dtype, or 0 for an unknown dtype.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    /// <summary>Formats a shape as <c>[2, 3]</c>.</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => FormatList(shape);

    public static string FormatList<T>(IReadOnlyList<T> values)
        where T : IFormattable
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(values[i].ToString(null, CultureInfo.InvariantCulture));
        }

        return sb.Append(']').ToString();
    }

    /// <summary>Formats names as <c>'a', 'b'</c> (or <c>(none)</c>).</summary>
    public static string FormatNames(IEnumerable<string> names)
    {
        var sb = new StringBuilder();
        foreach (string name in names)
        {
            if (sb.Length > 0)
            {
                sb.Append(", ");
            }

            sb.Append('\'').Append(name).Append('\'');
        }

        return sb.Length == 0 ? "(none)" : sb.ToString();
    }

    /// <summary>Creates the exception for a problem, prefixed with the source (file or stream).</summary>
    public static SafetensorsFormatException Error(string? path, string? tensor, string message, Exception? inner = null)
    {
        string source = path is null ? "Invalid safetensors data" : $"Invalid safetensors file '{path}'";
        return new SafetensorsFormatException($"{source}: {message}", path, tensor, inner);
    }

    /// <summary>Reads the length prefix and the header from the stream's current position, leaving it at the start of the data.</summary>
    public static SafetensorsHeader Read(Stream stream, string? path)
    {
        long? available = stream.CanSeek ? stream.Length - stream.Position : null;

        Span<byte> prefix = stackalloc byte[8];
        int got = stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false);
        if (got < 8)
        {
            throw Error(path, null, $"the file is {got} bytes long, too short for the 8-byte header length that starts every safetensors file");
        }

        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (declared == 0)
        {
            throw Error(path, null, "the header length is 0; expected a JSON header of at least 2 bytes");
        }

        if (declared > MaxHeaderLength)
        {
            throw Error(path, null, $"the header length is {declared} bytes, more than the {MaxHeaderLength} byte limit (corrupt, or not a safetensors file)");
        }

        long headerLength = (long)declared;
        long? remaining = available - 8;
        if (remaining is long after && headerLength > after)
        {
            throw Error(path, null, $"the header length is {headerLength} bytes but only {after} bytes follow the length prefix (truncated, or not a safetensors file)");
        }

        byte[] headerBytes = ReadHeaderBytes(stream, headerLength, path);
        string text;
        try
        {
            text = StrictUtf8.GetString(headerBytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw Error(path, null, "the header is not valid UTF-8", ex);
        }

        JsonNode root;
        try
        {
            root = JsonHeaderParser.Parse(text);
        }
        catch (JsonSyntaxException ex)
        {
            throw Error(path, null, $"the header is not valid JSON: {ex.Message} (at character {ex.Position} of {text.Length})", ex);
        }

        long? dataLength = remaining - headerLength;
        SafetensorsHeader header = Interpret(root, path, headerLength, dataLength);
        if (dataLength is long length)
        {
            header.CheckRange(length, path);
        }

        return header;
    }

    /// <summary>Checks that every tensor's bytes lie within a data section of the given length.</summary>
    public void CheckRange(long dataLength, string? path)
    {
        foreach (HeaderTensor t in Tensors)
        {
            if (t.End > dataLength)
            {
                throw Error(path, t.Name, $"tensor '{t.Name}' has data_offsets [{t.Begin}, {t.End}] but the data section is only {dataLength} bytes long (the file is truncated or the offsets are wrong)");
            }
        }
    }

    private static byte[] ReadHeaderBytes(Stream stream, long headerLength, string? path)
    {
        // Grow the buffer as bytes arrive so a bogus length on a non-seekable stream does not
        // allocate the maximum up front.
        byte[] buffer = new byte[(int)Math.Min(headerLength, 1 << 16)];
        int filled = 0;
        while (true)
        {
            int read = stream.ReadAtLeast(buffer.AsSpan(filled), buffer.Length - filled, throwOnEndOfStream: false);
            filled += read;
            if (filled < buffer.Length)
            {
                throw Error(path, null, $"the file ends inside the header: the header length is {headerLength} bytes but only {filled} follow the length prefix (truncated)");
            }

            if (filled == headerLength)
            {
                return buffer;
            }

            Array.Resize(ref buffer, (int)Math.Min(headerLength, (long)buffer.Length * 4));
        }
    }

    private static SafetensorsHeader Interpret(JsonNode root, string? path, long headerLength, long? dataLength)
    {
        if (root.Kind != JsonKind.Object)
        {
            throw Error(path, null, $"the header must be a JSON object mapping tensor names to entries, found {root.Describe()}");
        }

        var tensors = new List<HeaderTensor>(root.Members.Count);
        var byName = new Dictionary<string, HeaderTensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, JsonNode> member in root.Members)
        {
            if (member.Key == MetadataKey)
            {
                ReadMetadata(member.Value, metadata, path);
                continue;
            }

            HeaderTensor tensor = ReadTensor(member.Key, member.Value, path);
            tensors.Add(tensor);
            byName.Add(tensor.Name, tensor);
        }

        CheckOverlaps(tensors, path);
        return new SafetensorsHeader(tensors, byName, metadata, headerLength, dataLength);
    }

    private static void ReadMetadata(JsonNode node, Dictionary<string, string> metadata, string? path)
    {
        if (node.Kind != JsonKind.Object)
        {
            throw Error(path, null, $"\"{MetadataKey}\" must be an object of string values, found {node.Describe()}");
        }

        foreach (KeyValuePair<string, JsonNode> entry in node.Members)
        {
            if (entry.Value.Kind != JsonKind.String)
            {
                throw Error(path, null, $"\"{MetadataKey}\" value for key \"{entry.Key}\" must be a string, found {entry.Value.Describe()}");
            }

            metadata.Add(entry.Key, entry.Value.Text!);
        }
    }

    private static HeaderTensor ReadTensor(string name, JsonNode node, string? path)
    {
        if (node.Kind != JsonKind.Object)
        {
            throw Error(path, name, $"tensor '{name}': expected an object with \"dtype\", \"shape\" and \"data_offsets\", found {node.Describe()}");
        }

        JsonNode? dtypeNode = null, shapeNode = null, offsetsNode = null;
        foreach (KeyValuePair<string, JsonNode> field in node.Members)
        {
            switch (field.Key)
            {
                case "dtype": dtypeNode = field.Value; break;
                case "shape": shapeNode = field.Value; break;
                case "data_offsets": offsetsNode = field.Value; break;
            }
        }

        if (dtypeNode is null || shapeNode is null || offsetsNode is null)
        {
            string missing = dtypeNode is null ? "dtype" : shapeNode is null ? "shape" : "data_offsets";
            throw Error(path, name, $"tensor '{name}' has no \"{missing}\" field");
        }

        if (dtypeNode.Kind != JsonKind.String)
        {
            throw Error(path, name, $"tensor '{name}': \"dtype\" must be a string, found {dtypeNode.Describe()}");
        }

        string dtype = dtypeNode.Text!;
        int elementSize = ElementSize(dtype);
        if (elementSize == 0)
        {
            throw Error(path, name, $"tensor '{name}' has unknown dtype \"{dtype}\" (expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL, F8_E4M3, F8_E5M2)");
        }

        if (shapeNode.Kind != JsonKind.Array)
        {
            throw Error(path, name, $"tensor '{name}': \"shape\" must be an array of integers, found {shapeNode.Describe()}");
        }

        var shape = new int[shapeNode.Items.Count];
        long count = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            JsonNode dim = shapeNode.Items[d];
            if (dim.Kind != JsonKind.Number || !dim.IsInteger)
            {
                throw Error(path, name, $"tensor '{name}': shape dimension {d} must be an integer, found {dim.Describe()}");
            }

            if (dim.Integer < 0)
            {
                throw Error(path, name, $"tensor '{name}' has a negative dimension {dim.Integer} in its shape (dimension {d})");
            }

            if (dim.Integer > int.MaxValue)
            {
                throw Error(path, name, $"tensor '{name}': shape dimension {d} is {dim.Integer}, larger than {int.MaxValue}");
            }

            shape[d] = (int)dim.Integer;
        }

        if (Array.IndexOf(shape, 0) >= 0)
        {
            count = 0;
        }
        else
        {
            foreach (int dimension in shape)
            {
                if (count > long.MaxValue / 8 / dimension)
                {
                    throw Error(path, name, $"tensor '{name}' has shape {FormatShape(shape)}, too many elements for any file");
                }

                count *= dimension;
            }
        }

        if (offsetsNode.Kind != JsonKind.Array || offsetsNode.Items.Count != 2)
        {
            throw Error(path, name, $"tensor '{name}': \"data_offsets\" must be an array of two integers [begin, end], found {offsetsNode.Describe()}" +
                (offsetsNode.Kind == JsonKind.Array ? $" of {offsetsNode.Items.Count} items" : string.Empty));
        }

        long begin = ReadOffset(offsetsNode.Items[0], name, "begin", path);
        long end = ReadOffset(offsetsNode.Items[1], name, "end", path);
        if (end < begin)
        {
            throw Error(path, name, $"tensor '{name}' has data_offsets [{begin}, {end}] whose end is before its begin");
        }

        long bytes = count * elementSize;
        if (end - begin != bytes)
        {
            throw Error(path, name, $"tensor '{name}' has data_offsets [{begin}, {end}] spanning {end - begin} bytes, but dtype {dtype} with shape {FormatShape(shape)} needs {bytes} bytes");
        }

        return new HeaderTensor(name, dtype, elementSize, shape, count, begin, end);
    }

    private static long ReadOffset(JsonNode node, string name, string which, string? path)
    {
        if (node.Kind != JsonKind.Number || !node.IsInteger)
        {
            throw Error(path, name, $"tensor '{name}': data_offsets {which} must be a non-negative integer, found {node.Describe()}");
        }

        if (node.Integer < 0)
        {
            throw Error(path, name, $"tensor '{name}' has a negative data_offsets {which} ({node.Integer})");
        }

        return node.Integer;
    }

    private static void CheckOverlaps(List<HeaderTensor> tensors, string? path)
    {
        var ordered = new List<HeaderTensor>(tensors.Count);
        foreach (HeaderTensor t in tensors)
        {
            if (t.End > t.Begin)
            {
                ordered.Add(t);
            }
        }

        ordered.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        for (int i = 1; i < ordered.Count; i++)
        {
            HeaderTensor previous = ordered[i - 1];
            HeaderTensor current = ordered[i];
            if (current.Begin < previous.End)
            {
                throw Error(path, current.Name, $"tensors '{previous.Name}' (data_offsets [{previous.Begin}, {previous.End}]) and '{current.Name}' (data_offsets [{current.Begin}, {current.End}]) overlap");
            }
        }
    }

    // -------------------------------------------------------------------------------------
    // Writing
    // -------------------------------------------------------------------------------------

    /// <summary>
    /// Builds the 8-byte length prefix plus the JSON header (metadata first, then tensors in the
    /// given order), padded with spaces so that the header length is a multiple of 8.
    /// </summary>
    public static byte[] Build(IReadOnlyList<(string Name, string DType, int[] Shape, long Begin, long End)> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var sb = new StringBuilder();
        sb.Append('{');
        bool first = true;
        if (metadata is not null && metadata.Count > 0)
        {
            AppendString(sb, MetadataKey, "metadata key");
            sb.Append(":{");
            bool firstEntry = true;
            foreach (KeyValuePair<string, string> entry in metadata)
            {
                if (entry.Key is null || entry.Value is null)
                {
                    throw new ArgumentException($"Metadata entries must have non-null keys and values (key '{entry.Key}').", nameof(metadata));
                }

                if (!firstEntry)
                {
                    sb.Append(',');
                }

                firstEntry = false;
                AppendString(sb, entry.Key, "metadata key");
                sb.Append(':');
                AppendString(sb, entry.Value, $"metadata value for key '{entry.Key}'");
            }

            sb.Append('}');
            first = false;
        }

        foreach ((string name, string dtype, int[] shape, long begin, long end) in tensors)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            AppendString(sb, name, "tensor name");
            sb.Append(":{\"dtype\":");
            AppendString(sb, dtype, "dtype");
            sb.Append(",\"shape\":[");
            for (int d = 0; d < shape.Length; d++)
            {
                if (d > 0)
                {
                    sb.Append(',');
                }

                sb.Append(shape[d].ToString(CultureInfo.InvariantCulture));
            }

            sb.Append("],\"data_offsets\":[")
                .Append(begin.ToString(CultureInfo.InvariantCulture))
                .Append(',')
                .Append(end.ToString(CultureInfo.InvariantCulture))
                .Append("]}");
        }

        sb.Append('}');

        int jsonLength = StrictUtf8.GetByteCount(sb.ToString());
        int padded = (jsonLength + 7) & ~7;
        byte[] result = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        StrictUtf8.GetBytes(sb.ToString(), 0, sb.Length, result, 8);
        result.AsSpan(8 + jsonLength).Fill((byte)' ');
        return result;
    }

    private static void AppendString(StringBuilder sb, string value, string what)
    {
        sb.Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        sb.Append(c).Append(value[i + 1]);
                        i++;
                    }
                    else if (char.IsSurrogate(c))
                    {
                        throw new ArgumentException($"The {what} \"{value}\" contains an unpaired surrogate and cannot be written as UTF-8.");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
