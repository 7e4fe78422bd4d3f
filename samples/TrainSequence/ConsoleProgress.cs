using System;
using System.Threading;
using RnnGen.Training;
using Spectre.Console;

namespace TrainSequenceSample;

/// <summary>Shows training progress: a live Spectre.Console bar on a terminal, plain lines otherwise.</summary>
internal static class ConsoleProgress
{
    /// <summary>Trains with a live progress bar and one line per finished epoch.</summary>
    public static TrainingResult RunLive(
        Trainer<float, int> trainer,
        SequenceDataset<float, int> training,
        SequenceDataset<float, int> validation,
        Action<TrainingProgress> record,
        CancellationToken cancellationToken)
    {
        TrainingResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("starting", maxValue: 1);
                var sink = new Sink(p =>
                {
                    record(p);
                    task.Value = p.Fraction;
                    task.Description = Markup.Escape(Describe(p));
                    if (p.Kind == TrainingProgressKind.EpochEnd)
                    {
                        AnsiConsole.MarkupLine(Markup.Escape(EpochLine(p)));
                    }
                });
                result = trainer.Fit(training, validation, sink, cancellationToken);
                task.Value = task.MaxValue;
                task.StopTask();
            });
        return result!;
    }

    /// <summary>Trains printing plain lines: one per epoch, and one every few seconds in between (for logs and CI).</summary>
    public static TrainingResult RunPlain(
        Trainer<float, int> trainer,
        SequenceDataset<float, int> training,
        SequenceDataset<float, int> validation,
        Action<TrainingProgress> record,
        CancellationToken cancellationToken)
    {
        TimeSpan lastLine = TimeSpan.Zero;
        var sink = new Sink(p =>
        {
            record(p);
            if (p.Kind == TrainingProgressKind.EpochEnd)
            {
                Console.WriteLine(EpochLine(p));
                lastLine = p.Elapsed;
            }
            else if (p.Kind == TrainingProgressKind.Step && p.Elapsed - lastLine >= TimeSpan.FromSeconds(5))
            {
                Console.WriteLine("  " + Describe(p));
                lastLine = p.Elapsed;
            }
        });
        return trainer.Fit(training, validation, sink, cancellationToken);
    }

    private static string Describe(TrainingProgress p)
    {
        string accuracy = p.ValidationAccuracy is double a ? $" acc {100 * a:F1}%" : string.Empty;
        string skipped = p.SkippedSteps > 0 ? $" skipped {p.SkippedSteps}" : string.Empty;
        return $"epoch {p.Epoch}/{p.Epochs} loss {p.TrainingLoss:F4}{accuracy} {p.SequencesPerSecond:N0} seq/s{skipped}";
    }

    private static string EpochLine(TrainingProgress p)
    {
        string validation = p.ValidationLoss is double v ? $"  val loss {v:F4}" : string.Empty;
        string accuracy = p.ValidationAccuracy is double a ? $"  bit acc {100 * a:F2}%" : string.Empty;
        string eta = p.EstimatedRemaining is TimeSpan r ? $"  ETA {r.TotalSeconds:F0} s" : string.Empty;
        return $"epoch {p.Epoch,2}/{p.Epochs}  loss {p.TrainingLoss:F4}{validation}{accuracy}  {p.SequencesPerSecond:N0} seq/s{eta}";
    }

    /// <summary>Calls back synchronously on the training thread (unlike <see cref="Progress{T}"/>, which posts).</summary>
    private sealed class Sink : IProgress<TrainingProgress>
    {
        private readonly Action<TrainingProgress> _report;

        public Sink(Action<TrainingProgress> report) => _report = report;

        public void Report(TrainingProgress value) => _report(value);
    }
}
