using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using RnnGen.Generators.Parsing;
using RnnGen.Generators.Validation;

namespace RnnGen.Generators.Diagnostics;

/// <summary>
/// Reports every problem of a model declaration while the user types, at the attribute argument
/// that is wrong. It runs the generator's own parser and validator: one source of truth.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RnnModelAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = typeof(DiagnosticDescriptors)
        .GetFields()
        .Select(f => f.GetValue(null))
        .OfType<DiagnosticDescriptor>()
        .ToImmutableArray();

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Resolve the attribute type once per compilation.
            var modelAttribute = start.Compilation.GetTypeByMetadataName(KnownNames.RnnModelAttribute);
            if (modelAttribute is null)
            {
                // No runtime: [RnnModel] cannot bind (the compiler says so too); say what to reference.
                start.RegisterSyntaxNodeAction(ReportMissingRuntime, SyntaxKind.Attribute);
                return;
            }
            var runtime = modelAttribute.ContainingAssembly.Identity.Version;
            var generator = typeof(RnnModelAnalyzer).Assembly.GetName().Version ?? new System.Version(0, 0);
            bool tooOld = runtime < new System.Version(generator.Major, generator.Minor, generator.Build < 0 ? 0 : generator.Build);
            start.RegisterSymbolAction(ctx => AnalyzeType(ctx, modelAttribute, tooOld ? (runtime, generator) : null), SymbolKind.NamedType);
            start.RegisterSyntaxNodeAction(ctx => AnalyzeStepAccess(ctx, modelAttribute), SyntaxKind.SimpleMemberAccessExpression);
        });
    }

    private static void ReportMissingRuntime(SyntaxNodeAnalysisContext context)
    {
        var attribute = (AttributeSyntax)context.Node;
        if (SimpleName(attribute.Name) is "RnnModel" or "RnnModelAttribute")
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RuntimeMissing, attribute.GetLocation()));
        }
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol modelAttribute, (System.Version Runtime, System.Version Generator)? tooOld)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, modelAttribute)))
        {
            ReportLayersWithoutModel(context, type);
            return;
        }
        if (tooOld is { } versions)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RuntimeTooOld, type.Locations.FirstOrDefault() ?? Location.None,
                versions.Runtime.ToString(3), versions.Generator.ToString(3)));
        }
        var parsed = ModelParser.Parse(type, context.CancellationToken);
        if (parsed is null) return;
        foreach (var issue in ModelValidator.Validate(parsed.Spec))
        {
            var properties = issue.FixValue is null
                ? ImmutableDictionary<string, string?>.Empty
                : ImmutableDictionary<string, string?>.Empty
                    .Add(ValidationIssue.FixValueProperty, issue.FixValue)
                    .Add(ValidationIssue.FixArgumentProperty, issue.Argument);
            context.ReportDiagnostic(Diagnostic.Create(issue.Descriptor, Locate(type, parsed, issue, context.CancellationToken), properties, issue.Args));
        }
    }

    /// <summary>RNN0038: layer attributes on a class without <c>[RnnModel]</c> are ignored; say so at the first one.</summary>
    private static void ReportLayersWithoutModel(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || ModelParser.FirstLayerWithoutModel(type) is not { } first) return;
        var location = first.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation()
            ?? type.Locations.FirstOrDefault() ?? Location.None;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LayersWithoutModel, location, type.Name));
    }

    /// <summary>
    /// RNN0029: <c>model.Step</c> on a bidirectional model. The generator leaves <c>Step</c> out
    /// (the backward direction needs the whole sequence), so the compiler only says the member is
    /// missing; this says why and what to do instead.
    /// </summary>
    private static void AnalyzeStepAccess(SyntaxNodeAnalysisContext context, INamedTypeSymbol modelAttribute)
    {
        var access = (MemberAccessExpressionSyntax)context.Node;
        if (access.Name.Identifier.ValueText != "Step") return;
        if (context.SemanticModel.GetSymbolInfo(access, context.CancellationToken).Symbol is not null) return;
        if (context.SemanticModel.GetTypeInfo(access.Expression, context.CancellationToken).Type is not INamedTypeSymbol type) return;
        if (!type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, modelAttribute))) return;
        var parsed = ModelParser.Parse(type, context.CancellationToken);
        var bidirectional = parsed?.Spec.Layers.FirstOrDefault(l => l.IsRecurrent && l.Bidirectional);
        if (bidirectional is null) return;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StepOnBidirectional, access.Name.GetLocation(), type.Name, "Step", bidirectional.Name));
    }

    /// <summary>The rightmost identifier of a written type name: <c>Base</c> in <c>global::Demo.Base</c>.</summary>
    private static string SimpleName(TypeSyntax name) => name switch
    {
        QualifiedNameSyntax q => q.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
        SimpleNameSyntax n => n.Identifier.ValueText,
        _ => "",
    };

    /// <summary>
    /// The base class as written in a base list (the first entry of the declaration that names it),
    /// or null when no declaration writes it under its own name (an alias).
    /// </summary>
    private static BaseTypeSyntax? BaseClassSyntax(INamedTypeSymbol type, System.Threading.CancellationToken ct)
    {
        if (type.BaseType is not { } baseType) return null;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(ct) is TypeDeclarationSyntax { BaseList.Types: { Count: > 0 } types } && SimpleName(types[0].Type) == baseType.Name)
            {
                return types[0];
            }
        }
        return null;
    }

    /// <summary>A member's name in the user's source; for a primary constructor, its parameter list.</summary>
    private static Location? LocateMember(ISymbol member, System.Threading.CancellationToken ct)
    {
        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            if (member is IMethodSymbol && reference.GetSyntax(ct) is TypeDeclarationSyntax declaration)
            {
                var parameters = declaration.ChildNodes().OfType<ParameterListSyntax>().FirstOrDefault();
                return parameters?.GetLocation() ?? declaration.Identifier.GetLocation();
            }
        }
        return member.Locations.FirstOrDefault(l => l.IsInSource);
    }

    private static Location Locate(INamedTypeSymbol type, ParsedModel parsed, ValidationIssue issue, System.Threading.CancellationToken ct)
    {
        if (issue.Target == IssueTarget.BaseType && BaseClassSyntax(type, ct) is { } baseClass)
        {
            return baseClass.GetLocation();
        }
        if (issue.Target is IssueTarget.Class or IssueTarget.BaseType)
        {
            return type.Locations.FirstOrDefault() ?? Location.None;
        }
        if (issue.Target == IssueTarget.Member)
        {
            return LocateMember(parsed.MemberSymbols[issue.LayerIndex], ct) ?? type.Locations.FirstOrDefault() ?? Location.None;
        }
        var attribute = issue.Target == IssueTarget.Layer ? parsed.LayerAttributes[issue.LayerIndex] : parsed.ModelAttribute;
        if (attribute.ApplicationSyntaxReference?.GetSyntax(ct) is not AttributeSyntax syntax)
        {
            return type.Locations.FirstOrDefault() ?? Location.None;
        }
        if (issue.Argument is not null && syntax.ArgumentList is { } args)
        {
            int positional = issue.Argument switch { "hiddenSize" or "size" or "vocabularySize" => 0, "dimension" => 1, _ => -1 };
            int index = 0;
            foreach (var arg in args.Arguments)
            {
                if (arg.NameEquals is not null)
                {
                    if (arg.NameEquals.Name.Identifier.ValueText == issue.Argument) return arg.GetLocation();
                    continue;
                }
                if (arg.NameColon is not null)
                {
                    if (arg.NameColon.Name.Identifier.ValueText == issue.Argument) return arg.GetLocation();
                    index++;
                    continue;
                }
                if (positional >= 0 && index == positional) return arg.GetLocation();
                index++;
            }
        }
        return syntax.GetLocation();
    }
}
