"""Tests for rnn_helpers/gru.py: the GRU layer, forward and backward.

Three kinds of evidence, from strongest to weakest dependence on the code:

1. Gradient checks: every backward agrees with centred differences of its own
   forward, in float64, to rel_error < 1e-7, for every input and parameter.
2. Independent references: the batched gru_forward equals a loop over
   gru_step_forward; both equal d2l's equations written out with one weight
   matrix per gate (and differ from PyTorch's placement of the reset gate);
   update gates forced to 1 or 0 by huge biases give closed forms.
3. Bad input: wrong shapes, dtypes and NaN stop at the call with a message
   naming the argument, the shape expected and the shape received.

Shapes are chosen so that N, T, D and H all differ: a swapped axis then fails
loudly instead of passing by coincidence.
"""
import numpy as np
import pytest

from rnn_helpers.gradcheck import numerical_gradient, rel_error
from rnn_helpers.gru import (gru_backward, gru_forward, gru_step_backward,
                             gru_step_forward)

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
    """Wx: (D, 3H), Wh: (H, 3H), b: (3H,); scale 0.5 keeps the gates unsaturated."""
    return dict(Wx=rng.normal(scale=0.5, size=(D, 3 * H)),
                Wh=rng.normal(scale=0.5, size=(H, 3 * H)),
                b=rng.normal(scale=0.1, size=3 * H))


def step_inputs(seed=0):
    """Arguments of gru_step_forward, float64."""
    rng = np.random.default_rng(seed)
    return dict(x=rng.normal(size=(N, D)), h_prev=rng.normal(size=(N, H)), **weights(rng))


def seq_inputs(seed=0):
    """Arguments of gru_forward, float64."""
    rng = np.random.default_rng(seed)
    return dict(x=rng.normal(size=(N, T, D)), h0=rng.normal(size=(N, H)), **weights(rng))


def reference_gru(x, h0, Wx, Wh, b, reset="before"):
    """The equations, one weight matrix per gate, a plain loop: h (N, T, H).

    reset="before" is d2l's (r * h) @ Whn, the convention of gru.py;
    reset="after" is PyTorch's r * (h @ Whn), with its b_hn = 0.
    """
    Wxr, Wxz, Wxn = np.split(Wx, 3, axis=1)
    Whr, Whz, Whn = np.split(Wh, 3, axis=1)
    br, bz, bn = np.split(b, 3)

    def logistic(a):
        return 1.0 / (1.0 + np.exp(-a))

    h_t, hs = h0, []
    for x_t in x.transpose(1, 0, 2):  # (N, D) at each step
        r = logistic(x_t @ Wxr + h_t @ Whr + br)
        z = logistic(x_t @ Wxz + h_t @ Whz + bz)
        recurrent = (r * h_t) @ Whn if reset == "before" else r * (h_t @ Whn)
        n = np.tanh(x_t @ Wxn + recurrent + bn)
        h_t = z * h_t + (1 - z) * n
        hs.append(h_t)
    return np.stack(hs, axis=1)


def gate_bias(r=0.0, z=0.0, n=0.0):
    """A (3H,) bias with the same value for every unit of each gate."""
    return np.repeat([r, z, n], H)


def assert_close(got, want):
    # The same sums in another order: equal up to rounding.
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


# ------------------------------------------------------ gradient checks

STEP_GRADS = ["x", "h_prev", "Wx", "Wh", "b"]  # order of gru_step_backward


@pytest.mark.parametrize("name", STEP_GRADS)
def test_gru_step_backward_gradcheck(name):
    inputs = step_inputs(seed=SEED)
    dh = np.random.default_rng(SEED + 1).normal(size=(N, H))
    _, cache = gru_step_forward(**inputs)
    grads = dict(zip(STEP_GRADS, gru_step_backward(dh, cache)))

    # f computes from its own argument v, which numerical_gradient perturbs.
    def f(v):
        return gru_step_forward(**{**inputs, name: v})[0]

    num = numerical_gradient(f, inputs[name].copy(), dh)
    assert grads[name].shape == inputs[name].shape
    assert rel_error(grads[name], num) < TOL


SEQ_GRADS = ["x", "h0", "Wx", "Wh", "b"]  # order of gru_backward


@pytest.mark.parametrize("name", SEQ_GRADS)
def test_gru_backward_gradcheck(name):
    inputs = seq_inputs(seed=SEED)
    dh = np.random.default_rng(SEED + 1).normal(size=(N, T, H))
    _, cache = gru_forward(**inputs)
    grads = dict(zip(SEQ_GRADS, gru_backward(dh, cache)))

    def f(v):
        return gru_forward(**{**inputs, name: v})[0]

    num = numerical_gradient(f, inputs[name].copy(), dh)
    assert grads[name].shape == inputs[name].shape
    assert rel_error(grads[name], num) < TOL


def test_gru_backward_gradcheck_loss_only_at_last_step():
    # Many-to-one: every earlier gradient arrives through h_{t+1} alone.
    inputs = seq_inputs(seed=SEED)
    dh = np.zeros((N, T, H))
    dh[:, -1] = np.random.default_rng(SEED + 2).normal(size=(N, H))
    _, cache = gru_forward(**inputs)
    dx, dh0, *_ = gru_backward(dh, cache)

    def f(x):
        return gru_forward(**{**inputs, "x": x})[0]

    assert rel_error(dx, numerical_gradient(f, inputs["x"].copy(), dh)) < TOL
    assert np.abs(dx[:, 0]).max() > 1e-3 and np.abs(dh0).max() > 1e-3


# ------------------------------------ reference 1: loop over the step

def run_steps(x, h0, Wx, Wh, b):
    """gru_forward by hand: gru_step_forward at every t. Returns h, caches."""
    h_t, hs, caches = h0, [], []
    for t in range(x.shape[1]):
        h_t, cache = gru_step_forward(x[:, t], h_t, Wx, Wh, b)
        hs.append(h_t)
        caches.append(cache)
    return np.stack(hs, axis=1), caches


def test_gru_forward_equals_loop_over_step_forward():
    inputs = seq_inputs(seed=3)
    h, cache = gru_forward(**inputs)
    ref_h, step_caches = run_steps(**inputs)
    assert_close(h, ref_h)
    for gate in "rzn":
        assert_close(cache[gate], np.stack([sc[gate] for sc in step_caches], axis=1))


def test_gru_backward_equals_loop_over_step_backward():
    inputs = seq_inputs(seed=3)
    dh = np.random.default_rng(4).normal(size=(N, T, H))
    _, cache = gru_forward(**inputs)
    dx, dh0, dWx, dWh, db = gru_backward(dh, cache)

    # Backward in time: step t gets its own dh plus what step t+1 sent back,
    # and the weights, shared by all steps, sum their gradients over t.
    _, caches = run_steps(**inputs)
    ref_dx = np.zeros_like(inputs["x"])
    ref_dW = [np.zeros_like(inputs[k]) for k in ("Wx", "Wh", "b")]
    dh_next = np.zeros((N, H))
    for t in reversed(range(T)):
        ref_dx[:, t], dh_next, *dW_t = gru_step_backward(dh[:, t] + dh_next, caches[t])
        ref_dW = [total + step for total, step in zip(ref_dW, dW_t)]

    for got, want in zip([dx, dh0, dWx, dWh, db], [ref_dx, dh_next, *ref_dW]):
        assert_close(got, want)


# ---------------------------------- reference 2: the equations, by hand

def test_gru_forward_matches_d2l_equations():
    inputs = seq_inputs(seed=5)
    h, _ = gru_forward(**inputs)
    assert_close(h, reference_gru(**inputs, reset="before"))


def test_gru_forward_differs_from_pytorch_reset_placement():
    # So the test above can tell the two conventions apart: with H > 1,
    # (r * h) @ Whn and r * (h @ Whn) are different numbers.
    inputs = seq_inputs(seed=5)
    h, _ = gru_forward(**inputs)
    assert np.abs(h - reference_gru(**inputs, reset="after")).max() > 1e-2


def test_gru_keeps_its_state_when_update_gate_is_one():
    # z = 1: h_t = 1 * h_{t-1} + 0 * n_t = h0 at every step, whatever the input.
    inputs = seq_inputs(seed=6)
    inputs["b"] = gate_bias(z=BIG)
    h, _ = gru_forward(**inputs)
    np.testing.assert_array_equal(h, np.broadcast_to(inputs["h0"][:, None], (N, T, H)))


def test_gru_without_memory_is_elementwise():
    # z = 0 and Wh = 0: h_t = n_t = tanh(x_t @ Wxn + bn), for D = H = 1 by hand.
    x = np.array([[[0.5], [-1.0], [2.0]]])  # (N, T, D) = (1, 3, 1)
    Wx = np.array([[0.3, 0.0, 0.8]])  # r, z, n
    b = np.array([0.2, -BIG, 0.1])
    h, cache = gru_forward(x, np.array([[0.3]]), Wx, np.zeros((1, 3)), b)
    np.testing.assert_allclose(h, np.tanh(0.8 * x + 0.1), rtol=1e-15)
    np.testing.assert_allclose(cache["r"], 1 / (1 + np.exp(-(0.3 * x + 0.2))), rtol=1e-14)


# ---------------------------------------------- carrying the state on

def test_two_chunks_with_carried_state_equal_one_run():
    inputs = seq_inputs(seed=8)
    x = inputs.pop("x")
    h_whole, _ = gru_forward(x, **inputs)

    # A GRU's whole state is h: the last h of one chunk is h0 of the next.
    T1 = 3
    h_first, _ = gru_forward(x[:, :T1], **inputs)
    h_rest, _ = gru_forward(x[:, T1:], **{**inputs, "h0": h_first[:, -1]})
    assert_close(np.concatenate([h_first, h_rest], axis=1), h_whole)


def test_cache_holds_gates_for_plotting():
    h, cache = gru_forward(**seq_inputs(seed=10))
    for key in ["r", "z", "n", "h"]:
        assert cache[key].shape == (N, T, H), key
    for key in "rz":  # sigmoid gates lie in (0, 1), the candidate in (-1, 1)
        assert 0 < cache[key].min() and cache[key].max() < 1
    assert np.abs(cache["n"]).max() < 1
    np.testing.assert_array_equal(cache["h"], h)


def test_float32_stays_float32():
    inputs = {k: v.astype(np.float32) for k, v in seq_inputs(seed=11).items()}
    h, cache = gru_forward(**inputs)
    grads = gru_backward(np.ones_like(h), cache)
    assert h.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads)


# ----------------------------------------------------------- bad input

def step_args(**changes):
    """Valid gru_step_forward arguments, float64, with some replaced."""
    return {**step_inputs(seed=0), **changes}


def seq_args(**changes):
    """Valid gru_forward arguments, float64, with some replaced."""
    return {**seq_inputs(seed=0), **changes}


BOTH = pytest.mark.parametrize("forward, args", [(gru_step_forward, step_args),
                                                 (gru_forward, seq_args)])


@BOTH
def test_Wh_stacked_for_four_gates_is_rejected(forward, args):
    # (H, 4H) is an LSTM's Wh: the message must say 3H and give the numbers.
    with pytest.raises(ValueError, match=rf"{forward.__name__}: Wh must have shape "
                                         r"\(H, 3H\) = \(6, 18\), got \(6, 24\)"):
        forward(**args(Wh=np.zeros((H, 4 * H))))


@BOTH
def test_Wx_with_wrong_input_size_is_rejected(forward, args):
    with pytest.raises(ValueError, match=r"Wx must have shape \(D, 3H\) = \(5, 18\), "
                                         r"got \(4, 18\)"):
        forward(**args(Wx=np.zeros((D - 1, 3 * H))))


@BOTH
def test_b_as_column_is_rejected(forward, args):
    with pytest.raises(ValueError, match=r"b must have shape \(3H\).*got shape \(18, 1\)"):
        forward(**args(b=np.zeros((3 * H, 1))))


def test_gru_forward_rejects_h0_of_wrong_batch_size():
    with pytest.raises(ValueError, match=r"gru_forward: h0 must have shape \(N, H\) = "
                                         r"\(3, .*\), got \(2, 6\)"):
        gru_forward(**seq_args(h0=np.zeros((N - 1, H))))


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


def test_gru_step_backward_rejects_dh_of_wrong_shape():
    _, cache = gru_step_forward(**step_args())
    with pytest.raises(ValueError, match=r"dh must have shape \(N, H\) = \(3, 6\), "
                                         r"got \(3, 7\)"):
        gru_step_backward(np.zeros((N, H + 1)), cache)


def test_gru_backward_rejects_dh_of_wrong_shape():
    _, cache = gru_forward(**seq_args())
    with pytest.raises(ValueError, match=r"dh must have shape \(N, T, H\) = \(3, 4, 6\), "
                                         r"got \(3, 5, 6\)"):
        gru_backward(np.zeros((N, T + 1, H)), cache)
