"""Tests for rnn_helpers/optim.py: each update rule against a hand computation."""
import numpy as np
import pytest

from rnn_helpers import optim


def _params_and_grads(seed=0):
    rng = np.random.default_rng(seed)
    params = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=4)}
    grads = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=4)}
    return params, grads


def _cosine(a, b):
    a = np.concatenate([g.ravel() for g in a.values()])
    b = np.concatenate([g.ravel() for g in b.values()])
    return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))


# ---------------------------------------------------------------- SGD

def test_sgd_without_momentum_is_p_minus_lr_g():
    params, grads = _params_and_grads()
    before = {k: p.copy() for k, p in params.items()}
    W = params["W"]
    optim.SGD(params, lr=0.1).step(grads)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k] - 0.1 * grads[k])
    assert params["W"] is W  # updated in place: the model's own arrays change


def test_sgd_momentum_two_steps_by_hand():
    params, g1 = _params_and_grads(0)
    _, g2 = _params_and_grads(1)
    p0 = {k: p.copy() for k, p in params.items()}
    lr, mu = 0.1, 0.9
    opt = optim.SGD(params, lr=lr, momentum=mu)
    opt.step(g1)
    opt.step(g2)
    for k in params:
        v1 = -lr * g1[k]                 # first step: no velocity yet
        v2 = mu * v1 - lr * g2[k]        # second step: 90% of the first, plus the new one
        np.testing.assert_allclose(params[k], p0[k] + v1 + v2, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------- Adam

def test_adam_first_step_is_lr_times_sign_of_g():
    # After one step m_hat = g and v_hat = g**2, so the step is lr * g / |g|,
    # whatever the size of g: here it spans six orders of magnitude.
    params = {"w": np.zeros(6)}
    grads = {"w": np.array([1e-3, -2e-2, 0.5, -3.0, 40.0, -1e3])}
    lr = 0.01
    optim.Adam(params, lr=lr).step(grads)
    # eps = 1e-8 shortens the step by eps / |g| <= 1e-5 relative.
    np.testing.assert_allclose(params["w"], -lr * np.sign(grads["w"]), rtol=1e-4)


def test_adam_minimises_a_quadratic():
    # f(p) = 0.5 * sum(a * (p - target)**2), badly scaled on purpose (a from 0.1 to 100).
    a = np.array([0.1, 1.0, 10.0, 100.0])
    target = np.array([1.0, -2.0, 3.0, 0.5])
    params = {"p": np.zeros(4)}
    opt = optim.Adam(params, lr=0.05)
    for _ in range(2000):
        opt.step({"p": a * (params["p"] - target)})
    np.testing.assert_allclose(params["p"], target, atol=1e-3)


# ---------------------------------------------------------------- clipping

def test_clip_returns_norm_and_leaves_small_gradients_alone():
    grads = {"W": np.array([[3.0, 0.0]]), "b": np.array([4.0])}  # global norm 5
    before = {k: g.copy() for k, g in grads.items()}
    assert optim.clip_grad_norm(grads, max_norm=10.0) == pytest.approx(5.0, rel=1e-15)
    for k in grads:
        np.testing.assert_array_equal(grads[k], before[k])


def test_clip_scales_large_gradients_to_max_norm_keeping_direction():
    _, grads = _params_and_grads()
    before = {k: g.copy() for k, g in grads.items()}
    norm_before = optim.global_norm(grads)
    max_norm = norm_before / 10
    # The norm returned is the one before clipping (what fit records).
    assert optim.clip_grad_norm(grads, max_norm) == pytest.approx(norm_before, rel=1e-15)
    assert optim.global_norm(grads) == pytest.approx(max_norm, rel=1e-12)
    # Every entry scaled by the same factor: the direction is unchanged.
    assert _cosine(grads, before) == pytest.approx(1.0, abs=1e-12)
    for k in grads:
        np.testing.assert_allclose(grads[k], before[k] / 10, rtol=1e-12)


def test_elementwise_clip_changes_direction():
    # The contrast: clipping each entry to [-1, 1] turns (10, 1) into (1, 1).
    grads = {"g": np.array([10.0, 1.0])}
    clipped = {"g": np.clip(grads["g"], -1.0, 1.0)}
    assert _cosine(grads, clipped) == pytest.approx(11 / np.sqrt(202), rel=1e-12)  # 0.77
    assert _cosine(grads, clipped) < 0.8


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("Opt", [optim.SGD, optim.Adam])
@pytest.mark.parametrize("lr", [0.0, -0.1, np.nan, np.inf])
def test_bad_lr_raises(Opt, lr):
    params, _ = _params_and_grads()
    with pytest.raises(ValueError, match=rf"{Opt.__name__}: lr must be a positive number"):
        Opt(params, lr=lr)


@pytest.mark.parametrize("max_norm", [0.0, -1.0, np.nan])
def test_bad_max_norm_raises(max_norm):
    _, grads = _params_and_grads()
    with pytest.raises(ValueError, match=r"clip_grad_norm: max_norm must be a positive number, got "):
        optim.clip_grad_norm(grads, max_norm)


@pytest.mark.parametrize("Opt", [optim.SGD, optim.Adam])
def test_mismatched_grads_raise(Opt):
    params, grads = _params_and_grads()
    opt = Opt(params, lr=0.1)
    with pytest.raises(ValueError, match=r"step: grads must have the keys \['W', 'b'\], got \['W'\]"):
        opt.step({"W": grads["W"]})
    with pytest.raises(ValueError, match=r"step: grads must have the keys"):
        opt.step(dict(grads, extra=np.zeros(1)))
    with pytest.raises(ValueError, match=r"step: grads\['W'\] must have shape \(3, 4\), got \(4, 3\)"):
        opt.step(dict(grads, W=grads["W"].T))


@pytest.mark.parametrize("kwargs, match", [
    (dict(momentum=-1.0), r"^SGD: momentum must be in \[0, 1\), got -1.0$"),
    (dict(momentum=np.nan), r"^SGD: momentum must be in \[0, 1\), got nan$"),
    (dict(momentum=1.0), r"^SGD: momentum must be in \[0, 1\), got 1.0$"),
    (dict(lr="0.01"), r"^SGD: lr must be a positive number, got '0.01'$"),
])
def test_sgd_refuses_bad_settings(kwargs, match):
    params, _ = _params_and_grads()
    with pytest.raises(ValueError, match=match):
        optim.SGD(params, **kwargs)


@pytest.mark.parametrize("kwargs, match", [
    (dict(beta1=1.5), r"^Adam: beta1 must be in \[0, 1\), got 1.5$"),
    (dict(beta2=-0.1), r"^Adam: beta2 must be in \[0, 1\), got -0.1$"),
    (dict(eps=0.0), r"^Adam: eps must be a positive number, got 0.0$"),
])
def test_adam_refuses_bad_settings(kwargs, match):
    params, _ = _params_and_grads()
    with pytest.raises(ValueError, match=match):
        optim.Adam(params, **kwargs)


@pytest.mark.parametrize("Opt", [optim.SGD, optim.Adam])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_step_refuses_a_nan_or_inf_gradient_and_leaves_the_params_alone(Opt, bad):
    params, grads = _params_and_grads()
    before = {k: p.copy() for k, p in params.items()}
    grads["b"][2] = bad
    with pytest.raises(ValueError, match=r"step: grads\['b'\] contains NaN or inf"):
        Opt(params, lr=0.1).step(grads)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


def test_global_norm_passes_nan_through_for_the_training_loop_to_see():
    _, grads = _params_and_grads()
    grads["W"][0, 0] = np.nan
    assert np.isnan(optim.global_norm(grads))
