using RnnGen.Generators.Emitting;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Lowering;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Cells;

/// <summary>
/// Dense (PyTorch <c>nn.Linear</c> + activation): y = act(W x + b), W [out, in], b [out]; act = identity,
/// softmax, sigmoid, tanh or ReLU. Every step of a sequence, or once per sequence. As the model's head
/// with a softmax or sigmoid and the matching loss, training leaves the logits to the loss (fused).
/// </summary>
internal sealed class DenseLayer : ILayerKind
{
    public LayerKind Kind => LayerKind.Dense;
    public string AttributeName => "RnnGen.DenseAttribute";
    public string FirstArgumentName => "size";
    public bool IsRecurrent => false;
    public int Gates => 1;
    public int OutputWidth(LayerSpec layer) => layer.Size;
    public string Describe(LayerSpec layer) => $"Dense({layer.Size}{(layer.Activation == Activation.Identity ? "" : ", " + layer.Activation)})";

    public void Plan(PlanBuilder builder, LayerPlan layer)
    {
        var spec = layer.Spec;
        int T = layer.Steps, B = builder.Plan.B;
        int inW = layer.Wiring.InputWidth, outW = spec.Size;
        string n = layer.Id, p = spec.Name, act = spec.Activation.ToString().ToLowerInvariant();
        layer.Weight = builder.Tensor(p + ".weight", new[] { outW, inW }, InitKind.Uniform, inW);
        layer.Bias = builder.Tensor(p + ".bias", new[] { outW }, InitKind.Uniform, inW);
        layer.Output = layer.Wiring.OutputIsSequence
            ? builder.Work(n + "_out", T * B * outW, $"[T, B, {outW}] {act}(W x + b) per step")
            : builder.Work(n + "_out", B * outW, $"[B, {outW}] {act}(W x + b)");
        layer.StepOutput = builder.StepWork(n + "_out", B * outW, $"[B, {outW}] one step's output");
    }

    /// <summary>The rows one product covers: every step of every sequence, or one per sequence.</summary>
    private static string Rows(LayerPlan layer) => layer.Wiring.OutputIsSequence ? "T * B" : "B";

    public void WriteForward(SourceWriter w, ModelPlan plan, LayerPlan layer)
    {
        int inW = layer.Wiring.InputWidth, outW = layer.Spec.Size;
        string rows = Rows(layer);
        var x = layer.Input;
        var y = layer.Output;
        w.Line($"// y = {layer.Spec.Activation.ToString().ToLowerInvariant()}(W x + b)   W: [{outW}, {inW}], rows: {(layer.Wiring.OutputIsSequence ? "every step of every sequence" : "one per sequence")}");
        w.OpenBlock("");
        w.Line($"{Names.Span} y = a.Slice(__A.{y.Id}, __A.{y.Id}_len);");
        w.Line($"{Names.Blas}.SetRows(y, {outW}, {rows}, p.Slice(__P.{layer.Bias!.Id}, __P.{layer.Bias.Id}_len));");
        w.Line($"{Names.Blas}.MatMulTransposedAdd(a.Slice(__A.{x.Id}, __A.{x.Id}_len), {inW}, p.Slice(__P.{layer.Weight!.Id}, __P.{layer.Weight.Id}_len), y, {outW}, {rows}, {outW}, {inW});");
        if (layer.FusedHead)
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

    public void WriteBackward(SourceWriter w, ModelPlan plan, LayerPlan layer)
    {
        int inW = layer.Wiring.InputWidth, Y = layer.Spec.Size;
        string rows = Rows(layer);
        var x = layer.Input;
        var o = layer.Output;
        w.OpenBlock("");
        w.Line($"{Names.ReadOnlySpan} y = a.Slice(__A.{o.Id}, __A.{o.Id}_len);");
        w.Line($"{Names.Span} dy = d.Slice(__A.{o.Id}, __A.{o.Id}_len);");
        if (layer.FusedHead)
        {
            w.Line("// dy already holds dL/d(logits): the loss differentiated the activation with it.");
        }
        else
        {
            switch (layer.Spec.Activation)
            {
                case Activation.Identity: break;
                case Activation.Tanh: w.Line($"{Names.ActivationGradients}.Tanh(y, dy); // forward: y = tanh(z)"); break;
                case Activation.Relu: w.Line($"{Names.ActivationGradients}.Relu(y, dy); // forward: y = relu(z)"); break;
                case Activation.Sigmoid: w.Line($"{Names.ActivationGradients}.Sigmoid(y, dy); // forward: y = σ(z)"); break;
                case Activation.Softmax: w.Line($"{Names.ActivationGradients}.Softmax(y, dy, {rows}, {Y}); // forward: y = softmax(z)"); break;
                default: throw new System.InvalidOperationException($"No gradient for the {layer.Spec.Activation} activation.");
            }
        }
        w.Line($"// forward: z = W x + b   =>   dW += dzᵀ x, db += Σ dz, dx += dz W   W: [{Y}, {inW}]");
        w.Line($"{Names.Blas}.OuterProductAdd(dy, {Y}, a.Slice(__A.{x.Id}, __A.{x.Id}_len), {inW}, g.Slice(__P.{layer.Weight!.Id}, __P.{layer.Weight.Id}_len), {rows}, {Y}, {inW});");
        w.Line($"{Names.Blas}.SumRowsAdd(dy, {Y}, {rows}, g.Slice(__P.{layer.Bias!.Id}, __P.{layer.Bias.Id}_len));");
        string dx = $"{Names.Blas}.MatMulAdd(dy, {Y}, p.Slice(__P.{layer.Weight.Id}, __P.{layer.Weight.Id}_len), d.Slice(__A.{x.Id}, __A.{x.Id}_len), {inW}, {rows}, {Y}, {inW});";
        w.Line(layer.ReadsModelInput ? $"if (wantInputGradients) {dx}" : dx);
        w.CloseBlock();
    }

    public string WriteStep(SourceWriter w, ModelPlan plan, LayerPlan layer, string input)
    {
        int inW = layer.Wiring.InputWidth, outW = layer.Spec.Size;
        var o = layer.StepOutput!;
        w.OpenBlock("");
        w.Line($"{Names.Span} o = q.Slice(__Q.{o.Id}, __Q.{o.Id}_len);");
        w.Line($"{Names.Blas}.SetRows(o, {outW}, B, p.Slice(__P.{layer.Bias!.Id}, __P.{layer.Bias.Id}_len));");
        w.Line($"{Names.Blas}.MatMulTransposedAdd({input}, {inW}, p.Slice(__P.{layer.Weight!.Id}, __P.{layer.Weight.Id}_len), o, {outW}, B, {outW}, {inW});");
        WriteActivation(w, layer.Spec.Activation, "o", "B", outW);
        w.CloseBlock();
        return $"q.Slice(__Q.{o.Id}, __Q.{o.Id}_len)";
    }

    /// <summary>The activation in place over <paramref name="rows"/> rows of <paramref name="width"/> (softmax per row).</summary>
    private static void WriteActivation(SourceWriter w, Activation activation, string span, string rows, int width)
    {
        switch (activation)
        {
            case Activation.Identity: break;
            case Activation.Tanh: w.Line($"{Names.Activations}.Tanh({span});"); break;
            case Activation.Relu: w.Line($"{Names.Activations}.Relu({span});"); break;
            case Activation.Sigmoid: w.Line($"{Names.Activations}.Sigmoid({span});"); break;
            case Activation.Softmax: w.Line($"{Names.Activations}.Softmax({span}, {rows}, {width});"); break;
            default: throw new System.InvalidOperationException($"Unknown activation {activation}.");
        }
    }
}
