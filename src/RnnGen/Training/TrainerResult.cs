using System;
using System.Collections.Generic;

namespace RnnGen.Training;

/// <summary>Why a call of <c>Fit</c> returned.</summary>
public enum TrainingStopReason
{
    /// <summary>Every configured epoch was run.</summary>
    Completed,

    /// <summary>Early stopping: the monitored loss stopped improving for <see cref="TrainerOptions.EarlyStoppingPatience"/> epochs.</summary>
    EarlyStopped,

    /// <summary>The cancellation token was signalled; training stopped between two steps (or during validation) and can be resumed.</summary>
    Cancelled,

    /// <summary><see cref="TrainerOptions.MaxConsecutiveNonFiniteSteps"/> steps in a row had a NaN or infinite loss or gradient; none of them changed the model.</summary>
    NonFiniteLoss,
}

/// <summary>The figures of one finished epoch.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="TrainingLoss">The mean loss of the epoch's applied steps (NaN when every step was skipped).</param>
/// <param name="ValidationLoss">The mean validation loss per example, or <see langword="null"/> without a validation set.</param>
/// <param name="ValidationAccuracy">The validation accuracy in [0, 1], or <see langword="null"/> when not measured.</param>
/// <param name="Steps">Steps taken in the epoch, skipped ones included.</param>
/// <param name="SkippedSteps">Steps of the epoch skipped because of a NaN or infinite loss or gradient.</param>
/// <param name="LearningRate">The learning rate of the epoch's last applied step.</param>
public sealed record EpochSummary(
    int Epoch,
    double TrainingLoss,
    double? ValidationLoss,
    double? ValidationAccuracy,
    int Steps,
    int SkippedSteps,
    float LearningRate);

/// <summary>What a call of <c>Fit</c> did, with the history of every epoch since training began (across resumes).</summary>
public sealed class TrainingResult
{
    internal TrainingResult(
        TrainingStopReason stopReason,
        int epochsCompleted,
        long steps,
        long skippedSteps,
        double? bestLoss,
        int? bestEpoch,
        IReadOnlyList<EpochSummary> history,
        TimeSpan elapsed)
    {
        StopReason = stopReason;
        EpochsCompleted = epochsCompleted;
        Steps = steps;
        SkippedSteps = skippedSteps;
        BestLoss = bestLoss;
        BestEpoch = bestEpoch;
        History = history;
        Elapsed = elapsed;
    }

    /// <summary>Why training stopped.</summary>
    public TrainingStopReason StopReason { get; }

    /// <summary>Whether the run was cancelled (it can be continued by calling <c>Fit</c> again, or by <c>Resume</c> from its checkpoint).</summary>
    public bool Cancelled => StopReason == TrainingStopReason.Cancelled;

    /// <summary>Whether early stopping ended the run.</summary>
    public bool StoppedEarly => StopReason == TrainingStopReason.EarlyStopped;

    /// <summary>Epochs finished since training began (across resumes).</summary>
    public int EpochsCompleted { get; }

    /// <summary>Steps taken since training began (across resumes), skipped ones included.</summary>
    public long Steps { get; }

    /// <summary>Steps skipped since training began because of a NaN or infinite loss or gradient.</summary>
    public long SkippedSteps { get; }

    /// <summary>
    /// The best (lowest) monitored loss of a finished epoch: the validation loss when there is a
    /// validation set, otherwise the epoch's training loss. <see langword="null"/> before the first epoch ends.
    /// </summary>
    public double? BestLoss { get; }

    /// <summary>The best validation loss, or <see langword="null"/> without a validation set.</summary>
    public double? BestValidationLoss => History.Count > 0 && History[0].ValidationLoss is not null ? BestLoss : null;

    /// <summary>The epoch (from 1) of <see cref="BestLoss"/>.</summary>
    public int? BestEpoch { get; }

    /// <summary>Every finished epoch, in order: the loss curves.</summary>
    public IReadOnlyList<EpochSummary> History { get; }

    /// <summary>Wall time of this call of <c>Fit</c>.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The last finished epoch, or <see langword="null"/>.</summary>
    public EpochSummary? LastEpoch => History.Count == 0 ? null : History[^1];
}

/// <summary>The model measured on a dataset (see <see cref="Trainer{TInput, TTarget}.Evaluate"/>).</summary>
/// <param name="Loss">The mean loss per example, the model's own training loss.</param>
/// <param name="Accuracy">The accuracy in [0, 1], or <see langword="null"/> when not measured.</param>
/// <param name="Count">The number of examples.</param>
public readonly record struct EvaluationResult(double Loss, double? Accuracy, int Count);
