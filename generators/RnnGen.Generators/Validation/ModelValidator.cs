using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Generators.Diagnostics;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Validation;

/// <summary>
/// Checks a <see cref="ModelSpec"/> against every rule the generator relies on. The analyzer
/// reports what it finds; the generator emits nothing for a model with any error. One source
/// of truth for both.
/// </summary>
internal static class ModelValidator
{
    /// <summary>Largest size of one dimension (hidden size, features, vocabulary).</summary>
    public const int MaxSize = 1 << 16;

    /// <summary>Largest sequence length.</summary>
    public const int MaxSteps = 1 << 16;

    /// <summary>Largest batch size.</summary>
    public const int MaxBatch = 1 << 14;

    /// <summary>Largest number of stacked layers in one attribute.</summary>
    public const int MaxLayers = 64;

    /// <summary>
    /// Largest number of stacked recurrent layers in one model: the sum of <c>Layers</c> over its
    /// recurrent attributes, a bidirectional layer counting once (RNN0041).
    /// </summary>
    public const int MaxStackedLayers = 64;

    /// <summary>Largest number of layer attributes in one model (RNN0041).</summary>
    public const int MaxLayerAttributes = 128;

    /// <summary>Largest number of floats in parameters, activations or state (keeps every offset an int).</summary>
    public const long MaxFloats = 1L << 28;

    public static bool HasErrors(IEnumerable<ValidationIssue> issues) =>
        issues.Any(i => i.Descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);

    public static List<ValidationIssue> Validate(ModelSpec spec)
    {
        var issues = new List<ValidationIssue>();
        void Model(Microsoft.CodeAnalysis.DiagnosticDescriptor d, string? argument, params object?[] args) =>
            issues.Add(new ValidationIssue(d, IssueTarget.ModelAttribute, -1, argument, args));
        void Layer(Microsoft.CodeAnalysis.DiagnosticDescriptor d, int index, string? argument, params object?[] args) =>
            issues.Add(new ValidationIssue(d, IssueTarget.Layer, index, argument, args));

        // The declaring type.
        var shape = spec.Shape;
        if (!shape.IsPartial || !shape.ContainersPartial)
        {
            issues.Add(new ValidationIssue(DiagnosticDescriptors.NotPartial, IssueTarget.Class, -1, null, new object?[] { spec.ClassName }));
        }
        string? typeProblem =
            !shape.IsClass ? "a model must be a class (not a struct, record or interface)" :
            shape.IsStatic ? "a model cannot be a static class" :
            shape.IsGeneric ? "a model cannot be generic (its sizes are fixed at compile time)" :
            shape.IsFileLocal ? "a model cannot be a 'file' type (the generated part could not see it)" :
            shape.ContainerProblem is not null ? shape.ContainerProblem :
            IsReservedName(spec.ClassName) ? $"'{spec.ClassName}' is the name of a generated member; rename the class" :
            spec.ClassName is "var" or "nameof" ? $"a class named '{spec.ClassName}' would change what '{spec.ClassName}' means in the generated code; rename the class" : null;
        if (typeProblem is not null)
        {
            issues.Add(new ValidationIssue(DiagnosticDescriptors.UnsupportedType, IssueTarget.Class, -1, null, new object?[] { spec.ClassName, typeProblem }));
        }
        if (shape.ModelBase is not null)
        {
            issues.Add(new ValidationIssue(DiagnosticDescriptors.DerivedModel, IssueTarget.BaseType, -1, null, new object?[] { spec.ClassName, shape.ModelBase }));
        }
        if (shape.LayersSplit)
        {
            issues.Add(new ValidationIssue(DiagnosticDescriptors.LayersSplit, IssueTarget.Class, -1, null, new object?[] { spec.ClassName }));
        }
        ValidateMembers(spec, issues);
        if (shape.BadArgument is not null)
        {
            if (shape.BadArgumentLayer >= 0) Layer(DiagnosticDescriptors.BadArgument, shape.BadArgumentLayer, shape.BadArgument, shape.BadArgument);
            else Model(DiagnosticDescriptors.BadArgument, shape.BadArgument, shape.BadArgument);
            return issues; // values read as 0 would only add noise
        }

        // [RnnModel] arguments.
        if (spec.Steps <= 0) Model(DiagnosticDescriptors.StepsMissing, spec.StepsGiven ? "Steps" : null, spec.Steps);
        else if (spec.Steps > MaxSteps) Model(DiagnosticDescriptors.SizeOutOfRange, "Steps", "Steps", "the model", spec.Steps, MaxSteps);

        var layers = spec.Layers;
        bool embeddingFirst = layers.Count > 0 && layers[0].Kind == LayerKind.Embedding;
        if (embeddingFirst)
        {
            if (spec.InputSizeGiven) Model(DiagnosticDescriptors.InputSizeWithEmbedding, "InputSize", layers[0].Dimension);
        }
        else if (!spec.InputSizeGiven)
        {
            Model(DiagnosticDescriptors.InputSizeMissing, null);
        }
        else if (spec.InputSize <= 0 || spec.InputSize > MaxSize)
        {
            Model(DiagnosticDescriptors.SizeOutOfRange, "InputSize", "InputSize", "the model", spec.InputSize, MaxSize);
        }
        if (spec.BatchSize <= 0 || spec.BatchSize > MaxBatch)
        {
            Model(DiagnosticDescriptors.SizeOutOfRange, "BatchSize", "BatchSize", "the model", spec.BatchSize, MaxBatch);
        }
        if (spec.Mode is < SequenceMode.ManyToMany or > SequenceMode.EncoderDecoder)
        {
            Model(DiagnosticDescriptors.ModeNotSupported, "Mode", spec.Mode.ToString());
        }
        if (spec.Mode != SequenceMode.EncoderDecoder && spec.OutputSteps != 0)
        {
            Model(DiagnosticDescriptors.EncoderDecoderOnly, "OutputSteps", "OutputSteps");
        }
        else if (spec.Mode == SequenceMode.EncoderDecoder && spec.OutputSteps <= 0)
        {
            Model(DiagnosticDescriptors.OutputStepsMissing, "OutputSteps", spec.OutputSteps);
        }
        else if (spec.OutputSteps > MaxSteps)
        {
            Model(DiagnosticDescriptors.SizeOutOfRange, "OutputSteps", "OutputSteps", "the model", spec.OutputSteps, MaxSteps);
        }
        if (spec.Loss is < LossKind.Auto or > LossKind.MeanSquaredError)
        {
            Model(DiagnosticDescriptors.BadArgument, "Loss", "Loss");
        }

        // Layers one by one.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool anyRecurrent = false;
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            string what = $"'{layer.Name}'";
            if (!IsValidName(layer.Name)) Layer(DiagnosticDescriptors.InvalidName, i, "Name", layer.Name);
            else if (!seen.Add(layer.Name)) Layer(DiagnosticDescriptors.DuplicateName, i, "Name", layer.Name);

            switch (layer.Kind)
            {
                case LayerKind.Embedding:
                    if (layer.Size <= 0 || layer.Size > MaxSize) Layer(DiagnosticDescriptors.SizeOutOfRange, i, "vocabularySize", "vocabularySize", what, layer.Size, MaxSize);
                    if (layer.Dimension <= 0 || layer.Dimension > MaxSize) Layer(DiagnosticDescriptors.SizeOutOfRange, i, "dimension", "dimension", what, layer.Dimension, MaxSize);
                    if (i != 0) Layer(DiagnosticDescriptors.EmbeddingNotFirst, i, null, layer.Name);
                    else if (layer.From is not null) Layer(DiagnosticDescriptors.UnknownFrom, i, "From", layer.Name, layer.From, "; an [Embedding] reads the model's token ids: remove 'From'");
                    break;
                case LayerKind.Dense:
                    if (layer.Size <= 0 || layer.Size > MaxSize) Layer(DiagnosticDescriptors.SizeOutOfRange, i, "size", "size", what, layer.Size, MaxSize);
                    if (layer.Activation is < Activation.Identity or > Activation.Softmax)
                        Layer(DiagnosticDescriptors.UnsupportedActivation, i, "Activation", "[Dense]", (int)layer.Activation, "Identity, Tanh, Relu, Sigmoid or Softmax");
                    break;
                default:
                    anyRecurrent = true;
                    if (layer.Size <= 0 || layer.Size > MaxSize) Layer(DiagnosticDescriptors.SizeOutOfRange, i, "hiddenSize", "hiddenSize", what, layer.Size, MaxSize);
                    if (layer.NumLayers < 1 || layer.NumLayers > MaxLayers) Layer(DiagnosticDescriptors.LayersOutOfRange, i, "Layers", layer.Name, layer.NumLayers, MaxLayers);
                    if (float.IsNaN(layer.Dropout) || layer.Dropout < 0 || layer.Dropout >= 1)
                        Layer(DiagnosticDescriptors.DropoutOutOfRange, i, "Dropout", layer.Name, layer.Dropout.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    if (layer.Kind == LayerKind.SimpleRnn && layer.Activation is not (Activation.Tanh or Activation.Relu))
                        Layer(DiagnosticDescriptors.UnsupportedActivation, i, "Activation", "[SimpleRnn]", layer.Activation.ToString(), "Activation.Tanh or Activation.Relu");
                    if (layer.Kind == LayerKind.Gru && layer.Variant is not (GruVariant.ResetAfter or GruVariant.ResetBefore))
                        Layer(DiagnosticDescriptors.BadArgument, i, "Variant", "Variant");
                    if (layer.Decoder && spec.Mode != SequenceMode.EncoderDecoder)
                        Layer(DiagnosticDescriptors.EncoderDecoderOnly, i, "Decoder", "Decoder");
                    break;
            }
        }
        if (!anyRecurrent) Model(DiagnosticDescriptors.NoRecurrentLayer, null, spec.ClassName);
        ValidateDepth(spec, issues);
        ValidateGeneration(spec, issues);

        // Wiring: From names, what each layer reads.
        bool wiringOk = true;
        for (int i = 0; i < layers.Count; i++)
        {
            var from = layers[i].From;
            if (from is null || layers[i].Kind == LayerKind.Embedding) continue;
            int source = WiringResolver.FindEarlier(spec, from, i);
            if (source >= 0)
            {
                string? crossing = DecoderCrossing(spec, i, source);
                if (crossing is not null) Layer(DiagnosticDescriptors.DecoderReadsEncoder, i, "From", layers[i].Name, from, crossing);
            }
            else
            {
                wiringOk = false;
                var nearest = Nearest(from, layers.Take(i).Select(l => l.Name));
                string hint = layers.Skip(i).Any(l => l.Name == from)
                    ? "; a layer can only read a layer declared before it"
                    : nearest is null ? "" : $"; did you mean '{nearest}'?";
                Layer(DiagnosticDescriptors.UnknownFrom, i, "From", layers[i].Name, from, hint);
            }
        }
        // Later checks need sound sizes and wiring; a mode this version cannot generate yet is
        // no reason to hold back what else is wrong with the model.
        if (!wiringOk || issues.Any(i => i.Descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error && i.Descriptor != DiagnosticDescriptors.ModeNotSupported)) return issues;

        var wiring = WiringResolver.Resolve(spec)!;
        var read = new bool[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            if (wiring[i].Source >= 0) read[wiring[i].Source] = true;
        }
        int decoderStart = WiringResolver.DecoderStart(spec);
        int encoderState = WiringResolver.LastRecurrentBefore(spec, decoderStart);
        if (decoderStart >= 0 && encoderState >= 0)
        {
            read[encoderState] = true; // its final state starts the decoder
            ValidateStateHandOver(spec, encoderState, decoderStart, issues);
        }
        for (int i = 0; i < layers.Count - 1; i++)
        {
            if (!read[i]) Layer(DiagnosticDescriptors.UnusedLayer, i, null, layers[i].Name);
        }
        if (spec.Mode == SequenceMode.OneToMany)
        {
            ValidateFeedbackWidth(spec, wiring, issues);
        }
        if (spec.Mode == SequenceMode.ManyToOne && wiring[layers.Count - 1].OutputIsSequence)
        {
            Layer(DiagnosticDescriptors.ManyToOneOutputIsSequence, layers.Count - 1, null, layers[layers.Count - 1].Name);
        }

        // The loss must fit the head.
        var headActivation = ModelFacts.HeadActivation(spec);
        if (spec.Loss == LossKind.CrossEntropy && headActivation != Activation.Softmax)
            Model(DiagnosticDescriptors.LossContradictsHead, "Loss", "CrossEntropy", "a [Dense] head with Activation.Softmax as the last layer");
        if (spec.Loss == LossKind.BinaryCrossEntropy && headActivation != Activation.Sigmoid)
            Model(DiagnosticDescriptors.LossContradictsHead, "Loss", "BinaryCrossEntropy", "a [Dense] head with Activation.Sigmoid as the last layer");
        if (spec.Loss == LossKind.MeanSquaredError && headActivation is Activation.Softmax or Activation.Sigmoid)
            Model(DiagnosticDescriptors.SquaredErrorOnProbabilities, "Loss", headActivation.ToString(),
                headActivation == Activation.Softmax ? "cross-entropy (LossKind.CrossEntropy)" : "binary cross-entropy (LossKind.BinaryCrossEntropy)");

        // Size: every offset must stay an int; warn well before that, and when the code grows large.
        long floats = EstimateFloats(spec, wiring);
        if (floats > MaxFloats)
        {
            Model(DiagnosticDescriptors.ModelTooLarge, null, spec.ClassName, floats, "parameters and activations", MaxFloats);
        }
        else if (floats > LargeMemoryFloats)
        {
            Model(DiagnosticDescriptors.LargeMemory, null, spec.ClassName, floats * sizeof(float) / (1024 * 1024), spec.Steps, spec.BatchSize);
        }
        var (lines, passes) = EstimateLines(spec);
        if (lines > LargeCodeLines)
        {
            Model(DiagnosticDescriptors.LargeCode, null, spec.ClassName, (lines + 50) / 100 * 100, passes);
        }
        return issues;
    }

    /// <summary>
    /// RNN0042: a member of the class (declared, or inherited from a base class that is not a model)
    /// that C# would not let stand beside a generated member, or that a generated member would hide;
    /// RNN0043: a primary constructor, which the generated constructors cannot chain to.
    /// </summary>
    private static void ValidateMembers(ModelSpec spec, List<ValidationIssue> issues)
    {
        var members = spec.Shape.Members;
        if (members.Count == 0) return;
        var generated = GeneratedMembers.For(spec);
        for (int i = 0; i < members.Count; i++)
        {
            var member = members[i];
            if (member.IsPrimaryConstructor)
            {
                issues.Add(new ValidationIssue(DiagnosticDescriptors.PrimaryConstructor, IssueTarget.Member, i, null, new object?[] { spec.ClassName }));
                continue;
            }
            var hit = member.InheritedFrom is null
                ? generated.FirstOrDefault(g => g.Reserved().Any(member.Signature.CollidesWith))
                : generated.FirstOrDefault(g => g.Signature.CollidesWith(member.Signature)); // accessors hide nothing
            if (hit is null) continue;
            var mine = member.Signature;
            var theirs = hit.Signature;
            string fix =
                member.InheritedFrom is { } from ? $"the generated member would hide it; rename it in '{from}', or derive the model from another class" :
                theirs.Kind == MemberKind.Constructor ? $"RnnGen generates '{spec.ClassName}()' and '{spec.ClassName}(int seed)'; give your constructor other parameters and chain it to a generated one with ': this(seed)' or ': this()'" :
                hit.IsExplicitImplementation ? "the generated code implements it; remove yours" :
                mine.Kind == MemberKind.Method && theirs.Kind == MemberKind.Method ? "rename yours, or give it other parameter types (an overload is fine)" :
                "rename yours";
            string inherited = member.InheritedFrom is null ? "" : $", inherited from '{member.InheritedFrom}',";
            issues.Add(new ValidationIssue(DiagnosticDescriptors.MemberCollision, member.InheritedFrom is null ? IssueTarget.Member : IssueTarget.Class, i, null,
                new object?[] { mine.KindWord, mine.Display, inherited, theirs.KindWord, theirs.Display, fix }));
        }
    }

    /// <summary>Above this many floats (256 MB) a model gets the RNN0037 warning.</summary>
    public const long LargeMemoryFloats = 1L << 26;

    /// <summary>Above this many estimated lines of generated code a model gets the RNN0036 warning.</summary>
    public const int LargeCodeLines = 15_000;

    /// <summary>
    /// An estimate of the generated file's length, and the recurrent passes (stacked layers ×
    /// directions) behind it. The time loop keeps the code independent of Steps; it grows with
    /// each layer and direction, whose forward, backward and streaming code is specialized.
    /// Calibrated on generated files (a one-layer LSTM model: 683 lines; 64 bidirectional
    /// layers: 21,361), within a few percent.
    /// </summary>
    public static (int Lines, int Passes) EstimateLines(ModelSpec spec)
    {
        long lines = 440, passes = 0;
        foreach (var layer in spec.Layers)
        {
            if (layer.IsRecurrent)
            {
                long n = Math.Max(0, layer.NumLayers);
                lines += n * (198 + (layer.Directions - 1) * 128);
                passes += n * layer.Directions;
            }
            else
            {
                lines += 45;
            }
        }
        return ((int)Math.Min(int.MaxValue, lines), (int)Math.Min(int.MaxValue, passes));
    }

    /// <summary>
    /// RNN0041: the hard limits on depth. The generated code grows with every layer (see
    /// <see cref="EstimateLines"/>); at both limits it stays under 19,000 lines (measured: 64
    /// bidirectional LSTM layers and 127 dense layers, 18,457). Each limit is reported once, on the
    /// layer attribute that crosses it. An attribute whose own <c>Layers</c> is out of range
    /// (RNN0007) does not count.
    /// </summary>
    private static void ValidateDepth(ModelSpec spec, List<ValidationIssue> issues)
    {
        var layers = spec.Layers;
        int stacked = 0, crossing = -1;
        for (int i = 0; i < layers.Count; i++)
        {
            if (!layers[i].IsRecurrent || layers[i].NumLayers < 1 || layers[i].NumLayers > MaxLayers) continue;
            stacked += layers[i].NumLayers;
            if (stacked > MaxStackedLayers && crossing < 0) crossing = i;
        }
        if (crossing >= 0)
        {
            issues.Add(new ValidationIssue(DiagnosticDescriptors.TooManyLayers, IssueTarget.Layer, crossing, "Layers", new object?[]
            {
                spec.ClassName, stacked, "stacked recurrent layers (the sum of 'Layers' over its recurrent layers, a bidirectional layer counting once)", MaxStackedLayers,
            }));
        }
        if (layers.Count > MaxLayerAttributes)
        {
            issues.Add(new ValidationIssue(DiagnosticDescriptors.TooManyLayers, IssueTarget.Layer, MaxLayerAttributes, null, new object?[]
            {
                spec.ClassName, layers.Count, "layer attributes", MaxLayerAttributes,
            }));
        }
    }

    /// <summary>
    /// OneToMany and the decoder of EncoderDecoder run step by step, each output fed back as the
    /// next input: no layer there can look ahead, and the encoder–decoder needs both halves,
    /// split at one place.
    /// </summary>
    private static void ValidateGeneration(ModelSpec spec, List<ValidationIssue> issues)
    {
        var layers = spec.Layers;
        int decoderStart = WiringResolver.DecoderStart(spec);
        if (spec.Mode == SequenceMode.EncoderDecoder)
        {
            if (decoderStart < 0)
            {
                issues.Add(new ValidationIssue(DiagnosticDescriptors.NoDecoder, IssueTarget.ModelAttribute, -1, "Mode", new object?[] { spec.ClassName }));
            }
            else
            {
                if (WiringResolver.LastRecurrentBefore(spec, decoderStart) < 0)
                {
                    issues.Add(new ValidationIssue(DiagnosticDescriptors.NoEncoder, IssueTarget.Layer, decoderStart, "Decoder", new object?[] { layers[decoderStart].Name }));
                }
                // Only the first decoder layer is marked; a later mark would start nothing new.
                for (int i = decoderStart + 1; i < layers.Count; i++)
                {
                    if (layers[i].IsRecurrent && layers[i].Decoder)
                    {
                        issues.Add(new ValidationIssue(DiagnosticDescriptors.SecondDecoder, IssueTarget.Layer, i, "Decoder", new object?[] { layers[i].Name, layers[decoderStart].Name }));
                    }
                }
            }
        }
        int firstGenerating = spec.Mode == SequenceMode.OneToMany ? 0 : decoderStart;
        if (firstGenerating < 0) return;
        string mode = spec.Mode == SequenceMode.OneToMany ? "a OneToMany model" : "the decoder of an EncoderDecoder model";
        for (int i = firstGenerating; i < layers.Count; i++)
        {
            if (layers[i].IsRecurrent && layers[i].Bidirectional)
            {
                issues.Add(new ValidationIssue(DiagnosticDescriptors.BidirectionalGenerator, IssueTarget.Layer, i, "Bidirectional", new object?[] { layers[i].Name, mode }));
            }
        }
    }

    /// <summary>Why layer <paramref name="reader"/> cannot read layer <paramref name="source"/> across the encoder–decoder boundary, or null.</summary>
    private static string? DecoderCrossing(ModelSpec spec, int reader, int source)
    {
        int decoderStart = WiringResolver.DecoderStart(spec);
        if (decoderStart < 0 || reader < decoderStart) return null;
        if (reader == decoderStart)
        {
            return "the decoder's first layer reads the model's previous output and starts from the encoder's final state; remove 'From'";
        }
        return source < decoderStart
            ? $"the encoder runs over the {spec.Steps} input steps and the decoder over the {spec.OutputSteps} output steps, so their sequences do not line up; read a decoder layer"
            : null;
    }

    /// <summary>RNN0034: the decoder's first layer must take the encoder's final state as its own initial state.</summary>
    private static void ValidateStateHandOver(ModelSpec spec, int encoder, int decoder, List<ValidationIssue> issues)
    {
        var enc = spec.Layers[encoder];
        var dec = spec.Layers[decoder];
        void Report(string? argument, string reason, string? fix) =>
            issues.Add(new ValidationIssue(DiagnosticDescriptors.DecoderStateMismatch, IssueTarget.Layer, decoder, argument, new object?[] { dec.Name, enc.Name, reason }) { FixValue = fix });

        bool encLstm = enc.Kind == LayerKind.Lstm, decLstm = dec.Kind == LayerKind.Lstm;
        if (encLstm != decLstm)
        {
            Report(null, encLstm
                ? "an LSTM's state is (h, c) and a GRU's or simple RNN's only h: make the decoder an [Lstm] too"
                : "a GRU's or simple RNN's state is only h and an LSTM needs (h, c): make the decoder a [Gru] or [SimpleRnn] too", null);
            return;
        }
        int width = enc.Size * enc.Directions;
        if (dec.Size != width)
        {
            string why = enc.Bidirectional
                ? $"its hidden size is {dec.Size} and the encoder's final state is {width} wide (2 × {enc.Size}: the bidirectional encoder's forward and backward states side by side); set it to {width}"
                : $"its hidden size is {dec.Size} and the encoder's final state is {width} wide; set it to {width}";
            Report("hiddenSize", why, width.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (dec.NumLayers != enc.NumLayers)
        {
            Report("Layers", $"it stacks {dec.NumLayers} layer(s) and the encoder {enc.NumLayers}: decoder layer l starts from encoder layer l, so set 'Layers = {enc.NumLayers}'",
                enc.NumLayers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>RNN0030: in OneToMany the output is the next input, so their widths must agree.</summary>
    private static void ValidateFeedbackWidth(ModelSpec spec, LayerWiring[] wiring, List<ValidationIssue> issues)
    {
        var layers = spec.Layers;
        int last = layers.Count - 1;
        bool embedding = layers[0].Kind == LayerKind.Embedding;
        int expected = embedding ? layers[0].Size : spec.InputSize;
        int actual = wiring[last].OutputWidth;
        if (actual == expected) return;
        string what = embedding
            ? $"the embedding's vocabulary size: the most likely token is fed back"
            : "the model's InputSize";
        var head = layers[last];
        string argument = head.Kind == LayerKind.Dense ? "size" : "hiddenSize";
        string? fix = head.Kind == LayerKind.Dense || !head.Bidirectional ? expected.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        issues.Add(new ValidationIssue(DiagnosticDescriptors.FeedbackWidth, IssueTarget.Layer, last, argument, new object?[] { head.Name, expected, what, actual }) { FixValue = fix });
    }

    /// <summary>An upper bound of the floats the model allocates (parameters, gradients, activations).</summary>
    public static long EstimateFloats(ModelSpec spec, LayerWiring[] wiring)
    {
        long t = Math.Max(spec.Steps, spec.OutputSteps), b = spec.BatchSize;
        long maxHidden = 1;
        foreach (var l in spec.Layers) if (l.IsRecurrent) maxHidden = Math.Max(maxHidden, l.Size);
        long total = t * b * Math.Max(1, spec.InputSize) + b * maxHidden; // staged input, zeros
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            long w = wiring[i].OutputWidth;
            long inW = Math.Max(1, wiring[i].InputWidth);
            switch (l.Kind)
            {
                case LayerKind.Embedding: total += 2L * l.Size * l.Dimension + t * b * w; break;
                case LayerKind.Dense: total += 2L * (inW + 1) * w + t * b * w; break;
                default:
                    long h = l.Size, g = l.Gates, d = l.Directions, n = l.NumLayers;
                    total += n * d * 2L * g * h * (Math.Max(inW, d * h) + h + 2);
                    total += n * d * t * b * h * (2 * g + 4);
                    break;
            }
        }
        return total;
    }

    /// <summary>
    /// Whether a class of this name would clash with one of its generated members (CS0542): a public
    /// one (<see cref="GeneratedMembers.AllNames"/>), or starts with two underscores like every private
    /// member and nested type the generator writes (C# reserves such names for generated code).
    /// </summary>
    public static bool IsReservedName(string name) =>
        GeneratedMembers.AllNames.Contains(name) || name.StartsWith("__", StringComparison.Ordinal);

    /// <summary>Longest layer name.</summary>
    public const int MaxNameLength = 128;

    public static bool IsValidName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength) return false;
        foreach (char c in name)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\\' or '\'' || char.IsSurrogate(c)) return false;
        }
        return true;
    }

    /// <summary>The candidate with the smallest edit distance, if it is close enough to be a plausible typo.</summary>
    public static string? Nearest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            int d = Distance(name, candidate);
            if (d < bestDistance) { best = candidate; bestDistance = d; }
        }
        return best is not null && bestDistance <= Math.Max(2, name.Length / 2) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
