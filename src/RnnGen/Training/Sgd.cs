using System;

namespace RnnGen.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight
/// decay, exactly as PyTorch's <c>torch.optim.SGD</c>: for every parameter p with gradient g,
/// d = g + weightDecay·p; with momentum, buf = d on the first step and
/// buf = momentum·buf + (1 − dampening)·d afterwards, then d = nesterov ? d + momentum·buf : buf;
/// finally p −= lr·d. The gradient buffer itself is not modified (except by clipping).
/// </summary>
/// <remarks>State: one momentum buffer when <see cref="Momentum"/> is not 0, none otherwise.</remarks>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates the optimizer; arguments as PyTorch's <c>SGD(params, lr, momentum, dampening, weight_decay, nesterov)</c>.</summary>
    /// <param name="learningRate">The learning rate (PyTorch's <c>lr</c>), finite and not negative.</param>
    /// <param name="momentum">The momentum factor, finite and not negative; 0 for plain SGD.</param>
    /// <param name="dampening">Dampening for momentum, finite.</param>
    /// <param name="nesterov">Nesterov momentum; requires a positive momentum and zero dampening.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient, finite and not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> without momentum, or with dampening.</exception>
    public Sgd(float learningRate, float momentum = 0f, float dampening = 0f, bool nesterov = false, float weightDecay = 0f)
        : base(learningRate)
    {
        if (!IsFiniteNonNegative(momentum))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "The momentum must be finite and not negative.");
        }

        if (!float.IsFinite(dampening))
        {
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "The dampening must be finite.");
        }

        if (!IsFiniteNonNegative(weightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be finite and not negative.");
        }

        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum requires a positive momentum and zero dampening.", nameof(nesterov));
        }

        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
    }

    /// <summary>The momentum factor (0: no momentum buffer).</summary>
    public float Momentum { get; private set; }

    /// <summary>Dampening for momentum: new gradients enter the buffer with weight 1 − Dampening (except on the first step).</summary>
    public float Dampening { get; private set; }

    /// <summary>Whether the update uses Nesterov momentum.</summary>
    public bool Nesterov { get; private set; }

    /// <summary>L2 penalty: WeightDecay·p is added to each gradient before the update.</summary>
    public float WeightDecay { get; private set; }

    private protected override string KindName => "Sgd";

    private protected override int KindCode => 1;

    private protected override int StateBufferCount => Momentum != 0 ? 1 : 0;

    private protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> state, float learningRate, long step)
        => OptimizerKernels.Sgd(
            parameters,
            gradients,
            state,
            learningRate,
            Momentum,
            (float)(1.0 - Dampening),
            Nesterov,
            WeightDecay,
            firstStep: step == 1);

    private protected override void GetHyperParameters(Span<float> values, out int options)
    {
        values[0] = Momentum;
        values[1] = Dampening;
        values[2] = WeightDecay;
        values[3] = 0;
        options = Nesterov ? 1 : 0;
    }

    private protected override string? CheckHyperParameters(ReadOnlySpan<float> values, int options, out int stateBufferCount)
    {
        stateBufferCount = values[0] != 0 ? 1 : 0;
        if (!IsFiniteNonNegative(values[0]) || !float.IsFinite(values[1]) || !IsFiniteNonNegative(values[2]) || values[3] != 0)
        {
            return "its SGD hyper-parameters (momentum, dampening, weight decay) are out of range";
        }

        if ((options & ~1) != 0)
        {
            return $"its SGD option bits 0x{options:X} are not defined";
        }

        if ((options & 1) != 0 && (values[0] <= 0 || values[1] != 0))
        {
            return "it enables Nesterov momentum without a positive momentum and zero dampening";
        }

        return null;
    }

    private protected override void SetHyperParameters(ReadOnlySpan<float> values, int options)
    {
        Momentum = values[0];
        Dampening = values[1];
        WeightDecay = values[2];
        Nesterov = (options & 1) != 0;
    }
}
