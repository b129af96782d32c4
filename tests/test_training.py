"""Tests for rnn_helpers/training.py: the divergence rule that fit and train_lm share."""
import numpy as np
import pytest

from contextlib import nullcontext

from rnn_helpers import data, layers, models, training
from rnn_helpers._checks import NotFiniteError, check_finite
from rnn_helpers.training import DivergenceCheck, TrainingDiverged

FACTOR, PATIENCE = DivergenceCheck.FACTOR, DivergenceCheck.PATIENCE


def run(losses, **kwargs):
    """Feed losses to a fresh DivergenceCheck; return the update (from 1) that tripped it, or None."""
    check = DivergenceCheck(**kwargs)
    for i, loss in enumerate(losses, start=1):
        if check.update(loss, 1.0):
            return i
    return None


def test_the_rule_is_twice_the_start_for_twenty_updates_in_a_row():
    assert (FACTOR, PATIENCE) == (2.0, 20)  # the numbers the docstrings and messages quote
    start = 1.0
    # Just above the limit for PATIENCE updates: stops on the last of them.
    assert run([start] + [2.01] * PATIENCE) == PATIENCE + 1
    # One update fewer, then back down: never stops.
    assert run([start] + [2.01] * (PATIENCE - 1) + [1.0] + [2.01] * (PATIENCE - 1)) is None
    # At the limit is not above it.
    assert run([start] + [2.0] * 100) is None


def test_a_huge_spike_alone_is_not_divergence():
    assert run([1.0, 1e12] + [0.5] * 50) is None
    assert run([1.0] + [1e12] * (PATIENCE - 1) + [0.5] * 50) is None


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_stops_at_once_even_with_nan_only(bad):
    assert run([1.0, 0.5, bad]) == 3
    check = DivergenceCheck(nan_only=True)
    assert not check.update(1.0, 1.0)
    assert check.update(1.0, bad)  # an infinite gradient norm
    assert check.reason == ""


def test_nan_only_lets_a_finite_blow_up_run_on():
    assert run([1.0] + [1e9] * 200, nan_only=True) is None


def test_the_reference_is_never_below_the_guess_loss():
    # A model that starts near the answer (loss 0.01) wobbles to 0.1: fine, since
    # a know-nothing guess scores 1.0; only above 2 x 1.0 for 20 updates is it divergence.
    assert run([0.01] + [0.1] * 100, guess_loss=1.0) is None
    assert run([0.01] + [2.5] * PATIENCE, guess_loss=1.0) == PATIENCE + 1
    # Without the guess, the same wobble is 10 x the start.
    assert run([0.01] + [0.1] * PATIENCE) == PATIENCE + 1
    # The guess may be a function, called once at the first update.
    calls = []
    assert run([0.01] + [0.1] * 100, guess_loss=lambda: calls.append(1) or 1.0) is None
    assert calls == [1]


def test_the_reason_quotes_the_limit_and_its_reference():
    check = DivergenceCheck(guess_loss=np.log(4))
    for loss in [1.2] + [50.0] * PATIENCE:
        stopped = check.update(loss, 3.0)
    assert stopped
    assert check.reason == (f"; the loss has stayed above {2 * np.log(4):.3g} (2 x the loss of a "
                            f"know-nothing guess, {np.log(4):.3g}) for 20 updates in a row")


def test_a_model_starting_at_zero_loss_is_never_stopped_for_a_finite_loss():
    assert run([0.0] + [5.0] * 100) is None


# ---------------------------------------------------------------- fit: the issue's example and the notebooks'

@pytest.fixture(scope="module")
def sine():
    X, y, _, _ = data.sine_train_test()
    return X, y


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_fit_stops_a_finite_blow_up_under_every_optimizer(sine, optimizer):
    # Issue 9: Adam with lr = 1e3 ran all 20 epochs at a loss of about 1e7 (its step is
    # bounded by lr, so nothing overflows). Now it stops early, with advice.
    X, y = sine
    lr = 1e3 if optimizer == "adam" else 0.5
    with pytest.raises(TrainingDiverged) as info:
        models.fit(models.ManyToOneRNN(1, 16, 1), X, y, num_epochs=20, lr=lr, optimizer=optimizer,
                   clip=None if optimizer == "adam" else 1e6)
    message = str(info.value)
    assert "for 20 updates in a row" in message and f"lr={lr:g} now" in message
    epoch = int(message.split("epoch ")[1].split(",")[0])
    assert epoch <= 4  # 20 updates at 8 batches per epoch: within the third epoch


def test_fit_with_stop_if_diverging_false_runs_on_and_keeps_the_history():
    # Notebook 04's unclipped relu RNN blows up to a loss of 1e10 and never overflows.
    X, y = data.adding_problem(300, seq_len=20, seed=1)

    def relu_identity():
        model = models.ManyToOneRNN(2, 16, 1, seed=0, activation="relu")
        model.params["Wh"] = np.eye(16)
        return model
    kwargs = dict(num_epochs=4, batch_size=50, lr=0.01, optimizer="sgd", seed=0)
    with pytest.raises(TrainingDiverged, match="for 20 updates in a row"):
        models.fit(relu_identity(), X, y, **kwargs)
    history = models.fit(relu_identity(), X, y, stop_if_diverging=False, **kwargs)
    assert len(history["loss"]) == 4 and max(history["loss"]) > 1e6


def test_fit_reports_an_overflow_inside_a_layer_as_divergence(sine):
    # Finite data and weights, yet a layer meets inf: that is divergence, not bad input.
    X, y = sine

    class Overflows:
        params = {"w": np.ones(1)}

        def loss_and_grads(self, X, y):
            pred = np.exp(1000.0 * self.params["w"]) * np.ones_like(y)  # inf, as a blown-up net gives
            loss, _ = layers.mse_loss(pred, y)  # inside fit, mse_loss lets it through to the loss
            return loss, {"w": np.ones(1)}
    with pytest.raises(TrainingDiverged, match=r"^training diverged at epoch 1, batch 1: loss inf, "
                                               r"gradient norm 1\. Try"):
        models.fit(Overflows(), X, y, num_epochs=1)
    with pytest.raises(ValueError, match=r"^mse_loss: pred contains NaN or inf"):
        with np.errstate(over="ignore"):
            Overflows().loss_and_grads(X, y)  # called directly, the same inf is a ValueError


def test_fit_names_nan_in_the_data_or_the_weights_as_bad_input_not_divergence(sine):
    X, y = sine
    X = X.copy()
    X[3, 2, 0] = np.nan
    with pytest.raises(ValueError, match=r"^fit: X contains NaN or inf \(1 NaN and 0 inf"):
        models.fit(models.ManyToOneRNN(1, 4, 1), X, y, num_epochs=1)
    model = models.ManyToOneRNN(1, 4, 1)
    model.params["Wh"][0, 0] = np.inf
    with pytest.raises(ValueError, match=r"^fit: model.params\['Wh'\] contains NaN or inf"):
        models.fit(model, sine[0], y, num_epochs=1)


def test_a_healthy_noisy_run_never_trips_the_rule(sine):
    # Losses that wobble by +-60% around a falling trend, batch after batch.
    X, y = sine
    rng = np.random.default_rng(0)

    class Noisy:
        params = {"w": np.zeros(1)}
        n = 0

        def loss_and_grads(self, X, y):
            self.n += 1
            return float(np.exp(-self.n / 50) * (1 + 0.6 * rng.uniform(-1, 1))), {"w": np.ones(1)}
    history = models.fit(Noisy(), X, y, num_epochs=30, batch_size=8)
    assert len(history["loss"]) == 30


def test_fit_runs_each_update_without_the_layers_nan_checks(sine):
    # fit checks the data and the weights once; inside an update a NaN pass would only repeat
    # what the loss and the gradient norm show, so the layers skip it (see _checks.py).
    X, y = sine

    class ChecksInside:
        params = {"w": np.zeros(1)}

        def loss_and_grads(self, X, y):
            check_finite("ChecksInside", scratch=np.array([np.nan]))  # a pass fit makes redundant
            return 1.0, {"w": np.zeros(1)}
    assert models.fit(ChecksInside(), X, y, num_epochs=2)["loss"] == [1.0, 1.0]
    with pytest.raises(NotFiniteError):
        ChecksInside().loss_and_grads(X, y)  # called directly, the check runs


def test_skipping_the_nan_checks_changes_no_number(sine, monkeypatch):
    X, y = sine

    def train():
        model = models.ManyToOneRNN(1, 8, 1, seed=3)
        history = models.fit(model, X, y, num_epochs=3, lr=0.01, X_val=X[:20], y_val=y[:20])
        return history, model.params
    skipped = train()
    monkeypatch.setattr(training, "skip_nan_checks", nullcontext)  # the checks on throughout
    checked = train()
    assert skipped[0] == checked[0]
    for k in skipped[1]:
        np.testing.assert_array_equal(skipped[1][k], checked[1][k])


def ended(losses, **kwargs):
    """Feed losses to a fresh DivergenceCheck that never trips; return what ended() says."""
    check = DivergenceCheck(**kwargs)
    assert not any(check.update(loss, 1.0) for loss in losses)
    return check.ended()


def test_a_short_run_above_the_limit_to_its_end_has_diverged():
    SHORT = DivergenceCheck.SHORT
    assert SHORT == 3                                        # the number the docstring quotes
    assert ended([1.0] + [5.0] * SHORT)
    assert ended([1.0] + [5.0] * (PATIENCE - 1))             # the longest run the rule above misses
    assert not ended([1.0] + [5.0] * (SHORT - 1))            # too few to call it sustained
    assert not ended([1.0, 5.0, 5.0, 1.5, 5.0, 5.0])         # came back below once
    assert not ended([1.0] + [5.0] * SHORT, nan_only=True)
    assert not ended([1.0] * 10)
    assert not ended([])


def test_fit_stops_a_short_run_that_blows_up(sine):
    X, y = sine
    model = models.ManyToOneRNN(1, 16, 1, seed=0)
    with pytest.raises(TrainingDiverged, match="to the end of training"):
        models.fit(model, X[:160], y[:160], num_epochs=1, batch_size=32, lr=1e3)   # 5 updates


def test_a_short_healthy_run_is_not_stopped(sine):
    X, y = sine
    history = models.fit(models.ManyToOneRNN(1, 16, 1, seed=0), X[:160], y[:160], num_epochs=1,
                         batch_size=32, lr=1e-2)
    assert len(history["loss"]) == 1


def test_train_lm_stops_a_short_run_that_blows_up():
    from rnn_helpers import charlm
    text = "def add(a, b):\n    return a + b\n" * 20          # 640 characters: 10 updates of 8 x 8
    vocab = charlm.Vocabulary.from_text(text)
    ids = vocab.encode(text)
    with pytest.raises(TrainingDiverged, match="to the end of training"):
        charlm.train_lm(charlm.CharLM(vocab, "rnn", 8, 16, seed=0), ids, num_epochs=1, batch_size=8,
                        lr=10, clip=None)
    history = charlm.train_lm(charlm.CharLM(vocab, "rnn", 8, 16, seed=0), ids, num_epochs=1, batch_size=8,
                              lr=1e-2)
    assert len(history["loss"]) == 1
