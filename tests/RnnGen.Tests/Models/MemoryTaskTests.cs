using System;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Models;

// Recall the marked first symbol after 11 more random symbols: solvable only through memory.
[RnnModel(InputSize = 5, Steps = 12, BatchSize = 16, Mode = SequenceMode.ManyToOne)]
[Gru(24, Name = "gru")]
[Dense(4, Name = "fc", Activation = Activation.Softmax)]
public partial class MemoryGru { }

[RnnModel(InputSize = 5, Steps = 30, BatchSize = 16, Mode = SequenceMode.ManyToOne)]
[Lstm(24, Name = "lstm")]
[Dense(4, Name = "fc", Activation = Activation.Softmax)]
public partial class MemoryLstm { }

/// <summary>
/// End-to-end training on a task that needs memory: store the symbol marked at step 0 and
/// ignore every symbol that follows (chance is 25 %). The LSTM starts with its forget-gate bias
/// at 2, the usual remedy for the forget gate's 0.5 at PyTorch's default initialization, which
/// halves the memory every step.
/// </summary>
public sealed class MemoryTaskTests
{
    private const int B = 16, X = 5, Symbols = 4;
    private readonly ITestOutputHelper _output;

    public MemoryTaskTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// Channels 0–3: a random symbol at every step; channel 4: a marker at step 0 only. The target
    /// is the marked symbol: the model must store it and then ignore every later symbol.
    /// </summary>
    private static void Batch(Random random, int T, float[] x, int[] y)
    {
        Array.Clear(x);
        for (int b = 0; b < B; b++)
        {
            y[b] = random.Next(Symbols);
            x[(b * T) * X + y[b]] = 1f;
            x[(b * T) * X + Symbols] = 1f;
            for (int t = 1; t < T; t++) x[(b * T + t) * X + random.Next(Symbols)] = 1f;
        }
    }

    [Fact]
    public void Gru_remembers_across_12_steps() => Assert.True(Train(new MemoryGru(seed: 1), "GRU", MemoryGru.Steps, 0.01f, 1200) >= 0.95);

    [Fact]
    public void Lstm_remembers_across_30_steps()
    {
        var model = new MemoryLstm(seed: 1);
        model.Parameter("lstm.bias_ih_l0").Slice(24, 24).Fill(2f); // forget gate: rows H … 2H-1
        Assert.True(Train(model, "LSTM", MemoryLstm.Steps, 0.003f, 3000) >= 0.95);
    }

    private double Train(ITrainableRnnModel<float, int> model, string name, int T, float learningRate, int trainingSteps)
    {
        var random = new Random(2024);
        var x = new float[T * B * X];
        var y = new int[B];
        var adam = new Adam(learningRate) { MaxGradientNorm = 1f };
        for (int step = 0; step < trainingSteps; step++)
        {
            Batch(random, T, x, y);
            model.TrainStep(x, y, adam);
        }
        int correct = 0, total = 0;
        var output = new float[B * Symbols];
        for (int n = 0; n < 16; n++)
        {
            Batch(random, T, x, y);
            model.Predict(x, output);
            for (int b = 0; b < B; b++, total++)
            {
                int best = 0;
                for (int k = 1; k < Symbols; k++) if (output[b * Symbols + k] > output[b * Symbols + best]) best = k;
                if (best == y[b]) correct++;
            }
        }
        double accuracy = (double)correct / total;
        _output.WriteLine($"{name}: accuracy {accuracy:P1} after {trainingSteps} steps");
        return accuracy;
    }
}
