"""Character-level language models: corpus, vocabulary, batches, baselines, models, sampling.

Dimensions: N streams (batch), T time steps, E embedding size, H hidden units,
V vocabulary (characters).

A language model gives a probability to the next character given the ones
before it. We score it by its cross-entropy on held-out text, in bits per
character (bpc): the average of -log2 p(next character), which is also the
length of the code it would need per character. Perplexity is 2**bpc: the
number of equally likely characters the model is as unsure as.

    text = load_corpus()
    train, val, test = split_text(text)
    vocab = Vocabulary.from_text(train)
    model = CharLM(vocab, cell="lstm")
    history = train_lm(model, vocab.encode(train), num_epochs=2)
    bits_per_char(model, vocab.encode(test))
    sample(model, "Return the", length=80, temperature=0.8, seed=0)

Sections: corpus and split; Vocabulary; the truncated-BPTT batch iterator;
the add-k n-gram baselines (re-exported from ngram.py); the CharLM model;
training and evaluation; sampling; reading the hidden units.
"""
import os
import zipfile
from contextlib import nullcontext
from importlib import resources

import numpy as np

from . import init, layers, optim, recurrent
from ._checks import (FLOAT_DTYPES, check_arrays, check_bool, check_choice, check_finite, check_ids,
                      check_index_range, check_int, check_number, check_seed)
from .ngram import (MAX_NGRAM_TABLE, choose_k, ngram_bits_per_char,  # noqa: F401 (re-exported)
                    ngram_counts, ngram_log2_probs)
from .progress import _training_bar
from .training import (DivergenceCheck, TrainingDiverged, _check_settings, _divergence_message,
                       _guarded_loss_and_norm)

CORPUS_FILE = "stdlib_docstrings.txt"
PARAM_NAMES = ("W_embed", "Wx", "Wh", "b", "Wy", "by")  # a CharLM's params, whatever its cell


# ---------------------------------------------------------------- corpus

def load_corpus():
    """The docstrings of the Python standard library, as one str (about 445 KB).

    The file ships inside the package (rnn_helpers/corpus/); see its README.md
    for the Python version it came from and its licence (PSF). No download.
    """
    return (resources.files("rnn_helpers") / "corpus" / CORPUS_FILE).read_text(encoding="ascii")


def split_spans(text, num_blocks=10, val_frac=0.1, test_frac=0.1):
    """Where each part of a train / validation / held-out split lies in text.

    The text is cut into num_blocks blocks of about equal length; each block
    gives its first part to training, the next val_frac to validation and the
    last test_frac to held-out. Every part of the corpus (early and late
    modules alike) is thus represented in every split, and the three never
    overlap. Each cut is moved forward to the next paragraph break ("\\n\\n"),
    so no split starts in the middle of a sentence.

    Returns: list of (start, stop, name) with name in "train", "validation",
    "held-out", in text order; together they cover text exactly once.
    """
    _check_text("split_spans", "text", text)
    check_int("split_spans", "num_blocks", num_blocks)
    check_number("split_spans", "val_frac", val_frac, "(0, 1)")
    check_number("split_spans", "test_frac", test_frac, "(0, 1)")
    if not val_frac + test_frac < 1:
        raise ValueError(f"split_spans: need val_frac > 0, test_frac > 0 and val_frac + test_frac "
                         f"< 1, got {val_frac!r} and {test_frac!r}")
    n = len(text)
    cuts = [0]
    for b in range(num_blocks):
        start = n * b / num_blocks
        for frac in (1 - val_frac - test_frac, 1 - test_frac, 1.0):
            cuts.append(_paragraph_cut(text, int(start + frac * n / num_blocks)))
    names = ["train", "validation", "held-out"] * num_blocks
    spans = [(a, b, name) for a, b, name in zip(cuts[:-1], cuts[1:], names)]
    if any(a >= b for a, b, _ in spans):
        raise ValueError(f"split_spans: a text of {n} characters is too short for "
                         f"{num_blocks} blocks; use fewer blocks")
    return spans


def _check_text(where, name, text):
    """Raise ValueError unless text is a str."""
    if not isinstance(text, str):
        raise ValueError(f"{where}: {name} must be a str, got {type(text).__name__}")


def _paragraph_cut(text, pos):
    """The position just after the first "\\n\\n" at or after pos (or the end)."""
    if pos >= len(text):
        return len(text)
    found = text.find("\n\n", pos)
    return len(text) if found < 0 else found + 2


def split_text(text, num_blocks=10, val_frac=0.1, test_frac=0.1):
    """Train, validation and held-out text that share no character position.

    Returns: (train, validation, held_out), three str; see split_spans.
    """
    parts = {"train": [], "validation": [], "held-out": []}
    for a, b, name in split_spans(text, num_blocks, val_frac, test_frac):
        parts[name].append(text[a:b])
    return tuple("".join(parts[name]) for name in ("train", "validation", "held-out"))


# ---------------------------------------------------------------- vocabulary

class Vocabulary:
    """A bijection between characters and the integers 0..V-1.

    stoi: dict char -> index ("string to index"); itos: list index -> char.
    """

    def __init__(self, chars):
        given = chars
        chars = list(chars) if isinstance(chars, (str, list, tuple)) else None
        if not chars or not all(isinstance(c, str) and len(c) == 1 for c in chars):
            raise ValueError(f"Vocabulary: chars must be a non-empty sequence of single "
                             f"characters, got {given!r:.60}")
        if len(set(chars)) != len(chars):
            repeated = sorted({c for c in chars if chars.count(c) > 1})
            raise ValueError(f"Vocabulary: chars must not repeat a character, got {repeated} "
                             f"more than once")
        self.itos = chars
        self.stoi = {c: i for i, c in enumerate(chars)}

    @classmethod
    def from_text(cls, text):
        """Every character that occurs in text, in sorted order."""
        _check_text("Vocabulary.from_text", "text", text)
        if not text:
            raise ValueError("Vocabulary.from_text: text must hold at least one character, got ''")
        return cls(sorted(set(text)))

    def __len__(self):
        return len(self.itos)

    def __repr__(self):
        return f"Vocabulary(V={len(self)}: {''.join(self.itos)!r})"

    def encode(self, text):
        """text: str of length L -> (L,) int64 array of indices.

        Raises ValueError naming every character the vocabulary lacks.
        """
        _check_text("encode", "text", text)
        unknown = sorted(set(text) - set(self.stoi))
        if unknown:
            raise ValueError(f"encode: {len(unknown)} character(s) not in the vocabulary: "
                             f"{''.join(unknown)!r}. Remove or replace them (the model knows "
                             f"only the {len(self)} characters of its training text), or build "
                             f"the vocabulary from a text that contains them.")
        stoi = self.stoi
        return np.array([stoi[c] for c in text], dtype=np.int64)

    def decode(self, ids):
        """ids: (L,) integers in [0, V) -> str of length L."""
        ids = np.asarray(ids) if isinstance(ids, (np.ndarray, list, tuple)) else np.asarray(None)
        if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"decode: ids must be a 1-D array of integers, got shape "
                             f"{ids.shape} and dtype {ids.dtype}")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"decode: ids must lie in [0, {len(self)}), got values from "
                             f"{ids.min()} to {ids.max()}")
        return "".join(self.itos[i] for i in ids)


# ---------------------------------------------------------------- batches

def stream_batches(ids, batch_size, seq_len):
    """Chunks of N parallel streams of text, for truncated backpropagation through time.

    The text is cut into N = batch_size contiguous streams, one per row. The
    iterator walks along all of them together, seq_len characters at a time:
    chunk k holds characters k*T .. k*T+T-1 of every stream, and its targets
    are the characters one step later. So row n of chunk k+1 continues row n
    of chunk k exactly where it stopped.

    That is why the training loop carries the hidden state: the final state of
    chunk k summarises everything stream n has read so far, and passing it as
    the initial state of chunk k+1 lets the model use context beyond T
    characters. Gradients stop at the chunk boundary (that is the "truncated"
    in truncated BPTT): the carried state is treated as a constant. The state
    is reset to zeros at the start of every epoch, when the streams start over.

    Inputs: ids: (L,) int array; batch_size: N; seq_len: T.
    Yields: (x, y), both (N, T) int arrays, y[:, t] the character after x[:, t].
    The last chunk is shorter if the stream length is not a multiple of T; the
    L - 1 - N * ((L - 1) // N) characters at the very end are not used.
    """
    check_ids("stream_batches", ids)
    check_int("stream_batches", "batch_size", batch_size)
    check_int("stream_batches", "seq_len", seq_len)
    M, starts = _chunk_starts(len(ids), batch_size, seq_len)
    if M < 1:
        raise ValueError(f"stream_batches: {len(ids)} characters cannot fill {batch_size} "
                         f"streams; use a smaller batch_size (got {batch_size})")
    x_all = ids[:batch_size * M].reshape(batch_size, M)  # (N, M): stream n in row n
    y_all = ids[1:batch_size * M + 1].reshape(batch_size, M)  # the next character of each
    for start in starts:
        yield x_all[:, start:start + seq_len], y_all[:, start:start + seq_len]


def _chunk_starts(num_ids, batch_size, seq_len):
    """M, the characters per stream, and where each chunk of stream_batches starts in its stream."""
    M = (num_ids - 1) // batch_size
    return M, range(0, M, seq_len)


# ---------------------------------------------------------------- n-gram baselines
# The count models live in ngram.py; the add-k functions are re-exported here, where notebook 06
# and earlier code find them (see the imports at the top).


# ---------------------------------------------------------------- the model

class CharLM:
    """Embedding -> recurrent layer -> affine readout -> softmax over the next character.

        e = W_embed[x]                          (N, T, E)
        h = recurrent layer(e, state)           (N, T, H)   "rnn", "lstm" or "gru"
        scores = h @ Wy + by                    (N, T, V)
        loss = mean over steps of -log softmax(scores)[y]   (nats)

    params: W_embed (V, E), Wx (E, G*H), Wh (H, G*H), b (G*H,) (see
    recurrent.py), Wy (H, V), by (V,). The state is h (N, H) for "rnn" and
    "gru", the pair (h, c) for "lstm"; None means zeros.

    The embedding and the layer's input weights are two linear maps in a row:
    e_t @ Wx = (onehot(x_t) @ W_embed) @ Wx = onehot(x_t) @ (W_embed @ Wx).
    So the layer reads the character ids themselves, as one-hot vectors,
    through the folded weights W_embed @ Wx, a (V, G*H) table: its input
    projection is a gather of rows, with no (N, T, E) embedding and no input
    product (see _inputs.py). The model and its gradients are the same.

    dtype: float32 (default) halves the memory of float64 and trains faster;
    use float64 for gradient checks.
    """

    def __init__(self, vocab, cell="lstm", embed_dim=32, hidden_size=128, seed=0,
                 dtype=np.float32):
        check_choice("CharLM", "cell", cell, recurrent.CELLS)
        check_choice("CharLM", "dtype", dtype, FLOAT_DTYPES)
        if not isinstance(vocab, Vocabulary):
            raise ValueError(f"CharLM: vocab must be a Vocabulary, got {type(vocab).__name__}")
        check_int("CharLM", "embed_dim", embed_dim)
        check_int("CharLM", "hidden_size", hidden_size)
        check_seed("CharLM", seed)
        rng = np.random.default_rng(seed)
        V = len(vocab)
        self.vocab, self.cell = vocab, cell
        self.embed_dim, self.hidden_size = embed_dim, hidden_size
        # Embedding rows ~ N(0, 1); the recurrent layer as in recurrent.init_params;
        # a Xavier readout with zero bias, so the first guesses are close to uniform.
        params = {"W_embed": rng.normal(size=(V, embed_dim)),
                  **recurrent.init_params(cell, embed_dim, hidden_size, rng),
                  "Wy": init.xavier(hidden_size, V, rng), "by": np.zeros(V)}
        self.params = {k: v.astype(dtype) for k, v in params.items()}

    @property
    def dtype(self):
        return self.params["Wh"].dtype

    def initial_state(self, N):
        """Zeros: h (N, H), or (h, c) for an LSTM."""
        check_int("CharLM.initial_state", "N", N, low=0)
        h = np.zeros((N, self.hidden_size), dtype=self.dtype)
        return (h, h.copy()) if self.cell == "lstm" else h

    def forward(self, x, state=None):
        """Scores for the next character at every step.

        Inputs: x: (N, T) ints; state: from initial_state or a previous call (None: zeros).
        Returns: scores (N, T, V), the final state (to carry on), cache for backward.
        """
        dims = check_arrays("CharLM.forward", x=(x, "int:N,T"))
        check_index_range("CharLM.forward", "x", x, 0, len(self.vocab))
        if state is None:
            state = self.initial_state(x.shape[0])
        self._check_state("CharLM.forward", state, dims["N"])
        return self._forward(x, state)

    def _folded(self):
        """The layer's weights with Wx folded into the embedding: Wx becomes W_embed @ Wx (V, G*H)."""
        p = self.params
        return {"Wx": p["W_embed"] @ p["Wx"], "Wh": p["Wh"], "b": p["b"]}

    def _forward(self, x, state, folded=None):
        """forward() once x and state are known to be right: sample() calls it once per character,
        with the folded weights it computed once (None: fold them now)."""
        p = self.params
        h0, c0 = state if self.cell == "lstm" else (state, None)
        layer = self._folded() if folded is None else folded
        # The layer reads the ids through the folded weights; its arrays are stored time-major,
        # (T, N, ...), and handed on as (N, T, ...) views, so the readout copies nothing.
        h, rec_cache = recurrent.forward(self.cell, x, h0, layer, c0=c0)  # (N, T, H)
        scores, out_cache = layers.temporal_affine_forward(h.transpose(1, 0, 2), p["Wy"],
                                                           p["by"])  # (T, N, V)
        return (scores.transpose(1, 0, 2), recurrent.final_state(rec_cache),
                (rec_cache, out_cache))

    def _check_state(self, where, state, N):
        """Raise ValueError unless state is h (N, H), or the pair (h, c) for an LSTM."""
        if self.cell == "lstm" and not (isinstance(state, tuple) and len(state) == 2):
            raise ValueError(f"{where}: the state of an LSTM must be a pair (h, c) of (N, H) "
                             f"arrays, got {type(state).__name__}")
        if self.cell != "lstm" and not isinstance(state, np.ndarray):
            raise ValueError(f"{where}: the state of a {self.cell} model must be one array h "
                             f"(N, H), got {type(state).__name__}")
        parts = dict(zip(("state[0]", "state[1]"), state)) if self.cell == "lstm" else {"state": state}
        for name, a in parts.items():
            check_arrays(where, **{name: (a, "N,H")})  # an array, floating point, 2-D
            if a.shape != (N, self.hidden_size):
                raise ValueError(f"{where}: {name} must have shape (N, H) = "
                                 f"({N}, {self.hidden_size}), got {a.shape}")
        check_finite(where, **parts)

    def loss_and_grads(self, x, y, state=None, return_state=False):
        """Mean cross-entropy (nats per character) of predicting y from x, and its gradients.

        Inputs: x: (N, T) ints; y: (N, T) ints, y[:, t] the character after
        x[:, t] (teacher forcing: the model always reads the true text);
        state: the initial state, treated as a constant (None: zeros).
        Returns: loss, grads (dict like params), and the final state if
        return_state, to pass as state with the next chunk.
        """
        check_arrays("CharLM.loss_and_grads", x=(x, "int:N,T"), y=(y, "int:N,T"))
        check_index_range("CharLM.loss_and_grads", "y", y, 0, len(self.vocab))
        check_bool("CharLM.loss_and_grads", "return_state", return_state)
        scores, final, (rec_cache, out_cache) = self.forward(x, state)
        loss, dscores = layers.temporal_softmax_loss(scores.transpose(1, 0, 2), y.T)  # (T, N, V)
        # Back through the readout and the recurrent layer (time-major, as forward).
        dh, dWy, dby = layers.temporal_affine_backward(dscores, out_cache)  # dh: (T, N, H)
        _, _, dF, dWh, db = recurrent.backward(self.cell, dh.transpose(1, 0, 2), rec_cache)
        # dF is the gradient of the folded weights F = W_embed @ Wx; each factor gets its share.
        p = self.params
        grads = {"W_embed": dF @ p["Wx"].T, "Wx": p["W_embed"].T @ dF, "Wh": dWh, "b": db,
                 "Wy": dWy, "by": dby}
        return (loss, grads, final) if return_state else (loss, grads)

    def save(self, path):
        """Write params, vocabulary and settings to an .npz file (no pickle).

        Like np.savez, adds ".npz" to a file name without it; load() does the same.
        """
        if not isinstance(path, (str, os.PathLike)) and not hasattr(path, "write"):
            raise ValueError(f"CharLM.save: path must be a file name (str or pathlib.Path), "
                             f"got {type(path).__name__}")
        np.savez(path, itos=np.array(self.vocab.itos), cell=np.array(self.cell),
                 embed_dim=self.embed_dim, hidden_size=self.hidden_size,
                 **{"param_" + k: v for k, v in self.params.items()})

    @classmethod
    def load(cls, path):
        """A CharLM read back from a file written by save().

        Raises ValueError, saying what is wrong, for a file that is missing,
        is not an .npz archive, is cut short, or holds settings or parameters
        that do not make this model (a missing array, a wrong shape or dtype,
        NaN or inf).
        """
        path = _npz_path("CharLM.load", path)
        arrays = _read_npz("CharLM.load", path)
        expected = {"itos", "cell", "embed_dim", "hidden_size"} | {f"param_{k}" for k in PARAM_NAMES}
        missing = sorted(expected - set(arrays))
        if missing:
            raise ValueError(f"CharLM.load: {path} lacks {missing}; was it written by CharLM.save?")
        settings = {k: _stored_setting(path, k, arrays[k]) for k in ("cell", "embed_dim", "hidden_size")}
        params = {k: arrays[f"param_{k}"] for k in PARAM_NAMES}
        dtype = _stored_dtype(path, params)
        # np.savez stores "\x00" as "" (it trims trailing NULs): put it back.
        itos = [str(c) or "\x00" for c in arrays["itos"]] if arrays["itos"].dtype.kind == "U" else None
        if itos is None or arrays["itos"].ndim != 1:
            raise ValueError(f"CharLM.load: itos in {path} must be a 1-D array of characters, got "
                             f"dtype {arrays['itos'].dtype} and shape {arrays['itos'].shape}")
        model = cls(Vocabulary(itos), dtype=dtype, **settings)
        for k, v in model.params.items():
            if params[k].shape != v.shape:
                raise ValueError(f"CharLM.load: param {k} has shape {params[k].shape}, "
                                 f"expected {v.shape}")
            check_finite("CharLM.load", **{f"param {k}": params[k]})
            model.params[k] = params[k]
        return model


def _npz_path(where, path):
    """path, or path + ".npz" where only that exists (save adds the suffix as np.savez does)."""
    if hasattr(path, "read") and not isinstance(path, (str, os.PathLike)):
        return path  # an open file
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"{where}: path must be a file name (str or pathlib.Path), got "
                         f"{type(path).__name__}")
    with_suffix = os.fspath(path) + ".npz"
    if not os.path.exists(path) and not os.fspath(path).endswith(".npz") and os.path.exists(with_suffix):
        return with_suffix
    if not os.path.exists(path):
        raise ValueError(f"{where}: path {os.fspath(path)!r} names no file")
    return path


def _read_npz(where, path):
    """Every array of an .npz archive, read now; ValueError if it cannot be read."""
    try:
        # Open the file here, so it is closed even when numpy cannot read it.
        with open(path, "rb") if isinstance(path, (str, os.PathLike)) else nullcontext(path) as fh:
            f = np.load(fh, allow_pickle=False)
            if not hasattr(f, "files"):  # a .npy file holds one array
                raise ValueError("it holds one array, not an archive of named arrays")
            with f:
                return {k: f[k] for k in f.files}
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile) as e:
        raise ValueError(f"{where}: cannot read {path} as an .npz archive written by "
                         f"CharLM.save ({type(e).__name__}: {e})") from e


def _stored_setting(path, name, a):
    """A stored setting, a 0-d array, as a Python str (cell) or int (sizes)."""
    kind = "U" if name == "cell" else "iu"
    if a.ndim != 0 or a.dtype.kind not in kind:
        raise ValueError(f"CharLM.load: {name} in {path} must be a single "
                         f"{'str' if name == 'cell' else 'integer'}, got dtype {a.dtype} and "
                         f"shape {a.shape}")
    return str(a) if name == "cell" else int(a)


def _stored_dtype(path, params):
    """The one floating-point dtype shared by every stored parameter."""
    dtypes = {k: v.dtype for k, v in params.items()}
    if not dtypes or any(d not in (np.float32, np.float64) for d in dtypes.values()) or \
            len(set(dtypes.values())) != 1:
        raise ValueError(f"CharLM.load: the parameters in {path} must all be float32 or all "
                         f"float64, got {({k: str(d) for k, d in dtypes.items()})}")
    return next(iter(dtypes.values()))


# ---------------------------------------------------------------- training and evaluation

def train_lm(model, ids, num_epochs=2, batch_size=128, seq_len=8, lr=1e-2, lr_decay=0.5,
             clip=1.0, val_ids=None, val_every=0, callback=None, carry_state=True,
             stop_if_diverging=True, progress=False):
    """Train a CharLM with truncated BPTT over parallel streams, Adam and global-norm clipping.

    Inputs:
    - model: a CharLM; ids: (L,) training text, encoded
    - num_epochs: passes over the text; batch_size: N streams; seq_len: T
    - lr: Adam's learning rate, multiplied by lr_decay after every epoch
    - clip: max global gradient norm (None: no clipping)
    - val_ids, val_every: score bits_per_char(model, val_ids) every val_every
      updates and at the end of every epoch (0: at epoch ends only)
    - callback: optional function callback(epoch, model) after every epoch
    - carry_state: True passes each chunk's final state on to the next chunk
      of the same streams; False starts every chunk from zeros (to measure
      what carrying the state during training is worth)
    - stop_if_diverging: True (default) stops a run whose loss stays far above
      where it started (see training.py); False lets it run on. NaN or inf
      stops training either way.
    - progress: False (default) draws nothing; True draws a progress bar that
      moves on once per update and shows the epoch's training loss so far
      and the last validation score, both in bits per character; a str does
      the same with that label; a bar from progress.progress_bar (any tqdm
      bar) is moved on and written on, but left open. See progress.py.

    Returns: history, a dict of lists:
      "loss": per epoch, the mean training loss over every character (nats)
      "chunk_loss", "chars": the loss of every update and the characters seen after it
      "grad_norm": per epoch, the largest global gradient norm before clipping
      "val_bpc", "val_chars": validation bits per char and when it was measured

    Raises TrainingDiverged (with advice) if the loss or gradient becomes NaN
    or inf, or the loss stays above twice its start (or twice ln V, the loss
    of a uniform guess, if that is larger) for 20 updates in a row.
    """
    _check_model("train_lm", model)
    V = len(model.vocab)
    check_ids("train_lm", ids, V=V)
    _check_settings("train_lm", num_epochs, batch_size, lr, lr_decay, clip, callback, stop_if_diverging)
    check_int("train_lm", "seq_len", seq_len)
    check_int("train_lm", "val_every", val_every, low=0)
    if val_ids is not None:
        check_ids("train_lm", val_ids, V=V, name="val_ids")
    check_bool("train_lm", "carry_state", carry_state)
    opt = optim.Adam(model.params, lr=lr)
    check_finite("train_lm", **{f"model.params[{k!r}]": p for k, p in model.params.items()})
    check = DivergenceCheck(guess_loss=np.log(V), nan_only=not stop_if_diverging)
    history = {"loss": [], "chunk_loss": [], "chars": [], "grad_norm": [],
               "val_bpc": [], "val_chars": []}
    seen = 0
    updates = num_epochs * len(_chunk_starts(len(ids), batch_size, seq_len)[1])  # chunks per epoch
    with _training_bar("train_lm", progress, total=updates, unit="update") as bar:
        for epoch in range(1, num_epochs + 1):
            state = model.initial_state(batch_size)  # streams start over: empty memory
            total, count, max_norm = 0.0, 0, 0.0
            for x, y in stream_batches(ids, batch_size, seq_len):
                loss, norm, out = _guarded_loss_and_norm(
                    lambda: model.loss_and_grads(x, y, state if carry_state else None,
                                                 return_state=True), clip)
                if check.update(loss, norm):
                    where = f"in epoch {epoch}, update {len(history['chunk_loss']) + 1}"
                    raise TrainingDiverged(_divergence_message(where, loss, norm, check, opt.lr, clip))
                _, grads, state = out
                opt.step(grads)
                seen += x.size
                count += x.size
                total += loss * x.size  # weight by size: the last chunk may be shorter
                max_norm = max(max_norm, norm)
                history["chunk_loss"].append(loss)
                history["chars"].append(seen)
                if val_ids is not None and val_every and len(history["chars"]) % val_every == 0:
                    history["val_bpc"].append(bits_per_char(model, val_ids))
                    history["val_chars"].append(seen)
                bar.step(**_bar_numbers(total, count, history))
            opt.lr *= lr_decay
            history["loss"].append(total / count)
            history["grad_norm"].append(max_norm)
            if val_ids is not None and (not history["val_chars"] or history["val_chars"][-1] != seen):
                history["val_bpc"].append(bits_per_char(model, val_ids))
                history["val_chars"].append(seen)
                bar.step(0, **_bar_numbers(total, count, history))  # the new score, same step
            if callback is not None:
                callback(epoch, model)
    if check.ended():  # a run too short for the rule above, above the limit to its end
        raise TrainingDiverged(_divergence_message(f"by the end of training ({check.updates} updates)",
                                                   *check.last, check, opt.lr, clip))
    return history


def _bar_numbers(total, count, history):
    """What the progress bar shows: the epoch's loss so far and the last validation score, in bits."""
    numbers = {"train_bpc": total / count / np.log(2)}
    if history["val_bpc"]:
        numbers["val_bpc"] = history["val_bpc"][-1]
    return numbers


def _check_model(where, model):
    """Raise ValueError unless model is a CharLM."""
    if not isinstance(model, CharLM):
        raise ValueError(f"{where}: model must be a CharLM, got {type(model).__name__}")


def bits_per_char(model, ids, batch_size=32, seq_len=256, carry_state=True):
    """Cross-entropy of model on the text ids, in bits per character.

    Scores every character but the first, ids[1:], each predicted from all the
    characters before it in its stream: the text is cut into batch_size
    streams (the last one padded and masked), read chunk by chunk with the
    state carried, so only the first character of each stream loses context.
    carry_state=False starts every chunk from zeros instead (to measure what
    the carried state is worth). No gradients, no parameter changes.

    Inputs: model: a CharLM; ids: (L,) encoded text. Returns: float, bits per character.
    """
    return float(-np.mean(_log2_probs("bits_per_char", model, ids, batch_size, seq_len, carry_state)))


def log2_probs(model, ids, batch_size=32, seq_len=256, carry_state=True):
    """log2 p(ids[t] | what the model read before it), for every t >= 1, in text order.

    The per-character scores behind bits_per_char (same arguments, same
    streams): for comparing with a count model character by character, or
    mixing the two (ngram.KneserNey.log2_probs(ids, start) scores ids[start:],
    which is this array from index start - 1 on).

    Inputs: model: a CharLM; ids: (L,) encoded text. Returns: (L - 1,) floats, in bits (<= 0).
    """
    return _log2_probs("log2_probs", model, ids, batch_size, seq_len, carry_state)


def _log2_probs(where, model, ids, batch_size, seq_len, carry_state):
    """log2_probs, with the caller's name in error messages."""
    _check_model(where, model)
    check_ids(where, ids, V=len(model.vocab))
    check_int(where, "batch_size", batch_size)
    check_int(where, "seq_len", seq_len)
    check_bool(where, "carry_state", carry_state)
    N, L = batch_size, len(ids) - 1
    M = -(-L // N)  # characters per stream, rounded up
    x = np.zeros(N * M, dtype=np.int64)
    y = np.zeros(N * M, dtype=np.int64)
    x[:L], y[:L] = ids[:-1], ids[1:]  # the padding at the end is cut off below
    x, y = x.reshape(N, M), y.reshape(N, M)
    picked = np.empty((N, M))
    state = None
    for start in range(0, M, seq_len):
        xs, ys = x[:, start:start + seq_len], y[:, start:start + seq_len]
        scores, state, _ = model.forward(xs, state if carry_state else None)
        log_p = layers.log_softmax(scores.astype(np.float64))  # (N, T, V)
        picked[:, start:start + seq_len] = np.take_along_axis(log_p, ys[..., None], axis=-1)[..., 0]
    return picked.reshape(N * M)[:L] / np.log(2)


def perplexity(bpc):
    """2 ** bits per character: the number of equally likely choices it amounts to."""
    check_number("perplexity", "bpc", bpc, "[0, inf)")
    return float(2.0 ** bpc)


# ---------------------------------------------------------------- sampling

def _check_sampling(where, model, temperature, top_k):
    _check_model(where, model)
    try:
        check_number(where, "temperature", temperature)
    except ValueError as e:
        raise ValueError(f"{e}; for the most likely character every time, use greedy=True") from None
    if top_k is not None and not (isinstance(top_k, (int, np.integer)) and
                                  not isinstance(top_k, (bool, np.bool_)) and top_k >= 1):
        raise ValueError(f"{where}: top_k must be None (all {len(model.vocab)} characters) or an "
                         f"int >= 1, got {top_k!r}")


def _read_prompt(where, model, prompt):
    """Run the model over prompt; return the scores for the next char (V,) and the state."""
    if not isinstance(prompt, str) or not prompt:
        raise ValueError(f"{where}: prompt must be a non-empty str (e.g. '\\n' to start a docstring), "
                         f"got {prompt!r}")
    unknown = sorted(set(prompt) - set(model.vocab.stoi))
    if unknown:
        raise ValueError(f"{where}: prompt has {len(unknown)} character(s) not in the vocabulary: "
                         f"{''.join(unknown)!r}; the model knows only the {len(model.vocab)} "
                         f"characters of its training text")
    ids = model.vocab.encode(prompt)
    scores, state, _ = model.forward(ids[None, :], None)  # (1, T, V)
    return scores[0, -1].astype(np.float64), state


def next_char_probs(model, prompt, temperature=1.0, top_k=None):
    """p(next character | prompt): (V,) probabilities, indexed like model.vocab.itos.

    temperature divides the scores before the softmax (below 1 sharpens the
    distribution, above 1 flattens it); top_k keeps only the k most likely
    characters and renormalises.
    """
    _check_sampling("next_char_probs", model, temperature, top_k)
    scores, _ = _read_prompt("next_char_probs", model, prompt)
    return _probs("next_char_probs", scores, temperature, top_k)


def _probs(where, scores, temperature, top_k):
    """softmax(scores / temperature), restricted to the top_k largest (ties at the cut kept)."""
    if not np.isfinite(float(np.abs(scores).max()) / float(temperature)):  # Python floats: no warning
        raise ValueError(f"{where}: temperature {temperature!r} is too small: scores / temperature "
                         f"overflows; for the most likely character, use greedy=True")
    p = np.exp(layers.log_softmax(scores / temperature))  # (V,)
    if top_k is not None and top_k < p.size:
        cutoff = np.sort(p)[-top_k]
        p = np.where(p >= cutoff, p, 0.0)
        p /= p.sum()
    return p


def sample(model, prompt, length=200, temperature=1.0, top_k=None, greedy=False, seed=0):
    """Continue prompt by length characters, one at a time.

    The model reads the prompt, then repeatedly picks a next character and
    feeds it back in as the next input. greedy=True takes the most likely
    character every time (deterministic); otherwise it draws from
    softmax(scores / temperature), restricted to the top_k most likely if
    top_k is given, with np.random.default_rng(seed).

    Returns: the generated str (without the prompt).
    """
    _check_sampling("sample", model, temperature, top_k)
    check_int("sample", "length", length, low=0)
    check_bool("sample", "greedy", greedy)
    check_seed("sample", seed)
    rng = np.random.default_rng(seed)
    scores, state = _read_prompt("sample", model, prompt)
    folded = model._folded()  # the weights do not change while sampling: fold them once
    out = []
    for _ in range(length):
        if greedy:
            idx = int(np.argmax(scores))
        else:
            p = _probs("sample", scores, temperature, top_k)
            idx = int(rng.choice(p.size, p=p))
        out.append(idx)
        # The next character's scores; idx and state come from the step before, so they are
        # right by construction and the per-character loop skips forward()'s checks.
        step, state, _ = model._forward(np.array([[idx]]), state, folded)  # (1, 1, V)
        scores = step[0, 0].astype(np.float64)
    return model.vocab.decode(np.array(out, dtype=np.int64))


def generate(model, prompt="Return the", temperature=0.8, top_k=None, length=200, seed=0):
    """prompt followed by a sampled continuation: the function behind the notebook's widget.

    An empty prompt starts from a newline, as a docstring paragraph would;
    top_k=None or top_k >= V samples from all characters.
    """
    if prompt is not None and not isinstance(prompt, str):
        raise ValueError(f"generate: prompt must be a str, got {type(prompt).__name__}")
    prompt = prompt or "\n"
    return prompt + sample(model, prompt, length, temperature, top_k, seed=seed)


def find_loop(text, min_repeats=2):
    """Where text becomes periodic until its end: (start, period), or None.

    The earliest start s (then the shortest period p) such that
    text[i] == text[i + p] for every i >= s and the periodic tail holds at
    least min_repeats full periods. Greedy decoding often ends in such a loop.
    """
    _check_text("find_loop", "text", text)
    check_int("find_loop", "min_repeats", min_repeats)
    n, best = len(text), None
    for p in range(1, n // min_repeats + 1):
        s = n - p  # walk back while the character p later matches
        while s > 0 and text[s - 1] == text[s - 1 + p]:
            s -= 1
        if n - s >= min_repeats * p and (best is None or s < best[0]):
            best = (s, p)
    return best


# ---------------------------------------------------------------- reading the hidden units

def hidden_states(model, ids, batch_size=16, seq_len=256):
    """The hidden state after reading each character of ids, in text order.

    The text is cut into batch_size streams (the tail that does not fill them
    is dropped), read with the state carried, as in bits_per_char.
    Returns: dict "h": (L', H), and for an LSTM also "c": (L', H), the cell
    state; L' = batch_size * (len(ids) // batch_size), row i the state after ids[i].
    """
    _check_model("hidden_states", model)
    check_ids("hidden_states", ids, V=len(model.vocab))
    check_int("hidden_states", "batch_size", batch_size, high=len(ids))
    check_int("hidden_states", "seq_len", seq_len)
    N, M = batch_size, len(ids) // batch_size
    x = ids[:N * M].reshape(N, M)  # (N, M): stream n in row n
    state, hs, cs, folded = model.initial_state(N), [], [], model._folded()
    for start in range(0, M, seq_len):
        h0, c0 = state if model.cell == "lstm" else (state, None)
        h, (_, inner) = recurrent.forward(model.cell, x[:, start:start + seq_len], h0, folded,
                                          c0=c0)  # (N, T, H), reading the ids as in forward
        state = recurrent.final_state((model.cell, inner))
        hs.append(h)
        if model.cell == "lstm":
            cs.append(inner["c"])
    out = {"h": np.concatenate(hs, axis=1).reshape(N * M, -1)}  # (N*M, H), text order
    if cs:
        out["c"] = np.concatenate(cs, axis=1).reshape(N * M, -1)
    return out


def text_features(text):
    """Indicators of where each character sits, for probing hidden units.

    Returns: dict name -> (L,) float array; entry i describes the position
    just after text[i], what a model that has read text[:i+1] could know:
      "space": 1 if text[i] is a space (no memory needed: a control)
      "position in line": characters since the last newline
      "indented line": 1 once the line has begun with 4 or more spaces
      "inside ( )": 1 while a "(" is open; a blank line closes everything
      "inside quotes": 1 after an opening double quote, until the closing one
      "inside ``code``": 1 inside backquotes (a run of backquotes opens or closes)
    A newline ends quotes, backquotes and indentation.
    """
    _check_text("text_features", "text", text)
    names = ("space", "position in line", "indented line", "inside ( )", "inside quotes",
             "inside ``code``")
    feats = {name: np.zeros(len(text)) for name in names}
    col, lead, depth, quote, code, prev = 0, 0, 0, 0, 0, ""
    for i, ch in enumerate(text):
        if ch == "\n":
            depth = 0 if prev == "\n" else depth  # a blank line closes parentheses
            col, lead, quote, code = -1, 0, 0, 0
        # Leading spaces of the line, counted until its first other character.
        lead = lead + 1 if ch == " " and lead == col else lead
        depth = depth + 1 if ch == "(" else max(depth - 1, 0) if ch == ")" else depth
        quote ^= ch == '"'
        code ^= ch == "`" and prev != "`"
        col, prev = col + 1, ch
        for name, v in zip(names, (ch == " ", col, lead >= 4, depth > 0, quote, code)):
            feats[name][i] = v
    return feats


def unit_correlations(states, feature):
    """Pearson correlation of every hidden unit with one feature.

    Inputs: states: (L, H); feature: (L,). Returns: (H,) correlations in [-1, 1]
    (0 for a unit that never changes).
    """
    check_arrays("unit_correlations", states=(states, "L,H"), feature=(feature, "L"))
    check_finite("unit_correlations", states=states, feature=feature)
    s = states.astype(np.float64) - states.mean(axis=0)
    f = feature.astype(np.float64) - feature.mean()
    denom = np.sqrt((s * s).sum(axis=0) * (f * f).sum())
    return np.divide(s.T @ f, denom, out=np.zeros(states.shape[1]), where=denom > 0)


def probe_units(states, features, control_shift=None, test_states=None, test_features=None):
    """For each feature, the hidden unit that correlates with it most strongly.

    Inputs:
    - states: dict name -> (L, H) states, e.g. {"h": ..., "c": ...} from hidden_states
    - features: dict name -> (L,) values, e.g. from text_features
    - control_shift: the control correlates the same feature shifted (rolled)
      by this many characters (default L // 2): it keeps the feature's own
      statistics but breaks its link with the text, so its best |r| shows how
      large a correlation the search over every unit finds by chance.
    - test_states, test_features: optional, the same for another text (L2
      positions). The unit is chosen on states/features; its correlation on
      the other text is free of the search's luck.

    Returns: list of dicts, one per feature, with "feature", "state" (which
    states), "unit", "r" (its correlation) and "control" (the best |r| of the
    shifted feature over every unit of every state); with test_states, also
    "r_test", the chosen unit's correlation on the other text.
    """
    if (test_states is None) != (test_features is None):
        raise ValueError(f"probe_units: pass test_states and test_features together, or neither; "
                         f"got only {'test_states' if test_features is None else 'test_features'}")
    for name, d in (("states", states), ("features", features), ("test_states", test_states),
                    ("test_features", test_features)):
        if (d is not None or not name.startswith("test")) and (not isinstance(d, dict) or not d):
            raise ValueError(f"probe_units: {name} must be a non-empty dict name -> array, got "
                             f"{type(d).__name__ if not isinstance(d, dict) else 'an empty dict'}")
        for key, a in (d or {}).items():  # (L, H) states, (L,) features
            check_arrays("probe_units", **{f"{name}[{key!r}]": (a, "L,H" if "states" in name else "L")})
    if test_states is not None and not (set(test_states) >= set(states) and
                                        set(test_features) >= set(features)):
        raise ValueError(f"probe_units: test_states and test_features must have the keys of "
                         f"states and features, {sorted(states)} and {sorted(features)}; got "
                         f"{sorted(test_states)} and {sorted(test_features)}")
    L = len(next(iter(states.values())))
    if control_shift is not None:
        check_int("probe_units", "control_shift", control_shift, low=0)
    shift = L // 2 if control_shift is None else control_shift
    rows = []
    for name, f in features.items():
        r = {key: unit_correlations(s, f) for key, s in states.items()}
        key = max(r, key=lambda k: np.abs(r[k]).max())  # the states holding the best unit
        unit = int(np.argmax(np.abs(r[key])))
        control = max(np.abs(unit_correlations(s, np.roll(f, shift))).max() for s in states.values())
        rows.append({"feature": name, "state": key, "unit": unit, "r": float(r[key][unit]),
                     "control": float(control)})
        if test_states is not None:  # the chosen unit, read on text it was not chosen on
            s = test_states[key][:, unit:unit + 1]
            rows[-1]["r_test"] = float(unit_correlations(s, test_features[name])[0])
    return rows
