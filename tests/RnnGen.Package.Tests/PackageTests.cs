using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Package.Tests;

/// <summary>
/// The package as a user gets it: one PackageReference brings the runtime, the generator and
/// the analyzers, and nothing of Roslyn.
/// </summary>
public sealed class PackageTests : IClassFixture<PackedPackage>
{
    // A GRU(5) over 3 inputs, then a softmax head of 2, over 4 steps (batch 1, many-to-many).
    private const int X = 3, H = 5, Y = 2, T = 4;

    /// <summary>PyTorch's nn.GRU: weight_ih [3H, X], weight_hh [3H, H], bias_ih and bias_hh [3H]; then nn.Linear(H, Y).</summary>
    private const int ExpectedParameterCount = 3 * H * (X + H) + 2 * 3 * H + (H * Y + Y);

    private const string ValidModel = """
        using RnnGen;

        namespace Consumer;

        [RnnModel(InputSize = 3, Steps = 4)]
        [Gru(5, Name = "gru")]
        [Dense(2, Name = "fc", Activation = Activation.Softmax)]
        public partial class M { }

        """;

    private const string ValidProgram = """
        using System;
        using System.Globalization;
        using System.Linq;
        using Consumer;

        var x = new float[M.InputLength];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = MathF.Sin(0.7f * i);
        }

        var y = new float[M.OutputLength];
        new M().Predict(x, y);
        var again = new float[M.OutputLength];
        new M().Predict(x, again);

        Console.WriteLine($"ParameterCount={M.ParameterCount}");
        Console.WriteLine($"OutputSize={M.OutputSize}");
        Console.WriteLine($"OutputLength={M.OutputLength}");
        Console.WriteLine($"SameSeedSameOutput={y.AsSpan().SequenceEqual(again)}");
        Console.WriteLine("Output=" + string.Join(" ", y.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));

        """;

    private const string InvalidModel = """
        using RnnGen;

        namespace Consumer;

        [RnnModel(InputSize = 3, Steps = 4)]
        [Gru(5, Name = "gru")]
        [Dense(2, Name = "fc", Activation = Activation.Softmax)]
        public class NotPartial { }

        public static class Program
        {
            public static void Main() { }
        }

        """;

    private static readonly Regex WarningLine = new(@"\bwarning [A-Z]+[0-9]+\b", RegexOptions.Compiled);

    private readonly PackedPackage package;
    private readonly ITestOutputHelper log;

    public PackageTests(PackedPackage package, ITestOutputHelper log)
    {
        this.package = package;
        this.log = log;
    }

    [Fact]
    public void Package_HoldsRuntimeForBothFrameworks_AndGeneratorAndCodeFixesAsAnalyzers()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        string listing = string.Join("\n", entries.OrderBy(e => e, StringComparer.Ordinal));

        foreach (string expected in new[]
        {
            "lib/net8.0/RnnGen.dll",
            "lib/net10.0/RnnGen.dll",
            "lib/net8.0/RnnGen.xml",
            "lib/net10.0/RnnGen.xml",
            "analyzers/dotnet/cs/RnnGen.Generators.dll",
            "analyzers/dotnet/cs/RnnGen.CodeFixers.dll",
            "PACKAGE.md",
            "RnnGen.nuspec",
        })
        {
            Assert.True(entries.Contains(expected), $"{expected} missing from the package:\n{listing}");
        }

        // Nothing else is compiled against or loaded by the compiler: no Roslyn, no stray assembly.
        string[] assemblies = entries.Where(e => e.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).OrderBy(e => e, StringComparer.Ordinal).ToArray();
        Assert.Equal(
            new[]
            {
                "analyzers/dotnet/cs/RnnGen.CodeFixers.dll",
                "analyzers/dotnet/cs/RnnGen.Generators.dll",
                "lib/net10.0/RnnGen.dll",
                "lib/net8.0/RnnGen.dll",
            },
            assemblies);
        Assert.NotEqual(0, zip.GetEntry("PACKAGE.md")!.Length);
    }

    [Fact]
    public void Nuspec_DependsOnlyOnTensors_AndCarriesTheMetadata()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        XDocument nuspec;
        using (Stream stream = zip.GetEntry("RnnGen.nuspec")!.Open())
        {
            nuspec = XDocument.Load(stream);
        }
        XNamespace ns = nuspec.Root!.Name.Namespace;
        XElement metadata = nuspec.Root.Element(ns + "metadata")!;
        string text = nuspec.ToString();

        Assert.Equal("RnnGen", metadata.Element(ns + "id")?.Value);
        Assert.Equal(package.Version, metadata.Element(ns + "version")?.Value);
        Assert.Equal("PACKAGE.md", metadata.Element(ns + "readme")?.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value), text);

        var groups = metadata.Element(ns + "dependencies")!.Elements(ns + "group").ToList();
        Assert.Equal(
            new[] { "net10.0", "net8.0" },
            groups.Select(g => (string)g.Attribute("targetFramework")!).OrderBy(f => f, StringComparer.Ordinal).ToArray());
        foreach (XElement group in groups)
        {
            Assert.Equal(
                new[] { "System.Numerics.Tensors" },
                group.Elements(ns + "dependency").Select(d => (string)d.Attribute("id")!).ToArray());
        }
        Assert.DoesNotContain("Microsoft.CodeAnalysis", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Consumer_WithOnePackageReference_BuildsWithoutWarnings_AndPredicts()
    {
        string consumer = package.CreateConsumer("Consumer", new Dictionary<string, string>
        {
            ["Model.cs"] = ValidModel,
            ["Program.cs"] = ValidProgram,
        });

        CliResult build = DotnetCli.Run(consumer, new[] { "build", "-c", "Debug" }.Concat(DotnetCli.NoLingeringProcesses));
        log.WriteLine($"pack: {package.PackResult.Elapsed.TotalSeconds:F1} s, consumer build: {build.Elapsed.TotalSeconds:F1} s");
        Assert.True(build.ExitCode == 0, "The consumer does not build:\n" + build);
        Assert.False(WarningLine.IsMatch(build.Output), "The consumer builds with warnings:\n" + build);
        Assert.Contains("0 Warning(s)", build.Output);

        CliResult run = DotnetCli.Run(consumer, "run", "--no-build", "-c", "Debug", "-f", "net10.0");
        log.WriteLine($"consumer run: {run.Elapsed.TotalSeconds:F1} s");
        Assert.True(run.ExitCode == 0, "The consumer does not run:\n" + run);
        Dictionary<string, string> values = run.Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
        string context = "\n" + run;

        Assert.True(values.ContainsKey("Output"), "No output line:" + context);
        Assert.Equal(ExpectedParameterCount.ToString(CultureInfo.InvariantCulture), values["ParameterCount"]);
        Assert.Equal(Y.ToString(CultureInfo.InvariantCulture), values["OutputSize"]);
        Assert.Equal((T * Y).ToString(CultureInfo.InvariantCulture), values["OutputLength"]);
        Assert.True(values["SameSeedSameOutput"] == "True", "Two models from the default seed disagree:" + context);

        float[] output = values["Output"].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture))
            .ToArray();
        Assert.True(output.Length == T * Y, $"Expected {T * Y} outputs:" + context);
        for (int t = 0; t < T; t++)
        {
            float sum = 0f;
            for (int j = 0; j < Y; j++)
            {
                float p = output[t * Y + j];
                Assert.True(float.IsFinite(p) && p > 0f && p < 1f, $"Step {t}: {p} is not a probability:" + context);
                sum += p;
            }
            Assert.True(Math.Abs(sum - 1f) <= 1e-5f, $"Step {t}: the softmax row sums to {sum}:" + context);
        }
    }

    [Fact]
    public void Consumer_WithNonPartialModel_FailsWithRnn0001()
    {
        string consumer = package.CreateConsumer("InvalidConsumer", new Dictionary<string, string>
        {
            ["Model.cs"] = InvalidModel,
        });

        CliResult build = DotnetCli.Run(consumer, new[] { "build", "-c", "Debug" }.Concat(DotnetCli.NoLingeringProcesses));
        log.WriteLine($"invalid consumer build: {build.Elapsed.TotalSeconds:F1} s");
        Assert.True(build.ExitCode != 0, "A model class that is not partial builds:\n" + build);
        Assert.True(build.Output.Contains("error RNN0001", StringComparison.Ordinal), "No RNN0001 from the package's analyzer:\n" + build);
    }
}
