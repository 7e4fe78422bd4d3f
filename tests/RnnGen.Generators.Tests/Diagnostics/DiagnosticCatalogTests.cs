using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using RnnGen.Generators.Diagnostics;
using RnnGen.Generators.Tests.Diagnostics.Harness;
using Xunit;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>
/// Every descriptor is complete: a page under docs/diagnostics with a working example and fix,
/// a row in the README table and in AnalyzerReleases.Unshipped.md, a help link to its page,
/// and a positive and a negative test in this folder.
/// </summary>
public sealed class DiagnosticCatalogTests
{
    internal const string DocsFolder = "docs/diagnostics";
    private const string TestsFolder = "tests/RnnGen.Generators.Tests/Diagnostics";
    internal const string InternalErrorId = "RNN0024";

    /// <summary>IDs whose page has no triggering example in code: the internal error, and the two about project references.</summary>
    private static readonly HashSet<string> WithoutExample = new(StringComparer.Ordinal) { InternalErrorId, "RNN0026", "RNN0027" };

    /// <summary>IDs without a positive and a negative analyzer test (the internal error comes from the generator).</summary>
    private static readonly HashSet<string> WithoutAnalyzerTests = new(StringComparer.Ordinal) { InternalErrorId };

    public static IReadOnlyList<DiagnosticDescriptor> Descriptors { get; } = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToList();

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var d in Descriptors) data.Add(d.Id);
        return data;
    }

    public static TheoryData<string> IdsWithExamples()
    {
        var data = new TheoryData<string>();
        foreach (var d in Descriptors.Where(d => !WithoutExample.Contains(d.Id))) data.Add(d.Id);
        return data;
    }

    [Fact]
    public void Descriptors_HaveUniqueWellFormedIds_AndAreAllSupportedByTheAnalyzer()
    {
        Assert.NotEmpty(Descriptors);
        Assert.All(Descriptors, d => Assert.Matches(@"^RNN\d{4}$", d.Id));
        Assert.Equal(Descriptors.Count, Descriptors.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count());
        var supported = new RnnModelAnalyzer().SupportedDiagnostics.Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal);
        Assert.Equal(Descriptors.Select(d => d.Id), supported);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_IsComplete(string id)
    {
        var d = Descriptor(id);
        Assert.Equal("RnnGen", d.Category);
        Assert.True(d.IsEnabledByDefault, $"{id} is disabled by default");
        Assert.False(string.IsNullOrWhiteSpace(d.Title.ToString()), $"{id} has no title");
        Assert.False(string.IsNullOrWhiteSpace(d.MessageFormat.ToString()), $"{id} has no message");
        Assert.EndsWith($"/docs/diagnostics/{id}.md", d.HelpLinkUri, StringComparison.Ordinal);
        Assert.True(Uri.IsWellFormedUriString(d.HelpLinkUri, UriKind.Absolute), $"{id}: help link '{d.HelpLinkUri}' is not an absolute URI");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_HasAPage_WithTheRequiredSections(string id)
    {
        var d = Descriptor(id);
        string path = RepositoryRoot.Combine($"{DocsFolder}/{id}.md");
        Assert.True(File.Exists(path), $"{id} has no page {DocsFolder}/{id}.md");
        string[] lines = File.ReadAllLines(path);
        Assert.Equal($"# {id}: {d.Title}", lines[0]);
        Assert.Contains(lines, l => l == $"Severity: **{d.DefaultSeverity}**");
        foreach (var section in new[] { "## What it means", "## Example", "## Fix", "## Related" })
        {
            Assert.True(lines.Contains(section), $"{id}.md lacks the section '{section}'");
        }
        foreach (Match link in Regex.Matches(string.Join("\n", lines), @"\]\((RNN\d{4})\.md\)"))
        {
            Assert.True(File.Exists(RepositoryRoot.Combine($"{DocsFolder}/{link.Groups[1].Value}.md")), $"{id}.md links to a missing page {link.Groups[1].Value}.md");
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_HasARowInTheReadme(string id)
    {
        var d = Descriptor(id);
        string readme = File.ReadAllText(RepositoryRoot.Combine($"{DocsFolder}/README.md"));
        var row = readme.Split('\n').Select(l => l.TrimEnd('\r')).SingleOrDefault(l => l.StartsWith($"| [{id}]({id}.md) |", StringComparison.Ordinal));
        Assert.True(row is not null, $"docs/diagnostics/README.md has no row for {id}");
        Assert.Contains($"| {d.DefaultSeverity} |", row, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_HasARowInTheUnshippedReleaseFile(string id)
    {
        var d = Descriptor(id);
        var rows = File.ReadAllLines(RepositoryRoot.Combine("generators/RnnGen.Generators/AnalyzerReleases.Unshipped.md"))
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .Where(c => c.Length >= 4 && c[0] == id)
            .ToList();
        Assert.True(rows.Count == 1, $"AnalyzerReleases.Unshipped.md has {rows.Count} rows for {id}");
        Assert.Equal(d.Category, rows[0][1]);
        Assert.Equal(d.DefaultSeverity.ToString(), rows[0][2]);
        Assert.Equal(d.Title.ToString(), rows[0][3]);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_IsMentionedByATestInThisFolder(string id)
    {
        string self = nameof(DiagnosticCatalogTests) + ".cs";
        var sources = Directory.GetFiles(RepositoryRoot.Combine(TestsFolder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !string.Equals(Path.GetFileName(f), self, StringComparison.Ordinal));
        Assert.True(sources.Any(f => File.ReadAllText(f).Contains(id, StringComparison.Ordinal)), $"No test source in {TestsFolder} mentions {id}");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_HasAPositiveAndANegativeTest(string id)
    {
        if (WithoutAnalyzerTests.Contains(id)) return;
        var names = typeof(DiagnosticCatalogTests).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(DiagnosticCatalogTests).Namespace)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any())
            .Select(m => m.Name)
            .ToList();
        Assert.True(names.Any(n => n.StartsWith(id + "_Reported", StringComparison.Ordinal)), $"{id} has no test named {id}_Reported…");
        Assert.True(names.Any(n => n.StartsWith(id + "_NotReported", StringComparison.Ordinal)), $"{id} has no test named {id}_NotReported…");
    }

    [Fact]
    public void EveryPage_BelongsToADescriptor()
    {
        var ids = Descriptors.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var pages = Directory.GetFiles(RepositoryRoot.Combine(DocsFolder), "*.md")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => !string.Equals(n, "README", StringComparison.Ordinal));
        Assert.All(pages, p => Assert.True(ids.Contains(p!), $"docs/diagnostics/{p}.md has no descriptor"));
    }

    [Theory]
    [MemberData(nameof(IdsWithExamples))]
    public void PageExample_Triggers_AndPageFix_IsClean(string id)
    {
        string page = File.ReadAllText(RepositoryRoot.Combine($"{DocsFolder}/{id}.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        string example = CodeBlockAfter(page, "## Example", id);
        string fix = CodeBlockAfter(page, "## Fix", id);

        // Some examples use generated members, which the source alone does not have yet; the fixed
        // source must compile without any error once generated.
        var triggered = ModelAnalysis.Run(example);
        DiagnosticVerifier.AssertHealthy(triggered, ExampleErrorsBeforeGeneration.GetValueOrDefault(id, Array.Empty<string>()));
        Assert.True(triggered.RnnDiagnostics.Any(d => d.Id == id),
            $"The example in {id}.md does not report {id}; it reports: " + string.Join("; ", triggered.RnnDiagnostics.Select(ModelAnalysis.Describe)));

        var fixedRun = ModelAnalysis.Run(fix);
        DiagnosticVerifier.AssertHealthy(fixedRun, FixErrorsBeforeGeneration.GetValueOrDefault(id, Array.Empty<string>()));
        Assert.True(fixedRun.RnnDiagnostics.Count == 0,
            $"The fix in {id}.md still reports: " + string.Join("; ", fixedRun.RnnDiagnostics.Select(ModelAnalysis.Describe)));
        DiagnosticVerifier.AssertGeneratedAndCompiles(fixedRun);
    }

    /// <summary>Compiler errors an example has before generation: RNN0029's calls the generated <c>Step</c> (CS1061).</summary>
    private static readonly Dictionary<string, string[]> ExampleErrorsBeforeGeneration = new(StringComparer.Ordinal)
    {
        ["RNN0029"] = new[] { "CS1061" },
    };

    /// <summary>
    /// Compiler errors a fix has before generation: RNN0029's calls the generated <c>Step</c> (CS1061), RNN0040's the
    /// generated <c>Predict</c> of the model it holds (CS1061); RNN0042's
    /// and RNN0043's chain to a generated constructor (CS7036: the only constructor there is yet wants other
    /// arguments), and RNN0042's calls the generated <c>Predict</c> from an overload (CS1501).
    /// </summary>
    private static readonly Dictionary<string, string[]> FixErrorsBeforeGeneration = new(StringComparer.Ordinal)
    {
        ["RNN0029"] = new[] { "CS1061" },
        ["RNN0040"] = new[] { "CS1061" },
        ["RNN0042"] = new[] { "CS7036", "CS1501" },
        ["RNN0043"] = new[] { "CS7036" },
    };

    internal static DiagnosticDescriptor Descriptor(string id) => Descriptors.Single(d => d.Id == id);

    private static string CodeBlockAfter(string page, string heading, string id)
    {
        int at = page.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(at >= 0, $"{id}.md lacks '{heading}'");
        int start = page.IndexOf("```csharp\n", at, StringComparison.Ordinal);
        int next = page.IndexOf("\n## ", at + heading.Length + 1, StringComparison.Ordinal);
        Assert.True(start >= 0 && (next < 0 || start < next), $"{id}.md has no ```csharp block under '{heading}'");
        start += "```csharp\n".Length;
        int end = page.IndexOf("```", start, StringComparison.Ordinal);
        return page.Substring(start, end - start);
    }
}
