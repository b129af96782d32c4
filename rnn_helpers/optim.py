"""Optimisers over dicts of parameters, and global-norm gradient clipping.

Parameters live in a dict of arrays (params["Wh"]); gradients in a dict with
the same keys. An optimiser keeps a reference to the params dict and updates
its arrays in place on every step(grads).
"""
import numpy as np


def _check_grads(where, params, grads):
    if set(grads) != set(params):
        raise ValueError(f"{where}: grads must have the keys {sorted(params)}, got {sorted(grads)}")
    for k, p in params.items():
        if grads[k].shape != p.shape:
            raise ValueError(f"{where}: grads[{k!r}] must have shape {p.shape}, got {grads[k].shape}")


def _check_lr(where, lr):
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"{where}: lr must be a positive number, got {lr!r}")


class SGD:
    """Stochastic gradient descent with optional momentum.

    v = momentum * v - lr * grad;  param += v
    """

    def __init__(self, params, lr=1e-2, momentum=0.0):
        _check_lr("SGD", lr)
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
        _check_lr("Adam", lr)
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
    """sqrt of the sum of squares of every entry of every gradient."""
    return float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))


def clip_grad_norm(grads, max_norm):
    """Scale all gradients together so their global norm is at most max_norm.

    Unlike clipping each entry to [-c, c], this keeps the gradient's
    direction: every entry is multiplied by the same factor.

    Inputs: grads: dict of arrays, changed in place; max_norm: positive float.
    Returns: the global norm before clipping.
    """
    if not max_norm > 0:
        raise ValueError(f"clip_grad_norm: max_norm must be positive, got {max_norm!r}")
    norm = global_norm(grads)
    if norm > max_norm:
        scale = max_norm / (norm + 1e-12)
        for g in grads.values():
            g *= scale
    return norm
