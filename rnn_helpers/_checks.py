"""Input checks shared by every public function in rnn_helpers.

A wrong shape fed to numpy often "works" by broadcasting and produces
nonsense far from the mistake. These helpers stop at the call instead, with a
message naming the argument, the shape (or value) expected and the one received:

    ValueError: rnn_forward: Wh must have shape (H, H) = (8, 8), got (8, 5)
    ValueError: fit: batch_size must be a positive integer, got -4

Where the checks go, and what they cost
---------------------------------------
- Shapes, dtypes and settings (check_arrays, check_int, check_number, ...)
  read only .shape, .dtype or one number: microseconds, so every public
  function checks them on every call.
- NaN and inf (check_finite) must read every entry. A public function checks
  the arrays it is handed, once per call: a layer's forward its inputs and
  weights, a backward its upstream gradient, a model its data. Over a whole
  sequence that is one pass beside the dozens the layer makes itself. The
  time loops inside rnn_forward, lstm_forward and gru_forward call private
  step helpers that check nothing, so no check runs once per time step.
- fit and train_lm check the training data and the weights once per run,
  then the loss and the gradient norm once per update. Inside an update the
  layers skip their NaN passes (skip_nan_checks): the data and weights were
  checked before training began, so a NaN or inf met there can only come
  from training itself, and it shows in the loss or the gradient norm.
- What it all costs, with the check calls of one update replayed and timed:
  under 1% of an update at N=32, T=50, H=128; at H=32, about 1% for an LSTM
  classifier and 3-5% for a tiny vanilla RNN (D=2), where every numpy call
  is so small that its fixed cost dominates (6.5% without the skip).
- A NaN that training itself makes (an overflow, from finite data and finite
  weights) is divergence, not bad input: fit and train_lm stop with
  TrainingDiverged and advice. Called directly, a layer that meets one
  raises NotFiniteError, a ValueError.
"""
import contextvars
import numbers
from contextlib import contextmanager
from functools import lru_cache

import numpy as np


# The floating-point types a model's dtype argument accepts, spelled any usual way.
FLOAT_DTYPES = (np.float32, np.float64, "float32", "float64", np.dtype(np.float32), np.dtype(np.float64))


class NotFiniteError(ValueError):
    """An array holds NaN or inf. A ValueError, so `except ValueError` catches it too."""


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
    - dims: dict dimension name -> size, e.g. {"N": 4, "T": 5, "D": 3}; its
      .source says which argument set each size, e.g. dims.source["D"] == "x".
    """
    dims, source = Dims(), {}  # size of each dimension, and the argument that set it
    for name, (a, spec) in specs.items():
        want_int, names = _parse(spec)
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
    dims.source = source
    return dims


class Dims(dict):
    """dimension name -> size, plus .source: dimension name -> the argument that set it."""

    source = {}


@lru_cache(maxsize=None)
def _parse(spec):
    """"int:N,T" -> (True, ("N", "T")): parsed once per spec, since checks run on every call."""
    return spec.startswith("int:"), tuple(s.strip() for s in spec.removeprefix("int:").split(",")
                                          if s.strip())


def _check_dtype(where, name, a, want_int):
    # dtype.kind: "i"/"u" signed/unsigned integers, "f" floating point (not bool "b" or complex "c").
    if want_int and a.dtype.kind not in "iu":
        raise ValueError(f"{where}: {name} must hold integer indices, got dtype {a.dtype}")
    if not want_int and a.dtype.kind != "f":
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
            # Say where D and H came from, so the mismatch can be blamed on either side.
            origin = ", ".join(f"{d} = {dims[d]} comes from {dims.source[d]}" for d in ("D", "H")
                               if d in getattr(dims, "source", {}))
            raise ValueError(f"{where}: {name} must have shape ({spec.replace(',', ', ')}) "
                             f"= {expected}, got {a.shape}" + (f" ({origin})" if origin else ""))


# True inside skip_nan_checks(). A context variable, not a plain global, so that
# another thread (or a widget's callback) running meanwhile still checks.
_skipping_nan_checks = contextvars.ContextVar("skipping_nan_checks", default=False)


@contextmanager
def skip_nan_checks():
    """Turn check_finite off inside the block; fit and train_lm run each update in one."""
    token = _skipping_nan_checks.set(True)
    try:
        yield
    finally:
        _skipping_nan_checks.reset(token)


def check_finite(where, **arrays):
    """Raise NotFiniteError (a ValueError) if any named array holds NaN or inf.

    Does nothing inside skip_nan_checks().
    """
    if _skipping_nan_checks.get():
        return
    for name, a in arrays.items():
        if not np.isfinite(a).all():
            nan, total = int(np.isnan(a).sum()), np.size(a)
            inf = int(np.isinf(a).sum())
            raise NotFiniteError(f"{where}: {name} contains NaN or inf "
                                 f"({nan} NaN and {inf} inf among {total} entries)")


def check_index_range(where, name, a, low, high, high_name=None):
    """Raise ValueError unless every entry of the integer array a lies in [low, high).

    high_name names the bound in the message, e.g. "V": "x must lie in [0, V) = [0, 19)".
    """
    if a.size and (a.min() < low or a.max() >= high):
        bound = f"[{low}, {high_name}) = [{low}, {high})" if high_name else f"[{low}, {high})"
        raise ValueError(f"{where}: {name} must lie in {bound}, got values from "
                         f"{a.min()} to {a.max()}")


def check_choice(where, name, value, choices):
    """Raise ValueError unless value is one of choices."""
    try:
        ok = value in choices
    except TypeError:  # e.g. an unhashable value tested against a set
        ok = False
    if not ok:
        raise ValueError(f"{where}: {name} must be one of {choices}, got {_show(value)}")


def _show(value):
    """A short description of a received value for a message: its repr, or an array's shape."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def is_int(value):
    """True for a Python or numpy integer; False for a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_int(where, name, value, low=1, high=None):
    """Raise ValueError unless value is an integer (a bool is not) in [low, high].

    Returns value, so a caller can check and use it in one line.
    """
    if not (is_int(value) and value >= low and (high is None or value <= high)):
        if high is not None:
            want = f"an integer in [{low}, {high}]"
        else:
            want = "a positive integer" if low == 1 else f"an integer >= {low}"
        raise ValueError(f"{where}: {name} must be {want}, got {_show(value)}")
    return value


def check_number(where, name, value, interval="(0, inf)"):
    """Raise ValueError unless value is a real, finite number inside interval.

    interval is written as in maths: "(0, inf)" for a positive number,
    "[0, 1)" for 0 <= value < 1. Bools, strings, complex numbers and arrays
    are refused, so a "0.01" typed as a string is named, not half-used.
    Returns value.
    """
    low, high = (float(s) for s in interval[1:-1].split(","))
    closed_low, closed_high = interval[0] == "[", interval[-1] == "]"
    ok = (isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
          and np.isfinite(float(value)))
    if ok:
        ok = (low <= value if closed_low else low < value) and \
             (value <= high if closed_high else value < high)
    if not ok:
        if interval == "(0, inf)":
            want = "a positive number"
        elif interval == "[0, inf)":
            want = "a number >= 0"
        elif interval == "(-inf, inf)":
            want = "a finite number"
        else:
            want = f"in {interval}"
        raise ValueError(f"{where}: {name} must be {want}, got {_show(value)}")
    return value


def check_bool(where, name, value):
    """Raise ValueError unless value is True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{where}: {name} must be True or False, got {_show(value)}")


def check_seed(where, seed):
    """Raise ValueError unless seed is None or an integer >= 0 (what np.random.default_rng takes)."""
    if seed is not None:
        check_int(where, "seed", seed, low=0)


def check_keys(where, name, d, keys):
    """Raise ValueError unless d is a dict holding every key in keys."""
    if not isinstance(d, dict):
        raise ValueError(f"{where}: {name} must be a dict with the keys {list(keys)}, "
                         f"got {type(d).__name__}")
    missing = [k for k in keys if k not in d]
    if missing:
        raise ValueError(f"{where}: {name} must have the keys {list(keys)}; missing {missing}")


def check_cache(where, cache, made_by, keys=None, length=None):
    """Raise ValueError unless cache looks like what made_by returned.

    A dict cache must hold keys; a tuple cache must have the given length.
    """
    if keys is not None:
        ok = isinstance(cache, dict) and not set(keys) - cache.keys()
    else:
        ok = isinstance(cache, tuple) and len(cache) == length
    if not ok:
        raise ValueError(f"{where}: cache must be the cache that {made_by} returned, "
                         f"got {_show(cache)}")


def check_callable(where, name, value):
    """Raise ValueError unless value can be called like a function."""
    if not callable(value):
        raise ValueError(f"{where}: {name} must be a function, got {_show(value)}")


def check_rng(where, rng):
    """Raise ValueError unless rng is a np.random.Generator."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{where}: rng must be a np.random.Generator, e.g. "
                         f"np.random.default_rng(0), got {_show(rng)}")


def check_model(where, model):
    """Raise ValueError unless model has .params (a dict) and a callable .loss_and_grads."""
    if not isinstance(getattr(model, "params", None), dict) or \
            not callable(getattr(model, "loss_and_grads", None)):
        raise ValueError(f"{where}: model must have .params (a dict of arrays) and "
                         f".loss_and_grads(...), got {type(model).__name__}")


def check_ids(where, ids, min_len=2, V=None, name="ids"):
    """Raise ValueError unless ids is a 1-D integer array of at least min_len entries in [0, V).

    V None: the vocabulary is not known here, so only ids >= 0 is checked.
    """
    if not isinstance(ids, np.ndarray) or ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"{where}: {name} must be a 1-D integer array (use vocab.encode(text)), "
                         f"got {getattr(ids, 'shape', type(ids).__name__)}"
                         f"{f' of dtype {ids.dtype}' if isinstance(ids, np.ndarray) else ''}")
    if len(ids) < min_len:
        raise ValueError(f"{where}: {name} must hold at least {min_len} characters, got {len(ids)}")
    if V is not None:
        check_index_range(where, name, ids, 0, V, "V")
    elif ids.size and ids.min() < 0:
        raise ValueError(f"{where}: {name} must be character indices >= 0, got a minimum of {ids.min()}")


def check_lengths(where, name, lengths, T, low=1, dim="T"):
    """Raise ValueError unless every entry of the integer array lengths lies in [low, T].

    dim names the sequence axis in the message: "T", or "S" for a source.
    """
    if lengths.size and (lengths.min() < low or lengths.max() > T):
        raise ValueError(f"{where}: {name} must lie in [{low}, {dim}] = [{low}, {T}], got values "
                         f"from {lengths.min()} to {lengths.max()}")


def unpack_tokens(where, X):
    """X is tokens, or a tuple (tokens, lengths): return (tokens, lengths or None)."""
    if not isinstance(X, tuple):
        return X, None
    if len(X) != 2:
        raise ValueError(f"{where}: X must be tokens (N, T) or a tuple (tokens, lengths), got a "
                         f"tuple of {len(X)} items")
    return X
