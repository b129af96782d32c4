"""Weight initialisers.

Why it matters for an RNN: the recurrent matrix Wh is applied T times. With
Wh ~ randn(H, H) its largest singular value is about 2*sqrt(H) (about 23 for
H = 128), so pre-activations are huge, tanh saturates, and the gradients of
the unsaturated units grow step after step. Scaled initialisers keep the
signal at a size tanh can work with.
"""
import numpy as np


def _check_sizes(where, **sizes):
    for name, n in sizes.items():
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{where}: {name} must be a positive integer, got {n!r}")


def xavier(fan_in, fan_out, rng, shape=None):
    """Glorot/Xavier normal: std = sqrt(2 / (fan_in + fan_out)).

    Keeps the variance of activations and of gradients about the same from
    layer to layer (or step to step) for tanh-like units near 0.

    Inputs: fan_in, fan_out: ints; rng: np.random.Generator;
    shape: output shape, default (fan_in, fan_out).
    Returns: float64 array.
    """
    _check_sizes("xavier", fan_in=fan_in, fan_out=fan_out)
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, size=shape or (fan_in, fan_out))


def orthogonal(n, rng, gain=1.0):
    """A random (n, n) orthogonal matrix times gain: every singular value is gain.

    An orthogonal Wh neither grows nor shrinks the hidden state's norm, so a
    linear recurrence keeps gradients the same size over any number of steps.
    """
    _check_sizes("orthogonal", n=n)
    # QR of a Gaussian matrix; fixing the signs of R's diagonal makes Q uniform.
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return gain * q * np.sign(np.diag(r))
