using System;

namespace RnnGen.Training;

/// <summary>
/// Adam, exactly as PyTorch's <c>torch.optim.Adam</c> (without amsgrad): weight decay is an L2 penalty added
/// to the gradient, g += weightDecay·p; then m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g²,
/// bc1 = 1 − β1^t, bc2 = 1 − β2^t (t the step number, from 1; computed in double precision), and
/// p −= (lr / bc1) · m / (√v / √bc2 + ε), with ε outside the square root.
/// The gradient buffer itself is not modified (except by clipping).
/// </summary>
/// <remarks>State: the first moment m (exp_avg) and the second moment v (exp_avg_sq), one float each per parameter.</remarks>
public sealed class Adam : Optimizer
{
    /// <summary>Creates the optimizer with PyTorch's defaults.</summary>
    /// <param name="learningRate">The learning rate (PyTorch's <c>lr</c>), finite and not negative.</param>
    /// <param name="beta1">Decay of the first moment (PyTorch's <c>betas[0]</c>), in [0, 1).</param>
    /// <param name="beta2">Decay of the second moment (PyTorch's <c>betas[1]</c>), in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator outside the square root (PyTorch's <c>eps</c>), finite and not negative.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient (PyTorch's <c>weight_decay</c>), finite and not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
        : base(learningRate)
    {
        AdamCore.Validate(beta1, beta2, epsilon, weightDecay);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
    }

    /// <summary>Decay of the first moment.</summary>
    public float Beta1 { get; private set; }

    /// <summary>Decay of the second moment.</summary>
    public float Beta2 { get; private set; }

    /// <summary>Added to the denominator, outside the square root.</summary>
    public float Epsilon { get; private set; }

    /// <summary>L2 penalty added to the gradient (PyTorch's <c>weight_decay</c>), finite and not negative.</summary>
    public float WeightDecay { get; private set; }

    private protected override string KindName => "Adam";

    private protected override int KindCode => 2;

    private protected override int StateBufferCount => 2;

    private protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> state, float learningRate, long step)
        => AdamCore.Step(parameters, gradients, state, learningRate, step, Beta1, Beta2, Epsilon, l2: WeightDecay, decoupledWeightDecay: 0f);

    private protected override void GetHyperParameters(Span<float> values, out int options)
    {
        values[0] = Beta1;
        values[1] = Beta2;
        values[2] = Epsilon;
        values[3] = WeightDecay;
        options = 0;
    }

    private protected override string? CheckHyperParameters(ReadOnlySpan<float> values, int options, out int stateBufferCount)
    {
        stateBufferCount = 2;
        return AdamCore.Check(values, options);
    }

    private protected override void SetHyperParameters(ReadOnlySpan<float> values, int options)
    {
        Beta1 = values[0];
        Beta2 = values[1];
        Epsilon = values[2];
        WeightDecay = values[3];
    }

    private protected override string? CheckStateBuffers(ReadOnlySpan<float> state, int length) => AdamCore.CheckMoments(state, length);
}
