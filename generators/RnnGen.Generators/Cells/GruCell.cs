using System.Collections.Generic;
using RnnGen.Generators.Emitting;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Lowering;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Cells;

/// <summary>
/// GRU (PyTorch <c>nn.GRU</c>), gates r, z, n; h' = (1 − z) ⊙ n + z ⊙ h.
/// ResetAfter (PyTorch): r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r ⊙ gh_n) with gh = W_hh h + b_hh.
/// ResetBefore (Cho et al. 2014): n = tanh(gx_n + W_hn (r ⊙ h) + b_hn).
/// b_hh stays out of the input projection (gx = W_ih x + b_ih): r multiplies gh_n with its bias.
/// Buffers: <c>gh</c> [3H] per row and step (W_hh h + b_hh; ResetBefore: the r and z rows, then W_hn (r ⊙ h) + b_hn)
/// and, for ResetBefore, <c>rh</c> [H] (r ⊙ h[t-1]).
/// </summary>
internal sealed class GruCell : RecurrentCell
{
    public override LayerKind Kind => LayerKind.Gru;
    public override string AttributeName => "RnnGen.GruAttribute";
    public override string[] GateOrder { get; } = { "r", "z", "n" };
    public override bool FoldsHiddenBias(LayerSpec layer) => false;
    public override string ProjectionName => "gx";
    public override string Describe(LayerSpec layer) => $"Gru({layer.Size}{(ResetBefore(layer) ? ", ResetBefore" : "")})";
    public override string HiddenProductGradient => "dghs";

    private static bool ResetBefore(LayerSpec layer) => layer.Variant switch
    {
        GruVariant.ResetAfter => false,
        GruVariant.ResetBefore => true,
        _ => throw new System.InvalidOperationException($"Unknown GRU variant {layer.Variant}."),
    };

    public override IEnumerable<CellBuffer> Buffers(LayerSpec layer, int T, int B)
    {
        int H = layer.Size;
        yield return new CellBuffer("gh", 3 * H, $"[T, B, 3H] = [{T}, {B}, {3 * H}] W_hh h + b_hh", "[B, 3H] one step's W_hh h + b_hh");
        if (ResetBefore(layer)) yield return new CellBuffer("rh", H, "[T, B, H] r ⊙ h", "[B, H] one step's r ⊙ h");
    }

    public override int HiddenProductRows(LayerSpec layer) => ResetBefore(layer) ? 2 * layer.Size : 3 * layer.Size;

    public override string HiddenWeightGradientComment(LayerSpec layer) => ResetBefore(layer)
        ? "// dW_h(rz) += dgh_rz[t]ᵀ h[t-1]; dW_hn += dgh_n[t]ᵀ (r ⊙ h[t-1])"
        : "// dW_hh += dgh[t]ᵀ h[t-1]";

    public override void WriteStepForward(SourceWriter w, LayerSpec layer, RecurrenceSpans at)
    {
        int H = layer.Size, GH = 3 * H;
        if (!ResetBefore(layer))
        {
            w.Line($"// gh = W_hh h[t-1] + b_hh   [{GH} x {H}]·[{H}] -> [{GH}]");
            w.Line($"{Names.Span} gh = {at.Buffers["gh"]};");
            w.Line($"{Names.Blas}.SetRows(gh, {GH}, B, bhh);");
            w.Line($"{Names.Blas}.MatMulTransposedAdd(h_prev, ldh, whh, gh, {GH}, B, {GH}, {H});");
            w.Line("// r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r ⊙ gh_n), h = (1 − z) ⊙ n + z ⊙ h[t-1]");
            w.Line("for (int b = 0; b < B; b++)");
            w.Line($"    {Names.Cells}.GruForward(g.Slice(b * {GH}, {GH}), gh.Slice(b * {GH}, {GH}), h_prev.Slice(b * ldh, {H}), {at.HiddenOut});");
            return;
        }
        w.Line($"// gh_rz = W_hr,hz h[t-1] + b_hr,hz   [{2 * H} x {H}]·[{H}] -> [{2 * H}]");
        w.Line($"{Names.Span} gh = {at.Buffers["gh"]};");
        w.Line($"{Names.Span} rh = {at.Buffers["rh"]};");
        w.Line($"{Names.Blas}.SetRows(gh, {GH}, B, bhh.Slice(0, {2 * H}));");
        w.Line($"{Names.Blas}.MatMulTransposedAdd(h_prev, ldh, whh.Slice(0, {2 * H * H}), gh, {GH}, B, {2 * H}, {H});");
        w.Line("// r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), rh = r ⊙ h[t-1]");
        w.Line("for (int b = 0; b < B; b++)");
        w.Line($"    {Names.Cells}.GruResetBeforeGates(g.Slice(b * {GH}, {GH}), gh.Slice(b * {GH}, {2 * H}), h_prev.Slice(b * ldh, {H}), rh.Slice(b * {H}, {H}));");
        w.Line($"// gh_n = W_hn (r ⊙ h[t-1]) + b_hn   [{H} x {H}]·[{H}] -> [{H}]");
        w.Line($"{Names.Span} ghn = gh.Slice({2 * H});");
        w.Line($"{Names.Blas}.SetRows(ghn, {GH}, B, bhh.Slice({2 * H}, {H}));");
        w.Line($"{Names.Blas}.MatMulTransposedAdd(rh, {H}, whh.Slice({2 * H * H}, {H * H}), ghn, {GH}, B, {H}, {H});");
        w.Line("// n = tanh(gx_n + gh_n), h = (1 − z) ⊙ n + z ⊙ h[t-1]");
        w.Line("for (int b = 0; b < B; b++)");
        w.Line($"    {Names.Cells}.GruResetBeforeFinish(g.Slice(b * {GH}, {GH}), ghn.Slice(b * {GH}, {H}), h_prev.Slice(b * ldh, {H}), {at.HiddenOut});");
    }

    public override void WriteRowBackward(SourceWriter w, LayerSpec layer, string hiddenRow)
    {
        int H = layer.Size, GH = 3 * H;
        if (!ResetBefore(layer))
        {
            w.Line("// forward: n = tanh(gx_n + r ⊙ gh_n); h = (1 − z) ⊙ n + z ⊙ h[t-1]");
            w.Line($"{Names.Cells}.GruBackward(gates.Slice(row * {GH}, {GH}), ghs.Slice(row * {GH}, {GH}), h_prev.Slice(b * ldh, {H}), dh, dg.Slice(b * {GH}, {GH}), dghs.Slice(row * {GH}, {GH}), dh_prev.Slice(b * ldh, {H}));");
            return;
        }
        w.Line("// forward: n = tanh(gx_n + W_hn (r ⊙ h[t-1]) + b_hn); h = (1 − z) ⊙ n + z ⊙ h[t-1]");
        w.Line($"{Names.Cells}.GruResetBeforeBackward(gates.Slice(row * {GH}, {GH}), h_prev.Slice(b * ldh, {H}), dh, dg.Slice(b * {GH}, {GH}), dghs.Slice(row * {GH}, {GH}), dh_prev.Slice(b * ldh, {H}));");
    }

    public override void WriteHiddenBackward(SourceWriter w, LayerSpec layer)
    {
        int H = layer.Size, GH = 3 * H;
        if (!ResetBefore(layer))
        {
            w.Line($"// forward: gh = W_hh h[t-1] + b_hh   =>   dh[t-1] += dgh W_hh");
            w.Line($"{Names.Blas}.MatMulAdd(dghs.Slice(t * B * {GH}, B * {GH}), {GH}, whh, dh_prev, ldh, B, {GH}, {H});");
            return;
        }
        w.Line($"{Names.Span} dgh = dghs.Slice(t * B * {GH}, B * {GH});");
        w.Line($"{Names.Span} drh = drhs.Slice(t * B * {H}, B * {H});");
        w.Line($"// forward: gh_n = W_hn (r ⊙ h[t-1]) + b_hn   =>   d(r ⊙ h[t-1]) = dgh_n W_hn");
        w.Line($"{Names.Blas}.MatMulAdd(dgh.Slice({2 * H}), {GH}, whh.Slice({2 * H * H}, {H * H}), drh, {H}, B, {H}, {H});");
        w.Line("for (int b = 0; b < B; b++)");
        w.Line($"    {Names.Cells}.GruResetBeforeBackwardReset(gates.Slice((t * B + b) * {GH}, {GH}), h_prev.Slice(b * ldh, {H}), drh.Slice(b * {H}, {H}), dg.Slice(b * {GH}, {GH}), dgh.Slice(b * {GH}, {GH}), dh_prev.Slice(b * ldh, {H}));");
        w.Line($"// forward: gh_rz = W_h(rz) h[t-1] + b_h(rz)   =>   dh[t-1] += dgh_rz W_h(rz)");
        w.Line($"{Names.Blas}.MatMulAdd(dgh, {GH}, whh.Slice(0, {2 * H * H}), dh_prev, ldh, B, {2 * H}, {H});");
    }

    public override void WriteOtherHiddenWeightGradients(SourceWriter w, LayerSpec layer, DirectionPlan dir)
    {
        if (!ResetBefore(layer)) return;
        int H = layer.Size, GH = 3 * H;
        w.Line($"{Names.Blas}.OuterProductAdd(dghs.Slice({2 * H}), {GH}, rhs, {H}, g.Slice(__P.{dir.Whh.Id} + {2 * H * H}, {H * H}), T * B, {H}, {H});");
    }
}
