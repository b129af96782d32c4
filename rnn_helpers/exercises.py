"""Checkers for the notebooks' exercises: they say what is wrong, and where.

Each check_* function runs the learner's function on a small random case,
compares it with centred differences (not with the package's own answer, so
a learner can trust it), and prints a specific, friendly diagnosis.
"""
import numpy as np

from .gradcheck import numerical_gradient, rel_error
from .rnn import rnn_step_forward

_NAMES = ("dx", "dh_prev", "dWx", "dWh", "db")
_ARGS = ("x", "h_prev", "Wx", "Wh", "b")


def _rnn_step_case(seed=0, N=3, D=4, H=5):
    """A random float64 case with N, D, H all different, and a non-symmetric Wh."""
    rng = np.random.default_rng(seed)
    args = [rng.normal(size=(N, D)), rng.normal(size=(N, H)),
            0.5 * rng.normal(size=(D, H)), 0.5 * rng.normal(size=(H, H)), 0.1 * rng.normal(size=H)]
    dh = rng.normal(size=(N, H))
    return args, dh


def _numerical_step_grads(args, dh):
    """Centred-difference gradients of sum(h * dh) for each argument of the step."""
    grads = []
    for i, a in enumerate(args):
        def f(v, i=i):
            return rnn_step_forward(*[v if j == i else args[j] for j in range(5)])[0]
        grads.append(numerical_gradient(f, a.copy(), dh))
    return grads


def _known_mistakes(name, got, args, dh):
    """Compare a wrong gradient with the results of common mistakes."""
    x, h_prev, Wx, Wh, b = args
    h = np.tanh(x @ Wx + h_prev @ Wh + b)
    da = dh * (1 - h ** 2)
    guesses = {
        "dh_prev": [(da @ Wh, "it matches da @ Wh: the recurrent gradient needs the "
                              "transpose, da @ Wh.T (the bug of the lesson this course replaces)"),
                    (dh @ Wh.T, "it matches dh @ Wh.T: multiply dh by tanh's derivative "
                                "(1 - h**2) before going through Wh")],
        "dx": [(dh @ Wx.T, "it matches dh @ Wx.T: multiply dh by tanh's derivative (1 - h**2) first")],
        "dWh": [(h_prev.T @ dh, "it matches h_prev.T @ dh: use da = dh * (1 - h**2), not dh"),
                (da.T @ h_prev, "it matches da.T @ h_prev, the transpose of the answer: "
                                "dWh must be h_prev.T @ da, shaped like Wh")],
        "dWx": [(x.T @ dh, "it matches x.T @ dh: use da = dh * (1 - h**2), not dh")],
        "db": [(dh.sum(axis=0), "it matches dh.sum(axis=0): use da = dh * (1 - h**2), not dh")],
    }
    for value, hint in guesses.get(name, []):
        if value.shape == got.shape and rel_error(value, got) < 1e-6:
            return hint
    return "compare each line with a = x @ Wx + h_prev @ Wh + b and h = tanh(a)"


def diagnose_rnn_step_backward(fn, seed=0):
    """Run fn(dh, cache) on a random case; return a list of problems (empty if right).

    cache is what rnn_helpers.rnn.rnn_step_forward returns:
    (x, h_prev, Wx, Wh, h, activation), with activation "tanh".
    """
    args, dh = _rnn_step_case(seed)
    _, cache = rnn_step_forward(*args)
    try:
        out = fn(dh.copy(), cache)
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your function raised {type(e).__name__}: {e}"]
    if not isinstance(out, tuple) or len(out) != 5:
        return ["return a tuple of five arrays: dx, dh_prev, dWx, dWh, db"]
    expected = _numerical_step_grads(args, dh)
    problems = []
    for name, arg, got, want in zip(_NAMES, _ARGS, out, expected):
        if got is None:
            problems.append(f"{name} is still None: fill in its line")
        elif np.shape(got) != want.shape:
            problems.append(f"{name} must have the shape of {arg}, {want.shape}, "
                            f"but has shape {np.shape(got)}")
        elif rel_error(got, want) > 1e-7:
            problems.append(f"{name} is wrong (relative error {rel_error(got, want):.2g} "
                            f"against centred differences): {_known_mistakes(name, np.asarray(got), args, dh)}")
    return problems


def check_rnn_step_backward(fn):
    """Print whether fn is a correct rnn_step_backward, and what to fix if not.

    Returns True when every gradient matches centred differences.
    """
    problems = diagnose_rnn_step_backward(fn)
    if not problems:
        print("Correct: all five gradients match centred differences "
              "(relative error below 1e-7). Well done!")
        return True
    print("Not yet. What to look at:")
    for p in problems:
        print(" -", p)
    return False
