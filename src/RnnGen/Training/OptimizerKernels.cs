using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnGen.Training;

/// <summary>
/// The element-wise update rules. Each element is computed with the same float operations in
/// the same order (no fused multiply-add) in the vector body and the scalar tail, so results do
/// not depend on the vector width. The order follows PyTorch's in-place tensor operations.
/// </summary>
internal static class OptimizerKernels
{
    /// <summary>
    /// torch.optim.SGD: d = g + wd·p; with momentum, buf = d on the first step else
    /// buf·momentum + (1 − dampening)·d, and d = nesterov ? d + momentum·buf : buf; p += (−lr)·d.
    /// </summary>
    public static void Sgd(
        Span<float> parameters,
        ReadOnlySpan<float> gradients,
        Span<float> momentumBuffer,
        float learningRate,
        float momentum,
        float oneMinusDampening,
        bool nesterov,
        float weightDecay,
        bool firstStep)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float b = ref MemoryMarshal.GetReference(momentumBuffer);
        bool decay = weightDecay != 0;
        bool useMomentum = momentum != 0;
        float negLr = -learningRate;
        int length = parameters.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<float>.Count)
        {
            int n = Vector<float>.Count;
            var vNegLr = new Vector<float>(negLr);
            var vWd = new Vector<float>(weightDecay);
            var vMom = new Vector<float>(momentum);
            var vDamp = new Vector<float>(oneMinusDampening);
            for (; i <= length - n; i += n)
            {
                ref float pi = ref Unsafe.Add(ref p, i);
                Vector<float> pv = Vector.LoadUnsafe(ref pi);
                Vector<float> d = Vector.LoadUnsafe(ref Unsafe.Add(ref g, i));
                if (decay)
                {
                    d += vWd * pv;
                }

                if (useMomentum)
                {
                    ref float bi = ref Unsafe.Add(ref b, i);
                    Vector<float> buf = firstStep ? d : (Vector.LoadUnsafe(ref bi) * vMom) + (vDamp * d);
                    Vector.StoreUnsafe(buf, ref bi);
                    d = nesterov ? d + (vMom * buf) : buf;
                }

                Vector.StoreUnsafe(pv + (vNegLr * d), ref pi);
            }
        }

        for (; i < length; i++)
        {
            float pv = Unsafe.Add(ref p, i);
            float d = Unsafe.Add(ref g, i);
            if (decay)
            {
                d += weightDecay * pv;
            }

            if (useMomentum)
            {
                ref float bi = ref Unsafe.Add(ref b, i);
                float buf = firstStep ? d : (bi * momentum) + (oneMinusDampening * d);
                bi = buf;
                d = nesterov ? d + (momentum * buf) : buf;
            }

            Unsafe.Add(ref p, i) = pv + (negLr * d);
        }
    }

    /// <summary>
    /// torch.optim.Adam / AdamW (non-amsgrad): p ·= decayFactor (AdamW's 1 − lr·wd, else 1);
    /// g += l2·p (Adam's weight decay, else 0); m = m·β1 + (1 − β1)·g; v = v·β2 + ((1 − β2)·g)·g;
    /// p += (−lr / bc1) · (m / (√v / √bc2 + ε)).
    /// </summary>
    public static void Adam(
        Span<float> parameters,
        ReadOnlySpan<float> gradients,
        Span<float> firstMoment,
        Span<float> secondMoment,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float l2,
        float decayFactor,
        float biasCorrection2Sqrt,
        float epsilon,
        float negativeStepSize)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float m = ref MemoryMarshal.GetReference(firstMoment);
        ref float v = ref MemoryMarshal.GetReference(secondMoment);
        bool useL2 = l2 != 0;
        int length = parameters.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<float>.Count)
        {
            int n = Vector<float>.Count;
            var vB1 = new Vector<float>(beta1);
            var vOmB1 = new Vector<float>(oneMinusBeta1);
            var vB2 = new Vector<float>(beta2);
            var vOmB2 = new Vector<float>(oneMinusBeta2);
            var vL2 = new Vector<float>(l2);
            var vDecay = new Vector<float>(decayFactor);
            var vBc2 = new Vector<float>(biasCorrection2Sqrt);
            var vEps = new Vector<float>(epsilon);
            var vStep = new Vector<float>(negativeStepSize);
            for (; i <= length - n; i += n)
            {
                ref float pi = ref Unsafe.Add(ref p, i);
                ref float mi = ref Unsafe.Add(ref m, i);
                ref float vi = ref Unsafe.Add(ref v, i);
                Vector<float> pv = Vector.LoadUnsafe(ref pi);
                Vector<float> gv = Vector.LoadUnsafe(ref Unsafe.Add(ref g, i));
                if (useL2)
                {
                    gv += vL2 * pv;
                }

                Vector<float> mv = (Vector.LoadUnsafe(ref mi) * vB1) + (vOmB1 * gv);
                Vector<float> sv = (Vector.LoadUnsafe(ref vi) * vB2) + (vOmB2 * gv * gv);
                Vector<float> denom = (Vector.SquareRoot(sv) / vBc2) + vEps;
                Vector.StoreUnsafe(mv, ref mi);
                Vector.StoreUnsafe(sv, ref vi);
                Vector.StoreUnsafe((pv * vDecay) + (vStep * (mv / denom)), ref pi);
            }
        }

        for (; i < length; i++)
        {
            ref float pi = ref Unsafe.Add(ref p, i);
            ref float mi = ref Unsafe.Add(ref m, i);
            ref float vi = ref Unsafe.Add(ref v, i);
            float pv = pi;
            float gv = Unsafe.Add(ref g, i);
            if (useL2)
            {
                gv += l2 * pv;
            }

            float mv = (mi * beta1) + (oneMinusBeta1 * gv);
            float sv = (vi * beta2) + (oneMinusBeta2 * gv * gv);
            float denom = (MathF.Sqrt(sv) / biasCorrection2Sqrt) + epsilon;
            mi = mv;
            vi = sv;
            pi = (pv * decayFactor) + (negativeStepSize * (mv / denom));
        }
    }
}
