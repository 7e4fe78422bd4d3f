using Microsoft.CodeAnalysis;

namespace RnnGen.Generators.Diagnostics;

/// <summary>
/// Every diagnostic RnnGen reports. IDs are never reused; each has a page under
/// <c>docs/diagnostics/</c> and a row in <c>AnalyzerReleases.Unshipped.md</c>.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "RnnGen";
    private const string HelpBase = "https://github.com/rnngen/rnngen/blob/main/docs/diagnostics/";

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");

    public static readonly DiagnosticDescriptor NotPartial = Error("RNN0001",
        "Model class must be partial",
        "The model class '{0}' must be declared 'partial' (and so must every type that contains it) so that RnnGen can add its members");

    public static readonly DiagnosticDescriptor UnsupportedType = Error("RNN0002",
        "Unsupported model type",
        "'{0}' cannot be a model: {1}");

    public static readonly DiagnosticDescriptor StepsMissing = Error("RNN0003",
        "Steps is missing or not positive",
        "[RnnModel] needs 'Steps' = the sequence length T, a positive number (it is {0})");

    public static readonly DiagnosticDescriptor InputSizeMissing = Error("RNN0004",
        "InputSize is missing",
        "[RnnModel] needs 'InputSize' = features per step, a positive number, unless the first layer is an [Embedding]");

    public static readonly DiagnosticDescriptor InputSizeWithEmbedding = Error("RNN0005",
        "InputSize given with an embedding",
        "'InputSize' must be omitted when the first layer is an [Embedding]: the inputs are token ids and the embedding's dimension ({0}) is the width");

    public static readonly DiagnosticDescriptor SizeOutOfRange = Error("RNN0006",
        "Size out of range",
        "'{0}' of {1} is {2}; it must be between 1 and {3}");

    public static readonly DiagnosticDescriptor LayersOutOfRange = Error("RNN0007",
        "Layers out of range",
        "'Layers' of '{0}' is {1}; it must be between 1 and {2}");

    public static readonly DiagnosticDescriptor DropoutOutOfRange = Error("RNN0008",
        "Dropout outside [0, 1)",
        "'Dropout' of '{0}' is {1}; it must be at least 0 and less than 1");

    public static readonly DiagnosticDescriptor UnknownFrom = Error("RNN0009",
        "Unknown layer in From",
        "'From' of '{0}' names '{1}', which is not an earlier layer of this model{2}");

    public static readonly DiagnosticDescriptor DuplicateName = Error("RNN0010",
        "Duplicate layer name",
        "Two layers are named '{0}'; layer names must be unique (they prefix the tensor names)");

    public static readonly DiagnosticDescriptor EmbeddingNotFirst = Error("RNN0011",
        "Embedding must be the first layer",
        "[Embedding] '{0}' must be the first layer: it turns the model's token ids into vectors");

    public static readonly DiagnosticDescriptor NoRecurrentLayer = Error("RNN0012",
        "No recurrent layer",
        "The model '{0}' has no recurrent layer: add [Lstm], [Gru] or [SimpleRnn]");

    public static readonly DiagnosticDescriptor UnsupportedActivation = Error("RNN0013",
        "Unsupported activation",
        "{0} does not support activation '{1}'; use {2}");

    public static readonly DiagnosticDescriptor ModeNotSupported = Error("RNN0014",
        "Unknown sequence mode",
        "Mode '{0}' is not a SequenceMode this version of RnnGen knows; use ManyToMany, ManyToOne, OneToMany or EncoderDecoder");


    public static readonly DiagnosticDescriptor InvalidName = Error("RNN0016",
        "Invalid layer name",
        "Layer name '{0}' is not valid: use a non-empty name of at most 128 characters without spaces, quotes or backslashes (it prefixes tensor names such as 'name.weight')");

    public static readonly DiagnosticDescriptor EncoderDecoderOnly = Error("RNN0017",
        "Option only for EncoderDecoder",
        "'{0}' is only meaningful in an EncoderDecoder model");

    public static readonly DiagnosticDescriptor LayersSplit = Error("RNN0018",
        "Layers split across partial declarations",
        "The layer attributes of '{0}' sit on more than one partial declaration, so their order is ambiguous; put them all on one declaration");

    public static readonly DiagnosticDescriptor BadArgument = Error("RNN0019",
        "Attribute argument cannot be read",
        "The value of '{0}' cannot be read; use a constant of the documented type");

    public static readonly DiagnosticDescriptor ModelTooLarge = Error("RNN0020",
        "Model too large",
        "The model '{0}' needs {1} floats of {2}; the limit is {3}: reduce sizes, Steps or BatchSize");

    public static readonly DiagnosticDescriptor UnusedLayer = Warning("RNN0021",
        "Layer output is never read",
        "The output of '{0}' is never read: no layer names it in 'From' and it is not the last layer");

    public static readonly DiagnosticDescriptor LossContradictsHead = Error("RNN0022",
        "Loss does not fit the head",
        "Loss '{0}' needs {1}");

    public static readonly DiagnosticDescriptor ManyToOneOutputIsSequence = Error("RNN0023",
        "ManyToOne output is a sequence",
        "The last layer '{0}' outputs a sequence, but a ManyToOne model outputs one vector per sequence: let it read the last recurrent layer (or a layer after it)");

    public static readonly DiagnosticDescriptor InternalError = Error("RNN0024",
        "Internal generator error",
        "RnnGen could not generate '{0}': {1}. Please report this with the model declaration.");

    public static readonly DiagnosticDescriptor SquaredErrorOnProbabilities = Warning("RNN0025",
        "Mean squared error on a probability head",
        "Loss 'MeanSquaredError' on a head with Activation.{0} learns slowly: its gradient vanishes where the outputs saturate; the default loss for this head is {1}");

    public static readonly DiagnosticDescriptor RuntimeMissing = Error("RNN0026",
        "RnnGen runtime not referenced",
        "[RnnModel] is used but the RnnGen runtime assembly is not referenced: reference the RnnGen package (or src/RnnGen/RnnGen.csproj) as well as the generator");

    public static readonly DiagnosticDescriptor RuntimeTooOld = Error("RNN0027",
        "RnnGen runtime too old",
        "The referenced RnnGen runtime is version {0}, older than the generator ({1}): the generated code needs a runtime at least as new; update the RnnGen package");

    public static readonly DiagnosticDescriptor BidirectionalGenerator = Error("RNN0028",
        "Bidirectional layer in a generating model",
        "'{0}' is bidirectional, but {1} feeds each output back as the next input: the backward direction would need outputs that do not exist yet; remove 'Bidirectional'");

    public static readonly DiagnosticDescriptor StepOnBidirectional = Error("RNN0029",
        "Streaming a bidirectional model",
        "'{0}' has no '{1}': its layer '{2}' is bidirectional, and the backward direction needs the whole sequence before the first output; call Predict on whole sequences, or make the layer unidirectional to stream");

    public static readonly DiagnosticDescriptor FeedbackWidth = Error("RNN0030",
        "Output cannot be fed back as input",
        "A OneToMany model feeds each output back as the next input, so '{0}' must output {1} features ({2}); it outputs {3}");

    public static readonly DiagnosticDescriptor NoDecoder = Error("RNN0031",
        "EncoderDecoder without a decoder",
        "The EncoderDecoder model '{0}' has no recurrent layer marked 'Decoder = true': mark the recurrent layer that starts the decoder");

    public static readonly DiagnosticDescriptor OutputStepsMissing = Error("RNN0032",
        "OutputSteps is missing or not positive",
        "An EncoderDecoder model needs 'OutputSteps' = the decoder's output length, a positive number (it is {0})");

    public static readonly DiagnosticDescriptor NoEncoder = Error("RNN0033",
        "Decoder without an encoder",
        "'{0}' starts the decoder, but no recurrent layer comes before it to encode the input: declare the encoder's recurrent layer first");

    public static readonly DiagnosticDescriptor DecoderStateMismatch = Error("RNN0034",
        "Decoder cannot take the encoder's state",
        "Decoder '{0}' starts from the final state of encoder '{1}', but {2}");

    public static readonly DiagnosticDescriptor DecoderReadsEncoder = Error("RNN0035",
        "Decoder layer reads the encoder",
        "'{0}' is part of the decoder and cannot read '{1}': {2}");

    public static readonly DiagnosticDescriptor LargeCode = Warning("RNN0036",
        "Generated code is very large",
        "'{0}' generates about {1:N0} lines of C# ({2} recurrent layer passes); code this large slows the build and the IDE and its methods grow past the sizes the JIT optimizes: use fewer stacked layers, or drop 'Bidirectional' where the model does not need it");

    public static readonly DiagnosticDescriptor LargeMemory = Warning("RNN0037",
        "Model needs a lot of memory",
        "'{0}' allocates about {1:N0} MB per instance for parameters, gradients and activations (Steps = {2}, BatchSize = {3}); if that is not intended, reduce Steps, BatchSize or the hidden sizes");

    public static readonly DiagnosticDescriptor LayersWithoutModel = Warning("RNN0038",
        "Layer attributes without [RnnModel]",
        "'{0}' has layer attributes but no [RnnModel], so they are ignored and no model is generated: add [RnnModel] to make it a model");

    public static readonly DiagnosticDescriptor SecondDecoder = Error("RNN0039",
        "More than one decoder start",
        "'{0}' is marked 'Decoder = true', but '{1}' already starts the decoder and every layer after it belongs to the decoder: mark only the first decoder layer");

    public static readonly DiagnosticDescriptor DerivedModel = Error("RNN0040",
        "Model derives from another model",
        "The model '{0}' derives from the model '{1}': a model owns its parameter buffer, its work buffers and their layout, and the generated members of both would collide; derive from a class that is not a model, and hold '{1}' in a field to reuse it");

    public static readonly DiagnosticDescriptor TooManyLayers = Error("RNN0041",
        "Too many layers",
        "'{0}' has {1} {2}; the limit is {3}: every layer gets its own generated code, and beyond that the code slows every build and the IDE; use fewer, wider layers");

    public static readonly DiagnosticDescriptor MemberCollision = Error("RNN0042",
        "Member collides with a generated member",
        "The {0} '{1}'{2} collides with the generated {3} '{4}': {5}");

    public static readonly DiagnosticDescriptor PrimaryConstructor = Error("RNN0043",
        "Model class has a primary constructor",
        "The model class '{0}' has a primary constructor, which the generated constructors '{0}()' and '{0}(int seed)' cannot call; declare an ordinary constructor instead and chain it to a generated one with ': this(seed)'");
}
