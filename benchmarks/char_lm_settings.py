"""Validation-only comparison of training settings for the language models of notebook 06.

    python benchmarks/char_lm_settings.py [--epochs 2] [--threads 1]

Trains the RNN, LSTM and GRU CharLM of notebook 06 with the notebook's recipe
(N = 128 streams, T = 8, Adam lr 0.01 halved after each epoch, clipping at a
global norm of 1, two epochs) and with one setting changed at a time: the
learning rate, the clipping threshold, the chunk shape (always 1,024
characters per update), no learning-rate decay, and no state carried between
chunks. Two more seeds of the recipe show how much a score moves by chance.

Every score is bits per character on the VALIDATION text (the held-out text
is never read here), after the last epoch, with the state carried. It prints
a markdown table; the notebook quotes it. Takes minutes: 36 training runs.
"""
import argparse
import os
import sys
import time

RECIPE = dict(batch_size=128, seq_len=8, lr=0.01, clip=1.0, lr_decay=0.5, carry_state=True)
VARIANTS = [  # (label, changes to the recipe, seed)
    ("the notebook's recipe", {}, 0),
    ("same, seed 1", {}, 1),
    ("same, seed 2", {}, 2),
    ("lr 0.003", dict(lr=0.003), 0),
    ("lr 0.03", dict(lr=0.03), 0),
    ("clip 0.25", dict(clip=0.25), 0),
    ("clip 5", dict(clip=5.0), 0),
    ("N = 256, T = 4", dict(batch_size=256, seq_len=4), 0),
    ("N = 64, T = 16", dict(batch_size=64, seq_len=16), 0),
    ("N = 32, T = 32", dict(batch_size=32, seq_len=32), 0),
    ("no lr decay", dict(lr_decay=1.0), 0),
    ("state reset every chunk", dict(carry_state=False), 0),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2, help="passes over the training text")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    return parser.parse_args()


def main():
    args = parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import numpy as np  # only now, so the thread setting takes effect

    from rnn_helpers import charlm

    train_text, val_text, _ = charlm.split_text(charlm.load_corpus())  # held-out: never used
    vocab = charlm.Vocabulary.from_text(train_text)
    train_ids, val_ids = vocab.encode(train_text), vocab.encode(val_text)
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}; E = 32, H = 128, "
          f"{args.epochs} epochs; validation bits per character (lower is better)\n")
    start, rows = time.perf_counter(), []
    for label, changes, seed in VARIANTS:
        settings = {**RECIPE, **changes}
        scores = {}
        for cell in ("rnn", "lstm", "gru"):
            model = charlm.CharLM(vocab, cell=cell, embed_dim=32, hidden_size=128, seed=seed)
            charlm.train_lm(model, train_ids, num_epochs=args.epochs, **settings)
            scores[cell] = charlm.bits_per_char(model, val_ids)
        rows.append((label, scores))
        print(f"  {label}: " + ", ".join(f"{c} {v:.3f}" for c, v in scores.items()),
              file=sys.stderr, flush=True)  # progress
    print("| setting | RNN | LSTM | GRU | mean |\n|---|---|---|---|---|")
    for label, s in rows:
        print(f"| {label} | {s['rnn']:.3f} | {s['lstm']:.3f} | {s['gru']:.3f} | "
              f"{np.mean(list(s.values())):.3f} |")
    print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
