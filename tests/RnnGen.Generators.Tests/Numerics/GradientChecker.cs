using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using RnnGen.Generators.Tests.Infrastructure;
using RnnGen.Generators.Tests.Reference;

namespace RnnGen.Generators.Tests.Numerics;

/// <summary>One model of a gradient check: its class name, description and seed (weights, input and targets).</summary>
public sealed record GradientModel(string ClassName, ModelConfig Config, int Seed)
{
    /// <summary>
    /// The description the reference runs, when it is not <see cref="Config"/> (only to prove
    /// that the check notices a difference).
    /// </summary>
    public ModelConfig? ReferenceConfig { get; init; }

    /// <summary>
    /// A change to one generated gradient element (a tensor name, or "input") before the
    /// comparison (only to prove that the check notices it).
    /// </summary>
    public (string Tensor, int Index, float Delta)? Tamper { get; init; }
}

/// <summary>The outcome of a gradient check.</summary>
public sealed class GradientReport
{
    /// <summary>One message per failing model.</summary>
    public List<string> Failures { get; } = new();

    /// <summary>
    /// Per kind of tensor (the owning layer's cell: rnn-tanh, rnn-relu, gru-after, gru-before,
    /// lstm; or dense, embedding, input), the largest |generated − finite difference| / max(1, |fd|).
    /// </summary>
    public SortedDictionary<string, double> LargestByKind { get; } = new(StringComparer.Ordinal);

    /// <summary>Where each of <see cref="LargestByKind"/> was found.</summary>
    public Dictionary<string, string> LargestAtByKind { get; } = new(StringComparer.Ordinal);

    /// <summary>Gradient components compared, per kind.</summary>
    public SortedDictionary<string, long> ComponentsByKind { get; } = new(StringComparer.Ordinal);

    /// <summary>The largest |generated loss − reference loss| / max(1, |reference loss|).</summary>
    public double LargestLossError { get; set; }

    /// <summary>Models checked.</summary>
    public int Models { get; set; }

    /// <summary>Components whose ±h perturbation crossed a ReLU kink even at h / 100 (not compared).</summary>
    public long SkippedAtKinks { get; set; }

    /// <summary>Components that crossed a ReLU kink at h but not at h / 100 (compared at h / 100).</summary>
    public long RetriedAtKinks { get; set; }

    /// <summary>Time spent generating and compiling.</summary>
    public TimeSpan CompileTime { get; set; }

    /// <summary>Time spent running the models and the finite differences.</summary>
    public TimeSpan RunTime { get; set; }

    /// <summary>One line: counts, times, the loss agreement and the largest error per kind.</summary>
    public string Summary()
    {
        string kinds = string.Join(", ", LargestByKind.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:G3} ({ComponentsByKind[p.Key]})")));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Models} models, {ComponentsByKind.Values.Sum()} gradient components; compile {CompileTime.TotalSeconds:F1} s, run {RunTime.TotalSeconds:F1} s; largest loss error {LargestLossError:G3}; ReLU kinks: {RetriedAtKinks} retried at h/100, {SkippedAtKinks} skipped; largest |gen − fd| / max(1, |fd|) by kind: {kinds}");
    }

    internal void Merge(GradientReport other)
    {
        Failures.AddRange(other.Failures);
        foreach (var (kind, value) in other.LargestByKind)
        {
            if (!LargestByKind.TryGetValue(kind, out var current) || value > current)
            {
                LargestByKind[kind] = value;
                LargestAtByKind[kind] = other.LargestAtByKind[kind];
            }
        }

        foreach (var (kind, count) in other.ComponentsByKind)
        {
            ComponentsByKind[kind] = ComponentsByKind.GetValueOrDefault(kind) + count;
        }

        LargestLossError = Math.Max(LargestLossError, other.LargestLossError);
        Models += other.Models;
        SkippedAtKinks += other.SkippedAtKinks;
        RetriedAtKinks += other.RetriedAtKinks;
    }

    internal void Observe(string kind, double error, Func<string> at)
    {
        ComponentsByKind[kind] = ComponentsByKind.GetValueOrDefault(kind) + 1;
        if (!LargestByKind.TryGetValue(kind, out var current) || error > current || double.IsNaN(error))
        {
            LargestByKind[kind] = double.IsNaN(error) ? double.PositiveInfinity : error;
            LargestAtByKind[kind] = at();
        }
    }
}

/// <summary>
/// Compiles a batch of models with the generator (one compilation, each model with its entry
/// class), runs the generated <c>ComputeGradients</c> on the model's own initialization with
/// random input and targets, and compares the returned loss with <see cref="ReferenceModel.Loss(ModelConfig, Func{string, float[]}, Array, Array)"/>
/// and every element of every <c>Gradient(name)</c> (and the input gradient of float-input
/// models) with central differences of the double-precision reference loss.
/// </summary>
/// <remarks>
/// This check is independent of the generator: the finite differences (<see cref="FiniteDifferences"/>)
/// differentiate a separate plain-loop model in double precision, the generated code is analytic
/// back-propagation through time in float.
/// </remarks>
public static class GradientChecker
{
    /// <summary>The namespace the models are declared in.</summary>
    public const string Namespace = "GradientSweep";

    /// <summary>The relative part of the gradient tolerance: |gen − fd| ≤ 1e-4 · max(1, |fd|) + <see cref="Floor"/>.</summary>
    public const double Relative = 1e-4;

    /// <summary>
    /// The absolute floor of the gradient tolerance. The generated gradient is a float32 sum of
    /// up to a few thousand products (batch × steps × gate rows); with terms of order one that
    /// cancel, its rounding error is a few float32 ulps of one (1.2e-7 each) times √terms, about
    /// 1e-6 at worst. This floor covers that, and is dominated by 1e-4 · max(1, |fd|) anyway.
    /// </summary>
    public const double Floor = 1e-6;

    /// <summary>The loss tolerance: |gen − ref| ≤ 1e-5 · max(1, |ref|).</summary>
    public const double LossTolerance = 1e-5;

    private const int MaxReportedComponents = 6;

    /// <summary>Generates, compiles, loads and checks <paramref name="models"/>.</summary>
    public static GradientReport Check(IReadOnlyList<GradientModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var report = new GradientReport();
        using var culture = CultureScope.EnterNonAsciiMinus();
        var clock = Stopwatch.StartNew();
        var sources = new List<(string, string)>();
        foreach (var model in models)
        {
            var config = model.Config;
            sources.Add(("Models/" + model.ClassName + ".cs", config.ToCSharp(model.ClassName, Namespace)));
            sources.Add(("Entries/" + model.ClassName + "_Entry.cs", ModelEntryPoint.Source(
                Namespace, model.ClassName, config.UsesEmbedding, config.Mode != SequenceMode.ManyToOne, classTargets: config.EffectiveLoss == LossKind.CrossEntropy)));
        }

        LoadedAssembly loaded;
        try
        {
            loaded = GeneratorHarness.Run(sources).CompileAndLoad();
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
            // Models are independent: check them in parallel, each into its own report.
            var parts = new GradientReport[models.Count];
            Parallel.For(0, models.Count, i =>
            {
                var part = new GradientReport();
                try
                {
                    CheckOne(loaded, models[i], part);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    part.Failures.Add(Header(models[i]) + " threw " + e.GetType().Name + ": " + e.Message + "\n" + models[i].Config.ToCSharp(models[i].ClassName, Namespace));
                }

                part.Models = 1;
                parts[i] = part;
            });

            foreach (var part in parts)
            {
                report.Merge(part);
            }
        }

        report.RunTime = clock.Elapsed;
        return report;
    }

    private static string Header(GradientModel model) =>
        $"{Namespace}.{model.ClassName} (seed {model.Seed.ToString(CultureInfo.InvariantCulture)}, loss {model.Config.EffectiveLoss})";

    /// <summary>The kind a tensor is reported under: its layer's cell, dense or embedding.</summary>
    private static string KindOf(ModelConfig config, string tensor)
    {
        string layer = tensor[..tensor.IndexOf('.', StringComparison.Ordinal)];
        return config.Layers.First(l => l.Name == layer) switch
        {
            RecurrentLayerConfig r => GradientSweepConfigs.CellName(r),
            DenseLayerConfig => "dense",
            _ => "embedding",
        };
    }

    private static void CheckOne(LoadedAssembly loaded, GradientModel model, GradientReport report)
    {
        var config = model.Config;
        var entry = new ModelEntry(loaded, Namespace, model.ClassName);
        var random = new Random(model.Seed);
        var problems = new List<string>();

        Array input = config.UsesEmbedding
            ? Enumerable.Range(0, config.InputLength).Select(_ => random.Next(((EmbeddingLayerConfig)config.Layers[0]).VocabularySize)).ToArray()
            : Enumerable.Range(0, config.InputLength).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        Array targets = RandomTargets(config, random);

        int targetLength = entry.TargetLength();
        if (targetLength != config.TargetLength)
        {
            problems.Add($"TargetLength is {targetLength.ToString(CultureInfo.InvariantCulture)}, expected {config.TargetLength.ToString(CultureInfo.InvariantCulture)}.");
        }

        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var gradients = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var inputGradients = new float[config.UsesEmbedding ? 0 : config.InputLength];
        var buffer = new float[config.ParameterCount];
        float loss = entry.Gradients(model.Seed, input, targets, tensors, gradients, inputGradients, buffer);

        var specs = config.ParameterTensors();
        var names = entry.Names();
        if (!names.SequenceEqual(specs.Select(s => s.Name), StringComparer.Ordinal))
        {
            problems.Add($"ParameterNames [{string.Join(", ", names)}], expected [{string.Join(", ", specs.Select(s => s.Name))}].");
        }
        else
        {
            foreach (var spec in specs)
            {
                if (gradients[spec.Name].Length != spec.Length)
                {
                    problems.Add($"Gradient(\"{spec.Name}\") has {gradients[spec.Name].Length.ToString(CultureInfo.InvariantCulture)} elements, expected {spec}.");
                }
            }

            if (!buffer.AsSpan().SequenceEqual(names.SelectMany(n => gradients[n]).ToArray()))
            {
                problems.Add("Gradients is not the concatenation of Gradient(name) in ParameterNames order.");
            }
        }

        if (problems.Count > 0)
        {
            report.Failures.Add(Header(model) + ":\n  " + string.Join("\n  ", problems) + "\n" + config.ToCSharp(model.ClassName, Namespace));
            return;
        }

        if (model.Tamper is var (tamperedTensor, tamperedIndex, delta))
        {
            (tamperedTensor == "input" ? inputGradients : gradients[tamperedTensor])[tamperedIndex] += delta;
        }

        // The loss, against the reference on the very same float32 parameters.
        var oracle = model.ReferenceConfig ?? config;
        double referenceLoss = ReferenceModel.Loss(oracle, n => tensors[n], input, targets);
        double lossError = Math.Abs(loss - referenceLoss) / Math.Max(1, Math.Abs(referenceLoss));
        report.LargestLossError = Math.Max(report.LargestLossError, double.IsNaN(lossError) ? double.PositiveInfinity : lossError);
        if (!(lossError <= LossTolerance))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"loss: generated {loss:R}, reference {referenceLoss:R} (error {lossError:G3})."));
        }

        // Every parameter element, then every input element, by central differences of the reference loss.
        var values = tensors.ToDictionary(p => p.Key, p => Array.ConvertAll(p.Value, v => (double)v), StringComparer.Ordinal);
        double[]? features = input is float[] f ? Array.ConvertAll(f, v => (double)v) : null;
        var failing = new List<string>();
        int failingCount = 0;

        void Compare(string kind, string what, double[] array, int index, float generated)
        {
            var difference = FiniteDifferences.Of(oracle, n => values[n], features is null ? input : features, targets, array, index);
            if (difference.Skipped)
            {
                report.SkippedAtKinks++;
                return;
            }

            if (difference.Retried)
            {
                report.RetriedAtKinks++;
            }

            double fd = difference.Value;
            double error = Math.Abs(generated - fd);
            double scale = Math.Max(1, Math.Abs(fd));
            report.Observe(kind, error / scale, () => string.Create(CultureInfo.InvariantCulture, $"{Header(model)} {what}: generated {generated:R}, finite difference {fd:R}"));
            if (!(error <= (Relative * scale) + Floor))
            {
                failingCount++;
                if (failing.Count < MaxReportedComponents)
                {
                    failing.Add(string.Create(CultureInfo.InvariantCulture, $"{what}: generated {generated:R}, finite difference {fd:R} (h {difference.H:G3}), |diff| {error:G3}"));
                }
            }
        }

        foreach (var spec in specs)
        {
            string kind = KindOf(config, spec.Name);
            var array = values[spec.Name];
            var analytic = gradients[spec.Name];
            for (int i = 0; i < array.Length; i++)
            {
                Compare(kind, spec.Name + Index(spec.Shape, i), array, i, analytic[i]);
            }
        }

        if (features is not null)
        {
            int x = config.InputSize!.Value;
            for (int i = 0; i < features.Length; i++)
            {
                Compare("input", string.Create(CultureInfo.InvariantCulture, $"input [{i / (config.Steps * x)}, {i / x % config.Steps}, {i % x}]"), features, i, inputGradients[i]);
            }
        }

        if (failingCount > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{failingCount} gradient component(s) beyond {Relative:G3} · max(1, |fd|) + {Floor:G3}:\n    ") + string.Join("\n    ", failing));
        }

        if (problems.Count > 0)
        {
            report.Failures.Add(Header(model) + ":\n  " + string.Join("\n  ", problems) + "\n" + config.ToCSharp(model.ClassName, Namespace)
                + "Input: " + Describe(input) + "\nTargets: " + Describe(targets));
        }
    }

    private static Array RandomTargets(ModelConfig config, Random random)
    {
        int length = config.TargetLength;
        switch (config.EffectiveLoss)
        {
            case LossKind.CrossEntropy:
                return Enumerable.Range(0, length).Select(_ => random.Next(config.OutputSize)).ToArray();
            case LossKind.BinaryCrossEntropy:
                // Probabilities in [0, 1], with some hard labels.
                return Enumerable.Range(0, length).Select(_ =>
                {
                    double roll = random.NextDouble();
                    return roll < 0.1 ? 0f : roll < 0.2 ? 1f : (float)random.NextDouble();
                }).ToArray();
            default:
                bool unit = config.HeadActivation is Activation.Softmax or Activation.Sigmoid;
                return Enumerable.Range(0, length).Select(_ => unit ? (float)random.NextDouble() : (float)((random.NextDouble() * 2) - 1)).ToArray();
        }
    }

    private static string Index(int[] shape, int flat)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }

        return " [" + string.Join(", ", index.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]";
    }

    private static string Describe(Array values)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < values.Length; i++)
        {
            sb.Append(i == 0 ? "" : ", ").Append(values.GetValue(i) switch
            {
                float f => f.ToString("R", CultureInfo.InvariantCulture),
                int n => n.ToString(CultureInfo.InvariantCulture),
                var o => Convert.ToString(o, CultureInfo.InvariantCulture),
            });
        }

        return sb.Append(']').ToString();
    }
}
