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

from ._checks import check_arrays, check_int, is_int

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


def _check_token_lists(where, token_lists, name="token_lists"):
    """Raise ValueError unless token_lists is a list of lists of str."""
    if not isinstance(token_lists, (list, tuple)):
        got = type(token_lists).__name__
    else:
        bad = [s for s in token_lists
               if not (isinstance(s, (list, tuple)) and all(isinstance(w, str) for w in s))]
        got = f"{bad[0]!r:.40} inside" if bad else None
    if got:
        raise ValueError(f"{where}: {name} must be a list of token lists such as [['not', 'bad'], "
                         f"['good']] (tokenize each sentence first), got {got}")


def _check_vocab(where, name, stoi):
    """Raise ValueError unless stoi is a dict word -> integer id."""
    if not isinstance(stoi, dict) or not all(is_int(i) for i in stoi.values()):
        raise ValueError(f"{where}: {name} must be a dict word -> integer id (from build_vocab), "
                         f"got {type(stoi).__name__}")


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
    check_int("build_vocab", "min_count", min_count)
    if isinstance(specials, str) or not all(isinstance(w, str) for w in specials):
        raise ValueError(f"build_vocab: specials must be a tuple of str, got {specials!r}")
    counts = Counter(w for s in token_lists for w in s)
    words = sorted((w for w, c in counts.items() if c >= min_count and w not in specials),
                   key=lambda w: (-counts[w], w))
    itos = list(specials) + words
    return {w: i for i, w in enumerate(itos)}, itos


def encode(tokens, stoi):
    """Token ids of one sentence: list of str -> (T,) int array.

    Raises UnknownWordError naming every word that stoi does not hold.
    """
    if not (isinstance(tokens, (list, tuple)) and all(isinstance(w, str) for w in tokens)):
        raise ValueError(f"encode: tokens must be a list of words such as ['not', 'bad'] "
                         f"(tokenize the sentence first), got {tokens!r:.40}")
    if not isinstance(stoi, dict):  # just the type: encode_batch calls this once per sentence
        raise ValueError(f"encode: stoi must be a dict word -> integer id (from build_vocab), "
                         f"got {type(stoi).__name__}")
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
    if not isinstance(itos, (list, tuple)) or not all(isinstance(w, str) for w in itos):
        raise ValueError(f"decode: itos must be a list of str (id -> word), got {type(itos).__name__}")
    ids = np.asarray(ids) if isinstance(ids, (np.ndarray, list, tuple)) else np.asarray(None)
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
    if not isinstance(seqs, (list, tuple)):
        raise ValueError(f"pad_batch: seqs must be a list of 1-D integer sequences, got "
                         f"{type(seqs).__name__}")
    if not is_int(pad_id):
        raise ValueError(f"pad_batch: pad_id must be an integer, got {pad_id!r}")
    seqs = [np.asarray(s) for s in seqs]
    if not seqs or any(s.ndim != 1 or s.size == 0 or not np.issubdtype(s.dtype, np.integer)
                       for s in seqs):
        bad = [s for s in seqs if s.ndim != 1 or s.size == 0 or not np.issubdtype(s.dtype, np.integer)]
        got = (f"one of shape {bad[0].shape} and dtype {bad[0].dtype}" if bad else "an empty list")
        raise ValueError(f"pad_batch: seqs must be a non-empty list of non-empty 1-D integer "
                         f"sequences (encode each sentence first), got {got}")
    T = max(len(s) for s in seqs) if max_len is None else max_len
    if not is_int(T) or T < 1:
        raise ValueError(f"pad_batch: max_len must be a positive integer or None, got {max_len!r}")
    X = np.full((len(seqs), T), pad_id, dtype=np.int64)
    lengths = np.array([min(len(s), T) for s in seqs], dtype=np.int64)
    for n, s in enumerate(seqs):  # a loop over sentences is fine here: data preparation
        X[n, :lengths[n]] = s[:T]
    return X, lengths


def encode_batch(token_lists, stoi, max_len=None):
    """encode every sentence, then pad_batch: -> X (N, T), lengths (N,)."""
    _check_token_lists("encode_batch", token_lists)
    _check_vocab("encode_batch", "stoi", stoi)
    if PAD not in stoi:
        raise ValueError(f"encode_batch: stoi must hold the padding word {PAD!r} (build_vocab "
                         f"gives it id 0), got the words {sorted(stoi)[:8]}")
    return pad_batch([encode(s, stoi) for s in token_lists], max_len=max_len, pad_id=stoi[PAD])


def encode_tags(tag_lists, tag_to_id, T):
    """Per-token tags as an (N, T) int array, -1 after each sentence's end.

    Inputs: tag_lists: list of N lists of tag names; tag_to_id: dict tag -> id;
    T: width (at least the longest list). Returns: (N, T) int64.
    """
    _check_token_lists("encode_tags", tag_lists, name="tag_lists")
    if not tag_lists:
        raise ValueError("encode_tags: tag_lists must hold at least one list of tags, got []")
    _check_vocab("encode_tags", "tag_to_id", tag_to_id)
    check_int("encode_tags", "T", T)
    longest = max(len(t) for t in tag_lists)
    if T < longest:
        raise ValueError(f"encode_tags: T = {T} is shorter than the longest tag list ({longest}); "
                         f"T must be at least {longest}, got {T}")
    Y = np.full((len(tag_lists), T), -1, dtype=np.int64)
    for n, tags in enumerate(tag_lists):
        unknown = sorted(set(tags) - set(tag_to_id))
        if unknown:
            raise ValueError(f"encode_tags: tag_lists has unknown tags {unknown}; known: "
                             f"{sorted(tag_to_id)}")
        Y[n, :len(tags)] = [tag_to_id[t] for t in tags]
    return Y


def bag_key(tokens):
    """The multiset of a sentence's words, as a hashable sorted tuple."""
    if not (isinstance(tokens, (list, tuple)) and all(isinstance(w, str) for w in tokens)):
        raise ValueError(f"bag_key: tokens must be a list of words, got {tokens!r:.40}")
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
