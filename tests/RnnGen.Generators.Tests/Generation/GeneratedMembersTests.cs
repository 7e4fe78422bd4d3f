using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using RnnGen.Generators.Lowering;
using RnnGen.Generators.Model;
using RnnGen.Generators.Parsing;
using RnnGen.Generators.Tests.Infrastructure;
using Xunit;

namespace RnnGen.Generators.Tests.Generation;

/// <summary>
/// <see cref="GeneratedMembers"/> describes the generated public surface (and the explicit interface
/// implementations): compiled generated classes of every shape must have exactly those members,
/// with those types and parameter types. This keeps the list, which RNN0042 relies on, true as the
/// emitters change.
/// </summary>
public sealed class GeneratedMembersTests
{
    /// <summary>Every model of <see cref="VariedModels"/>, each in its own namespace, generated once for all tests here.</summary>
    private static readonly Lazy<GeneratorRun> Run = new(() =>
        GeneratorHarness.Run(VariedModels.All.Select((attributes, i) => (Path(i), Source(i, attributes)))));

    [Fact]
    public void The_generated_classes_have_exactly_the_listed_members()
    {
        var models = VariedModels.All;
        var run = Run.Value;
        Assert.True(run.GeneratedSources.Count == models.Count, $"{run.GeneratedSources.Count} of {models.Count} models were generated:\n" + run.DescribeErrors());

        var failures = new List<string>();
        for (int i = 0; i < models.Count; i++)
        {
            var type = run.OutputCompilation.GetTypeByMetadataName(Namespace(i) + ".M")!;
            var spec = ModelParser.Parse(run.InputCompilation.GetTypeByMetadataName(Namespace(i) + ".M")!, default)!.Spec;
            var expected = GeneratedMembers.For(spec).Select(Describe).OrderBy(s => s, StringComparer.Ordinal).ToList();
            var actual = type.GetMembers()
                .Where(m => MemberReader.IsGeneratedByRnnGen(m) && IsSurface(m))
                .Select(Describe)
                .OrderBy(s => s, StringComparer.Ordinal)
                .ToList();
            var missing = expected.Except(actual).ToList();
            var extra = actual.Except(expected).ToList();
            if (missing.Count + extra.Count > 0)
            {
                failures.Add($"{models[i].Replace("\n", " ", StringComparison.Ordinal)}\n  listed but not generated: {string.Join("; ", missing)}\n  generated but not listed: {string.Join("; ", extra)}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {models.Count} models differ from GeneratedMembers:\n" + string.Join("\n", failures.Take(10)));
    }

    [Fact]
    public void The_shared_rules_agree_with_the_plan()
    {
        // GeneratedMembers reads the input type, the targets and Step from ModelFacts; lowering must decide the same.
        var run = Run.Value;
        for (int i = 0; i < VariedModels.All.Count; i++)
        {
            var spec = ModelParser.Parse(run.InputCompilation.GetTypeByMetadataName(Namespace(i) + ".M")!, default)!.Spec;
            var plan = Planner.Plan(spec);
            Assert.Equal((plan.TokenInput, plan.ClassTargets, plan.SupportsStep, plan.Loss),
                (ModelFacts.TokenInput(spec), ModelFacts.ClassTargets(spec), ModelFacts.SupportsStep(spec), ModelFacts.ResolvedLoss(spec)));
        }
    }

    [Fact]
    public void Every_listed_shape_occurs_among_the_models()
    {
        // The sweep must reach every variant of the surface: int and float inputs and targets, with and without Step, OutputSteps, VocabularySize.
        var run = Run.Value;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < VariedModels.All.Count; i++)
        {
            var spec = ModelParser.Parse(run.InputCompilation.GetTypeByMetadataName(Namespace(i) + ".M")!, default)!.Spec;
            seen.Add($"{spec.Mode} tokens={ModelFacts.TokenInput(spec)} classes={ModelFacts.ClassTargets(spec)} step={ModelFacts.SupportsStep(spec)}");
        }
        foreach (var mode in new[] { "ManyToMany", "ManyToOne", "OneToMany", "EncoderDecoder" })
        {
            foreach (var tokens in new[] { "True", "False" })
            {
                foreach (var classes in new[] { "True", "False" })
                {
                    Assert.Contains(seen, s => s.StartsWith($"{mode} tokens={tokens} classes={classes}", StringComparison.Ordinal));
                }
            }
        }
        Assert.Contains(seen, s => s.EndsWith("step=False", StringComparison.Ordinal) && s.StartsWith("ManyToMany", StringComparison.Ordinal));
    }

    /// <summary>What user code sees or can clash with: public members and explicit interface implementations, without accessors.</summary>
    private static bool IsSurface(ISymbol member)
    {
        if (member is IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.EventAdd or MethodKind.EventRemove }) return false;
        bool explicitImplementation = member switch
        {
            IPropertySymbol p => p.ExplicitInterfaceImplementations.Length > 0,
            IMethodSymbol m => m.ExplicitInterfaceImplementations.Length > 0,
            IEventSymbol e => e.ExplicitInterfaceImplementations.Length > 0,
            _ => false,
        };
        return member.DeclaredAccessibility == Accessibility.Public || explicitImplementation;
    }

    private static string Describe(GeneratedMember member) =>
        Describe(member.Signature, member.Type, member.IsStatic, member.IsSettable);

    private static string Describe(ISymbol symbol)
    {
        var signature = MemberReader.Describe(symbol, symbol.ContainingType.Name)
            ?? throw new InvalidOperationException($"'{symbol.ToDisplayString()}' is a {symbol.Kind} RnnGen does not describe");
        string type = symbol switch
        {
            IFieldSymbol f => f.Type.ToDisplayString(MemberReader.TypeFormat),
            IPropertySymbol p => p.Type.ToDisplayString(MemberReader.TypeFormat),
            IEventSymbol e => e.Type.ToDisplayString(MemberReader.TypeFormat),
            IMethodSymbol { MethodKind: MethodKind.Constructor } => "",
            IMethodSymbol m => m.ReturnType.ToDisplayString(MemberReader.TypeFormat),
            _ => "",
        };
        return Describe(signature, type, symbol.IsStatic || symbol is IFieldSymbol { IsConst: true }, symbol is IPropertySymbol { SetMethod: not null });
    }

    private static string Describe(MemberSignature signature, string type, bool isStatic, bool settable) =>
        $"{(isStatic ? "static " : "")}{signature.KindWord} {type} {signature.Display}{(settable ? " { set; }" : "")}";

    private static string Namespace(int i) => "Surface" + i.ToString("D3", CultureInfo.InvariantCulture);

    private static string Path(int i) => Namespace(i) + ".cs";

    private static string Source(int i, string attributes) =>
        $"using RnnGen;\n\nnamespace {Namespace(i)};\n\n{attributes}\npublic partial class M {{ }}\n";
}
