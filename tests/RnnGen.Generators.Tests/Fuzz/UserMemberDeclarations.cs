using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using RnnGen.Generators.Model;
using RnnGen.Generators.Tests.Infrastructure;

namespace RnnGen.Generators.Tests.Fuzz;

/// <summary>One model declaration with the user's own members: a source file with one namespace.</summary>
internal sealed record UserMemberCase(string Path, string Namespace, string Text, IReadOnlyList<(string Name, string Declaration)> Members);

/// <summary>
/// A seeded source of valid model declarations (<see cref="VariedModels"/>) to which the user adds
/// members: fields, constants, properties, events, methods with random signatures (and signatures
/// like the generated ones), nested types and constructors, some in a base class. Their names come
/// from the generated public names, the names the generated code uses privately (members, locals,
/// contextual keywords), common names and random identifiers. Every declaration is valid C# on its
/// own, with distinct member names.
/// </summary>
internal sealed class UserMemberDeclarations
{
    /// <summary>Ordinary names for private members and nested types (the generator's own all start with two underscores).</summary>
    public static readonly string[] PrivateNames =
    {
        "_parameters", "_gradients", "_work", "_dwork", "_state", "_stepWork", "_feedback", "_generated", "_teacher", "_teacherGradients",
        "_dropoutRandom", "_carryState", "s_layout", "s_parameterNames", "P", "A", "S", "Q", "Slice", "TensorIndex", "CheckLength",
        "CheckTokens", "CheckClasses", "Forward", "Backward", "Loss", "Encode", "Decode", "HandOver", "FeedBack", "DecoderStep",
        "TeacherForce", "TeacherForceDecoder", "SequenceGradients", "SequenceLoss", "SequenceInputLength", "CarryFinalState",
        "ClearCarriedState",
    };

    /// <summary>Names of locals and parameters in the generated bodies, and contextual keywords they rely on.</summary>
    public static readonly string[] LocalNames =
    {
        "rng", "p", "a", "q", "st", "h", "c", "g", "x", "y", "b", "t", "i", "k", "s", "T", "B", "H", "Y", "loss",
        "scale", "sum", "dy", "o", "hp", "h_prev", "c_prev", "t_prev", "dh_prev", "ldh", "wantInputGradients", "tensor", "row", "target", "logits", "dropout", "input", "output",
        "targets", "optimizer", "seed", "name", "buffer", "inputGradients", "tokens", "value", "var", "nameof", "dynamic", "global", "_",
    };

    /// <summary>Names a user may well pick.</summary>
    public static readonly string[] CommonNames =
    {
        "Name", "Model", "Data", "Count", "Length", "Size", "Value", "Reset", "Train", "Load", "Save", "Run", "Input", "Output",
        "Weights", "Hidden", "State", "Seed", "Random", "System", "RnnGen", "Math", "Array", "Span", "Activation", "Cells", "Blas",
        "Sampling", "Vocabulary", "Describe", "Generate", "Evaluate", "Optimizer", "Dispose", "ToString", "Equals", "Clone",
    };

    /// <summary>
    /// Methods the generated code calls on its own class (public and private), with parameter lists that come
    /// close to the call: an overload with one of them could capture or confuse the generated call.
    /// </summary>
    private static readonly Dictionary<string, string[]> CalledMethods = new(StringComparer.Ordinal)
    {
        ["ComputeGradients"] = new[]
        {
            "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, int c", "System.ReadOnlySpan<int> a, System.ReadOnlySpan<int> b, int c",
            "System.ReadOnlySpan<float> a, System.ReadOnlySpan<int> b, object c", "System.ReadOnlySpan<int> a, System.ReadOnlySpan<float> b, string c",
            "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, int c = 0", "float[] a, float[] b",
        },
        ["Step"] = new[] { "System.Span<float> x, System.Span<float> y", "float[] x, System.Span<float> y", "System.Span<int> x, System.Span<float> y", "int[] x, System.Span<float> y", "System.ReadOnlySpan<float> x, float[] y" },
        ["TryTrainStep"] = new[]
        {
            "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, RnnGen.Training.IOptimizer o, out double l",
            "System.ReadOnlySpan<int> a, System.ReadOnlySpan<int> b, RnnGen.Training.IOptimizer o, out float l, int c = 0",
        },
        ["Predict"] = new[] { "float[] a, float[] b", "string s", "System.ReadOnlySpan<float> a, System.Span<float> b, int c = 0", "int[] a, float[] b" },
        ["ComputeLoss"] = new[] { "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, int c = 0", "float[] a, float[] b" },
        ["CheckLength"] = new[] { "long a, long b, string c", "int a, int b, object c", "int a, int b", "int a, int b, string c, int d = 0" },
        ["CheckTokens"] = new[] { "System.Span<int> tokens", "int[] tokens", "System.ReadOnlySpan<float> tokens" },
        ["CheckClasses"] = new[] { "System.Span<int> targets", "int[] targets" },
        ["Slice"] = new[] { "float[] buffer, object name", "object buffer, string name" },
        ["TensorIndex"] = new[] { "object name", "string name, int start = 0" },
        ["Forward"] = new[] { "System.ReadOnlySpan<float> input, bool logits, object dropout", "object input, bool logits, bool dropout" },
        ["Backward"] = new[] { "System.ReadOnlySpan<float> input, object wantInputGradients" },
        ["Loss"] = new[] { "System.ReadOnlySpan<int> targets", "System.ReadOnlySpan<float> targets", "object targets" },
        ["FeedBack"] = new[] { "System.ReadOnlySpan<float> y, float[] x", "System.ReadOnlySpan<float> y, int[] x" },
        ["TeacherForce"] = new[] { "System.ReadOnlySpan<float> a, object b" },
        ["Encode"] = new[] { "System.ReadOnlySpan<float> input, object dropout" },
        ["Decode"] = new[] { "bool logits, object dropout" },
        ["HandOver"] = new[] { "int a = 0" },
        ["DecoderStep"] = new[] { "float[] x, System.Span<float> y" },
        ["SequenceGradients"] = new[] { "object a, object b, System.Span<float> c" },
        ["SequenceLoss"] = new[] { "float[] a, object b" },
        ["CarryFinalState"] = new[] { "int a = 0" },
        ["ClearCarriedState"] = new[] { "bool all = true" },
        ["ResetState"] = new[] { "bool all = true" },
    };

    private static readonly string[] CalledMethodNames = CalledMethods.Keys.OrderBy(n => n, StringComparer.Ordinal).ToArray();

    private static readonly string[] PublicNames = GeneratedMembers.AllNames.OrderBy(n => n, StringComparer.Ordinal).ToArray();

    private static readonly string[] Accessibilities = { "public", "private", "protected", "internal", "protected internal", "private protected" };

    private static readonly string[] FieldTypes = { "int", "float", "float[]", "int[]", "string", "bool", "double", "object", "System.Random", "long" };

    private static readonly string[] ReturnTypes = { "void", "int", "float", "bool", "string", "float[]", "System.Span<float>", "object" };

    private static readonly string[] ParameterTypes =
    {
        "int", "float", "string", "bool", "long", "object", "float[]", "int[]", "System.ReadOnlySpan<float>", "System.Span<float>",
        "System.ReadOnlySpan<int>", "System.Span<int>", "System.IO.Stream", "RnnGen.Training.IOptimizer",
    };

    /// <summary>Parameter lists like the generated methods' (and near them): where an overload could capture a generated call.</summary>
    private static readonly string[] LookalikeParameters =
    {
        "System.ReadOnlySpan<float> a, System.Span<float> b", "System.ReadOnlySpan<int> a, System.Span<float> b", "System.Span<float> a, System.Span<float> b",
        "float[] a, float[] b", "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b", "System.ReadOnlySpan<float> a, System.ReadOnlySpan<int> b",
        "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, int c", "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, int c = 0",
        "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, System.Span<int> c", "System.ReadOnlySpan<int> a, System.ReadOnlySpan<int> b, System.Span<float> c",
        "System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, RnnGen.Training.IOptimizer c, out float d", "string s", "int i", "long l", "",
        "int actual, int expected, string name", "System.ReadOnlySpan<int> tokens", "System.ReadOnlySpan<float> y, System.Span<float> x",
        "object input, bool logits, bool dropout", "System.ReadOnlySpan<float> input, bool logits, bool dropout", "bool logits, bool dropout",
        "float[] buffer, string name", "System.ReadOnlySpan<float> targets", "System.ReadOnlySpan<int> targets",
    };

    private readonly Random random;

    public UserMemberDeclarations(int seed) => random = new Random(seed);

    public UserMemberCase Next(string path, string @namespace)
    {
        var used = new HashSet<string>(StringComparer.Ordinal) { "M", "Base" };
        string NextName()
        {
            for (;;)
            {
                string name = random.Next(10) switch
                {
                    < 3 => Pick(PublicNames),
                    < 6 => Pick(PrivateNames),
                    6 => Pick(LocalNames),
                    < 9 => Pick(CommonNames),
                    _ => RandomIdentifier(),
                };
                if (used.Add(name)) return name;
            }
        }

        var members = new List<(string, string)>();
        int count = 1 + random.Next(4);
        for (int i = 0; i < count; i++)
        {
            string name = NextName();
            members.Add((name, Member(name, inBase: false)));
        }
        if (Chance(0.4))
        {
            // An overload of a method the generated code calls, with parameters like (but not the same as) its own.
            string name = Pick(CalledMethodNames);
            string parameters = Chance(0.7) ? Pick(CalledMethods[name]) : Pick(LookalikeParameters);
            if (used.Add(name)) members.Add((name, $"{Pick(Accessibilities)} {(Chance(0.5) ? "static " : "")}{Pick(ReturnTypes)} {name}({parameters}) => throw null!;"));
        }
        var inherited = new List<(string, string)>();
        if (Chance(0.2))
        {
            int baseCount = 1 + random.Next(2);
            for (int i = 0; i < baseCount; i++)
            {
                string name = NextName();
                inherited.Add((name, Member(name, inBase: true)));
            }
        }

        var sb = new StringBuilder();
        sb.Append("using RnnGen;\n\nnamespace ").Append(@namespace).Append(";\n\n");
        if (inherited.Count > 0)
        {
            sb.Append("public class Base\n{\n");
            foreach (var (_, declaration) in inherited) sb.Append("    ").Append(declaration).Append('\n');
            sb.Append("}\n\n");
        }
        sb.Append(Pick(VariedModels.All)).Append('\n');
        sb.Append("public partial class M").Append(inherited.Count > 0 ? " : Base" : "").Append("\n{\n");
        foreach (var (_, declaration) in members) sb.Append("    ").Append(declaration).Append('\n');
        sb.Append("}\n");
        return new UserMemberCase(path, @namespace, sb.ToString(), members.Concat(inherited.Select(m => (m.Item1, "(in Base) " + m.Item2))).ToList());
    }

    private string Member(string name, bool inBase)
    {
        string access = Pick(Accessibilities);
        string isStatic = Chance(0.3) ? "static " : "";
        switch (random.Next(inBase ? 7 : 9))
        {
            case 0:
                return $"{access} {isStatic}{(Chance(0.3) ? "readonly " : "")}{Pick(FieldTypes)} {name} = default!;";
            case 1:
                return $"{access} const int {name} = {random.Next(100).ToString(CultureInfo.InvariantCulture)};";
            case 2:
                return Chance(0.5)
                    ? $"{access} {isStatic}{Pick(FieldTypes)} {name} {{ get; set; }} = default!;"
                    : $"{access} {isStatic}System.Span<float> {name} => default;";
            case 3:
                return $"{access} {isStatic}{Pick(ReturnTypes)} {name}{(Chance(0.1) ? "<TX>" : "")}({RandomParameters()}) => throw null!;";
            case 4:
                return Pick(new[] { "public class", "private sealed class", "internal struct", "public enum", "protected interface", "public record", "public delegate void" }) switch
                {
                    "public enum" => $"public enum {name} {{ One, Two }}",
                    "public delegate void" => $"public delegate void {name}(int value);",
                    var kind => $"{kind} {name} {{ }}",
                };
            case 5:
                return $"{access} {isStatic}event System.Action? {name} {{ add {{ }} remove {{ }} }}";
            case 6:
                return $"{access} {isStatic}{Pick(ReturnTypes)} {name}({Pick(LookalikeParameters)}) => throw null!;";
            case 7:
            {
                // A constructor: chained to the generated M() unless it has its parameters.
                string parameters = (Chance(0.5) ? RandomParameters() : Pick(LookalikeParameters)).Replace("out ", "ref ", StringComparison.Ordinal);
                return parameters.Length == 0 ? $"{access} M() {{ }}" : $"{access} M({parameters}) : this() {{ }}";
            }
            default:
                return $"{access} {isStatic}{Pick(ReturnTypes)} {name}({Pick(LookalikeParameters)}) => throw null!;";
        }
    }

    private string RandomParameters()
    {
        int count = random.Next(5);
        var parameters = new List<string>();
        for (int i = 0; i < count; i++)
        {
            string type = Pick(ParameterTypes);
            string modifier = random.Next(10) switch { 0 => "in ", 1 => "ref ", 2 => "out ", _ => "" };
            parameters.Add(modifier + type + " p" + i.ToString(CultureInfo.InvariantCulture));
        }
        return string.Join(", ", parameters);
    }

    private string RandomIdentifier()
    {
        const string first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
        const string rest = first + "0123456789";
        var sb = new StringBuilder();
        sb.Append(first[random.Next(first.Length)]);
        int length = random.Next(8);
        for (int i = 0; i < length; i++) sb.Append(rest[random.Next(rest.Length)]);
        string name = sb.ToString();
        return Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? name : "@" + name;
    }

    private bool Chance(double p) => random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
