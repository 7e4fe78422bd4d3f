using System.Numerics;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>
/// The update of an element does not depend on where it sits: a long buffer (vector body) gives
/// bit-for-bit the results of one-element buffers (scalar tail), so training is reproducible
/// whatever the machine's vector width. Run with DOTNET_EnableHWIntrinsic=0 for the scalar-only build.
/// </summary>
public sealed class VectorWidthTests
{
    private const int Length = 70;

    private readonly ITestOutputHelper _output;

    public VectorWidthTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Theory]
    [MemberData(nameof(OptimizerFactories.Names), MemberType = typeof(OptimizerFactories))]
    public void VectorBodyAndScalarTailAgreeBitForBit(string optimizerName)
    {
        _output.WriteLine($"Vector<float>.Count = {Vector<float>.Count}, accelerated: {Vector.IsHardwareAccelerated}");
        Optimizer whole = OptimizerFactories.All[optimizerName]();
        whole.MaxGradientNorm = null; // the norm is global; here every element must stand alone
        whole.Schedule = null;
        float[] parameters = TrainingFixtures.RandomValues(Length, 1);
        var single = new Optimizer[Length];
        var singleParameters = new float[Length][];
        for (int i = 0; i < Length; i++)
        {
            single[i] = OptimizerFactories.All[optimizerName]();
            single[i].MaxGradientNorm = null;
            single[i].Schedule = null;
            singleParameters[i] = new[] { parameters[i] };
        }

        for (int step = 0; step < 4; step++)
        {
            float[] gradients = TrainingFixtures.RandomValues(Length, 10 + step, 2f);
            for (int i = 0; i < Length; i++)
            {
                single[i].Step(singleParameters[i], new[] { gradients[i] });
            }

            whole.Step(parameters, gradients);
        }

        for (int i = 0; i < Length; i++)
        {
            Assert.Equal(singleParameters[i][0], parameters[i]);
        }
    }
}
