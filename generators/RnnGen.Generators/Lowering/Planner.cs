using System.Collections.Generic;
using System.Globalization;
using System.Text;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Lowering;

/// <summary>
/// Lowers a validated <see cref="ModelSpec"/> to a <see cref="ModelPlan"/>: resolves wiring,
/// lays every parameter tensor out in PyTorch's state_dict order and carves the activation,
/// state and streaming buffers into regions with constant offsets.
/// </summary>
internal static class Planner
{
    public static ModelPlan Plan(ModelSpec spec)
    {
        var plan = new ModelPlan(spec);
        var wiring = WiringResolver.Resolve(spec)!;
        var layers = spec.Layers;
        int T = spec.Steps, B = spec.BatchSize;
        plan.TokenInput = layers[0].Kind == LayerKind.Embedding;
        plan.X = plan.TokenInput ? 1 : spec.InputSize;
        plan.VocabularySize = plan.TokenInput ? layers[0].Size : 0;
        plan.SupportsStep = true;

        var ids = new HashSet<string>();
        int paramOffset = 0;
        TensorPlan AddTensor(string name, int[] shape, InitKind init, int fan)
        {
            var t = new TensorPlan(name, UniqueId(Sanitize(name), ids), shape, paramOffset, init, fan);
            plan.Tensors.Add(t);
            paramOffset += t.Length;
            return t;
        }

        int workOffset = 0;
        var regionIds = new HashSet<string>();
        Region Work(string id, int length, string description)
        {
            var r = new Region(UniqueId(id, regionIds), workOffset, length, description);
            plan.WorkRegions.Add(r);
            workOffset += length;
            return r;
        }
        int stateOffset = 0;
        Region State(string id, int length, string description)
        {
            var r = new Region(UniqueId(id, regionIds), stateOffset, length, description);
            plan.StateRegions.Add(r);
            stateOffset += length;
            return r;
        }
        int stepOffset = 0;
        Region StepWork(string id, int length, string description)
        {
            var r = new Region(UniqueId(id, regionIds), stepOffset, length, description);
            plan.StepRegions.Add(r);
            stepOffset += length;
            return r;
        }

        plan.StagedInput = plan.TokenInput
            ? new Region("input", 0, 0, "token ids are read from the caller's span")
            : Work("input", T * B * plan.X, $"[T, B, X] = [{T}, {B}, {plan.X}] the input, time-major");

        plan.DecoderStart = WiringResolver.DecoderStart(spec);
        plan.EncoderState = WiringResolver.LastRecurrentBefore(spec, plan.DecoderStart);
        int encoderSteps = T;
        var layerIds = new HashSet<string>();
        for (int i = 0; i < layers.Count; i++)
        {
            var spec_i = layers[i];
            var w = wiring[i];
            var lp = new LayerPlan(spec_i, i, w, UniqueId(Sanitize(spec_i.Name), layerIds));
            plan.Layers.Add(lp);
            lp.InDecoder = plan.DecoderStart >= 0 && i >= plan.DecoderStart;
            lp.Steps = lp.InDecoder ? spec.OutputSteps : encoderSteps;
            lp.StepsName = lp.InDecoder ? "OutputSteps" : "Steps";
            T = lp.Steps; // the regions of this layer span its own steps
            if (i == plan.DecoderStart)
            {
                plan.DecoderInput = Work("decoder_input", T * B * w.InputWidth, $"[T_out, B, Y] = [{T}, {B}, {w.InputWidth}] the decoder's input: zeros, then the previous output (the target in training)");
            }
            lp.Input = i == plan.DecoderStart ? plan.DecoderInput! : w.Source < 0 ? plan.StagedInput : plan.Layers[w.Source].Output;
            string n = lp.Id;
            string p = spec_i.Name;
            switch (spec_i.Kind)
            {
                case LayerKind.Embedding:
                    lp.Weight = AddTensor(p + ".weight", new[] { spec_i.Size, spec_i.Dimension }, InitKind.Normal, 0);
                    lp.Output = Work(n + "_out", T * B * spec_i.Dimension, $"[T, B, D] = [{T}, {B}, {spec_i.Dimension}] embedded tokens");
                    lp.StepOutput = StepWork(n + "_out", B * spec_i.Dimension, "[B, D] embedded tokens of one step");
                    break;

                case LayerKind.Dense:
                {
                    int inW = w.InputWidth, outW = spec_i.Size;
                    lp.Weight = AddTensor(p + ".weight", new[] { outW, inW }, InitKind.Uniform, inW);
                    lp.Bias = AddTensor(p + ".bias", new[] { outW }, InitKind.Uniform, inW);
                    lp.Output = w.OutputIsSequence
                        ? Work(n + "_out", T * B * outW, $"[T, B, {outW}] {spec_i.Activation.ToString().ToLowerInvariant()}(W x + b) per step")
                        : Work(n + "_out", B * outW, $"[B, {outW}] {spec_i.Activation.ToString().ToLowerInvariant()}(W x + b)");
                    lp.StepOutput = StepWork(n + "_out", B * outW, $"[B, {outW}] one step's output");
                    break;
                }

                default:
                {
                    int H = spec_i.Size, D = spec_i.Directions, G = spec_i.Gates;
                    if (spec_i.Bidirectional) plan.SupportsStep = false;
                    lp.Collapses = !w.OutputIsSequence;
                    var input = lp.Input;
                    int inW = w.InputWidth;
                    for (int k = 0; k < spec_i.NumLayers; k++)
                    {
                        var sub = new SubLayerPlan { K = k, InWidth = inW, Input = input };
                        string kid = $"{n}_l{k}";
                        for (int d = 0; d < D; d++)
                        {
                            string suffix = "_l" + k.ToString(CultureInfo.InvariantCulture) + (d == 1 ? "_reverse" : "");
                            string did = kid + (d == 1 ? "_reverse" : "");
                            var dir = new DirectionPlan
                            {
                                Direction = d,
                                Suffix = suffix,
                                Wih = AddTensor($"{p}.weight_ih{suffix}", new[] { G * H, inW }, InitKind.Uniform, H),
                                Whh = AddTensor($"{p}.weight_hh{suffix}", new[] { G * H, H }, InitKind.Uniform, H),
                                Bih = AddTensor($"{p}.bias_ih{suffix}", new[] { G * H }, InitKind.Uniform, H),
                                Bhh = AddTensor($"{p}.bias_hh{suffix}", new[] { G * H }, InitKind.Uniform, H),
                            };
                            dir.InitialH = Work(did + "_h0", B * H, $"[B, H] = [{B}, {H}] h before the first step (zeros, or the carried state)");
                            if (spec_i.Kind == LayerKind.Lstm) dir.InitialC = Work(did + "_c0", B * H, $"[B, H] = [{B}, {H}] c before the first step");
                            string gateNames = spec_i.Kind switch { LayerKind.Lstm => "i, f, g, o", LayerKind.Gru => "r, z, n", _ => "h" };
                            dir.Gates = Work(did + "_gates", T * B * G * H, $"[T, B, {G}H] = [{T}, {B}, {G * H}] gates {gateNames}");
                            if (spec_i.Kind == LayerKind.Lstm)
                                dir.Cell = Work(did + "_c", T * B * H, $"[T, B, H] = [{T}, {B}, {H}] cell state c");
                            if (spec_i.Kind == LayerKind.Gru)
                            {
                                dir.HiddenGates = Work(did + "_gh", T * B * 3 * H, $"[T, B, 3H] = [{T}, {B}, {3 * H}] W_hh h + b_hh");
                                if (spec_i.Variant == GruVariant.ResetBefore)
                                    dir.ResetHidden = Work(did + "_rh", T * B * H, $"[T, B, H] r ⊙ h");
                            }
                            dir.StateH = State(did + "_h", B * H, $"[B, H] = [{B}, {H}] h");
                            if (spec_i.Kind == LayerKind.Lstm) dir.StateC = State(did + "_c", B * H, $"[B, H] = [{B}, {H}] c");
                            sub.Directions.Add(dir);
                        }
                        sub.Output = Work(kid + "_out", T * B * D * H, D == 2
                            ? $"[T, B, 2H] = [{T}, {B}, {2 * H}] concat(forward h, backward h)"
                            : $"[T, B, H] = [{T}, {B}, {H}] h");
                        lp.SubLayers.Add(sub);
                        input = sub.Output;
                        inW = D * H;
                        if (spec_i.Dropout > 0 && k < spec_i.NumLayers - 1)
                        {
                            sub.DropoutMask = Work(kid + "_mask", T * B * D * H, $"[T, B, {D * H}] dropout mask (training)");
                            sub.Dropped = Work(kid + "_drop", T * B * D * H, $"[T, B, {D * H}] the output after dropout, read by layer {k + 1}");
                            input = sub.Dropped;
                            plan.HasDropout = true;
                        }
                    }
                    lp.Output = lp.Collapses
                        ? Work(n + "_final", B * D * H, D == 2 ? $"[B, 2H] concat(forward h after step T-1, backward h after step 0)" : $"[B, H] h after step T-1")
                        : input;
                    lp.StepGates = StepWork(n + "_gates", B * G * H, $"[B, {G}H] one step's gates");
                    if (spec_i.Kind == LayerKind.Gru)
                    {
                        lp.StepHidden = StepWork(n + "_gh", B * 3 * H, "[B, 3H] one step's W_hh h + b_hh");
                        if (spec_i.Variant == GruVariant.ResetBefore) lp.StepResetHidden = StepWork(n + "_rh", B * H, "[B, H] one step's r ⊙ h");
                    }
                    break;
                }
            }
        }

        if (plan.EncoderDecoder)
        {
            plan.SupportsStep = false; // the decoder steps privately, from the encoder's state
            PlanHandOver(plan);
        }
        var last = plan.Layers[plan.Layers.Count - 1];
        plan.Y = last.Wiring.OutputWidth;
        plan.OutputIsSequence = last.Wiring.OutputIsSequence;
        var headActivation = last.Spec.Kind == LayerKind.Dense ? last.Spec.Activation : Activation.Identity;
        plan.Loss = spec.Loss != LossKind.Auto ? spec.Loss
            : headActivation == Activation.Softmax ? LossKind.CrossEntropy
            : headActivation == Activation.Sigmoid ? LossKind.BinaryCrossEntropy
            : LossKind.MeanSquaredError;
        plan.HeadFused = (plan.Loss == LossKind.CrossEntropy && headActivation == Activation.Softmax)
            || (plan.Loss == LossKind.BinaryCrossEntropy && headActivation == Activation.Sigmoid);
        plan.ParameterCount = paramOffset;
        plan.WorkSize = workOffset;
        plan.StateSize = stateOffset;
        plan.StepWorkSize = stepOffset;
        return plan;
    }

    private static void PlanHandOver(ModelPlan plan)
    {
        var encoder = plan.Layers[plan.EncoderState];
        var decoder = plan.Layers[plan.DecoderStart];
        int He = encoder.Spec.Size, DHe = He * encoder.Spec.Directions, Hd = decoder.Spec.Size, B = plan.B;
        int last = (encoder.Steps - 1) * B; // rows before the encoder's last step
        for (int k = 0; k < encoder.SubLayers.Count; k++)
        {
            var es = encoder.SubLayers[k];
            var dd = decoder.SubLayers[k].Directions[0];
            string label = $"{encoder.Spec.Name}_l{k} → {decoder.Spec.Name}_l{k}";
            plan.HandOver.Add(new StateCopy(label + ": h after the last step", es.Output, last * DHe, DHe, dd.InitialH, 0, Hd, He));
            if (encoder.Spec.Bidirectional)
                plan.HandOver.Add(new StateCopy(label + ": backward h after step 0", es.Output, He, DHe, dd.InitialH, He, Hd, He));
            if (dd.InitialC is null) continue;
            plan.HandOver.Add(new StateCopy(label + ": c after the last step", es.Directions[0].Cell!, last * He, He, dd.InitialC, 0, Hd, He));
            if (encoder.Spec.Bidirectional)
                plan.HandOver.Add(new StateCopy(label + ": backward c after step 0", es.Directions[1].Cell!, 0, He, dd.InitialC, He, Hd, He));
        }
    }

    /// <summary>A C# identifier from a layer or tensor name.</summary>
    public static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length + 1);
        foreach (char c in name)
        {
            sb.Append(char.IsLetterOrDigit(c) && c < 128 ? c : '_');
        }
        if (sb.Length == 0 || char.IsDigit(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }

    private static string UniqueId(string id, HashSet<string> used)
    {
        string candidate = id;
        for (int n = 2; !used.Add(candidate); n++) candidate = id + "_" + n.ToString(CultureInfo.InvariantCulture);
        return candidate;
    }
}
