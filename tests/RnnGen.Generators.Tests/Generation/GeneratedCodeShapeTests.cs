using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Tests.Infrastructure;
using RnnGen.Generators.Tests.Numerics;
using Xunit;

namespace RnnGen.Generators.Tests.Generation;

/// <summary>
/// The shape docs/architecture.md ("The generated code") promises, checked on the syntax trees of
/// the five snapshot models and a seeded set of random valid models of every mode: lines of at most
/// 140 characters; <c>[GeneratedCode("RnnGen.Generators", version)]</c> on every member and nested
/// type of the model class and not on the class; private names that start with <c>__</c>; buffer
/// names without collision suffixes; no warning at the highest warning level, XML docs included.
/// </summary>
public sealed class GeneratedCodeShapeTests : IClassFixture<GeneratedCodeShapeTests.Corpus>
{
    /// <summary>The seed of the random models.</summary>
    public const int Seed = 3141;

    private const string Namespace = "Shape";

    private static readonly Regex CollisionSuffix = new(@"_[0-9]+\b", RegexOptions.CultureInvariant);

    private readonly Corpus corpus;

    public GeneratedCodeShapeTests(Corpus corpus) => this.corpus = corpus;

    [Fact]
    public void EveryModelIsGeneratedIntoItsOwnFile()
    {
        Assert.Equal(corpus.Declarations.Count, corpus.Files.Count);
        Assert.True(corpus.Declarations.Count >= 60);
    }

    [Fact]
    public void NoLineIsLongerThan140Characters()
    {
        AssertNone(corpus.Files.SelectMany(f => f.Tree.GetText().Lines
            .Where(l => l.Span.Length > SourceWriter.MaxLineLength)
            .Select(l => $"{f.HintName}:{l.LineNumber + 1}: {l.Span.Length} characters: {l}")));
    }

    [Fact]
    public void EveryMemberOfTheModelClassCarriesGeneratedCodeWithTheGeneratorsVersion()
    {
        var version = typeof(RnnModelGenerator).Assembly.GetName().Version!;
        string expected = string.Create(CultureInfo.InvariantCulture, $"{version.Major}.{version.Minor}.{version.Build}");
        AssertNone(corpus.Files.SelectMany(f => f.Class.Members.Select(member =>
        {
            var attributes = member.AttributeLists.SelectMany(l => l.Attributes)
                .Where(a => f.Semantic.GetSymbolInfo(a).Symbol?.ContainingType?.ToDisplayString() == "System.CodeDom.Compiler.GeneratedCodeAttribute")
                .ToList();
            string? problem = attributes.Count != 1
                ? "no [GeneratedCode]"
                : Strings(attributes[0]) is ["RnnGen.Generators", var v] && v == expected
                    ? null
                    : "[GeneratedCode" + attributes[0].ArgumentList + "], expected (\"RnnGen.Generators\", \"" + expected + "\")";
            return problem is null ? null : $"{f.HintName}:{Line(member)}: {Describe(member)}: {problem}";
        })).OfType<string>());
    }

    [Fact]
    public void TheModelClassAndItsContainersCarryNoAttribute()
    {
        AssertNone(corpus.Files.SelectMany(f => f.Class.AncestorsAndSelf().OfType<TypeDeclarationSyntax>()
            .Where(t => t.AttributeLists.Count > 0)
            .Select(t => $"{f.HintName}:{Line(t)}: partial {t.Identifier.ValueText} has {t.AttributeLists}")));
    }

    [Fact]
    public void EveryPrivateMemberAndNestedTypeStartsWithTwoUnderscores()
    {
        AssertNone(corpus.Files.SelectMany(f => f.Class.Members
            .Where(m => !m.Modifiers.Any(t => t.IsKind(SyntaxKind.PublicKeyword) || t.IsKind(SyntaxKind.InternalKeyword) || t.IsKind(SyntaxKind.ProtectedKeyword)))
            .SelectMany(m => NamesOf(m).Where(n => !n.StartsWith("__", StringComparison.Ordinal)).Select(n => $"{f.HintName}:{Line(m)}: private '{n}'"))));
    }

    [Fact]
    public void NoIdentifierEndsInACollisionSuffix()
    {
        AssertNone(corpus.Files.SelectMany(f => CollisionSuffixes(f.Tree).Select(t => $"{f.HintName}:{Line(t)}: {t.ValueText}")));
    }

    [Fact]
    public void TheCollisionCheckSeesTheSuffixOfCollidingBufferNames()
    {
        // Layer "x_l1" has the output buffer "x_l1_out" that the second stacked layer of "x" has already.
        const string colliding = """
            using RnnGen;
            namespace Shape;

            [RnnModel(InputSize = 2, Steps = 3)]
            [Lstm(3, Name = "x", Layers = 2)]
            [Dense(2, Name = "x_l1")]
            public partial class Colliding { }
            """;
        var tree = Assert.Single(GeneratorHarness.Run(colliding).RunResult.GeneratedTrees);
        Assert.NotEmpty(CollisionSuffixes(tree));
    }

    [Fact]
    public void EveryFileCompilesWithoutAWarningAtTheHighestLevel()
    {
        Assert.Equal(9999, corpus.Run.OutputCompilation.Options.WarningLevel);
        Assert.Equal(DocumentationMode.Diagnose, corpus.Files[0].Tree.Options.DocumentationMode);
        var generated = corpus.Files.Select(f => f.Tree).ToHashSet();
        var warnings = corpus.Run.GeneratorDiagnostics
            .Concat(corpus.Run.CompilationDiagnostics.Where(d => d.Location.SourceTree is { } tree && generated.Contains(tree)))
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.IsSuppressed)
            .ToList();
        Assert.True(warnings.Count == 0, GeneratorRun.Describe(warnings));
    }

    /// <summary>
    /// A layer name may hold any character but white space, quotes and backslashes; the class's XML
    /// summary quotes it escaped: unescaped, <c>&lt;</c> or <c>&amp;</c> in a name would make the comment malformed
    /// (CS1570, an error in a build that writes a documentation file and treats warnings as errors).
    /// </summary>
    [Fact]
    public void LayerNamesAreEscapedInDocComments()
    {
        const string model = """
            using RnnGen;
            namespace Shape;

            [RnnModel(InputSize = 2, Steps = 3)]
            [Lstm(3, Name = "a<b")]
            [Dense(2, Name = "c&d")]
            public partial class Escaped { }
            """;
        var run = RunWithDocumentation(new Declaration("Escaped", model));
        Assert.Single(run.GeneratedSources);
        Assert.True(run.Errors.Count == 0, run.DescribeErrors());
    }

    /// <summary>Runs the generator over <paramref name="declarations"/> with XML documentation comments diagnosed.</summary>
    private static GeneratorRun RunWithDocumentation(params Declaration[] declarations)
    {
        var options = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
        var compilation = CSharpCompilation.Create(
            Namespace,
            declarations.Select(d => CSharpSyntaxTree.ParseText(d.Source, options, "Models/" + d.ClassName + ".cs")),
            GeneratorHarness.References,
            GeneratorHarness.CompilationOptions);
        return GeneratorHarness.Run(compilation, CSharpGeneratorDriver.Create(GeneratorHarness.Generators, parseOptions: options));
    }

    private static IEnumerable<SyntaxToken> CollisionSuffixes(SyntaxTree tree) =>
        tree.GetRoot().DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken) && CollisionSuffix.IsMatch(t.ValueText));

    /// <summary>The names a member declares; none for constructors, destructors, operators and explicit interface implementations.</summary>
    private static IEnumerable<string> NamesOf(MemberDeclarationSyntax member) => member switch
    {
        BaseFieldDeclarationSyntax f => f.Declaration.Variables.Select(v => v.Identifier.ValueText),
        MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } m => new[] { m.Identifier.ValueText },
        PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } p => new[] { p.Identifier.ValueText },
        EventDeclarationSyntax { ExplicitInterfaceSpecifier: null } e => new[] { e.Identifier.ValueText },
        IndexerDeclarationSyntax { ExplicitInterfaceSpecifier: null } => new[] { "this[]" },
        BaseTypeDeclarationSyntax t => new[] { t.Identifier.ValueText },
        DelegateDeclarationSyntax d => new[] { d.Identifier.ValueText },
        BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax => Array.Empty<string>(),
        _ => new[] { "(a " + member.Kind() + ")" },
    };

    /// <summary>The string arguments of an attribute, or null when one is not a string literal.</summary>
    private static string[]? Strings(AttributeSyntax attribute)
    {
        var arguments = attribute.ArgumentList?.Arguments.Select(a => a.Expression).ToList() ?? new List<ExpressionSyntax>();
        return arguments.All(e => e.IsKind(SyntaxKind.StringLiteralExpression))
            ? arguments.Select(e => ((LiteralExpressionSyntax)e).Token.ValueText).ToArray()
            : null;
    }

    private static string Describe(MemberDeclarationSyntax member) =>
        member.Kind() + " " + string.Join(", ", NamesOf(member).DefaultIfEmpty(member.ToString().Split('\n')[^1].Trim()));

    private static int Line(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    private static int Line(SyntaxToken token) => token.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    private static void AssertNone(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        Assert.True(list.Count == 0, list.Count.ToString(CultureInfo.InvariantCulture) + " problem(s):\n" + string.Join("\n", list.Take(40)));
    }

    /// <summary>A declaration: the class name and its source.</summary>
    public sealed record Declaration(string ClassName, string Source);

    /// <summary>One generated file: its hint name, syntax tree, semantic model and the model's partial class in it.</summary>
    public sealed record GeneratedFile(string HintName, SyntaxTree Tree, SemanticModel Semantic, ClassDeclarationSyntax Class);

    /// <summary>
    /// The models, generated once for every test of the class in one compilation (XML documentation
    /// diagnosed, as in a build that writes a documentation file): the five snapshot models, 45 of
    /// the 60 combinations of <see cref="RandomModelConfigs.Create"/> (every cell, mode and head), 8
    /// OneToMany models (<see cref="RandomModelConfigs.CreateOneToMany"/>) and 8 EncoderDecoder models
    /// (<see cref="EncoderDecoder"/>).
    /// </summary>
    public sealed class Corpus
    {
        public Corpus()
        {
            var declarations = new List<Declaration>
            {
                new("CharRnn", SnapshotTests.CharRnn),
                new("SequenceClassifier", SnapshotTests.Classifier),
                new("Tagger", SnapshotTests.Tagger),
                new("Composer", SnapshotTests.Composer),
                new("Translator", SnapshotTests.Translator),
            };
            declarations.AddRange(Enumerable.Range(0, 60).Where(i => i % 4 != 3)
                .Select(i => Random("M", i, name => RandomModelConfigs.Create(Seed, i).ToCSharp(name, Namespace))));
            declarations.AddRange(Enumerable.Range(0, 8).Select(i => Random("O", i, name => RandomModelConfigs.CreateOneToMany(Seed, i).ToCSharp(name, Namespace))));
            declarations.AddRange(Enumerable.Range(0, 8).Select(i => Random("D", i, name => EncoderDecoder(name, i))));
            Declarations = declarations;

            Run = RunWithDocumentation(declarations.ToArray());

            var files = new List<GeneratedFile>();
            foreach (var source in Run.RunResult.Results.SelectMany(r => r.GeneratedSources))
            {
                var declaration = declarations.FirstOrDefault(d => source.HintName.EndsWith("." + d.ClassName + ".g.cs", StringComparison.Ordinal))
                    ?? throw new InvalidOperationException("A file for no declared model: " + source.HintName);
                var model = source.SyntaxTree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single(c => c.Identifier.ValueText == declaration.ClassName);
                files.Add(new GeneratedFile(source.HintName, source.SyntaxTree, Run.OutputCompilation.GetSemanticModel(source.SyntaxTree), model));
            }

            Files = files;
        }

        /// <summary>The declared models.</summary>
        public IReadOnlyList<Declaration> Declarations { get; }

        /// <summary>The generator run over all of them.</summary>
        public GeneratorRun Run { get; }

        /// <summary>The generated files.</summary>
        public IReadOnlyList<GeneratedFile> Files { get; }

        private static Declaration Random(string prefix, int index, Func<string, string> source)
        {
            string name = prefix + index.ToString(CultureInfo.InvariantCulture);
            return new Declaration(name, source(name));
        }
    }

    /// <summary>
    /// A random valid EncoderDecoder declaration: the encoder's cell cycles through LSTM, GRU and
    /// simple RNN (the decoder is an LSTM after an LSTM, else a GRU or a simple RNN), token or float
    /// input alternately, the head through softmax, identity, sigmoid, tanh and none; stacking,
    /// direction, dropout, variants, a Dense inside the decoder and the sizes drawn from the seed.
    /// </summary>
    private static string EncoderDecoder(string className, int index)
    {
        var random = new Random(unchecked((Seed * 7919) + index));
        string[] cells = { "Lstm", "Gru", "SimpleRnn" };
        string encoder = cells[index % 3];
        string decoder = encoder == "Lstm" ? "Lstm" : cells[random.Next(1, 3)];
        string? head = new[] { "Softmax", "Identity", "Sigmoid", "Tanh", null }[(index / 2) % 5];
        bool bidirectional = random.NextDouble() < 0.4;
        int layers = random.Next(1, 3);
        int hidden = random.Next(1, 13);
        string stack = layers > 1 ? ", Layers = 2" : "";

        var lines = new List<string> { "using RnnGen;", "namespace " + Namespace + ";", "" };
        string input = index % 2 == 0 ? "" : FormattableString.Invariant($"InputSize = {random.Next(1, 9)}, ");
        lines.Add(FormattableString.Invariant(
            $"[RnnModel({input}Steps = {random.Next(1, 9)}, BatchSize = {random.Next(1, 5)}, Mode = SequenceMode.EncoderDecoder, OutputSteps = {random.Next(1, 7)})]"));
        if (input.Length == 0)
        {
            lines.Add(FormattableString.Invariant($"[Embedding({random.Next(2, 31)}, {random.Next(1, 9)}, Name = \"emb\")]"));
        }

        string dropout = layers > 1 && random.NextDouble() < 0.5 ? ", Dropout = 0.2f" : "";
        lines.Add(FormattableString.Invariant($"[{encoder}({hidden}, Name = \"enc\"{stack}{dropout}{(bidirectional ? ", Bidirectional = true" : "")}{Option(encoder, random)})]"));
        lines.Add(FormattableString.Invariant($"[{decoder}({hidden * (bidirectional ? 2 : 1)}, Name = \"dec\", Decoder = true{stack}{Option(decoder, random)})]"));
        if (head is not null)
        {
            if (random.NextDouble() < 0.3)
            {
                lines.Add(FormattableString.Invariant($"[Dense({random.Next(1, 10)}, Name = \"mid\", Activation = Activation.Relu)]"));
            }

            lines.Add(FormattableString.Invariant($"[Dense({random.Next(2, 13)}, Name = \"fc\", Activation = Activation.{head})]"));
        }

        lines.Add("public partial class " + className + " { }");
        return string.Join("\n", lines) + "\n";
    }

    private static string Option(string cell, Random random) => (cell, random.NextDouble() < 0.5) switch
    {
        ("Gru", true) => ", Variant = GruVariant.ResetBefore",
        ("SimpleRnn", true) => ", Activation = Activation.Relu",
        _ => "",
    };
}
