using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generators.Parsing;
using RnnGen.Generators.Tests.Infrastructure;
using RnnGen.Generators.Validation;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Generators.Tests.Fuzz;

/// <summary>
/// The user's own members never break the generated code: seeded random members of every kind,
/// named like generated public and private members, like the locals of generated code, like
/// contextual keywords, or anything else (<see cref="UserMemberDeclarations"/>), are added to valid
/// models. For every declaration the analyzer accepts (no RNN error), no compiler diagnostic, error
/// or warning, may sit in its generated file: a clash is the analyzer's to report at the user's member.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class UserMemberFuzzTests
{
    private const int Seed = 20261211;
    private const int Compilations = 12;
    private const int PerCompilation = 100;

    private readonly ITestOutputHelper output;

    public UserMemberFuzzTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void User_members_of_any_name_leave_the_generated_code_clean()
    {
        var clock = Stopwatch.StartNew();
        var source = new UserMemberDeclarations(Seed);
        var batches = Enumerable.Range(0, Compilations)
            .Select(c => Enumerable.Range(0, PerCompilation)
                .Select(i =>
                {
                    string ns = string.Create(CultureInfo.InvariantCulture, $"Um{c:D2}_{i:D3}");
                    return source.Next(ns + ".cs", ns);
                })
                .ToList())
            .ToList();

        // The batches are checked two at a time (the machine has two cores).
        var results = new (int Accepted, int Rejected, List<(UserMemberCase Case, IReadOnlyList<Diagnostic> Diagnostics)> Failures)[Compilations];
        Parallel.For(0, Compilations, new ParallelOptions { MaxDegreeOfParallelism = 2 }, c => results[c] = Check(batches[c]));
        var failures = results.SelectMany(r => r.Failures).ToList();
        int accepted = results.Sum(r => r.Accepted), rejected = results.Sum(r => r.Rejected);

        // Which user member names the failures point at: the name is the code at fault, or the message names it.
        var culprits = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var unexplained = new List<(UserMemberCase Case, IReadOnlyList<Diagnostic> Diagnostics)>();
        foreach (var (fuzzCase, diagnostics) in failures)
        {
            bool explained = false;
            foreach (var d in diagnostics)
            {
                string code = d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan);
                string message = d.GetMessage(CultureInfo.InvariantCulture);
                foreach (var (name, _) in fuzzCase.Members)
                {
                    string bare = name.TrimStart('@');
                    // The name itself in the code at fault (not a part of a qualified name such as global::System.Span), or in the message.
                    string word = $@"(?<![\w@.:]){Regex.Escape(bare)}(?![\w.:])";
                    if (Regex.IsMatch(code, word) || Regex.IsMatch(message, $@"'(M\.)?{Regex.Escape(bare)}['(]"))
                    {
                        if (!culprits.TryGetValue(bare, out var ids)) culprits[bare] = ids = new SortedSet<string>(StringComparer.Ordinal);
                        ids.Add(d.Id);
                        explained = true;
                    }
                }
            }
            if (!explained) unexplained.Add((fuzzCase, diagnostics));
        }

        output.WriteLine($"Seed {Seed}: {accepted + rejected} declarations, {rejected} rejected by the analyzer, {accepted} generated; {failures.Count} with diagnostics in the generated code; {clock.Elapsed.TotalSeconds:F1} s.");
        output.WriteLine("User member names behind them (compiler diagnostics): " + string.Join(", ", culprits.Select(p => $"{p.Key} ({string.Join(" ", p.Value)})")));
        output.WriteLine($"Failures no user member name accounts for: {unexplained.Count}");
        foreach (var (fuzzCase, diagnostics) in unexplained.Concat(failures.Except(unexplained)).Take(60))
        {
            output.WriteLine(Describe(fuzzCase, diagnostics));
        }
        Assert.True(accepted > PerCompilation * Compilations / 2, $"Only {accepted} declarations were accepted");
        Assert.True(failures.Count == 0, $"{failures.Count} declaration(s) the analyzer accepts break their generated code; names behind them: "
            + string.Join(", ", culprits.Keys) + Environment.NewLine + string.Join(Environment.NewLine, failures.Take(3).Select(f => Describe(f.Case, f.Diagnostics))));
    }

    /// <summary>Validates, generates and compiles one batch; returns how many were accepted and rejected, and the failures.</summary>
    private static (int Accepted, int Rejected, List<(UserMemberCase Case, IReadOnlyList<Diagnostic> Diagnostics)> Failures) Check(List<UserMemberCase> cases)
    {
        var compilation = GeneratorHarness.CreateCompilation(cases.Select(c => (c.Path, c.Text)));
        var run = GeneratorHarness.Run(compilation);
        var exceptions = run.RunResult.Results.Where(r => r.Exception is not null).Select(r => r.Exception!.ToString()).ToList();
        Assert.True(exceptions.Count == 0, "The generator threw: " + string.Join(Environment.NewLine, exceptions));

        var declarations = run.OutputCompilation.GetDeclarationDiagnostics();
        int accepted = 0, rejected = 0;
        var failures = new List<(UserMemberCase Case, IReadOnlyList<Diagnostic> Diagnostics)>();
        foreach (var fuzzCase in cases)
        {
            // What the analyzer reports: its parser and validator (the analyzer itself runs in the diagnostics tests and the other fuzz).
            var parsed = ModelParser.Parse(compilation.GetTypeByMetadataName(fuzzCase.Namespace + ".M")!, default)!;
            bool rnnError = ModelValidator.HasErrors(ModelValidator.Validate(parsed.Spec));
            var tree = run.OutputCompilation.SyntaxTrees.FirstOrDefault(t => t.FilePath.EndsWith("/" + fuzzCase.Namespace + ".M.g.cs", StringComparison.Ordinal));
            if (rnnError)
            {
                rejected++;
                Assert.True(tree is null, $"{fuzzCase.Namespace}: the analyzer reports an error but the model was generated");
                continue;
            }
            accepted++;
            if (tree is null)
            {
                failures.Add((fuzzCase, Array.Empty<Diagnostic>()));
                continue;
            }
            // A method body binds only the names it uses: the bodies that use none of the user's member names
            // cannot be affected by them, and binding every body of a thousand models would take most of the time.
            // Declarations are checked throughout; constructors whenever the user wrote one (the generated ones chain).
            var model = run.OutputCompilation.GetSemanticModel(tree);
            var names = new HashSet<string>(fuzzCase.Members.Select(m => m.Name.TrimStart('@')), StringComparer.Ordinal);
            bool constructors = fuzzCase.Members.Any(m => m.Declaration.Contains(" M(", StringComparison.Ordinal));
            var diagnostics = declarations.Where(d => d.Location.SourceTree == tree).ToList();
            foreach (var member in tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().Where(t => t.Identifier.ValueText == "M").SelectMany(t => t.Members))
            {
                if ((constructors && member is ConstructorDeclarationSyntax)
                    || member.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && names.Contains(t.ValueText)))
                {
                    diagnostics.AddRange(model.GetDiagnostics(member.FullSpan));
                    diagnostics.AddRange(Captured(model, member, names));
                }
            }
            diagnostics = diagnostics
                .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree == tree)
                .GroupBy(d => (d.Id, d.Location.SourceSpan))
                .Select(g => g.First())
                .ToList();
            if (diagnostics.Count > 0) failures.Add((fuzzCase, diagnostics));
        }
        return (accepted, rejected, failures);
    }

    /// <summary>Reported where a name in the generated code binds to one of the user's members instead of a generated one.</summary>
#pragma warning disable RS2008 // a test's own finding, not a shipped analyzer rule
    private static readonly DiagnosticDescriptor CapturedName = new(
        "CAPTURED", "Generated code uses a user member", "The generated code binds '{0}' to the user's {1} '{2}'", "Fuzz", DiagnosticSeverity.Error, isEnabledByDefault: true);
#pragma warning restore RS2008

    /// <summary>
    /// Names in <paramref name="member"/> that compile but mean one of the user's members (e.g. a user overload
    /// <c>Step(float[], Span&lt;float&gt;)</c> taking the generated code's own call): silent, so not a compiler diagnostic.
    /// </summary>
    private static IEnumerable<Diagnostic> Captured(SemanticModel model, MemberDeclarationSyntax member, HashSet<string> names)
    {
        foreach (var identifier in member.DescendantNodes().OfType<IdentifierNameSyntax>().Where(i => names.Contains(i.Identifier.ValueText)))
        {
            var symbol = model.GetSymbolInfo(identifier).Symbol;
            if (symbol is null || symbol is ILocalSymbol or IParameterSymbol or IRangeVariableSymbol || symbol.ContainingType is null) continue;
            if (symbol.ContainingType.Name is "M" or "Base" && !Parsing.MemberReader.IsGeneratedByRnnGen(symbol))
            {
                yield return Diagnostic.Create(CapturedName, identifier.GetLocation(), identifier.Identifier.ValueText, symbol.Kind.ToString().ToLowerInvariant(), symbol.ToDisplayString());
            }
        }
    }

    private static string Describe(UserMemberCase fuzzCase, IReadOnlyList<Diagnostic> diagnostics)
    {
        var lines = new List<string> { $"[{fuzzCase.Namespace}] " + (diagnostics.Count == 0 ? "no RNN error, yet nothing was generated" : "diagnostics in the generated code:") };
        lines.AddRange(diagnostics.Take(4).Select(d =>
            $"    {d.Id} line {d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.GetMessage(CultureInfo.InvariantCulture)} | "
            + d.Location.SourceTree!.GetText().Lines.GetLineFromPosition(d.Location.SourceSpan.Start).ToString().Trim()));
        lines.Add("  user members:");
        lines.AddRange(fuzzCase.Members.Select(m => "    " + m.Declaration));
        return string.Join(Environment.NewLine, lines);
    }
}
