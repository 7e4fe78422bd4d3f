using System;
using System.Collections.Generic;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Cells;

/// <summary>The registered layer kinds: adding a kind means adding its home here.</summary>
internal static class LayerKinds
{
    /// <summary>Every home, in <see cref="LayerKind"/> order.</summary>
    public static IReadOnlyList<ILayerKind> All { get; } = new ILayerKind[]
    {
        new EmbeddingLayer(),
        new SimpleRnnCell(),
        new GruCell(),
        new LstmCell(),
        new DenseLayer(),
    };

    /// <summary>The home of <paramref name="kind"/>.</summary>
    /// <exception cref="InvalidOperationException">No home is registered (an internal error: reported as RNN0024).</exception>
    public static ILayerKind Of(LayerKind kind)
    {
        foreach (var home in All)
        {
            if (home.Kind == kind) return home;
        }
        throw new InvalidOperationException($"No layer kind is registered for {kind}.");
    }

    /// <summary>The home whose attribute has the metadata name <paramref name="attributeName"/>, or null.</summary>
    public static ILayerKind? ByAttribute(string? attributeName)
    {
        foreach (var home in All)
        {
            if (home.AttributeName == attributeName) return home;
        }
        return null;
    }
}
