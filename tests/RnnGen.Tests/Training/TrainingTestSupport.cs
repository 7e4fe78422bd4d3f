using System;
using System.Collections.Generic;
using System.IO;
using RnnGen.Initialization;
using RnnGen.Training;

namespace RnnGen.Tests.Training;

/// <summary>Data sets, folders and recording progress sinks for the trainer tests.</summary>
internal static class TrainingData
{
    /// <summary>Sequences of 8 values in [-1, 1); class 1 when their sum is positive.</summary>
    public static SequenceDataset<float, int> SumSign(int count, int seed)
    {
        var data = new SequenceDataset<float, int>(SumSignClassifier.Steps, 1);
        var rng = new RnnRandom(seed);
        var x = new float[SumSignClassifier.Steps];
        for (int n = 0; n < count; n++)
        {
            float sum = 0;
            for (int t = 0; t < x.Length; t++)
            {
                x[t] = rng.NextUniform(-1f, 1f);
                sum += x[t];
            }

            data.Add(x, new[] { sum > 0 ? 1 : 0 });
        }

        return data;
    }

    /// <summary>Two features per step; target 1 when the first feature's mean exceeds the second's.</summary>
    public static SequenceDataset<float, float> Binary(int count, int seed)
    {
        var data = new SequenceDataset<float, float>(BinaryGru.Steps * BinaryGru.InputSize, 1);
        var rng = new RnnRandom(seed);
        var x = new float[BinaryGru.Steps * BinaryGru.InputSize];
        for (int n = 0; n < count; n++)
        {
            float d = 0;
            for (int t = 0; t < BinaryGru.Steps; t++)
            {
                x[2 * t] = rng.NextUniform(-1f, 1f);
                x[(2 * t) + 1] = rng.NextUniform(-1f, 1f);
                d += x[2 * t] - x[(2 * t) + 1];
            }

            data.Add(x, new[] { d > 0 ? 1f : 0f });
        }

        return data;
    }

    /// <summary>Token sequences; the tag of a token is the previous token (0 at the start).</summary>
    public static SequenceDataset<int, int> Tokens(int count, int seed)
    {
        var data = new SequenceDataset<int, int>(TokenTagger.Steps, TokenTagger.Steps);
        var rng = new RnnRandom(seed);
        var x = new int[TokenTagger.Steps];
        var y = new int[TokenTagger.Steps];
        for (int n = 0; n < count; n++)
        {
            for (int t = 0; t < x.Length; t++)
            {
                x[t] = rng.NextInt(5);
                y[t] = t == 0 ? 0 : x[t - 1];
            }

            data.Add(x, y);
        }

        return data;
    }
}

/// <summary>A progress sink that runs synchronously and keeps every report.</summary>
internal sealed class RecordingProgress : IProgress<TrainingProgress>
{
    private readonly Action<TrainingProgress>? _onReport;

    public RecordingProgress(Action<TrainingProgress>? onReport = null) => _onReport = onReport;

    public List<TrainingProgress> Reports { get; } = new();

    public void Report(TrainingProgress value)
    {
        Reports.Add(value);
        _onReport?.Invoke(value);
    }
}

/// <summary>A fresh folder under the temporary directory, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rnngen-training-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string[] Entries() => Directory.GetFileSystemEntries(Path);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// Wraps a generated model and can make <c>SaveSafetensors(Stream)</c> fail halfway through, after
/// writing some bytes: an interrupted checkpoint write.
/// </summary>
internal sealed class FailingSaveModel : ITrainableRnnModel<float, int>
{
    private readonly SumSignClassifier _inner;

    public FailingSaveModel(SumSignClassifier inner) => _inner = inner;

    /// <summary>When set, the next saves write this many bytes and then throw.</summary>
    public int? FailAfterBytes { get; set; }

    public Span<float> Parameters => _inner.Parameters;

    public Span<float> Gradients => _inner.Gradients;

    public IReadOnlyList<string> TensorNames => SumSignClassifier.ParameterNames;

    public int InputLength => SumSignClassifier.InputLength;

    public int OutputLength => SumSignClassifier.OutputLength;

    public int TargetLength => SumSignClassifier.TargetLength;

    public Span<float> Parameter(string name) => _inner.Parameter(name);

    public Span<float> Gradient(string name) => _inner.Gradient(name);

    public void LoadSafetensors(string path) => _inner.LoadSafetensors(path);

    public void LoadSafetensors(Stream stream) => _inner.LoadSafetensors(stream);

    public void SaveSafetensors(string path) => _inner.SaveSafetensors(path);

    /// <summary>Not passed on: the trainer tests do not use stateful training.</summary>
    public bool CarryState { get; set; }

    /// <summary>Nothing to reset: see <see cref="CarryState"/>.</summary>
    public void ResetState()
    {
    }

    public void SaveSafetensors(Stream stream)
    {
        if (FailAfterBytes is int bytes)
        {
            var buffer = new MemoryStream();
            _inner.SaveSafetensors(buffer);
            stream.Write(buffer.GetBuffer(), 0, Math.Min(bytes, (int)buffer.Length));
            stream.Flush();
            throw new IOException("Simulated failure in the middle of writing the weights.");
        }

        _inner.SaveSafetensors(stream);
    }

    public void Predict(ReadOnlySpan<float> input, Span<float> output) => _inner.Predict(input, output);

    public float ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<int> targets) => _inner.ComputeGradients(input, targets);

    public float ComputeLoss(ReadOnlySpan<float> input, ReadOnlySpan<int> targets) => _inner.ComputeLoss(input, targets);

    public float ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, Span<float> inputGradients)
        => _inner.ComputeGradients(input, targets, inputGradients);

    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, IOptimizer optimizer) => _inner.TrainStep(input, targets, optimizer);

    public bool TryTrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, IOptimizer optimizer, out float loss)
        => _inner.TryTrainStep(input, targets, optimizer, out loss);
}
