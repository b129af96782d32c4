"""Report a result measured over several seeds: the mean and the range, never one lucky run.

    accs = [0.996, 0.989, 1.0]
    spread(accs, "{:.1%}")          # '99.5% (98.9-100.0%, 3 seeds)'
    spread([2.41, 2.43], "{:.2f}", what="runs")   # '2.42 (2.41-2.43, 2 runs)'

A notebook prints the spread in a cell whose digits may drift with the numpy
release, and checks the claim the prose makes (for example "every seed above
95%") in a separate line that does not.
"""
import numpy as np


def spread(values, fmt="{:.3g}", what="seeds"):
    """'mean (min-max, n seeds)' for a list of numbers.

    Inputs:
    - values: a non-empty sequence of finite numbers, one per seed (or run)
    - fmt: a format string for one number, e.g. "{:.1%}" or "{:.2f}"
    - what: the word for what was repeated

    Returns: str. A trailing '%' of the format is written once, after the range.
    """
    try:
        values = np.asarray(values).ravel()
    except ValueError:  # e.g. a ragged list
        values = np.asarray([None])
    if values.dtype.kind not in "biuf":  # real numbers only: not str, complex or None
        raise ValueError(f"spread: values must be a sequence of numbers, got dtype {values.dtype}")
    values = values.astype(np.float64)
    if values.size == 0:
        raise ValueError("spread: values must hold at least one number, got none")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"spread: values must be finite, got {values.tolist()}")
    try:
        ok = isinstance(fmt, str) and "{" in fmt and isinstance(fmt.format(1.0), str)
    except (ValueError, KeyError, IndexError):  # e.g. "{:d}" or "{x}": cannot format one number
        ok = False
    if not ok:
        raise ValueError(f"spread: fmt must be a format string like '{{:.2f}}', got {fmt!r}")
    if not isinstance(what, str):
        raise ValueError(f"spread: what must be a str such as 'seeds', got {what!r}")
    lo, hi = fmt.format(values.min()), fmt.format(values.max())
    if lo.endswith("%") and hi.endswith("%"):
        lo = lo[:-1]  # '98.9-100.0%' rather than '98.9%-100.0%'
    if values.size == 1 and what.endswith("s"):
        what = what[:-1]  # '1 seed'
    return f"{fmt.format(values.mean())} ({lo}-{hi}, {values.size} {what})"
