using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using RnnGen.IO;
using RnnGen.Tests.PyTorch;
using Xunit;

namespace RnnGen.Tests.Models;

/// <summary>
/// LoadSafetensors / SaveSafetensors on generated models: a round trip, PyTorch's own files,
/// and every kind of bad file, after which the model's parameters must be exactly as before.
/// </summary>
public sealed class WeightIoTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rnngen-io-" + Guid.NewGuid().ToString("N"));

    public WeightIoTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static IEnumerable<(string Name, string DType, int[] Shape, byte[] Data)> Tensors(IRnnModel model, Func<string, bool>? keep = null) =>
        model.TensorNames.Where(n => keep?.Invoke(n) ?? true).Select(n =>
            (n, "F32", ShapeOf(model, n), MemoryMarshal.AsBytes(model.Parameter(n)).ToArray()));

    private static int[] ShapeOf(IRnnModel model, string name) => model switch
    {
        BiGruClassifier => BiGruClassifier.ParameterShape(name),
        CharRnn => CharRnn.ParameterShape(name),
        _ => throw new ArgumentException(name),
    };

    [Fact]
    public void Save_then_load_round_trips_every_parameter()
    {
        var source = new BiGruClassifier(seed: 1);
        var target = new BiGruClassifier(seed: 2);
        Assert.False(source.Parameters.SequenceEqual(target.Parameters));
        source.SaveSafetensors(PathOf("w.safetensors"));
        target.LoadSafetensors(PathOf("w.safetensors"));
        Assert.True(source.Parameters.SequenceEqual(target.Parameters));

        using var stream = new MemoryStream();
        source.SaveSafetensors(stream);
        stream.Position = 0;
        var third = new BiGruClassifier(seed: 3);
        third.LoadSafetensors(stream);
        Assert.True(source.Parameters.SequenceEqual(third.Parameters));
    }

    [Fact]
    public void A_saved_file_has_PyTorch_keys_and_shapes()
    {
        new BiGruClassifier().SaveSafetensors(PathOf("w.safetensors"));
        var file = SafetensorsFile.Read(PathOf("w.safetensors"));
        Assert.Equal(BiGruClassifier.ParameterNames, file.Names);
        Assert.Equal(new[] { 15, 10 }, file["gru.weight_ih_l1_reverse"].Shape);
        Assert.Equal("F32", file["fc.bias"].DType);
    }

    [Fact]
    public void A_PyTorch_state_dict_loads_as_is()
    {
        // The fixture's weights, written without the fixture's extra entries: a plain state_dict.
        var fixture = SafetensorsFile.Read(TestPaths.Fixture("lstm_m2m_softmax"));
        var path = PathOf("state_dict.safetensors");
        SafetensorsFile.Write(path, fixture.Names.Where(n => !n.StartsWith("__", StringComparison.Ordinal))
            .Select(n => (n, fixture[n].DType, fixture[n].Shape, fixture[n].Data.ToArray())));
        var model = new LstmM2mSoftmax();
        model.LoadSafetensors(path);
        var output = new float[LstmM2mSoftmax.OutputLength];
        model.Predict(fixture["__input__"].ToSingleArray(), output);
        PyTorchFixtureTests.AssertClose(fixture["__output__"].ToSingleArray(), output, "state_dict load");
    }

    private void AssertRejected(byte[] file, params string[] messageParts)
    {
        var model = new CharRnn(seed: 5);
        var before = model.Parameters.ToArray();
        var path = PathOf("bad.safetensors");
        File.WriteAllBytes(path, file);
        var e = Assert.Throws<SafetensorsFormatException>(() => model.LoadSafetensors(path));
        foreach (var part in messageParts) Assert.Contains(part, e.Message);
        Assert.True(before.AsSpan().SequenceEqual(model.Parameters), "parameters must be unchanged after a failed load");
        using var stream = new MemoryStream(file);
        Assert.Throws<SafetensorsFormatException>(() => model.LoadSafetensors(stream));
        Assert.True(before.AsSpan().SequenceEqual(model.Parameters), "parameters must be unchanged after a failed load");
    }

    private static byte[] Build(IEnumerable<(string Name, string DType, int[] Shape, byte[] Data)> tensors)
    {
        using var stream = new MemoryStream();
        SafetensorsFile.Write(stream, tensors);
        return stream.ToArray();
    }

    [Fact]
    public void Missing_tensor_is_named()
    {
        var donor = new CharRnn(seed: 9);
        AssertRejected(Build(Tensors(donor, n => n != "fc.bias")), "fc.bias");
    }

    [Fact]
    public void Extra_tensor_is_named()
    {
        var donor = new CharRnn(seed: 9);
        AssertRejected(Build(Tensors(donor).Append(("fc.extra", "F32", new[] { 2 }, new byte[8]))), "fc.extra");
    }

    [Fact]
    public void Wrong_shape_names_tensor_and_shapes()
    {
        var donor = new CharRnn(seed: 9);
        var tensors = Tensors(donor).Select(t => t.Name == "fc.weight" ? (t.Name, t.DType, new[] { 128, 65 }, t.Data) : t);
        AssertRejected(Build(tensors), "fc.weight", "65", "128");
    }

    [Fact]
    public void Wrong_dtype_is_named()
    {
        var donor = new CharRnn(seed: 9);
        var tensors = Tensors(donor).Select(t => t.Name == "fc.bias" ? (t.Name, "F16", t.Shape, t.Data.Take(t.Data.Length / 2).ToArray()) : t);
        AssertRejected(Build(tensors), "fc.bias", "F16");
    }

    [Fact]
    public void Truncated_file_is_rejected()
    {
        var good = Build(Tensors(new CharRnn(seed: 9)));
        AssertRejected(good.Take(good.Length - 100).ToArray());
        AssertRejected(good.Take(20).ToArray());
        AssertRejected(good.Take(5).ToArray());
    }

    [Fact]
    public void Corrupt_header_is_rejected()
    {
        var good = Build(Tensors(new CharRnn(seed: 9)));
        var broken = (byte[])good.Clone();
        broken[8] = (byte)'['; // the JSON header no longer starts an object
        AssertRejected(broken);
        var huge = (byte[])good.Clone();
        BitConverter.GetBytes((ulong)good.Length * 4).CopyTo(huge, 0); // header length past the end
        AssertRejected(huge);
        var garbage = (byte[])good.Clone();
        garbage[20] = (byte)'}'; // malformed JSON
        AssertRejected(garbage);
    }

    [Fact]
    public void Failed_save_leaves_the_existing_file_intact()
    {
        var path = PathOf("keep.safetensors");
        new CharRnn(seed: 1).SaveSafetensors(path);
        var before = File.ReadAllBytes(path);
        // A save that cannot complete throws and touches nothing else.
        Assert.ThrowsAny<IOException>(() => new CharRnn(seed: 2).SaveSafetensors(Path.Combine(_dir, "missing", "x.safetensors")));
        Assert.Equal(before, File.ReadAllBytes(path));
        // Overwriting succeeds atomically and leaves no temporary files behind.
        new CharRnn(seed: 2).SaveSafetensors(path);
        Assert.NotEqual(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));
    }
}
