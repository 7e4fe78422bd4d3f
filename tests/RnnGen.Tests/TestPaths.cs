using System;
using System.IO;

namespace RnnGen.Tests;

internal static class TestPaths
{
    /// <summary>The PyTorch fixtures, copied next to the test assembly.</summary>
    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string Fixture(string name) => Path.Combine(Fixtures, name + ".safetensors");
}
