"""Tests for rnn_helpers.exercises: the checkers must pass right answers and name wrong ones."""
import numpy as np
import pytest

from rnn_helpers.exercises import check_rnn_step_backward, diagnose_rnn_step_backward
from rnn_helpers.rnn import rnn_step_backward


def backward_with(**changes):
    """A correct step backward, except for the named outputs, given as functions of the cache."""
    def fn(dh, cache):
        x, h_prev, Wx, Wh, h, _ = cache
        da = dh * (1 - h ** 2)
        out = {"dx": da @ Wx.T, "dh_prev": da @ Wh.T, "dWx": x.T @ da, "dWh": h_prev.T @ da,
               "db": da.sum(axis=0)}
        for name, make in changes.items():
            out[name] = make(dh, da, cache)
        return tuple(out[k] for k in ("dx", "dh_prev", "dWx", "dWh", "db"))
    return fn


def test_a_correct_answer_passes(capsys):
    assert diagnose_rnn_step_backward(rnn_step_backward) == []
    assert check_rnn_step_backward(backward_with()) is True
    assert "Correct" in capsys.readouterr().out


def test_missing_transpose_is_named():
    problems = diagnose_rnn_step_backward(backward_with(dh_prev=lambda dh, da, c: da @ c[3]))
    assert len(problems) == 1
    assert problems[0].startswith("dh_prev is wrong") and "da @ Wh.T" in problems[0]


def test_forgotten_tanh_derivative_is_named():
    fn = backward_with(dWx=lambda dh, da, c: c[0].T @ dh, db=lambda dh, da, c: dh.sum(axis=0))
    problems = diagnose_rnn_step_backward(fn)
    assert [p.split()[0] for p in problems] == ["dWx", "db"]
    assert all("1 - h**2" in p for p in problems)


def test_transposed_weight_gradient_is_named():
    problems = diagnose_rnn_step_backward(backward_with(dWh=lambda dh, da, c: da.T @ c[1]))
    assert len(problems) == 1 and "transpose of the answer" in problems[0]


def test_shape_and_none_and_errors_are_reported_kindly(capsys):
    problems = diagnose_rnn_step_backward(backward_with(db=lambda dh, da, c: da,
                                                         dx=lambda dh, da, c: None))
    assert problems == ["dx is still None: fill in its line",
                        "db must have the shape of b, (5,), but has shape (3, 5)"]
    assert diagnose_rnn_step_backward(lambda dh, cache: None) == [
        "return a tuple of five arrays: dx, dh_prev, dWx, dWh, db"]

    def crashes(dh, cache):
        raise KeyError("h")
    assert diagnose_rnn_step_backward(crashes) == ["your function raised KeyError: 'h'"]
    assert check_rnn_step_backward(crashes) is False
    assert "Not yet" in capsys.readouterr().out


def test_a_small_error_is_still_caught():
    # Off by one part in a million in one entry: a real bug, however small.
    def nudge(dh, da, cache):
        dWh = cache[1].T @ da  # h_prev.T @ da, the right answer...
        dWh[0, 0] *= 1 + 1e-6  # ...nudged in one entry
        return dWh
    problems = diagnose_rnn_step_backward(backward_with(dWh=nudge))
    assert len(problems) == 1 and problems[0].startswith("dWh is wrong")
    assert np.isfinite(float(problems[0].split("relative error ")[1].split()[0]))


# ---------------------------------------------------------------- notebook 04: gradient norms

from rnn_helpers.exercises import (check_grad_norms, check_lstm_step_backward,  # noqa: E402
                                   diagnose_grad_norms, diagnose_lstm_step_backward)
from rnn_helpers.lstm import lstm_step_backward  # noqa: E402


def grad_norms_with(step, record_after=False):
    """A backward recurrence over g = dL/dh_t, with the step back given as a function."""
    def fn(dh_last, h, Wh):
        T = h.shape[1]
        norms, g = np.empty(T), dh_last
        for t in reversed(range(T)):
            if not record_after:
                norms[t] = np.linalg.norm(g, axis=1).mean()
            g = step(g, h, Wh, t)
            if record_after:
                norms[t] = np.linalg.norm(g, axis=1).mean()
        return norms
    return fn


def test_grad_norms_checker_passes_a_right_answer(capsys):
    right = grad_norms_with(lambda g, h, Wh, t: (g * (1 - h[:, t] ** 2)) @ Wh.T)
    assert diagnose_grad_norms(right) == []
    assert check_grad_norms(right) is True
    assert "Correct" in capsys.readouterr().out


def test_grad_norms_checker_names_common_mistakes(capsys):
    cases = {
        "needs the transpose": grad_norms_with(lambda g, h, Wh, t: (g * (1 - h[:, t] ** 2)) @ Wh),
        "multiply by tanh's slope": grad_norms_with(lambda g, h, Wh, t: g @ Wh.T),
        "h_t's own slope": grad_norms_with(lambda g, h, Wh, t: (g * (1 - h[:, max(t - 1, 0)] ** 2)) @ Wh.T),
        "shifted by one step": grad_norms_with(lambda g, h, Wh, t: (g * (1 - h[:, t] ** 2)) @ Wh.T,
                                               record_after=True),
    }
    for hint, fn in cases.items():
        problems = diagnose_grad_norms(fn)
        assert len(problems) == 1 and hint in problems[0], (hint, problems)
    assert diagnose_grad_norms(lambda d, h, W: np.ones(3))[0].startswith("return one norm per time step")
    assert "returned None" in diagnose_grad_norms(lambda d, h, W: None)[0]
    assert "NaN or inf" in diagnose_grad_norms(lambda d, h, W: np.full(h.shape[1], np.nan))[0]
    assert "raised ZeroDivisionError" in diagnose_grad_norms(lambda d, h, W: 1 / 0)[0]
    assert check_grad_norms(lambda d, h, W: None) is False
    assert "Not yet" in capsys.readouterr().out


# ---------------------------------------------------------------- notebook 05: LSTM step backward

def test_lstm_checker_passes_the_package_and_names_a_missing_output_path(capsys):
    assert diagnose_lstm_step_backward(lstm_step_backward) == []
    assert check_lstm_step_backward(lstm_step_backward) is True
    assert "Correct" in capsys.readouterr().out

    def forgets_output_path(dh, dc, cache):
        out = list(lstm_step_backward(dh, dc, cache))
        out[2] = dc * cache["f"]
        return tuple(out)
    problems = diagnose_lstm_step_backward(forgets_output_path)
    assert len(problems) == 1 and problems[0].startswith("dc_prev is wrong")
    assert "dh * o * (1 - tanh(c)**2)" in problems[0]


def test_lstm_checker_reports_shapes_nones_and_errors():
    def transposed_dWh(dh, dc, cache):
        out = list(lstm_step_backward(dh, dc, cache))
        out[4] = out[4].T
        return tuple(out)
    problems = diagnose_lstm_step_backward(transposed_dWh)
    assert problems == ["dWh must have the shape of Wh, (5, 20), but has shape (20, 5)"]
    nones = diagnose_lstm_step_backward(lambda dh, dc, cache: (None,) * 6)
    assert len(nones) == 6 and all("still None" in p for p in nones)
    assert diagnose_lstm_step_backward(lambda dh, dc, cache: 1)[0].startswith("return a tuple of six")
    assert "raised KeyError" in diagnose_lstm_step_backward(lambda dh, dc, cache: cache["zz"])[0]


# ---------------------------------------------------------------- notebook 06: add-k bigram

def test_add_k_bigram_checker_passes_the_package_and_names_common_mistakes(capsys):
    from rnn_helpers.charlm import ngram_log2_probs
    from rnn_helpers.exercises import check_add_k_bigram, diagnose_add_k_bigram

    assert diagnose_add_k_bigram(lambda C, k: 2 ** ngram_log2_probs(C, k)) == []
    assert check_add_k_bigram(lambda C, k: (C + k) / (C.sum(axis=1, keepdims=True) + k * len(C)))
    assert "Correct" in capsys.readouterr().out
    cases = {
        "without V": (lambda C, k: (C + k) / (C.sum(axis=1, keepdims=True) + k), "k * V"),
        "no k": (lambda C, k: C / C.sum(axis=1, keepdims=True), "no smoothing"),
        "transposed": (lambda C, k: ((C + k) / (C.sum(axis=1, keepdims=True) + k * len(C))).T,
                       "transposed"),
        "logs": (lambda C, k: ngram_log2_probs(C, k), "log2-probabilities"),
        "none": (lambda C, k: None, "returned None"),
        "error": (lambda C, k: C["x"], "raised IndexError"),
    }
    for name, (fn, words) in cases.items():
        problems = diagnose_add_k_bigram(fn)
        assert len(problems) == 1 and words in problems[0], name
    assert check_add_k_bigram(cases["no k"][0]) is False
    assert "Not yet" in capsys.readouterr().out


# ---------------------------------------------------------------- notebooks 01 and 02

def test_bag_of_words_checker_passes_the_package_and_names_mistakes(capsys):
    from rnn_helpers.exercises import check_bag_of_words, diagnose_bag_of_words
    from rnn_helpers.feedforward import bag_of_words
    assert check_bag_of_words(lambda tokens, lengths, V: bag_of_words(tokens, V, lengths)) is True
    assert "Correct" in capsys.readouterr().out
    # Counting the padding too.
    problems = diagnose_bag_of_words(lambda tokens, lengths, V: bag_of_words(tokens, V))
    assert len(problems) == 1 and "padding" in problems[0]
    # Presence (0/1) instead of counts.
    problems = diagnose_bag_of_words(lambda tokens, lengths, V: (bag_of_words(tokens, V, lengths) > 0) * 1.0)
    assert len(problems) == 1 and "0 or 1" in problems[0]
    assert "shape (N, V) = (4, 7)" in diagnose_bag_of_words(lambda t, l, V: np.zeros((4, 6)))[0]
    assert "returned None" in diagnose_bag_of_words(lambda t, l, V: None)[0]
    assert "raised ZeroDivisionError" in diagnose_bag_of_words(lambda t, l, V: 1 / 0)[0]


def test_teacher_forcing_checker_passes_the_package_and_names_mistakes(capsys):
    from rnn_helpers.exercises import check_teacher_forcing, diagnose_teacher_forcing
    from rnn_helpers.seq2seq import teacher_forcing_arrays
    assert check_teacher_forcing(teacher_forcing_arrays) is True
    assert "Correct" in capsys.readouterr().out
    swapped = lambda *a: teacher_forcing_arrays(*a)[::-1]
    assert "swapped" in diagnose_teacher_forcing(swapped)[0]

    def zeros_not_minus_one(*a):
        dec_in, dec_out = teacher_forcing_arrays(*a)
        return dec_in, np.maximum(dec_out, 0)
    problems = diagnose_teacher_forcing(zeros_not_minus_one)
    assert len(problems) == 1 and "must be -1" in problems[0]

    def no_start(targets, start_id, end_id):
        dec_in, dec_out = teacher_forcing_arrays(targets, start_id, end_id)
        return dec_out.clip(0), dec_out
    problems = diagnose_teacher_forcing(no_start)
    assert len(problems) == 1 and problems[0].startswith("dec_in is wrong")
    assert "T = longest target + 1" in diagnose_teacher_forcing(
        lambda t, s, e: (np.zeros((3, 3)), np.zeros((3, 3))))[0]
    assert "tuple of two arrays" in diagnose_teacher_forcing(lambda t, s, e: None)[0]


# ---------------------------------------------------------------- NaN and inf never pass

def _spoil(value, where):
    """An array like value with NaN (or inf) at `where`: "all" or "one" entry."""
    out = np.array(value, dtype=float)
    if where == "all":
        out[...] = np.nan
    else:
        out.flat[out.size // 2] = np.inf if where == "one inf" else np.nan
    return out


def _right_answers():
    """checker -> (diagnose, a right answer, which output to spoil and its name)."""
    from rnn_helpers import exercises
    from rnn_helpers.charlm import ngram_log2_probs
    from rnn_helpers.feedforward import bag_of_words
    from rnn_helpers.seq2seq import teacher_forcing_arrays
    right_norms = grad_norms_with(lambda g, h, Wh, t: (g * (1 - h[:, t] ** 2)) @ Wh.T)
    return {
        "rnn_step_backward": (exercises.diagnose_rnn_step_backward, rnn_step_backward, 3, "dWh"),
        "lstm_step_backward": (exercises.diagnose_lstm_step_backward, lstm_step_backward, 2, "dc_prev"),
        "grad_norms": (exercises.diagnose_grad_norms, right_norms, None, "norms"),
        "bag_of_words": (exercises.diagnose_bag_of_words,
                         lambda tokens, lengths, V: bag_of_words(tokens, V, lengths), None, "counts"),
        "teacher_forcing": (exercises.diagnose_teacher_forcing, teacher_forcing_arrays, 1, "dec_out"),
        "add_k_bigram": (exercises.diagnose_add_k_bigram, lambda C, k: 2 ** ngram_log2_probs(C, k),
                         None, "p"),
    }


@pytest.mark.parametrize("where", ["all", "one", "one inf"])
@pytest.mark.parametrize("checker", ["rnn_step_backward", "lstm_step_backward", "grad_norms",
                                     "bag_of_words", "teacher_forcing", "add_k_bigram"])
def test_no_checker_passes_a_nan_or_inf_answer_and_each_says_so(checker, where, capsys):
    from rnn_helpers import exercises
    diagnose, right, index, name = _right_answers()[checker]
    assert diagnose(right) == []  # the right answer passes...

    def spoiled(*args):  # ...and the same answer with NaN or inf in it does not
        out = right(*args)
        if index is None:
            return _spoil(out, where)
        out = list(out)
        out[index] = _spoil(out[index], where)
        return tuple(out)
    problems = diagnose(spoiled)
    assert problems, "a NaN or inf answer passed"
    said = " ".join(problems)
    assert ("NaN" if where != "one inf" else "inf") in said and name in said, problems
    assert getattr(exercises, f"check_{checker}")(spoiled) is False
    assert "Not yet" in capsys.readouterr().out


def test_the_issue_example_full_of_nan_gets_not_yet(capsys):
    # Arrays full of NaN used to print "Correct: all five gradients match".
    shapes = [(3, 4), (3, 5), (4, 5), (5, 5), (5,)]
    assert check_rnn_step_backward(lambda dh, cache: tuple(np.full(s, np.nan) for s in shapes)) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and "NaN in dWh (25 of 25 entries)" in out and "Correct" not in out


def test_checkers_reject_a_non_function_and_non_numbers():
    with pytest.raises(ValueError, match=r"^check_rnn_step_backward: fn must be a function, got 3$"):
        check_rnn_step_backward(3)
    problems = diagnose_rnn_step_backward(backward_with(db=lambda dh, da, c: np.array(["a"] * 5)))
    assert problems == ["db must hold real numbers (a float array), but has dtype <U1"]


# ---------------------------------------------------------------- notebook 01: the RNN forward loop

def rnn_forward_with(prev=True, start="h0", transpose=False, squash=np.tanh, keep="all"):
    """An RNN forward loop with one common mistake switched on by its argument."""
    def fn(x, h0, Wx, Wh, b):
        N, T, _ = x.shape
        h_prev = np.zeros_like(h0) if start == "zeros" else h0
        states = []
        for t in range(T):
            if start == "shifted":
                states.append(h_prev)  # stores the state before the step
            a = x[:, t] @ Wx + b + ((h_prev @ (Wh.T if transpose else Wh)) if prev else 0)
            h_prev = squash(a)
            if start != "shifted":
                states.append(h_prev)
        if keep == "last":
            return h_prev
        return np.stack(states, axis=0 if keep == "time first" else 1)
    return fn


def test_rnn_forward_checker_passes_right_answers(capsys):
    from rnn_helpers.exercises import check_rnn_forward, diagnose_rnn_forward
    from rnn_helpers.rnn import rnn_forward
    assert diagnose_rnn_forward(lambda *a: rnn_forward(*a)[0]) == []
    assert diagnose_rnn_forward(rnn_forward_with(), seed=3) == []
    assert check_rnn_forward(rnn_forward_with()) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, words", [
    ({"prev": False}, "ignores the previous one"),
    ({"start": "zeros"}, "starts from zeros"),
    ({"transpose": True}, "h_prev @ Wh.T"),
    ({"start": "shifted"}, "off by one step"),
    ({"squash": lambda a: a}, "tanh is missing"),
    ({"keep": "last"}, "only the last state"),
    ({"keep": "time first"}, "time first"),
])
def test_rnn_forward_checker_names_each_mistake(mistake, words, capsys):
    from rnn_helpers.exercises import check_rnn_forward, diagnose_rnn_forward
    problems = diagnose_rnn_forward(rnn_forward_with(**mistake))
    assert len(problems) == 1 and words in problems[0], problems
    assert check_rnn_forward(rnn_forward_with(**mistake)) is False
    assert "Not yet" in capsys.readouterr().out


def test_rnn_forward_checker_reports_none_errors_and_other_wrong_answers():
    from rnn_helpers.exercises import diagnose_rnn_forward
    assert "returned None" in diagnose_rnn_forward(lambda *a: None)[0]
    assert "raised ZeroDivisionError" in diagnose_rnn_forward(lambda *a: 1 / 0)[0]
    assert "shape (N, T, H) = (2, 4, 5)" in diagnose_rnn_forward(lambda *a: np.zeros((2, 4)))[0]
    nudged = rnn_forward_with(squash=lambda a: np.tanh(1.01 * a))
    assert diagnose_rnn_forward(nudged)[0].startswith("the states are wrong from step t = 0")
    assert "NaN in h" in diagnose_rnn_forward(lambda x, *a: np.full((2, 4, 5), np.nan))[0]


# ---------------------------------------------------------------- notebook 02: greedy decoding

def greedy_with(feed="own", carry=True, stop="per row", write_end=True):
    """A greedy decoding loop with one common mistake switched on by its argument."""
    def fn(step, h0, start_id, end_id, max_len):
        N = h0.shape[0]
        out = np.full((N, max_len), -1, dtype=np.int64)
        token, h = np.full(N, start_id), h0
        done = np.zeros(N, dtype=bool)
        for t in range(max_len):
            scores, h_new = step(token if feed == "own" else np.full(N, start_id), h)
            h = h_new if carry else h
            token = scores.argmax(axis=1)
            keep = ~done if stop != "never" else np.ones(N, dtype=bool)
            out[keep, t] = token[keep]
            if not write_end:
                out[keep & (token == end_id), t] = -1
            done |= token == end_id
            if done.all() or (stop == "first" and done.any()):
                break
        return out
    return fn


def test_greedy_checker_passes_right_answers(capsys):
    from rnn_helpers.exercises import _decoder_step, check_greedy_decode, diagnose_greedy_decode
    from rnn_helpers.seq2seq import greedy_decode
    assert check_greedy_decode(greedy_with()) is True
    assert "Correct" in capsys.readouterr().out
    for seed in range(3):
        assert diagnose_greedy_decode(greedy_with(), seed=seed) == []
    # The package's greedy_decode, given the same decoder as a one-step tanh RNN, agrees.
    rng = np.random.default_rng(0)
    p = {"tgt_embed": rng.normal(size=(5, 3)), "dec_Wx": rng.normal(size=(3, 4)),
         "dec_Wh": rng.normal(size=(4, 4)), "dec_b": rng.normal(size=4),
         "Wy": rng.normal(size=(4, 5)), "by": rng.normal(size=5)}
    step = _decoder_step({"embed": p["tgt_embed"] @ p["dec_Wx"], "Wh": p["dec_Wh"], "b": p["dec_b"],
                          "Wy": p["Wy"], "by": p["by"]})
    h0 = rng.normal(size=(7, 4))
    assert np.array_equal(greedy_with()(step, h0, 1, 2, 6), greedy_decode(p, h0, "rnn", 1, 2, 6))


@pytest.mark.parametrize("mistake, words", [
    ({"feed": "start"}, "you feed <start> at every step"),
    ({"carry": False}, "the state is not carried"),
    ({"stop": "never"}, "must stay -1"),
    ({"write_end": False}, "write <end> itself"),
    ({"stop": "first"}, "stopped every row when the first one wrote <end>"),
])
def test_greedy_checker_names_each_mistake(mistake, words, capsys):
    from rnn_helpers.exercises import check_greedy_decode, diagnose_greedy_decode
    for seed in range(3):
        problems = diagnose_greedy_decode(greedy_with(**mistake), seed=seed)
        assert len(problems) == 1 and words in problems[0], (seed, problems)
    assert check_greedy_decode(greedy_with(**mistake)) is False
    assert "Not yet" in capsys.readouterr().out


def test_greedy_checker_reports_none_errors_shapes_and_nan():
    from rnn_helpers.exercises import diagnose_greedy_decode
    assert "returned None" in diagnose_greedy_decode(lambda *a: None)[0]
    assert "raised ValueError" in diagnose_greedy_decode(
        lambda step, h0, s, e, m: step(np.zeros((6, 1), dtype=int), h0))[0]
    assert "shape (N, max_len) = (6, 6)" in diagnose_greedy_decode(lambda *a: np.zeros((6, 5)))[0]
    assert "NaN in the tokens" in diagnose_greedy_decode(lambda *a: np.full((6, 6), np.nan))[0]
    assert diagnose_greedy_decode(lambda *a: np.zeros((6, 6)))[0].startswith("some tokens are wrong")


# ---------------------------------------------------------------- notebook 05: the LSTM forward loop

def lstm_forward_with(mistake=None):
    """A vectorised LSTM forward loop (over time only) with one common mistake switched on."""
    def fn(x, h0, c0, Wx, Wh, b):
        N, T, _ = x.shape
        H = h0.shape[1]
        h_prev = np.zeros_like(h0) if mistake == "h0 zeros" else h0
        c_prev = np.zeros_like(c0) if mistake == "c0 zeros" else c0
        hs, cs = [], []
        for t in range(T):
            a = x[:, t] @ Wx + h_prev @ Wh + b                     # (N, 4H)
            sig = 1 / (1 + np.exp(-a))
            i, f, o, g = sig[:, :H], sig[:, H:2 * H], sig[:, 2 * H:3 * H], np.tanh(a[:, 3 * H:])
            if mistake == "torch order":
                o, g = sig[:, 3 * H:], np.tanh(a[:, 2 * H:3 * H])
            if mistake == "no carry":
                c_prev = np.zeros_like(c0)
            c = {"f on candidate": f * (c_prev + i * g), "i and f swapped": i * c_prev + f * g
                 }.get(mistake, f * c_prev + i * g)
            h = o * {"no tanh": c, "old c": np.tanh(c_prev)}.get(mistake, np.tanh(c))
            hs.append(h)
            cs.append(c)
            h_prev, c_prev = {"h not carried": (h0, c), "swapped carry": (c, h)}.get(mistake, (h, c))
        if mistake == "last only":
            return hs[-1], cs[-1]
        h, c = (np.stack(s, axis=0 if mistake == "time first" else 1) for s in (hs, cs))
        return (c, h) if mistake == "swapped return" else (h, c)
    return fn


def test_lstm_forward_checker_passes_right_answers(capsys):
    from rnn_helpers.exercises import check_lstm_forward, diagnose_lstm_forward
    from rnn_helpers.lstm import lstm_forward

    def package(x, h0, c0, Wx, Wh, b):
        h, cache = lstm_forward(x, h0, Wx, Wh, b, c0=c0)
        return h, cache["c"]
    for seed in range(3):
        assert diagnose_lstm_forward(package, seed=seed) == []
        assert diagnose_lstm_forward(lstm_forward_with(), seed=seed) == []
    assert check_lstm_forward(lstm_forward_with()) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, words", [
    ("no carry", "the memory is not carried"),
    ("h not carried", "instead of the previous h"),
    ("swapped carry", "swapped when you carry them"),
    ("swapped return", "h and c are swapped in what you return"),
    ("c0 zeros", "your memory starts from zeros"),
    ("h0 zeros", "starts from h = zeros"),
    ("torch order", "i, f, g, o (PyTorch's)"),
    ("i and f swapped", "the forget gate multiplies the candidate"),
    ("f on candidate", "multiplies the new candidate too"),
    ("no tanh", "tanh(c) is missing"),
    ("old c", "h shows the old memory"),
    ("last only", "only the last states"),
    ("time first", "time first"),
])
def test_lstm_forward_checker_names_each_mistake(mistake, words, capsys):
    from rnn_helpers.exercises import check_lstm_forward, diagnose_lstm_forward
    for seed in range(3):
        problems = diagnose_lstm_forward(lstm_forward_with(mistake), seed=seed)
        assert len(problems) == 1 and words in problems[0], (seed, problems)
    assert check_lstm_forward(lstm_forward_with(mistake)) is False
    assert "Not yet" in capsys.readouterr().out


def test_lstm_forward_checker_reports_none_errors_shapes_and_other_wrong_answers():
    from rnn_helpers.exercises import diagnose_lstm_forward
    zeros = np.zeros((2, 5, 4))
    assert "returned None" in diagnose_lstm_forward(lambda *a: None)[0]
    assert "tuple of two arrays" in diagnose_lstm_forward(lambda *a: zeros)[0]
    assert "raised ZeroDivisionError" in diagnose_lstm_forward(lambda *a: 1 / 0)[0]
    assert diagnose_lstm_forward(lambda *a: (None, None)) == [
        "h is still None: make it the (N, T, H) array of every state"]
    assert diagnose_lstm_forward(lambda *a: (zeros, "c"))[0].startswith("c must hold real numbers")
    assert "c must have shape (N, T, H) = (2, 5, 4)" in diagnose_lstm_forward(
        lambda *a: (zeros, zeros[:, :3]))[0]
    assert "NaN in h" in diagnose_lstm_forward(lambda *a: (zeros + np.nan, zeros))[0]
    right = lstm_forward_with()
    nudged = lambda *a: (right(*a)[0], right(*a)[1] * 1.01)              # noqa: E731
    assert diagnose_lstm_forward(nudged)[0].startswith("c is wrong from step t = 0")


# ---------------------------------------------------------------- notebook 06: sampling and truncated BPTT
from rnn_helpers import exercises  # noqa: E402

def _sampler(mistake=None):
    """A learner's sampling loop, right or wrong in one way (written apart from the checker's)."""
    def fn(step, state, first_id, length, temperature, top_k, rng):
        out, idx, start = [], first_id, state
        for _ in range(length):
            scores, new_state = step(idx, state)
            state = start if mistake == "no carry" else new_state
            s = scores if mistake == "no temperature" else scores / temperature
            p = np.exp(s - s.max())
            p = p / p.sum()
            if top_k is not None and mistake != "no top-k":
                cut = np.sort(p)[-top_k]
                p = np.where(p >= cut, p, 0.0)
                if mistake != "no renormalising":
                    p = p / p.sum()
            nxt = int(np.argmax(p)) if mistake == "greedy" else int(rng.choice(len(p), p=p))
            out.append(nxt)
            idx = first_id if mistake == "first fed back" else nxt
        return [first_id] + out if mistake == "prompt returned" else out
    return fn


def test_sample_checker_passes_a_right_loop(capsys):
    assert exercises.diagnose_sample(_sampler()) == []
    assert exercises.check_sample(_sampler()) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, words", [
    ("greedy", "most likely character"), ("no carry", "keep the state"),
    ("first fed back", "feed back the character"), ("no temperature", "divide the scores"),
    ("no top-k", "top_k changes nothing"), ("no renormalising", "divide p by its sum"),
    ("prompt returned", "do not return it")])
def test_sample_checker_names_each_mistake(mistake, words):
    problems = exercises.diagnose_sample(_sampler(mistake))
    assert len(problems) == 1 and words in problems[0], problems


def test_sample_checker_reports_none_and_errors():
    assert "returned None" in exercises.diagnose_sample(lambda *a: None)[0]
    assert "raised ZeroDivisionError" in exercises.diagnose_sample(lambda *a: 1 / 0)[0]


def _epoch(mistake=None):
    def fn(loss_and_grads, update, chunks, state):
        total, count, losses, start = 0.0, 0, [], state
        for x, y in chunks:
            loss, grads, new_state = loss_and_grads(x, y, start if mistake == "no carry" else state)
            state = new_state
            if mistake != "no update":
                update(grads)
            total += loss * x.size
            count += x.size
            losses.append(loss)
        if mistake == "unweighted":
            return float(np.mean(losses)), state
        if mistake == "first state":
            return total / count, start
        return total / count, state
    return fn


def test_tbptt_checker_passes_a_right_loop(capsys):
    assert exercises.diagnose_tbptt_epoch(_epoch()) == []
    assert exercises.check_tbptt_epoch(_epoch()) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, words", [
    ("no carry", "carry the state"), ("no update", "once per chunk"),
    ("unweighted", "weight each chunk's loss"), ("first state", "the last chunk returned")])
def test_tbptt_checker_names_each_mistake(mistake, words):
    problems = exercises.diagnose_tbptt_epoch(_epoch(mistake))
    assert any(words in p for p in problems), problems


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_tbptt_checker_never_passes_a_nan_or_inf_loss(bad, capsys):
    def fn(loss_and_grads, update, chunks, state):
        loss, state = _epoch()(loss_and_grads, update, chunks, state)
        return bad, state
    problems = exercises.diagnose_tbptt_epoch(fn)
    assert any(("NaN" if np.isnan(bad) else "inf") in p for p in problems), problems
    assert exercises.check_tbptt_epoch(fn) is False and "Not yet" in capsys.readouterr().out


def test_tbptt_checker_reports_wrong_returns():
    assert "return two things" in exercises.diagnose_tbptt_epoch(lambda *a: 0.0)[0]
    assert "raised KeyError" in exercises.diagnose_tbptt_epoch(lambda *a: {}["x"])[0]


# ---------------------------------------------------------------- notebook 03: the whole BPTT loop

def rnn_backward_with(**mistake):
    """rnn_backward from the cache of rnn.rnn_forward, with the common mistake of _reference_bptt."""
    def fn(dh, cache):
        x, h0, Wx, Wh, h, _ = cache
        g = exercises._reference_bptt(dh, x, h0, Wx, Wh, h, **mistake)
        return g["dx"], g["dh0"], g["dWx"], g["dWh"], g["db"]
    return fn


def test_rnn_backward_checker_passes_the_package_and_a_plain_loop(capsys):
    from rnn_helpers.rnn import rnn_backward, rnn_forward
    assert exercises.diagnose_rnn_backward(rnn_forward, rnn_backward) == []
    assert exercises.diagnose_rnn_backward(rnn_forward, rnn_backward_with(), seed=4) == []
    assert exercises.check_rnn_backward(rnn_forward, rnn_backward) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, name, words", [
    ({"transpose": False}, "dh0", "da @ Wh"),
    ({"carry": False}, "dWh", "not added"),
    ({"slope": "h_prev"}, "dWx", "taken at h_{t-1}"),
    ({"slope": "dh only"}, "db", "multiplies dh[:, t] only"),
    ({"slope": "none"}, "dx", "tanh' is missing"),
    ({"prev": False}, "dWh", "sums h_t.T @ da"),
    ({"accumulate": False}, "dWx", "one step's term"),
])
def test_rnn_backward_checker_names_each_mistake(mistake, name, words, capsys):
    from rnn_helpers.rnn import rnn_forward
    problems = exercises.diagnose_rnn_backward(rnn_forward, rnn_backward_with(**mistake))
    hit = [p for p in problems if p.startswith(f"{name} is wrong")]
    assert hit and words in hit[0], problems
    assert all("is wrong" in p for p in problems)
    assert exercises.check_rnn_backward(rnn_forward, rnn_backward_with(**mistake)) is False
    assert "Not yet" in capsys.readouterr().out


def test_rnn_backward_checker_reports_the_forward_dh0_and_bad_returns():
    from rnn_helpers.rnn import rnn_backward, rnn_forward
    no_tanh = exercises.diagnose_rnn_backward(lambda *a: (rnn_forward(*a)[0] * 0 + 1, None), rnn_backward)
    assert no_tanh[0].startswith("your forward:")
    assert "pair (h, cache)" in exercises.diagnose_rnn_backward(lambda *a: rnn_forward(*a)[0], rnn_backward)[0]

    def zero_dh0(dh, cache):
        dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
        return dx, np.zeros_like(dh0), dWx, dWh, db
    zeros = exercises.diagnose_rnn_backward(rnn_forward, zero_dh0)
    assert len(zeros) == 1 and "dh0 is all zeros" in zeros[0], zeros
    none_dh0 = exercises.diagnose_rnn_backward(rnn_forward, lambda dh, c: (*rnn_backward(dh, c)[:1], None,
                                                                          *rnn_backward(dh, c)[2:]))
    assert none_dh0 == ["dh0 is still None: fill in its line"]
    assert "five arrays" in exercises.diagnose_rnn_backward(rnn_forward, lambda dh, c: None)[0]
    assert "raised KeyError" in exercises.diagnose_rnn_backward(rnn_forward, lambda dh, c: {}["x"])[0]
    nan = exercises.diagnose_rnn_backward(rnn_forward, lambda dh, c: tuple(g * np.nan for g in rnn_backward(dh, c)))
    assert len(nan) == 5 and all(p.startswith("NaN in") for p in nan)


# ---------------------------------------------------------------- notebook 04: global-norm clipping

def clip_with(mistake=None):
    """clip_grad_norm with one common mistake switched on by its argument."""
    def fn(grads, max_norm):
        norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
        keys = list(grads)[:-1] if mistake == "forget one" else list(grads)
        if mistake == "new dict":
            return {k: g * min(1, max_norm / norm) for k, g in grads.items()}
        for k in keys:
            g = grads[k]
            if mistake == "own norm":
                g *= min(1, max_norm / np.linalg.norm(g))
            elif mistake == "entry":
                np.clip(g, -max_norm, max_norm, out=g)
            elif mistake == "scale up":
                g *= max_norm / norm
            elif mistake == "rebind":
                g = g * min(1, max_norm / norm)  # noqa: F841 - the mistake: grads keeps the old array
            elif norm > max_norm:
                g *= max_norm / norm
        if mistake == "no return":
            return None
        if mistake == "after":
            return min(norm, max_norm)
        return norm
    return fn


def test_clip_checker_passes_the_package_and_a_plain_version(capsys):
    from rnn_helpers.optim import clip_grad_norm
    assert exercises.diagnose_clip_grad_norm(clip_grad_norm) == []
    assert exercises.diagnose_clip_grad_norm(clip_with(), seed=5) == []
    assert exercises.check_clip_grad_norm(clip_with()) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, words", [
    ("own norm", "its own norm"),
    ("entry", "each entry was clipped"),
    ("scale up", "never scales up"),
    ("forget one", "grads['Wy'] was not scaled"),
    ("rebind", "g *= scale"),
    ("new dict", "returned new arrays"),
    ("no return", "return the global norm before clipping"),
    ("after", "the norm after clipping"),
])
def test_clip_checker_names_each_mistake(mistake, words, capsys):
    problems = exercises.diagnose_clip_grad_norm(clip_with(mistake))
    assert len(problems) == 1 and words in problems[0], problems
    assert exercises.check_clip_grad_norm(clip_with(mistake)) is False
    assert "Not yet" in capsys.readouterr().out


def test_clip_checker_reports_errors_nan_and_shapes():
    assert "raised ZeroDivisionError" in exercises.diagnose_clip_grad_norm(lambda g, c: 1 / 0)[0]

    def nan(grads, max_norm):
        grads["b"] *= np.nan
        return 1.0
    assert exercises.diagnose_clip_grad_norm(nan)[0].startswith("NaN in grads['b']")

    def reshape(grads, max_norm):
        grads["b"] = grads["b"].reshape(2, 2)
        return 1.0
    assert "shape (4,)" in exercises.diagnose_clip_grad_norm(reshape)[0]
    with pytest.raises(ValueError, match="fn"):
        exercises.check_clip_grad_norm(None)


# ---------------------------------------------------------------- notebook 07: attention backward and one beam step

from rnn_helpers import attention  # noqa: E402


def test_attention_backward_checker_passes_the_package_and_names_mistakes(capsys):
    assert exercises.diagnose_attention_backward(attention.additive_attention_backward) == []
    assert exercises.check_attention_backward(attention.additive_attention_backward) is True
    assert "Correct" in capsys.readouterr().out

    def values_only(dcontext, cache):  # the keys' path through the scores forgotten
        dq, dk, dWq, dWk, dva = attention.additive_attention_backward(dcontext, cache)
        q, k, Wq, Wk, va, a, alpha = cache
        return dq, alpha.transpose(0, 2, 1) @ dcontext, dWq, dWk, dva

    def half_softmax(dcontext, cache):  # de = alpha * dalpha, without the second term
        q, k, Wq, Wk, va, a, alpha = cache
        dk = alpha.transpose(0, 2, 1) @ dcontext
        de = alpha * (dcontext @ k.transpose(0, 2, 1))
        dpre = de[..., None] * va * (1 - a ** 2)
        dqa, dka = dpre.sum(2), dpre.sum(1)
        return (dqa @ Wq.T, dk + dka @ Wk.T, q.reshape(-1, q.shape[-1]).T @ dqa.reshape(-1, dqa.shape[-1]),
                k.reshape(-1, k.shape[-1]).T @ dka.reshape(-1, dka.shape[-1]), np.einsum("ntsa,nts->a", a, de))

    assert "also set the scores" in " ".join(exercises.diagnose_attention_backward(values_only))
    problems = " ".join(exercises.diagnose_attention_backward(half_softmax))
    assert "alpha * (dalpha - sum_s alpha_s dalpha_s)" in problems
    assert exercises.diagnose_attention_backward(lambda d, c: 1)[0].startswith("return a tuple of five")
    assert "None" in exercises.diagnose_attention_backward(lambda d, c: (None,) * 5)[0]
    assert "raised" in exercises.diagnose_attention_backward(lambda d, c: c[9])[0]


def test_beam_step_checker_passes_the_package_and_names_mistakes(capsys):
    assert exercises.diagnose_beam_step(attention.beam_step) == []
    assert exercises.check_beam_step(attention.beam_step) is True

    def no_history(scores, logp):
        return attention.beam_step(np.zeros_like(scores), logp)

    def per_beam(scores, logp):
        cand = scores[:, :, None] + logp
        return cand.max(axis=2), np.tile(np.arange(scores.shape[1]), (len(scores), 1)), cand.argmax(axis=2)

    def worst(scores, logp):
        N, B, V = logp.shape
        cand = (scores[:, :, None] + logp).reshape(N, -1)
        top = np.argsort(cand, axis=1)[:, :B]
        return np.take_along_axis(cand, top, 1), top // V, top % V

    def swapped(scores, logp):
        new, parent, token = attention.beam_step(scores, logp)
        return new, token, parent

    for fn, words in ((no_history, "add each partial output's score"), (per_beam, "best token of each beam"),
                      (worst, "worst"), (swapped, "swapped")):
        assert words in exercises.diagnose_beam_step(fn)[0], fn.__name__
    nan = lambda s, l: tuple(np.full(s.shape, np.nan) if i == 0 else a for i, a in enumerate(attention.beam_step(s, l)))
    assert "NaN in new_scores" in exercises.diagnose_beam_step(nan)[0]
