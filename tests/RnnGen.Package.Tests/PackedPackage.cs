using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace RnnGen.Package.Tests;

/// <summary>
/// Packs src/RnnGen once per test class, into a fresh feed under a temporary folder outside the
/// repository, and makes consumer projects next to it.
/// </summary>
/// <remarks>
/// <para>The package gets a version no one has restored before (<c>0.1.0-test.&lt;ticks&gt;</c>) and
/// the consumers restore into a private global packages folder, so they always get the package
/// just made: NuGet serves a version it has already extracted from its cache, however often it
/// is re-packed. Everything else (System.Numerics.Tensors) is read from the user's own package
/// folder as a fallback folder, so no download is needed; the user's package sources stay in
/// effect (the consumer's nuget.config adds the feed, it does not clear).</para>
/// <para>Packing uses the Release configuration, so it never touches the Debug build the test run
/// itself uses, and <c>--no-restore</c> after a plain restore, so the repository's assets files
/// stay exactly as a normal build leaves them (a restore with another package version rewrites them).</para>
/// </remarks>
public sealed class PackedPackage : IDisposable
{
    public PackedPackage()
    {
        RepositoryRoot = FindRepositoryRoot();
        WorkDirectory = Path.Combine(Path.GetTempPath(), "rnngen-package-tests", Guid.NewGuid().ToString("N").Substring(0, 12));
        if (WorkDirectory.StartsWith(RepositoryRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The temporary folder {WorkDirectory} is inside the repository; the consumer would inherit its Directory.Build.props.");
        }
        FeedDirectory = Path.Combine(WorkDirectory, "feed");
        Directory.CreateDirectory(FeedDirectory);
        Version = $"0.1.0-test.{DateTime.UtcNow.Ticks}";

        string project = Path.Combine(RepositoryRoot, "src", "RnnGen", "RnnGen.csproj");
        CliResult restore = DotnetCli.Run(RepositoryRoot, new[] { "restore", project }.Concat(DotnetCli.NoLingeringProcesses));
        ThrowIfFailed(restore);
        PackResult = DotnetCli.Run(RepositoryRoot, new[]
        {
            "pack", project, "-c", "Release", "--no-restore", "-o", FeedDirectory, $"-p:PackageVersion={Version}",
        }.Concat(DotnetCli.NoLingeringProcesses));
        ThrowIfFailed(PackResult);
        PackagePath = Path.Combine(FeedDirectory, $"RnnGen.{Version}.nupkg");
        if (!File.Exists(PackagePath))
        {
            throw new InvalidOperationException($"{PackagePath} was not created.\n{PackResult}");
        }

        // Stop MSBuild's search for Directory.Build.* and Directory.Packages.props here: a consumer
        // sees only what it declares itself.
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(WorkDirectory, name), "<Project />\n");
        }
        string? userPackages = UserGlobalPackagesFolder(WorkDirectory);
        string fallback = userPackages is null
            ? ""
            : $"""
                <fallbackPackageFolders>
                  <add key="user-global-packages" value="{userPackages}" />
                </fallbackPackageFolders>

              """;
        File.WriteAllText(Path.Combine(WorkDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="packages" />
              </config>
              <packageSources>
                <add key="rnngen-under-test" value="feed" />
              </packageSources>
            {fallback}</configuration>

            """);
    }

    /// <summary>The folder holding RnnGen.sln.</summary>
    public string RepositoryRoot { get; }

    /// <summary>The temporary folder (outside the repository) holding the feed and the consumers.</summary>
    public string WorkDirectory { get; }

    public string FeedDirectory { get; }

    /// <summary>The version the package was packed with.</summary>
    public string Version { get; }

    public string PackagePath { get; }

    internal CliResult PackResult { get; }

    /// <summary>
    /// Writes a console project with one PackageReference, to RnnGen at the packed version, and
    /// the given source files; returns its folder.
    /// </summary>
    public string CreateConsumer(string name, IReadOnlyDictionary<string, string> sources)
    {
        string directory = Path.Combine(WorkDirectory, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <!-- net8.0 builds with C# 12 and the package's lib/net8.0: the oldest supported
                     target; net10.0 is the one that runs (no .NET 8 runtime on the test machine). -->
                <TargetFrameworks>net8.0;net10.0</TargetFrameworks>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- The audit needs the network; the test checks the package, not the feed's advisories. -->
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="RnnGen" Version="{Version}" />
              </ItemGroup>
            </Project>

            """);
        foreach (KeyValuePair<string, string> source in sources)
        {
            File.WriteAllText(Path.Combine(directory, source.Key), source.Value);
        }
        return directory;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
            string parent = Path.GetDirectoryName(WorkDirectory)!;
            if (!Directory.EnumerateFileSystemEntries(parent).Any())
            {
                Directory.Delete(parent);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RnnGen.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No RnnGen.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>The package folder this user's restores use, as NuGet itself reports it; null if it cannot tell.</summary>
    private static string? UserGlobalPackagesFolder(string workingDirectory)
    {
        CliResult locals = DotnetCli.Run(workingDirectory, "nuget", "locals", "global-packages", "--list");
        Match match = Regex.Match(locals.Output, @"global-packages:\s*(\S.*?)\s*$", RegexOptions.Multiline);
        return locals.ExitCode == 0 && match.Success && Directory.Exists(match.Groups[1].Value) ? match.Groups[1].Value : null;
    }

    private static void ThrowIfFailed(CliResult result)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("Command failed:\n" + result);
        }
    }
}
