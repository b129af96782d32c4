"""Weight initialisers.

Why it matters for an RNN: the recurrent matrix Wh is applied T times. With
Wh ~ randn(H, H) its largest singular value is about 2*sqrt(H) (about 23 for
H = 128), so pre-activations are huge, tanh saturates, and the gradients of
the unsaturated units grow step after step. Scaled initialisers keep the
signal at a size tanh can work with.
"""
import numpy as np

from ._checks import check_int, check_number, check_rng


def xavier(fan_in, fan_out, rng, shape=None):
    """Glorot/Xavier normal: std = sqrt(2 / (fan_in + fan_out)).

    Keeps the variance of activations and of gradients about the same from
    layer to layer (or step to step) for tanh-like units near 0.

    Inputs: fan_in, fan_out: ints; rng: np.random.Generator;
    shape: output shape, default (fan_in, fan_out).
    Returns: float64 array.
    """
    check_int("xavier", "fan_in", fan_in)
    check_int("xavier", "fan_out", fan_out)
    check_rng("xavier", rng)
    if shape is not None and not (isinstance(shape, tuple)
                                  and all(isinstance(n, (int, np.integer)) and n >= 0 for n in shape)):
        raise ValueError(f"xavier: shape must be None or a tuple of sizes >= 0, got {shape!r}")
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, size=shape or (fan_in, fan_out))


def orthogonal(n, rng, gain=1.0):
    """A random (n, n) orthogonal matrix times gain: every singular value is gain.

    An orthogonal Wh neither grows nor shrinks the hidden state's norm, so a
    linear recurrence keeps gradients the same size over any number of steps.
    """
    check_int("orthogonal", "n", n)
    check_rng("orthogonal", rng)
    check_number("orthogonal", "gain", gain, "(-inf, inf)")
    # QR of a Gaussian matrix; fixing the signs of R's diagonal makes Q uniform.
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return gain * q * np.sign(np.diag(r))
