"""The non-recurrent layers a sequence model needs, forward and backward.

Dimensions: N batch, T time steps, D input features, M outputs, V vocabulary.

Each forward returns (out, cache); each backward takes (dout, cache) and
returns the gradients of its inputs, in the order of the forward's arguments.
Losses return (loss, dscores) directly: they end the forward pass.
Every function checks shapes and dtypes, and that its arrays hold no NaN or
inf (one pass over each array per call; see _checks.py for why here).
"""
import numpy as np

from ._checks import check_arrays, check_cache, check_finite, check_index_range


def affine_forward(x, w, b):
    """Fully connected layer: out = x @ w + b.

    Inputs: x (N, D), w (D, M), b (M,). Returns: out (N, M), cache.
    """
    check_arrays("affine_forward", x=(x, "N,D"), w=(w, "D,M"), b=(b, "M"))
    check_finite("affine_forward", x=x, w=w, b=b)
    return x @ w + b, (x, w)


def affine_backward(dout, cache):
    """Returns dx (N, D), dw (D, M), db (M,) for dout (N, M)."""
    check_cache("affine_backward", cache, "affine_forward", length=2)
    x, w = cache
    check_arrays("affine_backward", x=(x, "N,D"), w=(w, "D,M"), dout=(dout, "N,M"))
    check_finite("affine_backward", dout=dout)
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def temporal_affine_forward(x, w, b):
    """The same affine layer applied at every time step.

    Inputs: x (N, T, D), w (D, M), b (M,). Returns: out (N, T, M), cache.
    """
    dims = check_arrays("temporal_affine_forward", x=(x, "N,T,D"), w=(w, "D,M"), b=(b, "M"))
    check_finite("temporal_affine_forward", x=x, w=w, b=b)
    N, T, D, M = dims["N"], dims["T"], dims["D"], dims["M"]
    # Fold time into the batch: one product for every step.
    out = (x.reshape(N * T, D) @ w).reshape(N, T, M)
    if np.result_type(out, b) == out.dtype:
        out += b  # in place: no second (N, T, M) array
    else:
        out = out + b  # a wider b widens the scores, as in affine_forward's x @ w + b
    return out, (x, w)


def temporal_affine_backward(dout, cache):
    """Returns dx (N, T, D), dw (D, M), db (M,) for dout (N, T, M)."""
    check_cache("temporal_affine_backward", cache, "temporal_affine_forward", length=2)
    x, w = cache
    dims = check_arrays("temporal_affine_backward", x=(x, "N,T,D"), w=(w, "D,M"),
                        dout=(dout, "N,T,M"))
    check_finite("temporal_affine_backward", dout=dout)
    N, T, D, M = dims["N"], dims["T"], dims["D"], dims["M"]
    dout2 = dout.reshape(N * T, M)  # (N*T, M)
    dx = (dout2 @ w.T).reshape(N, T, D)
    dw = x.reshape(N * T, D).T @ dout2
    return dx, dw, dout2.sum(axis=0)


def embedding_forward(idx, W):
    """Look up a D-dimensional vector for every token index.

    Inputs: idx (N, T) integers in [0, V), W (V, D). Returns: out (N, T, D), cache.
    """
    dims = check_arrays("embedding_forward", idx=(idx, "int:N,T"), W=(W, "V,D"))
    check_index_range("embedding_forward", "idx", idx, 0, dims["V"])  # V = W.shape[0]
    check_finite("embedding_forward", W=W)
    return W[idx], (idx, W.shape)


def embedding_backward(dout, cache):
    """Returns dW (V, D) for dout (N, T, D).

    A token that appears several times collects the sum of its gradients
    (plain dW[idx] += dout would keep only one of them).
    """
    check_cache("embedding_backward", cache, "embedding_forward", length=2)
    idx, W_shape = cache
    check_arrays("embedding_backward", idx=(idx, "int:N,T"), dout=(dout, "N,T,D"))
    if dout.shape[2] != W_shape[1]:
        raise ValueError(f"embedding_backward: dout must have shape (N, T, D) with D = "
                         f"{W_shape[1]}, the width of W, got {dout.shape}")
    check_finite("embedding_backward", dout=dout)
    # Column j of dW is a weighted count: np.bincount adds dout[..., j] per token,
    # an order of magnitude faster than np.add.at(dW, idx, dout) (the same sums).
    V, D = W_shape
    flat, dout2 = idx.reshape(-1), dout.reshape(-1, D).T  # (N*T,), (D, N*T)
    dW = np.empty(W_shape, dtype=dout.dtype)
    for j in range(D):
        dW[:, j] = np.bincount(flat, weights=dout2[j], minlength=V)
    return dW


def mse_loss(pred, y):
    """Mean squared error over every entry, and its gradient.

    Inputs: pred (N, M), y (N, M). Returns: loss (float), dpred (N, M).
    """
    check_arrays("mse_loss", pred=(pred, "N,M"), y=(y, "N,M"))
    check_finite("mse_loss", pred=pred, y=y)
    if pred.size == 0:
        raise ValueError(f"mse_loss: pred must hold at least one entry, got shape {pred.shape}")
    diff = pred - y
    loss = float(np.mean(diff * diff))
    return loss, 2.0 * diff / diff.size


def log_softmax(scores):
    """Log-probabilities from unnormalised scores, along the last axis.

    Shifted by each row's maximum first, so exp never overflows.
    Inputs: scores: (..., V). Returns: (..., V), each row's exp summing to 1.
    """
    lead = [f"n{i}" for i in range(max(getattr(scores, "ndim", 1), 1) - 1)]  # any leading axes
    check_arrays("log_softmax", scores=(scores, ",".join(lead + ["V"])))
    if scores.shape[-1] == 0:
        raise ValueError(f"log_softmax: scores must hold at least one score per row (V >= 1), "
                         f"got shape {scores.shape}")
    check_finite("log_softmax", scores=scores)
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def temporal_softmax_loss(scores, y, mask=None):
    """Softmax cross-entropy at every time step, averaged over the counted steps.

    Inputs:
    - scores: (N, T, V) unnormalised log-probabilities
    - y: (N, T) integer targets in [0, V)
    - mask: (N, T) booleans, True where the step counts (None: all count)

    Returns:
    - loss: mean cross-entropy per counted step, in nats (divide by ln 2 for bits)
    - dscores: (N, T, V)
    """
    dims = check_arrays("temporal_softmax_loss", scores=(scores, "N,T,V"), y=(y, "int:N,T"))
    check_finite("temporal_softmax_loss", scores=scores)
    N, T, V = dims["N"], dims["T"], dims["V"]
    check_index_range("temporal_softmax_loss", "y", y, 0, V)
    if mask is None:
        mask = np.ones((N, T), dtype=bool)
    elif not isinstance(mask, np.ndarray) or mask.shape != (N, T):
        raise ValueError(f"temporal_softmax_loss: mask must have shape (N, T) = {(N, T)}, "
                         f"got {getattr(mask, 'shape', type(mask).__name__)}")
    elif mask.dtype != bool:
        raise ValueError(f"temporal_softmax_loss: mask must be a boolean array, got dtype {mask.dtype}")
    count = max(int(mask.sum()), 1)
    s = scores.reshape(N * T, V)  # (N*T, V)
    yf, mf = y.reshape(N * T), mask.reshape(N * T).astype(scores.dtype)
    # One exp: p = exp(s - max) / sum gives both the loss and its gradient.
    shifted = s - s.max(axis=1, keepdims=True)  # (N*T, V), at most 0: exp never overflows
    rows = np.arange(N * T)
    shifted_y = shifted[rows, yf]  # (N*T,), read before exp overwrites shifted
    p = np.exp(shifted, out=shifted)
    sums = p.sum(axis=1)  # (N*T,)
    # -log p[y] = log(sum) - shifted[y]
    loss = float(np.sum((np.log(sums) - shifted_y) * mf)) / count
    # d(loss)/d(scores) = softmax - onehot, for the counted steps only.
    p *= (mf / (count * sums))[:, None]
    p[rows, yf] -= mf / count
    return loss, p.reshape(N, T, V)
