namespace RnnGen.Generators.Model;

/// <summary>
/// Facts that follow from a <see cref="ModelSpec"/> alone and decide the generated API's shape:
/// the input element type, the loss (and so the target element type), whether <c>Step</c> exists.
/// One definition for the validator, <see cref="GeneratedMembers"/> and lowering. Each works on
/// an invalid spec too (no layers, an unknown mode), giving the answer for the nearest valid one.
/// </summary>
internal static class ModelFacts
{
    /// <summary>Inputs are token ids (<c>int</c>): the first layer is an <c>[Embedding]</c>.</summary>
    public static bool TokenInput(ModelSpec spec) => spec.Layers.Count > 0 && spec.Layers[0].Kind == LayerKind.Embedding;

    /// <summary>The activation of the model's output: the last layer's when it is a <c>[Dense]</c>, else none (Identity).</summary>
    public static Activation HeadActivation(ModelSpec spec)
    {
        if (spec.Layers.Count == 0) return Activation.Identity;
        var head = spec.Layers[spec.Layers.Count - 1];
        return head.Kind == LayerKind.Dense ? head.Activation : Activation.Identity;
    }

    /// <summary>
    /// The loss training uses: the declared one, or for <see cref="LossKind.Auto"/> cross-entropy on a
    /// Softmax head, binary cross-entropy on a Sigmoid head and mean squared error otherwise.
    /// </summary>
    public static LossKind ResolvedLoss(ModelSpec spec)
    {
        if (spec.Loss != LossKind.Auto) return spec.Loss;
        return HeadActivation(spec) switch
        {
            Activation.Softmax => LossKind.CrossEntropy,
            Activation.Sigmoid => LossKind.BinaryCrossEntropy,
            _ => LossKind.MeanSquaredError,
        };
    }

    /// <summary>Targets are class ids (<c>int</c>, cross-entropy), else floats shaped like the output.</summary>
    public static bool ClassTargets(ModelSpec spec) => ResolvedLoss(spec) == LossKind.CrossEntropy;

    /// <summary>
    /// Whether the public streaming <c>Step</c> exists: every recurrent layer is unidirectional (a backward
    /// direction needs the whole sequence) and the model is not an encoder–decoder (its decoder steps privately).
    /// </summary>
    public static bool SupportsStep(ModelSpec spec)
    {
        if (spec.Mode == SequenceMode.EncoderDecoder) return false;
        foreach (var layer in spec.Layers)
        {
            if (layer.IsRecurrent && layer.Bidirectional) return false;
        }
        return true;
    }
}
