"""Count models of text: add-k n-grams, and interpolated Kneser-Ney, the baseline a specialist would use.

An n-gram model predicts the next character from the n-1 before it, using
only counts from the training text. Add-k smoothing (ngram_counts,
ngram_log2_probs, choose_k) is the simplest version: a dense table of
counts with k added to each, fine for a bigram or trigram over a small
alphabet (`charlm` re-exports them, where notebook 06 reads them).
Kneser-Ney (Kneser and Ney, 1995, in the interpolated form of Chen and
Goodman, 1998) is the standard strong one. Two ideas make it so:

1. **Absolute discounting.** Take a fixed amount D (between 0 and 1) off every
   count that is seen, and give the probability mass it frees to a
   lower-order model. For the highest order n, with h the n-1 characters
   before w and c(.) training counts:

       p(w | h) = max(c(hw) - D, 0) / c(h)  +  D * types(h) / c(h) * p_lower(w | h')

   where h' is h without its first character, and types(h) is the number of
   different characters seen after h, so that the weights add up to 1. A
   context never seen in training (c(h) = 0) falls through to p_lower.

2. **Continuation counts** for the lower orders. A lower-order model is only
   asked when the longer context is rare, so it should not say how often w
   occurs, but in how many different contexts it occurs. The lower orders
   use the same formula with c(hw) replaced by the number of different
   characters seen just before hw, N(.hw). (The classic example: "Francisco"
   is frequent but almost only after "San", so as a continuation of a new
   context it is unlikely.)

The order-1 model is interpolated with the uniform distribution over the V
characters, so every character keeps a probability above 0. Each order k
gets its own discount, D_k = n1 / (n1 + 2 n2) (at most 1), where n1 and n2 count the
k-grams whose (continuation) count is 1 and 2 (Ney, Essen and Kneser, 1994);
an order with no count of 1 (n1 = 0) would get D = 0 and leave no mass for
unseen characters, so it gets D = 0.5 instead.

Everything is counted with numpy: an n-gram is numbered in base V (its
"code"), np.unique counts the codes, and np.searchsorted looks them up.

    V = len(vocab)
    model = KneserNey(vocab.encode(train), order=5, V=V)
    model.bits_per_char(vocab.encode(val))
    best, scores, models = choose_order(vocab.encode(train), vocab.encode(val), V)  # never test text
"""
import numpy as np

from ._checks import check_arrays, check_finite, check_ids, check_index_range, check_int, check_number

MAX_ORDER = 12
MAX_NGRAM_TABLE = 10 ** 8  # counts in one dense add-k table: 800 MB of float64


# ---------------------------------------------------------------- add-k: dense count tables

def ngram_counts(ids, n, V):
    """How often each n-gram occurs: counts[a, b, c] = #times "abc" (for n = 3).

    Inputs: ids: (L,) ints in [0, V); n: 1 (unigram), 2 (bigram), 3 (trigram), ...
    Returns: float64 array of shape (V,) * n; the last axis is the next character.
    """
    check_int("ngram_counts", "n", n)
    check_int("ngram_counts", "V", V)
    size = int(V) ** int(n)  # Python ints: no overflow
    if size > MAX_NGRAM_TABLE:
        raise ValueError(f"ngram_counts: a table of V**n = {V}**{n} = {size:.3g} counts is too "
                         f"large (at most {MAX_NGRAM_TABLE:.0e}); use a smaller n")
    check_ids("ngram_counts", ids, min_len=n, V=V)
    # Number every n-gram in base V, then count the numbers in one bincount.
    return np.bincount(_codes(ids, n, V), minlength=V ** n).reshape((V,) * n).astype(np.float64)


def ngram_log2_probs(counts, k):
    """Add-k smoothed log2 probabilities of the next character given the n-1 before.

        p(c | context) = (count(context, c) + k) / (count(context) + k * V)

    Every character gets k pseudo-counts, so an n-gram never seen in training
    still has a small probability (without it, one unseen n-gram in the
    held-out text would make the cross-entropy infinite).

    Inputs: counts: (V,) * n from ngram_counts; k: positive float.
    Returns: log2 p, shaped like counts; each slice along the last axis sums to 1 in p.
    """
    _check_ngram_table("ngram_log2_probs", "counts", counts)
    check_number("ngram_log2_probs", "k", k)
    if counts.min() < 0:
        raise ValueError(f"ngram_log2_probs: counts must be >= 0, got a minimum of {counts.min()}")
    V = counts.shape[-1]
    return np.log2(counts + k) - np.log2(counts.sum(axis=-1, keepdims=True) + k * V)


def ngram_bits_per_char(log2_probs, ids):
    """Mean of -log2 p(next character | n-1 before) over ids[n-1:], in bits per character.

    Inputs: log2_probs: (V,) * n from ngram_log2_probs; ids: (L,) ints.
    """
    _check_ngram_table("ngram_bits_per_char", "log2_probs", log2_probs)
    n = log2_probs.ndim
    check_ids("ngram_bits_per_char", ids, min_len=n, V=log2_probs.shape[0])
    L = len(ids) - n + 1
    index = tuple(ids[j:j + L] for j in range(n))  # (context..., next) for every position
    return float(-np.mean(log2_probs[index]))


def _check_ngram_table(where, name, table):
    """Raise ValueError unless table is a float array of shape (V,) * n with n, V >= 1."""
    if not isinstance(table, np.ndarray) or table.ndim == 0 or table.size == 0 or \
            len(set(table.shape)) != 1:
        raise ValueError(f"{where}: {name} must be a numpy array of shape (V,) * n, e.g. (V, V) "
                         f"for bigrams, got {getattr(table, 'shape', type(table).__name__)}")
    check_arrays(where, **{name: (table, ",".join(["V"] * table.ndim))})  # floating point
    check_finite(where, **{name: table})


def choose_k(counts, val_ids, ks=(1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)):
    """The add-k constant with the lowest bits per character on validation text.

    Returns: (best_k, {k: validation bpc}). Never pass held-out text here.
    """
    if not isinstance(ks, (list, tuple)) or not ks:
        raise ValueError(f"choose_k: ks must be a non-empty list of positive numbers, got {ks!r}")
    for k in ks:
        check_number("choose_k", "ks", k)
    _check_ngram_table("choose_k", "counts", counts)
    check_ids("choose_k", val_ids, min_len=counts.ndim, V=counts.shape[0], name="val_ids")
    scores = {k: ngram_bits_per_char(ngram_log2_probs(counts, k), val_ids) for k in ks}
    return min(scores, key=scores.get), scores


# ---------------------------------------------------------------- Kneser-Ney

def ngram_codes(ids, k, V):
    """The code of every k-gram of ids, in base V: (L - k + 1,) int64.

    The code of characters (a, b, c) is a*V**2 + b*V + c, so code // V is the
    code of the context (a, b) and code % V**(k-1) the code of (b, c).
    """
    check_int("ngram_codes", "k", k)
    check_int("ngram_codes", "V", V)
    check_ids("ngram_codes", ids, min_len=0, V=V)
    return _codes(ids, k, V)


def _codes(ids, k, V):
    """ngram_codes without the checks, for callers that made them."""
    L = len(ids) - k + 1
    code = np.zeros(max(L, 0), dtype=np.int64)
    for j in range(k):
        code = code * V + ids[j:j + L]
    return code


def _lookup(keys, values, queries):
    """values[i] where keys[i] == query, else 0. keys: sorted (M,); queries: any shape."""
    if len(keys) == 0:
        return np.zeros(queries.shape, dtype=values.dtype)
    where = np.minimum(np.searchsorted(keys, queries), len(keys) - 1)
    return np.where(keys[where] == queries, values[where], 0)


class KneserNey:
    """Interpolated Kneser-Ney character model of one order, counted from training ids.

    Inputs: ids: (L,) ints in [0, V), the training text; order: n >= 1 (the
    model reads n-1 characters); V: vocabulary size; discounts: None (estimate
    each order's D from the counts) or a sequence of n numbers in (0, 1],
    for orders 1..n.

    After construction, for each order k = 1..n (index k - 1):
    - grams[k-1], counts[k-1]: the sorted codes of the k-grams seen and their
      counts (raw counts for k = n, continuation counts below);
    - contexts[k-1], totals[k-1], types[k-1]: for each (k-1)-character context
      seen, the sum of those counts and the number of different next characters;
    - discounts[k-1]: D_k.
    """

    def __init__(self, ids, order, V, discounts=None):
        check_int("KneserNey", "order", order, low=1, high=MAX_ORDER)
        check_int("KneserNey", "V", V, low=1)
        if int(V) ** int(order) >= 2 ** 62:
            raise ValueError(f"KneserNey: V**order = {V}**{order} does not fit the int64 codes; "
                             f"use a smaller order")
        check_ids("KneserNey", ids, min_len=order + 1, V=V)
        self.order, self.V = int(order), int(V)
        ids = ids.astype(np.int64)
        self.grams, self.counts, self.contexts, self.totals, self.types = [], [], [], [], []
        estimated = []
        # Each m-gram that occurs, once, with how often it occurs: the orders the loop reads.
        seen = {m: np.unique(_codes(ids, m, self.V), return_counts=True)
                for m in range(min(2, self.order), self.order + 1)}
        for k in range(1, self.order + 1):
            if k == self.order:   # the highest order: how often each k-gram occurs
                grams, counts = seen[k]
            else:                 # lower orders: in how many contexts (one character before) it occurs
                grams, counts = np.unique(seen[k + 1][0] % self.V ** k, return_counts=True)
            counts = counts.astype(np.float64)
            # Per context: the total count and the number of different next characters.
            contexts, first = np.unique(grams // self.V, return_index=True)   # grams are sorted
            totals = np.add.reduceat(counts, first)
            types = np.diff(np.append(first, len(grams))).astype(np.float64)
            self.grams.append(grams)
            self.counts.append(counts)
            self.contexts.append(contexts)
            self.totals.append(totals)
            self.types.append(types)
            n1, n2 = np.sum(counts == 1), np.sum(counts == 2)
            estimated.append(n1 / (n1 + 2 * n2) if n1 > 0 else 0.5)
        if discounts is None:
            self.discounts = estimated
        else:
            if len(discounts) != self.order:
                raise ValueError(f"KneserNey: discounts must hold one number per order, "
                                 f"{self.order}, got {len(discounts)}")
            for d in discounts:
                check_number("KneserNey", "discounts", d, "(0, 1]")
            self.discounts = [float(d) for d in discounts]

    def probs(self, contexts, nexts):
        """p(next | context) for many pairs at once.

        Inputs: contexts: (M, order - 1) ints, the characters before each next
        character, oldest first; nexts: (M,) ints.
        Returns: (M,) probabilities.
        """
        n, V = self.order, self.V
        M = len(nexts) if isinstance(nexts, np.ndarray) and nexts.ndim == 1 else "M"
        for name, a, spec, shape in [("nexts", nexts, "(M,)", (M,)),
                                     ("contexts", contexts, "(M, order - 1)", (M, n - 1))]:
            if not isinstance(a, np.ndarray) or a.dtype.kind not in "iu" or a.shape != shape:
                raise ValueError(f"probs: {name} must be an integer array of shape {spec} = {shape}, "
                                 f"got {getattr(a, 'shape', type(a).__name__)}"
                                 f"{f' of dtype {a.dtype}' if isinstance(a, np.ndarray) else ''}")
            check_index_range("probs", name, a, 0, V, "V")
        p = np.full(len(nexts), 1.0 / V)   # order 0: uniform
        for k in range(1, n + 1):          # order k reads the last k - 1 characters of the context
            h = np.zeros(len(nexts), dtype=np.int64)
            for j in range(n - k, n - 1):
                h = h * V + contexts[:, j]
            c_hw = _lookup(self.grams[k - 1], self.counts[k - 1], h * V + nexts)
            c_h = _lookup(self.contexts[k - 1], self.totals[k - 1], h)
            t_h = _lookup(self.contexts[k - 1], self.types[k - 1], h)
            D = self.discounts[k - 1]
            seen = c_h > 0
            safe = np.where(seen, c_h, 1.0)
            mixed = (np.maximum(c_hw - D, 0.0) + D * t_h * p) / safe
            p = np.where(seen, mixed, p)   # a context never seen: the lower order alone
        return p

    def next_char_probs(self, context):
        """The whole distribution over the V characters after one context: (V,), sums to 1.

        context: (order - 1,) ints (at least that many; only the last order - 1 are read).
        """
        check_ids("next_char_probs", context, min_len=self.order - 1, V=self.V, name="context")
        context = np.asarray(context[len(context) - (self.order - 1):], dtype=np.int64)
        rows = np.tile(context, (self.V, 1))
        return self.probs(rows, np.arange(self.V))

    def log2_probs(self, ids, start=None):
        """log2 p of every character of ids from position start on, given the order - 1 before it.

        start defaults to order - 1, the first character with a full context;
        a larger start lets models of different orders score the same characters.
        Returns: (L - start,) floats.
        """
        start = self.order - 1 if start is None else start
        check_int("log2_probs", "start", start, low=self.order - 1)
        check_ids("log2_probs", ids, min_len=start + 1, V=self.V)
        ids = ids.astype(np.int64)
        positions = np.arange(start, len(ids))
        contexts = ids[positions[:, None] + np.arange(-(self.order - 1), 0)]   # (M, order - 1)
        return np.log2(self.probs(contexts, ids[positions]))

    def bits_per_char(self, ids, start=None):
        """Mean of -log2 p(next character | order - 1 before) over ids[start:], in bits per character."""
        return float(-np.mean(self.log2_probs(ids, start)))


def choose_order(train_ids, val_ids, V, orders=range(1, 8)):
    """The Kneser-Ney order with the lowest bits per character on validation text.

    Every order scores the same validation characters (from position
    max(orders) - 1 on), so the comparison is fair.
    Returns: (best_order, {order: validation bpc}, {order: model}). Never pass held-out text here.
    """
    orders = list(orders)
    if not orders:
        raise ValueError("choose_order: orders must hold at least one order, got none")
    for n in orders:
        check_int("choose_order", "orders", n, low=1, high=MAX_ORDER)
    check_int("choose_order", "V", V)
    check_ids("choose_order", train_ids, min_len=max(orders) + 1, V=V, name="train_ids")
    check_ids("choose_order", val_ids, min_len=max(orders), V=V, name="val_ids")
    models = {n: KneserNey(train_ids, n, V) for n in orders}
    scores = {n: m.bits_per_char(val_ids, start=max(orders) - 1) for n, m in models.items()}
    return min(scores, key=scores.get), scores, models
