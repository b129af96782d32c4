"""Tests for rnn_helpers/charlm.py: corpus, vocabulary, batches, baselines, model, sampling."""
import numpy as np
import pytest

from rnn_helpers import charlm, optim
from rnn_helpers.gradcheck import numerical_gradient, rel_error
from rnn_helpers.models import TrainingDiverged

TOL = 1e-7  # float64 centred differences
TEXT = "the cat sat on the mat. (a mat!)\n\nthe dog sat on the log.\n"
VOCAB = charlm.Vocabulary.from_text(TEXT)  # V = 18 characters


def small_model(cell, seed=0, E=3, H=4):
    """A float64 model with E, H, V (= 18) all different."""
    return charlm.CharLM(VOCAB, cell=cell, embed_dim=E, hidden_size=H, seed=seed, dtype=np.float64)


def random_state(model, N, rng):
    h = 0.5 * rng.normal(size=(N, model.hidden_size))
    return (h, 0.5 * rng.normal(size=h.shape)) if model.cell == "lstm" else h


# ---------------------------------------------------------------- corpus and split

def test_corpus_loads_as_ascii_text():
    text = charlm.load_corpus()
    assert len(text) >= 200_000 and text.isascii()


def test_split_covers_the_text_once_without_overlap():
    text = charlm.load_corpus()
    spans = charlm.split_spans(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(b == a2 for (_, b, _), (a2, _, _) in zip(spans[:-1], spans[1:]))  # contiguous
    assert [name for *_, name in spans[:3]] == ["train", "validation", "held-out"]
    train, val, test = charlm.split_text(text)
    assert len(train) + len(val) + len(test) == len(text)
    assert 0.08 < len(test) / len(text) < 0.12 and 0.08 < len(val) / len(text) < 0.12
    # Every cut falls just after a paragraph break.
    assert all(text[a - 2:a] == "\n\n" for a, _, _ in spans[1:])


def test_split_rejects_bad_fractions_and_tiny_texts():
    with pytest.raises(ValueError, match="val_frac"):
        charlm.split_spans(TEXT, val_frac=0.5, test_frac=0.5)
    with pytest.raises(ValueError, match="too short"):
        charlm.split_spans(TEXT, num_blocks=10)


# ---------------------------------------------------------------- vocabulary

def test_vocabulary_round_trip():
    ids = VOCAB.encode(TEXT)
    assert ids.dtype == np.int64 and ids.shape == (len(TEXT),)
    assert VOCAB.decode(ids) == TEXT
    assert VOCAB.itos == sorted(set(TEXT)) and all(VOCAB.stoi[c] == i for i, c in enumerate(VOCAB.itos))


def test_unknown_characters_are_named():
    with pytest.raises(ValueError, match=r"2 character\(s\) not in the vocabulary: 'QZ'"):
        VOCAB.encode("the QZ")
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 18\)"):
        VOCAB.decode(np.array([0, 20]))
    with pytest.raises(ValueError, match="must not repeat"):
        charlm.Vocabulary("abca")


# ---------------------------------------------------------------- batches

def test_stream_batches_walk_each_stream_in_order():
    ids = np.arange(103)
    chunks = list(charlm.stream_batches(ids, batch_size=4, seq_len=7))  # 25 chars per stream
    assert [x.shape for x, _ in chunks] == [(4, 7)] * 3 + [(4, 4)]
    x_all = np.concatenate([x for x, _ in chunks], axis=1)
    y_all = np.concatenate([y for _, y in chunks], axis=1)
    # Row n is the contiguous stream ids[25n : 25n + 25]; targets are one step later.
    np.testing.assert_array_equal(x_all, np.arange(100).reshape(4, 25))
    np.testing.assert_array_equal(y_all, x_all + 1)
    with pytest.raises(ValueError, match="cannot fill 200 streams"):
        next(charlm.stream_batches(ids, batch_size=200, seq_len=7))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_carried_state_makes_chunks_equal_one_long_pass(cell):
    # Why the training loop carries the state: chunk by chunk with the final
    # state passed on gives exactly the scores of one pass over each stream.
    model = small_model(cell)
    ids = VOCAB.encode(TEXT)
    whole, _, _ = model.forward(next(charlm.stream_batches(ids, 3, 1000))[0])
    state, parts = None, []
    for x, _ in charlm.stream_batches(ids, batch_size=3, seq_len=4):
        scores, state, _ = model.forward(x, state)
        parts.append(scores)
    np.testing.assert_allclose(np.concatenate(parts, axis=1), whole, atol=1e-12)
    # Starting every chunk from zeros instead loses the context: the scores differ.
    second = list(charlm.stream_batches(ids, batch_size=3, seq_len=4))[1][0]
    assert not np.allclose(model.forward(second)[0], whole[:, 4:8])


# ---------------------------------------------------------------- n-gram baselines

def test_ngram_counts_and_add_k_probabilities():
    ids = VOCAB.encode(TEXT)
    V = len(VOCAB)
    C2 = charlm.ngram_counts(ids, 2, V)
    assert C2.shape == (V, V) and C2.sum() == len(ids) - 1
    t, h = VOCAB.stoi["t"], VOCAB.stoi["h"]
    assert C2[t, h] == TEXT.count("th")
    # Add-k by hand: (count(t, h) + k) / (count(t, .) + k V).
    k = 0.5
    logp = charlm.ngram_log2_probs(C2, k)
    expected = (TEXT.count("th") + k) / (C2[t].sum() + k * V)
    assert np.isclose(2 ** logp[t, h], expected, rtol=1e-12)
    np.testing.assert_allclose((2 ** logp).sum(axis=-1), 1.0, rtol=1e-12)
    with pytest.raises(ValueError, match="k must be a positive number"):
        charlm.ngram_log2_probs(C2, 0)


def test_ngram_bits_per_char_limits():
    ids = VOCAB.encode(TEXT)
    V = len(VOCAB)
    # Huge k: every n-gram model tends to the uniform model, log2 V bits.
    for n in (1, 2, 3):
        logp = charlm.ngram_log2_probs(charlm.ngram_counts(ids, n, V), 1e9)
        assert np.isclose(charlm.ngram_bits_per_char(logp, ids), np.log2(V), atol=1e-6)
    # Unigram by hand on the training text itself.
    counts = np.bincount(ids, minlength=V)
    p = (counts + 1.0) / (len(ids) + V)
    logp1 = charlm.ngram_log2_probs(charlm.ngram_counts(ids, 1, V), 1.0)
    assert np.isclose(charlm.ngram_bits_per_char(logp1, ids), -np.mean(np.log2(p[ids])))


def test_choose_k_picks_the_lowest_validation_score():
    ids = VOCAB.encode(TEXT)
    C = charlm.ngram_counts(ids[:40], 2, len(VOCAB))
    best, scores = charlm.choose_k(C, ids[40:], ks=(0.01, 0.1, 1.0))
    assert scores[best] == min(scores.values()) and set(scores) == {0.01, 0.1, 1.0}


# ---------------------------------------------------------------- the model

@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_lm_loss_gradcheck_with_a_carried_state(cell):
    # Against float64 centred differences. The initial state is random and held
    # fixed: truncated BPTT treats it as a constant. As in test_models, LSTM and
    # GRU gradients have entries of 1e-6 or less, below the round-off of centred
    # differences on this loss (about 5e-11 absolute), so for them we ask for a
    # norm-relative error below 1e-7 and entry by entry below 1e-4 (a real bug
    # gives 1e-2 or more); the gate-free RNN keeps rel_error < 1e-7 everywhere.
    rng = np.random.default_rng(3)
    model = small_model(cell)
    N, T, V = 2, 5, len(VOCAB)
    x, y = rng.integers(0, V, size=(N, T)), rng.integers(0, V, size=(N, T))
    state = random_state(model, N, rng)
    model.params["by"] = 0.1 * rng.normal(size=V)
    model.params["b"] = model.params["b"] + 0.1 * rng.normal(size=model.params["b"].shape)
    _, grads = model.loss_and_grads(x, y, state)
    assert set(grads) == set(model.params)
    for name, p in model.params.items():
        def loss_at(value, name=name):
            model.params[name] = value
            return model.loss_and_grads(x, y, state)[0]
        num = numerical_gradient(loss_at, p.copy())
        model.params[name] = p
        norm_rel = np.linalg.norm(grads[name] - num) / (np.linalg.norm(grads[name]) + np.linalg.norm(num))
        assert norm_rel < TOL, name
        assert rel_error(grads[name], num) < (TOL if cell == "rnn" else 1e-4), name


def test_lm_loss_is_log_v_with_a_zero_readout():
    # Independent check: zero readout weights give a uniform softmax, loss ln V.
    model = small_model("lstm")
    model.params["Wy"][:] = 0.0
    x = VOCAB.encode(TEXT)[None, :-1]
    loss, _, state = model.loss_and_grads(x, VOCAB.encode(TEXT)[None, 1:], return_state=True)
    assert np.isclose(loss, np.log(len(VOCAB)), rtol=1e-12)
    assert isinstance(state, tuple) and state[0].shape == (1, 4)


def test_model_rejects_bad_input():
    model = small_model("gru")
    with pytest.raises(ValueError, match="cell must be one of"):
        charlm.CharLM(VOCAB, cell="tcn")
    with pytest.raises(ValueError, match="hidden_size must be a positive int"):
        charlm.CharLM(VOCAB, hidden_size=0)
    with pytest.raises(ValueError, match="x must hold integer indices"):
        model.forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"y must have shape \(N, T\) = \(2, 3\)"):
        model.loss_and_grads(np.zeros((2, 3), dtype=int), np.zeros((2, 4), dtype=int))


def test_save_and_load_round_trip(tmp_path):
    model = small_model("lstm", seed=5)
    path = tmp_path / "lm.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as f:  # no object arrays inside
        assert all(f[k].dtype != object for k in f.files)
    loaded = charlm.CharLM.load(path)
    assert loaded.cell == "lstm" and loaded.vocab.itos == VOCAB.itos
    assert loaded.embed_dim == 3 and loaded.hidden_size == 4
    for k, v in model.params.items():
        np.testing.assert_array_equal(loaded.params[k], v)
        assert loaded.params[k].dtype == v.dtype
    assert charlm.sample(loaded, "the", 30, seed=1) == charlm.sample(model, "the", 30, seed=1)
    np.savez(tmp_path / "other.npz", a=np.zeros(2))
    with pytest.raises(ValueError, match="was it written by CharLM.save"):
        charlm.CharLM.load(tmp_path / "other.npz")


# ---------------------------------------------------------------- training and evaluation

def test_train_lm_learns_a_repeating_text():
    text = "abcd" * 200
    vocab = charlm.Vocabulary.from_text(text)
    model = charlm.CharLM(vocab, cell="gru", embed_dim=4, hidden_size=8, seed=0)
    ids = vocab.encode(text)
    history = charlm.train_lm(model, ids, num_epochs=3, batch_size=4, seq_len=5, lr=3e-2,
                              val_ids=ids[:50], val_every=10)
    assert len(history["loss"]) == 3 and len(history["chunk_loss"]) == len(history["chars"])
    assert history["chars"][-1] == 3 * 4 * ((len(ids) - 1) // 4)
    assert history["loss"][-1] < 0.1 * history["loss"][0]
    assert charlm.bits_per_char(model, ids) < 0.1
    assert history["val_chars"][-1] == history["chars"][-1]


def test_train_lm_without_carry_starts_every_chunk_from_zeros():
    # Independent reference: the same updates written out with state=None for every chunk.
    ids = VOCAB.encode(TEXT)
    model = small_model("lstm", seed=4)
    charlm.train_lm(model, ids, num_epochs=1, batch_size=2, seq_len=5, carry_state=False)
    ref = small_model("lstm", seed=4)
    opt = optim.Adam(ref.params, lr=1e-2)
    for x, y in charlm.stream_batches(ids, batch_size=2, seq_len=5):
        _, grads = ref.loss_and_grads(x, y, None)
        optim.clip_grad_norm(grads, 1.0)
        opt.step(grads)
    for k, p in model.params.items():
        np.testing.assert_allclose(p, ref.params[k], rtol=0, atol=1e-12, err_msg=k)
    carried = small_model("lstm", seed=4)
    charlm.train_lm(carried, ids, num_epochs=1, batch_size=2, seq_len=5)
    assert not np.allclose(carried.params["Wh"], ref.params["Wh"])
    with pytest.raises(ValueError, match="carry_state must be True or False, got 0"):
        charlm.train_lm(carried, ids, carry_state=0)


def test_train_lm_stops_with_advice_when_the_loss_is_nan():
    model = small_model("rnn")
    model.loss_and_grads = lambda x, y, state, return_state: (
        float("nan"), {k: np.zeros_like(v) for k, v in model.params.items()}, state)
    with pytest.raises(TrainingDiverged, match=r"smaller learning rate \(lr=0.01 now"):
        charlm.train_lm(model, VOCAB.encode(TEXT), batch_size=2)


@pytest.mark.parametrize("batch_size", [1, 3])
def test_bits_per_char_matches_a_direct_computation(batch_size):
    model = small_model("lstm", seed=2)
    ids = VOCAB.encode(TEXT)
    # Direct: each of the streams (cut as bits_per_char cuts them) in one pass.
    L = len(ids) - 1
    M = -(-L // batch_size)
    total = 0.0
    for n in range(batch_size):
        x, y = ids[:-1][n * M:(n + 1) * M], ids[1:][n * M:(n + 1) * M]
        scores, _, _ = model.forward(x[None])
        p = np.exp(scores[0]) / np.exp(scores[0]).sum(axis=1, keepdims=True)
        total -= np.log2(p[np.arange(len(y)), y]).sum()
    got = charlm.bits_per_char(model, ids, batch_size=batch_size, seq_len=7)
    assert np.isclose(got, total / L, rtol=1e-12)
    # Without the carried state every chunk starts blind: a different score.
    assert not np.isclose(charlm.bits_per_char(model, ids, batch_size, 7, carry_state=False), got)
    assert np.isclose(charlm.perplexity(got), 2 ** got)


@pytest.mark.parametrize("batch_size", [1, 3])
def test_log2_probs_are_in_text_order_and_average_to_bits_per_char(batch_size):
    model = small_model("gru", seed=4)
    ids = VOCAB.encode(TEXT)
    got = charlm.log2_probs(model, ids, batch_size=batch_size, seq_len=7)
    assert got.shape == (len(ids) - 1,) and np.all(got <= 0)
    # Character by character, as each stream reads it in one pass.
    M = -(-(len(ids) - 1) // batch_size)
    for n in range(batch_size):
        x, y = ids[:-1][n * M:(n + 1) * M], ids[1:][n * M:(n + 1) * M]
        scores, _, _ = model.forward(x[None])
        log_p = scores[0] - np.log(np.exp(scores[0]).sum(axis=1, keepdims=True))
        expected = log_p[np.arange(len(y)), y] / np.log(2)
        np.testing.assert_allclose(got[n * M:n * M + len(y)], expected, rtol=1e-5, atol=1e-6)
    assert np.isclose(-got.mean(), charlm.bits_per_char(model, ids, batch_size, 7), rtol=1e-12)


# ---------------------------------------------------------------- sampling

def test_sampling_is_reproducible_with_a_seed():
    model = small_model("gru", seed=1)
    a = charlm.sample(model, "the ", 40, temperature=1.0, seed=7)
    assert a == charlm.sample(model, "the ", 40, temperature=1.0, seed=7)
    assert a != charlm.sample(model, "the ", 40, temperature=1.0, seed=8)
    assert len(a) == 40 and set(a) <= set(VOCAB.itos)
    assert charlm.generate(model, "the ", 1.0, None, 40, seed=7) == "the " + a


def test_greedy_takes_the_most_likely_character_every_time():
    model = small_model("lstm", seed=4)
    out = charlm.sample(model, "the", 25, greedy=True)
    # Reference: rerun the model on prompt + output; each choice is the argmax.
    ids = VOCAB.encode("the" + out)
    scores, _, _ = model.forward(ids[None, :-1])
    np.testing.assert_array_equal(scores[0, 2:].argmax(axis=1), ids[3:])
    assert charlm.sample(model, "the", 25, top_k=1, seed=9) == out


def test_temperature_and_top_k_shape_the_distribution():
    model = small_model("lstm", seed=4)
    model.params["Wy"] *= 20  # a peaked distribution, so temperature matters
    p1 = charlm.next_char_probs(model, "the c")
    assert p1.shape == (len(VOCAB),) and np.isclose(p1.sum(), 1.0)

    def entropy(p):
        return -np.sum(p[p > 0] * np.log(p[p > 0]))
    assert entropy(charlm.next_char_probs(model, "the c", temperature=0.5)) < entropy(p1) \
        < entropy(charlm.next_char_probs(model, "the c", temperature=2.0))
    p3 = charlm.next_char_probs(model, "the c", top_k=3)
    assert np.count_nonzero(p3) == 3 and np.isclose(p3.sum(), 1.0)
    with pytest.raises(ValueError, match="next_char_probs: temperature must be a positive number"):
        charlm.next_char_probs(model, "the c", temperature=-0.5)
    np.testing.assert_array_equal(np.flatnonzero(p3), np.sort(np.argsort(p1)[-3:]))


@pytest.mark.parametrize("kwargs, message", [
    (dict(temperature=0), "sample: temperature must be a positive number, got 0"),
    (dict(temperature=-1.0), "temperature must be a positive number"),
    (dict(temperature=float("nan")), "temperature must be a positive number"),
    (dict(top_k=0), r"top_k must be None \(all 18 characters\) or an int >= 1, got 0"),
    (dict(top_k=2.5), "top_k must be None"),
])
def test_bad_sampling_settings_are_refused(kwargs, message):
    model = small_model("rnn")
    with pytest.raises(ValueError, match=message):
        charlm.sample(model, "the", 5, **kwargs)


def test_prompts_must_be_known_non_empty_text():
    model = small_model("rnn")
    with pytest.raises(ValueError, match=r"not in the vocabulary: 'Q'"):
        charlm.sample(model, "the Q", 5)
    with pytest.raises(ValueError, match="prompt must be a non-empty str"):
        charlm.sample(model, "", 5)
    assert charlm.generate(model, "", length=3).startswith("\n")


def test_find_loop():
    assert charlm.find_loop("xyz the the the the") == (3, 4)
    assert charlm.find_loop("abcdefg") is None
    assert charlm.find_loop("ab" + "aaaaa") == (2, 1)


# ---------------------------------------------------------------- reading the hidden units

def test_text_features_by_hand():
    text = 'a (b) "c" ``d`` (e\n    f\n\ng'
    f = charlm.text_features(text)
    as_str = {name: "".join(str(int(v))[-1] for v in f[name]) for name in f}
    assert as_str["inside ( )"] == "001100000000000011111111100"
    assert as_str["inside quotes"] == "000000110000000000000000000"
    assert as_str["inside ``code``"] == "000000000011100000000000000"
    assert as_str["indented line"] == "000000000000000000000011000"
    assert as_str["space"] == "010001000100000100011110000"
    assert f["position in line"][:3].tolist() == [1, 2, 3] and f["position in line"][18] == 0
    assert f["position in line"][23] == 5


def test_unit_correlations_match_corrcoef():
    rng = np.random.default_rng(0)
    states, feature = rng.normal(size=(50, 4)), rng.normal(size=50)
    states[:, 3] = 1.0  # a unit that never changes
    r = charlm.unit_correlations(states, feature)
    for j in range(3):
        assert np.isclose(r[j], np.corrcoef(states[:, j], feature)[0, 1])
    assert r[3] == 0.0


def test_hidden_states_follow_the_text():
    model = small_model("lstm", seed=6)
    ids = VOCAB.encode(TEXT)
    out = charlm.hidden_states(model, ids, batch_size=1, seq_len=9)
    _, _, cache = model.forward(ids[None])
    np.testing.assert_allclose(out["h"], cache[0][1]["h"][0], atol=1e-12)
    np.testing.assert_allclose(out["c"], cache[0][1]["c"][0], atol=1e-12)
    assert charlm.hidden_states(small_model("gru"), ids, batch_size=4)["h"].shape == (4 * 14, 4)


def test_probe_units_finds_a_planted_unit_and_a_small_control():
    rng = np.random.default_rng(1)
    feature = (np.arange(400) // 20 % 2).astype(float)  # blocks of 20: on, off, on, ...
    h = rng.normal(size=(400, 5))
    c = rng.normal(size=(400, 3))
    c[:, 2] += 3 * feature  # unit 2 of c tracks the feature
    (row,) = charlm.probe_units({"h": h, "c": c}, {"blocks": feature}, control_shift=10)
    assert (row["feature"], row["state"], row["unit"]) == ("blocks", "c", 2)
    assert row["r"] > 0.8
    assert row["control"] < 0.3  # a quarter period away: no link with the text left
    # Shifted by half a period the feature is inverted, and |r| sees that too.
    (row,) = charlm.probe_units({"h": h, "c": c}, {"blocks": feature}, control_shift=20)
    assert row["control"] > 0.8


def test_probe_units_reads_the_chosen_unit_on_other_text():
    rng = np.random.default_rng(2)
    feature = (np.arange(400) // 20 % 2).astype(float)
    h = rng.normal(size=(400, 6))
    h[:, 4] += 3 * feature  # the planted unit, chosen on the first text
    h_test = rng.normal(size=(300, 6))
    h_test[:, 4] -= 2 * feature[:300]  # on the other text it tracks the feature with the other sign
    (row,) = charlm.probe_units({"h": h}, {"blocks": feature}, test_states={"h": h_test},
                                test_features={"blocks": feature[:300]})
    assert row["unit"] == 4 and row["r"] > 0.8
    expected = np.corrcoef(h_test[:, 4], feature[:300])[0, 1]
    assert np.isclose(row["r_test"], expected) and row["r_test"] < -0.6
    assert "r_test" not in charlm.probe_units({"h": h}, {"blocks": feature})[0]
    with pytest.raises(ValueError, match="test_states and test_features together"):
        charlm.probe_units({"h": h}, {"blocks": feature}, test_states={"h": h_test})


def test_train_lm_stops_when_the_loss_runs_far_above_uniform_guessing():
    # Issue 9: lr = 10 without clipping trained at 94 nats per character (uniform
    # guessing costs ln V = 4.45) and returned normally. Now it stops, with advice.
    train, _, _ = charlm.split_text(charlm.load_corpus())
    vocab = charlm.Vocabulary.from_text(train)
    ids = vocab.encode(train)
    with pytest.raises(TrainingDiverged) as info:
        charlm.train_lm(charlm.CharLM(vocab, "rnn", 8, 16), ids, lr=10, clip=None)
    message = str(info.value)
    assert message.startswith("training diverged in epoch 1, update 21: loss ")
    assert "for 20 updates in a row" in message and "(lr=10 now; try 1)" in message
    assert "gradient clipping (clip=1.0)" in message


def test_train_lm_with_stop_if_diverging_false_runs_on():
    ids = VOCAB.encode(TEXT * 3)
    kwargs = dict(num_epochs=1, batch_size=2, seq_len=3, lr=10.0, clip=None)
    with pytest.raises(TrainingDiverged, match="for 20 updates in a row"):
        charlm.train_lm(small_model("rnn"), ids, **kwargs)
    history = charlm.train_lm(small_model("rnn"), ids, stop_if_diverging=False, **kwargs)
    assert max(history["chunk_loss"]) > 2 * np.log(len(VOCAB))


def test_forward_checks_the_state_and_the_ids():
    lstm, gru = small_model("lstm"), small_model("gru")
    x = VOCAB.encode(TEXT[:6]).reshape(2, 3)
    h, c = lstm.initial_state(2)
    with pytest.raises(ValueError, match=r"^CharLM.forward: the state of an LSTM must be a pair \(h, c\)"):
        lstm.forward(x, h)  # a bare h, the mistake of issue 9
    with pytest.raises(ValueError, match=r"^CharLM.forward: state\[1\] must have shape \(N, H\) = \(2, 4\), "
                                         r"got \(3, 4\)"):
        lstm.forward(x, (h, np.zeros((3, 4), dtype=np.float32)))
    with pytest.raises(ValueError, match=r"^CharLM.forward: the state of a gru model must be one array"):
        gru.forward(x, (h, c))
    with pytest.raises(ValueError, match=rf"^CharLM.forward: x must lie in \[0, {len(VOCAB)}\)"):
        gru.forward(x + len(VOCAB))


def test_ngram_counts_names_v_when_it_is_too_small():
    ids = VOCAB.encode(TEXT)
    with pytest.raises(ValueError, match=r"^ngram_counts: ids must lie in \[0, V\) = \[0, 3\), got values from 0 to "):
        charlm.ngram_counts(ids, 2, 3)
