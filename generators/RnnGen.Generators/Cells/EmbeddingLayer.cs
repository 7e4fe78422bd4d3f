using RnnGen.Generators.Emitting;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Lowering;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Cells;

/// <summary>
/// Embedding (PyTorch <c>nn.Embedding</c>): e = W[id], W [V, D] initialized N(0, 1). First layer only:
/// the model's input becomes token ids. Its backward scatters the rows' gradients into dW; token ids
/// have no gradient.
/// </summary>
internal sealed class EmbeddingLayer : ILayerKind
{
    public LayerKind Kind => LayerKind.Embedding;
    public string AttributeName => "RnnGen.EmbeddingAttribute";
    public string FirstArgumentName => "vocabularySize";
    public bool IsRecurrent => false;
    public int Gates => 1;
    public int OutputWidth(LayerSpec layer) => layer.Dimension;
    public string Describe(LayerSpec layer) => $"Embedding({layer.Size}, {layer.Dimension})";

    public void Plan(PlanBuilder builder, LayerPlan layer)
    {
        var spec = layer.Spec;
        int T = layer.Steps, B = builder.Plan.B, D = spec.Dimension;
        layer.Weight = builder.Tensor(spec.Name + ".weight", new[] { spec.Size, D }, InitKind.Normal, 0);
        layer.Output = builder.Work(layer.Id + "_out", T * B * D, $"[T, B, D] = [{T}, {B}, {D}] embedded tokens");
        layer.StepOutput = builder.StepWork(layer.Id + "_out", B * D, "[B, D] embedded tokens of one step");
    }

    public void WriteForward(SourceWriter w, ModelPlan plan, LayerPlan layer)
    {
        int d = layer.Spec.Dimension;
        w.Line($"// e[t, b, :] = {layer.Spec.Name}.weight[input[b, t], :]   [V, D] = [{layer.Spec.Size}, {d}]");
        w.OpenBlock("for (int b = 0; b < B; b++)");
        w.Line("for (int t = 0; t < T; t++)");
        w.Line("    if (t < __lengths[b])");
        w.Line($"        p.Slice(__P.{layer.Weight!.Id} + input[b * Steps + t] * {d}, {d}).CopyTo(a.Slice(__A.{layer.Output.Id} + (t * B + b) * {d}, {d}));");
        w.Line("    else // padding: any id, read as zeros");
        w.Line($"        a.Slice(__A.{layer.Output.Id} + (t * B + b) * {d}, {d}).Clear();");
        w.CloseBlock();
    }

    public void WriteBackward(SourceWriter w, ModelPlan plan, LayerPlan layer)
    {
        int D = layer.Spec.Dimension;
        w.Line($"// forward: e[t, b, :] = W[input[b, t], :]   =>   dW[input[b, t], :] += de[t, b, :]");
        w.OpenBlock("for (int b = 0; b < B; b++)");
        w.OpenBlock("for (int t = 0; t < __lengths[b] && t < T; t++)");
        w.Line($"{Names.Elementwise}.Accumulate(d.Slice(__A.{layer.Output.Id} + (t * B + b) * {D}, {D}), g.Slice(__P.{layer.Weight!.Id} + input[b * Steps + t] * {D}, {D}));");
        w.CloseBlock();
        w.CloseBlock();
    }

    public string WriteStep(SourceWriter w, ModelPlan plan, LayerPlan layer, string input)
    {
        int d = layer.Spec.Dimension;
        var o = layer.StepOutput!;
        w.Line("for (int b = 0; b < B; b++)");
        w.Line($"    p.Slice(__P.{layer.Weight!.Id} + {input}[b] * {d}, {d}).CopyTo(q.Slice(__Q.{o.Id} + b * {d}, {d}));");
        return $"q.Slice(__Q.{o.Id}, __Q.{o.Id}_len)";
    }
}
