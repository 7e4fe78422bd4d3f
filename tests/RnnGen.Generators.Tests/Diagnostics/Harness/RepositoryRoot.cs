using System;
using System.IO;

namespace RnnGen.Generators.Tests.Diagnostics.Harness;

/// <summary>The repository's root folder (the one holding <c>RnnGen.sln</c>), found upwards from the test binaries.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> LazyPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RnnGen.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("No folder containing RnnGen.sln above " + AppContext.BaseDirectory);
    });

    /// <summary>The root folder.</summary>
    public static string Folder => LazyPath.Value;

    /// <summary>A path below the root, written with '/' separators.</summary>
    public static string Combine(string relative) =>
        Path.Combine(Folder, relative.Replace('/', Path.DirectorySeparatorChar));
}
