using System.Collections.Generic;
using System.Linq;
using RnnGen.Training;
using ScottPlot;

namespace TrainSequenceSample;

/// <summary>Draws the loss curves of a run as a PNG.</summary>
internal static class LossPlot
{
    /// <summary>
    /// Saves the per-step training loss (thin), the mean training loss of each epoch, the validation
    /// loss and the validation accuracy (right axis) against the epoch.
    /// </summary>
    public static void Save(string path, IReadOnlyList<EpochSummary> history, IReadOnlyList<(double Epoch, double Loss)> steps)
    {
        var plot = new Plot();
        plot.Title($"BinaryAdder: a GRU learning to add {BinaryAddition.Bits}-bit numbers");
        plot.XLabel("epoch");
        plot.YLabel("cross-entropy loss");

        if (steps.Count > 0)
        {
            var perStep = plot.Add.ScatterLine(steps.Select(s => s.Epoch).ToArray(), steps.Select(s => s.Loss).ToArray());
            perStep.LegendText = "training loss per step";
            perStep.Color = Colors.Blue.WithAlpha(0.25);
            perStep.LineWidth = 1;
        }

        double[] epochs = history.Select(e => (double)e.Epoch).ToArray();
        var training = plot.Add.Scatter(epochs, history.Select(e => e.TrainingLoss).ToArray());
        training.LegendText = "training loss (epoch mean)";
        training.Color = Colors.Blue;
        training.LineWidth = 2;

        if (history.All(e => e.ValidationLoss is not null))
        {
            var validation = plot.Add.Scatter(epochs, history.Select(e => e.ValidationLoss!.Value).ToArray());
            validation.LegendText = "validation loss";
            validation.Color = Colors.OrangeRed;
            validation.LineWidth = 2;
        }

        if (history.All(e => e.ValidationAccuracy is not null))
        {
            var accuracy = plot.Add.Scatter(epochs, history.Select(e => 100 * e.ValidationAccuracy!.Value).ToArray());
            accuracy.LegendText = "validation accuracy per bit (%)";
            accuracy.Color = Colors.Green;
            accuracy.LinePattern = LinePattern.Dashed;
            accuracy.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "accuracy (%)";
            plot.Axes.SetLimitsY(0, 101, plot.Axes.Right);
        }

        plot.Axes.AutoScale();
        double top = history.Select(e => System.Math.Max(e.TrainingLoss, e.ValidationLoss ?? 0)).Concat(steps.Select(s => s.Loss)).Max();
        plot.Axes.SetLimitsY(0, top * 1.05, plot.Axes.Left);
        plot.Axes.SetLimitsX(0, history.Count == 0 ? 1 : history[^1].Epoch);
        plot.ShowLegend(Alignment.MiddleRight);
        plot.SavePng(path, 900, 540);
    }
}
