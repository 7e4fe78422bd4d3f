using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// Row-major float32 matrix kernels used by generated model code. Every method accumulates
/// into (or overwrites) its destination exactly as its formula states and touches no other
/// element; the caller guarantees the sizes (checked only by <see cref="Debug.Assert(bool)"/>).
/// </summary>
/// <remarks>
/// The kernels pick the widest SIMD width the hardware accelerates (512, 256 or 128 bits) that
/// fits the vectorized dimension, block over several output rows so that loaded vectors are
/// reused from registers, and block over batch rows so that weights are reused from cache.
/// Without hardware intrinsics they fall back to plain scalar loops. None of them allocates.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Blas
{
    // Working-set sizes (in floats) used to block the loops so the reused operand stays in cache.
    private const int RowBlockFloats = 8 * 1024;     // x rows re-read by MatMulTransposedAdd / OuterProductAdd (~32 KB)
    private const int WeightBlockFloats = 16 * 1024; // w rows re-read by MatMulAdd (~64 KB)

    /// <summary>
    /// The widest SIMD width, in bits, the kernels use in this process: 512, 256 or 128, or 0 when
    /// they run scalar loops (no hardware intrinsics, e.g. <c>DOTNET_EnableHWIntrinsic=0</c>).
    /// Under Native AOT it is fixed when the binary is compiled (see <c>IlcInstructionSet</c>).
    /// </summary>
    public static int VectorBits =>
        Vector512.IsHardwareAccelerated ? 512 :
        Vector256.IsHardwareAccelerated ? 256 :
        Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>
    /// Forward product with a PyTorch <c>nn.Linear</c>-layout weight:
    /// <c>y[r*ldy + i] += Σ_{j&lt;k} x[r*ldx + j] * w[i*k + j]</c> for <c>r &lt; rows</c>, <c>i &lt; m</c>.
    /// </summary>
    /// <param name="x">Inputs, <paramref name="rows"/> rows of <paramref name="k"/> values, row stride <paramref name="ldx"/>.</param>
    /// <param name="ldx">Row stride of <paramref name="x"/>.</param>
    /// <param name="w">Weight [m, k], row-major.</param>
    /// <param name="y">Outputs (accumulated into), <paramref name="rows"/> rows of <paramref name="m"/> values, row stride <paramref name="ldy"/>.</param>
    /// <param name="ldy">Row stride of <paramref name="y"/>.</param>
    /// <param name="rows">Number of rows (batch entries).</param>
    /// <param name="m">Outputs per row (rows of <paramref name="w"/>).</param>
    /// <param name="k">Inputs per row (columns of <paramref name="w"/>).</param>
    public static void MatMulTransposedAdd(ReadOnlySpan<float> x, int ldx, ReadOnlySpan<float> w, Span<float> y, int ldy, int rows, int m, int k)
    {
        if (rows <= 0 || m <= 0 || k <= 0)
        {
            return;
        }

        Debug.Assert(rows == 1 || (ldx >= k && ldy >= m), "row strides must cover a row");
        Debug.Assert(x.Length >= (long)(rows - 1) * ldx + k, "x too short");
        Debug.Assert(w.Length >= (long)m * k, "w too short");
        Debug.Assert(y.Length >= (long)(rows - 1) * ldy + m, "y too short");

        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pw = ref MemoryMarshal.GetReference(w);
        ref float py = ref MemoryMarshal.GetReference(y);

        if (Vector512.IsHardwareAccelerated && k >= Vector512<float>.Count)
        {
            MatMulTransposedAddVector<Vector512<float>, V512>(ref px, ldx, ref pw, ref py, ldy, rows, m, k);
        }
        else if (Vector256.IsHardwareAccelerated && k >= Vector256<float>.Count)
        {
            MatMulTransposedAddVector<Vector256<float>, V256>(ref px, ldx, ref pw, ref py, ldy, rows, m, k);
        }
        else if (Vector128.IsHardwareAccelerated && k >= Vector128<float>.Count)
        {
            MatMulTransposedAddVector<Vector128<float>, V128>(ref px, ldx, ref pw, ref py, ldy, rows, m, k);
        }
        else if (k == 1)
        {
            // y[r, :] += x[r, 0] * w[:, 0]: contiguous in i.
            ReadOnlySpan<float> column = w.Slice(0, m);
            for (int r = 0; r < rows; r++)
            {
                Span<float> yr = y.Slice(r * ldy, m);
                TensorPrimitives.MultiplyAdd(column, x[r * ldx], yr, yr);
            }
        }
        else
        {
            MatMulTransposedAddScalar(ref px, ldx, ref pw, ref py, ldy, rows, m, k);
        }
    }

    /// <summary>
    /// Backward product to the inputs:
    /// <c>dx[r*lddx + j] += Σ_{i&lt;m} dy[r*lddy + i] * w[i*k + j]</c> for <c>r &lt; rows</c>, <c>j &lt; k</c>.
    /// </summary>
    /// <param name="dy">Output gradients, <paramref name="rows"/> rows of <paramref name="m"/> values, row stride <paramref name="lddy"/>.</param>
    /// <param name="lddy">Row stride of <paramref name="dy"/>.</param>
    /// <param name="w">Weight [m, k], row-major.</param>
    /// <param name="dx">Input gradients (accumulated into), <paramref name="rows"/> rows of <paramref name="k"/> values, row stride <paramref name="lddx"/>.</param>
    /// <param name="lddx">Row stride of <paramref name="dx"/>.</param>
    /// <param name="rows">Number of rows (batch entries).</param>
    /// <param name="m">Rows of <paramref name="w"/>.</param>
    /// <param name="k">Columns of <paramref name="w"/>.</param>
    public static void MatMulAdd(ReadOnlySpan<float> dy, int lddy, ReadOnlySpan<float> w, Span<float> dx, int lddx, int rows, int m, int k)
    {
        if (rows <= 0 || m <= 0 || k <= 0)
        {
            return;
        }

        Debug.Assert(rows == 1 || (lddy >= m && lddx >= k), "row strides must cover a row");
        Debug.Assert(dy.Length >= (long)(rows - 1) * lddy + m, "dy too short");
        Debug.Assert(w.Length >= (long)m * k, "w too short");
        Debug.Assert(dx.Length >= (long)(rows - 1) * lddx + k, "dx too short");

        ref float pdy = ref MemoryMarshal.GetReference(dy);
        ref float pw = ref MemoryMarshal.GetReference(w);
        ref float pdx = ref MemoryMarshal.GetReference(dx);

        if (Vector512.IsHardwareAccelerated && k >= Vector512<float>.Count)
        {
            MatMulAddVector<Vector512<float>, V512>(ref pdy, lddy, ref pw, ref pdx, lddx, rows, m, k);
        }
        else if (Vector256.IsHardwareAccelerated && k >= Vector256<float>.Count)
        {
            MatMulAddVector<Vector256<float>, V256>(ref pdy, lddy, ref pw, ref pdx, lddx, rows, m, k);
        }
        else if (Vector128.IsHardwareAccelerated && k >= Vector128<float>.Count)
        {
            MatMulAddVector<Vector128<float>, V128>(ref pdy, lddy, ref pw, ref pdx, lddx, rows, m, k);
        }
        else if (k == 1)
        {
            // dx[r, 0] += dot(dy[r, :], w[:, 0]): w's single column is contiguous.
            ReadOnlySpan<float> column = w.Slice(0, m);
            for (int r = 0; r < rows; r++)
            {
                dx[r * lddx] += TensorPrimitives.Dot(dy.Slice(r * lddy, m), column);
            }
        }
        else
        {
            MatMulAddScalar(ref pdy, lddy, ref pw, ref pdx, lddx, rows, m, k);
        }
    }

    /// <summary>
    /// Weight gradient, a sum of outer products over the rows:
    /// <c>dw[i*k + j] += Σ_{r&lt;rows} dy[r*lddy + i] * x[r*ldx + j]</c> for <c>i &lt; m</c>, <c>j &lt; k</c>.
    /// </summary>
    /// <param name="dy">Output gradients, <paramref name="rows"/> rows of <paramref name="m"/> values, row stride <paramref name="lddy"/>.</param>
    /// <param name="lddy">Row stride of <paramref name="dy"/>.</param>
    /// <param name="x">Inputs, <paramref name="rows"/> rows of <paramref name="k"/> values, row stride <paramref name="ldx"/>.</param>
    /// <param name="ldx">Row stride of <paramref name="x"/>.</param>
    /// <param name="dw">Weight gradient [m, k] (accumulated into), row-major.</param>
    /// <param name="rows">Number of rows (batch entries) summed over.</param>
    /// <param name="m">Rows of <paramref name="dw"/>.</param>
    /// <param name="k">Columns of <paramref name="dw"/>.</param>
    public static void OuterProductAdd(ReadOnlySpan<float> dy, int lddy, ReadOnlySpan<float> x, int ldx, Span<float> dw, int rows, int m, int k)
    {
        if (rows <= 0 || m <= 0 || k <= 0)
        {
            return;
        }

        Debug.Assert(rows == 1 || (lddy >= m && ldx >= k), "row strides must cover a row");
        Debug.Assert(dy.Length >= (long)(rows - 1) * lddy + m, "dy too short");
        Debug.Assert(x.Length >= (long)(rows - 1) * ldx + k, "x too short");
        Debug.Assert(dw.Length >= (long)m * k, "dw too short");

        ref float pdy = ref MemoryMarshal.GetReference(dy);
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pdw = ref MemoryMarshal.GetReference(dw);

        if (Vector512.IsHardwareAccelerated && k >= Vector512<float>.Count)
        {
            OuterProductAddVector<Vector512<float>, V512>(ref pdy, lddy, ref px, ldx, ref pdw, rows, m, k);
        }
        else if (Vector256.IsHardwareAccelerated && k >= Vector256<float>.Count)
        {
            OuterProductAddVector<Vector256<float>, V256>(ref pdy, lddy, ref px, ldx, ref pdw, rows, m, k);
        }
        else if (Vector128.IsHardwareAccelerated && k >= Vector128<float>.Count)
        {
            OuterProductAddVector<Vector128<float>, V128>(ref pdy, lddy, ref px, ldx, ref pdw, rows, m, k);
        }
        else if (k == 1)
        {
            // dw[:, 0] += x[r, 0] * dy[r, :]: contiguous in i.
            Span<float> column = dw.Slice(0, m);
            for (int r = 0; r < rows; r++)
            {
                TensorPrimitives.MultiplyAdd(dy.Slice(r * lddy, m), x[r * ldx], column, column);
            }
        }
        else
        {
            OuterProductAddScalar(ref pdy, lddy, ref px, ldx, ref pdw, rows, m, k);
        }
    }

    /// <summary>Broadcasts a vector into every row: <c>y[r*ldy + i] = a[i]</c> for <c>r &lt; rows</c>, <c>i &lt; a.Length</c>.</summary>
    /// <param name="y">Destination rows, row stride <paramref name="ldy"/>.</param>
    /// <param name="ldy">Row stride of <paramref name="y"/>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="a">The row value (typically a bias).</param>
    public static void SetRows(Span<float> y, int ldy, int rows, ReadOnlySpan<float> a)
    {
        Debug.Assert(rows <= 0 || y.Length >= (long)(rows - 1) * ldy + a.Length, "y too short");
        for (int r = 0; r < rows; r++)
        {
            a.CopyTo(y.Slice(r * ldy, a.Length));
        }
    }

    /// <summary>Broadcasts the sum of two vectors into every row: <c>y[r*ldy + i] = a[i] + b[i]</c> for <c>r &lt; rows</c>, <c>i &lt; a.Length</c>.</summary>
    /// <param name="y">Destination rows, row stride <paramref name="ldy"/>.</param>
    /// <param name="ldy">Row stride of <paramref name="y"/>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="a">First addend (typically the input bias).</param>
    /// <param name="b">Second addend, as long as <paramref name="a"/> (typically the recurrent bias).</param>
    public static void SetRows(Span<float> y, int ldy, int rows, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length, "a and b differ in length");
        Debug.Assert(rows <= 0 || y.Length >= (long)(rows - 1) * ldy + a.Length, "y too short");
        if (rows <= 0)
        {
            return;
        }

        Span<float> first = y.Slice(0, a.Length);
        TensorPrimitives.Add(a, b.Slice(0, a.Length), first);
        for (int r = 1; r < rows; r++)
        {
            first.CopyTo(y.Slice(r * ldy, a.Length));
        }
    }

    /// <summary>Bias gradient: <c>db[i] += Σ_{r&lt;rows} dy[r*lddy + i]</c> for <c>i &lt; db.Length</c>.</summary>
    /// <param name="dy">Output gradients, row stride <paramref name="lddy"/>.</param>
    /// <param name="lddy">Row stride of <paramref name="dy"/>.</param>
    /// <param name="rows">Number of rows summed over.</param>
    /// <param name="db">Accumulated sums.</param>
    public static void SumRowsAdd(ReadOnlySpan<float> dy, int lddy, int rows, Span<float> db)
    {
        Debug.Assert(rows <= 0 || dy.Length >= (long)(rows - 1) * lddy + db.Length, "dy too short");
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(db, dy.Slice(r * lddy, db.Length), db);
        }
    }

    // ---------------------------------------------------------------------------------------
    // SIMD kernels, written once over a vector type TV whose operations TOps supplies; the JIT
    // (and the AOT compiler) specializes them per width, so the abstraction costs nothing.
    // A row length that is not a multiple of the width ends with one vector placed flush with
    // the end of the row and masked so that already-processed lanes contribute nothing.
    // ---------------------------------------------------------------------------------------

    /// <summary>
    /// <c>y[a, i..i+3] += x[a, :] · w[i..i+3, :]</c> for four input rows <c>a</c> (strides
    /// <paramref name="ldx"/>, <paramref name="ldy"/>) and four weight rows starting at
    /// <paramref name="w0"/> (stride <paramref name="k"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MatMulTransposedAdd4x4<TV, TOps>(ref float xa, int ldx, ref float w0, int k, ref float ya, int ldy, int kFull, int tail, int tailStart, TV mask)
        where TV : struct
        where TOps : struct, IVectorOps<TV>
    {
        int n = TOps.Count;
        ref float w1 = ref Unsafe.Add(ref w0, k);
        ref float w2 = ref Unsafe.Add(ref w1, k);
        ref float w3 = ref Unsafe.Add(ref w2, k);
        ref float xb = ref Unsafe.Add(ref xa, ldx);
        ref float xc = ref Unsafe.Add(ref xb, ldx);
        ref float xd = ref Unsafe.Add(ref xc, ldx);
        TV a0 = default, a1 = default, a2 = default, a3 = default;
        TV b0 = default, b1 = default, b2 = default, b3 = default;
        TV c0 = default, c1 = default, c2 = default, c3 = default;
        TV d0 = default, d1 = default, d2 = default, d3 = default;
        for (int j = 0; j <= kFull; j += n)
        {
            TV va, vb, vc, vd, v0, v1, v2, v3;
            if (j < kFull)
            {
                va = TOps.Load(ref Unsafe.Add(ref xa, j));
                vb = TOps.Load(ref Unsafe.Add(ref xb, j));
                vc = TOps.Load(ref Unsafe.Add(ref xc, j));
                vd = TOps.Load(ref Unsafe.Add(ref xd, j));
                v0 = TOps.Load(ref Unsafe.Add(ref w0, j));
                v1 = TOps.Load(ref Unsafe.Add(ref w1, j));
                v2 = TOps.Load(ref Unsafe.Add(ref w2, j));
                v3 = TOps.Load(ref Unsafe.Add(ref w3, j));
            }
            else if (tail != 0)
            {
                // The last partial chunk: one vector ending at k, its already-counted lanes masked off.
                va = TOps.And(TOps.Load(ref Unsafe.Add(ref xa, tailStart)), mask);
                vb = TOps.And(TOps.Load(ref Unsafe.Add(ref xb, tailStart)), mask);
                vc = TOps.And(TOps.Load(ref Unsafe.Add(ref xc, tailStart)), mask);
                vd = TOps.And(TOps.Load(ref Unsafe.Add(ref xd, tailStart)), mask);
                v0 = TOps.And(TOps.Load(ref Unsafe.Add(ref w0, tailStart)), mask);
                v1 = TOps.And(TOps.Load(ref Unsafe.Add(ref w1, tailStart)), mask);
                v2 = TOps.And(TOps.Load(ref Unsafe.Add(ref w2, tailStart)), mask);
                v3 = TOps.And(TOps.Load(ref Unsafe.Add(ref w3, tailStart)), mask);
            }
            else
            {
                break;
            }

            a0 = TOps.MultiplyAdd(va, v0, a0);
            b0 = TOps.MultiplyAdd(vb, v0, b0);
            c0 = TOps.MultiplyAdd(vc, v0, c0);
            d0 = TOps.MultiplyAdd(vd, v0, d0);
            a1 = TOps.MultiplyAdd(va, v1, a1);
            b1 = TOps.MultiplyAdd(vb, v1, b1);
            c1 = TOps.MultiplyAdd(vc, v1, c1);
            d1 = TOps.MultiplyAdd(vd, v1, d1);
            a2 = TOps.MultiplyAdd(va, v2, a2);
            b2 = TOps.MultiplyAdd(vb, v2, b2);
            c2 = TOps.MultiplyAdd(vc, v2, c2);
            d2 = TOps.MultiplyAdd(vd, v2, d2);
            a3 = TOps.MultiplyAdd(va, v3, a3);
            b3 = TOps.MultiplyAdd(vb, v3, b3);
            c3 = TOps.MultiplyAdd(vc, v3, c3);
            d3 = TOps.MultiplyAdd(vd, v3, d3);
        }

        AddTo(ref ya, TOps.Sum4(a0, a1, a2, a3));
        ref float yb = ref Unsafe.Add(ref ya, ldy);
        AddTo(ref yb, TOps.Sum4(b0, b1, b2, b3));
        ref float yc = ref Unsafe.Add(ref yb, ldy);
        AddTo(ref yc, TOps.Sum4(c0, c1, c2, c3));
        AddTo(ref Unsafe.Add(ref yc, ldy), TOps.Sum4(d0, d1, d2, d3));
    }

    private static void MatMulTransposedAddVector<TV, TOps>(ref float x, int ldx, ref float w, ref float y, int ldy, int rows, int m, int k)
        where TV : struct
        where TOps : struct, IVectorOps<TV>
    {
        int n = TOps.Count;
        int tail = k % n;
        int kFull = k - tail;
        int tailStart = k - n;
        TV mask = TOps.TailMask(n - tail);
        int rowBlock = Math.Max(2, RowBlockFloats / k);

        for (int r0 = 0; r0 < rows; r0 += rowBlock)
        {
            int r1 = Math.Min(rows, r0 + rowBlock);
            int i = 0;
            for (; i <= m - 4; i += 4)
            {
                ref float w0 = ref Unsafe.Add(ref w, (nint)i * k);
                ref float w1 = ref Unsafe.Add(ref w0, k);
                ref float w2 = ref Unsafe.Add(ref w1, k);
                ref float w3 = ref Unsafe.Add(ref w2, k);

                int r = r0;
                if (TOps.Count == 16)
                {
                    // 512-bit vectors come with 32 registers: four weight rows against four input
                    // rows, sixteen accumulators, eight loads per sixteen multiply-adds.
                    for (; r <= r1 - 4; r += 4)
                    {
                        MatMulTransposedAdd4x4<TV, TOps>(ref Unsafe.Add(ref x, (nint)r * ldx), ldx, ref w0, k, ref Unsafe.Add(ref y, (nint)r * ldy + i), ldy, kFull, tail, tailStart, mask);
                    }
                }

                for (; r <= r1 - 2; r += 2)
                {
                    // Four weight rows against two input rows: eight independent accumulators.
                    ref float xa = ref Unsafe.Add(ref x, (nint)r * ldx);
                    ref float xb = ref Unsafe.Add(ref xa, ldx);
                    TV a0 = default, a1 = default, a2 = default, a3 = default;
                    TV b0 = default, b1 = default, b2 = default, b3 = default;
                    for (int j = 0; j < kFull; j += n)
                    {
                        TV va = TOps.Load(ref Unsafe.Add(ref xa, j));
                        TV vb = TOps.Load(ref Unsafe.Add(ref xb, j));
                        TV v = TOps.Load(ref Unsafe.Add(ref w0, j));
                        a0 = TOps.MultiplyAdd(va, v, a0);
                        b0 = TOps.MultiplyAdd(vb, v, b0);
                        v = TOps.Load(ref Unsafe.Add(ref w1, j));
                        a1 = TOps.MultiplyAdd(va, v, a1);
                        b1 = TOps.MultiplyAdd(vb, v, b1);
                        v = TOps.Load(ref Unsafe.Add(ref w2, j));
                        a2 = TOps.MultiplyAdd(va, v, a2);
                        b2 = TOps.MultiplyAdd(vb, v, b2);
                        v = TOps.Load(ref Unsafe.Add(ref w3, j));
                        a3 = TOps.MultiplyAdd(va, v, a3);
                        b3 = TOps.MultiplyAdd(vb, v, b3);
                    }

                    if (tail != 0)
                    {
                        TV va = TOps.And(TOps.Load(ref Unsafe.Add(ref xa, tailStart)), mask);
                        TV vb = TOps.And(TOps.Load(ref Unsafe.Add(ref xb, tailStart)), mask);
                        TV v = TOps.And(TOps.Load(ref Unsafe.Add(ref w0, tailStart)), mask);
                        a0 = TOps.MultiplyAdd(va, v, a0);
                        b0 = TOps.MultiplyAdd(vb, v, b0);
                        v = TOps.And(TOps.Load(ref Unsafe.Add(ref w1, tailStart)), mask);
                        a1 = TOps.MultiplyAdd(va, v, a1);
                        b1 = TOps.MultiplyAdd(vb, v, b1);
                        v = TOps.And(TOps.Load(ref Unsafe.Add(ref w2, tailStart)), mask);
                        a2 = TOps.MultiplyAdd(va, v, a2);
                        b2 = TOps.MultiplyAdd(vb, v, b2);
                        v = TOps.And(TOps.Load(ref Unsafe.Add(ref w3, tailStart)), mask);
                        a3 = TOps.MultiplyAdd(va, v, a3);
                        b3 = TOps.MultiplyAdd(vb, v, b3);
                    }

                    ref float ya = ref Unsafe.Add(ref y, (nint)r * ldy + i);
                    AddTo(ref ya, TOps.Sum4(a0, a1, a2, a3));
                    ref float yb = ref Unsafe.Add(ref ya, ldy);
                    AddTo(ref yb, TOps.Sum4(b0, b1, b2, b3));
                }

                if (r < r1)
                {
                    // One input row: unroll over two chunks so eight accumulators hide the latency.
                    ref float xa = ref Unsafe.Add(ref x, (nint)r * ldx);
                    TV a0 = default, a1 = default, a2 = default, a3 = default;
                    TV c0 = default, c1 = default, c2 = default, c3 = default;
                    int j = 0;
                    for (; j <= kFull - 2 * n; j += 2 * n)
                    {
                        TV va = TOps.Load(ref Unsafe.Add(ref xa, j));
                        TV vc = TOps.Load(ref Unsafe.Add(ref xa, j + n));
                        a0 = TOps.MultiplyAdd(va, TOps.Load(ref Unsafe.Add(ref w0, j)), a0);
                        c0 = TOps.MultiplyAdd(vc, TOps.Load(ref Unsafe.Add(ref w0, j + n)), c0);
                        a1 = TOps.MultiplyAdd(va, TOps.Load(ref Unsafe.Add(ref w1, j)), a1);
                        c1 = TOps.MultiplyAdd(vc, TOps.Load(ref Unsafe.Add(ref w1, j + n)), c1);
                        a2 = TOps.MultiplyAdd(va, TOps.Load(ref Unsafe.Add(ref w2, j)), a2);
                        c2 = TOps.MultiplyAdd(vc, TOps.Load(ref Unsafe.Add(ref w2, j + n)), c2);
                        a3 = TOps.MultiplyAdd(va, TOps.Load(ref Unsafe.Add(ref w3, j)), a3);
                        c3 = TOps.MultiplyAdd(vc, TOps.Load(ref Unsafe.Add(ref w3, j + n)), c3);
                    }

                    if (j < kFull)
                    {
                        TV va = TOps.Load(ref Unsafe.Add(ref xa, j));
                        a0 = TOps.MultiplyAdd(va, TOps.Load(ref Unsafe.Add(ref w0, j)), a0);
                        a1 = TOps.MultiplyAdd(va, TOps.Load(ref Unsafe.Add(ref w1, j)), a1);
                        a2 = TOps.MultiplyAdd(va, TOps.Load(ref Unsafe.Add(ref w2, j)), a2);
                        a3 = TOps.MultiplyAdd(va, TOps.Load(ref Unsafe.Add(ref w3, j)), a3);
                    }

                    if (tail != 0)
                    {
                        TV vc = TOps.And(TOps.Load(ref Unsafe.Add(ref xa, tailStart)), mask);
                        c0 = TOps.MultiplyAdd(vc, TOps.And(TOps.Load(ref Unsafe.Add(ref w0, tailStart)), mask), c0);
                        c1 = TOps.MultiplyAdd(vc, TOps.And(TOps.Load(ref Unsafe.Add(ref w1, tailStart)), mask), c1);
                        c2 = TOps.MultiplyAdd(vc, TOps.And(TOps.Load(ref Unsafe.Add(ref w2, tailStart)), mask), c2);
                        c3 = TOps.MultiplyAdd(vc, TOps.And(TOps.Load(ref Unsafe.Add(ref w3, tailStart)), mask), c3);
                    }

                    ref float ya = ref Unsafe.Add(ref y, (nint)r * ldy + i);
                    AddTo(ref ya, TOps.Sum4(TOps.Add(a0, c0), TOps.Add(a1, c1), TOps.Add(a2, c2), TOps.Add(a3, c3)));
                }
            }

            for (; i < m; i++)
            {
                ref float wi = ref Unsafe.Add(ref w, (nint)i * k);
                for (int r = r0; r < r1; r++)
                {
                    ref float xr = ref Unsafe.Add(ref x, (nint)r * ldx);
                    TV a = default, c = default;
                    int j = 0;
                    for (; j <= kFull - 2 * n; j += 2 * n)
                    {
                        a = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref xr, j)), TOps.Load(ref Unsafe.Add(ref wi, j)), a);
                        c = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref xr, j + n)), TOps.Load(ref Unsafe.Add(ref wi, j + n)), c);
                    }

                    if (j < kFull)
                    {
                        a = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref xr, j)), TOps.Load(ref Unsafe.Add(ref wi, j)), a);
                    }

                    if (tail != 0)
                    {
                        c = TOps.MultiplyAdd(
                            TOps.And(TOps.Load(ref Unsafe.Add(ref xr, tailStart)), mask),
                            TOps.And(TOps.Load(ref Unsafe.Add(ref wi, tailStart)), mask),
                            c);
                    }

                    Unsafe.Add(ref y, (nint)r * ldy + i) += TOps.Sum(TOps.Add(a, c));
                }
            }
        }
    }

    /// <summary>Two rows of <see cref="MatMulAddVector{TV, TOps}"/> for weight rows [i0, i1), columns from <paramref name="jStart"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MatMulAdd2Rows<TV, TOps>(ref float dya, int lddy, ref float w, ref float dxa, int lddx, int i0, int i1, int k, int kFull, int tail, int tailStart, TV mask, int jStart)
        where TV : struct
        where TOps : struct, IVectorOps<TV>
    {
        int n = TOps.Count;
        // Two rows share every weight load.
        ref float dyb = ref Unsafe.Add(ref dya, lddy);
        ref float dxb = ref Unsafe.Add(ref dxa, lddx);
        int j = jStart;
        for (; j <= kFull - 4 * n; j += 4 * n)
        {
            ref float pa = ref Unsafe.Add(ref dxa, j);
            ref float pb = ref Unsafe.Add(ref dxb, j);
            TV a0 = TOps.Load(ref pa), a1 = TOps.Load(ref Unsafe.Add(ref pa, n));
            TV a2 = TOps.Load(ref Unsafe.Add(ref pa, 2 * n)), a3 = TOps.Load(ref Unsafe.Add(ref pa, 3 * n));
            TV b0 = TOps.Load(ref pb), b1 = TOps.Load(ref Unsafe.Add(ref pb, n));
            TV b2 = TOps.Load(ref Unsafe.Add(ref pb, 2 * n)), b3 = TOps.Load(ref Unsafe.Add(ref pb, 3 * n));
            for (int i = i0; i < i1; i++)
            {
                ref float wi = ref Unsafe.Add(ref w, (nint)i * k + j);
                TV sa = TOps.Broadcast(Unsafe.Add(ref dya, i));
                TV sb = TOps.Broadcast(Unsafe.Add(ref dyb, i));
                TV v = TOps.Load(ref wi);
                a0 = TOps.MultiplyAdd(sa, v, a0);
                b0 = TOps.MultiplyAdd(sb, v, b0);
                v = TOps.Load(ref Unsafe.Add(ref wi, n));
                a1 = TOps.MultiplyAdd(sa, v, a1);
                b1 = TOps.MultiplyAdd(sb, v, b1);
                v = TOps.Load(ref Unsafe.Add(ref wi, 2 * n));
                a2 = TOps.MultiplyAdd(sa, v, a2);
                b2 = TOps.MultiplyAdd(sb, v, b2);
                v = TOps.Load(ref Unsafe.Add(ref wi, 3 * n));
                a3 = TOps.MultiplyAdd(sa, v, a3);
                b3 = TOps.MultiplyAdd(sb, v, b3);
            }

            TOps.Store(a0, ref pa);
            TOps.Store(a1, ref Unsafe.Add(ref pa, n));
            TOps.Store(a2, ref Unsafe.Add(ref pa, 2 * n));
            TOps.Store(a3, ref Unsafe.Add(ref pa, 3 * n));
            TOps.Store(b0, ref pb);
            TOps.Store(b1, ref Unsafe.Add(ref pb, n));
            TOps.Store(b2, ref Unsafe.Add(ref pb, 2 * n));
            TOps.Store(b3, ref Unsafe.Add(ref pb, 3 * n));
        }

        for (; j < kFull; j += n)
        {
            ref float pa = ref Unsafe.Add(ref dxa, j);
            ref float pb = ref Unsafe.Add(ref dxb, j);
            TV a = TOps.Load(ref pa), b = TOps.Load(ref pb);
            for (int i = i0; i < i1; i++)
            {
                TV v = TOps.Load(ref Unsafe.Add(ref w, (nint)i * k + j));
                a = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref dya, i)), v, a);
                b = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref dyb, i)), v, b);
            }

            TOps.Store(a, ref pa);
            TOps.Store(b, ref pb);
        }

        if (tail != 0)
        {
            TV a = default, b = default;
            for (int i = i0; i < i1; i++)
            {
                TV v = TOps.Load(ref Unsafe.Add(ref w, (nint)i * k + tailStart));
                a = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref dya, i)), v, a);
                b = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref dyb, i)), v, b);
            }

            ref float pa = ref Unsafe.Add(ref dxa, tailStart);
            ref float pb = ref Unsafe.Add(ref dxb, tailStart);
            TOps.Store(TOps.Add(TOps.Load(ref pa), TOps.And(a, mask)), ref pa);
            TOps.Store(TOps.Add(TOps.Load(ref pb), TOps.And(b, mask)), ref pb);
        }
    }

    /// <summary>
    /// Four rows of <see cref="MatMulAddVector{TV, TOps}"/> for weight rows [i0, i1), over whole
    /// groups of four vectors of columns; returns the first column not done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MatMulAdd4Rows<TV, TOps>(ref float dya, int lddy, ref float w, ref float dxa, int lddx, int i0, int i1, int k, int kFull)
        where TV : struct
        where TOps : struct, IVectorOps<TV>
    {
        int n = TOps.Count;
        ref float dyb = ref Unsafe.Add(ref dya, lddy);
        ref float dyc = ref Unsafe.Add(ref dyb, lddy);
        ref float dyd = ref Unsafe.Add(ref dyc, lddy);
        ref float dxb = ref Unsafe.Add(ref dxa, lddx);
        ref float dxc = ref Unsafe.Add(ref dxb, lddx);
        ref float dxd = ref Unsafe.Add(ref dxc, lddx);
        int j = 0;
        for (; j <= kFull - 4 * n; j += 4 * n)
        {
            ref float pa = ref Unsafe.Add(ref dxa, j);
            ref float pb = ref Unsafe.Add(ref dxb, j);
            ref float pc = ref Unsafe.Add(ref dxc, j);
            ref float pd = ref Unsafe.Add(ref dxd, j);
            TV a0 = TOps.Load(ref pa), a1 = TOps.Load(ref Unsafe.Add(ref pa, n)), a2 = TOps.Load(ref Unsafe.Add(ref pa, 2 * n)), a3 = TOps.Load(ref Unsafe.Add(ref pa, 3 * n));
            TV b0 = TOps.Load(ref pb), b1 = TOps.Load(ref Unsafe.Add(ref pb, n)), b2 = TOps.Load(ref Unsafe.Add(ref pb, 2 * n)), b3 = TOps.Load(ref Unsafe.Add(ref pb, 3 * n));
            TV c0 = TOps.Load(ref pc), c1 = TOps.Load(ref Unsafe.Add(ref pc, n)), c2 = TOps.Load(ref Unsafe.Add(ref pc, 2 * n)), c3 = TOps.Load(ref Unsafe.Add(ref pc, 3 * n));
            TV d0 = TOps.Load(ref pd), d1 = TOps.Load(ref Unsafe.Add(ref pd, n)), d2 = TOps.Load(ref Unsafe.Add(ref pd, 2 * n)), d3 = TOps.Load(ref Unsafe.Add(ref pd, 3 * n));
            for (int i = i0; i < i1; i++)
            {
                ref float wi = ref Unsafe.Add(ref w, (nint)i * k + j);
                TV sa = TOps.Broadcast(Unsafe.Add(ref dya, i));
                TV sb = TOps.Broadcast(Unsafe.Add(ref dyb, i));
                TV sc = TOps.Broadcast(Unsafe.Add(ref dyc, i));
                TV sd = TOps.Broadcast(Unsafe.Add(ref dyd, i));
                TV v = TOps.Load(ref wi);
                a0 = TOps.MultiplyAdd(sa, v, a0);
                b0 = TOps.MultiplyAdd(sb, v, b0);
                c0 = TOps.MultiplyAdd(sc, v, c0);
                d0 = TOps.MultiplyAdd(sd, v, d0);
                v = TOps.Load(ref Unsafe.Add(ref wi, n));
                a1 = TOps.MultiplyAdd(sa, v, a1);
                b1 = TOps.MultiplyAdd(sb, v, b1);
                c1 = TOps.MultiplyAdd(sc, v, c1);
                d1 = TOps.MultiplyAdd(sd, v, d1);
                v = TOps.Load(ref Unsafe.Add(ref wi, 2 * n));
                a2 = TOps.MultiplyAdd(sa, v, a2);
                b2 = TOps.MultiplyAdd(sb, v, b2);
                c2 = TOps.MultiplyAdd(sc, v, c2);
                d2 = TOps.MultiplyAdd(sd, v, d2);
                v = TOps.Load(ref Unsafe.Add(ref wi, 3 * n));
                a3 = TOps.MultiplyAdd(sa, v, a3);
                b3 = TOps.MultiplyAdd(sb, v, b3);
                c3 = TOps.MultiplyAdd(sc, v, c3);
                d3 = TOps.MultiplyAdd(sd, v, d3);
            }

            TOps.Store(a0, ref pa); TOps.Store(a1, ref Unsafe.Add(ref pa, n)); TOps.Store(a2, ref Unsafe.Add(ref pa, 2 * n)); TOps.Store(a3, ref Unsafe.Add(ref pa, 3 * n));
            TOps.Store(b0, ref pb); TOps.Store(b1, ref Unsafe.Add(ref pb, n)); TOps.Store(b2, ref Unsafe.Add(ref pb, 2 * n)); TOps.Store(b3, ref Unsafe.Add(ref pb, 3 * n));
            TOps.Store(c0, ref pc); TOps.Store(c1, ref Unsafe.Add(ref pc, n)); TOps.Store(c2, ref Unsafe.Add(ref pc, 2 * n)); TOps.Store(c3, ref Unsafe.Add(ref pc, 3 * n));
            TOps.Store(d0, ref pd); TOps.Store(d1, ref Unsafe.Add(ref pd, n)); TOps.Store(d2, ref Unsafe.Add(ref pd, 2 * n)); TOps.Store(d3, ref Unsafe.Add(ref pd, 3 * n));
        }

        return j;
    }

    private static void MatMulAddVector<TV, TOps>(ref float dy, int lddy, ref float w, ref float dx, int lddx, int rows, int m, int k)
        where TV : struct
        where TOps : struct, IVectorOps<TV>
    {
        int n = TOps.Count;
        int tail = k % n;
        int kFull = k - tail;
        int tailStart = k - n;
        TV mask = TOps.TailMask(n - tail);
        int weightBlock = Math.Max(4, WeightBlockFloats / k);

        for (int i0 = 0; i0 < m; i0 += weightBlock)
        {
            int i1 = Math.Min(m, i0 + weightBlock);
            int r = 0;
            for (; r <= rows - 2; r += 2)
            {
                int j0 = 0;
                if (TOps.Count == 16 && r <= rows - 4)
                {
                    // 512-bit vectors come with 32 registers: four rows share every weight load.
                    j0 = MatMulAdd4Rows<TV, TOps>(ref Unsafe.Add(ref dy, (nint)r * lddy), lddy, ref w, ref Unsafe.Add(ref dx, (nint)r * lddx), lddx, i0, i1, k, kFull);
                    MatMulAdd2Rows<TV, TOps>(ref Unsafe.Add(ref dy, (nint)r * lddy), lddy, ref w, ref Unsafe.Add(ref dx, (nint)r * lddx), lddx, i0, i1, k, kFull, tail, tailStart, mask, j0);
                    r += 2;
                }

                MatMulAdd2Rows<TV, TOps>(ref Unsafe.Add(ref dy, (nint)r * lddy), lddy, ref w, ref Unsafe.Add(ref dx, (nint)r * lddx), lddx, i0, i1, k, kFull, tail, tailStart, mask, j0);
            }

            if (r < rows)
            {
                // One row: unroll over two weight rows so eight accumulators hide the latency.
                ref float dya = ref Unsafe.Add(ref dy, (nint)r * lddy);
                ref float dxa = ref Unsafe.Add(ref dx, (nint)r * lddx);
                int j = 0;
                for (; j <= kFull - 4 * n; j += 4 * n)
                {
                    ref float pa = ref Unsafe.Add(ref dxa, j);
                    TV a0 = TOps.Load(ref pa), a1 = TOps.Load(ref Unsafe.Add(ref pa, n));
                    TV a2 = TOps.Load(ref Unsafe.Add(ref pa, 2 * n)), a3 = TOps.Load(ref Unsafe.Add(ref pa, 3 * n));
                    TV c0 = default, c1 = default, c2 = default, c3 = default;
                    int i = i0;
                    for (; i <= i1 - 2; i += 2)
                    {
                        ref float wi = ref Unsafe.Add(ref w, (nint)i * k + j);
                        ref float wn = ref Unsafe.Add(ref wi, k);
                        TV sa = TOps.Broadcast(Unsafe.Add(ref dya, i));
                        TV sc = TOps.Broadcast(Unsafe.Add(ref dya, i + 1));
                        a0 = TOps.MultiplyAdd(sa, TOps.Load(ref wi), a0);
                        c0 = TOps.MultiplyAdd(sc, TOps.Load(ref wn), c0);
                        a1 = TOps.MultiplyAdd(sa, TOps.Load(ref Unsafe.Add(ref wi, n)), a1);
                        c1 = TOps.MultiplyAdd(sc, TOps.Load(ref Unsafe.Add(ref wn, n)), c1);
                        a2 = TOps.MultiplyAdd(sa, TOps.Load(ref Unsafe.Add(ref wi, 2 * n)), a2);
                        c2 = TOps.MultiplyAdd(sc, TOps.Load(ref Unsafe.Add(ref wn, 2 * n)), c2);
                        a3 = TOps.MultiplyAdd(sa, TOps.Load(ref Unsafe.Add(ref wi, 3 * n)), a3);
                        c3 = TOps.MultiplyAdd(sc, TOps.Load(ref Unsafe.Add(ref wn, 3 * n)), c3);
                    }

                    if (i < i1)
                    {
                        ref float wi = ref Unsafe.Add(ref w, (nint)i * k + j);
                        TV sa = TOps.Broadcast(Unsafe.Add(ref dya, i));
                        a0 = TOps.MultiplyAdd(sa, TOps.Load(ref wi), a0);
                        a1 = TOps.MultiplyAdd(sa, TOps.Load(ref Unsafe.Add(ref wi, n)), a1);
                        a2 = TOps.MultiplyAdd(sa, TOps.Load(ref Unsafe.Add(ref wi, 2 * n)), a2);
                        a3 = TOps.MultiplyAdd(sa, TOps.Load(ref Unsafe.Add(ref wi, 3 * n)), a3);
                    }

                    TOps.Store(TOps.Add(a0, c0), ref pa);
                    TOps.Store(TOps.Add(a1, c1), ref Unsafe.Add(ref pa, n));
                    TOps.Store(TOps.Add(a2, c2), ref Unsafe.Add(ref pa, 2 * n));
                    TOps.Store(TOps.Add(a3, c3), ref Unsafe.Add(ref pa, 3 * n));
                }

                for (; j < kFull; j += n)
                {
                    ref float pa = ref Unsafe.Add(ref dxa, j);
                    TV a = TOps.Load(ref pa), c = default;
                    int i = i0;
                    for (; i <= i1 - 2; i += 2)
                    {
                        ref float wi = ref Unsafe.Add(ref w, (nint)i * k + j);
                        a = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref dya, i)), TOps.Load(ref wi), a);
                        c = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref dya, i + 1)), TOps.Load(ref Unsafe.Add(ref wi, k)), c);
                    }

                    if (i < i1)
                    {
                        a = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref dya, i)), TOps.Load(ref Unsafe.Add(ref w, (nint)i * k + j)), a);
                    }

                    TOps.Store(TOps.Add(a, c), ref pa);
                }

                if (tail != 0)
                {
                    TV a = default;
                    for (int i = i0; i < i1; i++)
                    {
                        a = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref dya, i)), TOps.Load(ref Unsafe.Add(ref w, (nint)i * k + tailStart)), a);
                    }

                    ref float pa = ref Unsafe.Add(ref dxa, tailStart);
                    TOps.Store(TOps.Add(TOps.Load(ref pa), TOps.And(a, mask)), ref pa);
                }
            }
        }
    }

    /// <summary>Two gradient rows of <see cref="OuterProductAddVector{TV, TOps}"/> (dw rows at <paramref name="dwa"/>, dy columns at <paramref name="dyi"/>) over input rows [r0, r1), columns from <paramref name="jStart"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OuterProductAdd2Rows<TV, TOps>(ref float dyi, int lddy, ref float x, int ldx, ref float dwa, int r0, int r1, int k, int kFull, int tail, int tailStart, TV mask, int jStart)
        where TV : struct
        where TOps : struct, IVectorOps<TV>
    {
        int n = TOps.Count;
        // Two gradient rows share every input load.
        ref float dwb = ref Unsafe.Add(ref dwa, k);
        int j = jStart;
        for (; j <= kFull - 4 * n; j += 4 * n)
        {
            ref float pa = ref Unsafe.Add(ref dwa, j);
            ref float pb = ref Unsafe.Add(ref dwb, j);
            TV a0 = TOps.Load(ref pa), a1 = TOps.Load(ref Unsafe.Add(ref pa, n));
            TV a2 = TOps.Load(ref Unsafe.Add(ref pa, 2 * n)), a3 = TOps.Load(ref Unsafe.Add(ref pa, 3 * n));
            TV b0 = TOps.Load(ref pb), b1 = TOps.Load(ref Unsafe.Add(ref pb, n));
            TV b2 = TOps.Load(ref Unsafe.Add(ref pb, 2 * n)), b3 = TOps.Load(ref Unsafe.Add(ref pb, 3 * n));
            for (int r = r0; r < r1; r++)
            {
                ref float xr = ref Unsafe.Add(ref x, (nint)r * ldx + j);
                ref float dyr = ref Unsafe.Add(ref dyi, (nint)r * lddy);
                TV sa = TOps.Broadcast(dyr);
                TV sb = TOps.Broadcast(Unsafe.Add(ref dyr, 1));
                TV v = TOps.Load(ref xr);
                a0 = TOps.MultiplyAdd(sa, v, a0);
                b0 = TOps.MultiplyAdd(sb, v, b0);
                v = TOps.Load(ref Unsafe.Add(ref xr, n));
                a1 = TOps.MultiplyAdd(sa, v, a1);
                b1 = TOps.MultiplyAdd(sb, v, b1);
                v = TOps.Load(ref Unsafe.Add(ref xr, 2 * n));
                a2 = TOps.MultiplyAdd(sa, v, a2);
                b2 = TOps.MultiplyAdd(sb, v, b2);
                v = TOps.Load(ref Unsafe.Add(ref xr, 3 * n));
                a3 = TOps.MultiplyAdd(sa, v, a3);
                b3 = TOps.MultiplyAdd(sb, v, b3);
            }

            TOps.Store(a0, ref pa);
            TOps.Store(a1, ref Unsafe.Add(ref pa, n));
            TOps.Store(a2, ref Unsafe.Add(ref pa, 2 * n));
            TOps.Store(a3, ref Unsafe.Add(ref pa, 3 * n));
            TOps.Store(b0, ref pb);
            TOps.Store(b1, ref Unsafe.Add(ref pb, n));
            TOps.Store(b2, ref Unsafe.Add(ref pb, 2 * n));
            TOps.Store(b3, ref Unsafe.Add(ref pb, 3 * n));
        }

        for (; j < kFull; j += n)
        {
            ref float pa = ref Unsafe.Add(ref dwa, j);
            ref float pb = ref Unsafe.Add(ref dwb, j);
            TV a = TOps.Load(ref pa), b = TOps.Load(ref pb);
            for (int r = r0; r < r1; r++)
            {
                ref float dyr = ref Unsafe.Add(ref dyi, (nint)r * lddy);
                TV v = TOps.Load(ref Unsafe.Add(ref x, (nint)r * ldx + j));
                a = TOps.MultiplyAdd(TOps.Broadcast(dyr), v, a);
                b = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref dyr, 1)), v, b);
            }

            TOps.Store(a, ref pa);
            TOps.Store(b, ref pb);
        }

        if (tail != 0)
        {
            TV a = default, b = default;
            for (int r = r0; r < r1; r++)
            {
                ref float dyr = ref Unsafe.Add(ref dyi, (nint)r * lddy);
                TV v = TOps.Load(ref Unsafe.Add(ref x, (nint)r * ldx + tailStart));
                a = TOps.MultiplyAdd(TOps.Broadcast(dyr), v, a);
                b = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref dyr, 1)), v, b);
            }

            ref float pa = ref Unsafe.Add(ref dwa, tailStart);
            ref float pb = ref Unsafe.Add(ref dwb, tailStart);
            TOps.Store(TOps.Add(TOps.Load(ref pa), TOps.And(a, mask)), ref pa);
            TOps.Store(TOps.Add(TOps.Load(ref pb), TOps.And(b, mask)), ref pb);
        }
    }

    /// <summary>
    /// Four gradient rows of <see cref="OuterProductAddVector{TV, TOps}"/> over input rows [r0, r1),
    /// whole groups of four vectors of columns; returns the first column not done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int OuterProductAdd4Rows<TV, TOps>(ref float dyi, int lddy, ref float x, int ldx, ref float dwa, int r0, int r1, int k, int kFull)
        where TV : struct
        where TOps : struct, IVectorOps<TV>
    {
        int n = TOps.Count;
        ref float dwb = ref Unsafe.Add(ref dwa, k);
        ref float dwc = ref Unsafe.Add(ref dwb, k);
        ref float dwd = ref Unsafe.Add(ref dwc, k);
        int j = 0;
        for (; j <= kFull - 4 * n; j += 4 * n)
        {
            ref float pa = ref Unsafe.Add(ref dwa, j);
            ref float pb = ref Unsafe.Add(ref dwb, j);
            ref float pc = ref Unsafe.Add(ref dwc, j);
            ref float pd = ref Unsafe.Add(ref dwd, j);
            TV a0 = TOps.Load(ref pa), a1 = TOps.Load(ref Unsafe.Add(ref pa, n)), a2 = TOps.Load(ref Unsafe.Add(ref pa, 2 * n)), a3 = TOps.Load(ref Unsafe.Add(ref pa, 3 * n));
            TV b0 = TOps.Load(ref pb), b1 = TOps.Load(ref Unsafe.Add(ref pb, n)), b2 = TOps.Load(ref Unsafe.Add(ref pb, 2 * n)), b3 = TOps.Load(ref Unsafe.Add(ref pb, 3 * n));
            TV c0 = TOps.Load(ref pc), c1 = TOps.Load(ref Unsafe.Add(ref pc, n)), c2 = TOps.Load(ref Unsafe.Add(ref pc, 2 * n)), c3 = TOps.Load(ref Unsafe.Add(ref pc, 3 * n));
            TV d0 = TOps.Load(ref pd), d1 = TOps.Load(ref Unsafe.Add(ref pd, n)), d2 = TOps.Load(ref Unsafe.Add(ref pd, 2 * n)), d3 = TOps.Load(ref Unsafe.Add(ref pd, 3 * n));
            for (int r = r0; r < r1; r++)
            {
                ref float xr = ref Unsafe.Add(ref x, (nint)r * ldx + j);
                ref float dyr = ref Unsafe.Add(ref dyi, (nint)r * lddy);
                TV sa = TOps.Broadcast(dyr);
                TV sb = TOps.Broadcast(Unsafe.Add(ref dyr, 1));
                TV sc = TOps.Broadcast(Unsafe.Add(ref dyr, 2));
                TV sd = TOps.Broadcast(Unsafe.Add(ref dyr, 3));
                TV v = TOps.Load(ref xr);
                a0 = TOps.MultiplyAdd(sa, v, a0);
                b0 = TOps.MultiplyAdd(sb, v, b0);
                c0 = TOps.MultiplyAdd(sc, v, c0);
                d0 = TOps.MultiplyAdd(sd, v, d0);
                v = TOps.Load(ref Unsafe.Add(ref xr, n));
                a1 = TOps.MultiplyAdd(sa, v, a1);
                b1 = TOps.MultiplyAdd(sb, v, b1);
                c1 = TOps.MultiplyAdd(sc, v, c1);
                d1 = TOps.MultiplyAdd(sd, v, d1);
                v = TOps.Load(ref Unsafe.Add(ref xr, 2 * n));
                a2 = TOps.MultiplyAdd(sa, v, a2);
                b2 = TOps.MultiplyAdd(sb, v, b2);
                c2 = TOps.MultiplyAdd(sc, v, c2);
                d2 = TOps.MultiplyAdd(sd, v, d2);
                v = TOps.Load(ref Unsafe.Add(ref xr, 3 * n));
                a3 = TOps.MultiplyAdd(sa, v, a3);
                b3 = TOps.MultiplyAdd(sb, v, b3);
                c3 = TOps.MultiplyAdd(sc, v, c3);
                d3 = TOps.MultiplyAdd(sd, v, d3);
            }

            TOps.Store(a0, ref pa); TOps.Store(a1, ref Unsafe.Add(ref pa, n)); TOps.Store(a2, ref Unsafe.Add(ref pa, 2 * n)); TOps.Store(a3, ref Unsafe.Add(ref pa, 3 * n));
            TOps.Store(b0, ref pb); TOps.Store(b1, ref Unsafe.Add(ref pb, n)); TOps.Store(b2, ref Unsafe.Add(ref pb, 2 * n)); TOps.Store(b3, ref Unsafe.Add(ref pb, 3 * n));
            TOps.Store(c0, ref pc); TOps.Store(c1, ref Unsafe.Add(ref pc, n)); TOps.Store(c2, ref Unsafe.Add(ref pc, 2 * n)); TOps.Store(c3, ref Unsafe.Add(ref pc, 3 * n));
            TOps.Store(d0, ref pd); TOps.Store(d1, ref Unsafe.Add(ref pd, n)); TOps.Store(d2, ref Unsafe.Add(ref pd, 2 * n)); TOps.Store(d3, ref Unsafe.Add(ref pd, 3 * n));
        }

        return j;
    }

    private static void OuterProductAddVector<TV, TOps>(ref float dy, int lddy, ref float x, int ldx, ref float dw, int rows, int m, int k)
        where TV : struct
        where TOps : struct, IVectorOps<TV>
    {
        int n = TOps.Count;
        int tail = k % n;
        int kFull = k - tail;
        int tailStart = k - n;
        TV mask = TOps.TailMask(n - tail);
        int rowBlock = Math.Max(4, RowBlockFloats / k);

        for (int r0 = 0; r0 < rows; r0 += rowBlock)
        {
            int r1 = Math.Min(rows, r0 + rowBlock);
            int i = 0;
            for (; i <= m - 2; i += 2)
            {
                int j0 = 0;
                if (TOps.Count == 16 && i <= m - 4)
                {
                    // 512-bit vectors come with 32 registers: four gradient rows share every input load.
                    j0 = OuterProductAdd4Rows<TV, TOps>(ref Unsafe.Add(ref dy, i), lddy, ref x, ldx, ref Unsafe.Add(ref dw, (nint)i * k), r0, r1, k, kFull);
                    OuterProductAdd2Rows<TV, TOps>(ref Unsafe.Add(ref dy, i), lddy, ref x, ldx, ref Unsafe.Add(ref dw, (nint)i * k), r0, r1, k, kFull, tail, tailStart, mask, j0);
                    i += 2;
                }

                OuterProductAdd2Rows<TV, TOps>(ref Unsafe.Add(ref dy, i), lddy, ref x, ldx, ref Unsafe.Add(ref dw, (nint)i * k), r0, r1, k, kFull, tail, tailStart, mask, j0);
            }

            if (i < m)
            {
                ref float dwa = ref Unsafe.Add(ref dw, (nint)i * k);
                ref float dyi = ref Unsafe.Add(ref dy, i);
                int j = 0;
                for (; j <= kFull - 4 * n; j += 4 * n)
                {
                    ref float pa = ref Unsafe.Add(ref dwa, j);
                    TV a0 = TOps.Load(ref pa), a1 = TOps.Load(ref Unsafe.Add(ref pa, n));
                    TV a2 = TOps.Load(ref Unsafe.Add(ref pa, 2 * n)), a3 = TOps.Load(ref Unsafe.Add(ref pa, 3 * n));
                    for (int r = r0; r < r1; r++)
                    {
                        ref float xr = ref Unsafe.Add(ref x, (nint)r * ldx + j);
                        TV sa = TOps.Broadcast(Unsafe.Add(ref dyi, (nint)r * lddy));
                        a0 = TOps.MultiplyAdd(sa, TOps.Load(ref xr), a0);
                        a1 = TOps.MultiplyAdd(sa, TOps.Load(ref Unsafe.Add(ref xr, n)), a1);
                        a2 = TOps.MultiplyAdd(sa, TOps.Load(ref Unsafe.Add(ref xr, 2 * n)), a2);
                        a3 = TOps.MultiplyAdd(sa, TOps.Load(ref Unsafe.Add(ref xr, 3 * n)), a3);
                    }

                    TOps.Store(a0, ref pa);
                    TOps.Store(a1, ref Unsafe.Add(ref pa, n));
                    TOps.Store(a2, ref Unsafe.Add(ref pa, 2 * n));
                    TOps.Store(a3, ref Unsafe.Add(ref pa, 3 * n));
                }

                for (; j < kFull; j += n)
                {
                    ref float pa = ref Unsafe.Add(ref dwa, j);
                    TV a = TOps.Load(ref pa);
                    for (int r = r0; r < r1; r++)
                    {
                        TV v = TOps.Load(ref Unsafe.Add(ref x, (nint)r * ldx + j));
                        a = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref dyi, (nint)r * lddy)), v, a);
                    }

                    TOps.Store(a, ref pa);
                }

                if (tail != 0)
                {
                    TV a = default;
                    for (int r = r0; r < r1; r++)
                    {
                        TV v = TOps.Load(ref Unsafe.Add(ref x, (nint)r * ldx + tailStart));
                        a = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref dyi, (nint)r * lddy)), v, a);
                    }

                    ref float pa = ref Unsafe.Add(ref dwa, tailStart);
                    TOps.Store(TOps.Add(TOps.Load(ref pa), TOps.And(a, mask)), ref pa);
                }
            }
        }
    }

    /// <summary>Adds four lane-sums to four consecutive floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(ref float destination, Vector128<float> sums)
        => (Vector128.LoadUnsafe(ref destination) + sums).StoreUnsafe(ref destination);

    /// <summary>Returns [Σa, Σb, Σc, Σd] (each the sum of the four lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sum4(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
    {
        if (Sse.IsSupported)
        {
            // A 4x4 transpose folded into the additions: 6 shuffles and 3 additions in all.
            Vector128<float> ab = Sse.UnpackLow(a, b) + Sse.UnpackHigh(a, b); // [a0+a2, b0+b2, a1+a3, b1+b3]
            Vector128<float> cd = Sse.UnpackLow(c, d) + Sse.UnpackHigh(c, d);
            return Sse.MoveLowToHigh(ab, cd) + Sse.MoveHighToLow(cd, ab);
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a, b), AdvSimd.Arm64.AddPairwise(c, d));
        }

        return Vector128.Create(Vector128.Sum(a), Vector128.Sum(b), Vector128.Sum(c), Vector128.Sum(d));
    }

    // ---------------------------------------------------------------------------------------
    // Scalar fallbacks (no hardware intrinsics, or a vectorized dimension shorter than 4).
    // ---------------------------------------------------------------------------------------

    private static void MatMulTransposedAddScalar(ref float x, int ldx, ref float w, ref float y, int ldy, int rows, int m, int k)
    {
        for (int r = 0; r < rows; r++)
        {
            ref float xr = ref Unsafe.Add(ref x, (nint)r * ldx);
            ref float yr = ref Unsafe.Add(ref y, (nint)r * ldy);
            int i = 0;
            for (; i <= m - 4; i += 4)
            {
                ref float w0 = ref Unsafe.Add(ref w, (nint)i * k);
                ref float w1 = ref Unsafe.Add(ref w0, k);
                ref float w2 = ref Unsafe.Add(ref w1, k);
                ref float w3 = ref Unsafe.Add(ref w2, k);
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int j = 0; j < k; j++)
                {
                    float xj = Unsafe.Add(ref xr, j);
                    s0 += xj * Unsafe.Add(ref w0, j);
                    s1 += xj * Unsafe.Add(ref w1, j);
                    s2 += xj * Unsafe.Add(ref w2, j);
                    s3 += xj * Unsafe.Add(ref w3, j);
                }

                Unsafe.Add(ref yr, i) += s0;
                Unsafe.Add(ref yr, i + 1) += s1;
                Unsafe.Add(ref yr, i + 2) += s2;
                Unsafe.Add(ref yr, i + 3) += s3;
            }

            for (; i < m; i++)
            {
                ref float wi = ref Unsafe.Add(ref w, (nint)i * k);
                float s = 0;
                for (int j = 0; j < k; j++)
                {
                    s += Unsafe.Add(ref xr, j) * Unsafe.Add(ref wi, j);
                }

                Unsafe.Add(ref yr, i) += s;
            }
        }
    }

    private static void MatMulAddScalar(ref float dy, int lddy, ref float w, ref float dx, int lddx, int rows, int m, int k)
    {
        for (int r = 0; r < rows; r++)
        {
            ref float dyr = ref Unsafe.Add(ref dy, (nint)r * lddy);
            ref float dxr = ref Unsafe.Add(ref dx, (nint)r * lddx);
            for (int i = 0; i < m; i++)
            {
                float s = Unsafe.Add(ref dyr, i);
                ref float wi = ref Unsafe.Add(ref w, (nint)i * k);
                for (int j = 0; j < k; j++)
                {
                    Unsafe.Add(ref dxr, j) += s * Unsafe.Add(ref wi, j);
                }
            }
        }
    }

    private static void OuterProductAddScalar(ref float dy, int lddy, ref float x, int ldx, ref float dw, int rows, int m, int k)
    {
        for (int r = 0; r < rows; r++)
        {
            ref float dyr = ref Unsafe.Add(ref dy, (nint)r * lddy);
            ref float xr = ref Unsafe.Add(ref x, (nint)r * ldx);
            for (int i = 0; i < m; i++)
            {
                float s = Unsafe.Add(ref dyr, i);
                ref float dwi = ref Unsafe.Add(ref dw, (nint)i * k);
                for (int j = 0; j < k; j++)
                {
                    Unsafe.Add(ref dwi, j) += s * Unsafe.Add(ref xr, j);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Vector operations per width.
    // ---------------------------------------------------------------------------------------

    /// <summary>Lane masks: 16 zero words then 16 all-ones words; a window starting at 16 - skip zeroes the first skip lanes.</summary>
    /// <remarks>An array rather than a span over constant data, which unoptimized builds allocate on every access.</remarks>
    private static readonly int[] MaskTable =
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    ];

    private interface IVectorOps<TV>
        where TV : struct
    {
        static abstract int Count { get; }

        static abstract TV Load(ref float source);

        static abstract void Store(TV value, ref float destination);

        static abstract TV Broadcast(float value);

        /// <summary>a * b + c, fused where the hardware has it.</summary>
        static abstract TV MultiplyAdd(TV a, TV b, TV c);

        static abstract TV Add(TV a, TV b);

        static abstract TV And(TV a, TV b);

        /// <summary>A mask whose first <paramref name="skip"/> lanes are zero and the rest all ones.</summary>
        static abstract TV TailMask(int skip);

        /// <summary>Returns [Σa, Σb, Σc, Σd], each the sum of all lanes of one vector.</summary>
        static abstract Vector128<float> Sum4(TV a, TV b, TV c, TV d);

        static abstract float Sum(TV value);
    }

    private readonly struct V128 : IVectorOps<Vector128<float>>
    {
        public static int Count => Vector128<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c)
        {
            if (Fma.IsSupported)
            {
                return Fma.MultiplyAdd(a, b, c);
            }

            if (AdvSimd.IsSupported)
            {
                return AdvSimd.FusedMultiplyAdd(c, a, b);
            }

            return (a * b) + c;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> And(Vector128<float> a, Vector128<float> b) => a & b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> TailMask(int skip)
            => Vector128.LoadUnsafe(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(MaskTable), 16 - skip)).AsSingle();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Sum4(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
            => Blas.Sum4(a, b, c, d);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(Vector128<float> value) => Vector128.Sum(value);
    }

    private readonly struct V256 : IVectorOps<Vector256<float>>
    {
        public static int Count => Vector256<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c)
            => Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> And(Vector256<float> a, Vector256<float> b) => a & b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> TailMask(int skip)
            => Vector256.LoadUnsafe(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(MaskTable), 16 - skip)).AsSingle();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
        {
            if (Avx.IsSupported)
            {
                // The 4x4 transpose-and-add within each 128-bit half, then the two halves added.
                Vector256<float> ab = Avx.UnpackLow(a, b) + Avx.UnpackHigh(a, b);
                Vector256<float> cd = Avx.UnpackLow(c, d) + Avx.UnpackHigh(c, d);
                Vector256<float> sums = Avx.Shuffle(ab, cd, 0b01_00_01_00) + Avx.Shuffle(ab, cd, 0b11_10_11_10);
                return sums.GetLower() + sums.GetUpper();
            }

            return Blas.Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(Vector256<float> value) => Vector128.Sum(value.GetLower() + value.GetUpper());
    }

    private readonly struct V512 : IVectorOps<Vector512<float>>
    {
        public static int Count => Vector512<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c)
            => Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : (a * b) + c;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> And(Vector512<float> a, Vector512<float> b) => a & b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> TailMask(int skip)
            => Vector512.LoadUnsafe(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(MaskTable), 16 - skip)).AsSingle();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
        {
            if (Avx512F.IsSupported)
            {
                // The 4x4 transpose-and-add within each 128-bit quarter, then the quarters added.
                Vector512<float> ab = Avx512F.UnpackLow(a, b) + Avx512F.UnpackHigh(a, b);
                Vector512<float> cd = Avx512F.UnpackLow(c, d) + Avx512F.UnpackHigh(c, d);
                Vector512<float> sums = Avx512F.Shuffle(ab, cd, 0b01_00_01_00) + Avx512F.Shuffle(ab, cd, 0b11_10_11_10);
                Vector256<float> half = sums.GetLower() + sums.GetUpper();
                return half.GetLower() + half.GetUpper();
            }

            return Blas.Sum4(Fold(a), Fold(b), Fold(c), Fold(d));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(Vector512<float> value) => Vector128.Sum(Fold(value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> Fold(Vector512<float> value)
        {
            Vector256<float> half = value.GetLower() + value.GetUpper();
            return half.GetLower() + half.GetUpper();
        }
    }
}
