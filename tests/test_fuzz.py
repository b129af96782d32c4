"""Fuzz the public API with bad calls: every one must raise a ValueError that names the argument.

Each public function gets a valid call (checked to work first), then one
argument at a time is swapped for a wrong value: another number of
dimensions, a size that disagrees with another argument, an int, bool,
complex or object dtype, a NaN or inf, a list, None or a str instead of an
array, a bad setting (0, -1, 2.5, "3", True, NaN, ...). Each swap must raise
ValueError, and the message must name the swapped argument and say what it
got. Cases that are not a swap of one argument (an empty batch, a tampered
.npz file, ...) follow at the end.

test_every_public_function_is_fuzzed fails when a public function has no
case here, so a new function cannot skip the fuzz.
"""
import inspect
import os
import pkgutil
import re
import tempfile
import zipfile

import numpy as np
import pytest

import rnn_helpers
from rnn_helpers import (attention, charlm, data, exercises, feedforward, gradcheck, gradients, gru, init,
                         inspect_lstm, layers, lstm, models, ngram, optim, recurrent, report, rnn,
                         seq2seq, text, training, widgets)

N, T, D, H, V, E, C = 3, 4, 2, 5, 7, 3, 4
RNG = np.random.default_rng(0)


def f(*shape):
    return RNG.normal(size=shape)


def ints(high, *shape):
    return RNG.integers(0, high, size=shape)


# ---------------------------------------------------------------- the ways to get an argument wrong

def _with(a, value):
    b = a.astype(np.float64).copy()
    b.flat[b.size // 2] = value
    return b


def float_array(a, size=True, none_ok=False):
    """Wrong versions of a floating-point array argument."""
    out = [("ndim+1", a[..., None]), ("int", a.astype(np.int64)), ("bool", a > 0),
           ("complex", a.astype(np.complex128)), ("object", a.astype(object)),
           ("nan", _with(a, np.nan)), ("inf", _with(a, np.inf)), ("-inf", _with(a, -np.inf)),
           ("list", a.tolist()), ("str", "array"), ("scalar", 1.5)]
    if a.ndim >= 1:
        out.append(("ndim-1", a[0] if a.ndim > 1 else np.asarray(a[0])))
    if size and a.ndim >= 1:
        out.append(("size", np.concatenate([a, a[..., :1]], axis=-1)))
    if not none_ok:
        out.append(("None", None))
    return out


def index_array(a, high, none_ok=False):
    """Wrong versions of an integer index array with entries in [0, high)."""
    out = [("float", a.astype(np.float64)), ("bool", a > 0), ("complex", a.astype(np.complex128)),
           ("object", a.astype(object)), ("ndim+1", a[..., None]), ("list", a.tolist()),
           ("str", "tokens"), ("too large", np.full_like(a, high)), ("negative", np.full_like(a, -2))]
    if not none_ok:
        out.append(("None", None))
    return out


POS_INT = [("zero", 0), ("negative", -1), ("float", 2.5), ("str", "3"), ("bool", True),
           ("None", None), ("nan", np.nan)]
NONNEG_INT = [("negative", -1), ("float", 2.5), ("str", "3"), ("bool", True), ("None", None)]
POS_NUM = [("zero", 0.0), ("negative", -1.0), ("nan", np.nan), ("inf", np.inf), ("str", "0.1"),
           ("bool", True), ("None", None), ("complex", 1j), ("array", np.ones(2))]
FINITE_NUM = [("nan", np.nan), ("inf", np.inf), ("str", "1"), ("bool", True), ("complex", 1j)]
UNIT = POS_NUM[:3] + [("above 1", 1.5)] + POS_NUM[4:]  # for a number in (0, 1]
CHOICE = [("unknown", "nope"), ("None", None), ("int", 3), ("list", ["rnn"])]
BOOL = [("int", 1), ("str", "yes"), ("None", None)]
SEED = [("negative", -1), ("float", 2.5), ("str", "0"), ("bool", True)]
CACHE = [("None", None), ("str", "cache"), ("empty tuple", ()), ("empty dict", {})]
CALLABLE = [("None", None), ("int", 3), ("str", "f")]
STR = [("None", None), ("int", 3), ("bytes", b"x"), ("list", ["a"])]
PROGRESS = [("None", None), ("int", 1), ("empty", ""), ("list", ["a"]), ("float", 1.0)]  # True, False, label or bar


SPECS = []


def spec(label, call, valid, bad, extra=()):
    """Register a function: call(**valid) must work; call with one swap from bad must not.

    bad: argument name -> list of (what, wrong value); extra: more (what, arg, kwargs).
    """
    SPECS.append((label, call, valid, bad, list(extra)))


def _cases():
    for label, call, valid, bad, extra in SPECS:
        for arg, wrongs in bad.items():
            for what, value in wrongs:
                yield pytest.param(call, {**valid, arg: value}, arg, id=f"{label}-{arg}-{what}")
        for what, arg, kwargs in extra:
            yield pytest.param(call, {**valid, **kwargs}, arg, id=f"{label}-{arg}-{what}")


# ---------------------------------------------------------------- rnn, lstm, gru, recurrent

x2, hN, x3 = f(N, D), f(N, H), f(N, T, D)
W = {G: (0.5 * f(D, G * H), 0.5 * f(H, G * H), 0.1 * f(G * H)) for G in (1, 3, 4)}


def step_args(G):
    Wx, Wh, b = W[G]
    return dict(Wx=Wx, Wh=Wh, b=b)


spec("rnn_step_forward", rnn.rnn_step_forward, dict(x=x2, h_prev=hN, **step_args(1)),
     {"x": float_array(x2), "h_prev": float_array(hN), "Wx": float_array(W[1][0]),
      "Wh": float_array(W[1][1]), "b": float_array(W[1][2]), "activation": CHOICE})
_, rnn_step_cache = rnn.rnn_step_forward(x2, hN, *W[1])
spec("rnn_step_backward", rnn.rnn_step_backward, dict(dh=f(N, H), cache=rnn_step_cache),
     {"dh": float_array(f(N, H)), "cache": CACHE})
spec("rnn_forward", rnn.rnn_forward, dict(x=x3, h0=hN, **step_args(1)),
     {"x": float_array(x3), "h0": float_array(hN), "Wx": float_array(W[1][0]),
      "Wh": float_array(W[1][1]), "b": float_array(W[1][2]), "activation": CHOICE})
_, rnn_cache = rnn.rnn_forward(x3, hN, *W[1])
spec("rnn_backward", rnn.rnn_backward, dict(dh=f(N, T, H), cache=rnn_cache),
     {"dh": float_array(f(N, T, H)), "cache": CACHE})
spec("bptt_grad_norms", rnn.bptt_grad_norms, dict(dh_last=hN, cache=rnn_cache),
     {"dh_last": float_array(hN), "cache": CACHE})

spec("lstm_step_forward", lstm.lstm_step_forward, dict(x=x2, h_prev=hN, c_prev=hN, **step_args(4)),
     {"x": float_array(x2), "h_prev": float_array(hN), "c_prev": float_array(hN),
      "Wx": float_array(W[4][0]), "Wh": float_array(W[4][1]), "b": float_array(W[4][2])})
_, _, lstm_step_cache = lstm.lstm_step_forward(x2, hN, hN, *W[4])
spec("lstm_step_backward", lstm.lstm_step_backward, dict(dh=hN, dc=hN, cache=lstm_step_cache),
     {"dh": float_array(hN), "dc": float_array(hN), "cache": CACHE})
spec("lstm_forward", lstm.lstm_forward, dict(x=x3, h0=hN, c0=hN, **step_args(4)),
     {"x": float_array(x3), "h0": float_array(hN), "c0": float_array(hN, none_ok=True),
      "Wx": float_array(W[4][0]), "Wh": float_array(W[4][1]), "b": float_array(W[4][2])})
_, lstm_cache = lstm.lstm_forward(x3, hN, *W[4])
spec("lstm_backward", lstm.lstm_backward, dict(dh=f(N, T, H), cache=lstm_cache),
     {"dh": float_array(f(N, T, H)), "cache": CACHE})
spec("lstm_final_state", lstm.lstm_final_state, dict(cache=lstm_cache), {"cache": CACHE})

spec("gru_step_forward", gru.gru_step_forward, dict(x=x2, h_prev=hN, **step_args(3)),
     {"x": float_array(x2), "h_prev": float_array(hN), "Wx": float_array(W[3][0]),
      "Wh": float_array(W[3][1]), "b": float_array(W[3][2])})
_, gru_step_cache = gru.gru_step_forward(x2, hN, *W[3])
spec("gru_step_backward", gru.gru_step_backward, dict(dh=hN, cache=gru_step_cache),
     {"dh": float_array(hN), "cache": CACHE})
spec("gru_forward", gru.gru_forward, dict(x=x3, h0=hN, **step_args(3)),
     {"x": float_array(x3), "h0": float_array(hN), "Wx": float_array(W[3][0]),
      "Wh": float_array(W[3][1]), "b": float_array(W[3][2])})
_, gru_cache = gru.gru_forward(x3, hN, *W[3])
spec("gru_backward", gru.gru_backward, dict(dh=f(N, T, H), cache=gru_cache),
     {"dh": float_array(f(N, T, H)), "cache": CACHE})

# The same layers reading token ids (N, T) in [0, D) as one-hot inputs (see _inputs.py).
ids_x = ints(D, N, T)
for G, layer in [(1, rnn.rnn_forward), (4, lstm.lstm_forward), (3, gru.gru_forward)]:
    spec(f"{layer.__name__} (ids)", layer, dict(x=ids_x, h0=hN, **step_args(G)),
         {"x": index_array(ids_x, D), "h0": float_array(hN), "Wx": float_array(W[G][0]),
          "Wh": float_array(W[G][1]), "b": float_array(W[G][2])})
    backward = {1: rnn.rnn_backward, 4: lstm.lstm_backward, 3: gru.gru_backward}[G]
    spec(f"{backward.__name__} (ids)", backward, dict(dh=f(N, T, H), cache=layer(ids_x, hN, *W[G])[1]),
         {"dh": float_array(f(N, T, H)), "cache": CACHE})

gen = np.random.default_rng(1)
spec("init_params", recurrent.init_params, dict(cell="gru", D=D, H=H, rng=gen),
     {"cell": CHOICE, "D": POS_INT, "H": POS_INT, "rng": [("int", 0), ("None", None)],
      "forget_bias": FINITE_NUM})
lstm_params = recurrent.init_params("lstm", D, H, gen)
spec("recurrent.forward", recurrent.forward, dict(cell="lstm", x=x3, h0=hN, params=lstm_params),
     {"cell": CHOICE, "x": float_array(x3), "h0": float_array(hN),
      "params": [("None", None), ("list", [1]), ("missing b", {"Wx": lstm_params["Wx"], "Wh": lstm_params["Wh"]})],
      "c0": float_array(hN, none_ok=True), "activation": CHOICE})
_, rec_cache = recurrent.forward("lstm", x3, hN, lstm_params)
spec("recurrent.backward", recurrent.backward, dict(cell="lstm", dh=f(N, T, H), cache=rec_cache),
     {"cell": CHOICE, "dh": float_array(f(N, T, H)), "cache": CACHE})
spec("recurrent.final_state", recurrent.final_state, dict(cache=rec_cache), {"cache": CACHE})

# ---------------------------------------------------------------- layers, init, optim, gradcheck

w, bM = f(D, 6), f(6)
spec("affine_forward", layers.affine_forward, dict(x=x2, w=w, b=bM),
     {"x": float_array(x2), "w": float_array(w), "b": float_array(bM)})
_, aff_cache = layers.affine_forward(x2, w, bM)
spec("affine_backward", layers.affine_backward, dict(dout=f(N, 6), cache=aff_cache),
     {"dout": float_array(f(N, 6)), "cache": CACHE})
spec("temporal_affine_forward", layers.temporal_affine_forward, dict(x=x3, w=w, b=bM),
     {"x": float_array(x3), "w": float_array(w), "b": float_array(bM)})
_, taff_cache = layers.temporal_affine_forward(x3, w, bM)
spec("temporal_affine_backward", layers.temporal_affine_backward,
     dict(dout=f(N, T, 6), cache=taff_cache), {"dout": float_array(f(N, T, 6)), "cache": CACHE})
idx, Wemb = ints(V, N, T), f(V, E)
spec("embedding_forward", layers.embedding_forward, dict(idx=idx, W=Wemb),
     {"idx": index_array(idx, V), "W": float_array(Wemb, size=False)})
_, emb_cache = layers.embedding_forward(idx, Wemb)
spec("embedding_backward", layers.embedding_backward, dict(dout=f(N, T, E), cache=emb_cache),
     {"dout": float_array(f(N, T, E)), "cache": CACHE})
spec("mse_loss", layers.mse_loss, dict(pred=f(N, 2), y=f(N, 2)),
     {"pred": float_array(f(N, 2)), "y": float_array(f(N, 2))},
     extra=[("empty", "pred", dict(pred=np.zeros((0, 2)), y=np.zeros((0, 2))))])
spec("log_softmax", layers.log_softmax, dict(scores=f(N, V)),
     {"scores": [w_ for w_ in float_array(f(N, V), size=False) if w_[0] not in ("ndim+1", "ndim-1")]
      + [("no classes", np.zeros((N, 0))), ("0-d", np.asarray(1.0))]})
spec("temporal_softmax_loss", layers.temporal_softmax_loss,
     dict(scores=f(N, T, V), y=idx, mask=idx > 2),
     {"scores": float_array(f(N, T, V), size=False), "y": index_array(idx, V),
      "mask": [("float", np.ones((N, T))), ("shape", np.ones((T, N), dtype=bool)), ("list", [[True]])]})

spec("xavier", init.xavier, dict(fan_in=3, fan_out=4, rng=gen),
     {"fan_in": POS_INT, "fan_out": POS_INT, "rng": [("int", 0), ("None", None)],
      "shape": [("negative", (-1, 2)), ("str", "3")]})
spec("orthogonal", init.orthogonal, dict(n=4, rng=gen),
     {"n": POS_INT, "rng": [("int", 0), ("None", None)], "gain": FINITE_NUM})

P = {"W": f(3, 4), "b": f(4)}
BAD_PARAMS = [("None", None), ("empty", {}), ("list", [f(2)]), ("int array", {"W": np.zeros(3, dtype=int)}),
              ("list value", {"W": [1.0]})]
spec("SGD", optim.SGD, dict(params=P, lr=0.1, momentum=0.5),
     {"params": BAD_PARAMS, "lr": POS_NUM, "momentum": [("negative", -1.0), ("one", 1.0), ("nan", np.nan), ("str", "0.9")]})
spec("Adam", optim.Adam, dict(params=P, lr=0.1),
     {"params": BAD_PARAMS, "lr": POS_NUM, "beta1": [("above 1", 1.5), ("one", 1.0), ("nan", np.nan), ("str", "0.9")],
      "beta2": [("negative", -0.1), ("one", 1.0), ("None", None)], "eps": POS_NUM})
G = {"W": f(3, 4), "b": f(4)}
BAD_GRADS = [("None", None), ("missing key", {"W": G["W"]}), ("shape", {"W": G["W"].T, "b": G["b"]}),
             ("nan", {"W": _with(G["W"], np.nan), "b": G["b"]}), ("inf", {"W": G["W"], "b": _with(G["b"], np.inf)}),
             ("int", {"W": G["W"].astype(int), "b": G["b"]}), ("list", {"W": G["W"].tolist(), "b": G["b"]})]
spec("SGD.step", lambda grads: optim.SGD({k: v.copy() for k, v in P.items()}).step(grads), dict(grads=G),
     {"grads": BAD_GRADS})
spec("Adam.step", lambda grads: optim.Adam({k: v.copy() for k, v in P.items()}).step(grads), dict(grads=G),
     {"grads": BAD_GRADS})
spec("global_norm", optim.global_norm, dict(grads=G), {"grads": BAD_GRADS[:1] + BAD_GRADS[5:]})
spec("clip_grad_norm", lambda grads, max_norm: optim.clip_grad_norm({k: v.copy() for k, v in grads.items()}
                                                                     if isinstance(grads, dict) else grads, max_norm),
     dict(grads=G, max_norm=1.0), {"grads": BAD_GRADS[:1] + BAD_GRADS[5:], "max_norm": POS_NUM})

xg = f(3, 2)
spec("numerical_gradient", gradcheck.numerical_gradient, dict(f=lambda v: v * 2, x=xg.copy(), df=f(3, 2)),
     {"f": CALLABLE, "x": [w_ for w_ in float_array(xg, size=False) if w_[0] != "scalar"]
      + [("float32", xg.astype(np.float32))],
      "df": [("shape", f(2, 3)), ("complex", f(3, 2) * 1j), ("str", "df")], "h": POS_NUM})
for fn in (gradcheck.rel_error, gradcheck.norm_rel_error):
    spec(fn.__name__, fn, dict(a=f(3), b=f(3)),
         {"a": [("complex", f(3) * 1j), ("object", np.array([None, 1, 2])), ("str", "abc"), ("ragged", [[1], [1, 2]])],
          "b": [("shape", f(4)), ("None", None), ("str", ["a", "b", "c"])]})
small_rnn = models.ManyToOneRNN(1, 3, 1)
Xs, ys = f(2, 4, 1), f(2, 1)
spec("check_model_gradients", gradcheck.check_model_gradients, dict(model=small_rnn, X=Xs, y=ys),
     {"model": [("None", None), ("int", 3)], "X": float_array(Xs), "y": float_array(ys), "h": POS_NUM})
spec("model_gradient_errors", lambda model, X, y, h=1e-5: gradcheck.model_gradient_errors(model, X, y, h=h),
     dict(model=small_rnn, X=Xs, y=ys), {"model": [("None", None), ("int", 3)], "X": float_array(Xs), "h": POS_NUM},
     extra=[("float32 params", "model.params", dict(model=type("M", (), {"params": {"w": np.zeros(2, np.float32)},
                                                                           "loss_and_grads": lambda self, X, y: (0.0, {})})()))])

# ---------------------------------------------------------------- models

m2o = models.ManyToOneRNN(D, H, 2)
Xm, ym = f(N, T, D), f(N, 2)
spec("ManyToOneRNN", models.ManyToOneRNN, dict(D=D, H=H, M=2),
     {"D": POS_INT, "H": POS_INT, "M": POS_INT, "seed": SEED, "init_scheme": CHOICE, "activation": CHOICE,
      "dtype": [("int", np.int64), ("str", "abc"), ("float16", np.float16)]})
spec("ManyToOneRNN.predict", m2o.predict, dict(X=Xm), {"X": float_array(Xm)},
     extra=[("T = 0", "X", dict(X=np.zeros((N, 0, D))))])
spec("ManyToOneRNN.loss_and_grads", m2o.loss_and_grads, dict(X=Xm, y=ym),
     {"X": float_array(Xm), "y": float_array(ym)}, extra=[("T = 0", "X", dict(X=np.zeros((N, 0, D))))])
spec("ManyToOneRNN.guess_loss", m2o.guess_loss, dict(y=ym), {"y": float_array(ym, size=False)[2:]})

clf = models.SequenceClassifier(V, C, hidden_size=H, embed_dim=E, cell="gru")
tagger = models.SequenceClassifier(V, C, hidden_size=H, embed_dim=E, cell="lstm", per_step=True)
toks, lens = ints(V, N, T), np.array([4, 1, 2])
spec("SequenceClassifier", models.SequenceClassifier, dict(vocab_size=V, num_classes=C),
     {"vocab_size": POS_INT, "num_classes": POS_INT, "hidden_size": POS_INT, "embed_dim": POS_INT,
      "cell": CHOICE, "per_step": BOOL, "seed": SEED, "activation": CHOICE,
      "dtype": [("int", np.int64), ("str", "abc"), ("float16", np.float16)]})
# X = tokens or (tokens, lengths): a bad part must be named, tokens or lengths.
BAD_X = [(f"tokens {w_}", "tokens", dict(X=(v_, lens))) for w_, v_ in index_array(toks, V)] + [
    (f"lengths {w_}", "lengths", dict(X=(toks, v_))) for w_, v_ in
    [("zero", np.array([4, 0, 2])), ("too long", np.array([5, 1, 2])), ("float", lens * 1.0),
     ("shape", lens[:2]), ("list", [4, 1, 2])]] + [("3-tuple", "X", dict(X=(toks, lens, lens)))]
for method in ("forward", "predict", "hidden_states"):
    spec(f"SequenceClassifier.{method}", getattr(clf, method), dict(X=(toks, lens)), {},
         extra=BAD_X + [("T = 0", "tokens", dict(X=np.zeros((N, 0), dtype=int)))])
spec("SequenceClassifier.loss_and_grads", clf.loss_and_grads, dict(X=(toks, lens), y=ints(C, N)),
     {"y": index_array(ints(C, N), C)})
spec("SequenceClassifier.loss_and_grads per step", tagger.loss_and_grads, dict(X=toks, y=ints(C, N, T)),
     {"y": [w_ for w_ in index_array(ints(C, N, T), C)]})
spec("SequenceClassifier.guess_loss", clf.guess_loss, dict(y=ints(C, N)), {})  # ln C, whatever y is
spec("accuracy", models.accuracy, dict(model=clf, X=toks, y=ints(C, N)),
     {"y": [("shape", ints(C, N, T)), ("list", [0, 1, 2]), ("all -1", np.full(N, -1))]})
spec("evaluate", models.evaluate, dict(model=m2o, X=Xm, y=ym), {"X": float_array(Xm), "y": float_array(ym)})
spec("fit", lambda **kw: models.fit(**kw), dict(model=models.ManyToOneRNN(D, H, 2), X=Xm, y=ym, num_epochs=1),
     {"model": [("None", None), ("int", 3)],
      "X": [w_ for w_ in float_array(Xm) if w_[0] not in ("int", "bool", "ndim+1", "size")],
      "y": [w_ for w_ in float_array(ym) if w_[0] not in ("int", "bool")],
      "num_epochs": NONNEG_INT, "batch_size": POS_INT, "lr": POS_NUM, "lr_decay": UNIT,
      "optimizer": CHOICE, "clip": POS_NUM[:-3] + [("complex", 1j)], "seed": SEED,
      "print_every": NONNEG_INT, "callback": [("int", 3), ("str", "f")], "stop_if_diverging": BOOL,
      "X_val": [("nan", (_with(Xm, np.nan)))], "progress": PROGRESS},
     extra=[("N = 0", "X", dict(X=np.zeros((0, T, D)), y=np.zeros((0, 2)))),
            ("X_val nan", "X_val", dict(X_val=_with(Xm, np.nan), y_val=ym)),
            ("y_val rows", "y_val", dict(X_val=Xm, y_val=ym[:2]))])
spec("forecast", models.forecast, dict(predict=m2o.predict, X=Xm, steps=2),
     {"predict": CALLABLE + [("wrong shape", lambda X: X[:, 0, :1])], "X": float_array(Xm, size=False),
      "steps": POS_INT})

# ---------------------------------------------------------------- feedforward

a2 = f(N, 6)
spec("relu_forward", feedforward.relu_forward, dict(x=a2),
     {"x": [w_ for w_ in float_array(a2, size=False) if w_[0] not in ("ndim+1", "ndim-1")]})
spec("relu_backward", feedforward.relu_backward, dict(dout=a2, cache=a2),
     {"dout": float_array(a2), "cache": CACHE})
mlp = feedforward.MLP(D, H, C)
mlp_mse = feedforward.MLP(D, H, 2, loss="mse")
spec("MLP", feedforward.MLP, dict(input_size=D, hidden_size=H, num_outputs=C),
     {"input_size": POS_INT, "hidden_size": POS_INT, "num_outputs": POS_INT, "loss": CHOICE, "seed": SEED})
for method in ("scores", "predict", "features"):
    spec(f"MLP.{method}", getattr(mlp, method), dict(X=x2), {"X": float_array(x2)})
spec("MLP.loss_and_grads", mlp.loss_and_grads, dict(X=x2, y=ints(C, N)),
     {"X": float_array(x2), "y": index_array(ints(C, N), C)})
spec("MLP.loss_and_grads mse", mlp_mse.loss_and_grads, dict(X=x2, y=f(N, 2)), {"y": float_array(f(N, 2))})
spec("MLP.guess_loss", mlp_mse.guess_loss, dict(y=f(N, 2)), {"y": [("str", "y"), ("None", None)]})
spec("bag_of_words", feedforward.bag_of_words, dict(tokens=toks, vocab_size=V, lengths=lens),
     {"tokens": index_array(toks, V), "vocab_size": POS_INT,
      "lengths": [("too long", np.array([9, 1, 1])), ("negative", np.array([-1, 1, 1])), ("float", lens * 1.0)]})
bow = feedforward.BagOfWords(V, C)
spec("BagOfWords", feedforward.BagOfWords, dict(vocab_size=V, num_classes=C),
     {"vocab_size": POS_INT, "num_classes": POS_INT, "hidden_size": POS_INT, "seed": SEED})
for method in ("predict", "features"):
    spec(f"BagOfWords.{method}", getattr(bow, method), dict(X=(toks, lens)), {},
         extra=[c for c in BAD_X if not c[0].startswith("lengths zero")])  # an empty sentence has counts
win = feedforward.FixedWindowMLP(V, T, C)
spec("FixedWindowMLP", feedforward.FixedWindowMLP, dict(vocab_size=V, window=T, num_classes=C),
     {"vocab_size": POS_INT, "window": POS_INT, "num_classes": POS_INT, "hidden_size": POS_INT})
for method in ("predict", "features"):
    spec(f"FixedWindowMLP.{method}", getattr(win, method), dict(X=toks), {},
         extra=[(f"tokens {w_}", "tokens", dict(X=v_)) for w_, v_ in index_array(toks, V)]
         + [("3-tuple", "X", dict(X=(toks, lens, lens))), ("window", "tokens", dict(X=ints(V, N, T + 1)))])

# ---------------------------------------------------------------- seq2seq

s2s = seq2seq.Seq2Seq(V, V, hidden_size=H, embed_dim=E, cell="rnn")
v2s = seq2seq.VectorToSequence(D, V, hidden_size=H, embed_dim=E)
dec_in, dec_out = seq2seq.teacher_forcing_arrays([np.array([3, 4]), np.array([5]), np.array([6, 3, 4])], 1, 2)
spec("teacher_forcing_arrays", seq2seq.teacher_forcing_arrays,
     dict(targets=[np.array([3, 4]), np.array([5])], start_id=1, end_id=2),
     {"targets": [("None", None), ("str", "abc"), ("empty", []), ("float", [np.array([1.5])]),
                  ("2-D", [np.zeros((2, 2), dtype=int)])],
      "start_id": NONNEG_INT, "end_id": NONNEG_INT, "pad_id": NONNEG_INT})
spec("decoder_forward", seq2seq.decoder_forward, dict(params=s2s.params, h0=hN, dec_in=dec_in, cell="rnn"),
     {"params": [("None", None), ("missing", {"Wy": s2s.params["Wy"]})], "h0": float_array(hN),
      "dec_in": index_array(dec_in, V), "cell": CHOICE})
_, dec_cache = seq2seq.decoder_forward(s2s.params, hN, dec_in, "rnn")
spec("decoder_backward", seq2seq.decoder_backward, dict(dscores=f(N, dec_in.shape[1], V), cache=dec_cache),
     {"dscores": float_array(f(N, dec_in.shape[1], V)), "cache": CACHE})
spec("greedy_decode", seq2seq.greedy_decode,
     dict(params=s2s.params, h0=hN, cell="rnn", start_id=1, end_id=2, max_len=3),
     {"params": [("None", None)], "h0": float_array(hN), "cell": CHOICE,
      "start_id": NONNEG_INT + [("too large", V)], "end_id": NONNEG_INT + [("too large", 99)],
      "max_len": POS_INT})
spec("exact_match", seq2seq.exact_match, dict(pred=dec_out, target=dec_out),
     {"pred": index_array(dec_out, V)[:6], "target": index_array(dec_out, V)[:6] + [("rows", dec_out[:2])]})
src, src_len = ints(V, N, 5), np.array([5, 2, 1])
spec("Seq2Seq", seq2seq.Seq2Seq, dict(src_vocab_size=V, tgt_vocab_size=V),
     {"src_vocab_size": POS_INT, "tgt_vocab_size": POS_INT, "hidden_size": POS_INT, "embed_dim": POS_INT,
      "cell": CHOICE + [("lstm", "lstm")], "seed": SEED})
spec("Seq2Seq.encode", s2s.encode, dict(src=src, src_lengths=src_len),
     {"src": index_array(src, V), "src_lengths": [("zero", np.array([5, 0, 1])), ("too long", np.array([6, 1, 1])),
                                                  ("float", src_len * 1.0), ("shape", src_len[:2])]})
spec("Seq2Seq.loss_and_grads", s2s.loss_and_grads, dict(X=(src, src_len, dec_in), y=dec_out),
     {"X": [("2-tuple", (src, src_len)), ("array", src)],
      "y": [("too large", dec_out + V), ("below -1", np.full_like(dec_out, -3)), ("float", dec_out * 1.0),
            ("shape", dec_out[:, :2])]},
     extra=[("dec_in too large", "dec_in", dict(X=(src, src_len, dec_in + V))),
            ("src float", "src", dict(X=(src * 1.0, src_len, dec_in))),
            ("src_lengths zero", "src_lengths", dict(X=(src, np.zeros(N, dtype=int), dec_in)))])
spec("Seq2Seq.translate", s2s.translate, dict(src=src, src_lengths=src_len, start_id=1, end_id=2),
     {"src": index_array(src, V), "start_id": [("too large", 99), ("negative", -1), ("float", 1.0)],
      "end_id": [("too large", V), ("str", "2")], "max_len": POS_INT})
spec("Seq2Seq.guess_loss", s2s.guess_loss, dict(y=dec_out), {})
spec("VectorToSequence", seq2seq.VectorToSequence, dict(input_size=D, tgt_vocab_size=V),
     {"input_size": POS_INT, "tgt_vocab_size": POS_INT, "hidden_size": POS_INT, "embed_dim": POS_INT,
      "cell": CHOICE, "seed": SEED})
spec("VectorToSequence.initial_state", v2s.initial_state, dict(x=x2), {"x": float_array(x2)})
for method in ("loss_and_grads", "hidden_states", "scores"):
    kwargs = dict(X=(x2, dec_in), y=dec_out) if method == "loss_and_grads" else dict(X=(x2, dec_in))
    call = getattr(v2s, method)
    spec(f"VectorToSequence.{method}", call, kwargs, {"X": [("1-tuple", (x2,)), ("array", x2)]},
         extra=[("x nan", "x", dict(X=(_with(x2, np.nan), dec_in))),
                ("x ndim", "x", dict(X=(x3, dec_in))),
                ("dec_in float", "dec_in", dict(X=(x2, dec_in * 1.0))),
                ("dec_in too large", "dec_in", dict(X=(x2, dec_in + V)))])
spec("VectorToSequence.generate", v2s.generate, dict(x=x2, start_id=1, end_id=2),
     {"x": float_array(x2), "start_id": [("too large", V)], "end_id": [("negative", -1)], "max_len": POS_INT})
spec("VectorToSequence.guess_loss", v2s.guess_loss, dict(y=dec_out), {})

# ---------------------------------------------------------------- charlm

TEXT = "the cat sat on the mat. the dog ate the hat.\n\nthe end of a short text, and more of it.\n\n" * 3
VOCAB = charlm.Vocabulary.from_text(TEXT)
IDS = VOCAB.encode(TEXT)
LM = {cell: charlm.CharLM(VOCAB, cell=cell, embed_dim=3, hidden_size=4, seed=1) for cell in ("rnn", "lstm")}
xl = IDS[:2 * 5].reshape(2, 5)
spec("split_spans", charlm.split_spans, dict(text="a b c.\n\n" * 60, num_blocks=2),
     {"text": STR, "num_blocks": POS_INT, "val_frac": UNIT, "test_frac": UNIT},
     extra=[("sum >= 1", "val_frac", dict(val_frac=0.5, test_frac=0.5))])
spec("split_text", charlm.split_text, dict(text="a b c.\n\n" * 60, num_blocks=2),
     {"text": STR, "num_blocks": POS_INT, "val_frac": UNIT, "test_frac": UNIT})
spec("Vocabulary", charlm.Vocabulary, dict(chars="abc"),
     {"chars": [("None", None), ("int", 3), ("empty", ""), ("repeat", "aab"), ("word", ["ab", "c"])]})
spec("Vocabulary.from_text", charlm.Vocabulary.from_text, dict(text="the cat"),
     {"text": STR + [("empty", "")]})
spec("Vocabulary.encode", VOCAB.encode, dict(text="the cat"), {"text": STR})
spec("Vocabulary.decode", VOCAB.decode, dict(ids=IDS[:5]),
     {"ids": [("float", IDS[:5] * 1.0), ("2-D", IDS[:4].reshape(2, 2)), ("too large", np.array([len(VOCAB)])),
              ("None", None), ("str", "abc")]})
spec("stream_batches", lambda **kw: list(charlm.stream_batches(**kw)), dict(ids=IDS, batch_size=2, seq_len=5),
     {"ids": [("float", IDS * 1.0), ("2-D", IDS[:10].reshape(2, 5)), ("list", IDS.tolist()), ("short", IDS[:1]),
              ("negative", IDS - 5)],
      "batch_size": POS_INT + [("too many", 10 ** 6)], "seq_len": POS_INT})
counts2 = charlm.ngram_counts(IDS, 2, len(VOCAB))
spec("ngram_counts", charlm.ngram_counts, dict(ids=IDS, n=2, V=len(VOCAB)),
     {"ids": [("float", IDS * 1.0), ("negative", IDS - 1)], "n": POS_INT + [("huge table", 9)],
      "V": POS_INT + [("too small", 3)]})
spec("ngram_log2_probs", charlm.ngram_log2_probs, dict(counts=counts2, k=0.1),
     {"counts": [("None", None), ("not square", counts2[:, :3]), ("nan", _with(counts2, np.nan)),
                 ("negative", -counts2), ("int", counts2.astype(int)), ("0-d", np.asarray(1.0))],
      "k": POS_NUM})
lp2 = charlm.ngram_log2_probs(counts2, 0.1)
spec("ngram_bits_per_char", charlm.ngram_bits_per_char, dict(log2_probs=lp2, ids=IDS),
     {"log2_probs": [("None", None), ("not square", lp2[:, :3]), ("nan", _with(lp2, np.nan))],
      "ids": [("too large", IDS + len(VOCAB)), ("float", IDS * 1.0), ("short", IDS[:1])]})
spec("choose_k", charlm.choose_k, dict(counts=counts2, val_ids=IDS),
     {"ks": [("empty", ()), ("zero", (0.0, 1.0)), ("str", "0.1")], "val_ids": [("float", IDS * 1.0)]})
spec("CharLM", charlm.CharLM, dict(vocab=VOCAB, embed_dim=3, hidden_size=4),
     {"vocab": [("None", None), ("str", "abc")], "cell": CHOICE, "embed_dim": POS_INT, "hidden_size": POS_INT,
      "seed": SEED, "dtype": [("int", np.int64), ("str", "abc"), ("float16", np.float16)]})
spec("CharLM.initial_state", LM["rnn"].initial_state, dict(N=2), {"N": NONNEG_INT})
state_lstm = LM["lstm"].initial_state(2)
BAD_STATE = [("bare h", state_lstm[0]), ("3-tuple", state_lstm + (state_lstm[0],)),
             ("shape", (np.zeros((2, 5), np.float32), state_lstm[1])), ("nan", (state_lstm[0], _with(state_lstm[1], np.nan))),
             ("int", (state_lstm[0].astype(int), state_lstm[1]))]
spec("CharLM.forward", LM["lstm"].forward, dict(x=xl, state=state_lstm),
     {"x": index_array(xl, len(VOCAB)), "state": BAD_STATE})
spec("CharLM.forward rnn", LM["rnn"].forward, dict(x=xl, state=np.zeros((2, 4))),
     {"state": [("pair", (np.zeros((2, 4)), np.zeros((2, 4)))), ("shape", np.zeros((3, 4))),
                ("inf", _with(np.zeros((2, 4)), np.inf)), ("list", [[0.0] * 4] * 2)]})
spec("CharLM.loss_and_grads", LM["lstm"].loss_and_grads, dict(x=xl, y=xl),
     {"x": index_array(xl, len(VOCAB)), "y": index_array(xl, len(VOCAB)), "return_state": BOOL})
spec("CharLM.save", LM["rnn"].save, dict(path="unused"), {"path": [("None", None), ("int", 3)]})
SAVED = tempfile.TemporaryDirectory()  # removed when the test run ends
LM["rnn"].save(os.path.join(SAVED.name, "lm.npz"))
spec("CharLM.load", charlm.CharLM.load, dict(path=os.path.join(SAVED.name, "lm.npz")),
     {"path": [("None", None), ("int", 3), ("list", ["lm.npz"]), ("missing", os.path.join(SAVED.name, "no.npz")),
               ("missing, no suffix", os.path.join(SAVED.name, "no"))]})
spec("train_lm", charlm.train_lm, dict(model=LM["rnn"], ids=IDS, num_epochs=0),
     {"model": [("None", None), ("classifier", clf)],
      "ids": [("float", IDS * 1.0), ("too large", IDS + len(VOCAB)), ("short", IDS[:1]), ("list", IDS.tolist())],
      "num_epochs": NONNEG_INT, "batch_size": POS_INT, "seq_len": POS_INT, "lr": POS_NUM, "lr_decay": UNIT,
      "clip": [("zero", 0.0), ("nan", np.nan), ("str", "1")], "val_ids": [("float", IDS * 1.0)],
      "val_every": NONNEG_INT, "callback": [("int", 3)], "carry_state": BOOL, "stop_if_diverging": BOOL,
      "progress": PROGRESS})
spec("bits_per_char", charlm.bits_per_char, dict(model=LM["rnn"], ids=IDS),
     {"model": [("None", None)], "ids": [("float", IDS * 1.0), ("too large", IDS + len(VOCAB))],
      "batch_size": POS_INT, "seq_len": POS_INT, "carry_state": BOOL})
spec("log2_probs", charlm.log2_probs, dict(model=LM["rnn"], ids=IDS),
     {"model": [("None", None)], "ids": [("float", IDS * 1.0), ("too large", IDS + len(VOCAB))],
      "batch_size": POS_INT, "seq_len": POS_INT, "carry_state": BOOL})
spec("perplexity", charlm.perplexity, dict(bpc=2.0),
     {"bpc": [("negative", -1.0), ("nan", np.nan), ("str", "2"), ("None", None)]})
TEMPERATURE = POS_NUM + [("tiny", 1e-310)]
spec("next_char_probs", charlm.next_char_probs, dict(model=LM["rnn"], prompt="the"),
     {"model": [("None", None)], "prompt": STR + [("empty", ""), ("unknown", "Q")],
      "temperature": TEMPERATURE, "top_k": [("zero", 0), ("float", 2.5), ("bool", True), ("str", "3")]})
spec("sample", charlm.sample, dict(model=LM["rnn"], prompt="the", length=3),
     {"model": [("None", None)], "prompt": STR + [("empty", "")], "length": NONNEG_INT,
      "temperature": TEMPERATURE, "top_k": [("zero", 0), ("str", "3")], "greedy": BOOL, "seed": SEED})
spec("generate", charlm.generate, dict(model=LM["rnn"], prompt="the", length=3),
     {"prompt": [("int", 3), ("list", ["a"])], "temperature": TEMPERATURE, "length": NONNEG_INT, "seed": SEED})
spec("find_loop", charlm.find_loop, dict(text="abcabcabc"), {"text": STR, "min_repeats": POS_INT})
spec("hidden_states", charlm.hidden_states, dict(model=LM["lstm"], ids=IDS, batch_size=2, seq_len=7),
     {"model": [("None", None)], "ids": [("float", IDS * 1.0), ("too large", IDS + len(VOCAB))],
      "batch_size": POS_INT + [("more than ids", len(IDS) + 1)], "seq_len": POS_INT})
spec("text_features", charlm.text_features, dict(text=TEXT), {"text": STR})
st, ft = f(20, 3), f(20)
spec("unit_correlations", charlm.unit_correlations, dict(states=st, feature=ft),
     {"states": float_array(st, size=False), "feature": float_array(ft)})
spec("probe_units", charlm.probe_units, dict(states={"h": st}, features={"a": ft}),
     {"states": [("None", None), ("empty", {}), ("nan", {"h": _with(st, np.nan)}), ("shape", {"h": st[:5]})],
      "features": [("list", [ft]), ("int", {"a": ft.astype(int)})], "control_shift": NONNEG_INT[:-1],
      "test_states": [("alone", {"h": st})]},
     extra=[("keys", "test_states", dict(test_states={"c": st}, test_features={"a": ft}))])

# ---------------------------------------------------------------- ngram

NV = len(VOCAB)
KN = ngram.KneserNey(IDS, 3, NV)
BAD_IDS = [("float", IDS * 1.0), ("2-D", IDS[:10].reshape(2, 5)), ("list", IDS.tolist()), ("None", None),
           ("too large", IDS + NV), ("negative", IDS - 1)]
spec("KneserNey", ngram.KneserNey, dict(ids=IDS, order=3, V=NV),
     {"ids": BAD_IDS + [("short", IDS[:3])], "order": POS_INT + [("too high", 13)], "V": POS_INT + [("too small", 3)],
      "discounts": [("length", [0.5]), ("zero", [0.0, 0.5, 0.5]), ("above 1", [1.5, 0.5, 0.5]),
                    ("nan", [np.nan, 0.5, 0.5])]})
spec("KneserNey.probs", KN.probs, dict(contexts=IDS[:8].reshape(4, 2), nexts=IDS[:4]),
     {"contexts": [("float", IDS[:8].reshape(4, 2) * 1.0), ("shape", IDS[:12].reshape(4, 3)), ("None", None),
                   ("too large", IDS[:8].reshape(4, 2) + NV)],
      "nexts": [("float", IDS[:4] * 1.0), ("2-D", IDS[:4].reshape(4, 1)), ("list", [0, 1, 2, 3]),
                ("negative", IDS[:4] - 10)]})
spec("KneserNey.next_char_probs", KN.next_char_probs, dict(context=IDS[:2]),
     {"context": BAD_IDS[:4] + [("short", IDS[:1]), ("too large", IDS[:2] + NV)]})
for method in ("log2_probs", "bits_per_char"):
    spec(f"KneserNey.{method}", getattr(KN, method), dict(ids=IDS),
         {"ids": BAD_IDS + [("short", IDS[:2])], "start": [("too small", 1), ("float", 2.5), ("str", "3")]})
spec("choose_order", ngram.choose_order, dict(train_ids=IDS, val_ids=IDS, V=NV, orders=[1, 2]),
     {"train_ids": BAD_IDS, "val_ids": BAD_IDS, "V": POS_INT, "orders": [("empty", []), ("zero", [0, 1]),
                                                                        ("float", [1.5]), ("too high", [13])]})
spec("ngram_codes", ngram.ngram_codes, dict(ids=IDS, k=2, V=NV),
     {"ids": BAD_IDS, "k": POS_INT, "V": POS_INT + [("too small", 3)]})


# ---------------------------------------------------------------- data and text

spec("sine_windows", data.sine_windows, dict(t_start=0, t_stop=10, seq_len=3),
     {"t_start": [("float", 0.0), ("bool", True)], "t_stop": [("too close", 3), ("str", "10")],
      "seq_len": [("zero", 0), ("float", 2.5), ("None", None)]})
spec("sine_train_test", data.sine_train_test, dict(),
     {"seq_len": [("zero", 0), ("too long", 200)], "test_start": [("overlap", 100)]})
spec("recall_vocab", data.recall_vocab, dict(),
     {"num_symbols": [("one", 1), ("many", 27), ("float", 2.5)], "num_distractors": [("zero", 0), ("many", 11)]})
spec("recall_task", data.recall_task, dict(num_samples=5, gap=2),
     {"num_samples": POS_INT, "gap": NONNEG_INT, "num_symbols": [("one", 1)], "seed": SEED})
spec("adding_problem", data.adding_problem, dict(num_samples=5, seq_len=4),
     {"num_samples": POS_INT, "seq_len": [("one", 1), ("float", 4.0), ("bool", True)], "seed": SEED})
spec("agreement_task", data.agreement_task, dict(num_samples=5, max_clause_len=3),
     {"num_samples": POS_INT, "max_clause_len": NONNEG_INT, "min_clause_len": NONNEG_INT, "seed": SEED},
     extra=[("below min", "min_clause_len", dict(min_clause_len=3, max_clause_len=2))])
spec("review_sentences", data.review_sentences, dict(), {"seed": SEED})
spec("train_test_split", data.train_test_split, dict(n=10),
     {"n": POS_INT + [("one", 1)], "test_fraction": UNIT + [("one", 1.0)], "seed": SEED})
spec("place_person_sentences", data.place_person_sentences, dict(n=5),
     {"n": POS_INT + [("too many", 10 ** 6)], "p_ambiguous": [("negative", -0.1), ("above 1", 1.5), ("nan", np.nan)],
      "seed": SEED})
spec("action_videos", data.action_videos, dict(n=3),
     {"n": POS_INT, "min_len": [("zero", 0), ("float", 2.5), ("above max", 20)], "max_len": [("below min", 2)],
      "seed": SEED})
spec("momentum_prices", data.momentum_prices, dict(num_steps=10),
     {"num_steps": [("one", 1), ("float", 9.5), ("bool", True)], "phi": [("one", 1.0), ("nan", np.nan), ("str", "0.5")],
      "sigma": POS_NUM, "start": FINITE_NUM, "seed": SEED})
prices = data.momentum_prices(30)
spec("price_windows", data.price_windows, dict(prices=prices, seq_len=5),
     {"prices": [w_ for w_ in float_array(prices, size=False) if w_[0] not in ("scalar",)],
      "seq_len": POS_INT + [("too long", 30)]})
spec("shape_scenes", data.shape_scenes, dict(n=5),
     {"n": POS_INT, "noise": [("negative", -1.0), ("nan", np.nan), ("str", "0.3")],
      "extra_dims": NONNEG_INT, "seed": SEED})
spec("date_pairs", data.date_pairs, dict(n=5),
     {"n": POS_INT + [("too many", 10 ** 7)], "first_year": [("float", 1990.0), ("tiny", 5)],
      "last_year": [("before first", 1980), ("str", "2029")], "seed": SEED})
spec("shared_rows", data.shared_rows, dict(X_a=toks, X_b=toks),
     {"X_a": [("1-D", toks[0]), ("list", toks.tolist()), ("object", toks.astype(object))],
      "X_b": [("T", toks[:, :2]), ("None", None)]})

SENTS = [["not", "bad"], ["good"]]
STOI, ITOS = text.build_vocab(SENTS)
spec("tokenize", text.tokenize, dict(sentence="Not bad"), {"sentence": STR})
spec("build_vocab", text.build_vocab, dict(token_lists=SENTS),
     {"token_lists": [("str", "not bad"), ("flat", ["not", "bad"]), ("None", None), ("ints", [[1, 2]])],
      "min_count": POS_INT, "specials": [("str", "<pad>"), ("ints", (0,))]})
spec("text.encode", text.encode, dict(tokens=["not", "good"], stoi=STOI),
     {"tokens": [("str", "not good"), ("None", None), ("ints", [1, 2])],
      "stoi": [("None", None), ("list", ITOS)]})
spec("text.decode", text.decode, dict(ids=[1, 2], itos=ITOS),
     {"ids": [("float", [1.5]), ("too large", [99]), ("2-D", [[1]]), ("None", None)],
      "itos": [("None", None), ("dict", STOI)]})
spec("pad_batch", text.pad_batch, dict(seqs=[[1, 2], [3]]),
     {"seqs": [("None", None), ("empty", []), ("empty row", [[1], []]), ("float", [[1.5]]), ("str", "ab")],
      "max_len": POS_INT[:-2], "pad_id": [("float", 0.5), ("str", "0"), ("None", None)]})
spec("encode_batch", text.encode_batch, dict(token_lists=SENTS, stoi=STOI),
     {"token_lists": [("str", "not bad"), ("None", None)],
      "stoi": [("None", None), ("no pad", {"not": 0, "bad": 1, "good": 2})], "max_len": POS_INT[:-2]})
spec("encode_tags", text.encode_tags, dict(tag_lists=[["O", "X"]], tag_to_id={"O": 0, "X": 1}, T=3),
     {"tag_lists": [("None", None), ("empty", []), ("unknown", [["Q"]])],
      "tag_to_id": [("None", None), ("list", ["O", "X"])], "T": POS_INT + [("too short", 1)]})
spec("bag_key", text.bag_key, dict(tokens=["b", "a"]), {"tokens": [("None", None), ("str", "ab"), ("ints", [1, 2])]})
spec("order_dependent", text.order_dependent, dict(token_lists=SENTS, labels=np.array([0, 1])),
     {"token_lists": [("str", "x"), ("None", None)],
      "labels": [("float", np.array([0.0, 1.0])), ("length", np.array([0, 1, 1])), ("list", [0, 1])]})

# ---------------------------------------------------------------- gradients, inspect_lstm, report

spec("recurrent_matrix", gradients.recurrent_matrix, dict(H=4, scale=1.0, rng=gen),
     {"H": POS_INT, "scale": POS_NUM, "rng": [("int", 0)], "kind": CHOICE})
for fn in (gradients.spectral_radius, gradients.largest_singular_value):
    spec(fn.__name__, fn, dict(W=f(4, 4)),
         {"W": [w_ for w_ in float_array(f(4, 4)) if w_[0] != "ndim-1"] + [("empty", np.zeros((0, 0)))]})
spec("jacobian_product_norms", gradients.jacobian_product_norms, dict(dh_last=hN, cache=rnn_cache),
     {"dh_last": float_array(hN), "cache": CACHE})
GN_BAD = {"scale": POS_NUM, "seq_len": POS_INT, "activation": CHOICE, "hidden_size": POS_INT, "kind": CHOICE,
          "input_scale": POS_NUM, "batch_size": POS_INT, "seed": SEED}
spec("gradient_norms", gradients.gradient_norms, dict(scale=1.0, seq_len=5, hidden_size=4, batch_size=3), GN_BAD)
spec("explore_gradients", gradients.explore_gradients, dict(scale=1.0, seq_len=5),
     {k: v for k, v in GN_BAD.items() if k in ("scale", "seq_len", "activation", "kind", "seed")})
lstm_clf = models.SequenceClassifier(V, C, hidden_size=H, embed_dim=E, cell="lstm")
spec("input_gradient_norms", gradients.input_gradient_norms, dict(model=lstm_clf, X=toks, y=ints(C, N)),
     {"model": [("tagger", tagger), ("None", None)], "X": index_array(toks, V),
      "y": index_array(ints(C, N), C)})
spec("clipping_cosines", gradients.clipping_cosines, dict(grads={"a": f(5)}),
     {"grads": [("None", None), ("empty", {}), ("nan", {"a": _with(f(5), np.nan)}), ("zero", {"a": np.zeros(3)}),
                ("list", {"a": [1.0]})], "max_norm": POS_NUM, "clip_value": POS_NUM})
spec("lstm_internals", inspect_lstm.lstm_internals, dict(model=lstm_clf, tokens=toks),
     {"model": [("gru", clf), ("None", None)], "tokens": index_array(toks, V)})
cN = f(6, 3)
spec("memory_units", inspect_lstm.memory_units, dict(values=cN, labels=np.array([0, 1, 0, 1, 1, 0])),
     {"values": float_array(cN, size=False), "labels": index_array(np.array([0, 1, 0, 1, 1, 0]), 2)[:7],
      "k": POS_INT[:-2]}, extra=[("N = 0", "values", dict(values=np.zeros((0, 3)), labels=np.zeros(0, dtype=int)))])
spec("show_gates", inspect_lstm.show_gates, dict(model=lstm_clf, tokens=toks, itos=list("abcdefg"), units=[0]),
     {"model": [("gru", clf)], "tokens": index_array(toks, V),
      "example": [("too large", N), ("negative", -1), ("float", 0.0), ("bool", True)], "num_units": POS_INT},
     extra=[("neither", "labels", dict(units=None, labels=None))])
spec("spread", report.spread, dict(values=[0.5, 0.6]),
     {"values": [("empty", []), ("nan", [0.5, np.nan]), ("str", ["a"]), ("None", [None]), ("complex", [1j]),
                 ("ragged", [[1], [1, 2]])],
      "fmt": [("None", None), ("no braces", "x"), ("bad code", "{:d}"), ("named", "{x}")], "what": [("int", 3)]})

# ---------------------------------------------------------------- exercises, widgets, training

for name in ("rnn_step_backward", "grad_norms", "lstm_step_backward", "bag_of_words", "teacher_forcing",
             "add_k_bigram", "rnn_forward", "greedy_decode", "sample", "tbptt_epoch"):
    spec(f"check_{name}", getattr(exercises, f"check_{name}"), dict(fn=lambda *a: None), {"fn": CALLABLE})
    diagnose = getattr(exercises, f"diagnose_{name}")
    bad = {"fn": CALLABLE}
    if "seed" in inspect.signature(diagnose).parameters:
        bad["seed"] = SEED
    spec(f"diagnose_{name}", diagnose, dict(fn=lambda *a: None), bad)

# Notebook 05, the LSTM forward loop: its checker takes a function, like the others above.
spec("check_lstm_forward", exercises.check_lstm_forward, dict(fn=lambda *a: None), {"fn": CALLABLE})
spec("diagnose_lstm_forward", exercises.diagnose_lstm_forward, dict(fn=lambda *a: None),
     {"fn": CALLABLE, "seed": SEED})

# Notebooks 03 and 04: the whole BPTT loop (two functions) and global-norm clipping.
spec("check_rnn_backward", exercises.check_rnn_backward, dict(forward=lambda *a: None, backward=lambda *a: None),
     {"forward": CALLABLE, "backward": CALLABLE})
spec("diagnose_rnn_backward", exercises.diagnose_rnn_backward,
     dict(forward=lambda *a: None, backward=lambda *a: None), {"forward": CALLABLE, "backward": CALLABLE, "seed": SEED})
spec("check_clip_grad_norm", exercises.check_clip_grad_norm, dict(fn=lambda *a: None), {"fn": CALLABLE})
spec("diagnose_clip_grad_norm", exercises.diagnose_clip_grad_norm, dict(fn=lambda *a: None),
     {"fn": CALLABLE, "seed": SEED})

WSTOI = {"<pad>": 0, "the": 1, "film": 2, "was": 3, "good": 4}
wclf = models.SequenceClassifier(5, 2, hidden_size=3, embed_dim=2)
spec("read_sentence", widgets.read_sentence, dict(model=wclf, sentence="the film", stoi=WSTOI, class_names=["a", "b"]),
     {"model": [("None", None)], "sentence": [("None", None), ("int", 3), ("empty", " ")],
      "class_names": [("str", "ab"), ("length", ["a"]), ("None", None)]})
spec("explore_sentence", widgets.explore_sentence,
     dict(model=wclf, sentence="the film", stoi=WSTOI, class_names=["a", "b"]),
     {"model": [("None", None)], "class_names": [("length", ["a", "b", "c"])]})
spec("describe_reading", widgets.describe_reading,
     dict(reading=widgets.read_sentence(wclf, "the film", WSTOI, ["a", "b"])),
     {"reading": [("None", None), ("empty", {}), ("list", [1])]})
spec("sentence_explorer", widgets.sentence_explorer, dict(readers={"m": (wclf, WSTOI, ["a", "b"])}, sentence="the film"),
     {"readers": [("None", None), ("empty", {})], "sentence": [("None", None), ("int", 3)]})

spec("DivergenceCheck", training.DivergenceCheck, dict(guess_loss=1.0),
     {"guess_loss": [("negative", -1.0), ("nan", np.nan), ("str", "1")], "nan_only": BOOL})
spec("DivergenceCheck.update", training.DivergenceCheck().update, dict(loss=1.0, norm=1.0),
     {"loss": [("str", "1"), ("None", None), ("array", np.ones(2))], "norm": [("str", "1"), ("negative", -1.0)]})


# ---------------------------------------------------------------- attention (notebook 07)

A_, S_ = 6, 5
qa, ka, Wqa, Wka, vaa = f(N, T, H), f(N, S_, E), f(H, A_), f(E, A_), f(A_)
att_len = np.array([5, 2, 1])
spec("additive_attention_forward", attention.additive_attention_forward,
     dict(q=qa, k=ka, Wq=Wqa, Wk=Wka, va=vaa, lengths=att_len),
     {"q": float_array(qa), "k": float_array(ka), "Wq": float_array(Wqa), "Wk": float_array(Wka),
      "va": float_array(vaa), "lengths": [("zero", np.array([5, 0, 1])), ("too long", np.array([6, 1, 1])),
                                          ("float", att_len * 1.0), ("shape", att_len[:2])]})
_, _, add_cache = attention.additive_attention_forward(qa, ka, Wqa, Wka, vaa)
spec("additive_attention_backward", attention.additive_attention_backward,
     dict(dcontext=f(N, T, E), cache=add_cache), {"dcontext": float_array(f(N, T, E)), "cache": CACHE})
qd, kd, vd = f(N, T, 4), f(N, S_, 4), f(N, S_, 2)
spec("dot_product_attention_forward", attention.dot_product_attention_forward,
     dict(q=qd, k=kd, v=vd, lengths=att_len),
     {"q": float_array(qd), "k": float_array(kd), "v": float_array(vd, size=False),
      "lengths": [("zero", np.array([5, 0, 1])), ("float", att_len * 1.0)], "scale": BOOL, "causal": BOOL})
_, _, dot_cache = attention.dot_product_attention_forward(qd, kd, vd)
spec("dot_product_attention_backward", attention.dot_product_attention_backward,
     dict(dout=f(N, T, 2), cache=dot_cache), {"dout": float_array(f(N, T, 2)), "cache": CACHE})
Wqs, Wks, Wvs = f(D, 4), f(D, 4), f(D, 3)
spec("self_attention_forward", attention.self_attention_forward, dict(x=x3, Wq=Wqs, Wk=Wks, Wv=Wvs),
     {"x": float_array(x3), "Wq": float_array(Wqs), "Wk": float_array(Wks), "Wv": float_array(Wvs, size=False),
      "causal": BOOL})
_, _, self_cache = attention.self_attention_forward(x3, Wqs, Wks, Wvs)
spec("self_attention_backward", attention.self_attention_backward, dict(dout=f(N, T, 3), cache=self_cache),
     {"dout": float_array(f(N, T, 3)), "cache": CACHE})
spec("reverse_padded", attention.reverse_padded, dict(x=ka, lengths=att_len),
     {"x": [("None", None), ("list", ka.tolist()), ("1-D", vaa)],
      "lengths": [("zero", np.array([5, 0, 1])), ("float", att_len * 1.0), ("shape", att_len[:2]),
                  ("None", None)]})
att = attention.AttentionSeq2Seq(V, V, hidden_size=H, embed_dim=E, attention_size=A_, seed=1)
spec("AttentionSeq2Seq", attention.AttentionSeq2Seq, dict(src_vocab_size=V, tgt_vocab_size=V),
     {"src_vocab_size": POS_INT, "tgt_vocab_size": POS_INT, "hidden_size": POS_INT, "embed_dim": POS_INT,
      "attention_size": POS_INT, "bidirectional": BOOL, "cell": CHOICE + [("lstm", "lstm")], "seed": SEED,
      "dtype": [("int", np.int64), ("str", "float16")]})
spec("AttentionSeq2Seq.encode", att.encode, dict(src=src, src_lengths=src_len),
     {"src": index_array(src, V), "src_lengths": [("zero", np.array([5, 0, 1])), ("too long", np.array([6, 1, 1])),
                                                  ("float", src_len * 1.0), ("shape", src_len[:2])]})
att_X = (src, src_len, dec_in)
for method in ("loss_and_grads", "sequence_log_prob", "alignment"):
    kwargs = dict(X=att_X) if method == "alignment" else dict(X=att_X, y=dec_out)
    bad = {"X": [("2-tuple", (src, src_len)), ("array", src)]}
    if method != "alignment":
        bad["y"] = [("too large", dec_out + V), ("below -1", np.full_like(dec_out, -3)),
                    ("float", dec_out * 1.0), ("shape", dec_out[:, :2])]
    spec(f"AttentionSeq2Seq.{method}", getattr(att, method), kwargs, bad,
         extra=[("dec_in too large", "dec_in", dict(X=(src, src_len, dec_in + V))),
                ("src float", "src", dict(X=(src * 1.0, src_len, dec_in))),
                ("src_lengths zero", "src_lengths", dict(X=(src, np.zeros(N, dtype=int), dec_in)))])
spec("AttentionSeq2Seq.guess_loss", att.guess_loss, dict(y=dec_out), {})
att_keys, att_h0, _ = att.encode(src, src_len)
spec("AttentionSeq2Seq.decode_step", att.decode_step,
     dict(tokens=np.array([1, 2, 3]), h=att_h0, keys=att_keys, src_lengths=src_len),
     {"tokens": index_array(np.array([1, 2, 3]), V), "h": float_array(att_h0),
      "keys": float_array(att_keys, size=False),
      "src_lengths": [("zero", np.array([5, 0, 1])), ("float", src_len * 1.0), ("shape", src_len[:2])]})
for method in ("translate", "beam_translate"):
    kwargs = dict(src=src, src_lengths=src_len, start_id=1, end_id=2)
    bad = {"src": index_array(src, V), "max_len": POS_INT,
           "start_id": [("negative", -1), ("float", 1.0)], "end_id": [("str", "2")]}
    if method == "beam_translate":
        kwargs["beam_width"] = 2
        bad["beam_width"] = POS_INT
    else:
        bad["start_id"].append(("too large", 99))
    spec(f"AttentionSeq2Seq.{method}", getattr(att, method), kwargs, bad)
sc, lp = f(N, 2), f(N, 2, V)
spec("beam_step", attention.beam_step, dict(scores=sc, logp=lp),
     {"scores": float_array(sc)[:5] + [("size", f(N, 3))], "logp": float_array(lp)[:5] + [("size", f(N, 3, V))]})
spec("beam_search", attention.beam_search,
     dict(step=lambda tok, st: (np.log(np.full((len(tok), V), 1.0 / V)), st), state=hN, start_id=1, end_id=2,
          beam_width=2, max_len=3),
     {"step": CALLABLE, "state": [("None", None), ("list", hN.tolist()), ("scalar", np.float64(1.0))],
      "start_id": NONNEG_INT, "end_id": NONNEG_INT, "beam_width": POS_INT, "max_len": POS_INT})
spec("reversal_pairs", data.reversal_pairs, dict(n=10),
     {"n": POS_INT + [("too many", 10 ** 7)], "min_len": POS_INT, "max_len": POS_INT + [("below min_len", 3)],
      "num_letters": POS_INT + [("one", 1), ("27", 27)], "seed": SEED})
ASTOI, AITOS = {"<pad>": 0, "a": 1, "b": 2, "c": 3}, ["<pad>", "<start>", "<end>", "a", "b", "c"]
att_w = attention.AttentionSeq2Seq(4, 6, hidden_size=3, embed_dim=2, attention_size=2, seed=0)
spec("read_alignment", widgets.read_alignment,
     dict(model=att_w, source="abc", stoi=ASTOI, itos=AITOS, start_id=1, end_id=2),
     {"model": [("None", None), ("classifier", wclf)], "source": [("None", None), ("int", 3), ("empty", " ")],
      "start_id": [("too large", 9)], "end_id": [("negative", -1)], "max_len": POS_INT[:5]})
spec("explore_alignment", widgets.explore_alignment,
     dict(model=att_w, source="abc", stoi=ASTOI, itos=AITOS, start_id=1, end_id=2),
     {"model": [("None", None)], "source": [("None", None)], "start_id": [("too large", 9)]})
spec("alignment_explorer", widgets.alignment_explorer,
     dict(model=att_w, stoi=ASTOI, itos=AITOS, start_id=1, end_id=2, source="abc"),
     {"model": [("None", None)], "source": [("None", None), ("int", 3)], "end_id": [("str", "2")]})
for name in ("attention_backward", "beam_step"):
    spec(f"check_{name}", getattr(exercises, f"check_{name}"), dict(fn=lambda *a: None), {"fn": CALLABLE})
    spec(f"diagnose_{name}", getattr(exercises, f"diagnose_{name}"), dict(fn=lambda *a: None),
         {"fn": CALLABLE, "seed": SEED})


# ---------------------------------------------------------------- the tests

def _names(message, arg):
    """Whether message names arg as a whole word (so 'X' is not found inside 'X_val')."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(arg)}(?![A-Za-z0-9_])", message) is not None


@pytest.mark.parametrize("label, call, valid", [pytest.param(s[0], s[1], s[2], id=s[0]) for s in SPECS])
def test_the_valid_call_works(label, call, valid, tmp_path, monkeypatch):
    # Each bad call below differs from this one in one argument, so this one must work.
    monkeypatch.chdir(tmp_path)  # CharLM.save writes a file
    call(**valid)


@pytest.mark.parametrize("call, kwargs, arg", list(_cases()))
def test_a_bad_call_raises_a_value_error_naming_the_argument(call, kwargs, arg):
    with pytest.raises(ValueError) as info:
        call(**kwargs)
    message = str(info.value)
    assert _names(message, arg), f"the message does not name {arg!r}: {message}"
    # And it says what it received, or what is missing.
    assert re.search(r"\bgot\b|\bhas\b|\blacks\b|\bmissing\b|\bno\b|\btoo\b|contains", message), message


# The modules fuzzed here compute; these ones draw or build files, and are left out.
MODULES = [attention, charlm, data, exercises, feedforward, gradcheck, gradients, gru, init, inspect_lstm, layers,
           lstm, models, ngram, optim, recurrent, report, rnn, seq2seq, text, training, widgets]
NOT_FUZZED_MODULES = {"_checks": "private: the checks themselves, tested in test_checks.py",
                      "_inputs": "private: fuzzed through rnn_forward, lstm_forward and gru_forward "
                                 "reading token ids (above), tested in test_recurrent.py",
                      "plots": "draws the notebooks' figures from results the package made",
                      "figures": "draws the diagrams in Image/ (python -m rnn_helpers.figures)",
                      "make_corpus": "a maintainer's script that rebuilds corpus/ from CPython's sources",
                      "progress": "draws tqdm's bars; the progress argument of fit and train_lm is fuzzed there",
                      "memory": "changes this process's malloc settings; its bad arguments are tested in "
                                "test_memory.py"}


def _public_functions():
    """(module, name) of every public function, class and method of the fuzzed modules.

    A method is named "Class.method"; a class's public methods are listed
    after the class itself.
    """
    for module in MODULES:
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) != module.__name__ or issubclass_exception(obj):
                continue
            yield module.__name__.split(".")[-1], name
            if inspect.isclass(obj):
                for method, attr in vars(obj).items():
                    if not method.startswith("_") and (inspect.isfunction(attr) or
                                                       isinstance(attr, (classmethod, staticmethod))):
                        yield module.__name__.split(".")[-1], f"{name}.{method}"


def issubclass_exception(obj):
    return inspect.isclass(obj) and issubclass(obj, BaseException)


# Public functions with nothing to get wrong, or elementwise maths used inside the time loop.
NOT_FUZZED = {("charlm", "load_corpus"): "takes no arguments",
              ("data", "agreement_vocab"): "takes no arguments",
              ("training", "DivergenceCheck.ended"): "takes no arguments",
              ("lstm", "sigmoid"): "elementwise, like np.tanh: runs inside the time loop, so checks nothing"}


def test_every_public_function_and_method_is_fuzzed():
    labels = {s[0].split(" ")[0] for s in SPECS}  # "fit", "recurrent.forward", "CharLM.save", ...
    missing = [f"{module}.{name}" for module, name in _public_functions()
               if (module, name) not in NOT_FUZZED and name not in labels
               and f"{module}.{name}" not in labels]
    assert not missing, f"no fuzz cases for {missing}"


def test_every_module_is_fuzzed_or_left_out_for_a_stated_reason():
    fuzzed = {m.__name__.split(".")[-1] for m in MODULES}
    every = {m.name for m in pkgutil.iter_modules(rnn_helpers.__path__)}
    assert every - fuzzed == set(NOT_FUZZED_MODULES), "a new module needs fuzz cases (or a reason)"


def test_enough_bad_calls():
    # Many bad calls per function on average: the fuzz is broad, not a token.
    assert len(list(_cases())) > 8 * len(SPECS)


# ---------------------------------------------------------------- cases that are not one swapped argument

def test_fit_with_no_samples_and_bits_per_char_with_bad_sizes_name_the_argument():
    with pytest.raises(ValueError, match=r"^fit: X and y must hold at least one sample, got 0$"):
        models.fit(models.ManyToOneRNN(1, 2, 1), np.zeros((0, 3, 1)), np.zeros((0, 1)))
    for kwargs, name in ((dict(batch_size=0), "batch_size"), (dict(seq_len=0), "seq_len")):
        with pytest.raises(ValueError, match=rf"^bits_per_char: {name} must be a positive integer, got 0$"):
            charlm.bits_per_char(LM["rnn"], IDS, **kwargs)
    with pytest.raises(ValueError, match=r"^fit: batch_size must be a positive integer, got -4$"):
        models.fit(models.ManyToOneRNN(1, 2, 1), np.zeros((5, 3, 1)), np.zeros((5, 1)), batch_size=-4)
    with pytest.raises(ValueError, match=r"^fit: num_epochs must be an integer >= 0, got -1$"):
        models.fit(models.ManyToOneRNN(1, 2, 1), np.zeros((5, 3, 1)), np.zeros((5, 1)), num_epochs=-1)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_charlm_forward_with_no_steps_returns_the_state_it_was_given(cell):
    # T = 0 is valid: no scores, and the state passes through unchanged.
    model = charlm.CharLM(VOCAB, cell=cell, embed_dim=3, hidden_size=4, seed=1, dtype=np.float64)
    state = model.initial_state(2)
    state = tuple(s + 0.5 for s in state) if cell == "lstm" else state + 0.5
    scores, final, _ = model.forward(np.zeros((2, 0), dtype=np.int64), state)
    assert scores.shape == (2, 0, len(VOCAB))
    for a, b in zip(final if cell == "lstm" else [final], state if cell == "lstm" else [state]):
        np.testing.assert_array_equal(a, b)
        assert a is not b  # a copy, as for T >= 1


def test_sequence_classifier_takes_an_empty_batch_with_lengths():
    tokens, lengths = np.zeros((0, T), dtype=np.int64), np.zeros(0, dtype=np.int64)
    scores, _ = clf.forward((tokens, lengths))
    assert scores.shape == (0, C)
    assert clf.predict((tokens, lengths)).shape == (0,)


def _saved(tmp_path, **changes):
    """The arrays of a saved CharLM, changed as asked, written to a new .npz file."""
    LM["lstm"].save(tmp_path / "good.npz")
    with np.load(tmp_path / "good.npz") as f:
        arrays = {k: f[k] for k in f.files}
    for k, v in changes.items():
        if v is None:
            del arrays[k]
        else:
            arrays[k] = v
    path = tmp_path / "tampered.npz"
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize("changes, name", [
    (dict(param_Wh=None), "param_Wh"),
    (dict(itos=None), "itos"),
    (dict(param_Wh="nan"), "Wh"),
    (dict(param_Wy="inf"), "Wy"),
    (dict(param_Wh="int"), "parameters"),
    (dict(param_Wh="float64"), "parameters"),
    (dict(param_b="shape"), "b"),
    (dict(cell=np.array("tcn")), "cell"),
    (dict(cell=np.array(3)), "cell"),
    (dict(hidden_size=np.array(4.0)), "hidden_size"),
    (dict(hidden_size=np.array(0)), "hidden_size"),
    (dict(embed_dim=np.array([3, 3])), "embed_dim"),
    (dict(itos=np.array([1, 2])), "itos"),
    (dict(itos=np.array(["a", "a"])), "chars"),
])
def test_load_of_a_tampered_file_names_what_is_wrong(tmp_path, changes, name):
    good = LM["lstm"].params
    values = {"nan": lambda a: _with(a, np.nan).astype(a.dtype), "inf": lambda a: _with(a, np.inf).astype(a.dtype),
              "int": lambda a: a.astype(np.int64), "float64": lambda a: a.astype(np.float64),
              "shape": lambda a: a[:-1]}
    for k, v in list(changes.items()):
        if isinstance(v, str):
            changes[k] = values[v](good[k[len("param_"):]])
    with pytest.raises(ValueError) as info:
        charlm.CharLM.load(_saved(tmp_path, **changes))
    assert _names(str(info.value), name), str(info.value)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "npy", "missing"])
def test_load_of_a_broken_file_raises_value_error(tmp_path, damage):
    path = tmp_path / "model.npz"
    LM["rnn"].save(path)
    raw = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(raw[:len(raw) // 2])
    elif damage == "garbage":
        path.write_bytes(b"not a zip file at all" * 10)
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "npy":
        np.save(tmp_path / "one.npy", np.zeros(3))
        path = tmp_path / "one.npy"
    else:
        path = tmp_path / "nowhere.npz"
    with pytest.raises(ValueError, match=r"^CharLM\.load: "):
        charlm.CharLM.load(path)


def test_load_of_a_file_with_a_corrupted_member(tmp_path):
    # The zip directory is fine but one member's bytes are not: a CRC error inside numpy.
    path = tmp_path / "model.npz"
    LM["rnn"].save(path)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("param_Wh.npy")
    start = info.header_offset + 30 + len(info.filename) + 120  # inside the member's data
    raw[start:start + 8] = b"\xff" * 8
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"^CharLM\.load: cannot read"):
        charlm.CharLM.load(path)


def test_save_without_suffix_then_load_without_suffix(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    LM["gru"] = charlm.CharLM(VOCAB, cell="gru", embed_dim=3, hidden_size=4, seed=2)
    LM["gru"].save("m")  # np.savez writes m.npz
    loaded = charlm.CharLM.load("m")
    for k, p in LM["gru"].params.items():
        np.testing.assert_array_equal(loaded.params[k], p)


def test_a_vocabulary_with_a_nul_character_saves_and_loads(tmp_path):
    vocab = charlm.Vocabulary(["\x00", "a", "b\x00"[0], "\n"])
    model = charlm.CharLM(vocab, cell="rnn", embed_dim=2, hidden_size=3)
    model.save(tmp_path / "nul.npz")
    loaded = charlm.CharLM.load(tmp_path / "nul.npz")
    assert loaded.vocab.itos == ["\x00", "a", "b", "\n"]
    assert charlm.sample(loaded, "\x00a", 10, seed=1) == charlm.sample(model, "\x00a", 10, seed=1)


def test_next_char_probs_at_a_tiny_temperature_says_so():
    with pytest.raises(ValueError, match=r"^next_char_probs: temperature 1e-310 is too small.*greedy=True"):
        charlm.next_char_probs(LM["rnn"], "the", temperature=1e-310)
    p = charlm.next_char_probs(LM["rnn"], "the", temperature=1e-3)  # small but fine: nearly one-hot
    assert np.all(np.isfinite(p)) and p.sum() == pytest.approx(1.0)
