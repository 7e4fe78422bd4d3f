using System;
using System.IO;

namespace RnnGen.Generators.Tests.Infrastructure;

/// <summary>Finds files of the repository from the test's output folder.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder that holds <c>RnnGen.sln</c>, searched upwards from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path under the repository root, given with '/' separators.</summary>
    public static string Combine(string relative) =>
        Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RnnGen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("RnnGen.sln was not found above " + AppContext.BaseDirectory);
    }
}
