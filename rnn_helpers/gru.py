"""A gated recurrent unit (GRU) layer, forward and backward, in numpy.

Dimensions: N batch, T time steps, D input features, H hidden units.

Notes
-----
A GRU keeps one state h and two gates, reset r and update z. This module
follows the convention of d2l.ai (Dive into Deep Learning, "Gated Recurrent Units"):

    r_t = sigmoid(x_t @ Wxr + h_{t-1} @ Whr + br)          reset gate
    z_t = sigmoid(x_t @ Wxz + h_{t-1} @ Whz + bz)          update gate
    n_t = tanh(x_t @ Wxn + (r_t * h_{t-1}) @ Whn + bn)     candidate state
    h_t = z_t * h_{t-1} + (1 - z_t) * n_t

The weights are stacked in the order (r, z, n): Wx = [Wxr Wxz Wxn] (D, 3H),
Wh = [Whr Whz Whn] (H, 3H), b = [br bz bn] (3H,).

PyTorch's nn.GRU (and cuDNN) applies the reset gate *after* the product, with
a second bias inside:

    n_t = tanh(x_t @ W_in + b_in + r_t * (h_{t-1} @ W_hn + b_hn))
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

The update gate means the same in both; only the place of r differs, so
weights trained in one convention do not give the same outputs in the other.
PyTorch's choice lets one h @ Wh product serve all three gates; here the
candidate needs its own product with r_t * h_{t-1}, so a step costs two.

Backwards, h_{t-1} reaches h_t directly through z_t, so dh_{t-1} gets a term
dh_t * z_t with no weight matrix in it: while z stays near 1 the gradient
passes many steps almost unchanged, as on the cell path of an LSTM.

As in rnn.py, the input projections x @ Wx for all T steps are one product
before the time loop (a gather of rows for token ids), and the weight
gradients one product each after it.
"""
import numpy as np

from ._checks import check_arrays, check_cache, check_finite, check_gate_weights
from ._inputs import check_inputs, float_dtype, input_grads, project
from .lstm import _sigmoid_, sigmoid


def _with_gate_views(cache):
    """Add cache["r"], ["z"], ["n"]: views into the stacked cache["gates"]."""
    cache.update(zip("rzn", np.split(cache["gates"], 3, axis=-1)))
    return cache


def _gru_cell(xw, h_prev, Wh):
    """Gates (N, 3H) and new state (N, H) from the input part xw = x @ Wx + b."""
    H = h_prev.shape[1]
    # Reset and update gates share one product with [Whr Whz].
    rz = sigmoid(xw[:, :2 * H] + h_prev @ Wh[:, :2 * H])  # (N, 2H)
    r, z = rz[:, :H], rz[:, H:]
    # The candidate sees the previous state only through the reset gate.
    n = np.tanh(xw[:, 2 * H:] + (r * h_prev) @ Wh[:, 2 * H:])  # (N, H)
    h = z * h_prev + (1.0 - z) * n
    return np.concatenate([rz, n], axis=1), h


def _gru_cell_backward(dh, h_prev, gates, Wh):
    """Gradients at the pre-activations, da: (N, 3H), and at h_prev: (N, H).

    dh is the whole gradient reaching h_t from later on.
    """
    H = h_prev.shape[1]
    r, z, n = np.split(gates, 3, axis=1)
    # h = z * h_prev + (1 - z) * n, then through tanh and sigmoid.
    da_n = dh * (1.0 - z) * (1.0 - n * n)
    da_z = dh * (h_prev - n) * z * (1.0 - z)
    # The candidate read r * h_prev through Whn.
    drh = da_n @ Wh[:, 2 * H:].T  # (N, H) gradient at r * h_prev
    da_r = drh * h_prev * r * (1.0 - r)
    da = np.concatenate([da_r, da_z, da_n], axis=1)  # (N, 3H)
    # h_prev is used three times: directly, inside r * h_prev, and in the gates.
    dh_prev = dh * z + drh * r + da[:, :2 * H] @ Wh[:, :2 * H].T
    return da, dh_prev


def _recurrent_grads(da, h_prev, r):
    """dWh, db from da (M, 3H), with h_prev and r (M, H)."""
    H = h_prev.shape[1]
    dWh = np.concatenate([h_prev.T @ da[:, :2 * H],         # Whr, Whz read h_prev
                          (r * h_prev).T @ da[:, 2 * H:]],  # Whn reads r * h_prev
                         axis=1)  # (H, 3H)
    return dWh, da.sum(axis=0)


def gru_step_forward(x, h_prev, Wx, Wh, b):
    """One time step of a GRU.

    Inputs:
    - x: (N, D) inputs at this step
    - h_prev: (N, H) hidden state from the previous step
    - Wx: (D, 3H) input-to-gates weights, stacked as r, z, n
    - Wh: (H, 3H) hidden-to-gates (recurrent) weights
    - b: (3H,) bias

    Returns:
    - h: (N, H) next hidden state
    - cache: dict for gru_step_backward, with the same keys as gru_forward's
      but h_prev in place of h0 and (N, ...) shapes, no T
    """
    dims = check_arrays("gru_step_forward", x=(x, "N,D"), h_prev=(h_prev, "N,H"))
    check_gate_weights("gru_step_forward", dims, 3, Wx, Wh, b)
    check_finite("gru_step_forward", x=x, h_prev=h_prev, Wx=Wx, Wh=Wh, b=b)
    gates, h = _gru_cell(x @ Wx + b, h_prev, Wh)
    cache = dict(x=x, h_prev=h_prev, Wx=Wx, Wh=Wh, gates=gates, h=h)
    return h, _with_gate_views(cache)


def gru_step_backward(dh, cache):
    """Backward pass for one time step.

    Inputs:
    - dh: (N, H) gradient of the loss with respect to the output h
    - cache: from gru_step_forward

    Returns:
    - dx: (N, D), dh_prev: (N, H), dWx: (D, 3H), dWh: (H, 3H), db: (3H,)
    """
    check_cache("gru_step_backward", cache, "gru_step_forward",
                keys=("x", "h_prev", "Wx", "Wh", "gates", "h", "r"))
    check_arrays("gru_step_backward", h=(cache["h"], "N,H"), dh=(dh, "N,H"))
    check_finite("gru_step_backward", dh=dh)
    da, dh_prev = _gru_cell_backward(dh, cache["h_prev"], cache["gates"], cache["Wh"])
    dx, dWx = da @ cache["Wx"].T, cache["x"].T @ da
    dWh, db = _recurrent_grads(da, cache["h_prev"], cache["r"])
    return dx, dh_prev, dWx, dWh, db


def gru_forward(x, h0, Wx, Wh, b):
    """Run a GRU over a whole batch of sequences.

    Inputs:
    - x: (N, T, D) input sequences, or (N, T) token ids in [0, D), each read as
      its one-hot vector: x_t @ Wx is then a row of Wx (see _inputs.py)
    - h0: (N, H) initial hidden state (h[:, -1] of the previous chunk carries it on)
    - Wx: (D, 3H), Wh: (H, 3H), b: (3H,) as in gru_step_forward

    Returns:
    - h: (N, T, H) hidden state at every step
    - cache: dict, everything gru_backward needs and the internals worth plotting:
        "r", "z", "n": (N, T, H) reset gate, update gate and candidate at every step
                       (views into "gates": (N, T, 3H), stacked r, z, n)
        "h":           (N, T, H) hidden state after every step
        "x", "h0", "Wx", "Wh": the inputs
      e.g. cache["z"][0, :, 3] is the update gate of unit 3 over time, sample 0.

    The loop computes what gru_step_forward computes (a test checks that they
    agree), written for speed: time-major arrays (T, N, ...), so each step
    reads and writes one contiguous block, all allocated once and written with out=.
    """
    dims = check_inputs("gru_forward", x, Wx, "D,3H", h0=(h0, "N,H"))
    check_gate_weights("gru_forward", dims, 3, Wx, Wh, b)
    check_finite("gru_forward", x=x, h0=h0, Wx=Wx, Wh=Wh, b=b)
    N, T, H = dims["N"], dims["T"], dims["H"]
    dtype = float_dtype(x, h0, Wx, Wh, b)
    # The inputs of all T steps at once, x_t @ Wx + b: the gate array, time-major (T, N, 3H).
    gates = project(x, Wx, b, dtype)
    Wh_rz, Wh_n = Wh[:, :2 * H].copy(), Wh[:, 2 * H:].copy()  # contiguous blocks
    h = np.empty((T, N, H), dtype=dtype)
    hW, rh = np.empty((N, 2 * H), dtype=dtype), np.empty((N, H), dtype=dtype)
    h_t = h0
    with np.errstate(over="ignore"):  # exp(-a) may overflow to inf: sigmoid is then 0, as it should
        for t in range(T):
            rz, n = gates[t, :, :2 * H], gates[t, :, 2 * H:]
            # Reset and update gates: one product with [Whr Whz].
            rz += np.matmul(h_t, Wh_rz, out=hW)
            _sigmoid_(rz)
            # The candidate sees the previous state only through the reset gate.
            np.multiply(rz[:, :H], h_t, out=rh)
            n += np.matmul(rh, Wh_n, out=hW[:, :H])
            np.tanh(n, out=n)
            # h_t = z * h_{t-1} + (1 - z) * n
            z = rz[:, H:]
            np.multiply(z, h_t, out=h[t])
            np.subtract(1.0, z, out=rh)
            rh *= n
            h[t] += rh
            h_t = h[t]
    # The caller sees batch-major (N, T, ...) views of the same arrays.
    gates, h = gates.transpose(1, 0, 2), h.transpose(1, 0, 2)
    cache = dict(x=x, h0=h0, Wx=Wx, Wh=Wh, gates=gates, h=h)
    return h, _with_gate_views(cache)


def gru_backward(dh, cache):
    """Backpropagation through time for gru_forward.

    Inputs:
    - dh: (N, T, H) gradient of the loss with respect to every hidden state
      (zeros at steps where no loss is computed)
    - cache: from gru_forward

    Returns:
    - dx: (N, T, D) (None if x held token ids), dh0: (N, H), dWx: (D, 3H),
      dWh: (H, 3H), db: (3H,)

    The same maths as gru_step_backward, run from the last step to the first
    (a test checks that they agree). The factors that do not depend on the
    incoming gradient are computed for all steps before the loop.
    """
    check_cache("gru_backward", cache, "gru_forward", keys=("x", "h0", "Wx", "Wh", "gates", "h", "r"))
    x, Wx, Wh, gates, h = (cache[k] for k in ("x", "Wx", "Wh", "gates", "h"))
    dims = check_arrays("gru_backward", h=(h, "N,T,H"), dh=(dh, "N,T,H"))
    check_finite("gru_backward", dh=dh)
    N, T, H = dims["N"], dims["T"], dims["H"]
    # Time-major views (no copies when the cache comes from gru_forward).
    gates, h, dh = (a.transpose(1, 0, 2) for a in (gates, h, dh))
    r, z, n = (gates[..., k * H:(k + 1) * H] for k in range(3))
    # The state before each step: h0, h_1, ..., h_{T-1}.
    h_prev = np.concatenate([cache["h0"][None], h[:-1]], axis=0)[:T]  # (T, N, H); none if T = 0
    # da = [drh * h_prev * r', dh * (h_prev - n) * z', dh * (1 - z) * n'] with
    # s' = s (1 - s) and n' = 1 - n**2: the factors beside dh and drh go into da now.
    da = np.empty((T, N, 3 * H), dtype=gates.dtype)
    np.multiply(h_prev, r * (1.0 - r), out=da[..., :H])
    np.multiply(h_prev - n, z * (1.0 - z), out=da[..., H:2 * H])
    np.multiply(1.0 - z, 1.0 - n * n, out=da[..., 2 * H:])
    Wh_rz_T, Wh_n_T = Wh[:, :2 * H].T.copy(), Wh[:, 2 * H:].T.copy()  # (2H, H), (H, H)
    dh_next = np.zeros_like(cache["h0"])  # gradient flowing back from step t+1
    for t in reversed(range(T)):
        dh_t = dh[t] + dh_next  # (N, H): from the loss at t and from step t+1
        a = da[t]
        a[:, H:2 * H] *= dh_t
        a[:, 2 * H:] *= dh_t
        drh = a[:, 2 * H:] @ Wh_n_T  # (N, H) gradient at r * h_prev
        a[:, :H] *= drh
        # h_prev is used three times: directly, inside r * h_prev, and in the gates.
        dh_next = dh_t * z[t] + drh * r[t] + a[:, :2 * H] @ Wh_rz_T
    # Every weight gradient is a sum over steps: do each sum as one product.
    dx, dWx = input_grads(x, Wx, da)
    dWh, db = _recurrent_grads(da.reshape(T * N, 3 * H), h_prev.reshape(T * N, H), r.reshape(T * N, H))
    return dx, dh_next, dWx, dWh, db
