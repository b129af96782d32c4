"""Tests for rnn_helpers/layers.py.

Every backward is checked against centred differences in float64
(rel_error < 1e-7); the losses also against values worked out by hand.
Sizes are all different (N=3, T=4, D=5, M=6, V=7) so that a swapped axis
cannot pass by accident.
"""
import numpy as np
import pytest

from rnn_helpers import layers
from rnn_helpers.gradcheck import numerical_gradient, rel_error

N, T, D, M, V = 3, 4, 5, 6, 7
TOL = 1e-7  # float64 centred differences agree to about 1e-9 when the backward is right


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ---------------------------------------------------------------- affine

def test_affine_forward_matches_matmul(rng):
    x, w, b = rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M)
    out, _ = layers.affine_forward(x, w, b)
    assert out.shape == (N, M)
    np.testing.assert_allclose(out, x @ w + b, rtol=1e-12)


def test_affine_backward_gradcheck(rng):
    x, w, b = rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M)
    dout = rng.normal(size=(N, M))
    _, cache = layers.affine_forward(x, w, b)
    dx, dw, db = layers.affine_backward(dout, cache)
    dx_num = numerical_gradient(lambda x_: layers.affine_forward(x_, w, b)[0], x, dout)
    dw_num = numerical_gradient(lambda w_: layers.affine_forward(x, w_, b)[0], w, dout)
    db_num = numerical_gradient(lambda b_: layers.affine_forward(x, w, b_)[0], b, dout)
    assert rel_error(dx, dx_num) < TOL
    assert rel_error(dw, dw_num) < TOL
    assert rel_error(db, db_num) < TOL


def test_temporal_affine_forward_is_affine_at_every_step(rng):
    x, w, b = rng.normal(size=(N, T, D)), rng.normal(size=(D, M)), rng.normal(size=M)
    out, _ = layers.temporal_affine_forward(x, w, b)
    assert out.shape == (N, T, M)
    for t in range(T):
        np.testing.assert_allclose(out[:, t], x[:, t] @ w + b, rtol=1e-12)
    # The scores take numpy's type of x @ w + b, as in affine_forward: a float64 b widens them.
    x32, w32 = x.astype(np.float32), w.astype(np.float32)
    assert layers.temporal_affine_forward(x32, w32, b.astype(np.float32))[0].dtype == np.float32
    assert layers.temporal_affine_forward(x32, w32, b)[0].dtype == np.float64


def test_temporal_affine_backward_gradcheck(rng):
    x, w, b = rng.normal(size=(N, T, D)), rng.normal(size=(D, M)), rng.normal(size=M)
    dout = rng.normal(size=(N, T, M))
    _, cache = layers.temporal_affine_forward(x, w, b)
    dx, dw, db = layers.temporal_affine_backward(dout, cache)
    f = layers.temporal_affine_forward
    dx_num = numerical_gradient(lambda x_: f(x_, w, b)[0], x, dout)
    dw_num = numerical_gradient(lambda w_: f(x, w_, b)[0], w, dout)
    db_num = numerical_gradient(lambda b_: f(x, w, b_)[0], b, dout)
    assert dx.shape == (N, T, D) and dw.shape == (D, M) and db.shape == (M,)
    assert rel_error(dx, dx_num) < TOL
    assert rel_error(dw, dw_num) < TOL
    assert rel_error(db, db_num) < TOL


# ---------------------------------------------------------------- embedding

# Token 2 appears three times and token 0 twice: their gradients must add up.
IDX = np.array([[2, 0, 2, 5],
                [1, 2, 0, 6],
                [3, 3, 4, 1]])  # (N, T) = (3, 4), values in [0, V)


def test_embedding_forward_looks_up_rows(rng):
    W = rng.normal(size=(V, D))
    out, _ = layers.embedding_forward(IDX, W)
    assert out.shape == (N, T, D)
    np.testing.assert_array_equal(out[1, 3], W[6])


def test_embedding_backward_gradcheck_with_repeated_indices(rng):
    W, dout = rng.normal(size=(V, D)), rng.normal(size=(N, T, D))
    _, cache = layers.embedding_forward(IDX, W)
    dW = layers.embedding_backward(dout, cache)
    dW_num = numerical_gradient(lambda W_: layers.embedding_forward(IDX, W_)[0], W, dout)
    assert rel_error(dW, dW_num) < TOL


def test_embedding_backward_sums_repeated_tokens(rng):
    W, dout = rng.normal(size=(V, D)), rng.normal(size=(N, T, D))
    _, cache = layers.embedding_forward(IDX, W)
    dW = layers.embedding_backward(dout, cache)
    # Token 2 sits at (0, 0), (0, 2) and (1, 1): its row is the sum of all three.
    np.testing.assert_allclose(dW[2], dout[0, 0] + dout[0, 2] + dout[1, 1], rtol=1e-12)
    # The mistake np.add.at avoids: fancy-index += keeps only one of the three.
    naive = np.zeros_like(W)
    naive[IDX] += dout
    assert not np.allclose(naive[2], dW[2])
    # IDX uses every token 0..V-1; with two extra rows, those never appear and get zero.
    W_big = rng.normal(size=(V + 2, D))
    _, cache = layers.embedding_forward(IDX, W_big)
    np.testing.assert_array_equal(layers.embedding_backward(dout, cache)[V:], 0.0)


# ---------------------------------------------------------------- mse_loss

def test_mse_loss_by_hand():
    pred = np.array([[1.0, 2.0], [3.0, 4.0]])
    y = np.array([[0.0, 2.0], [5.0, 3.0]])
    # Differences 1, 0, -2, 1: squares 1, 0, 4, 1, mean 6 / 4.
    loss, dpred = layers.mse_loss(pred, y)
    assert loss == pytest.approx(1.5, rel=1e-15)
    # d/dpred mean(diff**2) = 2 * diff / 4.
    np.testing.assert_allclose(dpred, [[0.5, 0.0], [-1.0, 0.5]], rtol=1e-15)


def test_mse_loss_gradcheck(rng):
    pred, y = rng.normal(size=(N, M)), rng.normal(size=(N, M))
    _, dpred = layers.mse_loss(pred, y)
    dpred_num = numerical_gradient(lambda p: layers.mse_loss(p, y)[0], pred)
    assert rel_error(dpred, dpred_num) < TOL


# ---------------------------------------------------------------- temporal_softmax_loss

def test_softmax_loss_of_equal_scores_is_log_V():
    # Equal scores mean a uniform guess: probability 1/V for the target.
    scores = np.full((N, T, V), 3.7)
    y = np.arange(N * T).reshape(N, T) % V
    loss, _ = layers.temporal_softmax_loss(scores, y)
    assert loss == pytest.approx(np.log(V), rel=1e-12)


def test_softmax_loss_gradcheck_without_mask(rng):
    scores = rng.normal(size=(N, T, V))
    y = rng.integers(0, V, size=(N, T))
    _, dscores = layers.temporal_softmax_loss(scores, y)
    dnum = numerical_gradient(lambda s: layers.temporal_softmax_loss(s, y)[0], scores)
    assert rel_error(dscores, dnum) < TOL


def test_softmax_loss_gradcheck_with_mask(rng):
    scores = rng.normal(size=(N, T, V))
    y = rng.integers(0, V, size=(N, T))
    mask = rng.random(size=(N, T)) < 0.6
    mask[0, 0], mask[0, 1] = True, False  # at least one step of each kind
    loss, dscores = layers.temporal_softmax_loss(scores, y, mask)
    dnum = numerical_gradient(lambda s: layers.temporal_softmax_loss(s, y, mask)[0], scores)
    assert rel_error(dscores, dnum) < TOL
    # Masked steps do not count: their gradient is exactly zero...
    np.testing.assert_array_equal(dscores[~mask], 0.0)
    # ...and the loss is the mean over the counted steps only.
    kept, _ = layers.temporal_softmax_loss(scores[mask][None], y[mask][None])
    assert loss == pytest.approx(kept, rel=1e-12)


def test_softmax_loss_is_stable_for_huge_scores():
    # exp(1e4) overflows; the max-shifted log-softmax does not.
    scores = np.zeros((N, T, V))
    scores[..., 0] = 1e4
    y = np.zeros((N, T), dtype=int)
    y[0, 0] = 1  # one confident mistake, costing 1e4 nats on its own
    loss, dscores = layers.temporal_softmax_loss(scores, y)
    assert np.isfinite(loss) and np.all(np.isfinite(dscores))
    assert loss == pytest.approx(1e4 / (N * T), rel=1e-12)


# ---------------------------------------------------------------- bad input

def test_affine_rejects_wrong_shapes_and_dtypes(rng):
    x, w, b = rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M)
    with pytest.raises(ValueError, match=r"affine_forward: w must have shape \(D, M\).*got \(6, 6\)"):
        layers.affine_forward(x, rng.normal(size=(M, M)), b)
    with pytest.raises(ValueError, match=r"affine_forward: b must have shape \(M\).*got \(5,\)"):
        layers.affine_forward(x, w, rng.normal(size=D))
    with pytest.raises(ValueError, match=r"affine_forward: x must be a floating-point array"):
        layers.affine_forward(np.ones((N, D), dtype=int), w, b)
    with pytest.raises(ValueError, match=r"temporal_affine_forward: x must have shape \(N, T, D\)"):
        layers.temporal_affine_forward(x, w, b)  # (N, D) given where (N, T, D) is needed


def test_embedding_rejects_float_and_out_of_range_indices(rng):
    W = rng.normal(size=(V, D))
    with pytest.raises(ValueError, match=r"embedding_forward: idx must hold integer indices"):
        layers.embedding_forward(IDX.astype(float), W)
    with pytest.raises(ValueError, match=r"embedding_forward: idx must lie in \[0, 7\)"):
        layers.embedding_forward(IDX + 1, W)  # 6 + 1 = 7 is one past the end
    with pytest.raises(ValueError, match=r"embedding_forward: idx must lie in \[0, 7\)"):
        layers.embedding_forward(IDX - 1, W)  # -1 would silently pick the last row
    with pytest.raises(ValueError, match=r"embedding_forward: W must have shape \(V, D\)"):
        layers.embedding_forward(IDX, rng.normal(size=V))


def test_mse_loss_rejects_mismatched_shapes(rng):
    with pytest.raises(ValueError, match=r"mse_loss: y must have shape \(N, M\) = \(3, 6\), got \(6, 3\)"):
        layers.mse_loss(rng.normal(size=(N, M)), rng.normal(size=(M, N)))
    with pytest.raises(ValueError, match=r"mse_loss: y must have shape \(N, M\)"):
        layers.mse_loss(rng.normal(size=(N, 1)), rng.normal(size=N))  # would broadcast to (N, N)


def test_softmax_loss_rejects_bad_targets_masks_and_scores(rng):
    scores = rng.normal(size=(N, T, V))
    y = rng.integers(0, V, size=(N, T))
    with pytest.raises(ValueError, match=r"temporal_softmax_loss: y must have shape \(N, T\) = \(3, 4\), got \(4, 3\)"):
        layers.temporal_softmax_loss(scores, y.T.copy())
    with pytest.raises(ValueError, match=r"temporal_softmax_loss: y must hold integer indices"):
        layers.temporal_softmax_loss(scores, y.astype(float))
    with pytest.raises(ValueError, match=r"temporal_softmax_loss: y must lie in \[0, 7\)"):
        layers.temporal_softmax_loss(scores, y + V)
    with pytest.raises(ValueError, match=r"temporal_softmax_loss: mask must have shape \(N, T\) = \(3, 4\), got \(4, 3\)"):
        layers.temporal_softmax_loss(scores, y, np.ones((T, N), dtype=bool))
    with pytest.raises(ValueError, match=r"temporal_softmax_loss: mask must have shape"):
        layers.temporal_softmax_loss(scores, y, [[True] * T] * N)  # a list, not an array
    bad = scores.copy()
    bad[1, 2, 3] = np.nan
    with pytest.raises(ValueError, match=r"temporal_softmax_loss: scores contains NaN or inf"):
        layers.temporal_softmax_loss(bad, y)


def test_log_softmax_matches_the_definition_and_never_overflows():
    scores = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    expected = np.log(np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(layers.log_softmax(scores), expected, rtol=1e-14)
    huge = layers.log_softmax(np.array([[1e4, 0.0], [-1e4, 1e4]]))  # exp(1e4) would be inf
    np.testing.assert_allclose(huge, [[0.0, -1e4], [-2e4, 0.0]])
    batch = np.random.default_rng(0).normal(size=(2, 3, 5))  # any leading shape
    np.testing.assert_allclose(np.exp(layers.log_softmax(batch)).sum(axis=-1), 1.0, rtol=1e-14)


@pytest.mark.parametrize("call, name", [
    (lambda x: layers.affine_forward(x, np.ones((3, 2)), np.zeros(2)), "x"),
    (lambda x: layers.affine_backward(x[:, 1:], (np.ones((4, 3)), np.ones((3, 2)))), "dout"),
    (lambda x: layers.mse_loss(x, np.zeros((4, 3))), "pred"),
    (lambda x: layers.mse_loss(np.zeros((4, 3)), x), "y"),
    (lambda x: layers.log_softmax(x), "scores"),
    (lambda x: layers.temporal_affine_forward(x[None], np.ones((3, 2)), np.zeros(2)), "x"),
])
def test_nan_and_inf_are_named_where_they_enter(call, name):
    x = np.ones((4, 3))
    x[1, 2] = np.nan
    with pytest.raises(ValueError, match=rf": {name} contains NaN or inf \(1 NaN and 0 inf among"):
        call(x)


def test_mse_loss_of_nothing_is_an_error_not_a_nan():
    with pytest.raises(ValueError, match=r"^mse_loss: pred must hold at least one entry, got shape \(0, 2\)$"):
        layers.mse_loss(np.zeros((0, 2)), np.zeros((0, 2)))


def test_embedding_backward_checks_the_width_of_dout(rng):
    _, cache = layers.embedding_forward(np.array([[0, 1]]), rng.normal(size=(3, 4)))
    with pytest.raises(ValueError, match=r"^embedding_backward: dout must have shape \(N, T, D\) with D = 4"):
        layers.embedding_backward(np.ones((1, 2, 5)), cache)
