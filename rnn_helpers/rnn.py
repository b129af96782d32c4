"""A vanilla (Elman) recurrent layer, forward and backward, in numpy.

Dimensions: N batch, T time steps, D input features, H hidden units.

Notes
-----
One step reads an input x_t and the previous hidden state h_{t-1}:

    a_t = x_t @ Wx + h_{t-1} @ Wh + b        (N, H)
    h_t = tanh(a_t)        (or relu(a_t))

Backpropagation through time (BPTT) runs the same step backwards. The
gradient reaching h_t comes from the loss at step t *and* from step t+1:

    da_t        = (dh_t + dh_next) * tanh'(a_t),   tanh'(a_t) = 1 - h_t**2
    dh_{t-1}   += da_t @ Wh.T        # note the transpose
    dWh        += h_{t-1}.T @ da_t

The sequence functions hoist the input projection x @ Wx out of the time
loop (one (N*T, D) @ (D, H) product, or a gather of rows of Wx when x holds
token ids: see _inputs.py), and likewise the weight gradients, so the only
Python loop is over time, and it holds one small product per step.

Every public function checks the shapes and dtypes of what it is given, and
that it holds no NaN or inf: once per call, never inside the time loop (see
_checks.py for where the checks go and what they cost).
"""
import numpy as np

from ._checks import check_arrays, check_cache, check_choice, check_finite
from ._inputs import check_inputs, float_dtype, input_grads, project

ACTIVATIONS = ("tanh", "relu")


def _activate(a, activation):
    return np.tanh(a) if activation == "tanh" else np.maximum(a, 0.0)


def _activation_grad(h, activation):
    """Derivative of the activation, written in terms of its output h."""
    return 1.0 - h * h if activation == "tanh" else (h > 0).astype(h.dtype)


def rnn_step_forward(x, h_prev, Wx, Wh, b, activation="tanh"):
    """One time step of a vanilla RNN.

    Inputs:
    - x: (N, D) inputs at this step
    - h_prev: (N, H) hidden state from the previous step
    - Wx: (D, H) input-to-hidden weights
    - Wh: (H, H) hidden-to-hidden (recurrent) weights
    - b: (H,) bias
    - activation: "tanh" (default) or "relu"

    Returns:
    - h: (N, H) next hidden state
    - cache: what rnn_step_backward needs
    """
    check_arrays("rnn_step_forward", x=(x, "N,D"), h_prev=(h_prev, "N,H"),
                 Wx=(Wx, "D,H"), Wh=(Wh, "H,H"), b=(b, "H"))
    check_finite("rnn_step_forward", x=x, h_prev=h_prev, Wx=Wx, Wh=Wh, b=b)
    check_choice("rnn_step_forward", "activation", activation, ACTIVATIONS)
    h = _activate(x @ Wx + h_prev @ Wh + b, activation)  # (N, H)
    cache = (x, h_prev, Wx, Wh, h, activation)
    return h, cache


def rnn_step_backward(dh, cache):
    """Backward pass for one time step.

    Inputs:
    - dh: (N, H) gradient of the loss with respect to the output h
    - cache: from rnn_step_forward

    Returns:
    - dx: (N, D), dh_prev: (N, H), dWx: (D, H), dWh: (H, H), db: (H,)
    """
    check_cache("rnn_step_backward", cache, "rnn_step_forward", length=6)
    x, h_prev, Wx, Wh, h, activation = cache
    check_arrays("rnn_step_backward", h=(h, "N,H"), dh=(dh, "N,H"))
    check_finite("rnn_step_backward", dh=dh)
    # Through the nonlinearity: gradient with respect to the pre-activation a.
    da = dh * _activation_grad(h, activation)  # (N, H)
    # a = x @ Wx + h_prev @ Wh + b, so each input gets da times its weight, transposed.
    dx = da @ Wx.T
    dh_prev = da @ Wh.T
    dWx = x.T @ da
    dWh = h_prev.T @ da
    db = da.sum(axis=0)
    return dx, dh_prev, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh"):
    """Run a vanilla RNN over a whole batch of sequences.

    Inputs:
    - x: (N, T, D) input sequences, or (N, T) token ids in [0, D), each read as
      its one-hot vector: x_t @ Wx is then a row of Wx (see _inputs.py)
    - h0: (N, H) initial hidden state
    - Wx: (D, H), Wh: (H, H), b: (H,) as in rnn_step_forward
    - activation: "tanh" (default) or "relu"

    Returns:
    - h: (N, T, H) hidden state at every step
    - cache: what rnn_backward needs
    """
    dims = check_inputs("rnn_forward", x, Wx, "D,H", h0=(h0, "N,H"),
                        Wx=(Wx, "D,H"), Wh=(Wh, "H,H"), b=(b, "H"))
    check_finite("rnn_forward", x=x, h0=h0, Wx=Wx, Wh=Wh, b=b)
    check_choice("rnn_forward", "activation", activation, ACTIVATIONS)
    N, T, H = dims["N"], dims["T"], dims["H"]
    # Time-major (T, N, H), so that each step reads and writes one contiguous block.
    # The inputs of all T steps at once, x_t @ Wx + b, are h's first values.
    h = project(x, Wx, b, float_dtype(x, h0, Wx, Wh, b))
    hWh = np.empty((N, H), dtype=h.dtype)  # h_{t-1} @ Wh, reused every step
    h_t = h0
    for t in range(T):
        # The same step as rnn_step_forward, with its input part precomputed.
        h[t] += np.matmul(h_t, Wh, out=hWh)
        h_t = np.tanh(h[t], out=h[t]) if activation == "tanh" else np.maximum(h[t], 0.0, out=h[t])
    h = h.transpose(1, 0, 2)  # (N, T, H), a view
    cache = (x, h0, Wx, Wh, h, activation)
    return h, cache


def rnn_backward(dh, cache):
    """Backpropagation through time for rnn_forward.

    Inputs:
    - dh: (N, T, H) gradient of the loss with respect to every hidden state
      (zeros at steps where no loss is computed)
    - cache: from rnn_forward

    Returns:
    - dx: (N, T, D) (None if x held token ids), dh0: (N, H), dWx: (D, H),
      dWh: (H, H), db: (H,)
    """
    check_cache("rnn_backward", cache, "rnn_forward", length=6)
    x, h0, Wx, Wh, h, activation = cache
    dims = check_arrays("rnn_backward", h=(h, "N,T,H"), dh=(dh, "N,T,H"))
    check_finite("rnn_backward", dh=dh)
    N, T, H = dims["N"], dims["T"], dims["H"]
    # Time-major views (T, N, H), as rnn_forward stores h.
    h, dh = h.transpose(1, 0, 2), dh.transpose(1, 0, 2)
    da = _activation_grad(h, activation)  # (T, N, H), times the incoming gradient below
    dh_next = np.zeros_like(h0)  # gradient flowing back from step t+1
    WhT = np.ascontiguousarray(Wh.T)  # (H, H)
    for t in reversed(range(T)):
        da[t] *= dh[t] + dh_next  # the gradient at the pre-activation a_t
        dh_next = da[t] @ WhT
    # Every weight gradient is a sum over steps: do each sum as one product.
    h_prev = np.concatenate([h0[None], h[:-1]], axis=0)[:T]  # (T, N, H): h_{t-1} (none if T = 0)
    da2 = da.reshape(T * N, H)  # (T*N, H)
    dx, dWx = input_grads(x, Wx, da)
    dWh = h_prev.reshape(T * N, H).T @ da2
    db = da2.sum(axis=0)
    return dx, dh_next, dWx, dWh, db


def bptt_grad_norms(dh_last, cache):
    """How big the gradient is at every step when the loss reads only h_T.

    Runs the backward recurrence dh_{t-1} = (dh_t * act'(a_t)) @ Wh.T from
    the last step to the first and records the norm of dL/dh_t at each step.

    Inputs:
    - dh_last: (N, H) gradient of the loss with respect to the last state h_T
    - cache: from rnn_forward

    Returns:
    - norms: (T,) mean over the batch of ||dL/dh_t||, for t = 1..T
      (norms[-1] is the last step, norms[0] the first)
    """
    check_cache("bptt_grad_norms", cache, "rnn_forward", length=6)
    x, h0, Wx, Wh, h, activation = cache
    dims = check_arrays("bptt_grad_norms", h=(h, "N,T,H"), dh_last=(dh_last, "N,H"))
    check_finite("bptt_grad_norms", dh_last=dh_last)
    T = dims["T"]
    norms = np.empty(T)
    dh_t = dh_last
    for t in reversed(range(T)):
        norms[t] = np.linalg.norm(dh_t, axis=1).mean()
        dh_t = (dh_t * _activation_grad(h[:, t], activation)) @ Wh.T
    return norms
