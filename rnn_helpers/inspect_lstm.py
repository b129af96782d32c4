"""Look inside a trained LSTM classifier: its gates and cell state, step by step.

Dimensions: N sequences, T time steps, H hidden units, C classes.

    internals = lstm_internals(model, tokens)     # "i", "f", "o", "g", "c", "h": (N, T, H)
    units = memory_units(internals["c"][:, -1], labels)   # units that hold the label
    show_gates(model, tokens, itos, example=3);   # the figure of notebook 05's viewer

show_gates is a plain function of plain arguments, so a widget
(ipywidgets.interactive) can call it whenever a slider moves, and a test or a
headless run can call it directly.
"""
import numpy as np

from . import layers, lstm
from ._checks import check_arrays, check_finite, check_index_range, check_int


def lstm_internals(model, tokens):
    """Every gate and state of an LSTM SequenceClassifier over a batch of sequences.

    Inputs:
    - model: a models.SequenceClassifier with cell="lstm"
    - tokens: (N, T) integer token ids

    Returns: dict of (N, T, H) arrays: "i", "f", "o" (input, forget, output
    gates), "g" (candidate values), "c" (cell state) and "h" (hidden state),
    each after reading token t.
    """
    if getattr(model, "cell", None) != "lstm":
        raise ValueError(f"lstm_internals: model must be an LSTM SequenceClassifier, "
                         f"got cell={getattr(model, 'cell', None)!r}")
    check_arrays("lstm_internals", tokens=(tokens, "int:N,T"))
    p = model.params
    check_index_range("lstm_internals", "tokens", tokens, 0, p["W_embed"].shape[0])
    e, _ = layers.embedding_forward(tokens, p["W_embed"])  # (N, T, E)
    h0 = np.zeros((tokens.shape[0], p["Wh"].shape[0]), dtype=p["Wh"].dtype)  # float32 stays float32
    _, cache = lstm.lstm_forward(e, h0, p["Wx"], p["Wh"], p["b"])
    return {k: cache[k] for k in ("i", "f", "o", "g", "c", "h")}


def memory_units(values, labels, k=None):
    """Rank units by how much of their variation the label explains.

    For every unit, the correlation ratio (eta squared): the variance of the
    per-class means divided by the total variance. 1 means the unit's value
    tells the class exactly; 0 means it says nothing about it.

    Inputs:
    - values: (N, H) one value per sequence and unit, e.g. the last cell state
    - labels: (N,) integer class of each sequence
    - k: how many units to return (None: all)

    Returns:
    - units: (k,) unit indices, the most label-dependent first
    - scores: (k,) their correlation ratios, in [0, 1]
    """
    dims = check_arrays("memory_units", values=(values, "N,H"), labels=(labels, "int:N"))
    check_finite("memory_units", values=values)
    if dims["N"] == 0:
        raise ValueError("memory_units: values must hold at least one sequence (N >= 1), got 0")
    if k is not None:
        check_int("memory_units", "k", k)
    total = values.var(axis=0)  # (H,)
    classes = np.unique(labels)
    means = np.stack([values[labels == c].mean(axis=0) for c in classes])  # (C, H)
    shares = np.array([np.mean(labels == c) for c in classes])  # (C,)
    between = (shares[:, None] * (means - values.mean(axis=0)) ** 2).sum(axis=0)  # (H,)
    # A unit that (up to round-off) has the same value in every sequence says nothing: score 0.
    varies = np.sqrt(total) > 1e-9 * (1.0 + np.abs(values).max(axis=0))
    scores = np.clip(np.divide(between, total, out=np.zeros_like(total), where=varies), 0.0, 1.0)
    order = np.argsort(-scores, kind="stable")[:k]
    return order, scores[order]


def show_gates(model, tokens, itos, example=0, units=None, labels=None, num_units=2,
               class_names=None):
    """Draw the gates and cell state of one sequence (the viewer of notebook 05).

    Inputs:
    - model: LSTM SequenceClassifier; tokens: (N, T) ints; itos: id -> string
    - example: which sequence of tokens to draw
    - units: unit indices to draw; None picks the num_units units whose final
      cell state depends most on labels (memory_units), so labels is needed then
    - labels: (N,) true classes, used to pick units and for the title
    - class_names: name of each class for the title (None: the class number)

    Returns: the matplotlib Figure.
    """
    from .plots import plot_lstm_gates  # plots imports matplotlib: only when drawing
    check_arrays("show_gates", tokens=(tokens, "int:N,T"))
    if not (isinstance(example, (int, np.integer)) and not isinstance(example, bool)
            and 0 <= example < tokens.shape[0]):
        raise ValueError(f"show_gates: example must lie in [0, {tokens.shape[0]}), got {example!r}")
    check_int("show_gates", "num_units", num_units)
    if units is None and labels is None:
        raise ValueError("show_gates: give units to draw, or labels to pick them by; got "
                         "units=None and labels=None")
    internals = lstm_internals(model, tokens)
    if units is None:
        units, _ = memory_units(internals["c"][:, -1], labels, num_units)
    one = {k: v[example] for k, v in internals.items()}  # (T, H) each
    text = [itos[t] for t in tokens[example]]
    name = (lambda c: str(c)) if class_names is None else (lambda c: class_names[c])
    predicted = model.predict(tokens[example:example + 1])[0]
    title = f"example {example}: the LSTM answers {name(predicted)}"
    if labels is not None:
        title += f" (true answer {name(labels[example])})"
    return plot_lstm_gates(one, text, list(units), title=title)
