using System.Collections.Generic;
using System.Globalization;
using RnnGen.Generators.Emitting;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Lowering;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Cells;

/// <summary>A per-step buffer a cell needs besides its gates: [T, B, Width] in the sequence, [B, Width] in a streaming step.</summary>
/// <param name="Name">The cell's name for it; the time loop's local is <c>Name + "s"</c> (and <c>"d" + Name + "s"</c> for its gradient).</param>
/// <param name="Width">Floats per batch row and step.</param>
/// <param name="SequenceDescription">What the [T, B, Width] region holds (for the buffer table).</param>
/// <param name="StepDescription">What the [B, Width] streaming region holds.</param>
internal sealed record CellBuffer(string Name, int Width, string SequenceDescription, string StepDescription);

/// <summary>
/// Where one step's values live, as C# expressions (row expressions may use the batch index <c>b</c>).
/// In scope where a cell's step is written: <c>g</c> (the step's gate rows [B, G·H], the input projection
/// already added), <c>h_prev</c> with row stride <c>ldh</c> (h[t-1]), <c>whh</c>, <c>bhh</c>, <c>B</c>.
/// </summary>
/// <param name="Buffers">The step's rows [B, width] of each <see cref="CellBuffer"/>, by name.</param>
/// <param name="CellPrevious">Row b of the second state before the step (LSTM c[t-1]).</param>
/// <param name="CellOut">Row b of the second state after the step (LSTM c[t]).</param>
/// <param name="HiddenOut">Row b of h[t].</param>
internal sealed record RecurrenceSpans(IReadOnlyDictionary<string, string> Buffers, string CellPrevious, string CellOut, string HiddenOut);

/// <summary>
/// What every recurrent kind shares: PyTorch's four tensors per stacked layer and direction
/// (<c>weight_ih_l{k}[_reverse]</c> [G·H, in], <c>weight_hh</c> [G·H, H], <c>bias_ih</c>, <c>bias_hh</c> [G·H]),
/// h (and a second state for cells that have one), the gate rows, stacking, directions and dropout. The
/// time loop that runs a cell lives in <see cref="RecurrentLayerEmitter"/>; a cell supplies its step.
/// </summary>
/// <remarks>
/// Locals the time loop declares for the backward hooks (per direction, step <c>t</c>, batch row <c>b</c>):
/// <c>gates</c>/<c>dgates</c> [T, B, G·H] (activations / dL/d(pre-activations)), <c>hs</c>/<c>dhs</c> (the output
/// sequence and dL/dh), <c>whh</c>, <c>h0</c>/<c>dh0</c>, for a cell with a second state <c>cs</c>/<c>dcs</c> and
/// <c>c0</c>/<c>dc0</c>, each buffer's <c>{name}s</c>/<c>d{name}s</c>, the step's <c>dg</c> [B, G·H], <c>h_prev</c>/<c>dh_prev</c>
/// (h[t-1] and its gradient, row stride <c>ldh</c>), <c>s</c> (the step count in this direction), <c>t_prev</c> (the
/// step before), and inside the row loop <c>row</c> = t·B + b and <c>dh</c> (dL/dh[t] of row b).
/// </remarks>
internal abstract class RecurrentCell : ILayerKind
{
    public abstract LayerKind Kind { get; }
    public abstract string AttributeName { get; }
    public string FirstArgumentName => "hiddenSize";
    public bool IsRecurrent => true;
    public int Gates => GateOrder.Length;

    /// <summary>The gate blocks of the gate tensors, in PyTorch's order.</summary>
    public abstract string[] GateOrder { get; }

    /// <summary>The cell carries a second state beside h (LSTM: the cell state c).</summary>
    public virtual bool HasCellState => false;

    /// <summary>The input projection adds b_hh as well (the cell adds W_hh h with no bias of its own).</summary>
    public abstract bool FoldsHiddenBias(LayerSpec layer);

    /// <summary>The input projection's name in comments: <c>gates</c>, <c>gx</c>, <c>pre</c>.</summary>
    public abstract string ProjectionName { get; }

    /// <summary>The cell's own per-step buffers.</summary>
    public virtual IEnumerable<CellBuffer> Buffers(LayerSpec layer, int T, int B) => System.Array.Empty<CellBuffer>();

    public int OutputWidth(LayerSpec layer) => layer.Size * layer.Directions;

    public abstract string Describe(LayerSpec layer);

    /// <summary>One step's recurrent half for every batch row: the hidden products, then the cell.</summary>
    public abstract void WriteStepForward(SourceWriter w, LayerSpec layer, RecurrenceSpans at);

    /// <summary>The cell's backward for batch row <c>b</c> of step <c>t</c>: dL/d(gates) into <c>dg</c>, the direct part of dL/dh[t-1].</summary>
    /// <param name="hiddenRow">The expression of h[t] of this row.</param>
    public abstract void WriteRowBackward(SourceWriter w, LayerSpec layer, string hiddenRow);

    /// <summary>After the row loop: the recurrent products' contribution to dL/dh[t-1] (into <c>dh_prev</c>).</summary>
    public abstract void WriteHiddenBackward(SourceWriter w, LayerSpec layer);

    /// <summary>The local holding dL/d(W_hh h + b_hh) per step: <c>dgates</c> when W_hh h adds into the gates.</summary>
    public virtual string HiddenProductGradient => "dgates";

    /// <summary>Rows of W_hh that multiply h[t-1] directly (G·H unless part of W_hh reads something else).</summary>
    public virtual int HiddenProductRows(LayerSpec layer) => Gates * layer.Size;

    /// <summary>The comment above the dW_hh products.</summary>
    public abstract string HiddenWeightGradientComment(LayerSpec layer);

    /// <summary>Weight gradients of W_hh rows that do not read h[t-1] directly (none by default).</summary>
    public virtual void WriteOtherHiddenWeightGradients(SourceWriter w, LayerSpec layer, DirectionPlan dir) { }

    public void Plan(PlanBuilder builder, LayerPlan layer)
    {
        var spec = layer.Spec;
        int T = layer.Steps, B = builder.Plan.B;
        int H = spec.Size, D = spec.Directions, G = Gates;
        string n = layer.Id, p = spec.Name;
        layer.FoldsHiddenBias = FoldsHiddenBias(spec);
        var input = layer.Input;
        bool readsModelInput = layer.ReadsModelInput;
        int inW = layer.Wiring.InputWidth;
        for (int k = 0; k < spec.NumLayers; k++)
        {
            var sub = new SubLayerPlan { K = k, InWidth = inW, Input = input, ReadsModelInput = readsModelInput };
            string kid = $"{n}_l{k}";
            for (int d = 0; d < D; d++)
            {
                string suffix = "_l" + k.ToString(CultureInfo.InvariantCulture) + (d == 1 ? "_reverse" : "");
                string did = kid + (d == 1 ? "_reverse" : "");
                var dir = new DirectionPlan
                {
                    Direction = d,
                    Suffix = suffix,
                    OutputColumn = d * H,
                    Wih = builder.Tensor($"{p}.weight_ih{suffix}", new[] { G * H, inW }, InitKind.Uniform, H),
                    Whh = builder.Tensor($"{p}.weight_hh{suffix}", new[] { G * H, H }, InitKind.Uniform, H),
                    Bih = builder.Tensor($"{p}.bias_ih{suffix}", new[] { G * H }, InitKind.Uniform, H),
                    Bhh = builder.Tensor($"{p}.bias_hh{suffix}", new[] { G * H }, InitKind.Uniform, H),
                };
                dir.InitialH = builder.Work(did + "_h0", B * H, $"[B, H] = [{B}, {H}] h before the first step (zeros, or the carried state)");
                if (HasCellState) dir.InitialC = builder.Work(did + "_c0", B * H, $"[B, H] = [{B}, {H}] c before the first step");
                dir.Gates = builder.Work(did + "_gates", T * B * G * H, $"[T, B, {G}H] = [{T}, {B}, {G * H}] gates {string.Join(", ", GateOrder)}");
                if (HasCellState) dir.Cell = builder.Work(did + "_c", T * B * H, $"[T, B, H] = [{T}, {B}, {H}] cell state c");
                foreach (var buffer in Buffers(spec, T, B))
                    dir.Scratch.Add(new ScratchBuffer(buffer.Name, buffer.Width,
                        builder.Work($"{did}_{buffer.Name}", T * B * buffer.Width, buffer.SequenceDescription)));
                dir.StateH = builder.State(did + "_h", B * H, $"[B, H] = [{B}, {H}] h");
                if (HasCellState) dir.StateC = builder.State(did + "_c", B * H, $"[B, H] = [{B}, {H}] c");
                sub.Directions.Add(dir);
            }
            sub.Output = builder.Work(kid + "_out", T * B * D * H, D == 2
                ? $"[T, B, 2H] = [{T}, {B}, {2 * H}] concat(forward h, backward h)"
                : $"[T, B, H] = [{T}, {B}, {H}] h");
            layer.SubLayers.Add(sub);
            input = sub.Output;
            readsModelInput = false;
            inW = D * H;
            if (spec.Dropout > 0 && k < spec.NumLayers - 1)
            {
                sub.DropoutMask = builder.Work(kid + "_mask", T * B * D * H, $"[T, B, {D * H}] dropout mask (training)");
                sub.Dropped = builder.Work(kid + "_drop", T * B * D * H, $"[T, B, {D * H}] the output after dropout, read by layer {k + 1}");
                input = sub.Dropped;
                builder.Plan.HasDropout = true;
            }
        }
        layer.Output = input;
        if (layer.Collapses)
        {
            var top = layer.SubLayers[layer.SubLayers.Count - 1].Output;
            layer.Output = builder.Work(n + "_final", B * D * H, D == 2 ? $"[B, 2H] concat(forward h after step T-1, backward h after step 0)" : $"[B, H] h after step T-1");
            layer.FinalState.Add(new StateCopy($"{p}: final state = h after each row's last step", top, 0, D * H, B * D * H, layer.Output, 0, D * H, H));
            if (D == 2) layer.FinalState.Add(new StateCopy($"{p}: final state, backward half = h_reverse after step 0", top, H, D * H, 0, layer.Output, H, D * H, H));
        }
        layer.StepGates = builder.StepWork(n + "_gates", B * G * H, $"[B, {G}H] one step's gates");
        foreach (var buffer in Buffers(spec, T, B))
            layer.StepScratch.Add(new ScratchBuffer(buffer.Name, buffer.Width,
                builder.StepWork($"{n}_{buffer.Name}", B * buffer.Width, buffer.StepDescription)));
    }

    public void WriteForward(SourceWriter w, ModelPlan plan, LayerPlan layer) => RecurrentLayerEmitter.WriteForward(w, plan, layer, this);

    public void WriteBackward(SourceWriter w, ModelPlan plan, LayerPlan layer) => RecurrentLayerEmitter.WriteBackward(w, layer, this);

    public string WriteStep(SourceWriter w, ModelPlan plan, LayerPlan layer, string input) => RecurrentLayerEmitter.WriteStep(w, layer, this, input);
}
