using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>
/// A small stand-alone reader for the PyTorch fixture files (F32 tensors and string metadata),
/// so the optimizer tests depend on nothing but the optimizers.
/// </summary>
internal sealed class FloatTensors
{
    private readonly Dictionary<string, float[]> _tensors = new(StringComparer.Ordinal);

    private FloatTensors()
    {
    }

    /// <summary>Every tensor key in header order (F32 and I64).</summary>
    public List<string> Names { get; } = new();

    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    public float[] this[string name] => _tensors.TryGetValue(name, out float[]? values)
        ? values
        : throw new KeyNotFoundException($"no F32 tensor '{name}' in the fixture");

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public static FloatTensors Read(string path)
    {
        byte[] raw = File.ReadAllBytes(path);
        int headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(raw));
        int dataStart = 8 + headerLength;
        var result = new FloatTensors();
        using JsonDocument doc = JsonDocument.Parse(raw.AsMemory(8, headerLength));
        foreach (JsonProperty entry in doc.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                foreach (JsonProperty m in entry.Value.EnumerateObject())
                {
                    result.Metadata[m.Name] = m.Value.GetString()!;
                }

                continue;
            }

            result.Names.Add(entry.Name);
            if (entry.Value.GetProperty("dtype").GetString() != "F32")
            {
                continue;
            }

            int begin = entry.Value.GetProperty("data_offsets")[0].GetInt32();
            int end = entry.Value.GetProperty("data_offsets")[1].GetInt32();
            var values = new float[(end - begin) / 4];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(dataStart + begin + (4 * i), 4));
            }

            result._tensors[entry.Name] = values;
        }

        return result;
    }
}

internal static class TrainingFixtures
{
    /// <summary>The model fixtures, copied next to the test assembly by the project file.</summary>
    public static string ModelFixtureDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>tests/RnnGen.Tests/Fixtures/Training/optimizers.safetensors, found from the test assembly's folder upwards.</summary>
    public static string OptimizerFixture
    {
        get
        {
            string relative = Path.Combine("tests", "RnnGen.Tests", "Fixtures", "Training", "optimizers.safetensors");
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
        }
    }

    public static IEnumerable<object[]> ModelFixtureNames()
        => Directory.GetFiles(ModelFixtureDirectory, "*.safetensors")
            .Select(Path.GetFileNameWithoutExtension)
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => new object[] { n! });

    /// <summary>The configurations of optimizers.safetensors (names as in the file, hyper-parameters as in its metadata).</summary>
    public static Optimizer CreateConfiguration(string name) => name switch
    {
        "sgd" => new Sgd(0.1f),
        "sgd_momentum" => new Sgd(0.1f, momentum: 0.9f),
        "sgd_nesterov_wd" => new Sgd(0.1f, momentum: 0.9f, nesterov: true, weightDecay: 0.01f),
        "sgd_dampening" => new Sgd(0.1f, momentum: 0.9f, dampening: 0.1f),
        "sgd_wd" => new Sgd(0.1f, weightDecay: 0.1f),
        "adam" => new Adam(0.01f),
        "adam_wd" => new Adam(0.01f, weightDecay: 0.01f),
        "adamw" => new AdamW(0.01f, weightDecay: 0.01f),
        "adam_betas_eps" => new Adam(0.05f, beta1: 0.8f, beta2: 0.95f, epsilon: 1e-3f),
        "adam_clip" => new Adam(0.01f) { MaxGradientNorm = 0.5f },
        "sgd_clipvalue" => new Sgd(0.1f, momentum: 0.9f) { ClipValue = 0.05f },
        _ => throw new ArgumentException($"no optimizer configuration '{name}'", nameof(name)),
    };

    public static readonly string[] ConfigurationNames =
    {
        "sgd", "sgd_momentum", "sgd_nesterov_wd", "sgd_dampening", "sgd_wd", "adam", "adam_wd", "adamw",
        "adam_betas_eps", "adam_clip", "sgd_clipvalue",
    };

    /// <summary>Deterministic pseudo-random values in [-scale, scale).</summary>
    public static float[] RandomValues(int length, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
        }

        return values;
    }

    public static byte[] SaveState(IOptimizer optimizer)
    {
        var stream = new MemoryStream();
        optimizer.SaveState(stream);
        return stream.ToArray();
    }
}

/// <summary>Largest absolute and relative (to max(|expected|, 1)) differences.</summary>
internal sealed class ErrorTracker
{
    public double MaxAbsolute { get; private set; }

    public double MaxRelative { get; private set; }

    /// <summary>Largest |actual − expected| / |expected| over non-zero expected values (for reports).</summary>
    public double MaxPureRelative { get; private set; }

    public string Worst { get; private set; } = "(none)";

    public void Add(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        if (expected.Length != actual.Length)
        {
            throw new InvalidOperationException($"{what}: {actual.Length} values, expected {expected.Length}");
        }

        for (int i = 0; i < expected.Length; i++)
        {
            double abs = Math.Abs((double)actual[i] - expected[i]);
            double rel = abs / Math.Max(1.0, Math.Abs(expected[i]));
            MaxAbsolute = Math.Max(MaxAbsolute, abs);
            if (expected[i] != 0)
            {
                MaxPureRelative = Math.Max(MaxPureRelative, abs / Math.Abs(expected[i]));
            }

            if (rel > MaxRelative || double.IsNaN(rel))
            {
                MaxRelative = double.IsNaN(rel) ? double.PositiveInfinity : rel;
                Worst = $"{what}[{i}]: expected {expected[i]:R}, actual {actual[i]:R}";
            }
        }
    }
}
