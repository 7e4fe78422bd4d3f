using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Numerics.Tensors;

namespace RnnGen.Kernels;

/// <summary>
/// The element-wise part of one recurrent step, for one batch row. The matrix products are done
/// by the generated code through <see cref="Blas"/>; these finish the step. Every method is safe
/// when an output aliases the input it replaces element by element (for streaming, in place).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Cells
{
    /// <summary>
    /// LSTM: <paramref name="gates"/> holds the pre-activations [i, f, g, o] (each H) and is
    /// replaced by the activations; c = f ⊙ c_prev + i ⊙ g; h = o ⊙ tanh(c).
    /// </summary>
    public static void LstmForward(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h)
    {
        int n = h.Length;
        Debug.Assert(gates.Length == 4 * n && cPrev.Length == n && c.Length == n);
        var ifg = gates.Slice(0, 2 * n);
        var g = gates.Slice(2 * n, n);
        var o = gates.Slice(3 * n, n);
        TensorPrimitives.Sigmoid(ifg, ifg);            // i, f
        TensorPrimitives.Tanh(g, g);                    // g
        TensorPrimitives.Sigmoid(o, o);                 // o
        var i = gates.Slice(0, n);
        var f = gates.Slice(n, n);
        TensorPrimitives.Multiply(f, cPrev, c);         // c = f ⊙ c_prev
        TensorPrimitives.FusedMultiplyAdd(i, g, c, c);  //   + i ⊙ g
        TensorPrimitives.Tanh(c, h);                    // h = tanh(c)
        TensorPrimitives.Multiply(o, h, h);             //   ⊙ o
    }

    /// <summary>
    /// GRU, reset gate applied after the hidden product (PyTorch): <paramref name="gx"/> holds
    /// W_ih x + b_ih [r, z, n] and is replaced by the activations r, z, n; <paramref name="gh"/> holds
    /// W_hh h + b_hh. r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r ⊙ gh_n),
    /// h = (1 − z) ⊙ n + z ⊙ h_prev.
    /// </summary>
    public static void GruForward(Span<float> gx, ReadOnlySpan<float> gh, ReadOnlySpan<float> hPrev, Span<float> h)
    {
        int n = h.Length;
        Debug.Assert(gx.Length == 3 * n && gh.Length == 3 * n && hPrev.Length == n);
        var rz = gx.Slice(0, 2 * n);
        TensorPrimitives.Add(rz, gh.Slice(0, 2 * n), rz);
        TensorPrimitives.Sigmoid(rz, rz);
        FinishGru(gx, gh.Slice(2 * n, n), hPrev, h, multiplyByReset: true);
    }

    /// <summary>
    /// GRU, reset gate applied before the hidden product (Cho et al. 2014), first half:
    /// r = σ(gx_r + gh_r), z = σ(gx_z + gh_z) (written over gx's first 2H), rh = r ⊙ h_prev.
    /// </summary>
    public static void GruResetBeforeGates(Span<float> gx, ReadOnlySpan<float> ghRz, ReadOnlySpan<float> hPrev, Span<float> rh)
    {
        int n = rh.Length;
        Debug.Assert(gx.Length == 3 * n && ghRz.Length == 2 * n && hPrev.Length == n);
        var rz = gx.Slice(0, 2 * n);
        TensorPrimitives.Add(rz, ghRz, rz);
        TensorPrimitives.Sigmoid(rz, rz);
        TensorPrimitives.Multiply(gx.Slice(0, n), hPrev, rh);
    }

    /// <summary>
    /// GRU ResetBefore, second half: n = tanh(gx_n + ghN) with ghN = W_hn (r ⊙ h) + b_hn;
    /// h = (1 − z) ⊙ n + z ⊙ h_prev.
    /// </summary>
    public static void GruResetBeforeFinish(Span<float> gx, ReadOnlySpan<float> ghN, ReadOnlySpan<float> hPrev, Span<float> h)
    {
        Debug.Assert(gx.Length == 3 * h.Length && ghN.Length == h.Length);
        FinishGru(gx, ghN, hPrev, h, multiplyByReset: false);
    }

    private static void FinishGru(Span<float> gx, ReadOnlySpan<float> hiddenN, ReadOnlySpan<float> hPrev, Span<float> h, bool multiplyByReset)
    {
        int n = h.Length;
        var r = gx.Slice(0, n);
        var z = gx.Slice(n, n);
        var nn = gx.Slice(2 * n, n);
        if (multiplyByReset) TensorPrimitives.FusedMultiplyAdd(r, hiddenN, nn, nn); // n = gx_n + r ⊙ gh_n
        else TensorPrimitives.Add(nn, hiddenN, nn);                               // n = gx_n + ghN
        TensorPrimitives.Tanh(nn, nn);
        TensorPrimitives.Subtract(hPrev, nn, h);                                   // h = h_prev − n
        TensorPrimitives.FusedMultiplyAdd(z, h, nn, h);                            //   z ⊙ (h_prev − n) + n
    }

    /// <summary>Elman RNN: <paramref name="pre"/> = tanh(pre) (kept for the backward pass), h = pre.</summary>
    public static void RnnTanhForward(Span<float> pre, Span<float> h)
    {
        TensorPrimitives.Tanh(pre, pre);
        pre.CopyTo(h);
    }

    /// <summary>Elman RNN: <paramref name="pre"/> = max(0, pre), h = pre.</summary>
    public static void RnnReluForward(Span<float> pre, Span<float> h)
    {
        TensorPrimitives.Max(pre, 0f, pre);
        pre.CopyTo(h);
    }
}
