"""Optimisers over dicts of parameters, and global-norm gradient clipping.

Parameters live in a dict of arrays (params["Wh"]); gradients in a dict with
the same keys. An optimiser keeps a reference to the params dict and updates
its arrays in place on every step(grads).

step() refuses a gradient with NaN or inf (it would poison the parameters for
good); global_norm and clip_grad_norm pass NaN through, so a training loop
can read a NaN norm as divergence.
"""
import numpy as np

from ._checks import check_finite, check_number


def _check_arrays_dict(where, name, d, like=None):
    """d must be a non-empty dict of floating-point arrays (shaped and keyed like `like`)."""
    if not isinstance(d, dict) or not d:
        raise ValueError(f"{where}: {name} must be a non-empty dict of numpy arrays, got "
                         f"{type(d).__name__ if not isinstance(d, dict) else 'an empty dict'}")
    if like is not None and set(d) != set(like):
        raise ValueError(f"{where}: {name} must have the keys {sorted(like)}, got {sorted(d)}")
    for k, a in d.items():
        if not isinstance(a, np.ndarray) or a.dtype.kind != "f":  # floating point
            raise ValueError(f"{where}: {name}[{k!r}] must be a floating-point numpy array, got "
                             f"{getattr(a, 'dtype', type(a).__name__)}")
        if like is not None and a.shape != like[k].shape:
            raise ValueError(f"{where}: {name}[{k!r}] must have shape {like[k].shape}, got {a.shape}")


def _check_grads(where, params, grads):
    _check_arrays_dict(where, "grads", grads, like=params)
    check_finite(where, **{f"grads[{k!r}]": g for k, g in grads.items()})


class SGD:
    """Stochastic gradient descent with optional momentum.

    v = momentum * v - lr * grad;  param += v
    """

    def __init__(self, params, lr=1e-2, momentum=0.0):
        _check_arrays_dict("SGD", "params", params)
        check_number("SGD", "lr", lr)
        check_number("SGD", "momentum", momentum, "[0, 1)")
        self.params, self.lr, self.momentum = params, lr, momentum
        self.velocity = {k: np.zeros_like(p) for k, p in params.items()}

    def step(self, grads):
        _check_grads("SGD.step", self.params, grads)
        for k, p in self.params.items():
            v = self.velocity[k]
            v *= self.momentum
            v -= self.lr * grads[k]
            p += v


class Adam:
    """Adam (Kingma & Ba, 2015): a per-parameter step from running averages.

    m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g**2
    param -= lr * m_hat / (sqrt(v_hat) + eps), with bias-corrected m_hat, v_hat.
    """

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        _check_arrays_dict("Adam", "params", params)
        check_number("Adam", "lr", lr)
        check_number("Adam", "beta1", beta1, "[0, 1)")
        check_number("Adam", "beta2", beta2, "[0, 1)")
        check_number("Adam", "eps", eps)
        self.params, self.lr = params, lr
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = {k: np.zeros_like(p) for k, p in params.items()}
        self.v = {k: np.zeros_like(p) for k, p in params.items()}
        self.t = 0

    def step(self, grads):
        _check_grads("Adam.step", self.params, grads)
        self.t += 1
        # Bias corrections undo the zero start of m and v.
        c1 = 1 - self.beta1 ** self.t
        c2 = 1 - self.beta2 ** self.t
        for k, p in self.params.items():
            g, m, v = grads[k], self.m[k], self.v[k]
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            p -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)


def global_norm(grads):
    """sqrt of the sum of squares of every entry of every gradient (NaN if any entry is NaN)."""
    _check_arrays_dict("global_norm", "grads", grads)
    return float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))


def clip_grad_norm(grads, max_norm):
    """Scale all gradients together so their global norm is at most max_norm.

    Unlike clipping each entry to [-c, c], this keeps the gradient's
    direction: every entry is multiplied by the same factor.

    Inputs: grads: dict of arrays, changed in place; max_norm: positive float.
    Returns: the global norm before clipping.
    """
    check_number("clip_grad_norm", "max_norm", max_norm)
    norm = global_norm(grads)
    if norm > max_norm:
        scale = max_norm / (norm + 1e-12)
        for g in grads.values():
            g *= scale
    return norm
