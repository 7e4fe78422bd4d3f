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
            w.OpenMember($"private void __DecoderStep({Names.ReadOnlySpan} x, {Names.Span} y)");
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
        w.OpenMember($"public void Step({inputType} x, {Names.Span} y)");
        w.Line($"__CheckLength(x.Length, BatchSize{(plan.TokenInput ? "" : " * InputSize")}, \"x\");");
        w.Line("__CheckLength(y.Length, BatchSize * OutputSize, \"y\");");
        if (plan.TokenInput) w.Line("__CheckTokens(x);");
        WriteBody(w, plan, 0);
    }

    /// <summary>The step through the layers from <paramref name="first"/> on (whose input is <c>x</c>), closing the method.</summary>
    private static void WriteBody(SourceWriter w, ModelPlan plan, int first)
    {
        w.Line($"{Names.ReadOnlySpan} p = __parameters;");
        w.Line($"{Names.Span} st = __state;");
        w.Line($"{Names.Span} q = __stepWork;");
        w.Line("const int B = BatchSize;");
        // Each layer's one-step output: an expression for a span and its row stride.
        var outputs = new string[plan.Layers.Count];
        foreach (var layer in plan.Layers.Skip(first))
        {
            string input = layer.Wiring.Source < 0 ? "x" : outputs[layer.Wiring.Source];
            w.Line();
            w.Line($"// ── Layer {layer.Index}: {ModelEmitter.DescribeLayer(layer.Spec)} ──");
            outputs[layer.Index] = layer.Kind.WriteStep(w, plan, layer, input);
        }
        w.Line();
        w.Line($"{outputs[plan.Layers.Count - 1]}.CopyTo(y);");
        w.CloseBlock();
        w.Line();
    }
}
