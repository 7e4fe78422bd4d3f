using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Initialization;
using RnnGen.Training;

namespace RnnGen.Benchmarks;

/// <summary>One measured call of a workload: what it runs, on how many sequences, and its arithmetic.</summary>
/// <param name="Name">The WORKLOADS.md name, e.g. <c>w1-infer-b1</c>.</param>
/// <param name="Batch">Sequences per call (W3: 1 sample per step).</param>
/// <param name="FlopPerSeq">2·rows·cols per matrix-vector product, per sequence (W3: per step).</param>
/// <param name="Create">Builds the model and buffers (default initialization, inputs from a fixed seed) and returns the call.</param>
public sealed record Workload(string Name, int Batch, long FlopPerSeq, Func<Action> Create);

/// <summary>The workloads of WORKLOADS.md.</summary>
public static class Registry
{
    private const int Seed = 42;

    // FLOPs (WORKLOADS.md): 2·rows·cols per matrix-vector product, one-hot inputs counted as dense,
    // activations and the optimizer left out. Training = forward + backward, where the backward
    // counts the weight gradients (as many as the forward products), the recurrent state gradient
    // (2·G·H·H per step) and the gradient into a layer's input where another layer produced it
    // (not into the model's input).
    private static long LstmStep(int x, int h) => 2L * 4 * h * (x + h);
    private static long GruStep(int x, int h) => 2L * 3 * h * (x + h);

    // W1: LSTM(65 → 128), Dense(128 → 65) every step, T = 100: 21,427,200 forward, 57,625,600 training.
    private const long W1Forward = 100 * (2L * 4 * 128 * (65 + 128) + 2L * 65 * 128);
    private const long W1Train = W1Forward + 100 * (2L * 4 * 128 * (65 + 128) + 2L * 4 * 128 * 128 + 2 * (2L * 65 * 128));

    // W2: GRU(32 → 256) ×2, T = 50, Dense(256 → 10) once: 61,445,120 forward, 181,877,760 training.
    private const long W2Forward = 50 * (2L * 3 * 256 * (32 + 256) + 2L * 3 * 256 * (256 + 256)) + 2L * 10 * 256;
    private const long W2Train = W2Forward
        + 50 * (2L * 3 * 256 * (32 + 256) + 2L * 3 * 256 * 256          // layer 0: weights, recurrent state
              + 2L * 3 * 256 * (256 + 256) + 2L * 3 * 256 * 256         // layer 1: weights, recurrent state
              + 2L * 3 * 256 * 256)                                     // layer 1 → layer 0 input gradient
        + 2 * (2L * 10 * 256);                                          // head: weights, input

    // W4: bidirectional LSTM(4 → 64), Dense(128 → 3) every step, T = 200: 14,080,000 forward, 41,420,800 training.
    private const long W4Forward = 200 * (2 * 2L * 4 * 64 * (4 + 64) + 2L * 3 * 128);
    private const long W4Train = W4Forward + 200 * (2 * (2L * 4 * 64 * (4 + 64) + 2L * 4 * 64 * 64) + 2 * (2L * 3 * 128));

    // W5: LSTM(64 → 128), Dense(128 → 64) every step, Steps = 100, B = 32; per sequence, per step it runs:
    private const long W5StepForward = 2L * 4 * 128 * (64 + 128) + 2L * 64 * 128;
    private const long W5StepTrain = W5StepForward + 2L * 4 * 128 * (64 + 128) + 2L * 4 * 128 * 128 + 2 * (2L * 64 * 128);

    /// <summary>W5's lengths: uniform in 10 … 100 from a fixed seed (mean ≈ 55).</summary>
    public static int[] W5Lengths { get; } = Lengths(W5B32.BatchSize, 10, 100);

    private static readonly double W5MeanLength = W5Lengths.Average();

    public static IReadOnlyList<Workload> All { get; } = new Workload[]
    {
        new("w1-infer-b1", 1, W1Forward, () => Infer(new W1B1(), W1B1.OutputLength, OneHot(W1B1.InputLength, W1B1.InputSize))),
        new("w1-train-b1", 1, W1Train, () => Train(new W1B1(), OneHot(W1B1.InputLength, W1B1.InputSize), Classes(W1B1.TargetLength, W1B1.OutputSize))),
        new("w1-train-b32", 32, W1Train, () => Train(new W1B32(), OneHot(W1B32.InputLength, W1B32.InputSize), Classes(W1B32.TargetLength, W1B32.OutputSize))),
        new("w2-infer-b1", 1, W2Forward, () => Infer(new W2B1(), W2B1.OutputLength, Normal(W2B1.InputLength))),
        new("w2-infer-b32", 32, W2Forward, () => Infer(new W2B32(), W2B32.OutputLength, Normal(W2B32.InputLength))),
        new("w2-train-b32", 32, W2Train, () => Train(new W2B32(), Normal(W2B32.InputLength), Classes(W2B32.TargetLength, W2B32.OutputSize))),
        new("w3-lstm-h8", 1, LstmStep(1, 8), () => Stream(new W3Lstm8(), W3Lstm8.OutputSize)),
        new("w3-lstm-h32", 1, LstmStep(1, 32), () => Stream(new W3Lstm32(), W3Lstm32.OutputSize)),
        new("w3-lstm-h64", 1, LstmStep(1, 64), () => Stream(new W3Lstm64(), W3Lstm64.OutputSize)),
        new("w3-gru-h32", 1, GruStep(1, 32), () => Stream(new W3Gru32(), W3Gru32.OutputSize)),
        new("w3-gru-h64", 1, GruStep(1, 64), () => Stream(new W3Gru64(), W3Gru64.OutputSize)),
        new("w4-train-b16", 16, W4Train, () => Train(new W4B16(), OneHot(W4B16.InputLength, W4B16.InputSize), Classes(W4B16.TargetLength, W4B16.OutputSize))),
        new("w5-infer-b32-lengths", 32, (long)(W5MeanLength * W5StepForward), () => InferLengths(new W5B32(), W5B32.OutputLength, Normal(W5B32.InputLength))),
        new("w5-infer-b32-full", 32, 100 * W5StepForward, () => Infer(new W5B32(), W5B32.OutputLength, Normal(W5B32.InputLength))),
        new("w5-train-b32-lengths", 32, (long)(W5MeanLength * W5StepTrain), () => TrainLengths(new W5B32(), Normal(W5B32.InputLength), Classes(W5B32.TargetLength, W5B32.OutputSize))),
        new("w5-train-b32-full", 32, 100 * W5StepTrain, () => Train(new W5B32(), Normal(W5B32.InputLength), Classes(W5B32.TargetLength, W5B32.OutputSize))),
    };

    private static Action InferLengths(W5B32 model, int outputLength, float[] input)
    {
        var output = new float[outputLength];
        return () => model.Predict(input, W5Lengths, output);
    }

    private static Action TrainLengths(W5B32 model, float[] input, int[] targets)
    {
        var adam = new Adam(learningRate: 1e-3f);
        return () => model.TrainStep(input, W5Lengths, targets, adam);
    }

    private static int[] Lengths(int count, int shortest, int longest)
    {
        var random = new Random(Seed);
        var lengths = new int[count];
        for (int i = 0; i < count; i++) lengths[i] = random.Next(shortest, longest + 1);
        return lengths;
    }

    public static Workload Get(string name) =>
        All.FirstOrDefault(w => w.Name == name) ?? throw new ArgumentException($"Unknown workload '{name}'; known: {string.Join(", ", All.Select(w => w.Name))}.", nameof(name));

    private static Action Infer(IRnnModel<float> model, int outputLength, float[] input)
    {
        var output = new float[outputLength];
        return () => model.Predict(input, output);
    }

    private static Action Train<TModel>(TModel model, float[] input, int[] targets)
        where TModel : ITrainableRnnModel<float, int>
    {
        var adam = new Adam(learningRate: 1e-3f);
        return () => model.TrainStep(input, targets, adam);
    }

    /// <summary>W3: one step for one sample, the state carried; the input is a fixed-seed signal.</summary>
    private static Action Stream(IStreamingRnnModel<float> model, int outputSize)
    {
        float[] signal = Normal(4096);
        var x = new float[1];
        var y = new float[outputSize];
        int i = 0;
        return () =>
        {
            x[0] = signal[i++ & 4095];
            model.Step(x, y);
        };
    }

    /// <summary>Rows of one-hot vectors (a random class per row).</summary>
    private static float[] OneHot(int length, int width)
    {
        var rng = new RnnRandom(Seed);
        var data = new float[length];
        for (int row = 0; row < length / width; row++) data[row * width + rng.NextInt(width)] = 1f;
        return data;
    }

    private static float[] Normal(int length)
    {
        var rng = new RnnRandom(Seed);
        var data = new float[length];
        for (int i = 0; i < length; i++) data[i] = rng.NextNormal();
        return data;
    }

    private static int[] Classes(int length, int classes)
    {
        var rng = new RnnRandom(Seed + 1);
        var data = new int[length];
        for (int i = 0; i < length; i++) data[i] = rng.NextInt(classes);
        return data;
    }
}
