using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RnnGen.Generators.Tests.Reference;

/// <summary>
/// Reads RnnGen attribute text — e.g. <c>[RnnModel(InputSize = 5, Steps = 6)] [Lstm(7, Name = "lstm")]</c>,
/// with or without a class declaration after it — into a <see cref="ModelConfig"/>. It uses
/// only the C# parser (no binding), so it stands apart from the generator.
/// </summary>
public static class AttributeTextParser
{
    /// <summary>Parses the attributes of the first class in <paramref name="text"/> (or of the bare attribute list).</summary>
    public static ModelConfig Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string source = text.Contains("class ", StringComparison.Ordinal) ? text : text + "\npartial class ParsedModel { }\n";
        var root = CSharpSyntaxTree.ParseText(source).GetCompilationUnitRoot();
        var errors = root.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new FormatException("Cannot parse the model text: " + string.Join("; ", errors.Select(e => e.GetMessage(CultureInfo.InvariantCulture))) + "\n" + text);
        }

        var declaration = root.DescendantNodes().OfType<ClassDeclarationSyntax>().FirstOrDefault()
            ?? throw new FormatException("No class declaration in the model text.");

        int? inputSize = null;
        int steps = 0;
        int batchSize = 1;
        var mode = SequenceMode.ManyToMany;
        var loss = LossKind.Auto;
        bool sawModel = false;
        var layers = new List<LayerConfig>();

        foreach (var attribute in declaration.AttributeLists.SelectMany(l => l.Attributes))
        {
            string kind = SimpleName(attribute.Name);
            var positional = new List<ExpressionSyntax>();
            var named = new Dictionary<string, ExpressionSyntax>(StringComparer.Ordinal);
            foreach (var argument in attribute.ArgumentList?.Arguments ?? default)
            {
                if (argument.NameEquals is { } nameEquals)
                {
                    named[nameEquals.Name.Identifier.ValueText] = argument.Expression;
                }
                else if (argument.NameColon is { } nameColon)
                {
                    named[nameColon.Name.Identifier.ValueText] = argument.Expression;
                }
                else
                {
                    positional.Add(argument.Expression);
                }
            }

            string layerName = named.TryGetValue("Name", out var n) ? String(n) : "layer" + layers.Count.ToString(CultureInfo.InvariantCulture);
            string? from = named.TryGetValue("From", out var f) ? String(f) : null;
            switch (kind)
            {
                case "RnnModel":
                    sawModel = true;
                    foreach (var (key, value) in named)
                    {
                        switch (key)
                        {
                            case "InputSize": inputSize = Int(value); break;
                            case "Steps": steps = Int(value); break;
                            case "BatchSize": batchSize = Int(value); break;
                            case "Mode": mode = Enum<SequenceMode>(value); break;
                            case "Loss": loss = Enum<LossKind>(value); break;
                            case "OutputSteps": break;
                            default: throw new FormatException($"Unknown RnnModel property '{key}'.");
                        }
                    }

                    break;
                case "Embedding":
                    layers.Add(new EmbeddingLayerConfig(layerName, Int(positional[0]), Int(positional[1])));
                    break;
                case "SimpleRnn" or "Gru" or "Lstm":
                    var cell = (CellKind)System.Enum.Parse(typeof(CellKind), kind);
                    layers.Add(new RecurrentLayerConfig(
                        layerName,
                        cell,
                        Int(positional[0]),
                        named.TryGetValue("Layers", out var l) ? Int(l) : 1,
                        named.TryGetValue("Bidirectional", out var bi) && Bool(bi),
                        named.TryGetValue("Activation", out var act) ? Enum<Activation>(act) : Activation.Tanh,
                        named.TryGetValue("Variant", out var v) ? Enum<GruVariant>(v) : GruVariant.ResetAfter,
                        from));
                    break;
                case "Dense":
                    layers.Add(new DenseLayerConfig(
                        layerName,
                        Int(positional[0]),
                        named.TryGetValue("Activation", out var da) ? Enum<Activation>(da) : Activation.Identity,
                        from));
                    break;
                default:
                    throw new FormatException($"Unknown attribute '{kind}'.");
            }
        }

        if (!sawModel)
        {
            throw new FormatException("No [RnnModel] attribute in the model text.");
        }

        return new ModelConfig(inputSize is 0 ? null : inputSize, steps, batchSize, mode, layers) { Loss = loss };
    }

    private static string SimpleName(NameSyntax name)
    {
        string text = name switch
        {
            QualifiedNameSyntax q => q.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
            SimpleNameSyntax s => s.Identifier.ValueText,
            _ => name.ToString(),
        };
        return text.EndsWith("Attribute", StringComparison.Ordinal) ? text[..^"Attribute".Length] : text;
    }

    private static int Int(ExpressionSyntax expression) => expression switch
    {
        LiteralExpressionSyntax { Token.Value: int i } => i,
        _ => throw new FormatException($"Expected an integer literal, found '{expression}'."),
    };

    private static bool Bool(ExpressionSyntax expression) => expression switch
    {
        LiteralExpressionSyntax { Token.Value: bool b } => b,
        _ => throw new FormatException($"Expected true or false, found '{expression}'."),
    };

    private static string String(ExpressionSyntax expression) => expression switch
    {
        LiteralExpressionSyntax { Token.Value: string s } => s,
        _ => throw new FormatException($"Expected a string literal, found '{expression}'."),
    };

    private static T Enum<T>(ExpressionSyntax expression)
        where T : struct, System.Enum
    {
        string member = expression switch
        {
            MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText,
            IdentifierNameSyntax i => i.Identifier.ValueText,
            _ => throw new FormatException($"Expected an enum member, found '{expression}'."),
        };
        return System.Enum.Parse<T>(member, ignoreCase: false);
    }
}
