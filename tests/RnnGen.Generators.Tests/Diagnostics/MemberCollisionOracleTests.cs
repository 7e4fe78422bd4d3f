using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generators.Model;
using RnnGen.Generators.Parsing;
using RnnGen.Generators.Validation;
using RnnGen.Generators.Tests.Diagnostics.Harness;
using RnnGen.Generators.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>
/// RNN0042 decides as C# does. Hundreds of user members (every kind, reserved names with the
/// generated signatures and near misses, ref kinds, generic methods, constructors, explicit
/// implementations, members inherited at every accessibility) are compiled next to the code RnnGen
/// generates for the model without them, in one compilation that also holds the generated files as
/// a build does. For each, the compiler's own verdict (CS0102, CS0111, CS0663, CS0082, CS0108,
/// CS0114, CS8646) must match whether the analyzer's parser and validator, run on that compilation,
/// report RNN0042 (and nothing else).
/// </summary>
public sealed class MemberCollisionOracleTests
{
    /// <summary>The compiler's ways of saying that two members clash, or that one hides another.</summary>
    private static readonly HashSet<string> CollisionIds = new(StringComparer.Ordinal) { "CS0102", "CS0111", "CS0663", "CS0082", "CS0108", "CS0114", "CS8646" };

    /// <summary>Model shapes: float targets with Step; tokens and class targets; encoder–decoder; bidirectional without Step.</summary>
    private static readonly (string Attributes, string Input, string Target)[] Shapes =
    {
        ("[RnnModel(InputSize = 3, Steps = 2)]\n[Lstm(4)]", "float", "float"),
        ("[RnnModel(Steps = 2)]\n[Embedding(5, 3)]\n[Gru(4)]\n[Dense(5, Activation = Activation.Softmax)]", "int", "int"),
        ("[RnnModel(InputSize = 3, Steps = 2, Mode = SequenceMode.EncoderDecoder, OutputSteps = 2)]\n[Gru(4)]\n[Gru(4, Decoder = true)]", "float", "float"),
        ("[RnnModel(InputSize = 3, Steps = 2, Mode = SequenceMode.ManyToOne)]\n[Lstm(4, Bidirectional = true)]\n[Dense(1, Activation = Activation.Sigmoid)]", "float", "float"),
    };

    private static readonly string[] ParameterLists =
    {
        "", "string s", "int i", "bool b", "System.IO.Stream s", "string? s",
        "System.ReadOnlySpan<float> a, System.Span<float> b",
        "System.ReadOnlySpan<int> a, System.Span<float> b",
        "in System.ReadOnlySpan<float> a, System.Span<float> b",
        "scoped System.ReadOnlySpan<float> a, System.Span<float> b",
        "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b",
        "System.ReadOnlySpan<float> a, System.ReadOnlySpan<int> b",
        "System.ReadOnlySpan<int> a, System.ReadOnlySpan<int> b",
        "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, System.Span<float> c",
        "System.ReadOnlySpan<int> a, System.ReadOnlySpan<int> b, System.Span<float> c",
        "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, RnnGen.Training.IOptimizer o",
        "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, RnnGen.Training.IOptimizer o, out float l",
        "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, RnnGen.Training.IOptimizer o, ref float l",
        "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, RnnGen.Training.IOptimizer o, float l",
        "System.ReadOnlySpan<int> a, System.ReadOnlySpan<int> b, RnnGen.Training.IOptimizer o, out float l",
    };

    private readonly ITestOutputHelper output;

    public MemberCollisionOracleTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void RNN0042_Reported_ExactlyWhenTheCompilerSeesAClash()
    {
        var variants = Variants();
        var generated = GeneratedForEachShape();
        var trees = new List<SyntaxTree>();
        for (int i = 0; i < variants.Count; i++)
        {
            string ns = Namespace(i);
            trees.Add(CSharpSyntaxTree.ParseText(variants[i].Source(ns), TestCompilation.ParseOptions, ns + ".cs"));
            string code = generated[variants[i].Shape].Replace("namespace Oracle\n", "namespace " + ns + "\n", StringComparison.Ordinal);
            trees.Add(CSharpSyntaxTree.ParseText(code, TestCompilation.ParseOptions, $"RnnGen.Generators/{KnownGenerator}/{ns}.Model.g.cs"));
        }
        var compilation = CSharpCompilation.Create("Oracle", trees, TestCompilation.References, TestCompilation.Options);
        var compiler = compilation.GetDeclarationDiagnostics();
        // What the analyzer reports for each model: its parser and validator, on the compilation that holds the
        // generated files (as in a build, where the analyzer must tell RnnGen's own members from the user's).
        var reports = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (int i = 0; i < variants.Count; i++)
        {
            var type = compilation.GetTypeByMetadataName(Namespace(i) + ".Model")!;
            var spec = ModelParser.Parse(type, default)!.Spec;
            reports[Namespace(i)] = ModelValidator.Validate(spec).Select(issue => issue.Descriptor.Id).ToList();
        }

        var mismatches = new List<string>();
        int clashes = 0;
        for (int i = 0; i < variants.Count; i++)
        {
            string ns = Namespace(i);
            bool Mine(Diagnostic d) => d.Location.SourceTree?.FilePath is { } path
                && (path == ns + ".cs" || path.EndsWith("/" + ns + ".Model.g.cs", StringComparison.Ordinal));
            var said = compiler.Where(d => Mine(d) && CollisionIds.Contains(d.Id)).ToList();
            var reported = reports[ns];
            var ownErrors = compiler.Where(d => Mine(d) && d.Severity == DiagnosticSeverity.Error && !CollisionIds.Contains(d.Id) && d.Location.SourceTree!.FilePath == ns + ".cs").ToList();
            bool clash = said.Count > 0;
            bool flagged = reported.Contains("RNN0042");
            if (clash) clashes++;
            if (clash != flagged || reported.Any(id => id != "RNN0042") || (ownErrors.Count > 0 && !clash))
            {
                mismatches.Add($"{variants[i].Description} (shape {variants[i].Shape}): compiler {Ids(said)}, analyzer {(reported.Count == 0 ? "(none)" : string.Join(" ", reported.Distinct()))}"
                    + (ownErrors.Count > 0 ? $", errors of its own {Ids(ownErrors)}" : ""));
            }
        }

        output.WriteLine($"{variants.Count} members, {clashes} clash with generated members; {mismatches.Count} disagreements.");
        foreach (var m in mismatches) output.WriteLine(m);
        Assert.True(clashes > 100 && variants.Count - clashes > 100, $"The sweep is lopsided: {clashes} clashes among {variants.Count} members");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {variants.Count} members disagree with the compiler; the first:\n" + string.Join("\n", mismatches.Take(15)));
    }

    [Fact]
    public void The_generator_folder_name_is_the_generators_type_name()
    {
        // MemberReader recognizes RnnGen's own files by this folder (the compiler names it after the generator type).
        Assert.Equal(KnownGenerator, typeof(RnnModelGenerator).FullName);
    }

    private const string KnownGenerator = Parsing.KnownNames.Generator;

    private static string Ids(IEnumerable<Diagnostic> diagnostics)
    {
        var ids = diagnostics.Select(d => d.Id).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToList();
        return ids.Count == 0 ? "(none)" : string.Join(" ", ids);
    }

    private static string Namespace(int i) => "V" + i.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>The code RnnGen generates for each shape without user members, in namespace <c>Oracle</c>.</summary>
    private static string[] GeneratedForEachShape() => Shapes
        .Select(shape =>
        {
            var run = GeneratorHarness.Run($"using RnnGen;\nnamespace Oracle;\n{shape.Attributes}\npublic partial class Model {{ }}\n");
            return run.GeneratedSources.Single().Value.Replace("\r\n", "\n", StringComparison.Ordinal);
        })
        .ToArray();

    private sealed record Variant(int Shape, string Description, string Member, string? BaseMember, string Interfaces = "")
    {
        public string Source(string ns) => $$"""
            using RnnGen;

            namespace {{ns}};

            {{(BaseMember is null ? "" : $"public abstract class Base\n{{\n    {BaseMember}\n}}\n")}}
            {{Shapes[Shape].Attributes}}
            public partial class Model{{(BaseMember is null ? (Interfaces.Length == 0 ? "" : " : " + Interfaces) : " : Base")}}
            {
                {{Member}}
            }
            """;
    }

    private static List<Variant> Variants()
    {
        var names = GeneratedMembers.AllNames.OrderBy(n => n, StringComparer.Ordinal)
            .Concat(new[] { "get_Parameters", "set_CarryState", "get_CarryState", "get_Steps", "set_Parameters", "Predictor" })
            .ToList();
        var variants = new List<Variant>();
        void Add(string description, string member, string? baseMember = null) =>
            variants.Add(new Variant(variants.Count % Shapes.Length, description, member, baseMember));

        // Names of generated methods (and of accessor methods) get every parameter list; the others a few.
        var methodNames = new HashSet<string>(StringComparer.Ordinal)
        {
            "Predict", "ComputeGradients", "ComputeLoss", "TrainStep", "TryTrainStep", "Step", "Parameter", "Gradient", "ParameterShape",
            "LoadSafetensors", "SaveSafetensors", "ResetState", "get_Parameters", "set_CarryState", "get_CarryState", "set_Parameters",
        };
        foreach (var name in names)
        {
            // Declared in the model class: every kind, and methods with many parameter lists.
            Add($"const {name}", $"public const int {name} = 1;");
            Add($"field {name}", $"private static readonly float[] {name} = new float[1];");
            Add($"property {name}", $"public static int {name} {{ get; set; }}");
            Add($"event {name}", $"public event System.Action? {name} {{ add {{ }} remove {{ }} }}");
            Add($"nested class {name}", $"public sealed class {name} {{ }}");
            foreach (var parameters in methodNames.Contains(name) ? ParameterLists : ParameterLists.Take(3).Append(ParameterLists[6]))
            {
                Add($"method {name}({parameters})", $"public int {name}({parameters}) => throw null!;");
            }
            Add($"generic method {name}<T>(ReadOnlySpan<float>, Span<float>)", $"public void {name}<T>(System.ReadOnlySpan<float> a, System.Span<float> b) {{ }}");

            // Inherited.
            Add($"inherited method {name}()", "", $"public int {name}() => 0;");
            Add($"inherited virtual method {name}(ReadOnlySpan<float>, Span<float>)", "", $"public virtual void {name}(System.ReadOnlySpan<float> a, System.Span<float> b) {{ }}");
            Add($"inherited method {name}(string)", "", $"public void {name}(string s) {{ }}");
            Add($"inherited property {name}", "", $"public System.Span<float> {name} => default;");
            Add($"inherited nested class {name}", "", $"protected class {name} {{ }}");
        }
        foreach (var name in new[] { "Steps", "Predict", "Parameters", "get_Parameters", "Predictor" })
        {
            // Inherited at each accessibility: only what the model class can see is hidden.
            foreach (var access in new[] { "public", "protected", "private", "internal", "private protected", "protected internal" })
            {
                Add($"inherited {access} method {name}()", "", $"{access} int {name}() => 0;");
                Add($"inherited {access} static field {name}", "", $"{access} static int {name};");
                Add($"inherited {access} method {name}(ReadOnlySpan<float>, Span<float>)", "", $"{access} void {name}(System.ReadOnlySpan<float> a, System.Span<float> b) {{ }}");
            }
        }

        foreach (var constructor in new[]
        {
            "public Model() { }", "public Model(int seed) { }", "private Model(int? seed) : this() { }", "public Model(long seed) : this() { }",
            "public Model(in int seed) : this() { }", "public Model(ref int seed) : this() { }", "public Model(string name) : this(1) { }",
            "static Model() { }", "public Model(int seed, int size) : this(seed) { }",
        })
        {
            Add("constructor " + constructor, constructor);
        }
        for (int shape = 0; shape < Shapes.Length; shape++)
        {
            // Explicit implementations: the generated code writes some, and leaves the rest to its public members.
            string trainable = $"RnnGen.ITrainableRnnModel<{Shapes[shape].Input}, {Shapes[shape].Target}>";
            foreach (var member in new[]
            {
                "int RnnGen.IRnnModel.InputLength => 1;", "int RnnGen.IRnnModel.OutputLength => 1;",
                "System.Collections.Generic.IReadOnlyList<string> RnnGen.IRnnModel.TensorNames => null!;",
                "void RnnGen.IRnnModel.ResetState() { }", "System.Span<float> RnnGen.IRnnModel.Parameters => default;",
                $"int {trainable}.TargetLength => 1;",
                $"float {trainable}.ComputeLoss(System.ReadOnlySpan<{Shapes[shape].Input}> a, System.ReadOnlySpan<{Shapes[shape].Target}> b) => 0;",
                "int System.IComparable.CompareTo(object? other) => 0;",
            })
            {
                variants.Add(new Variant(shape, "explicit " + member, member, null, member.Contains("IComparable", StringComparison.Ordinal) ? "System.IComparable" : ""));
            }
        }
        return variants;
    }
}
