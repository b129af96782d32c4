"""Tests for rnn_helpers/seq2seq.py: teacher forcing, gradients, greedy decoding."""
import numpy as np
import pytest

from rnn_helpers import seq2seq
from rnn_helpers.gradcheck import check_model_gradients, numerical_gradient, rel_error
from rnn_helpers.models import TrainingDiverged, fit

TOL = 1e-7  # float64 centred differences
# All sizes differ, so no swapped axis can pass: batch, source and target
# steps, source and target vocabularies, embedding, hidden, input features.
N, S, T, U, V, E, H, D = 3, 5, 4, 9, 7, 2, 6, 8
START, END = 1, 2


def _random_batch(rng):
    src = rng.integers(0, U, size=(N, S))
    lengths = np.array([5, 2, 4])
    dec_in, dec_out = seq2seq.teacher_forcing_arrays(
        [rng.integers(3, V, size=k) for k in (3, 1, 2)], START, END)
    assert dec_in.shape == (N, T)
    return src, lengths, dec_in, dec_out


def _nudge(model, rng):
    """Random non-zero biases, so their gradients are tested away from zero."""
    for k, p in model.params.items():
        if k.endswith("b") or k in ("by", "b_init"):
            model.params[k] = 0.1 * rng.normal(size=p.shape)


def _assert_gradients_match(model, X, y, strict):
    """Every parameter's gradient against centred differences.

    Through a whole encoder-decoder some gradient entries are 1e-6 or less,
    close to the round-off of centred differences on a loss of about 2 (some
    1e-11 absolute), so their entry-by-entry relative error can reach 1e-6
    even when the code is right. As in test_models, we ask for a norm-relative
    error below 1e-7 for every parameter and an entry-by-entry one below 1e-4
    (a real bug gives 1e-2 or more); with strict=True, also the entry-by-entry
    rel_error < 1e-7 of check_model_gradients.
    """
    _, grads = model.loss_and_grads(X, y)
    assert set(grads) == set(model.params)
    for name, p in list(model.params.items()):
        def loss_at(value, name=name):
            model.params[name] = value  # the model reads the array it is given
            return model.loss_and_grads(X, y)[0]
        num = numerical_gradient(loss_at, p.copy())
        model.params[name] = p
        norm_rel = np.linalg.norm(grads[name] - num) / (np.linalg.norm(grads[name]) + np.linalg.norm(num))
        assert norm_rel < TOL, (name, norm_rel)
        assert rel_error(grads[name], num) < 1e-4, name
    if strict:
        errors = check_model_gradients(model, X, y)
        assert max(errors.values()) < TOL, errors


def test_teacher_forcing_arrays():
    dec_in, dec_out = seq2seq.teacher_forcing_arrays([np.array([5, 6, 7]), np.array([8])], START, END)
    np.testing.assert_array_equal(dec_in, [[1, 5, 6, 7], [1, 8, 0, 0]])
    np.testing.assert_array_equal(dec_out, [[5, 6, 7, 2], [8, 2, -1, -1]])
    # The decoder reads at step t the target of step t-1.
    np.testing.assert_array_equal(dec_in[0, 1:], dec_out[0, :-1])
    with pytest.raises(ValueError, match="teacher_forcing_arrays: targets must be a non-empty list"):
        seq2seq.teacher_forcing_arrays([np.array([1.5])], START, END)


@pytest.mark.parametrize("cell", seq2seq.CELLS)
def test_seq2seq_gradcheck_every_parameter(cell):
    rng = np.random.default_rng(0)
    model = seq2seq.Seq2Seq(U, V, hidden_size=H, embed_dim=E, cell=cell, seed=1)
    _nudge(model, rng)
    src, lengths, dec_in, dec_out = _random_batch(rng)
    assert set(model.params) == {"src_embed", "enc_Wx", "enc_Wh", "enc_b", "tgt_embed", "dec_Wx",
                                 "dec_Wh", "dec_b", "Wy", "by"}
    _assert_gradients_match(model, (src, lengths, dec_in), dec_out, strict=cell == "rnn")


@pytest.mark.parametrize("cell", seq2seq.CELLS)
def test_vector_to_sequence_gradcheck_every_parameter(cell):
    rng = np.random.default_rng(1)
    model = seq2seq.VectorToSequence(D, V, hidden_size=H, embed_dim=E, cell=cell, seed=2)
    _nudge(model, rng)
    _, _, dec_in, dec_out = _random_batch(rng)
    assert {"W_init", "b_init"} <= set(model.params)
    _assert_gradients_match(model, (rng.normal(size=(N, D)), dec_in), dec_out, strict=False)


@pytest.mark.parametrize("cell", seq2seq.CELLS)
def test_vector_to_sequence_scores_and_hidden_states(cell):
    rng = np.random.default_rng(6)
    model = seq2seq.VectorToSequence(D, V, hidden_size=H, embed_dim=E, cell=cell, seed=3)
    _nudge(model, rng)
    _, _, dec_in, dec_out = _random_batch(rng)
    x = rng.normal(size=(N, D))
    h, scores = model.hidden_states((x, dec_in)), model.scores((x, dec_in))
    assert h.shape == (N, T, H) and scores.shape == (N, T, V)
    # The readout of every state gives the scores.
    np.testing.assert_allclose(scores, h @ model.params["Wy"] + model.params["by"], rtol=0, atol=1e-12)
    # The mean cross-entropy of the scored steps is the training loss.
    logp = scores - np.log(np.exp(scores).sum(axis=2, keepdims=True))  # (N, T, V)
    scored = dec_out >= 0
    picked = np.take_along_axis(logp, np.maximum(dec_out, 0)[..., None], axis=2)[..., 0]
    np.testing.assert_allclose(-picked[scored].mean(), model.loss_and_grads((x, dec_in), dec_out)[0],
                               rtol=1e-12)
    # Step t depends on dec_in up to t only: one step alone gives the first state.
    np.testing.assert_allclose(model.hidden_states((x, dec_in[:, :1]))[:, 0], h[:, 0], rtol=0, atol=1e-14)
    with pytest.raises(ValueError, match=r"VectorToSequence.hidden_states: .*dec_in"):
        model.hidden_states((x, dec_in[:2]))
    with pytest.raises(ValueError, match=r"VectorToSequence.scores: .*dec_in"):
        model.scores((x, dec_in.astype(float)))


def test_padding_after_a_source_never_reaches_its_context():
    rng = np.random.default_rng(2)
    model = seq2seq.Seq2Seq(U, V, hidden_size=H, embed_dim=E, seed=0)
    src, lengths, dec_in, dec_out = _random_batch(rng)
    other = src.copy()
    other[1, 2:] = (src[1, 2:] + 1) % U  # change only row 1's padding (its length is 2)
    np.testing.assert_array_equal(model.encode(src, lengths)[0], model.encode(other, lengths)[0])
    assert model.loss_and_grads((src, lengths, dec_in), dec_out)[0] == \
        model.loss_and_grads((other, lengths, dec_in), dec_out)[0]
    # A source read alone gives the same context as inside the padded batch.
    alone = model.encode(src[1:2, :2], np.array([2]))[0]
    np.testing.assert_allclose(alone[0], model.encode(src, lengths)[0][1], rtol=0, atol=1e-14)


def test_loss_ignores_unscored_targets():
    rng = np.random.default_rng(3)
    model = seq2seq.Seq2Seq(U, V, hidden_size=H, embed_dim=E, seed=0)
    src, lengths, dec_in, dec_out = _random_batch(rng)
    loss, grads = model.loss_and_grads((src, lengths, dec_in), dec_out)
    # Changing a decoder input after the last scored step changes nothing.
    changed = dec_in.copy()
    changed[1, 3] = 5  # row 1 is scored at steps 0 and 1 only
    loss2, grads2 = model.loss_and_grads((src, lengths, changed), dec_out)
    assert loss2 == loss
    np.testing.assert_array_equal(grads2["Wy"], grads["Wy"])


@pytest.mark.parametrize("cell", seq2seq.CELLS)
def test_greedy_decode_agrees_with_teacher_forcing_on_its_own_output(cell):
    # Second reference: feed the greedy output back with teacher forcing; the
    # argmax at every step must reproduce it.
    rng = np.random.default_rng(4)
    model = seq2seq.Seq2Seq(U, V, hidden_size=H, embed_dim=E, cell=cell, seed=5)
    src, lengths, _, _ = _random_batch(rng)
    out = model.translate(src, lengths, START, END, max_len=6)
    assert out.shape[0] == N and out.dtype == np.int64
    context, _ = model.encode(src, lengths)
    feed = np.concatenate([np.full((N, 1), START), np.maximum(out[:, :-1], 0)], axis=1)
    scores, _ = seq2seq.decoder_forward(model.params, context, feed, cell)
    best = scores.argmax(axis=2)
    for n in range(N):
        written = out[n][out[n] >= 0]
        np.testing.assert_array_equal(best[n, :len(written)], written)
        # Everything after <end> is -1, and <end> appears at most once.
        if END in written:
            assert written[-1] == END and np.sum(written == END) == 1


def test_exact_match():
    pred = np.array([[5, 6, 2, -1], [5, 6, 6, 2], [7, 2, -1, -1]])
    target = np.array([[5, 6, 2], [5, 6, 2], [7, 2, -1]])
    assert seq2seq.exact_match(pred, target) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="exact_match: pred must hold integer indices"):
        seq2seq.exact_match(pred.astype(float), target)
    with pytest.raises(ValueError, match=r"target must have shape \(N, T2\) = \(3, \?\), got \(2, 3\)"):
        seq2seq.exact_match(pred, target[:2])


def test_bad_arguments():
    model = seq2seq.Seq2Seq(U, V, hidden_size=H, embed_dim=E)
    src = np.zeros((N, S), dtype=np.int64)
    with pytest.raises(ValueError, match=r"Seq2Seq.encode: src_lengths must lie in \[1, S\] = \[1, 5\], got values from 0 to 5"):
        model.encode(src, np.array([5, 0, 1]))
    with pytest.raises(ValueError, match=r"src_lengths must have shape \(N\) = \(3\), got \(2,\)"):
        model.encode(src, np.array([1, 2]))
    with pytest.raises(ValueError, match=r"Seq2Seq: cell must be one of \('rnn', 'gru'\), got 'lstm'"):
        seq2seq.Seq2Seq(U, V, cell="lstm")
    with pytest.raises(ValueError, match="greedy_decode: max_len must be a positive integer, got 0"):
        model.translate(src, np.array([1, 2, 3]), START, END, max_len=0)
    dec = np.zeros((N, T), dtype=np.int64)
    with pytest.raises(ValueError, match=r"Seq2Seq.loss_and_grads: y must have shape \(N, T\) = \(3, 4\), got \(3, 5\)"):
        model.loss_and_grads((src, np.array([1, 2, 3]), dec), np.zeros((N, 5), dtype=np.int64))
    v2s = seq2seq.VectorToSequence(D, V)
    with pytest.raises(ValueError, match=r"VectorToSequence: x must have shape \(N, D\)"):
        v2s.generate(np.zeros(D), START, END)


def test_seq2seq_learns_to_reverse_short_sequences():
    # Reverse two tokens, with a different output vocabulary: token k -> k + 3.
    rng = np.random.default_rng(6)
    src = rng.integers(0, 4, size=(300, 2))
    lengths = np.full(300, 2)
    dec_in, dec_out = seq2seq.teacher_forcing_arrays(list(src[:, ::-1] + 3), START, END)
    model = seq2seq.Seq2Seq(4, 7, hidden_size=16, embed_dim=4, seed=0)
    fit(model, (src, lengths, dec_in), dec_out, num_epochs=40, lr=0.02)
    out = model.translate(src, lengths, START, END, max_len=4)
    assert seq2seq.exact_match(out, dec_out) == 1.0


def test_translate_names_start_and_end_ids_outside_the_vocabulary():
    model = seq2seq.Seq2Seq(U, V, hidden_size=H, embed_dim=E)
    src, lengths = np.zeros((N, S), dtype=np.int64), np.array([1, 2, 3])
    with pytest.raises(ValueError, match=rf"^greedy_decode: start_id must be an integer in \[0, {V - 1}\], got 99$"):
        model.translate(src, lengths, 99, END)
    with pytest.raises(ValueError, match=rf"^greedy_decode: end_id must be an integer in \[0, {V - 1}\], got {V}$"):
        model.translate(src, lengths, START, V)
    with pytest.raises(ValueError, match=r"^VectorToSequence: input_size must be a positive integer, got 0$"):
        seq2seq.VectorToSequence(0, V)


@pytest.mark.parametrize("make, match", [
    (lambda: seq2seq.Seq2Seq(0, V), r"^Seq2Seq: src_vocab_size must be a positive integer, got 0$"),
    (lambda: seq2seq.Seq2Seq(U, True), r"^Seq2Seq: tgt_vocab_size must be a positive integer, got True$"),
    (lambda: seq2seq.Seq2Seq(U, V, hidden_size=0), r"^Seq2Seq: hidden_size must be a positive integer, got 0$"),
    (lambda: seq2seq.Seq2Seq(U, V, embed_dim=-1), r"^Seq2Seq: embed_dim must be a positive integer, got -1$"),
    (lambda: seq2seq.VectorToSequence(True, V),
     r"^VectorToSequence: input_size must be a positive integer, got True$"),
    (lambda: seq2seq.VectorToSequence(D, V, hidden_size=-1),
     r"^VectorToSequence: hidden_size must be a positive integer, got -1$"),
])
def test_constructors_name_their_own_sizes(make, match):
    # Issue 9: a bad size was blamed on "xavier: fan_in" or numpy's "negative dimensions".
    with pytest.raises(ValueError, match=match):
        make()


def test_generate_and_translate_name_ids_outside_the_vocabulary():
    v2s = seq2seq.VectorToSequence(D, V, hidden_size=H, embed_dim=E)
    x = np.zeros((N, D))
    with pytest.raises(ValueError, match=rf"^greedy_decode: start_id must be an integer in \[0, {V - 1}\], got -1$"):
        v2s.generate(x, -1, END)
    with pytest.raises(ValueError, match=rf"^greedy_decode: end_id must be an integer in \[0, {V - 1}\], got {V}$"):
        v2s.generate(x, START, V)
    model = seq2seq.Seq2Seq(U, V, hidden_size=H, embed_dim=E)
    src, lengths = np.zeros((N, S), dtype=np.int64), np.array([1, 2, 3])
    with pytest.raises(ValueError, match=rf"^greedy_decode: end_id must be an integer in \[0, {V - 1}\], got -1$"):
        model.translate(src, lengths, START, -1)


def test_nan_in_the_input_vector_is_named():
    v2s = seq2seq.VectorToSequence(D, V, hidden_size=H, embed_dim=E)
    x = np.zeros((N, D))
    x[1, 3] = np.nan
    with pytest.raises(ValueError, match=r"^VectorToSequence: x contains NaN or inf \(1 NaN and 0 inf"):
        v2s.generate(x, START, END)
    dec = np.zeros((N, T), dtype=np.int64)
    with pytest.raises(ValueError, match=r"^VectorToSequence: x contains NaN or inf"):
        v2s.loss_and_grads((x, dec), dec)


def test_an_empty_batch_decodes_to_nothing():
    model = seq2seq.Seq2Seq(U, V, hidden_size=H, embed_dim=E)
    out = model.translate(np.zeros((0, S), dtype=np.int64), np.zeros(0, dtype=np.int64), START, END, max_len=3)
    assert out.shape == (0, 3)
    v2s = seq2seq.VectorToSequence(D, V, hidden_size=H, embed_dim=E)
    assert v2s.generate(np.zeros((0, D)), START, END, max_len=3).shape == (0, 3)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_fit_stops_a_seq2seq_whose_loss_runs_far_above_its_start(optimizer):
    # Issue 9: divergence is caught under every optimizer, not only on NaN or inf.
    rng = np.random.default_rng(6)
    src = rng.integers(0, 4, size=(300, 2))
    dec_in, dec_out = seq2seq.teacher_forcing_arrays(list(src[:, ::-1] + 3), START, END)
    model = seq2seq.Seq2Seq(4, 7, hidden_size=16, embed_dim=4, seed=0)
    with pytest.raises(TrainingDiverged) as info:
        fit(model, (src, np.full(300, 2), dec_in), dec_out, num_epochs=10, lr=10.0, optimizer=optimizer)
    message = str(info.value)
    assert message.startswith("training diverged at epoch 3, batch ")
    assert "for 20 updates in a row" in message and "(lr=10 now; try 1)" in message
