using System;

namespace RnnGen.Training;

/// <summary>Hyper-parameters, validation and the step of Adam and AdamW.</summary>
internal static class AdamCore
{
    public static void Validate(float beta1, float beta2, float epsilon, float weightDecay)
    {
        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "Beta1 must be in [0, 1).");
        }

        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "Beta2 must be in [0, 1).");
        }

        if (!(epsilon >= 0) || float.IsPositiveInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be finite and not negative.");
        }

        if (!(weightDecay >= 0) || float.IsPositiveInfinity(weightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be finite and not negative.");
        }
    }

    public static string? Check(ReadOnlySpan<float> values, int options)
    {
        float b1 = values[0], b2 = values[1], eps = values[2], wd = values[3];
        if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1) || !(eps >= 0) || float.IsPositiveInfinity(eps) || !(wd >= 0) || float.IsPositiveInfinity(wd))
        {
            return "its Adam hyper-parameters (beta1, beta2, epsilon, weight decay) are out of range";
        }

        return options != 0 ? $"its Adam option bits 0x{options:X} are not defined" : null;
    }

    public static string? CheckMoments(ReadOnlySpan<float> state, int length)
    {
        ReadOnlySpan<float> second = state.Slice(length, length);
        for (int i = 0; i < second.Length; i++)
        {
            if (second[i] < 0)
            {
                return $"second-moment value {i} is negative";
            }
        }

        return null;
    }

    /// <summary>
    /// One step. Bias corrections are computed in double precision from the step number; the
    /// constants then enter the float kernel as PyTorch's scalars do.
    /// </summary>
    public static void Step(
        Span<float> parameters,
        ReadOnlySpan<float> gradients,
        Span<float> state,
        float learningRate,
        long step,
        float beta1,
        float beta2,
        float epsilon,
        float l2,
        float decoupledWeightDecay)
    {
        int n = parameters.Length;
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        double stepSize = learningRate / biasCorrection1;
        float decayFactor = (float)(1.0 - ((double)learningRate * decoupledWeightDecay));
        OptimizerKernels.Adam(
            parameters,
            gradients,
            state.Slice(0, n),
            state.Slice(n, n),
            beta1,
            (float)(1.0 - beta1),
            beta2,
            (float)(1.0 - beta2),
            l2,
            decayFactor,
            (float)Math.Sqrt(biasCorrection2),
            epsilon,
            (float)-stepSize);
    }
}
