using RnnGen.Generators.Helpers;

namespace RnnGen.Generators.Model;

/// <summary>
/// Everything the generator needs to know about one model declaration, as plain values.
/// This is the contract between parsing and the rest of the pipeline: it holds no symbol,
/// syntax node, location or compilation, so the incremental pipeline can compare two of them
/// by value and skip regeneration when nothing that matters has changed.
/// </summary>
/// <param name="Namespace">The containing namespace, or empty for the global namespace.</param>
/// <param name="ClassName">The class's simple name.</param>
/// <param name="Accessibility">The declared accessibility keyword(s), e.g. <c>public</c>.</param>
/// <param name="ContainingTypes">Declarations of enclosing types, outermost first, e.g. <c>partial class Outer</c>.</param>
/// <param name="InputSize">Features per step X; 0 when omitted.</param>
/// <param name="Steps">Sequence length T; 0 when omitted.</param>
/// <param name="Mode">The sequence mode.</param>
/// <param name="OutputSteps">Decoder length (EncoderDecoder); 0 when omitted.</param>
/// <param name="BatchSize">Batch size B.</param>
/// <param name="Loss">The declared loss.</param>
/// <param name="Layers">The layers in declaration order.</param>
/// <param name="InputSizeGiven">Whether <c>InputSize</c> was written in the attribute.</param>
/// <param name="StepsGiven">Whether <c>Steps</c> was written in the attribute.</param>
/// <param name="Shape">Facts about the declaring type that decide whether code can be generated for it.</param>
internal sealed record ModelSpec(
    string Namespace,
    string ClassName,
    string Accessibility,
    EquatableArray<string> ContainingTypes,
    int InputSize,
    int Steps,
    SequenceMode Mode,
    int OutputSteps,
    int BatchSize,
    LossKind Loss,
    EquatableArray<LayerSpec> Layers,
    bool InputSizeGiven,
    bool StepsGiven,
    TypeShape Shape)
{
    /// <summary>The fully qualified name, also the hint name's stem, e.g. <c>Demo.CharRnn</c> or <c>Demo.Outer.Tagger</c>.</summary>
    public string FullName
    {
        get
        {
            var parts = new System.Collections.Generic.List<string>();
            if (Namespace.Length > 0) parts.Add(Namespace);
            foreach (var declaration in ContainingTypes) parts.Add(declaration.Substring(declaration.LastIndexOf(' ') + 1).TrimStart('@'));
            parts.Add(ClassName);
            return string.Join(".", parts);
        }
    }
}

/// <summary>One layer attribute as written.</summary>
/// <param name="Kind">Which attribute.</param>
/// <param name="Name">The <c>Name</c> argument, or the default <c>layerN</c>.</param>
/// <param name="Size">Hidden size H (recurrent), output size (Dense), vocabulary size (Embedding).</param>
/// <param name="Dimension">Embedding dimension; 0 for other kinds.</param>
/// <param name="NumLayers">Stacked layers (recurrent); 1 otherwise.</param>
/// <param name="Bidirectional">Whether the layer runs in both directions.</param>
/// <param name="From">The name of the layer it reads, or null for the previous one.</param>
/// <param name="Dropout">Dropout between stacked layers (training only).</param>
/// <param name="Decoder">Whether the layer starts the decoder (EncoderDecoder).</param>
/// <param name="Activation">SimpleRnn or Dense activation.</param>
/// <param name="Variant">GRU variant.</param>
/// <param name="NameGiven">Whether <c>Name</c> was written.</param>
internal sealed record LayerSpec(
    LayerKind Kind,
    string Name,
    int Size,
    int Dimension,
    int NumLayers,
    bool Bidirectional,
    string? From,
    float Dropout,
    bool Decoder,
    Activation Activation,
    GruVariant Variant,
    bool NameGiven)
{
    public bool IsRecurrent => Cells.LayerKinds.Of(Kind).IsRecurrent;

    /// <summary>Gate blocks per cell: LSTM 4 (i, f, g, o), GRU 3 (r, z, n), RNN 1.</summary>
    public int Gates => Cells.LayerKinds.Of(Kind).Gates;

    public int Directions => Bidirectional ? 2 : 1;
}

/// <summary>Facts about the declaring type (all must be "good" for code to be generated).</summary>
/// <param name="IsPartial">Declared <c>partial</c>.</param>
/// <param name="IsClass">A class (not a struct, interface or record).</param>
/// <param name="IsStatic">Declared <c>static</c>.</param>
/// <param name="IsGeneric">Has type parameters.</param>
/// <param name="ContainersPartial">Every enclosing type is declared partial.</param>
/// <param name="ContainerProblem">Why an enclosing type cannot hold a model (generic, record, interface), or null.</param>
/// <param name="IsFileLocal">Declared with the <c>file</c> modifier.</param>
/// <param name="LayersSplit">Layer attributes sit on more than one partial declaration (their order is then ambiguous).</param>
/// <param name="BadArgument">Name of an attribute argument whose value could not be read (e.g. not a constant), or null.</param>
/// <param name="BadArgumentLayer">The layer index of <paramref name="BadArgument"/>, or -1 for <c>[RnnModel]</c>.</param>
/// <param name="Members">The class's own and inherited members that may collide with generated ones (their names are among <see cref="GeneratedMembers.AllNames"/>, or they are constructors), in the order the parser met them.</param>
/// <param name="ModelBase">The name of the nearest base class (at any depth) that is itself a model, or null.</param>
internal sealed record TypeShape(
    bool IsPartial,
    bool IsClass,
    bool IsStatic,
    bool IsGeneric,
    bool ContainersPartial,
    string? ContainerProblem,
    bool IsFileLocal,
    bool LayersSplit,
    string? BadArgument,
    int BadArgumentLayer,
    EquatableArray<UserMember> Members,
    string? ModelBase);
