"""Tests for rnn_helpers/text.py: tokenise, vocabulary, encode, pad, bag keys."""
import numpy as np
import pytest

from rnn_helpers import text


def test_tokenize_lowercases_and_splits_punctuation():
    assert text.tokenize("New York is amazing, and Emma loves it!") == \
        ["new", "york", "is", "amazing", ",", "and", "emma", "loves", "it", "!"]
    assert text.tokenize("Not bad,actually GOOD") == ["not", "bad", ",", "actually", "good"]
    assert text.tokenize("  ") == []
    assert text.tokenize("it's 26 november 2026") == ["it's", "26", "november", "2026"]


def test_tokenize_refuses_a_list():
    with pytest.raises(ValueError, match="tokenize: sentence must be a str, got list"):
        text.tokenize(["not", "bad"])


def test_build_vocab_orders_by_count_then_alphabet_pad_first():
    stoi, itos = text.build_vocab([["b", "a", "c"], ["a", "c"], ["a"]])
    assert itos == ["<pad>", "a", "c", "b"]
    assert stoi == {"<pad>": 0, "a": 1, "c": 2, "b": 3}
    # The order of the sentences does not matter.
    assert text.build_vocab([["a"], ["a", "c"], ["c", "a", "b"]])[1] == itos
    # min_count drops rare words; specials can be changed.
    assert text.build_vocab([["b", "a"], ["a"]], min_count=2)[1] == ["<pad>", "a"]
    assert text.build_vocab([["x"]], specials=("<pad>", "<start>", "<end>"))[1] == \
        ["<pad>", "<start>", "<end>", "x"]


def test_build_vocab_wants_token_lists():
    with pytest.raises(ValueError, match="build_vocab: token_lists must be a list of token lists"):
        text.build_vocab(["not bad", "good"])


def test_encode_and_decode_round_trip():
    stoi, itos = text.build_vocab([["not", "bad", ",", "actually", "good"]])
    ids = text.encode(["actually", "not", "bad"], stoi)
    assert ids.dtype == np.int64 and ids.shape == (3,)
    assert text.decode(ids, itos) == ["actually", "not", "bad"]
    # Decoding stops at -1 (padding) or at a stop word.
    assert text.decode(np.array([ids[0], -1, ids[1]]), itos) == ["actually"]
    assert text.decode(ids, itos, stop="not") == ["actually"]


def test_encode_names_every_unknown_word():
    stoi, _ = text.build_vocab([["the", "film", "was", "good"]])
    with pytest.raises(text.UnknownWordError, match=r"unknown words 'flim', 'gud'") as info:
        text.encode(["the", "flim", "was", "gud", "gud"], stoi)
    assert info.value.words == ["flim", "gud"]
    assert isinstance(info.value, ValueError)
    with pytest.raises(ValueError, match=r"unknown word 'x';"):
        text.encode(["x"], stoi)


def test_decode_bad_input():
    with pytest.raises(ValueError, match=r"decode: ids must lie below V = 2, got 5"):
        text.decode(np.array([0, 5]), ["<pad>", "a"])
    with pytest.raises(ValueError, match="decode: ids must be a 1-D integer array"):
        text.decode(np.array([0.0, 1.0]), ["<pad>", "a"])


def test_pad_batch_pads_right_and_truncates():
    X, lengths = text.pad_batch([np.array([5, 6, 7]), np.array([8])])
    np.testing.assert_array_equal(X, [[5, 6, 7], [8, 0, 0]])
    np.testing.assert_array_equal(lengths, [3, 1])
    # A fixed width cuts the long sequence: its end is lost.
    X, lengths = text.pad_batch([[5, 6, 7], [8]], max_len=2, pad_id=9)
    np.testing.assert_array_equal(X, [[5, 6], [8, 9]])
    np.testing.assert_array_equal(lengths, [2, 1])
    assert X.dtype == np.int64 and lengths.dtype == np.int64


@pytest.mark.parametrize("seqs, kwargs, match", [
    ([], {}, "non-empty list"),
    ([np.array([1, 2]), np.array([], dtype=int)], {}, "non-empty 1-D integer"),
    ([np.array([1.0, 2.0])], {}, "non-empty 1-D integer"),
    ([np.array([1, 2])], {"max_len": 0}, r"max_len must be a positive integer or None, got 0"),
])
def test_pad_batch_bad_input(seqs, kwargs, match):
    with pytest.raises(ValueError, match=match):
        text.pad_batch(seqs, **kwargs)


def test_encode_batch_and_tags():
    sentences = [["emma", "lives", "in", "paris"], ["paris", "is", "nice"]]
    stoi, itos = text.build_vocab(sentences)
    X, lengths = text.encode_batch(sentences, stoi)
    assert X.shape == (2, 4)
    np.testing.assert_array_equal(lengths, [4, 3])
    assert text.decode(X[1, :lengths[1]], itos) == sentences[1]
    assert X[1, 3] == stoi["<pad>"]
    Y = text.encode_tags([["PERSON", "O", "O", "PLACE"], ["PLACE", "O", "O"]],
                         {"O": 0, "PLACE": 1, "PERSON": 2}, T=4)
    np.testing.assert_array_equal(Y, [[2, 0, 0, 1], [1, 0, 0, -1]])
    with pytest.raises(ValueError, match=r"encode_tags: tag_lists has unknown tags \['CITY'\]"):
        text.encode_tags([["CITY"]], {"O": 0}, T=1)
    with pytest.raises(ValueError, match=r"encode_tags: T = 2 is shorter than the longest tag list \(3\)"):
        text.encode_tags([["O", "O", "O"]], {"O": 0}, T=2)


def test_order_dependent_finds_same_words_with_another_label():
    sentences = [["not", "bad", ",", "actually", "good"],   # positive
                 ["not", "good", ",", "actually", "bad"],   # negative: same words
                 ["good"], ["good"],                         # same words, same label
                 ["bad"]]
    labels = np.array([1, 0, 1, 1, 0])
    np.testing.assert_array_equal(text.order_dependent(sentences, labels),
                                  [True, True, False, False, False])
    assert text.bag_key(["b", "a", "b"]) == ("a", "b", "b")
    with pytest.raises(ValueError, match="order_dependent: got 5 sentences but 4 labels"):
        text.order_dependent(sentences, labels[:4])
    with pytest.raises(ValueError, match="labels must hold integer indices"):
        text.order_dependent(sentences, labels.astype(float))
