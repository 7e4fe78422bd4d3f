using System;
using System.Collections.Generic;
using System.Runtime.Intrinsics;
using RnnGen.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Runtime.Tests;

/// <summary>
/// Every Blas kernel against a naive double-precision loop, on random data, for many shapes
/// (including lengths that are not multiples of any vector width), strided rows, exact-length
/// spans whose last row is shorter than the stride, and cache-blocking boundaries. Gaps between
/// rows are filled with NaN: a kernel that reads them produces NaN, one that writes them
/// changes them, and both fail the comparison.
/// </summary>
public sealed class BlasTests
{
    private const double Tolerance = 1e-5;

    private readonly ITestOutputHelper _output;

    public BlasTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void ReportsTheVectorWidthsInUse()
    {
        // Informational: which paths this run exercises (run the suite with
        // DOTNET_EnableHWIntrinsic=0 / DOTNET_EnableAVX512F=0 / DOTNET_EnableAVX2=0 to cover the others).
        _output.WriteLine($"Vector512: {Vector512.IsHardwareAccelerated}, Vector256: {Vector256.IsHardwareAccelerated}, Vector128: {Vector128.IsHardwareAccelerated}");
    }

    public static IEnumerable<object[]> AllSmallShapes()
    {
        // Every m and k in 1..70 (rows 1..5 cycling, strides sometimes padded), split into groups
        // so a failure points at a narrow range.
        for (int kStart = 1; kStart <= 70; kStart += 10)
        {
            yield return new object[] { kStart, Math.Min(70, kStart + 9) };
        }
    }

    public static IEnumerable<object[]> WorkloadShapes() => new[]
    {
        // rows, m, k
        new object[] { 1, 512, 128 },   // W1 LSTM recurrent, B=1
        new object[] { 32, 512, 128 },  // W1 B=32
        new object[] { 1, 512, 65 },    // W1 input projection (one-hot as dense)
        new object[] { 32, 65, 128 },   // W1 head
        new object[] { 1, 768, 256 },   // W2 GRU recurrent, B=1
        new object[] { 32, 768, 256 },  // W2 B=32
        new object[] { 32, 768, 32 },   // W2 input projection
        new object[] { 32, 10, 256 },   // W2 head
        new object[] { 1, 32, 1 },      // W3 LSTM H=8 input
        new object[] { 1, 32, 8 },      // W3 LSTM H=8 recurrent
        new object[] { 1, 128, 32 },    // W3 LSTM H=32
        new object[] { 1, 256, 64 },    // W3 LSTM H=64
        new object[] { 1, 192, 64 },    // W3 GRU H=64
        new object[] { 16, 256, 4 },    // W4 input projection
        new object[] { 16, 256, 64 },   // W4 recurrent
        new object[] { 16, 3, 128 },    // W4 head
        new object[] { 1, 12, 4 },
        new object[] { 70, 20, 256 },   // several row blocks
        new object[] { 7, 5, 2731 },    // odd row-block size
        new object[] { 3, 300, 200 },   // several weight blocks in MatMulAdd
        new object[] { 5, 130, 17 },
        new object[] { 4, 9, 33 },
    };

    [Theory]
    [MemberData(nameof(AllSmallShapes))]
    public void MatMulTransposedAdd_MatchesNaive_AllSmallShapes(int kFirst, int kLast)
    {
        var rng = new Random(1000 + kFirst);
        for (int k = kFirst; k <= kLast; k++)
        {
            for (int m = 1; m <= 70; m++)
            {
                int rows = 1 + ((m + k) % 5);
                CheckMatMulTransposedAdd(rng, rows, m, k, Pad(k, m), Pad(m, k));
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllSmallShapes))]
    public void MatMulAdd_MatchesNaive_AllSmallShapes(int kFirst, int kLast)
    {
        var rng = new Random(2000 + kFirst);
        for (int k = kFirst; k <= kLast; k++)
        {
            for (int m = 1; m <= 70; m++)
            {
                int rows = 1 + ((m + 2 * k) % 5);
                CheckMatMulAdd(rng, rows, m, k, Pad(m, k), Pad(k, m));
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllSmallShapes))]
    public void OuterProductAdd_MatchesNaive_AllSmallShapes(int kFirst, int kLast)
    {
        var rng = new Random(3000 + kFirst);
        for (int k = kFirst; k <= kLast; k++)
        {
            for (int m = 1; m <= 70; m++)
            {
                int rows = 1 + ((2 * m + k) % 5);
                CheckOuterProductAdd(rng, rows, m, k, Pad(m, k), Pad(k, m));
            }
        }
    }

    [Fact]
    public void AllKernels_EveryRowCount_OnAwkwardShapes()
    {
        var rng = new Random(4);
        int[] sizes = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 47, 64, 65 };
        for (int rows = 1; rows <= 5; rows++)
        {
            foreach (int m in sizes)
            {
                foreach (int k in sizes)
                {
                    foreach (int padX in new[] { 0, 3 })
                    {
                        CheckMatMulTransposedAdd(rng, rows, m, k, k + padX, m + 1);
                        CheckMatMulAdd(rng, rows, m, k, m + padX, k + 2);
                        CheckOuterProductAdd(rng, rows, m, k, m + 1, k + padX);
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(WorkloadShapes))]
    public void AllKernels_MatchNaive_OnWorkloadShapes(int rows, int m, int k)
    {
        var rng = new Random(rows * 7919 + m * 31 + k);
        CheckMatMulTransposedAdd(rng, rows, m, k, k, m, longSum: true);
        CheckMatMulAdd(rng, rows, m, k, m, k, longSum: true);
        CheckOuterProductAdd(rng, rows, m, k, m, k, longSum: true);

        // The same with the strided layouts generated code uses (e.g. gates of a wider row).
        CheckMatMulTransposedAdd(rng, rows, m, k, k + 5, m + 3, longSum: true);
        CheckMatMulAdd(rng, rows, m, k, m + 4, k + 1, longSum: true);
        CheckOuterProductAdd(rng, rows, m, k, m + 2, k + 7, longSum: true);
    }

    [Fact]
    public void Kernels_DoNotAllocate()
    {
        float[] x = new float[32 * 256], w = new float[768 * 256], y = new float[32 * 768], b = new float[768];
        (int Rows, int M, int K)[] shapes = { (1, 512, 128), (32, 768, 256), (1, 32, 1), (16, 256, 4), (3, 12, 3) };
        void RunAll()
        {
            foreach ((int rows, int m, int k) in shapes)
            {
                Blas.MatMulTransposedAdd(x, k, w, y, m, rows, m, k);
                Blas.MatMulAdd(y, m, w, x, k, rows, m, k);
                Blas.OuterProductAdd(y, m, x, k, w, rows, m, k);
                Blas.SetRows(y, m, rows, b.AsSpan(0, m));
                Blas.SetRows(y, m, rows, b.AsSpan(0, m), b.AsSpan(0, m));
                Blas.SumRowsAdd(y, m, rows, b.AsSpan(0, m));
            }

            Activations.Sigmoid(b);
            Activations.Tanh(b);
            Activations.Relu(b);
            Activations.Softmax(b.AsSpan(0, 65));
            Activations.Softmax(b.AsSpan(0, 650), 10, 65);
        }

        for (int i = 0; i < 50; i++)
        {
            RunAll(); // warm up past tiered compilation
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            RunAll();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Kernels_DoNothing_ForEmptyDimensions()
    {
        float[] y = { 1, 2, 3 };
        Blas.MatMulTransposedAdd(ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, y, 3, 1, 3, 0);
        Blas.MatMulTransposedAdd(ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, y, 3, 0, 3, 4);
        Blas.MatMulAdd(ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, y, 3, 1, 0, 3);
        Blas.OuterProductAdd(ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, 0, y, 0, 1, 3);
        Assert.Equal(new float[] { 1, 2, 3 }, y);
    }

    [Fact]
    public void MatMulTransposedAdd_PropagatesInfinityAndNaN_LikeTheFormula()
    {
        // A non-finite weight in a lane that a masked tail re-reads must not turn into NaN twice.
        int m = 4, k = 19;
        var w = new float[m * k];
        var x = new float[k];
        for (int j = 0; j < k; j++)
        {
            x[j] = 1;
            w[j] = 0.5f;
            w[k + j] = 0.25f;
            w[2 * k + j] = 0;
            w[3 * k + j] = 1;
        }

        w[1] = float.PositiveInfinity;   // row 0: +inf
        w[2 * k + 2] = float.NaN;         // row 2: NaN
        var y = new float[m];
        Blas.MatMulTransposedAdd(x, k, w, y, m, 1, m, k);
        Assert.Equal(float.PositiveInfinity, y[0]);
        Assert.Equal(0.25f * k, y[1], 5);
        Assert.True(float.IsNaN(y[2]));
        Assert.Equal(k, y[3], 5);
    }

    [Fact]
    public void SetRows_BroadcastsAndLeavesGapsAlone()
    {
        foreach (int width in new[] { 1, 3, 8, 17, 64 })
        {
            for (int rows = 0; rows <= 4; rows++)
            {
                int ldy = width + 2;
                var a = RandomArray(new Random(width), width);
                var b = RandomArray(new Random(width + 1), width);
                float[] y = Filled(rows == 0 ? 0 : (rows - 1) * ldy + width, float.NaN);
                Blas.SetRows(y, ldy, rows, a);
                float[] z = Filled(y.Length, float.NaN);
                Blas.SetRows(z, ldy, rows, a, b);
                for (int i = 0; i < y.Length; i++)
                {
                    int r = i / ldy, c = i % ldy;
                    if (c < width)
                    {
                        Assert.Equal(a[c], y[i]);
                        Assert.Equal(a[c] + b[c], z[i]);
                    }
                    else
                    {
                        Assert.True(float.IsNaN(y[i]) && float.IsNaN(z[i]), $"gap at row {r} column {c} was written");
                    }
                }
            }
        }
    }

    [Fact]
    public void SumRowsAdd_MatchesNaive()
    {
        var rng = new Random(9);
        foreach (int width in new[] { 1, 2, 5, 8, 16, 33, 70 })
        {
            for (int rows = 0; rows <= 5; rows++)
            {
                int lddy = width + 3;
                float[] dy = StridedRandom(rng, rows, width, lddy);
                float[] db = RandomArray(rng, width);
                double[] expected = new double[width];
                for (int i = 0; i < width; i++)
                {
                    expected[i] = db[i];
                    for (int r = 0; r < rows; r++)
                    {
                        expected[i] += dy[r * lddy + i];
                    }
                }

                Blas.SumRowsAdd(dy, lddy, rows, db);
                AssertClose(expected, db, null, rows, $"SumRowsAdd rows={rows} width={width}");
            }
        }
    }

    // ---------------------------------------------------------------------------------------

    private static int Pad(int width, int salt) => width + ((width + salt) % 3 == 0 ? 2 : 0);

    private static void CheckMatMulTransposedAdd(Random rng, int rows, int m, int k, int ldx, int ldy, bool longSum = false)
    {
        float[] x = StridedRandom(rng, rows, k, ldx);
        float[] w = RandomArray(rng, m * k);
        float[] y = StridedRandom(rng, rows, m, ldy);
        var expected = new double[y.Length];
        var magnitude = new double[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            expected[i] = y[i];
            magnitude[i] = Math.Abs(y[i]);
        }

        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < m; i++)
            {
                double s = 0, a = 0;
                for (int j = 0; j < k; j++)
                {
                    double term = (double)x[r * ldx + j] * w[i * k + j];
                    s += term;
                    a += Math.Abs(term);
                }

                expected[r * ldy + i] += s;
                magnitude[r * ldy + i] += a;
            }
        }

        Blas.MatMulTransposedAdd(x, ldx, w, y, ldy, rows, m, k);
        AssertClose(expected, y, longSum ? magnitude : null, k, $"MatMulTransposedAdd rows={rows} m={m} k={k} ldx={ldx} ldy={ldy}");
    }

    private static void CheckMatMulAdd(Random rng, int rows, int m, int k, int lddy, int lddx, bool longSum = false)
    {
        float[] dy = StridedRandom(rng, rows, m, lddy);
        float[] w = RandomArray(rng, m * k);
        float[] dx = StridedRandom(rng, rows, k, lddx);
        var expected = new double[dx.Length];
        var magnitude = new double[dx.Length];
        for (int i = 0; i < dx.Length; i++)
        {
            expected[i] = dx[i];
            magnitude[i] = Math.Abs(dx[i]);
        }

        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < k; j++)
            {
                double s = 0, a = 0;
                for (int i = 0; i < m; i++)
                {
                    double term = (double)dy[r * lddy + i] * w[i * k + j];
                    s += term;
                    a += Math.Abs(term);
                }

                expected[r * lddx + j] += s;
                magnitude[r * lddx + j] += a;
            }
        }

        Blas.MatMulAdd(dy, lddy, w, dx, lddx, rows, m, k);
        AssertClose(expected, dx, longSum ? magnitude : null, m, $"MatMulAdd rows={rows} m={m} k={k} lddy={lddy} lddx={lddx}");
    }

    private static void CheckOuterProductAdd(Random rng, int rows, int m, int k, int lddy, int ldx, bool longSum = false)
    {
        float[] dy = StridedRandom(rng, rows, m, lddy);
        float[] x = StridedRandom(rng, rows, k, ldx);
        float[] dw = RandomArray(rng, m * k);
        var expected = new double[dw.Length];
        var magnitude = new double[dw.Length];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < k; j++)
            {
                double s = dw[i * k + j], a = Math.Abs(dw[i * k + j]);
                for (int r = 0; r < rows; r++)
                {
                    double term = (double)dy[r * lddy + i] * x[r * ldx + j];
                    s += term;
                    a += Math.Abs(term);
                }

                expected[i * k + j] = s;
                magnitude[i * k + j] = a;
            }
        }

        Blas.OuterProductAdd(dy, lddy, x, ldx, dw, rows, m, k);
        AssertClose(expected, dw, longSum ? magnitude : null, rows, $"OuterProductAdd rows={rows} m={m} k={k} lddy={lddy} ldx={ldx}");
    }

    /// <summary>An exact-length buffer of <paramref name="rows"/> rows (last row not padded) with NaN in the gaps.</summary>
    private static float[] StridedRandom(Random rng, int rows, int width, int stride)
    {
        float[] data = Filled(rows == 0 ? 0 : (rows - 1) * stride + width, float.NaN);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < width; c++)
            {
                data[r * stride + c] = (float)(rng.NextDouble() * 2 - 1);
            }
        }

        return data;
    }

    private static float[] RandomArray(Random rng, int length)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        return data;
    }

    private static float[] Filled(int length, float value)
    {
        var data = new float[length];
        Array.Fill(data, value);
        return data;
    }

    /// <summary>
    /// |actual − expected| ≤ 1e-5 · (1 + |expected|) everywhere, NaN where expected is NaN (untouched
    /// gaps). For long sums (<paramref name="magnitude"/> given) the bound also allows the usual
    /// float rounding of an n-term sum, √n · 2^-24 · Σ|term|, which dominates when terms cancel.
    /// </summary>
    private static void AssertClose(double[] expected, float[] actual, double[]? magnitude, int terms, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                if (!float.IsNaN(actual[i]))
                {
                    Assert.Fail($"{what}: element {i} lies in a gap between rows but was written ({actual[i]})");
                }

                continue;
            }

            double error = Math.Abs(actual[i] - expected[i]);
            double bound = Tolerance * (1 + Math.Abs(expected[i]));
            if (magnitude is not null)
            {
                bound += Math.Sqrt(terms) * Math.Pow(2, -24) * magnitude[i];
            }

            if (!(error <= bound))
            {
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]} (error {error:g3})");
            }
        }
    }
}
