"""Interpolated Kneser-Ney (rnn_helpers.ngram) against a plain dictionary version, and its guarantees."""
from collections import Counter

import numpy as np
import pytest

from rnn_helpers import charlm, ngram


def reference_probability(train, n, V, context, w):
    """Interpolated Kneser-Ney written out with Python dicts, one order at a time, for comparison."""
    train = [int(c) for c in train]
    numer = {}                                               # order k -> {k-gram tuple: count}
    for k in range(1, n + 1):
        if k == n:
            numer[k] = Counter(tuple(train[i:i + k]) for i in range(len(train) - k + 1))
        else:                                                # distinct characters seen before each k-gram
            longer = {tuple(train[i:i + k + 1]) for i in range(len(train) - k)}
            numer[k] = Counter(g[1:] for g in longer)
    p = 1.0 / V
    for k in range(1, n + 1):
        h = tuple(context[len(context) - (k - 1):]) if k > 1 else ()
        total = sum(c for g, c in numer[k].items() if g[:-1] == h)
        if total == 0:
            continue                                         # unseen context: keep the lower order
        types = sum(1 for g in numer[k] if g[:-1] == h)
        n1 = sum(1 for c in numer[k].values() if c == 1)
        n2 = sum(1 for c in numer[k].values() if c == 2)
        D = n1 / (n1 + 2 * n2) if n1 > 0 else 0.5             # no singletons: the module's fallback
        p = (max(numer[k].get(h + (w,), 0) - D, 0) + D * types * p) / total
    return p


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(0)
    # A text with structure (a repeated phrase) and noise, over V = 6 characters; character 5 never occurs.
    phrase = np.array([0, 1, 2, 3, 1, 2])
    parts = [phrase if rng.random() < 0.6 else rng.integers(0, 5, size=4) for _ in range(80)]
    return np.concatenate(parts), 6


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_matches_the_dictionary_version(small, n):
    train, V = small
    model = ngram.KneserNey(train, n, V)
    rng = np.random.default_rng(n)
    contexts = rng.integers(0, V, size=(40, n - 1))
    contexts[:10] = [train[i:i + n - 1] for i in range(10)]   # some contexts seen in training
    nexts = rng.integers(0, V, size=40)
    got = model.probs(contexts, nexts)
    want = [reference_probability(train, n, V, list(c), int(w)) for c, w in zip(contexts, nexts)]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_every_distribution_sums_to_one_and_is_positive(small, n):
    train, V = small
    model = ngram.KneserNey(train, n, V)
    rng = np.random.default_rng(0)
    for context in [train[:n - 1], train[7:7 + n - 1], rng.integers(0, V, size=n - 1),
                    np.full(n - 1, 5)]:                      # 5 never occurs in training
        p = model.next_char_probs(context)
        assert p.shape == (V,)
        assert abs(p.sum() - 1) < 1e-12
        assert p.min() > 0                                   # even the unseen character


def test_log2_probs_score_the_same_characters_as_probs(small):
    train, V = small
    model = ngram.KneserNey(train, 3, V)
    ids = train[:50]
    logp = model.log2_probs(ids)
    assert logp.shape == (48,)
    np.testing.assert_allclose(2 ** logp[0], model.probs(ids[None, :2], ids[2:3])[0], rtol=1e-12)
    assert model.log2_probs(ids, start=5).shape == (45,)
    np.testing.assert_allclose(model.log2_probs(ids, start=5), logp[3:], rtol=1e-12)


def test_the_highest_order_uses_raw_counts_and_lower_orders_continuation_counts():
    # "ab" occurs three times, always as "ab"; "b" follows only "a": its continuation count is 1.
    train = np.array([0, 1, 0, 1, 0, 1, 2, 2, 2])
    model = ngram.KneserNey(train, 2, 3)
    assert dict(zip(model.grams[1], model.counts[1]))[0 * 3 + 1] == 3        # c("ab") = 3
    assert dict(zip(model.grams[0], model.counts[0]))[1] == 1                # N(.b) = 1: only "a" before it
    assert dict(zip(model.grams[0], model.counts[0]))[2] == 2                # N(.c) = 2: "b" and "c" before it


def test_discounts_can_be_set_and_change_the_model(small):
    train, V = small
    estimated = ngram.KneserNey(train, 3, V)
    assert all(0 < d <= 1 for d in estimated.discounts)
    fixed = ngram.KneserNey(train, 3, V, discounts=[0.5, 0.5, 0.5])
    assert fixed.discounts == [0.5, 0.5, 0.5]
    assert abs(fixed.next_char_probs(train[:2]).sum() - 1) < 1e-12
    assert not np.allclose(fixed.log2_probs(train), estimated.log2_probs(train))


def test_choose_order_scores_every_order_on_the_same_characters(small):
    train, V = small
    best, scores, models = ngram.choose_order(train[:300], train[300:], V, orders=[1, 2, 3, 4])
    assert best == min(scores, key=scores.get)
    for n, model in models.items():
        assert scores[n] == pytest.approx(model.bits_per_char(train[300:], start=3))
    assert scores[3] < scores[1]                             # the repeated phrase rewards context


@pytest.fixture(scope="module")
def corpus_split():
    train, val, _ = charlm.split_text(charlm.load_corpus())
    vocab = charlm.Vocabulary.from_text(train)
    return vocab.encode(train), vocab.encode(val), len(vocab)


def test_kneser_ney_beats_the_best_add_k_trigram_on_the_course_corpus(corpus_split):
    # The reason it is the baseline to beat: more context, and a better use of rare counts.
    train, val, V = corpus_split
    counts = charlm.ngram_counts(train, 3, V)
    k, _ = charlm.choose_k(counts, val)
    add_k = charlm.ngram_bits_per_char(charlm.ngram_log2_probs(counts, k), val[2:])   # from val[4] on
    trigram_kn = ngram.KneserNey(train, 3, V).bits_per_char(val, start=4)   # the characters add-k scores
    five_kn = ngram.KneserNey(train, 5, V).bits_per_char(val, start=4)
    assert trigram_kn < add_k
    assert five_kn < trigram_kn - 0.2


@pytest.mark.parametrize("call, name", [
    (lambda t: ngram.KneserNey(t.astype(float), 3, 6), "ids"),
    (lambda t: ngram.KneserNey(t[:, None], 3, 6), "ids"),
    (lambda t: ngram.KneserNey(t, 3, 4), "ids"),                      # characters 4 and 5 outside [0, V)
    (lambda t: ngram.KneserNey(t[:3], 3, 6), "ids"),                  # too short
    (lambda t: ngram.KneserNey(t, 0, 6), "order"),
    (lambda t: ngram.KneserNey(t, 2.0, 6), "order"),
    (lambda t: ngram.KneserNey(t, 3, 0), "V"),
    (lambda t: ngram.KneserNey(t, 12, 100_000), "order"),             # codes would overflow int64
    (lambda t: ngram.KneserNey(t, 3, 6, discounts=[0.5, 0.5]), "discounts"),
    (lambda t: ngram.KneserNey(t, 3, 6, discounts=[0.5, 0.5, 1.5]), "discounts"),
    (lambda t: ngram.KneserNey(t, 3, 6, discounts=[0.5, 0.5, float("nan")]), "discounts"),
    (lambda t: ngram.KneserNey(t, 3, 6).probs(t[:4, None].repeat(2, 1), t[:3]), "contexts"),
    (lambda t: ngram.KneserNey(t, 3, 6).probs(t[:3, None], t[:3]), "contexts"),
    (lambda t: ngram.KneserNey(t, 3, 6).probs(t[:6].reshape(3, 2), t[:3] + 6), "nexts"),
    (lambda t: ngram.KneserNey(t, 3, 6).next_char_probs(t[:1]), "context"),
    (lambda t: ngram.KneserNey(t, 3, 6).log2_probs(t, start=1), "start"),
    (lambda t: ngram.KneserNey(t, 3, 6).log2_probs(t.astype(float)), "ids"),
    (lambda t: ngram.choose_order(t, t, 6, orders=[]), "orders"),
    (lambda t: ngram.choose_order(t, t, 6, orders=[0, 2]), "orders"),
    (lambda t: ngram.choose_order(t, t[:2], 6, orders=[1, 3]), "val_ids"),
])
def test_bad_input_names_the_argument(small, call, name):
    train, _ = small
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        call(train)
