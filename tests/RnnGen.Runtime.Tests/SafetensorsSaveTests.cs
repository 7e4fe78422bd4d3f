using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using RnnGen.IO;
using Xunit;

namespace RnnGen.Runtime.Tests;

/// <summary>Saving: the exact byte layout, round trips, and that a failed save never damages an existing file.</summary>
public sealed class SafetensorsSaveTests
{
    private static readonly TensorLayout[] ModelLayout =
    {
        new("lstm.weight_ih_l0", new[] { 16, 3 }, 0),
        new("lstm.weight_hh_l0", new[] { 16, 4 }, 48),
        new("lstm.bias_ih_l0", new[] { 16 }, 112),
        new("lstm.bias_hh_l0", new[] { 16 }, 128),
        new("fc.weight", new[] { 5, 4 }, 144),
        new("fc.bias", new[] { 5 }, 164),
    };

    private const int ModelParameters = 169;

    private static float[] RandomParameters(int seed, int count = ModelParameters)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
    }

    [Fact]
    public void RoundTrip_ThroughAStream_RestoresEveryBit()
    {
        float[] source = RandomParameters(1);
        source[3] = float.NaN;
        source[4] = float.NegativeInfinity;
        source[5] = -0f;
        source[6] = float.Epsilon;
        var stream = new MemoryStream();
        Safetensors.Save(stream, ModelLayout, source);

        float[] target = new float[ModelParameters];
        Safetensors.Load(new MemoryStream(stream.ToArray()), ModelLayout, target);
        Assert.Equal(source.Select(BitConverter.SingleToInt32Bits), target.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Save_WritesTheDocumentedLayout()
    {
        float[] source = RandomParameters(2);
        var stream = new MemoryStream();
        Safetensors.Save(stream, ModelLayout, source, new Dictionary<string, string> { ["format"] = "pt" });
        byte[] file = stream.ToArray();

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0UL, headerLength % 8);
        Assert.Equal((long)(8 + (long)headerLength + (ModelParameters * 4)), file.Length);

        string header = St.HeaderOf(file);
        Assert.StartsWith("{\"__metadata__\":{\"format\":\"pt\"},\"lstm.weight_ih_l0\":{\"dtype\":\"F32\",\"shape\":[16,3],\"data_offsets\":[0,192]}", header, StringComparison.Ordinal);
        string trimmed = header.TrimEnd(' ');
        Assert.EndsWith("\"fc.bias\":{\"dtype\":\"F32\",\"shape\":[5],\"data_offsets\":[656,676]}}", trimmed, StringComparison.Ordinal);
        Assert.True(header.Length - trimmed.Length < 8);

        // Keys in layout order, data contiguous in layout order.
        SafetensorsFile read = SafetensorsFile.Read(new MemoryStream(file));
        Assert.Equal(ModelLayout.Select(t => t.Name), read.Names);
        int dataStart = 8 + (int)headerLength;
        foreach (TensorLayout t in ModelLayout)
        {
            float[] values = read[t.Name].ToSingleArray();
            Assert.Equal(source.AsSpan(t.Offset, t.Length).ToArray(), values);
            Assert.Equal(t.Shape, read[t.Name].Shape);
            Assert.Equal("F32", read[t.Name].DType);
            Assert.Equal(BitConverter.SingleToInt32Bits(source[t.Offset]), BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(dataStart + (t.Offset * 4))));
        }

        Assert.Equal("pt", read.Metadata["format"]);
    }

    [Fact]
    public void Save_WithoutMetadata_OmitsIt()
    {
        var stream = new MemoryStream();
        Safetensors.Save(stream, St.Layout, St.Sentinel());
        Assert.StartsWith("{\"a\":", St.HeaderOf(stream.ToArray()), StringComparison.Ordinal);
        Assert.Empty(SafetensorsFile.Read(new MemoryStream(stream.ToArray())).Metadata);
    }

    [Fact]
    public void ScalarAndEmptyTensors_RoundTrip()
    {
        var layout = new TensorLayout[]
        {
            new("scalar", Array.Empty<int>(), 0),
            new("empty", new[] { 0, 7 }, 1),
            new("vector", new[] { 2 }, 1),
        };
        float[] source = { 3.5f, -1f, 2f };
        var stream = new MemoryStream();
        Safetensors.Save(stream, layout, source);
        string header = St.HeaderOf(stream.ToArray());
        Assert.Contains("\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}", header, StringComparison.Ordinal);
        Assert.Contains("\"empty\":{\"dtype\":\"F32\",\"shape\":[0,7],\"data_offsets\":[4,4]}", header, StringComparison.Ordinal);

        float[] target = new float[3];
        Safetensors.Load(new MemoryStream(stream.ToArray()), layout, target);
        Assert.Equal(source, target);
        Assert.Empty(SafetensorsFile.Read(new MemoryStream(stream.ToArray()))["empty"].ToSingleArray());
    }

    [Fact]
    public void Metadata_WithQuotesControlCharactersAndUnicode_RoundTripsThroughAFile()
    {
        var metadata = new Dictionary<string, string>
        {
            ["model"] = "[Lstm(128, Name = \"lstm\")] \\ path\\to",
            ["controls"] = "line1\nline2\r\ttab \u0001 \u001f \b \f",
            ["unicode"] = "café – 日本語 😀",
            ["__metadata__"] = "nested keys are just strings",
            [""] = "empty key",
        };
        string directory = St.NewDirectory();
        try
        {
            string path = Path.Combine(directory, "meta.safetensors");
            float[] source = RandomParameters(3);
            Safetensors.Save(path, ModelLayout, source, metadata);
            SafetensorsFile read = SafetensorsFile.Read(path);
            Assert.Equal(metadata.OrderBy(p => p.Key, StringComparer.Ordinal), read.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));

            float[] target = new float[ModelParameters];
            Safetensors.Load(path, ModelLayout, target);
            Assert.Equal(source, target);
            Assert.Equal(new[] { "meta.safetensors" }, Directory.GetFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Save_ToAPath_ReplacesAnExistingFile()
    {
        string directory = St.NewDirectory();
        try
        {
            string path = Path.Combine(directory, "m.safetensors");
            File.WriteAllText(path, "an older, longer file that will be replaced completely ......................................................");
            float[] source = RandomParameters(4);
            Safetensors.Save(path, ModelLayout, source);
            float[] target = new float[ModelParameters];
            Safetensors.Load(path, ModelLayout, target);
            Assert.Equal(source, target);
            Assert.Single(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Save_ToARelativePath_Works()
    {
        string directory = St.NewDirectory();
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = directory;
            Safetensors.Save("relative.safetensors", St.Layout, St.Sentinel());
            float[] p = new float[St.ParameterCount];
            Safetensors.Load("relative.safetensors", St.Layout, p);
            Assert.Equal(St.Sentinel(), p);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(directory, recursive: true);
        }
    }

    // ----- failures never damage the existing file ----------------------------------------

    private static void AssertFailedSaveKeepsOldFile(Action<string> save, Type expectedException)
    {
        string directory = St.NewDirectory();
        try
        {
            string path = Path.Combine(directory, "model.safetensors");
            var old = new MemoryStream();
            Safetensors.Save(old, St.Layout, St.Sentinel(), new Dictionary<string, string> { ["version"] = "old" });
            byte[] oldBytes = old.ToArray();
            File.WriteAllBytes(path, oldBytes);

            Exception ex = Assert.ThrowsAny<Exception>(() => save(path));
            Assert.IsAssignableFrom(expectedException, ex);

            Assert.Equal(oldBytes, File.ReadAllBytes(path));
            Assert.Equal(new[] { "model.safetensors" }, Directory.GetFileSystemEntries(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void FailedSave_InvalidLayout_LeavesTheOldFileByteIdentical()
    {
        AssertFailedSaveKeepsOldFile(
            path => Safetensors.Save(path, new TensorLayout[] { new("a", new[] { 2, 3 }, 0), new("b", new[] { 8 }, 6) }, new float[10]),
            typeof(ArgumentException));
        AssertFailedSaveKeepsOldFile(
            path => Safetensors.Save(path, new TensorLayout[] { new("a", new[] { 2 }, 0), new("a", new[] { 2 }, 2) }, new float[4]),
            typeof(ArgumentException));
    }

    [Fact]
    public void FailedSave_PartWayThroughWriting_LeavesTheOldFileByteIdentical_AndNoTemporaryFile()
    {
        // The metadata source fails after the temporary file has been created.
        AssertFailedSaveKeepsOldFile(
            path => Safetensors.Save(path, St.Layout, St.Sentinel(), new FailingMetadata()),
            typeof(InvalidOperationException));

        // A string that cannot be encoded (an unpaired surrogate) fails while the header is built.
        AssertFailedSaveKeepsOldFile(
            path => Safetensors.Save(path, St.Layout, St.Sentinel(), new Dictionary<string, string> { ["bad"] = "x\uD800y" }),
            typeof(ArgumentException));

        // The same guarantee for the general writer.
        AssertFailedSaveKeepsOldFile(
            path => SafetensorsFile.Write(path, new[] { ("t", "F32", new[] { 2 }, new byte[8]) }, new FailingMetadata()),
            typeof(InvalidOperationException));
    }

    [Fact]
    public void FailedSave_WhenTheFinalRenameFails_RemovesTheTemporaryFile()
    {
        string directory = St.NewDirectory();
        try
        {
            // The target name is taken by a non-empty directory: everything is written, then the
            // rename over it fails.
            string target = Path.Combine(directory, "model.safetensors");
            Directory.CreateDirectory(target);
            File.WriteAllText(Path.Combine(target, "keep.txt"), "keep");

            Exception ex = Assert.ThrowsAny<Exception>(() => Safetensors.Save(target, St.Layout, St.Sentinel()));
            Assert.True(ex is IOException || ex is UnauthorizedAccessException, ex.ToString());
            Assert.Equal(new[] { "model.safetensors" }, Directory.GetFileSystemEntries(directory).Select(Path.GetFileName));
            Assert.Equal("keep", File.ReadAllText(Path.Combine(target, "keep.txt")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Save_ToAStreamThatFailsMidWrite_PropagatesTheError()
    {
        var stream = new FailingWriteStream(failAfter: 100);
        var ex = Assert.Throws<IOException>(() => Safetensors.Save(stream, ModelLayout, RandomParameters(5)));
        Assert.Contains("simulated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_RejectsInvalidArguments()
    {
        var stream = new MemoryStream();
        Assert.Throws<ArgumentException>(() => Safetensors.Save(stream, new TensorLayout[] { new("a", new[] { -1 }, 0) }, new float[4]));
        Assert.Throws<ArgumentException>(() => Safetensors.Save(stream, new TensorLayout[] { new("", new[] { 1 }, 0) }, new float[4]));
        Assert.Throws<ArgumentException>(() => Safetensors.Save(stream, new TensorLayout[] { new("x\uDC00", new[] { 1 }, 0) }, new float[4]));
        Assert.Throws<ArgumentException>(() => Safetensors.Save(stream, new TensorLayout[] { new("a", new[] { 1 }, 4) }, new float[4]));
        Assert.Throws<ArgumentNullException>(() => Safetensors.Save((Stream)null!, St.Layout, new float[10]));
        Assert.Throws<ArgumentNullException>(() => Safetensors.Save(stream, null!, new float[10]));
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void Names_WithQuotesAndUnicode_RoundTrip()
    {
        var layout = new TensorLayout[] { new("weird \"name\"\\ é 😀\n", new[] { 1 }, 0) };
        var stream = new MemoryStream();
        Safetensors.Save(stream, layout, new[] { 42f });
        float[] p = new float[1];
        Safetensors.Load(new MemoryStream(stream.ToArray()), layout, p);
        Assert.Equal(42f, p[0]);
        Assert.Equal(layout[0].Name, SafetensorsFile.Read(new MemoryStream(stream.ToArray())).Names.Single());
        Assert.Contains("\\\"name\\\"\\\\ é 😀\\n", Encoding.UTF8.GetString(stream.ToArray()), StringComparison.Ordinal);
    }
}
