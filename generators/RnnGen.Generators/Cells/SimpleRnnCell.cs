using RnnGen.Generators.Emitting;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Cells;

/// <summary>
/// Simple (Elman) RNN (PyTorch <c>nn.RNN</c>): h' = act(W_ih x + b_ih + W_hh h + b_hh), act = tanh or ReLU.
/// One gate block; the input projection carries both biases.
/// </summary>
internal sealed class SimpleRnnCell : RecurrentCell
{
    public override LayerKind Kind => LayerKind.SimpleRnn;
    public override string AttributeName => "RnnGen.SimpleRnnAttribute";
    public override string[] GateOrder { get; } = { "h" };
    public override bool FoldsHiddenBias(LayerSpec layer) => true;
    public override string ProjectionName => "pre";
    public override string Describe(LayerSpec layer) => $"SimpleRnn({layer.Size}{(layer.Activation == Activation.Relu ? ", Relu" : "")})";

    /// <summary>The kernel suffix of the activation: <c>Tanh</c> or <c>Relu</c> (the validator allows no other).</summary>
    private static string Act(LayerSpec layer) => layer.Activation switch
    {
        Activation.Tanh => "Tanh",
        Activation.Relu => "Relu",
        _ => throw new System.InvalidOperationException($"A simple RNN has no {layer.Activation} activation."),
    };

    public override void WriteStepForward(SourceWriter w, LayerSpec layer, RecurrenceSpans at)
    {
        int H = layer.Size;
        string act = Act(layer);
        w.Line($"// pre += W_hh h[t-1]   [{H} x {H}]·[{H}] -> [{H}]");
        w.Line($"{Names.Blas}.MatMulTransposedAdd(h_prev, ldh, whh, g, {H}, B, {H}, {H});");
        w.Line($"// h = {act.ToLowerInvariant()}(pre)");
        w.Line("for (int b = 0; b < B; b++)");
        w.Line($"    {Names.Cells}.Rnn{act}Forward(g.Slice(b * {H}, {H}), {at.HiddenOut});");
    }

    public override void WriteRowBackward(SourceWriter w, LayerSpec layer, string hiddenRow)
    {
        int H = layer.Size;
        string act = Act(layer);
        w.Line($"// forward: h = {act.ToLowerInvariant()}(pre)");
        w.Line($"{Names.Cells}.Rnn{act}Backward({hiddenRow}, dh, dg.Slice(b * {H}, {H}));");
    }

    public override void WriteHiddenBackward(SourceWriter w, LayerSpec layer)
    {
        int H = layer.Size;
        w.Line($"// forward: gates += W_hh h[t-1]   =>   dh[t-1] += dgates W_hh");
        w.Line($"{Names.Blas}.MatMulAdd(dg, {H}, whh, dh_prev, ldh, B, {H}, {H});");
    }

    public override string HiddenWeightGradientComment(LayerSpec layer) => "// dW_hh += dgates[t]ᵀ h[t-1]";
}
