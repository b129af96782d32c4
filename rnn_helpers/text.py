"""Words to integer arrays and back: tokenise, build a vocabulary, encode, pad.

Dimensions: N sentences, T time steps (tokens), V vocabulary size.

    tokens = tokenize("New York is amazing, and Emma loves it")
    # ['new', 'york', 'is', 'amazing', ',', 'and', 'emma', 'loves', 'it']
    stoi, itos = build_vocab(list_of_token_lists)      # "<pad>" gets id 0
    X, lengths = encode_batch(list_of_token_lists, stoi)   # (N, T), (N,)

A word the vocabulary has never seen raises UnknownWordError (a ValueError)
that names the word, so a typo is reported where it happens, not turned into
a silent "unknown" token.
"""
import re
from collections import Counter

import numpy as np

from ._checks import check_arrays

PAD = "<pad>"
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")


class UnknownWordError(ValueError):
    """A word that is not in the vocabulary. .words lists the unknown words."""

    def __init__(self, message, words):
        super().__init__(message)
        self.words = words


def tokenize(sentence):
    """Lower-case a sentence and split it into words and punctuation marks.

    Inputs: sentence: str. Returns: list of str, e.g. "Not bad, actually GOOD!"
    -> ['not', 'bad', ',', 'actually', 'good', '!'].
    """
    if not isinstance(sentence, str):
        raise ValueError(f"tokenize: sentence must be a str, got {type(sentence).__name__}")
    return _TOKEN.findall(sentence.lower())


def _check_token_lists(where, token_lists):
    """Raise ValueError unless token_lists is a list of lists of str."""
    if isinstance(token_lists, str) or not all(
            isinstance(s, (list, tuple)) and all(isinstance(w, str) for w in s) for s in token_lists):
        raise ValueError(f"{where}: expected a list of token lists such as [['not', 'bad'], "
                         f"['good']]; tokenize each sentence first")


def build_vocab(token_lists, min_count=1, specials=(PAD,)):
    """A vocabulary over every word in token_lists, specials first.

    Words are sorted by decreasing count, then alphabetically, so the result
    does not depend on the order of the sentences.

    Inputs:
    - token_lists: list of lists of str
    - min_count: words seen fewer times are left out
    - specials: words given the first ids, "<pad>" = 0 by default

    Returns:
    - stoi: dict word -> id
    - itos: list id -> word
    """
    _check_token_lists("build_vocab", token_lists)
    counts = Counter(w for s in token_lists for w in s)
    words = sorted((w for w, c in counts.items() if c >= min_count and w not in specials),
                   key=lambda w: (-counts[w], w))
    itos = list(specials) + words
    return {w: i for i, w in enumerate(itos)}, itos


def encode(tokens, stoi):
    """Token ids of one sentence: list of str -> (T,) int array.

    Raises UnknownWordError naming every word that stoi does not hold.
    """
    _check_token_lists("encode", [tokens])
    unknown = sorted({w for w in tokens if w not in stoi})
    if unknown:
        known = ", ".join(sorted(w for w in stoi if not w.startswith("<"))[:12])
        raise UnknownWordError(
            f"encode: unknown word{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(w) for w in unknown)}; the vocabulary has {len(stoi)} words, "
            f"such as {known}, ...", unknown)
    return np.array([stoi[w] for w in tokens], dtype=np.int64)


def decode(ids, itos, stop=None):
    """Words of a sequence of ids: (T,) ints -> list of str.

    Ids outside [0, V) raise ValueError; a negative id (e.g. -1 marking
    padding in a target) ends the sequence, and so does the word `stop`.
    """
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"decode: ids must be a 1-D integer array, got shape {ids.shape} "
                         f"and dtype {ids.dtype}")
    if ids.size and ids.max() >= len(itos):
        raise ValueError(f"decode: ids must lie below V = {len(itos)}, got {ids.max()}")
    words = []
    for i in ids:
        if i < 0 or itos[i] == stop:
            break
        words.append(itos[i])
    return words


def pad_batch(seqs, max_len=None, pad_id=0):
    """Right-pad (or truncate) id sequences of different lengths into one array.

    Inputs:
    - seqs: list of N 1-D int arrays (or lists), lengths L_1..L_N >= 1
    - max_len: T, the width of the result; None: the longest sequence.
      Longer sequences are cut to T tokens (their end is lost)
    - pad_id: the id written after each sequence's end

    Returns:
    - X: (N, T) int64 ids
    - lengths: (N,) int64, min(L_n, T): where each row's real tokens end
    """
    seqs = [np.asarray(s) for s in seqs]
    if not seqs or any(s.ndim != 1 or s.size == 0 or not np.issubdtype(s.dtype, np.integer)
                       for s in seqs):
        raise ValueError("pad_batch: seqs must be a non-empty list of non-empty 1-D integer "
                         "sequences (encode each sentence first)")
    T = max(len(s) for s in seqs) if max_len is None else max_len
    if not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"pad_batch: max_len must be a positive integer or None, got {max_len!r}")
    X = np.full((len(seqs), T), pad_id, dtype=np.int64)
    lengths = np.array([min(len(s), T) for s in seqs], dtype=np.int64)
    for n, s in enumerate(seqs):  # a loop over sentences is fine here: data preparation
        X[n, :lengths[n]] = s[:T]
    return X, lengths


def encode_batch(token_lists, stoi, max_len=None):
    """encode every sentence, then pad_batch: -> X (N, T), lengths (N,)."""
    _check_token_lists("encode_batch", token_lists)
    return pad_batch([encode(s, stoi) for s in token_lists], max_len=max_len, pad_id=stoi[PAD])


def encode_tags(tag_lists, tag_to_id, T):
    """Per-token tags as an (N, T) int array, -1 after each sentence's end.

    Inputs: tag_lists: list of N lists of tag names; tag_to_id: dict tag -> id;
    T: width (at least the longest list). Returns: (N, T) int64.
    """
    _check_token_lists("encode_tags", tag_lists)
    longest = max(len(t) for t in tag_lists)
    if T < longest:
        raise ValueError(f"encode_tags: T = {T} is shorter than the longest tag list ({longest})")
    Y = np.full((len(tag_lists), T), -1, dtype=np.int64)
    for n, tags in enumerate(tag_lists):
        unknown = sorted(set(tags) - set(tag_to_id))
        if unknown:
            raise ValueError(f"encode_tags: unknown tags {unknown}; known: {sorted(tag_to_id)}")
        Y[n, :len(tags)] = [tag_to_id[t] for t in tags]
    return Y


def bag_key(tokens):
    """The multiset of a sentence's words, as a hashable sorted tuple."""
    return tuple(sorted(tokens))


def order_dependent(token_lists, labels):
    """Which sentences share their bag of words with a sentence of another label.

    For such a sentence, no model that sees only word counts can be right on
    both it and its rearranged twin: order is what tells them apart.

    Inputs: token_lists: N lists of str; labels: (N,) ints.
    Returns: (N,) bool.
    """
    _check_token_lists("order_dependent", token_lists)
    check_arrays("order_dependent", labels=(labels, "int:N"))
    if len(token_lists) != len(labels):
        raise ValueError(f"order_dependent: got {len(token_lists)} sentences but "
                         f"{len(labels)} labels")
    keys = [bag_key(s) for s in token_lists]
    labels_of = {}
    for k, y in zip(keys, labels):
        labels_of.setdefault(k, set()).add(int(y))
    return np.array([len(labels_of[k]) > 1 for k in keys], dtype=bool)
