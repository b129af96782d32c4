"""Data sets generated in code, so no notebook downloads anything.

Sine windows: the task of notebook 05. A window holds T consecutive values
sin(t), sin(t+1), ..., sin(t+T-1) at integer t; its target is sin(t+T).
"""
import numpy as np


def sine_windows(t_start, t_stop, seq_len=25):
    """Every window of seq_len inputs plus one target inside t_start..t_stop-1.

    Inputs:
    - t_start, t_stop: the integer time steps the windows may use,
      t_start <= t < t_stop (inputs and target alike)
    - seq_len: T, the number of inputs per window

    Returns:
    - X: (N, T, 1) inputs, N = t_stop - t_start - T
    - y: (N, 1) targets, y[i] = sin(t_start + i + T)
    - t: (N, T + 1) the time step of every input and of the target
    """
    if not all(isinstance(v, (int, np.integer)) for v in (t_start, t_stop, seq_len)):
        raise ValueError("sine_windows: t_start, t_stop and seq_len must be integers, got "
                         f"{t_start!r}, {t_stop!r}, {seq_len!r}")
    if seq_len < 1 or t_stop - t_start < seq_len + 1:
        raise ValueError(f"sine_windows: need seq_len >= 1 and at least seq_len + 1 = "
                         f"{seq_len + 1} time steps, got seq_len={seq_len} and "
                         f"{t_stop - t_start} steps ({t_start}..{t_stop - 1})")
    n = t_stop - t_start - seq_len
    # Row i holds the time steps t_start + i, ..., t_start + i + T.
    t = t_start + np.arange(n)[:, None] + np.arange(seq_len + 1)  # (N, T+1)
    series = np.sin(t.astype(np.float64))
    return series[:, :-1, None], series[:, -1:], t


def sine_train_test(seq_len=25, train_stop=250, test_start=300, test_stop=400):
    """Training windows from t < train_stop and held-out windows from
    test_start <= t < test_stop; the two share no time step.

    Returns: X_train, y_train, X_test, y_test, shaped as in sine_windows.
    """
    if test_start < train_stop:
        raise ValueError(f"sine_train_test: test_start ({test_start}) must not be before "
                         f"train_stop ({train_stop}), or the split would share time steps")
    X_train, y_train, _ = sine_windows(0, train_stop, seq_len)
    X_test, y_test, _ = sine_windows(test_start, test_stop, seq_len)
    return X_train, y_train, X_test, y_test
