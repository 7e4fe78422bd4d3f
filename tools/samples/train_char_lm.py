#!/usr/bin/python3
"""Train the character language model used by the CharLm sample.

Run from anywhere with Debian's system Python and its PyTorch package:

    sudo apt-get install python3-torch
    /usr/bin/python3 tools/samples/train_char_lm.py

The model is PyTorch's nn.LSTM(V, 64, batch_first=True) on one-hot characters followed by
nn.Linear(64, V), trained with cross-entropy and Adam on samples/CharLm/corpus.txt (a selection
of Shakespeare's sonnets, lowercased), with dropout on the LSTM output while training (it has no
parameters and is the identity at inference, so the network that runs afterwards is exactly
LSTM -> Linear). The last sonnet of the corpus is held out from training and used for evaluation.

Output: samples/CharLm/weights/charlm.safetensors, written by hand (no safetensors package):
an 8-byte little-endian header length, a JSON header padded with spaces to a multiple of 8,
then raw little-endian float32 data. The tensors are the model's state_dict:

    lstm.weight_ih_l0 [4H, V]   lstm.weight_hh_l0 [4H, H]   lstm.bias_ih_l0 [4H]
    lstm.bias_hh_l0 [4H]        fc.weight [V, H]            fc.bias [V]

and "__metadata__" holds (all values are strings, as the format requires):

    alphabet                       the characters in id order (sorted, ordinal); id = index
    steps, hidden                  the window length T used for evaluation, the hidden size H
    iterations, learning_rate,     the training settings
    dropout
    train_loss                     mean cross-entropy (nats/char) over the training text
    heldout_text                   the held-out sonnet
    heldout_cross_entropy          its mean cross-entropy, scored in windows of T characters,
                                   each window starting from a zero state (what a fixed-length
                                   Predict call computes)
    heldout_cross_entropy_stream   the same text scored in one pass, the state carried from
                                   character to character (what repeated Step calls compute)

Training is deterministic for a given PyTorch build: fixed seeds, two threads, fixed step count.
"""

import argparse
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HIDDEN = 64
STEPS = 64          # window length T, also the sample's [RnnModel(Steps = ...)]
BATCH = 32
SEED = 1234

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(REPO, "samples", "CharLm", "corpus.txt")
OUTPUT = os.path.join(REPO, "samples", "CharLm", "weights", "charlm.safetensors")


class CharLm(nn.Module):
    def __init__(self, vocab, hidden, dropout):
        super().__init__()
        self.vocab = vocab
        self.lstm = nn.LSTM(vocab, hidden, batch_first=True)
        # Training only (identity in eval mode) and parameter-free: the state_dict and the
        # inference network stay exactly LSTM -> Linear.
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(hidden, vocab)

    def forward(self, ids, state=None):
        x = F.one_hot(ids, self.vocab).float()
        h, state = self.lstm(x, state)
        return self.fc(self.dropout(h)), state


def load_corpus(path):
    with open(path, "r", encoding="utf-8") as f:
        text = f.read().lower().replace("\r\n", "\n")
    poems = [p.strip("\n") + "\n" for p in text.split("\n\n") if p.strip()]
    if len(poems) < 2:
        sys.exit("corpus.txt must hold several poems separated by blank lines")
    train = "\n".join(poems[:-1])
    heldout = poems[-1]
    return text, train, heldout


def cross_entropy_windows(model, ids, steps):
    """Mean cross-entropy of ids[1:] given ids[:-1], in windows of `steps`, zero state per window."""
    total, count = 0.0, 0
    n = ids.numel() - 1
    with torch.no_grad():
        for start in range(0, n, steps):
            end = min(start + steps, n)
            logits, _ = model(ids[start:end].unsqueeze(0))
            logp = F.log_softmax(logits[0], dim=-1)
            target = ids[start + 1:end + 1]
            total += -logp.gather(1, target.unsqueeze(1)).double().sum().item()
            count += end - start
    return total / count


def cross_entropy_stream(model, ids):
    """Mean cross-entropy of ids[1:] given ids[:-1], one pass with the state carried throughout."""
    with torch.no_grad():
        logits, _ = model(ids[:-1].unsqueeze(0))
        logp = F.log_softmax(logits[0], dim=-1)
        return -logp.gather(1, ids[1:].unsqueeze(1)).double().mean().item()


def save_safetensors(path, tensors, metadata):
    """Write tensors (name -> float32 tensor, in order) as a safetensors file, by hand."""
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, tensor in tensors:
        t = tensor.detach().to(torch.float32).contiguous().reshape(-1)
        blob = struct.pack("<%df" % t.numel(), *t.tolist())
        header[name] = {
            "dtype": "F32",
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(blob)],
        }
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=2000, help="optimizer steps (default 2000)")
    parser.add_argument("--lr", type=float, default=1e-2, help="initial Adam learning rate, cosine-decayed to 1%% of it (default 0.01)")
    parser.add_argument("--dropout", type=float, default=0.5, help="dropout on the LSTM output while training (default 0.5)")
    parser.add_argument("--output", default=OUTPUT, help="safetensors file to write")
    args = parser.parse_args()

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    generator = torch.Generator().manual_seed(SEED)

    text, train_text, heldout = load_corpus(CORPUS)
    alphabet = "".join(sorted(set(text)))
    vocab = len(alphabet)
    index = {c: i for i, c in enumerate(alphabet)}
    encode = lambda s: torch.tensor([index[c] for c in s], dtype=torch.long)
    train_ids = encode(train_text)
    heldout_ids = encode(heldout)
    print(f"corpus: {len(text)} chars, alphabet V={vocab} {alphabet!r}")
    print(f"training on {len(train_text)} chars, holding out {len(heldout)} chars (the last poem)")

    model = CharLm(vocab, HIDDEN, args.dropout)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.iterations, eta_min=args.lr / 100)

    span = STEPS + 1
    offsets = torch.arange(span)
    started = time.time()
    running = None
    for step in range(1, args.iterations + 1):
        starts = torch.randint(0, train_ids.numel() - span + 1, (BATCH,), generator=generator)
        window = train_ids[starts.unsqueeze(1) + offsets]
        logits, _ = model(window[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, vocab), window[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        schedule.step()
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if step % 250 == 0 or step == args.iterations:
            model.eval()
            heldout_now = cross_entropy_windows(model, heldout_ids, STEPS)
            model.train()
            print(f"step {step:5d}  loss {running:.4f}  held-out {heldout_now:.4f}  ({time.time() - started:.0f} s)", flush=True)

    model.eval()
    train_loss = cross_entropy_windows(model, train_ids, STEPS)
    heldout_ce = cross_entropy_windows(model, heldout_ids, STEPS)
    heldout_stream = cross_entropy_stream(model, heldout_ids)

    state = model.state_dict()
    names = ["lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "fc.weight", "fc.bias"]
    if sorted(names) != sorted(state.keys()):
        sys.exit(f"unexpected state_dict keys: {sorted(state.keys())}")
    metadata = {
        "format": "pt",
        "model": f"nn.LSTM({vocab}, {HIDDEN}, batch_first=True) + nn.Linear({HIDDEN}, {vocab}), one-hot characters",
        "alphabet": alphabet,
        "steps": str(STEPS),
        "hidden": str(HIDDEN),
        "iterations": str(args.iterations),
        "learning_rate": repr(args.lr),
        "dropout": repr(args.dropout),
        "train_loss": repr(train_loss),
        "heldout_text": heldout,
        "heldout_cross_entropy": repr(heldout_ce),
        "heldout_cross_entropy_stream": repr(heldout_stream),
        "torch_version": torch.__version__,
    }
    save_safetensors(args.output, [(n, state[n]) for n in names], metadata)

    print(f"train cross-entropy:   {train_loss:.6f} nats/char")
    print(f"held-out cross-entropy (windows of {STEPS}, zero state): {heldout_ce:.6f} nats/char, perplexity {math.exp(heldout_ce):.4f}")
    print(f"held-out cross-entropy (one pass, state carried):  {heldout_stream:.6f} nats/char, perplexity {math.exp(heldout_stream):.4f}")
    print(f"wrote {os.path.relpath(args.output, REPO)} ({os.path.getsize(args.output)} bytes, "
          f"{sum(state[n].numel() for n in names)} parameters)")


if __name__ == "__main__":
    main()
