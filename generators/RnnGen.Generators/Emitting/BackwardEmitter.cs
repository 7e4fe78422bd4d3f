using RnnGen.Generators.Helpers;
using RnnGen.Generators.Lowering;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Emitting;

/// <summary>
/// Writes training: <c>ComputeGradients</c> (forward, loss, back-propagation through time over
/// all T steps), <c>TrainStep</c> and <c>TryTrainStep</c>. The backward blocks mirror the forward
/// blocks of <see cref="ForwardEmitter"/> in reverse order and quote the forward lines they
/// differentiate. Activation gradients live in <c>__dwork</c>, laid out like <c>__work</c>.
/// </summary>
internal static class BackwardEmitter
{
    public static void Write(SourceWriter w, ModelPlan plan)
    {
        string inputType = plan.TokenInput ? Names.ReadOnlySpanInt : Names.ReadOnlySpan;
        string targetType = plan.ClassTargets ? Names.ReadOnlySpanInt : Names.ReadOnlySpan;
        string lossText = plan.Loss switch
        {
            LossKind.CrossEntropy => "softmax cross-entropy (PyTorch nn.CrossEntropyLoss on the logits)",
            LossKind.BinaryCrossEntropy => plan.HeadFused ? "binary cross-entropy on the sigmoid outputs (PyTorch nn.BCELoss), computed from the logits" : "binary cross-entropy",
            LossKind.MeanSquaredError => "mean squared error (PyTorch nn.MSELoss)",
            _ => throw new System.InvalidOperationException($"Unknown loss {plan.Loss}."),
        };
        string targetShape = plan.ClassTargets
            ? (plan.OutputIsSequence ? "[B, T] class ids" : "[B] class ids")
            : (plan.OutputIsSequence ? "[B, T, Y]" : "[B, Y]");

        w.Line("/// <summary>Length of the targets of <c>ComputeGradients</c>: " + targetShape + ".</summary>");
        w.Member($"public const int TargetLength = {plan.TargetLength};");
        w.Line();
        if (plan.Generates) WriteTeacherForcing(w, plan, inputType, targetType, targetShape, lossText);
        // The training entry points over a whole input sequence. A generating (OneToMany) model
        // runs them privately on the teacher-forced sequence that its public methods build.
        string gradients = plan.Generates ? "private float __SequenceGradients" : "private float __Gradients";
        string lossOnly = plan.Generates ? "private float __SequenceLoss" : "private float __LossOnly";
        string inputLength = plan.Generates ? "__SequenceInputLength" : "InputLength";
        if (!plan.Generates)
        {
            WriteComputeGradientsEntry(w, plan, inputType, targetType, new[]
            {
                $"Forward pass, loss and back-propagation through time over all {plan.T} steps. The loss is {lossText},",
                "the mean over every target (PyTorch's default reduction). Overwrites <see cref=\"Gradients\"/>; returns the loss.",
                $"<paramref name=\"targets\"/>: {targetShape}, batch-first. Allocates nothing.",
            }, "[B, T, X] batch-first");
            w.OpenMember($"public float ComputeGradients({inputType} input, {targetType} targets, {Names.Span} inputGradients)");
            w.Line("__UseFullLengths();");
            w.Line("return __Gradients(input, targets, inputGradients);");
            w.CloseBlock();
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// <c>ComputeGradients</c> over rows of different lengths: the loss is the mean over the valid targets only, and nothing");
            w.Line("/// in the padding (input or targets) changes the loss or any gradient. A row of length 0 contributes nothing.");
            w.Line(ForwardEmitter.LengthsDoc);
            w.Line("/// </summary>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A length, target or token id is out of range; nothing was changed.</exception>");
            w.OpenMember($"public float ComputeGradients({inputType} input, {Names.ReadOnlySpanInt} lengths, {targetType} targets)");
            w.Line("__UseLengths(lengths);");
            w.Line($"return __Gradients(input, targets, {Names.Span}.Empty);");
            w.CloseBlock();
            w.Line();
            if (!plan.TokenInput)
            {
                w.Line("/// <summary>");
                w.Line("/// <c>ComputeGradients</c> over rows of different lengths, and, when <paramref name=\"inputGradients\"/> is not empty, the");
                w.Line("/// gradient of the loss with respect to the input ([B, T, X] batch-first; zero in the padding).");
                w.Line("/// </summary>");
                w.OpenMember($"public float ComputeGradients({inputType} input, {Names.ReadOnlySpanInt} lengths, {targetType} targets, {Names.Span} inputGradients)");
                w.Line("__UseLengths(lengths);");
                w.Line("return __Gradients(input, targets, inputGradients);");
                w.CloseBlock();
                w.Line();
            }
        }
        w.OpenMember($"{gradients}({inputType} input, {targetType} targets, {Names.Span} inputGradients)");
        w.Line($"__CheckLength(input.Length, {inputLength}, \"input\");");
        w.Line("__CheckLength(targets.Length, TargetLength, \"targets\");");
        w.Line("bool wantInputGradients = inputGradients.Length != 0;");
        if (plan.TokenInput)
        {
            w.Line($"if (wantInputGradients) throw new {Names.ArgumentException}(\"A token model has no input gradient: pass an empty span.\", \"inputGradients\");");
            w.Line(plan.Generates ? "__CheckTokens(input);" : "__CheckTokenRows(input);");
        }
        else
        {
            w.Line($"if (wantInputGradients) __CheckLength(inputGradients.Length, {inputLength}, \"inputGradients\");");
        }
        if (plan.ClassTargets) w.Line("__CheckClasses(targets);");
        if (plan.EncoderDecoder) w.Line("__TeacherForceDecoder(targets);");
        w.Line("__Forward(input, logits: true, dropout: true);");
        w.Line("global::System.Array.Clear(__dwork, 0, __dwork.Length);");
        w.Line("global::System.Array.Clear(__gradients, 0, __gradients.Length);");
        w.Line("float loss = __Loss(targets);");
        w.Line("__Backward(input, wantInputGradients);");
        if (!plan.EncoderDecoder) w.Line("if (CarryState) __CarryFinalState();"); // an encoder-decoder model carries nothing
        if (!plan.TokenInput)
        {
            w.OpenBlock("if (wantInputGradients)");
            w.Line("// inputGradients[b, t, :] = dx[t, b, :]");
            w.Line("for (int b = 0; b < BatchSize; b++)");
            w.Line("    for (int t = 0; t < Steps; t++)");
            w.Line($"        new {Names.ReadOnlySpan}(__dwork, __A.{plan.StagedInput.Id} + (t * BatchSize + b) * InputSize, InputSize).CopyTo(inputGradients.Slice((b * Steps + t) * InputSize, InputSize));");
            w.CloseBlock();
        }
        w.Line("return loss;");
        w.CloseBlock();
        w.Line();

        if (plan.ClassTargets)
        {
            w.Line("/// <summary>The class ids of the targets that are read (a padded step's or a length-0 row's target may hold anything).</summary>");
            w.OpenMember($"private void __CheckClasses({Names.ReadOnlySpanInt} targets)");
            w.OpenBlock("for (int i = 0; i < targets.Length; i++)");
            if (!plan.Generates && !plan.EncoderDecoder)
                w.Line(plan.OutputIsSequence
                    ? "if (i % Steps >= __lengths[i / Steps]) continue; // padding: never read"
                    : "if (__lengths[i] == 0) continue; // a row of length 0: never read");
            w.Line("if ((uint)targets[i] >= OutputSize && targets[i] != -100)");
            w.Line("    throw new global::System.ArgumentOutOfRangeException(\"targets\", targets[i], \"Target at index \" + i + \" is \" + targets[i] + \"; ids must be in [0, \" + OutputSize + \") or -100.\");");
            w.CloseBlock();
            w.CloseBlock();
            w.Line();
        }

        if (!plan.Generates)
        {
            foreach (bool lengths in new[] { false, true })
            {
                w.Line("/// <summary>");
                w.Line("/// The loss <c>ComputeGradients</c> would return, without the backward pass and without dropout (for validation).");
                if (lengths) w.Line(ForwardEmitter.LengthsDoc);
                w.Line("/// Leaves <see cref=\"Gradients\"/> untouched. Allocates nothing.");
                w.Line("/// </summary>");
                w.OpenMember(lengths
                    ? $"public float ComputeLoss({inputType} input, {Names.ReadOnlySpanInt} lengths, {targetType} targets)"
                    : $"public float ComputeLoss({inputType} input, {targetType} targets)");
                w.Line(lengths ? "__UseLengths(lengths);" : "__UseFullLengths();");
                w.Line("return __LossOnly(input, targets);");
                w.CloseBlock();
                w.Line();
            }
        }
        w.OpenMember($"{lossOnly}({inputType} input, {targetType} targets)");
        w.Line($"__CheckLength(input.Length, {inputLength}, \"input\");");
        w.Line("__CheckLength(targets.Length, TargetLength, \"targets\");");
        if (plan.TokenInput) w.Line(plan.Generates ? "__CheckTokens(input);" : "__CheckTokenRows(input);");
        if (plan.ClassTargets) w.Line("__CheckClasses(targets);");
        if (plan.EncoderDecoder) w.Line("__TeacherForceDecoder(targets);");
        w.Line("__Forward(input, logits: true, dropout: false);");
        w.Line("float loss = __Loss(targets);");
        if (!plan.EncoderDecoder) w.Line("if (CarryState) __CarryFinalState();"); // an encoder-decoder model carries nothing
        w.Line("return loss;");
        w.CloseBlock();
        w.Line();

        WriteTrainStep(w, plan, inputType, targetType);
        if (plan.EncoderDecoder) WriteDecoderTeacherForcing(w, plan, targetType);
        WriteLoss(w, plan, targetType);
        WriteBackward(w, plan, inputType);
    }

    /// <summary>
    /// OneToMany training with teacher forcing: step 0 reads the given input, step t &gt; 0 the
    /// target of step t − 1 (a class as a one-hot vector or a token id, or the target values),
    /// so the forward pass and back-propagation run over that sequence as in a ManyToMany model.
    /// </summary>
    private static void WriteTeacherForcing(SourceWriter w, ModelPlan plan, string inputType, string targetType, string targetShape, string lossText)
    {
        string first = plan.TokenInput ? "[B] token ids" : "[B, X]";
        WriteComputeGradientsEntry(w, plan, inputType, targetType, new[]
        {
            $"Teacher-forced forward pass, loss and back-propagation through time over all {plan.T} steps: step 0 reads",
            $"<paramref name=\"input\"/> {first}, step t &gt; 0 the target of step t − 1 (as <c>Predict</c> would feed back its output).",
            $"The loss is {lossText}, the mean over every target. Overwrites <see cref=\"Gradients\"/>; returns the loss.",
            $"<paramref name=\"targets\"/>: {targetShape}, batch-first. Allocates nothing.",
        }, "[B, X]");
        w.OpenMember($"public float ComputeGradients({inputType} input, {targetType} targets, {Names.Span} inputGradients)");
        w.Line("__CheckLength(input.Length, InputLength, \"input\");");
        w.Line("__CheckLength(targets.Length, TargetLength, \"targets\");");
        if (plan.TokenInput)
        {
            w.Line($"if (inputGradients.Length != 0) throw new {Names.ArgumentException}(\"A token model has no input gradient: pass an empty span.\", \"inputGradients\");");
            w.Line("__TeacherForce(input, targets);");
            w.Line("return __SequenceGradients(__teacher, targets, default);");
        }
        else
        {
            w.Line("if (inputGradients.Length != 0) __CheckLength(inputGradients.Length, InputLength, \"inputGradients\");");
            w.Line("__TeacherForce(input, targets);");
            w.Line("float loss = __SequenceGradients(__teacher, targets, inputGradients.Length != 0 ? __teacherGradients : default);");
            w.Line("// The input is step 0 of the sequence: inputGradients[b, :] = dx[b, 0, :]");
            w.Line("if (inputGradients.Length != 0)");
            w.Line("    for (int b = 0; b < BatchSize; b++)");
            w.Line("        new " + Names.ReadOnlySpan + "(__teacherGradients, b * Steps * InputSize, InputSize).CopyTo(inputGradients.Slice(b * InputSize, InputSize));");
            w.Line("return loss;");
        }
        w.CloseBlock();
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// The loss <c>ComputeGradients</c> would return (teacher-forced), without the backward pass and without dropout (for validation).");
        w.Line("/// Leaves <see cref=\"Gradients\"/> untouched. Allocates nothing.");
        w.Line("/// </summary>");
        w.OpenMember($"public float ComputeLoss({inputType} input, {targetType} targets)");
        w.Line("__CheckLength(input.Length, InputLength, \"input\");");
        w.Line("__CheckLength(targets.Length, TargetLength, \"targets\");");
        w.Line("__TeacherForce(input, targets);");
        w.Line("return __SequenceLoss(__teacher, targets);");
        w.CloseBlock();
        w.Line();

        w.Line("/// <summary>The teacher-forced input sequence, batch-first: x[b, 0] = input[b], x[b, t] = the target of step t − 1.</summary>");
        w.OpenMember($"private void __TeacherForce({inputType} input, {targetType} targets)");
        if (plan.TokenInput) w.Line("__CheckTokens(input);");
        if (plan.ClassTargets) w.Line("__CheckClasses(targets);");
        string element = plan.TokenInput ? "int" : "float";
        w.Line($"global::System.Span<{element}> x = __teacher;");
        if (!plan.TokenInput && plan.ClassTargets) w.Line("x.Clear();");
        w.OpenBlock("for (int b = 0; b < BatchSize; b++)");
        if (plan.TokenInput)
        {
            w.Line("x[b * Steps] = input[b];");
            w.Line("for (int t = 1; t < Steps; t++)");
            w.Line(plan.ClassTargets
                ? "    x[b * Steps + t] = targets[b * Steps + t - 1] == -100 ? 0 : targets[b * Steps + t - 1]; // VocabularySize == OutputSize (RNN0030); an ignored target feeds id 0"
                : "    x[b * Steps + t] = global::RnnGen.Text.Sampling.ArgMax(targets.Slice((b * Steps + t - 1) * OutputSize, OutputSize));");
        }
        else
        {
            w.Line("input.Slice(b * InputSize, InputSize).CopyTo(x.Slice(b * Steps * InputSize, InputSize));");
            w.Line("for (int t = 1; t < Steps; t++)");
            w.Line(plan.ClassTargets
                ? "    if (targets[b * Steps + t - 1] != -100) x[(b * Steps + t) * InputSize + targets[b * Steps + t - 1]] = 1f; // one-hot; an ignored target feeds zeros"
                : "    targets.Slice((b * Steps + t - 1) * OutputSize, OutputSize).CopyTo(x.Slice((b * Steps + t) * InputSize, InputSize));");
        }
        w.CloseBlock();
        w.CloseBlock();
        w.Line();
    }

    /// <summary>
    /// The documented two-argument <c>ComputeGradients</c> (which forwards to the three-argument one)
    /// and the documentation of the three-argument one, whose body the caller writes next.
    /// </summary>
    private static void WriteComputeGradientsEntry(SourceWriter w, ModelPlan plan, string inputType, string targetType, string[] summary, string inputGradientShape)
    {
        w.Line("/// <summary>");
        foreach (var line in summary) w.Line("/// " + line);
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A target (or token id) is out of range; nothing was changed.</exception>");
        w.Member($"public float ComputeGradients({inputType} input, {targetType} targets) => ComputeGradients(input, targets, {Names.Span}.Empty);");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// <see cref=\"ComputeGradients(" + (plan.TokenInput ? "global::System.ReadOnlySpan{int}" : "global::System.ReadOnlySpan{float}") + ", " + (plan.ClassTargets ? "global::System.ReadOnlySpan{int}" : "global::System.ReadOnlySpan{float}") + ")\"/>, and, when <paramref name=\"inputGradients\"/> is not empty,");
        w.Line($"/// the gradient of the loss with respect to the input ({inputGradientShape}; token models have none: pass an empty span).");
        w.Line("/// </summary>");
    }

    private static void WriteTrainStep(SourceWriter w, ModelPlan plan, string inputType, string targetType)
    {
        foreach (bool lengths in plan.Generates ? new[] { false } : new[] { false, true })
        {
            string lengthsParameter = lengths ? $"{Names.ReadOnlySpanInt} lengths, " : "";
            string lengthsArgument = lengths ? "lengths, " : "";
            w.Line("/// <summary>");
            w.Line("/// One training step: <c>ComputeGradients</c>, then <paramref name=\"optimizer\"/> clips (if configured) and updates");
            w.Line("/// <see cref=\"Parameters\"/>. Returns the loss. Allocates nothing after the optimizer's first step.");
            if (lengths) w.Line(ForwardEmitter.LengthsDoc);
            w.Line("/// </summary>");
            w.Line("/// <exception cref=\"global::RnnGen.NonFiniteException\">The loss or a gradient is NaN or infinite: parameters and optimizer state are unchanged.</exception>");
            w.OpenMember($"public float TrainStep({inputType} input, {lengthsParameter}{targetType} targets, global::RnnGen.Training.IOptimizer optimizer)");
            w.Line($"if (!TryTrainStep(input, {lengthsArgument}targets, optimizer, out float loss))");
            w.Line("    throw new global::RnnGen.NonFiniteException(float.IsFinite(loss)");
            w.Line("        ? \"A gradient is NaN or infinite; the parameters and the optimizer state are unchanged.\"");
            w.Line("        : \"The loss is \" + loss + \"; the parameters and the optimizer state are unchanged.\");");
            w.Line("return loss;");
            w.CloseBlock();
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Like <c>TrainStep</c>, but reports a NaN or infinite loss or gradient by returning false (the parameters and the");
            w.Line("/// optimizer state are then unchanged) instead of throwing. <paramref name=\"loss\"/> is the loss either way.");
            w.Line("/// </summary>");
            w.OpenMember($"public bool TryTrainStep({inputType} input, {lengthsParameter}{targetType} targets, global::RnnGen.Training.IOptimizer optimizer, out float loss)");
            w.Line("if (optimizer is null) throw new global::System.ArgumentNullException(\"optimizer\");");
            w.Line($"loss = ComputeGradients(input, {lengthsArgument}targets);");
            w.Line("return float.IsFinite(loss) && optimizer.Step(__parameters, __gradients);");
            w.CloseBlock();
            w.Line();
        }
    }

    private static void WriteLoss(SourceWriter w, ModelPlan plan, string targetType)
    {
        var o = plan.Output;
        int Y = plan.Y;
        string skip = (plan.OutputIsSequence && !plan.EncoderDecoder ? "t >= __lengths[b]" : "__lengths[b] == 0")
            + (plan.ClassTargets ? " || targets[target] == -100" : "");
        w.Line("/// <summary>");
        w.Line("/// The loss, the mean over the targets that count (steps within each row's length; a class target of -100 is ignored, as");
        w.Line("/// PyTorch's ignore_index); writes dL/d(output) (dL/d(logits) for a fused head) into the gradient buffer. No target: 0.");
        w.Line("/// </summary>");
        w.OpenMember($"private float __Loss({targetType} targets)");
        w.Line($"{Names.Span} y = new {Names.Span}(__work, __A.{o.Id}, __A.{o.Id}_len);");
        w.Line($"{Names.Span} dy = new {Names.Span}(__dwork, __A.{o.Id}, __A.{o.Id}_len);");
        w.Line("int count = 0;");
        OpenTargetLoop(w, plan);
        w.Line($"if ({skip}) continue;");
        w.Line("count++;");
        w.CloseBlock();
        w.Line("if (count == 0) return 0f; // nothing to learn from: no loss, no gradient");
        if (!plan.ClassTargets) w.Line($"count *= {Y}; // every element of a valid output row");
        w.Line("float scale = 1f / count; // mean reduction");
        w.Line("double sum = 0;");
        OpenTargetLoop(w, plan);
        w.Line($"if ({skip}) continue;");
        string yRow = $"y.Slice(row * {Y}, {Y})", dRow = $"dy.Slice(row * {Y}, {Y})", tRow = $"targets.Slice(target * {Y}, {Y})";
        switch (plan.Loss)
        {
            case LossKind.CrossEntropy:
                w.Line($"// loss = logsumexp(z) − z[target]; dz = (softmax(z) − onehot(target)) / N");
                w.Line($"sum += {Names.Losses}.SoftmaxCrossEntropy({yRow}, targets[target], {dRow}, scale);");
                break;
            case LossKind.BinaryCrossEntropy when plan.HeadFused:
                w.Line($"// loss = max(z, 0) − z·t + log(1 + e^−|z|); dz = (σ(z) − t) / N");
                w.Line($"sum += {Names.Losses}.BinaryCrossEntropy({yRow}, {tRow}, {dRow}, scale);");
                break;
            case LossKind.MeanSquaredError:
                w.Line($"// loss = (y − t)²; dy = 2 (y − t) / N");
                w.Line($"sum += {Names.Losses}.SquaredError({yRow}, {tRow}, {dRow}, scale);");
                break;
            default:
                throw new System.InvalidOperationException($"No loss code for {plan.Loss}{(plan.HeadFused ? "" : " on this head")}.");
        }
        w.CloseBlock();
        w.Line("return (float)(sum / count);");
        w.CloseBlock();
        w.Line();
    }

    /// <summary>Opens the loop over the targets: every (row, step) of a sequence output, or every row; declares <c>row</c> and <c>target</c>.</summary>
    private static void OpenTargetLoop(SourceWriter w, ModelPlan plan)
    {
        if (plan.OutputIsSequence)
        {
            w.Line("for (int b = 0; b < BatchSize; b++)");
            w.OpenBlock($"for (int t = 0; t < {plan.OutputStepsName}; t++)");
            w.Line($"int row = t * BatchSize + b, target = b * {plan.OutputStepsName} + t; // rows are time-major, targets batch-first");
        }
        else
        {
            w.OpenBlock("for (int b = 0; b < BatchSize; b++)");
            w.Line("int row = b, target = b;");
        }
    }

    private static void WriteBackward(SourceWriter w, ModelPlan plan, string inputType)
    {
        w.Line("/// <summary>Back-propagation through the layers in reverse order and through time; accumulates into <see cref=\"Gradients\"/>.</summary>");
        w.OpenMember($"private void __Backward({inputType} input, bool wantInputGradients)");
        w.Line($"{Names.ReadOnlySpan} p = __parameters;");
        w.Line($"{Names.Span} g = __gradients;");
        w.Line($"{Names.ReadOnlySpan} a = __work;");
        w.Line($"{Names.Span} d = __dwork;");
        w.Line(plan.LayersDeclareSteps ? "const int B = BatchSize;" : "int T = __steps; const int B = BatchSize;");
        for (int i = plan.Layers.Count - 1; i >= 0; i--)
        {
            var layer = plan.Layers[i];
            w.Line();
            w.Line($"// ── Layer {layer.Index} backward: {ModelEmitter.DescribeLayer(layer.Spec)} ──");
            if (plan.LayersDeclareSteps)
            {
                w.OpenBlock("");
                w.Line($"int T = {layer.StepsName};");
            }
            layer.Kind.WriteBackward(w, plan, layer);
            if (plan.LayersDeclareSteps) w.CloseBlock();
            if (i == plan.DecoderStart) WriteHandOverBackward(w, plan);
        }
        w.CloseBlock();
        w.Line();
    }

    /// <summary>
    /// Encoder–decoder: the gradient of the decoder's initial state flows into the encoder's final
    /// state — h after its last step (after step 0 for a backward direction), and an LSTM's c.
    /// </summary>
    private static void WriteHandOverBackward(SourceWriter w, ModelPlan plan)
    {
        w.Line();
        w.Line("// ── Hand-over backward: forward copied the encoder's final state into the decoder's initial state ──");
        StateCopyWriter.WriteGradients(w, plan.HandOver);
    }

    /// <summary>
    /// Encoder–decoder training with teacher forcing: the decoder reads a zero vector at step 0
    /// and the target of step t − 1 at step t (a class as a one-hot vector, or the target values).
    /// </summary>
    private static void WriteDecoderTeacherForcing(SourceWriter w, ModelPlan plan, string targetType)
    {
        var x = plan.DecoderInput!;
        w.Line("/// <summary>The decoder's teacher-forced input, time-major [OutputSteps, B, Y]: zeros at step 0, then the target of the step before.</summary>");
        w.OpenMember($"private void __TeacherForceDecoder({targetType} targets)");
        w.Line($"{Names.Span} x = new {Names.Span}(__work, __A.{x.Id}, __A.{x.Id}_len);");
        w.Line("x.Clear();");
        w.Line("for (int b = 0; b < BatchSize; b++)");
        w.Line("    for (int t = 1; t < OutputSteps; t++)");
        w.Line(plan.ClassTargets
            ? "        if (targets[b * OutputSteps + t - 1] != -100) x[(t * BatchSize + b) * OutputSize + targets[b * OutputSteps + t - 1]] = 1f;"
            : "        targets.Slice((b * OutputSteps + t - 1) * OutputSize, OutputSize).CopyTo(x.Slice((t * BatchSize + b) * OutputSize, OutputSize));");
        w.CloseBlock();
        w.Line();
    }
}
