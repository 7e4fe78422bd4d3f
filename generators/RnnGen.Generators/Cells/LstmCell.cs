using RnnGen.Generators.Emitting;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Cells;

/// <summary>
/// LSTM (PyTorch <c>nn.LSTM</c>), gates i, f, g, o:
/// i = σ(W_ii x + b_ii + W_hi h + b_hi), f = σ(…), g = tanh(…), o = σ(…);
/// c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c'). Two states, h and c. The input projection carries both
/// biases, so W_hh h is added into the gate rows with no bias of its own.
/// </summary>
internal sealed class LstmCell : RecurrentCell
{
    public override LayerKind Kind => LayerKind.Lstm;
    public override string AttributeName => "RnnGen.LstmAttribute";
    public override string[] GateOrder { get; } = { "i", "f", "g", "o" };
    public override bool HasCellState => true;
    public override bool FoldsHiddenBias(LayerSpec layer) => true;
    public override string ProjectionName => "gates";
    public override string Describe(LayerSpec layer) => $"Lstm({layer.Size})";

    public override void WriteStepForward(SourceWriter w, LayerSpec layer, RecurrenceSpans at)
    {
        int H = layer.Size, GH = 4 * H;
        w.Line($"// gates += W_hh h[t-1]   [{GH} x {H}]·[{H}] -> [{GH}]");
        w.Line($"{Names.Blas}.MatMulTransposedAdd(h_prev, ldh, whh, g, {GH}, B, {GH}, {H});");
        w.Line("// i, f, o = σ(·), g = tanh(·); c = f ⊙ c[t-1] + i ⊙ g; h = o ⊙ tanh(c)");
        w.Line("for (int b = 0; b < B; b++)");
        w.Line($"    {Names.Cells}.LstmForward(g.Slice(b * {GH}, {GH}), {at.CellPrevious}, {at.CellOut}, {at.HiddenOut});");
    }

    public override void WriteRowBackward(SourceWriter w, LayerSpec layer, string hiddenRow)
    {
        int H = layer.Size, GH = 4 * H;
        w.Line("// forward: c = f ⊙ c[t-1] + i ⊙ g; h = o ⊙ tanh(c)");
        w.Line($"{Names.ReadOnlySpan} c_prev = s == 0 ? c0.Slice(b * {H}, {H}) : cs.Slice((t_prev * B + b) * {H}, {H});");
        w.Line($"{Names.Span} dc_prev = s == 0 ? dc0.Slice(b * {H}, {H}) : dcs.Slice((t_prev * B + b) * {H}, {H});");
        w.Line($"{Names.Cells}.LstmBackward(gates.Slice(row * {GH}, {GH}), c_prev, cs.Slice(row * {H}, {H}), dh, dcs.Slice(row * {H}, {H}), dc_prev, dg.Slice(b * {GH}, {GH}));");
    }

    public override void WriteHiddenBackward(SourceWriter w, LayerSpec layer)
    {
        int H = layer.Size, GH = 4 * H;
        w.Line($"// forward: gates += W_hh h[t-1]   =>   dh[t-1] += dgates W_hh");
        w.Line($"{Names.Blas}.MatMulAdd(dg, {GH}, whh, dh_prev, ldh, B, {GH}, {H});");
    }

    public override string HiddenWeightGradientComment(LayerSpec layer) => "// dW_hh += dgates[t]ᵀ h[t-1]";
}
