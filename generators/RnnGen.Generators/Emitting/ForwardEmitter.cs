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
            w.Line("/// <summary>");
            w.Line($"/// Runs the model on a batch: <paramref name=\"input\"/> {inputShape}, <paramref name=\"output\"/> {outputShape}, batch-first and row-major.");
            w.Line("/// Allocates nothing.");
            w.Line("/// </summary>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            if (plan.TokenInput) w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A token id is negative or not below <see cref=\"VocabularySize\"/>.</exception>");
            w.OpenBlock($"public void Predict({inputType} input, {Names.Span} output)");
            w.Line("CheckLength(input.Length, InputLength, nameof(input));");
            w.Line("CheckLength(output.Length, OutputLength, nameof(output));");
            if (plan.TokenInput) w.Line("CheckTokens(input);");
            w.Line("Forward(input, logits: false, dropout: false);");
            WriteOutputCopy(w, plan);
            w.Line("if (CarryState) CarryFinalState();");
            w.CloseBlock();
            w.Line();
        }

        w.OpenBlock("private static void CheckLength(int actual, int expected, string name)");
        w.Line($"if (actual != expected) throw new {Names.ArgumentException}(\"Expected a span of \" + expected + \" floats/ids, got \" + actual + \".\", name);");
        w.CloseBlock();
        w.Line();
        if (plan.TokenInput)
        {
            w.OpenBlock($"private static void CheckTokens({Names.ReadOnlySpanInt} tokens)");
            w.OpenBlock("for (int i = 0; i < tokens.Length; i++)");
            w.Line("if ((uint)tokens[i] >= VocabularySize)");
            w.Line("    throw new global::System.ArgumentOutOfRangeException(nameof(tokens), tokens[i], \"Token id at index \" + i + \" is \" + tokens[i] + \"; ids must be in [0, \" + VocabularySize + \").\");");
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
            w.OpenBlock($"private void Forward({inputType} input, bool logits, bool dropout)");
            w.Line($"{Names.ReadOnlySpan} p = _parameters;");
            w.Line($"{Names.Span} a = _work;");
            w.Line("const int T = Steps, B = BatchSize;");
            WriteStaging(w, plan);
            WriteLayers(w, plan, plan.Layers, ownSteps: false);
            w.CloseBlock();
            w.Line();
            return;
        }

        // Encoder–decoder: the encoder over T steps, its final state handed to the decoder, the
        // decoder over OutputSteps steps reading the decoder input region (filled by the caller).
        w.OpenBlock($"private void Forward({inputType} input, bool logits, bool dropout)");
        w.Line("Encode(input, dropout);");
        w.Line("HandOver();");
        w.Line("Decode(logits, dropout);");
        w.CloseBlock();
        w.Line();
        w.Line("/// <summary>The encoder's forward pass over the T input steps.</summary>");
        w.OpenBlock($"private void Encode({inputType} input, bool dropout)");
        w.Line($"{Names.ReadOnlySpan} p = _parameters;");
        w.Line($"{Names.Span} a = _work;");
        w.Line("const int B = BatchSize;");
        if (!plan.TokenInput)
        {
            w.OpenBlock("");
            w.Line("const int T = Steps;");
            WriteStaging(w, plan);
            w.CloseBlock();
        }
        WriteLayers(w, plan, plan.Layers.Take(plan.DecoderStart), ownSteps: true);
        w.CloseBlock();
        w.Line();
        WriteHandOver(w, plan);
        w.Line("/// <summary>The decoder's forward pass over the OutputSteps steps, from the handed-over state.</summary>");
        w.OpenBlock("private void Decode(bool logits, bool dropout)");
        w.Line($"{Names.ReadOnlySpan} p = _parameters;");
        w.Line($"{Names.Span} a = _work;");
        w.Line("const int B = BatchSize;");
        WriteLayers(w, plan, plan.Layers.Skip(plan.DecoderStart), ownSteps: true);
        w.CloseBlock();
        w.Line();
    }

    private static void WriteStaging(SourceWriter w, ModelPlan plan)
    {
        if (plan.TokenInput) return;
        w.Line();
        w.Line("// Stage the input time-major: x[t, b, :] = input[b, t, :]");
        w.OpenBlock("for (int b = 0; b < B; b++)");
        w.Line("for (int t = 0; t < T; t++)");
        w.Line($"    input.Slice((b * T + t) * InputSize, InputSize).CopyTo(a.Slice(A.{plan.StagedInput.Id} + (t * B + b) * InputSize, InputSize));");
        w.CloseBlock();
    }

    /// <param name="ownSteps">Declare each layer's step count <c>T</c> in its own block (encoder–decoder models, whose halves run different lengths).</param>
    private static void WriteLayers(SourceWriter w, ModelPlan plan, System.Collections.Generic.IEnumerable<LayerPlan> layers, bool ownSteps)
    {
        foreach (var layer in layers)
        {
            w.Line();
            w.Line($"// ── Layer {layer.Index}: {ModelEmitter.DescribeLayer(layer.Spec)} ──");
            if (ownSteps)
            {
                w.OpenBlock("");
                w.Line($"const int T = {layer.StepsName};");
            }
            switch (layer.Spec.Kind)
            {
                case LayerKind.Embedding: WriteEmbedding(w, layer); break;
                case LayerKind.Dense: WriteDense(w, layer, plan.HeadFused && layer.Index == plan.Layers.Count - 1); break;
                default: WriteRecurrent(w, plan, layer); break;
            }
            if (ownSteps) w.CloseBlock();
        }
    }

    /// <summary>Encoder–decoder: copies the encoder's final state into the decoder's initial state (<see cref="ModelPlan.HandOver"/>).</summary>
    private static void WriteHandOver(SourceWriter w, ModelPlan plan)
    {
        w.Line("/// <summary>The encoder's final state into the initial state of the decoder.</summary>");
        w.OpenBlock("private void HandOver()");
        w.Line($"{Names.Span} a = _work;");
        w.Line("const int B = BatchSize;");
        foreach (var c in plan.HandOver)
        {
            w.Line($"// {c.What}");
            w.Line("for (int b = 0; b < B; b++)");
            w.Line($"    a.Slice(A.{c.Source.Id}{Names.Plus(c.SourceOffset)} + b * {c.SourceStride}, {c.Length}).CopyTo(a.Slice(A.{c.Destination.Id}{Names.Plus(c.DestinationOffset)} + b * {c.DestinationStride}, {c.Length}));");
        }
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
        var head = plan.Layers[plan.Layers.Count - 1].Spec;
        bool argmax = plan.TokenInput || (head.Kind == LayerKind.Dense && head.Activation == Activation.Softmax);
        string first = plan.TokenInput ? "[B] token ids" : "[B, X]";
        string feedback = plan.TokenInput ? "the most likely token" : argmax ? "the most likely class as a one-hot vector" : "the output itself";
        w.Line("/// <summary>");
        w.Line($"/// Generates {plan.T} steps from one input per sequence: <paramref name=\"input\"/> {first}, <paramref name=\"output\"/> [B, T, Y], batch-first.");
        w.Line($"/// Each step's output is fed back as the next step's input ({feedback}: greedy decoding).");
        w.Line("/// Starts from a zero state and leaves the state of <see cref=\"Step\"/> after the last step, so <c>Step</c> can continue");
        w.Line("/// the sequence (or sample instead of taking the most likely output). <see cref=\"CarryState\"/> does not apply. Allocates nothing.");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        if (plan.TokenInput) w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A token id is negative or not below <see cref=\"VocabularySize\"/>.</exception>");
        w.OpenBlock($"public void Predict({inputType} input, {Names.Span} output)");
        w.Line("CheckLength(input.Length, InputLength, nameof(input));");
        w.Line("CheckLength(output.Length, OutputLength, nameof(output));");
        if (plan.TokenInput) w.Line("CheckTokens(input);");
        w.Line("global::System.Array.Clear(_state, 0, _state.Length);");
        w.Line("input.CopyTo(_feedback);");
        w.Line($"{Names.Span} y = _generated;");
        w.OpenBlock("for (int t = 0; t < Steps; t++)");
        w.Line("Step(_feedback, y);");
        w.Line("for (int b = 0; b < BatchSize; b++)");
        w.Line("    y.Slice(b * OutputSize, OutputSize).CopyTo(output.Slice((b * Steps + t) * OutputSize, OutputSize));");
        w.Line("if (t + 1 < Steps) FeedBack(y, _feedback);");
        w.CloseBlock();
        w.CloseBlock();
        w.Line();
        WriteFeedBack(w, plan.TokenInput, argmax);
    }

    /// <summary>
    /// The next input of a generating model from one step's output [B, Y]: the most likely
    /// token, the most likely class as a one-hot vector, or the output itself (the input is as
    /// wide as the output: RNN0030 for OneToMany, the decoder's input width for EncoderDecoder).
    /// </summary>
    private static void WriteFeedBack(SourceWriter w, bool tokens, bool argmax)
    {
        string into = tokens ? "global::System.Span<int>" : Names.Span;
        w.Line("/// <summary>The next input from one step's output [B, Y].</summary>");
        w.OpenBlock($"private static void FeedBack({Names.ReadOnlySpan} y, {into} x)");
        if (tokens)
        {
            w.Line("for (int b = 0; b < BatchSize; b++)");
            w.Line("    x[b] = global::RnnGen.Text.Sampling.ArgMax(y.Slice(b * OutputSize, OutputSize));");
        }
        else if (argmax)
        {
            w.Line("x.Clear();");
            w.Line("for (int b = 0; b < BatchSize; b++)");
            w.Line("    x[b * OutputSize + global::RnnGen.Text.Sampling.ArgMax(y.Slice(b * OutputSize, OutputSize))] = 1f;");
        }
        else
        {
            w.Line("y.CopyTo(x);");
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
        var head = plan.Layers[plan.Layers.Count - 1].Spec;
        bool argmax = head.Kind == LayerKind.Dense && head.Activation == Activation.Softmax;
        var decoder = plan.Layers[plan.DecoderStart];
        w.Line("/// <summary>");
        w.Line($"/// Encodes <paramref name=\"input\"/> {inputShape} and decodes {plan.OutputSteps} steps into <paramref name=\"output\"/> [B, OutputSteps, Y], batch-first.");
        w.Line($"/// The decoder starts from the encoder's final state and reads a zero vector, then each previous output ({(argmax ? "the most likely class as a one-hot vector" : "the output itself")}: greedy decoding).");
        w.Line("/// Allocates nothing.");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        if (plan.TokenInput) w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A token id is negative or not below <see cref=\"VocabularySize\"/>.</exception>");
        w.OpenBlock($"public void Predict({inputType} input, {Names.Span} output)");
        w.Line("CheckLength(input.Length, InputLength, nameof(input));");
        w.Line("CheckLength(output.Length, OutputLength, nameof(output));");
        if (plan.TokenInput) w.Line("CheckTokens(input);");
        w.Line("Encode(input, dropout: false);");
        w.Line("HandOver();");
        w.Line("// The decoder's streaming state: the handed-over state for its first layer, zeros for the others.");
        w.Line("global::System.Array.Clear(_state, 0, _state.Length);");
        foreach (var sub in decoder.SubLayers)
        {
            var dir = sub.Directions[0];
            w.Line($"new {Names.ReadOnlySpan}(_work, A.{dir.InitialH.Id}, A.{dir.InitialH.Id}_len).CopyTo(new {Names.Span}(_state, S.{dir.StateH!.Id}, S.{dir.StateH.Id}_len));");
            if (dir.InitialC is not null)
                w.Line($"new {Names.ReadOnlySpan}(_work, A.{dir.InitialC.Id}, A.{dir.InitialC.Id}_len).CopyTo(new {Names.Span}(_state, S.{dir.StateC!.Id}, S.{dir.StateC.Id}_len));");
        }
        w.Line($"{Names.Span} x = _feedback;");
        w.Line("x.Clear();");
        w.Line($"{Names.Span} y = _generated;");
        w.OpenBlock("for (int t = 0; t < OutputSteps; t++)");
        w.Line("DecoderStep(x, y);");
        w.Line("for (int b = 0; b < BatchSize; b++)");
        w.Line("    y.Slice(b * OutputSize, OutputSize).CopyTo(output.Slice((b * OutputSteps + t) * OutputSize, OutputSize));");
        w.Line("if (t + 1 < OutputSteps) FeedBack(y, x);");
        w.CloseBlock();
        w.CloseBlock();
        w.Line();
        WriteFeedBack(w, tokens: false, argmax);
    }

    private static void WriteOutputCopy(SourceWriter w, ModelPlan plan)
    {
        var o = plan.Output;
        if (plan.OutputIsSequence)
        {
            w.Line("// output[b, t, :] = y[t, b, :]");
            w.Line($"{Names.ReadOnlySpan} y = new {Names.ReadOnlySpan}(_work, A.{o.Id}, A.{o.Id}_len);");
            w.Line("for (int b = 0; b < BatchSize; b++)");
            w.Line("    for (int t = 0; t < Steps; t++)");
            w.Line("        y.Slice((t * BatchSize + b) * OutputSize, OutputSize).CopyTo(output.Slice((b * Steps + t) * OutputSize, OutputSize));");
        }
        else
        {
            w.Line($"new {Names.ReadOnlySpan}(_work, A.{o.Id}, A.{o.Id}_len).CopyTo(output);");
        }
    }

    private static void WriteEmbedding(SourceWriter w, LayerPlan layer)
    {
        int d = layer.Spec.Dimension;
        w.Line($"// e[t, b, :] = {layer.Spec.Name}.weight[input[b, t], :]   [V, D] = [{layer.Spec.Size}, {d}]");
        w.OpenBlock("for (int b = 0; b < B; b++)");
        w.Line("for (int t = 0; t < T; t++)");
        w.Line($"    p.Slice(P.{layer.Weight!.Id} + input[b * T + t] * {d}, {d}).CopyTo(a.Slice(A.{layer.Output.Id} + (t * B + b) * {d}, {d}));");
        w.CloseBlock();
    }

    private static void WriteDense(SourceWriter w, LayerPlan layer, bool fusedHead)
    {
        int inW = layer.Wiring.InputWidth, outW = layer.Spec.Size;
        string rows = layer.Wiring.OutputIsSequence ? "T * B" : "B";
        var x = layer.Input;
        var y = layer.Output;
        w.Line($"// y = {layer.Spec.Activation.ToString().ToLowerInvariant()}(W x + b)   W: [{outW}, {inW}], rows: {(layer.Wiring.OutputIsSequence ? "every step of every sequence" : "one per sequence")}");
        w.OpenBlock("");
        w.Line($"var y = a.Slice(A.{y.Id}, A.{y.Id}_len);");
        w.Line($"{Names.Blas}.SetRows(y, {outW}, {rows}, p.Slice(P.{layer.Bias!.Id}, P.{layer.Bias.Id}_len));");
        w.Line($"{Names.Blas}.MatMulTransposedAdd(a.Slice(A.{x.Id}, A.{x.Id}_len), {inW}, p.Slice(P.{layer.Weight!.Id}, P.{layer.Weight.Id}_len), y, {outW}, {rows}, {outW}, {inW});");
        if (fusedHead)
        {
            w.Line("// In training the loss applies the activation to the logits, fused with it.");
            w.OpenBlock("if (!logits)");
            WriteActivation(w, layer.Spec.Activation, "y", rows, outW);
            w.CloseBlock();
        }
        else
        {
            WriteActivation(w, layer.Spec.Activation, "y", rows, outW);
        }
        w.CloseBlock();
    }

    internal static void WriteActivation(SourceWriter w, Activation activation, string span, string rows, int width)
    {
        switch (activation)
        {
            case Activation.Tanh: w.Line($"{Names.Activations}.Tanh({span});"); break;
            case Activation.Relu: w.Line($"{Names.Activations}.Relu({span});"); break;
            case Activation.Sigmoid: w.Line($"{Names.Activations}.Sigmoid({span});"); break;
            case Activation.Softmax: w.Line($"{Names.Activations}.Softmax({span}, {rows}, {width});"); break;
        }
    }

    /// <summary>
    /// Where one step's values live, as C# expressions (row expressions may use the batch index
    /// <c>b</c>). In scope where the recurrence is written: <c>g</c> (the step's gate rows, input
    /// part already added), <c>hp</c> with row stride <c>ldh</c> (h[t-1]), <c>whh</c>, <c>bhh</c>, <c>B</c>.
    /// </summary>
    internal sealed record RecurrenceSpans(string HiddenGates, string ResetHidden, string CellPrevious, string CellOut, string HiddenOut);

    /// <summary>
    /// The recurrent half of one step, shared by the forward pass over the sequence and by
    /// <c>Step</c>: the hidden products for every gate and batch row, then the cell.
    /// </summary>
    internal static void WriteRecurrence(SourceWriter w, LayerSpec spec, RecurrenceSpans at)
    {
        int H = spec.Size, GH = spec.Gates * H;
        switch (spec.Kind)
        {
            case LayerKind.Lstm:
                w.Line($"// gates += W_hh h[t-1]   [{GH} x {H}]·[{H}] -> [{GH}]");
                w.Line($"{Names.Blas}.MatMulTransposedAdd(hp, ldh, whh, g, {GH}, B, {GH}, {H});");
                w.Line("// i, f, o = σ(·), g = tanh(·); c = f ⊙ c[t-1] + i ⊙ g; h = o ⊙ tanh(c)");
                w.Line("for (int b = 0; b < B; b++)");
                w.Line($"    {Names.Cells}.LstmForward(g.Slice(b * {GH}, {GH}), {at.CellPrevious}, {at.CellOut}, {at.HiddenOut});");
                break;
            case LayerKind.Gru when spec.Variant == GruVariant.ResetAfter:
                w.Line($"// gh = W_hh h[t-1] + b_hh   [{GH} x {H}]·[{H}] -> [{GH}]");
                w.Line($"var gh = {at.HiddenGates};");
                w.Line($"{Names.Blas}.SetRows(gh, {GH}, B, bhh);");
                w.Line($"{Names.Blas}.MatMulTransposedAdd(hp, ldh, whh, gh, {GH}, B, {GH}, {H});");
                w.Line("// r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r ⊙ gh_n), h = (1 − z) ⊙ n + z ⊙ h[t-1]");
                w.Line("for (int b = 0; b < B; b++)");
                w.Line($"    {Names.Cells}.GruForward(g.Slice(b * {GH}, {GH}), gh.Slice(b * {GH}, {GH}), hp.Slice(b * ldh, {H}), {at.HiddenOut});");
                break;
            case LayerKind.Gru:
                w.Line($"// gh_rz = W_hr,hz h[t-1] + b_hr,hz   [{2 * H} x {H}]·[{H}] -> [{2 * H}]");
                w.Line($"var gh = {at.HiddenGates};");
                w.Line($"var rh = {at.ResetHidden};");
                w.Line($"{Names.Blas}.SetRows(gh, {GH}, B, bhh.Slice(0, {2 * H}));");
                w.Line($"{Names.Blas}.MatMulTransposedAdd(hp, ldh, whh.Slice(0, {2 * H * H}), gh, {GH}, B, {2 * H}, {H});");
                w.Line("// r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), rh = r ⊙ h[t-1]");
                w.Line("for (int b = 0; b < B; b++)");
                w.Line($"    {Names.Cells}.GruResetBeforeGates(g.Slice(b * {GH}, {GH}), gh.Slice(b * {GH}, {2 * H}), hp.Slice(b * ldh, {H}), rh.Slice(b * {H}, {H}));");
                w.Line($"// gh_n = W_hn (r ⊙ h[t-1]) + b_hn   [{H} x {H}]·[{H}] -> [{H}]");
                w.Line($"var ghn = gh.Slice({2 * H});");
                w.Line($"{Names.Blas}.SetRows(ghn, {GH}, B, bhh.Slice({2 * H}, {H}));");
                w.Line($"{Names.Blas}.MatMulTransposedAdd(rh, {H}, whh.Slice({2 * H * H}, {H * H}), ghn, {GH}, B, {H}, {H});");
                w.Line("// n = tanh(gx_n + gh_n), h = (1 − z) ⊙ n + z ⊙ h[t-1]");
                w.Line("for (int b = 0; b < B; b++)");
                w.Line($"    {Names.Cells}.GruResetBeforeFinish(g.Slice(b * {GH}, {GH}), ghn.Slice(b * {GH}, {H}), hp.Slice(b * ldh, {H}), {at.HiddenOut});");
                break;
            default:
                string act = spec.Activation == Activation.Relu ? "Relu" : "Tanh";
                w.Line($"// pre += W_hh h[t-1]   [{H} x {H}]·[{H}] -> [{H}]");
                w.Line($"{Names.Blas}.MatMulTransposedAdd(hp, ldh, whh, g, {H}, B, {H}, {H});");
                w.Line($"// h = {act.ToLowerInvariant()}(pre)");
                w.Line("for (int b = 0; b < B; b++)");
                w.Line($"    {Names.Cells}.Rnn{act}Forward(g.Slice(b * {H}, {H}), {at.HiddenOut});");
                break;
        }
    }

    private static void WriteRecurrent(SourceWriter w, ModelPlan plan, LayerPlan layer)
    {
        var spec = layer.Spec;
        int H = spec.Size, G = spec.Gates, GH = G * H, D = spec.Directions, DH = D * H;
        foreach (var sub in layer.SubLayers)
        {
            int inW = sub.InWidth;
            var x = sub.Input;
            var o = sub.Output;
            foreach (var dir in sub.Directions)
            {
                string label = $"{spec.Name}{dir.Suffix}";
                w.OpenBlock($"// {label}{(dir.Reverse ? ": backward direction, t = T-1 … 0" : "")}");
                // Input projection for every step at once.
                bool foldHiddenBias = spec.Kind != LayerKind.Gru;
                w.Line(spec.Kind switch
                {
                    LayerKind.Lstm => $"// gates[t] = W_ih x[t] + b_ih + b_hh for all t at once   [{GH} x {inW}]·[{inW}] -> [{GH}], {layer.Steps}·{plan.B} rows",
                    LayerKind.Gru => $"// gx[t] = W_ih x[t] + b_ih for all t at once   [{GH} x {inW}]·[{inW}] -> [{GH}], {layer.Steps}·{plan.B} rows",
                    _ => $"// pre[t] = W_ih x[t] + b_ih + b_hh for all t at once   [{H} x {inW}]·[{inW}] -> [{H}], {layer.Steps}·{plan.B} rows",
                });
                w.Line($"var gates = a.Slice(A.{dir.Gates.Id}, A.{dir.Gates.Id}_len);");
                w.Line($"var wih = p.Slice(P.{dir.Wih.Id}, P.{dir.Wih.Id}_len);");
                w.Line($"var whh = p.Slice(P.{dir.Whh.Id}, P.{dir.Whh.Id}_len);");
                w.Line($"var bih = p.Slice(P.{dir.Bih.Id}, P.{dir.Bih.Id}_len);");
                w.Line($"var bhh = p.Slice(P.{dir.Bhh.Id}, P.{dir.Bhh.Id}_len);");
                w.Line(foldHiddenBias
                    ? $"{Names.Blas}.SetRows(gates, {GH}, T * B, bih, bhh);"
                    : $"{Names.Blas}.SetRows(gates, {GH}, T * B, bih);");
                w.Line($"{Names.Blas}.MatMulTransposedAdd(a.Slice(A.{x.Id}, A.{x.Id}_len), {inW}, wih, gates, {GH}, T * B, {GH}, {inW});");
                w.Line($"var hs = a.Slice(A.{o.Id}, A.{o.Id}_len); // [T, B, {DH}]");
                w.Line($"{Names.ReadOnlySpan} h0 = a.Slice(A.{dir.InitialH.Id}, A.{dir.InitialH.Id}_len); // [B, {H}]");
                if (dir.Cell is not null)
                {
                    w.Line($"var cs = a.Slice(A.{dir.Cell.Id}, A.{dir.Cell.Id}_len); // [T, B, {H}]");
                    w.Line($"{Names.ReadOnlySpan} c0 = a.Slice(A.{dir.InitialC!.Id}, A.{dir.InitialC.Id}_len); // [B, {H}]");
                }
                if (dir.HiddenGates is not null) w.Line($"var ghs = a.Slice(A.{dir.HiddenGates.Id}, A.{dir.HiddenGates.Id}_len); // [T, B, {3 * H}]");
                if (dir.ResetHidden is not null) w.Line($"var rhs = a.Slice(A.{dir.ResetHidden.Id}, A.{dir.ResetHidden.Id}_len); // [T, B, {H}]");
                w.OpenBlock("for (int s = 0; s < T; s++)");
                w.Line(dir.Reverse ? "int t = T - 1 - s, tp = t + 1; // tp: the step before, in this direction" : "int t = s, tp = t - 1; // tp: the step before");
                w.Line($"var g = gates.Slice(t * B * {GH}, B * {GH});");
                // h_{t-1} rows for all batch rows: stride DH in the output sequence, or the initial state (stride H).
                string hOffset = dir.Reverse ? $"tp * B * {DH} + {H}" : $"tp * B * {DH}";
                w.Line($"{Names.ReadOnlySpan} hp = s == 0 ? h0 : hs.Slice({hOffset}, (B - 1) * {DH} + {H}); // h[t-1], [B, {H}]");
                w.Line(D == 2 ? $"int ldh = s == 0 ? {H} : {DH}; // row stride of hp" : $"const int ldh = {H}; // row stride of hp");
                string hOut = $"hs.Slice((t * B + b) * {DH}{(dir.Reverse ? " + " + H : "")}, {H})";
                WriteRecurrence(w, spec, new RecurrenceSpans(
                    HiddenGates: $"ghs.Slice(t * B * {GH}, B * {GH})",
                    ResetHidden: $"rhs.Slice(t * B * {H}, B * {H})",
                    CellPrevious: $"s == 0 ? c0.Slice(b * {H}, {H}) : cs.Slice((tp * B + b) * {H}, {H})",
                    CellOut: $"cs.Slice((t * B + b) * {H}, {H})",
                    HiddenOut: hOut));
                w.CloseBlock();
                w.CloseBlock();
            }
            if (sub.Dropped is not null)
            {
                string p = spec.Dropout.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                w.Line($"// Dropout between stacked layers (training only): drop = out ⊙ mask, mask ∈ {{0, 1/(1-p)}}, p = {p}");
                w.Line("if (dropout)");
                w.Line($"    {Names.Elementwise}.Dropout(a.Slice(A.{o.Id}, A.{o.Id}_len), a.Slice(A.{sub.DropoutMask!.Id}, A.{sub.DropoutMask.Id}_len), a.Slice(A.{sub.Dropped.Id}, A.{sub.Dropped.Id}_len), {p}f, _dropoutRandom);");
                w.Line("else");
                w.Line($"    a.Slice(A.{o.Id}, A.{o.Id}_len).CopyTo(a.Slice(A.{sub.Dropped.Id}, A.{sub.Dropped.Id}_len));");
            }
        }
        if (layer.Collapses)
        {
            var top = layer.SubLayers[layer.SubLayers.Count - 1].Output;
            w.Line(D == 2
                ? "// Final state: concat(forward h after step T-1, backward h after step 0)"
                : "// Final state: h after step T-1");
            w.OpenBlock("for (int b = 0; b < B; b++)");
            w.Line($"a.Slice(A.{top.Id} + ((T - 1) * B + b) * {DH}, {H}).CopyTo(a.Slice(A.{layer.Output.Id} + b * {DH}, {H}));");
            if (D == 2) w.Line($"a.Slice(A.{top.Id} + b * {DH} + {H}, {H}).CopyTo(a.Slice(A.{layer.Output.Id} + b * {DH} + {H}, {H}));");
            w.CloseBlock();
        }
    }
}
