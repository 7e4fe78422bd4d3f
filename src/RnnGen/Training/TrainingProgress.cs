using System;

namespace RnnGen.Training;

/// <summary>What a <see cref="TrainingProgress"/> report marks.</summary>
public enum TrainingProgressKind
{
    /// <summary>A training step was taken (or skipped because of a non-finite loss or gradient).</summary>
    Step,

    /// <summary>An epoch ended; the validation figures of the epoch are set.</summary>
    EpochEnd,

    /// <summary>The run ended (completed, stopped early, cancelled or stopped by non-finite losses).</summary>
    Finished,
}

/// <summary>
/// A progress report of <see cref="Trainer{TInput, TTarget}"/>. Step reports come at most once
/// per <see cref="TrainerOptions.ProgressInterval"/> (and after the first step of a run); every
/// epoch end and the end of the run are always reported. Reports are made synchronously on the
/// training thread, between steps.
/// </summary>
public readonly record struct TrainingProgress
{
    /// <summary>What this report marks.</summary>
    public TrainingProgressKind Kind { get; init; }

    /// <summary>The current epoch, from 1 (for an <see cref="TrainingProgressKind.EpochEnd"/> report: the epoch that ended).</summary>
    public int Epoch { get; init; }

    /// <summary>The number of epochs the run is configured for.</summary>
    public int Epochs { get; init; }

    /// <summary>Steps taken in the current epoch (including skipped ones).</summary>
    public int Step { get; init; }

    /// <summary>Steps (mini-batches) in one epoch.</summary>
    public int StepsPerEpoch { get; init; }

    /// <summary>Steps taken since the start of training, across resumes (including skipped ones).</summary>
    public long GlobalStep { get; init; }

    /// <summary>Steps of the whole run: <see cref="Epochs"/> × <see cref="StepsPerEpoch"/>.</summary>
    public long TotalSteps { get; init; }

    /// <summary>The mean loss of the current epoch's applied steps so far (NaN before the first applied step).</summary>
    public double TrainingLoss { get; init; }

    /// <summary>The loss of the latest step (NaN or infinite when that step was skipped).</summary>
    public float LastLoss { get; init; }

    /// <summary>The validation loss of the latest finished epoch, or <see langword="null"/> without a validation set or before the first epoch ends.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>The validation accuracy in [0, 1] of the latest finished epoch, or <see langword="null"/> when it is not measured.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>Steps skipped since the start of training because their loss or a gradient was NaN or infinite.</summary>
    public long SkippedSteps { get; init; }

    /// <summary>The learning rate of the latest applied step (the optimizer's base rate when it does not report one).</summary>
    public float LearningRate { get; init; }

    /// <summary>Training throughput of this run: sequences (examples, B per step) per second of wall time, validation included.</summary>
    public double SequencesPerSecond { get; init; }

    /// <summary>Wall time since this call of <c>Fit</c> started.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Estimated wall time to the last epoch's end at this run's pace, or <see langword="null"/> before any step of this run.</summary>
    public TimeSpan? EstimatedRemaining { get; init; }

    /// <summary>The fraction of the run's steps done, in [0, 1].</summary>
    public double Fraction => TotalSteps <= 0 ? 1 : Math.Clamp((double)GlobalStep / TotalSteps, 0, 1);
}
