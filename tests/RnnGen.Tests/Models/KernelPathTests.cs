using System;
using System.Runtime.Intrinsics;
using RnnGen.Kernels;
using Xunit;

namespace RnnGen.Tests.Models;

/// <summary>
/// Which SIMD width the kernels run with. CI runs the PyTorch fixture tests again with
/// intrinsics switched off (<c>DOTNET_EnableHWIntrinsic=0</c>, expecting 0) and with AVX2 and
/// AVX-512 off (expecting 128), setting <c>RNNGEN_EXPECT_VECTOR_BITS</c>, so that the fallback
/// paths are known to be the ones that produced those results.
/// </summary>
public sealed class KernelPathTests
{
    [Fact]
    public void VectorBits_MatchesTheRuntime_AndWhatTheRunExpects()
    {
        int bits = Blas.VectorBits;
        Assert.Contains(bits, new[] { 0, 128, 256, 512 });
        // A wider width is only ever accelerated together with the narrower ones.
        if (bits >= 256) Assert.True(Vector128.IsHardwareAccelerated);
        if (bits == 512) Assert.True(Vector256.IsHardwareAccelerated);
        if (bits == 0) Assert.False(Vector128.IsHardwareAccelerated);

        string? expected = Environment.GetEnvironmentVariable("RNNGEN_EXPECT_VECTOR_BITS");
        if (!string.IsNullOrEmpty(expected))
        {
            Assert.Equal(int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), bits);
        }
    }
}
