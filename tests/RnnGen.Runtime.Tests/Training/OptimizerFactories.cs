using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>Optimizers in every interesting configuration, by name, for theories.</summary>
internal static class OptimizerFactories
{
    public static readonly Dictionary<string, Func<Optimizer>> All = new(StringComparer.Ordinal)
    {
        ["sgd"] = () => new Sgd(0.1f),
        ["sgd_momentum_dampening_wd"] = () => new Sgd(0.05f, momentum: 0.9f, dampening: 0.2f, weightDecay: 0.01f),
        ["sgd_nesterov_clipped"] = () => new Sgd(0.05f, momentum: 0.8f, nesterov: true) { MaxGradientNorm = 1f, ClipValue = 0.1f },
        ["adam"] = () => new Adam(0.01f),
        ["adam_wd_clipped_scheduled"] = () => new Adam(0.02f, weightDecay: 0.01f)
        {
            MaxGradientNorm = 0.5f,
            Schedule = new LinearWarmupSchedule(3, new CosineAnnealingSchedule(20, 1e-4f)),
        },
        ["adamw"] = () => new AdamW(0.01f),
        ["adamw_clipvalue_stepdecay"] = () => new AdamW(0.03f, beta1: 0.8f, beta2: 0.99f, epsilon: 1e-6f, weightDecay: 0.1f)
        {
            ClipValue = 0.2f,
            Schedule = new StepDecaySchedule(2, 0.5f),
        },
    };

    public static IEnumerable<object[]> Names() => All.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });
}
