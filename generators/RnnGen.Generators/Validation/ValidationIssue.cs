using Microsoft.CodeAnalysis;

namespace RnnGen.Generators.Validation;

/// <summary>Where a problem sits: the class, its base class in the base list, the [RnnModel] attribute, one layer attribute, or one member the user declared in the class.</summary>
internal enum IssueTarget { Class, BaseType, ModelAttribute, Layer, Member }

/// <summary>One problem found by <see cref="ModelValidator"/>, located by target and argument name.</summary>
/// <param name="Descriptor">The diagnostic.</param>
/// <param name="Target">What it is about.</param>
/// <param name="LayerIndex">The layer, when <paramref name="Target"/> is <see cref="IssueTarget.Layer"/>; the index in <see cref="Model.TypeShape.Members"/> when it is <see cref="IssueTarget.Member"/>.</param>
/// <param name="Argument">The attribute argument at fault (a named property, or the constructor parameter's name: "hiddenSize", "size", "vocabularySize", "dimension"), or null for the whole attribute.</param>
/// <param name="Args">Message arguments.</param>
internal sealed record ValidationIssue(DiagnosticDescriptor Descriptor, IssueTarget Target, int LayerIndex, string? Argument, object?[] Args)
{
    /// <summary>The value a code fix can write into <see cref="Argument"/> to resolve the issue (an inferred size), or null.</summary>
    public string? FixValue { get; init; }

    /// <summary>The diagnostic property that carries <see cref="FixValue"/> to the code fix.</summary>
    public const string FixValueProperty = "FixValue";

    /// <summary>The diagnostic property that carries <see cref="Argument"/> (the argument to set) to the code fix.</summary>
    public const string FixArgumentProperty = "FixArgument";
}
