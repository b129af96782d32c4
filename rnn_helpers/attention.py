"""Attention: a decoder that looks back at every encoder state, instead of one context vector.

Dimensions: N batch, S source steps (keys), T target steps (queries), H decoder hidden
units, K key size (2H for a bidirectional encoder), A attention units, d query and key
size, Dv value size, D input features, E embedding size, U source and V target vocabulary.

    Additive (Bahdanau) attention, one query q_t (H,) against keys k_s (K,):
        e_ts = va . tanh(q_t @ Wq + k_s @ Wk)          scores           (N, T, S)
        alpha_t = softmax(e_t) over the real keys       weights          (N, T, S)
        c_t = sum_s alpha_ts k_s                         context          (N, T, K)

    Scaled dot-product attention (the transformer's):
        alpha = softmax(q @ k^T / sqrt(d)),  out = alpha @ v                 (N, T, Dv)

    Self-attention: q, k, v all come from the same sequence x: q = x @ Wq, ...

Notes
-----
Keys beyond a source's length (padding) get weight 0: their scores are set to -inf
before the softmax, so `lengths` (N,) says how many keys of each row are real.
The softmax's backward is de = alpha * (dalpha - sum_s alpha_s dalpha_s): a weight can
only rise if another falls. AttentionSeq2Seq puts additive attention on an
encoder-decoder (seq2seq.Seq2Seq): the decoder state h_t asks the question, and the
readout reads [h_t; c_t]. beam_search keeps the beam_width likeliest partial outputs.
"""
import numpy as np

from . import layers, recurrent
from ._checks import (check_arrays, check_bool, check_cache, check_callable, check_choice,
                      check_finite, check_index_range, check_int, check_lengths, check_seed,
                      FLOAT_DTYPES)
from .seq2seq import CELLS, _sub, _unpack


# ---------------------------------------------------------------- softmax over the real keys

def _key_mask(lengths, N, T, S, causal=False):
    """(N, T, S) or broadcastable booleans: True where query t may look at key s."""
    mask = np.ones((N, 1, S), dtype=bool) if lengths is None else \
        (np.arange(S)[None, None, :] < lengths[:, None, None])  # (N, 1, S)
    if causal:
        mask = mask & (np.arange(S)[None, None, :] <= np.arange(T)[None, :, None])  # (N, T, S)
    return mask


def _masked_softmax(e, mask):
    """Softmax over the last axis, giving weight 0 where mask is False.

    Inputs: e (N, T, S) scores; mask broadcastable to (N, T, S), at least one
    True per row. Returns: alpha (N, T, S), each row summing to 1.
    """
    e = np.where(mask, e, -np.inf)
    alpha = np.exp(e - e.max(axis=-1, keepdims=True))  # shifted: exp cannot overflow
    return alpha / alpha.sum(axis=-1, keepdims=True)


def _softmax_backward(dalpha, alpha):
    """de (N, T, S) from dalpha: the softmax's Jacobian, alpha * (dalpha - <alpha, dalpha>)."""
    return alpha * (dalpha - np.sum(alpha * dalpha, axis=-1, keepdims=True))


def _check_lengths_arg(where, lengths, dims):
    """lengths must be None or (N,) ints in [1, S]."""
    if lengths is None:
        return
    check_arrays(where, lengths=(lengths, "int:L"))  # an integer array of one dimension
    if lengths.shape != (dims["N"],):
        raise ValueError(f"{where}: lengths must have shape (N,) = ({dims['N']},), got {lengths.shape}")
    check_lengths(where, "lengths", lengths, dims["S"], dim="S")


# ---------------------------------------------------------------- additive (Bahdanau) attention

def additive_attention_forward(q, k, Wq, Wk, va, lengths=None):
    """Additive attention of T queries over S keys.

    Inputs:
    - q: (N, T, H) queries (the decoder's states)
    - k: (N, S, K) keys, which are also the values (the encoder's states)
    - Wq: (H, A), Wk: (K, A), va: (A,) the attention's weights
    - lengths: (N,) ints in [1, S], the real keys of each row (None: all S)

    Returns: context (N, T, K), alpha (N, T, S), cache.
    """
    dims = check_arrays("additive_attention_forward", q=(q, "N,T,H"), k=(k, "N,S,K"),
                        Wq=(Wq, "H,A"), Wk=(Wk, "K,A"), va=(va, "A"))
    _check_lengths_arg("additive_attention_forward", lengths, dims)
    check_finite("additive_attention_forward", q=q, k=k, Wq=Wq, Wk=Wk, va=va)
    # Project queries and keys into A attention units, then add every pair.
    a = (q @ Wq)[:, :, None, :] + (k @ Wk)[:, None, :, :]  # (N, T, S, A)
    np.tanh(a, out=a)
    # One score per pair, then weights over the real keys.
    e = a @ va  # (N, T, S)
    alpha = _masked_softmax(e, _key_mask(lengths, *e.shape))  # (N, T, S)
    # The context is the weighted mean of the keys.
    context = alpha @ k  # (N, T, K)
    return context, alpha, (q, k, Wq, Wk, va, a, alpha)


def additive_attention_backward(dcontext, cache):
    """Backward of additive_attention_forward.

    Inputs: dcontext (N, T, K); cache from the forward.
    Returns: dq (N, T, H), dk (N, S, K), dWq (H, A), dWk (K, A), dva (A,).
    """
    check_cache("additive_attention_backward", cache, "additive_attention_forward", length=7)
    q, k, Wq, Wk, va, a, alpha = cache
    check_arrays("additive_attention_backward", k=(k, "N,S,K"), alpha=(alpha, "N,T,S"),
                 dcontext=(dcontext, "N,T,K"))
    check_finite("additive_attention_backward", dcontext=dcontext)
    # The context is alpha @ k: the keys get gradient as values, the weights as scores.
    dk = alpha.transpose(0, 2, 1) @ dcontext  # (N, S, K)
    dalpha = dcontext @ k.transpose(0, 2, 1)  # (N, T, S)
    # Through the softmax (masked keys have alpha = 0, so they get none).
    de = _softmax_backward(dalpha, alpha)  # (N, T, S)
    # Through e = a @ va and a = tanh(...); a has N*T*S*A values, the most of any array here,
    # so each pass over it is written in place.
    A = va.shape[0]
    dva = de.reshape(-1) @ a.reshape(-1, A)  # (A,): the sum over every (n, t, s) of de * a
    dpre = np.multiply(a, a)  # (N, T, S, A)
    np.subtract(1.0, dpre, out=dpre)  # tanh' = 1 - a**2
    dpre *= va
    dpre *= de[..., None]
    # Each query's projection is used by all S keys, each key's by all T queries.
    dqa, dka = dpre.sum(axis=2), dpre.sum(axis=1)  # (N, T, A), (N, S, A)
    dWq = q.reshape(-1, q.shape[-1]).T @ dqa.reshape(-1, dqa.shape[-1])  # (H, A)
    dWk = k.reshape(-1, k.shape[-1]).T @ dka.reshape(-1, dka.shape[-1])  # (K, A)
    return dqa @ Wq.T, dk + dka @ Wk.T, dWq, dWk, dva


# ---------------------------------------------------------------- scaled dot-product attention

def dot_product_attention_forward(q, k, v, lengths=None, scale=True, causal=False):
    """Dot-product attention: alpha = softmax(q @ k^T / sqrt(d)), out = alpha @ v.

    Inputs:
    - q: (N, T, d) queries; k: (N, S, d) keys; v: (N, S, Dv) values
    - lengths: (N,) ints in [1, S], the real keys of each row (None: all S)
    - scale: divide the scores by sqrt(d) (True), or not (False: plain dot product)
    - causal: query t looks only at keys s <= t (a language model must not read ahead)

    Returns: out (N, T, Dv), alpha (N, T, S), cache.
    """
    dims = check_arrays("dot_product_attention_forward", q=(q, "N,T,d"), k=(k, "N,S,d"),
                        v=(v, "N,S,Dv"))
    _check_lengths_arg("dot_product_attention_forward", lengths, dims)
    check_bool("dot_product_attention_forward", "scale", scale)
    check_bool("dot_product_attention_forward", "causal", causal)
    check_finite("dot_product_attention_forward", q=q, k=k, v=v)
    s = 1.0 / np.sqrt(dims["d"]) if scale else 1.0
    # Every query against every key: one score per pair.
    e = (q @ k.transpose(0, 2, 1)) * s  # (N, T, S)
    alpha = _masked_softmax(e, _key_mask(lengths, dims["N"], dims["T"], dims["S"], causal))
    # Each output is the weighted mean of the values.
    return alpha @ v, alpha, (q, k, v, alpha, s)


def dot_product_attention_backward(dout, cache):
    """Backward of dot_product_attention_forward.

    Inputs: dout (N, T, Dv); cache. Returns: dq (N, T, d), dk (N, S, d), dv (N, S, Dv).
    """
    check_cache("dot_product_attention_backward", cache, "dot_product_attention_forward", length=5)
    q, k, v, alpha, s = cache
    check_arrays("dot_product_attention_backward", v=(v, "N,S,Dv"), alpha=(alpha, "N,T,S"),
                 dout=(dout, "N,T,Dv"))
    check_finite("dot_product_attention_backward", dout=dout)
    # out = alpha @ v: the values get gradient directly, the weights through the scores.
    dv = alpha.transpose(0, 2, 1) @ dout  # (N, S, Dv)
    de = _softmax_backward(dout @ v.transpose(0, 2, 1), alpha) * s  # (N, T, S)
    # e = q @ k^T: each side gets the other, weighted by de.
    return de @ k, de.transpose(0, 2, 1) @ q, dv


def self_attention_forward(x, Wq, Wk, Wv, causal=False):
    """One self-attention layer: queries, keys and values all computed from x.

    Inputs: x (N, T, D); Wq (D, d), Wk (D, d), Wv (D, Dv); causal as above.
    Returns: out (N, T, Dv), alpha (N, T, T), cache.
    """
    check_arrays("self_attention_forward", x=(x, "N,T,D"), Wq=(Wq, "D,d"), Wk=(Wk, "D,d"),
                 Wv=(Wv, "D,Dv"))
    check_finite("self_attention_forward", x=x, Wq=Wq, Wk=Wk, Wv=Wv)
    # Three projections of the same sequence: what each step asks, offers and passes on.
    q, k, v = x @ Wq, x @ Wk, x @ Wv  # (N, T, d), (N, T, d), (N, T, Dv)
    out, alpha, inner = dot_product_attention_forward(q, k, v, causal=causal)
    return out, alpha, (x, Wq, Wk, Wv, inner)


def self_attention_backward(dout, cache):
    """Backward of self_attention_forward.

    Inputs: dout (N, T, Dv); cache. Returns: dx (N, T, D), dWq (D, d), dWk (D, d), dWv (D, Dv).
    """
    check_cache("self_attention_backward", cache, "self_attention_forward", length=5)
    x, Wq, Wk, Wv, inner = cache
    dq, dk, dv = dot_product_attention_backward(dout, inner)
    # x fed all three projections, so its gradient is the sum of three.
    dx = dq @ Wq.T + dk @ Wk.T + dv @ Wv.T  # (N, T, D)
    xs = x.reshape(-1, x.shape[-1])  # (N*T, D)
    return (dx, xs.T @ dq.reshape(-1, Wq.shape[1]), xs.T @ dk.reshape(-1, Wk.shape[1]),
            xs.T @ dv.reshape(-1, Wv.shape[1]))


# ---------------------------------------------------------------- a bidirectional encoder

def reverse_padded(x, lengths):
    """Reverse each row's first lengths[n] steps; the padding after them stays put.

    Inputs: x (N, S, ...) any array; lengths (N,) ints in [1, S].
    Returns: an array shaped like x. Applied twice, it gives x back.
    """
    if not isinstance(x, np.ndarray) or x.ndim < 2:
        raise ValueError(f"reverse_padded: x must be a numpy array (N, S, ...), got "
                         f"{getattr(x, 'shape', type(x).__name__)}")
    dims = check_arrays("reverse_padded", lengths=(lengths, "int:N"))
    if dims["N"] != x.shape[0]:
        raise ValueError(f"reverse_padded: lengths must have shape (N,) = ({x.shape[0]},), "
                         f"got {lengths.shape}")
    check_lengths("reverse_padded", "lengths", lengths, x.shape[1], dim="S")
    s = np.arange(x.shape[1])[None, :]  # (1, S)
    idx = np.where(s < lengths[:, None], lengths[:, None] - 1 - s, s)  # (N, S)
    return x[np.arange(x.shape[0])[:, None], idx]


# ---------------------------------------------------------------- the encoder-decoder with attention

class AttentionSeq2Seq:
    """An encoder-decoder whose decoder attends to every encoder state (seq2seq.Seq2Seq + attention).

    Encoder: an RNN over the source; if bidirectional, a second RNN reads each source
    backwards, and key s is [forward state s; backward state s] (K = 2H), so it knows
    both what comes before position s and what comes after it. The decoder starts from
    the forward encoder's last state, as in Seq2Seq. At step t its state h_t is the
    query; the context c_t is read by the output layer:
        o_t = tanh([h_t; c_t] @ Wc + bc)   (N, T, H),    scores = o_t @ Wy + by   (N, T, V)

    X for loss_and_grads: (src, src_lengths, dec_in) as for Seq2Seq; y: dec_out.
    params: src_embed (U, E), enc_Wx, enc_Wh, enc_b, [encb_Wx, encb_Wh, encb_b],
    tgt_embed (V, E), dec_Wx, dec_Wh, dec_b, Wq (H, A), Wk (K, A), va (A,),
    Wc (H + K, H), bc (H,), Wy (H, V), by (V,).
    """

    def __init__(self, src_vocab_size, tgt_vocab_size, hidden_size=32, embed_dim=16,
                 attention_size=32, bidirectional=True, cell="gru", seed=0, dtype=np.float64):
        for name, size in (("src_vocab_size", src_vocab_size), ("tgt_vocab_size", tgt_vocab_size),
                           ("hidden_size", hidden_size), ("embed_dim", embed_dim),
                           ("attention_size", attention_size)):
            check_int("AttentionSeq2Seq", name, size)
        check_bool("AttentionSeq2Seq", "bidirectional", bidirectional)
        check_choice("AttentionSeq2Seq", "cell", cell, CELLS)
        check_seed("AttentionSeq2Seq", seed)
        check_choice("AttentionSeq2Seq", "dtype", dtype, FLOAT_DTYPES)
        rng, H, E, A = np.random.default_rng(seed), hidden_size, embed_dim, attention_size
        self.cell, self.bidirectional = cell, bidirectional
        K = 2 * H if bidirectional else H
        p = {"src_embed": rng.normal(0.0, 1.0, size=(src_vocab_size, E))}
        for prefix in ("enc_", "encb_") if bidirectional else ("enc_",):
            p.update({prefix + k: v for k, v in recurrent.init_params(cell, E, H, rng).items()})
        p["tgt_embed"] = rng.normal(0.0, 1.0, size=(tgt_vocab_size, E))
        p.update({"dec_" + k: v for k, v in recurrent.init_params(cell, E, H, rng).items()})
        p.update(Wq=rng.normal(0.0, np.sqrt(1.0 / H), size=(H, A)),
                 Wk=rng.normal(0.0, np.sqrt(1.0 / K), size=(K, A)),
                 va=rng.normal(0.0, np.sqrt(1.0 / A), size=A),
                 Wc=rng.normal(0.0, np.sqrt(1.0 / (H + K)), size=(H + K, H)), bc=np.zeros(H),
                 Wy=rng.normal(0.0, np.sqrt(1.0 / H), size=(H, tgt_vocab_size)),
                 by=np.zeros(tgt_vocab_size))
        self.params = {k: v.astype(dtype) for k, v in p.items()}

    def encode(self, src, src_lengths):
        """Keys (N, S, K), the decoder's first state h0 (N, H), and a cache."""
        dims = check_arrays("AttentionSeq2Seq.encode", src=(src, "int:N,S"),
                            src_lengths=(src_lengths, "int:N"))
        check_index_range("AttentionSeq2Seq.encode", "src", src, 0, self.params["src_embed"].shape[0])
        check_lengths("AttentionSeq2Seq.encode", "src_lengths", src_lengths, dims["S"], dim="S")
        p, N = self.params, dims["N"]
        e, emb_cache = layers.embedding_forward(src, p["src_embed"])  # (N, S, E)
        zeros = np.zeros((N, p["enc_Wh"].shape[0]), dtype=e.dtype)  # (N, H)
        hf, f_cache = recurrent.forward(self.cell, e, zeros, _sub(p, "enc_"))  # (N, S, H)
        last = src_lengths - 1  # (N,)
        h0 = hf[np.arange(N), last]  # (N, H): the forward state after each source's last token
        if not self.bidirectional:
            return hf, h0, (emb_cache, f_cache, None, src_lengths)
        # The backward RNN reads each source from its last token to its first.
        hb, b_cache = recurrent.forward(self.cell, reverse_padded(e, src_lengths), zeros,
                                        _sub(p, "encb_"))  # (N, S, H), in reversed order
        keys = np.concatenate([hf, reverse_padded(hb, src_lengths)], axis=2)  # (N, S, 2H)
        return keys, h0, (emb_cache, f_cache, b_cache, src_lengths)

    def _encode_backward(self, dkeys, dh0, cache):
        """Gradients of the encoder's weights from dkeys (N, S, K) and dh0 (N, H)."""
        emb_cache, f_cache, b_cache, lengths = cache
        H = dh0.shape[1]
        dhf = dkeys[:, :, :H].copy()  # (N, S, H)
        dhf[np.arange(len(lengths)), lengths - 1] += dh0  # h0 is also the last forward state
        de, _, dWx, dWh, db = recurrent.backward(self.cell, dhf, f_cache)
        grads = {"enc_Wx": dWx, "enc_Wh": dWh, "enc_b": db}
        if b_cache is not None:
            deb, _, dWx, dWh, db = recurrent.backward(
                self.cell, reverse_padded(dkeys[:, :, H:], lengths), b_cache)
            de = de + reverse_padded(deb, lengths)
            grads.update({"encb_Wx": dWx, "encb_Wh": dWh, "encb_b": db})
        grads["src_embed"] = layers.embedding_backward(de, emb_cache)
        return grads

    def _decode(self, keys, h0, src_lengths, dec_in):
        """Teacher-forced decoder with attention: scores (N, T, V), alpha (N, T, S), cache."""
        p = self.params
        d, emb_cache = layers.embedding_forward(dec_in, p["tgt_embed"])  # (N, T, E)
        h, rec_cache = recurrent.forward(self.cell, d, h0, _sub(p, "dec_"))  # (N, T, H)
        # Each decoder state asks which source positions matter now.
        c, alpha, att_cache = additive_attention_forward(h, keys, p["Wq"], p["Wk"], p["va"],
                                                         src_lengths)  # (N, T, K)
        # The output layer reads the state and the context together.
        a, cat_cache = layers.temporal_affine_forward(np.concatenate([h, c], axis=2), p["Wc"], p["bc"])
        o = np.tanh(a)  # (N, T, H)
        scores, out_cache = layers.temporal_affine_forward(o, p["Wy"], p["by"])  # (N, T, V)
        return scores, alpha, (emb_cache, rec_cache, att_cache, cat_cache, o, out_cache)

    def _decode_backward(self, dscores, cache):
        """dkeys (N, S, K), dh0 (N, H) and the decoder's weight gradients."""
        emb_cache, rec_cache, att_cache, cat_cache, o, out_cache = cache
        do, dWy, dby = layers.temporal_affine_backward(dscores, out_cache)
        dhc, dWc, dbc = layers.temporal_affine_backward(do * (1 - o ** 2), cat_cache)
        H = o.shape[2]
        dh, dc = dhc[:, :, :H], dhc[:, :, H:]  # (N, T, H), (N, T, K)
        dq, dkeys, dWq, dWk, dva = additive_attention_backward(dc, att_cache)
        dd, dh0, dWx, dWh, db = recurrent.backward(self.cell, dh + dq, rec_cache)
        grads = {"tgt_embed": layers.embedding_backward(dd, emb_cache), "dec_Wx": dWx,
                 "dec_Wh": dWh, "dec_b": db, "Wq": dWq, "Wk": dWk, "va": dva, "Wc": dWc,
                 "bc": dbc, "Wy": dWy, "by": dby}
        return dkeys, dh0, grads

    def _check_dec(self, where, dec_in):
        check_arrays(where, dec_in=(dec_in, "int:N,T"))
        check_index_range(where, "dec_in", dec_in, 0, self.params["tgt_embed"].shape[0], "V")

    def loss_and_grads(self, X, y):
        """Mean cross-entropy per scored target token, and every parameter's gradient."""
        where = "AttentionSeq2Seq.loss_and_grads"
        src, src_lengths, dec_in = _unpack(where, X, ("src", "src_lengths", "dec_in"))
        check_arrays(where, src=(src, "int:N,S"), dec_in=(dec_in, "int:N,T"), y=(y, "int:N,T"))
        self._check_dec(where, dec_in)
        check_index_range(where, "y", y, -1, self.params["Wy"].shape[1], "V")  # -1: not scored
        keys, h0, enc_cache = self.encode(src, src_lengths)
        scores, _, dec_cache = self._decode(keys, h0, src_lengths, dec_in)
        loss, dscores = layers.temporal_softmax_loss(scores, np.maximum(y, 0), mask=y >= 0)
        dkeys, dh0, grads = self._decode_backward(dscores, dec_cache)
        grads.update(self._encode_backward(dkeys, dh0, enc_cache))
        return loss, grads

    def guess_loss(self, y):
        """The loss of guessing every target token equally likely: ln V, whatever y is."""
        return float(np.log(self.params["Wy"].shape[1]))

    def alignment(self, X):
        """Teacher-forced attention weights (N, T, S): where each output step looked."""
        src, src_lengths, dec_in = _unpack("AttentionSeq2Seq.alignment", X, ("src", "src_lengths", "dec_in"))
        self._check_dec("AttentionSeq2Seq.alignment", dec_in)
        keys, h0, _ = self.encode(src, src_lengths)
        return self._decode(keys, h0, src_lengths, dec_in)[1]

    def decode_step(self, tokens, h, keys, src_lengths):
        """One decoder step for M rows: log-probabilities (M, V), next state (M, H), alpha (M, S).

        tokens: (M,) the previous output ids; h: (M, H); keys (M, S, K) and
        src_lengths (M,) as encode gives them.
        """
        where = "AttentionSeq2Seq.decode_step"
        check_arrays(where, dec_Wh=(self.params["dec_Wh"], "H,G"), keys=(keys, "M,S,K"), h=(h, "M,H"),
                     tokens=(tokens, "int:M"), src_lengths=(src_lengths, "int:M"))
        check_finite(where, h=h, keys=keys)
        check_index_range(where, "tokens", tokens, 0, self.params["tgt_embed"].shape[0], "V")
        check_lengths(where, "src_lengths", src_lengths, keys.shape[1], dim="S")
        scores, alpha, cache = self._decode(keys, h, src_lengths, tokens[:, None])
        return (layers.log_softmax(scores[:, 0]), recurrent.final_state(cache[1]), alpha[:, 0])

    def translate(self, src, src_lengths, start_id, end_id, max_len=20):
        """Greedy decoding: ids (N, max_len), -1 after <end>; and alpha (N, max_len, S)."""
        V = self.params["Wy"].shape[1]
        check_int("AttentionSeq2Seq.translate", "start_id", start_id, low=0, high=V - 1)
        check_int("AttentionSeq2Seq.translate", "end_id", end_id, low=0, high=V - 1)
        check_int("AttentionSeq2Seq.translate", "max_len", max_len)
        keys, h, _ = self.encode(src, src_lengths)
        N = len(src)
        out = np.full((N, max_len), -1, dtype=np.int64)
        alphas = np.zeros((N, max_len, src.shape[1]))
        token, done = np.full(N, start_id), np.zeros(N, dtype=bool)
        for t in range(max_len):
            # Read the last token written, look at the source, write the likeliest next one.
            logp, h, alphas[:, t] = self.decode_step(token, h, keys, src_lengths)
            token = logp.argmax(axis=1)  # (N,)
            out[~done, t] = token[~done]
            done |= token == end_id
            if done.all():
                break
        return out, alphas

    def beam_translate(self, src, src_lengths, start_id, end_id, beam_width, max_len=20):
        """Beam search: ids (N, max_len), -1 after <end>, and each output's log-probability (N,)."""
        keys, h0, _ = self.encode(src, src_lengths)

        def step(tokens, state):
            h, k, lengths = state
            logp, h, _ = self.decode_step(tokens, h, k, lengths)
            return logp, (h, k, lengths)
        return beam_search(step, (h0, keys, src_lengths), start_id, end_id, beam_width, max_len)

    def sequence_log_prob(self, X, y):
        """log p(y | source) of each row (N,): the sum over its scored tokens (<end> included)."""
        src, src_lengths, dec_in = _unpack("AttentionSeq2Seq.sequence_log_prob", X,
                                           ("src", "src_lengths", "dec_in"))
        check_arrays("AttentionSeq2Seq.sequence_log_prob", dec_in=(dec_in, "int:N,T"), y=(y, "int:N,T"))
        self._check_dec("AttentionSeq2Seq.sequence_log_prob", dec_in)
        check_index_range("AttentionSeq2Seq.sequence_log_prob", "y", y, -1,
                          self.params["Wy"].shape[1], "V")
        keys, h0, _ = self.encode(src, src_lengths)
        logp = layers.log_softmax(self._decode(keys, h0, src_lengths, dec_in)[0])  # (N, T, V)
        picked = np.take_along_axis(logp, np.maximum(y, 0)[..., None], axis=2)[..., 0]  # (N, T)
        return np.where(y >= 0, picked, 0.0).sum(axis=1)


# ---------------------------------------------------------------- beam search

def beam_step(scores, logp):
    """One step of beam search: keep the B likeliest of the B * V one-token extensions.

    Inputs: scores (N, B) log-probability of each kept partial output;
    logp (N, B, V) log-probability of each next token after each of them.
    Returns: new_scores (N, B), parent (N, B) which partial output each new one
    extends, token (N, B) the token it adds; best first.
    """
    dims = check_arrays("beam_step", scores=(scores, "N,B"), logp=(logp, "N,B,V"))
    # Score every extension: the partial output's log-probability plus the token's.
    cand = (scores[:, :, None] + logp).reshape(dims["N"], -1)  # (N, B*V)
    # The B best over all beams together, not the best token of each beam.
    top = np.argsort(-cand, axis=1, kind="stable")[:, :dims["B"]]  # (N, B)
    parent, token = np.divmod(top, dims["V"])  # flat index b * V + v
    return np.take_along_axis(cand, top, axis=1), parent, token


def beam_search(step, state, start_id, end_id, beam_width, max_len):
    """Keep the beam_width likeliest partial outputs; return the likeliest finished one.

    Inputs:
    - step(tokens (M,), state) -> (logp (M, V), new state): one decoder step for M rows;
      state is an array or tuple of arrays with rows along the first axis
    - state: the N sources' initial state (rows along the first axis)
    - start_id, end_id: token ids; beam_width: B >= 1 (1 is greedy decoding); max_len

    Returns: ids (N, max_len), -1 after <end>; log_prob (N,) of each output (sum of its
    tokens' log-probabilities, <end> included; outputs are not length-normalised).
    """
    check_callable("beam_search", "step", step)
    check_int("beam_search", "start_id", start_id, low=0)
    check_int("beam_search", "end_id", end_id, low=0)
    check_int("beam_search", "beam_width", beam_width)
    check_int("beam_search", "max_len", max_len)
    first = state[0] if isinstance(state, tuple) else state
    if not isinstance(first, np.ndarray) or first.ndim < 1:
        raise ValueError(f"beam_search: state must be an array or a tuple of arrays with rows "
                         f"along the first axis, got {type(state).__name__}")
    N, B = len(first), beam_width
    rows = lambda st, idx: tuple(a[idx] for a in st) if isinstance(st, tuple) else st[idx]
    state = rows(state, np.repeat(np.arange(N), B))  # B copies of each source: (N*B, ...)
    tokens = np.full(N * B, start_id)
    scores = np.full((N, B), -np.inf)
    scores[:, 0] = 0.0  # one live partial output per source at the start
    seqs = np.full((N, B, max_len), -1, dtype=np.int64)
    done = np.zeros((N, B), dtype=bool)
    for t in range(max_len):
        logp, state = step(tokens, state)
        logp = np.asarray(logp, dtype=np.float64).reshape(N, B, -1)  # (N, B, V)
        # A finished output has one extension, which writes nothing and costs nothing.
        logp = np.where(done[:, :, None], -np.inf, logp)
        logp[done, end_id] = 0.0
        scores, parent, token = beam_step(scores, logp)
        seqs = np.take_along_axis(seqs, parent[:, :, None], axis=1)
        was_done = np.take_along_axis(done, parent, axis=1)
        seqs[:, :, t] = np.where(was_done, -1, token)
        done = was_done | (token == end_id)
        state = rows(state, (np.arange(N)[:, None] * B + parent).ravel())
        tokens = token.ravel()
        if done.all():
            break
    best = scores.argmax(axis=1)  # (N,)
    return seqs[np.arange(N), best], scores[np.arange(N), best]
