using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Generators.Tests.Infrastructure;

/// <summary>
/// Drives the RnnGen generator in-process: builds a compilation of test sources against the
/// .NET 10 reference assemblies and the runtime, runs every generator of the generator assembly
/// through <see cref="CSharpGeneratorDriver"/> (with incremental step tracking), and compiles,
/// emits and loads the result into a collectible load context.
/// </summary>
/// <remarks>
/// The compilation is strict like the repository's builds: Release, unsafe allowed, nullable
/// enabled, warning level 9999 (every warning wave) and every warning an error except
/// <see cref="SuppressedWarnings"/>. Generator warnings count as errors too.
/// The generator runs under <see cref="CultureScope.NonAsciiMinus"/> unless told otherwise.
/// </remarks>
public static class GeneratorHarness
{
    /// <summary>The generator's expected type name.</summary>
    public const string GeneratorTypeName = "RnnGen.Generators.RnnModelGenerator";

    /// <summary>
    /// Warnings not turned into errors, with why: CS1701/CS1702 are assembly-version
    /// unification notes between the reference pack and the runtime built against the real
    /// framework (the SDK suppresses them by default too).
    /// </summary>
    public static IReadOnlyDictionary<string, string> SuppressedWarnings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["CS1701"] = "reference assembly version unification (suppressed by the SDK by default)",
        ["CS1702"] = "reference assembly version unification (suppressed by the SDK by default)",
    };

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(CreateReferences);
    private static readonly Lazy<ImmutableArray<ISourceGenerator>> LazyGenerators = new(FindGenerators);

    /// <summary>Parse options: latest language version, the preprocessor symbols of a net10.0 Release build.</summary>
    public static CSharpParseOptions ParseOptions { get; } = new(
        LanguageVersion.Latest,
        DocumentationMode.Parse,
        SourceCodeKind.Regular,
        new[]
        {
            "RELEASE", "NET", "NETCOREAPP", "NET10_0",
            "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP3_1_OR_GREATER",
            "NET5_0_OR_GREATER", "NET6_0_OR_GREATER", "NET7_0_OR_GREATER", "NET8_0_OR_GREATER", "NET9_0_OR_GREATER", "NET10_0_OR_GREATER",
        });

    /// <summary>Compilation options (see the type's remarks).</summary>
    public static CSharpCompilationOptions CompilationOptions { get; } = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release,
            allowUnsafe: true,
            nullableContextOptions: NullableContextOptions.Enable,
            warningLevel: 9999,
            generalDiagnosticOption: ReportDiagnostic.Error,
            deterministic: true)
        .WithSpecificDiagnosticOptions(SuppressedWarnings.Keys.Select(id => new KeyValuePair<string, ReportDiagnostic>(id, ReportDiagnostic.Suppress)));

    /// <summary>The .NET 10 reference assemblies, the runtime assembly and what the runtime depends on.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>Every <c>[Generator]</c> of the generator assembly, as a real build would run them.</summary>
    public static ImmutableArray<ISourceGenerator> Generators => LazyGenerators.Value;

    /// <summary>A compilation of <paramref name="sources"/> (file path, text), before generation.</summary>
    public static CSharpCompilation CreateCompilation(IEnumerable<(string Path, string Text)> sources, string? assemblyName = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path, System.Text.Encoding.UTF8)).ToArray();
        return CSharpCompilation.Create(
            assemblyName ?? "RnnGenTest_" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture),
            trees,
            References,
            CompilationOptions);
    }

    /// <summary>A driver over <see cref="Generators"/> with incremental step tracking.</summary>
    public static GeneratorDriver CreateDriver() => CreateDriver(Generators);

    /// <summary>A driver over <paramref name="generators"/> (none: a plain compile) with incremental step tracking.</summary>
    public static GeneratorDriver CreateDriver(IEnumerable<ISourceGenerator> generators) => CSharpGeneratorDriver.Create(
        generators,
        additionalTexts: null,
        parseOptions: ParseOptions,
        optionsProvider: null,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator over sources named <c>Source0.cs</c>, <c>Source1.cs</c>, ….</summary>
    public static GeneratorRun Run(params string[] sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return Run(sources.Select((text, i) => ("Source" + i.ToString(CultureInfo.InvariantCulture) + ".cs", text)));
    }

    /// <summary>
    /// Runs the generator over <paramref name="sources"/> under <paramref name="culture"/>
    /// (default <see cref="CultureScope.NonAsciiMinus"/>). Pass a <paramref name="driver"/> from an
    /// earlier run (<see cref="GeneratorRun.Driver"/>) to observe incremental caching.
    /// </summary>
    public static GeneratorRun Run(IEnumerable<(string Path, string Text)> sources, GeneratorDriver? driver = null, CultureInfo? culture = null)
    {
        var compilation = CreateCompilation(sources);
        return Run(compilation, driver, culture);
    }

    /// <summary>Runs the generator over an existing compilation.</summary>
    public static GeneratorRun Run(CSharpCompilation compilation, GeneratorDriver? driver = null, CultureInfo? culture = null)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        using (new CultureScope(culture ?? CultureScope.NonAsciiMinus))
        {
            var next = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
            return new GeneratorRun(compilation, output, next, next.GetRunResult(), diagnostics);
        }
    }

    /// <summary>Runs the generator, compiles, emits and loads; throws <see cref="HarnessException"/> listing every error.</summary>
    public static LoadedAssembly CompileAndLoad(params string[] sources) => Run(sources).CompileAndLoad();

    /// <summary>Runs the generator, compiles, emits and loads; throws <see cref="HarnessException"/> listing every error.</summary>
    public static LoadedAssembly CompileAndLoad(IEnumerable<(string Path, string Text)> sources) => Run(sources).CompileAndLoad();

    private static ImmutableArray<MetadataReference> CreateReferences()
    {
        var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net100.References.All);
        var known = new HashSet<string>(
            Basic.Reference.Assemblies.Net100.References.All.Select(r => Path.GetFileNameWithoutExtension(r.FilePath ?? r.Display ?? "")),
            StringComparer.OrdinalIgnoreCase);

        // The runtime, plus whatever it references that the reference pack lacks (e.g. System.Numerics.Tensors),
        // so generated code may call into both.
        var runtime = typeof(RnnModelAttribute).Assembly;
        references.Add(MetadataReference.CreateFromFile(runtime.Location));
        known.Add(runtime.GetName().Name!);
        foreach (var name in runtime.GetReferencedAssemblies())
        {
            if (name.Name is null || known.Contains(name.Name))
            {
                continue;
            }

            try
            {
                var dependency = Assembly.Load(name);
                if (!string.IsNullOrEmpty(dependency.Location))
                {
                    references.Add(MetadataReference.CreateFromFile(dependency.Location));
                    known.Add(name.Name);
                }
            }
            catch (FileNotFoundException)
            {
                // Not deployed with the tests: generated code cannot use it either.
            }
        }

        return references.ToImmutableArray();
    }

    private static ImmutableArray<ISourceGenerator> FindGenerators()
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName("RnnGen.Generators"));
        }
        catch (FileNotFoundException e)
        {
            throw new HarnessException("The generator assembly RnnGen.Generators is not next to the tests: " + e.Message);
        }

        Type?[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types;
        }

        var generators = new List<ISourceGenerator>();
        foreach (var type in types.OfType<Type>().Where(t => !t.IsAbstract && t.GetCustomAttribute<GeneratorAttribute>() is not null).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var instance = Activator.CreateInstance(type);
            switch (instance)
            {
                case IIncrementalGenerator incremental:
                    generators.Add(incremental.AsSourceGenerator());
                    break;
                case ISourceGenerator source:
                    generators.Add(source);
                    break;
            }
        }

        if (generators.Count == 0)
        {
            throw new HarnessException($"The generator assembly has no [Generator] type yet (expected {GeneratorTypeName}).");
        }

        return generators.ToImmutableArray();
    }
}

/// <summary>A failure of the harness itself or of compiling generated code, with a readable message.</summary>
public sealed class HarnessException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HarnessException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public HarnessException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public HarnessException()
    {
    }
}
