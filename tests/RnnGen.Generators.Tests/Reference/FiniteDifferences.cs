using System;
using System.Collections.Generic;
using System.Linq;

namespace RnnGen.Generators.Tests.Reference;

/// <summary>One central difference of the reference loss.</summary>
/// <param name="Value">(L(v + h) − L(v − h)) / 2h, or NaN when <paramref name="Skipped"/>.</param>
/// <param name="H">The step used.</param>
/// <param name="Retried">Whether the first step crossed a ReLU kink and a smaller one was used.</param>
/// <param name="Skipped">Whether even the smaller step crossed a ReLU kink (no value).</param>
public readonly record struct FiniteDifference(double Value, double H, bool Retried, bool Skipped);

/// <summary>
/// Derivatives of <see cref="ReferenceModel.Loss(ModelConfig, Func{string, double[]}, Array, Array, List{bool})"/>
/// by central differences in double precision: an oracle for gradients that shares nothing with
/// any back-propagation code.
/// </summary>
/// <remarks>
/// With step h = <see cref="Step"/> · max(1, |v|) the truncation error is about h² · |L'''| / 6
/// (≈ 2e-9 · |L'''|) and the rounding error about 1e-16 · |L| / h (≈ 1e-12). A ReLU whose argument
/// changes sign between L(v + h) and L(v − h) puts a kink inside the step; then the difference is
/// retried once with h / 100 and, if that still crosses a kink, reported as skipped.
/// </remarks>
public static class FiniteDifferences
{
    /// <summary>The step relative to max(1, |v|).</summary>
    public const double Step = 1e-4;

    /// <summary>Whether a model has a ReLU anywhere (a SimpleRnn relu cell or a Dense Relu).</summary>
    public static bool HasRelu(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Layers.Any(l => l is RecurrentLayerConfig { Cell: CellKind.SimpleRnn, Activation: Activation.Relu } or DenseLayerConfig { Activation: Activation.Relu });
    }

    /// <summary>
    /// dL/dv for v = <paramref name="values"/>[<paramref name="index"/>], an element of one of the
    /// arrays <paramref name="tensor"/> returns or of a double[] <paramref name="input"/>; the element
    /// is restored afterwards.
    /// </summary>
    public static FiniteDifference Of(ModelConfig config, Func<string, double[]> tensor, Array input, Array targets, double[] values, int index)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(values);
        bool relu = HasRelu(config);
        double original = values[index];
        double h = Step * Math.Max(1, Math.Abs(original));
        try
        {
            for (int attempt = 0; attempt < 2; attempt++, h /= 100)
            {
                var plusSigns = relu ? new List<bool>() : null;
                var minusSigns = relu ? new List<bool>() : null;
                values[index] = original + h;
                double plusStep = values[index] - original;
                double plus = ReferenceModel.Loss(config, tensor, input, targets, plusSigns);
                values[index] = original - h;
                double minusStep = original - values[index];
                double minus = ReferenceModel.Loss(config, tensor, input, targets, minusSigns);
                if (relu && !plusSigns!.SequenceEqual(minusSigns!))
                {
                    continue;
                }

                return new FiniteDifference((plus - minus) / (plusStep + minusStep), h, attempt > 0, false);
            }

            return new FiniteDifference(double.NaN, h * 100, true, true);
        }
        finally
        {
            values[index] = original;
        }
    }
}
