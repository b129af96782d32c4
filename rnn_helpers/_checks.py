"""Input checks shared by every public function in rnn_helpers.

A wrong shape fed to numpy often "works" by broadcasting and produces
nonsense far from the mistake. These helpers stop at the call instead, with a
message naming the argument, the shape expected and the shape received:

    ValueError: rnn_forward: Wh must have shape (H, H) = (8, 8), got (8, 5)
"""
import numpy as np


def check_arrays(where, **specs):
    """Check several arrays against named shapes and return the sizes found.

    Inputs:
    - where: name of the calling function, used in messages.
    - specs: argument name -> (array, shape), where shape is a string of
      dimension names such as "N,T,D" (or "" for a scalar). A name is bound the
      first time it is seen, so later arrays must agree with earlier ones. A
      leading "int:" on the shape asks for an integer array instead of a
      floating-point one. Put arrays the caller did not pass (from a cache)
      first, so a mismatch is blamed on the argument the caller got wrong.

    Returns:
    - dims: dict dimension name -> size, e.g. {"N": 4, "T": 5, "D": 3}.
    """
    dims, source = {}, {}  # size of each dimension, and the argument that set it
    for name, (a, spec) in specs.items():
        want_int = spec.startswith("int:")
        names = [s.strip() for s in spec.removeprefix("int:").split(",") if s.strip()]
        if not isinstance(a, np.ndarray):
            raise ValueError(f"{where}: {name} must be a numpy array of shape "
                             f"({', '.join(names)}), got {type(a).__name__}")
        _check_dtype(where, name, a, want_int)
        if a.ndim != len(names):
            plural = "" if len(names) == 1 else "s"
            raise ValueError(f"{where}: {name} must have shape ({', '.join(names)}) "
                             f"with {len(names)} dimension{plural}, got shape {a.shape}")
        for dim, size in zip(names, a.shape):
            if dims.setdefault(dim, size) != size:
                expected = ", ".join(str(dims.get(d, "?")) for d in names)
                raise ValueError(f"{where}: {name} must have shape ({', '.join(names)}) "
                                 f"= ({expected}), got {a.shape} "
                                 f"({dim} = {dims[dim]} comes from {source[dim]})")
            source.setdefault(dim, name)
    return dims


def _check_dtype(where, name, a, want_int):
    if want_int and not np.issubdtype(a.dtype, np.integer):
        raise ValueError(f"{where}: {name} must hold integer indices, got dtype {a.dtype}")
    if not want_int and not np.issubdtype(a.dtype, np.floating):
        raise ValueError(f"{where}: {name} must be a floating-point array, got dtype "
                         f"{a.dtype}; convert it with {name}.astype(float)")


def check_gate_weights(where, dims, G, Wx, Wh, b):
    """Check Wx (D, G*H), Wh (H, G*H), b (G*H,) for a layer with G stacked gates.

    dims holds D and H found earlier by check_arrays, which binds a dimension
    name to the first size it meets and so cannot say "G times H" by itself;
    this adds that one rule, e.g. "Wh must have shape (H, 4H) = (6, 24)".
    """
    gh = f"{G}H"
    sizes = {"D": dims["D"], "H": dims["H"], gh: G * dims["H"]}
    for name, a, spec in [("Wx", Wx, f"D,{gh}"), ("Wh", Wh, f"H,{gh}"), ("b", b, gh)]:
        check_arrays(where, **{name: (a, spec)})  # an array, floating point, right ndim
        expected = tuple(sizes[d] for d in spec.split(","))
        if a.shape != expected:
            raise ValueError(f"{where}: {name} must have shape ({spec.replace(',', ', ')}) "
                             f"= {expected}, got {a.shape}")


def check_finite(where, **arrays):
    """Raise ValueError if any named array holds NaN or inf."""
    for name, a in arrays.items():
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{where}: {name} contains NaN or inf")


def check_choice(where, name, value, choices):
    """Raise ValueError unless value is one of choices."""
    if value not in choices:
        raise ValueError(f"{where}: {name} must be one of {choices}, got {value!r}")
