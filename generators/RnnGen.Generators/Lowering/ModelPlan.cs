using System.Collections.Generic;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Lowering;

// The plan: a ModelSpec lowered to concrete shapes and buffer offsets. The emitter reads only
// this. Sequence buffers are time-major, [T, B, W]: the rows of step t start at off + t·B·W.

/// <summary>How a parameter tensor is initialized (PyTorch's defaults).</summary>
internal enum InitKind
{
    /// <summary>U(-bound, bound): recurrent layers (bound 1/√H) and nn.Linear (bound 1/√in).</summary>
    Uniform,
    /// <summary>N(0, 1): nn.Embedding.</summary>
    Normal,
}

/// <summary>One parameter tensor: its state_dict key, PyTorch shape and place in the flat buffer.</summary>
internal sealed record TensorPlan(string Name, string Id, int[] Shape, int Offset, InitKind Init, int FanForBound)
{
    public int Length
    {
        get
        {
            int n = 1;
            foreach (var d in Shape) n *= d;
            return n;
        }
    }
}

/// <summary>A region of the activation buffer (or of the streaming state).</summary>
internal sealed record Region(string Id, int Offset, int Length, string Description);

/// <summary>
/// One copy of a state (a collapsing layer's final state, the encoder–decoder hand-over), for every batch row b:
/// <see cref="Length"/> floats from <c>Source + SourceOffset + b · SourceStride</c> (plus, when <see cref="StepStride"/>
/// is not 0, <c>(length_b − 1) · StepStride</c>: the row's own last step) to
/// <c>Destination + DestinationOffset + b · DestinationStride</c>. A row of length 0 has no state: its destination is zero.
/// The forward pass copies; the backward pass adds the destination's gradient to the source's.
/// </summary>
internal sealed record StateCopy(string What, Region Source, int SourceOffset, int SourceStride, int StepStride,
    Region Destination, int DestinationOffset, int DestinationStride, int Length);

/// <summary>One of a cell's own per-step buffers, planned: its name in the cell's code, floats per batch row and step, and where it lives.</summary>
internal sealed record ScratchBuffer(string Name, int Width, Region Region);

/// <summary>One direction of one stacked layer of a recurrent attribute.</summary>
internal sealed class DirectionPlan
{
    public int Direction { get; set; }
    public bool Reverse => Direction == 1;
    /// <summary>The tensor-name suffix, e.g. <c>_l0</c> or <c>_l1_reverse</c>.</summary>
    public string Suffix { get; set; } = "";
    public TensorPlan Wih { get; set; } = null!;
    public TensorPlan Whh { get; set; } = null!;
    public TensorPlan Bih { get; set; } = null!;
    public TensorPlan Bhh { get; set; } = null!;
    /// <summary>[T, B, G·H] gate pre-activations, then activations (in the cell's gate order).</summary>
    public Region Gates { get; set; } = null!;
    /// <summary>[T, B, H] the second state of a cell that has one (LSTM: the cell state c_t).</summary>
    public Region? Cell { get; set; }
    /// <summary>The cell's own per-step buffers [T, B, width], by the cell's name for them (GRU: <c>gh</c>, <c>rh</c>).</summary>
    public List<ScratchBuffer> Scratch { get; } = new();
    /// <summary>[B, H] the state before the first step, h_{-1} (zeros, or the carried final state).</summary>
    public Region InitialH { get; set; } = null!;
    /// <summary>[B, H] the second state before the first step (LSTM c_{-1}).</summary>
    public Region? InitialC { get; set; }
    /// <summary>Streaming state h, [B, H] (in the state buffer).</summary>
    public Region? StateH { get; set; }
    /// <summary>Streaming second state, [B, H] (LSTM c).</summary>
    public Region? StateC { get; set; }
    /// <summary>Where this direction's h sits in a row of the stacked layer's output: column 0, or H for the backward half.</summary>
    public int OutputColumn { get; set; }
}

/// <summary>One stacked layer (PyTorch's l{k}) of a recurrent attribute.</summary>
internal sealed class SubLayerPlan
{
    public int K { get; set; }
    public int InWidth { get; set; }
    /// <summary>The input sequence [T, B, InWidth].</summary>
    public Region Input { get; set; } = null!;
    /// <summary>The output sequence [T, B, D·H].</summary>
    public Region Output { get; set; } = null!;
    public List<DirectionPlan> Directions { get; } = new();
    /// <summary>Training only, when the layer has <c>Dropout</c> and another stacked layer follows: the mask [T, B, D·H].</summary>
    public Region? DropoutMask { get; set; }
    /// <summary>The output after dropout, which the next stacked layer reads (a copy of the output in inference).</summary>
    public Region? Dropped { get; set; }
    /// <summary>The gradient of <see cref="Input"/> is needed: the input is a layer's output, or the model's input when the caller asks for input gradients.</summary>
    public bool ReadsModelInput { get; set; }
}

/// <summary>One layer attribute, lowered.</summary>
internal sealed class LayerPlan
{
    public LayerPlan(LayerSpec spec, int index, LayerWiring wiring, string id, Cells.ILayerKind kind)
    {
        Spec = spec;
        Index = index;
        Wiring = wiring;
        Id = id;
        Kind = kind;
    }

    public LayerSpec Spec { get; }
    /// <summary>The home of this layer's kind: its plan and its code.</summary>
    public Cells.ILayerKind Kind { get; }
    public int Index { get; }
    /// <summary>The steps this layer runs: T, or OutputSteps for a layer of an encoder–decoder model's decoder.</summary>
    public int Steps { get; set; }
    /// <summary>What the generated code reads for the steps this layer runs: <c>__steps</c> (the longest row of the call) or <c>OutputSteps</c>.</summary>
    public string StepsName { get; set; } = "Steps";
    /// <summary>Part of the decoder of an encoder–decoder model.</summary>
    public bool InDecoder { get; set; }
    /// <summary>Runs over the model's input sequence, so each row stops at its own length (every layer but a decoder's).</summary>
    public bool FollowsLengths => !InDecoder;
    public LayerWiring Wiring { get; }
    /// <summary>A C# identifier derived from the layer's name.</summary>
    public string Id { get; }
    /// <summary>What it reads: a sequence [T, B, W] or a vector [B, W].</summary>
    public Region Input { get; set; } = null!;
    /// <summary>It reads the model's input (whose gradient is wanted only when the caller asks for it).</summary>
    public bool ReadsModelInput { get; set; }
    /// <summary>What downstream layers read: a sequence, or for a collapsing layer the final state [B, W].</summary>
    public Region Output { get; set; } = null!;
    public List<SubLayerPlan> SubLayers { get; } = new();
    /// <summary>ManyToOne: this recurrent layer's final state is its output.</summary>
    public bool Collapses { get; set; }
    /// <summary>
    /// A collapsing layer's output from its last stacked layer's sequence: h after step T-1 (and a backward
    /// direction's h after step 0 beside it). The forward pass copies, the backward pass routes the gradient back.
    /// </summary>
    public List<StateCopy> FinalState { get; } = new();
    /// <summary>The input projection also adds b_hh (the cell adds W_hh h with no bias of its own: LSTM, simple RNN).</summary>
    public bool FoldsHiddenBias { get; set; }
    /// <summary>The model's head, whose activation the loss applies in training (fused with it).</summary>
    public bool FusedHead { get; set; }
    public TensorPlan? Weight { get; set; }
    public TensorPlan? Bias { get; set; }
    /// <summary>Streaming: scratch for one step's gate rows [B, G·H].</summary>
    public Region? StepGates { get; set; }
    /// <summary>Streaming: the cell's own buffers for one step, [B, width], by the cell's name for them.</summary>
    public List<ScratchBuffer> StepScratch { get; } = new();
    /// <summary>Streaming: this layer's output for one step [B, W] (Dense, Embedding).</summary>
    public Region? StepOutput { get; set; }
}

/// <summary>What a generating model feeds back as its next input, from one step's output.</summary>
internal enum FeedBackKind
{
    /// <summary>Nothing is fed back (ManyToMany, ManyToOne).</summary>
    None,
    /// <summary>The most likely class as a token id (token input).</summary>
    Token,
    /// <summary>The most likely class as a one-hot vector (a softmax head).</summary>
    OneHot,
    /// <summary>The output values themselves.</summary>
    Values,
}

/// <summary>The whole model, lowered.</summary>
internal sealed class ModelPlan
{
    public ModelPlan(ModelSpec spec) => Spec = spec;

    public ModelSpec Spec { get; }
    public int T => Spec.Steps;
    public int B => Spec.BatchSize;
    /// <summary>Features per input step (1 for token ids).</summary>
    public int X { get; set; }
    public bool TokenInput { get; set; }
    public int VocabularySize { get; set; }
    /// <summary>Features per output row Y.</summary>
    public int Y { get; set; }
    public bool OutputIsSequence { get; set; }
    /// <summary>OneToMany: <c>Predict</c> generates T outputs from one input per sequence, each fed back as the next input.</summary>
    public bool Generates => Spec.Mode == SequenceMode.OneToMany;
    /// <summary>EncoderDecoder: the layers from <see cref="DecoderStart"/> on run <see cref="OutputSteps"/> steps from the encoder's final state.</summary>
    public bool EncoderDecoder => Spec.Mode == SequenceMode.EncoderDecoder;
    /// <summary>The first decoder layer (EncoderDecoder), or -1.</summary>
    public int DecoderStart { get; set; } = -1;
    /// <summary>The encoder's last recurrent layer, whose final state starts the decoder (EncoderDecoder), or -1.</summary>
    public int EncoderState { get; set; } = -1;
    /// <summary>
    /// EncoderDecoder: the final state of the encoder's last recurrent layer into the initial state
    /// of the decoder's first, stacked layer by stacked layer (h, and c for an LSTM; a bidirectional
    /// encoder's backward half after step 0 beside its forward half after step T-1).
    /// </summary>
    public List<StateCopy> HandOver { get; } = new();
    /// <summary>OneToMany and EncoderDecoder: what is fed back as the next input.</summary>
    public FeedBackKind FeedBack { get; set; }
    /// <summary>The head's activation (Identity when the last layer is not a Dense layer).</summary>
    public Activation HeadActivation { get; set; }
    /// <summary>Each layer's code declares its own step count (an encoder–decoder model's halves run different lengths).</summary>
    public bool LayersDeclareSteps => EncoderDecoder;
    /// <summary>The decoder's input sequence [T_out, B, Y]: the previous outputs (teacher-forced targets in training).</summary>
    public Region? DecoderInput { get; set; }
    /// <summary>Steps of the output: T, or OutputSteps for an encoder–decoder model.</summary>
    public int OutputSteps => EncoderDecoder ? Spec.OutputSteps : T;
    /// <summary>The generated constant naming <see cref="OutputSteps"/>.</summary>
    public string OutputStepsName => EncoderDecoder ? "OutputSteps" : "Steps";
    /// <summary>Length of the public input: [B, T, X] (or [B, T] ids); [B, X] (or [B] ids) when the model generates.</summary>
    public int InputLength => Generates ? B * (TokenInput ? 1 : X) : SequenceInputLength;
    /// <summary>Length of the input sequence the forward pass reads: [B, T, X] or [B, T] ids (teacher-forced when the model generates).</summary>
    public int SequenceInputLength => B * T * (TokenInput ? 1 : X);
    public int OutputLength => B * Y * (OutputIsSequence ? OutputSteps : 1);
    public List<TensorPlan> Tensors { get; } = new();
    public int ParameterCount { get; set; }
    public List<Region> WorkRegions { get; } = new();
    public int WorkSize { get; set; }
    /// <summary>The staged model input, time-major [T, B, X] (float input) or [T, B] ids (not used for tokens).</summary>
    public Region StagedInput { get; set; } = null!;
    public List<LayerPlan> Layers { get; } = new();
    public Region Output => Layers[Layers.Count - 1].Output;
    /// <summary>The loss <c>ComputeGradients</c> uses (<see cref="LossKind.Auto"/> resolved).</summary>
    public LossKind Loss { get; set; }
    /// <summary>The head's activation is fused into the loss (Softmax + cross-entropy, Sigmoid + binary cross-entropy).</summary>
    public bool HeadFused { get; set; }
    /// <summary>Whether any layer applies dropout in training.</summary>
    public bool HasDropout { get; set; }
    /// <summary>Targets are class ids (cross-entropy), else floats shaped like the output.</summary>
    public bool ClassTargets => Loss == LossKind.CrossEntropy;
    /// <summary>Length of the targets span.</summary>
    public int TargetLength => ClassTargets ? OutputLength / Y : OutputLength;
    /// <summary>Whether <c>Step</c>/<c>ResetState</c> are generated (unidirectional models).</summary>
    public bool SupportsStep { get; set; }
    /// <summary>Whether one-step code (and its state buffers) is generated: public <c>Step</c>, or the private decoder step of an encoder–decoder model.</summary>
    public bool HasStepCode => SupportsStep || EncoderDecoder;
    public List<Region> StateRegions { get; } = new();
    public int StateSize { get; set; }
    public List<Region> StepRegions { get; } = new();
    public int StepWorkSize { get; set; }
}
