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
    with pytest.raises(ValueError, match=r"sine_train_test: test_start must not be before train_stop.*got test_start=200 and train_stop=250"):
        data.sine_train_test(test_start=200)
    with pytest.raises(ValueError, match=r"sine_windows: need seq_len >= 1"):
        data.sine_train_test(seq_len=200, test_start=300, test_stop=400)  # test too short


# ---------------------------------------------------------------- long-memory tasks

def test_recall_task_layout_and_labels():
    tokens, labels = data.recall_task(200, gap=7, num_symbols=3, num_distractors=5, seed=4)
    assert tokens.shape == (200, 9) and labels.shape == (200,)
    assert tokens.dtype == np.int64 and labels.dtype == np.int64
    np.testing.assert_array_equal(tokens[:, 0], labels)  # the first token is the answer
    assert set(np.unique(labels)) == {0, 1, 2}
    assert tokens[:, 1:-1].min() >= 3 and tokens[:, 1:-1].max() <= 7  # distractors only
    assert set(np.unique(tokens[:, 1:-1])) == set(range(3, 8))
    assert np.all(tokens[:, -1] == 8)  # the query token
    itos = data.recall_vocab(3, 5)
    assert len(itos) == 9 and itos[:3] == ["A", "B", "C"] and itos[-1] == "?"
    assert " ".join(itos[t] for t in tokens[0]).startswith(itos[labels[0]])


def test_recall_task_seeds_and_zero_gap():
    a, _ = data.recall_task(50, gap=5, seed=1)
    b, _ = data.recall_task(50, gap=5, seed=1)
    c, _ = data.recall_task(50, gap=5, seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    tokens, labels = data.recall_task(10, gap=0)
    assert tokens.shape == (10, 2) and np.all(tokens[:, 1] == 8)


@pytest.mark.parametrize("call, match", [
    (lambda: data.recall_task(0, 5), r"recall_task: num_samples must be a positive integer, got 0"),
    (lambda: data.recall_task(10, -1), r"recall_task: gap must be an integer >= 0, got -1"),
    (lambda: data.recall_task(10, 2.0), r"recall_task: gap must be an integer >= 0, got 2.0"),
    (lambda: data.recall_task(10, 3, num_symbols=1), r"recall_vocab: num_symbols must be an integer in \[2, 26\], got 1"),
    (lambda: data.recall_task(10, 3, num_distractors=11), r"recall_vocab: num_distractors must be an integer in \[1, 10\], got 11"),
    (lambda: data.recall_task(True, 3), r"num_samples must be a positive integer, got True"),
])
def test_recall_task_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_adding_problem_targets_and_markers():
    X, y = data.adding_problem(300, seq_len=9, seed=3)
    assert X.shape == (300, 9, 2) and y.shape == (300, 1)
    values, markers = X[..., 0], X[..., 1]
    assert values.min() >= 0 and values.max() < 1
    np.testing.assert_array_equal(markers.sum(axis=1), 2)  # exactly two marked steps
    np.testing.assert_array_equal(markers[:, :4].sum(axis=1), 1)  # one in the first half
    # The target, rebuilt one sample at a time from the marked positions.
    for n in range(5):
        i, j = np.flatnonzero(markers[n])
        assert y[n, 0] == pytest.approx(values[n, i] + values[n, j], abs=1e-15)
    # Predicting 1 scores about 1/6 (two uniform values: variance 2/12).
    assert abs(np.mean((y - 1) ** 2) - 1 / 6) < 0.03


def test_adding_problem_bad_arguments():
    with pytest.raises(ValueError, match=r"adding_problem: seq_len must be an integer >= 2, got 1"):
        data.adding_problem(10, 1)


def test_agreement_task_sentences_and_labels():
    itos = data.agreement_vocab()
    stoi = {w: i for i, w in enumerate(itos)}
    tokens, lengths, labels, clause, attractor = data.agreement_task(400, max_clause_len=6,
                                                                     min_clause_len=2, seed=5)
    assert tokens.shape == (400, 14) and itos[0] == "<pad>"
    np.testing.assert_array_equal(lengths, 8 + clause)
    assert clause.min() == 2 and clause.max() == 6
    for n in range(40):
        words = [itos[t] for t in tokens[n, :lengths[n]]]
        assert words[0] == "the" and words[2:5] == [",", "which", "the"] and words[-1] == ","
        subject = words[1]
        # The subject's number gives the label; the attractor's number is returned too.
        assert subject.endswith("s") == bool(labels[n])
        assert words[5].endswith("s") == bool(attractor[n])
        assert subject.rstrip("s") != words[5].rstrip("s")  # two different nouns
        assert all(w in data._FILLERS for w in words[7:-1])  # the clause carries no number
        assert np.all(tokens[n, lengths[n]:] == stoi["<pad>"])
    assert 0.4 < labels.mean() < 0.6
    assert 0.4 < np.mean(attractor != labels) < 0.6  # the attractor misleads in about half


def test_agreement_task_bad_arguments():
    with pytest.raises(ValueError, match=r"agreement_task: max_clause_len must be >= min_clause_len = 3, got 2"):
        data.agreement_task(10, max_clause_len=2, min_clause_len=3)


# ---------------------------------------------------------------- word-level tasks (notebooks 01 and 02)

def test_review_sentences_labels_follow_the_grammar():
    sentences, sentiment, topic = data.review_sentences(seed=0)
    assert len(sentences) == 960 and sentiment.shape == topic.shape == (960,)
    joined = [" ".join(s) for s in sentences]
    assert len(set(joined)) == 960  # every sentence once
    label = dict(zip(joined, sentiment))
    # Negation flips; after "actually" and "but it was" the last adjective decides.
    assert label["the film was good"] == 1 and label["the film was not good"] == 0
    assert label["the film was not bad , actually good"] == 1
    assert label["the film was not good , actually bad"] == 0
    assert label["the food was great , not awful"] == 1
    assert label["i expected the hotel to be good , but it was boring"] == 0
    assert label["i expected the show to be bad , and it was awful"] == 0
    assert sentiment.mean() == 0.5
    # The topic is the thing reviewed, whatever the order.
    topic_of = dict(zip(joined, topic))
    assert topic_of["the film was not bad , actually good"] == 0
    assert topic_of["i expected the service to be fine , but it was poor"] == 1
    # A different seed shuffles the same sentences.
    assert sorted(" ".join(s) for s in data.review_sentences(seed=1)[0]) == sorted(joined)


def test_train_test_split_is_a_partition():
    tr, te = data.train_test_split(10, test_fraction=0.3, seed=0)
    assert len(te) == 3 and len(tr) == 7
    np.testing.assert_array_equal(np.sort(np.concatenate([tr, te])), np.arange(10))
    tr2, te2 = data.train_test_split(10, test_fraction=0.3, seed=0)
    np.testing.assert_array_equal(te, te2)
    with pytest.raises(ValueError, match=r"train_test_split: test_fraction must be in \(0, 1\), got 1.5"):
        data.train_test_split(10, test_fraction=1.5)
    with pytest.raises(ValueError, match=r"train_test_split: n must be an integer >= 2, got 1"):
        data.train_test_split(1)


def test_place_person_sentences_tags_and_context():
    sentences, tags = data.place_person_sentences(400, seed=0)
    assert len(sentences) == 400 and len({" ".join(s) for s in sentences}) == 400
    assert all(len(s) == len(t) for s, t in zip(sentences, tags))
    pairs = {(w, g) for s, t in zip(sentences, tags) for w, g in zip(s, t)}
    for w in data.PERSONS:
        assert (w, "PLACE") not in pairs
    for name in ("paris", "jordan"):  # ambiguous names take both tags
        assert (name, "PLACE") in pairs and (name, "PERSON") in pairs
    # Multi-word places: every word is tagged PLACE.
    for s, t in zip(sentences, tags):
        for i in range(len(s) - 1):
            if s[i:i + 2] == ["new", "york"]:
                assert t[i:i + 2] == ["PLACE", "PLACE"]
        # Right after "in", "from" or "to" comes a place; after "met" or "with", a person.
        for i in range(len(s) - 1):
            if s[i] in ("in", "from", "to"):
                assert t[i + 1] == "PLACE", s
            if s[i] in ("met", "with"):
                assert t[i + 1] == "PERSON", s
    with pytest.raises(ValueError, match=r"place_person_sentences: n must be an integer in \[1, 6000\], got 0"):
        data.place_person_sentences(0)


def test_action_videos_labels_follow_the_frames():
    videos, holding, label = data.action_videos(200, min_len=5, max_len=9, seed=1)
    assert len(videos) == len(holding) == 200 and label.shape == (200,)
    for frames, held, y in zip(videos, holding, label):
        assert 5 <= len(frames) <= 9 and len(held) == len(frames)
        # Replay the frames: pick starts holding, drop ends it.
        h, jumped = 0, 0
        for a, g in zip(frames, held):
            assert a in data.ACTIONS
            assert not (a == "pick" and h) and not (a == "drop" and not h)
            h = 1 if a == "pick" else 0 if a == "drop" else h
            assert g == h
            jumped |= int(a == "jump" and h)
        assert y == jumped
    # With the default lengths (8 to 14 frames) the two labels are about equally common.
    assert 0.4 < data.action_videos(1000, seed=0)[2].mean() < 0.6
    with pytest.raises(ValueError, match=r"action_videos: need integers 1 <= min_len <= max_len, got 5, 3"):
        data.action_videos(10, min_len=5, max_len=3)


def test_momentum_prices_have_the_stated_momentum():
    p = data.momentum_prices(20000, phi=0.6, sigma=1.0, seed=0)
    assert p.shape == (20000,)
    r = np.diff(p)
    # Lag-1 autocorrelation of the changes is phi; the best forecast's error is sigma**2.
    assert np.corrcoef(r[1:], r[:-1])[0, 1] == pytest.approx(0.6, abs=0.02)
    assert np.mean((r[1:] - 0.6 * r[:-1]) ** 2) == pytest.approx(1.0, abs=0.03)
    np.testing.assert_array_equal(p, data.momentum_prices(20000, phi=0.6, sigma=1.0, seed=0))
    with pytest.raises(ValueError, match=r"momentum_prices: phi must be in \(-1, 1\), got 1.0"):
        data.momentum_prices(100, phi=1.0)


def test_price_windows_are_relative_to_the_last_input():
    prices = np.array([10.0, 11.0, 13.0, 12.0, 15.0])
    X, y = data.price_windows(prices, seq_len=3)
    assert X.shape == (2, 3, 1) and y.shape == (2, 1)
    np.testing.assert_array_equal(X[:, :, 0], [[-3.0, -2.0, 0.0], [-1.0, 1.0, 0.0]])
    np.testing.assert_array_equal(y[:, 0], [12.0 - 13.0, 15.0 - 12.0])
    with pytest.raises(ValueError, match=r"price_windows: seq_len must be an integer in \[2, 4\], got 5"):
        data.price_windows(prices, seq_len=5)
    with pytest.raises(ValueError, match="price_windows: prices must be a floating-point array"):
        data.price_windows(np.arange(5), seq_len=2)


def test_shape_scenes_codes_and_captions():
    X, attributes, captions = data.shape_scenes(50, noise=0.0, extra_dims=2, seed=0)
    assert X.shape == (50, 11) and attributes.shape == (50, 3)
    for k in range(3):  # without noise, each block is the one-hot code of its attribute
        np.testing.assert_array_equal(X[:, 3 * k:3 * k + 3].argmax(axis=1), attributes[:, k])
    np.testing.assert_array_equal(X.sum(axis=1), 3.0)
    for (c, col, s), cap in zip(attributes, captions):
        assert cap[0] == ("one", "two", "three")[c] and cap[1] == ("red", "green", "blue")[col]
        # Plural after two and three.
        assert cap[2] == ("circle", "square", "star")[s] + ("s" if c else "")
    noisy, _, _ = data.shape_scenes(50, noise=0.3, extra_dims=2, seed=0)
    assert 0.2 < np.std(noisy - X) < 0.4


def test_date_pairs_agree_with_the_standard_library():
    from datetime import datetime
    sources, targets = data.date_pairs(300, seed=0)
    assert len({" ".join(s) for s in sources}) == 300
    formats = {3: ("%d %B %Y", "%d %b %Y"), 4: ("%B %d , %Y", "%b %d , %Y"), 5: ("the %d of %B %Y",)}
    for src, tgt in zip(sources, targets):
        text = " ".join(src)
        parsed = set()
        for fmt in formats[len(src)]:
            try:
                parsed.add(datetime.strptime(text, fmt).date().isoformat())
            except ValueError:
                pass
        assert parsed == {"".join(tgt)}, text
        assert 1990 <= int("".join(tgt[:4])) <= 2029 and len(tgt) == 10
    with pytest.raises(ValueError, match=r"date_pairs: n must be an integer in \[1, 3653\] \(the days from 2000 to 2009\), got 5000"):
        data.date_pairs(5000, first_year=2000, last_year=2009)


def test_shared_rows_counts_sequences_of_b_found_in_a():
    a = np.array([[1, 2, 3], [4, 5, 6], [1, 2, 3]])
    b = np.array([[4, 5, 6], [7, 8, 9], [1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(data.shared_rows(a, b), [True, False, True, True])
    np.testing.assert_array_equal(data.shared_rows(b, a), [True, True, True])
    assert not data.shared_rows(a, np.array([[3, 2, 1]])).any()
    # Short gaps have few distinct sequences: two seeds share many of them.
    small_a, _ = data.recall_task(1000, gap=2, seed=1)
    small_b, _ = data.recall_task(500, gap=2, seed=2)
    assert data.shared_rows(small_a, small_b).sum() > 400  # only 4 * 4**2 = 64 sequences exist
    with pytest.raises(ValueError, match=r"shared_rows: X_a and X_b must have the same T, got 3 and 2"):
        data.shared_rows(a, b[:, :2])
    with pytest.raises(ValueError, match=r"shared_rows: X_b must be a 2-d numpy array"):
        data.shared_rows(a, np.zeros(3))


def test_reversal_pairs_are_reversed_distinct_and_cover_the_lengths():
    sources, targets = data.reversal_pairs(600, min_len=3, max_len=9, num_letters=5, seed=3)
    assert len(sources) == len(targets) == 600
    assert all(t == s[::-1] for s, t in zip(sources, targets))
    assert len({"".join(s) for s in sources}) == 600  # no string twice: a split shares none
    assert {len(s) for s in sources} == set(range(3, 10))
    assert set("".join("".join(s) for s in sources)) == set("abcde")
    assert data.reversal_pairs(600, 3, 9, 5, seed=3) == (sources, targets)  # the seed fixes it
    with pytest.raises(ValueError, match=r"reversal_pairs: n must be an integer in \[1, 4\]"):
        data.reversal_pairs(5, min_len=2, max_len=2, num_letters=3)
