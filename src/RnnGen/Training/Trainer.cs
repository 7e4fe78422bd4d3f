using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using RnnGen.Initialization;

namespace RnnGen.Training;

/// <summary>
/// A training loop for a generated model: epochs over a <see cref="SequenceDataset{TInput, TTarget}"/>
/// in seeded order, mini-batches of the model's batch size, validation, progress reports,
/// cancellation, early stopping and atomic checkpoints that a later run resumes from exactly.
/// </summary>
/// <typeparam name="TInput">The model's input element type: <see cref="float"/> features or <see cref="int"/> token ids.</typeparam>
/// <typeparam name="TTarget">The model's target element type: <see cref="int"/> class ids or <see cref="float"/> values.</typeparam>
/// <remarks>
/// <para>
/// The trainer keeps its position (epoch, step, running losses, early-stopping state, history):
/// calling <see cref="Fit"/> again continues where the previous call stopped (after a cancellation,
/// or with more <see cref="TrainerOptions.Epochs"/>), and <see cref="Resume"/> restores a position,
/// the weights and the optimizer state from a checkpoint. A resumed run produces the same weights,
/// bit for bit, as one that was never interrupted.
/// </para>
/// <para>
/// Each step copies B examples (B = the model's batch size, derived as
/// <c>model.InputLength / dataset.InputLength</c>) into preallocated batch-first buffers and calls
/// <see cref="ITrainableRnnModel{TInput, TTarget}.TryTrainStep"/>. A step whose loss or a gradient is
/// NaN or infinite changes nothing; it is counted as skipped, and
/// <see cref="TrainerOptions.MaxConsecutiveNonFiniteSteps"/> of them in a row stop the run. The
/// steps themselves allocate nothing; reports are structs.
/// </para>
/// <para>
/// Validation runs at each epoch end over the whole validation set, in order. Its loss is the
/// model's own training loss without dropout (<c>ComputeLoss</c>: the function the optimizer
/// minimizes, with no backward pass), averaged per example: a final partial batch is evaluated one
/// example at a time, each filling the whole batch, so every example counts exactly once. The
/// accuracy comes from <c>Predict</c> (see <see cref="AccuracyMetric"/>).
/// </para>
/// <para>
/// Dropout: a model whose layers have <c>Dropout</c> draws its masks in <c>ComputeGradients</c> from a
/// generator of its own, whose position is not part of a checkpoint: such a model resumes with other
/// masks than an uninterrupted run would have drawn. Bit-exact resumption holds for models without
/// dropout.
/// </para>
/// <para>
/// Stateful models (<c>CarryState = true</c>, truncated back-propagation through time): batch s is
/// made of examples s·B … s·B + B − 1, so lay the data out so that example s·B + b continues example
/// (s − 1)·B + b, and train with <see cref="TrainerOptions.Shuffle"/> off (required) and preferably
/// <see cref="PartialBatchMode.Drop"/>. The trainer resets the carried state at the start of each
/// epoch, after a skipped step, and around validation, which then runs the whole validation batches
/// in order from a reset state (a final partial batch is left out). The carried state is not part of
/// a checkpoint: a run resumed in the middle of an epoch starts that epoch's remaining batches from
/// a zero state.
/// </para>
/// <para>Instances are not thread-safe; the model and the optimizer must not be used elsewhere during <see cref="Fit"/>.</para>
/// </remarks>
public sealed class Trainer<TInput, TTarget>
    where TInput : unmanaged
    where TTarget : unmanaged
{
    private readonly ITrainableRnnModel<TInput, TTarget> _model;
    private readonly IOptimizer _optimizer;
    private TrainerState _state = new();

    /// <summary>Creates a trainer at the start of training.</summary>
    /// <param name="model">The model to train; its parameters are updated in place.</param>
    /// <param name="optimizer">The optimizer, used for this model only.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults. Read at each call of <see cref="Fit"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="optimizer"/> is null.</exception>
    public Trainer(ITrainableRnnModel<TInput, TTarget> model, IOptimizer optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        _model = model;
        _optimizer = optimizer;
        Options = options ?? new TrainerOptions();
    }

    /// <summary>The model being trained.</summary>
    public ITrainableRnnModel<TInput, TTarget> Model => _model;

    /// <summary>The optimizer.</summary>
    public IOptimizer Optimizer => _optimizer;

    /// <summary>The settings, read at each call of <see cref="Fit"/>.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Epochs finished so far.</summary>
    public int EpochsCompleted => _state.Epoch;

    /// <summary>Steps of the current epoch already taken (0 at an epoch boundary).</summary>
    public int StepInEpoch => _state.Step;

    /// <summary>Steps taken since training began, skipped ones included.</summary>
    public long GlobalStep => _state.GlobalStep;

    /// <summary>Every finished epoch so far.</summary>
    public IReadOnlyList<EpochSummary> History => _state.History;

    /// <summary>
    /// Trains until <see cref="TrainerOptions.Epochs"/> epochs are finished, early stopping ends the
    /// run, <paramref name="cancellationToken"/> is signalled, or too many steps in a row are not
    /// finite. Continues from the trainer's position (see <see cref="Resume"/>).
    /// </summary>
    /// <param name="training">The training examples. A continued run must be given the same data when it resumes mid-epoch (checked by a fingerprint).</param>
    /// <param name="validation">The validation examples, or <see langword="null"/>: then <see cref="TrainerOptions.ValidationFraction"/> of <paramref name="training"/> is held out when it is positive.</param>
    /// <param name="progress">Receives progress reports synchronously on the training thread, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops training between two steps; <c>Fit</c> then returns normally with <see cref="TrainingStopReason.Cancelled"/> (after writing a checkpoint, when configured).</param>
    /// <returns>Why training stopped, and the history.</returns>
    /// <exception cref="ArgumentException">The datasets do not fit the model, or the training set is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The run is resumed mid-epoch with different data or settings.</exception>
    /// <exception cref="IOException">A checkpoint cannot be written (the previous one is intact; the trainer's position is kept).</exception>
    public TrainingResult Fit(
        SequenceDataset<TInput, TTarget> training,
        SequenceDataset<TInput, TTarget>? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        TrainerOptions options = Options;
        options.Validate();
        if (validation is null && options.ValidationFraction > 0)
        {
            (training, validation) = training.Split(options.ValidationFraction, options.Seed);
        }

        int batch = BatchSizeOf(training, nameof(training));
        if (validation is not null)
        {
            if (BatchSizeOf(validation, nameof(validation)) != batch)
            {
                throw new ArgumentException("The validation examples must have the same input and target lengths as the training examples.", nameof(validation));
            }

            if (validation.Count == 0)
            {
                validation = null;
            }
        }

        if (training.Count == 0)
        {
            throw new ArgumentException("The training set is empty.", nameof(training));
        }

        int stepsPerEpoch = options.PartialBatch == PartialBatchMode.Pad
            ? (training.Count + batch - 1) / batch
            : training.Count / batch;
        if (stepsPerEpoch == 0)
        {
            throw new ArgumentException(
                $"The training set has {training.Count} examples, fewer than one batch of {batch}; with PartialBatchMode.Drop no step could be taken.", nameof(training));
        }

        if (_model.CarryState && options.Shuffle)
        {
            throw new InvalidOperationException(
                "The model carries its state from one call to the next (CarryState = true), so consecutive batches must continue each other's sequences: set TrainerOptions.Shuffle = false.");
        }

        AccuracyMetric accuracy = ResolveAccuracy(options.Accuracy);
        ulong fingerprint = training.ComputeFingerprint();
        TrainerState state = _state;
        if (state.Step > 0)
        {
            string? mismatch =
                state.TrainingCount != training.Count || state.TrainingFingerprint != fingerprint ? "training data"
                : state.BatchSize != batch ? "batch size"
                : state.Seed != options.Seed ? "seed"
                : state.Shuffle != options.Shuffle ? "shuffling"
                : state.PartialBatch != options.PartialBatch ? "partial batch mode"
                : state.StepsPerEpoch != stepsPerEpoch ? "steps per epoch"
                : null;
            if (mismatch is not null)
            {
                throw new InvalidOperationException(
                    $"Training is resumed in the middle of epoch {state.Epoch + 1} (step {state.Step} of {state.StepsPerEpoch}) with a different {mismatch} than it was started with; pass the same data and settings to continue exactly.");
            }
        }

        state.Seed = options.Seed;
        state.Shuffle = options.Shuffle;
        state.PartialBatch = options.PartialBatch;
        state.BatchSize = batch;
        state.TrainingCount = training.Count;
        state.TrainingFingerprint = fingerprint;
        state.StepsPerEpoch = stepsPerEpoch;
        state.ParameterCount = _model.Parameters.Length;
        if (state.ConsecutiveNonFinite >= options.MaxConsecutiveNonFiniteSteps)
        {
            state.ConsecutiveNonFinite = 0;
        }

        var run = new Run(this, options, training, validation, progress, batch, accuracy);
        return run.Execute(cancellationToken);
    }

    /// <summary>
    /// Measures the model on <paramref name="data"/> as the validation of <see cref="Fit"/> does:
    /// the mean loss per example and the accuracy of <see cref="TrainerOptions.Accuracy"/>.
    /// Overwrites the model's <c>Gradients</c>; does not change its parameters.
    /// </summary>
    /// <param name="data">The examples.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <returns>The loss and the accuracy.</returns>
    /// <exception cref="ArgumentException">The dataset does not fit the model or is empty.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was signalled.</exception>
    public EvaluationResult Evaluate(SequenceDataset<TInput, TTarget> data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        int batch = BatchSizeOf(data, nameof(data));
        if (data.Count == 0)
        {
            throw new ArgumentException("The dataset is empty.", nameof(data));
        }

        var buffers = new Buffers(_model, data.TargetLength);
        if (!EvaluateCore(data, batch, ResolveAccuracy(Options.Accuracy), buffers, cancellationToken, out EvaluationResult result))
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return result;
    }

    /// <summary>Writes a checkpoint of the current weights, optimizer state and position (atomically, see <see cref="Checkpoint"/>).</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <exception cref="IOException">The file cannot be written; an existing file is unchanged.</exception>
    public void SaveCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _state.ParameterCount = _model.Parameters.Length;
        Checkpoint.WriteAtomically(path, stream => CheckpointData.Write(stream, _state, _model, _optimizer));
    }

    /// <summary>
    /// Restores the weights, the optimizer state and the trainer's position from a checkpoint, so
    /// that the next <see cref="Fit"/> (given the same data and settings) continues exactly as the
    /// interrupted run would have. All or nothing: when the file is invalid or does not fit the
    /// model or the optimizer, nothing is changed.
    /// </summary>
    /// <param name="checkpointPath">A checkpoint written by a trainer of the same architecture and optimizer kind.</param>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint, or its optimizer state does not fit the optimizer.</exception>
    /// <exception cref="RnnGen.IO.SafetensorsFormatException">The weights do not fit the model.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public void Resume(string checkpointPath)
    {
        CheckpointData data = CheckpointData.Read(checkpointPath);
        int parameters = _model.Parameters.Length;
        if (data.State.ParameterCount != parameters)
        {
            throw new InvalidDataException(
                $"The checkpoint '{checkpointPath}' is for a model of {data.State.ParameterCount} parameters; this model has {parameters}. Nothing was changed.");
        }

        using var backup = new MemoryStream();
        _optimizer.SaveState(backup);
        using (var optimizerState = new MemoryStream(data.OptimizerState, writable: false))
        {
            _optimizer.LoadState(optimizerState);
        }

        try
        {
            using var weights = new MemoryStream(data.Weights, writable: false);
            _model.LoadSafetensors(weights);
        }
        catch
        {
            backup.Position = 0;
            _optimizer.LoadState(backup);
            throw;
        }

        _state = data.State;
    }

    private AccuracyMetric ResolveAccuracy(AccuracyMetric requested)
    {
        bool classIds = typeof(TTarget) == typeof(int);
        bool divisible = _model.TargetLength > 0 && _model.OutputLength % _model.TargetLength == 0;
        switch (requested)
        {
            case AccuracyMetric.Auto:
                return classIds && divisible ? AccuracyMetric.Argmax : AccuracyMetric.None;
            case AccuracyMetric.Argmax:
                if (!classIds || !divisible)
                {
                    throw new ArgumentException(
                        $"AccuracyMetric.Argmax needs int class-id targets and an output length ({_model.OutputLength}) that is a multiple of the target length ({_model.TargetLength}).");
                }

                return requested;
            case AccuracyMetric.Binary:
                if (typeof(TTarget) != typeof(float) || _model.OutputLength != _model.TargetLength)
                {
                    throw new ArgumentException(
                        $"AccuracyMetric.Binary needs float targets shaped like the output (output length {_model.OutputLength}, target length {_model.TargetLength}).");
                }

                return requested;
            default:
                return AccuracyMetric.None;
        }
    }

    private int BatchSizeOf(SequenceDataset<TInput, TTarget> data, string parameterName)
    {
        int inputLength = _model.InputLength, targetLength = _model.TargetLength;
        if (inputLength % data.InputLength != 0 || targetLength % data.TargetLength != 0
            || inputLength / data.InputLength != targetLength / data.TargetLength)
        {
            throw new ArgumentException(
                $"The examples (inputs of {data.InputLength}, targets of {data.TargetLength}) do not fit the model (a batch of inputs of {inputLength} and targets of {targetLength}); " +
                "create the dataset with SequenceDataset.ForModel(model, BatchSize).",
                parameterName);
        }

        return inputLength / data.InputLength;
    }

    private bool EvaluateCore(SequenceDataset<TInput, TTarget> data, int batch, AccuracyMetric accuracy, Buffers buffers, CancellationToken cancellationToken, out EvaluationResult result)
    {
        result = default;
        if (_model.CarryState)
        {
            return EvaluateCarried(data, batch, accuracy, buffers, cancellationToken, out result);
        }

        int count = data.Count;
        double lossSum = 0;
        long correct = 0, measured = 0;
        int full = count / batch;
        for (int b = 0; b < full; b++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            for (int i = 0; i < batch; i++)
            {
                CopyExample(data, (b * batch) + i, buffers, i);
            }

            lossSum += (double)_model.ComputeLoss(buffers.Input, buffers.Target) * batch;
            if (accuracy != AccuracyMetric.None)
            {
                _model.Predict(buffers.Input, buffers.Output);
                Score(accuracy, buffers, batch, ref correct, ref measured);
            }
        }

        int rest = count - (full * batch);
        if (rest > 0)
        {
            for (int r = 0; r < rest; r++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                // Every slot holds the same example: the batch mean is that example's loss.
                for (int i = 0; i < batch; i++)
                {
                    CopyExample(data, (full * batch) + r, buffers, i);
                }

                lossSum += _model.ComputeLoss(buffers.Input, buffers.Target);
            }

            if (accuracy != AccuracyMetric.None)
            {
                for (int i = 0; i < batch; i++)
                {
                    CopyExample(data, (full * batch) + (i % rest), buffers, i);
                }

                _model.Predict(buffers.Input, buffers.Output);
                Score(accuracy, buffers, rest, ref correct, ref measured);
            }
        }

        result = new EvaluationResult(
            lossSum / count,
            accuracy == AccuracyMetric.None || measured == 0 ? null : (double)correct / measured,
            count);
        return true;
    }

    /// <summary>
    /// Evaluation of a model that carries its state: the batches are consecutive chunks, so the loss
    /// pass and the accuracy pass each start from a reset state and go through the whole batches in
    /// order; a final partial batch is left out. The state is reset afterwards.
    /// </summary>
    private bool EvaluateCarried(SequenceDataset<TInput, TTarget> data, int batch, AccuracyMetric accuracy, Buffers buffers, CancellationToken cancellationToken, out EvaluationResult result)
    {
        result = default;
        int full = data.Count / batch;
        if (full == 0)
        {
            throw new ArgumentException(
                $"The model carries its state (CarryState = true), so it is evaluated on whole batches only, but the {data.Count} examples do not fill one batch of {batch}.", nameof(data));
        }

        double lossSum = 0;
        long correct = 0, measured = 0;
        try
        {
            for (int pass = 0; pass < (accuracy == AccuracyMetric.None ? 1 : 2); pass++)
            {
                _model.ResetState();
                for (int b = 0; b < full; b++)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return false;
                    }

                    for (int i = 0; i < batch; i++)
                    {
                        CopyExample(data, (b * batch) + i, buffers, i);
                    }

                    if (pass == 0)
                    {
                        lossSum += (double)_model.ComputeLoss(buffers.Input, buffers.Target) * batch;
                    }
                    else
                    {
                        _model.Predict(buffers.Input, buffers.Output);
                        Score(accuracy, buffers, batch, ref correct, ref measured);
                    }
                }
            }
        }
        finally
        {
            _model.ResetState();
        }

        int count = full * batch;
        result = new EvaluationResult(lossSum / count, accuracy == AccuracyMetric.None || measured == 0 ? null : (double)correct / measured, count);
        return true;
    }

    private void Score(AccuracyMetric accuracy, Buffers buffers, int examples, ref long correct, ref long measured)
    {
        int targetsPerExample = buffers.TargetsPerExample;
        int n = examples * targetsPerExample;
        ReadOnlySpan<float> output = buffers.Output;
        if (accuracy == AccuracyMetric.Argmax)
        {
            ReadOnlySpan<int> targets = MemoryMarshal.Cast<TTarget, int>(buffers.Target);
            int classes = _model.OutputLength / _model.TargetLength;
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<float> row = output.Slice(j * classes, classes);
                int best = 0;
                for (int c = 1; c < classes; c++)
                {
                    if (row[c] > row[best])
                    {
                        best = c;
                    }
                }

                if (best == targets[j])
                {
                    correct++;
                }
            }
        }
        else
        {
            ReadOnlySpan<float> targets = MemoryMarshal.Cast<TTarget, float>(buffers.Target);
            for (int j = 0; j < n; j++)
            {
                if ((output[j] >= 0.5f) == (targets[j] >= 0.5f))
                {
                    correct++;
                }
            }
        }

        measured += n;
    }

    private static void CopyExample(SequenceDataset<TInput, TTarget> data, int example, Buffers buffers, int slot)
    {
        int x = data.InputLength, y = data.TargetLength;
        data.GetInput(example).CopyTo(buffers.Input.AsSpan(slot * x, x));
        data.GetTarget(example).CopyTo(buffers.Target.AsSpan(slot * y, y));
    }

    private float CurrentLearningRate()
        => _optimizer is Optimizer o ? (o.StepCount > 0 ? o.LastLearningRate : o.LearningRateAt(0)) : _optimizer.LearningRate;

    /// <summary>The preallocated batch buffers.</summary>
    private sealed class Buffers
    {
        public Buffers(ITrainableRnnModel<TInput, TTarget> model, int targetsPerExample)
        {
            TargetsPerExample = targetsPerExample;
            Input = new TInput[model.InputLength];
            Target = new TTarget[model.TargetLength];
            Output = new float[model.OutputLength];
        }

        public TInput[] Input { get; }

        public TTarget[] Target { get; }

        public float[] Output { get; }

        public int TargetsPerExample { get; }
    }

    /// <summary>One call of <see cref="Fit"/>.</summary>
    private sealed class Run
    {
        private readonly Trainer<TInput, TTarget> _trainer;
        private readonly TrainerOptions _options;
        private readonly SequenceDataset<TInput, TTarget> _training;
        private readonly SequenceDataset<TInput, TTarget>? _validation;
        private readonly IProgress<TrainingProgress>? _progress;
        private readonly int _batch;
        private readonly AccuracyMetric _accuracy;
        private readonly Buffers _buffers;
        private readonly int[] _order;
        private readonly Stopwatch _clock = new();
        private readonly long _intervalTicks;
        private long _lastReportTicks = long.MinValue;
        private long _stepsThisRun;
        private float _lastLoss = float.NaN;
        private double? _validationLoss;
        private double? _validationAccuracy;

        public Run(
            Trainer<TInput, TTarget> trainer,
            TrainerOptions options,
            SequenceDataset<TInput, TTarget> training,
            SequenceDataset<TInput, TTarget>? validation,
            IProgress<TrainingProgress>? progress,
            int batch,
            AccuracyMetric accuracy)
        {
            _trainer = trainer;
            _options = options;
            _training = training;
            _validation = validation;
            _progress = progress;
            _batch = batch;
            _accuracy = accuracy;
            _buffers = new Buffers(trainer._model, training.TargetLength);
            _order = new int[training.Count];
            _intervalTicks = (long)(options.ProgressInterval.TotalSeconds * Stopwatch.Frequency);
            if (trainer._state.History.Count > 0)
            {
                _validationLoss = trainer._state.History[^1].ValidationLoss;
                _validationAccuracy = trainer._state.History[^1].ValidationAccuracy;
            }
        }

        private TrainerState State => _trainer._state;

        public TrainingResult Execute(CancellationToken cancellationToken)
        {
            _clock.Start();
            TrainerState s = State;
            if (s.StoppedEarly)
            {
                return Finish(TrainingStopReason.EarlyStopped);
            }

            ITrainableRnnModel<TInput, TTarget> model = _trainer._model;
            IOptimizer optimizer = _trainer._optimizer;
            while (s.Epoch < _options.Epochs)
            {
                Trainer.EpochOrder(_order, s.Seed, s.Epoch, s.Shuffle);
                if (s.Step == 0 && model.CarryState)
                {
                    model.ResetState(); // each epoch reads the streams from their start
                }

                while (s.Step < s.StepsPerEpoch)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return Stop(TrainingStopReason.Cancelled);
                    }

                    int first = s.Step * _batch;
                    for (int i = 0; i < _batch; i++)
                    {
                        CopyExample(_training, _order[(first + i) % _order.Length], _buffers, i);
                    }

                    bool applied = model.TryTrainStep(_buffers.Input, _buffers.Target, optimizer, out float loss);
                    s.Step++;
                    s.GlobalStep++;
                    _stepsThisRun++;
                    _lastLoss = loss;
                    if (applied)
                    {
                        s.EpochLossSum += loss;
                        s.EpochLossCount++;
                        s.ConsecutiveNonFinite = 0;
                        s.LastLearningRate = _trainer.CurrentLearningRate();
                    }
                    else
                    {
                        s.EpochSkipped++;
                        s.SkippedSteps++;
                        s.ConsecutiveNonFinite++;
                        if (model.CarryState)
                        {
                            model.ResetState(); // the carried state may hold the non-finite values
                        }
                    }

                    ReportStep();
                    if (s.ConsecutiveNonFinite >= _options.MaxConsecutiveNonFiniteSteps)
                    {
                        return Stop(TrainingStopReason.NonFiniteLoss);
                    }

                    if (_options.CheckpointEverySteps > 0 && s.Step < s.StepsPerEpoch && s.GlobalStep % _options.CheckpointEverySteps == 0)
                    {
                        WriteCheckpoint();
                    }
                }

                // Epoch end: validation, history, early stopping.
                double trainingLoss = s.EpochLossCount > 0 ? s.EpochLossSum / s.EpochLossCount : double.NaN;
                double? validationLoss = null, validationAccuracy = null;
                if (_validation is not null)
                {
                    if (!_trainer.EvaluateCore(_validation, _batch, _accuracy, _buffers, cancellationToken, out EvaluationResult evaluation))
                    {
                        // Validation is redone on resume: the position stays at the end of the epoch's steps.
                        return Stop(TrainingStopReason.Cancelled);
                    }

                    validationLoss = evaluation.Loss;
                    validationAccuracy = evaluation.Accuracy;
                }

                s.History.Add(new EpochSummary(s.Epoch + 1, trainingLoss, validationLoss, validationAccuracy, s.Step, s.EpochSkipped, s.LastLearningRate));
                _validationLoss = validationLoss;
                _validationAccuracy = validationAccuracy;
                double monitored = validationLoss ?? trainingLoss;
                bool earlyStopping = _options.EarlyStoppingPatience is not null;
                if (!double.IsNaN(monitored) && (!s.HasBest || monitored < s.BestLoss - _options.EarlyStoppingMinDelta))
                {
                    s.HasBest = true;
                    s.BestLoss = monitored;
                    s.BestEpoch = s.Epoch + 1;
                    s.EpochsWithoutImprovement = 0;
                    if (earlyStopping && _options.RestoreBestWeights)
                    {
                        s.BestWeights ??= new float[model.Parameters.Length];
                        model.Parameters.CopyTo(s.BestWeights);
                    }
                }
                else
                {
                    s.EpochsWithoutImprovement++;
                }

                s.Epoch++;
                s.Step = 0;
                s.EpochLossSum = 0;
                s.EpochLossCount = 0;
                s.EpochSkipped = 0;
                bool stop = earlyStopping && s.EpochsWithoutImprovement >= _options.EarlyStoppingPatience;
                if (stop)
                {
                    s.StoppedEarly = true;
                    if (_options.RestoreBestWeights && s.BestWeights is float[] best)
                    {
                        best.CopyTo(model.Parameters);
                    }
                }

                Report(TrainingProgressKind.EpochEnd, epoch: s.Epoch, stepInEpoch: s.StepsPerEpoch, trainingLoss);
                WriteCheckpoint();
                if (stop)
                {
                    return Finish(TrainingStopReason.EarlyStopped);
                }
            }

            return Finish(TrainingStopReason.Completed);
        }

        private TrainingResult Stop(TrainingStopReason reason)
        {
            WriteCheckpoint();
            return Finish(reason);
        }

        private TrainingResult Finish(TrainingStopReason reason)
        {
            TrainerState s = State;
            _clock.Stop();
            Report(TrainingProgressKind.Finished, epoch: Math.Max(1, s.Step > 0 ? s.Epoch + 1 : s.Epoch), stepInEpoch: s.Step > 0 ? s.Step : s.StepsPerEpoch, RunningLoss());
            return new TrainingResult(
                reason,
                s.Epoch,
                s.GlobalStep,
                s.SkippedSteps,
                s.HasBest ? s.BestLoss : null,
                s.HasBest ? s.BestEpoch : null,
                s.History.ToArray(),
                _clock.Elapsed);
        }

        private void WriteCheckpoint()
        {
            if (_options.CheckpointPath is string path)
            {
                _trainer.SaveCheckpoint(path);
            }
        }

        private double RunningLoss()
        {
            TrainerState s = State;
            return s.EpochLossCount > 0 ? s.EpochLossSum / s.EpochLossCount : double.NaN;
        }

        private void ReportStep()
        {
            if (_progress is null)
            {
                return;
            }

            long now = _clock.ElapsedTicks;
            if (_stepsThisRun > 1 && _intervalTicks > 0 && now - _lastReportTicks < _intervalTicks)
            {
                return;
            }

            _lastReportTicks = now;
            Report(TrainingProgressKind.Step, State.Epoch + 1, State.Step, RunningLoss());
        }

        private void Report(TrainingProgressKind kind, int epoch, int stepInEpoch, double trainingLoss)
        {
            if (_progress is null)
            {
                return;
            }

            TrainerState s = State;
            TimeSpan elapsed = _clock.Elapsed;
            long total = (long)_options.Epochs * s.StepsPerEpoch;
            double seconds = elapsed.TotalSeconds;
            TimeSpan? remaining = null;
            if (_stepsThisRun > 0)
            {
                long left = Math.Max(0, total - s.GlobalStep);
                remaining = kind == TrainingProgressKind.Finished ? TimeSpan.Zero : TimeSpan.FromSeconds(seconds / _stepsThisRun * left);
            }

            _progress.Report(new TrainingProgress
            {
                Kind = kind,
                Epoch = epoch,
                Epochs = _options.Epochs,
                Step = stepInEpoch,
                StepsPerEpoch = s.StepsPerEpoch,
                GlobalStep = s.GlobalStep,
                TotalSteps = total,
                TrainingLoss = trainingLoss,
                LastLoss = _lastLoss,
                ValidationLoss = _validationLoss,
                ValidationAccuracy = _validationAccuracy,
                SkippedSteps = s.SkippedSteps,
                LearningRate = _trainer.CurrentLearningRate(),
                SequencesPerSecond = seconds > 0 ? _stepsThisRun * _batch / seconds : 0,
                Elapsed = elapsed,
                EstimatedRemaining = remaining,
            });
        }
    }
}

/// <summary>Entry points of the training loop that need no trainer instance.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="model"/> with a new <see cref="Trainer{TInput, TTarget}"/> (see <see cref="Trainer{TInput, TTarget}.Fit"/>).
    /// </summary>
    /// <typeparam name="TInput">The model's input element type.</typeparam>
    /// <typeparam name="TTarget">The model's target element type.</typeparam>
    /// <param name="model">The model to train.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="training">The training examples.</param>
    /// <param name="validation">The validation examples, or <see langword="null"/>.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives progress reports, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops training between two steps.</param>
    /// <returns>Why training stopped, and the history.</returns>
    public static TrainingResult Fit<TInput, TTarget>(
        ITrainableRnnModel<TInput, TTarget> model,
        IOptimizer optimizer,
        SequenceDataset<TInput, TTarget> training,
        SequenceDataset<TInput, TTarget>? validation = null,
        TrainerOptions? options = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
        where TInput : unmanaged
        where TTarget : unmanaged
        => new Trainer<TInput, TTarget>(model, optimizer, options).Fit(training, validation, progress, cancellationToken);

    /// <summary>
    /// Writes the order in which epoch <paramref name="epoch"/> (from 0) visits the examples:
    /// 0, 1, …, n − 1, shuffled (when <paramref name="shuffle"/>) by a Fisher–Yates pass of
    /// <see cref="RnnRandom"/> seeded with <c>((ulong)(uint)seed &lt;&lt; 32) | (uint)epoch</c>.
    /// </summary>
    /// <param name="order">Receives the permutation; its length is the number of examples.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">The epoch, from 0.</param>
    /// <param name="shuffle">Whether to shuffle; otherwise the identity order.</param>
    public static void EpochOrder(Span<int> order, int seed, int epoch, bool shuffle = true)
    {
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (shuffle)
        {
            new RnnRandom(((ulong)(uint)seed << 32) | (uint)epoch).Shuffle(order);
        }
    }
}
