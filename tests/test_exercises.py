"""Tests for rnn_helpers.exercises: the checkers must pass right answers and name wrong ones."""
import numpy as np

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
