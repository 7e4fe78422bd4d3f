using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Parsing;

/// <summary>The parser's result: the value-only spec, and the attributes each layer came from (for diagnostics).</summary>
internal sealed class ParsedModel
{
    public ParsedModel(ModelSpec spec, AttributeData modelAttribute, ImmutableArray<AttributeData> layerAttributes, ImmutableArray<ISymbol> memberSymbols)
    {
        Spec = spec;
        ModelAttribute = modelAttribute;
        LayerAttributes = layerAttributes;
        MemberSymbols = memberSymbols;
    }

    public ModelSpec Spec { get; }

    public AttributeData ModelAttribute { get; }

    /// <summary>Parallel to <see cref="ModelSpec.Layers"/>.</summary>
    public ImmutableArray<AttributeData> LayerAttributes { get; }

    /// <summary>Parallel to <see cref="TypeShape.Members"/>.</summary>
    public ImmutableArray<ISymbol> MemberSymbols { get; }
}

/// <summary>
/// Reads a model declaration (the <c>[RnnModel]</c> class and its layer attributes) into a
/// <see cref="ModelSpec"/>. This is the only place that touches symbols and attribute data;
/// it never throws on malformed input: what it cannot read it records for the validator.
/// </summary>
internal static class ModelParser
{
    public static ParsedModel? Parse(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        AttributeData? model = null;
        var layers = ImmutableArray.CreateBuilder<AttributeData>();
        var specs = new List<LayerSpec>();
        string? badArgument = null;
        int badArgumentLayer = -1;
        var layerDeclarationNodes = new HashSet<SyntaxNode>();

        foreach (var attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = attribute.AttributeClass?.ToDisplayString();
            if (name == KnownNames.RnnModelAttribute)
            {
                model ??= attribute;
                continue;
            }
            var kind = LayerKindOf(name);
            if (kind is null) continue;

            string? layerBad = null;
            var spec = ParseLayer(kind.Value, attribute, specs.Count, ref layerBad);
            if (layerBad is not null && badArgument is null)
            {
                badArgument = layerBad;
                badArgumentLayer = specs.Count;
            }
            specs.Add(spec);
            layers.Add(attribute);
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
            var declaration = syntax?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (declaration is not null) layerDeclarationNodes.Add(declaration);
        }

        if (model is null) return null;

        int inputSize = 0, steps = 0, outputSteps = 0, batch = 1;
        var mode = SequenceMode.ManyToMany;
        var loss = LossKind.Auto;
        bool inputGiven = false, stepsGiven = false;
        string? modelBad = model.AttributeConstructor is null ? "RnnModel" : null;
        foreach (var arg in model.NamedArguments)
        {
            switch (arg.Key)
            {
                case "InputSize": inputSize = ReadInt(arg.Value, "InputSize", ref modelBad); inputGiven = true; break;
                case "Steps": steps = ReadInt(arg.Value, "Steps", ref modelBad); stepsGiven = true; break;
                case "Mode": mode = (SequenceMode)ReadInt(arg.Value, "Mode", ref modelBad); break;
                case "OutputSteps": outputSteps = ReadInt(arg.Value, "OutputSteps", ref modelBad); break;
                case "BatchSize": batch = ReadInt(arg.Value, "BatchSize", ref modelBad); break;
                case "Loss": loss = (LossKind)ReadInt(arg.Value, "Loss", ref modelBad); break;
            }
        }
        if (modelBad is not null)
        {
            badArgument = modelBad;
            badArgumentLayer = -1;
        }

        bool isClass = type.TypeKind == TypeKind.Class && !type.IsRecord;
        var members = isClass ? MemberReader.Read(type, cancellationToken) : ReadMembers.None;
        var shape = ReadShape(type, isClass, layerDeclarationNodes.Count > 1, badArgument, badArgumentLayer, members);
        var spec2 = new ModelSpec(
            Namespace: type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : "",
            ClassName: type.Name,
            Accessibility: AccessibilityKeyword(type.DeclaredAccessibility),
            ContainingTypes: new EquatableArray<string>(ContainingTypeDeclarations(type)),
            InputSize: inputSize,
            Steps: steps,
            Mode: mode,
            OutputSteps: outputSteps,
            BatchSize: batch,
            Loss: loss,
            Layers: new EquatableArray<LayerSpec>(specs.ToArray()),
            InputSizeGiven: inputGiven,
            StepsGiven: stepsGiven,
            Shape: shape);
        return new ParsedModel(spec2, model, layers.ToImmutable(), members.Symbols);
    }

    /// <summary>The layer an attribute class (by its full name) declares, or null for any other attribute.</summary>
    private static LayerKind? LayerKindOf(string? attributeClass) => Cells.LayerKinds.ByAttribute(attributeClass)?.Kind;

    /// <summary>
    /// The first layer attribute of a type that has no <c>[RnnModel]</c> (the layers are then
    /// ignored: RNN0038), or null when the type has none or is a model.
    /// </summary>
    public static AttributeData? FirstLayerWithoutModel(INamedTypeSymbol type)
    {
        AttributeData? first = null;
        foreach (var attribute in type.GetAttributes())
        {
            var name = attribute.AttributeClass?.ToDisplayString();
            if (name == KnownNames.RnnModelAttribute) return null;
            if (first is null && LayerKindOf(name) is not null) first = attribute;
        }
        return first;
    }

    private static LayerSpec ParseLayer(LayerKind kind, AttributeData attribute, int index, ref string? badArgument)
    {
        int size = 0, dimension = 0, numLayers = 1;
        bool bidirectional = false, decoder = false, nameGiven = false;
        string name = "layer" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string? from = null;
        float dropout = 0;
        var activation = kind == LayerKind.SimpleRnn ? Activation.Tanh : Activation.Identity;
        var variant = GruVariant.ResetAfter;

        if (attribute.AttributeConstructor is null)
        {
            badArgument ??= kind.ToString();
        }
        else
        {
            var ctor = attribute.ConstructorArguments;
            if (ctor.Length > 0) size = ReadInt(ctor[0], Cells.LayerKinds.Of(kind).FirstArgumentName, ref badArgument);
            if (ctor.Length > 1) dimension = ReadInt(ctor[1], "dimension", ref badArgument);
        }

        foreach (var arg in attribute.NamedArguments)
        {
            switch (arg.Key)
            {
                case "Name":
                    if (arg.Value.Value is string s) { name = s; nameGiven = true; }
                    else if (arg.Value.Kind == TypedConstantKind.Error) badArgument ??= "Name";
                    // null is the property's default: the layer keeps its default name.
                    break;
                case "From":
                    from = arg.Value.Value as string;
                    break;
                case "Layers": numLayers = ReadInt(arg.Value, "Layers", ref badArgument); break;
                case "Bidirectional": bidirectional = arg.Value.Value is true; break;
                case "Decoder": decoder = arg.Value.Value is true; break;
                case "Dropout":
                    switch (arg.Value.Value)
                    {
                        case float f: dropout = f; break;
                        case double d: dropout = (float)d; break;
                        case int i: dropout = i; break;
                        default: badArgument ??= "Dropout"; break;
                    }
                    break;
                case "Activation": activation = (Activation)ReadInt(arg.Value, "Activation", ref badArgument); break;
                case "Variant": variant = (GruVariant)ReadInt(arg.Value, "Variant", ref badArgument); break;
            }
        }

        return new LayerSpec(kind, name, size, dimension, numLayers, bidirectional, from, dropout, decoder, activation, variant, nameGiven);
    }

    private static int ReadInt(TypedConstant constant, string argument, ref string? badArgument)
    {
        if (constant.Kind == TypedConstantKind.Error || constant.Value is null)
        {
            badArgument ??= argument;
            return 0;
        }
        return constant.Value switch
        {
            int i => i,
            short s => s,
            byte b => b,
            sbyte sb => sb,
            ushort us => us,
            long l when l >= int.MinValue && l <= int.MaxValue => (int)l,
            _ => Bad(argument, ref badArgument),
        };

        static int Bad(string argument, ref string? badArgument)
        {
            badArgument ??= argument;
            return 0;
        }
    }

    private static TypeShape ReadShape(INamedTypeSymbol type, bool isClass, bool layersSplit, string? badArgument, int badArgumentLayer, ReadMembers members)
    {
        bool isPartial = type.DeclaringSyntaxReferences.Length > 0 && type.DeclaringSyntaxReferences.All(r =>
            r.GetSyntax() is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));
        bool containersPartial = true;
        string? containerProblem = null;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.Arity > 0) containerProblem ??= $"it is nested in the generic type '{outer.Name}'";
            else if (outer.IsRecord) containerProblem ??= $"it is nested in the record '{outer.Name}'";
            else if (outer.TypeKind is not (TypeKind.Class or TypeKind.Struct)) containerProblem ??= $"it is nested in the {outer.TypeKind.ToString().ToLowerInvariant()} '{outer.Name}'";
            bool outerPartial = outer.DeclaringSyntaxReferences.All(r =>
                r.GetSyntax() is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!outerPartial) containersPartial = false;
        }
        return new TypeShape(isPartial, isClass, type.IsStatic, type.Arity > 0, containersPartial, containerProblem,
            type.IsFileLocal, layersSplit, badArgument, badArgumentLayer, members.Members, ModelBase(type));
    }

    /// <summary>The nearest base class, at any depth, that carries <c>[RnnModel]</c>, or null.</summary>
    private static string? ModelBase(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.RnnModelAttribute)) return current.Name;
        }
        return null;
    }

    private static string[] ContainingTypeDeclarations(INamedTypeSymbol type)
    {
        var list = new List<string>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            var keyword = outer.TypeKind == TypeKind.Struct ? "struct" : "class";
            var staticKeyword = outer.IsStatic ? "static " : "";
            list.Insert(0, $"{staticKeyword}partial {keyword} {Identifiers.Escape(outer.Name)}");
        }
        return list.ToArray();
    }

    private static string AccessibilityKeyword(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Private => "private",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "internal",
    };
}
