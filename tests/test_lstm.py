"""Tests for rnn_helpers/lstm.py: the LSTM layer, forward and backward.

Three kinds of evidence, from strongest to weakest dependence on the code:

1. Gradient checks: every backward agrees with centred differences of its own
   forward, in float64, to rel_error < 1e-7, for every input and parameter.
2. Independent references: the batched lstm_forward equals a loop over
   lstm_step_forward; both equal the equations written out with one weight
   matrix per gate; gates forced open or shut by huge biases give closed forms;
   running a sequence in two chunks, carrying (h, c), equals running it whole.
3. Bad input: wrong shapes, dtypes and NaN stop at the call with a message
   naming the argument, the shape expected and the shape received.

Shapes are chosen so that N, T, D and H all differ: a swapped axis then fails
loudly instead of passing by coincidence.
"""
import numpy as np
import pytest

from rnn_helpers.gradcheck import numerical_gradient, rel_error
from rnn_helpers.lstm import (lstm_backward, lstm_final_state, lstm_forward,
                              lstm_step_backward, lstm_step_forward, sigmoid)

N, T, D, H = 3, 4, 5, 6

# Gradient check tolerance: centred differences with h = 1e-5 in float64.
TOL = 1e-7
# rel_error compares entry by entry, so a gradient entry that happens to be tiny
# (about 1e-6) turns the numerical gradient's rounding error (about 1e-12) into
# a relative error near 1e-6. Some seeds draw such an entry (about one in ten
# here); this one does not, and leaves a margin: the errors are below 3e-8,
# while a wrong gradient is off by 1e-2 or more.
SEED = 1
# A bias this large saturates a gate exactly: sigmoid(+-BIG) is 1.0 or 0.0.
BIG = 1000.0


# ---------------------------------------------------------------- helpers

def weights(rng):
    """Wx: (D, 4H), Wh: (H, 4H), b: (4H,); scale 0.5 keeps the gates unsaturated."""
    return dict(Wx=rng.normal(scale=0.5, size=(D, 4 * H)),
                Wh=rng.normal(scale=0.5, size=(H, 4 * H)),
                b=rng.normal(scale=0.1, size=4 * H))


def step_inputs(seed=0):
    """Arguments of lstm_step_forward, float64."""
    rng = np.random.default_rng(seed)
    return dict(x=rng.normal(size=(N, D)), h_prev=rng.normal(size=(N, H)),
                c_prev=rng.normal(size=(N, H)), **weights(rng))


def seq_inputs(seed=0):
    """Arguments of lstm_forward, float64, with a nonzero c0."""
    rng = np.random.default_rng(seed)
    return dict(x=rng.normal(size=(N, T, D)), h0=rng.normal(size=(N, H)),
                c0=rng.normal(size=(N, H)), **weights(rng))


def reference_lstm(x, h0, c0, Wx, Wh, b):
    """The Notes equations, one weight matrix per gate, a plain loop: h, c (N, T, H)."""
    def gate(k, x_t, h_t):  # gate k of i, f, o, g: its columns k*H:(k+1)*H
        cols = slice(k * H, (k + 1) * H)
        return x_t @ Wx[:, cols] + h_t @ Wh[:, cols] + b[cols]

    def logistic(a):
        return 1.0 / (1.0 + np.exp(-a))

    h_t, c_t, hs, cs = h0, c0, [], []
    for t in range(x.shape[1]):
        i = logistic(gate(0, x[:, t], h_t))
        f = logistic(gate(1, x[:, t], h_t))
        o = logistic(gate(2, x[:, t], h_t))
        g = np.tanh(gate(3, x[:, t], h_t))
        c_t = f * c_t + i * g
        h_t = o * np.tanh(c_t)
        hs.append(h_t)
        cs.append(c_t)
    return np.stack(hs, axis=1), np.stack(cs, axis=1)


def gate_bias(i=0.0, f=0.0, o=0.0, g=0.0):
    """A (4H,) bias with the same value for every unit of each gate."""
    return np.repeat([i, f, o, g], H)


def assert_close(got, want):
    # The same sums in another order: equal up to rounding.
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


# ------------------------------------------------------ gradient checks

STEP_GRADS = ["x", "h_prev", "c_prev", "Wx", "Wh", "b"]  # order of lstm_step_backward


@pytest.mark.parametrize("name", STEP_GRADS)
def test_lstm_step_backward_gradcheck(name):
    inputs = step_inputs(seed=SEED)
    rng = np.random.default_rng(SEED + 1)
    dh, dc = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    _, _, cache = lstm_step_forward(**inputs)
    grads = dict(zip(STEP_GRADS, lstm_step_backward(dh, dc, cache)))

    # The step has two outputs: check sum(h * dh) + sum(c * dc) by stacking them.
    # f computes from its own argument v, which numerical_gradient perturbs.
    def f(v):
        h, c, _ = lstm_step_forward(**{**inputs, name: v})
        return np.stack([h, c])

    num = numerical_gradient(f, inputs[name].copy(), np.stack([dh, dc]))
    assert grads[name].shape == inputs[name].shape
    assert rel_error(grads[name], num) < TOL


SEQ_GRADS = ["x", "h0", "Wx", "Wh", "b"]  # order of lstm_backward


@pytest.mark.parametrize("name", SEQ_GRADS)
def test_lstm_backward_gradcheck(name):
    inputs = seq_inputs(seed=SEED)
    dh = np.random.default_rng(SEED + 1).normal(size=(N, T, H))
    _, cache = lstm_forward(**inputs)
    grads = dict(zip(SEQ_GRADS, lstm_backward(dh, cache)))

    def f(v):
        return lstm_forward(**{**inputs, name: v})[0]

    num = numerical_gradient(f, inputs[name].copy(), dh)
    assert grads[name].shape == inputs[name].shape
    assert rel_error(grads[name], num) < TOL


def test_lstm_backward_gradcheck_loss_only_at_last_step():
    # Many-to-one: every earlier gradient arrives through h_{t+1} and c_{t+1}.
    inputs = seq_inputs(seed=SEED)
    dh = np.zeros((N, T, H))
    dh[:, -1] = np.random.default_rng(SEED + 2).normal(size=(N, H))
    _, cache = lstm_forward(**inputs)
    dx, dh0, *_ = lstm_backward(dh, cache)

    def f(x):
        return lstm_forward(**{**inputs, "x": x})[0]

    assert rel_error(dx, numerical_gradient(f, inputs["x"].copy(), dh)) < TOL
    assert np.abs(dx[:, 0]).max() > 1e-3 and np.abs(dh0).max() > 1e-3


# ------------------------------------ reference 1: loop over the step

def run_steps(x, h0, c0, Wx, Wh, b):
    """lstm_forward by hand: lstm_step_forward at every t. Returns h, c, caches."""
    h_t, c_t, hs, cs, caches = h0, c0, [], [], []
    for t in range(x.shape[1]):
        h_t, c_t, cache = lstm_step_forward(x[:, t], h_t, c_t, Wx, Wh, b)
        hs.append(h_t)
        cs.append(c_t)
        caches.append(cache)
    return np.stack(hs, axis=1), np.stack(cs, axis=1), caches


def test_lstm_forward_equals_loop_over_step_forward():
    inputs = seq_inputs(seed=3)
    h, cache = lstm_forward(**inputs)
    ref_h, ref_c, step_caches = run_steps(**inputs)
    assert_close(h, ref_h)
    assert_close(cache["c"], ref_c)
    for gate in "ifog":
        assert_close(cache[gate], np.stack([sc[gate] for sc in step_caches], axis=1))


def test_lstm_backward_equals_loop_over_step_backward():
    inputs = seq_inputs(seed=3)
    dh = np.random.default_rng(4).normal(size=(N, T, H))
    _, cache = lstm_forward(**inputs)
    dx, dh0, dWx, dWh, db = lstm_backward(dh, cache)

    # Backward in time: step t gets its own dh plus what step t+1 sent back,
    # and the weights, shared by all steps, sum their gradients over t.
    _, _, caches = run_steps(**inputs)
    ref_dx = np.zeros_like(inputs["x"])
    ref_dW = [np.zeros_like(inputs[k]) for k in ("Wx", "Wh", "b")]
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        ref_dx[:, t], dh_next, dc_next, *dW_t = lstm_step_backward(
            dh[:, t] + dh_next, dc_next, caches[t])
        ref_dW = [total + step for total, step in zip(ref_dW, dW_t)]

    for got, want in zip([dx, dh0, dWx, dWh, db], [ref_dx, dh_next, *ref_dW]):
        assert_close(got, want)


# ---------------------------------- reference 2: the equations, by hand

def test_lstm_forward_matches_the_equations():
    inputs = seq_inputs(seed=5)
    h, cache = lstm_forward(**inputs)
    ref_h, ref_c = reference_lstm(**inputs)
    assert_close(h, ref_h)
    assert_close(cache["c"], ref_c)


def test_lstm_keeps_its_memory_when_forget_is_open_and_input_shut():
    # f = 1, i = 0, o = 1: c_t = 1 * c_{t-1} + 0 * g_t = c0 at every step,
    # so h_t = tanh(c0) whatever the input, in closed form.
    inputs = seq_inputs(seed=6)
    inputs["b"] = gate_bias(i=-BIG, f=BIG, o=BIG)
    h, cache = lstm_forward(**inputs)
    c0 = inputs["c0"][:, None, :]  # (N, 1, H), the same at every t
    np.testing.assert_array_equal(cache["c"], np.broadcast_to(c0, (N, T, H)))
    np.testing.assert_array_equal(h, np.broadcast_to(np.tanh(c0), (N, T, H)))


def test_lstm_without_memory_is_elementwise():
    # f = 0, i = 1, o = 1 and Wh = 0: no state survives a step, so
    # c_t = tanh(x_t @ Wx_g) and h_t = tanh(c_t), for D = H = 1 by hand.
    x = np.array([[[0.5], [-1.0], [2.0]]])  # (N, T, D) = (1, 3, 1)
    Wx = np.array([[0.0, 0.0, 0.0, 0.8]])  # only the candidate reads x
    b = np.array([BIG, -BIG, BIG, 0.1])  # i, f, o, g
    h, cache = lstm_forward(x, np.array([[0.3]]), Wx, np.zeros((1, 4)), b,
                            c0=np.array([[-0.7]]))
    c = np.tanh(0.8 * x + 0.1)
    np.testing.assert_allclose(cache["c"], c, rtol=1e-15)
    np.testing.assert_allclose(h, np.tanh(c), rtol=1e-15)


def test_sigmoid_is_stable_for_large_inputs():
    a = np.array([-BIG, -1.0, 0.0, 1.0, BIG])
    with np.errstate(over="raise", invalid="raise"):
        s = sigmoid(a)
    np.testing.assert_allclose(s, 1 / (1 + np.exp(-a.clip(-50, 50))), rtol=1e-14, atol=1e-20)
    assert s[0] == 0.0 and s[-1] == 1.0


# ---------------------------------------------- carrying the state on

def test_c0_defaults_to_an_empty_memory():
    inputs = seq_inputs(seed=7)
    h_zero, _ = lstm_forward(**{**inputs, "c0": np.zeros((N, H))})
    h_none, _ = lstm_forward(**{**inputs, "c0": None})
    np.testing.assert_array_equal(h_none, h_zero)


def test_two_chunks_with_carried_state_equal_one_run():
    inputs = seq_inputs(seed=8)
    x = inputs.pop("x")
    h_whole, cache_whole = lstm_forward(x, **inputs)

    # Run the first T1 steps, then the rest from where the first chunk stopped.
    T1 = 3
    h_first, cache = lstm_forward(x[:, :T1], **inputs)
    h_T, c_T = lstm_final_state(cache)
    h_rest, cache_rest = lstm_forward(x[:, T1:], **{**inputs, "h0": h_T, "c0": c_T})

    assert_close(np.concatenate([h_first, h_rest], axis=1), h_whole)
    assert_close(cache_rest["c"], cache_whole["c"][:, T1:])


def test_lstm_final_state_is_the_last_step_and_a_copy():
    _, cache = lstm_forward(**seq_inputs(seed=9))
    h_T, c_T = lstm_final_state(cache)
    np.testing.assert_array_equal(h_T, cache["h"][:, -1])
    np.testing.assert_array_equal(c_T, cache["c"][:, -1])
    h_T += 1.0  # changing the carried state must not change the cache
    assert not np.array_equal(h_T, cache["h"][:, -1])


def test_cache_holds_gates_and_states_for_plotting():
    h, cache = lstm_forward(**seq_inputs(seed=10))
    for key in ["i", "f", "o", "g", "c", "h"]:
        assert cache[key].shape == (N, T, H), key
    for key in "ifo":  # sigmoid gates lie in (0, 1), the candidate in (-1, 1)
        assert 0 < cache[key].min() and cache[key].max() < 1
    assert np.abs(cache["g"]).max() < 1
    np.testing.assert_array_equal(cache["h"], h)


def test_float32_stays_float32():
    inputs = {k: v.astype(np.float32) for k, v in seq_inputs(seed=11).items()}
    h, cache = lstm_forward(**inputs)
    grads = lstm_backward(np.ones_like(h), cache)
    assert h.dtype == np.float32 and cache["c"].dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads)


# ----------------------------------------------------------- bad input

def step_args(**changes):
    """Valid lstm_step_forward arguments, float64, with some replaced."""
    return {**step_inputs(seed=0), **changes}


def seq_args(**changes):
    """Valid lstm_forward arguments, float64, with some replaced."""
    return {**seq_inputs(seed=0), **changes}


BOTH = pytest.mark.parametrize("forward, args", [(lstm_step_forward, step_args),
                                                 (lstm_forward, seq_args)])


@BOTH
def test_Wh_stacked_for_three_gates_is_rejected(forward, args):
    # (H, 3H) is a GRU's Wh: the message must say 4H and give the numbers.
    with pytest.raises(ValueError, match=rf"{forward.__name__}: Wh must have shape "
                                         r"\(H, 4H\) = \(6, 24\), got \(6, 18\)"):
        forward(**args(Wh=np.zeros((H, 3 * H))))


@BOTH
def test_Wx_with_wrong_input_size_is_rejected(forward, args):
    with pytest.raises(ValueError, match=r"Wx must have shape \(D, 4H\) = \(5, 24\), "
                                         r"got \(4, 24\)"):
        forward(**args(Wx=np.zeros((D - 1, 4 * H))))


@BOTH
def test_b_as_column_is_rejected(forward, args):
    with pytest.raises(ValueError, match=r"b must have shape \(4H\).*got shape \(24, 1\)"):
        forward(**args(b=np.zeros((4 * H, 1))))


def test_lstm_forward_rejects_c0_of_wrong_shape():
    with pytest.raises(ValueError, match=r"lstm_forward: c0 must have shape \(N, H\) = "
                                         r"\(3, 6\), got \(3, 7\)"):
        lstm_forward(**seq_args(c0=np.zeros((N, H + 1))))


def test_lstm_step_forward_rejects_c_prev_of_wrong_batch_size():
    with pytest.raises(ValueError, match=r"c_prev must have shape \(N, H\) = \(3, 6\), "
                                         r"got \(2, 6\)"):
        lstm_step_forward(**step_args(c_prev=np.zeros((N - 1, H))))


@BOTH
def test_integer_x_is_rejected(forward, args):
    x = args()["x"]
    # A step reads floats only; a sequence also reads (N, T) token ids, but not integers of shape (N, T, D).
    expected = (r"x must be a floating-point array, got dtype int" if x.ndim == 2 else
                r"x must be \(N, T, D\) floats or \(N, T\) integer token ids, got integers of shape")
    with pytest.raises(ValueError, match=expected):
        forward(**args(x=np.ones(x.shape, dtype=np.int64)))


@BOTH
@pytest.mark.parametrize("name", ["x", "Wh"])
def test_nan_is_rejected(forward, args, name):
    a = args()[name].copy()
    a[0, 0] = np.nan
    with pytest.raises(ValueError, match=rf"{forward.__name__}: {name} contains NaN"):
        forward(**args(**{name: a}))


def test_lstm_step_backward_rejects_dc_of_wrong_shape():
    _, _, cache = lstm_step_forward(**step_args())
    with pytest.raises(ValueError, match=r"dc must have shape \(N, H\) = \(3, 6\), "
                                         r"got \(3, 7\)"):
        lstm_step_backward(np.zeros((N, H)), np.zeros((N, H + 1)), cache)


def test_lstm_backward_rejects_dh_of_wrong_shape():
    _, cache = lstm_forward(**seq_args())
    with pytest.raises(ValueError, match=r"dh must have shape \(N, T, H\) = \(3, 4, 6\), "
                                         r"got \(3, 5, 6\)"):
        lstm_backward(np.zeros((N, T + 1, H)), cache)
