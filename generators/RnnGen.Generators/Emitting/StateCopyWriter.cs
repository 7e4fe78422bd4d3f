using System.Collections.Generic;
using RnnGen.Generators.Helpers;
using RnnGen.Generators.Lowering;

namespace RnnGen.Generators.Emitting;

/// <summary>
/// Writes the planned copies of states between activation regions (<see cref="StateCopy"/>: a
/// collapsing layer's final state, the encoder–decoder hand-over) and, for the backward pass,
/// the gradient flowing back along each copy. In scope: <c>a</c>, <c>d</c>, <c>B</c>.
/// </summary>
internal static class StateCopyWriter
{
    /// <summary>destination[b] = source[b] for every copy and batch row (zero for a row of length 0).</summary>
    public static void WriteCopies(SourceWriter w, IEnumerable<StateCopy> copies)
    {
        foreach (var c in copies)
        {
            w.Line($"// {c.What}");
            w.OpenBlock("for (int b = 0; b < B; b++)");
            w.Line("if (__lengths[b] == 0)");
            w.Line($"    a.Slice({Destination(c)}, {c.Length}).Clear();");
            w.Line("else");
            w.Line($"    a.Slice({Source(c)}, {c.Length}).CopyTo(a.Slice({Destination(c)}, {c.Length}));");
            w.CloseBlock();
        }
    }

    /// <summary>d(source)[b] += d(destination)[b]: the backward of <see cref="WriteCopies"/>.</summary>
    public static void WriteGradients(SourceWriter w, IEnumerable<StateCopy> copies)
    {
        foreach (var c in copies)
        {
            w.Line($"// forward: {c.What}   =>   d(source) += d(copy)");
            w.Line("for (int b = 0; b < B; b++)");
            w.Line("    if (__lengths[b] != 0)");
            w.Line($"        {Names.Elementwise}.Accumulate(d.Slice({Destination(c)}, {c.Length}), d.Slice({Source(c)}, {c.Length}));");
        }
    }

    private static string Source(StateCopy c) =>
        $"__A.{c.Source.Id}{Names.Plus(c.SourceOffset)}{(c.StepStride == 0 ? "" : $" + (__lengths[b] - 1) * {c.StepStride}")} + b * {c.SourceStride}";

    private static string Destination(StateCopy c) => $"__A.{c.Destination.Id}{Names.Plus(c.DestinationOffset)} + b * {c.DestinationStride}";
}
