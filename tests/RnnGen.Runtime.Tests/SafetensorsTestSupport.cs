using System;
using System.Buffers.Binary;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Text;
using RnnGen.IO;

namespace RnnGen.Runtime.Tests;

/// <summary>Builders for hand-made (valid and broken) safetensors bytes, and streams that misbehave.</summary>
internal static class St
{
    /// <summary>a [2, 3] at 0, b [3] at 6, c [] (scalar) at 9: ten parameters.</summary>
    public static readonly TensorLayout[] Layout =
    {
        new("a", new[] { 2, 3 }, 0),
        new("b", new[] { 3 }, 6),
        new("c", Array.Empty<int>(), 9),
    };

    public const int ParameterCount = 10;

    /// <summary>Valid header JSON for <see cref="Layout"/> with data in layout order (40 bytes).</summary>
    public const string ValidJson =
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}," +
        "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,36]}," +
        "\"c\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[36,40]}}";

    /// <summary>Distinctive parameter values (a load target whose changes are easy to spot).</summary>
    public static float[] Sentinel(int count = ParameterCount)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = -1000 - i;
        }

        return values;
    }

    /// <summary>The values 1..10 as little-endian F32: what <see cref="ValidJson"/> files hold.</summary>
    public static byte[] Data(int count = ParameterCount)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = i + 1;
        }

        return Floats(values);
    }

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>8-byte length (the header's byte count unless overridden), header, data.</summary>
    public static byte[] File(string json, byte[] data, ulong? declaredLength = null)
        => File(Encoding.UTF8.GetBytes(json), data, declaredLength);

    public static byte[] File(byte[] header, byte[] data, ulong? declaredLength = null)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>The JSON header of a safetensors file's bytes.</summary>
    public static string HeaderOf(byte[] file)
    {
        int length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file));
        return Encoding.UTF8.GetString(file, 8, length);
    }

    /// <summary>A fresh empty directory under the system temporary directory.</summary>
    public static string NewDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "rnngen-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}

/// <summary>A read-only view of another stream that cannot seek or report its length (like a network stream).</summary>
internal sealed class NonSeekableStream : Stream
{
    private readonly Stream _inner;

    public NonSeekableStream(Stream inner)
    {
        _inner = inner;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7)); // short reads too

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A writable stream that fails (like a full disk) once a given number of bytes has been written.</summary>
internal sealed class FailingWriteStream : Stream
{
    private readonly long _failAfter;

    public FailingWriteStream(long failAfter)
    {
        _failAfter = failAfter;
    }

    public long Written { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Written;

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Written + buffer.Length > _failAfter)
        {
            Written = _failAfter;
            throw new IOException("No space left on device (simulated).");
        }

        Written += buffer.Length;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>Metadata whose enumeration fails part-way (a failure in the middle of producing a file).</summary>
internal sealed class FailingMetadata : IReadOnlyDictionary<string, string>
{
    public int Count => 3;

    public IEnumerable<string> Keys => throw new NotSupportedException();

    public IEnumerable<string> Values => throw new NotSupportedException();

    public string this[string key] => throw new NotSupportedException();

    public bool ContainsKey(string key) => false;

    public bool TryGetValue(string key, out string value) => throw new NotSupportedException();

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        yield return new KeyValuePair<string, string>("first", "ok");
        throw new InvalidOperationException("metadata source failed");
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
