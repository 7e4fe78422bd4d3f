using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using RnnGen.IO;
using Xunit;

namespace RnnGen.Runtime.Tests;

/// <summary>
/// Loading into a model's parameter buffer: every malformed or mismatched file is a
/// <see cref="SafetensorsFormatException"/> naming the problem, and the buffer is unchanged.
/// </summary>
public sealed class SafetensorsLoadTests
{
    /// <summary>Loads from a seekable stream, a non-seekable stream and a file; all must fail, leave the buffer alone, and say what is wrong.</summary>
    private static SafetensorsFormatException AssertLoadFails(byte[] file, params string[] fragments)
        => AssertLoadFails(file, St.Layout, fragments);

    private static SafetensorsFormatException AssertLoadFails(byte[] file, TensorLayout[] layout, params string[] fragments)
    {
        float[] parameters = St.Sentinel();
        var fromStream = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Load(new MemoryStream(file), layout, parameters));
        Assert.Equal(St.Sentinel(), parameters);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, fromStream.Message, StringComparison.Ordinal);
        }

        Assert.Null(fromStream.FilePath);
        Assert.Throws<SafetensorsFormatException>(() => Safetensors.Load(new NonSeekableStream(new MemoryStream(file)), layout, parameters));
        Assert.Equal(St.Sentinel(), parameters);

        string directory = St.NewDirectory();
        try
        {
            string path = Path.Combine(directory, "model.safetensors");
            File.WriteAllBytes(path, file);
            var fromFile = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Load(path, layout, parameters));
            Assert.Equal(St.Sentinel(), parameters);
            Assert.Contains(path, fromFile.Message, StringComparison.Ordinal);
            Assert.Equal(path, fromFile.FilePath);
            Assert.IsAssignableFrom<IOException>(fromFile);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        return fromStream;
    }

    [Fact]
    public void ValidFile_Loads_FromSeekableNonSeekableAndPath()
    {
        byte[] file = St.File(St.ValidJson, St.Data());
        float[] expected = Enumerable.Range(1, 10).Select(i => (float)i).ToArray();

        float[] p1 = St.Sentinel();
        Safetensors.Load(new MemoryStream(file), St.Layout, p1);
        Assert.Equal(expected, p1);

        float[] p2 = St.Sentinel();
        Safetensors.Load(new NonSeekableStream(new MemoryStream(file)), St.Layout, p2);
        Assert.Equal(expected, p2);

        string directory = St.NewDirectory();
        try
        {
            string path = Path.Combine(directory, "m.safetensors");
            File.WriteAllBytes(path, file);
            float[] p3 = St.Sentinel();
            Safetensors.Load(path, St.Layout, p3);
            Assert.Equal(expected, p3);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Load_PlacesTensorsAtTheirLayoutOffsets_AndTouchesNothingElse()
    {
        // The layout maps tensors into a larger buffer out of order, with gaps.
        var layout = new TensorLayout[]
        {
            new("a", new[] { 2, 3 }, 10),
            new("b", new[] { 3 }, 2),
            new("c", Array.Empty<int>(), 0),
        };
        float[] parameters = St.Sentinel(20);
        Safetensors.Load(new MemoryStream(St.File(St.ValidJson, St.Data())), layout, parameters);
        float[] expected = St.Sentinel(20);
        expected[0] = 10;
        expected[2] = 7;
        expected[3] = 8;
        expected[4] = 9;
        for (int i = 0; i < 6; i++)
        {
            expected[10 + i] = i + 1;
        }

        Assert.Equal(expected, parameters);
    }

    [Fact]
    public void Load_AcceptsAnyTensorOrder_GapsAndTrailingBytes_AndUnknownEntryFields()
    {
        // Data stored c, b, a with a 4-byte gap, 5 trailing bytes, keys in another order, extra fields.
        string json =
            "{\"b\":{\"shape\":[3],\"dtype\":\"F32\",\"data_offsets\":[4,16],\"comment\":[1,{\"x\":null}]}," +
            "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[20,44]}," +
            "\"c\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}";
        byte[] data = St.Floats(10, 7, 8, 9, -99, 1, 2, 3, 4, 5, 6).Concat(new byte[5]).ToArray();
        float[] p = St.Sentinel();
        Safetensors.Load(new MemoryStream(St.File(json, data)), St.Layout, p);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, p);

        float[] q = St.Sentinel();
        Safetensors.Load(new NonSeekableStream(new MemoryStream(St.File(json, data))), St.Layout, q);
        Assert.Equal(p, q);
    }

    [Fact]
    public void Load_ReadsFromTheStreamsCurrentPosition()
    {
        byte[] file = St.File(St.ValidJson, St.Data());
        var stream = new MemoryStream();
        stream.Write(new byte[] { 1, 2, 3 });
        stream.Write(file);
        stream.Position = 3;
        float[] p = St.Sentinel();
        Safetensors.Load(stream, St.Layout, p);
        Assert.Equal(10f, p[9]);
    }

    [Fact]
    public void HandWrittenHeader_WithMetadataWhitespaceEscapesAndPadding_Loads()
    {
        // Typed by hand: metadata in the middle, insignificant whitespace, escapes, and the
        // header padded with spaces to a multiple of 8 bytes.
        string json =
            "{\n" +
            "  \"a\" : { \"dtype\" : \"F32\", \"shape\" : [ 2 , 3 ], \"data_offsets\" : [ 0 , 24 ] },\n" +
            "  \"__metadata__\" : { \"format\" : \"pt\", \"note\" : \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" back\\\\slash \\/ tab\\t\" },\n" +
            "\t\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,36]},\r\n" +
            "  \"c\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[36,40]}\n" +
            "}";
        byte[] header = Encoding.UTF8.GetBytes(json);
        int padded = (header.Length + 7) / 8 * 8 + 8; // at least 8 spaces of padding
        byte[] withPadding = header.Concat(Enumerable.Repeat((byte)' ', padded - header.Length)).ToArray();
        Assert.Equal(0, withPadding.Length % 8);
        byte[] file = St.File(withPadding, St.Data());

        float[] p = St.Sentinel();
        Safetensors.Load(new MemoryStream(file), St.Layout, p);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (float)i).ToArray(), p);

        SafetensorsFile read = SafetensorsFile.Read(new MemoryStream(file));
        Assert.Equal(new[] { "a", "b", "c" }, read.Names);
        Assert.Equal(2, read.Metadata.Count);
        Assert.Equal("pt", read.Metadata["format"]);
        Assert.Equal("café 😀 \"q\" back\\slash / tab\t", read.Metadata["note"]);
        Assert.Equal(new[] { 2, 3 }, read["a"].Shape);
        Assert.Empty(read["c"].Shape);
        Assert.Equal(new float[] { 10 }, read["c"].ToSingleArray());
    }

    [Fact]
    public void EmptyHeaderObject_LoadsAnEmptyLayout()
    {
        byte[] file = St.File("{}      ", Array.Empty<byte>());
        Safetensors.Load(new MemoryStream(file), Array.Empty<TensorLayout>(), Span<float>.Empty);
        AssertLoadFails(file, "missing tensors 'a', 'b', 'c'", "the file contains (none)");
    }

    // ----- content that does not match the model -------------------------------------------

    [Fact]
    public void MissingTensor_NamesItAndListsTheFilesTensors()
    {
        string json =
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}," +
            "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,36]}}";
        var ex = AssertLoadFails(St.File(json, St.Data(9)), "missing tensor 'c'", "the file contains 'a', 'b'");
        Assert.Equal("c", ex.TensorName);
    }

    [Fact]
    public void ExtraTensor_IsNamed()
    {
        string json = St.ValidJson.TrimEnd('}') +
            "},\"lstm.extra\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[40,44]}," +
            "\"__metadata__\":{\"k\":\"v\"}}";
        var ex = AssertLoadFails(St.File(json, St.Data(11)), "unexpected tensor 'lstm.extra'", "the model does not have", "the model expects 'a', 'b', 'c'");
        Assert.Equal("lstm.extra", ex.TensorName);
    }

    [Fact]
    public void WrongShape_NamesTensorExpectedAndActualShapes()
    {
        string json = St.ValidJson.Replace("\"shape\":[2,3]", "\"shape\":[3,2]", StringComparison.Ordinal);
        var ex = AssertLoadFails(St.File(json, St.Data()), "tensor 'a' has shape [3, 2], expected [2, 3]");
        Assert.Equal("a", ex.TensorName);

        string scalarAsVector = St.ValidJson.Replace("\"shape\":[],", "\"shape\":[1],", StringComparison.Ordinal);
        AssertLoadFails(St.File(scalarAsVector, St.Data()), "tensor 'c' has shape [1], expected []");
    }

    [Theory]
    [InlineData("F16", 2)]
    [InlineData("F64", 8)]
    [InlineData("BF16", 2)]
    [InlineData("I32", 4)]
    public void WrongDtype_NamesTensorAndDtype(string dtype, int size)
    {
        string json =
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}," +
            $"\"b\":{{\"dtype\":\"{dtype}\",\"shape\":[3],\"data_offsets\":[24,{24 + (3 * size)}]}}," +
            $"\"c\":{{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[{24 + (3 * size)},{28 + (3 * size)}]}}}}";
        byte[] data = new byte[28 + (3 * size)];
        var ex = AssertLoadFails(St.File(json, data), $"tensor 'b' has dtype {dtype}, expected F32");
        Assert.Equal("b", ex.TensorName);
    }

    // ----- truncation ----------------------------------------------------------------------

    [Fact]
    public void TruncatedData_IsDetected_NamingTheTensor()
    {
        byte[] file = St.File(St.ValidJson, St.Data());
        byte[] cut = file.AsSpan(0, file.Length - 3).ToArray();
        AssertLoadFails(cut, "tensor 'c'", "truncated");

        byte[] noData = file.AsSpan(0, file.Length - 40).ToArray();
        AssertLoadFails(noData, "truncated");
    }

    [Fact]
    public void TruncatedHeader_IsDetected()
    {
        byte[] file = St.File(St.ValidJson, St.Data());
        byte[] cut = file.AsSpan(0, 50).ToArray();
        AssertLoadFails(cut, "header length is", "truncated");

        float[] p = St.Sentinel();
        var ex = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Load(new NonSeekableStream(new MemoryStream(cut)), St.Layout, p));
        Assert.Contains("the file ends inside the header", ex.Message, StringComparison.Ordinal);

        AssertLoadFails(file.AsSpan(0, 5).ToArray(), "5 bytes long, too short for the 8-byte header length");
        AssertLoadFails(Array.Empty<byte>(), "0 bytes long");
    }

    [Fact]
    public void HeaderLength_LargerThanTheFile_OrAbsurd_IsRejected()
    {
        AssertLoadFails(St.File(St.ValidJson, St.Data(), declaredLength: 100_000), "header length is 100000 bytes but only", "follow the length prefix");
        AssertLoadFails(St.File(St.ValidJson, St.Data(), declaredLength: 200UL * 1024 * 1024), "more than the 104857600 byte limit");
        AssertLoadFails(St.File(St.ValidJson, St.Data(), declaredLength: ulong.MaxValue), "byte limit");
        AssertLoadFails(St.File(St.ValidJson, St.Data(), declaredLength: 0), "header length is 0");

        // A declared length shorter than the JSON cuts it off: invalid JSON.
        AssertLoadFails(St.File(St.ValidJson, St.Data(), declaredLength: 30), "not valid JSON");
    }

    // ----- corrupt headers -----------------------------------------------------------------

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",}}", "expected a string key")]
    [InlineData("{\"a\" {}}", "expected ':' after key \"a\"")]
    [InlineData("{'a':{}}", "expected a string key")]
    [InlineData("{\"a\":tru}", "expected a value")]
    [InlineData("{\"a\":nul}", "expected a value")]
    [InlineData("{\"a\":\"unterminated", "unterminated string")]
    [InlineData("{\"a\":{}", "expected ',' or '}' in an object")]
    [InlineData("{\"a\":[1,2}", "expected ',' or ']' in an array")]
    [InlineData("{\"a\":[1,]}", "expected a value")]
    [InlineData("{} x", "after the end of the JSON value")]
    [InlineData("{}{}", "after the end of the JSON value")]
    [InlineData("{\"a\":\"\\x\"}", "invalid escape '\\x'")]
    [InlineData("{\"a\":\"\\u12G4\"}", "invalid hex digit 'G'")]
    [InlineData("{\"a\":\"\\u12\"}", "\\u escape")]
    [InlineData("{\"a\":\"\\ud800\"}", "unpaired high surrogate")]
    [InlineData("{\"a\":\"\\udc00\"}", "unpaired low surrogate")]
    [InlineData("{\"a\":\"\\ud800\\u0041\"}", "unpaired high surrogate")]
    [InlineData("{\"a\":01}", "leading zero")]
    [InlineData("{\"a\":-}", "'-' not followed by digits")]
    [InlineData("{\"a\":1.}", "decimal point not followed by digits")]
    [InlineData("{\"a\":1e}", "exponent without digits")]
    [InlineData("{\"a\":\"tab\tinside\"}", "raw control character U+0009")]
    [InlineData("", "header is empty")]
    [InlineData("        ", "header is empty")]
    [InlineData("\uFEFF{}", "character U+FEFF")]
    public void InvalidJson_IsRejected(string json, string fragment)
    {
        byte[] file = json.Length == 0
            ? St.File(Array.Empty<byte>(), St.Data(), declaredLength: 0)
            : St.File(json, St.Data());
        if (json.Length == 0)
        {
            AssertLoadFails(file, "header length is 0");
            return;
        }

        AssertLoadFails(file, fragment);
        if (!fragment.Contains("empty", StringComparison.Ordinal))
        {
            AssertLoadFails(file, "the header is not valid JSON");
        }
    }

    [Fact]
    public void DuplicateKeys_AreRejected()
    {
        string json = St.ValidJson.TrimEnd('}') + "},\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}";
        AssertLoadFails(St.File(json, St.Data()), "duplicate key \"a\"");
        AssertLoadFails(St.File("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", St.Data()), "duplicate key \"dtype\"");
    }

    [Fact]
    public void DeepNesting_IsRejected_WithoutStackOverflow()
    {
        string deep = "{\"a\":" + new string('[', 100_000) + new string(']', 100_000) + "}";
        AssertLoadFails(St.File(deep, St.Data()), "nesting deeper than 64 levels");

        // 63 nested arrays inside the top-level object are fine as JSON (then wrong as a tensor entry).
        string ok = "{\"a\":" + new string('[', 63) + new string(']', 63) + "}";
        AssertLoadFails(St.File(ok, St.Data()), "tensor 'a': expected an object");
    }

    [Fact]
    public void InvalidUtf8_IsRejected()
    {
        byte[] header = Encoding.UTF8.GetBytes("{\"a\":\"xx\"}");
        header[6] = 0xC3; // a lead byte followed by an ASCII byte
        AssertLoadFails(St.File(header, St.Data()), "not valid UTF-8");
    }

    [Theory]
    [InlineData("[1,2]", "must be a JSON object", "found an array")]
    [InlineData("\"header\"", "must be a JSON object", "found the string \"header\"")]
    [InlineData("42", "must be a JSON object", "found the number 42")]
    [InlineData("null", "must be a JSON object", "found null")]
    public void NonObjectHeader_IsRejected(string json, string fragment, string found)
    {
        AssertLoadFails(St.File(json, St.Data()), fragment, found);
    }

    public static IEnumerable<object[]> BadEntries() => new[]
    {
        // (entry for tensor "b", expected message fragment)
        new object[] { "5", "tensor 'b': expected an object with \"dtype\", \"shape\" and \"data_offsets\", found the number 5" },
        new object[] { "{\"shape\":[3],\"data_offsets\":[24,36]}", "tensor 'b' has no \"dtype\" field" },
        new object[] { "{\"dtype\":\"F32\",\"data_offsets\":[24,36]}", "tensor 'b' has no \"shape\" field" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3]}", "tensor 'b' has no \"data_offsets\" field" },
        new object[] { "{\"dtype\":32,\"shape\":[3],\"data_offsets\":[24,36]}", "\"dtype\" must be a string, found the number 32" },
        new object[] { "{\"dtype\":\"Q7\",\"shape\":[3],\"data_offsets\":[24,36]}", "tensor 'b' has unknown dtype \"Q7\"" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":3,\"data_offsets\":[24,36]}", "\"shape\" must be an array of integers" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[24,36]}", "shape dimension 0 must be an integer, found the number 1.5" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3e0],\"data_offsets\":[24,36]}", "must be an integer" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[\"3\"],\"data_offsets\":[24,36]}", "must be an integer, found the string \"3\"" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[-3],\"data_offsets\":[24,36]}", "tensor 'b' has a negative dimension -3" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[1,-1,-3],\"data_offsets\":[24,36]}", "negative dimension -1" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3000000000],\"data_offsets\":[24,36]}", "larger than 2147483647" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[24,36]}", "must be an integer" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[24,36]}", "too many elements" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24]}", "\"data_offsets\" must be an array of two integers [begin, end], found an array of 1 items" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,36,48]}", "of 3 items" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":{\"begin\":24}}", "found an object" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[-12,0]}", "tensor 'b' has a negative data_offsets begin (-12)" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,\"36\"]}", "data_offsets end must be a non-negative integer" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[36,24]}", "whose end is before its begin" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,32]}", "data_offsets [24, 32] spanning 8 bytes, but dtype F32 with shape [3] needs 12 bytes" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[20,32]}", "overlap" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}", "tensors 'b' (data_offsets [0, 12]) and 'a' (data_offsets [0, 24]) overlap" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[1000,1012]}", "tensor 'b' has data_offsets [1000, 1012] but the data section is only 40 bytes long" },
        new object[] { "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[9223372036854775800,9223372036854775812]}", "must be a non-negative integer" },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public void BadTensorEntries_AreRejected_WithAClearMessage(string entry, string fragment)
    {
        string json =
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}," +
            $"\"b\":{entry}," +
            "\"c\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[36,40]}}";
        AssertLoadFails(St.File(json, St.Data()), fragment);
    }

    [Theory]
    [InlineData("[\"x\"]", "\"__metadata__\" must be an object of string values, found an array")]
    [InlineData("{\"n\":1}", "\"__metadata__\" value for key \"n\" must be a string, found the number 1")]
    [InlineData("{\"n\":{}}", "found an object")]
    public void BadMetadata_IsRejected(string metadata, string fragment)
    {
        string json = "{\"__metadata__\":" + metadata + "," + St.ValidJson.Substring(1);
        AssertLoadFails(St.File(json, St.Data()), fragment);
    }

    // ----- caller errors -------------------------------------------------------------------

    [Fact]
    public void InconsistentLayout_IsAnArgumentException_AndChangesNothing()
    {
        byte[] file = St.File(St.ValidJson, St.Data());
        float[] p = St.Sentinel();
        Assert.Throws<ArgumentException>(() => Safetensors.Load(new MemoryStream(file), new TensorLayout[] { new("a", new[] { 2, 3 }, 0), new("a", new[] { 3 }, 6) }, p));
        Assert.Throws<ArgumentException>(() => Safetensors.Load(new MemoryStream(file), new TensorLayout[] { new("a", new[] { 2, 3 }, 5) }, p));
        Assert.Throws<ArgumentException>(() => Safetensors.Load(new MemoryStream(file), new TensorLayout[] { new("a", new[] { 2, 3 }, -1) }, p));
        Assert.Throws<ArgumentException>(() => Safetensors.Load(new MemoryStream(file), new TensorLayout[] { new("a", new[] { -2, 3 }, 0) }, p));
        Assert.Throws<ArgumentException>(() => Safetensors.Load(new MemoryStream(file), new TensorLayout[] { new("__metadata__", new[] { 1 }, 0) }, p));
        Assert.Throws<ArgumentNullException>(() => Safetensors.Load((Stream)null!, St.Layout, p));
        Assert.Equal(St.Sentinel(), p);
    }

    [Fact]
    public void MissingFile_IsFileNotFound()
    {
        string path = Path.Combine(Path.GetTempPath(), "rnngen-no-such-file-" + Guid.NewGuid().ToString("N") + ".safetensors");
        float[] p = St.Sentinel();
        Assert.Throws<FileNotFoundException>(() => Safetensors.Load(path, St.Layout, p));
        Assert.Equal(St.Sentinel(), p);
    }

    [Fact]
    public void TensorLayout_Length_IsTheProductOfTheShape()
    {
        Assert.Equal(1, new TensorLayout("s", Array.Empty<int>(), 0).Length);
        Assert.Equal(6, new TensorLayout("m", new[] { 2, 3 }, 0).Length);
        Assert.Equal(0, new TensorLayout("e", new[] { 4, 0 }, 0).Length);
        Assert.Equal(512 * 128, new TensorLayout("w", new[] { 512, 128 }, 7).Length);
    }
}
