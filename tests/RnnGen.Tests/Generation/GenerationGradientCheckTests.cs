using System;
using System.Collections.Generic;
using RnnGen.Initialization;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Generation;

// Generating models in shapes the PyTorch fixtures do not cover: GRU ResetBefore, ReLU cells,
// bidirectional GRU and RNN encoders, a recurrent layer and a Dense layer inside the decoder,
// heads without a decoder Dense, one-step encoders and decoders, sigmoid and identity heads.

[RnnModel(InputSize = 3, Steps = 4, BatchSize = 2, Mode = SequenceMode.EncoderDecoder, OutputSteps = 3)]
[Gru(5, Name = "enc", Variant = GruVariant.ResetBefore, Bidirectional = true)]
[Gru(10, Name = "dec", Variant = GruVariant.ResetBefore, Decoder = true)]
[Dense(3, Name = "fc", Activation = Activation.Softmax)]
public partial class FdEdGruResetBefore { }

[RnnModel(InputSize = 2, Steps = 3, BatchSize = 2, Mode = SequenceMode.EncoderDecoder, OutputSteps = 4)]
[Lstm(4, Name = "enc", Layers = 2)]
[Lstm(4, Name = "dec", Layers = 2, Decoder = true)]
[Dense(5, Name = "mid", Activation = Activation.Tanh)]
[Dense(3, Name = "fc", Activation = Activation.Sigmoid)]
public partial class FdEdLstmSigmoid { }

[RnnModel(Steps = 5, BatchSize = 3, Mode = SequenceMode.EncoderDecoder, OutputSteps = 2)]
[Embedding(6, 3, Name = "emb")]
[SimpleRnn(5, Name = "enc", Activation = Activation.Relu, Bidirectional = true)]
[SimpleRnn(10, Name = "dec", Decoder = true)]
[Dense(4, Name = "fc")]
public partial class FdEdRnnTokens { }

[RnnModel(InputSize = 3, Steps = 1, BatchSize = 2, Mode = SequenceMode.EncoderDecoder, OutputSteps = 3)]
[Gru(6, Name = "enc")]
[Gru(6, Name = "dec", Decoder = true)]
[Gru(5, Name = "dec2")]
[Dense(3, Name = "fc", Activation = Activation.Softmax)]
public partial class FdEdOneStepEncoder { }

[RnnModel(InputSize = 2, Steps = 3, BatchSize = 2, Mode = SequenceMode.EncoderDecoder, OutputSteps = 1)]
[Lstm(3, Name = "enc", Bidirectional = true)]
[Lstm(6, Name = "dec", Decoder = true)]
public partial class FdEdNoHead { }

[RnnModel(InputSize = 3, Steps = 4, BatchSize = 2, Mode = SequenceMode.OneToMany)]
[Gru(4, Name = "gru", Variant = GruVariant.ResetBefore)]
[Dense(3, Name = "fc", Activation = Activation.Softmax)]
public partial class FdO2mGru { }

[RnnModel(Steps = 3, BatchSize = 2, Mode = SequenceMode.OneToMany)]
[Embedding(5, 2, Name = "emb")]
[Lstm(4, Name = "lstm", Layers = 2)]
[Dense(5, Name = "fc", Activation = Activation.Softmax)]
public partial class FdO2mTokens { }

[RnnModel(InputSize = 2, Steps = 4, BatchSize = 3, Mode = SequenceMode.OneToMany)]
[SimpleRnn(4, Name = "rnn")]
[Dense(2, Name = "fc", Activation = Activation.Sigmoid)]
public partial class FdO2mSigmoid { }

/// <summary>
/// Finite differences of <c>ComputeLoss</c> (float32, central, step 1e-2 on values of order 0.5)
/// against <c>ComputeGradients</c> for every parameter and input component of generating
/// models: catches a gradient that is missing or misrouted (the hand-over into the encoder, the
/// teacher-forced input, a decoder layer's own steps). The PyTorch fixtures check the values
/// to 1e-5; this checks the shapes they do not cover.
/// </summary>
public sealed class GenerationGradientCheckTests
{
    private readonly ITestOutputHelper _output;

    public GenerationGradientCheckTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Models() => new[]
    {
        new object[] { nameof(FdEdGruResetBefore) }, new object[] { nameof(FdEdLstmSigmoid) }, new object[] { nameof(FdEdRnnTokens) },
        new object[] { nameof(FdEdOneStepEncoder) }, new object[] { nameof(FdEdNoHead) }, new object[] { nameof(FdO2mGru) },
        new object[] { nameof(FdO2mTokens) }, new object[] { nameof(FdO2mSigmoid) },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Gradients_match_finite_differences(string name)
    {
        IRnnModel model = name switch
        {
            nameof(FdEdGruResetBefore) => new FdEdGruResetBefore(7),
            nameof(FdEdLstmSigmoid) => new FdEdLstmSigmoid(7),
            nameof(FdEdRnnTokens) => new FdEdRnnTokens(7),
            nameof(FdEdOneStepEncoder) => new FdEdOneStepEncoder(7),
            nameof(FdEdNoHead) => new FdEdNoHead(7),
            nameof(FdO2mGru) => new FdO2mGru(7),
            nameof(FdO2mTokens) => new FdO2mTokens(7),
            nameof(FdO2mSigmoid) => new FdO2mSigmoid(7),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var rng = new RnnRandom(11);
        // Larger weights than the default init so every gate and path carries gradient.
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = rng.NextUniform(-0.6f, 0.6f);

        double worst = model switch
        {
            ITrainableRnnModel<float, int> m => Check(m, Floats(rng, m.InputLength), Classes(rng, m.TargetLength, m.OutputLength / m.TargetLength)),
            ITrainableRnnModel<float, float> m => Check(m, Floats(rng, m.InputLength), Targets(rng, m.TargetLength, name.Contains("Sigmoid", StringComparison.Ordinal))),
            ITrainableRnnModel<int, int> m => Check(m, Classes(rng, m.InputLength, 5), Classes(rng, m.TargetLength, m.OutputLength / m.TargetLength)),
            ITrainableRnnModel<int, float> m => Check(m, Classes(rng, m.InputLength, 6), Targets(rng, m.TargetLength, false)),
            _ => throw new InvalidOperationException(),
        };
        _output.WriteLine($"{name}: {model.Parameters.Length} parameters, largest |gradient − fd| = {worst:E2}");
    }

    private static double Check<TIn, TTarget>(ITrainableRnnModel<TIn, TTarget> model, TIn[] input, TTarget[] targets)
    {
        bool floatInput = typeof(TIn) == typeof(float);
        var inputGradients = floatInput ? new float[model.InputLength] : Array.Empty<float>();
        model.ComputeGradients(input, targets, inputGradients);
        var gradients = model.Gradients.ToArray();
        double worst = double.NegativeInfinity;
        for (int i = 0; i < gradients.Length; i++)
        {
            int at = i;
            float saved = model.Parameters[at];
            double fd = Central(v => { model.Parameters[at] = v; return model.ComputeLoss(input, targets); }, saved);
            model.Parameters[at] = saved;
            worst = Math.Max(worst, Assess(gradients[at], fd, $"parameter {at} of {model.GetType().Name}"));
        }
        if (floatInput)
        {
            var x = (float[])(object)input;
            for (int i = 0; i < x.Length; i++)
            {
                int at = i;
                float saved = x[at];
                double fd = Central(v => { x[at] = v; return model.ComputeLoss(input, targets); }, saved);
                x[at] = saved;
                worst = Math.Max(worst, Assess(inputGradients[at], fd, $"input {at} of {model.GetType().Name}"));
            }
        }
        return worst;
    }

    private static double Central(Func<float, float> loss, float at)
    {
        const float h = 1e-2f;
        return ((double)loss(at + h) - loss(at - h)) / (2 * h);
    }

    /// <summary>Fails when the gradient is off by more than 2e-3 + 2e-2·|fd|; returns the error.</summary>
    private static double Assess(float gradient, double fd, string what)
    {
        double error = Math.Abs(gradient - fd);
        Assert.True(error <= 2e-3 + 2e-2 * Math.Abs(fd), $"{what}: gradient {gradient:R}, finite difference {fd:R}");
        return error;
    }

    private static float[] Floats(RnnRandom rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.NextUniform(-1f, 1f);
        return a;
    }

    private static int[] Classes(RnnRandom rng, int n, int classes)
    {
        var a = new int[n];
        for (int i = 0; i < n; i++) a[i] = rng.NextInt(classes);
        return a;
    }

    private static float[] Targets(RnnRandom rng, int n, bool probabilities)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = probabilities ? rng.NextSingle() : rng.NextUniform(-1f, 1f);
        return a;
    }
}
