"""Training throughput of the character language models of notebook 06, in characters per second.

    python benchmarks/char_lm_throughput.py [--updates 60] [--repeats 5] [--threads 1]

Times full training updates (forward, backward, global-norm clipping and an
Adam step) of the RNN, LSTM and GRU CharLM at the notebook's sizes, on chunks
of the real corpus, in one run, and prints characters per second and the
ratio of each model to the LSTM. Each model is timed `repeats` times: the
best run shows what the machine can do, the median what it did while other
programs were running too.

--threads sets OPENBLAS_NUM_THREADS (and the OpenMP/MKL equivalents) before
numpy is imported. The notebook uses 1: the matrices here are small, and on a
busy machine several BLAS threads mostly wait for each other.
"""
import argparse
import os
import sys
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=60, help="timed updates per repeat")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per model")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    parser.add_argument("--batch-size", type=int, default=128, help="N parallel streams")
    parser.add_argument("--seq-len", type=int, default=8, help="T characters per chunk")
    parser.add_argument("--hidden-size", type=int, default=128, help="H hidden units")
    parser.add_argument("--embed-dim", type=int, default=32, help="E embedding size")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                        help="parameter dtype (the notebook trains in float32)")
    return parser.parse_args()


def time_updates(model, chunks, num_updates, optim):
    """Seconds taken by num_updates training updates of model (after one warm-up update)."""
    opt = optim.Adam(model.params, lr=1e-3)
    state = None
    for k in range(num_updates + 1):
        if k == 1:
            start = time.perf_counter()  # the first update warms caches up
        x, y = chunks[k % len(chunks)]
        _, grads, state = model.loss_and_grads(x, y, state, return_state=True)
        optim.clip_grad_norm(grads, 1.0)
        opt.step(grads)
    return time.perf_counter() - start


def main():
    args = parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import numpy as np  # only now, so the thread setting takes effect

    from rnn_helpers import charlm, optim

    text, _, _ = charlm.split_text(charlm.load_corpus())
    vocab = charlm.Vocabulary.from_text(text)
    chunks = list(charlm.stream_batches(vocab.encode(text), args.batch_size, args.seq_len))
    chunks = [c for c in chunks if c[0].shape[1] == args.seq_len][:args.updates + 1]
    chars = args.batch_size * args.seq_len * args.updates
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}, BLAS threads {args.threads}, "
          f"{os.cpu_count()} CPUs")
    print(f"N = {args.batch_size} streams, T = {args.seq_len}, E = {args.embed_dim}, "
          f"H = {args.hidden_size}, V = {len(vocab)}, {args.dtype}; {args.updates} updates, "
          f"best of {args.repeats}\n")
    best, median = {}, {}
    for cell in ("rnn", "lstm", "gru"):
        model = charlm.CharLM(vocab, cell=cell, embed_dim=args.embed_dim,
                              hidden_size=args.hidden_size, seed=0, dtype=args.dtype)
        times = [time_updates(model, chunks, args.updates, optim) for _ in range(args.repeats)]
        best[cell], median[cell] = chars / min(times), chars / float(np.median(times))
    print(f"{'model':6} {'best chars/s':>13} {'ms/update':>10} {'vs LSTM':>8} {'median chars/s':>15}")
    for cell in best:
        ms = 1e3 * args.batch_size * args.seq_len / best[cell]
        print(f"{cell.upper():6} {best[cell]:13,.0f} {ms:10.1f} {best[cell] / best['lstm']:7.2f}x "
              f"{median[cell]:15,.0f}")


if __name__ == "__main__":
    main()
