using RnnGen.Generators.Helpers;

namespace RnnGen.Generators.Model;

/// <summary>How one layer is connected: what it reads and what it produces.</summary>
/// <param name="Source">Index of the layer it reads, or -1 for the model's input (for the first decoder layer of an
/// encoder–decoder model: the previous output, fed back).</param>
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

    /// <summary>
    /// The index of the layer that starts the decoder of an <c>EncoderDecoder</c> model (the first
    /// recurrent layer marked <c>Decoder = true</c>), or -1 (no decoder, or another mode).
    /// </summary>
    public static int DecoderStart(ModelSpec spec)
    {
        if (spec.Mode != SequenceMode.EncoderDecoder) return -1;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (spec.Layers[i].IsRecurrent && spec.Layers[i].Decoder) return i;
        }
        return -1;
    }

    /// <summary>The index of the last recurrent layer before <paramref name="before"/>, or -1.</summary>
    public static int LastRecurrentBefore(ModelSpec spec, int before)
    {
        for (int i = System.Math.Min(before, spec.Layers.Count) - 1; i >= 0; i--)
        {
            if (spec.Layers[i].IsRecurrent) return i;
        }
        return -1;
    }

    /// <summary>Features a layer outputs per step (it does not depend on what the layer reads).</summary>
    public static int OutputWidth(LayerSpec layer) => Cells.LayerKinds.Of(layer.Kind).OutputWidth(layer);

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
        int decoderStart = DecoderStart(spec);
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            int source = i - 1;
            if (layer.From is not null)
            {
                source = FindEarlier(spec, layer.From, i);
                if (source < 0) return null;
            }
            if (i == decoderStart)
            {
                // The decoder's first layer reads the model's previous output; its state comes from the encoder.
                result[i] = new LayerWiring(-1, true, OutputWidth(layers[layers.Count - 1]), true, OutputWidth(layer));
                continue;
            }
            bool inSeq = source < 0 || result[source].OutputIsSequence;
            int inWidth = source < 0 ? (layers.Count > 0 && layers[0].Kind == LayerKind.Embedding ? 0 : spec.InputSize) : result[source].OutputWidth;
            int outWidth = OutputWidth(layer);
            bool outSeq = layer.IsRecurrent
                ? !(spec.Mode == SequenceMode.ManyToOne && i == lastRecurrent)
                : inSeq;
            result[i] = new LayerWiring(source, inSeq, inWidth, outSeq, outWidth);
        }
        return result;
    }
}
