using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using RnnGen.IO;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.PyTorch;

/// <summary>
/// Rows of different lengths against PyTorch's packed sequences: the fixtures in
/// Fixtures/Lengths/ (tools/fixtures/make_length_fixtures.py) ran every recurrent layer on
/// <c>pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)</c>. The twins in
/// <see cref="PackedSequenceModels"/> must reproduce, through the overloads that take
/// <c>lengths</c>, the output, the loss, every gradient and one Adam step to
/// 1e-5 · max(1, |PyTorch|); and nothing in the padding may change any of them.
/// </summary>
public sealed class PackedSequenceFixtureTests
{
    private readonly ITestOutputHelper _output;

    public PackedSequenceFixtureTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Names() => PackedSequenceModels.All.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

    public static IEnumerable<object[]> FloatInputNames() => Names().Where(n => !Load((string)n[0]).Sample.TokenInput);

    internal static (IRnnModel Model, SafetensorsFile File, PackedSample Sample, PackedSequenceModels.Case Case) Load(string fixture)
    {
        var file = SafetensorsFile.Read(Path.Combine(TestPaths.Fixtures, "Lengths", fixture + ".safetensors"));
        var c = PackedSequenceModels.All[fixture];
        var model = c.Create();
        foreach (var name in model.TensorNames)
        {
            file[name].ToSingleArray().AsSpan().CopyTo(model.Parameter(name));
        }
        var sample = new PackedSample { Lengths = GradientTests.Ids(file["__lengths__"]) };
        if (file["__input__"].DType == "F32") sample.Floats = file["__input__"].ToSingleArray();
        else { sample.Ids = GradientTests.Ids(file["__input__"]); sample.TokenInput = true; }
        if (file["__target__"].DType == "F32") sample.FloatTargets = file["__target__"].ToSingleArray();
        else { sample.ClassTargets = GradientTests.Ids(file["__target__"]); sample.ClassIds = true; }
        return (model, file, sample, c);
    }

    private static float[] Predict(PackedSequenceModels.Case c, IRnnModel model, PackedSample s)
    {
        var output = new float[model.OutputLength];
        c.Predict(model, s, s.Lengths, output);
        return output;
    }

    [Fact]
    public void Every_fixture_has_a_twin()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.Fixtures, "Lengths"), "*.safetensors").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(files, PackedSequenceModels.All.Keys.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Tensor_names_and_shapes_match_the_state_dict(string fixture)
    {
        var (model, file, sample, _) = Load(fixture);
        var torchNames = file.Names.Where(n => !n.StartsWith("__", StringComparison.Ordinal)).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(torchNames, model.TensorNames.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var name in torchNames)
        {
            Assert.Equal(file[name].Shape.Aggregate(1, (a, b) => a * b), model.Parameter(name).Length);
        }
        Assert.Equal(file["__input__"].Shape.Aggregate(1, (a, b) => a * b), model.InputLength);
        Assert.Equal(file["__output__"].Shape.Aggregate(1, (a, b) => a * b), model.OutputLength);
        Assert.Equal(file["__input__"].Shape[0], sample.Lengths.Length);
        Assert.Equal(file.Metadata["lengths"], "[" + string.Join(", ", sample.Lengths) + "]");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Predict_with_lengths_matches_PyTorch(string fixture)
    {
        var (model, file, sample, c) = Load(fixture);
        var actual = Predict(c, model, sample);
        var comparison = new Comparison();
        comparison.Add("output", file["__output__"], actual);
        _output.WriteLine($"{fixture}: output, largest relative error against PyTorch {comparison.Worst:E2} ({comparison.WorstWhat})");
        comparison.AssertAll(fixture);

        // Exactly zero where PyTorch has no output: padded steps, rows of length 0.
        var shape = file["__output__"].Shape;
        int batch = shape[0], y = shape[^1];
        bool perStep = shape.Length == 3;
        int steps = perStep ? shape[1] : 1;
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                bool padded = perStep ? t >= sample.Lengths[b] : sample.Lengths[b] == 0;
                if (!padded) continue;
                for (int j = 0; j < y; j++)
                {
                    float v = actual[(b * steps + t) * y + j];
                    Assert.True(v == 0f, $"{fixture}: output [{b}, {(perStep ? t + ", " : "")}{j}] is {v:R} in the padding (length {sample.Lengths[b]}).");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Loss_and_every_gradient_with_lengths_match_PyTorch(string fixture)
    {
        var (model, file, sample, c) = Load(fixture);
        float loss = c.ComputeGradients(model, sample, sample.Lengths);

        float expectedLoss = file["__loss__"].ToSingleArray()[0];
        var comparison = new Comparison();
        comparison.Add("loss", expectedLoss, loss);
        foreach (var name in model.TensorNames)
        {
            comparison.Add("d/d" + name, file["__grad__." + name], model.Gradient(name).ToArray());
        }
        // ComputeLoss gives the loss without the backward pass.
        var (fresh, _, _, _) = Load(fixture);
        comparison.Add("ComputeLoss", expectedLoss, c.ComputeLoss(fresh, sample, sample.Lengths));

        _output.WriteLine($"{fixture}: loss {loss:R} (PyTorch {expectedLoss:R}); largest relative error of the loss and every parameter gradient {comparison.Worst:E2} ({comparison.WorstWhat})");
        comparison.AssertAll(fixture);
    }

    private const string NoInputGradientOverload =
        "The model has no ComputeGradients(input, lengths, targets, inputGradients) overload.";

    /// <summary>
    /// d loss / d input with lengths against PyTorch, through a <c>ComputeGradients(input, lengths,
    /// targets, inputGradients)</c> overload found by reflection; zero at padded steps.
    /// </summary>
    [Theory]
    [MemberData(nameof(FloatInputNames))]
    public void Input_gradient_with_lengths_matches_PyTorch(string fixture)
    {
        var (model, file, sample, _) = Load(fixture);
        var computeGradients = InputGradientOverload(model);
        Assert.True(computeGradients is not null, NoInputGradientOverload);
        var inputGradients = new float[model.InputLength];
        computeGradients!(sample, inputGradients);

        var comparison = new Comparison();
        comparison.Add("d/dinput", file["__grad__.__input__"], inputGradients);
        _output.WriteLine($"{fixture}: input gradient, largest relative error {comparison.Worst:E2} ({comparison.WorstWhat})");
        comparison.AssertAll(fixture);
        var shape = file["__input__"].Shape;
        for (int b = 0; b < shape[0]; b++)
        {
            for (int i = (b * shape[1] + sample.Lengths[b]) * shape[2]; i < (b + 1) * shape[1] * shape[2]; i++)
            {
                Assert.True(inputGradients[i] == 0f, $"{fixture}: input gradient {inputGradients[i]:R} at padded element {i}");
            }
        }
    }

    private delegate float GradientsWithInput<TTarget>(ReadOnlySpan<float> input, ReadOnlySpan<int> lengths, ReadOnlySpan<TTarget> targets, Span<float> inputGradients);

    /// <summary><c>ComputeGradients(input, lengths, targets, inputGradients)</c> of a float-input model, or null when it has none.</summary>
    private static Func<PackedSample, float[], float>? InputGradientOverload(IRnnModel model)
    {
        var method = model.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(m =>
            m.Name == "ComputeGradients" && m.GetParameters() is { Length: 4 } p
            && p[0].ParameterType == typeof(ReadOnlySpan<float>) && p[1].ParameterType == typeof(ReadOnlySpan<int>)
            && p[3].ParameterType == typeof(Span<float>));
        if (method is null) return null;
        if (method.GetParameters()[2].ParameterType == typeof(ReadOnlySpan<int>))
        {
            var d = method.CreateDelegate<GradientsWithInput<int>>(model);
            return (s, g) => d(s.Floats, s.Lengths, s.ClassTargets, g);
        }
        var f = method.CreateDelegate<GradientsWithInput<float>>(model);
        return (s, g) => f(s.Floats, s.Lengths, s.FloatTargets, g);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void One_Adam_step_with_lengths_matches_PyTorch(string fixture)
    {
        var (model, file, sample, c) = Load(fixture);
        float loss = c.TrainStep(model, sample, sample.Lengths, new Adam(0.01f));
        var comparison = new Comparison();
        comparison.Add("TrainStep loss", file["__loss__"].ToSingleArray()[0], loss);
        foreach (var name in model.TensorNames)
        {
            comparison.Add("__adam__." + name, file["__adam__." + name], model.Parameter(name).ToArray());
        }
        _output.WriteLine($"{fixture}: after one Adam(0.01) step, largest relative error {comparison.Worst:E2} ({comparison.WorstWhat})");
        comparison.AssertAll(fixture);
    }

    /// <summary>
    /// Other large values in the padded input (other ids of the vocabulary for a token model)
    /// and other targets at padded steps (or of an empty ManyToOne row): the output, both losses
    /// and every gradient stay the same bit for bit.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Scrambled_padding_changes_nothing(string fixture)
    {
        var random = new Random(fixture.Length * 7919 + fixture[0]);
        PaddingChangesNothing(fixture,
            _ => (random.Next(2) == 0 ? -1 : 1) * (2000f + 8000f * (float)random.NextDouble()),
            (id, vocabulary) => (id + 1 + random.Next(vocabulary - 1)) % vocabulary,
            classes => random.Next(classes),
            () => (float)random.NextDouble());
    }

    /// <summary>
    /// docs/sequences.md: nothing in the padding — inputs even NaN or infinite, token ids of any
    /// value, targets of any value (class ids here: -100 or in range, see the next test) —
    /// changes any output, loss or gradient.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Padding_of_any_value_changes_nothing(string fixture)
    {
        float[] floats = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.MaxValue, 1e30f };
        int[] ids = { -1, int.MinValue, int.MaxValue, 1_000_000 };
        float[] targets = { float.NaN, float.PositiveInfinity, -1e30f, 7f };
        int n = 0;
        PaddingChangesNothing(fixture,
            _ => floats[n++ % floats.Length],
            (_, vocabulary) => n++ % 2 == 0 ? ids[n % ids.Length] : vocabulary,
            classes => n++ % 2 == 0 ? -100 : classes - 1,
            () => targets[n++ % targets.Length]);
    }

    /// <summary>Class ids out of range (not -100) at padded steps: ignored like the rest of the padding.</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Out_of_range_class_ids_in_the_padding_change_nothing(string fixture)
    {
        int[] classes = { -1, 1_000_000, int.MaxValue, int.MinValue };
        int n = 0;
        PaddingChangesNothing(fixture,
            x => x,
            (id, _) => id,
            c => n++ % 2 == 0 ? classes[n % classes.Length] : c,
            () => 0.5f);
    }

    private void PaddingChangesNothing(string fixture, Func<float, float> paddedInput, Func<int, int, int> paddedId, Func<int, int> paddedClass, Func<float> paddedTarget)
    {
        var (model, file, sample, c) = Load(fixture);
        var output = Predict(c, model, sample);
        float loss = c.ComputeGradients(model, sample, sample.Lengths);
        var gradients = model.Gradients.ToArray();
        float lossOnly = c.ComputeLoss(model, sample, sample.Lengths);

        var scrambled = sample.Clone();
        int batch = sample.Lengths.Length;
        var inputShape = file["__input__"].Shape;
        int steps = inputShape[1];
        int features = sample.TokenInput ? 1 : inputShape[2];
        int vocabulary = sample.TokenInput ? file[model.TensorNames[0]].Shape[0] : 0; // the embedding comes first
        int changedInputs = 0, changedTargets = 0;
        for (int b = 0; b < batch; b++)
        {
            for (int t = sample.Lengths[b]; t < steps; t++)
            {
                for (int j = 0; j < features; j++)
                {
                    int i = (b * steps + t) * features + j;
                    if (sample.TokenInput) scrambled.Ids[i] = paddedId(sample.Ids[i], vocabulary);
                    else scrambled.Floats[i] = paddedInput(sample.Floats[i]);
                    changedInputs++;
                }
            }
        }
        // Targets past a row's length are padding too; so is the target of a ManyToOne row of length 0.
        var targetShape = file["__target__"].Shape;
        bool perStep = file["__output__"].Shape.Length == 3;
        int perTarget = sample.ClassIds ? 1 : targetShape[^1];
        int classes = file["__output__"].Shape[^1];
        for (int b = 0; b < batch; b++)
        {
            int first = perStep ? sample.Lengths[b] : (sample.Lengths[b] == 0 ? 0 : 1);
            for (int t = first; t < (perStep ? steps : 1); t++)
            {
                for (int j = 0; j < perTarget; j++)
                {
                    int i = ((perStep ? b * steps + t : b) * perTarget) + j;
                    if (sample.ClassIds) scrambled.ClassTargets[i] = paddedClass(classes);
                    else scrambled.FloatTargets[i] = paddedTarget();
                    changedTargets++;
                }
            }
        }
        Assert.True(changedInputs > 0, $"{fixture} has no padding");

        var output2 = Predict(c, model, scrambled);
        float loss2 = c.ComputeGradients(model, scrambled, scrambled.Lengths);
        var gradients2 = model.Gradients.ToArray();
        float lossOnly2 = c.ComputeLoss(model, scrambled, scrambled.Lengths);

        AssertBits(output, output2, $"{fixture} output");
        Assert.True(BitConverter.SingleToInt32Bits(loss) == BitConverter.SingleToInt32Bits(loss2), $"{fixture}: loss {loss:R} became {loss2:R}");
        Assert.True(BitConverter.SingleToInt32Bits(lossOnly) == BitConverter.SingleToInt32Bits(lossOnly2), $"{fixture}: ComputeLoss {lossOnly:R} became {lossOnly2:R}");
        AssertBits(gradients, gradients2, $"{fixture} gradients");
        _output.WriteLine($"{fixture}: {changedInputs} padded input values and {changedTargets} padded targets changed; output, loss and {gradients.Length} gradients unchanged bit for bit");
    }

    /// <summary>Every row at full length: the overloads with lengths give, bit for bit, what the ones without give.</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Full_lengths_give_what_the_overloads_without_lengths_give(string fixture)
    {
        var (model, file, sample, c) = Load(fixture);
        var full = sample.Clone();
        int steps = file["__input__"].Shape[1];
        Array.Fill(full.Lengths, steps);
        // The padding is now read: give it ordinary values.
        var random = new Random(17);
        for (int i = 0; i < full.Floats.Length; i++)
        {
            if (Math.Abs(full.Floats[i]) >= 100) full.Floats[i] = 2 * (float)random.NextDouble() - 1;
        }
        var withLengths = Predict(c, model, full);
        var without = new float[model.OutputLength];
        if (sample.TokenInput) ((IRnnModel<int>)model).Predict(full.Ids, without);
        else ((IRnnModel<float>)model).Predict(full.Floats, without);
        AssertBits(without, withLengths, $"{fixture} Predict");

        float loss = c.ComputeGradients(model, full, full.Lengths);
        var gradients = model.Gradients.ToArray();
        float lossWithout = GradientTests.ComputeGradients(model, AsFile(full));
        Assert.True(BitConverter.SingleToInt32Bits(lossWithout) == BitConverter.SingleToInt32Bits(loss), $"{fixture}: loss {loss:R} with full lengths, {lossWithout:R} without lengths");
        AssertBits(model.Gradients.ToArray(), gradients, $"{fixture} gradients");
    }

    /// <summary>The sample's input and targets as a file, for the helpers of the fixtures without lengths.</summary>
    private static SafetensorsFile AsFile(PackedSample s)
    {
        using var stream = new MemoryStream();
        var tensors = new List<(string, string, int[], byte[])>
        {
            s.TokenInput
                ? ("__input__", "I64", new[] { s.Ids.Length }, s.Ids.SelectMany(v => BitConverter.GetBytes((long)v)).ToArray())
                : ("__input__", "F32", new[] { s.Floats.Length }, s.Floats.SelectMany(BitConverter.GetBytes).ToArray()),
            s.ClassIds
                ? ("__target__", "I64", new[] { s.ClassTargets.Length }, s.ClassTargets.SelectMany(v => BitConverter.GetBytes((long)v)).ToArray())
                : ("__target__", "F32", new[] { s.FloatTargets.Length }, s.FloatTargets.SelectMany(BitConverter.GetBytes).ToArray()),
        };
        SafetensorsFile.Write(stream, tensors);
        stream.Position = 0;
        return SafetensorsFile.Read(stream);
    }

    /// <summary>
    /// Compares tensors to 1e-5 · max(1, |PyTorch|) without stopping at the first mismatch, so a
    /// failure names every tensor that is off, and where.
    /// </summary>
    private sealed class Comparison
    {
        private readonly List<string> _failures = new();

        public double Worst { get; private set; }

        public string WorstWhat { get; private set; } = "-";

        public void Add(string what, float expected, float actual) => Add(what, new[] { expected }, new[] { actual }, Array.Empty<int>());

        public void Add(string what, TensorEntry expected, float[] actual) => Add(what, expected.ToSingleArray(), actual, expected.Shape);

        private void Add(string what, float[] expected, float[] actual, int[] shape)
        {
            Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, PyTorch {expected.Length}");
            double worst = 0;
            int at = -1, off = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                double error = Math.Abs(expected[i] - actual[i]) / Math.Max(1.0, Math.Abs(expected[i]));
                if (double.IsNaN(error)) error = double.PositiveInfinity;
                if (error > PyTorchFixtureTests.Tolerance) off++;
                if (at < 0 || error > worst) (worst, at) = (error, i);
            }
            if (at < 0) return;
            string where = what + Index(at, shape);
            if (worst >= Worst) (Worst, WorstWhat) = (worst, where);
            if (off > 0)
            {
                _failures.Add($"{where} is {actual[at]:R}, PyTorch {expected[at]:R} (relative error {worst:E2}); {off} of {expected.Length} values off");
            }
        }

        private static string Index(int flat, int[] shape)
        {
            if (shape.Length == 0) return "";
            var index = new int[shape.Length];
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                index[d] = flat % shape[d];
                flat /= shape[d];
            }
            return "[" + string.Join(", ", index) + "]";
        }

        public void AssertAll(string fixture)
            => Assert.True(_failures.Count == 0, $"{fixture}: {_failures.Count} mismatch(es) against PyTorch:\n  " + string.Join("\n  ", _failures));
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R} bit for bit.");
        }
    }
}
