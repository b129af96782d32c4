"""Tests for rnn_helpers.inspect_lstm: the gate viewer's plain functions."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnn_helpers import inspect_lstm, lstm, models

matplotlib.use("Agg")


def lstm_model(seed=0):
    return models.SequenceClassifier(9, 4, hidden_size=6, embed_dim=5, cell="lstm", seed=seed)


def test_internals_are_the_lstm_cache_of_the_embedded_tokens():
    model = lstm_model()
    tokens = np.random.default_rng(1).integers(0, 9, size=(3, 7))
    inside = inspect_lstm.lstm_internals(model, tokens)
    assert set(inside) == {"i", "f", "o", "g", "c", "h"}
    assert all(v.shape == (3, 7, 6) for v in inside.values())
    np.testing.assert_allclose(inside["h"], model.hidden_states(tokens), atol=1e-14)
    # The cell equations hold step by step.
    c_prev = np.concatenate([np.zeros((3, 1, 6)), inside["c"][:, :-1]], axis=1)
    np.testing.assert_allclose(inside["c"], inside["f"] * c_prev + inside["i"] * inside["g"], atol=1e-14)
    np.testing.assert_allclose(inside["h"], inside["o"] * np.tanh(inside["c"]), atol=1e-14)
    # One step by hand from the package's step function, for the first token.
    p = model.params
    h1, c1, _ = lstm.lstm_step_forward(p["W_embed"][tokens[:, 0]], np.zeros((3, 6)), np.zeros((3, 6)),
                                       p["Wx"], p["Wh"], p["b"])
    np.testing.assert_allclose(inside["c"][:, 0], c1, atol=1e-14)


def test_internals_of_a_float32_model_stay_float32():
    # Notebook 05 trains in float32; its internals must match the model's own states in that dtype.
    model = models.SequenceClassifier(9, 4, hidden_size=6, embed_dim=5, cell="lstm", dtype=np.float32)
    tokens = np.random.default_rng(1).integers(0, 9, size=(3, 7))
    inside = inspect_lstm.lstm_internals(model, tokens)
    assert all(v.dtype == np.float32 for v in inside.values())
    np.testing.assert_allclose(inside["h"], model.hidden_states(tokens), atol=1e-6)


def test_internals_refuse_other_cells():
    with pytest.raises(ValueError, match=r"lstm_internals: model must be an LSTM SequenceClassifier, got cell='gru'"):
        inspect_lstm.lstm_internals(models.SequenceClassifier(9, 4, cell="gru"), np.zeros((2, 3), dtype=int))


def test_memory_units_rank_by_the_share_of_variance_the_label_explains():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, size=600)
    values = rng.normal(size=(600, 4))  # units 0, 1, 3: noise
    values[:, 2] = 2.0 * labels + 0.1 * rng.normal(size=600)  # unit 2: the label, nearly exactly
    values[:, 1] += 0.5 * labels  # unit 1: partly the label
    units, scores = inspect_lstm.memory_units(values, labels)
    assert list(units[:2]) == [2, 1] and scores[0] > 0.99 and 0.05 < scores[1] < 0.5
    assert np.all(np.diff(scores) <= 0) and scores.min() >= 0
    # Against the definition, computed unit by unit with np.var.
    for u, s in zip(units, scores):
        means = np.array([values[labels == c, u].mean() for c in range(3)])
        counts = np.array([np.sum(labels == c) for c in range(3)])
        expected = np.sum(counts * (means - values[:, u].mean()) ** 2) / 600 / values[:, u].var()
        assert s == pytest.approx(expected, rel=1e-12)
    top, _ = inspect_lstm.memory_units(values, labels, k=1)
    assert list(top) == [2]
    # A constant unit scores 0 instead of dividing by (round-off) zero.
    values[:, 0] = 0.2 + 1e-17 * labels
    units, all_scores = inspect_lstm.memory_units(values, labels)
    assert all_scores[list(units).index(0)] == 0.0 and all_scores.max() <= 1.0


def test_memory_units_reject_bad_shapes():
    with pytest.raises(ValueError, match=r"memory_units: labels must have shape \(N\) = \(5\), got \(4,\)"):
        inspect_lstm.memory_units(np.zeros((5, 3)), np.zeros(4, dtype=int))


def test_show_gates_draws_four_rows_with_token_labels():
    model = lstm_model()
    tokens = np.random.default_rng(2).integers(0, 9, size=(4, 6))
    labels = np.array([0, 1, 2, 3])
    itos = list("ABCD0123?")
    fig = inspect_lstm.show_gates(model, tokens, itos, example=2, labels=labels, class_names=itos[:4])
    assert len(fig.axes) == 4
    assert [t.get_text() for t in fig.axes[-1].get_xticklabels()] == [itos[t] for t in tokens[2]]
    assert "example 2" in fig.axes[0].get_title() and "(true answer C)" in fig.axes[0].get_title()
    assert len(fig.axes[0].get_lines()) == 2  # num_units units, picked by memory_units
    plt.close(fig)
    fig = inspect_lstm.show_gates(model, tokens, itos, example=0, units=[1, 3, 5])
    assert len(fig.axes[3].get_lines()) == 3 + 1  # three units and the zero line
    plt.close(fig)


def test_show_gates_rejects_bad_requests():
    model, tokens = lstm_model(), np.zeros((2, 3), dtype=int)
    open_before = plt.get_fignums()  # other tests may have left figures open
    with pytest.raises(ValueError, match=r"show_gates: example must lie in \[0, 2\), got 2"):
        inspect_lstm.show_gates(model, tokens, list("ABCD0123?"), example=2, units=[0])
    with pytest.raises(ValueError, match=r"give units to draw, or labels"):
        inspect_lstm.show_gates(model, tokens, list("ABCD0123?"))
    assert plt.get_fignums() == open_before  # a refused call opens no figure


def test_show_gates_runs_inside_an_ipywidgets_interactive():
    widgets = pytest.importorskip("ipywidgets")
    model = lstm_model()
    tokens = np.random.default_rng(3).integers(0, 9, size=(5, 6))

    def view(example=0):
        return inspect_lstm.show_gates(model, tokens, list("ABCD0123?"), example=example, units=[0, 1])
    w = widgets.interactive(view, example=widgets.IntSlider(value=0, min=0, max=4))
    w.update()  # ipywidgets 8 draws on construction, 7 when displayed: draw now in both
    assert "example 0" in w.result.axes[0].get_title()
    w.kwargs_widgets[0].value = 3
    assert "example 3" in w.result.axes[0].get_title()
    plt.close("all")
