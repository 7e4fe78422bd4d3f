using RnnGen;

namespace RnnGen.Tests.Training;

/// <summary>Many-to-one LSTM classifier: is the sum of a sequence of 8 numbers positive? Class ids as targets.</summary>
[RnnModel(InputSize = 1, Steps = 8, BatchSize = 4, Mode = SequenceMode.ManyToOne)]
[Lstm(8, Name = "lstm")]
[Dense(2, Name = "fc", Activation = Activation.Softmax)]
public partial class SumSignClassifier { }

/// <summary>Many-to-one GRU with a sigmoid head: float 0/1 targets, binary cross-entropy.</summary>
[RnnModel(InputSize = 2, Steps = 5, BatchSize = 3, Mode = SequenceMode.ManyToOne)]
[Gru(4, Name = "gru")]
[Dense(1, Name = "fc", Activation = Activation.Sigmoid)]
public partial class BinaryGru { }

/// <summary>Token model, many-to-many: int inputs and int targets.</summary>
[RnnModel(Steps = 6, BatchSize = 2)]
[Embedding(5, 3, Name = "emb")]
[SimpleRnn(6, Name = "rnn")]
[Dense(5, Name = "fc", Activation = Activation.Softmax)]
public partial class TokenTagger { }
