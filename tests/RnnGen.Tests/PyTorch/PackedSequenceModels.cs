// The RnnGen twins of the per-row lengths fixtures in Fixtures/Lengths/ (the attribute text is
// each fixture's __metadata__.model, written by tools/fixtures/make_length_fixtures.py).

using RnnGen;

namespace RnnGen.Tests.PyTorch;

[RnnModel(InputSize = 5, Steps = 6, BatchSize = 4, Mode = SequenceMode.ManyToMany)]
[Lstm(7, Name = "lstm")]
[Dense(4, Name = "fc", Activation = Activation.Softmax)]
public partial class PackedLstmM2mSoftmax { }

[RnnModel(InputSize = 4, Steps = 5, BatchSize = 3, Mode = SequenceMode.ManyToMany)]
[Gru(6, Name = "gru")]
[Dense(3, Name = "fc")]
public partial class PackedGruM2mMse { }

[RnnModel(InputSize = 4, Steps = 5, BatchSize = 4, Mode = SequenceMode.ManyToMany)]
[Gru(6, Name = "gru", Variant = GruVariant.ResetBefore)]
[Dense(3, Name = "fc")]
public partial class PackedGruResetbeforeM2mMse { }

[RnnModel(InputSize = 4, Steps = 6, BatchSize = 3, Mode = SequenceMode.ManyToMany)]
[Lstm(5, Name = "lstm", Bidirectional = true)]
[Dense(4, Name = "fc", Activation = Activation.Softmax)]
public partial class PackedLstmBidirM2mSoftmax { }

[RnnModel(InputSize = 5, Steps = 6, BatchSize = 4, Mode = SequenceMode.ManyToOne)]
[Gru(4, Name = "gru", Bidirectional = true)]
[Dense(3, Name = "fc", Activation = Activation.Softmax)]
public partial class PackedGruBidirM2oSoftmax { }

[RnnModel(Steps = 7, BatchSize = 4, Mode = SequenceMode.ManyToMany)]
[Embedding(10, 4, Name = "emb")]
[Gru(5, Name = "gru", Bidirectional = true)]
[Dense(5, Name = "fc", Activation = Activation.Softmax)]
public partial class PackedEmbeddingGruBidirTagger { }

[RnnModel(InputSize = 4, Steps = 6, BatchSize = 3, Mode = SequenceMode.ManyToMany)]
[Lstm(6, Name = "l1")]
[Gru(5, Name = "l2")]
[Dense(4, Name = "mid", Activation = Activation.Relu)]
[SimpleRnn(4, Name = "l3")]
[Dense(3, Name = "fc", Activation = Activation.Softmax)]
public partial class PackedMixedLstmGruM2m { }

[RnnModel(InputSize = 3, Steps = 7, BatchSize = 4, Mode = SequenceMode.ManyToOne)]
[SimpleRnn(6, Name = "rnn", Activation = Activation.Relu)]
[Dense(2, Name = "fc", Activation = Activation.Sigmoid)]
public partial class PackedRnnReluM2oSigmoid { }

[RnnModel(InputSize = 4, Steps = 5, BatchSize = 3, Mode = SequenceMode.ManyToOne)]
[Gru(5, Name = "gru")]
[Dense(3, Name = "fc")]
public partial class PackedGruM2oMse { }

[RnnModel(InputSize = 3, Steps = 6, BatchSize = 3, Mode = SequenceMode.ManyToOne)]
[Lstm(5, Name = "lstm", Layers = 2)]
[Dense(3, Name = "fc", Activation = Activation.Softmax)]
public partial class PackedLstmLayers2M2o { }

/// <summary>A length fixture's data as the overloads with <c>lengths</c> take it.</summary>
internal sealed class PackedSample
{
    public float[] Floats = System.Array.Empty<float>();
    public int[] Ids = System.Array.Empty<int>();
    public float[] FloatTargets = System.Array.Empty<float>();
    public int[] ClassTargets = System.Array.Empty<int>();
    public int[] Lengths = System.Array.Empty<int>();
    public bool TokenInput;
    public bool ClassIds;

    public PackedSample Clone() => new()
    {
        Floats = (float[])Floats.Clone(), Ids = (int[])Ids.Clone(),
        FloatTargets = (float[])FloatTargets.Clone(), ClassTargets = (int[])ClassTargets.Clone(),
        Lengths = (int[])Lengths.Clone(), TokenInput = TokenInput, ClassIds = ClassIds,
    };
}

internal static class PackedSequenceModels
{
    /// <summary>
    /// One twin and its overloads with <c>lengths</c> (generated per class, so each is called
    /// through a lambda): <c>Predict(input, lengths, output)</c>, <c>ComputeGradients(input,
    /// lengths, targets)</c>, <c>ComputeLoss(input, lengths, targets)</c>,
    /// <c>TrainStep(input, lengths, targets, optimizer)</c>.
    /// </summary>
    internal sealed record Case(
        System.Func<IRnnModel> Create,
        System.Action<IRnnModel, PackedSample, int[], float[]> Predict,
        System.Func<IRnnModel, PackedSample, int[], float> ComputeGradients,
        System.Func<IRnnModel, PackedSample, int[], float> ComputeLoss,
        System.Func<IRnnModel, PackedSample, int[], RnnGen.Training.IOptimizer, float> TrainStep)
    {
        public static Case Of<TModel>(
            System.Func<TModel> create,
            System.Action<TModel, PackedSample, int[], float[]> predict,
            System.Func<TModel, PackedSample, int[], float> computeGradients,
            System.Func<TModel, PackedSample, int[], float> computeLoss,
            System.Func<TModel, PackedSample, int[], RnnGen.Training.IOptimizer, float> trainStep)
            where TModel : IRnnModel
            => new(() => create(),
                (m, s, l, y) => predict((TModel)m, s, l, y),
                (m, s, l) => computeGradients((TModel)m, s, l),
                (m, s, l) => computeLoss((TModel)m, s, l),
                (m, s, l, o) => trainStep((TModel)m, s, l, o));
    }

    /// <summary>Fixture name → its twin.</summary>
    public static readonly System.Collections.Generic.IReadOnlyDictionary<string, Case> All =
        new System.Collections.Generic.Dictionary<string, Case>
        {
            ["embedding_gru_bidir_tagger"] = Case.Of(() => new PackedEmbeddingGruBidirTagger(),
                (m, s, l, y) => m.Predict(s.Ids, l, y),
                (m, s, l) => m.ComputeGradients(s.Ids, l, s.ClassTargets),
                (m, s, l) => m.ComputeLoss(s.Ids, l, s.ClassTargets),
                (m, s, l, o) => m.TrainStep(s.Ids, l, s.ClassTargets, o)),
            ["gru_bidir_m2o_softmax"] = Case.Of(() => new PackedGruBidirM2oSoftmax(),
                (m, s, l, y) => m.Predict(s.Floats, l, y),
                (m, s, l) => m.ComputeGradients(s.Floats, l, s.ClassTargets),
                (m, s, l) => m.ComputeLoss(s.Floats, l, s.ClassTargets),
                (m, s, l, o) => m.TrainStep(s.Floats, l, s.ClassTargets, o)),
            ["gru_m2m_mse"] = Case.Of(() => new PackedGruM2mMse(),
                (m, s, l, y) => m.Predict(s.Floats, l, y),
                (m, s, l) => m.ComputeGradients(s.Floats, l, s.FloatTargets),
                (m, s, l) => m.ComputeLoss(s.Floats, l, s.FloatTargets),
                (m, s, l, o) => m.TrainStep(s.Floats, l, s.FloatTargets, o)),
            ["gru_m2o_mse"] = Case.Of(() => new PackedGruM2oMse(),
                (m, s, l, y) => m.Predict(s.Floats, l, y),
                (m, s, l) => m.ComputeGradients(s.Floats, l, s.FloatTargets),
                (m, s, l) => m.ComputeLoss(s.Floats, l, s.FloatTargets),
                (m, s, l, o) => m.TrainStep(s.Floats, l, s.FloatTargets, o)),
            ["gru_resetbefore_m2m_mse"] = Case.Of(() => new PackedGruResetbeforeM2mMse(),
                (m, s, l, y) => m.Predict(s.Floats, l, y),
                (m, s, l) => m.ComputeGradients(s.Floats, l, s.FloatTargets),
                (m, s, l) => m.ComputeLoss(s.Floats, l, s.FloatTargets),
                (m, s, l, o) => m.TrainStep(s.Floats, l, s.FloatTargets, o)),
            ["lstm_bidir_m2m_softmax"] = Case.Of(() => new PackedLstmBidirM2mSoftmax(),
                (m, s, l, y) => m.Predict(s.Floats, l, y),
                (m, s, l) => m.ComputeGradients(s.Floats, l, s.ClassTargets),
                (m, s, l) => m.ComputeLoss(s.Floats, l, s.ClassTargets),
                (m, s, l, o) => m.TrainStep(s.Floats, l, s.ClassTargets, o)),
            ["lstm_layers2_m2o"] = Case.Of(() => new PackedLstmLayers2M2o(),
                (m, s, l, y) => m.Predict(s.Floats, l, y),
                (m, s, l) => m.ComputeGradients(s.Floats, l, s.ClassTargets),
                (m, s, l) => m.ComputeLoss(s.Floats, l, s.ClassTargets),
                (m, s, l, o) => m.TrainStep(s.Floats, l, s.ClassTargets, o)),
            ["lstm_m2m_softmax"] = Case.Of(() => new PackedLstmM2mSoftmax(),
                (m, s, l, y) => m.Predict(s.Floats, l, y),
                (m, s, l) => m.ComputeGradients(s.Floats, l, s.ClassTargets),
                (m, s, l) => m.ComputeLoss(s.Floats, l, s.ClassTargets),
                (m, s, l, o) => m.TrainStep(s.Floats, l, s.ClassTargets, o)),
            ["mixed_lstm_gru_m2m"] = Case.Of(() => new PackedMixedLstmGruM2m(),
                (m, s, l, y) => m.Predict(s.Floats, l, y),
                (m, s, l) => m.ComputeGradients(s.Floats, l, s.ClassTargets),
                (m, s, l) => m.ComputeLoss(s.Floats, l, s.ClassTargets),
                (m, s, l, o) => m.TrainStep(s.Floats, l, s.ClassTargets, o)),
            ["rnn_relu_m2o_sigmoid"] = Case.Of(() => new PackedRnnReluM2oSigmoid(),
                (m, s, l, y) => m.Predict(s.Floats, l, y),
                (m, s, l) => m.ComputeGradients(s.Floats, l, s.FloatTargets),
                (m, s, l) => m.ComputeLoss(s.Floats, l, s.FloatTargets),
                (m, s, l, o) => m.TrainStep(s.Floats, l, s.FloatTargets, o)),
        };
}
