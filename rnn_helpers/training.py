"""What the two training loops share: models.fit and charlm.train_lm.

One update is: loss and gradients of a batch, clip, check for divergence, step.

    check = DivergenceCheck(guess_loss=np.log(C))
    loss, norm, out = _guarded_loss_and_norm(lambda: model.loss_and_grads(X, y), clip)
    if check.update(loss, norm):
        raise TrainingDiverged(_divergence_message("at epoch 1, batch 3", loss, norm, check, lr, clip))
    opt.step(out[1])  # out = (loss, grads)

Notes
-----
When is training "diverged"? When the loss or the gradient norm is NaN or
inf, or when the loss has stayed far above where it started for a sustained
stretch: above FACTOR = 2 times its reference for PATIENCE = 20 updates in a
row. The reference is the loss of the first update, or, if larger, the loss of
a model that knows nothing (model.guess_loss(y): ln C for C classes, the
variance of the targets for mean squared error).

The second rule is what catches Adam. Its step is about lr in every weight
whatever the gradient, so with a far too large lr the loss jumps up by orders
of magnitude and stays there without ever overflowing to NaN. Healthy runs
never come near the rule: in every run of the notebooks the loss stays below
1.75 times its reference, and below 1.01 times it for any 20 updates in a
row. A single spike does not trip it; 20 updates in a row do.

A run too short for 20 updates in a row is judged when it ends (ended()): it
has diverged if every update after the first stayed above the limit, and
there were at least SHORT = 3 of them. A healthy run that short still comes
back below twice its start at least once.
"""
import numbers

import numpy as np

from . import optim
from ._checks import check_bool, check_callable, check_int, check_number, skip_nan_checks


class TrainingDiverged(FloatingPointError):
    """Raised by fit and train_lm when training blows up (see DivergenceCheck)."""


class DivergenceCheck:
    """Decides, one update at a time, whether training has diverged.

    Inputs:
    - guess_loss: the loss of a know-nothing guess (a number >= 0), a function
      of no arguments that returns it (called at the first update, once the
      model has checked its data), or None if unknown. The reference is never
      below it, so a model that starts near the answer is not stopped for a wobble
    - nan_only: True checks for NaN and inf only (to let a blow-up run on)

    update(loss, norm) returns True once training has diverged; .reason then
    says why in words ("" for NaN or inf, which speak for themselves).
    ended(), called once training is over, returns True if a run too short
    for PATIENCE spent it all above the limit.
    """

    FACTOR = 2.0   # "far above": twice the reference
    PATIENCE = 20  # "sustained": this many updates in a row
    SHORT = 3      # a shorter run: every update after the first, and at least this many

    def __init__(self, guess_loss=None, nan_only=False):
        if guess_loss is not None and not callable(guess_loss):
            check_number("DivergenceCheck", "guess_loss", guess_loss, "[0, inf)")
        check_bool("DivergenceCheck", "nan_only", nan_only)
        self.guess_loss, self.nan_only = guess_loss, nan_only
        self.reference, self.limit = None, np.inf  # both set by the first update
        self.run, self.reason = 0, ""  # updates in a row above the limit; why it diverged
        self.updates, self.last = 0, (np.nan, np.nan)  # updates seen; the last (loss, norm)

    def update(self, loss, norm):
        """Record one update's loss and gradient norm; return True if training has diverged."""
        # NaN and inf are allowed: they mean divergence.
        for name, value, low in (("loss", loss, -np.inf), ("norm", norm, 0.0)):
            if not isinstance(value, numbers.Real) or isinstance(value, bool) or value < low:
                raise ValueError(f"DivergenceCheck.update: {name} must be a number"
                                 f"{' >= 0' if low == 0 else ''} (NaN and inf mean divergence), "
                                 f"got {value!r}")
        self.updates, self.last = self.updates + 1, (float(loss), float(norm))
        if not (np.isfinite(loss) and np.isfinite(norm)):
            return True
        if self.reference is None:  # the first update: where training started
            if callable(self.guess_loss):  # worked out now, once the model has checked its data
                guess = self.guess_loss()
                self.guess_loss = check_number("DivergenceCheck", "guess_loss", guess, "[0, inf)")
            self.reference = max(loss, self.guess_loss or 0.0)
            self.limit = self.FACTOR * self.reference if self.reference > 0 else np.inf
        # Count the updates in a row whose loss is above the limit.
        self.run = self.run + 1 if loss > self.limit else 0
        if self.run < self.PATIENCE or self.nan_only:
            return False
        self.reason = f"; the loss has stayed above {self._limit_text()} for {self.PATIENCE} updates in a row"
        return True

    def ended(self):
        """At the end of training: True if every update after the first (SHORT or more) was above the limit."""
        if self.nan_only or not self.SHORT <= self.run == self.updates - 1 < self.PATIENCE:
            return False
        self.reason = (f"; the loss stayed above {self._limit_text()} for all {self.run} updates after "
                       f"the first, to the end of training")
        return True

    def _limit_text(self):
        start = "its first loss" if self.reference > (self.guess_loss or 0.0) else \
            "the loss of a know-nothing guess"
        return f"{self.limit:.3g} ({self.FACTOR:g} x {start}, {self.reference:.3g})"


def _guarded_loss_and_norm(compute, clip):
    """Run compute() -> (loss, grads, ...) and clip the grads, with the layers' NaN checks off.

    fit and train_lm check the data and the weights before the first update,
    so a NaN or inf met inside an update can only come from training itself
    (an overflow), and it shows in the loss or the gradient norm, which the
    caller's DivergenceCheck reads. The layers' own NaN passes would only
    repeat that, so they are skipped here (see _checks.py for what it saves).

    Inputs: compute: function of no arguments; clip: max global norm, or None.
    Returns: loss, norm (before clipping), and compute()'s output.
    """
    # Overflow is expected when training diverges: the caller's DivergenceCheck catches it.
    with np.errstate(over="ignore", invalid="ignore"), skip_nan_checks():
        out = compute()
        norm = optim.global_norm(out[1]) if clip is None else optim.clip_grad_norm(out[1], clip)
    return out[0], norm, out


def _divergence_message(where, loss, norm, check, lr, clip, more_tips=()):
    """What TrainingDiverged says: where, the numbers, why, and what to try."""
    tips = [f"a smaller learning rate (lr={lr:g} now; try {lr / 10:g})"]
    tips.append("gradient clipping (clip=1.0)" if clip is None else
                f"a tighter clip (clip={clip:g} now)")
    tips.extend(more_tips)
    return (f"training diverged {where}: loss {loss:.3g}, gradient norm {norm:.3g}{check.reason}. "
            f"Try " + ", or ".join(tips) + ".")


def _check_settings(where, num_epochs, batch_size, lr, lr_decay, clip, callback, stop_if_diverging):
    """Raise ValueError naming the first training setting that is out of range."""
    check_int(where, "num_epochs", num_epochs, low=0)
    check_int(where, "batch_size", batch_size)
    check_number(where, "lr", lr)
    check_number(where, "lr_decay", lr_decay, "(0, 1]")
    if clip is not None:
        check_number(where, "clip", clip)
    if callback is not None:
        check_callable(where, "callback", callback)
    check_bool(where, "stop_if_diverging", stop_if_diverging)
