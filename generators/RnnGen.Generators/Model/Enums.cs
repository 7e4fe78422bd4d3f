namespace RnnGen.Generators.Model;

// Mirrors of the runtime enums (values must stay identical to src/RnnGen/Attributes/Enums.cs):
// the generator cannot reference the runtime assembly, it reads the attribute values as integers.

internal enum SequenceMode { ManyToMany = 0, ManyToOne = 1, OneToMany = 2, EncoderDecoder = 3 }

internal enum LossKind { Auto = 0, CrossEntropy = 1, BinaryCrossEntropy = 2, MeanSquaredError = 3 }

internal enum Activation { Identity = 0, Tanh = 1, Relu = 2, Sigmoid = 3, Softmax = 4 }

internal enum GruVariant { ResetAfter = 0, ResetBefore = 1 }

/// <summary>The kind of a layer attribute.</summary>
internal enum LayerKind { Embedding, SimpleRnn, Gru, Lstm, Dense }
