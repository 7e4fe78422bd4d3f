using RnnGen;

namespace TranslateSample;

/// <summary>
/// Character-level encoder–decoder: up to 24 characters of a date as people write it, embedded
/// and read in both directions by a GRU (the encoder); a GRU decoder starts from the encoder's
/// final state (forward and backward side by side, 2 × 64 = 128 wide) and writes the 10
/// characters of the ISO date one at a time, each fed back as the next step's input.
/// </summary>
[RnnModel(Steps = 24, Mode = SequenceMode.EncoderDecoder, OutputSteps = 10, BatchSize = 32)]
[Embedding(42, 16, Name = "emb")]          // 42 = DateData.InputAlphabet.Length
[Gru(64, Name = "encoder", Bidirectional = true)]
[Gru(128, Name = "decoder", Decoder = true)]
[Dense(11, Name = "fc", Activation = Activation.Softmax)] // 11 = DateData.OutputAlphabet.Length
public partial class DateTranslator { }
