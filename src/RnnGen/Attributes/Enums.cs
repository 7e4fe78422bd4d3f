namespace RnnGen;

/// <summary>How a model maps its input sequence to outputs.</summary>
public enum SequenceMode
{
    /// <summary>An output at every step: input [B, T, X], output [B, T, Y].</summary>
    ManyToMany = 0,
    /// <summary>One output per sequence, read from the final state: output [B, Y].</summary>
    ManyToOne = 1,
    /// <summary>Generation: one input, T outputs, each output fed back as the next input.</summary>
    OneToMany = 2,
    /// <summary>T steps in, <see cref="RnnModelAttribute.OutputSteps"/> steps out (translation).</summary>
    EncoderDecoder = 3,
}

/// <summary>The training loss of a model.</summary>
public enum LossKind
{
    /// <summary>Cross-entropy for a Softmax head, binary cross-entropy for a Sigmoid head, mean squared error otherwise.</summary>
    Auto = 0,
    /// <summary>Softmax cross-entropy over class ids (PyTorch <c>nn.CrossEntropyLoss</c>).</summary>
    CrossEntropy = 1,
    /// <summary>Binary cross-entropy on sigmoid outputs (PyTorch <c>nn.BCELoss</c>).</summary>
    BinaryCrossEntropy = 2,
    /// <summary>Mean squared error (PyTorch <c>nn.MSELoss</c>).</summary>
    MeanSquaredError = 3,
}

/// <summary>An element-wise (or, for <see cref="Softmax"/>, row-wise) activation.</summary>
public enum Activation
{
    /// <summary>f(x) = x.</summary>
    Identity = 0,
    /// <summary>f(x) = tanh(x).</summary>
    Tanh = 1,
    /// <summary>f(x) = max(0, x).</summary>
    Relu = 2,
    /// <summary>f(x) = 1 / (1 + e^-x).</summary>
    Sigmoid = 3,
    /// <summary>f(x)_i = e^x_i / Σ_j e^x_j, over the features of one step.</summary>
    Softmax = 4,
}

/// <summary>Where the GRU applies the reset gate.</summary>
public enum GruVariant
{
    /// <summary>PyTorch, Keras <c>reset_after=True</c>, ONNX <c>linear_before_reset=1</c>: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)).</summary>
    ResetAfter = 0,
    /// <summary>Cho et al. 2014, Keras <c>reset_after=False</c>, ONNX default: n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn).</summary>
    ResetBefore = 1,
}
