"""Numerical gradients by centred differences, for checking backward passes.

A backward pass is easy to get subtly wrong (a missing transpose still runs).
Comparing it with a numerical gradient catches such bugs:

    df/dx[i] ~ (f(x + h e_i) - f(x - h e_i)) / (2h)

The error of this estimate is O(h**2); in float64 with h = 1e-5 a correct
analytic gradient agrees to a relative error of about 1e-8 or better.

The errors are NaN-proof: a NaN or inf anywhere in either array gives an
error of inf, so `err < tol` fails, as it must, for a broken gradient.
"""
import numpy as np

from ._checks import check_callable, check_finite, check_model, check_number


def numerical_gradient(f, x, df=None, h=1e-5):
    """Centred-difference gradient of sum(f(x) * df) with respect to x.

    Inputs:
    - f: function of one array argument, returning a scalar or an array. It
      must compute from the array it is given: x is changed in place, one
      entry at a time, and restored afterwards.
    - x: array of any shape, float64 for a meaningful check
    - df: array shaped like f(x), the upstream gradient; None for scalar f
    - h: step size

    Returns:
    - grad: array shaped like x
    """
    check_callable("numerical_gradient", "f", f)
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ValueError("numerical_gradient: x must be a float64 numpy array, got "
                         f"{getattr(x, 'dtype', type(x).__name__)}; float32 is too "
                         "coarse for a gradient check")
    check_finite("numerical_gradient", x=x)
    if df is not None:
        df = _as_real_array("numerical_gradient", "df", df)
    check_number("numerical_gradient", "h", h)
    grad = np.zeros_like(x)
    if x.size == 0:
        return grad  # no entries, nothing to nudge (np.nditer refuses empty arrays)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        try:
            x[i] = old + h
            f_plus = np.array(f(x), dtype=np.float64)  # copy: f may return a view
            x[i] = old - h
            f_minus = np.array(f(x), dtype=np.float64)
        finally:
            x[i] = old  # restore x even if f raised
        if df is not None and df.shape != f_plus.shape:  # broadcasting would hide the mistake
            raise ValueError(f"numerical_gradient: df must have the shape of f(x), "
                             f"{f_plus.shape}, got {df.shape}")
        diff = f_plus - f_minus
        grad[i] = (diff if df is None else diff * df).sum() / (2 * h)
    return grad


def _as_real_array(where, name, a):
    """a as a float64 array; ValueError naming it if it holds anything but real numbers."""
    try:
        a = np.asarray(a)
    except ValueError:  # e.g. a ragged list
        a = np.asarray(None)
    if a.dtype.kind not in "biuf":  # bool, int, unsigned, float; not complex, str or object
        raise ValueError(f"{where}: {name} must be an array of real numbers, got dtype {a.dtype}")
    return a.astype(np.float64, copy=False)


def _errors_pair(where, a, b):
    """a and b as float64 arrays of one shape, and whether both are free of NaN and inf."""
    a, b = _as_real_array(where, "a", a), _as_real_array(where, "b", b)
    if a.shape != b.shape:
        raise ValueError(f"{where}: a and b must have the same shape, got {a.shape} and {b.shape}")
    return a, b, bool(np.all(np.isfinite(a)) and np.all(np.isfinite(b)))


def rel_error(a, b):
    """Largest relative difference between two arrays, safe near zero.

    inf if either array holds NaN or inf; 0.0 for two empty arrays.
    """
    a, b, finite = _errors_pair("rel_error", a, b)
    if not finite:
        return float("inf")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def check_model_gradients(model, X, y, h=1e-5):
    """Compare model.loss_and_grads with centred differences, parameter by parameter.

    Inputs:
    - model: has .params (dict of float64 arrays) and .loss_and_grads(X, y)
      -> (loss, grads), with grads keyed like params
    - X, y: a small batch (each parameter entry costs two forward passes)

    Returns:
    - errors: dict parameter name -> relative error (below 1e-7 when correct);
      model_gradient_errors below also gives the norm-relative error
    """
    return {name: e["entry"] for name, e in model_gradient_errors(model, X, y, h=h).items()}


def norm_rel_error(a, b):
    """One relative error for two whole arrays: ||a - b|| / (||a|| + ||b||) (0 if both are 0).

    Unlike rel_error, an entry far smaller than the rest of its array cannot
    dominate: use it when some entries are below the round-off of centred
    differences (gated cells give gradient entries of 1e-7 or less).
    """
    a, b, finite = _errors_pair("norm_rel_error", a, b)
    if not finite:
        return float("inf")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denom) if denom > 0 else 0.0


def model_gradient_errors(model, *inputs, h=1e-5):
    """Compare each parameter gradient of model.loss_and_grads(*inputs) with centred differences.

    Works for any inputs, e.g. a language model's (x, y, state) with the
    carried state held fixed, and gives two errors per parameter.

    Inputs:
    - model: has .params (dict of float64 arrays) and .loss_and_grads(*inputs)
      -> (loss, grads, ...), with grads keyed like params
    - inputs: passed on unchanged; keep them small (two forward passes per entry)

    Returns:
    - errors: dict parameter name -> {"norm": norm_rel_error, "entry": rel_error}
      of the analytic and the numerical gradient. A correct gradient gives
      "norm" below 1e-7; "entry" can exceed it where entries are tiny.
    """
    check_model("model_gradient_errors", model)
    for name, p in model.params.items():
        if not isinstance(p, np.ndarray) or p.dtype != np.float64:
            raise ValueError(f"model_gradient_errors: model.params[{name!r}] must be a float64 "
                             f"array, got {getattr(p, 'dtype', type(p).__name__)}; float32 is "
                             f"too coarse for a gradient check")
    check_number("model_gradient_errors", "h", h)
    grads = model.loss_and_grads(*inputs)[1]
    errors = {}
    for name, p in model.params.items():
        def loss_at(value, name=name):
            model.params[name] = value  # the loss with this parameter set to value
            return model.loss_and_grads(*inputs)[0]
        try:
            num = numerical_gradient(loss_at, p.copy(), h=h)
        finally:
            model.params[name] = p  # put the original array back
        errors[name] = {"norm": norm_rel_error(grads[name], num),
                        "entry": rel_error(grads[name], num)}
    return errors
