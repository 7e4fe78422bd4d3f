using RnnGen.Generators.Cells;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Lowering;

/// <summary>
/// Lowers a validated <see cref="ModelSpec"/> to a <see cref="ModelPlan"/>. Every decision the
/// emitters need is made here, in named steps, and stored in the plan: the wiring, the parameter
/// tensors in PyTorch's state_dict order, the buffers with their constant offsets (each layer kind
/// plans its own, <see cref="ILayerKind.Plan"/>), the encoder–decoder hand-over, the loss and the
/// feed-back rule. The emitters read the plan and write text.
/// </summary>
internal static class Planner
{
    public static ModelPlan Plan(ModelSpec spec)
    {
        var builder = new PlanBuilder(spec);
        PlanInput(builder);
        PlanLayers(builder);
        PlanHandOver(builder.Plan);
        PlanHead(builder.Plan);
        PlanFeedBack(builder.Plan);
        return builder.Finish();
    }

    /// <summary>What the model reads: token ids, or floats staged time-major.</summary>
    private static void PlanInput(PlanBuilder builder)
    {
        var plan = builder.Plan;
        var spec = plan.Spec;
        plan.TokenInput = ModelFacts.TokenInput(spec);
        plan.X = plan.TokenInput ? 1 : spec.InputSize;
        plan.VocabularySize = plan.TokenInput ? spec.Layers[0].Size : 0;
        plan.StagedInput = plan.TokenInput
            ? new Region("input", 0, 0, "token ids are read from the caller's span")
            : builder.Work("input", spec.Steps * spec.BatchSize * plan.X, $"[T, B, X] = [{spec.Steps}, {spec.BatchSize}, {plan.X}] the input, time-major");
        plan.DecoderStart = WiringResolver.DecoderStart(spec);
        plan.EncoderState = WiringResolver.LastRecurrentBefore(spec, plan.DecoderStart);
    }

    /// <summary>Each layer in order: its wiring and steps, then its kind's own tensors and buffers.</summary>
    private static void PlanLayers(PlanBuilder builder)
    {
        var plan = builder.Plan;
        var spec = plan.Spec;
        var wiring = WiringResolver.Resolve(spec)!;
        plan.SupportsStep = ModelFacts.SupportsStep(spec);
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layerSpec = spec.Layers[i];
            var w = wiring[i];
            var layer = new LayerPlan(layerSpec, i, w, builder.LayerId(layerSpec.Name), LayerKinds.Of(layerSpec.Kind));
            plan.Layers.Add(layer);
            layer.InDecoder = plan.DecoderStart >= 0 && i >= plan.DecoderStart;
            layer.Steps = layer.InDecoder ? spec.OutputSteps : spec.Steps;
            layer.StepsName = layer.InDecoder ? "OutputSteps" : "__steps"; // the encoder runs to the longest row of the call
            if (i == plan.DecoderStart)
            {
                int T = layer.Steps, B = spec.BatchSize;
                plan.DecoderInput = builder.Work("decoder_input", T * B * w.InputWidth,
                    $"[T_out, B, Y] = [{T}, {B}, {w.InputWidth}] the decoder's input: zeros, then the previous output (the target in training)");
            }
            layer.Input = i == plan.DecoderStart ? plan.DecoderInput! : w.Source < 0 ? plan.StagedInput : plan.Layers[w.Source].Output;
            layer.ReadsModelInput = ReferenceEquals(layer.Input, plan.StagedInput);
            layer.Collapses = layerSpec.IsRecurrent && !w.OutputIsSequence;
            layer.Kind.Plan(builder, layer);
        }
        var last = plan.Layers[plan.Layers.Count - 1];
        plan.Y = last.Wiring.OutputWidth;
        plan.OutputIsSequence = last.Wiring.OutputIsSequence;
    }

    /// <summary>
    /// EncoderDecoder: the final state of the encoder's last recurrent layer into the initial state of
    /// the decoder's first, stacked layer by stacked layer (<see cref="ModelPlan.HandOver"/>).
    /// </summary>
    private static void PlanHandOver(ModelPlan plan)
    {
        if (!plan.EncoderDecoder) return;
        var encoder = plan.Layers[plan.EncoderState];
        var decoder = plan.Layers[plan.DecoderStart];
        int He = encoder.Spec.Size, DHe = He * encoder.Spec.Directions, Hd = decoder.Spec.Size;
        for (int k = 0; k < encoder.SubLayers.Count; k++)
        {
            var es = encoder.SubLayers[k];
            var dd = decoder.SubLayers[k].Directions[0];
            string label = $"{encoder.Spec.Name}_l{k} → {decoder.Spec.Name}_l{k}";
            plan.HandOver.Add(new StateCopy(label + ": h after each row's last step", es.Output, 0, DHe, plan.B * DHe, dd.InitialH, 0, Hd, He));
            if (encoder.Spec.Bidirectional)
                plan.HandOver.Add(new StateCopy(label + ": backward h after step 0", es.Output, He, DHe, 0, dd.InitialH, He, Hd, He));
            if (dd.InitialC is null) continue;
            plan.HandOver.Add(new StateCopy(label + ": c after each row's last step", es.Directions[0].Cell!, 0, He, plan.B * He, dd.InitialC, 0, Hd, He));
            if (encoder.Spec.Bidirectional)
                plan.HandOver.Add(new StateCopy(label + ": backward c after step 0", es.Directions[1].Cell!, 0, He, 0, dd.InitialC, He, Hd, He));
        }
    }

    /// <summary>The loss (<see cref="LossKind.Auto"/> resolved from the head) and whether the head's activation is fused into it.</summary>
    private static void PlanHead(ModelPlan plan)
    {
        var last = plan.Layers[plan.Layers.Count - 1];
        var spec = plan.Spec;
        plan.HeadActivation = ModelFacts.HeadActivation(spec);
        plan.Loss = ModelFacts.ResolvedLoss(spec);
        plan.HeadFused = (plan.Loss == LossKind.CrossEntropy && plan.HeadActivation == Activation.Softmax)
            || (plan.Loss == LossKind.BinaryCrossEntropy && plan.HeadActivation == Activation.Sigmoid);
        last.FusedHead = plan.HeadFused && last.Spec.Kind == LayerKind.Dense;
    }

    /// <summary>
    /// A generating model's next input from one step's output: the most likely token (token input),
    /// the most likely class as a one-hot vector (a softmax head), or the values themselves (the
    /// input is as wide as the output: RNN0030 for OneToMany, the decoder's input for EncoderDecoder).
    /// </summary>
    private static void PlanFeedBack(ModelPlan plan)
    {
        if (!plan.Generates && !plan.EncoderDecoder)
        {
            plan.FeedBack = FeedBackKind.None;
            return;
        }
        // An encoder-decoder model's decoder reads floats (the previous output), even after an embedding.
        bool tokens = plan.Generates && plan.TokenInput;
        plan.FeedBack = tokens ? FeedBackKind.Token
            : plan.HeadActivation == Activation.Softmax ? FeedBackKind.OneHot
            : FeedBackKind.Values;
    }
}
