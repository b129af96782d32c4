"""Tests for rnn_helpers.recurrent: one interface over the RNN, LSTM and GRU layers."""
import numpy as np
import pytest

from rnn_helpers import gru, lstm, recurrent, rnn
from rnn_helpers.gradcheck import numerical_gradient, rel_error

N, T, D, H = 3, 5, 4, 6  # all different, so a swapped axis cannot pass


def setup(cell, seed=1):
    rng = np.random.default_rng(seed)
    params = recurrent.init_params(cell, D, H, rng)
    return params, rng.normal(size=(N, T, D)), 0.5 * rng.normal(size=(N, H)), rng


@pytest.mark.parametrize("cell", recurrent.CELLS)
def test_init_shapes_and_orthogonal_blocks(cell):
    params, *_ = setup(cell)
    G = recurrent.GATES[cell]
    assert params["Wx"].shape == (D, G * H) and params["Wh"].shape == (H, G * H)
    for k in range(G):  # every (H, H) block of Wh is orthogonal
        block = params["Wh"][:, k * H:(k + 1) * H]
        np.testing.assert_allclose(block.T @ block, np.eye(H), atol=1e-12)
    expected_b = np.zeros(G * H)
    if cell == "lstm":
        expected_b[H:2 * H] = 1.0  # forget gate bias starts at 1
    np.testing.assert_array_equal(params["b"], expected_b)


@pytest.mark.parametrize("cell", recurrent.CELLS)
def test_forward_matches_the_layer_module(cell):
    params, x, h0, _ = setup(cell)
    layer_forward = {"rnn": rnn.rnn_forward, "lstm": lstm.lstm_forward, "gru": gru.gru_forward}[cell]
    h, _ = recurrent.forward(cell, x, h0, params)
    np.testing.assert_array_equal(h, layer_forward(x, h0, params["Wx"], params["Wh"], params["b"])[0])


@pytest.mark.parametrize("cell", recurrent.CELLS)
def test_any_memory_layout_gives_the_same_numbers(cell):
    # The layers store their arrays time-major and hand out (N, T, ...) views;
    # CharLM passes such views back in. Layout must not change a single number.
    params, x, h0, rng = setup(cell)
    dh = rng.normal(size=(N, T, H))
    x_view = np.ascontiguousarray(x.transpose(1, 0, 2)).transpose(1, 0, 2)  # time-major memory
    dh_view = np.asfortranarray(dh)
    h, cache = recurrent.forward(cell, x, h0, params)
    h_v, cache_v = recurrent.forward(cell, x_view, h0, params)
    np.testing.assert_array_equal(h, h_v)
    for g, g_v in zip(recurrent.backward(cell, dh, cache), recurrent.backward(cell, dh_view, cache_v)):
        np.testing.assert_array_equal(g, g_v)


@pytest.mark.parametrize("cell", recurrent.CELLS)
@pytest.mark.parametrize("name", ["x", "h0", "Wx", "Wh", "b"])
def test_backward_gradcheck(cell, name):
    # Tolerance: rel_error < 1e-7 against float64 centred differences.
    params, x, h0, rng = setup(cell)
    args = {"x": x, "h0": h0, **params}

    def f(value):
        a = {**args, name: value}
        return recurrent.forward(cell, a["x"], a["h0"], {k: a[k] for k in params})[0]

    h, cache = f(args[name]), recurrent.forward(cell, x, h0, params)[1]
    dh = rng.normal(size=h.shape)
    grads = dict(zip(["x", "h0", "Wx", "Wh", "b"], recurrent.backward(cell, dh, cache)))
    assert rel_error(grads[name], numerical_gradient(f, args[name].copy(), dh)) < 1e-7


@pytest.mark.parametrize("cell", recurrent.CELLS)
def test_final_state_carries_a_sequence_across_chunks(cell):
    params, x, h0, _ = setup(cell)
    h_whole, _ = recurrent.forward(cell, x, h0, params)
    h_first, cache = recurrent.forward(cell, x[:, :2], h0, params)
    state = recurrent.final_state(cache)
    if cell == "lstm":
        h_rest, _ = recurrent.forward(cell, x[:, 2:], state[0], params, c0=state[1])
    else:
        h_rest, _ = recurrent.forward(cell, x[:, 2:], state, params)
    np.testing.assert_allclose(np.concatenate([h_first, h_rest], axis=1), h_whole, atol=1e-13)


def test_bad_input_is_named():
    params, x, h0, _ = setup("gru")
    with pytest.raises(ValueError, match=r"cell must be one of \('rnn', 'lstm', 'gru'\), got 'tcn'"):
        recurrent.forward("tcn", x, h0, params)
    with pytest.raises(ValueError, match=r"c0 is the LSTM's cell state; a gru layer has none"):
        recurrent.forward("gru", x, h0, params, c0=h0)
    _, cache = recurrent.forward("gru", x, h0, params)
    with pytest.raises(ValueError, match=r"cache comes from a gru layer, not lstm"):
        recurrent.backward("lstm", np.zeros((N, T, H)), cache)
    with pytest.raises(ValueError, match=r"Wh must have shape \(H, 3H\)"):
        recurrent.forward("gru", x, h0, {**params, "Wh": params["Wh"][:, :2 * H]})


def test_relu_activation_for_the_vanilla_rnn_only():
    params, x, h0, _ = setup("rnn")
    h, cache = recurrent.forward("rnn", x, h0, params, activation="relu")
    expected, _ = rnn.rnn_forward(x, h0, params["Wx"], params["Wh"], params["b"], "relu")
    np.testing.assert_array_equal(h, expected)
    # backward reads the activation from the cache: check it against centred differences.
    dh = np.random.default_rng(4).normal(size=h.shape)
    dWh = recurrent.backward("rnn", dh, cache)[3]
    num = numerical_gradient(
        lambda W: recurrent.forward("rnn", x, h0, {**params, "Wh": W}, activation="relu")[0],
        params["Wh"].copy(), dh)
    assert rel_error(dWh, num) < 1e-7
    lstm_params, *_ = setup("lstm")
    with pytest.raises(ValueError, match=r"activation applies to the vanilla rnn only; a lstm"):
        recurrent.forward("lstm", x, h0, lstm_params, activation="relu")
    with pytest.raises(ValueError, match=r"activation must be one of \('tanh', 'relu'\), got 'gelu'"):
        recurrent.forward("rnn", x, h0, params, activation="gelu")


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_a_chunk_of_no_steps_ends_where_it_started(cell):
    # T = 0: the final state is the initial one (rnn and gru used to raise IndexError).
    params, x, h0, _ = setup(cell)
    c0 = h0 + 1.0 if cell == "lstm" else None
    h, cache = recurrent.forward(cell, x[:, :0], h0, params, c0=c0)
    assert h.shape == (h0.shape[0], 0, h0.shape[1])
    final = recurrent.final_state(cache)
    if cell == "lstm":
        np.testing.assert_array_equal(final[0], h0)
        np.testing.assert_array_equal(final[1], c0)
    else:
        np.testing.assert_array_equal(final, h0)
        assert final is not h0
    # Backward through no steps: h0 gets no gradient, nor does any weight.
    dx, dh0, dWx, dWh, db = recurrent.backward(cell, np.zeros_like(h), cache)
    assert dx.shape == x[:, :0].shape
    for name, grad in [("dh0", dh0), ("dWx", dWx), ("dWh", dWh), ("db", db)]:
        like = h0 if name == "dh0" else params[name[1:]]
        assert grad.shape == like.shape and not grad.any(), name


def test_missing_parameter_and_bad_cache_are_named():
    params, x, h0, _ = setup("gru")
    with pytest.raises(ValueError, match=r"^forward: params must have the keys \['Wx', 'Wh', 'b'\]; "
                                         r"missing \['b'\]$"):
        recurrent.forward("gru", x, h0, {k: v for k, v in params.items() if k != "b"})
    with pytest.raises(ValueError, match=r"^init_params: H must be a positive integer, got 0$"):
        recurrent.init_params("gru", 3, 0, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"^final_state: cache must be the cache that recurrent.forward "
                                         r"returned"):
        recurrent.final_state(None)


# ---------------------------------------------------------------- token ids as one-hot inputs

def one_hot(ids, D):
    out = np.zeros(ids.shape + (D,))
    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
    return out


@pytest.mark.parametrize("cell", recurrent.CELLS)
def test_token_ids_are_read_as_one_hot_vectors(cell):
    # ids (N, T) must give what their one-hot vectors (N, T, D) give: every state, and every
    # gradient but dx, which ids do not have. Two ids are repeated, so dWx must add them up.
    params, _, h0, rng = setup(cell)
    ids = rng.integers(0, D, size=(N, T))
    ids[0, :2] = ids[1, 3] = 2
    h_ids, cache_ids = recurrent.forward(cell, ids, h0, params)
    h_hot, cache_hot = recurrent.forward(cell, one_hot(ids, D), h0, params)
    np.testing.assert_allclose(h_ids, h_hot, rtol=1e-12, atol=1e-14)
    dh = rng.normal(size=h_ids.shape)
    dx, *grads_ids = recurrent.backward(cell, dh, cache_ids)
    _, *grads_hot = recurrent.backward(cell, dh, cache_hot)
    assert dx is None
    for name, a, b in zip(["dh0", "dWx", "dWh", "db"], grads_ids, grads_hot):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("cell", recurrent.CELLS)
@pytest.mark.parametrize("path", ["one-hot blocks", "np.add.at"])
def test_token_ids_weight_gradient_matches_centred_differences(cell, path, monkeypatch):
    from rnn_helpers import _inputs
    if path == "one-hot blocks":
        monkeypatch.setattr(_inputs, "ONEHOT_BLOCK", 2 * D)  # blocks of two rows: the blocks must add up
    else:
        monkeypatch.setattr(_inputs, "ONEHOT_MAX_D", D - 1)  # D ids count as a large vocabulary
    params, _, h0, rng = setup(cell, seed=2)
    ids = rng.integers(0, D, size=(N, T))
    h, cache = recurrent.forward(cell, ids, h0, params)
    dh = rng.normal(size=h.shape)
    _, _, dWx, _, _ = recurrent.backward(cell, dh, cache)
    num = numerical_gradient(lambda W: recurrent.forward(cell, ids, h0, {**params, "Wx": W})[0],
                             params["Wx"].copy(), dh)
    assert rel_error(dWx, num) < 1e-7


@pytest.mark.parametrize("cell", recurrent.CELLS)
def test_token_ids_keep_the_weights_dtype_and_allow_no_steps(cell):
    params, _, h0, rng = setup(cell)
    params32 = {k: v.astype(np.float32) for k, v in params.items()}
    ids = rng.integers(0, D, size=(N, T)).astype(np.int32)
    h, cache = recurrent.forward(cell, ids, h0.astype(np.float32), params32)
    assert h.dtype == np.float32  # the ids (int32) do not make it float64
    assert all(g.dtype == np.float32 for g in recurrent.backward(cell, np.ones_like(h), cache)[1:])
    h, cache = recurrent.forward(cell, ids[:, :0], h0, params)
    assert h.shape == (N, 0, H)
    _, dh0, dWx, _, _ = recurrent.backward(cell, np.zeros_like(h), cache)
    assert dWx.shape == params["Wx"].shape and not dWx.any() and not dh0.any()


@pytest.mark.parametrize("cell", recurrent.CELLS)
def test_token_ids_outside_the_rows_of_wx_are_refused(cell):
    params, _, h0, rng = setup(cell)
    layer = {"rnn": "rnn_forward", "lstm": "lstm_forward", "gru": "gru_forward"}[cell]
    for bad in (D, -1):
        ids = rng.integers(0, D, size=(N, T))
        ids[1, 2] = bad
        with pytest.raises(ValueError, match=rf"^{layer}: x must lie in \[0, D, the rows of Wx\) = "
                                             rf"\[0, {D}\), got values from"):
            recurrent.forward(cell, ids, h0, params)
    G = recurrent.GATES[cell]
    with pytest.raises(ValueError, match=rf"^{layer}: Wx must be a numpy array of shape \(D, "
                                         rf"{G if G > 1 else ''}H\), got list"):
        getattr({"rnn": rnn, "lstm": lstm, "gru": gru}[cell], layer)(
            np.zeros((N, T), dtype=int), h0, params["Wx"].tolist(), params["Wh"], params["b"])
    for shape in [(N, T, D), (T,)]:  # ids have no D axis, and come in a batch
        with pytest.raises(ValueError, match=rf"^{layer}: x must be \(N, T, D\) floats or \(N, T\) integer "
                                             rf"token ids, got integers of shape \({shape[0]},"):
            recurrent.forward(cell, np.zeros(shape, dtype=np.int64), h0, params)


@pytest.mark.parametrize("cell", recurrent.CELLS)
def test_a_layer_of_no_units_gives_empty_gradients(cell):
    # H = 0 is pointless but legal: every array is empty, and nothing may raise (lstm_backward once did).
    rng = np.random.default_rng(0)
    params = {"Wx": np.zeros((D, 0)), "Wh": np.zeros((0, 0)), "b": np.zeros(0)}  # G * 0 columns
    for x in (rng.normal(size=(N, T, D)), rng.integers(0, D, size=(N, T))):
        h, cache = recurrent.forward(cell, x, np.zeros((N, 0)), params)
        _, dh0, dWx, dWh, db = recurrent.backward(cell, np.zeros_like(h), cache)
        assert h.shape == (N, T, 0) and dh0.shape == (N, 0)
        assert (dWx.shape, dWh.shape, db.shape) == (params["Wx"].shape, params["Wh"].shape, params["b"].shape)
