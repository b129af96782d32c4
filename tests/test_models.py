"""Tests for rnn_helpers/models.py: the model's gradients and the fit loop."""
import numpy as np
import pytest

from rnn_helpers import data, models
from rnn_helpers.gradcheck import (check_model_gradients, model_gradient_errors, numerical_gradient,
                                   rel_error)

TOL = 1e-7  # float64 centred differences


@pytest.fixture(scope="module")
def sine():
    return data.sine_train_test()


# ---------------------------------------------------------------- ManyToOneRNN

@pytest.mark.parametrize("init_scheme", ["xavier", "orthogonal"])
def test_loss_and_grads_gradcheck_every_parameter(init_scheme):
    N, T, D, H, M = 4, 6, 2, 5, 3
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(N, T, D)), rng.normal(size=(N, M))
    model = models.ManyToOneRNN(D, H, M, seed=0, init_scheme=init_scheme)
    # Non-zero biases, so their gradients are tested away from the starting point.
    model.params["b"] = rng.normal(size=H) * 0.1
    model.params["by"] = rng.normal(size=M) * 0.1
    _, grads = model.loss_and_grads(X, y)
    assert set(grads) == set(model.params) == {"Wx", "Wh", "b", "Wy", "by"}

    for name, p in model.params.items():
        def loss_at(value, name=name):
            model.params[name] = value  # the model reads the array it is given
            return model.loss_and_grads(X, y)[0]

        num = numerical_gradient(loss_at, p)
        model.params[name] = p
        assert grads[name].shape == p.shape
        assert rel_error(grads[name], num) < TOL, name


def test_loss_is_mse_of_predict():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(4, 6, 2)), rng.normal(size=(4, 3))
    model = models.ManyToOneRNN(2, 5, 3)
    loss, _ = model.loss_and_grads(X, y)
    assert loss == pytest.approx(np.mean((model.predict(X) - y) ** 2), rel=1e-12)
    assert models.evaluate(model, X, y) == pytest.approx(loss, rel=1e-12)


# ---------------------------------------------------------------- fit: bookkeeping

class SpyModel:
    """Stands in for a model: returns set losses and gradient norms, records each batch."""

    def __init__(self, losses, norms):
        self.params = {"w": np.zeros(1)}
        self.losses, self.norms = iter(losses), iter(norms)
        self.batches = []

    def loss_and_grads(self, X, y):
        self.batches.append(X[:, 0, 0].astype(int))
        return next(self.losses), {"w": np.array([next(self.norms)])}


def test_fit_history_is_the_sample_weighted_epoch_mean():
    # 10 samples in batches of 4, 4 and 2: the short last batch counts for less.
    X = np.arange(10.0).reshape(10, 1, 1)  # the value names the sample
    y = np.zeros((10, 1))
    losses = [1.0, 2.0, 10.0,   # epoch 1
              3.0, 3.0, 3.0]    # epoch 2
    norms = [3.0, 4.0, 1.0,
             0.5, 2.0, 0.5]
    spy = SpyModel(losses, norms)
    history = models.fit(spy, X, y, num_epochs=2, batch_size=4)

    assert [len(b) for b in spy.batches] == [4, 4, 2, 4, 4, 2]
    # Every sample is seen exactly once per epoch.
    for epoch in range(2):
        seen = np.concatenate(spy.batches[3 * epoch:3 * epoch + 3])
        np.testing.assert_array_equal(np.sort(seen), np.arange(10))
    # (4*1 + 4*2 + 2*10) / 10 = 3.2, not the mean of the batch means, 13/3 = 4.33.
    assert history["loss"] == pytest.approx([3.2, 3.0], rel=1e-15)
    # grad_norm is the largest global norm of the epoch.
    assert history["grad_norm"] == pytest.approx([4.0, 2.0], rel=1e-15)
    assert "val_loss" not in history


def test_fit_raises_training_diverged_on_a_nan_loss():
    X, y = np.zeros((4, 1, 1)), np.zeros((4, 1))
    spy = SpyModel([0.5, np.nan], [1.0, 1.0])
    # The second batch of the first epoch is NaN; both are counted from 1.
    with pytest.raises(models.TrainingDiverged, match=r"epoch 1, batch 2: loss nan") as info:
        models.fit(spy, X, y, num_epochs=3, batch_size=2, lr=0.5)
    assert "learning rate" in str(info.value) and "clip" in str(info.value)
    # TrainingDiverged is a FloatingPointError, so `except FloatingPointError` catches it too.
    assert isinstance(info.value, FloatingPointError)


# ---------------------------------------------------------------- fit: real training

def test_fit_reduces_loss_on_the_sine_task(sine):
    X_train, y_train, X_test, y_test = sine
    model = models.ManyToOneRNN(1, 8, 1, seed=0)
    history = models.fit(model, X_train, y_train, num_epochs=5, lr=1e-2,
                         X_val=X_test, y_val=y_test)
    assert len(history["loss"]) == len(history["grad_norm"]) == len(history["val_loss"]) == 5
    assert history["loss"][-1] < history["loss"][0] / 10
    # Always predicting 0 scores mean(sin**2) = 0.5; the model must do 10x better.
    assert np.mean(y_test ** 2) == pytest.approx(0.5, abs=0.05)
    assert history["val_loss"][-1] < 0.05
    assert history["val_loss"][-1] == pytest.approx(models.evaluate(model, X_test, y_test), rel=1e-12)


def test_fit_with_the_same_seed_repeats_exactly(sine):
    X_train, y_train, _, _ = sine
    runs = []
    for _ in range(2):
        model = models.ManyToOneRNN(1, 8, 1, seed=3)
        history = models.fit(model, X_train, y_train, num_epochs=2, seed=7)
        runs.append((history, model.params))
    (h1, p1), (h2, p2) = runs
    assert h1 == h2  # exact float equality, not approx
    for k in p1:
        np.testing.assert_array_equal(p1[k], p2[k])


def test_divergent_run_raises_training_diverged(sine):
    X_train, y_train, _, _ = sine
    # Unscaled randn weights, SGD with momentum and lr = 10: the loss reaches
    # inf within about 8 epochs (in well under a second).
    model = models.ManyToOneRNN(1, 16, 1, seed=0, init_scheme="randn")
    # No np.errstate here on purpose: pyproject turns warnings into errors, so
    # this also checks that fit reports the overflow as TrainingDiverged rather
    # than leaking a numpy RuntimeWarning.
    with pytest.raises(models.TrainingDiverged) as info:
        models.fit(model, X_train, y_train, num_epochs=20, optimizer="sgd", lr=10.0)
    message = str(info.value)
    assert "learning rate" in message and "clip" in message
    assert "lr=10" in message and "init_scheme='xavier'" in message


# ---------------------------------------------------------------- bad input

def test_fit_rejects_bad_shapes_and_settings():
    model = models.ManyToOneRNN(1, 4, 1)
    X, y = np.zeros((6, 5, 1)), np.zeros((6, 1))
    # fit checks that X and y hold the same number of samples...
    with pytest.raises(ValueError, match=r"fit: X and y must hold the same number of samples "
                                         r"\(first axis\), got \{'X': 6, 'y': 5\}"):
        models.fit(model, X, y[:5], num_epochs=1)
    with pytest.raises(ValueError, match=r"fit: X_val and y_val must hold the same number"):
        models.fit(model, X, y, num_epochs=1, X_val=X, y_val=y[:4])
    with pytest.raises(ValueError, match=r"fit: y must be a numpy array"):
        models.fit(model, X, [0.0] * 6, num_epochs=1)
    # ...and the model checks the shapes it needs, naming itself.
    with pytest.raises(ValueError, match=r"ManyToOneRNN.loss_and_grads: X must have shape \(N, T, D\) "
                                         r"with 3 dimensions, got shape \(6, 5\)"):
        models.fit(model, X[..., 0], y, num_epochs=1)
    with pytest.raises(ValueError, match=r"ManyToOneRNN.loss_and_grads: y must have shape \(N, M\) "
                                         r"with 2 dimensions, got shape \(6,\)"):
        models.fit(model, X, y[:, 0], num_epochs=1)
    with pytest.raises(ValueError, match=r"fit: optimizer must be one of"):
        models.fit(model, X, y, num_epochs=1, optimizer="rmsprop")
    with pytest.raises(ValueError, match=r"fit: lr_decay must be in \(0, 1\]"):
        models.fit(model, X, y, num_epochs=1, lr_decay=0.0)
    with pytest.raises(ValueError, match=r"lr must be a positive number"):
        models.fit(model, X, y, num_epochs=1, lr=-1.0)


def test_model_rejects_bad_settings_and_inputs():
    with pytest.raises(ValueError, match=r"ManyToOneRNN: init_scheme must be one of"):
        models.ManyToOneRNN(1, 4, 1, init_scheme="zeros")
    with pytest.raises(ValueError, match=r"ManyToOneRNN: activation must be one of"):
        models.ManyToOneRNN(1, 4, 1, activation="sigmoid")
    model = models.ManyToOneRNN(2, 4, 3)
    with pytest.raises(ValueError, match=r"ManyToOneRNN.loss_and_grads: y must have shape \(N, M\)"):
        model.loss_and_grads(np.zeros((5, 7, 2)), np.zeros(5))


def test_fit_takes_a_tuple_of_inputs_and_integer_targets():
    # Models with two inputs (an encoder-decoder, say) get each array batched alike.
    seen = []

    class TwoInputs:
        params = {"w": np.zeros(1)}

        def loss_and_grads(self, X, y):
            a, b = X
            seen.append((a[:, 0].copy(), b[:, 0].copy(), y.copy()))
            return 1.0, {"w": np.zeros(1)}

    rows = np.arange(10)
    history = models.fit(TwoInputs(), (rows[:, None] * 1.0, rows[:, None] * 2), rows,
                         num_epochs=1, batch_size=4)
    assert history["loss"] == [1.0]
    for a, b, y in seen:  # the same rows of every array, in the same order
        np.testing.assert_array_equal(a, y)
        np.testing.assert_array_equal(b, 2 * y)
    assert sorted(np.concatenate([y for _, _, y in seen])) == list(rows)


# ------------------------------------------------------- SequenceClassifier

def classifier_case(cell, per_step, seed=0):
    """A small case with V, T, E, H, C, N all different; padding in both modes."""
    rng = np.random.default_rng(seed)
    model = models.SequenceClassifier(9, 4, hidden_size=6, embed_dim=5, cell=cell,
                                      per_step=per_step, seed=seed)
    tokens = rng.integers(0, 9, size=(3, 7))
    if per_step:
        y = rng.integers(0, 4, size=(3, 7))
        y[0, 5:] = -1  # padded steps do not count
        return model, tokens, y
    return model, (tokens, np.array([7, 4, 2])), rng.integers(0, 4, size=3)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("per_step", [False, True])
def test_sequence_classifier_gradients(cell, per_step):
    # Through a whole model, LSTM and GRU gradients have entries of 1e-6 or less,
    # below the round-off of centred differences (about 1e-11 absolute here), so
    # an entry-by-entry relative error of 1e-7 is out of reach for them even when
    # the code is right. We therefore ask for a norm-relative error below 1e-7
    # for every parameter, and entry-by-entry below 1e-4; a real bug gives 1e-2+.
    # (The layer tests in test_rnn/test_lstm/test_gru keep rel_error < 1e-7.)
    model, X, y = classifier_case(cell, per_step)
    for name, err in model_gradient_errors(model, X, y).items():
        assert err["norm"] < 1e-7 and err["entry"] < 1e-4, name
    if cell == "rnn":  # no gates: every entry is large enough for the strict check
        assert max(check_model_gradients(model, X, y).values()) < 1e-7


def test_many_to_one_reads_each_sequence_at_its_own_length():
    model, (tokens, lengths), _ = classifier_case("gru", per_step=False)
    scores, _ = model.forward((tokens, lengths))
    changed = tokens.copy()
    changed[1, 4:] = (changed[1, 4:] + 1) % 9  # edit only the padding of sequence 1
    np.testing.assert_array_equal(model.forward((changed, lengths))[0], scores)
    # ...and equals running sequence 1 alone, cut to its length.
    alone, _ = model.forward(tokens[1:2, :4])
    np.testing.assert_allclose(alone[0], scores[1], atol=1e-13)


def test_per_step_ignores_targets_marked_minus_one():
    model, tokens, y = classifier_case("lstm", per_step=True)
    loss, _ = model.loss_and_grads(tokens, y)
    other = y.copy()
    other[1, :] = -1  # stop counting sequence 1
    loss_fewer, _ = model.loss_and_grads(tokens, other)
    assert loss_fewer != loss  # removing counted steps changes the mean
    scores, _ = model.forward(tokens)
    # Reference: mean cross-entropy over the counted steps only, by hand.
    logp = scores - np.log(np.exp(scores).sum(axis=-1, keepdims=True))
    counted = y >= 0
    expected = -np.mean(np.take_along_axis(logp, np.maximum(y, 0)[..., None], axis=-1)[..., 0][counted])
    assert np.isclose(loss, expected, rtol=1e-12)


def test_sequence_classifier_learns_a_simple_rule():
    # Label: does token 1 appear anywhere in the sequence? Needs memory of the past.
    rng = np.random.default_rng(3)
    tokens = rng.integers(2, 6, size=(400, 8))
    hit = rng.random(400) < 0.5
    tokens[hit, rng.integers(0, 8, size=hit.sum())] = 1
    y = hit.astype(int)
    model = models.SequenceClassifier(6, 2, hidden_size=16, embed_dim=8, cell="gru", seed=0)
    before = models.accuracy(model, tokens, y)
    models.fit(model, tokens, y, num_epochs=15, batch_size=32, lr=0.02, seed=0)
    assert before < 0.7 and models.accuracy(model, tokens, y) > 0.95


def test_sequence_classifier_rejects_bad_input():
    model, (tokens, lengths), y = classifier_case("rnn", per_step=False)
    with pytest.raises(ValueError, match=r"SequenceClassifier: cell must be one of"):
        models.SequenceClassifier(9, 4, cell="transformer")
    with pytest.raises(ValueError, match=r"tokens must hold integer indices, got dtype float64"):
        model.predict(tokens.astype(float))
    with pytest.raises(ValueError, match=r"lengths must lie in \[1, T\] = \[1, 7\], got values from 0 to 7"):
        model.predict((tokens, np.array([7, 0, 2])))
    with pytest.raises(ValueError, match=r"lengths must have shape \(N\) = \(3\), got \(2,\)"):
        model.predict((tokens, lengths[:2]))
    with pytest.raises(ValueError, match=r"y must have shape \(N\) with 1 dimension, got shape \(3, 7\)"):
        model.loss_and_grads((tokens, lengths), np.zeros((3, 7), dtype=int))
    with pytest.raises(ValueError, match=r"^SequenceClassifier: tokens must lie in \[0, 9\), got values from 5 to 13$"):
        model.predict(tokens + 5)
    tagger = models.SequenceClassifier(9, 4, per_step=True)
    with pytest.raises(ValueError, match=r"lengths are for many-to-one models"):
        tagger.predict((tokens, lengths))


def test_sequence_classifier_with_relu():
    rng = np.random.default_rng(2)
    model = models.SequenceClassifier(9, 4, hidden_size=6, embed_dim=5, cell="rnn",
                                      seed=0, activation="relu")
    model.params["Wh"] = np.eye(6)  # another initialisation: overwrite the array
    tokens, y = rng.integers(0, 9, size=(3, 7)), rng.integers(0, 4, size=3)
    h = model.hidden_states(tokens)
    assert h.min() >= 0 and np.mean(h == 0) > 0  # relu: never negative, some units off
    assert max(check_model_gradients(model, tokens, y).values()) < 1e-7
    with pytest.raises(ValueError, match=r"activation applies to cell='rnn' only"):
        models.SequenceClassifier(9, 4, cell="gru", activation="relu")
    with pytest.raises(ValueError, match=r"activation must be one of \('tanh', 'relu'\)"):
        models.SequenceClassifier(9, 4, activation="sigmoid")


# ---------------------------------------------------------------- issue 9: every bad call named

@pytest.mark.parametrize("kwargs, match", [
    (dict(batch_size=-4), r"^fit: batch_size must be a positive integer, got -4$"),
    (dict(batch_size=0), r"^fit: batch_size must be a positive integer, got 0$"),
    (dict(num_epochs=-1), r"^fit: num_epochs must be an integer >= 0, got -1$"),
    (dict(lr="0.01"), r"^fit: lr must be a positive number, got '0.01'$"),
    (dict(clip=0.0), r"^fit: clip must be a positive number, got 0.0$"),
    (dict(seed=-1), r"^fit: seed must be an integer >= 0, got -1$"),
    (dict(callback=3), r"^fit: callback must be a function, got 3$"),
])
def test_fit_names_a_bad_setting(kwargs, match):
    X, y = np.zeros((6, 5, 1)), np.zeros((6, 1))
    with pytest.raises(ValueError, match=match):
        models.fit(models.ManyToOneRNN(1, 4, 1), X, y, **{"num_epochs": 1, **kwargs})


def test_fit_with_no_samples_is_named_not_a_zero_division():
    with pytest.raises(ValueError, match=r"^fit: X and y must hold at least one sample, got 0$"):
        models.fit(models.ManyToOneRNN(1, 4, 1), np.zeros((0, 5, 1)), np.zeros((0, 1)))


@pytest.mark.parametrize("make, match", [
    (lambda: models.ManyToOneRNN(1, 0, 1), r"^ManyToOneRNN: H must be a positive integer, got 0$"),
    (lambda: models.ManyToOneRNN(-1, 4, 1), r"^ManyToOneRNN: D must be a positive integer, got -1$"),
    (lambda: models.SequenceClassifier(0, 2), r"^SequenceClassifier: vocab_size must be a positive integer, got 0$"),
    (lambda: models.SequenceClassifier(5, 0), r"^SequenceClassifier: num_classes must be a positive integer, got 0$"),
    (lambda: models.SequenceClassifier(5, 2, hidden_size=True),
     r"^SequenceClassifier: hidden_size must be a positive integer, got True$"),
    (lambda: models.ManyToOneRNN(1, 4, 0), r"^ManyToOneRNN: M must be a positive integer, got 0$"),
    (lambda: models.SequenceClassifier(5, 2, hidden_size=0),
     r"^SequenceClassifier: hidden_size must be a positive integer, got 0$"),
    (lambda: models.SequenceClassifier(5, 2, embed_dim=-2),
     r"^SequenceClassifier: embed_dim must be a positive integer, got -2$"),
])
def test_constructors_blame_their_own_arguments_not_xavier(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_many_to_one_predict_needs_a_step_and_says_so():
    model = models.ManyToOneRNN(2, 4, 1)
    with pytest.raises(ValueError, match=r"^ManyToOneRNN.predict: X must hold at least one time step "
                                         r"\(T >= 1\).*got shape \(3, 0, 2\)$"):
        model.predict(np.zeros((3, 0, 2)))
    with pytest.raises(ValueError, match=r"^ManyToOneRNN.predict: X must have shape \(N, T, D\) = \(3, 5, 2\), "
                                         r"got \(3, 5, 1\) \(D = 2 comes from params\['Wx'\]\)$"):
        model.predict(np.zeros((3, 5, 1)))


def test_sequence_classifier_empty_batch_and_bad_targets():
    model, (tokens, lengths), y = classifier_case("gru", per_step=False)
    scores, _ = model.forward((tokens[:0], lengths[:0]))  # N = 0 with lengths: valid, no scores
    assert scores.shape == (0, 4)
    with pytest.raises(ValueError, match=r"^SequenceClassifier.loss_and_grads: y must lie in \[0, 4\), "
                                         r"got values from 0 to 4$"):
        model.loss_and_grads((tokens, lengths), np.array([0, 4, 1]))
    tagger, tokens, y = classifier_case("rnn", per_step=True)
    y[0, 0] = -2  # only -1 means "not counted"
    with pytest.raises(ValueError, match=r"^SequenceClassifier.loss_and_grads: y must lie in \[-1, 4\)"):
        tagger.loss_and_grads(tokens, y)


def test_sequence_classifier_empty_batch_in_every_mode():
    # N = 0 is valid input: no scores, no predictions, and no error.
    model, (tokens, lengths), _ = classifier_case("lstm", per_step=False)
    assert model.forward(tokens[:0])[0].shape == (0, 4)
    assert model.predict((tokens[:0], lengths[:0])).shape == (0,)
    tagger, tokens, _ = classifier_case("gru", per_step=True)
    assert tagger.forward(tokens[:0])[0].shape == (0, 7, 4)


def test_fit_takes_numpy_numbers_as_settings():
    # Valid input must work: a batch size or learning rate read from an array is a numpy scalar.
    X, y = np.zeros((6, 5, 1)), np.zeros((6, 1))
    history = models.fit(models.ManyToOneRNN(1, 4, 1), X, y, num_epochs=np.int64(2),
                         batch_size=np.int64(4), lr=np.float32(0.01), clip=np.float64(1.0))
    assert len(history["loss"]) == 2


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_sequence_classifier_stops_a_finite_blow_up_under_every_optimizer(optimizer):
    # Issue 9, for a classifier: lr = 10 keeps the loss finite but far above ln C.
    rng = np.random.default_rng(6)
    tokens, y = rng.integers(0, 9, size=(256, 6)), rng.integers(0, 4, size=256)
    model = models.SequenceClassifier(9, 4, cell="gru")
    with pytest.raises(models.TrainingDiverged) as info:
        models.fit(model, tokens, y, num_epochs=10, lr=10.0, optimizer=optimizer)
    message = str(info.value)
    assert message.startswith("training diverged at epoch 3, batch ")
    assert "for 20 updates in a row" in message and "(lr=10 now; try 1)" in message


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_sequence_classifier_in_float32_stays_float32_and_agrees_with_float64(cell):
    # float32 is for speed: the same model and data, within float32's precision.
    rng = np.random.default_rng(3)
    X, y = rng.integers(0, 7, size=(5, 9)), rng.integers(0, 3, size=5)
    m64 = models.SequenceClassifier(7, 3, hidden_size=6, embed_dim=4, cell=cell, seed=2)
    m32 = models.SequenceClassifier(7, 3, hidden_size=6, embed_dim=4, cell=cell, seed=2, dtype="float32")
    loss64, g64 = m64.loss_and_grads(X, y)
    loss32, g32 = m32.loss_and_grads(X, y)
    assert all(p.dtype == np.float32 for p in m32.params.values())
    assert all(g.dtype == np.float32 for g in g32.values())
    assert abs(loss32 - loss64) < 1e-5
    for k in g64:
        np.testing.assert_allclose(g32[k], g64[k], atol=1e-5)


def test_many_to_one_rnn_in_float32_matches_float64_to_float32_precision():
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(4, 6, 2)), rng.normal(size=(4, 1))
    m64 = models.ManyToOneRNN(2, 5, 1, seed=3)
    m32 = models.ManyToOneRNN(2, 5, 1, seed=3, dtype=np.float32)
    assert all(p.dtype == np.float32 for p in m32.params.values())
    loss64, g64 = m64.loss_and_grads(X, y)
    loss32, g32 = m32.loss_and_grads(X.astype(np.float32), y.astype(np.float32))
    assert all(g.dtype == np.float32 for g in g32.values())
    assert abs(loss32 - loss64) < 1e-5
    for k in g64:
        np.testing.assert_allclose(g32[k], g64[k], atol=1e-5)
