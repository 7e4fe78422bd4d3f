using System;
using System.Globalization;
using System.IO;
using Microsoft.CodeAnalysis;
using RnnGen.Generators.Diagnostics;
using RnnGen.Generators.Tests.Diagnostics.Harness;
using Xunit;

namespace RnnGen.Generators.Tests.Diagnostics;

/// <summary>
/// RNN0024, the internal error: the generator reports it when emitting a validated model fails.
/// No declaration triggers it on purpose, so these tests check that it exists, reads well and is documented.
/// </summary>
public sealed class InternalErrorTests
{
    [Fact]
    public void RNN0024_Exists_AsAnEnabledError()
    {
        var descriptor = DiagnosticCatalogTests.Descriptor("RNN0024");
        Assert.Same(DiagnosticDescriptors.InternalError, descriptor);
        Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
        Assert.True(descriptor.IsEnabledByDefault);
        Assert.Contains(descriptor, new RnnModelAnalyzer().SupportedDiagnostics);
    }

    [Fact]
    public void RNN0024_Message_NamesTheModelAndTheCause()
    {
        string message = Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, "Demo.CharRnn", "index out of range")
            .GetMessage(CultureInfo.InvariantCulture);
        Assert.Equal("RnnGen could not generate 'Demo.CharRnn': index out of range. Please report this with the model declaration.", message);
    }

    [Fact]
    public void RNN0024_IsDocumented_AsABugToReport()
    {
        string page = File.ReadAllText(RepositoryRoot.Combine(DiagnosticCatalogTests.DocsFolder + "/RNN0024.md"));
        Assert.StartsWith("# RNN0024: Internal generator error", page, StringComparison.Ordinal);
        Assert.Contains("report", page, StringComparison.OrdinalIgnoreCase);
    }
}
