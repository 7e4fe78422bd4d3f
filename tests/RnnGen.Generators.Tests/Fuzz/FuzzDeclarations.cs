using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace RnnGen.Generators.Tests.Fuzz;

/// <summary>One fuzzed model declaration: a whole source file holding one namespace with one model class.</summary>
internal sealed class FuzzCase
{
    public FuzzCase(string path, string @namespace, string className, string text, IReadOnlyList<string> mutations, bool? tokenInput, bool topLevel)
    {
        Path = path;
        Namespace = @namespace;
        ClassName = className;
        Text = text;
        Mutations = mutations;
        TokenInput = tokenInput;
        TopLevel = topLevel;
    }

    /// <summary>The file the declaration is parsed under (diagnostics are attributed by file).</summary>
    public string Path { get; }

    /// <summary>The namespace the declaration was written in (a truncation may cut it).</summary>
    public string Namespace { get; }

    /// <summary>The class name as written (may carry '@' or be invalid).</summary>
    public string ClassName { get; }

    /// <summary>The source text.</summary>
    public string Text { get; }

    /// <summary>What was done to the plausible model, for the report.</summary>
    public IReadOnlyList<string> Mutations { get; }

    /// <summary>Whether the first layer written is an [Embedding] (token ids in); null when unknown.</summary>
    public bool? TokenInput { get; }

    /// <summary>Whether the class sits directly in its namespace (not nested).</summary>
    public bool TopLevel { get; }
}

/// <summary>
/// A seeded source of model declarations: mostly plausible models (the shapes the docs show)
/// with zero to four random mutations each — odd sizes, wrong argument types, missing or
/// duplicated arguments, odd names, bad From references, shuffled or misplaced layers, odd
/// type shapes and plain syntax errors.
/// </summary>
internal sealed class FuzzDeclarations
{
    private static readonly string[] OddSizes =
    {
        "-5", "0", "1", "2", "7", "64", "65536", "65537", "int.MaxValue", "int.MinValue",
    };

    private static readonly string[] WrongValues =
    {
        "\"x\"", "1.5", "true", "null", "typeof(int)", "Activation.Softmax", "SequenceMode.ManyToOne", "LossKind.MeanSquaredError",
        "GruVariant.ResetBefore", "K.Eight", "K.Eight * 2 + 1", "(int)K.Half", "Foo.Bar", "default", "'c'", "8L", "8u", "(short)8", "(byte)3",
        "2147483648", "-2147483649", "1e40f", "float.NaN", "float.PositiveInfinity", "new int[] { 1 }", "nameof(K)", "K.Name", "\"8\"",
        "(SequenceMode)7", "(Activation)99", "(LossKind)(-1)", "(GruVariant)5", "checked(int.MaxValue + 1)", "x => x",
    };

    private static readonly string[] OddNames =
    {
        "\"\"", "\" \"", "\"\\t\"", "\"a b\"", "\"\\\"\"", "\"'\"", "\"\\\\\"", "\"名前\"", "\"модель\"", "\"🙂\"", "\"a🙂b\"",
        "\"\\uD800\"", "\"\\0\"", "\"a\\nb\"", "\"a.b\"", "\"a/b\"", "\"{0}\"", "\"*/\"", "\"#if\"", "\"é\"", "\"e\\u0301\"", "\"\\u202Eabc\"",
        "\"layer0\"", "\"layer1\"", "\"weight\"", "\"lstm.weight_ih_l0\"", "null", "\"" + new string('n', 128) + "\"", "\"" + new string('n', 129) + "\"",
        "\"" + new string('長', 300) + "\"", "@\"verbatim\"", "\"\"\"raw\"\"\"", "$\"interp\"", "K.Name", "\"Predict\"", "\"class\"",
    };

    private static readonly string[] OddClassNames =
    {
        "Модель", "模型", "@class", "_", "__", "Ǆx", "Mé", "M\u0301", "Predict", "Parameters", "Steps", "InputSize", "ParameterCount",
        "Gradient", "ResetState", "M🙂", "🙂", "1M", "M-1", "", "M M", new string('L', 600), "@M", "M\\u0041", "var", "dynamic",
        "record", "nameof", "async", "RnnModel", "Lstm", "Span", "System", "Activation",
    };

    private readonly Random random;

    public FuzzDeclarations(int seed) => random = new Random(seed);

    /// <summary>The next declaration, written to file <paramref name="path"/> in namespace <paramref name="namespace"/>.</summary>
    public FuzzCase Next(string path, string @namespace)
    {
        var mutations = new List<string>();
        var model = new Attr("RnnModel");
        var layers = new List<Attr>();
        string className = "M";
        int mode = Pick(new[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 3 });

        // A plausible model first.
        bool embedding = Chance(0.25);
        if (embedding)
        {
            var e = new Attr("Embedding");
            e.Args.Add(Pick(new[] { "5", "10", "27", "100" }));
            e.Args.Add(Pick(new[] { "2", "4", "8", "16" }));
            if (Chance(0.5)) e.Args.Add("Name = \"emb\"");
            layers.Add(e);
        }
        else
        {
            model.Args.Add("InputSize = " + Pick(new[] { "1", "2", "3", "4", "8", "16", "65" }));
        }
        model.Args.Add("Steps = " + Pick(new[] { "1", "2", "3", "5", "10", "20" }));
        if (mode != 0 || Chance(0.2))
        {
            model.Args.Add("Mode = SequenceMode." + new[] { "ManyToMany", "ManyToOne", "OneToMany", "EncoderDecoder" }[mode]);
        }
        if (mode == 3) model.Args.Add("OutputSteps = " + Pick(new[] { "1", "3", "5" }));
        if (Chance(0.3)) model.Args.Add("BatchSize = " + Pick(new[] { "1", "2", "3", "4" }));

        int recurrent = 1 + random.Next(3);
        var names = new List<string>();
        for (int i = 0; i < recurrent; i++)
        {
            var r = new Attr(Pick(new[] { "Lstm", "Gru", "SimpleRnn" }));
            r.Args.Add(Pick(new[] { "1", "2", "3", "4", "7", "8", "16", "32" }));
            if (Chance(0.5))
            {
                string name = "r" + i.ToString(CultureInfo.InvariantCulture);
                names.Add(name);
                r.Args.Add("Name = \"" + name + "\"");
            }
            if (Chance(0.25)) r.Args.Add("Layers = " + Pick(new[] { "1", "2", "3" }));
            if (Chance(0.25)) r.Args.Add("Bidirectional = " + (Chance(0.7) ? "true" : "false"));
            if (Chance(0.2)) r.Args.Add("Dropout = " + Pick(new[] { "0f", "0.2f", "0.5f", "0" }));
            if (r.Name == "SimpleRnn" && Chance(0.3)) r.Args.Add("Activation = Activation." + Pick(new[] { "Tanh", "Relu" }));
            if (r.Name == "Gru" && Chance(0.3)) r.Args.Add("Variant = GruVariant." + Pick(new[] { "ResetAfter", "ResetBefore" }));
            if (mode == 3 && i == recurrent - 1 && i > 0) r.Args.Add("Decoder = true");
            layers.Add(r);
        }
        if (Chance(0.8))
        {
            var d = new Attr("Dense");
            d.Args.Add(Pick(new[] { "1", "2", "3", "10", "65" }));
            if (Chance(0.4)) d.Args.Add("Name = \"fc\"");
            if (Chance(0.7)) d.Args.Add("Activation = Activation." + Pick(new[] { "Identity", "Softmax", "Sigmoid", "Tanh", "Relu" }));
            if (Chance(0.1) && names.Count > 0) d.Args.Add("From = \"" + names[^1] + "\"");
            layers.Add(d);
        }
        if (Chance(0.1)) model.Args.Add("Loss = LossKind." + Pick(new[] { "Auto", "CrossEntropy", "BinaryCrossEntropy", "MeanSquaredError" }));

        var shape = new Shape();

        // Then the mutations.
        int count = Pick(new[] { 0, 1, 1, 1, 2, 2, 2, 3, 3, 4 });
        bool syntaxError = false;
        for (int m = 0; m < count; m++)
        {
            int kind = random.Next(20);
            switch (kind)
            {
                case 0:
                case 1:
                {
                    var (attr, at) = PickArgument(model, layers, numericOnly: true);
                    if (attr is null) break;
                    string odd = Pick(OddSizes);
                    attr.Args[at] = ReplaceValue(attr.Args[at], odd);
                    mutations.Add($"size {attr.Name}[{at}] = {odd}");
                    break;
                }
                case 2:
                case 3:
                {
                    var (attr, at) = PickArgument(model, layers, numericOnly: false);
                    if (attr is null) break;
                    string wrong = Pick(WrongValues);
                    attr.Args[at] = ReplaceValue(attr.Args[at], wrong);
                    mutations.Add($"value {attr.Name}[{at}] = {wrong}");
                    break;
                }
                case 4:
                {
                    var (attr, at) = PickArgument(model, layers, numericOnly: false);
                    if (attr is null) break;
                    mutations.Add($"drop {attr.Name}[{at}] '{attr.Args[at]}'");
                    attr.Args.RemoveAt(at);
                    break;
                }
                case 5:
                {
                    var (attr, at) = PickArgument(model, layers, numericOnly: false);
                    if (attr is null) break;
                    mutations.Add($"duplicate {attr.Name}[{at}] '{attr.Args[at]}'");
                    attr.Args.Insert(at, attr.Args[at]);
                    break;
                }
                case 6:
                {
                    if (layers.Count == 0) break;
                    var layer = Pick(layers);
                    string name = Chance(0.3) && names.Count > 0 ? "\"" + Pick(names) + "\"" : Pick(OddNames);
                    SetNamed(layer, "Name", name);
                    mutations.Add($"name {layer.Name} = {name}");
                    break;
                }
                case 7:
                {
                    if (layers.Count == 0) break;
                    int index = random.Next(layers.Count);
                    var layer = layers[index];
                    string? own = NameOf(layer);
                    string from = random.Next(5) switch
                    {
                        0 when index > 0 && NameOf(layers[index - 1]) is string prev => prev, // valid: an earlier layer
                        1 when index + 1 < layers.Count && NameOf(layers[index + 1]) is string next => next, // forward
                        2 when own is not null => own, // self
                        3 => "\"layer" + random.Next(4).ToString(CultureInfo.InvariantCulture) + "\"",
                        _ => Pick(OddNames),
                    };
                    SetNamed(layer, "From", from);
                    mutations.Add($"from {layer.Name}#{index} = {from}");
                    break;
                }
                case 8:
                {
                    if (layers.Count == 0) break;
                    var layer = Pick(layers);
                    var (property, value) = random.Next(7) switch
                    {
                        0 => ("Layers", Pick(new[] { "0", "-1", "2", "64", "65", "int.MaxValue", "true" })),
                        1 => ("Dropout", Pick(new[] { "-0.1f", "1f", "0.99999f", "0.5", "float.NaN", "float.Epsilon", "1", "-0f", "float.MaxValue", "0.5m" })),
                        2 => ("Bidirectional", Pick(new[] { "true", "false", "1", "null" })),
                        3 => ("Decoder", Pick(new[] { "true", "false" })),
                        4 => ("Activation", "Activation." + Pick(new[] { "Identity", "Softmax", "Sigmoid", "Tanh", "Relu" })),
                        5 => ("Variant", Pick(new[] { "GruVariant.ResetBefore", "(GruVariant)2", "GruVariant.ResetAfter" })),
                        _ => ("Name", "\"" + layer.Name.ToLowerInvariant() + "\""),
                    };
                    SetNamed(layer, property, value);
                    mutations.Add($"{layer.Name}.{property} = {value}");
                    break;
                }
                case 9:
                {
                    var (property, value) = random.Next(5) switch
                    {
                        0 => ("Mode", Pick(new[] { "SequenceMode.ManyToMany", "SequenceMode.ManyToOne", "SequenceMode.OneToMany", "SequenceMode.EncoderDecoder", "(SequenceMode)9" })),
                        1 => ("Loss", Pick(new[] { "LossKind.Auto", "LossKind.CrossEntropy", "LossKind.BinaryCrossEntropy", "LossKind.MeanSquaredError", "(LossKind)4" })),
                        2 => ("OutputSteps", Pick(OddSizes)),
                        3 => ("BatchSize", Pick(new[] { "0", "2", "16384", "16385", "-1" })),
                        _ => ("Steps", Pick(new[] { "0", "65536", "65537", "1" })),
                    };
                    SetNamed(model, property, value);
                    mutations.Add($"RnnModel.{property} = {value}");
                    break;
                }
                case 10:
                    Shuffle(layers);
                    mutations.Add("shuffle layers");
                    break;
                case 11:
                {
                    var e = new Attr("Embedding");
                    e.Args.Add(Pick(new[] { "10", "0", "65537" }));
                    if (Chance(0.8)) e.Args.Add(Pick(new[] { "4", "0", "-5" }));
                    int at = random.Next(layers.Count + 1);
                    layers.Insert(at, e);
                    mutations.Add($"embedding at {at}");
                    break;
                }
                case 12:
                    if (Chance(0.5))
                    {
                        layers.Clear();
                        mutations.Add("no layers");
                    }
                    else
                    {
                        layers.RemoveAll(l => l.Name is "Lstm" or "Gru" or "SimpleRnn");
                        mutations.Add("no recurrent layer");
                    }
                    break;
                case 13:
                case 14:
                {
                    string change = shape.Mutate(random);
                    mutations.Add("type: " + change);
                    break;
                }
                case 15:
                {
                    className = Pick(OddClassNames);
                    mutations.Add("class name '" + className + "'");
                    break;
                }
                case 16:
                {
                    string form = Pick(new[] { "[RnnModel]", "[RnnModel()]", "[RnnModel(5)]", "[RnnModel(Steps = 5)]", "[RnnModel(InputSize = 4)]", "[RnnModel(InputSize = 4, Steps = 3)]", "[Lstm]", "[Dense(2, 3)]", "[Gru(4, Name = \"dup\")][Gru(4, Name = \"dup\")]", "[Obsolete]", "[Serializable]" });
                    shape.ExtraAttributes.Add(form);
                    mutations.Add("extra attribute " + form);
                    break;
                }
                case 17:
                    shape.SplitLayers = true;
                    mutations.Add("layers split over two partial declarations");
                    break;
                case 18:
                case 19:
                    syntaxError = true;
                    break;
            }
        }

        string text = Render(@namespace, className, model, layers, shape);
        if (syntaxError)
        {
            if (Chance(0.5))
            {
                int cut = random.Next(text.Length);
                mutations.Add($"truncated at {cut}");
                text = text.Substring(0, cut);
            }
            else
            {
                var brackets = Enumerable.Range(0, text.Length).Where(i => "()[]{}\"".IndexOf(text[i]) >= 0).ToList();
                int at = brackets[random.Next(brackets.Count)];
                mutations.Add($"dropped '{text[at]}' at {at}");
                text = text.Remove(at, 1);
            }
        }

        bool? tokenInput = layers.Count > 0 ? layers[0].Name == "Embedding" : null;
        return new FuzzCase(path, @namespace, className, text, mutations, tokenInput, topLevel: shape.Container is null);
    }

    private string Render(string @namespace, string className, Attr model, List<Attr> layers, Shape shape)
    {
        var sb = new StringBuilder();
        sb.Append("using System;\nusing RnnGen;\n\nnamespace ").Append(@namespace).Append("\n{\n");
        sb.Append("    internal static class K { public const int Eight = 8; public const float Half = 0.5f; public const string Name = \"k\"; }\n");
        sb.Append("    internal static class Foo { public static int Bar = 3; }\n\n");
        string indent = "    ";
        if (shape.Container is not null)
        {
            sb.Append(indent).Append(shape.Container).Append("\n    {\n");
            indent = "        ";
        }

        var attributes = new List<string> { model.Render() };
        attributes.AddRange(layers.Select(l => l.Render()));
        attributes.AddRange(shape.ExtraAttributes);
        if (Chance(0.15))
        {
            // [RnnModel] need not come first: only the layers' order is the data flow.
            int at = random.Next(attributes.Count);
            attributes.RemoveAt(0);
            attributes.Insert(at, model.Render());
        }
        var second = new List<string>();
        if (shape.SplitLayers && layers.Count > 0)
        {
            second.Add(attributes[^1]);
            attributes.RemoveAt(attributes.Count - 1);
        }
        bool combined = Chance(0.1);
        if (combined)
        {
            sb.Append(indent).Append('[').Append(string.Join(", ", attributes.Select(a => a.Substring(1, a.Length - 2)))).Append("]\n");
        }
        else
        {
            foreach (var a in attributes) sb.Append(indent).Append(a).Append('\n');
        }
        string header = shape.Header(className);
        sb.Append(indent).Append(header).Append('\n').Append(indent).Append("{\n");
        if (shape.Member is not null) sb.Append(indent).Append("    ").Append(shape.Member).Append('\n');
        sb.Append(indent).Append("}\n");
        if (second.Count > 0 || shape.SplitLayers)
        {
            foreach (var a in second) sb.Append(indent).Append(a).Append('\n');
            sb.Append(indent).Append(shape.Header(className)).Append(" { }\n");
        }
        if (shape.Container is not null) sb.Append("    }\n");
        sb.Append("}\n");
        return sb.ToString();
    }

    private (Attr? Attr, int Index) PickArgument(Attr model, List<Attr> layers, bool numericOnly)
    {
        var all = new List<(Attr, int)>();
        foreach (var a in layers.Prepend(model))
        {
            for (int i = 0; i < a.Args.Count; i++)
            {
                string value = Value(a.Args[i]);
                if (!numericOnly || int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) all.Add((a, i));
            }
        }
        return all.Count == 0 ? (null, -1) : all[random.Next(all.Count)];
    }

    private static string Value(string argument)
    {
        int eq = argument.IndexOf(" = ", StringComparison.Ordinal);
        return eq < 0 ? argument : argument.Substring(eq + 3);
    }

    private static string ReplaceValue(string argument, string value)
    {
        int eq = argument.IndexOf(" = ", StringComparison.Ordinal);
        return eq < 0 ? value : argument.Substring(0, eq + 3) + value;
    }

    private static string? NameOf(Attr layer)
    {
        var arg = layer.Args.FirstOrDefault(a => a.StartsWith("Name = ", StringComparison.Ordinal));
        return arg is null ? null : Value(arg);
    }

    private void SetNamed(Attr attr, string property, string value)
    {
        int at = attr.Args.FindIndex(a => a.StartsWith(property + " = ", StringComparison.Ordinal));
        if (at >= 0 && Chance(0.85)) attr.Args[at] = property + " = " + value;
        else attr.Args.Add(property + " = " + value);
    }

    private bool Chance(double p) => random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private void Shuffle<T>(List<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private sealed class Attr
    {
        public Attr(string name) => Name = name;

        public string Name { get; }

        public List<string> Args { get; } = new();

        public string Render() => Args.Count == 0 ? "[" + Name + "]" : "[" + Name + "(" + string.Join(", ", Args) + ")]";
    }

    /// <summary>The declared type's shape: modifiers, kind, generic parameters and container.</summary>
    private sealed class Shape
    {
        public string Modifiers { get; set; } = "public partial";

        public string Keyword { get; set; } = "class";

        public string TypeParameters { get; set; } = "";

        public string? Container { get; set; }

        public string? Member { get; set; }

        public bool SplitLayers { get; set; }

        public List<string> ExtraAttributes { get; } = new();

        public string Header(string className) => $"{Modifiers} {Keyword} {className}{TypeParameters}";

        public string Mutate(Random random)
        {
            switch (random.Next(16))
            {
                case 0: Modifiers = "public static partial"; return "static";
                case 1: Modifiers = "public abstract partial"; return "abstract";
                case 2: Modifiers = "public sealed partial"; return "sealed";
                case 3: TypeParameters = "<T>"; return "generic";
                case 4: Modifiers = "public"; return "not partial";
                case 5: Modifiers = "file partial"; return "file-local";
                case 6: Modifiers = "internal partial"; return "internal";
                case 7: Keyword = "struct"; return "struct";
                case 8: Keyword = "record"; return "record";
                case 9: Keyword = "interface"; return "interface";
                case 10: Container = "public partial class Outer<T>"; return "nested in generic";
                case 11: Container = "public class Outer"; Modifiers = "private partial"; return "nested in non-partial";
                case 12: Container = "public partial record Outer"; return "nested in record";
                case 13: Container = "public partial struct Outer"; Modifiers = "internal partial"; return "nested in struct";
                case 14: Container = "public static partial class Outer"; return "nested in static class";
                default: Member = "public void Predict() { }"; return "user member named Predict";
            }
        }
    }
}
