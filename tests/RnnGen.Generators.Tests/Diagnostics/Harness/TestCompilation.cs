using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Generators.Tests.Diagnostics.Harness;

/// <summary>Compilations of test sources against the .NET 10 reference assemblies and the RnnGen runtime.</summary>
internal static class TestCompilation
{
    /// <summary>The path every test source is parsed under (it appears in diagnostic locations).</summary>
    public const string SourcePath = "Model.cs";

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
    {
        var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net100.References.All)
        {
            MetadataReference.CreateFromFile(typeof(global::RnnGen.RnnModelAttribute).Assembly.Location),
            // The runtime's public surface mentions System.Numerics.Tensors; generated code may touch it.
            MetadataReference.CreateFromFile(typeof(System.Numerics.Tensors.TensorPrimitives).Assembly.Location),
        };
        return references.ToImmutableArray();
    });

    /// <summary>Latest C#.</summary>
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>A library with nullable annotations on, as the repository builds.</summary>
    public static CSharpCompilationOptions Options { get; } = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        allowUnsafe: true,
        specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic>
        {
            // Assembly version unification notes between the reference pack and the runtime.
            ["CS1701"] = ReportDiagnostic.Suppress,
            ["CS1702"] = ReportDiagnostic.Suppress,
        });

    /// <summary>The references every test compilation gets.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>A compilation of one source file.</summary>
    public static CSharpCompilation Create(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, ParseOptions, SourcePath, System.Text.Encoding.UTF8);
        return CSharpCompilation.Create(
            "RnnGenDiagnostics_" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture),
            new[] { tree },
            References,
            Options);
    }
}
