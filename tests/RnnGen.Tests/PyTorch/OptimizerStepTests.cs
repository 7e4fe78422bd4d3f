using System;
using System.Collections.Generic;
using RnnGen.IO;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.PyTorch;

/// <summary>
/// One TrainStep against PyTorch: the parameters after one Adam step, one SGD-with-momentum
/// step, and clip_grad_norm_(0.5) followed by Adam, for every fixture.
/// </summary>
public sealed class OptimizerStepTests
{
    public static IEnumerable<object[]> Names() => PyTorchFixtureTests.Names();

    private static void TrainStep(IRnnModel model, SafetensorsFile file, IOptimizer optimizer)
    {
        var target = file["__target__"];
        switch (model)
        {
            case ITrainableRnnModel<int, int> m: m.TrainStep(GradientTests.Ids(file["__input__"]), GradientTests.Ids(target), optimizer); break;
            case ITrainableRnnModel<int, float> m: m.TrainStep(GradientTests.Ids(file["__input__"]), target.ToSingleArray(), optimizer); break;
            case ITrainableRnnModel<float, int> m: m.TrainStep(file["__input__"].ToSingleArray(), GradientTests.Ids(target), optimizer); break;
            case ITrainableRnnModel<float, float> m: m.TrainStep(file["__input__"].ToSingleArray(), target.ToSingleArray(), optimizer); break;
            default: throw new InvalidOperationException(model.GetType().Name);
        }
    }

    private static void Check(string fixture, string prefix, IOptimizer optimizer)
    {
        var (model, file) = PyTorchFixtureTests.Load(fixture);
        TrainStep(model, file, optimizer);
        foreach (var name in model.TensorNames)
        {
            PyTorchFixtureTests.AssertClose(file[prefix + name].ToSingleArray(), model.Parameter(name).ToArray(), $"{fixture} {prefix}{name}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void One_Adam_step_matches_PyTorch(string fixture) => Check(fixture, "__adam__.", new Adam(0.01f));

    [Theory]
    [MemberData(nameof(Names))]
    public void One_Sgd_momentum_step_matches_PyTorch(string fixture) => Check(fixture, "__sgd__.", new Sgd(0.1f, momentum: 0.9f));

    [Theory]
    [MemberData(nameof(Names))]
    public void Clip_grad_norm_then_Adam_matches_PyTorch(string fixture) => Check(fixture, "__adam_clip__.", new Adam(0.01f) { MaxGradientNorm = 0.5f });
}
