using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>
/// The optimizers against torch.optim: tests/RnnGen.Tests/Fixtures/Training/optimizers.safetensors
/// (three steps of each configuration applied to the same gradients) and the one-step
/// <c>__adam__</c>, <c>__sgd__</c> and <c>__adam_clip__</c> tensors of every model fixture.
/// Tolerance: |actual − expected| ≤ 1e-6 · max(1, |expected|).
/// </summary>
public sealed class TorchOptimizerTests
{
    private const double Tolerance = 1e-6;
    private const int Steps = 3;

    private readonly ITestOutputHelper _output;

    public TorchOptimizerTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public static IEnumerable<object[]> Configurations() => TrainingFixtures.ConfigurationNames.Select(n => new object[] { n });

    public static IEnumerable<object[]> ModelFixtures() => TrainingFixtures.ModelFixtureNames();

    [Fact]
    public void EveryConfigurationInTheFixtureIsTested()
    {
        var file = FloatTensors.Read(TrainingFixtures.OptimizerFixture);
        var configs = file.Metadata.Keys.Where(k => k is not ("description" or "seed" or "torch")).OrderBy(k => k, StringComparer.Ordinal);
        Assert.Equal(configs, TrainingFixtures.ConfigurationNames.OrderBy(k => k, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void ThreeStepsMatchPyTorch(string config)
    {
        var file = FloatTensors.Read(TrainingFixtures.OptimizerFixture);
        Optimizer optimizer = TrainingFixtures.CreateConfiguration(config);
        float[] parameters = file["initial"].ToArray();
        var errors = new ErrorTracker();
        for (int step = 1; step <= Steps; step++)
        {
            float[] gradients = file[$"grad.step{step}"].ToArray();
            float[] original = gradients.ToArray();
            Assert.True(optimizer.Step(parameters, gradients));
            Assert.Equal(step, optimizer.StepCount);
            errors.Add(file[$"{config}.step{step}"], parameters, $"{config}.step{step}");

            if (file.Contains($"{config}.grad.step{step}"))
            {
                // Clipping modifies the gradient buffer in place, as PyTorch's clip functions do.
                errors.Add(file[$"{config}.grad.step{step}"], gradients, $"{config}.grad.step{step}");
            }
            else
            {
                Assert.Equal(original, gradients);
            }

            if (file.Contains($"{config}.norm.step{step}"))
            {
                errors.Add(file[$"{config}.norm.step{step}"], new[] { optimizer.LastGradientNorm }, $"{config}.norm.step{step}");
            }
        }

        _output.WriteLine($"{config} ({file.Metadata[config]}): max abs {errors.MaxAbsolute:E2}, max rel {errors.MaxRelative:E2}, max pure rel {errors.MaxPureRelative:E2} at {errors.Worst}");
        Assert.True(errors.MaxRelative <= Tolerance, $"{config}: {errors.Worst} (error {errors.MaxRelative:E2})");
    }

    [Fact]
    public void ClipGradNormLeavesTheLastSmallGradientAlone()
    {
        // The third gradient's norm is below 0.5: clip_grad_norm_ does not scale it.
        var file = FloatTensors.Read(TrainingFixtures.OptimizerFixture);
        Assert.True(file["adam_clip.norm.step3"][0] < 0.5f);
        Assert.Equal(file["grad.step3"], file["adam_clip.grad.step3"]);
        Assert.True(file["adam_clip.norm.step1"][0] > 0.5f);
    }

    [Theory]
    [MemberData(nameof(ModelFixtures))]
    public void OneStepOnEveryModelFixtureMatchesPyTorch(string fixture)
    {
        var file = FloatTensors.Read(Path.Combine(TrainingFixtures.ModelFixtureDirectory, fixture + ".safetensors"));
        string[] keys = file.Names.Where(n => !n.StartsWith("__", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(keys);
        float[] parameters = Concat(keys, k => file[k]);
        float[] gradients = Concat(keys, k => file["__grad__." + k]);

        var errors = new ErrorTracker();
        foreach ((string prefix, Optimizer optimizer) in new (string, Optimizer)[]
        {
            ("__adam__.", new Adam(0.01f)),
            ("__sgd__.", new Sgd(0.1f, momentum: 0.9f)),
            ("__adam_clip__.", new Adam(0.01f) { MaxGradientNorm = 0.5f }),
        })
        {
            float[] p = parameters.ToArray();
            float[] g = gradients.ToArray();
            Assert.True(optimizer.Step(p, g));
            errors.Add(Concat(keys, k => file[prefix + k]), p, prefix + "*");
        }

        _output.WriteLine($"{fixture}: {parameters.Length} parameters, max abs {errors.MaxAbsolute:E2}, max rel {errors.MaxRelative:E2}, max pure rel {errors.MaxPureRelative:E2} at {errors.Worst}");
        Assert.True(errors.MaxRelative <= Tolerance, $"{fixture}: {errors.Worst} (error {errors.MaxRelative:E2})");
    }

    [Fact]
    public void ReportsTheLargestErrorAgainstPyTorch()
    {
        // Informational summary over every reference value (see the test output).
        var all = new ErrorTracker();
        var optimizers = FloatTensors.Read(TrainingFixtures.OptimizerFixture);
        foreach (string config in TrainingFixtures.ConfigurationNames)
        {
            Optimizer optimizer = TrainingFixtures.CreateConfiguration(config);
            float[] p = optimizers["initial"].ToArray();
            for (int step = 1; step <= Steps; step++)
            {
                float[] g = optimizers[$"grad.step{step}"].ToArray();
                optimizer.Step(p, g);
                all.Add(optimizers[$"{config}.step{step}"], p, $"{config}.step{step}");
            }
        }

        int count = 0;
        foreach (object[] row in ModelFixtures())
        {
            string fixture = (string)row[0];
            var file = FloatTensors.Read(Path.Combine(TrainingFixtures.ModelFixtureDirectory, fixture + ".safetensors"));
            string[] keys = file.Names.Where(n => !n.StartsWith("__", StringComparison.Ordinal)).ToArray();
            foreach ((string prefix, Optimizer optimizer) in new (string, Optimizer)[]
            {
                ("__adam__.", new Adam(0.01f)),
                ("__sgd__.", new Sgd(0.1f, momentum: 0.9f)),
                ("__adam_clip__.", new Adam(0.01f) { MaxGradientNorm = 0.5f }),
            })
            {
                float[] p = Concat(keys, k => file[k]);
                float[] g = Concat(keys, k => file["__grad__." + k]);
                optimizer.Step(p, g);
                all.Add(Concat(keys, k => file[prefix + k]), p, fixture + " " + prefix + "*");
                count += p.Length;
            }
        }

        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"overall: max abs {all.MaxAbsolute:E3}, max rel (to max(1,|e|)) {all.MaxRelative:E3}, max pure rel {all.MaxPureRelative:E3}; worst {all.Worst}; {count} model-fixture values"));
        Assert.True(all.MaxRelative <= Tolerance);
    }

    private static float[] Concat(string[] keys, Func<string, float[]> tensor)
        => keys.SelectMany(tensor).ToArray();
}
