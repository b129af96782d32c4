"""Tests for rnn_helpers/init.py: the statistics each initialiser promises."""
import numpy as np
import pytest

from rnn_helpers import init


def test_xavier_std_is_sqrt_2_over_fan_in_plus_fan_out():
    fan_in, fan_out = 400, 600
    W = init.xavier(fan_in, fan_out, np.random.default_rng(0))
    assert W.shape == (fan_in, fan_out) and W.dtype == np.float64
    std = np.sqrt(2.0 / (fan_in + fan_out))  # 0.0447
    # 240,000 samples: the sample std has a relative standard error of
    # 1/sqrt(2n) = 0.14%, so 2% is about 14 standard errors.
    assert W.std() == pytest.approx(std, rel=0.02)
    # The mean's standard error is std/sqrt(n); allow 5 of them.
    assert abs(W.mean()) < 5 * std / np.sqrt(W.size)


def test_xavier_takes_an_output_shape():
    W = init.xavier(3, 4, np.random.default_rng(0), shape=(2, 3, 4))
    assert W.shape == (2, 3, 4)


@pytest.mark.parametrize("gain", [1.0, 0.5])
def test_orthogonal_has_orthonormal_columns_times_gain(gain):
    n = 16
    Q = init.orthogonal(n, np.random.default_rng(0), gain=gain)
    assert Q.shape == (n, n)
    np.testing.assert_allclose(Q.T @ Q, gain ** 2 * np.eye(n), atol=1e-12)
    np.testing.assert_allclose(Q @ Q.T, gain ** 2 * np.eye(n), atol=1e-12)
    # Equivalently: every singular value is gain, so Q neither grows nor shrinks a vector.
    np.testing.assert_allclose(np.linalg.svd(Q, compute_uv=False), gain, rtol=1e-12)


def test_same_seed_gives_same_weights():
    a = init.xavier(5, 7, np.random.default_rng(42))
    b = init.xavier(5, 7, np.random.default_rng(42))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(init.orthogonal(6, np.random.default_rng(42)),
                                  init.orthogonal(6, np.random.default_rng(42)))
    # A different seed gives different weights.
    assert not np.array_equal(a, init.xavier(5, 7, np.random.default_rng(43)))


@pytest.mark.parametrize("bad", [0, -3, 2.5, "4", None])
def test_bad_sizes_raise(bad):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"xavier: fan_in must be a positive integer"):
        init.xavier(bad, 4, rng)
    with pytest.raises(ValueError, match=r"xavier: fan_out must be a positive integer"):
        init.xavier(4, bad, rng)
    with pytest.raises(ValueError, match=r"orthogonal: n must be a positive integer"):
        init.orthogonal(bad, rng)
