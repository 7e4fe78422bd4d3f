using System;
using System.Collections.Generic;
using System.IO;
using RnnGen.IO;

namespace RnnGen.Training;

/// <summary>
/// Training checkpoints: one file holding a model's weights (in the safetensors format), its
/// optimizer's state (<see cref="IOptimizer.SaveState"/>) and the trainer's position, written
/// atomically.
/// </summary>
/// <remarks>
/// <para>
/// File format, every number little-endian: the 8 ASCII bytes <c>RNNGCKPT</c>, an int32 format
/// version (1), an int32 section count, then each section as a 4-byte ASCII tag, an int64
/// payload length and the payload. Sections: <c>TRNR</c> the trainer's position and settings,
/// <c>HIST</c> the finished epochs, <c>WGHT</c> the model's weights exactly as
/// <see cref="IRnnModel.SaveSafetensors(Stream)"/> writes them, <c>OPTS</c> the optimizer's state
/// exactly as <see cref="IOptimizer.SaveState"/> writes it, and, with early stopping, <c>BEST</c>
/// the parameters of the best epoch (an int32 count and that many float32). Readers skip sections
/// they do not know.
/// </para>
/// <para>
/// Writes go to a temporary file in the target's folder, which is flushed to disk and then
/// renamed over the target: a failure or a crash mid-write leaves the previous checkpoint as it
/// was, and a failed write deletes its temporary file.
/// </para>
/// </remarks>
public static class Checkpoint
{
    /// <summary>
    /// Writes a file atomically: <paramref name="write"/> fills a new temporary file in the same
    /// folder as <paramref name="path"/>, which is then flushed to disk and renamed over
    /// <paramref name="path"/>. When anything fails (<paramref name="write"/> throws, the disk is
    /// full, the rename is refused) the temporary file is deleted, the exception propagates and an
    /// existing file at <paramref name="path"/> is left exactly as it was.
    /// </summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="write">Writes the content to the stream it is given (seekable, positioned at 0).</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">The file cannot be written or renamed.</exception>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string target = Path.GetFullPath(path);
        FileStream stream = AtomicFile.Create(target, out string temporary);
        try
        {
            using (stream)
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            AtomicFile.TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Reads the position and history stored in a checkpoint file.</summary>
    /// <param name="path">A checkpoint written by <see cref="Trainer{TInput, TTarget}"/>.</param>
    /// <returns>The checkpoint's description.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CheckpointInfo ReadInfo(string path)
    {
        CheckpointData data = CheckpointData.Read(path);
        TrainerState s = data.State;
        return new CheckpointInfo(
            s.Epoch,
            s.Step,
            s.GlobalStep,
            s.StepsPerEpoch,
            s.ParameterCount,
            s.HasBest ? s.BestLoss : null,
            s.HasBest ? s.BestEpoch : null,
            s.StoppedEarly,
            s.History.ToArray());
    }

    /// <summary>Loads the weights stored in a checkpoint into <paramref name="model"/> (all or nothing, as <see cref="IRnnModel.LoadSafetensors(Stream)"/>).</summary>
    /// <param name="path">A checkpoint written by <see cref="Trainer{TInput, TTarget}"/>.</param>
    /// <param name="model">The model, of the same architecture as the one trained.</param>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint.</exception>
    /// <exception cref="SafetensorsFormatException">The weights do not fit the model; the model is unchanged.</exception>
    public static void LoadWeights(string path, IRnnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckpointData data = CheckpointData.Read(path);
        using var weights = new MemoryStream(data.Weights, writable: false);
        model.LoadSafetensors(weights);
    }

    /// <summary>Copies the weights stored in a checkpoint to <paramref name="destination"/> as a safetensors file (loadable by PyTorch's safetensors).</summary>
    /// <param name="path">A checkpoint written by <see cref="Trainer{TInput, TTarget}"/>.</param>
    /// <param name="destination">The stream to write the safetensors bytes to.</param>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint.</exception>
    public static void ExtractWeights(string path, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        CheckpointData data = CheckpointData.Read(path);
        destination.Write(data.Weights);
        destination.Flush();
    }
}

/// <summary>The position and history stored in a training checkpoint (see <see cref="Checkpoint.ReadInfo"/>).</summary>
/// <param name="EpochsCompleted">Epochs finished when the checkpoint was written.</param>
/// <param name="StepInEpoch">Steps of the next epoch already taken (0 at an epoch boundary).</param>
/// <param name="GlobalStep">Steps taken since training began, skipped ones included.</param>
/// <param name="StepsPerEpoch">Steps per epoch of the run.</param>
/// <param name="ParameterCount">The model's parameter count.</param>
/// <param name="BestLoss">The best monitored loss so far, or <see langword="null"/>.</param>
/// <param name="BestEpoch">The epoch (from 1) of <paramref name="BestLoss"/>, or <see langword="null"/>.</param>
/// <param name="StoppedEarly">Whether early stopping had ended the run.</param>
/// <param name="History">Every finished epoch.</param>
public sealed record CheckpointInfo(
    int EpochsCompleted,
    int StepInEpoch,
    long GlobalStep,
    int StepsPerEpoch,
    int ParameterCount,
    double? BestLoss,
    int? BestEpoch,
    bool StoppedEarly,
    IReadOnlyList<EpochSummary> History);

/// <summary>The trainer's position and settings: everything besides weights and optimizer state that a resumed run needs to continue exactly.</summary>
internal sealed class TrainerState
{
    public int Seed;
    public bool Shuffle;
    public PartialBatchMode PartialBatch;
    public int BatchSize;
    public int TrainingCount;
    public ulong TrainingFingerprint;
    public int ParameterCount;

    public int Epoch;
    public int Step;
    public int StepsPerEpoch;
    public long GlobalStep;
    public double EpochLossSum;
    public int EpochLossCount;
    public int EpochSkipped;
    public long SkippedSteps;
    public int ConsecutiveNonFinite;
    public float LastLearningRate;

    public bool HasBest;
    public double BestLoss;
    public int BestEpoch;
    public int EpochsWithoutImprovement;
    public bool StoppedEarly;
    public float[]? BestWeights;

    public List<EpochSummary> History = new();

    public void Write(BinaryWriter w)
    {
        w.Write(Seed);
        w.Write(Shuffle);
        w.Write((int)PartialBatch);
        w.Write(BatchSize);
        w.Write(TrainingCount);
        w.Write(TrainingFingerprint);
        w.Write(ParameterCount);
        w.Write(Epoch);
        w.Write(Step);
        w.Write(StepsPerEpoch);
        w.Write(GlobalStep);
        w.Write(EpochLossSum);
        w.Write(EpochLossCount);
        w.Write(EpochSkipped);
        w.Write(SkippedSteps);
        w.Write(ConsecutiveNonFinite);
        w.Write(LastLearningRate);
        w.Write(HasBest);
        w.Write(BestLoss);
        w.Write(BestEpoch);
        w.Write(EpochsWithoutImprovement);
        w.Write(StoppedEarly);
    }

    public static TrainerState Read(BinaryReader r)
    {
        var s = new TrainerState
        {
            Seed = r.ReadInt32(),
            Shuffle = r.ReadBoolean(),
            PartialBatch = (PartialBatchMode)r.ReadInt32(),
            BatchSize = r.ReadInt32(),
            TrainingCount = r.ReadInt32(),
            TrainingFingerprint = r.ReadUInt64(),
            ParameterCount = r.ReadInt32(),
            Epoch = r.ReadInt32(),
            Step = r.ReadInt32(),
            StepsPerEpoch = r.ReadInt32(),
            GlobalStep = r.ReadInt64(),
            EpochLossSum = r.ReadDouble(),
            EpochLossCount = r.ReadInt32(),
            EpochSkipped = r.ReadInt32(),
            SkippedSteps = r.ReadInt64(),
            ConsecutiveNonFinite = r.ReadInt32(),
            LastLearningRate = r.ReadSingle(),
            HasBest = r.ReadBoolean(),
            BestLoss = r.ReadDouble(),
            BestEpoch = r.ReadInt32(),
            EpochsWithoutImprovement = r.ReadInt32(),
            StoppedEarly = r.ReadBoolean(),
        };

        if (s.PartialBatch is not (PartialBatchMode.Pad or PartialBatchMode.Drop)
            || s.BatchSize < 0 || s.TrainingCount < 0 || s.ParameterCount < 0 || s.Epoch < 0 || s.Step < 0
            || s.StepsPerEpoch < 0 || s.Step > s.StepsPerEpoch || s.GlobalStep < 0 || s.EpochLossCount < 0
            || s.EpochSkipped < 0 || s.SkippedSteps < 0 || s.ConsecutiveNonFinite < 0 || s.BestEpoch < 0
            || s.EpochsWithoutImprovement < 0)
        {
            throw new InvalidDataException("The checkpoint's trainer position is out of range.");
        }

        return s;
    }

    public void WriteHistory(BinaryWriter w)
    {
        w.Write(History.Count);
        foreach (EpochSummary e in History)
        {
            w.Write(e.Epoch);
            w.Write(e.TrainingLoss);
            w.Write(e.ValidationLoss.HasValue);
            w.Write(e.ValidationLoss.GetValueOrDefault());
            w.Write(e.ValidationAccuracy.HasValue);
            w.Write(e.ValidationAccuracy.GetValueOrDefault());
            w.Write(e.Steps);
            w.Write(e.SkippedSteps);
            w.Write(e.LearningRate);
        }
    }

    public void ReadHistory(BinaryReader r, long payloadLength)
    {
        int count = r.ReadInt32();
        const int RecordBytes = 4 + 8 + 1 + 8 + 1 + 8 + 4 + 4 + 4;
        if (count < 0 || (long)count * RecordBytes > payloadLength)
        {
            throw new InvalidDataException($"The checkpoint's history claims {count} epochs, more than its section holds.");
        }

        History = new List<EpochSummary>(count);
        for (int i = 0; i < count; i++)
        {
            int epoch = r.ReadInt32();
            double training = r.ReadDouble();
            bool hasValidation = r.ReadBoolean();
            double validation = r.ReadDouble();
            bool hasAccuracy = r.ReadBoolean();
            double accuracy = r.ReadDouble();
            int steps = r.ReadInt32();
            int skipped = r.ReadInt32();
            float learningRate = r.ReadSingle();
            History.Add(new EpochSummary(
                epoch,
                training,
                hasValidation ? validation : null,
                hasAccuracy ? accuracy : null,
                steps,
                skipped,
                learningRate));
        }
    }
}

/// <summary>The sections of a checkpoint file.</summary>
internal sealed class CheckpointData
{
    private const int FormatVersion = 1;
    private const int MaxSections = 64;
    private static ReadOnlySpan<byte> Magic => "RNNGCKPT"u8;

    private CheckpointData(TrainerState state, byte[] weights, byte[] optimizerState)
    {
        State = state;
        Weights = weights;
        OptimizerState = optimizerState;
    }

    public TrainerState State { get; }

    public byte[] Weights { get; }

    public byte[] OptimizerState { get; }

    /// <summary>Writes a whole checkpoint to a seekable stream, from its current position.</summary>
    public static void Write(Stream stream, TrainerState state, IRnnModel model, IOptimizer optimizer)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        bool best = state.BestWeights is not null;
        writer.Write(best ? 5 : 4);
        Section(stream, writer, "TRNR", s => { using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true); state.Write(w); });
        Section(stream, writer, "HIST", s => { using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true); state.WriteHistory(w); });
        Section(stream, writer, "WGHT", model.SaveSafetensors);
        Section(stream, writer, "OPTS", optimizer.SaveState);
        if (state.BestWeights is float[] weights)
        {
            Section(stream, writer, "BEST", s =>
            {
                using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true);
                w.Write(weights.Length);
                foreach (float value in weights)
                {
                    w.Write(value);
                }
            });
        }

        writer.Flush();
    }

    public static CheckpointData Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            return Read(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid training checkpoint: {e.Message}", e);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid training checkpoint: it is truncated.", e);
        }
    }

    private static CheckpointData Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        Span<byte> magic = stackalloc byte[8];
        stream.ReadExactly(magic);
        if (!magic.SequenceEqual(Magic))
        {
            throw new InvalidDataException("it does not start with RNNGCKPT.");
        }

        int version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"its format version is {version}; this runtime reads version {FormatVersion}.");
        }

        int sections = reader.ReadInt32();
        if (sections < 0 || sections > MaxSections)
        {
            throw new InvalidDataException($"it claims {sections} sections.");
        }

        TrainerState? state = null;
        byte[]? history = null, weights = null, optimizer = null, best = null;
        Span<byte> tagBytes = stackalloc byte[4];
        for (int i = 0; i < sections; i++)
        {
            stream.ReadExactly(tagBytes);
            string tag = System.Text.Encoding.ASCII.GetString(tagBytes);
            long length = reader.ReadInt64();
            if (length < 0 || length > Array.MaxLength || length > stream.Length - stream.Position)
            {
                throw new InvalidDataException($"its section '{tag}' claims {length} bytes but only {stream.Length - stream.Position} remain.");
            }

            byte[] payload = reader.ReadBytes((int)length);
            switch (tag)
            {
                case "TRNR":
                    using (var r = new BinaryReader(new MemoryStream(payload, writable: false)))
                    {
                        state = TrainerState.Read(r);
                    }

                    break;
                case "HIST": history = payload; break;
                case "WGHT": weights = payload; break;
                case "OPTS": optimizer = payload; break;
                case "BEST": best = payload; break;
                default: break; // a section of a later writer: skipped
            }
        }

        if (state is null || weights is null || optimizer is null)
        {
            throw new InvalidDataException("a required section (TRNR, WGHT or OPTS) is missing.");
        }

        if (history is not null)
        {
            using var r = new BinaryReader(new MemoryStream(history, writable: false));
            state.ReadHistory(r, history.Length);
        }

        if (best is not null)
        {
            using var r = new BinaryReader(new MemoryStream(best, writable: false));
            int count = r.ReadInt32();
            if (count != state.ParameterCount || (long)count * sizeof(float) != best.Length - sizeof(int))
            {
                throw new InvalidDataException($"its best weights hold {count} values for a model of {state.ParameterCount} parameters.");
            }

            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = r.ReadSingle();
            }

            state.BestWeights = values;
        }

        return new CheckpointData(state, weights, optimizer);
    }

    private static void Section(Stream stream, BinaryWriter writer, string tag, Action<Stream> body)
    {
        writer.Write(System.Text.Encoding.ASCII.GetBytes(tag));
        writer.Flush();
        if (stream.CanSeek)
        {
            long lengthAt = stream.Position;
            writer.Write(0L);
            writer.Flush();
            long start = stream.Position;
            body(stream);
            stream.Flush();
            long end = stream.Position;
            stream.Position = lengthAt;
            writer.Write(end - start);
            writer.Flush();
            stream.Position = end;
        }
        else
        {
            using var buffer = new MemoryStream();
            body(buffer);
            writer.Write(buffer.Length);
            writer.Flush();
            buffer.Position = 0;
            buffer.CopyTo(stream);
        }
    }
}
