using System;
using System.IO;
using System.Linq;
using System.Threading;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Training;

/// <summary>The training loop: learning, seeded order, batching, validation, progress, cancellation, early stopping, non-finite steps.</summary>
public sealed class TrainerTests
{
    private static TrainerOptions Options(int epochs, int seed = 1) => new()
    {
        Epochs = epochs,
        Seed = seed,
        ProgressInterval = TimeSpan.Zero,
    };

    [Fact]
    public void A_tiny_lstm_learns_whether_a_sum_is_positive()
    {
        var data = TrainingData.SumSign(320, seed: 11);
        var (training, validation) = data.Split(0.2, seed: 3);
        var model = new SumSignClassifier(seed: 5);
        var trainer = new Trainer<float, int>(model, new Adam(0.03f), Options(epochs: 12));

        TrainingResult result = trainer.Fit(training, validation);

        Assert.Equal(TrainingStopReason.Completed, result.StopReason);
        Assert.Equal(12, result.EpochsCompleted);
        Assert.Equal(12, result.History.Count);
        Assert.Equal(0, result.SkippedSteps);
        EpochSummary last = result.History[^1];
        Assert.True(last.ValidationAccuracy >= 0.9, $"validation accuracy {last.ValidationAccuracy}");
        Assert.True(last.TrainingLoss < result.History[0].TrainingLoss / 2, $"training loss {result.History[0].TrainingLoss} -> {last.TrainingLoss}");
        Assert.True(last.ValidationLoss < 0.35, $"validation loss {last.ValidationLoss}");
        Assert.NotNull(result.BestValidationLoss);
        Assert.Equal(result.History.Min(e => e.ValidationLoss!.Value), result.BestValidationLoss!.Value);
        EvaluationResult check = trainer.Evaluate(validation);
        Assert.Equal(last.ValidationLoss!.Value, check.Loss, 12);
        Assert.Equal(last.ValidationAccuracy, check.Accuracy);
        Assert.Equal(validation.Count, check.Count);
    }

    [Fact]
    public void Epoch_order_is_a_seeded_permutation()
    {
        int[] a = new int[50], b = new int[50], c = new int[50], d = new int[50], e = new int[50];
        Trainer.EpochOrder(a, seed: 7, epoch: 0);
        Trainer.EpochOrder(b, seed: 7, epoch: 0);
        Trainer.EpochOrder(c, seed: 7, epoch: 1);
        Trainer.EpochOrder(d, seed: 8, epoch: 0);
        Trainer.EpochOrder(e, seed: 7, epoch: 0, shuffle: false);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, d);
        Assert.Equal(Enumerable.Range(0, 50), a.OrderBy(i => i));
        Assert.Equal(Enumerable.Range(0, 50), c.OrderBy(i => i));
        Assert.Equal(Enumerable.Range(0, 50), e);
        Assert.NotEqual(Enumerable.Range(0, 50), a);
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed_and_differs_across_seeds()
    {
        var data = TrainingData.SumSign(40, seed: 2);
        float[] Train(int seed)
        {
            var model = new SumSignClassifier();
            Trainer.Fit(model, new Adam(0.01f), data, options: Options(epochs: 2, seed));
            return model.Parameters.ToArray();
        }

        float[] first = Train(1), again = Train(1), other = Train(2);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Partial_batches_are_padded_or_dropped()
    {
        var data = TrainingData.SumSign(10, seed: 2); // B = 4: 10 = 2 full batches + 2
        var padded = Trainer.Fit(new SumSignClassifier(), new Sgd(0.1f), data, options: Options(epochs: 2));
        var dropOptions = Options(epochs: 2);
        dropOptions.PartialBatch = PartialBatchMode.Drop;
        var dropped = Trainer.Fit(new SumSignClassifier(), new Sgd(0.1f), data, options: dropOptions);

        Assert.Equal(3, padded.History[0].Steps);
        Assert.Equal(6, padded.Steps);
        Assert.Equal(2, dropped.History[0].Steps);
        Assert.Equal(4, dropped.Steps);

        var tooFew = TrainingData.SumSign(3, seed: 2);
        Assert.Throws<ArgumentException>(() => Trainer.Fit(new SumSignClassifier(), new Sgd(0.1f), tooFew, options: dropOptions));
        var single = Trainer.Fit(new SumSignClassifier(), new Sgd(0.1f), tooFew, options: Options(epochs: 1));
        Assert.Equal(1, single.Steps);
    }

    [Fact]
    public void Validation_loss_counts_every_example_once()
    {
        var model = new SumSignClassifier(seed: 9);
        var trainer = new Trainer<float, int>(model, new Sgd(0.1f));
        var data = TrainingData.SumSign(6, seed: 4); // one full batch of 4 and 2 left over

        EvaluationResult result = trainer.Evaluate(data);

        // Reference: each example's loss from a batch filled with that example alone.
        double sum = 0;
        int correct = 0;
        var input = new float[SumSignClassifier.InputLength];
        var target = new int[SumSignClassifier.TargetLength];
        var output = new float[SumSignClassifier.OutputLength];
        for (int i = 0; i < data.Count; i++)
        {
            for (int b = 0; b < SumSignClassifier.BatchSize; b++)
            {
                data.GetInput(i).CopyTo(input.AsSpan(b * SumSignClassifier.Steps));
                target[b] = data.GetTarget(i)[0];
            }

            sum += model.ComputeGradients(input, target);
            model.Predict(input, output);
            if ((output[1] > output[0] ? 1 : 0) == target[0])
            {
                correct++;
            }
        }

        Assert.Equal(sum / data.Count, result.Loss, 5);
        Assert.Equal((double)correct / data.Count, result.Accuracy);
        Assert.Equal(6, result.Count);
    }

    [Fact]
    public void Progress_reports_steps_epoch_ends_and_the_end()
    {
        var data = TrainingData.SumSign(20, seed: 2); // 5 steps per epoch
        var (training, validation) = data.Split(0.2, seed: 1); // 16 + 4: 4 steps per epoch
        var progress = new RecordingProgress();
        var trainer = new Trainer<float, int>(new SumSignClassifier(), new Adam(0.01f), Options(epochs: 3));

        trainer.Fit(training, validation, progress);

        var steps = progress.Reports.Where(r => r.Kind == TrainingProgressKind.Step).ToList();
        var ends = progress.Reports.Where(r => r.Kind == TrainingProgressKind.EpochEnd).ToList();
        Assert.Equal(12, steps.Count);
        Assert.Equal(3, ends.Count);
        Assert.Equal(TrainingProgressKind.Finished, progress.Reports[^1].Kind);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), steps.Select(r => r.GlobalStep));
        Assert.All(steps, r => Assert.Equal(12, r.TotalSteps));
        Assert.All(steps, r => Assert.Equal(4, r.StepsPerEpoch));
        Assert.Equal(new[] { 1, 2, 3 }, ends.Select(r => r.Epoch));
        Assert.All(ends, r => Assert.NotNull(r.ValidationLoss));
        Assert.All(ends, r => Assert.NotNull(r.ValidationAccuracy));
        Assert.Null(steps[0].ValidationLoss);
        Assert.Equal(ends[0].ValidationLoss, steps[4].ValidationLoss);
        Assert.All(steps, r => Assert.True(r.SequencesPerSecond > 0));
        Assert.All(steps, r => Assert.NotNull(r.EstimatedRemaining));
        Assert.All(steps, r => Assert.True(double.IsFinite(r.TrainingLoss)));
        Assert.Equal(steps[0].LastLoss, (float)steps[0].TrainingLoss);
        Assert.Equal(1.0, progress.Reports[^1].Fraction);
        Assert.Equal(0.01f, steps[0].LearningRate);
    }

    [Fact]
    public void Step_reports_are_throttled_by_the_interval()
    {
        var data = TrainingData.SumSign(40, seed: 2);
        var progress = new RecordingProgress();
        var options = Options(epochs: 2);
        options.ProgressInterval = TimeSpan.FromHours(1);
        Trainer.Fit(new SumSignClassifier(), new Sgd(0.1f), data, options: options, progress: progress);

        Assert.Single(progress.Reports, r => r.Kind == TrainingProgressKind.Step); // only the first step
        Assert.Equal(2, progress.Reports.Count(r => r.Kind == TrainingProgressKind.EpochEnd));
        Assert.Single(progress.Reports, r => r.Kind == TrainingProgressKind.Finished);
    }

    [Fact]
    public void Cancellation_stops_between_steps_and_Fit_continues_identically()
    {
        var data = TrainingData.SumSign(24, seed: 6); // 6 steps per epoch
        var reference = new SumSignClassifier();
        var referenceResult = Trainer.Fit(reference, new Adam(0.01f), data, options: Options(epochs: 3));

        using var cts = new CancellationTokenSource();
        var progress = new RecordingProgress(r =>
        {
            if (r.Kind == TrainingProgressKind.Step && r.GlobalStep == 8)
            {
                cts.Cancel();
            }
        });
        var model = new SumSignClassifier();
        var trainer = new Trainer<float, int>(model, new Adam(0.01f), Options(epochs: 3));
        TrainingResult cancelled = trainer.Fit(data, null, progress, cts.Token);

        Assert.True(cancelled.Cancelled);
        Assert.Equal(TrainingStopReason.Cancelled, cancelled.StopReason);
        Assert.Equal(8, cancelled.Steps);
        Assert.Equal(1, cancelled.EpochsCompleted);
        Assert.Equal(2, trainer.StepInEpoch);
        Assert.Equal(TrainingProgressKind.Finished, progress.Reports[^1].Kind);

        TrainingResult finished = trainer.Fit(data);
        Assert.Equal(TrainingStopReason.Completed, finished.StopReason);
        Assert.Equal(18, finished.Steps);
        Assert.Equal(reference.Parameters.ToArray(), model.Parameters.ToArray());
        Assert.Equal(referenceResult.History.Select(e => e.TrainingLoss), finished.History.Select(e => e.TrainingLoss));
    }

    [Fact]
    public void An_already_cancelled_token_takes_no_step()
    {
        var model = new SumSignClassifier();
        float[] before = model.Parameters.ToArray();
        var result = Trainer.Fit(model, new Sgd(0.1f), TrainingData.SumSign(8, 1), options: Options(2), cancellationToken: new CancellationToken(canceled: true));
        Assert.True(result.Cancelled);
        Assert.Equal(0, result.Steps);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Early_stopping_restores_the_best_weights()
    {
        // Validation labels are the opposite of the training labels: the better the model fits the
        // training set, the worse its validation loss, so the best epoch is an early one.
        var training = TrainingData.SumSign(64, seed: 21);
        var flipped = TrainingData.SumSign(16, seed: 22);
        var validation = new SequenceDataset<float, int>(flipped.InputLength, flipped.TargetLength);
        for (int i = 0; i < flipped.Count; i++)
        {
            validation.Add(flipped.GetInput(i), new[] { 1 - flipped.GetTarget(i)[0] });
        }

        var model = new SumSignClassifier(seed: 3);
        var snapshots = new System.Collections.Generic.Dictionary<int, float[]>();
        var progress = new RecordingProgress(r =>
        {
            if (r.Kind == TrainingProgressKind.EpochEnd)
            {
                snapshots[r.Epoch] = model.Parameters.ToArray();
            }
        });
        var options = Options(epochs: 30);
        options.EarlyStoppingPatience = 3;
        var trainer = new Trainer<float, int>(model, new Adam(0.03f), options);

        TrainingResult result = trainer.Fit(training, validation, progress);

        Assert.True(result.StoppedEarly);
        Assert.Equal(TrainingStopReason.EarlyStopped, result.StopReason);
        Assert.True(result.EpochsCompleted < 30);
        int best = result.BestEpoch!.Value;
        Assert.Equal(best + 3, result.EpochsCompleted);
        Assert.Equal(result.History.Min(e => e.ValidationLoss!.Value), result.BestValidationLoss!.Value);
        Assert.Equal(result.History[best - 1].ValidationLoss, result.BestValidationLoss);
        Assert.Equal(snapshots[best], model.Parameters.ToArray());
        Assert.NotEqual(snapshots[result.EpochsCompleted - 1], model.Parameters.ToArray());
        Assert.Equal(result.BestValidationLoss!.Value, trainer.Evaluate(validation).Loss, 12);

        // A stopped run stays stopped.
        TrainingResult again = trainer.Fit(training, validation);
        Assert.True(again.StoppedEarly);
        Assert.Equal(result.EpochsCompleted, again.EpochsCompleted);
    }

    [Fact]
    public void Early_stopping_without_validation_monitors_the_training_loss()
    {
        var options = Options(epochs: 50);
        options.EarlyStoppingPatience = 1;
        options.EarlyStoppingMinDelta = 10; // nothing improves that much
        var result = Trainer.Fit(new SumSignClassifier(), new Sgd(0.01f), TrainingData.SumSign(16, 3), options: options);
        Assert.True(result.StoppedEarly);
        Assert.Equal(2, result.EpochsCompleted);
        Assert.Equal(1, result.BestEpoch);
        Assert.Equal(result.History[0].TrainingLoss, result.BestLoss);
        Assert.Null(result.BestValidationLoss);
    }

    [Fact]
    public void A_validation_fraction_holds_out_part_of_the_training_set()
    {
        var options = Options(epochs: 1);
        options.ValidationFraction = 0.25;
        var data = TrainingData.SumSign(16, 3);
        var result = Trainer.Fit(new SumSignClassifier(), new Sgd(0.01f), data, options: options);
        Assert.Equal(3, result.History[0].Steps); // 12 training examples
        Assert.NotNull(result.History[0].ValidationLoss);
    }

    [Fact]
    public void A_NaN_input_skips_its_steps_and_leaves_the_weights_unchanged_by_them()
    {
        var data = TrainingData.SumSign(12, seed: 5); // 3 steps per epoch without shuffling
        var poisoned = new SequenceDataset<float, int>(data.InputLength, data.TargetLength);
        for (int i = 0; i < data.Count; i++)
        {
            float[] x = data.GetInput(i).ToArray();
            if (i == 5)
            {
                x[3] = float.NaN; // in the second batch
            }

            poisoned.Add(x, data.GetTarget(i));
        }

        var model = new SumSignClassifier();
        var optimizer = new Adam(0.01f);
        var snapshots = new System.Collections.Generic.List<(TrainingProgress Report, float[] Weights)>();
        var progress = new RecordingProgress(r =>
        {
            if (r.Kind == TrainingProgressKind.Step)
            {
                snapshots.Add((r, model.Parameters.ToArray()));
            }
        });
        var options = Options(epochs: 3);
        options.Shuffle = false;

        TrainingResult result = new Trainer<float, int>(model, optimizer, options).Fit(poisoned, null, progress);

        Assert.Equal(TrainingStopReason.Completed, result.StopReason);
        Assert.Equal(3, result.SkippedSteps);
        Assert.All(result.History, e => Assert.Equal(1, e.SkippedSteps));
        Assert.All(result.History, e => Assert.True(double.IsFinite(e.TrainingLoss)));
        Assert.Equal(6, optimizer.StepCount);
        Assert.Equal(9, snapshots.Count);
        for (int i = 0; i < snapshots.Count; i++)
        {
            bool skipped = i % 3 == 1;
            Assert.Equal(skipped, !float.IsFinite(snapshots[i].Report.LastLoss));
            Assert.Equal((i / 3) + (skipped ? 1 : i % 3 == 2 ? 1 : 0), snapshots[i].Report.SkippedSteps);
            if (skipped)
            {
                Assert.Equal(snapshots[i - 1].Weights, snapshots[i].Weights);
            }
            else if (i > 0)
            {
                Assert.NotEqual(snapshots[i - 1].Weights, snapshots[i].Weights);
            }
        }
    }

    [Fact]
    public void Too_many_non_finite_steps_in_a_row_stop_the_run_unchanged()
    {
        var data = new SequenceDataset<float, int>(SumSignClassifier.Steps, 1);
        var x = Enumerable.Repeat(float.PositiveInfinity, SumSignClassifier.Steps).ToArray();
        for (int i = 0; i < 20; i++)
        {
            data.Add(x, new[] { i % 2 });
        }

        var model = new SumSignClassifier();
        float[] before = model.Parameters.ToArray();
        var optimizer = new Adam(0.01f);
        var options = Options(epochs: 5);
        options.MaxConsecutiveNonFiniteSteps = 3;

        TrainingResult result = Trainer.Fit(model, optimizer, data, options: options);

        Assert.Equal(TrainingStopReason.NonFiniteLoss, result.StopReason);
        Assert.Equal(3, result.Steps);
        Assert.Equal(3, result.SkippedSteps);
        Assert.Equal(0, optimizer.StepCount);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Float_targets_get_binary_accuracy_and_token_models_train()
    {
        var binaryOptions = Options(epochs: 8);
        binaryOptions.Accuracy = AccuracyMetric.Binary;
        var binary = TrainingData.Binary(120, seed: 1).Split(0.25, seed: 2);
        var result = Trainer.Fit(new BinaryGru(), new Adam(0.03f), binary.Training, binary.Validation, binaryOptions);
        Assert.True(result.History[^1].ValidationAccuracy >= 0.8, $"binary accuracy {result.History[^1].ValidationAccuracy}");

        var auto = Trainer.Fit(new BinaryGru(), new Adam(0.03f), binary.Training, binary.Validation, Options(epochs: 1));
        Assert.Null(auto.History[0].ValidationAccuracy); // float targets: no accuracy unless asked

        var tokens = TrainingData.Tokens(60, seed: 1).Split(0.2, seed: 1);
        var tagger = Trainer.Fit(new TokenTagger(), new Adam(0.05f), tokens.Training, tokens.Validation, Options(epochs: 15));
        Assert.True(tagger.History[^1].ValidationAccuracy > 0.7, $"token accuracy {tagger.History[^1].ValidationAccuracy}");
        Assert.True(tagger.History[^1].TrainingLoss < tagger.History[0].TrainingLoss);
    }

    [Fact]
    public void Mismatched_datasets_and_options_are_rejected()
    {
        var trainer = new Trainer<float, int>(new SumSignClassifier(), new Sgd(0.1f), Options(1));
        Assert.Throws<ArgumentException>(() => trainer.Fit(new SequenceDataset<float, int>(7, 1)));
        Assert.Throws<ArgumentException>(() => trainer.Fit(new SequenceDataset<float, int>(8, 1)));
        Assert.Throws<ArgumentException>(() => trainer.Fit(TrainingData.SumSign(8, 1), new SequenceDataset<float, int>(16, 2)));

        var badOptions = Options(1);
        badOptions.Accuracy = AccuracyMetric.Binary; // int targets
        Assert.Throws<ArgumentException>(() => Trainer.Fit(new SumSignClassifier(), new Sgd(0.1f), TrainingData.SumSign(8, 1), options: badOptions));
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(new SumSignClassifier(), new Sgd(0.1f), TrainingData.SumSign(8, 1), options: new TrainerOptions { Epochs = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(new SumSignClassifier(), new Sgd(0.1f), TrainingData.SumSign(8, 1), options: new TrainerOptions { EarlyStoppingPatience = 0 }));
    }
}

/// <summary>The loop's steps allocate nothing on the managed heap: allocations do not grow with the number of steps.</summary>
public sealed class TrainerAllocationTests
{
    [Fact]
    public void Steps_allocate_nothing()
    {
        var small = TrainingData.SumSign(20, seed: 1);  // 5 steps per epoch
        var large = TrainingData.SumSign(400, seed: 1); // 100 steps per epoch
        long Measure(SequenceDataset<float, int> data)
        {
            var model = new SumSignClassifier();
            var optimizer = new Adam(0.01f);
            model.TrainStep(new float[SumSignClassifier.InputLength], new int[SumSignClassifier.TargetLength], optimizer); // first-call buffers
            var trainer = new Trainer<float, int>(model, optimizer, new TrainerOptions { Epochs = 3 });
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.Fit(data);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Measure(small);
        Measure(large); // warm up every path
        long few = Measure(small), many = Measure(large);
        long orderArrays = (large.Count - small.Count) * sizeof(int);
        Assert.True(many - few <= orderArrays + 256, $"{few} bytes for 15 steps, {many} bytes for 300 steps");
    }
}

/// <summary>Stateful models (CarryState): consecutive batches, state reset at epoch starts and around validation.</summary>
public sealed class StatefulTrainerTests
{
    [Fact]
    public void A_carried_state_run_equals_a_hand_written_loop_with_resets_at_epoch_starts()
    {
        var data = TrainingData.Tokens(10, seed: 3); // B = 2: 5 batches; example 2s + b continues example 2(s-1) + b
        var options = new TrainerOptions { Epochs = 3, Shuffle = false, PartialBatch = PartialBatchMode.Drop };
        var model = new TokenTagger { CarryState = true };
        new Trainer<int, int>(model, new Adam(0.02f), options).Fit(data);

        var manual = new TokenTagger { CarryState = true };
        var optimizer = new Adam(0.02f);
        var x = new int[TokenTagger.InputLength];
        var y = new int[TokenTagger.TargetLength];
        for (int epoch = 0; epoch < 3; epoch++)
        {
            manual.ResetState();
            for (int s = 0; s < 5; s++)
            {
                for (int b = 0; b < 2; b++)
                {
                    data.GetInput((2 * s) + b).CopyTo(x.AsSpan(b * TokenTagger.Steps));
                    data.GetTarget((2 * s) + b).CopyTo(y.AsSpan(b * TokenTagger.Steps));
                }

                manual.TrainStep(x, y, optimizer);
            }
        }

        Assert.Equal(manual.Parameters.ToArray(), model.Parameters.ToArray());
        Assert.True(model.CarryState);
    }

    [Fact]
    public void Carried_state_requires_ordered_batches_and_validates_whole_batches_in_order()
    {
        var data = TrainingData.Tokens(9, seed: 3);
        var model = new TokenTagger { CarryState = true };
        Assert.Throws<InvalidOperationException>(() => Trainer.Fit(model, new Sgd(0.1f), data, options: new TrainerOptions { Epochs = 1 }));

        var trainer = new Trainer<int, int>(model, new Sgd(0.1f), new TrainerOptions { Epochs = 1, Shuffle = false });
        EvaluationResult carried = trainer.Evaluate(data);
        Assert.Equal(8, carried.Count); // the ninth example does not fill a batch

        // The same loss by hand: consecutive batches from a reset state.
        var reference = new TokenTagger { CarryState = true };
        var x = new int[TokenTagger.InputLength];
        var y = new int[TokenTagger.TargetLength];
        double sum = 0;
        for (int s = 0; s < 4; s++)
        {
            for (int b = 0; b < 2; b++)
            {
                data.GetInput((2 * s) + b).CopyTo(x.AsSpan(b * TokenTagger.Steps));
                data.GetTarget((2 * s) + b).CopyTo(y.AsSpan(b * TokenTagger.Steps));
            }

            sum += reference.ComputeGradients(x, y) * 2.0;
        }

        Assert.Equal(sum / 8, carried.Loss, 12);
        Assert.Equal(carried, trainer.Evaluate(data)); // the state was reset around it
        Assert.Throws<ArgumentException>(() => trainer.Evaluate(TrainingData.Tokens(1, seed: 1)));
    }
}
