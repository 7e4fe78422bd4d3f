using System;

namespace RnnGen.Training;

/// <summary>What <see cref="Trainer{TInput, TTarget}"/> does with the examples left over when the training set is not a multiple of the batch size.</summary>
public enum PartialBatchMode
{
    /// <summary>
    /// The last batch of an epoch is completed by repeating examples from the start of that
    /// epoch's order, so every example is seen every epoch and a few twice. Steps per epoch: ⌈N / B⌉.
    /// </summary>
    Pad,

    /// <summary>The last N mod B examples of each epoch's order are not used in that epoch. Steps per epoch: ⌊N / B⌋.</summary>
    Drop,
}

/// <summary>How the validation accuracy is measured.</summary>
public enum AccuracyMetric
{
    /// <summary><see cref="Argmax"/> for <see cref="int"/> (class id) targets; none for float targets.</summary>
    Auto,

    /// <summary>No accuracy.</summary>
    None,

    /// <summary>
    /// Class-id targets: the share of targets equal to the argmax of <c>Predict</c>'s output over
    /// the Y = OutputLength / TargetLength values of that target (the first maximum on ties).
    /// </summary>
    Argmax,

    /// <summary>
    /// Float targets shaped like the output (a Sigmoid head with 0/1 targets): the share of
    /// values where (output ≥ 0.5) equals (target ≥ 0.5).
    /// </summary>
    Binary,
}

/// <summary>Settings of <see cref="Trainer{TInput, TTarget}"/>.</summary>
public sealed class TrainerOptions
{
    /// <summary>Epochs to train for (a resumed run continues up to this many in total). Default 10.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>
    /// Seed of the shuffling (and of the split made from <see cref="ValidationFraction"/>). Epoch e
    /// (from 0) visits the examples in a Fisher–Yates permutation drawn by
    /// <see cref="Initialization.RnnRandom"/> seeded with <c>((ulong)(uint)Seed &lt;&lt; 32) | (uint)e</c>,
    /// so the order depends only on the seed and the epoch, on every machine. Default 0.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>Whether each epoch visits the examples in a new seeded order; otherwise in dataset order. Default true.</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>What happens to a final partial batch. Default <see cref="PartialBatchMode.Pad"/>.</summary>
    public PartialBatchMode PartialBatch { get; set; } = PartialBatchMode.Pad;

    /// <summary>
    /// When <c>Fit</c> is given no validation set: the share of the training set to hold out for
    /// validation (split with <see cref="SequenceDataset{TInput, TTarget}.Split"/> and <see cref="Seed"/>). Default 0: no validation.
    /// </summary>
    public double ValidationFraction { get; set; }

    /// <summary>How the validation accuracy is measured. Default <see cref="AccuracyMetric.Auto"/>.</summary>
    public AccuracyMetric Accuracy { get; set; } = AccuracyMetric.Auto;

    /// <summary>
    /// Early stopping: stop after this many epochs in a row without an improvement of the monitored
    /// loss (the validation loss, or the epoch's training loss without a validation set) by more than
    /// <see cref="EarlyStoppingMinDelta"/>. <see langword="null"/> (the default) disables early stopping.
    /// </summary>
    public int? EarlyStoppingPatience { get; set; }

    /// <summary>The smallest decrease of the monitored loss that counts as an improvement. Default 0.</summary>
    public double EarlyStoppingMinDelta { get; set; }

    /// <summary>
    /// With early stopping: when training stops early, put back the parameters of the best epoch
    /// (the optimizer state is kept as it is). Default true.
    /// </summary>
    public bool RestoreBestWeights { get; set; } = true;

    /// <summary>
    /// Where checkpoints go (one file, replaced atomically each time), or <see langword="null"/> (the
    /// default) for none. A checkpoint is written at every epoch end, every
    /// <see cref="CheckpointEverySteps"/> steps, and when the run stops (completed, early, cancelled or
    /// by non-finite losses).
    /// </summary>
    public string? CheckpointPath { get; set; }

    /// <summary>Also write a checkpoint every this many steps; 0 (the default) for epoch ends only.</summary>
    public int CheckpointEverySteps { get; set; }

    /// <summary>
    /// Stop after this many steps in a row were skipped because the loss or a gradient was NaN or
    /// infinite. Default 10.
    /// </summary>
    public int MaxConsecutiveNonFiniteSteps { get; set; } = 10;

    /// <summary>
    /// The least time between two step reports to the progress sink; <see cref="TimeSpan.Zero"/> reports
    /// every step. Epoch ends and the end of the run are always reported. Default 100 ms.
    /// </summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (Epochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "The number of epochs must not be negative.");
        }

        if (PartialBatch is not (PartialBatchMode.Pad or PartialBatchMode.Drop))
        {
            throw new ArgumentOutOfRangeException(nameof(PartialBatch), PartialBatch, "Unknown partial batch mode.");
        }

        if (Accuracy is not (AccuracyMetric.Auto or AccuracyMetric.None or AccuracyMetric.Argmax or AccuracyMetric.Binary))
        {
            throw new ArgumentOutOfRangeException(nameof(Accuracy), Accuracy, "Unknown accuracy metric.");
        }

        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "The validation fraction must be in [0, 1).");
        }

        if (EarlyStoppingPatience is int patience && patience < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), patience, "The early stopping patience must be at least 1 epoch.");
        }

        if (!(EarlyStoppingMinDelta >= 0) || double.IsPositiveInfinity(EarlyStoppingMinDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingMinDelta), EarlyStoppingMinDelta, "The minimum improvement must be finite and not negative.");
        }

        if (CheckpointPath is { Length: 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointPath), CheckpointPath, "The checkpoint path must not be empty; use null for no checkpoints.");
        }

        if (CheckpointEverySteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointEverySteps), CheckpointEverySteps, "The checkpoint interval must not be negative.");
        }

        if (MaxConsecutiveNonFiniteSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConsecutiveNonFiniteSteps), MaxConsecutiveNonFiniteSteps, "At least one non-finite step must be allowed before stopping.");
        }

        if (ProgressInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ProgressInterval), ProgressInterval, "The progress interval must not be negative.");
        }
    }
}
