using System;
using System.IO;
using RnnGen.IO;

namespace RnnGen.Tests.Generation;

/// <summary>The PyTorch fixtures of generating models (Fixtures/Generation/, written by tools/fixtures/make_generation_fixtures.py).</summary>
internal static class GenerationFixtures
{
    /// <summary>Reads <paramref name="fixture"/> and copies its parameters into <paramref name="model"/>.</summary>
    public static (IRnnModel Model, SafetensorsFile File) Load(string fixture, IRnnModel model)
    {
        var file = SafetensorsFile.Read(Path.Combine(TestPaths.Fixtures, "Generation", fixture + ".safetensors"));
        foreach (var name in model.TensorNames)
        {
            file[name].ToSingleArray().AsSpan().CopyTo(model.Parameter(name));
        }
        return (model, file);
    }
}
