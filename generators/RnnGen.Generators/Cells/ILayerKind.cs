using RnnGen.Generators.Helpers;
using RnnGen.Generators.Lowering;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Cells;

/// <summary>
/// The home of one layer kind: what the attribute means, which tensors and buffers it needs, and
/// the code of its forward pass, backward pass and streaming step. The model-level planner and
/// emitters (modes, time loop, hand-over, losses, weight I/O) reach a kind only through this
/// interface; <see cref="LayerKinds"/> registers the homes. Recurrent kinds derive from
/// <see cref="RecurrentCell"/>, which runs the time loop and asks the cell for its step.
/// </summary>
internal interface ILayerKind
{
    /// <summary>The kind this home implements.</summary>
    LayerKind Kind { get; }

    /// <summary>Metadata name of the runtime attribute, e.g. <c>RnnGen.LstmAttribute</c>.</summary>
    string AttributeName { get; }

    /// <summary>The name of the attribute's first constructor parameter (quoted by diagnostics).</summary>
    string FirstArgumentName { get; }

    /// <summary>A recurrent layer: it has a hidden state and runs over time.</summary>
    bool IsRecurrent { get; }

    /// <summary>Gate blocks per cell (LSTM 4, GRU 3, simple RNN 1); 1 for other kinds.</summary>
    int Gates { get; }

    /// <summary>Features the layer outputs per step (independent of what it reads).</summary>
    int OutputWidth(LayerSpec layer);

    /// <summary>A short description for comments, e.g. <c>Lstm(128) ×2 bidirectional 'enc'</c> without the name part.</summary>
    string Describe(LayerSpec layer);

    /// <summary>Adds the layer's parameter tensors and buffers to the plan (sets <see cref="LayerPlan.Output"/>).</summary>
    void Plan(PlanBuilder builder, LayerPlan layer);

    /// <summary>
    /// The forward pass over the whole sequence. In scope: <c>p</c> (parameters), <c>a</c> (activations),
    /// <c>input</c>, <c>T</c>, <c>B</c>, <c>logits</c>, <c>dropout</c>.
    /// </summary>
    void WriteForward(SourceWriter w, ModelPlan plan, LayerPlan layer);

    /// <summary>
    /// The backward pass, mirroring <see cref="WriteForward"/>. In scope: <c>p</c>, <c>g</c> (gradients),
    /// <c>a</c>, <c>d</c> (activation gradients), <c>input</c>, <c>T</c>, <c>B</c>, <c>wantInputGradients</c>.
    /// </summary>
    void WriteBackward(SourceWriter w, ModelPlan plan, LayerPlan layer);

    /// <summary>
    /// One streaming step for the whole batch, reading <paramref name="input"/> (an expression for a [B, W]
    /// span). In scope: <c>p</c>, <c>st</c> (state), <c>q</c> (step scratch), <c>B</c>. Returns the expression of
    /// the layer's output for this step.
    /// </summary>
    string WriteStep(SourceWriter w, ModelPlan plan, LayerPlan layer, string input);
}
