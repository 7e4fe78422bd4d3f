using RnnGen.Generators.Helpers;

namespace RnnGen.Generators.Model;

/// <summary>How one layer is connected: what it reads and what it produces.</summary>
/// <param name="Source">Index of the layer it reads, or -1 for the model's input.</param>
/// <param name="InputIsSequence">Whether its input holds one vector per step (otherwise one per sequence).</param>
/// <param name="InputWidth">Features of its input.</param>
/// <param name="OutputIsSequence">Whether its output holds one vector per step.</param>
/// <param name="OutputWidth">Features of its output.</param>
internal sealed record LayerWiring(int Source, bool InputIsSequence, int InputWidth, bool OutputIsSequence, int OutputWidth);

/// <summary>Resolves <c>From</c> names and widths. Pure: used by validation and lowering alike.</summary>
internal static class WiringResolver
{
    /// <summary>The index of the last recurrent layer, or -1.</summary>
    public static int LastRecurrent(ModelSpec spec)
    {
        int last = -1;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (spec.Layers[i].IsRecurrent) last = i;
        }
        return last;
    }

    /// <summary>Index of the earlier layer named <paramref name="name"/>, or -1.</summary>
    public static int FindEarlier(ModelSpec spec, string name, int before)
    {
        for (int i = 0; i < before && i < spec.Layers.Count; i++)
        {
            if (spec.Layers[i].Name == name) return i;
        }
        return -1;
    }

    /// <summary>
    /// Resolves every layer, or returns null at the first layer whose input cannot be resolved
    /// (unknown <c>From</c>); the validator reports why.
    /// </summary>
    public static LayerWiring[]? Resolve(ModelSpec spec)
    {
        var layers = spec.Layers;
        var result = new LayerWiring[layers.Count];
        int lastRecurrent = LastRecurrent(spec);
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            int source = i - 1;
            if (layer.From is not null)
            {
                source = FindEarlier(spec, layer.From, i);
                if (source < 0) return null;
            }
            bool inSeq = source < 0 || result[source].OutputIsSequence;
            int inWidth = source < 0 ? (layers.Count > 0 && layers[0].Kind == LayerKind.Embedding ? 0 : spec.InputSize) : result[source].OutputWidth;
            int outWidth = layer.Kind switch
            {
                LayerKind.Embedding => layer.Dimension,
                LayerKind.Dense => layer.Size,
                _ => layer.Size * layer.Directions,
            };
            bool outSeq = layer.IsRecurrent
                ? !(spec.Mode == SequenceMode.ManyToOne && i == lastRecurrent)
                : inSeq;
            result[i] = new LayerWiring(source, inSeq, inWidth, outSeq, outWidth);
        }
        return result;
    }
}
