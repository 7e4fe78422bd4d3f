using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generators.Model;
using Xunit;

namespace RnnGen.Generators.Tests.Generation;

/// <summary>The IDE must not regenerate on unrelated edits, and must on edits that change a model.</summary>
public sealed class IncrementalityTests
{
    private const string Model = """
        using RnnGen;
        namespace Demo;

        [RnnModel(InputSize = 8, Steps = 10)]
        [Lstm(16, Name = "lstm")]
        [Dense(4, Name = "fc")]
        public partial class M { }
        """;

    private const string Other = """
        namespace Demo;
        public static class Helpers
        {
            // a comment
            public static int Twice(int x) => 2 * x;
        }
        """;

    private static IncrementalStepRunReason[] Reasons(GeneratorDriverRunResult result, string step) =>
        result.Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    private static IncrementalStepRunReason[] OutputReasons(GeneratorDriverRunResult result) =>
        result.Results.Single().TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun()
    {
        var compilation = Driver.Compilation(Model, Other);
        var driver = Driver.Create().RunGenerators(compilation);
        Assert.Single(driver.GetRunResult().GeneratedTrees);
        return (driver, compilation);
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, int index, string text)
    {
        var old = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(text, Driver.ParseOptions, path: old.FilePath));
    }

    [Fact]
    public void An_edit_elsewhere_leaves_the_generator_cached()
    {
        var (driver, compilation) = FirstRun();
        var edited = Replace(compilation, 1, Other.Replace("// a comment", "// another comment").Replace("2 * x", "x + x"));
        var result = driver.RunGenerators(edited).GetRunResult();
        Assert.All(Reasons(result, TrackingNames.Models), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(OutputReasons(result), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void A_comment_in_the_model_file_leaves_the_output_cached()
    {
        var (driver, compilation) = FirstRun();
        var edited = Replace(compilation, 0, Model.Replace("public partial class M { }", "public partial class M { /* note */ }"));
        var result = driver.RunGenerators(edited).GetRunResult();
        Assert.All(Reasons(result, TrackingNames.Models), r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));
        Assert.All(OutputReasons(result), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void A_size_change_regenerates()
    {
        var (driver, compilation) = FirstRun();
        var edited = Replace(compilation, 0, Model.Replace("[Lstm(16,", "[Lstm(17,"));
        var result = driver.RunGenerators(edited).GetRunResult();
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, TrackingNames.Models));
        Assert.Contains(IncrementalStepRunReason.Modified, OutputReasons(result));
        Assert.Contains("Lstm(17)", result.GeneratedTrees.Single().ToString());
    }

    [Fact]
    public void A_member_with_a_name_the_generator_does_not_use_leaves_the_output_cached()
    {
        var (driver, compilation) = FirstRun();
        var edited = Replace(compilation, 0, Model.Replace("public partial class M { }", "public partial class M { public int Helper() => 1; private readonly string _label = \"\"; }"));
        var result = driver.RunGenerators(edited).GetRunResult();
        Assert.All(Reasons(result, TrackingNames.Models), r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));
        Assert.All(OutputReasons(result), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void The_model_spec_holds_no_symbols_syntax_or_compilation()
    {
        var (driver, _) = FirstRun();
        WalkTheSpec(driver);
    }

    [Fact]
    public void The_spec_of_a_model_with_members_holds_no_symbols_syntax_or_compilation()
    {
        // The user's members that may collide with generated ones are recorded as values (RNN0042).
        var compilation = Driver.Compilation(Model.Replace("public partial class M { }", "public partial class M : Station { public void Predict(string s) { } public M(string s) : this(1) { } }\npublic class Station { public void Predict(int x) { } }"), Other);
        var driver = Driver.Create().RunGenerators(compilation);
        var spec = WalkTheSpec(driver);
        Assert.Equal(3, spec.Shape.Members.Count);
    }

    private static ModelSpec WalkTheSpec(GeneratorDriver driver)
    {
        var outputs = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Models].SelectMany(s => s.Outputs).Select(o => o.Value).ToArray();
        var spec = Assert.IsType<ModelSpec>(Assert.Single(outputs));
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(spec, "spec", visited);
        Assert.True(visited.Count > 3, "the walk should have visited the spec's members");
        return spec;
    }

    private static void Walk(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        Assert.False(value is ISymbol or Compilation or SyntaxNode or SyntaxTree or Location or SemanticModel or AttributeData,
            $"{path} holds a {value.GetType().Name}, which would keep a compilation alive and defeat caching");
        if (!value.GetType().IsValueType && !visited.Add(value)) return;
        if (value is IEnumerable sequence)
        {
            int i = 0;
            foreach (var item in sequence) Walk(item, $"{path}[{i++}]", visited);
            return;
        }
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name == "EqualityContract") continue;
            Walk(property.GetValue(value), path + "." + property.Name, visited);
        }
    }
}
