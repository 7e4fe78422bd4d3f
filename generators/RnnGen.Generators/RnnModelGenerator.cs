using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using RnnGen.Generators.Emitting;
using RnnGen.Generators.Lowering;
using RnnGen.Generators.Model;
using RnnGen.Generators.Parsing;
using RnnGen.Generators.Validation;

namespace RnnGen.Generators;

/// <summary>
/// Compiles every <c>[RnnModel]</c> partial class into a specialized model:
/// parse (symbols → <see cref="ModelSpec"/>) → validate → lower (<see cref="ModelPlan"/>) → emit.
/// Diagnostics come from <see cref="Diagnostics.RnnModelAnalyzer"/>, which runs the same parser and
/// validator; the generator emits nothing for an invalid model and never throws.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RnnModelGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Only declarations carrying [RnnModel] reach the transform (the compiler's attribute index
        // makes this cheap); the transform reads symbols once and returns a value-equatable spec,
        // so an edit that does not change any spec stops the pipeline here.
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.RnnModelAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => ctx.TargetSymbol is INamedTypeSymbol type ? ParseValid(type, ct) : null)
            .WithTrackingName(TrackingNames.Models);

        var valid = models
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.ValidModels);

        context.RegisterSourceOutput(valid, static (spc, spec) => Emit(spc, spec));
    }

    private static ModelSpec? ParseValid(INamedTypeSymbol type, System.Threading.CancellationToken ct)
    {
        try
        {
            // [RnnModel] allows one use per type; on several partial declarations (CS0579) the
            // transform would run once per declaration: generate nothing, the compiler has said why.
            int uses = 0;
            foreach (var attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == KnownNames.RnnModelAttribute) uses++;
            }
            if (uses != 1) return null;
            var parsed = ModelParser.Parse(type, ct);
            if (parsed is null) return null;
            return ModelValidator.HasErrors(ModelValidator.Validate(parsed.Spec)) ? null : parsed.Spec;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception)
        {
            // Never take the compilation down: the analyzer reports what is wrong with the model.
            return null;
        }
    }

    private static void Emit(SourceProductionContext context, ModelSpec spec)
    {
        string source;
        try
        {
            source = ModelEmitter.Emit(Planner.Plan(spec));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.DiagnosticDescriptors.InternalError, Location.None, spec.FullName, e.Message));
            return;
        }
        try
        {
            context.AddSource(spec.FullName + ".g.cs", SourceText.From(source, System.Text.Encoding.UTF8));
        }
        catch (ArgumentException)
        {
            // The same type reached emission twice (only possible alongside compiler errors): its source is already added.
        }
    }
}
