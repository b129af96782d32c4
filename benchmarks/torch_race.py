"""Race rnn_helpers' recurrent layers and language-model step against PyTorch on the CPU.

    python benchmarks/torch_race.py                      # the whole table, 1 and 2 threads
    python benchmarks/torch_race.py --threads 1 --sizes 64 128 --cells lstm --dtypes float32
    python benchmarks/torch_race.py --lm-only

Needs torch (`pip install torch`, CPU build); torch is never a course dependency.

Layers: forward + backward (dx, dh0 and every weight gradient) of one layer
over N = 32 sequences of T = 50 steps with D = H, for H in --sizes, in
float32 and float64. The numpy and torch versions alternate inside one loop,
`repeats` times, so both see the same machine load; the table reports the
median of the per-round ratios numpy time / torch time (below 1: numpy is
faster). Before timing, each pair is checked to compute the same thing: the
RNN and LSTM get torch's weights and must agree on h and on every gradient
(the GRU conventions differ, see rnn_helpers/gru.py, so it is only timed).

LM step: one training update of a character LSTM language model at the sizes
of d2l's Time Machine recipe (vocabulary 28, batch 1024, 32 steps, 32 hidden
units; an embedding of 28 in place of d2l's one-hot input): forward,
cross-entropy, backward, global-norm clipping and an Adam step.

Threads: numpy's BLAS threads are set with threadpoolctl (when installed) or
OPENBLAS_NUM_THREADS in a child process, torch's with torch.set_num_threads.

Memory: each thread count runs twice, with glibc's malloc as it comes ("default")
and told to keep freed memory for the next array ("reuse": rnn_helpers.memory).
Both libraries allocate their CPU arrays with malloc, so in one process each also
changes the other's heap: in the interleaved LM race, numpy's large arrays come
from memory torch has just freed. So the LM step is also timed apart, each library
in a process of its own ("LM apart"), as a user would train one or the other.
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from rnn_helpers import charlm, optim, recurrent  # noqa: E402
from rnn_helpers.memory import reuse_freed_memory  # noqa: E402

TORCH_GATE_ORDER = {"rnn": [0], "lstm": [0, 1, 3, 2]}  # ours (i, f, o, g) -> torch's (i, f, g, o)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--cells", nargs="+", default=["rnn", "lstm", "gru"], choices=recurrent.CELLS)
    p.add_argument("--sizes", type=int, nargs="+", default=[16, 64, 128, 256, 512])
    p.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--memory", nargs="+", default=["default", "reuse"], choices=["default", "reuse"],
                   help="glibc's malloc as it comes, and/or told to keep freed memory")
    p.add_argument("--N", type=int, default=32)
    p.add_argument("--T", type=int, default=50)
    p.add_argument("--lm-only", action="store_true", help="only the language-model step")
    p.add_argument("--no-lm", action="store_true", help="skip the language-model step")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--lm-side", choices=["numpy", "torch"], help=argparse.SUPPRESS)
    return p.parse_args()


def torch_layer(cell, params, torch):
    """A torch.nn layer holding the same weights as params (RNN, LSTM), or fresh ones (GRU)."""
    D, GH = params["Wx"].shape
    H = params["Wh"].shape[0]
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    dtype = {np.float32: torch.float32, np.float64: torch.float64}[params["Wx"].dtype.type]
    layer = cls(D, H, batch_first=True).to(dtype)
    if cell in TORCH_GATE_ORDER:
        order = TORCH_GATE_ORDER[cell]
        blocks = lambda W: np.concatenate([W[..., k * H:(k + 1) * H] for k in order], axis=-1)
        with torch.no_grad():
            layer.weight_ih_l0.copy_(torch.from_numpy(blocks(params["Wx"]).T.copy()))
            layer.weight_hh_l0.copy_(torch.from_numpy(blocks(params["Wh"]).T.copy()))
            layer.bias_ih_l0.copy_(torch.from_numpy(blocks(params["b"])))
            layer.bias_hh_l0.zero_()
    return layer


def numpy_step(cell, x, h0, params, dh):
    """Forward and backward of rnn_helpers' layer; returns h and the gradients."""
    h, cache = recurrent.forward(cell, x, h0, params)
    return h, recurrent.backward(cell, dh, cache)


def torch_step(layer, cell, xt, h0t, dht):
    """Forward and backward of the torch layer; returns h and its input's gradient."""
    xt.grad = None
    layer.zero_grad(set_to_none=True)
    state = (h0t, h0t.clone()) if cell == "lstm" else h0t
    h, _ = layer(xt, state)
    h.backward(dht)
    return h


def check_agreement(cell, x, h0, params, dh, layer, torch):
    """Raise AssertionError unless numpy and torch give the same h, dx and dWh (RNN, LSTM)."""
    xt = torch.from_numpy(x).requires_grad_(True)
    h0t = torch.from_numpy(h0)[None]
    h_t = torch_step(layer, cell, xt, h0t, torch.from_numpy(dh))
    h, (dx, _, dWx, dWh, db) = numpy_step(cell, x, h0, params, dh)
    H = h0.shape[1]
    order = TORCH_GATE_ORDER[cell]
    back = lambda W: np.concatenate([W[k * H:(k + 1) * H] for k in np.argsort(order)], axis=0)
    tol = 1e-3 if x.dtype == np.float32 else 1e-9
    scale = lambda a: max(np.abs(a).max(), 1e-12)
    for name, ours, theirs in [("h", h, h_t.detach().numpy()), ("dx", dx, xt.grad.numpy()),
                               ("dWh", dWh, back(layer.weight_hh_l0.grad.numpy()).T),
                               ("dWx", dWx, back(layer.weight_ih_l0.grad.numpy()).T)]:
        err = np.abs(ours - theirs).max() / scale(theirs)
        assert err < tol, f"{cell} H={H} {x.dtype}: {name} differs from torch's by {err:.1e}"


def race_layers(args, threads, torch):
    rows = []
    rng = np.random.default_rng(0)
    for dtype in args.dtypes:
        for cell in args.cells:
            for H in args.sizes:
                params = {k: v.astype(dtype) for k, v in
                          recurrent.init_params(cell, H, H, rng).items()}
                x = rng.normal(size=(args.N, args.T, H)).astype(dtype)
                h0 = np.zeros((args.N, H), dtype=dtype)
                dh = rng.normal(size=(args.N, args.T, H)).astype(dtype)
                layer = torch_layer(cell, params, torch)
                if cell in TORCH_GATE_ORDER:
                    check_agreement(cell, x, h0, params, dh, layer, torch)
                xt = torch.from_numpy(x).requires_grad_(True)
                h0t, dht = torch.from_numpy(h0)[None], torch.from_numpy(dh)
                ours = lambda: numpy_step(cell, x, h0, params, dh)
                theirs = lambda: torch_step(layer, cell, xt, h0t, dht)
                rows.append((threads, dtype, cell, H) + interleave(ours, theirs, args.repeats))
                print_row(rows[-1])
    return rows


def interleave(ours, theirs, repeats):
    """Median seconds of each, and the median of the per-round ratios ours / theirs."""
    ours(), theirs()  # warm up
    t_ours, t_theirs = [], []
    for _ in range(repeats):
        for fn, times in ((ours, t_ours), (theirs, t_theirs)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    ratios = np.array(t_ours) / np.array(t_theirs)
    return float(np.median(t_ours)), float(np.median(t_theirs)), float(np.median(ratios))


def print_row(row):
    threads, dtype, what, H, t_ours, t_theirs, ratio = row
    print(f"threads {threads}  {dtype:7}  {what:4}  H={H:<4}  numpy {1e3 * t_ours:8.2f} ms  "
          f"torch {1e3 * t_theirs:8.2f} ms  ratio {ratio:5.2f}", flush=True)


def lm_steps(torch, V=28, N=1024, T=32, H=32, E=28):
    """One training update of a character LSTM LM in each library (float32): ours(), theirs()."""
    rng = np.random.default_rng(0)
    vocab = charlm.Vocabulary("abcdefghijklmnopqrstuvwxyz .")
    assert len(vocab) == V
    x = rng.integers(0, V, size=(N, T))
    y = rng.integers(0, V, size=(N, T))
    model = charlm.CharLM(vocab, cell="lstm", embed_dim=E, hidden_size=H, seed=0)
    adam = optim.Adam(model.params, lr=1e-3)

    def ours():
        _, grads = model.loss_and_grads(x, y)
        optim.clip_grad_norm(grads, 1.0)
        adam.step(grads)

    if torch is None:
        return ours, None
    emb, lstm, out = torch.nn.Embedding(V, E), torch.nn.LSTM(E, H, batch_first=True), torch.nn.Linear(H, V)
    tparams = [*emb.parameters(), *lstm.parameters(), *out.parameters()]
    topt = torch.optim.Adam(tparams, lr=1e-3)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def theirs():
        topt.zero_grad(set_to_none=True)
        h, _ = lstm(emb(xt))
        loss = torch.nn.functional.cross_entropy(out(h).reshape(N * T, V), yt.reshape(N * T))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(tparams, 1.0)
        topt.step()

    return ours, theirs


def race_lm(args, threads, torch, H=32):
    """The LM step, numpy and torch alternating in one process."""
    row = (threads, "float32", "lm", H) + interleave(*lm_steps(torch, H=H), args.repeats)
    print_row(row)
    return [row]


def lm_apart(args):
    """Median seconds of one library's LM step, alone in this process (--lm-side)."""
    if args.lm_side == "torch":
        import torch
        torch.set_num_threads(args.threads[0])
        step = lm_steps(torch)[1]
    else:
        step = lm_steps(None)[0]
    step(), step()  # warm up
    times = []
    for _ in range(4 * args.repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    print(f"RESULT {np.median(times)}", flush=True)


def child(args):
    threads, memory = args.threads[0], args.memory[0]
    if memory == "reuse" and not reuse_freed_memory():
        print("# memory: reuse needs glibc's malloc; skipped", flush=True)
        return
    if args.lm_side:  # the numpy side never imports torch
        return lm_apart(args)
    import torch
    torch.set_num_threads(threads)
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(threads)
    except ImportError:
        pass  # the parent set OPENBLAS_NUM_THREADS before numpy started
    print(f"# numpy {np.__version__}, torch {torch.__version__}, {threads} thread(s), "
          f"memory: {memory}, N={args.N} T={args.T}", flush=True)
    if not args.lm_only:
        race_layers(args, threads, torch)
    if not args.no_lm:
        race_lm(args, threads, torch)


def main():
    args = parse_args()
    if args.child:
        return child(args)
    try:
        import torch  # noqa: F401
    except ImportError:
        sys.exit("torch_race.py needs PyTorch: pip install torch (CPU build); the course itself does not")
    for threads in args.threads:
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
                   MKL_NUM_THREADS=str(threads))
        # Pass every other option on unchanged.
        rest, skip = [], False
        for a in sys.argv[1:]:
            if a in ("--threads", "--memory"):
                skip = True
                continue
            if skip and not a.startswith("--"):
                continue
            skip = False
            rest.append(a)
        child_cmd = lambda memory: [sys.executable, os.path.abspath(__file__), "--child",
                                    "--threads", str(threads), "--memory", memory]
        for memory in args.memory:
            subprocess.run(child_cmd(memory) + rest, env=env, check=True)
        if args.no_lm:
            continue
        for memory in args.memory:  # the LM step again, each library in a process of its own
            sides = {}
            for side in ("numpy", "torch"):
                out = subprocess.run(child_cmd(memory) + rest + ["--lm-side", side], env=env,
                                     check=True, capture_output=True, text=True).stdout
                results = [line.split()[1] for line in out.splitlines() if line.startswith("RESULT")]
                if not results:  # the child said why it skipped
                    print(out.strip(), flush=True)
                    break
                sides[side] = float(results[0])
            else:
                print(f"threads {threads}  float32  LM apart, memory: {memory:7}  numpy "
                      f"{1e3 * sides['numpy']:8.2f} ms  torch {1e3 * sides['torch']:8.2f} ms  "
                      f"ratio {sides['numpy'] / sides['torch']:5.2f}", flush=True)


if __name__ == "__main__":
    main()
