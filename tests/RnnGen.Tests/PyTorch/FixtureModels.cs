// The RnnGen twins of the PyTorch fixtures in Fixtures/ (the attribute text is each fixture's
// __metadata__.model, written by tools/fixtures/make_fixtures.py).

using RnnGen;

namespace RnnGen.Tests.PyTorch;

[RnnModel(InputSize = 4, Steps = 5, BatchSize = 2, Mode = SequenceMode.ManyToMany)]
[Gru(6, Name = "g")]
[Dense(5, Name = "mid", Activation = Activation.Relu)]
[Lstm(4, Name = "l")]
[Dense(3, Name = "fc", Activation = Activation.Softmax)]
public partial class DenseReluBetween { }

[RnnModel(Steps = 7, BatchSize = 2, Mode = SequenceMode.ManyToOne)]
[Embedding(9, 4, Name = "emb")]
[Gru(5, Name = "gru")]
[Dense(1, Name = "fc", Activation = Activation.Sigmoid)]
public partial class EmbeddingGruM2oSigmoid { }

[RnnModel(Steps = 6, BatchSize = 2, Mode = SequenceMode.ManyToMany)]
[Embedding(11, 4, Name = "emb")]
[Lstm(6, Name = "lstm")]
[Dense(11, Name = "fc", Activation = Activation.Softmax)]
public partial class EmbeddingLstmM2m { }

[RnnModel(InputSize = 5, Steps = 6, BatchSize = 3, Mode = SequenceMode.ManyToOne)]
[Gru(4, Name = "gru", Bidirectional = true)]
[Dense(3, Name = "fc", Activation = Activation.Softmax)]
public partial class GruBidirM2o { }

[RnnModel(InputSize = 3, Steps = 4, BatchSize = 2, Mode = SequenceMode.ManyToMany)]
[Gru(4, Name = "gru", Layers = 2, Bidirectional = true)]
[Dense(3, Name = "fc")]
public partial class GruLayers2BidirM2m { }

[RnnModel(InputSize = 4, Steps = 5, BatchSize = 2, Mode = SequenceMode.ManyToMany)]
[Gru(6, Name = "gru")]
[Dense(3, Name = "fc")]
public partial class GruM2mIdentity { }

[RnnModel(InputSize = 4, Steps = 5, BatchSize = 2, Mode = SequenceMode.ManyToMany)]
[Gru(6, Name = "gru", Variant = GruVariant.ResetBefore)]
[Dense(3, Name = "fc")]
public partial class GruResetbeforeM2m { }

[RnnModel(InputSize = 3, Steps = 4, BatchSize = 1, Mode = SequenceMode.ManyToMany)]
[Lstm(3, Name = "lstm")]
[Dense(3, Name = "fc", Activation = Activation.Softmax)]
public partial class LstmB1M2m { }

[RnnModel(InputSize = 4, Steps = 5, BatchSize = 2, Mode = SequenceMode.ManyToMany)]
[Lstm(5, Name = "lstm", Bidirectional = true)]
[Dense(4, Name = "fc", Activation = Activation.Softmax)]
public partial class LstmBidirM2m { }

[RnnModel(InputSize = 4, Steps = 5, BatchSize = 2, Mode = SequenceMode.ManyToMany)]
[Lstm(5, Name = "lstm", Layers = 2)]
[Dense(4, Name = "fc", Activation = Activation.Softmax)]
public partial class LstmLayers2M2m { }

[RnnModel(InputSize = 3, Steps = 5, BatchSize = 1, Mode = SequenceMode.ManyToMany)]
[Lstm(4, Name = "lstm")]
public partial class LstmM2mNohead { }

[RnnModel(InputSize = 5, Steps = 6, BatchSize = 2, Mode = SequenceMode.ManyToMany)]
[Lstm(7, Name = "lstm")]
[Dense(4, Name = "fc", Activation = Activation.Softmax)]
public partial class LstmM2mSoftmax { }

[RnnModel(InputSize = 4, Steps = 6, BatchSize = 2, Mode = SequenceMode.ManyToOne)]
[Lstm(6, Name = "lstm")]
[Dense(3, Name = "fc", Activation = Activation.Sigmoid)]
public partial class LstmM2oSigmoid { }

[RnnModel(InputSize = 5, Steps = 5, BatchSize = 2, Mode = SequenceMode.ManyToMany)]
[Lstm(6, Name = "l1")]
[Gru(5, Name = "l2")]
[SimpleRnn(4, Name = "l3")]
[Dense(3, Name = "fc", Activation = Activation.Softmax)]
public partial class MixedStack { }

[RnnModel(InputSize = 3, Steps = 6, BatchSize = 2, Mode = SequenceMode.ManyToOne)]
[SimpleRnn(5, Name = "rnn", Layers = 3)]
[Dense(3, Name = "fc")]
public partial class RnnLayers3M2oIdentity { }

[RnnModel(InputSize = 4, Steps = 6, BatchSize = 2, Mode = SequenceMode.ManyToMany)]
[SimpleRnn(6, Name = "rnn", Activation = Activation.Relu)]
[Dense(3, Name = "fc")]
public partial class RnnReluM2m { }

[RnnModel(InputSize = 3, Steps = 7, BatchSize = 2, Mode = SequenceMode.ManyToMany)]
[SimpleRnn(5, Name = "rnn")]
[Dense(4, Name = "fc", Activation = Activation.Tanh)]
public partial class RnnTanhM2m { }

internal static class FixtureModels
{
    /// <summary>Fixture name → a fresh instance of its twin.</summary>
    public static readonly System.Collections.Generic.IReadOnlyDictionary<string, System.Func<IRnnModel>> All =
        new System.Collections.Generic.Dictionary<string, System.Func<IRnnModel>>
        {
            ["dense_relu_between"] = () => new DenseReluBetween(),
            ["embedding_gru_m2o_sigmoid"] = () => new EmbeddingGruM2oSigmoid(),
            ["embedding_lstm_m2m"] = () => new EmbeddingLstmM2m(),
            ["gru_bidir_m2o"] = () => new GruBidirM2o(),
            ["gru_layers2_bidir_m2m"] = () => new GruLayers2BidirM2m(),
            ["gru_m2m_identity"] = () => new GruM2mIdentity(),
            ["gru_resetbefore_m2m"] = () => new GruResetbeforeM2m(),
            ["lstm_b1_m2m"] = () => new LstmB1M2m(),
            ["lstm_bidir_m2m"] = () => new LstmBidirM2m(),
            ["lstm_layers2_m2m"] = () => new LstmLayers2M2m(),
            ["lstm_m2m_nohead"] = () => new LstmM2mNohead(),
            ["lstm_m2m_softmax"] = () => new LstmM2mSoftmax(),
            ["lstm_m2o_sigmoid"] = () => new LstmM2oSigmoid(),
            ["mixed_stack"] = () => new MixedStack(),
            ["rnn_layers3_m2o_identity"] = () => new RnnLayers3M2oIdentity(),
            ["rnn_relu_m2m"] = () => new RnnReluM2m(),
            ["rnn_tanh_m2m"] = () => new RnnTanhM2m(),
        };
}
