using System;
using System.Buffers.Binary;

namespace RnnGen.IO;

/// <summary>One tensor of a <see cref="SafetensorsFile"/>: its name, dtype, shape and raw data, with conversions.</summary>
public sealed class TensorEntry
{
    private readonly int[] _shape;

    internal TensorEntry(string name, string dtype, int[] shape, long elementCount, ReadOnlyMemory<byte> data)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        ElementCount = elementCount;
        Data = data;
    }

    /// <summary>The tensor's key.</summary>
    public string Name { get; }

    /// <summary>The safetensors dtype: <c>F32</c>, <c>F64</c>, <c>F16</c>, <c>BF16</c>, <c>I64</c>, <c>I32</c>, <c>I16</c>, <c>I8</c>, <c>U8</c>, <c>BOOL</c>, …</summary>
    public string DType { get; }

    /// <summary>The shape, outermost dimension first (a copy; empty for a scalar).</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>Number of elements (the product of the shape).</summary>
    public long ElementCount { get; }

    /// <summary>The raw little-endian bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The values as float32, converted from F32, F64, F16 or BF16.</summary>
    /// <returns>A new array of <see cref="ElementCount"/> values in row-major order.</returns>
    /// <exception cref="InvalidOperationException">The dtype is not a floating-point type.</exception>
    public float[] ToSingleArray()
    {
        ReadOnlySpan<byte> bytes = Data.Span;
        float[] result = new float[CheckedCount()];
        switch (DType)
        {
            case "F32":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4));
                }

                break;
            case "F64":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(i * 8));
                }

                break;
            case "F16":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(i * 2));
                }

                break;
            case "BF16":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2)) << 16);
                }

                break;
            default:
                throw new InvalidOperationException($"Tensor '{Name}' has dtype {DType}, which is not F32, F64, F16 or BF16; use ToInt64Array for integer tensors.");
        }

        return result;
    }

    /// <summary>The values as 64-bit integers, converted from I64, I32, I16, I8, U8, U16, U32, U64 (values up to <see cref="long.MaxValue"/>) or BOOL (0 or 1).</summary>
    /// <returns>A new array of <see cref="ElementCount"/> values in row-major order.</returns>
    /// <exception cref="InvalidOperationException">The dtype is not an integer type, or a U64 value exceeds <see cref="long.MaxValue"/>.</exception>
    public long[] ToInt64Array()
    {
        ReadOnlySpan<byte> bytes = Data.Span;
        long[] result = new long[CheckedCount()];
        switch (DType)
        {
            case "I64":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(i * 8));
                }

                break;
            case "U64":
                for (int i = 0; i < result.Length; i++)
                {
                    ulong value = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i * 8));
                    if (value > long.MaxValue)
                    {
                        throw new InvalidOperationException($"Tensor '{Name}' (U64) holds {value} at index {i}, larger than long.MaxValue.");
                    }

                    result[i] = (long)value;
                }

                break;
            case "I32":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4));
                }

                break;
            case "U32":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(i * 4));
                }

                break;
            case "I16":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.Slice(i * 2));
                }

                break;
            case "U16":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2));
                }

                break;
            case "I8":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (sbyte)bytes[i];
                }

                break;
            case "U8":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = bytes[i];
                }

                break;
            case "BOOL":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = bytes[i] != 0 ? 1 : 0;
                }

                break;
            default:
                throw new InvalidOperationException($"Tensor '{Name}' has dtype {DType}, which is not an integer type; use ToSingleArray for floating-point tensors.");
        }

        return result;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {DType} {SafetensorsHeader.FormatShape(_shape)}";

    private int CheckedCount()
    {
        if (ElementCount > Array.MaxLength)
        {
            throw new InvalidOperationException($"Tensor '{Name}' has {ElementCount} elements, too many for one array.");
        }

        return (int)ElementCount;
    }
}
