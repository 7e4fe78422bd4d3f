// The models of the benchmark workloads (WORKLOADS.md), each with its PyTorch twin in
// benchmarks/pytorch/bench_torch.py. Batch size is a compile-time constant, so each batch size
// a workload is measured at is its own model.

using RnnGen;

namespace RnnGen.Benchmarks;

/// <summary>W1: character LM, X = 65 one-hot, LSTM 128, T = 100, softmax over 65 every step. Twin: nn.LSTM(65, 128) + nn.Linear(128, 65).</summary>
[RnnModel(InputSize = 65, Steps = 100)]
[Lstm(128, Name = "lstm")]
[Dense(65, Name = "fc", Activation = Activation.Softmax)]
public partial class W1B1 { }

/// <summary>W1 at batch 32.</summary>
[RnnModel(InputSize = 65, Steps = 100, BatchSize = 32)]
[Lstm(128, Name = "lstm")]
[Dense(65, Name = "fc", Activation = Activation.Softmax)]
public partial class W1B32 { }

/// <summary>W2: classifier, X = 32, two stacked GRU 256, T = 50, softmax over 10 on the last step. Twin: nn.GRU(32, 256, num_layers=2) + nn.Linear(256, 10).</summary>
[RnnModel(InputSize = 32, Steps = 50, Mode = SequenceMode.ManyToOne)]
[Gru(256, Name = "gru", Layers = 2)]
[Dense(10, Name = "fc", Activation = Activation.Softmax)]
public partial class W2B1 { }

/// <summary>W2 at batch 32.</summary>
[RnnModel(InputSize = 32, Steps = 50, Mode = SequenceMode.ManyToOne, BatchSize = 32)]
[Gru(256, Name = "gru", Layers = 2)]
[Dense(10, Name = "fc", Activation = Activation.Softmax)]
public partial class W2B32 { }

/// <summary>W3: streaming LSTM cell, X = 1, H = 8, no head (the output is h). Twin: nn.LSTMCell(1, 8).</summary>
[RnnModel(InputSize = 1, Steps = 1)]
[Lstm(8, Name = "cell")]
public partial class W3Lstm8 { }

/// <summary>W3: LSTM cell, H = 32.</summary>
[RnnModel(InputSize = 1, Steps = 1)]
[Lstm(32, Name = "cell")]
public partial class W3Lstm32 { }

/// <summary>W3: LSTM cell, H = 64.</summary>
[RnnModel(InputSize = 1, Steps = 1)]
[Lstm(64, Name = "cell")]
public partial class W3Lstm64 { }

/// <summary>W3: GRU cell, H = 32. Twin: nn.GRUCell(1, 32).</summary>
[RnnModel(InputSize = 1, Steps = 1)]
[Gru(32, Name = "cell")]
public partial class W3Gru32 { }

/// <summary>W3: GRU cell, H = 64.</summary>
[RnnModel(InputSize = 1, Steps = 1)]
[Gru(64, Name = "cell")]
public partial class W3Gru64 { }

/// <summary>W4: DNA tagger, X = 4 one-hot, bidirectional LSTM 64, T = 200, softmax over 3 every step, B = 16. Twin: nn.LSTM(4, 64, bidirectional=True) + nn.Linear(128, 3).</summary>
[RnnModel(InputSize = 4, Steps = 200, BatchSize = 16)]
[Lstm(64, Name = "lstm", Bidirectional = true)]
[Dense(3, Name = "fc", Activation = Activation.Softmax)]
public partial class W4B16 { }

/// <summary>
/// W5: variable length, X = 64, LSTM 128, Steps = 100, softmax over 64 every step, B = 32, lengths uniform in 10 … 100.
/// Twin: nn.LSTM(64, 128) + nn.Linear(128, 64) over pack_padded_sequence(enforce_sorted=False).
/// </summary>
[RnnModel(InputSize = 64, Steps = 100, BatchSize = 32)]
[Lstm(128, Name = "lstm")]
[Dense(64, Name = "fc", Activation = Activation.Softmax)]
public partial class W5B32 { }
