using RnnGen;

namespace CharLmSample;

/// <summary>
/// The character language model: one-hot characters (36 of them) into a 64-unit LSTM, then a
/// softmax over the next character. The same network as PyTorch's
/// <c>nn.LSTM(36, 64, batch_first=True)</c> + <c>nn.Linear(64, 36)</c>, with the same tensor names,
/// so the trained <c>state_dict</c> loads as is. RnnGen generates the rest of this class at
/// compile time: <c>Predict</c> over windows of 64 characters, <c>Step</c> for one character at
/// a time, and the safetensors loader.
/// </summary>
[RnnModel(InputSize = 36, Steps = 64)]
[Lstm(64, Name = "lstm")]
[Dense(36, Name = "fc", Activation = Activation.Softmax)]
public partial class CharLm { }
