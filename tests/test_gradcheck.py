"""Tests for rnn_helpers/gradcheck.py: the checker that every other test trusts.

numerical_gradient is tested on functions whose gradients are known in closed
form, so a bug here cannot hide behind a matching bug in a backward pass.
"""
import numpy as np
import pytest

from rnn_helpers.gradcheck import (check_model_gradients, model_gradient_errors, norm_rel_error,
                                   numerical_gradient, rel_error)

# Centred differences with h = 1e-5 in float64: error O(h**2) ~ 1e-10.
TOL = 1e-7


# ------------------------------------------------- numerical_gradient

def test_scalar_function_sum_of_cubes():
    # f(x) = sum(x**3)  =>  df/dx = 3 x**2
    x = np.random.default_rng(0).uniform(0.5, 2.0, size=(4, 3)) * np.array([1, -1, 1])
    num = numerical_gradient(lambda v: np.sum(v ** 3), x)
    assert rel_error(num, 3 * x ** 2) < TOL


def test_matrix_times_vector_with_upstream_gradient():
    # f(x) = A @ x, upstream df  =>  d sum(f * df) / dx = A.T @ df
    rng = np.random.default_rng(1)
    A, x, df = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=3)
    num = numerical_gradient(lambda v: A @ v, x, df)
    assert rel_error(num, A.T @ df) < TOL


def test_matrix_argument_with_array_output():
    # f(X) = X @ B with X: (3, 4), B: (4, 2), upstream df: (3, 2)  =>  df @ B.T
    rng = np.random.default_rng(2)
    X, B, df = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    num = numerical_gradient(lambda v: v @ B, X, df)
    assert num.shape == X.shape
    assert rel_error(num, df @ B.T) < TOL


def test_elementwise_function_with_upstream_gradient():
    # f(x) = sin(x) elementwise  =>  cos(x) * df
    rng = np.random.default_rng(3)
    x, df = rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 3, 2))
    num = numerical_gradient(np.sin, x, df)
    assert rel_error(num, np.cos(x) * df) < TOL


def test_function_returning_its_argument():
    # f(x) = x returns the very array being perturbed; numerical_gradient must
    # copy f's result before changing x again, or the difference is always 0.
    x, df = np.arange(6.0).reshape(2, 3), np.linspace(-1, 1, 6).reshape(2, 3)
    num = numerical_gradient(lambda v: v, x, df)
    assert rel_error(num, df) < TOL


def test_x_is_restored_exactly():
    x = np.random.default_rng(4).normal(size=(3, 5))
    before = x.copy()
    numerical_gradient(lambda v: np.sum(np.tanh(v)), x)
    np.testing.assert_array_equal(x, before)  # bit for bit, not approximately


def test_an_empty_array_has_an_empty_gradient():
    x = np.zeros((0, 3))
    num = numerical_gradient(lambda v: np.sum(v ** 2), x)
    assert num.shape == (0, 3) and num.dtype == np.float64


def test_function_ignoring_its_argument_sees_no_gradient():
    # Why f must compute from its own argument: numerical_gradient perturbs the
    # array it was given, so a closure over a copy never sees a change.
    x = np.random.default_rng(5).normal(size=4)
    x_copy = x.copy()
    num = numerical_gradient(lambda v: np.sum(x_copy ** 2), x)
    np.testing.assert_array_equal(num, np.zeros(4))


@pytest.mark.parametrize("x, got", [
    (np.ones(3, dtype=np.float32), "float32"),
    (np.ones(3, dtype=np.int64), "int64"),
    ([1.0, 2.0, 3.0], "list"),
    (2.0, "float"),
])
def test_rejects_anything_but_a_float64_array(x, got):
    with pytest.raises(ValueError, match=rf"numerical_gradient: x must be a float64 "
                                         rf"numpy array, got {got}"):
        numerical_gradient(np.sum, x)


# ----------------------------------------------------------- rel_error

def test_rel_error_identical_arrays_is_zero():
    a = np.random.default_rng(6).normal(size=(3, 4))
    assert rel_error(a, a.copy()) == 0.0


def test_rel_error_of_zeros_is_zero_not_nan():
    # 0/0 would be NaN: the denominator is floored at 1e-8.
    assert rel_error(np.zeros(5), np.zeros(5)) == 0.0


def test_rel_error_known_value_and_symmetry():
    # |1 - 1.1| / (1 + 1.1) = 0.1 / 2.1
    assert rel_error(1.0, 1.1) == pytest.approx(0.1 / 2.1)
    assert rel_error(1.1, 1.0) == rel_error(1.0, 1.1)


def test_rel_error_is_the_largest_over_entries():
    a = np.array([1.0, 1.0, 1.0])
    b = np.array([1.0, 3.0, 1.0])  # one entry off: 2 / 4 = 0.5
    assert rel_error(a, b) == pytest.approx(0.5)


def test_rel_error_shape_mismatch_raises():
    # No silent broadcasting of a (3,) gradient against a (3, 1) one.
    with pytest.raises(ValueError, match=r"rel_error: a and b must have the same shape, got \(3,\) and \(3, 1\)"):
        rel_error(np.zeros(3), np.zeros((3, 1)))


class _Quadratic:
    """A model with a known gradient: loss = sum(w * X) + sum(w**2)."""

    def __init__(self, wrong=False):
        self.params = {"w": np.array([0.5, -1.0, 2.0])}
        self.wrong = wrong

    def loss_and_grads(self, X, y):
        w = self.params["w"]
        g = X + (1.0 if self.wrong else 2.0) * w
        return float(np.sum(w * X) + np.sum(w ** 2)), {"w": g}


def test_check_model_gradients_accepts_a_right_gradient_and_restores_params():
    model = _Quadratic()
    before = model.params["w"]
    errors = check_model_gradients(model, np.array([1.0, 2.0, 3.0]), None)
    assert errors["w"] < 1e-7
    assert model.params["w"] is before and np.array_equal(before, [0.5, -1.0, 2.0])


def test_check_model_gradients_flags_a_wrong_gradient():
    errors = check_model_gradients(_Quadratic(wrong=True), np.array([1.0, 2.0, 3.0]), None)
    assert errors["w"] > 1e-2


def test_norm_rel_error_known_values():
    assert norm_rel_error(np.zeros(3), np.zeros(3)) == 0.0  # not nan
    assert norm_rel_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert np.isclose(norm_rel_error([3.0, 4.0], [0.0, 0.0]), 1.0)
    # One tiny entry off by 100% barely moves the norm-relative error, unlike rel_error.
    a, b = np.array([1.0, 1e-6]), np.array([1.0, 2e-6])
    assert np.isclose(norm_rel_error(a, b), 1e-6 / 2) and np.isclose(rel_error(a, b), 1 / 3)
    with pytest.raises(ValueError, match=r"norm_rel_error: a and b must have the same shape, got \(3,\) and \(3, 1\)"):
        norm_rel_error(np.zeros(3), np.zeros((3, 1)))


class _QuadraticWithShift(_Quadratic):
    """loss = sum(w * X) + sum(w**2) + shift * sum(w): a third input, like a carried state."""

    def loss_and_grads(self, X, y, shift):
        loss, grads = super().loss_and_grads(X, y)
        w = self.params["w"]
        return loss + shift * float(np.sum(w)), {"w": grads["w"] + shift}


def test_model_gradient_errors_passes_every_input_and_restores_params():
    model = _QuadraticWithShift()
    before = model.params["w"]
    errors = model_gradient_errors(model, np.array([1.0, 2.0, 3.0]), None, 0.5)
    assert errors["w"]["norm"] < 1e-7 and errors["w"]["entry"] < 1e-7
    assert model.params["w"] is before and np.array_equal(before, [0.5, -1.0, 2.0])


def test_model_gradient_errors_flags_a_wrong_gradient():
    model = _QuadraticWithShift(wrong=True)
    errors = model_gradient_errors(model, np.array([1.0, 2.0, 3.0]), None, 0.5)
    assert errors["w"]["norm"] > 1e-2 and errors["w"]["entry"] > 1e-2


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("error", [rel_error, norm_rel_error])
def test_errors_with_nan_or_inf_are_inf_so_no_tolerance_passes(error, bad):
    # A NaN compared with `> tol` is False: a NaN gradient used to pass a check.
    a = np.array([1.0, 2.0, 3.0])
    b = a.copy()
    b[1] = bad
    assert error(a, b) == np.inf and error(b, a) == np.inf
    assert not error(a, b) <= 1e-7
    assert error(np.full(3, bad), np.full(3, bad)) == np.inf  # even "equal" NaNs


def test_rel_error_of_empty_arrays_is_zero():
    assert rel_error(np.zeros((0, 3)), np.zeros((0, 3))) == 0.0


def test_numerical_gradient_rejects_a_df_of_the_wrong_shape():
    # (3, 1) would broadcast against f(x): (3, 2) and give a wrong gradient silently.
    with pytest.raises(ValueError, match=r"numerical_gradient: df must have the shape of f\(x\), "
                                         r"\(3, 2\), got \(3, 1\)"):
        numerical_gradient(lambda v: v * 2.0, np.ones((3, 2)), np.ones((3, 1)))
