using System.Linq;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Lowering;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Emitting;

/// <summary>
/// Writes <c>Predict</c> and the forward pass over the whole sequence: stage the input
/// time-major, run each layer (for a recurrent layer: one input-projection product for all steps,
/// then the recurrence step by step), then write the output batch-first.
/// </summary>
internal static class ForwardEmitter
{
    public static void Write(SourceWriter w, ModelPlan plan)
    {
        string inputType = plan.TokenInput ? Names.ReadOnlySpanInt : Names.ReadOnlySpan;
        string inputShape = plan.TokenInput ? "[B, T] token ids" : "[B, T, X]";
        string outputShape = plan.OutputIsSequence ? "[B, T, Y]" : "[B, Y]";
        if (plan.Generates)
        {
            WriteGeneration(w, plan, inputType);
        }
        else if (plan.EncoderDecoder)
        {
            WriteDecoding(w, plan, inputType, inputShape);
        }
        else
        {
            foreach (bool lengths in new[] { false, true })
            {
                w.Line("/// <summary>");
                w.Line($"/// Runs the model on a batch: <paramref name=\"input\"/> {inputShape}, <paramref name=\"output\"/> {outputShape}, batch-first and row-major.");
                if (lengths) w.Line(LengthsDoc);
                w.Line("/// Allocates nothing.");
                OpenPredict(w, plan, inputType, lengths);
                w.Line("__Predict(input, output);");
                w.CloseBlock();
                w.Line();
            }
            w.OpenMember($"private void __Predict({inputType} input, {Names.Span} output)");
            w.Line("__Forward(input, logits: false, dropout: false);");
            WriteOutputCopy(w, plan);
            w.Line("if (CarryState) __CarryFinalState();");
            w.CloseBlock();
            w.Line();
        }
        if (!plan.Generates) WriteLengths(w, plan);

        w.OpenMember("private static void __CheckLength(int actual, int expected, string name)");
        w.Line($"if (actual != expected) throw new {Names.ArgumentException}(\"Expected a span of \" + expected + \" floats/ids, got \" + actual + \".\", name);");
        w.CloseBlock();
        w.Line();
        if (plan.TokenInput)
        {
            w.OpenMember($"private static void __CheckTokens({Names.ReadOnlySpanInt} tokens)");
            w.OpenBlock("for (int i = 0; i < tokens.Length; i++)");
            w.Line("if ((uint)tokens[i] >= VocabularySize)");
            w.Line("    throw new global::System.ArgumentOutOfRangeException(\"tokens\", tokens[i], \"Token id at index \" + i + \" is \" + tokens[i] + \"; ids must be in [0, \" + VocabularySize + \").\");");
            w.CloseBlock();
            w.CloseBlock();
            w.Line();
        }

        w.Line("/// <summary>The forward pass over all T steps; fills the activation buffer (the cache of the backward pass).</summary>");
        w.Line("/// <param name=\"input\">The model's input.</param>");
        w.Line(plan.HeadFused
            ? "/// <param name=\"logits\">Leave the head's logits unactivated: the loss applies its activation, fused.</param>"
            : "/// <param name=\"logits\">Unused: the head's activation is not fused into the loss.</param>");
        w.Line("/// <param name=\"dropout\">Apply dropout (training).</param>");
        if (!plan.EncoderDecoder)
        {
            w.OpenMember($"private void __Forward({inputType} input, bool logits, bool dropout)");
            w.Line($"{Names.ReadOnlySpan} p = __parameters;");
            w.Line($"{Names.Span} a = __work;");
            w.Line("int T = __steps; // the longest row of this call");
            w.Line("const int B = BatchSize;");
            WriteStaging(w, plan);
            WriteLayers(w, plan, plan.Layers);
            w.CloseBlock();
            w.Line();
            return;
        }

        // Encoder–decoder: the encoder over T steps, its final state handed to the decoder, the
        // decoder over OutputSteps steps reading the decoder input region (filled by the caller).
        w.OpenMember($"private void __Forward({inputType} input, bool logits, bool dropout)");
        w.Line("__Encode(input, dropout);");
        w.Line("__HandOver();");
        w.Line("__Decode(logits, dropout);");
        w.CloseBlock();
        w.Line();
        w.Line("/// <summary>The encoder's forward pass over the T input steps.</summary>");
        w.OpenMember($"private void __Encode({inputType} input, bool dropout)");
        w.Line($"{Names.ReadOnlySpan} p = __parameters;");
        w.Line($"{Names.Span} a = __work;");
        w.Line("const int B = BatchSize;");
        if (!plan.TokenInput)
        {
            w.OpenBlock("");
            w.Line("int T = __steps;");
            WriteStaging(w, plan);
            w.CloseBlock();
        }
        WriteLayers(w, plan, plan.Layers.Take(plan.DecoderStart));
        w.CloseBlock();
        w.Line();
        WriteHandOver(w, plan);
        w.Line("/// <summary>The decoder's forward pass over the OutputSteps steps, from the handed-over state.</summary>");
        w.OpenMember("private void __Decode(bool logits, bool dropout)");
        w.Line($"{Names.ReadOnlySpan} p = __parameters;");
        w.Line($"{Names.Span} a = __work;");
        w.Line("const int B = BatchSize;");
        WriteLayers(w, plan, plan.Layers.Skip(plan.DecoderStart));
        w.CloseBlock();
        w.Line();
    }

    private static void WriteStaging(SourceWriter w, ModelPlan plan)
    {
        if (plan.TokenInput) return;
        w.Line();
        w.Line("// Stage the input time-major: x[t, b, :] = input[b, t, :] up to each row's length, zeros after it");
        w.OpenBlock("for (int b = 0; b < B; b++)");
        w.Line("for (int t = 0; t < T; t++)");
        w.Line("    if (t < __lengths[b])");
        w.Line($"        input.Slice((b * Steps + t) * InputSize, InputSize).CopyTo(a.Slice(__A.{plan.StagedInput.Id} + (t * B + b) * InputSize, InputSize));");
        w.Line("    else");
        w.Line($"        a.Slice(__A.{plan.StagedInput.Id} + (t * B + b) * InputSize, InputSize).Clear();");
        w.CloseBlock();
    }

    /// <summary>The forward code of <paramref name="layers"/>, each in its kind's words (each declaring its own <c>T</c> when <see cref="ModelPlan.LayersDeclareSteps"/>).</summary>
    private static void WriteLayers(SourceWriter w, ModelPlan plan, System.Collections.Generic.IEnumerable<LayerPlan> layers)
    {
        foreach (var layer in layers)
        {
            w.Line();
            w.Line($"// ── Layer {layer.Index}: {ModelEmitter.DescribeLayer(layer.Spec)} ──");
            if (plan.LayersDeclareSteps)
            {
                w.OpenBlock("");
                w.Line($"int T = {layer.StepsName};");
            }
            layer.Kind.WriteForward(w, plan, layer);
            if (plan.LayersDeclareSteps) w.CloseBlock();
        }
    }

    /// <summary>Encoder–decoder: copies the encoder's final state into the decoder's initial state (<see cref="ModelPlan.HandOver"/>).</summary>
    private static void WriteHandOver(SourceWriter w, ModelPlan plan)
    {
        w.Line("/// <summary>The encoder's final state into the initial state of the decoder.</summary>");
        w.OpenMember("private void __HandOver()");
        w.Line($"{Names.Span} a = __work;");
        w.Line("const int B = BatchSize;");
        StateCopyWriter.WriteCopies(w, plan.HandOver);
        w.CloseBlock();
        w.Line();
    }

    /// <summary>
    /// OneToMany: <c>Predict</c> generates the sequence with <c>Step</c>, feeding each output back
    /// as the next input (the most likely class, one-hot or as a token id, for a softmax head or
    /// token input; the values themselves otherwise).
    /// </summary>
    private static void WriteGeneration(SourceWriter w, ModelPlan plan, string inputType)
    {
        string first = plan.TokenInput ? "[B] token ids" : "[B, X]";
        string feedback = FeedBackText(plan.FeedBack);
        w.Line("/// <summary>");
        w.Line($"/// Generates {plan.T} steps from one input per sequence: <paramref name=\"input\"/> {first}, <paramref name=\"output\"/> [B, T, Y], batch-first.");
        w.Line($"/// Each step's output is fed back as the next step's input ({feedback}: greedy decoding).");
        w.Line("/// Starts from a zero state and leaves the state of <see cref=\"Step\"/> after the last step, so <c>Step</c> can continue");
        w.Line("/// the sequence (or sample instead of taking the most likely output). <see cref=\"CarryState\"/> does not apply. Allocates nothing.");
        OpenPredict(w, plan, inputType);
        w.Line("global::System.Array.Clear(__state, 0, __state.Length);");
        w.Line("input.CopyTo(__feedback);");
        w.Line($"{inputType} x = __feedback; // the next input, written by __FeedBack");
        w.Line($"{Names.Span} y = __generated;");
        w.OpenBlock("for (int t = 0; t < Steps; t++)");
        w.Line("Step(x, y);");
        w.Line("for (int b = 0; b < BatchSize; b++)");
        w.Line("    y.Slice(b * OutputSize, OutputSize).CopyTo(output.Slice((b * Steps + t) * OutputSize, OutputSize));");
        w.Line("if (t + 1 < Steps) __FeedBack(y, __feedback);");
        w.CloseBlock();
        w.CloseBlock();
        w.Line();
        WriteFeedBack(w, plan.FeedBack);
    }

    /// <summary>Closes <c>Predict</c>'s summary (its lines are written by the caller), then opens the method and checks its arguments.</summary>
    /// <param name="lengths">The overload with per-row lengths (models that read a sequence).</param>
    private static void OpenPredict(SourceWriter w, ModelPlan plan, string inputType, bool lengths = false)
    {
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        if (plan.TokenInput || lengths)
            w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A token id or a length is out of range.</exception>");
        w.OpenMember(lengths
            ? $"public void Predict({inputType} input, {Names.ReadOnlySpanInt} lengths, {Names.Span} output)"
            : $"public void Predict({inputType} input, {Names.Span} output)");
        w.Line("__CheckLength(input.Length, InputLength, \"input\");");
        w.Line("__CheckLength(output.Length, OutputLength, \"output\");");
        WriteLengthsAndTokenChecks(w, plan, lengths, "input");
    }

    /// <summary>The documentation line of a <c>lengths</c> parameter.</summary>
    internal const string LengthsDoc =
        "/// <paramref name=\"lengths\"/> [B]: each row's length in [0, Steps]; steps past it are padding that changes nothing (PyTorch's packed sequences).";

    /// <summary>
    /// Sets the lengths of this call (every row full, or the caller's, checked first) and checks the token ids of a
    /// model that reads a sequence; a generating model's single input step has no lengths.
    /// </summary>
    internal static void WriteLengthsAndTokenChecks(SourceWriter w, ModelPlan plan, bool lengths, string input)
    {
        if (plan.Generates)
        {
            if (plan.TokenInput) w.Line($"__CheckTokens({input});");
            return;
        }
        w.Line(lengths ? "__UseLengths(lengths);" : "__UseFullLengths();");
        if (plan.TokenInput) w.Line($"__CheckTokenRows({input});");
    }

    /// <summary>The per-row lengths of the current call and the members that set and check them.</summary>
    private static void WriteLengths(SourceWriter w, ModelPlan plan)
    {
        w.Line("/// <summary>Checks <paramref name=\"lengths\"/> (before anything changes) and makes them this call's lengths.</summary>");
        w.OpenMember($"private void __UseLengths({Names.ReadOnlySpanInt} lengths)");
        w.Line("if (lengths.Length != BatchSize)");
        w.Line($"    throw new {Names.ArgumentException}(\"Expected \" + BatchSize + \" lengths (one per row), got \" + lengths.Length + \".\", \"lengths\");");
        w.Line("int longest = 0, shortest = Steps;");
        w.OpenBlock("for (int b = 0; b < BatchSize; b++)");
        w.Line("int n = lengths[b];");
        w.Line("if ((uint)n > Steps)");
        w.Line("    throw new global::System.ArgumentOutOfRangeException(\"lengths\", n, \"Row \" + b + \" has length \" + n + \"; lengths must be in [0, \" + Steps + \"].\");");
        w.Line("if (n > longest) longest = n;");
        w.Line("if (n < shortest) shortest = n;");
        w.CloseBlock();
        w.Line("lengths.CopyTo(__lengths);");
        w.Line("__steps = longest;");
        w.Line("__shortest = shortest;");
        w.CloseBlock();
        w.Line();
        w.Line("/// <summary>Every row has length <see cref=\"Steps\"/>.</summary>");
        w.OpenMember("private void __UseFullLengths()");
        w.Line("if (__shortest != Steps) global::System.Array.Fill(__lengths, Steps);");
        w.Line("__steps = Steps;");
        w.Line("__shortest = Steps;");
        w.CloseBlock();
        w.Line();
        if (plan.TokenInput)
        {
            w.Line("/// <summary>The token ids of every row's valid steps (padding may hold anything).</summary>");
            w.OpenMember($"private void __CheckTokenRows({Names.ReadOnlySpanInt} tokens)");
            w.OpenBlock("for (int b = 0; b < BatchSize; b++)");
            w.Line("__CheckTokens(tokens.Slice(b * Steps, __lengths[b]));");
            w.CloseBlock();
            w.CloseBlock();
            w.Line();
        }
    }

    private static string FeedBackText(FeedBackKind kind) => kind switch
    {
        FeedBackKind.Token => "the most likely token",
        FeedBackKind.OneHot => "the most likely class as a one-hot vector",
        FeedBackKind.Values => "the output itself",
        _ => throw new System.InvalidOperationException($"Nothing is fed back ({kind})."),
    };

    /// <summary>The next input of a generating model from one step's output [B, Y] (<see cref="ModelPlan.FeedBack"/>).</summary>
    private static void WriteFeedBack(SourceWriter w, FeedBackKind kind)
    {
        string into = kind == FeedBackKind.Token ? "global::System.Span<int>" : Names.Span;
        w.Line("/// <summary>The next input from one step's output [B, Y].</summary>");
        w.OpenMember($"private static void __FeedBack({Names.ReadOnlySpan} y, {into} x)");
        switch (kind)
        {
            case FeedBackKind.Token:
                w.Line("for (int b = 0; b < BatchSize; b++)");
                w.Line("    x[b] = global::RnnGen.Text.Sampling.ArgMax(y.Slice(b * OutputSize, OutputSize));");
                break;
            case FeedBackKind.OneHot:
                w.Line("x.Clear();");
                w.Line("for (int b = 0; b < BatchSize; b++)");
                w.Line("    x[b * OutputSize + global::RnnGen.Text.Sampling.ArgMax(y.Slice(b * OutputSize, OutputSize))] = 1f;");
                break;
            case FeedBackKind.Values:
                w.Line("y.CopyTo(x);");
                break;
            default:
                throw new System.InvalidOperationException($"Nothing is fed back ({kind}).");
        }
        w.CloseBlock();
        w.Line();
    }

    /// <summary>
    /// EncoderDecoder: <c>Predict</c> encodes the input, hands the encoder's final state to the
    /// decoder and decodes greedily one step at a time (a zero vector before the first output,
    /// then the previous output fed back: the most likely class as a one-hot vector for a softmax
    /// head, the values themselves otherwise).
    /// </summary>
    private static void WriteDecoding(SourceWriter w, ModelPlan plan, string inputType, string inputShape)
    {
        var decoder = plan.Layers[plan.DecoderStart];
        w.Line("/// <summary>");
        w.Line($"/// Encodes <paramref name=\"input\"/> {inputShape} and decodes {plan.OutputSteps} steps into <paramref name=\"output\"/> [B, OutputSteps, Y], batch-first.");
        w.Line($"/// The decoder starts from the encoder's final state and reads a zero vector, then each previous output ({FeedBackText(plan.FeedBack)}: greedy decoding).");
        w.Line("/// Allocates nothing.");
        OpenPredict(w, plan, inputType);
        w.Line("__Predict(input, output);");
        w.CloseBlock();
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// Encodes <paramref name=\"input\"/> {inputShape}, each row up to its length, and decodes {plan.OutputSteps} steps into <paramref name=\"output\"/> [B, OutputSteps, Y].");
        w.Line(LengthsDoc);
        OpenPredict(w, plan, inputType, lengths: true);
        w.Line("__Predict(input, output);");
        w.CloseBlock();
        w.Line();
        w.OpenMember($"private void __Predict({inputType} input, {Names.Span} output)");
        w.Line("__Encode(input, dropout: false);");
        w.Line("__HandOver();");
        w.Line("// The decoder's streaming state: the handed-over state for its first layer, zeros for the others.");
        w.Line("global::System.Array.Clear(__state, 0, __state.Length);");
        foreach (var sub in decoder.SubLayers)
        {
            var dir = sub.Directions[0];
            w.Line($"new {Names.ReadOnlySpan}(__work, __A.{dir.InitialH.Id}, __A.{dir.InitialH.Id}_len).CopyTo(new {Names.Span}(__state, __S.{dir.StateH!.Id}, __S.{dir.StateH.Id}_len));");
            if (dir.InitialC is not null)
                w.Line($"new {Names.ReadOnlySpan}(__work, __A.{dir.InitialC.Id}, __A.{dir.InitialC.Id}_len).CopyTo(new {Names.Span}(__state, __S.{dir.StateC!.Id}, __S.{dir.StateC.Id}_len));");
        }
        w.Line($"{Names.Span} x = __feedback;");
        w.Line("x.Clear();");
        w.Line($"{Names.Span} y = __generated;");
        w.OpenBlock("for (int t = 0; t < OutputSteps; t++)");
        w.Line("__DecoderStep(x, y);");
        w.Line("for (int b = 0; b < BatchSize; b++)");
        w.Line("    y.Slice(b * OutputSize, OutputSize).CopyTo(output.Slice((b * OutputSteps + t) * OutputSize, OutputSize));");
        w.Line("if (t + 1 < OutputSteps) __FeedBack(y, x);");
        w.CloseBlock();
        w.CloseBlock();
        w.Line();
        WriteFeedBack(w, plan.FeedBack);
    }

    private static void WriteOutputCopy(SourceWriter w, ModelPlan plan)
    {
        var o = plan.Output;
        if (plan.OutputIsSequence)
        {
            w.Line("// output[b, t, :] = y[t, b, :] up to each row's length, zeros after it");
            w.Line($"{Names.ReadOnlySpan} y = new {Names.ReadOnlySpan}(__work, __A.{o.Id}, __A.{o.Id}_len);");
            w.Line("for (int b = 0; b < BatchSize; b++)");
            w.Line("    for (int t = 0; t < Steps; t++)");
            w.Line("        if (t < __lengths[b])");
            w.Line("            y.Slice((t * BatchSize + b) * OutputSize, OutputSize).CopyTo(output.Slice((b * Steps + t) * OutputSize, OutputSize));");
            w.Line("        else");
            w.Line("            output.Slice((b * Steps + t) * OutputSize, OutputSize).Clear();");
        }
        else
        {
            w.Line("// output[b, :] = y[b, :]; zeros for a row of length 0");
            w.Line($"{Names.ReadOnlySpan} y = new {Names.ReadOnlySpan}(__work, __A.{o.Id}, __A.{o.Id}_len);");
            w.Line("for (int b = 0; b < BatchSize; b++)");
            w.Line("    if (__lengths[b] == 0)");
            w.Line("        output.Slice(b * OutputSize, OutputSize).Clear();");
            w.Line("    else");
            w.Line("        y.Slice(b * OutputSize, OutputSize).CopyTo(output.Slice(b * OutputSize, OutputSize));");
        }
    }
}
