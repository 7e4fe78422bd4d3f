using System;

namespace RnnGen.Training;

/// <summary>The base learning rate at every step.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <summary>The shared instance.</summary>
    public static ConstantSchedule Instance { get; } = new();

    /// <summary>Returns <paramref name="baseLearningRate"/>.</summary>
    /// <param name="step">Ignored.</param>
    /// <param name="baseLearningRate">The optimizer's base learning rate.</param>
    /// <returns><paramref name="baseLearningRate"/>.</returns>
    public float GetLearningRate(long step, float baseLearningRate) => baseLearningRate;
}

/// <summary>
/// Step decay, like PyTorch's <c>StepLR</c>: the base rate multiplied by
/// <see cref="Gamma"/> once every <see cref="StepSize"/> steps,
/// lr = base · γ^⌊step / StepSize⌋.
/// </summary>
public sealed class StepDecaySchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="stepSize">Steps between two decays; at least 1.</param>
    /// <param name="gamma">The factor applied at each decay, finite and not negative (PyTorch's default is 0.1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public StepDecaySchedule(int stepSize, float gamma = 0.1f)
    {
        if (stepSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "The step size must be at least 1.");
        }

        if (!(gamma >= 0) || float.IsPositiveInfinity(gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "Gamma must be finite and not negative.");
        }

        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Steps between two decays.</summary>
    public int StepSize { get; }

    /// <summary>The factor applied at each decay.</summary>
    public float Gamma { get; }

    /// <summary>base · γ^⌊step / StepSize⌋, computed in double precision.</summary>
    /// <param name="step">Steps already applied.</param>
    /// <param name="baseLearningRate">The optimizer's base learning rate.</param>
    /// <returns>The decayed rate.</returns>
    public float GetLearningRate(long step, float baseLearningRate)
        => (float)(baseLearningRate * Math.Pow(Gamma, Math.Max(0, step) / StepSize));
}

/// <summary>
/// Cosine annealing from the base rate down to <see cref="MinimumLearningRate"/> over
/// <see cref="TotalSteps"/> steps, the closed form of PyTorch's <c>CosineAnnealingLR</c>:
/// lr = min + (base − min) · (1 + cos(π · step / TotalSteps)) / 2. Unlike PyTorch's, which
/// rises again after <c>T_max</c>, it stays at the minimum from step <see cref="TotalSteps"/> on.
/// </summary>
public sealed class CosineAnnealingSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="totalSteps">Steps from the base rate to the minimum (PyTorch's <c>T_max</c>); at least 1.</param>
    /// <param name="minimumLearningRate">The rate at the end (PyTorch's <c>eta_min</c>), finite and not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public CosineAnnealingSchedule(long totalSteps, float minimumLearningRate = 0f)
    {
        if (totalSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "The number of steps must be at least 1.");
        }

        if (!(minimumLearningRate >= 0) || float.IsPositiveInfinity(minimumLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumLearningRate), minimumLearningRate, "The minimum learning rate must be finite and not negative.");
        }

        TotalSteps = totalSteps;
        MinimumLearningRate = minimumLearningRate;
    }

    /// <summary>Steps from the base rate to the minimum.</summary>
    public long TotalSteps { get; }

    /// <summary>The rate at and after step <see cref="TotalSteps"/>.</summary>
    public float MinimumLearningRate { get; }

    /// <summary>min + (base − min) · (1 + cos(π · min(step, TotalSteps) / TotalSteps)) / 2, computed in double precision.</summary>
    /// <param name="step">Steps already applied.</param>
    /// <param name="baseLearningRate">The optimizer's base learning rate.</param>
    /// <returns>The annealed rate.</returns>
    public float GetLearningRate(long step, float baseLearningRate)
    {
        long t = Math.Clamp(step, 0, TotalSteps);
        double min = MinimumLearningRate;
        return (float)(min + ((baseLearningRate - min) * (1 + Math.Cos(Math.PI * t / TotalSteps)) / 2));
    }
}

/// <summary>
/// Linear warmup in front of another schedule: for step s &lt; <see cref="WarmupSteps"/> the rate
/// is the wrapped schedule's first rate times (s + 1) / WarmupSteps (so the first step uses
/// 1 / WarmupSteps of it and the last warmup step all of it); from then on it is the wrapped
/// schedule's rate for step s − WarmupSteps (the wrapped schedule starts after the warmup).
/// </summary>
public sealed class LinearWarmupSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="warmupSteps">Length of the warmup, at least 1.</param>
    /// <param name="after">The schedule after the warmup; <see langword="null"/> for the constant base rate.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="warmupSteps"/> is less than 1.</exception>
    public LinearWarmupSchedule(int warmupSteps, ILearningRateSchedule? after = null)
    {
        if (warmupSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "The warmup must last at least 1 step.");
        }

        WarmupSteps = warmupSteps;
        After = after ?? ConstantSchedule.Instance;
    }

    /// <summary>Length of the warmup.</summary>
    public int WarmupSteps { get; }

    /// <summary>The schedule after the warmup.</summary>
    public ILearningRateSchedule After { get; }

    /// <summary>The warmup ramp, then the wrapped schedule (see the class remarks).</summary>
    /// <param name="step">Steps already applied.</param>
    /// <param name="baseLearningRate">The optimizer's base learning rate.</param>
    /// <returns>The rate for this step.</returns>
    public float GetLearningRate(long step, float baseLearningRate)
    {
        if (step < WarmupSteps)
        {
            double factor = (double)(Math.Max(0, step) + 1) / WarmupSteps;
            return (float)(After.GetLearningRate(0, baseLearningRate) * factor);
        }

        return After.GetLearningRate(step - WarmupSteps, baseLearningRate);
    }
}

/// <summary>A schedule given as a function of (steps already applied, base learning rate).</summary>
public sealed class FunctionSchedule : ILearningRateSchedule
{
    private readonly Func<long, float, float> _function;

    /// <summary>Wraps a function; it must not allocate if training is to stay allocation-free.</summary>
    /// <param name="function">(steps already applied, base learning rate) → learning rate.</param>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    public FunctionSchedule(Func<long, float, float> function)
    {
        _function = function ?? throw new ArgumentNullException(nameof(function));
    }

    /// <summary>Calls the function.</summary>
    /// <param name="step">Steps already applied.</param>
    /// <param name="baseLearningRate">The optimizer's base learning rate.</param>
    /// <returns>What the function returns.</returns>
    public float GetLearningRate(long step, float baseLearningRate) => _function(step, baseLearningRate);
}
