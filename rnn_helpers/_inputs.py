"""The input side of the recurrent layers: x_t @ Wx + b for every step, and its gradients.

rnn_forward, lstm_forward and gru_forward take their inputs x in one of two forms:

- floats, (N, T, D): a vector of D numbers at every step;
- token ids, (N, T) integers in [0, D): each id stands for its one-hot vector
  of length D, a 1 at the id and 0 elsewhere.

A one-hot x_t picks one row of the input weights: x_t @ Wx = Wx[id]. So for
ids the input projection of all T steps is a gather of rows, (T, N, G), with no
product, and the gradient of Wx adds up da over the steps that read each id.
This is the input of a character model with a small vocabulary (d2l's and
Karpathy's min-char-rnn read one-hot characters), and of any embedding
followed by the layer: (onehot @ W_embed) @ Wx = onehot @ (W_embed @ Wx), so
the layer can read the ids through the folded weights W_embed @ Wx (see
CharLM).
"""
import numpy as np

from ._checks import check_arrays, check_index_range

ONEHOT_BLOCK = 2 ** 18  # entries of one block of one-hot rows in input_grads (1 MB in float32)
ONEHOT_MAX_D = 256  # above this many ids, input_grads adds rows with np.add.at instead


def reads_ids(x):
    """True if x holds token ids, (N, T) integers, rather than (N, T, D) floats."""
    return isinstance(x, np.ndarray) and x.dtype.kind in "iu" and x.ndim == 2


def check_inputs(where, x, Wx, wx_spec, /, **specs):
    """check_arrays(where, x=..., **specs) for x given as floats (N, T, D) or as ids (N, T).

    specs: the layer's other arrays, as for check_arrays. For ids, D is the
    number of rows of Wx (wx_spec, e.g. "D,4H", is its shape for the message
    if Wx is not a 2-D float array) and every id must lie in [0, D).
    Returns dims with N, T, D and whatever specs name.
    """
    if isinstance(x, np.ndarray) and x.dtype.kind in "iu" and x.ndim != 2:
        raise ValueError(f"{where}: x must be (N, T, D) floats or (N, T) integer token ids, "
                         f"got integers of shape {x.shape}")
    if not reads_ids(x):
        return check_arrays(where, x=(x, "N,T,D"), **specs)
    dims = check_arrays(where, x=(x, "int:N,T"), **specs)
    if "D" not in dims:  # Wx is checked later, with the gates' sizes: read D from it now
        check_arrays(where, Wx=(Wx, wx_spec))
        dims["D"], dims.source["D"] = Wx.shape[0], "Wx"
    check_index_range(where, "x", x, 0, dims["D"], high_name="D, the rows of Wx")
    return dims


def float_dtype(x, *arrays):
    """The dtype of the layer's arrays: numpy's result type of the float ones (ids do not count)."""
    return np.result_type(*arrays) if reads_ids(x) else np.result_type(x, *arrays)


def project(x, Wx, b, dtype):
    """x_t @ Wx + b for every step t, time-major: a new (T, N, G) array of dtype."""
    if reads_ids(x):
        out = Wx.astype(dtype, copy=False)[x.T]  # row x[n, t] of Wx for each step: (T, N, G)
    else:
        (N, T, D), G = x.shape, Wx.shape[1]
        out = np.empty((T, N, G), dtype=dtype)
        np.matmul(x.transpose(1, 0, 2).reshape(T * N, D), Wx, out=out.reshape(T * N, G))
    out += b
    return out


def input_grads(x, Wx, da):
    """Gradients of x_t @ Wx given da: (T, N, G) at every step, time-major.

    Returns dx: (N, T, D), or None for ids (an integer has no gradient), and
    dWx: (D, G). For floats, dWx = sum over steps of x_t.T @ da_t. For ids,
    x_t is one-hot, so row v of dWx is the sum of da over the steps that read
    id v. For up to ONEHOT_MAX_D ids (a character vocabulary) that sum is
    one-hot.T @ da, done in blocks of rows so that the one-hot matrix stays
    small: several times faster than np.add.at. The product's work grows
    with D, so a larger vocabulary adds the rows of da with np.add.at.
    """
    T, N, G = da.shape
    D = Wx.shape[0]
    da2 = da.reshape(T * N, G)
    if not reads_ids(x):
        dx = (da2 @ Wx.T).reshape(T, N, D).transpose(1, 0, 2)  # (N, T, D)
        return dx, x.transpose(1, 0, 2).reshape(T * N, D).T @ da2
    ids = x.T.reshape(-1)  # (T*N,), time-major like da2
    dWx = np.zeros((D, G), dtype=da.dtype)
    if D > ONEHOT_MAX_D:
        np.add.at(dWx, ids, da2)  # dWx[ids[k]] += da2[k], repeated ids summed
        return None, dWx
    rows = max(1, ONEHOT_BLOCK // max(D, 1))  # one-hot blocks of at most ONEHOT_BLOCK entries
    for start in range(0, T * N, rows):
        block = ids[start:start + rows]
        onehot = np.zeros((len(block), D), dtype=da.dtype)
        onehot[np.arange(len(block)), block] = 1.0
        dWx += onehot.T @ da2[start:start + rows]
    return None, dWx
