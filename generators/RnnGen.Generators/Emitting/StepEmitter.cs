using System.Linq;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Lowering;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Emitting;

/// <summary>
/// Writes the streaming API of a unidirectional model: <c>Step</c> runs one time step for the
/// whole batch and carries the state; <c>ResetState</c> zeroes it. The same cell kernels as
/// the forward pass, with the state updated in place.
/// </summary>
internal static class StepEmitter
{
    public static void Write(SourceWriter w, ModelPlan plan)
    {
        if (plan.EncoderDecoder)
        {
            // The decoder's step, for greedy decoding in Predict: x is the previous output [B, Y].
            w.Line("/// <summary>One decoder step for the whole batch: <paramref name=\"x\"/> [B, Y] (the previous output), <paramref name=\"y\"/> [B, Y]; carries the decoder's state.</summary>");
            w.OpenBlock($"private void DecoderStep({Names.ReadOnlySpan} x, {Names.Span} y)");
            WriteBody(w, plan, plan.DecoderStart);
            return;
        }

        string inputType = plan.TokenInput ? Names.ReadOnlySpanInt : Names.ReadOnlySpan;
        w.Line("/// <summary>");
        w.Line(plan.TokenInput
            ? "/// Runs one time step for the whole batch: <paramref name=\"x\"/> [B] token ids, <paramref name=\"y\"/> [B, Y]."
            : "/// Runs one time step for the whole batch: <paramref name=\"x\"/> [B, X], <paramref name=\"y\"/> [B, Y].");
        w.Line("/// The recurrent state is carried to the next call (start from zeros, or call <see cref=\"ResetState\"/>).");
        w.Line("/// Feeding a sequence step by step gives the same outputs as <c>Predict</c>. Allocates nothing.");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        w.OpenBlock($"public void Step({inputType} x, {Names.Span} y)");
        w.Line($"CheckLength(x.Length, BatchSize{(plan.TokenInput ? "" : " * InputSize")}, nameof(x));");
        w.Line("CheckLength(y.Length, BatchSize * OutputSize, nameof(y));");
        if (plan.TokenInput) w.Line("CheckTokens(x);");
        WriteBody(w, plan, 0);
    }

    /// <summary>The step through the layers from <paramref name="first"/> on (whose input is <c>x</c>), closing the method.</summary>
    private static void WriteBody(SourceWriter w, ModelPlan plan, int first)
    {
        w.Line($"{Names.ReadOnlySpan} p = _parameters;");
        w.Line($"{Names.Span} st = _state;");
        w.Line($"{Names.Span} q = _stepWork;");
        w.Line("const int B = BatchSize;");
        // Each layer's one-step output: an expression for a span and its row stride.
        var outputs = new string[plan.Layers.Count];
        foreach (var layer in plan.Layers.Skip(first))
        {
            string input = layer.Wiring.Source < 0 ? "x" : outputs[layer.Wiring.Source];
            w.Line();
            w.Line($"// ── Layer {layer.Index}: {ModelEmitter.DescribeLayer(layer.Spec)} ──");
            switch (layer.Spec.Kind)
            {
                case LayerKind.Embedding:
                {
                    int d = layer.Spec.Dimension;
                    var o = layer.StepOutput!;
                    w.Line("for (int b = 0; b < B; b++)");
                    w.Line($"    p.Slice(P.{layer.Weight!.Id} + x[b] * {d}, {d}).CopyTo(q.Slice(Q.{o.Id} + b * {d}, {d}));");
                    outputs[layer.Index] = $"q.Slice(Q.{o.Id}, Q.{o.Id}_len)";
                    break;
                }
                case LayerKind.Dense:
                {
                    int inW = layer.Wiring.InputWidth, outW = layer.Spec.Size;
                    var o = layer.StepOutput!;
                    w.OpenBlock("");
                    w.Line($"var o = q.Slice(Q.{o.Id}, Q.{o.Id}_len);");
                    w.Line($"{Names.Blas}.SetRows(o, {outW}, B, p.Slice(P.{layer.Bias!.Id}, P.{layer.Bias.Id}_len));");
                    w.Line($"{Names.Blas}.MatMulTransposedAdd({input}, {inW}, p.Slice(P.{layer.Weight!.Id}, P.{layer.Weight.Id}_len), o, {outW}, B, {outW}, {inW});");
                    ForwardEmitter.WriteActivation(w, layer.Spec.Activation, "o", "B", outW);
                    w.CloseBlock();
                    outputs[layer.Index] = $"q.Slice(Q.{o.Id}, Q.{o.Id}_len)";
                    break;
                }
                default:
                    outputs[layer.Index] = WriteRecurrent(w, layer, input);
                    break;
            }
        }
        w.Line();
        w.Line($"{outputs[plan.Layers.Count - 1]}.CopyTo(y);");
        w.CloseBlock();
        w.Line();
    }

    private static string WriteRecurrent(SourceWriter w, LayerPlan layer, string input)
    {
        var spec = layer.Spec;
        int H = spec.Size, GH = spec.Gates * H;
        string current = input;
        foreach (var sub in layer.SubLayers)
        {
            var dir = sub.Directions[0];
            int inW = sub.InWidth;
            w.OpenBlock($"// {spec.Name}{dir.Suffix}");
            w.Line($"var h = st.Slice(S.{dir.StateH!.Id}, S.{dir.StateH.Id}_len); // [B, {H}], h[t-1] in, h[t] out");
            w.Line($"var g = q.Slice(Q.{layer.StepGates!.Id}, Q.{layer.StepGates.Id}_len);");
            w.Line($"var whh = p.Slice(P.{dir.Whh.Id}, P.{dir.Whh.Id}_len);");
            w.Line($"var bhh = p.Slice(P.{dir.Bhh.Id}, P.{dir.Bhh.Id}_len);");
            string bih = $"p.Slice(P.{dir.Bih.Id}, P.{dir.Bih.Id}_len)";
            string wih = $"p.Slice(P.{dir.Wih.Id}, P.{dir.Wih.Id}_len)";
            if (dir.StateC is not null) w.Line($"var c = st.Slice(S.{dir.StateC.Id}, S.{dir.StateC.Id}_len); // [B, {H}], c[t-1] in, c[t] out");
            bool foldHiddenBias = spec.Kind != LayerKind.Gru;
            w.Line(foldHiddenBias ? "// gates = W_ih x + b_ih + b_hh" : "// gx = W_ih x + b_ih");
            w.Line(foldHiddenBias ? $"{Names.Blas}.SetRows(g, {GH}, B, {bih}, bhh);" : $"{Names.Blas}.SetRows(g, {GH}, B, {bih});");
            w.Line($"{Names.Blas}.MatMulTransposedAdd({current}, {inW}, {wih}, g, {GH}, B, {GH}, {inW});");
            w.Line($"{Names.ReadOnlySpan} hp = h; // h[t-1]; the cell overwrites it with h[t] element by element");
            w.Line($"const int ldh = {H};");
            ForwardEmitter.WriteRecurrence(w, spec, new ForwardEmitter.RecurrenceSpans(
                HiddenGates: layer.StepHidden is null ? "" : $"q.Slice(Q.{layer.StepHidden.Id}, Q.{layer.StepHidden.Id}_len)",
                ResetHidden: layer.StepResetHidden is null ? "" : $"q.Slice(Q.{layer.StepResetHidden.Id}, Q.{layer.StepResetHidden.Id}_len)",
                CellPrevious: $"c.Slice(b * {H}, {H})",
                CellOut: $"c.Slice(b * {H}, {H})",
                HiddenOut: $"h.Slice(b * {H}, {H})"));
            w.CloseBlock();
            current = $"st.Slice(S.{dir.StateH.Id}, S.{dir.StateH.Id}_len)";
        }
        return current;
    }
}
