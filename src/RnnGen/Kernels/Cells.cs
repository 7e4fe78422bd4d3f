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

    // ── Backward ────────────────────────────────────────────────────────────────────────────
    // Each quotes the forward lines it differentiates. Inputs are the values the forward pass
    // cached (gate activations, cell states); outputs are gradients w.r.t. the pre-activations.
    // "+=" outputs accumulate; an empty one is skipped.

    /// <summary>
    /// LSTM step backward. Forward: c = f ⊙ c_prev + i ⊙ g; h = o ⊙ tanh(c), with i, f, o = σ(·), g = tanh(·).
    /// <paramref name="dc"/> holds dL/dc from later steps (read only); <paramref name="dcPrev"/> += dL/dc_prev;
    /// <paramref name="dGates"/> = dL/d(pre-activations) [i, f, g, o].
    /// </summary>
    public static void LstmBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> c,
        ReadOnlySpan<float> dh, ReadOnlySpan<float> dc, Span<float> dcPrev, Span<float> dGates)
    {
        int n = c.Length;
        Debug.Assert(gates.Length == 4 * n && dGates.Length == 4 * n && dh.Length == n && dc.Length == n);
        bool hasPrev = dcPrev.Length != 0;
        for (int j = 0; j < n; j++)
        {
            float i = gates[j], f = gates[n + j], g = gates[2 * n + j], o = gates[3 * n + j];
            float tc = MathF.Tanh(c[j]);
            float dcj = dc[j] + dh[j] * o * (1f - tc * tc);   // h = o ⊙ tanh(c)
            float dO = dh[j] * tc;
            dGates[j] = dcj * g * i * (1f - i);              // c = … + i ⊙ g, i = σ(·)
            dGates[n + j] = dcj * cPrev[j] * f * (1f - f);   // c = f ⊙ c_prev + …, f = σ(·)
            dGates[2 * n + j] = dcj * i * (1f - g * g);      // g = tanh(·)
            dGates[3 * n + j] = dO * o * (1f - o);           // o = σ(·)
            if (hasPrev) dcPrev[j] += dcj * f;
        }
    }

    /// <summary>
    /// GRU (reset after) step backward. Forward: r = σ(gx_r + gh_r), z = σ(gx_z + gh_z),
    /// n = tanh(gx_n + r ⊙ gh_n), h = (1 − z) ⊙ n + z ⊙ h_prev.
    /// Writes <paramref name="dGx"/> = dL/dgx, <paramref name="dGh"/> = dL/dgh; <paramref name="dhPrev"/> += z ⊙ dh.
    /// </summary>
    public static void GruBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> gh, ReadOnlySpan<float> hPrev,
        ReadOnlySpan<float> dh, Span<float> dGx, Span<float> dGh, Span<float> dhPrev)
    {
        int n = dh.Length;
        Debug.Assert(gates.Length == 3 * n && gh.Length == 3 * n && dGx.Length == 3 * n && dGh.Length == 3 * n);
        bool hasPrev = dhPrev.Length != 0;
        for (int j = 0; j < n; j++)
        {
            float r = gates[j], z = gates[n + j], nn = gates[2 * n + j];
            float hp = hPrev[j];
            float dnPre = dh[j] * (1f - z) * (1f - nn * nn);  // h = (1 − z) ⊙ n + …, n = tanh(·)
            float dzPre = dh[j] * (hp - nn) * z * (1f - z);   // h = … + z ⊙ (h_prev − n), z = σ(·)
            float drPre = dnPre * gh[2 * n + j] * r * (1f - r); // n = tanh(gx_n + r ⊙ gh_n), r = σ(·)
            dGx[j] = drPre; dGx[n + j] = dzPre; dGx[2 * n + j] = dnPre;
            dGh[j] = drPre; dGh[n + j] = dzPre; dGh[2 * n + j] = dnPre * r;
            if (hasPrev) dhPrev[j] += dh[j] * z;
        }
    }

    /// <summary>
    /// GRU (reset before) step backward, first half: everything but the reset gate.
    /// Forward: n = tanh(gx_n + gh_n) with gh_n = W_hn (r ⊙ h_prev) + b_hn; h = (1 − z) ⊙ n + z ⊙ h_prev.
    /// Writes the z and n parts of <paramref name="dGx"/> and <paramref name="dGh"/> and zeroes their r parts;
    /// <paramref name="dhPrev"/> += z ⊙ dh.
    /// </summary>
    public static void GruResetBeforeBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dh,
        Span<float> dGx, Span<float> dGh, Span<float> dhPrev)
    {
        int n = dh.Length;
        bool hasPrev = dhPrev.Length != 0;
        for (int j = 0; j < n; j++)
        {
            float z = gates[n + j], nn = gates[2 * n + j];
            float hp = hPrev[j];
            float dnPre = dh[j] * (1f - z) * (1f - nn * nn);
            float dzPre = dh[j] * (hp - nn) * z * (1f - z);
            dGx[j] = 0f; dGx[n + j] = dzPre; dGx[2 * n + j] = dnPre;
            dGh[j] = 0f; dGh[n + j] = dzPre; dGh[2 * n + j] = dnPre;
            if (hasPrev) dhPrev[j] += dh[j] * z;
        }
    }

    /// <summary>
    /// GRU (reset before) step backward, second half: the reset gate. Forward: rh = r ⊙ h_prev, r = σ(gx_r + gh_r).
    /// <paramref name="dRh"/> = dL/d(r ⊙ h_prev) = W_hnᵀ dgh_n. Writes the r parts of <paramref name="dGx"/> and
    /// <paramref name="dGh"/>; <paramref name="dhPrev"/> += r ⊙ dRh.
    /// </summary>
    public static void GruResetBeforeBackwardReset(ReadOnlySpan<float> gates, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dRh,
        Span<float> dGx, Span<float> dGh, Span<float> dhPrev)
    {
        int n = dRh.Length;
        for (int j = 0; j < n; j++)
        {
            float r = gates[j];
            float drPre = dRh[j] * hPrev[j] * r * (1f - r);
            dGx[j] = drPre;
            dGh[j] = drPre;
            dhPrev[j] += dRh[j] * r;
        }
    }

    /// <summary>Elman RNN backward. Forward: h = tanh(pre). Writes dL/dpre = dh ⊙ (1 − h²).</summary>
    public static void RnnTanhBackward(ReadOnlySpan<float> h, ReadOnlySpan<float> dh, Span<float> dPre)
    {
        for (int j = 0; j < h.Length; j++) dPre[j] = dh[j] * (1f - h[j] * h[j]);
    }

    /// <summary>Elman RNN backward. Forward: h = max(0, pre). Writes dL/dpre = dh where h &gt; 0, else 0.</summary>
    public static void RnnReluBackward(ReadOnlySpan<float> h, ReadOnlySpan<float> dh, Span<float> dPre)
    {
        for (int j = 0; j < h.Length; j++) dPre[j] = h[j] > 0f ? dh[j] : 0f;
    }
}
