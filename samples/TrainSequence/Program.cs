using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using RnnGen.Initialization;
using RnnGen.Training;
using Spectre.Console;
using TrainSequenceSample;

// Trains a GRU from scratch to add two binary numbers bit by bit, with RnnGen's training loop.
// Usage: dotnet run --project samples/TrainSequence [-- --epochs N] [--resume] [--out DIR] [--plain]

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(Options.Usage);
    return 0;
}

string outDirectory = Path.GetFullPath(options.OutDirectory);
Directory.CreateDirectory(outDirectory);
string checkpointPath = Path.Combine(outDirectory, "adder.ckpt");
string weightsPath = Path.Combine(outDirectory, "adder.safetensors");
string plotPath = Path.Combine(outDirectory, "loss.png");

bool interactive = !options.Plain && AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
var total = Stopwatch.StartNew();

// Data: 2,000 random pairs of 12-bit numbers (of 16.7 million); 10% of them held out for validation.
var (training, validation) = BinaryAddition.Dataset(2000, seed: 2024).Split(0.1, seed: 1);

var model = new BinaryAdder(seed: 1);
var optimizer = new Adam(learningRate: 0.005f) { MaxGradientNorm = 1f };
var trainerOptions = new TrainerOptions
{
    Epochs = options.Epochs,
    Seed = 7,
    CheckpointPath = checkpointPath,
    EarlyStoppingPatience = 5,
    ProgressInterval = TimeSpan.Zero, // every step: the sink below records the per-step loss curve
};
var trainer = new Trainer<float, int>(model, optimizer, trainerOptions);

AnsiConsole.MarkupLine($"[bold]RnnGen sample[/]: a GRU ({BinaryAdder.ParameterCount:N0} parameters) learns to add {BinaryAddition.Bits}-bit numbers bit by bit.");
AnsiConsole.MarkupLine($"{training.Count:N0} training + {validation.Count:N0} validation sequences of {BinaryAdder.Steps} steps, batch {BinaryAdder.BatchSize}, Adam lr {optimizer.LearningRate}.");
if (options.Resume && File.Exists(checkpointPath))
{
    trainer.Resume(checkpointPath);
    AnsiConsole.MarkupLine($"Resumed from [blue]{Markup.Escape(checkpointPath)}[/] after {trainer.EpochsCompleted} epochs ({trainer.GlobalStep:N0} steps).");
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop cleanly between two steps; a checkpoint is written
    cancellation.Cancel();
};

var stepLosses = new List<(double Epoch, double Loss)>();
void Record(TrainingProgress p)
{
    if (p.Kind == TrainingProgressKind.Step && float.IsFinite(p.LastLoss))
    {
        stepLosses.Add(((p.Epoch - 1) + ((double)p.Step / p.StepsPerEpoch), p.LastLoss));
    }
}

TrainingResult result = interactive
    ? ConsoleProgress.RunLive(trainer, training, validation, Record, cancellation.Token)
    : ConsoleProgress.RunPlain(trainer, training, validation, Record, cancellation.Token);

AnsiConsole.WriteLine();
string outcome = result.StopReason switch
{
    TrainingStopReason.Completed => $"Finished {result.EpochsCompleted} epochs",
    TrainingStopReason.EarlyStopped => $"Stopped early after {result.EpochsCompleted} epochs (no improvement for {trainerOptions.EarlyStoppingPatience}); weights of epoch {result.BestEpoch} restored",
    TrainingStopReason.Cancelled => $"Cancelled in epoch {trainer.EpochsCompleted + 1} (checkpoint written; run again with --resume to continue)",
    _ => "Stopped: too many non-finite losses",
};
AnsiConsole.MarkupLine($"[bold]{Markup.Escape(outcome)}[/]: {result.Steps:N0} steps in all, this run took {result.Elapsed.TotalSeconds:F1} s.");

model.SaveSafetensors(weightsPath);
if (result.History.Count > 0)
{
    LossPlot.Save(plotPath, result.History, stepLosses);
}

AnsiConsole.MarkupLine($"Checkpoint (weights + optimizer state + position): [blue]{Markup.Escape(checkpointPath)}[/]");
AnsiConsole.MarkupLine($"Weights (safetensors, PyTorch names):              [blue]{Markup.Escape(weightsPath)}[/]");
if (result.History.Count > 0)
{
    AnsiConsole.MarkupLine($"Loss curve:                                        [blue]{Markup.Escape(plotPath)}[/]");
}

// What the trained model does, on pairs that are not in the training set.
var seen = new HashSet<(int, int)>();
for (int i = 0; i < training.Count; i++)
{
    seen.Add(BinaryAddition.Decode(training.GetInput(i)));
}

var rng = new RnnRandom(99);
var pairs = new (int A, int B)[2000];
for (int i = 0; i < pairs.Length; i++)
{
    do
    {
        pairs[i] = (rng.NextInt(BinaryAddition.Limit), rng.NextInt(BinaryAddition.Limit));
    }
    while (seen.Contains(pairs[i]));
}

pairs[0] = (BinaryAddition.Limit - 1, BinaryAddition.Limit - 1); // every step carries
pairs[1] = (1, (BinaryAddition.Limit / 2) - 1);
pairs[2] = (0, 0);
var sums = new int[pairs.Length];
BinaryAddition.Add(model, pairs, sums);
int exact = pairs.Where((p, i) => p.A + p.B == sums[i]).Count();

AnsiConsole.WriteLine();
var table = new Table().Border(TableBorder.Rounded).Title("The trained model adding numbers it has never seen");
table.AddColumn(new TableColumn("a").RightAligned());
table.AddColumn(new TableColumn("b").RightAligned());
table.AddColumn(new TableColumn("model's sum").RightAligned());
table.AddColumn(new TableColumn("in decimal").RightAligned());
table.AddColumn(new TableColumn(""));
for (int i = 0; i < 8; i++)
{
    var (a, b) = pairs[i];
    bool right = a + b == sums[i];
    table.AddRow(
        BinaryAddition.ToBinary(a, BinaryAddition.Bits),
        BinaryAddition.ToBinary(b, BinaryAddition.Bits),
        BinaryAddition.ToBinary(sums[i], BinaryAddition.Bits + 1),
        $"{a} + {b} = {sums[i]}",
        right ? "[green]right[/]" : $"[red]wrong, {a + b}[/]");
}

AnsiConsole.Write(table);
AnsiConsole.MarkupLine($"Exact sums on {pairs.Length:N0} random pairs not in the training set: [bold]{exact:N0}[/] ({100.0 * exact / pairs.Length:F1}%).");
AnsiConsole.MarkupLine($"Total time {total.Elapsed.TotalSeconds:F1} s.");
return 0;

/// <summary>Command-line options.</summary>
internal sealed class Options
{
    public const string Usage = "usage: TrainSequence [--epochs N] [--resume] [--out DIR] [--plain]\n" +
        "  --epochs N  epochs to train for (default 25; early stopping may end sooner)\n" +
        "  --resume    continue from out/adder.ckpt when it exists (after Ctrl+C, or with more epochs)\n" +
        "  --out DIR   where the checkpoint, weights and loss curve go (default: out)\n" +
        "  --plain     plain progress lines instead of the live progress bar";

    public int Epochs { get; private set; } = 25;

    public bool Resume { get; private set; }

    public bool Plain { get; private set; }

    public bool Help { get; private set; }

    public string OutDirectory { get; private set; } = "out";

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--epochs" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int epochs) && epochs > 0:
                    o.Epochs = epochs;
                    i++;
                    break;
                case "--resume":
                    o.Resume = true;
                    break;
                case "--plain":
                    o.Plain = true;
                    break;
                case "--out" when i + 1 < args.Length:
                    o.OutDirectory = args[++i];
                    break;
                case "-h" or "--help":
                    o.Help = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown or incomplete option '{args[i]}'.");
            }
        }

        return o;
    }
}
