"""How big the gradient is, step by step back from the loss: vanishing and exploding.

Dimensions: N batch, T time steps, D input features, H hidden units.

Notes
-----
For a vanilla RNN, h_t = act(a_t) with a_t = x_t @ Wx + h_{t-1} @ Wh + b. When
the loss reads only the last state h_T, the chain rule gives the gradient at
every earlier state as a product of Jacobians:

    dh_t/dh_{t-1} = J_t = diag(act'(a_t)) Wh.T                 (H, H)
    dL/dh_t       = J_{t+1}.T ... J_T.T dL/dh_T

In code (rows are samples) one step back is dh_{t-1} = (dh_t * act'(a_t)) @ Wh.T,
which is what rnn.bptt_grad_norms runs. `jacobian_product_norms` computes the
same numbers the slow, explicit way (it builds each J_t and multiplies the
matrices), so the two check each other.

Two numbers of Wh bound the product. The spectral radius (largest |eigenvalue|)
sets how (Wh.T)^k grows for large k; the largest singular value bounds one
step, ||v @ Wh.T|| <= sigma_max ||v||. The activation's slope act'(a) multiplies
in as well: tanh'(a) = 1 - tanh(a)^2 <= 1, and near 0 once tanh saturates.

The widget of notebook 04 calls `explore_gradients`, a plain function of
plain arguments: gradient_norms computes, plots.plot_gradient_explorer draws.
"""
import numpy as np

from . import layers, recurrent, rnn
from ._checks import (check_arrays, check_cache, check_choice, check_finite, check_index_range,
                      check_int, check_number, check_rng, check_seed)

KINDS = ("gaussian", "orthogonal", "identity")
ACTIVATIONS = ("tanh", "relu", "linear")
FLAT_SLOPE = 0.02  # a unit whose slope act'(a) is below this passes almost no gradient


def recurrent_matrix(H, scale, rng, kind="gaussian"):
    """A recurrent weight matrix Wh: (H, H) with a chosen size.

    kind:
    - "gaussian": standard normal entries, rescaled so the spectral radius
      (largest |eigenvalue|) equals scale; its largest singular value is then
      about 2 * scale
    - "orthogonal": scale times a random orthogonal matrix, so every singular
      value (and every |eigenvalue|) equals scale
    - "identity": scale times the identity (the IRNN of Le et al., 2015)
    """
    check_int("recurrent_matrix", "H", H)
    check_number("recurrent_matrix", "scale", scale)
    check_rng("recurrent_matrix", rng)
    check_choice("recurrent_matrix", "kind", kind, KINDS)
    if kind == "identity":
        return scale * np.eye(H)
    W = rng.normal(size=(H, H))
    if kind == "gaussian":
        return W * (scale / spectral_radius(W))
    # QR of a Gaussian matrix; fixing the signs of R's diagonal makes Q uniform.
    q, r = np.linalg.qr(W)
    return scale * q * np.sign(np.diag(r))


def _check_square(where, W):
    """W must be a finite (H, H) float matrix with H >= 1."""
    dims = check_arrays(where, W=(W, "H,H"))
    if dims["H"] == 0:
        raise ValueError(f"{where}: W must be at least (1, 1), got {W.shape}")
    check_finite(where, W=W)


def spectral_radius(W):
    """Largest |eigenvalue| of a square matrix W: (H, H)."""
    _check_square("spectral_radius", W)
    return float(np.abs(np.linalg.eigvals(W)).max())


def largest_singular_value(W):
    """Largest singular value of W: (H, H), the most one product v @ W can stretch v."""
    _check_square("largest_singular_value", W)
    return float(np.linalg.svd(W, compute_uv=False)[0])


def jacobian_product_norms(dh_last, cache):
    """||dL/dh_t|| for t = 1..T by multiplying the explicit Jacobians J_t.

    The slow, independent twin of rnn.bptt_grad_norms: it builds every
    J_t = diag(act'(a_t)) Wh.T as a matrix, multiplies them into
    P_t = dh_T/dh_t, and reads dL/dh_t = dh_last @ P_t.

    Inputs:
    - dh_last: (N, H) gradient of the loss with respect to h_T
    - cache: from rnn.rnn_forward

    Returns:
    - norms: (T,) mean over the batch of ||dL/dh_t||, norms[-1] for t = T
    """
    check_cache("jacobian_product_norms", cache, "rnn.rnn_forward", length=6)
    x, h0, Wx, Wh, h, activation = cache
    dims = check_arrays("jacobian_product_norms", h=(h, "N,T,H"), dh_last=(dh_last, "N,H"))
    check_finite("jacobian_product_norms", dh_last=dh_last)
    N, T, H = dims["N"], dims["T"], dims["H"]
    slope = rnn._activation_grad(h, activation)  # (N, T, H): act'(a_t) from h_t
    P = np.broadcast_to(np.eye(H), (N, H, H))  # dh_T/dh_T, one per sample
    norms = np.empty(T)
    for t in reversed(range(T)):
        g = np.einsum("ni,nij->nj", dh_last, P)  # (N, H): dL/dh_t = dh_last @ dh_T/dh_t
        norms[t] = np.linalg.norm(g, axis=1).mean()
        # J_t[n] = diag(slope[n, t]) @ Wh.T, so dh_T/dh_{t-1} = dh_T/dh_t @ J_t.
        J = slope[:, t, :, None] * Wh.T[None]  # (N, H, H)
        P = P @ J
    return norms


def _linear_norms(dh_last, Wh, T):
    """||dL/dh_t|| for h_t = x_t @ Wx + h_{t-1} @ Wh: each step back is @ Wh.T."""
    norms, g = np.empty(T), dh_last
    for t in reversed(range(T)):
        norms[t] = np.linalg.norm(g, axis=1).mean()
        g = g @ Wh.T
    return norms


def gradient_norms(scale, seq_len=50, activation="tanh", hidden_size=64, kind="gaussian",
                   input_scale=1.0, batch_size=64, seed=0):
    """Measure ||dL/dh_t|| through time for a random RNN with a chosen Wh.

    The RNN reads random inputs x ~ N(0, 1) of D = 8 features through
    Wx ~ N(0, input_scale**2 / D), so each unit's input drive has standard
    deviation input_scale; b = 0, h_0 = 0. The loss reads h_T only, through a
    random unit vector per sample: ||dL/dh_T|| = 1.

    Inputs:
    - scale: spectral radius of Wh ("gaussian"), or its every singular value
      ("orthogonal", "identity"); see recurrent_matrix
    - seq_len: T; activation: "tanh", "relu" or "linear" (no activation)
    - hidden_size: H; kind: how Wh is drawn; input_scale: size of the input drive
    - batch_size: N sequences averaged over; seed: seeds every draw

    Returns a dict:
    - "norms": (T,) mean ||dL/dh_t|| for t = 1..T (norms[-1] = 1)
    - "ratio": norms[0] / norms[-1], the growth from the last step to the first
    - "per_step": ratio ** (1 / (T - 1)), the typical factor of one step back
    - "overflow": True if float64 overflowed; the norms it made undefined are NaN
    - "mean_slope": mean of act'(a_t) over every unit, step and sample
    - "rms_slope": root mean square of those slopes; scale * rms_slope predicts
      "per_step", since one step back multiplies the gradient's squared length
      by about the mean of act'**2 times scale**2 for a random Gaussian Wh
    - "flat_share": share of those slopes below FLAT_SLOPE (tanh saturated, relu off)
    - "slopes": (N, T, H) every act'(a_t) (NaN where the state overflowed);
      "spectral_radius", "largest_singular_value" of Wh
    """
    check_int("gradient_norms", "seq_len", seq_len)
    check_int("gradient_norms", "batch_size", batch_size)
    check_int("gradient_norms", "hidden_size", hidden_size)
    check_number("gradient_norms", "input_scale", input_scale)
    check_number("gradient_norms", "scale", scale)
    check_choice("gradient_norms", "activation", activation, ACTIVATIONS)
    check_choice("gradient_norms", "kind", kind, KINDS)
    check_seed("gradient_norms", seed)
    rng = np.random.default_rng(seed)
    N, T, D, H = batch_size, seq_len, 8, hidden_size
    Wh = recurrent_matrix(H, scale, rng, kind)
    Wx = rng.normal(0.0, input_scale / np.sqrt(D), size=(D, H))
    x = rng.normal(size=(N, T, D))
    dh_last = rng.normal(size=(N, H))
    dh_last /= np.linalg.norm(dh_last, axis=1, keepdims=True)  # (N, H), unit rows
    # A large scale can overflow float64 (relu states, or the linear product): caught below.
    with np.errstate(over="ignore", invalid="ignore"):
        if activation == "linear":
            norms, slopes = _linear_norms(dh_last, Wh, T), np.ones((N, T, H))
        else:
            h, cache = rnn.rnn_forward(x, np.zeros((N, H)), Wx, Wh, np.zeros(H), activation)
            norms = rnn.bptt_grad_norms(dh_last, cache)
            slopes = np.where(np.isfinite(h), rnn._activation_grad(h, activation), np.nan)
            # Past an overflowed state the slopes are garbage, so the gradient is undefined.
            overflowed = np.flatnonzero(~np.isfinite(h).all(axis=(0, 2)))  # steps with inf/NaN
            if overflowed.size:
                norms[:overflowed.max() + 1] = np.nan
        ratio = norms[0] / norms[-1]
        per_step = ratio ** (1.0 / max(T - 1, 1))
    finite = slopes[np.isfinite(slopes)]
    return {"norms": norms, "ratio": ratio, "per_step": per_step,
            "overflow": not np.all(np.isfinite(norms)),
            "mean_slope": float(finite.mean()) if finite.size else float("nan"),
            "rms_slope": float(np.sqrt(np.mean(finite ** 2))) if finite.size else float("nan"),
            "flat_share": float(np.mean(finite < FLAT_SLOPE)) if finite.size else float("nan"),
            "slopes": slopes, "spectral_radius": spectral_radius(Wh),
            "largest_singular_value": largest_singular_value(Wh)}


def explore_gradients(scale=1.5, seq_len=50, activation="tanh", kind="gaussian", seed=0):
    """The explorer of notebook 04: measure with gradient_norms, then draw.

    A plain function of plain arguments, so a widget (ipywidgets.interactive)
    can call it on every slider move, and a headless run can call it once.
    Returns the matplotlib Figure.
    """
    from .plots import plot_gradient_explorer  # plots imports matplotlib: only when drawing
    result = gradient_norms(scale, seq_len=seq_len, activation=activation, kind=kind, seed=seed)
    return plot_gradient_explorer(result, scale=scale, activation=activation)


def input_gradient_norms(model, X, y):
    """How much gradient reaches the input of every step, for a sequence classifier.

    Runs the model's loss (softmax cross-entropy, many-to-one) backwards and
    measures ||dL/de_t||, the gradient at the embedded token of step t. It is
    the signal that teaches the model to use token t; it works the same for
    "rnn", "lstm" and "gru" cells.

    Inputs:
    - model: a models.SequenceClassifier with per_step=False
    - X: tokens (N, T) ints; y: (N,) class ids

    Returns:
    - norms: (T,) mean over the batch of ||dL/de_t||, for t = 1..T
    """
    if getattr(model, "per_step", True) or not hasattr(model, "cell"):
        raise ValueError(f"input_gradient_norms: model must be a many-to-one "
                         f"SequenceClassifier (per_step=False), got {type(model).__name__}"
                         f"{' with per_step=True' if getattr(model, 'per_step', False) else ''}")
    check_arrays("input_gradient_norms", X=(X, "int:N,T"), y=(y, "int:N"))
    check_index_range("input_gradient_norms", "X", X, 0, model.params["W_embed"].shape[0], "V")
    check_index_range("input_gradient_norms", "y", y, 0, model.params["Wy"].shape[1], "C")
    scores, (emb_cache, rec_cache, out_cache, h, last) = model.forward(X)
    _, dscores = layers.temporal_softmax_loss(scores[:, None], y[:, None])
    dlast, _, _ = layers.affine_backward(dscores[:, 0], out_cache)  # (N, H)
    # Only the state read by the readout receives gradient from above.
    dh = np.zeros_like(h)
    dh[np.arange(len(last)), last] = dlast
    de = recurrent.backward(model.cell, dh, rec_cache)[0]  # (N, T, E)
    return np.linalg.norm(de, axis=2).mean(axis=0)


def clipping_cosines(grads, max_norm=1.0, clip_value=1.0):
    """Compare element-wise clipping with global-norm clipping on one gradient.

    Inputs:
    - grads: dict name -> array (not changed)
    - max_norm: the global-norm threshold (optim.clip_grad_norm)
    - clip_value: the element-wise threshold, every entry clipped to [-c, c]

    Returns a dict:
    - "norm": the global norm before clipping
    - "clipped_share": share of entries outside [-clip_value, clip_value]
    - "cosine_elementwise", "cosine_global": cosine between the original
      gradient and each clipped one (1: same direction)
    """
    if not isinstance(grads, dict) or not grads or not all(
            isinstance(v, np.ndarray) and v.dtype.kind == "f" for v in grads.values()):
        raise ValueError(f"clipping_cosines: grads must be a non-empty dict of floating-point "
                         f"arrays, got {grads!r:.60}")
    g = np.concatenate([np.ravel(v) for v in grads.values()])  # every entry, flat
    if not np.all(np.isfinite(g)):
        raise ValueError(f"clipping_cosines: grads contains NaN or inf ({np.sum(~np.isfinite(g))} "
                         f"of {g.size} entries)")
    check_number("clipping_cosines", "max_norm", max_norm)
    check_number("clipping_cosines", "clip_value", clip_value)
    norm = float(np.linalg.norm(g))
    if norm == 0:
        raise ValueError("clipping_cosines: the gradient is zero, so it has no direction; "
                         "got grads with every entry 0")
    by_entry = np.clip(g, -clip_value, clip_value)
    by_norm = g * min(1.0, max_norm / norm)  # what optim.clip_grad_norm does

    def cosine(a, b):
        return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    return {"norm": norm, "clipped_share": float(np.mean(np.abs(g) > clip_value)),
            "cosine_elementwise": cosine(g, by_entry), "cosine_global": cosine(g, by_norm)}
