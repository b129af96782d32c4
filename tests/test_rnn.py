"""Tests for rnn_helpers/rnn.py: the vanilla RNN, forward and backward.

Three kinds of evidence, from strongest to weakest dependence on the code:

1. Gradient checks: every backward agrees with centred differences of its own
   forward, in float64, to rel_error < 1e-7 (a correct gradient reaches about
   1e-9 here; a wrong one is off by 1e-2 or more).
2. Independent references: the batched rnn_forward/rnn_backward equal a plain
   loop over the step functions, and tiny D = H = 1 cases worked out by hand.
3. Bad input: wrong shapes, dtypes, NaN and unknown activations stop at the
   call with a message naming the argument and the shape received.

Shapes are chosen so that N, T, D and H all differ: a swapped axis then fails
loudly instead of passing by coincidence.
"""
import math

import numpy as np
import pytest

from rnn_helpers.gradcheck import numerical_gradient, rel_error
from rnn_helpers.rnn import (rnn_backward, rnn_forward, rnn_step_backward,
                             rnn_step_forward)

N, T, D, H = 3, 4, 5, 6
ACTIVATIONS = ["tanh", "relu"]

# Gradient check tolerance: centred differences with h = 1e-5 in float64.
TOL = 1e-7
# ReLU has a kink at 0. A perturbation of 1e-5 in one input moves each
# pre-activation by about 1e-5, so every |a| must stay well clear of zero.
RELU_MARGIN = 1e-3


# ---------------------------------------------------------------- helpers

def step_inputs(seed=0):
    """x: (N, D), h_prev: (N, H), Wx: (D, H), Wh: (H, H), b: (H,), float64."""
    rng = np.random.default_rng(seed)
    return dict(x=rng.normal(size=(N, D)),
                h_prev=rng.normal(size=(N, H)),
                Wx=rng.normal(scale=0.5, size=(D, H)),
                Wh=rng.normal(scale=0.5, size=(H, H)),
                b=rng.normal(scale=0.1, size=H))


def seq_inputs(seed=0):
    """x: (N, T, D), h0: (N, H), Wx: (D, H), Wh: (H, H), b: (H,), float64."""
    rng = np.random.default_rng(seed)
    return dict(x=rng.normal(size=(N, T, D)),
                h0=rng.normal(size=(N, H)),
                Wx=rng.normal(scale=0.5, size=(D, H)),
                Wh=rng.normal(scale=0.5, size=(H, H)),
                b=rng.normal(scale=0.1, size=H))


def preactivations(x, h0, Wx, Wh, b, activation):
    """Every a_t = x_t @ Wx + h_{t-1} @ Wh + b, by a plain loop: (N, T, H)."""
    act = np.tanh if activation == "tanh" else (lambda a: np.maximum(a, 0.0))
    a, h_t = [], h0
    for t in range(x.shape[1]):
        a_t = x[:, t] @ Wx + h_t @ Wh + b
        a.append(a_t)
        h_t = act(a_t)
    return np.stack(a, axis=1)


def assert_clear_of_relu_kink(a):
    """Centred differences across the kink of relu are meaningless: refuse them."""
    assert np.min(np.abs(a)) > RELU_MARGIN, "pick another seed: a pre-activation is near 0"
    # And the check should see both sides of the kink, or it proves little.
    assert 0 < np.mean(a > 0) < 1


# ------------------------------------------------------ gradient checks

STEP_GRADS = ["x", "h_prev", "Wx", "Wh", "b"]  # order returned by rnn_step_backward


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("name", STEP_GRADS)
def test_rnn_step_backward_gradcheck(activation, name):
    inputs = step_inputs(seed=0)
    if activation == "relu":
        a = inputs["x"] @ inputs["Wx"] + inputs["h_prev"] @ inputs["Wh"] + inputs["b"]
        assert_clear_of_relu_kink(a)
    dh = np.random.default_rng(1).normal(size=(N, H))
    h, cache = rnn_step_forward(**inputs, activation=activation)
    grads = dict(zip(STEP_GRADS, rnn_step_backward(dh, cache)))

    # f computes from its own argument v, which numerical_gradient perturbs.
    def f(v):
        return rnn_step_forward(**{**inputs, name: v}, activation=activation)[0]

    num = numerical_gradient(f, inputs[name].copy(), dh)
    assert grads[name].shape == inputs[name].shape
    assert rel_error(grads[name], num) < TOL


SEQ_GRADS = ["x", "h0", "Wx", "Wh", "b"]  # order returned by rnn_backward


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("name", SEQ_GRADS)
def test_rnn_backward_gradcheck(activation, name):
    inputs = seq_inputs(seed=0)
    if activation == "relu":
        assert_clear_of_relu_kink(preactivations(**inputs, activation="relu"))
    dh = np.random.default_rng(1).normal(size=(N, T, H))
    h, cache = rnn_forward(**inputs, activation=activation)
    grads = dict(zip(SEQ_GRADS, rnn_backward(dh, cache)))

    def f(v):
        return rnn_forward(**{**inputs, name: v}, activation=activation)[0]

    num = numerical_gradient(f, inputs[name].copy(), dh)
    assert grads[name].shape == inputs[name].shape
    assert rel_error(grads[name], num) < TOL


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_rnn_backward_gradcheck_loss_only_at_last_step(activation):
    # The usual many-to-one case: dh is zero except at t = T-1, so every
    # gradient at earlier steps arrives through h_{t+1} alone (pure BPTT).
    inputs = seq_inputs(seed=0)
    dh = np.zeros((N, T, H))
    dh[:, -1] = np.random.default_rng(2).normal(size=(N, H))
    _, cache = rnn_forward(**inputs, activation=activation)
    dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)

    def f(x):
        return rnn_forward(x, inputs["h0"], inputs["Wx"], inputs["Wh"], inputs["b"],
                           activation=activation)[0]

    assert rel_error(dx, numerical_gradient(f, inputs["x"].copy(), dh)) < TOL
    # The loss reaches x_0 and h0 through Wh, so their gradients are not zero.
    assert np.abs(dx[:, 0]).max() > 1e-3 and np.abs(dh0).max() > 1e-3


# ------------------------------------ reference 1: loop over the step

@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_rnn_forward_equals_loop_over_step_forward(activation):
    inputs = seq_inputs(seed=3)
    x, h0, Wx, Wh, b = (inputs[k] for k in SEQ_GRADS)
    h, _ = rnn_forward(x, h0, Wx, Wh, b, activation=activation)

    h_t, expected = h0, []
    for t in range(T):
        h_t, _ = rnn_step_forward(x[:, t], h_t, Wx, Wh, b, activation=activation)
        expected.append(h_t)
    # The batched version only reorders the same sums: equal up to rounding.
    np.testing.assert_allclose(h, np.stack(expected, axis=1), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_rnn_backward_equals_loop_over_step_backward(activation):
    inputs = seq_inputs(seed=3)
    x, h0, Wx, Wh, b = (inputs[k] for k in SEQ_GRADS)
    dh = np.random.default_rng(4).normal(size=(N, T, H))
    _, cache = rnn_forward(x, h0, Wx, Wh, b, activation=activation)
    dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)

    # Forward one step at a time, keeping every step's cache.
    caches, h_t = [], h0
    for t in range(T):
        h_t, c = rnn_step_forward(x[:, t], h_t, Wx, Wh, b, activation=activation)
        caches.append(c)
    # Backward in time: step t receives its own dh plus what step t+1 sent back,
    # and the weights, shared by all steps, sum their gradients over t.
    ref_dx = np.zeros_like(x)
    ref_dWx, ref_dWh, ref_db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        dx_t, dh_next, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dh_next, caches[t])
        ref_dx[:, t] = dx_t
        ref_dWx += dWx_t
        ref_dWh += dWh_t
        ref_db += db_t

    for got, want in [(dx, ref_dx), (dh0, dh_next), (dWx, ref_dWx),
                      (dWh, ref_dWh), (db, ref_db)]:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


# ---------------------------------- reference 2: tiny cases by hand

def test_rnn_forward_without_recurrence_is_elementwise_tanh():
    # With Wh = 0 the steps do not talk to each other: h_t = tanh(x_t * Wx + b).
    x = np.array([[[0.5], [-1.0], [2.0]]])  # (N, T, D) = (1, 3, 1)
    Wx, Wh, b = np.array([[0.8]]), np.array([[0.0]]), np.array([0.1])
    h, _ = rnn_forward(x, np.array([[0.7]]), Wx, Wh, b)
    expected = [math.tanh(0.5 * 0.8 + 0.1), math.tanh(-1.0 * 0.8 + 0.1),
                math.tanh(2.0 * 0.8 + 0.1)]
    np.testing.assert_allclose(h.ravel(), expected, rtol=1e-15)


def test_rnn_two_steps_relu_by_hand():
    # x = [1, 2], h0 = 0, Wx = 1, Wh = 0.5, b = 0, relu, all positive so relu = id:
    #   h1 = 1*1 + 0*0.5 = 1,   h2 = 2*1 + 1*0.5 = 2.5
    # Loss L = h2 (dh = [0, 1]), so dL/da2 = 1 and dL/da1 = Wh = 0.5:
    #   dx = [Wh*Wx, Wx] = [0.5, 1],  dh0 = Wh*Wh = 0.25
    #   dWx = x1*0.5 + x2*1 = 2.5,  dWh = h0*0.5 + h1*1 = 1,  db = 0.5 + 1 = 1.5
    x = np.array([[[1.0], [2.0]]])
    h0, Wx, Wh, b = np.array([[0.0]]), np.array([[1.0]]), np.array([[0.5]]), np.array([0.0])
    h, cache = rnn_forward(x, h0, Wx, Wh, b, activation="relu")
    np.testing.assert_array_equal(h.ravel(), [1.0, 2.5])

    dx, dh0, dWx, dWh, db = rnn_backward(np.array([[[0.0], [1.0]]]), cache)
    np.testing.assert_array_equal(dx.ravel(), [0.5, 1.0])
    np.testing.assert_array_equal(dh0, [[0.25]])
    np.testing.assert_array_equal(dWx, [[2.5]])
    np.testing.assert_array_equal(dWh, [[1.0]])
    np.testing.assert_array_equal(db, [1.5])


def test_rnn_two_steps_tanh_by_hand():
    # h1 = tanh(x1 Wx + h0 Wh + b), h2 = tanh(x2 Wx + h1 Wh + b), loss L = h2.
    # With g_t = 1 - h_t**2, the chain rule gives dL/da2 = g2, dL/da1 = g2 Wh g1.
    x1, x2, h0, Wx, Wh, b = 0.3, -0.7, 0.2, 1.5, -0.8, 0.1
    h1 = math.tanh(x1 * Wx + h0 * Wh + b)
    h2 = math.tanh(x2 * Wx + h1 * Wh + b)
    da2 = 1 - h2 ** 2
    da1 = da2 * Wh * (1 - h1 ** 2)

    h, cache = rnn_forward(np.array([[[x1], [x2]]]), np.array([[h0]]),
                           np.array([[Wx]]), np.array([[Wh]]), np.array([b]))
    np.testing.assert_allclose(h.ravel(), [h1, h2], rtol=1e-14)

    dx, dh0, dWx, dWh, db = rnn_backward(np.array([[[0.0], [1.0]]]), cache)
    np.testing.assert_allclose(dx.ravel(), [da1 * Wx, da2 * Wx], rtol=1e-14)
    np.testing.assert_allclose(dh0.ravel(), [da1 * Wh], rtol=1e-14)
    np.testing.assert_allclose(dWx.ravel(), [da1 * x1 + da2 * x2], rtol=1e-14)
    np.testing.assert_allclose(dWh.ravel(), [da1 * h0 + da2 * h1], rtol=1e-14)
    np.testing.assert_allclose(db.ravel(), [da1 + da2], rtol=1e-14)


# ------------------------------------ the check has teeth: a known bug

def step_backward_missing_transpose(dh, cache):
    """rnn_step_backward with the classic bug: da @ Wh instead of da @ Wh.T."""
    x, h_prev, Wx, Wh, h, activation = cache
    da = dh * (1 - h ** 2)
    return da @ Wx.T, da @ Wh, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def test_gradcheck_catches_missing_transpose_of_Wh():
    inputs = step_inputs(seed=0)
    assert not np.allclose(inputs["Wh"], inputs["Wh"].T)  # the bug hides if Wh = Wh.T
    dh = np.random.default_rng(1).normal(size=(N, H))
    _, cache = rnn_step_forward(**inputs)

    def f(h_prev):
        return rnn_step_forward(inputs["x"], h_prev, inputs["Wx"], inputs["Wh"],
                                inputs["b"])[0]

    num = numerical_gradient(f, inputs["h_prev"].copy(), dh)
    _, dh_prev_buggy, *_ = step_backward_missing_transpose(dh, cache)
    _, dh_prev, *_ = rnn_step_backward(dh, cache)
    assert rel_error(dh_prev, num) < TOL  # the real one passes ...
    assert rel_error(dh_prev_buggy, num) > 1e-2  # ... the buggy one fails by far


def test_missing_transpose_goes_unnoticed_when_Wh_is_symmetric():
    # Why the tests use a random (non-symmetric) Wh: with Wh = Wh.T the bug
    # gives the right numbers, and no gradient check can see it.
    inputs = step_inputs(seed=0)
    inputs["Wh"] = inputs["Wh"] + inputs["Wh"].T
    _, cache = rnn_step_forward(**inputs)
    dh = np.random.default_rng(1).normal(size=(N, H))
    np.testing.assert_allclose(step_backward_missing_transpose(dh, cache)[1],
                               rnn_step_backward(dh, cache)[1], rtol=1e-12)


# ----------------------------------------------------------- bad input

def step_args(**changes):
    """Valid rnn_step_forward arguments, float64, with some replaced."""
    return {**step_inputs(seed=0), **changes}


def seq_args(**changes):
    """Valid rnn_forward arguments, float64, with some replaced."""
    return {**seq_inputs(seed=0), **changes}


@pytest.mark.parametrize("forward, args", [(rnn_step_forward, step_args),
                                           (rnn_forward, seq_args)])
def test_Wh_not_square_is_rejected(forward, args):
    bad = np.zeros((H, H + 1))
    with pytest.raises(ValueError, match=rf"{forward.__name__}: Wh must have shape "
                                         r"\(H, H\) = \(6, 6\), got \(6, 7\)"):
        forward(**args(Wh=bad))


def test_rnn_forward_rejects_2d_x():
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D\) with 3 "
                                         r"dimensions, got shape \(3, 5\)"):
        rnn_forward(**seq_args(x=np.zeros((N, D))))


def test_rnn_forward_rejects_h0_with_wrong_batch_size():
    with pytest.raises(ValueError, match=r"h0 must have shape \(N, H\) = \(3, .*\), "
                                         r"got \(2, 6\)"):
        rnn_forward(**seq_args(h0=np.zeros((N - 1, H))))


@pytest.mark.parametrize("forward, args", [(rnn_step_forward, step_args),
                                           (rnn_forward, seq_args)])
def test_b_as_column_is_rejected(forward, args):
    # (H, 1) would broadcast against (N, H) into nonsense of shape (H, H).
    with pytest.raises(ValueError, match=r"b must have shape \(H\).*got shape \(6, 1\)"):
        forward(**args(b=np.zeros((H, 1))))


@pytest.mark.parametrize("forward, args", [(rnn_step_forward, step_args),
                                           (rnn_forward, seq_args)])
def test_integer_x_is_rejected(forward, args):
    x = args()["x"]
    # A step reads floats only; a sequence also reads (N, T) token ids, but not integers of shape (N, T, D).
    expected = (r"x must be a floating-point array, got dtype int" if x.ndim == 2 else
                r"x must be \(N, T, D\) floats or \(N, T\) integer token ids, got integers of shape")
    with pytest.raises(ValueError, match=expected):
        forward(**args(x=np.ones(x.shape, dtype=np.int64)))


@pytest.mark.parametrize("forward, args", [(rnn_step_forward, step_args),
                                           (rnn_forward, seq_args)])
def test_list_x_is_rejected(forward, args):
    with pytest.raises(ValueError, match=r"x must be a numpy array .*got list"):
        forward(**args(x=args()["x"].tolist()))


@pytest.mark.parametrize("name", ["x", "Wh"])
def test_rnn_forward_rejects_nan(name):
    a = seq_args()[name].copy()
    a[0, 0] = np.nan
    with pytest.raises(ValueError, match=rf"rnn_forward: {name} contains NaN"):
        rnn_forward(**seq_args(**{name: a}))


@pytest.mark.parametrize("name", ["x", "Wh"])
def test_rnn_step_forward_rejects_nan(name):
    a = step_args()[name].copy()
    a[0, 0] = np.nan
    with pytest.raises(ValueError, match=rf"rnn_step_forward: {name} contains NaN"):
        rnn_step_forward(**step_args(**{name: a}))


@pytest.mark.parametrize("forward, args", [(rnn_step_forward, step_args),
                                           (rnn_forward, seq_args)])
def test_unknown_activation_is_rejected(forward, args):
    with pytest.raises(ValueError, match=r"activation must be one of \('tanh', 'relu'\), "
                                         r"got 'sigmoid'"):
        forward(**args(), activation="sigmoid")


# A wrong dh must be blamed on dh, not on the cached h the caller never passed.
def test_rnn_step_backward_rejects_dh_of_wrong_shape():
    _, cache = rnn_step_forward(**step_args())
    with pytest.raises(ValueError, match=r"dh must have shape \(N, H\) = \(3, 6\), "
                                         r"got \(3, 7\)"):
        rnn_step_backward(np.zeros((N, H + 1)), cache)


def test_rnn_backward_rejects_dh_of_wrong_shape():
    _, cache = rnn_forward(**seq_args())
    with pytest.raises(ValueError, match=r"dh must have shape \(N, T, H\) = \(3, 4, 6\), "
                                         r"got \(3, 5, 6\)"):
        rnn_backward(np.zeros((N, T + 1, H)), cache)



@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_rnn_backward_names_nan_or_inf_in_dh(bad):
    # Issue 9: a NaN in dh used to flow silently into every gradient.
    _, cache = rnn_forward(**seq_args())
    dh = np.zeros((N, T, H))
    dh[1, 2, 3] = bad
    with pytest.raises(ValueError, match=r"^rnn_backward: dh contains NaN or inf \("):
        rnn_backward(dh, cache)
