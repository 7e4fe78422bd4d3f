#!/usr/bin/python3
"""PyTorch twins of the RnnGen benchmark workloads W1-W4 (see WORKLOADS.md).

Usage:
    /usr/bin/python3 benchmarks/pytorch/bench_torch.py [--quick] [--threads N]
                                                       [--only w1-infer-b1,w3-lstm-h8,...]

Prints one JSON object per line and workload to stdout (the WORKLOADS.md shape) and a
human-readable table to stderr at the end.

Timing needs Debian's OpenBLAS (`apt-get install -y libopenblas0-openmp`): Debian's
python3-torch 1.13 otherwise runs on the reference BLAS (~20x slower for a 512x512 matmul).
OPENBLAS_CORETYPE is removed from the environment before torch is imported (a forced core
type made a 512x512 matmul ~1.6x slower here); the BLAS libraries actually mapped into the
process are printed to stderr.
"""

import argparse
import gc
import json
import os
import statistics
import sys
import time

# Must happen before torch (and with it OpenBLAS) is loaded: os.environ.pop calls unsetenv.
os.environ.pop("OPENBLAS_CORETYPE", None)


def _parse_args():
    p = argparse.ArgumentParser(description="PyTorch twins of the RnnGen workloads W1-W4")
    p.add_argument("--quick", action="store_true", help="~5x shorter warm-up and measurement")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    p.add_argument("--only", default="", help="comma-separated workload names")
    return p.parse_args()


ARGS = _parse_args()
# OpenBLAS (OpenMP build) and torch's intra-op pool both follow the OpenMP thread count.
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# ---------------------------------------------------------------------------------------------
# FLOPs per sequence (per step for W3). Convention of WORKLOADS.md: 2*rows*cols per
# matrix-vector product, one-hot inputs counted as dense products, activations, softmax,
# loss and optimizer left out.
#
# Forward, per time step, per recurrent layer (and per direction):
#     LSTM: 2 * 4H * (In + H)      GRU: 2 * 3H * (In + H)      (In = X for layer 1, else H or 2H)
#   plus a dense head 2 * Y * K (K = H, or 2H bidirectional), every step (ManyToMany) or
#   once on the last step (ManyToOne).
#
# Training = forward + backward, backward = weight gradients + gradients w.r.t. the inputs of
# every matrix product except the network input x (nothing upstream needs dx):
#     weight grads:     the same 2*rows*cols as the forward, for every product
#     input grads:      recurrent layer 1: 2 * G*H * H        (dh only, no dx)
#                       recurrent layer l>1: 2 * G*H * (In + H)
#                       dense head: 2 * Y * K
#   (G = 4 for LSTM, 3 for GRU)   =>   train = 2 * forward + input-grad products
#
#   W1 (X=65,H=128,Y=65,T=100):  fwd = T*(2*4H*(X+H) + 2*Y*H)             = 21,427,200
#                                train = 2*fwd + T*(2*4H*H + 2*Y*H)        = 57,625,600
#   W2 (X=32,H=256,2 layers,Y=10,T=50):
#                                fwd = T*(2*3H*(X+H) + 2*3H*(H+H)) + 2*Y*H = 61,445,120
#                                train = 2*fwd + T*(2*3H*H + 2*3H*(H+H)) + 2*Y*H
#                                                                          = 181,877,760
#   W4 (X=4,H=64,bidir,Y=3,T=200):
#                                fwd = T*(2*(2*4H*(X+H)) + 2*Y*2H)         = 14,080,000
#                                train = 2*fwd + T*(2*(2*4H*H) + 2*Y*2H)   = 41,420,800
#   W3 (X=1, one step):          LSTM 2*4H*(X+H): H=8 576, H=32 8,448, H=64 33,280
#                                GRU  2*3H*(X+H): H=32 6,336, H=64 24,960
# ---------------------------------------------------------------------------------------------


def _rnn_flops(kind, x, h, layers=1, bidir=False):
    """(forward, input-grad) FLOPs per time step of a (stacked, maybe bidirectional) RNN."""
    g = 4 if kind == "lstm" else 3
    dirs = 2 if bidir else 1
    fwd = back_in = 0
    inp = x
    for layer in range(layers):
        fwd += dirs * 2 * g * h * (inp + h)
        back_in += dirs * 2 * g * h * (h if layer == 0 else inp + h)
        inp = dirs * h
    return fwd, back_in


def _seq_flops(kind, x, h, y, t, layers=1, bidir=False, many_to_many=True):
    rf, rb = _rnn_flops(kind, x, h, layers, bidir)
    k = (2 if bidir else 1) * h
    dense = 2 * y * k
    heads = t if many_to_many else 1
    fwd = t * rf + heads * dense
    train = 2 * fwd + t * rb + heads * dense
    return fwd, train


W1_FWD, W1_TRAIN = _seq_flops("lstm", 65, 128, 65, 100)
W2_FWD, W2_TRAIN = _seq_flops("gru", 32, 256, 10, 50, layers=2, many_to_many=False)
W4_FWD, W4_TRAIN = _seq_flops("lstm", 4, 64, 3, 200, bidir=True)
assert (W1_FWD, W1_TRAIN) == (21_427_200, 57_625_600)
assert (W2_FWD, W2_TRAIN) == (61_445_120, 181_877_760)
assert (W4_FWD, W4_TRAIN) == (14_080_000, 41_420_800)


def _cell_flops(kind, x, h):
    return _rnn_flops(kind, x, h)[0]


# ---------------------------------------------------------------------------------------------
# Models (PyTorch default init, created right after torch.manual_seed(42)).
# ---------------------------------------------------------------------------------------------


class ManyToMany(nn.Module):
    """W1 / W4: recurrent layer + Linear head every step; softmax only for inference."""

    def __init__(self, rnn, head):
        super().__init__()
        self.rnn = rnn
        self.fc = head

    def logits(self, x):
        out, _ = self.rnn(x)  # (B, T, K)
        return self.fc(out)  # (B, T, Y)

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=-1)


class ManyToOne(nn.Module):
    """W2: recurrent stack + Linear head on the last step (h_n[-1] == output[:, -1])."""

    def __init__(self, rnn, head):
        super().__init__()
        self.rnn = rnn
        self.fc = head

    def logits(self, x):
        out, _ = self.rnn(x)  # (B, T, H)
        return self.fc(out[:, -1])  # (B, Y)

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=-1)


def make_w1():
    return ManyToMany(nn.LSTM(65, 128, batch_first=True), nn.Linear(128, 65))


def make_w2():
    return ManyToOne(nn.GRU(32, 256, num_layers=2, batch_first=True), nn.Linear(256, 10))


def make_w4():
    return ManyToMany(nn.LSTM(4, 64, batch_first=True, bidirectional=True), nn.Linear(128, 3))


def one_hot_input(batch, steps, classes):
    ids = torch.randint(0, classes, (batch, steps))
    return F.one_hot(ids, classes).to(torch.float32).contiguous()


# ---------------------------------------------------------------------------------------------
# Workload setups: each returns (call, calls_per_sample_hint). call() runs one timed call.
# ---------------------------------------------------------------------------------------------


def setup_infer(make, batch, steps, x_size, one_hot):
    torch.manual_seed(42)
    model = make().eval()
    if one_hot:
        x = one_hot_input(batch, steps, x_size)
    else:
        x = torch.randn(batch, steps, x_size)

    def call():
        with torch.inference_mode():
            return model(x)

    return call


def setup_train(make, batch, steps, x_size, classes, one_hot, per_step_targets):
    torch.manual_seed(42)
    model = make().train()
    if one_hot:
        x = one_hot_input(batch, steps, x_size)
    else:
        x = torch.randn(batch, steps, x_size)
    if per_step_targets:
        target = torch.randint(0, classes, (batch * steps,))
    else:
        target = torch.randint(0, classes, (batch,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def call():
        opt.zero_grad()
        logits = model.logits(x)
        loss = F.cross_entropy(logits.reshape(-1, classes), target)  # mean reduction
        loss.backward()
        opt.step()
        return loss

    return call


def setup_cell(kind, hidden):
    torch.manual_seed(42)
    cell = (nn.LSTMCell(1, hidden) if kind == "lstm" else nn.GRUCell(1, hidden)).eval()
    n_inputs = 4096
    xs = list(torch.randn(n_inputs, 1, 1).unbind(0))  # each (B=1, X=1)
    state = {"i": 0}
    with torch.inference_mode():
        if kind == "lstm":
            state["s"] = (torch.zeros(1, hidden), torch.zeros(1, hidden))
        else:
            state["s"] = torch.zeros(1, hidden)

    if kind == "lstm":

        def call():
            i = state["i"]
            with torch.inference_mode():
                state["s"] = cell(xs[i], state["s"])  # (h, c) carried
            state["i"] = (i + 1) % n_inputs

    else:

        def call():
            i = state["i"]
            with torch.inference_mode():
                state["s"] = cell(xs[i], state["s"])  # h carried
            state["i"] = (i + 1) % n_inputs

    return call


# name -> (batch, flop_per_seq, setup thunk, is_cell)
WORKLOADS = {
    "w1-infer-b1": (1, W1_FWD, lambda: setup_infer(make_w1, 1, 100, 65, True), False),
    "w1-train-b1": (1, W1_TRAIN, lambda: setup_train(make_w1, 1, 100, 65, 65, True, True), False),
    "w1-train-b32": (32, W1_TRAIN, lambda: setup_train(make_w1, 32, 100, 65, 65, True, True), False),
    "w2-infer-b1": (1, W2_FWD, lambda: setup_infer(make_w2, 1, 50, 32, False), False),
    "w2-infer-b32": (32, W2_FWD, lambda: setup_infer(make_w2, 32, 50, 32, False), False),
    "w2-train-b32": (32, W2_TRAIN, lambda: setup_train(make_w2, 32, 50, 32, 10, False, False), False),
    "w3-lstm-h8": (1, _cell_flops("lstm", 1, 8), lambda: setup_cell("lstm", 8), True),
    "w3-lstm-h32": (1, _cell_flops("lstm", 1, 32), lambda: setup_cell("lstm", 32), True),
    "w3-lstm-h64": (1, _cell_flops("lstm", 1, 64), lambda: setup_cell("lstm", 64), True),
    "w3-gru-h32": (1, _cell_flops("gru", 1, 32), lambda: setup_cell("gru", 32), True),
    "w3-gru-h64": (1, _cell_flops("gru", 1, 64), lambda: setup_cell("gru", 64), True),
    "w4-train-b16": (16, W4_TRAIN, lambda: setup_train(make_w4, 16, 200, 4, 3, True, True), False),
}
assert [WORKLOADS[n][1] for n in ("w3-lstm-h8", "w3-lstm-h32", "w3-lstm-h64")] == [576, 8448, 33280]
assert [WORKLOADS[n][1] for n in ("w3-gru-h32", "w3-gru-h64")] == [6336, 24960]

# ---------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------


def quantile(sorted_vals, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    n = len(sorted_vals)
    if n == 1:
        return float(sorted_vals[0])
    pos = q * (n - 1)
    lo = int(pos)
    hi = min(lo + 1, n - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (pos - lo)


def measure(call, is_cell, quick):
    """Returns per-call times in microseconds (one entry per sample)."""
    scale = 5 if quick else 1
    warm_calls, warm_ns = 20 // scale, int(0.5e9) // scale
    min_samples, min_ns, max_ns = 30 // scale, int(1e9) // scale, int(10e9) // scale
    pc = time.perf_counter_ns

    # Warm-up: at least warm_calls calls and at least warm_ns (cells: many more calls).
    t0 = pc()
    n = 0
    while n < max(3, warm_calls) or pc() - t0 < warm_ns:
        call()
        n += 1
    per_call_ns = (pc() - t0) / n

    # Cells run microseconds per step: batch calls so one sample is ~1 ms, divide.
    inner = max(1, int(1e6 / per_call_ns)) if is_cell else 1
    if is_cell:
        min_samples = max(min_samples, 200 // scale)

    samples = []
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        start = pc()
        while True:
            if inner == 1:
                t = pc()
                call()
                samples.append((pc() - t) / 1e3)
            else:
                t = pc()
                for _ in range(inner):
                    call()
                samples.append((pc() - t) / 1e3 / inner)
            elapsed = pc() - start
            if len(samples) >= min_samples and elapsed >= min_ns:
                break
            if elapsed >= max_ns and len(samples) >= max(5, min_samples // 3):
                break
    finally:
        if gc_was_enabled:
            gc.enable()
    return samples, inner


def blas_libraries():
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        return []
    return sorted(p for p in paths if "blas" in p.lower() or "lapack" in p.lower())


def _loadavg():
    try:
        return "/".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


def main():
    names = list(WORKLOADS)
    if ARGS.only:
        wanted = [s.strip() for s in ARGS.only.split(",") if s.strip()]
        unknown = [s for s in wanted if s not in WORKLOADS]
        if unknown:
            sys.exit(f"unknown workload(s): {', '.join(unknown)}; known: {', '.join(names)}")
        names = [n for n in names if n in wanted]

    torch.set_num_threads(ARGS.threads)
    runtime = f"pytorch {torch.__version__}"
    # Touch BLAS once so its libraries are mapped, then say which ones they are.
    torch.randn(8, 8) @ torch.randn(8, 8)
    print(
        f"# {runtime}, threads={torch.get_num_threads()}, quick={ARGS.quick}, "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '<unset>')}, "
        f"BLAS: {', '.join(blas_libraries()) or '?'}, load average {_loadavg()} "
        f"(other processes on these cores distort the timings, most of all with 2 threads)",
        file=sys.stderr,
        flush=True,
    )

    rows = []
    t_all = time.perf_counter()
    for name in names:
        batch, flop_per_seq, setup, is_cell = WORKLOADS[name]
        call = setup()
        samples, inner = measure(call, is_cell, ARGS.quick)
        samples.sort()
        med = statistics.median(samples)
        per_seq = med / batch
        rec = {
            "workload": name,
            "runtime": runtime,
            "threads": ARGS.threads,
            "batch": batch,
            "median_us_per_batch": round(med, 3),
            "median_us_per_seq": round(per_seq, 3),
            "p10_us_per_batch": round(quantile(samples, 0.10), 3),
            "p90_us_per_batch": round(quantile(samples, 0.90), 3),
            "flop_per_seq": flop_per_seq,
            "gflops": round(flop_per_seq / per_seq / 1e3, 4),
            "alloc_bytes_per_call": None,
        }
        print(json.dumps(rec, separators=(",", ":")), flush=True)
        rows.append((rec, len(samples), inner))
        del call
        gc.collect()

    total = time.perf_counter() - t_all
    hdr = (
        f"{'workload':<14} {'B':>3} {'median us/batch':>16} {'us/seq':>12} "
        f"{'p10':>12} {'p90':>12} {'GFLOP/s':>8} {'samples':>8}"
    )
    print(f"\n{runtime}, {ARGS.threads} thread(s){' (quick)' if ARGS.quick else ''}", file=sys.stderr)
    print(hdr, file=sys.stderr)
    print("-" * len(hdr), file=sys.stderr)
    for rec, n, inner in rows:
        smp = f"{n}x{inner}" if inner > 1 else str(n)
        print(
            f"{rec['workload']:<14} {rec['batch']:>3} {rec['median_us_per_batch']:>16,.1f} "
            f"{rec['median_us_per_seq']:>12,.2f} {rec['p10_us_per_batch']:>12,.1f} "
            f"{rec['p90_us_per_batch']:>12,.1f} {rec['gflops']:>8.3f} {smp:>8}",
            file=sys.stderr,
        )
    print(f"total {total:.1f} s, load average at end {_loadavg()}", file=sys.stderr)


if __name__ == "__main__":
    main()
