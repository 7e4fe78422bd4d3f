using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Parsing;

/// <summary>The members of a model class that may collide with generated ones, as values, and the symbols they came from.</summary>
internal sealed class ReadMembers
{
    public ReadMembers(EquatableArray<UserMember> members, ImmutableArray<ISymbol> symbols)
    {
        Members = members;
        Symbols = symbols;
    }

    public EquatableArray<UserMember> Members { get; }

    /// <summary>Parallel to <see cref="Members"/> (for the analyzer's locations).</summary>
    public ImmutableArray<ISymbol> Symbols { get; }

    public static ReadMembers None { get; } = new(default, ImmutableArray<ISymbol>.Empty);
}

/// <summary>
/// Reads the user's members of a model class whose names the generator may use (see
/// <see cref="GeneratedMembers.AllNames"/>), its constructors, its explicit implementations of
/// RnnGen's interfaces, and what it inherits under those names from its base classes, into
/// <see cref="UserMember"/> values. Members that RnnGen itself generated for the class (visible
/// to the analyzer, which runs after generation) are left out, so the generator and the analyzer
/// read the same members.
/// </summary>
internal static class MemberReader
{
    /// <summary>How types are written in <see cref="MemberSignature"/>: <c>System.ReadOnlySpan&lt;float&gt;</c>, <c>int[]</c>, no <c>global::</c>, no nullable annotations.</summary>
    public static SymbolDisplayFormat TypeFormat { get; } = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    /// <summary>The folder of the generator's files in a compilation.</summary>
    private const string GeneratorFolder = KnownNames.Generator;

    private const string ConstructorName = ".ctor";

    public static ReadMembers Read(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var found = new List<(UserMember Member, ISymbol Symbol)>();
        // Every member: explicit interface implementations are not among the type's member names.
        foreach (var symbol in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!MayCollide(symbol.Name, declared: true) || symbol.IsImplicitlyDeclared || IsGeneratedByRnnGen(symbol) || ImplementsOtherInterface(symbol)) continue;
            if (Describe(symbol, type.Name) is not { } signature) continue;
            found.Add((new UserMember(signature, null, IsPrimaryConstructor(symbol)), symbol));
        }

        for (var baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
        {
            // RNN0040: every generated member would hide one of the base model's; its members say nothing more.
            if (IsModel(baseType)) break;
            string from = baseType.ToDisplayString(TypeFormat);
            foreach (var name in Names(baseType))
            {
                if (!MayCollide(name, declared: false)) continue;
                foreach (var symbol in baseType.GetMembers(name))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (symbol.IsImplicitlyDeclared || symbol is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor }) continue;
                    if (!IsVisibleFrom(symbol, type)) continue;
                    if (Describe(symbol, type.Name) is not { } signature) continue;
                    found.Add((new UserMember(signature, from, false), symbol));
                }
            }
        }

        // A stable order, so that equal declarations give equal specs.
        found.Sort((a, b) => string.CompareOrdinal(SortKey(a.Member), SortKey(b.Member)));
        return new ReadMembers(
            new EquatableArray<UserMember>(found.Select(f => f.Member).ToArray()),
            found.Select(f => f.Symbol).ToImmutableArray());
    }

    /// <summary>The names of a type's members and nested types (distinct; <see cref="INamedTypeSymbol.MemberNames"/> leaves types out).</summary>
    private static IEnumerable<string> Names(INamedTypeSymbol type) =>
        type.MemberNames.Concat(type.GetTypeMembers().Select(t => t.Name)).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Whether a member of this name can clash with a generated one: a generated name, a property
    /// accessor's name (<c>get_Parameters</c>), a constructor, or (declared in the class) an explicit
    /// interface implementation, named after its interface (<c>IRnnModel.InputLength</c>).
    /// </summary>
    private static bool MayCollide(string name, bool declared)
    {
        if (GeneratedMembers.AllNames.Contains(name)) return true;
        if (!declared) return false; // accessor names hide nothing
        if ((name.StartsWith("get_", StringComparison.Ordinal) || name.StartsWith("set_", StringComparison.Ordinal))
            && GeneratedMembers.AllNames.Contains(name.Substring(4))) return true;
        return name == ConstructorName || name.IndexOf('.') > 0;
    }

    /// <summary>An explicit implementation of an interface that is not RnnGen's: the generated code never implements it.</summary>
    private static bool ImplementsOtherInterface(ISymbol symbol)
    {
        var implemented = symbol switch
        {
            IPropertySymbol p => p.ExplicitInterfaceImplementations.FirstOrDefault(),
            IMethodSymbol m => m.ExplicitInterfaceImplementations.FirstOrDefault(),
            IEventSymbol e => e.ExplicitInterfaceImplementations.FirstOrDefault(),
            _ => (ISymbol?)null,
        };
        return implemented is not null && implemented.ContainingNamespace?.ToDisplayString() != "RnnGen";
    }

    /// <summary>The member as a <see cref="MemberSignature"/>, or null for members that cannot clash by name (operators, indexers, accessors of the user's own properties…).</summary>
    public static MemberSignature? Describe(ISymbol symbol, string className)
    {
        switch (symbol)
        {
            case IFieldSymbol field:
                return MemberSignature.Plain(field.Name, field.IsConst ? MemberKind.Constant : MemberKind.Field);
            case IEventSymbol e:
                return e.ExplicitInterfaceImplementations.Length > 0 ? null : MemberSignature.Plain(e.Name, MemberKind.Event);
            case IPropertySymbol property:
                if (property.IsIndexer) return null;
                return property.ExplicitInterfaceImplementations.FirstOrDefault() is { } implemented
                    ? MemberSignature.Plain(ExplicitName(implemented), MemberKind.Property)
                    : MemberSignature.Plain(property.Name, MemberKind.Property);
            case INamedTypeSymbol nested:
                return MemberSignature.Plain(nested.Name, MemberKind.NestedType);
            case IMethodSymbol method:
            {
                string[] parameters = method.Parameters.Select(Parameter).ToArray();
                switch (method.MethodKind)
                {
                    case MethodKind.Constructor:
                        return new MemberSignature(className, MemberKind.Constructor, new EquatableArray<string>(parameters), 0);
                    case MethodKind.Ordinary:
                        return new MemberSignature(method.Name, MemberKind.Method, new EquatableArray<string>(parameters), method.Arity);
                    case MethodKind.ExplicitInterfaceImplementation:
                        return new MemberSignature(ExplicitName(method.ExplicitInterfaceImplementations[0]), MemberKind.Method, new EquatableArray<string>(parameters), method.Arity);
                    default:
                        return null;
                }
            }
            default:
                return null;
        }
    }

    /// <summary>A parameter's type with its by-reference modifier: <c>out float</c>, <c>System.Span&lt;float&gt;</c>.</summary>
    public static string Parameter(IParameterSymbol parameter)
    {
        string prefix = parameter.RefKind switch
        {
            RefKind.None => "",
            RefKind.Ref => "ref ",
            RefKind.Out => "out ",
            RefKind.In => "in ",
            _ => "ref readonly ",
        };
        return prefix + parameter.Type.ToDisplayString(TypeFormat);
    }

    /// <summary>An implemented interface member's qualified name, e.g. <c>RnnGen.ITrainableRnnModel&lt;float, int&gt;.TargetLength</c>.</summary>
    private static string ExplicitName(ISymbol implemented) =>
        implemented.ContainingType.ToDisplayString(TypeFormat) + "." + implemented.Name;

    /// <summary>Whether every declaration of <paramref name="symbol"/> is in a file RnnGen generated.</summary>
    public static bool IsGeneratedByRnnGen(ISymbol symbol)
    {
        var references = symbol.DeclaringSyntaxReferences;
        return references.Length > 0 && references.All(r => IsRnnGenFile(r.SyntaxTree.FilePath));
    }

    private static bool IsRnnGenFile(string path)
    {
        int slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        if (slash < GeneratorFolder.Length) return false;
        int start = slash - GeneratorFolder.Length;
        return string.CompareOrdinal(path, start, GeneratorFolder, 0, GeneratorFolder.Length) == 0
            && (start == 0 || path[start - 1] is '/' or '\\');
    }

    private static bool IsPrimaryConstructor(ISymbol symbol) =>
        symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
        && constructor.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax);

    /// <summary>An RnnGen model: it carries <c>[RnnModel]</c>, or implements <c>RnnGen.IRnnModel</c> (a model compiled elsewhere, or written by hand).</summary>
    private static bool IsModel(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.RnnModelAttribute)
        || type.AllInterfaces.Any(i => i.ToDisplayString() == KnownNames.IRnnModel);

    /// <summary>Whether a member of a base class can be seen (and so hidden) from <paramref name="derived"/>.</summary>
    private static bool IsVisibleFrom(ISymbol member, INamedTypeSymbol derived)
    {
        switch (member.DeclaredAccessibility)
        {
            case Accessibility.Public:
            case Accessibility.Protected:
            case Accessibility.ProtectedOrInternal:
                return true;
            case Accessibility.Internal:
            case Accessibility.ProtectedAndInternal:
                var from = member.ContainingAssembly;
                var to = derived.ContainingAssembly;
                return from is not null && to is not null && (SymbolEqualityComparer.Default.Equals(from, to) || from.GivesAccessTo(to));
            default:
                return false;
        }
    }

    private static string SortKey(UserMember member) =>
        (member.InheritedFrom ?? "") + "\u0001" + member.Signature.Name + "\u0001" + (int)member.Signature.Kind + "\u0001" + member.Signature.Display;
}
