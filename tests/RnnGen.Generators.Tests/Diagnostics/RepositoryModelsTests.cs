using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.Generators.Tests.Diagnostics.Harness;
using Xunit;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>
/// Every model the repository itself declares — in the samples, in the tests that run generated
/// models, and in the README's quick start — gets no RnnGen diagnostic at all, not even a warning.
/// (The builds would fail on one too, as warnings are errors, but only this test says which.)
/// </summary>
public sealed class RepositoryModelsTests
{
    private static readonly string[] Folders = { "samples", "tests/RnnGen.Tests", "src" };

    public static TheoryData<string> ModelFiles()
    {
        var data = new TheoryData<string>();
        foreach (var folder in Folders)
        {
            foreach (var file in Directory.GetFiles(RepositoryRoot.Combine(folder), "*.cs", SearchOption.AllDirectories)
                .Where(f => !IsBuildOutput(f))
                .Where(f => File.ReadAllText(f).Contains("[RnnModel(", StringComparison.Ordinal))
                .OrderBy(f => f, StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(RepositoryRoot.Folder, file).Replace('\\', '/'));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelFiles))]
    public void Model_file_has_no_diagnostic(string file)
    {
        var run = ModelAnalysis.Run(File.ReadAllText(RepositoryRoot.Combine(file)));
        Assert.Empty(run.AnalyzerExceptions);
        Assert.True(run.RnnDiagnostics.Count == 0, $"{file}: " + string.Join("; ", run.RnnDiagnostics.Select(ModelAnalysis.Describe)));
    }

    [Fact]
    public void The_repository_declares_models_in_samples_and_tests()
    {
        var files = new List<string>();
        foreach (string file in ModelFiles()) files.Add(file);
        Assert.Contains(files, f => f.StartsWith("samples/", StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith("tests/RnnGen.Tests/", StringComparison.Ordinal));
    }

    [Fact]
    public void Readme_models_have_no_diagnostic()
    {
        var blocks = CSharpBlocks(File.ReadAllText(RepositoryRoot.Combine("README.md"))).Where(b => b.Contains("[RnnModel(", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(blocks);
        foreach (var block in blocks)
        {
            var run = ModelAnalysis.Run(block);
            Assert.Empty(run.AnalyzerExceptions);
            Assert.True(run.RnnDiagnostics.Count == 0, "README.md: " + string.Join("; ", run.RnnDiagnostics.Select(ModelAnalysis.Describe)));
        }
    }

    private static bool IsBuildOutput(string path)
    {
        string normalized = path.Replace('\\', '/');
        return normalized.Contains("/obj/", StringComparison.Ordinal) || normalized.Contains("/bin/", StringComparison.Ordinal);
    }

    private static IEnumerable<string> CSharpBlocks(string markdown)
    {
        string text = markdown.Replace("\r\n", "\n", StringComparison.Ordinal);
        for (int at = text.IndexOf("```csharp\n", StringComparison.Ordinal); at >= 0; at = text.IndexOf("```csharp\n", at + 1, StringComparison.Ordinal))
        {
            int start = at + "```csharp\n".Length;
            int end = text.IndexOf("```", start, StringComparison.Ordinal);
            if (end < 0) yield break;
            yield return text.Substring(start, end - start);
        }
    }
}
