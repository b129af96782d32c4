"""Tests for rnn_helpers/feedforward.py: relu, the MLP and the two token MLPs."""
import numpy as np
import pytest

from rnn_helpers import feedforward as ff
from rnn_helpers.gradcheck import check_model_gradients, numerical_gradient, rel_error
from rnn_helpers.models import fit

TOL = 1e-7  # float64 centred differences


def test_relu_forward_backward_gradcheck():
    rng = np.random.default_rng(0)
    # Keep entries away from the kink at 0, where centred differences are wrong.
    x = rng.normal(size=(3, 4, 5))
    x[np.abs(x) < 0.05] = 0.5
    dout = rng.normal(size=x.shape)
    out, cache = ff.relu_forward(x)
    np.testing.assert_array_equal(out, np.where(x > 0, x, 0.0))
    dx = ff.relu_backward(dout, cache)
    assert rel_error(dx, numerical_gradient(lambda v: ff.relu_forward(v)[0], x.copy(), dout)) < TOL
    # Second reference: the derivative is the indicator of x > 0.
    np.testing.assert_array_equal(dx, dout * (x > 0))


def test_relu_bad_input():
    with pytest.raises(ValueError, match="relu_forward: x must be a floating-point numpy array, got int64"):
        ff.relu_forward(np.arange(3))
    _, cache = ff.relu_forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"relu_backward: dout must have the shape of x, \(2, 3\), got \(3, 2\)"):
        ff.relu_backward(np.ones((3, 2)), cache)


def _nudge_biases(model, rng):
    """Non-zero biases, so their gradients are tested away from the start."""
    for k in ("b1", "b2"):
        model.params[k] = 0.1 * rng.normal(size=model.params[k].shape)


@pytest.mark.parametrize("loss", ["softmax", "mse"])
def test_mlp_gradcheck(loss):
    N, D, H, C = 5, 4, 6, 3
    rng = np.random.default_rng(1)
    model = ff.MLP(D, H, C, loss=loss, seed=2)
    _nudge_biases(model, rng)
    X = rng.normal(size=(N, D))
    y = rng.integers(0, C, size=N) if loss == "softmax" else rng.normal(size=(N, C))
    errors = check_model_gradients(model, X, y)
    assert set(errors) == {"W1", "b1", "W2", "b2"}
    assert max(errors.values()) < TOL, errors


def test_mlp_loss_matches_a_direct_formula():
    rng = np.random.default_rng(3)
    model = ff.MLP(4, 6, 3, seed=0)
    X, y = rng.normal(size=(5, 4)), rng.integers(0, 3, size=5)
    p = model.params
    scores = np.maximum(X @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    loss, _ = model.loss_and_grads(X, y)
    assert loss == pytest.approx(-log_probs[np.arange(5), y].mean(), rel=1e-12)
    np.testing.assert_array_equal(model.predict(X), scores.argmax(axis=1))


def test_mlp_bad_input():
    model = ff.MLP(4, 6, 3)
    with pytest.raises(ValueError, match=r"MLP: X must have shape \(N, D\) with 2 dimensions, got shape \(5,\)"):
        model.predict(np.zeros(5))
    with pytest.raises(ValueError, match="MLP: X contains NaN or inf"):
        model.predict(np.full((2, 4), np.nan))
    with pytest.raises(ValueError, match="y must hold integer indices"):
        model.loss_and_grads(np.zeros((2, 4)), np.zeros(2))
    with pytest.raises(ValueError, match="MLP: loss must be one of"):
        ff.MLP(4, 6, 3, loss="hinge")


def test_bag_of_words_counts_and_ignores_padding():
    tokens = np.array([[3, 1, 3, 0], [2, 2, 0, 0]])
    counts = ff.bag_of_words(tokens, vocab_size=5, lengths=np.array([3, 2]))
    np.testing.assert_array_equal(counts, [[0, 1, 0, 2, 0], [0, 0, 2, 0, 0]])
    # Without lengths every position counts, padding id 0 included.
    np.testing.assert_array_equal(ff.bag_of_words(tokens, 5)[:, 0], [1, 2])
    # The order of the tokens is lost.
    np.testing.assert_array_equal(ff.bag_of_words(tokens[:, ::-1], 5), ff.bag_of_words(tokens, 5))
    with pytest.raises(ValueError, match=r"bag_of_words: tokens must lie in \[0, 3\), got values from 0 to 3"):
        ff.bag_of_words(tokens, 3)
    with pytest.raises(ValueError, match=r"lengths must have shape \(N\) = \(2\), got \(3,\)"):
        ff.bag_of_words(tokens, 5, lengths=np.array([1, 2, 3]))


def test_bag_of_words_model_gradcheck_and_order_blindness():
    rng = np.random.default_rng(4)
    N, T, V, C, H = 4, 6, 7, 3, 5
    model = ff.BagOfWords(V, C, hidden_size=H, seed=1)
    _nudge_biases(model, rng)
    tokens, lengths = rng.integers(1, V, size=(N, T)), np.array([6, 3, 5, 1])
    y = rng.integers(0, C, size=N)
    assert max(check_model_gradients(model, (tokens, lengths), y).values()) < TOL
    # Shuffling the real tokens of each sentence changes nothing.
    shuffled = tokens.copy()
    for n, L in enumerate(lengths):
        shuffled[n, :L] = rng.permutation(tokens[n, :L])
    np.testing.assert_allclose(model.scores((shuffled, lengths)), model.scores((tokens, lengths)),
                               rtol=0, atol=1e-12)


def test_fixed_window_mlp_sees_order_but_needs_the_width():
    rng = np.random.default_rng(5)
    N, W, V, C = 4, 3, 5, 2
    model = ff.FixedWindowMLP(V, W, C, hidden_size=6, seed=0)
    _nudge_biases(model, rng)
    tokens = rng.integers(0, V, size=(N, W))
    y = rng.integers(0, C, size=N)
    assert max(check_model_gradients(model, tokens, y).values()) < TOL
    # One-hot per position: position k, word v is input k * V + v.
    feats = model.features(tokens)
    assert feats.shape == (N, W * V)
    assert feats[0, 1 * V + tokens[0, 1]] == 1 and feats.sum() == N * W
    # Reversing the order changes the input (it keeps positions).
    assert not np.array_equal(model.features(tokens[:, ::-1]), feats)
    with pytest.raises(ValueError, match=r"FixedWindowMLP: tokens must have shape \(N, 3\), got \(4, 5\)"):
        model.predict(rng.integers(0, V, size=(N, 5)))
    with pytest.raises(ValueError, match=r"FixedWindowMLP: tokens must lie in \[0, 5\)"):
        model.predict(np.full((1, W), 5))


def test_bag_of_words_learns_a_word_count_task():
    # Label: does word 1 occur? Order is irrelevant, so a bag of words is enough.
    rng = np.random.default_rng(6)
    tokens = rng.integers(1, 6, size=(200, 5))
    y = (tokens == 1).any(axis=1).astype(np.int64)
    model = ff.BagOfWords(6, 2, hidden_size=8, seed=0)
    fit(model, tokens, y, num_epochs=30, lr=0.02)
    assert np.mean(model.predict(tokens) == y) == 1.0
