using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using RnnGen.Generators.Tests.Infrastructure;
using RnnGen.Generators.Tests.Reference;

namespace RnnGen.Generators.Tests.Numerics;

/// <summary>How a checked model gets its weights.</summary>
public enum WeightSource
{
    /// <summary>The model's own seeded initialization.</summary>
    Init,
    /// <summary>U(-a, a) values (a = <see cref="GeneratedModelChecker.ReplacementAmplitude"/>) written tensor by tensor through <c>Parameter(name)</c>.</summary>
    ByName,
    /// <summary>U(-a, a) values (a = <see cref="GeneratedModelChecker.ReplacementAmplitude"/>) written as one block through <c>Parameters</c>.</summary>
    Buffer,
}

/// <summary>One model of a sweep: its class name, description, seed and weight source.</summary>
public sealed record SweepModel(string ClassName, ModelConfig Config, int Seed, WeightSource Weights)
{
    /// <summary>
    /// The description the reference runs, when it is not <see cref="Config"/> (only to prove
    /// that the checker notices a difference).
    /// </summary>
    public ModelConfig? ReferenceConfig { get; init; }
}

/// <summary>The outcome of checking a batch of models.</summary>
public sealed class SweepReport
{
    /// <summary>One message per failing model.</summary>
    public List<string> Failures { get; } = new();

    /// <summary>max |gen − ref| / max(1, |ref|) over every element of every model checked.</summary>
    public double LargestRelativeError { get; set; }

    /// <summary>The largest relative error per weight source.</summary>
    public Dictionary<WeightSource, double> LargestByWeights { get; } = new();

    /// <summary>The model and element of <see cref="LargestRelativeError"/>.</summary>
    public string LargestAt { get; set; } = "";

    /// <summary>
    /// Diagnostics only, never a reason to pass or fail: the models whose output float32 rounding
    /// alone (the reference's own equations in sequential float arithmetic) moves by more than
    /// <see cref="GeneratedModelChecker.Tolerance"/>.
    /// </summary>
    public List<string> Notes { get; } = new();

    /// <summary>Diagnostics only: the largest relative effect of float32 rounding alone on any model's output.</summary>
    public double LargestRounding { get; set; }

    /// <summary>The model of <see cref="LargestRounding"/>.</summary>
    public string LargestRoundingAt { get; set; } = "";

    /// <summary>Models checked.</summary>
    public int Models { get; set; }

    /// <summary>Output elements compared.</summary>
    public long Elements { get; set; }

    /// <summary>Time spent generating and compiling.</summary>
    public TimeSpan CompileTime { get; set; }

    /// <summary>Time spent running models and the reference.</summary>
    public TimeSpan RunTime { get; set; }
}

/// <summary>
/// Compiles a batch of model declarations with the generator in one compilation (each with its
/// entry class) and compares every model with <see cref="ReferenceModel"/>: parameter names and
/// count, buffer order, and every output element within 1e-5 · max(1, |ref|), strictly.
/// </summary>
/// <remarks>
/// The replacement weights are small enough (<see cref="ReplacementAmplitude"/>) to keep every
/// sweep model well conditioned, so float32 arithmetic can meet 1e-5 everywhere. What float32
/// rounding alone does to each model is still measured, and printed as a diagnostic only.
/// </remarks>
public static class GeneratedModelChecker
{
    /// <summary>The namespace the sweep's models are declared in.</summary>
    public const string Namespace = "Sweep";

    /// <summary>Relative tolerance per element: |gen − ref| ≤ 1e-5 · max(1, |ref|).</summary>
    public const double Tolerance = 1e-5;

    /// <summary>
    /// The amplitude a of the U(-a, a) replacement weights of <see cref="WeightSource.ByName"/> and
    /// <see cref="WeightSource.Buffer"/>: larger than most initializations (U(±1/√H)), small enough
    /// that no sweep model amplifies float32 rounding past <see cref="Tolerance"/>.
    /// </summary>
    public const double ReplacementAmplitude = 0.35;

    /// <summary>Generates, compiles, loads and checks <paramref name="models"/>.</summary>
    public static SweepReport Check(IReadOnlyList<SweepModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var report = new SweepReport();
        using var culture = CultureScope.EnterNonAsciiMinus();
        var clock = Stopwatch.StartNew();
        var sources = new List<(string, string)>();
        foreach (var model in models)
        {
            sources.Add(("Models/" + model.ClassName + ".cs", model.Config.ToCSharp(model.ClassName, Namespace)));
            sources.Add(("Entries/" + model.ClassName + "_Entry.cs", ModelEntryPoint.Source(Namespace, model.ClassName, model.Config.UsesEmbedding, model.Config.Mode != SequenceMode.ManyToOne)));
        }

        var run = GeneratorHarness.Run(sources);
        LoadedAssembly loaded;
        try
        {
            loaded = run.CompileAndLoad();
        }
        catch (HarnessException e)
        {
            report.Failures.Add("The batch did not compile.\n" + e.Message + "\nModels:\n" + string.Join("\n", models.Select(m => m.ClassName + ": " + m.Config)));
            report.CompileTime = clock.Elapsed;
            return report;
        }

        report.CompileTime = clock.Elapsed;
        clock.Restart();
        using (loaded)
        {
            foreach (var model in models)
            {
                try
                {
                    CheckOne(loaded, model, report);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    report.Failures.Add(Header(model) + " threw " + e.GetType().Name + ": " + e.Message + "\n" + model.Config.ToCSharp(model.ClassName, Namespace));
                }

                report.Models++;
            }
        }

        report.RunTime = clock.Elapsed;
        return report;
    }

    private static string Header(SweepModel model) =>
        $"{Namespace}.{model.ClassName} (seed {model.Seed.ToString(CultureInfo.InvariantCulture)}, weights {model.Weights})";

    private static void CheckOne(LoadedAssembly loaded, SweepModel model, SweepReport report)
    {
        var config = model.Config;
        var entry = new ModelEntry(loaded, Namespace, model.ClassName);
        var problems = new List<string>();
        var specs = config.ParameterTensors();
        var specByName = specs.ToDictionary(s => s.Name, StringComparer.Ordinal);

        // Names, constants, shapes and buffer order.
        var names = entry.Names();
        var missing = specs.Select(s => s.Name).Except(names, StringComparer.Ordinal).ToList();
        var extra = names.Except(specs.Select(s => s.Name), StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0 || names.Length != specs.Count)
        {
            problems.Add($"ParameterNames differ: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", extra)}], {names.Length} names for {specs.Count} tensors.");
        }

        var constants = entry.Constants();
        void Constant(string what, int actual, int expected)
        {
            if (actual != expected)
            {
                problems.Add($"{what} is {actual.ToString(CultureInfo.InvariantCulture)}, expected {expected.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        if (!config.UsesEmbedding)
        {
            Constant("InputSize", constants[0], config.InputSize!.Value);
        }

        Constant("Steps", constants[1], config.Steps);
        Constant("OutputSize", constants[2], config.OutputSize);
        Constant("BatchSize", constants[3], config.BatchSize);
        Constant("ParameterCount", constants[4], config.ParameterCount);

        var random = new Random(model.Seed);
        Array input = config.UsesEmbedding
            ? Enumerable.Range(0, config.InputLength).Select(_ => random.Next(((EmbeddingLayerConfig)config.Layers[0]).VocabularySize)).ToArray()
            : Enumerable.Range(0, config.InputLength).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        float[] generated = entry.Run(model.Seed, input, tensors);
        foreach (var (name, values) in tensors)
        {
            if (specByName.TryGetValue(name, out var spec) && spec.Length != values.Length)
            {
                problems.Add($"Parameter(\"{name}\") has {values.Length.ToString(CultureInfo.InvariantCulture)} elements, expected {spec} = {spec.Length.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        var buffer = entry.Buffer(model.Seed);
        var concatenated = names.SelectMany(n => tensors[n]).ToArray();
        if (!buffer.AsSpan().SequenceEqual(concatenated))
        {
            problems.Add($"Parameters ({buffer.Length.ToString(CultureInfo.InvariantCulture)} floats) is not the concatenation of Parameter(name) in ParameterNames order ({concatenated.Length.ToString(CultureInfo.InvariantCulture)} floats).");
        }

        if (problems.Count > 0)
        {
            report.Failures.Add(Header(model) + ":\n  " + string.Join("\n  ", problems) + "\n" + config.ToCSharp(model.ClassName, Namespace));
            return;
        }

        // Weights: the model's init, or fresh U(-a, a) values written by name or as one block.
        if (model.Weights != WeightSource.Init)
        {
            var fresh = names.ToDictionary(n => n, n => Enumerable.Range(0, tensors[n].Length).Select(_ => (float)(((random.NextDouble() * 2) - 1) * ReplacementAmplitude)).ToArray(), StringComparer.Ordinal);
            generated = model.Weights == WeightSource.ByName
                ? entry.RunWithTensors(model.Seed, fresh, input)
                : entry.RunWithBuffer(model.Seed, names.SelectMany(n => fresh[n]).ToArray(), input);
            tensors = fresh;
        }

        var oracle = model.ReferenceConfig ?? config;
        var expected = ReferenceModel.Predict(oracle, n => tensors[n], input);
        var single = ReferenceModel.Predict(oracle, n => tensors[n], input, ReferencePrecision.Single);
        Compare(model, generated, expected, single, report);
    }

    private static void Compare(SweepModel model, float[] generated, double[] expected, double[] single, SweepReport report)
    {
        var config = model.Config;
        if (generated.Length != expected.Length)
        {
            report.Failures.Add($"{Header(model)}: output has {generated.Length} elements, reference {expected.Length}.\n{config.ToCSharp(model.ClassName, Namespace)}");
            return;
        }

        // Diagnostics only: how far float32 rounding alone moves this model's output (the same
        // equations in sequential float arithmetic, against the double oracle).
        double rounding = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            rounding = Math.Max(rounding, RelativeError(single[i], expected[i]));
        }

        if (rounding > report.LargestRounding)
        {
            report.LargestRounding = rounding;
            report.LargestRoundingAt = Header(model);
        }
        int bad = 0;
        int first = -1;
        double worst = 0;
        int worstAt = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = RelativeError(generated[i], expected[i]);
            if (error > worst)
            {
                worst = error;
                worstAt = i;
            }

            if (!(error <= Tolerance))
            {
                bad++;
                if (first < 0)
                {
                    first = i;
                }
            }
        }

        report.Elements += expected.Length;
        report.LargestByWeights[model.Weights] = Math.Max(worst, report.LargestByWeights.GetValueOrDefault(model.Weights));
        if (worst > report.LargestRelativeError)
        {
            report.LargestRelativeError = worst;
            report.LargestAt = $"{Header(model)} element {Index(config, worstAt)}";
        }

        string Describe(string verdict, int at)
        {
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"{Header(model)}: {verdict} (worst relative error {worst:G3} at {Index(config, worstAt)}; float32 rounding alone moves the output by up to {rounding:G3}).\n");
            sb.Append(CultureInfo.InvariantCulture, $"  at {Index(config, at)}: generated {generated[at]:R}, reference {expected[at]:R}, float32 reference {single[at]:R}\n");
            if (at != worstAt)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  at {Index(config, worstAt)}: generated {generated[worstAt]:R}, reference {expected[worstAt]:R}, float32 reference {single[worstAt]:R}\n");
            }

            sb.Append(config.ToCSharp(model.ClassName, Namespace));
            return sb.ToString();
        }

        if (bad > 0)
        {
            report.Failures.Add(Describe($"{bad} of {expected.Length} output elements differ", first));
        }
        else if (rounding > Tolerance)
        {
            report.Notes.Add(Describe("within 1e-5, though float32 rounding alone moves the reference by more (diagnostic)", worstAt));
        }
    }

    /// <summary>|actual − expected| / max(1, |expected|); NaN counts as infinitely wrong.</summary>
    private static double RelativeError(double actual, double expected)
    {
        double error = Math.Abs(actual - expected) / Math.Max(1, Math.Abs(expected));
        return double.IsNaN(error) ? double.PositiveInfinity : error;
    }

    /// <summary>A flat output index as [b, t, y] (ManyToMany) or [b, y] (ManyToOne).</summary>
    private static string Index(ModelConfig config, int flat)
    {
        int y = config.OutputSize;
        string text = config.Mode != SequenceMode.ManyToOne
            ? $"[{flat / (config.Steps * y)}, {flat / y % config.Steps}, {flat % y}]"
            : $"[{flat / y}, {flat % y}]";
        return flat.ToString(CultureInfo.InvariantCulture) + " " + text;
    }
}
