// OneToMany models: the RnnGen twins of the PyTorch fixtures in Fixtures/Generation/ (written by
// tools/fixtures/make_generation_fixtures.py), and ManyToMany twins that run the same layers over
// a whole given sequence.

using RnnGen;

namespace RnnGen.Tests.Generation;

[RnnModel(InputSize = 5, Steps = 6, BatchSize = 2, Mode = SequenceMode.OneToMany)]
[Lstm(8, Name = "lstm")]
[Dense(5, Name = "fc", Activation = Activation.Softmax)]
public partial class O2mLstmSoftmax { }

[RnnModel(Steps = 5, BatchSize = 2, Mode = SequenceMode.OneToMany)]
[Embedding(7, 3, Name = "emb")]
[Gru(6, Name = "gru", Layers = 2)]
[Dense(7, Name = "fc", Activation = Activation.Softmax)]
public partial class O2mEmbeddingGru2Softmax { }

[RnnModel(InputSize = 3, Steps = 7, BatchSize = 3, Mode = SequenceMode.OneToMany)]
[SimpleRnn(6, Name = "rnn")]
[Dense(3, Name = "fc")]
public partial class O2mRnnIdentity { }

/// <summary><see cref="O2mLstmSoftmax"/> as a ManyToMany model: the teacher-forced sequence given in full.</summary>
[RnnModel(InputSize = 5, Steps = 6, BatchSize = 2)]
[Lstm(8, Name = "lstm")]
[Dense(5, Name = "fc", Activation = Activation.Softmax)]
public partial class O2mLstmSoftmaxTwin { }

/// <summary>A generating model with dropout between stacked layers, for the allocation checks.</summary>
[RnnModel(InputSize = 4, Steps = 8, BatchSize = 3, Mode = SequenceMode.OneToMany)]
[Lstm(16, Name = "lstm", Layers = 2, Dropout = 0.2f)]
[Dense(4, Name = "fc", Activation = Activation.Softmax)]
public partial class O2mStacked { }

[RnnModel(InputSize = 4, Steps = 6, BatchSize = 2, Mode = SequenceMode.EncoderDecoder, OutputSteps = 4)]
[Lstm(5, Name = "enc", Layers = 2, Bidirectional = true)]
[Lstm(10, Name = "dec", Decoder = true, Layers = 2)]
[Dense(6, Name = "fc", Activation = Activation.Softmax)]
public partial class EdBilstm2Softmax { }

[RnnModel(Steps = 7, BatchSize = 2, Mode = SequenceMode.EncoderDecoder, OutputSteps = 3)]
[Embedding(9, 4, Name = "emb")]
[Gru(6, Name = "enc")]
[Gru(6, Name = "dec", Decoder = true)]
[Dense(7, Name = "fc", Activation = Activation.Softmax)]
public partial class EdEmbeddingGruSoftmax { }

[RnnModel(InputSize = 2, Steps = 5, BatchSize = 3, Mode = SequenceMode.EncoderDecoder, OutputSteps = 3)]
[SimpleRnn(4, Name = "enc")]
[SimpleRnn(4, Name = "dec", Decoder = true)]
[Dense(3, Name = "fc")]
public partial class EdRnnIdentity { }

/// <summary>An encoder–decoder model with dropout, a Dense layer inside the decoder and a one-step decoder, for the allocation and learning checks.</summary>
[RnnModel(InputSize = 4, Steps = 5, BatchSize = 3, Mode = SequenceMode.EncoderDecoder, OutputSteps = 5)]
[Gru(16, Name = "enc", Layers = 2, Dropout = 0.1f)]
[Gru(16, Name = "dec", Decoder = true, Layers = 2)]
[Dense(4, Name = "fc", Activation = Activation.Softmax)]
public partial class EdReverser { }
