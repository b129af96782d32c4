"""Small models built from the layers, and a training loop.

ManyToOneRNN reads a sequence and predicts one vector from the last hidden
state (the sine task of notebook 03: 25 values in, the next value out).

SequenceClassifier reads a sequence of tokens with an RNN, LSTM or GRU and
predicts a class: one per sequence (many-to-one, e.g. sentiment) or one per
step (many-to-many aligned, e.g. tagging).

fit trains any model with .params and .loss_and_grads(X, y), and stops with
TrainingDiverged (and advice) when training blows up: see training.py.

Dimensions: N batch, T time steps, D input features, H hidden units, M outputs,
V vocabulary, E embedding size, C classes.
"""
import numpy as np

from . import init, layers, optim, recurrent, rnn
from ._checks import (FLOAT_DTYPES, check_arrays, check_bool, check_callable, check_choice,
                      check_finite, check_index_range, check_int, check_lengths, check_model,
                      check_seed, unpack_tokens)
from .progress import _training_bar
from .training import (DivergenceCheck, TrainingDiverged, _check_settings, _divergence_message,
                       _guarded_loss_and_norm)

__all__ = ["ManyToOneRNN", "SequenceClassifier", "TrainingDiverged", "accuracy", "evaluate",
           "fit", "forecast"]


class ManyToOneRNN:
    """Vanilla RNN + linear readout of the last hidden state.

        h = rnn_forward(x, 0, Wx, Wh, b)      (N, T, H)
        y_hat = h[:, -1] @ Wy + by            (N, M)

    params: dict with Wx (D, H), Wh (H, H), b (H,), Wy (H, M), by (M,).
    init: "xavier" (default), "orthogonal" (Xavier Wx, orthogonal Wh) or
    "randn" (unscaled standard normal: shown in notebook 03 as a pitfall).
    dtype: float64 (default), what gradient checks need; float32 trains faster.
    """

    def __init__(self, D, H, M, seed=0, init_scheme="xavier", activation="tanh", dtype=np.float64):
        for name, size in (("D", D), ("H", H), ("M", M)):
            check_int("ManyToOneRNN", name, size)
        check_seed("ManyToOneRNN", seed)
        check_choice("ManyToOneRNN", "init_scheme", init_scheme, ("xavier", "orthogonal", "randn"))
        check_choice("ManyToOneRNN", "activation", activation, rnn.ACTIVATIONS)
        check_choice("ManyToOneRNN", "dtype", dtype, FLOAT_DTYPES)
        rng = np.random.default_rng(seed)
        self.activation = activation
        if init_scheme == "randn":
            Wx, Wh = rng.normal(size=(D, H)), rng.normal(size=(H, H))
        else:
            Wx = init.xavier(D, H, rng)
            Wh = init.xavier(H, H, rng) if init_scheme == "xavier" else init.orthogonal(H, rng)
        params = {"Wx": Wx, "Wh": Wh, "b": np.zeros(H), "Wy": init.xavier(H, M, rng), "by": np.zeros(M)}
        self.params = {k: v.astype(dtype) for k, v in params.items()}

    def _check_data(self, where, X, y=None):
        """X: (N, T, D) with T >= 1 and y: (N, M), both finite, sized like the params."""
        p = self.params
        specs = {"params['Wx']": (p["Wx"], "D,H"), "params['Wy']": (p["Wy"], "H,M"), "X": (X, "N,T,D")}
        dims = check_arrays(where, **specs, **({} if y is None else {"y": (y, "N,M")}))
        if dims["T"] == 0:
            raise ValueError(f"{where}: X must hold at least one time step (T >= 1), since the "
                             f"prediction reads the last state; got shape {X.shape}")
        check_finite(where, X=X, **({} if y is None else {"y": y}))

    def _forward(self, X):
        p = self.params
        N, H = X.shape[0], p["Wh"].shape[0]
        h, cache = rnn.rnn_forward(X, np.zeros((N, H), dtype=X.dtype), p["Wx"], p["Wh"], p["b"],
                                   self.activation)
        y_hat, aff_cache = layers.affine_forward(h[:, -1], p["Wy"], p["by"])
        return h, y_hat, (cache, aff_cache)

    def predict(self, X):
        """X: (N, T, D) -> predictions (N, M)."""
        self._check_data("ManyToOneRNN.predict", X)
        return self._forward(X)[1]

    def guess_loss(self, y):
        """The loss of always predicting the mean of y: (N, M) -> its variance, averaged over M."""
        return _variance_loss("ManyToOneRNN.guess_loss", y)

    def loss_and_grads(self, X, y):
        """Mean squared error on (X, y) and its gradient for every parameter.

        Inputs: X (N, T, D), y (N, M). Returns: loss (float), grads (dict like params).
        """
        self._check_data("ManyToOneRNN.loss_and_grads", X, y)
        h, y_hat, (cache, aff_cache) = self._forward(X)
        loss, dy_hat = layers.mse_loss(y_hat, y)
        dh_last, dWy, dby = layers.affine_backward(dy_hat, aff_cache)
        # Only the last step feeds the loss: the other steps get zero from above.
        dh = np.zeros_like(h)
        dh[:, -1] = dh_last
        _, _, dWx, dWh, db = rnn.rnn_backward(dh, cache)
        return loss, {"Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}


class SequenceClassifier:
    """Tokens -> embedding -> recurrent layer -> class scores -> softmax.

        e = W_embed[tokens]                          (N, T, E)
        h = recurrent.forward(cell, e, 0, ...)       (N, T, H)
        scores = h_last @ Wy + by                    (N, C)      per_step=False
        scores = h @ Wy + by                         (N, T, C)   per_step=True

    Inputs X: tokens (N, T) ints in [0, V); or a tuple (tokens, lengths) with
    lengths (N,) when sequences are right-padded to a common T. Many-to-one
    then reads each sequence's state at its own last token, h[n, lengths[n]-1].
    Targets y: (N,) class ids (many-to-one) or (N, T) (per_step; -1 marks a
    step that does not count, such as padding).

    params: W_embed (V, E), the recurrent layer's Wx (E, G*H), Wh (H, G*H),
    b (G*H,) (see recurrent.py), Wy (H, C), by (C,).
    activation: "tanh" (default) or "relu", for cell="rnn" only. To try another
    initialisation, overwrite the array: model.params["Wh"] = np.eye(H).
    dtype: float64 (default), what gradient checks need; float32 trains about
    twice as fast (an LSTM 2-3 times: numpy's exp and tanh are much faster in
    float32), as deep-learning frameworks train by default.
    """

    def __init__(self, vocab_size, num_classes, hidden_size=32, embed_dim=16, cell="rnn",
                 per_step=False, seed=0, activation="tanh", dtype=np.float64):
        for name, size in (("vocab_size", vocab_size), ("num_classes", num_classes),
                           ("hidden_size", hidden_size), ("embed_dim", embed_dim)):
            check_int("SequenceClassifier", name, size)
        check_bool("SequenceClassifier", "per_step", per_step)
        check_seed("SequenceClassifier", seed)
        check_choice("SequenceClassifier", "cell", cell, recurrent.CELLS)
        check_choice("SequenceClassifier", "activation", activation, rnn.ACTIVATIONS)
        check_choice("SequenceClassifier", "dtype", dtype, FLOAT_DTYPES)
        if activation != "tanh" and cell != "rnn":
            raise ValueError(f"SequenceClassifier: activation applies to cell='rnn' only, "
                             f"got activation={activation!r} with cell={cell!r}")
        rng = np.random.default_rng(seed)
        self.cell, self.per_step, self.activation = cell, per_step, activation
        params = {"W_embed": rng.normal(0.0, 1.0, size=(vocab_size, embed_dim)),
                  **recurrent.init_params(cell, embed_dim, hidden_size, rng),
                  "Wy": init.xavier(hidden_size, num_classes, rng),
                  "by": np.zeros(num_classes)}
        self.params = {k: v.astype(dtype) for k, v in params.items()}

    def _unpack(self, X):
        tokens, lengths = unpack_tokens("SequenceClassifier", X)
        dims = check_arrays("SequenceClassifier", tokens=(tokens, "int:N,T"))
        check_index_range("SequenceClassifier", "tokens", tokens, 0, self.params["W_embed"].shape[0])
        if dims["T"] == 0 and not self.per_step:
            raise ValueError(f"SequenceClassifier: tokens must hold at least one step (T >= 1) "
                             f"for a many-to-one model, got shape {tokens.shape}")
        if lengths is not None:
            check_arrays("SequenceClassifier", tokens=(tokens, "int:N,T"), lengths=(lengths, "int:N"))
            check_lengths("SequenceClassifier", "lengths", lengths, dims["T"])
            if self.per_step:
                raise ValueError("SequenceClassifier: lengths are for many-to-one models; with "
                                 "per_step=True mark padded steps with target -1 instead")
        return tokens, lengths

    def forward(self, X):
        """Class scores, (N, C) or (N, T, C) with per_step, and a cache for backward."""
        tokens, lengths = self._unpack(X)
        p, N = self.params, tokens.shape[0]
        e, emb_cache = layers.embedding_forward(tokens, p["W_embed"])  # (N, T, E)
        h0 = np.zeros((N, p["Wh"].shape[0]), dtype=p["Wh"].dtype)
        h, rec_cache = recurrent.forward(self.cell, e, h0, p, activation=self.activation)  # (N, T, H)
        if self.per_step:
            scores, out_cache = layers.temporal_affine_forward(h, p["Wy"], p["by"])
            return scores, (emb_cache, rec_cache, out_cache, h, None)
        last = np.full(N, tokens.shape[1] - 1) if lengths is None else lengths - 1  # (N,)
        scores, out_cache = layers.affine_forward(h[np.arange(N), last], p["Wy"], p["by"])
        return scores, (emb_cache, rec_cache, out_cache, h, last)

    def hidden_states(self, X):
        """Every hidden state, (N, T, H): what the network remembers after each token."""
        return self.forward(X)[1][3]

    def predict(self, X):
        """Most likely class: (N,) or (N, T) with per_step."""
        return self.forward(X)[0].argmax(axis=-1)

    def guess_loss(self, y):
        """The loss of guessing every class equally likely: ln C, whatever y is."""
        return float(np.log(self.params["Wy"].shape[1]))

    def loss_and_grads(self, X, y):
        """Mean softmax cross-entropy (per sequence, or per counted step) and its gradients."""
        scores, (emb_cache, rec_cache, out_cache, h, last) = self.forward(X)
        p, where = self.params, "SequenceClassifier.loss_and_grads"
        if self.per_step:
            dims = check_arrays(where, scores=(scores, "N,T,C"), y=(y, "int:N,T"))
            check_index_range(where, "y", y, -1, dims["C"])  # -1: a step that does not count
            loss, dscores = layers.temporal_softmax_loss(scores, np.maximum(y, 0), mask=y >= 0)
            dh, dWy, dby = layers.temporal_affine_backward(dscores, out_cache)
        else:
            dims = check_arrays(where, scores=(scores, "N,C"), y=(y, "int:N"))
            check_index_range(where, "y", y, 0, dims["C"])
            loss, dscores = layers.temporal_softmax_loss(scores[:, None], y[:, None])
            dlast, dWy, dby = layers.affine_backward(dscores[:, 0], out_cache)
            # Only the state read by the readout receives gradient from above.
            dh = np.zeros_like(h)
            dh[np.arange(len(last)), last] = dlast
        de, _, dWx, dWh, db = recurrent.backward(self.cell, dh, rec_cache)
        dW_embed = layers.embedding_backward(de, emb_cache)
        return loss, {"W_embed": dW_embed, "Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}


def _variance_loss(where, y):
    """Mean squared error of predicting the mean of y: (N, M), N >= 1, for every row."""
    dims = check_arrays(where, y=(y, "N,M"))
    check_finite(where, y=y)
    if dims["N"] == 0:
        raise ValueError(f"{where}: y must hold at least one row, got shape {y.shape}")
    return float(np.mean(np.var(y, axis=0)))


def accuracy(model, X, y):
    """Share of correct predictions; with per-step targets, over the steps where y >= 0."""
    pred = model.predict(X)
    if not isinstance(y, np.ndarray) or y.shape != pred.shape:
        raise ValueError(f"accuracy: y must be an array shaped like the predictions, "
                         f"{pred.shape}, got {getattr(y, 'shape', type(y).__name__)}")
    counted = y >= 0
    if not counted.any():
        raise ValueError("accuracy: y has no counted entry (every target is -1 or there are none)")
    return float(np.mean(pred[counted] == y[counted]))


def evaluate(model, X, y):
    """Mean squared error of model.predict(X) against y."""
    return layers.mse_loss(model.predict(X), y)[0]


_RANDN_TIP = "a scaled initialisation (init_scheme='xavier') if you used 'randn'"


def fit(model, X, y, num_epochs=100, batch_size=32, lr=1e-2, lr_decay=1.0, optimizer="adam",
        clip=None, X_val=None, y_val=None, seed=0, print_every=0, callback=None,
        stop_if_diverging=True, progress=False):
    """Train model with minibatches; return the per-epoch history.

    Inputs:
    - model: has .params (dict) and .loss_and_grads(X, y) -> (loss, grads);
      the model checks the shapes it needs
    - X: inputs with N samples along the first axis, e.g. (N, T, D); or a
      tuple of such arrays (for models with several inputs)
    - y: targets with N samples along the first axis, e.g. (N, M) or (N, T)
    - num_epochs, batch_size, lr: training settings
    - lr_decay: the learning rate is multiplied by this after every epoch
    - optimizer: "adam" or "sgd" (SGD with momentum 0.9)
    - clip: max global gradient norm, or None for no clipping
    - X_val, y_val: optional held-out data, scored after every epoch
    - seed: seeds the shuffling, so a run repeats exactly
    - print_every: print progress every this many epochs (0: silent)
    - callback: optional function callback(epoch, model), called after every epoch
    - stop_if_diverging: True (default) stops a run whose loss stays far above
      where it started (see training.py); False lets such a blow-up run on, to
      watch what it does. NaN or inf stops training either way.
    - progress: False (default) draws nothing; True draws a progress bar that
      moves on once per epoch and shows the epoch's loss (and val_loss); a str
      does the same with that label; a bar from progress.progress_bar (any
      tqdm bar) is moved on once per epoch and written on, but left open, so
      that several runs share one bar. Why no bar by default: see progress.py.

    Returns:
    - history: dict of per-epoch lists. "loss" is the mean training loss over
      every sample of the epoch (each batch weighted by its size), "grad_norm"
      the largest global gradient norm seen in the epoch (before clipping),
      and "val_loss" the held-out loss at the end of the epoch (if given),
      as model.loss_and_grads reports it.

    Raises TrainingDiverged, with advice, if a loss or gradient becomes NaN or
    inf, or the loss stays above twice its start (or twice a know-nothing
    guess, model.guess_loss, if that is larger) for 20 updates in a row.
    """
    check_model("fit", model)
    N = _num_samples("X", X, "y", y)
    if (X_val is None) != (y_val is None):
        raise ValueError(f"fit: give both X_val and y_val, or neither; got only "
                         f"{'X_val' if y_val is None else 'y_val'}")
    if X_val is not None:
        _num_samples("X_val", X_val, "y_val", y_val)
    _check_settings("fit", num_epochs, batch_size, lr, lr_decay, clip, callback, stop_if_diverging)
    check_choice("fit", "optimizer", optimizer, ("adam", "sgd"))
    check_seed("fit", seed)
    check_int("fit", "print_every", print_every, low=0)
    opt = optim.Adam(model.params, lr=lr) if optimizer == "adam" else \
        optim.SGD(model.params, lr=lr, momentum=0.9)
    # Weights that start finite: a NaN met during training then means divergence.
    check_finite("fit", **{f"model.params[{k!r}]": p for k, p in model.params.items()})
    # A know-nothing guess, worked out at the first update, once the model has checked y.
    guess = (lambda: model.guess_loss(y)) if hasattr(model, "guess_loss") else None
    check = DivergenceCheck(guess_loss=guess, nan_only=not stop_if_diverging)
    rng = np.random.default_rng(seed)
    history = {"loss": [], "grad_norm": []}
    if X_val is not None:
        history["val_loss"] = []
    with _training_bar("fit", progress, total=num_epochs, unit="epoch") as bar:
        for epoch in range(1, num_epochs + 1):
            order = rng.permutation(N)
            total, max_norm = 0.0, 0.0
            for start in range(0, N, batch_size):
                batch = order[start:start + batch_size]
                loss, norm, out = _guarded_loss_and_norm(
                    lambda: model.loss_and_grads(_take(X, batch), y[batch]), clip)
                if check.update(loss, norm):
                    where = f"at epoch {epoch}, batch {start // batch_size + 1}"
                    raise TrainingDiverged(_divergence_message(where, loss, norm, check, lr, clip,
                                                              [_RANDN_TIP]))
                opt.step(out[1])
                total += loss * len(batch)  # weight by batch size: the last batch may be short
                max_norm = max(max_norm, norm)
            opt.lr *= lr_decay
            history["loss"].append(total / N)
            history["grad_norm"].append(max_norm)
            if X_val is not None:
                history["val_loss"].append(_guarded_loss_and_norm(
                    lambda: model.loss_and_grads(X_val, y_val), None)[0])
            if callback is not None:
                callback(epoch, model)
            bar.step(**{k: history[k][-1] for k in ("loss", "val_loss") if k in history})
            if print_every and (epoch % print_every == 0 or epoch == num_epochs):
                bar.print(_progress_line(epoch, num_epochs, history))
    if check.ended():  # a run too short for the rule above, above the limit to its end
        raise TrainingDiverged(_divergence_message(f"by the end of training ({check.updates} updates)",
                                                   *check.last, check, lr, clip, [_RANDN_TIP]))
    return history


def _take(X, idx):
    """Rows idx of an array, or of every array in a tuple."""
    return tuple(a[idx] for a in X) if isinstance(X, tuple) else X[idx]


def _num_samples(x_name, X, y_name, y):
    """Check that X (array or tuple of arrays) and y hold the same number (>= 1) of samples.

    Also that every array holds finite numbers: a NaN in the data is bad
    input, named here, and not mistaken later for divergence.
    """
    arrays = dict(zip([f"{x_name}[{i}]" for i in range(len(X))], X)) if isinstance(X, tuple) \
        else {x_name: X}
    arrays[y_name] = y
    for name, a in arrays.items():
        if not isinstance(a, np.ndarray) or a.ndim == 0:
            raise ValueError(f"fit: {name} must be a numpy array with samples along the first "
                             f"axis, got {getattr(a, 'shape', type(a).__name__)}")
        if a.dtype.kind not in "biuf":  # bool, integers, floats: not complex, str or object
            raise ValueError(f"fit: {name} must hold real numbers, got dtype {a.dtype}")
        if a.dtype.kind == "f":
            check_finite("fit", **{name: a})
    sizes = {name: a.shape[0] for name, a in arrays.items()}
    if len(set(sizes.values())) != 1:
        raise ValueError(f"fit: {x_name} and {y_name} must hold the same number of samples "
                         f"(first axis), got {sizes}")
    if sizes[y_name] == 0:
        raise ValueError(f"fit: {x_name} and {y_name} must hold at least one sample, got 0")
    return sizes[y_name]


def forecast(predict, X, steps):
    """Predict `steps` values ahead by feeding each prediction back in.

    The window slides: after each prediction the oldest value drops out and
    the prediction is appended, so every call sees T values, as in training.

    Inputs:
    - predict: function (N, T, D) -> (N, D), e.g. model.predict
    - X: (N, T, D) starting windows
    - steps: number of values to predict

    Returns: (N, steps, D) predictions.
    """
    check_callable("forecast", "predict", predict)
    check_arrays("forecast", X=(X, "N,T,D"))
    check_finite("forecast", X=X)
    check_int("forecast", "steps", steps)
    window = X.copy()
    out = np.empty((X.shape[0], steps, X.shape[2]), dtype=X.dtype)
    for k in range(steps):
        pred = predict(window)
        if np.shape(pred) != out[:, k].shape:  # broadcasting would hide the mistake
            raise ValueError(f"forecast: predict must return shape (N, D) = {out[:, k].shape}, "
                             f"got {np.shape(pred)}")
        out[:, k] = pred
        window = np.concatenate([window[:, 1:], out[:, k:k + 1]], axis=1)
    return out


def _progress_line(epoch, num_epochs, history):
    line = f"epoch {epoch:4d}/{num_epochs}  train loss {history['loss'][-1]:.3g}"
    if "val_loss" in history:
        line += f"  held-out loss {history['val_loss'][-1]:.3g}"
    return line

