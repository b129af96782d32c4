"""Models that write a sequence: encoder-decoder and vector-to-sequence.

Dimensions: N batch, S source steps, T target steps, E embedding size,
H hidden units, D input features, V target vocabulary, U source vocabulary.

    Seq2Seq (many-to-many, encoder-decoder; e.g. "26 november 2026" -> "2026-11-26"):
        context = encoder state after each source's last token      (N, H)
        h = decoder RNN over the target tokens, from h0 = context   (N, T, H)
        scores = h @ Wy + by                                        (N, T, V)

    VectorToSequence (one-to-many; e.g. an image vector -> a caption):
        h0 = tanh(x @ W_init + b_init)                              (N, H)
        then the same decoder.

Notes
-----
Training uses **teacher forcing**: at step t the decoder reads the true
token t-1 (a start token at t = 0) and is scored on token t; a last "<end>"
target teaches it where to stop. At test time there is no true token:
**greedy decoding** feeds back the decoder's own most likely token, one step
at a time, until it writes "<end>". Targets of -1 mark padding: not scored.
The cell is "rnn" or "gru", whose whole state is h; an LSTM would also need
its cell state c carried across, which these models do not do.
"""
import numpy as np

from . import layers, recurrent, text
from ._checks import (FLOAT_DTYPES, check_arrays, check_cache, check_choice, check_finite, check_index_range,
                      check_int, check_keys, check_lengths, check_seed)

CELLS = ("rnn", "gru")
START, END = "<start>", "<end>"


def teacher_forcing_arrays(targets, start_id, end_id, pad_id=0):
    """Decoder inputs and targets for teacher forcing.

    Inputs: targets: list of N 1-D int sequences (no start or end token).
    Returns, with T = longest sequence + 1:
    - dec_in: (N, T) int64: start_id, then the sequence, then pad_id
    - dec_out: (N, T) int64: the sequence, then end_id, then -1 (not scored)
    """
    for name, token in (("start_id", start_id), ("end_id", end_id), ("pad_id", pad_id)):
        check_int("teacher_forcing_arrays", name, token, low=0)
    seqs = [np.asarray(s) for s in targets] if isinstance(targets, (list, tuple)) else None
    bad = [s for s in seqs or [] if s.ndim != 1 or not np.issubdtype(s.dtype, np.integer)]
    if not seqs or bad:
        got = (f"a sequence of shape {bad[0].shape} and dtype {bad[0].dtype}" if bad else
               "an empty list" if seqs == [] else type(targets).__name__)
        raise ValueError(f"teacher_forcing_arrays: targets must be a non-empty list of 1-D "
                         f"integer sequences, got {got}")
    dec_in, _ = text.pad_batch([np.concatenate([[start_id], s]) for s in seqs], pad_id=pad_id)
    dec_out, _ = text.pad_batch([np.concatenate([s, [end_id]]) for s in seqs], pad_id=-1)
    return dec_in, dec_out


DECODER_KEYS = ("tgt_embed", "dec_Wx", "dec_Wh", "dec_b", "Wy", "by")


def _sub(params, prefix):
    """The recurrent weights stored under prefix: {"Wx", "Wh", "b"}."""
    return {k: params[prefix + k] for k in ("Wx", "Wh", "b")}


def decoder_forward(params, h0, dec_in, cell):
    """Teacher-forced decoder: embed dec_in, run the RNN from h0, score every step.

    Inputs: params with tgt_embed (V, E), dec_Wx, dec_Wh, dec_b, Wy (H, V),
    by (V,); h0 (N, H); dec_in (N, T) ints. Returns: scores (N, T, V), cache.
    """
    check_choice("decoder_forward", "cell", cell, CELLS)
    check_keys("decoder_forward", "params", params, DECODER_KEYS)
    check_arrays("decoder_forward", h0=(h0, "N,H"), dec_in=(dec_in, "int:N,T"))
    check_index_range("decoder_forward", "dec_in", dec_in, 0, params["tgt_embed"].shape[0])
    e, emb_cache = layers.embedding_forward(dec_in, params["tgt_embed"])  # (N, T, E)
    h, rec_cache = recurrent.forward(cell, e, h0, _sub(params, "dec_"))  # (N, T, H)
    scores, out_cache = layers.temporal_affine_forward(h, params["Wy"], params["by"])  # (N, T, V)
    return scores, (emb_cache, rec_cache, out_cache, cell)


def decoder_backward(dscores, cache):
    """Backward of decoder_forward: returns dh0 (N, H) and a dict of weight gradients."""
    check_cache("decoder_backward", cache, "decoder_forward", length=4)
    h, Wy = cache[2]  # the readout's cache: the decoder's states (N, T, H) and Wy (H, V)
    check_arrays("decoder_backward", h=(h, "N,T,H"), Wy=(Wy, "H,V"), dscores=(dscores, "N,T,V"))
    check_finite("decoder_backward", dscores=dscores)
    emb_cache, rec_cache, out_cache, cell = cache
    dh, dWy, dby = layers.temporal_affine_backward(dscores, out_cache)
    de, dh0, dWx, dWh, db = recurrent.backward(cell, dh, rec_cache)
    grads = {"tgt_embed": layers.embedding_backward(de, emb_cache),
             "dec_Wx": dWx, "dec_Wh": dWh, "dec_b": db, "Wy": dWy, "by": dby}
    return dh0, grads


def greedy_decode(params, h0, cell, start_id, end_id, max_len):
    """Write up to max_len tokens from h0, each time feeding back the most likely one.

    Inputs: params as in decoder_forward; h0 (N, H); token ids; max_len int.
    Returns: (N, max_len) int64 ids, ending with end_id where the decoder
    stopped, and -1 after it.
    """
    check_arrays("greedy_decode", h0=(h0, "N,H"))
    check_keys("greedy_decode", "params", params, DECODER_KEYS)
    check_choice("greedy_decode", "cell", cell, CELLS)
    V = params["tgt_embed"].shape[0]
    check_int("greedy_decode", "start_id", start_id, low=0, high=V - 1)
    check_int("greedy_decode", "end_id", end_id, low=0, high=V - 1)
    check_int("greedy_decode", "max_len", max_len)
    N = h0.shape[0]
    out = np.full((N, max_len), -1, dtype=np.int64)
    token, h = np.full(N, start_id), h0
    done = np.zeros(N, dtype=bool)
    for t in range(max_len):
        # One decoder step on the previous token: (N, 1) -> scores (N, 1, V).
        scores, cache = decoder_forward(params, h, token[:, None], cell)
        h = recurrent.final_state(cache[1])  # (N, H)
        token = scores[:, 0].argmax(axis=1)  # (N,)
        out[~done, t] = token[~done]
        done |= token == end_id
        if done.all():
            break
    return out


def exact_match(pred, target):
    """Share of rows where the prediction equals the target token for token.

    Inputs: pred (N, T1), target (N, T2) ints, -1 after each row's end
    (as greedy_decode and teacher_forcing_arrays write them). Returns: float.
    """
    check_arrays("exact_match", pred=(pred, "int:N,T1"), target=(target, "int:N,T2"))
    T = max(pred.shape[1], target.shape[1])
    pad = lambda a: np.pad(a, ((0, 0), (0, T - a.shape[1])), constant_values=-1)  # (N, T)
    return float(np.mean(np.all(pad(pred) == pad(target), axis=1)))


def _init_decoder(vocab_size, embed_dim, hidden_size, cell, rng):
    """Weights of the decoder and its readout, shared by both models."""
    dec = recurrent.init_params(cell, embed_dim, hidden_size, rng)
    return {"tgt_embed": rng.normal(0.0, 1.0, size=(vocab_size, embed_dim)),
            **{"dec_" + k: v for k, v in dec.items()},
            "Wy": rng.normal(0.0, np.sqrt(1.0 / hidden_size), size=(hidden_size, vocab_size)),
            "by": np.zeros(vocab_size)}


def _decoder_loss(params, h0, dec_in, dec_out, cell, where):
    """Masked cross-entropy of the teacher-forced decoder; returns loss, dh0, grads."""
    check_arrays(where, h0=(h0, "N,H"), dec_in=(dec_in, "int:N,T"), y=(dec_out, "int:N,T"))
    V = params["tgt_embed"].shape[0]
    check_index_range(where, "dec_in", dec_in, 0, V, "V")
    check_index_range(where, "y", dec_out, -1, V, "V")  # -1: a step that is not scored
    scores, cache = decoder_forward(params, h0, dec_in, cell)
    loss, dscores = layers.temporal_softmax_loss(scores, np.maximum(dec_out, 0), mask=dec_out >= 0)
    dh0, grads = decoder_backward(dscores, cache)
    return loss, dh0, grads


class Seq2Seq:
    """Encoder-decoder: the encoder's final state is the decoder's first state.

    X for loss_and_grads: (src, src_lengths, dec_in), with src (N, S) source
    ids right-padded, src_lengths (N,) in [1, S], dec_in (N, T) decoder inputs;
    y: dec_out (N, T), -1 where not scored (see teacher_forcing_arrays).

    params: src_embed (U, E), enc_Wx, enc_Wh, enc_b, tgt_embed (V, E),
    dec_Wx, dec_Wh, dec_b, Wy (H, V), by (V,); all of dtype (float64 by default).
    """

    def __init__(self, src_vocab_size, tgt_vocab_size, hidden_size=64, embed_dim=16, cell="gru",
                 seed=0, dtype=np.float64):
        for name, size in (("src_vocab_size", src_vocab_size), ("tgt_vocab_size", tgt_vocab_size),
                           ("hidden_size", hidden_size), ("embed_dim", embed_dim)):
            check_int("Seq2Seq", name, size)
        check_seed("Seq2Seq", seed)
        check_choice("Seq2Seq", "cell", cell, CELLS)
        check_choice("Seq2Seq", "dtype", dtype, FLOAT_DTYPES)
        rng = np.random.default_rng(seed)
        self.cell = cell
        enc = recurrent.init_params(cell, embed_dim, hidden_size, rng)
        self.params = {"src_embed": rng.normal(0.0, 1.0, size=(src_vocab_size, embed_dim)),
                       **{"enc_" + k: v for k, v in enc.items()},
                       **_init_decoder(tgt_vocab_size, embed_dim, hidden_size, cell, rng)}
        # float32 trains about twice as fast; gradient checks need float64 (the default).
        self.params = {k: v.astype(dtype) for k, v in self.params.items()}

    def encode(self, src, src_lengths):
        """Context vectors (N, H): the encoder's state after each source's last token."""
        dims = check_arrays("Seq2Seq.encode", src=(src, "int:N,S"), src_lengths=(src_lengths, "int:N"))
        check_index_range("Seq2Seq.encode", "src", src, 0, self.params["src_embed"].shape[0])
        check_lengths("Seq2Seq.encode", "src_lengths", src_lengths, dims["S"], dim="S")
        p, N = self.params, dims["N"]
        e, emb_cache = layers.embedding_forward(src, p["src_embed"])  # (N, S, E)
        h, rec_cache = recurrent.forward(self.cell, e, np.zeros((N, p["enc_Wh"].shape[0]), dtype=e.dtype),
                                         _sub(p, "enc_"))  # (N, S, H)
        last = src_lengths - 1  # (N,): padding after a source's end never reaches its context
        return h[np.arange(N), last], (emb_cache, rec_cache, h.shape, last)

    def loss_and_grads(self, X, y):
        """Mean cross-entropy per scored target token, and every parameter's gradient."""
        src, src_lengths, dec_in = _unpack("Seq2Seq.loss_and_grads", X, ("src", "src_lengths", "dec_in"))
        context, (emb_cache, rec_cache, h_shape, last) = self.encode(src, src_lengths)
        loss, dcontext, grads = _decoder_loss(self.params, context, dec_in, y, self.cell,
                                              "Seq2Seq.loss_and_grads")
        # The context's gradient enters the encoder at each source's last state only.
        dh = np.zeros(h_shape, dtype=dcontext.dtype)
        dh[np.arange(len(last)), last] = dcontext
        de, _, dWx, dWh, db = recurrent.backward(self.cell, dh, rec_cache)
        grads.update({"src_embed": layers.embedding_backward(de, emb_cache),
                      "enc_Wx": dWx, "enc_Wh": dWh, "enc_b": db})
        return loss, grads

    def guess_loss(self, y):
        """The loss of guessing every target token equally likely: ln V, whatever y is."""
        return float(np.log(self.params["Wy"].shape[1]))

    def translate(self, src, src_lengths, start_id, end_id, max_len=20):
        """Greedy decoding from each source's context: (N, max_len) ids, -1 after <end>."""
        context, _ = self.encode(src, src_lengths)
        return greedy_decode(self.params, context, self.cell, start_id, end_id, max_len)


class VectorToSequence:
    """One vector in, a sequence out: h0 = tanh(x @ W_init + b_init), then a decoder.

    X for loss_and_grads: (x, dec_in) with x (N, D) float, dec_in (N, T);
    y: dec_out (N, T), -1 where not scored.

    params: W_init (D, H), b_init (H,), tgt_embed (V, E), dec_Wx, dec_Wh,
    dec_b, Wy (H, V), by (V,).
    """

    def __init__(self, input_size, tgt_vocab_size, hidden_size=32, embed_dim=16, cell="gru",
                 seed=0):
        for name, size in (("input_size", input_size), ("tgt_vocab_size", tgt_vocab_size),
                           ("hidden_size", hidden_size), ("embed_dim", embed_dim)):
            check_int("VectorToSequence", name, size)
        check_seed("VectorToSequence", seed)
        check_choice("VectorToSequence", "cell", cell, CELLS)
        rng = np.random.default_rng(seed)
        self.cell = cell
        self.params = {"W_init": rng.normal(0.0, np.sqrt(1.0 / input_size), size=(input_size, hidden_size)),
                       "b_init": np.zeros(hidden_size),
                       **_init_decoder(tgt_vocab_size, embed_dim, hidden_size, cell, rng)}

    def initial_state(self, x):
        """h0 = tanh(x @ W_init + b_init): (N, D) -> (N, H), and a cache."""
        check_arrays("VectorToSequence", W_init=(self.params["W_init"], "D,H"), x=(x, "N,D"))
        check_finite("VectorToSequence", x=x)
        a, cache = layers.affine_forward(x, self.params["W_init"], self.params["b_init"])
        h0 = np.tanh(a)
        return h0, (cache, h0)

    def loss_and_grads(self, X, y):
        """Mean cross-entropy per scored target token, and every parameter's gradient."""
        x, dec_in = _unpack("VectorToSequence.loss_and_grads", X, ("x", "dec_in"))
        h0, (aff_cache, h0_) = self.initial_state(x)
        loss, dh0, grads = _decoder_loss(self.params, h0, dec_in, y, self.cell,
                                         "VectorToSequence.loss_and_grads")
        # Through tanh, then the affine layer.
        _, dW, db = layers.affine_backward(dh0 * (1 - h0_ ** 2), aff_cache)
        grads.update({"W_init": dW, "b_init": db})
        return loss, grads

    def hidden_states(self, X):
        """The decoder's state after each teacher-forced step: (N, T, H).

        X = (x, dec_in) with x (N, D) and dec_in (N, T), as for loss_and_grads.
        """
        x, dec_in = _unpack("VectorToSequence.hidden_states", X, ("x", "dec_in"))
        check_arrays("VectorToSequence.hidden_states", x=(x, "N,D"), dec_in=(dec_in, "int:N,T"))
        check_index_range("VectorToSequence.hidden_states", "dec_in", dec_in, 0,
                          self.params["tgt_embed"].shape[0], "V")
        e, _ = layers.embedding_forward(dec_in, self.params["tgt_embed"])  # (N, T, E)
        h, _ = recurrent.forward(self.cell, e, self.initial_state(x)[0], _sub(self.params, "dec_"))
        return h

    def scores(self, X):
        """Teacher-forced scores for every step, (N, T, V): what loss_and_grads scores."""
        x, dec_in = _unpack("VectorToSequence.scores", X, ("x", "dec_in"))
        check_arrays("VectorToSequence.scores", x=(x, "N,D"), dec_in=(dec_in, "int:N,T"))
        return decoder_forward(self.params, self.initial_state(x)[0], dec_in, self.cell)[0]

    def guess_loss(self, y):
        """The loss of guessing every target token equally likely: ln V, whatever y is."""
        return float(np.log(self.params["Wy"].shape[1]))

    def generate(self, x, start_id, end_id, max_len=20):
        """Greedy decoding from each vector: (N, max_len) ids, -1 after <end>."""
        return greedy_decode(self.params, self.initial_state(x)[0], self.cell, start_id, end_id,
                             max_len)


def _unpack(where, X, names):
    """X must be a tuple of len(names) arrays, e.g. (x, dec_in); return it."""
    if not isinstance(X, tuple) or len(X) != len(names):
        raise ValueError(f"{where}: X must be a tuple ({', '.join(names)}), got "
                         f"{type(X).__name__}{f' of {len(X)} items' if isinstance(X, tuple) else ''}")
    return X
