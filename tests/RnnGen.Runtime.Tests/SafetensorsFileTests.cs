using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.IO;
using Xunit;

namespace RnnGen.Runtime.Tests;

/// <summary>The general reader/writer: every dtype, conversions, and real files written on the PyTorch side.</summary>
public sealed class SafetensorsFileTests
{
    private static string FixturesDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static IEnumerable<object[]> Fixtures()
        => Directory.GetFiles(FixturesDirectory, "*.safetensors").OrderBy(p => p, StringComparer.Ordinal).Select(p => new object[] { Path.GetFileName(p) });

    [Fact]
    public void FixturesAreAvailable()
    {
        Assert.True(Fixtures().Count() >= 10, $"expected the PyTorch fixtures in {FixturesDirectory}");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReadMetadata_EqualsTheFullReadsMetadata(string name)
    {
        string path = Path.Combine(FixturesDirectory, name);
        IReadOnlyDictionary<string, string> metadata = SafetensorsFile.ReadMetadata(path);
        Assert.NotEmpty(metadata);
        Assert.Equal(SafetensorsFile.Read(path).Metadata.OrderBy(p => p.Key, StringComparer.Ordinal), metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void ReadMetadata_RejectsABadHeader_OrATruncatedFile_NamingTheFile()
    {
        string dir = Directory.CreateTempSubdirectory("rnngen-meta").FullName;
        try
        {
            byte[] full = St.File("{\"__metadata__\":{\"alphabet\":\"abc\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", St.Floats(1f, 2f));
            string good = Path.Combine(dir, "good.safetensors");
            File.WriteAllBytes(good, full);
            Assert.Equal("abc", SafetensorsFile.ReadMetadata(good)["alphabet"]);

            // The header's offsets are checked against the file's length, as in a full read.
            string truncated = Path.Combine(dir, "truncated.safetensors");
            File.WriteAllBytes(truncated, full.AsSpan(0, full.Length - 4).ToArray());
            var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.ReadMetadata(truncated));
            Assert.Contains("truncated.safetensors", e.Message, StringComparison.Ordinal);

            string bad = Path.Combine(dir, "bad.safetensors");
            File.WriteAllBytes(bad, St.File("{\"a\":", St.Data()));
            e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.ReadMetadata(bad));
            Assert.Contains("bad.safetensors", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void PyTorchFixture_ReadsAndValidates(string name)
    {
        string path = Path.Combine(FixturesDirectory, name);
        SafetensorsFile file = SafetensorsFile.Read(path);
        Assert.True(file.Metadata.ContainsKey("model"));
        Assert.Contains("__output__", file.Names);

        TensorEntry loss = file["__loss__"];
        Assert.Equal("F32", loss.DType);
        Assert.Empty(loss.Shape);
        Assert.Equal(1, loss.ElementCount);
        Assert.True(loss.ToSingleArray()[0] > 0);

        TensorEntry input = file["__input__"];
        if (input.DType == "I64")
        {
            Assert.All(input.ToInt64Array(), id => Assert.InRange(id, 0, 1000));
            Assert.Throws<InvalidOperationException>(() => input.ToSingleArray());
        }
        else
        {
            Assert.Equal(input.ElementCount, input.ToSingleArray().Length);
            Assert.Throws<InvalidOperationException>(() => input.ToInt64Array());
        }

        // The model's own tensors load through a layout built from their shapes...
        var layout = new List<TensorLayout>();
        int offset = 0;
        foreach (string key in file.Names.Where(n => !n.StartsWith("__", StringComparison.Ordinal)))
        {
            int[] shape = file[key].Shape;
            layout.Add(new TensorLayout(key, shape, offset));
            offset += layout[^1].Length;
            Assert.True(file.Names.Contains("__grad__." + key), $"{key} has a gradient");
        }

        // ...but the file also holds inputs, outputs and gradients: a model load rejects them by name.
        float[] parameters = St.Sentinel(offset);
        var ex = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Load(path, layout, parameters));
        Assert.Contains("unexpected tensors", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'__input__'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        Assert.Equal(St.Sentinel(offset), parameters);

        // Saved on their own, they load back exactly.
        float[] values = new float[offset];
        foreach (TensorLayout t in layout)
        {
            file[t.Name].ToSingleArray().CopyTo(values, t.Offset);
        }

        var stream = new MemoryStream();
        Safetensors.Save(stream, layout, values, file.Metadata);
        stream.Position = 0;
        Safetensors.Load(stream, layout, parameters);
        Assert.Equal(values, parameters);
    }

    [Fact]
    public void EveryDtype_RoundTrips_AndConverts()
    {
        var tensors = new List<(string, string, int[], byte[])>
        {
            ("f32", "F32", new[] { 3 }, Bytes(3, 4, (s, i) => BinaryPrimitives.WriteSingleLittleEndian(s, new[] { 1.5f, -2f, 1e-3f }[i]))),
            ("f64", "F64", new[] { 1, 3 }, Bytes(3, 8, (s, i) => BinaryPrimitives.WriteDoubleLittleEndian(s, new[] { 0.1, -1e300, 3.25 }[i]))),
            ("f16", "F16", new[] { 3 }, Bytes(3, 2, (s, i) => BinaryPrimitives.WriteHalfLittleEndian(s, (Half)new[] { 0.5f, -65504f, 0.099975586f }[i]))),
            ("bf16", "BF16", new[] { 3 }, Bytes(3, 2, (s, i) => BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)(BitConverter.SingleToUInt32Bits(new[] { 1f, -3.5f, 1.0078125f }[i]) >> 16)))),
            ("i64", "I64", new[] { 2 }, Bytes(2, 8, (s, i) => BinaryPrimitives.WriteInt64LittleEndian(s, new[] { long.MinValue, 42L }[i]))),
            ("i32", "I32", new[] { 2 }, Bytes(2, 4, (s, i) => BinaryPrimitives.WriteInt32LittleEndian(s, new[] { -7, int.MaxValue }[i]))),
            ("i16", "I16", new[] { 2 }, Bytes(2, 2, (s, i) => BinaryPrimitives.WriteInt16LittleEndian(s, new short[] { -300, 300 }[i]))),
            ("i8", "I8", new[] { 2 }, new byte[] { 0x80, 0x7F }),
            ("u8", "U8", new[] { 2 }, new byte[] { 0xFF, 1 }),
            ("bool", "BOOL", new[] { 3 }, new byte[] { 0, 1, 2 }),
            ("u16", "U16", new[] { 1 }, Bytes(1, 2, (s, _) => BinaryPrimitives.WriteUInt16LittleEndian(s, 65535))),
            ("u32", "U32", new[] { 1 }, Bytes(1, 4, (s, _) => BinaryPrimitives.WriteUInt32LittleEndian(s, uint.MaxValue))),
            ("u64", "U64", new[] { 2 }, Bytes(2, 8, (s, i) => BinaryPrimitives.WriteUInt64LittleEndian(s, i == 0 ? 5UL : ulong.MaxValue))),
        };
        var stream = new MemoryStream();
        SafetensorsFile.Write(stream, tensors, new Dictionary<string, string> { ["k"] = "v" });
        stream.Position = 0;
        SafetensorsFile file = SafetensorsFile.Read(new NonSeekableStream(stream));

        Assert.Equal(tensors.Select(t => t.Item1), file.Names);
        Assert.Equal("v", file.Metadata["k"]);
        Assert.Equal(new[] { 1.5f, -2f, 1e-3f }, file["f32"].ToSingleArray());
        Assert.Equal(new[] { 0.1f, float.NegativeInfinity, 3.25f }, file["f64"].ToSingleArray());
        Assert.Equal(new[] { 0.5f, -65504f, 0.099975586f }, file["f16"].ToSingleArray());
        Assert.Equal(new[] { 1f, -3.5f, 1.0078125f }, file["bf16"].ToSingleArray());
        Assert.Equal(new[] { long.MinValue, 42L }, file["i64"].ToInt64Array());
        Assert.Equal(new long[] { -7, int.MaxValue }, file["i32"].ToInt64Array());
        Assert.Equal(new long[] { -300, 300 }, file["i16"].ToInt64Array());
        Assert.Equal(new long[] { -128, 127 }, file["i8"].ToInt64Array());
        Assert.Equal(new long[] { 255, 1 }, file["u8"].ToInt64Array());
        Assert.Equal(new long[] { 0, 1, 1 }, file["bool"].ToInt64Array());
        Assert.Equal(new long[] { 65535 }, file["u16"].ToInt64Array());
        Assert.Equal(new long[] { uint.MaxValue }, file["u32"].ToInt64Array());
        Assert.Equal(new[] { 1, 3 }, file["f64"].Shape);
        Assert.Equal(3, file["f64"].ElementCount);
        Assert.Equal(24, file["f64"].Data.Length);

        Assert.Throws<InvalidOperationException>(() => file["u64"].ToInt64Array()); // ulong.MaxValue does not fit
        Assert.Throws<InvalidOperationException>(() => file["i64"].ToSingleArray());
        Assert.Throws<InvalidOperationException>(() => file["bool"].ToSingleArray());
        Assert.Throws<InvalidOperationException>(() => file["f32"].ToInt64Array());
        Assert.Throws<InvalidOperationException>(() => file["bf16"].ToInt64Array());

        Assert.True(file.TryGet("i8", out TensorEntry? i8));
        Assert.Equal("I8", i8!.DType);
        Assert.False(file.TryGet("nope", out _));
        var missing = Assert.Throws<KeyNotFoundException>(() => file["nope"]);
        Assert.Contains("'nope'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'f32', 'f64'", missing.Message, StringComparison.Ordinal);
        Assert.Equal("f16: F16 [3]", file["f16"].ToString());

        // A model load of this file names the first non-F32 tensor it expects.
        var layout = new TensorLayout[] { new("f32", new[] { 3 }, 0), new("f64", new[] { 1, 3 }, 3) };
        stream.Position = 0;
        var ex = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Load(stream, layout, new float[6]));
        Assert.Contains("unexpected tensors 'f16', 'bf16'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ValidatesItsInput()
    {
        var stream = new MemoryStream();
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(stream, new[] { ("t", "F32", new[] { 2 }, new byte[7]) }));
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(stream, new[] { ("t", "F31", new[] { 2 }, new byte[8]) }));
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(stream, new[] { ("t", "F32", new[] { -2 }, new byte[8]) }));
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(stream, new[] { ("t", "F32", new[] { 1 }, new byte[4]), ("t", "F32", new[] { 1 }, new byte[4]) }));
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(stream, new[] { ("__metadata__", "F32", new[] { 1 }, new byte[4]) }));
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void Read_RejectsCorruptFiles_LikeALoad()
    {
        Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(new MemoryStream(St.File("{\"a\":", St.Data()))));
        byte[] valid = St.File(St.ValidJson, St.Data());
        var truncated = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(new NonSeekableStream(new MemoryStream(valid.AsSpan(0, valid.Length - 1).ToArray()))));
        Assert.Contains("tensor 'c'", truncated.Message, StringComparison.Ordinal);
        Assert.Equal("c", truncated.TensorName);
        Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(new MemoryStream(valid.AsSpan(0, valid.Length - 1).ToArray())));
    }

    private static byte[] Bytes(int count, int size, SpanWriter write)
    {
        var bytes = new byte[count * size];
        for (int i = 0; i < count; i++)
        {
            write(bytes.AsSpan(i * size, size), i);
        }

        return bytes;
    }

    private delegate void SpanWriter(Span<byte> destination, int index);
}
