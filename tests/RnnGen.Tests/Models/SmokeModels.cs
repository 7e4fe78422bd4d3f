using RnnGen;

namespace RnnGen.Tests.Models;

[RnnModel(InputSize = 65, Steps = 100)]
[Lstm(128, Name = "lstm")]
[Dense(65, Name = "fc", Activation = Activation.Softmax)]
public partial class CharRnn { }

[RnnModel(InputSize = 4, Steps = 6, BatchSize = 3, Mode = SequenceMode.ManyToOne)]
[Gru(5, Name = "gru", Layers = 2, Bidirectional = true, Variant = GruVariant.ResetBefore)]
[Dense(3, Name = "fc", Activation = Activation.Softmax)]
public partial class BiGruClassifier { }

[RnnModel(Steps = 7, BatchSize = 2)]
[Embedding(11, 4, Name = "emb")]
[SimpleRnn(6, Name = "rnn", Activation = Activation.Relu)]
[Dense(11, Name = "fc")]
public partial class TokenRnn { }
