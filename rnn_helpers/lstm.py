"""A long short-term memory (LSTM) layer, forward and backward, in numpy.

Dimensions: N batch, T time steps, D input features, H hidden units.

Notes
-----
An LSTM carries two states: the hidden state h (what the layer outputs) and
the cell state c (its memory). One step computes four gates from one stacked
pre-activation, in the order input, forget, output, candidate (i, f, o, g):

    a_t = x_t @ Wx + h_{t-1} @ Wh + b        (N, 4H);  Wx (D, 4H), Wh (H, 4H), b (4H,)
    i_t = sigmoid(a_t[:, 0H:1H])    how much of the candidate to write
    f_t = sigmoid(a_t[:, 1H:2H])    how much of the old memory to keep
    o_t = sigmoid(a_t[:, 2H:3H])    how much of the memory to show
    g_t = tanh(a_t[:, 3H:4H])       the candidate values
    c_t = f_t * c_{t-1} + i_t * g_t
    h_t = o_t * tanh(c_t)

Backpropagation through time: the cell receives gradient from its own output
h_t and from step t+1, and passes it back through the forget gate alone:

    dc_t     = dc_next + dh_t * o_t * (1 - tanh(c_t)**2)
    dc_{t-1} = dc_t * f_t            (the cell path)

Going back one step along the cell path multiplies the gradient by f_t only:
no weight matrix and no squashing derivative. While the forget gates stay near
1 the gradient survives many steps, where a vanilla RNN multiplies it by
tanh'(a_t) and Wh.T at every step and it fades away.

As in rnn.py, the sequence functions hoist the input projection x @ Wx for all
T steps into one (N*T, D) @ (D, 4H) product, and the weight gradients into one
product each, so the time loop holds one (N, H) @ (H, 4H) product per step.
"""
import numpy as np

from ._checks import check_arrays, check_cache, check_finite, check_gate_weights


def sigmoid(a):
    """Logistic function 1 / (1 + exp(-a)), without overflow for large |a|.

    Written as 0.5 * (1 + tanh(a / 2)), the same function: np.exp(-a) would
    overflow (with a warning) for a < -709, tanh never does.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _with_gate_views(cache):
    """Add cache["i"], ["f"], ["o"], ["g"]: views into the stacked cache["gates"]."""
    cache.update(zip("ifog", np.split(cache["gates"], 4, axis=-1)))
    return cache


def _lstm_cell(a, c_prev):
    """Gates and new states from the stacked pre-activations a: (N, 4H)."""
    H = c_prev.shape[1]
    gates = np.concatenate([sigmoid(a[:, :3 * H]), np.tanh(a[:, 3 * H:])], axis=1)  # (N, 4H)
    i, f, o, g = np.split(gates, 4, axis=1)  # (N, H) each
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return gates, c, h


def _lstm_cell_backward(dh, dc, gates, c_prev, c):
    """Gradients at the pre-activations, da: (N, 4H), and at c_prev: (N, H).

    dh and dc are the whole gradients reaching h_t and c_t from later on.
    """
    i, f, o, g = np.split(gates, 4, axis=1)
    tanh_c = np.tanh(c)
    # h = o * tanh(c): the cell also gets gradient through this step's output.
    dc = dc + dh * o * (1.0 - tanh_c * tanh_c)
    # Gradient at each gate's value, then through its sigmoid or tanh.
    di, df, do, dg = dc * g, dc * c_prev, dh * tanh_c, dc * i
    da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                         do * o * (1.0 - o), dg * (1.0 - g * g)], axis=1)  # (N, 4H)
    return da, dc * f


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """One time step of an LSTM.

    Inputs:
    - x: (N, D) inputs at this step
    - h_prev: (N, H) hidden state from the previous step
    - c_prev: (N, H) cell state from the previous step
    - Wx: (D, 4H) input-to-gates weights, gates stacked as i, f, o, g
    - Wh: (H, 4H) hidden-to-gates (recurrent) weights
    - b: (4H,) bias

    Returns:
    - h: (N, H) next hidden state
    - c: (N, H) next cell state
    - cache: dict for lstm_step_backward, with the same keys as lstm_forward's
      but h_prev, c_prev in place of h0, c0 and (N, ...) shapes, no T
    """
    dims = check_arrays("lstm_step_forward", x=(x, "N,D"), h_prev=(h_prev, "N,H"),
                        c_prev=(c_prev, "N,H"))
    check_gate_weights("lstm_step_forward", dims, 4, Wx, Wh, b)
    check_finite("lstm_step_forward", x=x, h_prev=h_prev, c_prev=c_prev, Wx=Wx, Wh=Wh, b=b)
    gates, c, h = _lstm_cell(x @ Wx + h_prev @ Wh + b, c_prev)
    cache = dict(x=x, h_prev=h_prev, c_prev=c_prev, Wx=Wx, Wh=Wh, gates=gates, c=c, h=h)
    return h, c, _with_gate_views(cache)


def lstm_step_backward(dh, dc, cache):
    """Backward pass for one time step.

    Inputs:
    - dh: (N, H) gradient of the loss with respect to the output h
    - dc: (N, H) gradient of the loss with respect to the output c
    - cache: from lstm_step_forward

    Returns:
    - dx: (N, D), dh_prev: (N, H), dc_prev: (N, H),
      dWx: (D, 4H), dWh: (H, 4H), db: (4H,)
    """
    check_cache("lstm_step_backward", cache, "lstm_step_forward",
                keys=("x", "h_prev", "c_prev", "Wx", "Wh", "gates", "c"))
    check_arrays("lstm_step_backward", c=(cache["c"], "N,H"), dh=(dh, "N,H"), dc=(dc, "N,H"))
    check_finite("lstm_step_backward", dh=dh, dc=dc)
    da, dc_prev = _lstm_cell_backward(dh, dc, cache["gates"], cache["c_prev"], cache["c"])
    # a = x @ Wx + h_prev @ Wh + b, so each input gets da times its weight, transposed.
    dx = da @ cache["Wx"].T
    dh_prev = da @ cache["Wh"].T
    dWx = cache["x"].T @ da
    dWh = cache["h_prev"].T @ da
    db = da.sum(axis=0)
    return dx, dh_prev, dc_prev, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b, c0=None):
    """Run an LSTM over a whole batch of sequences.

    Inputs:
    - x: (N, T, D) input sequences
    - h0: (N, H) initial hidden state
    - Wx: (D, 4H), Wh: (H, 4H), b: (4H,) as in lstm_step_forward
    - c0: (N, H) initial cell state; None (default) starts from zeros. Pass the
      c_T of the previous chunk (see lstm_final_state) to carry the memory on.

    Returns:
    - h: (N, T, H) hidden state at every step
    - cache: dict, everything lstm_backward needs and the internals worth plotting:
        "i", "f", "o", "g": (N, T, H) gate values at every step
                            (views into "gates": (N, T, 4H), stacked i, f, o, g)
        "c", "h":           (N, T, H) cell and hidden state after every step
        "x", "h0", "c0", "Wx", "Wh": the inputs (c0 is zeros if None was passed)
      e.g. cache["f"][0, :, 3] is the forget gate of unit 3 over time, sample 0.
    """
    if c0 is None:
        c0 = np.zeros_like(h0)  # start with an empty memory
    dims = check_arrays("lstm_forward", x=(x, "N,T,D"), h0=(h0, "N,H"), c0=(c0, "N,H"))
    check_gate_weights("lstm_forward", dims, 4, Wx, Wh, b)
    check_finite("lstm_forward", x=x, h0=h0, c0=c0, Wx=Wx, Wh=Wh, b=b)
    N, T, D, H = dims["N"], dims["T"], dims["D"], dims["H"]
    # Project the inputs of all T steps at once: x_t @ Wx + b for every t.
    xw = (x.reshape(N * T, D) @ Wx).reshape(N, T, 4 * H) + b  # (N, T, 4H)
    dtype = np.result_type(x, h0, c0, Wx, Wh, b)
    gates = np.empty((N, T, 4 * H), dtype=dtype)
    c, h = np.empty((N, T, H), dtype=dtype), np.empty((N, T, H), dtype=dtype)
    h_t, c_t = h0, c0
    for t in range(T):
        # The same step as lstm_step_forward, with its input part precomputed.
        gates_t, c_t, h_t = _lstm_cell(xw[:, t] + h_t @ Wh, c_t)
        gates[:, t], c[:, t], h[:, t] = gates_t, c_t, h_t
    cache = dict(x=x, h0=h0, c0=c0, Wx=Wx, Wh=Wh, gates=gates, c=c, h=h)
    return h, _with_gate_views(cache)


def _shift(first, states):
    """The state before each step: first, states[:, 0], ..., states[:, T-2]."""
    return np.concatenate([first[:, None], states], axis=1)[:, :-1]  # (N, T, H)


def lstm_backward(dh, cache):
    """Backpropagation through time for lstm_forward.

    Inputs:
    - dh: (N, T, H) gradient of the loss with respect to every hidden state
      (zeros at steps where no loss is computed)
    - cache: from lstm_forward

    Returns:
    - dx: (N, T, D), dh0: (N, H), dWx: (D, 4H), dWh: (H, 4H), db: (4H,)
    """
    check_cache("lstm_backward", cache, "lstm_forward",
                keys=("x", "h0", "c0", "Wx", "Wh", "gates", "c", "h"))
    x, Wx, Wh, gates, c, h = (cache[k] for k in ("x", "Wx", "Wh", "gates", "c", "h"))
    dims = check_arrays("lstm_backward", h=(h, "N,T,H"), dh=(dh, "N,T,H"))
    check_finite("lstm_backward", dh=dh)
    N, T, H = dims["N"], dims["T"], dims["H"]
    D = x.shape[2]
    c_prev = _shift(cache["c0"], c)  # (N, T, H)
    da = np.empty_like(gates)  # gradient at each pre-activation a_t: (N, T, 4H)
    dh_next = np.zeros_like(cache["h0"])  # gradients flowing back from step t+1
    dc_next = np.zeros_like(cache["c0"])
    for t in reversed(range(T)):
        da[:, t], dc_next = _lstm_cell_backward(dh[:, t] + dh_next, dc_next,
                                                gates[:, t], c_prev[:, t], c[:, t])
        dh_next = da[:, t] @ Wh.T
    # Every weight gradient is a sum over steps: do each sum as one product.
    h_prev = _shift(cache["h0"], h)  # (N, T, H)
    da2 = da.reshape(N * T, 4 * H)  # (N*T, 4H)
    dx = (da2 @ Wx.T).reshape(N, T, D)
    dWx = x.reshape(N * T, D).T @ da2
    dWh = h_prev.reshape(N * T, H).T @ da2
    db = da2.sum(axis=0)
    return dx, dh_next, dWx, dWh, db


def lstm_final_state(cache):
    """The last hidden and cell states, to start the next chunk of a sequence.

    Inputs:
    - cache: from lstm_forward

    Returns:
    - h_T: (N, H), c_T: (N, H) copies of the states after the last step
      (h0 and c0 if the sequence had no steps). Continue with
      lstm_forward(x_next, h_T, Wx, Wh, b, c0=c_T).
    """
    check_cache("lstm_final_state", cache, "lstm_forward", keys=("h0", "c0", "h", "c"))
    dims = check_arrays("lstm_final_state", h=(cache["h"], "N,T,H"), c=(cache["c"], "N,T,H"))
    if dims["T"] == 0:
        return cache["h0"].copy(), cache["c0"].copy()
    return cache["h"][:, -1].copy(), cache["c"][:, -1].copy()
