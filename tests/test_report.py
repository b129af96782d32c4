"""Tests for rnn_helpers.report."""
import numpy as np
import pytest

from rnn_helpers.report import spread


def test_spread_gives_mean_and_range():
    assert spread([0.996, 0.989, 1.0], "{:.1%}") == "99.5% (98.9-100.0%, 3 seeds)"
    assert spread([2.41, 2.43], "{:.2f}", what="runs") == "2.42 (2.41-2.43, 2 runs)"
    assert spread(np.array([[1.0], [3.0]]), "{:.0f}") == "2 (1-3, 2 seeds)"


def test_spread_of_one_value():
    assert spread([0.5], "{:.2f}") == "0.50 (0.50-0.50, 1 seed)"


@pytest.mark.parametrize("values", [[], [1.0, np.nan], [np.inf]])
def test_spread_rejects_empty_or_non_finite(values):
    with pytest.raises(ValueError, match="values"):
        spread(values)


def test_spread_rejects_a_bad_format():
    with pytest.raises(ValueError, match="fmt"):
        spread([1.0], fmt="%.2f")
