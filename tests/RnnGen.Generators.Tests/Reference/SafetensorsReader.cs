using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace RnnGen.Generators.Tests.Reference;

/// <summary>One tensor of a safetensors file, widened to double (F32, F64, I32 or I64 on disk).</summary>
public sealed record SafetensorsTensor(string DType, int[] Shape, double[] Values)
{
    /// <summary>The values as float (exact for F32 tensors).</summary>
    public float[] AsFloats() => Values.Select(v => (float)v).ToArray();

    /// <summary>The values as int (for integer tensors such as token ids).</summary>
    public int[] AsInts() => Values.Select(v => checked((int)v)).ToArray();
}

/// <summary>
/// A minimal safetensors reader for test fixtures: an 8-byte little-endian header length, a
/// JSON header (<c>dtype</c>, <c>shape</c>, <c>data_offsets</c> per tensor and an optional
/// <c>__metadata__</c> string map), then the raw little-endian data.
/// </summary>
public sealed class SafetensorsReader
{
    private SafetensorsReader(Dictionary<string, SafetensorsTensor> tensors, Dictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Tensors by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensor> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> entries.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads a whole file.</summary>
    public static SafetensorsReader Read(string path) => Read(File.ReadAllBytes(path));

    /// <summary>Reads safetensors bytes.</summary>
    public static SafetensorsReader Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0, 8));
        int dataStart = checked(8 + (int)headerLength);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        var tensors = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                foreach (var item in entry.Value.EnumerateObject())
                {
                    metadata[item.Name] = item.Value.GetString() ?? "";
                }

                continue;
            }

            string dtype = entry.Value.GetProperty("dtype").GetString() ?? "";
            int[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var data = bytes.AsSpan(dataStart + (int)offsets[0], (int)(offsets[1] - offsets[0]));
            int count = shape.Aggregate(1, (a, b) => a * b);
            var values = new double[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = dtype switch
                {
                    "F32" => BinaryPrimitives.ReadSingleLittleEndian(data.Slice(i * 4, 4)),
                    "F64" => BinaryPrimitives.ReadDoubleLittleEndian(data.Slice(i * 8, 8)),
                    "I32" => BinaryPrimitives.ReadInt32LittleEndian(data.Slice(i * 4, 4)),
                    "I64" => BinaryPrimitives.ReadInt64LittleEndian(data.Slice(i * 8, 8)),
                    _ => throw new NotSupportedException($"Tensor '{entry.Name}' has dtype {dtype}."),
                };
            }

            tensors[entry.Name] = new SafetensorsTensor(dtype, shape, values);
        }

        return new SafetensorsReader(tensors, metadata);
    }
}
