"""Tests for rnn_helpers.gradients: gradient norms through time, checked three ways
(the backward recurrence, the explicit product of Jacobians, centred differences)."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnn_helpers import gradients, layers, models, recurrent, rnn
from rnn_helpers.gradcheck import numerical_gradient, rel_error

matplotlib.use("Agg")

N, T, D, H = 3, 6, 4, 5  # all different, so a swapped axis cannot pass
TOL = 1e-7  # float64 centred differences


def rnn_case(activation, seed=0, scale=1.3):
    rng = np.random.default_rng(seed)
    x, h0 = rng.normal(size=(N, T, D)), 0.5 * rng.normal(size=(N, H))
    Wx, b = rng.normal(size=(D, H)), 0.1 * rng.normal(size=H)
    Wh = gradients.recurrent_matrix(H, scale, rng)
    h, cache = rnn.rnn_forward(x, h0, Wx, Wh, b, activation)
    return (x, h0, Wx, Wh, b), h, cache, rng.normal(size=(N, H))


def numerical_norms(args, h, dh_last, activation):
    """||dL/dh_t|| for L = sum(h_T * dh_last), by centred differences at every h_t.

    Independent of any backward pass: perturb h_t, rerun the forward from step
    t + 1 to T, and see how h_T moves.
    """
    x, _, Wx, Wh, b = args
    norms = np.empty(T)
    for t in range(T):
        def h_last(h_t, t=t):  # h_T as a function of the state after step t
            if t == T - 1:
                return h_t.copy()
            return rnn.rnn_forward(x[:, t + 1:], h_t, Wx, Wh, b, activation)[0][:, -1]
        g = numerical_gradient(h_last, h[:, t].copy(), dh_last)  # (N, H)
        norms[t] = np.linalg.norm(g, axis=1).mean()
    return norms


# ---------------------------------------------------------------- the matrices

def test_recurrent_matrix_kinds_have_the_requested_size():
    rng = np.random.default_rng(0)
    W = gradients.recurrent_matrix(7, 1.5, rng, "gaussian")
    assert np.isclose(gradients.spectral_radius(W), 1.5, rtol=1e-12)
    Q = gradients.recurrent_matrix(7, 0.8, rng, "orthogonal")
    np.testing.assert_allclose(np.linalg.svd(Q, compute_uv=False), 0.8, rtol=1e-12)
    np.testing.assert_allclose(Q.T @ Q, 0.64 * np.eye(7), atol=1e-12)
    np.testing.assert_array_equal(gradients.recurrent_matrix(3, 2.0, rng, "identity"), 2 * np.eye(3))


def test_radius_and_singular_value_on_known_matrices():
    # A nilpotent matrix: every eigenvalue is 0, yet it stretches e_2 to e_1.
    nilpotent = np.array([[0.0, 1.0], [0.0, 0.0]])
    assert gradients.spectral_radius(nilpotent) == 0.0
    assert np.isclose(gradients.largest_singular_value(nilpotent), 1.0)
    rotation = 2.0 * np.array([[0.0, -1.0], [1.0, 0.0]])  # eigenvalues +-2i
    assert np.isclose(gradients.spectral_radius(rotation), 2.0)
    assert np.isclose(gradients.largest_singular_value(rotation), 2.0)
    assert np.isclose(gradients.spectral_radius(np.diag([0.5, -3.0, 1.0])), 3.0)


@pytest.mark.parametrize("call, match", [
    (lambda: gradients.recurrent_matrix(4, 1.0, np.random.default_rng(0), "uniform"),
     r"recurrent_matrix: kind must be one of \('gaussian', 'orthogonal', 'identity'\)"),
    (lambda: gradients.recurrent_matrix(4, -1.0, np.random.default_rng(0)),
     r"recurrent_matrix: scale must be a positive number, got -1.0"),
    (lambda: gradients.recurrent_matrix(0, 1.0, np.random.default_rng(0)),
     r"recurrent_matrix: H must be a positive integer, got 0"),
    (lambda: gradients.spectral_radius(np.ones((3, 4))),
     r"spectral_radius: W must have shape \(H, H\) = \(3, 3\), got \(3, 4\)"),
    (lambda: gradients.largest_singular_value(np.ones(3)),
     r"largest_singular_value: W must have shape \(H, H\) with 2 dimensions, got shape \(3,\)"),
])
def test_matrix_functions_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------------------------------------------------------------- norms through time

@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_backward_recurrence_and_jacobian_product_match_centred_differences(activation):
    args, h, cache, dh_last = rnn_case(activation)
    recurrence = rnn.bptt_grad_norms(dh_last, cache)
    product = gradients.jacobian_product_norms(dh_last, cache)
    numeric = numerical_norms(args, h, dh_last, activation)
    assert rel_error(product, recurrence) < 1e-12  # two exact computations of one thing
    assert rel_error(product, numeric) < TOL
    assert rel_error(recurrence, numeric) < TOL


def test_jacobian_product_rejects_a_wrong_upstream_gradient():
    _, _, cache, _ = rnn_case("tanh")
    with pytest.raises(ValueError, match=r"jacobian_product_norms: dh_last must have shape \(N, H\) = \(3, 5\)"):
        gradients.jacobian_product_norms(np.zeros((3, 4)), cache)


def test_gradient_norms_linear_cases_have_closed_forms():
    # Orthogonal or identity Wh and no activation: every step keeps the norm exactly.
    for kind in ("orthogonal", "identity"):
        r = gradients.gradient_norms(1.0, seq_len=30, activation="linear", hidden_size=8, kind=kind)
        np.testing.assert_allclose(r["norms"], 1.0, rtol=1e-12)
        assert r["mean_slope"] == 1.0 and r["flat_share"] == 0.0
    # A scaled orthogonal Wh multiplies the norm by the scale at every step.
    r = gradients.gradient_norms(0.9, seq_len=11, activation="linear", kind="orthogonal")
    np.testing.assert_allclose(r["norms"], 0.9 ** np.arange(10, -1, -1), rtol=1e-12)
    assert np.isclose(r["ratio"], 0.9 ** 10) and np.isclose(r["per_step"], 0.9)


def test_gradient_norms_tanh_equals_an_independent_rebuild():
    T_, H_, scale = 12, 6, 1.7
    r = gradients.gradient_norms(scale, seq_len=T_, hidden_size=H_, batch_size=5, seed=3)
    # Redraw the same random numbers in the documented order and use the slow product.
    rng = np.random.default_rng(3)
    Wh = gradients.recurrent_matrix(H_, scale, rng)
    Wx = rng.normal(0.0, 1.0 / np.sqrt(8), size=(8, H_))
    x = rng.normal(size=(5, T_, 8))
    v = rng.normal(size=(5, H_))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    h, cache = rnn.rnn_forward(x, np.zeros((5, H_)), Wx, Wh, np.zeros(H_))
    assert rel_error(r["norms"], gradients.jacobian_product_norms(v, cache)) < 1e-12
    assert np.isclose(r["norms"][-1], 1.0)
    slopes = 1 - h ** 2
    assert np.isclose(r["mean_slope"], slopes.mean())
    assert np.isclose(r["rms_slope"], np.sqrt(np.mean(slopes ** 2)))
    assert np.isclose(r["flat_share"], np.mean(np.abs(h) > np.sqrt(1 - gradients.FLAT_SLOPE)))
    assert np.isclose(r["spectral_radius"], scale)


def test_gradient_norms_relu_flat_share_counts_units_that_are_off():
    r = gradients.gradient_norms(1.0, seq_len=20, activation="relu", hidden_size=16)
    assert set(np.unique(r["slopes"])) <= {0.0, 1.0}
    assert np.isclose(r["flat_share"], 1.0 - r["mean_slope"])
    assert np.isclose(r["rms_slope"] ** 2, r["mean_slope"])  # slopes of 0 and 1: mean of squares = mean
    assert 0.3 < r["flat_share"] < 0.7  # about half the units are off at any step


def test_gradient_norms_saturation_beats_a_radius_above_one():
    # The lesson of notebook 04: with tanh, a spectral radius of 1.5 still vanishes,
    # while the same matrix without an activation explodes.
    tanh = gradients.gradient_norms(1.5, seq_len=50)
    linear = gradients.gradient_norms(1.5, seq_len=50, activation="linear")
    assert tanh["ratio"] < 1e-2 and linear["ratio"] > 1e6
    # The same seed gives the same numbers.
    again = gradients.gradient_norms(1.5, seq_len=50)
    np.testing.assert_array_equal(again["norms"], tanh["norms"])


@pytest.mark.parametrize("kwargs, match", [
    (dict(activation="sigmoid"), r"gradient_norms: activation must be one of \('tanh', 'relu', 'linear'\)"),
    (dict(seq_len=0), r"gradient_norms: seq_len must be a positive integer, got 0"),
    (dict(seq_len=2.5), r"gradient_norms: seq_len must be a positive integer, got 2.5"),
    (dict(kind="eye"), r"gradient_norms: kind must be one of"),
    (dict(input_scale=float("nan")), r"gradient_norms: input_scale must be a positive number, got nan"),
])
def test_gradient_norms_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        gradients.gradient_norms(1.0, **kwargs)


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
def test_explore_gradients_draws_two_panels(activation):
    fig = gradients.explore_gradients(scale=2.0, seq_len=20, activation=activation)
    assert len(fig.axes) == 2
    assert fig.axes[0].get_yscale() == "log"
    assert activation in fig.axes[0].get_title()
    plt.close(fig)


# ---------------------------------------------------------------- input gradients of a model

@pytest.mark.parametrize("cell, activation", [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"),
                                              ("gru", "tanh")])
def test_input_gradient_norms_match_centred_differences(cell, activation):
    rng = np.random.default_rng(1)
    model = models.SequenceClassifier(7, 3, hidden_size=5, embed_dim=4, cell=cell, seed=2,
                                      activation=activation)
    X, y = rng.integers(0, 7, size=(2, 6)), rng.integers(0, 3, size=2)
    p = model.params
    e = p["W_embed"][X]  # (N, T, E)

    def loss_of(e):  # the model's loss as a function of the embedded tokens
        h, _ = recurrent.forward(cell, e, np.zeros((2, 5)), p, activation=activation)
        scores = h[:, -1] @ p["Wy"] + p["by"]
        return layers.temporal_softmax_loss(scores[:, None], y[:, None])[0]
    numeric = np.linalg.norm(numerical_gradient(loss_of, e.copy()), axis=2).mean(axis=0)
    analytic = gradients.input_gradient_norms(model, X, y)
    assert analytic.shape == (6,)
    assert rel_error(analytic, numeric) < TOL


def test_input_gradient_norms_rejects_a_per_step_model():
    model = models.SequenceClassifier(7, 3, per_step=True)
    with pytest.raises(ValueError, match=r"many-to-one SequenceClassifier"):
        gradients.input_gradient_norms(model, np.zeros((2, 3), dtype=int), np.zeros(2, dtype=int))
    model = models.SequenceClassifier(7, 3)
    with pytest.raises(ValueError, match=r"y must have shape \(N\) = \(2\), got \(3,\)"):
        gradients.input_gradient_norms(model, np.zeros((2, 3), dtype=int), np.zeros(3, dtype=int))


# ---------------------------------------------------------------- clipping

def test_clipping_cosines_on_a_small_case():
    grads = {"a": np.array([3.0, 0.5]), "b": np.array([[-0.2]])}
    before = {k: v.copy() for k, v in grads.items()}
    r = gradients.clipping_cosines(grads, max_norm=1.0, clip_value=1.0)
    g, clipped = np.array([3.0, 0.5, -0.2]), np.array([1.0, 0.5, -0.2])
    assert np.isclose(r["norm"], np.linalg.norm(g))
    assert np.isclose(r["clipped_share"], 1 / 3)
    assert np.isclose(r["cosine_elementwise"], g @ clipped / (np.linalg.norm(g) * np.linalg.norm(clipped)))
    assert np.isclose(r["cosine_global"], 1.0)
    for k in grads:  # the input is not changed
        np.testing.assert_array_equal(grads[k], before[k])


def test_clipping_cosines_rejects_bad_gradients():
    with pytest.raises(ValueError, match=r"clipping_cosines: grads contains NaN or inf"):
        gradients.clipping_cosines({"a": np.array([1.0, np.nan])})
    with pytest.raises(ValueError, match=r"the gradient is zero"):
        gradients.clipping_cosines({"a": np.zeros(3)})
    with pytest.raises(ValueError, match=r"non-empty dict"):
        gradients.clipping_cosines({})
    with pytest.raises(ValueError, match=r"max_norm must be a positive number, got 0"):
        gradients.clipping_cosines({"a": np.ones(2)}, max_norm=0)


@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_gradient_norms_flag_overflow_instead_of_reporting_zero(activation):
    r = gradients.gradient_norms(50.0, seq_len=300, activation=activation)
    assert r["overflow"]
    assert not (r["ratio"] < 1)  # NaN or inf: never a fake "vanishing"
    ok = gradients.gradient_norms(0.9, seq_len=30, activation=activation, hidden_size=8)
    assert not ok["overflow"] and np.all(np.isfinite(ok["norms"]))


def test_explorer_runs_inside_an_ipywidgets_interactive():
    widgets = pytest.importorskip("ipywidgets")
    w = widgets.interactive(
        gradients.explore_gradients,
        scale=widgets.FloatLogSlider(value=1.5, base=10, min=-1, max=1, step=0.02),
        seq_len=widgets.IntSlider(value=20, min=5, max=200),
        activation=widgets.Dropdown(options=gradients.ACTIVATIONS, value="tanh"),
        kind=widgets.Dropdown(options=gradients.KINDS, value="gaussian"),
        seed=widgets.IntSlider(value=0, min=0, max=9))
    w.update()  # ipywidgets 8 draws on construction, 7 when displayed: draw now in both
    assert "tanh" in w.result.axes[0].get_title()
    controls = {c.description: c for c in w.kwargs_widgets}
    controls["activation"].value = "relu"  # moving a control redraws
    assert "relu" in w.result.axes[0].get_title()
    plt.close("all")


def test_scale_times_rms_slope_predicts_the_factor_of_one_step_back():
    # Notebook 04's rule: the gradient's squared length is multiplied by about
    # scale**2 * mean(act'**2) per step, so scale * rms_slope is the typical factor.
    for act in ("tanh", "relu"):
        for scale in (1.5, 3.0, 8.0):
            r = gradients.gradient_norms(scale, seq_len=50, activation=act, seed=0)
            assert 0.8 < scale * r["rms_slope"] / r["per_step"] < 1.3, (act, scale)
