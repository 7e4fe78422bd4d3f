using System.Collections.Generic;
using RnnGen.Generators.Cells;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Lowering;

namespace RnnGen.Generators.Emitting;

/// <summary>
/// The time loop of a recurrent layer, for every cell kind: stacked layers, directions, the input
/// projection for all steps at once, the step loop (the cell writes its step), dropout between
/// stacked layers and the final state of a collapsing layer; backward, the same in reverse with the
/// weight gradients of all steps as single products; and the streaming step.
/// </summary>
internal static class RecurrentLayerEmitter
{
    public static void WriteForward(SourceWriter w, ModelPlan plan, LayerPlan layer, RecurrentCell cell)
    {
        var spec = layer.Spec;
        int H = spec.Size, GH = cell.Gates * H, D = spec.Directions, DH = D * H;
        foreach (var sub in layer.SubLayers)
        {
            int inW = sub.InWidth;
            var x = sub.Input;
            var o = sub.Output;
            foreach (var dir in sub.Directions)
            {
                string label = $"{spec.Name}{dir.Suffix}";
                w.OpenBlock($"// {label}{(dir.Reverse ? ": backward direction, t = T-1 … 0" : "")}");
                w.Line($"// {cell.ProjectionName}[t] = W_ih x[t] + b_ih{(layer.FoldsHiddenBias ? " + b_hh" : "")} for all t at once   [{GH} x {inW}]·[{inW}] -> [{GH}], {layer.Steps}·{plan.B} rows");
                w.Line($"{Names.Span} gates = a.Slice(__A.{dir.Gates.Id}, __A.{dir.Gates.Id}_len);");
                w.Line($"{Names.ReadOnlySpan} wih = p.Slice(__P.{dir.Wih.Id}, __P.{dir.Wih.Id}_len);");
                w.Line($"{Names.ReadOnlySpan} whh = p.Slice(__P.{dir.Whh.Id}, __P.{dir.Whh.Id}_len);");
                w.Line($"{Names.ReadOnlySpan} bih = p.Slice(__P.{dir.Bih.Id}, __P.{dir.Bih.Id}_len);");
                w.Line($"{Names.ReadOnlySpan} bhh = p.Slice(__P.{dir.Bhh.Id}, __P.{dir.Bhh.Id}_len);");
                w.Line(layer.FoldsHiddenBias
                    ? $"{Names.Blas}.SetRows(gates, {GH}, T * B, bih, bhh);"
                    : $"{Names.Blas}.SetRows(gates, {GH}, T * B, bih);");
                w.Line($"{Names.Blas}.MatMulTransposedAdd(a.Slice(__A.{x.Id}, __A.{x.Id}_len), {inW}, wih, gates, {GH}, T * B, {GH}, {inW});");
                w.Line($"{Names.Span} hs = a.Slice(__A.{o.Id}, __A.{o.Id}_len); // [T, B, {DH}]");
                w.Line($"{Names.ReadOnlySpan} h0 = a.Slice(__A.{dir.InitialH.Id}, __A.{dir.InitialH.Id}_len); // [B, {H}]");
                if (dir.Cell is not null)
                {
                    w.Line($"{Names.Span} cs = a.Slice(__A.{dir.Cell.Id}, __A.{dir.Cell.Id}_len); // [T, B, {H}]");
                    w.Line($"{Names.ReadOnlySpan} c0 = a.Slice(__A.{dir.InitialC!.Id}, __A.{dir.InitialC.Id}_len); // [B, {H}]");
                }
                var buffers = new Dictionary<string, string>();
                foreach (var buffer in dir.Scratch)
                {
                    var region = buffer.Region;
                    w.Line($"{Names.Span} {buffer.Name}s = a.Slice(__A.{region.Id}, __A.{region.Id}_len); // [T, B, {buffer.Width}]");
                    buffers.Add(buffer.Name, $"{buffer.Name}s.Slice(t * B * {buffer.Width}, B * {buffer.Width})");
                }
                w.OpenBlock("for (int s = 0; s < T; s++)");
                w.Line(dir.Reverse ? "int t = T - 1 - s, t_prev = t + 1; // t_prev: the step before, in this direction" : "int t = s, t_prev = t - 1; // t_prev: the step before");
                if (dir.Reverse && layer.FollowsLengths)
                {
                    w.Line("// A row whose last step is t starts here, from the initial state: put it where h[t_prev] is read.");
                    w.Line("if (s > 0 && t_prev >= __shortest)");
                    w.Line("    for (int b = 0; b < B; b++)");
                    w.OpenBlock("        if (__lengths[b] == t_prev)");
                    w.Line($"h0.Slice(b * {H}, {H}).CopyTo(hs.Slice((t_prev * B + b) * {DH}{Names.Plus(dir.OutputColumn)}, {H}));");
                    if (dir.Cell is not null) w.Line($"c0.Slice(b * {H}, {H}).CopyTo(cs.Slice((t_prev * B + b) * {H}, {H}));");
                    w.CloseBlock();
                }
                w.Line($"{Names.Span} g = gates.Slice(t * B * {GH}, B * {GH});");
                // h[t-1] rows for all batch rows: stride DH in the output sequence, or the initial state (stride H).
                w.Line($"{Names.ReadOnlySpan} h_prev = s == 0 ? h0 : hs.Slice(t_prev * B * {DH}{Names.Plus(dir.OutputColumn)}, (B - 1) * {DH} + {H}); // h[t-1], [B, {H}]");
                w.Line(D == 2 ? $"int ldh = s == 0 ? {H} : {DH}; // row stride of h_prev" : $"const int ldh = {H}; // row stride of h_prev");
                cell.WriteStepForward(w, spec, new RecurrenceSpans(
                    Buffers: buffers,
                    CellPrevious: $"s == 0 ? c0.Slice(b * {H}, {H}) : cs.Slice((t_prev * B + b) * {H}, {H})",
                    CellOut: $"cs.Slice((t * B + b) * {H}, {H})",
                    HiddenOut: $"hs.Slice((t * B + b) * {DH}{Names.Plus(dir.OutputColumn)}, {H})"));
                if (layer.FollowsLengths)
                {
                    w.Line("// Rows that have ended keep h = 0 past their length (padding changes nothing).");
                    w.Line("if (t >= __shortest)");
                    w.Line("    for (int b = 0; b < B; b++)");
                    w.Line($"        if (t >= __lengths[b]) hs.Slice((t * B + b) * {DH}{Names.Plus(dir.OutputColumn)}, {H}).Clear();");
                }
                w.CloseBlock();
                w.CloseBlock();
            }
            if (sub.Dropped is not null)
            {
                string p = spec.Dropout.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                w.Line($"// Dropout between stacked layers (training only): drop = out ⊙ mask, mask ∈ {{0, 1/(1-p)}}, p = {p}");
                w.Line("if (dropout)");
                w.Line($"    {Names.Elementwise}.Dropout(a.Slice(__A.{o.Id}, __A.{o.Id}_len), a.Slice(__A.{sub.DropoutMask!.Id}, __A.{sub.DropoutMask.Id}_len), a.Slice(__A.{sub.Dropped.Id}, __A.{sub.Dropped.Id}_len), {p}f, __dropoutRandom);");
                w.Line("else");
                w.Line($"    a.Slice(__A.{o.Id}, __A.{o.Id}_len).CopyTo(a.Slice(__A.{sub.Dropped.Id}, __A.{sub.Dropped.Id}_len));");
            }
        }
        StateCopyWriter.WriteCopies(w, layer.FinalState);
    }

    public static void WriteBackward(SourceWriter w, LayerPlan layer, RecurrentCell cell)
    {
        var spec = layer.Spec;
        int H = spec.Size, GH = cell.Gates * H, D = spec.Directions, DH = D * H;
        StateCopyWriter.WriteGradients(w, layer.FinalState);
        for (int k = layer.SubLayers.Count - 1; k >= 0; k--)
        {
            var sub = layer.SubLayers[k];
            int inW = sub.InWidth;
            var x = sub.Input;
            var o = sub.Output;
            if (sub.Dropped is not null)
            {
                w.Line($"// forward: drop = out ⊙ mask   =>   dout += ddrop ⊙ mask");
                w.Line($"{Names.Elementwise}.MultiplyAccumulate(d.Slice(__A.{sub.Dropped.Id}, __A.{sub.Dropped.Id}_len), a.Slice(__A.{sub.DropoutMask!.Id}, __A.{sub.DropoutMask.Id}_len), d.Slice(__A.{o.Id}, __A.{o.Id}_len));");
            }
            foreach (var dir in sub.Directions)
            {
                string label = $"{spec.Name}{dir.Suffix}";
                string hOff = Names.Plus(dir.OutputColumn);
                w.Line($"// {label} backward{(dir.Reverse ? " (the backward direction: its steps are undone t = 0 … T-1)" : ", t = T-1 … 0")}");
                w.OpenBlock("if (T > 0)");
                w.Line($"{Names.ReadOnlySpan} gates = a.Slice(__A.{dir.Gates.Id}, __A.{dir.Gates.Id}_len);");
                w.Line($"{Names.Span} dgates = d.Slice(__A.{dir.Gates.Id}, __A.{dir.Gates.Id}_len); // dL/d(pre-activations) per step");
                w.Line($"{Names.ReadOnlySpan} hs = a.Slice(__A.{o.Id}, __A.{o.Id}_len);");
                w.Line($"{Names.Span} dhs = d.Slice(__A.{o.Id}, __A.{o.Id}_len); // dL/dh, complete for step t when t is reached");
                w.Line($"{Names.ReadOnlySpan} whh = p.Slice(__P.{dir.Whh.Id}, __P.{dir.Whh.Id}_len);");
                w.Line($"{Names.ReadOnlySpan} h0 = a.Slice(__A.{dir.InitialH.Id}, __A.{dir.InitialH.Id}_len);");
                w.Line($"{Names.Span} dh0 = d.Slice(__A.{dir.InitialH.Id}, __A.{dir.InitialH.Id}_len); // dL/dh[-1]: computed, then dropped (truncated BPTT)");
                if (dir.Cell is not null)
                {
                    w.Line($"{Names.ReadOnlySpan} cs = a.Slice(__A.{dir.Cell.Id}, __A.{dir.Cell.Id}_len);");
                    w.Line($"{Names.Span} dcs = d.Slice(__A.{dir.Cell.Id}, __A.{dir.Cell.Id}_len);");
                    w.Line($"{Names.ReadOnlySpan} c0 = a.Slice(__A.{dir.InitialC!.Id}, __A.{dir.InitialC.Id}_len);");
                    w.Line($"{Names.Span} dc0 = d.Slice(__A.{dir.InitialC.Id}, __A.{dir.InitialC.Id}_len);");
                }
                foreach (var buffer in dir.Scratch)
                {
                    var region = buffer.Region;
                    w.Line($"{Names.ReadOnlySpan} {buffer.Name}s = a.Slice(__A.{region.Id}, __A.{region.Id}_len);");
                    w.Line($"{Names.Span} d{buffer.Name}s = d.Slice(__A.{region.Id}, __A.{region.Id}_len);");
                }
                w.OpenBlock("for (int s = T - 1; s >= 0; s--)");
                w.Line(dir.Reverse ? "int t = T - 1 - s, t_prev = t + 1;" : "int t = s, t_prev = t - 1;");
                w.Line($"{Names.Span} dg = dgates.Slice(t * B * {GH}, B * {GH});");
                w.Line($"// h[t-1] and its gradient rows: the output sequence (stride {DH}), or the initial state (stride {H}) before the first step");
                w.Line($"{Names.ReadOnlySpan} h_prev = s == 0 ? h0 : hs.Slice(t_prev * B * {DH}{hOff}, (B - 1) * {DH} + {H});");
                w.Line($"{Names.Span} dh_prev = s == 0 ? dh0 : dhs.Slice(t_prev * B * {DH}{hOff}, (B - 1) * {DH} + {H});");
                w.Line(D == 2 ? $"int ldh = s == 0 ? {H} : {DH};" : $"const int ldh = {H};");
                w.OpenBlock("for (int b = 0; b < B; b++)");
                if (layer.FollowsLengths) w.Line("if (t >= __lengths[b]) continue; // padding: no gradient");
                w.Line("int row = t * B + b;");
                w.Line($"{Names.Span} dh = dhs.Slice(row * {DH}{hOff}, {H});");
                cell.WriteRowBackward(w, spec, $"hs.Slice(row * {DH}{hOff}, {H})");
                w.CloseBlock();
                cell.WriteHiddenBackward(w, spec);
                w.CloseBlock();

                // Weight gradients, all steps at once.
                string dW(TensorPlan t) => $"g.Slice(__P.{t.Id}, __P.{t.Id}_len)";
                string dHidden = cell.HiddenProductGradient;
                w.Line($"// forward: gates = W_ih x + b_ih (all steps)   =>   dW_ih += dgatesᵀ x, db_ih += Σ dgates");
                w.Line($"{Names.Blas}.OuterProductAdd(dgates, {GH}, a.Slice(__A.{x.Id}, __A.{x.Id}_len), {inW}, {dW(dir.Wih)}, T * B, {GH}, {inW});");
                w.Line($"{Names.Blas}.SumRowsAdd(dgates, {GH}, T * B, {dW(dir.Bih)});");
                w.Line($"{Names.Blas}.SumRowsAdd({dHidden}, {GH}, T * B, {dW(dir.Bhh)});");
                // dW_hh pairs step t's hidden gradient with h[t-1]: one product over the T-1 steps whose predecessor is in
                // the output sequence, one for the first step, whose predecessor is the initial state.
                string gradRows = dir.Reverse ? $"{dHidden}.Slice(0, (T - 1) * B * {GH})" : $"{dHidden}.Slice(B * {GH}, (T - 1) * B * {GH})";
                string hRows = dir.Reverse ? $"hs.Slice(B * {DH} + {H}, (T - 1) * B * {DH} - {H})" : $"hs.Slice(0, (T - 1) * B * {DH})";
                string firstRows = dir.Reverse ? $"{dHidden}.Slice((T - 1) * B * {GH}, B * {GH})" : $"{dHidden}.Slice(0, B * {GH})";
                int m = cell.HiddenProductRows(spec);
                string whhGrad = m == GH ? dW(dir.Whh) : $"g.Slice(__P.{dir.Whh.Id}, {m * H})";
                w.Line(cell.HiddenWeightGradientComment(spec));
                if (layer.Steps > 1) w.Line($"if (T > 1) {Names.Blas}.OuterProductAdd({gradRows}, {GH}, {hRows}, {DH}, {whhGrad}, (T - 1) * B, {m}, {H});");
                w.Line($"{Names.Blas}.OuterProductAdd({firstRows}, {GH}, h0, {H}, {whhGrad}, B, {m}, {H});");
                cell.WriteOtherHiddenWeightGradients(w, spec, dir);
                string dx = $"{Names.Blas}.MatMulAdd(dgates, {GH}, p.Slice(__P.{dir.Wih.Id}, __P.{dir.Wih.Id}_len), d.Slice(__A.{x.Id}, __A.{x.Id}_len), {inW}, T * B, {GH}, {inW});";
                w.Line("// dx += dgates W_ih");
                w.Line(sub.ReadsModelInput ? $"if (wantInputGradients) {dx}" : dx);
                w.CloseBlock();
            }
        }
    }

    public static string WriteStep(SourceWriter w, LayerPlan layer, RecurrentCell cell, string input)
    {
        var spec = layer.Spec;
        int H = spec.Size, GH = cell.Gates * H;
        string current = input;
        foreach (var sub in layer.SubLayers)
        {
            var dir = sub.Directions[0];
            int inW = sub.InWidth;
            w.OpenBlock($"// {spec.Name}{dir.Suffix}");
            w.Line($"{Names.Span} h = st.Slice(__S.{dir.StateH!.Id}, __S.{dir.StateH.Id}_len); // [B, {H}], h[t-1] in, h[t] out");
            w.Line($"{Names.Span} g = q.Slice(__Q.{layer.StepGates!.Id}, __Q.{layer.StepGates.Id}_len);");
            w.Line($"{Names.ReadOnlySpan} whh = p.Slice(__P.{dir.Whh.Id}, __P.{dir.Whh.Id}_len);");
            w.Line($"{Names.ReadOnlySpan} bhh = p.Slice(__P.{dir.Bhh.Id}, __P.{dir.Bhh.Id}_len);");
            string bih = $"p.Slice(__P.{dir.Bih.Id}, __P.{dir.Bih.Id}_len)";
            string wih = $"p.Slice(__P.{dir.Wih.Id}, __P.{dir.Wih.Id}_len)";
            if (dir.StateC is not null) w.Line($"{Names.Span} c = st.Slice(__S.{dir.StateC.Id}, __S.{dir.StateC.Id}_len); // [B, {H}], c[t-1] in, c[t] out");
            w.Line(layer.FoldsHiddenBias ? "// gates = W_ih x + b_ih + b_hh" : "// gx = W_ih x + b_ih");
            w.Line(layer.FoldsHiddenBias ? $"{Names.Blas}.SetRows(g, {GH}, B, {bih}, bhh);" : $"{Names.Blas}.SetRows(g, {GH}, B, {bih});");
            w.Line($"{Names.Blas}.MatMulTransposedAdd({current}, {inW}, {wih}, g, {GH}, B, {GH}, {inW});");
            w.Line($"{Names.ReadOnlySpan} h_prev = h; // h[t-1]; the cell overwrites it with h[t] element by element");
            w.Line($"const int ldh = {H};");
            var buffers = new Dictionary<string, string>();
            foreach (var buffer in layer.StepScratch) buffers.Add(buffer.Name, $"q.Slice(__Q.{buffer.Region.Id}, __Q.{buffer.Region.Id}_len)");
            cell.WriteStepForward(w, spec, new RecurrenceSpans(
                Buffers: buffers,
                CellPrevious: $"c.Slice(b * {H}, {H})",
                CellOut: $"c.Slice(b * {H}, {H})",
                HiddenOut: $"h.Slice(b * {H}, {H})"));
            w.CloseBlock();
            current = $"st.Slice(__S.{dir.StateH.Id}, __S.{dir.StateH.Id}_len)";
        }
        return current;
    }
}
