"""Progress bars for training: what fit(..., progress=...) and train_lm(..., progress=...) draw.

A notebook cell that trains for twenty seconds and prints nothing looks like a
hung kernel. With progress=True, fit moves a bar on once per epoch and
train_lm once per update, and both show the current loss beside it. A cell
that trains several models draws one bar for all of them: it sizes the bar
for every epoch of every run and passes it to each fit, which moves it on
and writes its loss on it:

    with progress_bar(total=3 * 10, desc="RNN, 3 seeds", unit="epoch") as bar:  # 10 epochs a run
        for s in seeds:
            fit(make_model(s), X, y, num_epochs=10, seed=s, progress=bar)

The bars are tqdm's (tqdm.auto): a widget in Jupyter (JupyterLab, Colab,
Binder), text on stderr in a terminal. tqdm redraws at most ten times a
second whatever the number of updates, so a bar costs microseconds per epoch
or update, nothing next to the update itself.

Why progress=False is the default: the unit tests and the benchmarks call
fit and train_lm thousands of times, and would fill their logs with bars;
and a bar's text holds timings that change on every run, so a notebook cell
whose printed output nbval compares (# NBVAL_CHECK_OUTPUT) must never draw
one. A notebook asks for a bar in the cells that train long enough to need it.
"""
from functools import lru_cache

import numpy as np

__all__ = ["progress_bar"]

# The mimetype a Jupyter front end draws a widget from, and its version (ipywidgets 7 and 8 alike).
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def progress_bar(iterable=None, **kwargs):
    """A tqdm.auto bar that stays when it is done: tqdm(iterable, leave=True, **kwargs).

    The keywords are tqdm's: total (the number of steps), desc (a label),
    unit ("epoch", "update", ...). Use it as a context manager, or wrap an
    iterable, so that it closes even if training stops with an error.

    In Jupyter the bar is a widget, with a text version for the front ends
    that draw no widgets (GitHub, a notebook opened in Colab before it runs).
    tqdm writes that text once, as the bar starts (at 0%); here it is
    rewritten when the bar closes, so a saved notebook shows how the run
    ended, e.g. "sine: 100%|...| 30/30 [00:04<00:00, 7.5epoch/s, loss=0.012]".
    """
    from tqdm.auto import tqdm
    from tqdm.notebook import tqdm as notebook_tqdm
    kwargs["leave"] = True
    if issubclass(tqdm, notebook_tqdm):  # inside a Jupyter kernel with ipywidgets
        return _saved_text_bar_class()(iterable, **kwargs)
    return tqdm(iterable, **kwargs)


@lru_cache(maxsize=None)
def _saved_text_bar_class():
    """tqdm's notebook bar, displayed with a display id so that its text can be replaced at the end."""
    from IPython.display import display
    from tqdm.notebook import tqdm as notebook_tqdm

    class SavedTextBar(notebook_tqdm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, display=False, **kwargs)  # displayed here instead:
            self.handle = display(self._bundle(), raw=True, display_id=True)

        def _bundle(self):
            # What the widget's own display sends (ipywidgets 7 and 8), with the bar as text.
            return {"text/plain": self.container.__repr__(pretty=True),
                    WIDGET_VIEW: {"version_major": 2, "version_minor": 0,
                                  "model_id": self.container.model_id}}

        def close(self):
            was_open = not self.disable  # tqdm sets disable once a bar is closed
            super().close()
            if was_open:
                self.handle.update(self._bundle(), raw=True)

    return SavedTextBar


class _TrainingBar:
    """What fit and train_lm draw on: a tqdm bar, or no bar at all (bar None)."""

    def __init__(self, bar, own):
        self.bar, self.own = bar, own  # own: opened here, so closed here

    def step(self, n=1, **numbers):
        """Move the bar on n steps and show numbers (name=value) beside it."""
        if self.bar is not None:
            # refresh=False: tqdm draws the new numbers with the step, at most ten times a second.
            self.bar.set_postfix(numbers, refresh=False)
            self.bar.update(n)

    def print(self, line):
        """Print a line; in a terminal tqdm.write puts it above the bar, instead of through it."""
        write = getattr(self.bar, "write", None)
        (write if callable(write) else print)(line)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.own:  # also when training stops with an error: a widget bar then turns red
            self.bar.close()


def _training_bar(where, progress, total, unit):
    """The bar a training loop draws on, from its progress argument: use it in a with block.

    progress: False (no bar); True (a bar of total steps); a str (the same,
    with that label); or a bar the caller made (progress_bar, or any tqdm
    bar), moved on and written on but left open, so that several runs can
    share it.
    """
    if isinstance(progress, (bool, np.bool_)):
        return _TrainingBar(progress_bar(total=total, unit=unit) if progress else None, own=bool(progress))
    if isinstance(progress, str) and progress:
        return _TrainingBar(progress_bar(total=total, desc=progress, unit=unit), own=True)
    if callable(getattr(progress, "update", None)) and callable(getattr(progress, "set_postfix", None)):
        return _TrainingBar(progress, own=False)
    raise ValueError(f"{where}: progress must be True, False, a label (a non-empty str) or a tqdm bar "
                     f"(progress_bar), got {progress!r}")
