"""Feed-forward (not recurrent) models: the contrast to every RNN in the course.

Dimensions: N batch, T time steps, D input features, H hidden units,
C classes (or M outputs for regression), V vocabulary.

    MLP:              x (N, D) -> affine -> relu -> affine -> scores (N, C)
    BagOfWords:       tokens (N, T) -> word counts (N, V) -> MLP
    FixedWindowMLP:   tokens (N, T) -> one-hot per position, flattened (N, T*V) -> MLP

A bag of words forgets the order of the words; a fixed window keeps the
order but needs exactly T tokens, so sentences must be padded or cut.
"""
import numpy as np

from . import init, layers
from .models import _variance_loss
from ._checks import (check_arrays, check_choice, check_finite, check_index_range,
                      check_int, check_lengths, check_seed, unpack_tokens)


def relu_forward(x):
    """Rectified linear unit, element-wise: out = max(x, 0).

    Inputs: x: any shape. Returns: out (same shape), cache.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"relu_forward: x must be a floating-point numpy array, got "
                         f"{getattr(x, 'dtype', type(x).__name__)}")
    check_finite("relu_forward", x=x)
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    """Returns dx (shape of x): dout where x > 0, else 0."""
    if not isinstance(cache, np.ndarray):
        raise ValueError(f"relu_backward: cache must be the cache that relu_forward returned, "
                         f"got {type(cache).__name__}")
    x = cache
    if not isinstance(dout, np.ndarray) or dout.shape != x.shape:
        raise ValueError(f"relu_backward: dout must have the shape of x, {x.shape}, got "
                         f"{getattr(dout, 'shape', type(dout).__name__)}")
    check_arrays("relu_backward", dout=(dout, ",".join(f"n{i}" for i in range(dout.ndim))))
    check_finite("relu_backward", dout=dout)
    return dout * (x > 0)


class MLP:
    """A two-layer perceptron: one hidden relu layer, then a linear readout.

        a = relu(x @ W1 + b1)        (N, H)
        scores = a @ W2 + b2         (N, C)

    loss="softmax": classification, y (N,) class ids, cross-entropy loss.
    loss="mse": regression, y (N, M), mean squared error.

    params: W1 (D, H), b1 (H,), W2 (H, C), b2 (C,).
    """

    def __init__(self, input_size, hidden_size, num_outputs, loss="softmax", seed=0):
        for name, size in (("input_size", input_size), ("hidden_size", hidden_size),
                           ("num_outputs", num_outputs)):
            check_int(type(self).__name__, name, size)
        check_seed(type(self).__name__, seed)
        check_choice("MLP", "loss", loss, ("softmax", "mse"))
        rng = np.random.default_rng(seed)
        self.loss = loss
        # He initialisation for the relu layer: variance 2 / fan-in.
        self.params = {"W1": rng.normal(0.0, np.sqrt(2.0 / input_size), size=(input_size, hidden_size)),
                       "b1": np.zeros(hidden_size),
                       "W2": init.xavier(hidden_size, num_outputs, rng),
                       "b2": np.zeros(num_outputs)}

    def features(self, X):
        """The (N, D) float input of the network; subclasses turn tokens into it."""
        check_arrays(type(self).__name__, W1=(self.params["W1"], "D,H"), X=(X, "N,D"))
        check_finite(type(self).__name__, X=X)
        return X

    def _forward(self, x):
        p = self.params
        a_pre, cache1 = layers.affine_forward(x, p["W1"], p["b1"])  # (N, H)
        a, relu_cache = relu_forward(a_pre)
        scores, cache2 = layers.affine_forward(a, p["W2"], p["b2"])  # (N, C)
        return scores, (cache1, relu_cache, cache2)

    def scores(self, X):
        """Class scores (N, C), or predictions (N, M) for loss="mse"."""
        return self._forward(self.features(X))[0]

    def predict(self, X):
        """Most likely class (N,) for "softmax"; the regression output (N, M) for "mse"."""
        s = self.scores(X)
        return s.argmax(axis=1) if self.loss == "softmax" else s

    def guess_loss(self, y):
        """The loss of a know-nothing guess: ln C (every class equally likely) for "softmax",
        the variance of y: (N, M) (always predict its mean) for "mse"."""
        if self.loss == "softmax":
            return float(np.log(self.params["W2"].shape[1]))
        return _variance_loss(f"{type(self).__name__}.guess_loss", y)

    def loss_and_grads(self, X, y):
        """Mean loss over the batch and its gradient for every parameter."""
        scores, (cache1, relu_cache, cache2) = self._forward(self.features(X))
        where = f"{type(self).__name__}.loss_and_grads"
        if self.loss == "softmax":
            dims = check_arrays(where, scores=(scores, "N,C"), y=(y, "int:N"))
            check_index_range(where, "y", y, 0, dims["C"])
            # A softmax over one "time step" is the plain softmax cross-entropy.
            loss, dscores = layers.temporal_softmax_loss(scores[:, None], y[:, None])
            dscores = dscores[:, 0]
        else:
            check_arrays(where, scores=(scores, "N,M"), y=(y, "N,M"))
            check_finite(where, y=y)
            loss, dscores = layers.mse_loss(scores, y)
        da, dW2, db2 = layers.affine_backward(dscores, cache2)
        da_pre = relu_backward(da, relu_cache)
        _, dW1, db1 = layers.affine_backward(da_pre, cache1)
        return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def bag_of_words(tokens, vocab_size, lengths=None):
    """Count how often each word occurs in each sentence; the order is lost.

    Inputs: tokens (N, T) ints in [0, V); lengths (N,) or None: only the
    first lengths[n] tokens of row n are counted (the rest is padding).
    Returns: counts (N, V) float64.
    """
    dims = check_arrays("bag_of_words", tokens=(tokens, "int:N,T"))
    N, T = dims["N"], dims["T"]
    check_int("bag_of_words", "vocab_size", vocab_size)
    check_index_range("bag_of_words", "tokens", tokens, 0, vocab_size)
    counted = np.ones((N, T), dtype=bool)
    if lengths is not None:
        check_arrays("bag_of_words", tokens=(tokens, "int:N,T"), lengths=(lengths, "int:N"))
        check_lengths("bag_of_words", "lengths", lengths, T, low=0)
        counted = np.arange(T) < lengths[:, None]  # (N, T): True on real tokens
    counts = np.zeros((N, vocab_size))
    rows = np.broadcast_to(np.arange(N)[:, None], (N, T))  # (N, T): the sentence of each token
    np.add.at(counts, (rows[counted], tokens[counted]), 1.0)
    return counts


class BagOfWords(MLP):
    """An MLP on word counts: it sees which words occur, never their order.

    Inputs X: tokens (N, T), or (tokens, lengths) as for SequenceClassifier.
    """

    def __init__(self, vocab_size, num_classes, hidden_size=32, seed=0):
        check_int("BagOfWords", "vocab_size", vocab_size)
        check_int("BagOfWords", "num_classes", num_classes)
        super().__init__(vocab_size, hidden_size, num_classes, loss="softmax", seed=seed)
        self.vocab_size = vocab_size

    def features(self, X):
        tokens, lengths = unpack_tokens("BagOfWords", X)
        return bag_of_words(tokens, self.vocab_size, lengths)  # (N, V)


class FixedWindowMLP(MLP):
    """An MLP on exactly `window` tokens: one block of V inputs per position.

    It sees the order (each position has its own weights) but takes only
    sentences of exactly `window` tokens: shorter ones must be padded and
    longer ones cut, and what is cut is never seen.

    Inputs X: tokens (N, window), or (tokens, lengths) (lengths are ignored:
    the padding tokens are part of the input).
    """

    def __init__(self, vocab_size, window, num_classes, hidden_size=32, seed=0):
        for name, size in (("vocab_size", vocab_size), ("window", window),
                           ("num_classes", num_classes)):
            check_int("FixedWindowMLP", name, size)
        super().__init__(window * vocab_size, hidden_size, num_classes, loss="softmax", seed=seed)
        self.vocab_size, self.window = vocab_size, window

    def features(self, X):
        tokens = unpack_tokens("FixedWindowMLP", X)[0]
        dims = check_arrays("FixedWindowMLP", tokens=(tokens, "int:N,T"))
        if dims["T"] != self.window:
            raise ValueError(f"FixedWindowMLP: tokens must have shape (N, {self.window}), got "
                             f"{tokens.shape}: the network has one set of weights per position, "
                             f"so pad or cut every sentence to {self.window} tokens")
        V = self.vocab_size
        check_index_range("FixedWindowMLP", "tokens", tokens, 0, V)
        onehot = np.zeros((dims["N"], self.window, V))  # (N, T, V)
        np.put_along_axis(onehot, tokens[:, :, None], 1.0, axis=2)
        return onehot.reshape(dims["N"], self.window * V)  # (N, T*V)
