using System;
using System.IO;
using System.Linq;
using System.Threading;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Training;

/// <summary>Checkpoints: round trip, exact resume, atomic writes that survive interruption, rejection of bad files.</summary>
public sealed class CheckpointTests
{
    private static TrainerOptions Options(int epochs, string? checkpoint = null) => new()
    {
        Epochs = epochs,
        Seed = 3,
        ProgressInterval = TimeSpan.Zero,
        CheckpointPath = checkpoint,
    };

    private static byte[] OptimizerBytes(IOptimizer optimizer)
    {
        using var stream = new MemoryStream();
        optimizer.SaveState(stream);
        return stream.ToArray();
    }

    [Fact]
    public void A_checkpoint_round_trips_weights_optimizer_state_and_position()
    {
        using var folder = new TempFolder();
        string path = folder.File("run.ckpt");
        var data = TrainingData.SumSign(30, seed: 8).Split(0.2, seed: 1);
        var model = new SumSignClassifier();
        var optimizer = new Adam(0.01f) { MaxGradientNorm = 1f };
        var trainer = new Trainer<float, int>(model, optimizer, Options(2, path));
        TrainingResult result = trainer.Fit(data.Training, data.Validation);

        Assert.Equal(new[] { "run.ckpt" }, folder.Entries().Select(Path.GetFileName));
        CheckpointInfo info = Checkpoint.ReadInfo(path);
        Assert.Equal(2, info.EpochsCompleted);
        Assert.Equal(0, info.StepInEpoch);
        Assert.Equal(result.Steps, info.GlobalStep);
        Assert.Equal(SumSignClassifier.ParameterCount, info.ParameterCount);
        Assert.Equal(result.BestLoss, info.BestLoss);
        Assert.Equal(result.BestEpoch, info.BestEpoch);
        Assert.False(info.StoppedEarly);
        Assert.Equal(result.History, info.History);

        var restoredModel = new SumSignClassifier(seed: 77);
        var restoredOptimizer = new Adam(0.5f);
        var restored = new Trainer<float, int>(restoredModel, restoredOptimizer, Options(2));
        restored.Resume(path);
        Assert.Equal(model.Parameters.ToArray(), restoredModel.Parameters.ToArray());
        Assert.Equal(OptimizerBytes(optimizer), OptimizerBytes(restoredOptimizer));
        Assert.Equal(1f, restoredOptimizer.MaxGradientNorm);
        Assert.Equal(2, restored.EpochsCompleted);
        Assert.Equal(result.Steps, restored.GlobalStep);
        Assert.Equal(result.History, restored.History);

        var weightsOnly = new SumSignClassifier(seed: 78);
        Checkpoint.LoadWeights(path, weightsOnly);
        Assert.Equal(model.Parameters.ToArray(), weightsOnly.Parameters.ToArray());

        using var safetensors = new MemoryStream();
        Checkpoint.ExtractWeights(path, safetensors);
        safetensors.Position = 0;
        var extracted = new SumSignClassifier(seed: 79);
        extracted.LoadSafetensors(safetensors);
        Assert.Equal(model.Parameters.ToArray(), extracted.Parameters.ToArray());

        var manual = folder.File("manual.ckpt");
        trainer.SaveCheckpoint(manual);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(manual));
    }

    [Theory]
    [InlineData(11)] // mid-epoch
    [InlineData(6)]  // the last step of epoch 1: cancelled during its validation
    public void A_resumed_run_ends_with_the_same_weights_as_an_uninterrupted_one(int cancelAtStep)
    {
        using var folder = new TempFolder();
        var (training, validation) = TrainingData.SumSign(28, seed: 9).Split(0.15, seed: 2); // 24 + 4: 6 steps per epoch
        TrainerOptions Configure(string? checkpoint)
        {
            TrainerOptions o = Options(4, checkpoint);
            o.EarlyStoppingPatience = 10; // keeps best weights in the checkpoint
            return o;
        }

        var reference = new SumSignClassifier();
        var referenceOptimizer = new Adam(0.02f) { Schedule = new StepDecaySchedule(5, 0.5f) };
        TrainingResult expected = new Trainer<float, int>(reference, referenceOptimizer, Configure(null)).Fit(training, validation);

        string path = folder.File("resume.ckpt");
        using var cts = new CancellationTokenSource();
        var progress = new RecordingProgress(r =>
        {
            if (r.Kind == TrainingProgressKind.Step && r.GlobalStep == cancelAtStep)
            {
                cts.Cancel();
            }
        });
        var interrupted = new SumSignClassifier();
        TrainingResult first = new Trainer<float, int>(interrupted, new Adam(0.02f) { Schedule = new StepDecaySchedule(5, 0.5f) }, Configure(path))
            .Fit(training, validation, progress, cts.Token);
        Assert.True(first.Cancelled);
        Assert.Equal(cancelAtStep, Checkpoint.ReadInfo(path).GlobalStep);

        // A new process: fresh model (other initial weights) and optimizer, restored from the file.
        var resumed = new SumSignClassifier(seed: 1234);
        var resumedOptimizer = new Adam(0.02f) { Schedule = new StepDecaySchedule(5, 0.5f) };
        var trainer = new Trainer<float, int>(resumed, resumedOptimizer, Configure(path));
        trainer.Resume(path);
        TrainingResult second = trainer.Fit(training, validation);

        Assert.Equal(TrainingStopReason.Completed, second.StopReason);
        Assert.Equal(reference.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(OptimizerBytes(referenceOptimizer), OptimizerBytes(resumedOptimizer));
        Assert.Equal(expected.History, second.History);
        Assert.Equal(expected.Steps, second.Steps);
        Assert.Equal(expected.BestLoss, second.BestLoss);
    }

    [Fact]
    public void Resuming_mid_epoch_with_other_data_is_refused()
    {
        using var folder = new TempFolder();
        string path = folder.File("a.ckpt");
        var data = TrainingData.SumSign(24, seed: 1);
        using var cts = new CancellationTokenSource();
        var progress = new RecordingProgress(r => { if (r.GlobalStep == 2) cts.Cancel(); });
        new Trainer<float, int>(new SumSignClassifier(), new Sgd(0.1f), Options(2, path)).Fit(data, null, progress, cts.Token);

        var trainer = new Trainer<float, int>(new SumSignClassifier(), new Sgd(0.1f), Options(2));
        trainer.Resume(path);
        var error = Assert.Throws<InvalidOperationException>(() => trainer.Fit(TrainingData.SumSign(24, seed: 2)));
        Assert.Contains("training data", error.Message);
        var otherSeed = new Trainer<float, int>(new SumSignClassifier(), new Sgd(0.1f), new TrainerOptions { Epochs = 2, Seed = 99 });
        otherSeed.Resume(path);
        Assert.Contains("seed", Assert.Throws<InvalidOperationException>(() => otherSeed.Fit(data)).Message);
    }

    [Fact]
    public void An_interrupted_atomic_write_leaves_the_previous_file_intact_and_no_temporary_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("state.bin");
        Checkpoint.WriteAtomically(path, s => s.Write(new byte[] { 1, 2, 3, 4 }));
        byte[] before = File.ReadAllBytes(path);

        var error = Assert.Throws<IOException>(() => Checkpoint.WriteAtomically(path, s =>
        {
            s.Write(new byte[1000]);
            s.Flush();
            throw new IOException("disk gone");
        }));

        Assert.Equal("disk gone", error.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "state.bin" }, folder.Entries().Select(Path.GetFileName));
    }

    [Fact]
    public void A_rename_that_fails_leaves_no_temporary_file()
    {
        using var folder = new TempFolder();
        string directory = folder.File("occupied");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "inside.txt"), "keep");

        Assert.ThrowsAny<Exception>(() => Checkpoint.WriteAtomically(directory, s => s.Write(new byte[] { 9 })));

        Assert.Equal(new[] { "occupied" }, folder.Entries().Select(Path.GetFileName));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(directory, "inside.txt")));
    }

    [Fact]
    public void A_checkpoint_write_interrupted_during_training_leaves_the_previous_checkpoint_intact()
    {
        using var folder = new TempFolder();
        string path = folder.File("train.ckpt");
        var data = TrainingData.SumSign(16, seed: 4);
        var model = new FailingSaveModel(new SumSignClassifier());
        var trainer = new Trainer<float, int>(model, new Adam(0.01f), Options(3, path));
        int epochEnds = 0;
        var progress = new RecordingProgress(r =>
        {
            if (r.Kind == TrainingProgressKind.EpochEnd && ++epochEnds == 2)
            {
                model.FailAfterBytes = 100; // the checkpoint that follows this report breaks midway
            }
        });

        Assert.Throws<IOException>(() => trainer.Fit(data, null, progress));

        Assert.Equal(new[] { "train.ckpt" }, folder.Entries().Select(Path.GetFileName));
        CheckpointInfo info = Checkpoint.ReadInfo(path);
        Assert.Equal(1, info.EpochsCompleted); // the epoch-1 checkpoint, whole
        byte[] previous = File.ReadAllBytes(path);

        // Training can go on: the position was kept; the next checkpoint succeeds.
        model.FailAfterBytes = 100;
        Assert.Throws<IOException>(() => trainer.SaveCheckpoint(path));
        Assert.Equal(previous, File.ReadAllBytes(path));
        model.FailAfterBytes = null;
        TrainingResult result = trainer.Fit(data);
        Assert.Equal(3, result.EpochsCompleted);
        Assert.Equal(3, Checkpoint.ReadInfo(path).EpochsCompleted);
        Assert.Equal(new[] { "train.ckpt" }, folder.Entries().Select(Path.GetFileName));
    }

    [Fact]
    public void Invalid_checkpoints_change_nothing()
    {
        using var folder = new TempFolder();
        string path = folder.File("good.ckpt");
        new Trainer<float, int>(new SumSignClassifier(), new Adam(0.01f), Options(1, path)).Fit(TrainingData.SumSign(8, 1));
        byte[] good = File.ReadAllBytes(path);

        var model = new SumSignClassifier(seed: 5);
        var optimizer = new Adam(0.01f);
        var trainer = new Trainer<float, int>(model, optimizer, Options(1));
        float[] weights = model.Parameters.ToArray();
        byte[] state = OptimizerBytes(optimizer);
        void AssertUnchanged()
        {
            Assert.Equal(weights, model.Parameters.ToArray());
            Assert.Equal(state, OptimizerBytes(optimizer));
            Assert.Equal(0, trainer.GlobalStep);
        }

        string truncated = folder.File("truncated.ckpt");
        File.WriteAllBytes(truncated, good.AsSpan(0, good.Length / 2).ToArray());
        Assert.Throws<InvalidDataException>(() => trainer.Resume(truncated));
        AssertUnchanged();

        string garbage = folder.File("garbage.ckpt");
        File.WriteAllBytes(garbage, new byte[64]);
        Assert.Throws<InvalidDataException>(() => trainer.Resume(garbage));
        AssertUnchanged();

        // A checkpoint of another optimizer kind: the optimizer refuses it before the weights are touched.
        var sgdTrainer = new Trainer<float, int>(model, new Sgd(0.1f, momentum: 0.9f), Options(1));
        Assert.Throws<InvalidDataException>(() => sgdTrainer.Resume(path));
        AssertUnchanged();

        // A checkpoint of another architecture.
        string other = folder.File("binary.ckpt");
        new Trainer<float, float>(new BinaryGru(), new Adam(0.01f), Options(1, other)).Fit(TrainingData.Binary(6, 1));
        Assert.Throws<InvalidDataException>(() => trainer.Resume(other));
        AssertUnchanged();

        Assert.Throws<FileNotFoundException>(() => trainer.Resume(folder.File("missing.ckpt")));
    }

    [Fact]
    public void Checkpoints_are_written_every_N_steps_and_at_epoch_ends()
    {
        using var folder = new TempFolder();
        string path = folder.File("steps.ckpt");
        var data = TrainingData.SumSign(40, seed: 1); // 10 steps per epoch
        var steps = new System.Collections.Generic.List<long>();
        var options = Options(2, path);
        options.CheckpointEverySteps = 4;
        var progress = new RecordingProgress(r =>
        {
            if (r.Kind == TrainingProgressKind.Step && File.Exists(path))
            {
                steps.Add(Checkpoint.ReadInfo(path).GlobalStep);
            }
        });
        new Trainer<float, int>(new SumSignClassifier(), new Sgd(0.1f), options).Fit(data, null, progress);

        // Step s is reported before its own checkpoint, so from step 5 on the file holds the last one before s: steps 4, 8, epoch end 10, 12, 16.
        Assert.Equal(new long[] { 4, 4, 4, 4, 8, 8, 10, 10, 12, 12, 12, 12, 16, 16, 16, 16 }, steps);
        Assert.Equal(20, Checkpoint.ReadInfo(path).GlobalStep);
    }
}
