"""Checkers for the notebooks' exercises: they say what is wrong, and where.

Each check_* function runs the learner's function on a small random case,
compares it with centred differences (not with the package's own answer, so
a learner can trust it), and prints a specific, friendly diagnosis.

No answer with a NaN or inf anywhere passes: each checker looks for them
first and says where they are ("NaN in dWh (3 of 25 entries)"). Behind that,
every comparison lets an answer pass only when `error < tol` (or `<=`) is
True, never when `error > tol` is False, since both are False for NaN.
"""
import numpy as np

from ._checks import check_callable, check_seed
from .gradcheck import numerical_gradient, rel_error
from .rnn import rnn_step_forward

_NAMES = ("dx", "dh_prev", "dWx", "dWh", "db")
_ARGS = ("x", "h_prev", "Wx", "Wh", "b")


def _report(problems, success):
    """Print success, or each problem under "Not yet"; return whether there were none."""
    if not problems:
        print(success)
        return True
    print("Not yet. What to look at:")
    for p in problems:
        print(" -", p)
    return False


def _check_call(where, fn, seed=0):
    """A checker needs the learner's function (and an integer seed): ValueError otherwise."""
    check_callable(where, "fn", fn)
    check_seed(where, seed)


def _as_numbers(name, got):
    """(array, None) for an answer of real numbers; (None, what is wrong) otherwise."""
    try:
        a = np.asarray(got)
    except ValueError:  # e.g. a ragged list
        a = np.asarray(None)
    if a.dtype.kind not in "biuf":  # bool, int, float: not complex, str or None inside
        return None, f"{name} must hold real numbers (a float array), but has dtype {a.dtype}"
    return a, None


def _not_finite(name, a):
    """'NaN in dWh (3 of 25 entries): ...' if the array a holds NaN or inf, else None."""
    nan, inf = int(np.sum(np.isnan(a))), int(np.sum(np.isinf(a)))
    if nan == inf == 0:
        return None
    found = " and ".join(f"{what}" for n, what in ((nan, "NaN"), (inf, "inf")) if n)
    return (f"{found} in {name} ({nan + inf} of {a.size} entries): every entry must be a "
            f"finite number (a 0/0 somewhere, or a line not finished?)")


def _compare_grads(out, expected, names, arg_names, hint):
    """Problems with each returned gradient: missing, misshapen, NaN or inf, or off by > 1e-7.

    hint(name, got) explains a wrong gradient, e.g. by matching common mistakes.
    """
    problems = []
    for name, arg, got, want in zip(names, arg_names, out, expected):
        if got is None:
            problems.append(f"{name} is still None: fill in its line")
            continue
        got, problem = _as_numbers(name, got)
        if problem is None and got.shape != want.shape:
            problem = f"{name} must have the shape of {arg}, {want.shape}, but has shape {got.shape}"
        problem = problem or _not_finite(name, got)
        err = rel_error(got, want) if problem is None else None
        if problem is None and not err <= 1e-7:  # `not <=` is True for NaN too
            problem = (f"{name} is wrong (relative error {err:.2g} against centred "
                       f"differences): {hint(name, got)}")
        if problem:
            problems.append(problem)
    return problems


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
    _check_call("diagnose_rnn_step_backward", fn, seed)
    args, dh = _rnn_step_case(seed)
    _, cache = rnn_step_forward(*args)
    try:
        out = fn(dh.copy(), cache)
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your function raised {type(e).__name__}: {e}"]
    if not isinstance(out, tuple) or len(out) != 5:
        return ["return a tuple of five arrays: dx, dh_prev, dWx, dWh, db"]
    return _compare_grads(out, _numerical_step_grads(args, dh), _NAMES, _ARGS,
                          lambda name, got: _known_mistakes(name, got, args, dh))


def check_rnn_step_backward(fn):
    """Print whether fn is a correct rnn_step_backward, and what to fix if not.

    Returns True when every gradient matches centred differences.
    """
    _check_call("check_rnn_step_backward", fn)
    return _report(diagnose_rnn_step_backward(fn),
                   "Correct: all five gradients match centred differences "
                   "(relative error below 1e-7). Well done!")


# ---------------------------------------------------------------- notebook 04: gradients through time

def _grad_norms_case(seed=0, N=3, T=7, D=4, H=5):
    """A random tanh RNN run (N, T, D, H all different, non-symmetric Wh) and a dh_last."""
    from .rnn import rnn_forward
    rng = np.random.default_rng(seed)
    x, Wx = rng.normal(size=(N, T, D)), 0.7 * rng.normal(size=(D, H))
    Wh, b = 0.6 * rng.normal(size=(H, H)), 0.1 * rng.normal(size=H)
    h, _ = rnn_forward(x, np.zeros((N, H)), Wx, Wh, b)
    return (x, Wx, Wh, b), h, rng.normal(size=(N, H))


def _numerical_grad_norms(args, h, dh_last):
    """||dL/dh_t|| for L = sum(h_T * dh_last) by centred differences, rerunning from each h_t."""
    from .rnn import rnn_forward
    x, Wx, Wh, b = args
    T = h.shape[1]
    norms = np.empty(T)
    for t in range(T):
        def h_last(h_t, t=t):
            return h_t.copy() if t == T - 1 else rnn_forward(x[:, t + 1:], h_t, Wx, Wh, b)[0][:, -1]
        norms[t] = np.linalg.norm(numerical_gradient(h_last, h[:, t].copy(), dh_last), axis=1).mean()
    return norms


def _grad_norm_mistakes(h, Wh, dh_last):
    """The norms that common mistakes produce, each with a hint."""
    def run(step, record_after=False):
        T, norms, g = h.shape[1], np.empty(h.shape[1]), dh_last
        for t in reversed(range(T)):
            if not record_after:
                norms[t] = np.linalg.norm(g, axis=1).mean()
            g = step(g, t)
            if record_after:
                norms[t] = np.linalg.norm(g, axis=1).mean()
        return norms
    slope = 1 - h ** 2
    return [
        (run(lambda g, t: (g * slope[:, t]) @ Wh), "it matches (g * (1 - h_t**2)) @ Wh: the step "
         "back needs the transpose, @ Wh.T"),
        (run(lambda g, t: g @ Wh.T), "it matches g @ Wh.T alone: multiply by tanh's slope "
         "1 - h_t**2 before going through Wh.T"),
        (run(lambda g, t: (g * slope[:, max(t - 1, 0)]) @ Wh.T), "it matches the slope of the "
         "previous state h_{t-1}: the step from h_{t-1} to h_t uses 1 - h_t**2, h_t's own slope"),
        (run(lambda g, t: (g * slope[:, t]) @ Wh.T, record_after=True), "it is shifted by one step: "
         "record ||g|| for step t before stepping back to t - 1 (norms[-1] must be ||dh_last||)"),
    ]


def diagnose_grad_norms(fn, seed=0):
    """Run fn(dh_last, h, Wh) on a random tanh case; return a list of problems (empty if right)."""
    _check_call("diagnose_grad_norms", fn, seed)
    args, h, dh_last = _grad_norms_case(seed)
    try:
        got = fn(dh_last.copy(), h.copy(), args[2].copy())
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your function raised {type(e).__name__}: {e}"]
    want = _numerical_grad_norms(args, h, dh_last)
    if got is None:
        return ["your function returned None: return the array of T norms"]
    got, problem = _as_numbers("the norms", got)
    if problem:
        return [problem]
    if got.shape != want.shape:
        return [f"return one norm per time step, shape (T,) = {want.shape}, not {got.shape}"]
    if not np.all(np.isfinite(got)):
        return ["some norms are NaN or inf (a line still None?): fill in both lines of the loop"]
    if rel_error(got, want) < 1e-7:
        return []
    for value, hint in _grad_norm_mistakes(h, args[2], dh_last):
        if rel_error(value, got) < 1e-9:
            return [f"the norms are wrong (relative error {rel_error(got, want):.2g}): {hint}"]
    return [f"the norms are wrong (relative error {rel_error(got, want):.2g} against centred "
            "differences): one step back is g = (g * (1 - h_t**2)) @ Wh.T"]


def check_grad_norms(fn):
    """Print whether fn(dh_last, h, Wh) returns ||dL/dh_t|| for t = 1..T, and what to fix.

    Returns True when the norms match centred differences.
    """
    _check_call("check_grad_norms", fn)
    return _report(diagnose_grad_norms(fn),
                   "Correct: your norms match centred differences at every step "
                   "(relative error below 1e-7). Well done!")


# ---------------------------------------------------------------- notebook 05: the LSTM step backward

_LSTM_NAMES = ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db")
_LSTM_ARGS = ("x", "h_prev", "c_prev", "Wx", "Wh", "b")


def _lstm_step_case(seed=0, N=3, D=4, H=5):
    """A random float64 LSTM step with N, D, H all different, and upstream dh, dc."""
    rng = np.random.default_rng(seed)
    args = [rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H)),
            0.5 * rng.normal(size=(D, 4 * H)), 0.5 * rng.normal(size=(H, 4 * H)),
            0.3 * rng.normal(size=4 * H)]
    return args, rng.normal(size=(N, H)), rng.normal(size=(N, H))


def _numerical_lstm_grads(args, dh, dc):
    """Centred-difference gradients of sum(h * dh) + sum(c * dc) for each argument."""
    from .lstm import lstm_step_forward
    grads = []
    for i, a in enumerate(args):
        def f(v, i=i):
            h, c, _ = lstm_step_forward(*[v if j == i else args[j] for j in range(6)])
            return np.concatenate([h, c], axis=1)
        grads.append(numerical_gradient(f, a.copy(), np.concatenate([dh, dc], axis=1)))
    return grads


def _lstm_hint(name, got, cache, dh, dc):
    """Name a common mistake when a wrong gradient matches it."""
    i, f, o, g, c, c_prev = (cache[k] for k in ("i", "f", "o", "g", "c", "c_prev"))
    if name == "dc_prev" and got.shape == dc.shape and rel_error(dc * f, got) < 1e-9:
        return ("it matches dc * f: the cell also gets gradient through this step's output, "
                "dc_total = dc + dh * o * (1 - tanh(c)**2), then dc_prev = dc_total * f")
    if name in ("dx", "dh_prev", "dWx", "dWh", "db"):
        return ("check the gate derivatives: sigmoid'(a) = s * (1 - s) for i, f, o, and "
                "tanh'(a) = 1 - g**2 for g, stacked in the order i, f, o, g")
    return "compare each line with c = f * c_prev + i * g and h = o * tanh(c)"


def diagnose_lstm_step_backward(fn, seed=0):
    """Run fn(dh, dc, cache) on a random case; return a list of problems (empty if right).

    cache is what rnn_helpers.lstm.lstm_step_forward returns.
    """
    from .lstm import lstm_step_forward
    _check_call("diagnose_lstm_step_backward", fn, seed)
    args, dh, dc = _lstm_step_case(seed)
    _, _, cache = lstm_step_forward(*args)
    try:
        out = fn(dh.copy(), dc.copy(), cache)
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your function raised {type(e).__name__}: {e}"]
    if not isinstance(out, tuple) or len(out) != 6:
        return ["return a tuple of six arrays: dx, dh_prev, dc_prev, dWx, dWh, db"]
    return _compare_grads(out, _numerical_lstm_grads(args, dh, dc), _LSTM_NAMES, _LSTM_ARGS,
                          lambda name, got: _lstm_hint(name, got, cache, dh, dc))


def check_lstm_step_backward(fn):
    """Print whether fn(dh, dc, cache) is a correct LSTM step backward, and what to fix.

    Returns True when all six gradients match centred differences.
    """
    _check_call("check_lstm_step_backward", fn)
    return _report(diagnose_lstm_step_backward(fn),
                   "Correct: all six gradients match centred differences "
                   "(relative error below 1e-7). Well done!")


# ---------------------------------------------------------------- notebooks 01 and 02: words and targets

def _bag_case(seed=0, N=4, T=6, V=7):
    """Random padded token rows (padding id 0 after each length) with repeated words."""
    rng = np.random.default_rng(seed)
    lengths = np.array([6, 3, 1, 4])[:N]
    tokens = rng.integers(1, 4, size=(N, T))  # few distinct ids, so words repeat
    tokens[np.arange(T) >= lengths[:, None]] = 0
    return tokens, lengths, V


def _reference_counts(tokens, lengths, V):
    """Word counts by a plain double loop: slow but obviously right."""
    counts = np.zeros((len(tokens), V))
    for n in range(len(tokens)):
        for t in range(lengths[n]):
            counts[n, tokens[n, t]] += 1
    return counts


def diagnose_bag_of_words(fn, seed=0):
    """Run fn(tokens, lengths, V) on a random case; return a list of problems (empty if right)."""
    _check_call("diagnose_bag_of_words", fn, seed)
    tokens, lengths, V = _bag_case(seed)
    want = _reference_counts(tokens, lengths, V)
    try:
        got = fn(tokens.copy(), lengths.copy(), V)
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your function raised {type(e).__name__}: {e}"]
    if got is None:
        return ["your function returned None: return the (N, V) array of counts"]
    got, problem = _as_numbers("the counts", got)
    if problem:
        return [problem]
    if got.shape != want.shape:
        return [f"the result must have shape (N, V) = {want.shape}, but has shape {got.shape}"]
    if _not_finite("the counts", got):
        return [_not_finite("the counts", got)]
    if np.array_equal(got, want):
        return []
    all_positions = _reference_counts(tokens, np.full(len(tokens), tokens.shape[1]), V)
    if np.array_equal(got, all_positions):
        return ["you also counted the padding after each sentence's end: count only the "
                "first lengths[n] tokens of row n (the padding id 0 shows up in column 0)"]
    if np.array_equal(got, (want > 0).astype(float)):
        return ["your counts are 0 or 1: a word that occurs twice must count 2 "
                "(plain counts[rows, tokens] = 1, or += 1, writes a repeated index once; "
                "np.add.at adds every occurrence)"]
    return ["some counts are wrong: row n, column v must hold how many of the first "
            "lengths[n] tokens of row n equal v"]


def check_bag_of_words(fn):
    """Print whether fn(tokens, lengths, V) counts words correctly, and what to fix if not."""
    _check_call("check_bag_of_words", fn)
    return _report(diagnose_bag_of_words(fn),
                   "Correct: your counts match a plain loop over every real token. Well done!")


def _teacher_case():
    targets = [np.array([5, 6, 7]), np.array([8]), np.array([9, 10])]
    start_id, end_id = 1, 2
    dec_in = np.array([[1, 5, 6, 7], [1, 8, 0, 0], [1, 9, 10, 0]])
    dec_out = np.array([[5, 6, 7, 2], [8, 2, -1, -1], [9, 10, 2, -1]])
    return targets, start_id, end_id, dec_in, dec_out


def diagnose_teacher_forcing(fn):
    """Run fn(targets, start_id, end_id) on a small case; return a list of problems."""
    _check_call("diagnose_teacher_forcing", fn)
    targets, start_id, end_id, dec_in, dec_out = _teacher_case()
    try:
        out = fn([t.copy() for t in targets], start_id, end_id)
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your function raised {type(e).__name__}: {e}"]
    if not isinstance(out, tuple) or len(out) != 2 or any(o is None for o in out):
        return ["return a tuple of two arrays: dec_in, dec_out"]
    (got_in, bad_in), (got_out, bad_out) = _as_numbers("dec_in", out[0]), _as_numbers("dec_out", out[1])
    if bad_in or bad_out:
        return [p for p in (bad_in, bad_out) if p]
    problems = []
    for name, got, want in (("dec_in", got_in, dec_in), ("dec_out", got_out, dec_out)):
        if got.shape != want.shape:
            problems.append(f"{name} must have shape (N, T) = {want.shape} (T = longest target "
                            f"+ 1, for the start or end token), but has shape {got.shape}")
        else:
            problems.append(_not_finite(name, got))
    problems = [p for p in problems if p]
    if problems:
        return problems
    if np.array_equal(got_in, dec_out) and np.array_equal(got_out, dec_in):
        return ["dec_in and dec_out are swapped: the decoder READS <start> y1 y2 ... and is "
                "SCORED on y1 y2 ... <end>"]
    if not np.array_equal(got_in, dec_in):
        problems.append(f"dec_in is wrong: for the target [5, 6, 7] it must be [1, 5, 6, 7] "
                        f"(<start> = 1 first, then the target); you gave {got_in[0].tolist()}")
    if not np.array_equal(got_out, dec_out):
        scored = dec_out >= 0
        mark = ("the positions after <end> must be -1, so the loss skips them"
                if np.array_equal(got_out[scored], dec_out[scored]) else
                "for the target [8] it must be [8, 2, -1, -1]: the target, <end> = 2, "
                "then -1 where nothing is scored")
        problems.append(f"dec_out is wrong: {mark}")
    return problems


def check_teacher_forcing(fn):
    """Print whether fn builds teacher-forcing arrays correctly, and what to fix if not."""
    _check_call("check_teacher_forcing", fn)
    return _report(diagnose_teacher_forcing(fn),
                   "Correct: the decoder reads <start> y1 y2 ... and is scored on y1 y2 ... <end>. "
                   "Well done!")


# ---------------------------------------------------------------- notebook 01: the RNN forward loop

def _rnn_forward_case(seed=0, N=2, T=4, D=3, H=5):
    """A random tanh RNN input with N, T, D, H all different, a non-zero h0 and a non-symmetric Wh."""
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(N, T, D)), 0.5 * rng.normal(size=(N, H)), 0.7 * rng.normal(size=(D, H)),
            0.6 * rng.normal(size=(H, H)), 0.3 * rng.normal(size=H))


def _reference_rnn_forward(x, h0, Wx, Wh, b, carry=True, transpose=False, squash=np.tanh):
    """Every state of h_t = tanh(x_t Wx + h_{t-1} Wh + b), one sample and one unit at a time.

    carry, transpose and squash reproduce common mistakes: no h_{t-1}, Wh.T, no tanh.
    """
    N, T, _ = x.shape
    H = len(b)
    W = Wh.T if transpose else Wh
    h = np.zeros((N, T, H))
    for n in range(N):
        prev = h0[n]
        for t in range(T):
            for j in range(H):  # unit j: its input weights and its recurrent weights
                a = sum(x[n, t, i] * Wx[i, j] for i in range(x.shape[2])) + b[j]
                if carry:
                    a += sum(prev[k] * W[k, j] for k in range(H))
                h[n, t, j] = squash(a)
            prev = h[n, t]
    return h


def diagnose_rnn_forward(fn, seed=0):
    """Run fn(x, h0, Wx, Wh, b) on a random case; return a list of problems (empty if right)."""
    _check_call("diagnose_rnn_forward", fn, seed)
    args = _rnn_forward_case(seed)
    x, h0, Wx, Wh, b = args
    want = _reference_rnn_forward(*args)
    try:
        got = fn(*[a.copy() for a in args])
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your function raised {type(e).__name__}: {e}"]
    if got is None:
        return ["your function returned None: return h, the (N, T, H) array of every state"]
    got, problem = _as_numbers("h", got)
    if problem:
        return [problem]
    N, T, H = want.shape
    if got.shape == (N, H) and np.allclose(got, want[:, -1], rtol=1e-9, atol=1e-12):
        return ["you returned only the last state h_T, shape (N, H): return every state, h of "
                "shape (N, T, H), h[:, t] being the state after reading x[:, t]"]
    if got.shape == (T, N, H) and np.allclose(got, want.transpose(1, 0, 2), rtol=1e-9, atol=1e-12):
        return [f"your states are stacked time first, shape (T, N, H) = {got.shape}: put time on "
                "axis 1, h[:, t] = h_t (or np.stack(states, axis=1))"]
    if got.shape != want.shape:
        return [f"h must have shape (N, T, H) = {want.shape}, but has shape {got.shape}"]
    if _not_finite("h", got):
        return [_not_finite("h", got)]
    if np.allclose(got, want, rtol=1e-9, atol=1e-12):
        return []
    shifted = np.concatenate([h0[:, None], want[:, :-1]], axis=1)  # h0, h_1, ..., h_{T-1}
    mistakes = [
        (_reference_rnn_forward(*args, carry=False), "each state ignores the previous one: "
         "h_t must read h_{t-1} too, tanh(x_t @ Wx + h_prev @ Wh + b), with h_prev = h0 at the start"),
        (_reference_rnn_forward(x, np.zeros_like(h0), Wx, Wh, b), "your loop starts from zeros: "
         "the state before the first step is the h0 you are given"),
        (_reference_rnn_forward(*args, transpose=True), "it matches h_prev @ Wh.T (or Wh @ h_prev "
         "in column form): with one row per sample the product is h_prev @ Wh, (N, H) @ (H, H)"),
        (shifted, "off by one step: h[:, 0] must be the state AFTER reading x[:, 0], "
         "tanh(x[:, 0] @ Wx + h0 @ Wh + b), not h0; store the new state, then carry it on"),
        (_reference_rnn_forward(*args, squash=lambda a: a), "tanh is missing: "
         "h_t = tanh(x_t @ Wx + h_prev @ Wh + b)"),
    ]
    for value, hint in mistakes:
        if np.allclose(got, value, rtol=1e-9, atol=1e-12):
            return [hint]
    first = int(np.argmax(np.any(~np.isclose(got, want, rtol=1e-9, atol=1e-12), axis=(0, 2))))
    return [f"the states are wrong from step t = {first} on (h[:, {first}]): each step is "
            "h_t = tanh(x_t @ Wx + h_prev @ Wh + b), then h_prev = h_t"]


def check_rnn_forward(fn):
    """Print whether fn(x, h0, Wx, Wh, b) returns every RNN state, and what to fix if not."""
    _check_call("check_rnn_forward", fn)
    return _report(diagnose_rnn_forward(fn),
                   "Correct: every state matches h_t = tanh(x_t Wx + h_{t-1} Wh + b), computed "
                   "unit by unit. Well done!")


# ---------------------------------------------------------------- notebook 02: greedy decoding

def _decoder_step(params):
    """step(tokens (N,), h (N, H)) -> scores (N, V), h (N, H): a small tanh RNN decoder."""
    def step(tokens, h):
        tokens = np.asarray(tokens)
        if tokens.ndim != 1 or tokens.shape[0] != h.shape[0]:
            raise ValueError(f"step: tokens must have shape (N,) = ({h.shape[0]},), got {tokens.shape}")
        h = np.tanh(params["embed"][tokens] + h @ params["Wh"] + params["b"])  # (N, H)
        return h @ params["Wy"] + params["by"], h  # (N, V), (N, H)
    return step


def _reference_greedy(step, h0, start_id, end_id, max_len, feed_start=False, carry=True):
    """Greedy decoding one row at a time; feed_start and carry=False reproduce common mistakes."""
    out = np.full((len(h0), max_len), -1, dtype=np.int64)
    for n in range(len(h0)):
        token, h = start_id, h0[n:n + 1]
        for t in range(max_len):
            scores, h_new = step(np.array([start_id if feed_start else token]), h)
            h = h_new if carry else h
            token = int(np.argmax(scores[0]))
            out[n, t] = token
            if token == end_id:
                break
    return out


def _greedy_case(seed=0, N=6, H=4, V=5, max_len=6, start_id=1, end_id=2):
    """A random decoder whose rows stop at different steps (one never does) and that the
    mistakes of _reference_greedy would decode differently."""
    rng = np.random.default_rng(seed)
    while True:  # draw until the case tells the mistakes apart (a few draws at most)
        params = {"embed": rng.normal(size=(V, H)), "Wh": rng.normal(size=(H, H)),
                  "b": 0.3 * rng.normal(size=H), "Wy": rng.normal(size=(H, V)),
                  "by": np.zeros(V)}
        params["by"][start_id] = -3.0  # the decoder rarely writes <start>
        h0 = rng.normal(size=(N, H))
        step = _decoder_step(params)
        want = _reference_greedy(step, h0, start_id, end_id, max_len)
        stops = [int(np.argmax(row == end_id)) for row in want if end_id in row]
        others = [_reference_greedy(step, h0, start_id, end_id, max_len, feed_start=True),
                  _reference_greedy(step, h0, start_id, end_id, max_len, carry=False)]
        if (len(set(stops)) >= 3 and min(stops) >= 1 and len(stops) < N
                and all(not np.array_equal(o, want) for o in others)):
            return step, h0, start_id, end_id, max_len, want, others


def diagnose_greedy_decode(fn, seed=0):
    """Run fn(step, h0, start_id, end_id, max_len) on a random decoder; return a list of problems."""
    _check_call("diagnose_greedy_decode", fn, seed)
    step, h0, start_id, end_id, max_len, want, (feeds_start, no_carry) = _greedy_case(seed)
    try:
        got = fn(step, h0.copy(), start_id, end_id, max_len)
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your function raised {type(e).__name__}: {e}"]
    if got is None:
        return ["your function returned None: return the (N, max_len) array of token ids"]
    got, problem = _as_numbers("the tokens", got)
    if problem:
        return [problem]
    if got.shape != want.shape:
        return [f"the result must have shape (N, max_len) = {want.shape}, but has shape {got.shape}"]
    if _not_finite("the tokens", got):
        return [_not_finite("the tokens", got)]
    if np.array_equal(got, want):
        return []
    if np.array_equal(got, feeds_start):
        return ["you feed <start> at every step: feed back the token just written, "
                "token = scores.argmax(axis=1)"]
    if np.array_equal(got, no_carry):
        return ["the state is not carried: every step starts again from h0; keep the h that "
                "step returns and pass it to the next step"]
    written, after = want >= 0, want < 0
    if np.array_equal(got[written], want[written]) and np.any(got[after] >= 0):
        return ["after a row writes <end>, the rest of that row must stay -1: keep a `done` "
                "mask and write only where it is False"]
    ends = want == end_id
    if np.array_equal(got[~ends], want[~ends]) and np.all(got[ends] == -1):
        return ["write <end> itself where a row stops (then -1 after it): the loss and "
                "exact_match expect it"]
    first_stop = int(np.argmax(np.any(ends, axis=0)))
    if (np.array_equal(got[:, :first_stop + 1], want[:, :first_stop + 1])
            and np.all(got[:, first_stop + 1:] == -1)):
        return ["you stopped every row when the first one wrote <end>: the other rows must "
                "keep writing until they write <end> or reach max_len"]
    return ["some tokens are wrong: start every row from h0 with <start>, then at each step "
            "scores, h = step(token, h); token = scores.argmax(axis=1)"]


def check_greedy_decode(fn):
    """Print whether fn(step, h0, start_id, end_id, max_len) decodes greedily, and what to fix."""
    _check_call("check_greedy_decode", fn)
    return _report(diagnose_greedy_decode(fn),
                   "Correct: every row matches greedy decoding done one row at a time, "
                   "<end> and the -1s after it included. Well done!")


# ---------------------------------------------------------------- notebook 06: add-k bigram

def _bigram_case(seed=0, V=5):
    """Random bigram counts with zeros in them, including a row that was never seen."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 4, size=(V, V)).astype(float)
    counts[2] = 0.0  # a character never followed by anything in training
    return counts, 0.5


def _reference_bigram(counts, k):
    """p(b | a) entry by entry, with the add-k formula written out in loops."""
    V = counts.shape[0]
    p = np.zeros((V, V))
    for a in range(V):
        row_total = sum(counts[a, b] for b in range(V))
        for b in range(V):
            p[a, b] = (counts[a, b] + k) / (row_total + k * V)
    return p


def diagnose_add_k_bigram(fn, seed=0):
    """Run fn(counts, k) on a random case; return a list of problems (empty if right)."""
    _check_call("diagnose_add_k_bigram", fn, seed)
    counts, k = _bigram_case(seed)
    want = _reference_bigram(counts, k)
    try:
        with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 is diagnosed below
            got = fn(counts.copy(), k)
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your function raised {type(e).__name__}: {e}"]
    if got is None:
        return ["your function returned None: return the (V, V) array p[a, b] = p(b | a)"]
    got, problem = _as_numbers("p", got)
    if problem:
        return [problem]
    got = got.astype(float)
    if got.shape != want.shape:
        return [f"the result must have shape (V, V) = {want.shape}, but has shape {got.shape}"]
    if np.allclose(got, want, rtol=1e-10, atol=0):  # never true with a NaN or inf in got
        return []
    nan_note = _not_finite("p", got)  # said first, then what it matches, if anything
    V = counts.shape[0]
    row = counts.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        mistakes = [
            (np.log(want), "you returned log-probabilities: return the probabilities themselves"),
            (np.log2(want), "you returned log2-probabilities: return the probabilities themselves"),
            (want.T, "your array is transposed: row a must hold p(. | a), so each ROW sums to 1"),
            ((counts + k) / (counts.sum(axis=0, keepdims=True) + k * V),
             "you normalised each column: divide by the count of the row's context, "
             "counts[a].sum(), so that each row sums to 1"),
            ((counts + k) / (row + k), "each row sums to more than 1: the k pseudo-counts go to "
                                       "all V characters, so the denominator is counts[a].sum() + k * V"),
            (counts / row, "no smoothing: add k to every count (and k * V to the row total), "
                           "or an unseen pair gets probability 0 and a never-seen context divides by 0"),
        ]
    for value, hint in mistakes:
        if np.allclose(got, value, rtol=1e-10, atol=0, equal_nan=True):
            return [f"{nan_note.split(':')[0]}: {hint}" if nan_note else hint]
    if nan_note:
        return [nan_note]
    if not np.allclose(got.sum(axis=1), 1.0):
        return ["each row p[a] must be a probability distribution over the next character "
                "(sum to 1): check the denominator counts[a].sum() + k * V"]
    return ["some probabilities are wrong: p[a, b] = (counts[a, b] + k) / (counts[a].sum() + k * V)"]


def check_add_k_bigram(fn):
    """Print whether fn(counts, k) gives add-k bigram probabilities, and what to fix if not.

    Returns True when fn matches the formula written out with loops.
    """
    _check_call("check_add_k_bigram", fn)
    return _report(diagnose_add_k_bigram(fn),
                   "Correct: every row is an add-k smoothed distribution over the next character. "
                   "Well done!")


# ---------------------------------------------------------------- notebook 05: the LSTM forward loop

def _lstm_forward_case(seed=0, N=2, T=5, D=3, H=4):
    """A random LSTM input with N, T, D, H all different and non-zero h0 and c0."""
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(N, T, D)), 0.5 * rng.normal(size=(N, H)), rng.normal(size=(N, H)),
            0.6 * rng.normal(size=(D, 4 * H)), 0.5 * rng.normal(size=(H, 4 * H)),
            0.5 * rng.normal(size=4 * H))


def _reference_lstm_forward(x, h0, c0, Wx, Wh, b, mistake=None):
    """Every (h_t, c_t) of an LSTM, one sequence at a time, gates stacked i, f, o, g.

    mistake (None for the right answer) reproduces one common error, named as in
    _LSTM_FORWARD_MISTAKES.
    """
    N, T, _ = x.shape
    H = h0.shape[1]
    h, c = np.zeros((N, T, H)), np.zeros((N, T, H))
    for n in range(N):
        h_prev = np.zeros(H) if mistake == "h0 zeros" else h0[n]
        c_prev = np.zeros(H) if mistake == "c0 zeros" else c0[n]
        for t in range(T):
            a = x[n, t] @ Wx + h_prev @ Wh + b  # (4H,)
            order = (0, 1, 3, 2) if mistake == "order igo" else (0, 1, 2, 3)
            blocks = [a[k * H:(k + 1) * H] for k in order]  # i, f, o, g
            i, f, o = (1 / (1 + np.exp(-v)) for v in blocks[:3])
            g = np.tanh(blocks[3])
            if mistake == "c not carried":
                c_prev = np.zeros(H)
            if mistake == "f on candidate":
                c_new = f * (c_prev + i * g)
            elif mistake == "i and f swapped":
                c_new = i * c_prev + f * g
            else:
                c_new = f * c_prev + i * g
            shown = {"no tanh(c)": c_new, "tanh(c_prev)": np.tanh(c_prev)}.get(mistake, np.tanh(c_new))
            h[n, t], c[n, t] = o * shown, c_new
            if mistake == "h not carried":
                c_prev = c[n, t]
            elif mistake == "swapped carry":
                h_prev, c_prev = c[n, t], h[n, t]
            else:
                h_prev, c_prev = h[n, t], c[n, t]
    return h, c


_LSTM_FORWARD_MISTAKES = {
    "c not carried": "the memory is not carried: each step must read c_prev, the c of the step "
                     "before (c0 at the start), in c = f * c_prev + i * g",
    "h not carried": "each step reads h0 instead of the previous h: carry h on too, "
                     "h_prev = h_t after every step",
    "swapped carry": "h and c are swapped when you carry them: the next step gets h_prev = h_t "
                     "and c_prev = c_t",
    "c0 zeros": "your memory starts from zeros: the cell state before the first step is the c0 you "
                "are given",
    "h0 zeros": "your loop starts from h = zeros: the hidden state before the first step is the h0 "
                "you are given",
    "order igo": "you read the blocks in the order i, f, g, o (PyTorch's): this course stacks "
                 "i, f, o, g, so o = sigmoid(a[:, 2H:3H]) and g = tanh(a[:, 3H:])",
    "i and f swapped": "the forget gate multiplies the candidate and the input gate the old memory "
                       "(or a[:, :H] was read as f): c = f * c_prev + i * g, with i from a[:, :H] "
                       "and f from a[:, H:2H]",
    "f on candidate": "the forget gate multiplies the new candidate too: it scales the old memory "
                      "only, c = f * c_prev + i * g",
    "no tanh(c)": "tanh(c) is missing: h = o * tanh(c), so that h stays in (-1, 1) while c may grow",
    "tanh(c_prev)": "h shows the old memory: h = o * tanh(c) with the c of this step, not c_prev",
}


def _close(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-12)


def _lstm_forward_output(got):
    """(h, c, None) for an answer of two real arrays; (None, None, what is wrong) otherwise."""
    if got is None:
        return None, None, "your function returned None: return h, c, both (N, T, H): every state"
    if not isinstance(got, tuple) or len(got) != 2:
        return None, None, "return a tuple of two arrays, h and c, both (N, T, H): every state"
    for name, a in zip("hc", got):
        if a is None:
            return None, None, f"{name} is still None: make it the (N, T, H) array of every state"
    (h, problem_h), (c, problem_c) = _as_numbers("h", got[0]), _as_numbers("c", got[1])
    return h, c, problem_h or problem_c


def diagnose_lstm_forward(fn, seed=0):
    """Run fn(x, h0, c0, Wx, Wh, b) on a random case; return a list of problems (empty if right)."""
    _check_call("diagnose_lstm_forward", fn, seed)
    args = _lstm_forward_case(seed)
    want_h, want_c = _reference_lstm_forward(*args)
    N, T, H = want_h.shape
    try:
        got = fn(*[a.copy() for a in args])
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your function raised {type(e).__name__}: {e}"]
    h, c, problem = _lstm_forward_output(got)
    if problem:
        return [problem]
    if _close(h, want_h[:, -1]) and _close(c, want_c[:, -1]):
        return ["you returned only the last states, shape (N, H): return every state, h and c of "
                "shape (N, T, H), h[:, t] being the state after reading x[:, t]"]
    if _close(h, want_h.transpose(1, 0, 2)) and _close(c, want_c.transpose(1, 0, 2)):
        return [f"your states are stacked time first, shape (T, N, H) = {h.shape}: put time on "
                "axis 1, h[:, t] = h_t"]
    for name, a in (("h", h), ("c", c)):
        if a.shape != want_h.shape:
            return [f"{name} must have shape (N, T, H) = {want_h.shape}, but has shape {a.shape}"]
        if _not_finite(name, a):
            return [_not_finite(name, a)]
    if _close(h, want_h) and _close(c, want_c):
        return []
    if _close(h, want_c) and _close(c, want_h):
        return ["h and c are swapped in what you return: return h (what the cell shows), then "
                "c (its memory)"]
    for mistake, hint in _LSTM_FORWARD_MISTAKES.items():
        wrong_h, wrong_c = _reference_lstm_forward(*args, mistake=mistake)
        if _close(h, wrong_h) and _close(c, wrong_c):
            return [hint]
    wrong = [(int(np.argmax(np.any(~np.isclose(a, w, rtol=1e-9, atol=1e-12), axis=(0, 2)))), name)
             for name, a, w in (("c", c, want_c), ("h", h, want_h)) if not _close(a, w)]
    t, name = min(wrong)
    return [f"{name} is wrong from step t = {t} on ({name}[:, {t}]): each step is a = x_t @ Wx + "
            "h_prev @ Wh + b, then c = f * c_prev + i * g and h = o * tanh(c), then carry h and c"]


def check_lstm_forward(fn):
    """Print whether fn(x, h0, c0, Wx, Wh, b) returns every LSTM state (h, c), and what to fix.

    Returns True when h and c match a plain loop over sequences and steps.
    """
    _check_call("check_lstm_forward", fn)
    return _report(diagnose_lstm_forward(fn),
                   "Correct: every h_t and c_t matches the LSTM equations, computed one sequence "
                   "at a time. Well done!")


# ---------------------------------------------------------------- notebook 06: the sampling loop
def _sampling_case(seed=0, V=7, S=3):
    """A tiny deterministic 'model': step(idx, state) -> (scores (V,), new state (S,))."""
    rng = np.random.default_rng(1000 + seed)
    W, U = rng.normal(size=(V, V)) * 2.0, rng.normal(size=(V, S)) * 2.0
    A, B = rng.normal(size=(V, S)), rng.normal(size=(S, S))

    def step(idx, state):
        idx = int(idx)  # a learner may pass a numpy integer
        if not 0 <= idx < V:
            raise ValueError(f"step: idx must be a character id in [0, {V}), got {idx}")
        state = np.asarray(state, dtype=float)
        return W[idx] + U @ state, np.tanh(A[idx] + B @ state)

    return step, np.zeros(S), int(rng.integers(V))


def _reference_sample(step, state, first_id, length, temperature, top_k, rng, mistake=None):
    """The sampling loop written out; mistake= makes it wrong in one named way."""
    out, idx, state0 = [], first_id, state
    for _ in range(length):
        scores, new_state = step(idx, state)
        state = state0 if mistake == "state not carried" else new_state
        s = scores if mistake == "no temperature" else (
            scores * temperature if mistake == "times temperature" else scores / temperature)
        p = np.exp(s - s.max())
        p /= p.sum()
        if top_k is not None and top_k < p.size and mistake != "no top-k":
            order = np.argsort(p)
            drop = order[-top_k:] if mistake == "smallest k" else order[:-top_k]
            p[drop] = 0.0
            p /= p.sum()
        nxt = int(np.argmax(p)) if mistake == "greedy" else int(rng.choice(p.size, p=p))
        out.append(nxt)
        idx = first_id if mistake == "first fed back" else nxt
    return out


_SAMPLING_SETTINGS = [(1.0, None), (0.5, None), (2.0, None), (3.0, 3), (5.0, 2)]  # top-k where it bites
_SAMPLING_MISTAKES = [
    ("greedy", "you always took the most likely character: draw it with rng.choice(V, p=p)"),
    ("state not carried", "every step starts from the first state: keep the state that step() "
                          "returns and pass it to the next call"),
    ("first fed back", "you fed the first character in at every step: feed back the character "
                       "you just drew"),
    ("no temperature", "the temperature changes nothing: divide the scores by it before the softmax"),
    ("times temperature", "you multiplied the scores by the temperature: divide them by it, so "
                          "that a temperature below 1 sharpens the distribution"),
    ("no top-k", "top_k changes nothing: set every probability outside the k largest to 0, then "
                 "divide by the sum"),
    ("smallest k", "you kept the k smallest probabilities: keep the k largest"),
]


def diagnose_sample(fn, seed=0):
    """Run fn(step, state, first_id, length, temperature, top_k, rng) on a tiny model; list problems."""
    _check_call("diagnose_sample", fn, seed)
    step, state, first = _sampling_case(seed)
    length = 20
    got_all, want_all = [], []
    for k, (temperature, top_k) in enumerate(_SAMPLING_SETTINGS):
        try:
            got = fn(step, state.copy(), first, length, temperature, top_k,
                     np.random.default_rng(seed + k))
        except ValueError as e:
            if "do not sum to 1" in str(e).lower():
                return [f"with top_k={top_k}: rng.choice says the probabilities do not sum to 1: "
                        "after zeroing all but the k largest, divide p by its sum"]
            return [f"with temperature={temperature}, top_k={top_k} your function raised "
                    f"ValueError: {e}"]
        except Exception as e:  # the learner's code: report any error kindly
            return [f"with temperature={temperature}, top_k={top_k} your function raised "
                    f"{type(e).__name__}: {e}"]
        if got is None:
            return ["your function returned None: return the list of the ids you drew"]
        try:
            got = [int(i) for i in got]
        except (TypeError, ValueError):
            return [f"return a list of character ids (ints), got {type(got).__name__}"]
        if len(got) != length:
            hint = " (the first id is the prompt: do not return it)" if len(got) == length + 1 else ""
            return [f"asked for {length} characters, got {len(got)}{hint}"]
        got_all.append(got)
        want_all.append(_reference_sample(step, state, first, length, temperature, top_k,
                                          np.random.default_rng(seed + k)))
    if got_all == want_all:
        return []
    for mistake, hint in _SAMPLING_MISTAKES:
        variant = [_reference_sample(step, state, first, length, t, kk, np.random.default_rng(seed + k),
                                     mistake) for k, (t, kk) in enumerate(_SAMPLING_SETTINGS)]
        if variant == got_all:
            return [hint]
    bad = next(k for k in range(len(got_all)) if got_all[k] != want_all[k])
    temperature, top_k = _SAMPLING_SETTINGS[bad]
    return [f"with temperature={temperature}, top_k={top_k} the characters differ from the "
            "reference: draw exactly once per character with rng.choice(V, p=p), from "
            "p = softmax(scores / temperature) cut to the top_k largest and renormalised"]


def check_sample(fn):
    """Print whether fn samples characters as charlm.sample does, and what to fix if not."""
    _check_call("check_sample", fn)
    return _report(diagnose_sample(fn),
                   "Correct: temperature, top-k, the fed-back character and the carried state all "
                   "match the reference loop. Well done!")


# ---------------------------------------------------------------- notebook 06: truncated BPTT
def _tbptt_case():
    """Chunks of different sizes (the last one shorter), and a recording fake model."""
    chunks = [(np.full((2, 4), k), np.full((2, 4), k)) for k in range(4)]
    chunks.append((np.full((2, 2), 4), np.full((2, 2), 4)))  # a shorter last chunk
    calls = []  # ("loss", chunk index, state received) and ("update", grads id)

    def loss_and_grads(x, y, state):
        k = int(np.asarray(x).flat[0])
        calls.append(("loss", k, state))
        return 1.0 + k, {"W": np.full(3, float(k))}, ("state after chunk", k)

    def update(grads):
        calls.append(("update", int(grads["W"][0]), None))

    return chunks, loss_and_grads, update, calls, ("initial state",)


def _is_state_of(state, k):
    """Whether state is the one the fake model returned after chunk k."""
    return isinstance(state, tuple) and state == ("state after chunk", k)


def diagnose_tbptt_epoch(fn):
    """Run fn(loss_and_grads, update, chunks, state) with a recording model; list problems."""
    check_callable("diagnose_tbptt_epoch", "fn", fn)
    chunks, loss_and_grads, update, calls, state0 = _tbptt_case()
    try:
        out = fn(loss_and_grads, update, chunks, state0)
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your function raised {type(e).__name__}: {e}"]
    if not (isinstance(out, tuple) and len(out) == 2):
        return ["return two things: (mean loss per character, the final state)"]
    mean_loss, final = out
    problems = []
    losses = [c for c in calls if c[0] == "loss"]
    if [c[1] for c in losses] != list(range(len(chunks))):
        return [f"loss_and_grads must be called once per chunk, in order: it saw chunks "
                f"{[c[1] for c in losses]}"]
    received = [c[2] for c in losses]
    if received[0] is not state0:
        problems.append("the first chunk must start from the state you were given")
    for k in range(1, len(chunks)):
        if received[k] is state0 or received[k] is None:
            problems.append(f"chunk {k} started from {'None' if received[k] is None else 'the initial state'}: "
                            "carry the state, pass the state that chunk k-1 returned to chunk k")
            break
        if not _is_state_of(received[k], k - 1):
            problems.append(f"chunk {k} received {received[k]!r}: pass it the state that "
                            f"chunk {k - 1} returned")
            break
    updates = [c[1] for c in calls if c[0] == "update"]
    if updates != list(range(len(chunks))):
        problems.append(f"update(grads) must be called once per chunk with that chunk's grads, "
                        f"right after its loss_and_grads: it got the grads of chunks {updates}")
    elif any(calls[2 * k][0] != "loss" or calls[2 * k + 1][0] != "update" for k in range(len(chunks))):
        problems.append("call update(grads) right after each chunk's loss_and_grads")
    sizes = np.array([x.size for x, _ in chunks])
    losses_k = 1.0 + np.arange(len(chunks))
    want = float(np.sum(losses_k * sizes) / sizes.sum())
    try:
        mean_loss = float(mean_loss)
    except (TypeError, ValueError):
        return problems + [f"the mean loss must be a number, got {type(mean_loss).__name__}"]
    if not np.isfinite(mean_loss):
        problems.append(f"the mean loss is {'NaN' if np.isnan(mean_loss) else 'inf'}: "
                        f"it should be {want:.4g}, the losses weighted by x.size over their total")
    elif not np.isclose(mean_loss, want, rtol=1e-12):
        if np.isclose(mean_loss, losses_k.mean()):
            problems.append("the mean loss gives every chunk the same weight, but the last chunk is "
                            "shorter: weight each chunk's loss by its number of characters, x.size")
        elif np.isclose(mean_loss, losses_k[-1]):
            problems.append("you returned the last chunk's loss: return the mean over the epoch")
        elif np.isclose(mean_loss, np.sum(losses_k * sizes)):
            problems.append("you returned the total: divide by the number of characters")
        else:
            problems.append(f"the mean loss per character should be {want:.4g}, got {mean_loss:.4g}")
    if not _is_state_of(final, len(chunks) - 1):
        problems.append("return the state the last chunk returned, to carry on into the next epoch")
    return problems


def check_tbptt_epoch(fn):
    """Print whether fn runs one epoch of truncated BPTT correctly, and what to fix if not."""
    check_callable("check_tbptt_epoch", "fn", fn)
    return _report(diagnose_tbptt_epoch(fn),
                   "Correct: each chunk starts from the state the previous one ended in, every "
                   "chunk gets one update, and the loss is averaged per character. Well done!")


# ---------------------------------------------------------------- notebook 03: the whole BPTT loop

_SEQ_NAMES = ("dx", "dh0", "dWx", "dWh", "db")
_SEQ_ARGS = ("x", "h0", "Wx", "Wh", "b")


def _numerical_sequence_grads(args, dh):
    """Centred-difference gradients of sum(h * dh), h every state of rnn_forward, per argument."""
    from .rnn import rnn_forward
    grads = []
    for i, a in enumerate(args):
        def f(v, i=i):
            return rnn_forward(*[v if j == i else args[j] for j in range(5)])[0]
        grads.append(numerical_gradient(f, a.copy(), dh))
    return grads


def _reference_bptt(dh, x, h0, Wx, Wh, h, transpose=True, carry=True, slope="h_t",
                    prev=True, accumulate=True):
    """BPTT over every step, written out; each flag switches on one common mistake.

    transpose=False: da @ Wh; carry=False: dh_next never added; slope: "h_prev" (tanh' of
    h_{t-1}), "dh only" (tanh' on dh[:, t] alone), "none"; prev=False: dWh sums h_t.T @ da;
    accumulate=False: dWx, dWh, db keep one step's term (= instead of +=).
    """
    N, T, _ = x.shape
    dx = np.zeros_like(x)
    sums = {"dWx": np.zeros_like(Wx), "dWh": np.zeros_like(Wh), "db": np.zeros(Wh.shape[0])}
    dh_next = np.zeros_like(h0)  # (N, H): what came back from step t + 1
    for t in reversed(range(T)):
        h_prev = h0 if t == 0 else h[:, t - 1]
        up = dh[:, t] + dh_next if carry else dh[:, t]
        da = {"h_t": up * (1 - h[:, t] ** 2), "h_prev": up * (1 - h_prev ** 2),
              "dh only": dh[:, t] * (1 - h[:, t] ** 2) + (dh_next if carry else 0),
              "none": up}[slope]  # (N, H)
        dx[:, t] = da @ Wx.T
        terms = {"dWx": x[:, t].T @ da, "dWh": (h_prev if prev else h[:, t]).T @ da,
                 "db": da.sum(axis=0)}
        for k, term in terms.items():
            sums[k] = sums[k] + term if accumulate else term
        dh_next = da @ (Wh.T if transpose else Wh)
    return {"dx": dx, "dh0": dh_next, **sums}


_BPTT_MISTAKES = [
    ({"transpose": False}, "it matches da @ Wh: the gradient goes back to h_{t-1} through the "
     "transpose, dh_next = da @ Wh.T (Wh is square, so the shapes cannot tell)"),
    ({"carry": False}, "the gradient from step t+1 is not added: at step t, "
     "da = (dh[:, t] + dh_next) * (1 - h_t**2), where dh_next came back from step t+1"),
    ({"slope": "h_prev"}, "tanh' is taken at h_{t-1}: step t's derivative is 1 - h_t**2, "
     "with h_t = h[:, t], the state that step produced"),
    ({"slope": "dh only"}, "tanh' multiplies dh[:, t] only: multiply the whole gradient reaching "
     "h_t, (dh[:, t] + dh_next) * (1 - h_t**2)"),
    ({"slope": "none"}, "tanh' is missing: da = (dh[:, t] + dh_next) * (1 - h_t**2)"),
    ({"prev": False}, "dWh sums h_t.T @ da: Wh multiplies the PREVIOUS state, so add "
     "h_{t-1}.T @ da (h0 at the first step)"),
    ({"accumulate": False}, "it holds one step's term only: the same weights act at every step, "
     "so add up the terms of all steps (dWh += ..., not dWh = ...)"),
]


def _bptt_hint(name, got, dh, cache_args):
    """Name the first common mistake whose gradient `name` matches got."""
    right = _reference_bptt(dh, *cache_args)[name]
    if name == "dh0" and np.all(got == 0):
        return ("dh0 is all zeros: after the loop, dh_next is the gradient that went back "
                "through the first step, dL/dh0: return it")
    for flags, hint in _BPTT_MISTAKES:
        value = _reference_bptt(dh, *cache_args, **flags)[name]
        if (value.shape == got.shape and rel_error(value, got) < 1e-6
                and not rel_error(value, right) < 1e-6):
            return hint
    return ("compare the line with the BPTT formulas of section 3.3: da = (dh[:, t] + dh_next) "
            "* (1 - h_t**2), then dx[:, t], dWx, dWh, db and dh_next from da")


def diagnose_rnn_backward(forward, backward, seed=0):
    """Run the learner's forward(x, h0, Wx, Wh, b) -> (h, cache) and backward(dh, cache) ->
    (dx, dh0, dWx, dWh, db) on a random case; return a list of problems (empty if right).

    The states are checked as check_rnn_forward checks them; the gradients against centred
    differences of sum(h * dh) in float64, with N, T, D, H all different and Wh not symmetric.
    """
    check_callable("diagnose_rnn_backward", "forward", forward)
    check_callable("diagnose_rnn_backward", "backward", backward)
    check_seed("diagnose_rnn_backward", seed)

    def states(*a):  # the forward's h, for the checks of notebook 01's exercise
        out = forward(*a)
        if not (isinstance(out, tuple) and len(out) == 2):
            raise ValueError("rnn_forward must return a pair (h, cache)")
        return out[0]
    problems = diagnose_rnn_forward(states, seed)
    if problems:
        return [f"your forward: {p}" for p in problems]
    args = _rnn_forward_case(seed)  # x, h0, Wx, Wh, b: the case the forward just passed
    h, cache = forward(*[a.copy() for a in args])
    dh = np.random.default_rng(seed + 1).normal(size=np.shape(h))  # a random upstream gradient
    try:
        out = backward(dh.copy(), cache)
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your backward raised {type(e).__name__}: {e}"]
    if not isinstance(out, tuple) or len(out) != 5:
        return ["your backward must return a tuple of five arrays: dx, dh0, dWx, dWh, db"]
    x, h0, Wx, Wh, _ = args
    cache_args = (x, h0, Wx, Wh, np.asarray(h, dtype=float))
    return _compare_grads(out, _numerical_sequence_grads(args, dh), _SEQ_NAMES, _SEQ_ARGS,
                          lambda name, got: _bptt_hint(name, got, dh, cache_args))


def check_rnn_backward(forward, backward):
    """Print whether forward and backward are a correct rnn_forward / rnn_backward pair.

    Returns True when every state matches a unit-by-unit loop and all five gradients match
    centred differences.
    """
    check_callable("check_rnn_backward", "forward", forward)
    check_callable("check_rnn_backward", "backward", backward)
    return _report(diagnose_rnn_backward(forward, backward),
                   "Correct: every state matches the unit-by-unit loop, and dx, dh0, dWx, dWh and "
                   "db match centred differences (relative error below 1e-7). Well done!")


# ---------------------------------------------------------------- notebook 04: global-norm clipping

def _clip_case(seed=0):
    """Gradients whose arrays have norms 3, 2.5, 0.5 and 2 (global norm 4.42): clipping at 1 must
    shrink them all by one factor, and some arrays alone are below 1, some above."""
    rng = np.random.default_rng(seed)
    grads = {}
    for (name, shape), size in zip({"Wx": (3, 4), "Wh": (4, 4), "b": (4,), "Wy": (4, 2)}.items(),
                                   (3.0, 2.5, 0.5, 2.0)):
        g = rng.normal(size=shape)
        grads[name] = g * (size / np.linalg.norm(g))
    return grads


def _clip_mistakes(grads, c):
    """What common mistakes turn grads into, at threshold c, each with a hint."""
    norms = {k: np.linalg.norm(g) for k, g in grads.items()}
    total = np.sqrt(sum(n ** 2 for n in norms.values()))
    return [
        ({k: g * min(1.0, c / norms[k]) for k, g in grads.items()}, "each array was clipped by its "
         "own norm: compute ONE norm over all arrays together, sqrt of the sum of every squared "
         "entry, and multiply every array by the same factor"),
        ({k: np.clip(g, -c, c) for k, g in grads.items()}, "each entry was clipped to "
         "[-max_norm, max_norm]: that changes the gradient's direction; multiply every array by "
         "the same factor, max_norm / global norm"),
        ({k: g * (c / sum(norms.values())) for k, g in grads.items()}, "your global norm is the "
         "sum of the arrays' norms: it is the square root of the sum of every squared entry"),
        ({k: g * (c / total ** 2) for k, g in grads.items()}, "your global norm has no square "
         "root: sqrt(sum of every squared entry)"),
    ]


def _close(a, b):
    return np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-9, atol=1e-12)


def diagnose_clip_grad_norm(fn, seed=0):
    """Run fn(grads, max_norm) on random gradients, above and below the threshold; return a
    list of problems (empty if right). The contract is rnn_helpers.optim.clip_grad_norm's:
    scale the arrays of grads in place, and return the global norm before clipping."""
    _check_call("diagnose_clip_grad_norm", fn, seed)
    problems = []
    for max_norm in (1.0, 10.0):  # the global norm is 4.42: clip, then leave alone
        grads = _clip_case(seed)
        norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
        want = {k: g * min(1.0, max_norm / norm) for k, g in grads.items()}
        given = {k: g.copy() for k, g in grads.items()}
        try:
            returned = fn(given, max_norm)
        except Exception as e:  # the learner's code: report any error kindly
            return [f"your function raised {type(e).__name__}: {e}"]
        got = {k: np.asarray(given.get(k)) for k in grads}
        for k, g in got.items():
            if g.dtype.kind not in "biuf" or g.shape != grads[k].shape:
                return [f"grads[{k!r}] must stay an array of shape {grads[k].shape}"]
            if _not_finite(f"grads[{k!r}]", g):
                return [_not_finite(f"grads[{k!r}]", g)]
        arrays_ok = all(_close(got[k], want[k]) for k in grads)
        unchanged = all(_close(got[k], grads[k]) for k in grads)
        if max_norm < norm and not arrays_ok:
            if unchanged and isinstance(returned, dict):
                problems.append("you returned new arrays and left grads as it was: scale the "
                                "arrays of grads in place (g *= scale) and return the norm "
                                "before clipping, as rnn_helpers.optim.clip_grad_norm does")
            elif unchanged:
                problems.append(f"nothing was scaled although the global norm, {norm:.3g}, is "
                                f"above max_norm = {max_norm:g}. (`g = g * scale` makes a new "
                                "array and leaves grads as it was: write g *= scale)")
            else:
                left = [k for k in grads if _close(got[k], grads[k])
                        and all(_close(got[j], want[j]) for j in grads if j != k)]
                hints = [hint for value, hint in _clip_mistakes(grads, max_norm)
                         if all(_close(got[k], value[k]) for k in grads)]
                problems.append(f"grads[{left[0]!r}] was not scaled: every parameter gets the "
                                "same factor" if left else hints[0] if hints else
                                "some arrays are wrong: multiply every array by max_norm / "
                                "global norm, with global norm = sqrt(sum of every squared entry)")
            break
        if max_norm > norm and not arrays_ok:
            problems.append(f"with max_norm = {max_norm:g} above the global norm ({norm:.3g}) the "
                            "gradients must stay as they are: the factor is "
                            "min(1, max_norm / norm), so clipping never scales up")
            break
        if returned is None or isinstance(returned, dict):
            problems.append("return the global norm before clipping (a float), as "
                            "rnn_helpers.optim.clip_grad_norm does: fit records it")
            break
        returned, problem = _as_numbers("the returned norm", returned)
        if problem or returned.size != 1:
            problems.append(problem or "return one number: the global norm before clipping")
            break
        if not np.isclose(float(returned), norm, rtol=1e-9):
            after = np.sqrt(sum(np.sum(g ** 2) for g in got.values()))
            problems.append("you returned the norm after clipping: return the norm measured "
                            "before" if np.isclose(float(returned), after, rtol=1e-9) else
                            f"you returned {float(returned):.4g}, but the global norm before "
                            f"clipping is {norm:.4g}")
            break
    return problems


def check_clip_grad_norm(fn):
    """Print whether fn(grads, max_norm) clips by the global norm, and what to fix if not."""
    _check_call("check_clip_grad_norm", fn)
    return _report(diagnose_clip_grad_norm(fn),
                   "Correct: above max_norm every array shrinks by the same factor, below it "
                   "nothing changes, and the norm before clipping comes back. Well done!")


# ---------------------------------------------------------------- notebook 07: attention backward and one beam step

_ATT_NAMES = ("dq", "dk", "dWq", "dWk", "dva")
_ATT_ARGS = ("q", "k", "Wq", "Wk", "va")


def _attention_case(seed=0, N=2, T=3, S=4, H=5, K=6, A=7):
    """A random float64 additive-attention case, sizes all different, second row padded."""
    rng = np.random.default_rng(seed)
    args = [rng.normal(size=(N, T, H)), rng.normal(size=(N, S, K)), 0.5 * rng.normal(size=(H, A)),
            0.5 * rng.normal(size=(K, A)), rng.normal(size=A)]
    return args, np.array([S, S - 2]), rng.normal(size=(N, T, K))


def _attention_mistakes(args, lengths, dcontext):
    """The gradients that common mistakes give, keyed by gradient name."""
    from .attention import additive_attention_forward
    q, k, Wq, Wk, va = args
    _, alpha, (_, _, _, _, _, a, _) = additive_attention_forward(*args, lengths=lengths)
    dalpha = dcontext @ k.transpose(0, 2, 1)  # (N, T, S)
    wrong_de = alpha * dalpha  # the softmax's Jacobian without its second term
    dpre = wrong_de[..., None] * va * (1 - a ** 2)
    no_tanh = (alpha * (dalpha - (alpha * dalpha).sum(-1, keepdims=True)))[..., None] * va
    return {
        "dk": [(alpha.transpose(0, 2, 1) @ dcontext,
                "it matches alpha^T @ dcontext alone: the keys also set the scores, so add "
                "the gradient that comes back through e = va . tanh(q Wq + k Wk)")],
        "dq": [(dpre.sum(axis=2) @ Wq.T,
                "it matches de = alpha * dalpha: the softmax's backward needs "
                "alpha * (dalpha - sum_s alpha_s dalpha_s), since the weights sum to 1"),
               (no_tanh.sum(axis=2) @ Wq.T,
                "it matches a gradient without tanh's derivative: multiply by (1 - a**2)")],
        "dva": [(np.einsum("ntsa,nts->a", a, wrong_de),
                 "it matches de = alpha * dalpha: subtract sum_s alpha_s dalpha_s inside the bracket")],
        "dWq": [(np.zeros_like(Wq), "it is zero: the scores depend on Wq through q @ Wq")],
    }


def diagnose_attention_backward(fn, seed=0):
    """Run fn(dcontext, cache) on a random case; return a list of problems (empty if right).

    cache is what rnn_helpers.attention.additive_attention_forward returns:
    (q, k, Wq, Wk, va, a, alpha), with a = tanh(...) (N, T, S, A) and alpha (N, T, S).
    """
    from .attention import additive_attention_forward
    _check_call("diagnose_attention_backward", fn, seed)
    args, lengths, dcontext = _attention_case(seed)
    _, _, cache = additive_attention_forward(*args, lengths=lengths)
    try:
        out = fn(dcontext.copy(), cache)
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your function raised {type(e).__name__}: {e}"]
    if not isinstance(out, tuple) or len(out) != 5:
        return ["return a tuple of five arrays: dq, dk, dWq, dWk, dva"]
    expected = []  # centred differences of sum(context * dcontext), one argument at a time
    for i, x in enumerate(args):
        def f(v, i=i):
            return additive_attention_forward(*[v if j == i else args[j] for j in range(5)],
                                              lengths=lengths)[0]
        expected.append(numerical_gradient(f, x.copy(), dcontext))
    mistakes = _attention_mistakes(args, lengths, dcontext)

    def hint(name, got):
        for value, text in mistakes.get(name, []):
            if value.shape == got.shape and rel_error(value, got) < 1e-6:
                return text
        return "follow the forward backwards: context = alpha @ k, softmax, e = a @ va, a = tanh(...)"
    return _compare_grads(out, expected, _ATT_NAMES, _ATT_ARGS, hint)


def check_attention_backward(fn):
    """Print whether fn(dcontext, cache) is a correct additive attention backward, and what to fix."""
    _check_call("check_attention_backward", fn)
    return _report(diagnose_attention_backward(fn),
                   "Correct: all five gradients match centred differences "
                   "(relative error below 1e-7). Well done!")


def _beam_case(seed=0, N=3, B=3, V=5):
    """Scores of B partial outputs per row (the last row has one live beam) and next-token log-probs."""
    rng = np.random.default_rng(seed)
    scores = np.sort(np.log(rng.dirichlet(np.ones(B), size=N)), axis=1)[:, ::-1].copy()
    scores[-1, 1:] = -np.inf  # as at the first step: only beam 0 is alive
    logp = np.log(rng.dirichlet(np.ones(V), size=(N, B)))
    return scores, logp


def _reference_beam_step(scores, logp):
    """The B best (score + logp) over all B * V extensions, best first, by brute force."""
    N, B, V = logp.shape
    out = [np.zeros((N, B)), np.zeros((N, B), dtype=np.int64), np.zeros((N, B), dtype=np.int64)]
    for n in range(N):
        cands = sorted(((scores[n, b] + logp[n, b, v], b, v) for b in range(B) for v in range(V)),
                       key=lambda c: -c[0])
        for j, (s, b, v) in enumerate(cands[:B]):
            out[0][n, j], out[1][n, j], out[2][n, j] = s, b, v
    return out


def diagnose_beam_step(fn, seed=0):
    """Run fn(scores (N, B), logp (N, B, V)) -> (new_scores, parent, token); return problems."""
    _check_call("diagnose_beam_step", fn, seed)
    scores, logp = _beam_case(seed)
    try:
        out = fn(scores.copy(), logp.copy())
    except Exception as e:  # the learner's code: report any error kindly
        return [f"your function raised {type(e).__name__}: {e}"]
    if not isinstance(out, tuple) or len(out) != 3:
        return ["return a tuple of three arrays: new_scores, parent, token"]
    want = _reference_beam_step(scores, logp)
    got = []
    for name, g, w in zip(("new_scores", "parent", "token"), out, want):
        if g is None:
            return [f"{name} is still None: fill in its line"]
        g, problem = _as_numbers(name, g)
        if problem is None and g.shape != w.shape:
            problem = f"{name} must have shape (N, B) = {w.shape}, but has shape {g.shape}"
        if problem is None and name == "new_scores":
            problem = _not_finite(name, np.where(np.isneginf(g), 0.0, g))  # -inf: a dead beam
        if problem:
            return [problem]
        got.append(g)
    if np.allclose(got[0], want[0]) and np.array_equal(got[1], want[1]) and np.array_equal(got[2], want[2]):
        return []
    N, B, V = logp.shape
    per_beam = np.take_along_axis(scores[:, :, None] + logp, logp.argmax(axis=2)[:, :, None], 2)[..., 0]
    guesses = [
        (np.allclose(got[0], _reference_beam_step(np.zeros_like(scores), logp)[0]),
         "new_scores match the B best of logp alone: add each partial output's score first "
         "(scores[:, :, None] + logp), or beam search forgets everything before this step"),
        (np.allclose(np.sort(got[0], axis=1), np.sort(per_beam, axis=1)),
         "you kept the best token of each beam: rank all B * V extensions together, so one "
         "good beam may fill the whole next beam"),
        (np.allclose(got[0], -np.sort(-(scores[:, :, None] + logp).reshape(N, -1), axis=1)[:, -B:][:, ::-1]),
         "you kept the B worst extensions: sort by decreasing score (np.argsort(-cand))"),
        (np.array_equal(got[1], want[2]) and np.array_equal(got[2], want[1]),
         "parent and token look swapped: for a flat index i = b * V + v, parent b = i // V and token v = i % V"),
        (np.allclose(got[0], want[0]),
         "new_scores are right but parent or token are not: for a flat index i = b * V + v, "
         "parent = i // V and token = i % V"),
    ]
    for matched, text in guesses:
        if matched:
            return [text]
    return ["new_scores differ from the B best of scores[:, :, None] + logp over all B * V "
            "extensions, best first"]


def check_beam_step(fn):
    """Print whether fn(scores, logp) is a correct beam-search step, and what to fix."""
    _check_call("check_beam_step", fn)
    return _report(diagnose_beam_step(fn),
                   "Correct: the B best extensions over all beams, with their parents and tokens. "
                   "Well done!")
