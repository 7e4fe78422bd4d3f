namespace RnnGen.Training;

/// <summary>
/// A learning-rate schedule: the rate an optimizer uses for each step, derived from its base
/// <see cref="IOptimizer.LearningRate"/>. Set one on <see cref="Optimizer.Schedule"/>.
/// </summary>
/// <remarks>
/// The optimizer calls <see cref="GetLearningRate"/> once per applied step, with the number of
/// steps already applied (0 for the first step), so a schedule resumes correctly after
/// <see cref="IOptimizer.LoadState"/>. Schedules are code, not state: they are not written by
/// <see cref="IOptimizer.SaveState"/>; attach the same schedule again after loading.
/// Implementations must not allocate if training is to stay allocation-free.
/// </remarks>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for a step.</summary>
    /// <param name="step">The number of steps already applied (0-based index of the step about to be taken).</param>
    /// <param name="baseLearningRate">The optimizer's <see cref="IOptimizer.LearningRate"/>.</param>
    /// <returns>The learning rate for this step: finite and not negative.</returns>
    float GetLearningRate(long step, float baseLearningRate);
}
