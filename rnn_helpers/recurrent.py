"""One interface to the three recurrent layers, so a model can switch cell by name.

Dimensions: N batch, T time steps, D input features, H hidden units.

    params = init_params("lstm", D, H, rng)       # {"Wx", "Wh", "b"}
    h, cache = forward("lstm", x, h0, params)     # h: (N, T, H)
    dx, dh0, dWx, dWh, db = backward("lstm", dh, cache)

The weights stack G gate blocks side by side: G = 1 for "rnn", 4 for "lstm"
(i, f, o, g) and 3 for "gru" (r, z, n); see rnn.py, lstm.py and gru.py.
"""
import numpy as np

from . import gru, init, lstm, rnn
from ._checks import (check_arrays, check_cache, check_choice, check_int, check_keys, check_number,
                      check_rng)

CELLS = ("rnn", "lstm", "gru")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def init_params(cell, D, H, rng, forget_bias=1.0):
    """Initial weights for a recurrent layer.

    Wx is Xavier-normal per gate block; every (H, H) block of Wh is a random
    orthogonal matrix, so no gate starts by growing or shrinking the state;
    biases are zero, except the LSTM's forget gate, which starts at forget_bias
    (a common choice that makes the cell keep its memory early in training).

    Inputs: cell: "rnn", "lstm" or "gru"; D, H: ints; rng: np.random.Generator.
    Returns: dict with Wx (D, G*H), Wh (H, G*H), b (G*H,).
    """
    check_choice("init_params", "cell", cell, CELLS)
    check_int("init_params", "D", D)
    check_int("init_params", "H", H)
    check_rng("init_params", rng)
    check_number("init_params", "forget_bias", forget_bias, "(-inf, inf)")
    G = GATES[cell]
    Wx = np.concatenate([init.xavier(D, H, rng) for _ in range(G)], axis=1)  # (D, G*H)
    Wh = np.concatenate([init.orthogonal(H, rng) for _ in range(G)], axis=1)  # (H, G*H)
    b = np.zeros(G * H)
    if cell == "lstm":
        b[H:2 * H] = forget_bias  # the f block
    return {"Wx": Wx, "Wh": Wh, "b": b}


def forward(cell, x, h0, params, c0=None, activation="tanh"):
    """Run the named layer over x: (N, T, D), or (N, T) token ids read as one-hot, from h0: (N, H).

    c0: (N, H) initial cell state, LSTM only (None: zeros).
    activation: "tanh" (default) or "relu", for the vanilla "rnn" only; the
    gated cells fix their own squashing functions.
    Returns: h (N, T, H), and a cache for backward() that records the cell.
    """
    check_choice("forward", "cell", cell, CELLS)
    check_choice("forward", "activation", activation, rnn.ACTIVATIONS)
    if c0 is not None and cell != "lstm":
        raise ValueError(f"forward: c0 is the LSTM's cell state; a {cell} layer has none")
    if activation != "tanh" and cell != "rnn":
        raise ValueError(f"forward: activation applies to the vanilla rnn only; a {cell} "
                         f"layer has fixed gates, got activation={activation!r}")
    check_keys("forward", "params", params, ("Wx", "Wh", "b"))
    p = params
    if cell == "rnn":
        h, cache = rnn.rnn_forward(x, h0, p["Wx"], p["Wh"], p["b"], activation)
    elif cell == "lstm":
        h, cache = lstm.lstm_forward(x, h0, p["Wx"], p["Wh"], p["b"], c0=c0)
    else:
        h, cache = gru.gru_forward(x, h0, p["Wx"], p["Wh"], p["b"])
    return h, (cell, cache)


def backward(cell, dh, cache):
    """Backward pass of forward(); dh: (N, T, H).

    Returns: dx (N, T, D) (None for token ids), dh0 (N, H), dWx, dWh, db (shaped like the params).
    """
    check_choice("backward", "cell", cell, CELLS)
    check_cache("backward", cache, "recurrent.forward", length=2)
    cached_cell, inner = cache
    if cell != cached_cell:
        raise ValueError(f"backward: cache comes from a {cached_cell} layer, not {cell}")
    back = {"rnn": rnn.rnn_backward, "lstm": lstm.lstm_backward, "gru": gru.gru_backward}[cell]
    return back(dh, inner)


def final_state(cache):
    """The state to carry into the next chunk of a longer sequence.

    Returns: h_T (N, H) for "rnn" and "gru"; (h_T, c_T) for "lstm". Pass it
    back as h0 (and c0) to continue where the chunk ended. A chunk of no
    steps (T = 0) ends where it started: h0 (and c0).
    """
    check_cache("final_state", cache, "recurrent.forward", length=2)
    cell, inner = cache
    check_choice("final_state", "cell", cell, CELLS)
    if cell == "lstm":
        return lstm.lstm_final_state(inner)
    # rnn's cache is a tuple (x, h0, Wx, Wh, h, activation); gru's a dict.
    h0, h = (inner["h0"], inner["h"]) if isinstance(inner, dict) else (inner[1], inner[4])
    dims = check_arrays("final_state", h=(h, "N,T,H"))
    return h0.copy() if dims["T"] == 0 else h[:, -1].copy()
