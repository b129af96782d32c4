"""Tests for rnn_helpers/_checks.py: the input checks behind every public function.

Each error must say where it happened, which argument is wrong, what shape
was expected and what shape was received.
"""
import re
import threading

import numpy as np
import pytest

from rnn_helpers._checks import (NotFiniteError, check_arrays, check_choice, check_finite,
                                 skip_nan_checks)


# --------------------------------------------------------- check_arrays

def test_check_arrays_binds_and_returns_dimensions():
    dims = check_arrays("f", x=(np.zeros((3, 4, 5)), "N,T,D"),
                        h0=(np.zeros((3, 6)), "N,H"),
                        Wx=(np.zeros((5, 6)), "D,H"))
    assert dims == {"N": 3, "T": 4, "D": 5, "H": 6}


def test_check_arrays_allows_spaces_and_scalars():
    dims = check_arrays("f", W=(np.zeros((2, 3)), " D , H "), s=(np.array(1.5), ""))
    assert dims == {"D": 2, "H": 3}


def test_check_arrays_mismatch_names_argument_expected_and_received():
    # H is bound to 6 by h; Wh then arrives as (6, 7). The message says where H came from.
    with pytest.raises(ValueError, match=r"^f: Wh must have shape \(H, H\) = \(6, 6\), "
                                         r"got \(6, 7\) \(H = 6 comes from h\)$"):
        check_arrays("f", h=(np.zeros((3, 6)), "N,H"), Wh=(np.zeros((6, 7)), "H,H"))


def test_check_arrays_mismatch_within_one_array():
    # A square-by-name array that is not square: bound and contradicted at once.
    with pytest.raises(ValueError, match=r"f: Wh must have shape \(H, H\) = \(5, 5\), "
                                         r"got \(5, 4\)"):
        check_arrays("f", Wh=(np.zeros((5, 4)), "H,H"))


def test_check_arrays_wrong_number_of_dimensions():
    with pytest.raises(ValueError, match=r"f: x must have shape \(N, T, D\) with 3 "
                                         r"dimensions, got shape \(4, 5\)"):
        check_arrays("f", x=(np.zeros((4, 5)), "N,T,D"))


def test_check_arrays_int_prefix_accepts_integers_and_binds_dims():
    dims = check_arrays("f", idx=(np.zeros((2, 7), dtype=np.int64), "int:N,T"),
                        x=(np.zeros((2, 7, 3)), "N,T,D"))
    assert dims == {"N": 2, "T": 7, "D": 3}


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.bool_])
def test_check_arrays_int_prefix_rejects_non_integers(dtype):
    with pytest.raises(ValueError, match=r"f: idx must hold integer indices, got dtype"):
        check_arrays("f", idx=(np.zeros(3, dtype=dtype), "int:N"))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_check_arrays_accepts_floats(dtype):
    assert check_arrays("f", x=(np.zeros(3, dtype=dtype), "N")) == {"N": 3}


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_, np.complex128])
def test_check_arrays_requires_float_without_int_prefix(dtype):
    with pytest.raises(ValueError, match=r"f: x must be a floating-point array, got dtype "
                                         r".*; convert it with x\.astype\(float\)"):
        check_arrays("f", x=(np.zeros(3, dtype=dtype), "N"))


@pytest.mark.parametrize("value, got", [([1.0, 2.0], "list"), (1.0, "float"),
                                        (None, "NoneType")])
def test_check_arrays_rejects_non_arrays(value, got):
    with pytest.raises(ValueError, match=rf"f: x must be a numpy array of shape \(N, D\), "
                                         rf"got {got}"):
        check_arrays("f", x=(value, "N,D"))


def test_check_arrays_checks_in_argument_order():
    # The first argument binds the sizes, so the error blames the later one.
    with pytest.raises(ValueError, match=r"f: b must have shape"):
        check_arrays("f", a=(np.zeros(3), "N"), b=(np.zeros(4), "N"))


# --------------------------------------------------------- check_finite

def test_check_finite_accepts_finite_arrays():
    check_finite("f", x=np.zeros(3), W=np.ones((2, 2)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_check_finite_names_the_bad_argument(bad):
    W = np.ones((2, 2))
    W[1, 0] = bad
    with pytest.raises(ValueError, match=r"^f: W contains NaN or inf \(\d NaN and \d inf among 4 entries\)$"):
        check_finite("f", x=np.zeros(3), W=W)


# --------------------------------------------------------- check_choice

def test_check_choice_accepts_a_listed_value():
    check_choice("f", "activation", "relu", ("tanh", "relu"))


def test_check_choice_message_lists_choices_and_value():
    with pytest.raises(ValueError, match=r"^f: activation must be one of \('tanh', 'relu'\), "
                                         r"got 'Tanh'$"):
        check_choice("f", "activation", "Tanh", ("tanh", "relu"))


def test_check_gate_weights_names_the_gate_multiple():
    from rnn_helpers._checks import check_gate_weights
    dims = {"D": 2, "H": 3}
    check_gate_weights("f", dims, 4, np.zeros((2, 12)), np.zeros((3, 12)), np.zeros(12))  # fine
    with pytest.raises(ValueError, match=r"^f: Wh must have shape \(H, 4H\) = \(3, 12\), got \(3, 9\)$"):
        check_gate_weights("f", dims, 4, np.zeros((2, 12)), np.zeros((3, 9)), np.zeros(12))
    with pytest.raises(ValueError, match=r"^f: b must have shape \(3H\) = \(9,\), got \(12,\)$"):
        check_gate_weights("f", dims, 3, np.zeros((2, 9)), np.zeros((3, 9)), np.zeros(12))


# --------------------------------------------------------- settings: integers, numbers, seeds

from rnn_helpers._checks import (NotFiniteError, check_bool, check_cache, check_index_range,  # noqa: E402
                                 check_int, check_keys, check_lengths, check_number, check_seed)


@pytest.mark.parametrize("value", [0, -1, 2.5, "3", True, None, np.nan, np.float64(3.0)])
def test_check_int_refuses_what_is_not_a_positive_integer(value):
    with pytest.raises(ValueError, match=rf"^f: n must be a positive integer, got "):
        check_int("f", "n", value)


def test_check_int_accepts_numpy_integers_and_states_its_range():
    assert check_int("f", "n", np.int32(3)) == 3
    assert check_int("f", "n", 0, low=0) == 0
    with pytest.raises(ValueError, match=r"^f: n must be an integer >= 2, got 1$"):
        check_int("f", "n", 1, low=2)
    with pytest.raises(ValueError, match=r"^f: n must be an integer in \[1, 5\], got 6$"):
        check_int("f", "n", 6, high=5)


@pytest.mark.parametrize("value", [0.0, -1.0, np.nan, np.inf, "0.01", True, None, 1j, np.ones(1)])
def test_check_number_refuses_what_is_not_a_positive_number(value):
    with pytest.raises(ValueError, match=r"^f: lr must be a positive number, got "):
        check_number("f", "lr", value)


def test_check_number_intervals():
    assert check_number("f", "x", np.float32(0.5), "(0, 1]") == np.float32(0.5)
    assert check_number("f", "x", 1, "(0, 1]") == 1
    assert check_number("f", "x", 0.0, "[0, 1)") == 0.0
    for value, interval in ((1.0, "[0, 1)"), (0.0, "(0, 1]"), (-2.0, "(-1, 1)")):
        with pytest.raises(ValueError, match=rf"^f: x must be in {re.escape(interval)}, got "):
            check_number("f", "x", value, interval)
    with pytest.raises(ValueError, match=r"^f: x must be a number >= 0, got -1$"):
        check_number("f", "x", -1, "[0, inf)")
    with pytest.raises(ValueError, match=r"^f: x must be a finite number, got nan$"):
        check_number("f", "x", float("nan"), "(-inf, inf)")


def test_check_bool_seed_keys_cache():
    check_bool("f", "flag", np.bool_(True))
    with pytest.raises(ValueError, match=r"^f: flag must be True or False, got 1$"):
        check_bool("f", "flag", 1)
    check_seed("f", None)
    check_seed("f", 7)
    with pytest.raises(ValueError, match=r"^f: seed must be an integer >= 0, got -1$"):
        check_seed("f", -1)
    with pytest.raises(ValueError, match=r"^f: params must have the keys \['Wx', 'b'\]; missing \['b'\]$"):
        check_keys("f", "params", {"Wx": 1}, ("Wx", "b"))
    with pytest.raises(ValueError, match=r"^f: params must be a dict with the keys \['Wx'\], got list$"):
        check_keys("f", "params", [], ("Wx",))
    with pytest.raises(ValueError, match=r"^f: cache must be the cache that g returned, got None$"):
        check_cache("f", None, "g", length=2)
    with pytest.raises(ValueError, match=r"^f: cache must be the cache that g returned, got \{\}$"):
        check_cache("f", {}, "g", keys=("h",))


def test_check_index_range_and_lengths_name_the_bound():
    check_index_range("f", "idx", np.zeros((0, 3), dtype=int), 0, 1)  # nothing to check: fine
    with pytest.raises(ValueError, match=r"^f: idx must lie in \[0, V\) = \[0, 4\), got values from 0 to 4$"):
        check_index_range("f", "idx", np.arange(5), 0, 4, "V")
    check_lengths("f", "lengths", np.zeros(0, dtype=int), 5)  # an empty batch: fine
    with pytest.raises(ValueError, match=r"^f: lengths must lie in \[1, S\] = \[1, 5\], got values from 0 to 2$"):
        check_lengths("f", "lengths", np.array([0, 2]), 5, dim="S")


def test_check_finite_raises_a_value_error_that_training_loops_can_recognise():
    with pytest.raises(NotFiniteError) as info:
        check_finite("f", x=np.array([1.0, np.nan, np.inf, np.nan]))
    assert isinstance(info.value, ValueError)
    assert str(info.value) == "f: x contains NaN or inf (2 NaN and 1 inf among 4 entries)"


def test_gate_weights_mismatch_says_where_d_and_h_came_from():
    from rnn_helpers._checks import check_gate_weights
    dims = check_arrays("f", x=(np.zeros((3, 2)), "N,D"), h_prev=(np.zeros((3, 6)), "N,H"))
    assert dims.source == {"N": "x", "D": "x", "H": "h_prev"}
    with pytest.raises(ValueError, match=r"^f: Wx must have shape \(D, 3H\) = \(2, 18\), got \(2, 15\) "
                                         r"\(D = 2 comes from x, H = 6 comes from h_prev\)$"):
        check_gate_weights("f", dims, 3, np.zeros((2, 15)), np.zeros((5, 15)), np.zeros(15))


# --------------------------------------------------------- skip_nan_checks

def test_skip_nan_checks_turns_check_finite_off_inside_the_block_only():
    bad = np.array([1.0, np.nan])
    with skip_nan_checks():
        check_finite("f", a=bad)  # skipped: no error
    with pytest.raises(NotFiniteError, match=r"^f: a contains NaN or inf"):
        check_finite("f", a=bad)
    with pytest.raises(RuntimeError):
        with skip_nan_checks():
            raise RuntimeError("an error inside the block")
    with pytest.raises(NotFiniteError):  # back on after an error too
        check_finite("f", a=bad)


def test_skip_nan_checks_does_not_reach_another_thread():
    errors = []

    def other_thread():
        try:
            check_finite("g", a=np.array([np.inf]))
        except NotFiniteError as e:
            errors.append(e)
    with skip_nan_checks():
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
    assert len(errors) == 1
