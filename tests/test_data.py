"""Tests for rnn_helpers/data.py: sine windows and a split that shares no time step."""
import numpy as np
import pytest

from rnn_helpers import data


def test_sine_windows_shapes_and_values():
    t_start, t_stop, T = 3, 20, 5
    X, y, t = data.sine_windows(t_start, t_stop, seq_len=T)
    N = t_stop - t_start - T  # 12 windows
    assert X.shape == (N, T, 1) and y.shape == (N, 1) and t.shape == (N, T + 1)
    i = np.arange(N)
    # Row i starts at t_start + i; its target is the value right after its T inputs.
    np.testing.assert_allclose(y[:, 0], np.sin(t_start + i + T), rtol=0, atol=1e-15)
    for k in range(T):
        np.testing.assert_allclose(X[:, k, 0], np.sin(t_start + i + k), rtol=0, atol=1e-15)
    # t names the time step of every input and of the target.
    np.testing.assert_array_equal(t, t_start + i[:, None] + np.arange(T + 1))
    np.testing.assert_allclose(X[..., 0], np.sin(t[:, :-1]), rtol=0, atol=1e-15)
    # Every step used lies in t_start..t_stop-1, and the last one is used.
    assert t.min() == t_start and t.max() == t_stop - 1


def test_sine_train_test_default_split_shares_no_time_step():
    X_train, y_train, X_test, y_test = data.sine_train_test()
    assert X_train.shape == (225, 25, 1) and y_train.shape == (225, 1)
    assert X_test.shape == (75, 25, 1) and y_test.shape == (75, 1)
    # The defaults are train t < 250, test 300 <= t < 400: rebuild both with their t.
    X_a, y_a, t_train = data.sine_windows(0, 250, 25)
    X_b, y_b, t_test = data.sine_windows(300, 400, 25)
    np.testing.assert_array_equal(X_train, X_a)
    np.testing.assert_array_equal(y_train, y_a)
    np.testing.assert_array_equal(X_test, X_b)
    np.testing.assert_array_equal(y_test, y_b)
    assert np.intersect1d(t_train, t_test).size == 0
    assert t_train.max() < t_test.min()


@pytest.mark.parametrize("args, match", [
    ((0.0, 10, 3), r"sine_windows: t_start, t_stop and seq_len must be integers"),
    ((0, 10, 2.5), r"sine_windows: t_start, t_stop and seq_len must be integers"),
    ((0, 10, 0), r"sine_windows: need seq_len >= 1"),
    ((0, 3, 3), r"sine_windows: need seq_len >= 1 and at least seq_len \+ 1 = 4 time steps"),
    ((5, 2, 1), r"sine_windows: need seq_len >= 1"),
])
def test_sine_windows_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        data.sine_windows(*args)


def test_sine_train_test_bad_arguments():
    with pytest.raises(ValueError, match=r"sine_train_test: test_start \(200\) must not be before train_stop \(250\)"):
        data.sine_train_test(test_start=200)
    with pytest.raises(ValueError, match=r"sine_windows: need seq_len >= 1"):
        data.sine_train_test(seq_len=200, test_start=300, test_stop=400)  # test too short
