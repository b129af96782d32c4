"""Tests for rnn_helpers/progress.py: the progress bars of fit and train_lm.

Outside Jupyter tqdm.auto draws text on stderr, which capsys reads; a fake bar
records what a training loop does to a bar it is handed; one test runs a small
notebook in a real kernel, where the bar is a widget.
"""
import io
import json

import numpy as np
import pytest
from tqdm import tqdm

from rnn_helpers import charlm, data, models, progress
from rnn_helpers.models import TrainingDiverged

TEXT = "the cat sat on the mat. (a mat!)\n\nthe dog sat on the log.\n" * 4
VOCAB = charlm.Vocabulary.from_text(TEXT)


@pytest.fixture(scope="module")
def sine():
    X, y, *_ = data.sine_train_test()
    return X[:64], y[:64]


def small_rnn(seed=0):
    return models.ManyToOneRNN(D=1, H=4, M=1, seed=seed)


def small_lm():
    return charlm.CharLM(VOCAB, cell="gru", embed_dim=3, hidden_size=4, seed=0)


class FakeBar:
    """Records what a training loop does to a bar it is handed."""

    def __init__(self):
        self.steps, self.postfixes, self.closed = [], [], False

    def update(self, n=1):
        self.steps.append(n)

    def set_postfix(self, numbers, refresh=True):
        self.postfixes.append(dict(numbers))

    def close(self):
        self.closed = True


def shown(number):
    """A number as tqdm writes it beside the bar: three significant figures."""
    return tqdm.format_num(number)


# ---------------------------------------------------------------- no bar unless asked

def test_no_bar_by_default_prints_nothing_and_makes_no_bar(sine, capsys, monkeypatch):
    def no_bars(*args, **kwargs):
        raise AssertionError("a bar was made")
    monkeypatch.setattr(progress, "progress_bar", no_bars)
    models.fit(small_rnn(), *sine, num_epochs=3)
    models.fit(small_rnn(), *sine, num_epochs=3, progress=False)
    charlm.train_lm(small_lm(), VOCAB.encode(TEXT), num_epochs=1, batch_size=4, seq_len=5)
    assert capsys.readouterr() == ("", "")


# ---------------------------------------------------------------- fit

def test_fit_with_progress_true_draws_a_bar_with_the_last_loss(sine, capsys):
    history = models.fit(small_rnn(), *sine, num_epochs=3, progress=True)
    out, err = capsys.readouterr()
    assert out == ""  # the bar goes to stderr, never into printed results
    last = err.split("\r")[-1]  # the bar as it was left
    assert "100%" in last and "3/3" in last and "epoch" in last
    assert f"loss={shown(history['loss'][-1])}" in last and "val_loss" not in last


def test_fit_with_a_label_and_held_out_data(sine, capsys):
    history = models.fit(small_rnn(), *sine, num_epochs=2, X_val=sine[0], y_val=sine[1], progress="sine RNN")
    last = capsys.readouterr().err.split("\r")[-1]
    assert last.startswith("sine RNN: 100%")
    assert f"loss={shown(history['loss'][-1])}, val_loss={shown(history['val_loss'][-1])}" in last


def test_fit_moves_a_bar_it_is_handed_once_per_epoch_and_leaves_it_open(sine):
    bar = FakeBar()
    h1 = models.fit(small_rnn(0), *sine, num_epochs=3, progress=bar)
    h2 = models.fit(small_rnn(1), *sine, num_epochs=2, X_val=sine[0], y_val=sine[1], progress=bar)
    assert bar.steps == [1] * 5 and not bar.closed
    assert bar.postfixes[:3] == [{"loss": loss} for loss in h1["loss"]]
    assert bar.postfixes[3:] == [{"loss": a, "val_loss": b} for a, b in zip(h2["loss"], h2["val_loss"])]


def test_several_runs_on_one_tqdm_bar(sine):
    out = io.StringIO()
    with progress.progress_bar(total=6, desc="two runs", unit="epoch", file=out) as bar:
        for seed in (0, 1):
            history = models.fit(small_rnn(seed), *sine, num_epochs=3, progress=bar)
        assert bar.n == 6 and not bar.disable  # moved on by both runs, still open
    assert bar.disable  # closed by the with block
    last = out.getvalue().split("\r")[-1]
    assert last.startswith("two runs: 100%") and f"loss={shown(history['loss'][-1])}" in last


def test_print_every_prints_the_same_lines_with_a_bar(sine, capsys):
    models.fit(small_rnn(), *sine, num_epochs=4, print_every=2)
    without = capsys.readouterr()
    models.fit(small_rnn(), *sine, num_epochs=4, print_every=2, progress=True)
    with_bar = capsys.readouterr()
    assert without.out.count("\n") == 2 and with_bar.out == without.out and without.err == ""
    assert "4/4" in with_bar.err


def test_a_bar_fit_opened_is_closed_when_training_diverges(sine, monkeypatch):
    bars = []
    monkeypatch.setattr(progress, "progress_bar", lambda **kwargs: bars.append(FakeBar()) or bars[-1])
    model = small_rnn()
    model.loss_and_grads = lambda X, y: (float("nan"), {k: np.zeros_like(v) for k, v in model.params.items()})
    with pytest.raises(TrainingDiverged):
        models.fit(model, *sine, num_epochs=3, progress=True)
    assert len(bars) == 1 and bars[0].closed and bars[0].steps == []
    handed = FakeBar()
    with pytest.raises(TrainingDiverged):
        models.fit(model, *sine, num_epochs=3, progress=handed)
    assert not handed.closed  # the caller's bar is the caller's to close


# ---------------------------------------------------------------- train_lm

def test_train_lm_moves_the_bar_once_per_update_with_bits_per_character(capsys):
    ids = VOCAB.encode(TEXT)
    history = charlm.train_lm(small_lm(), ids, num_epochs=2, batch_size=4, seq_len=5,
                              val_ids=ids[:40], val_every=3, progress="GRU")
    updates = len(history["chunk_loss"])
    last = capsys.readouterr().err.split("\r")[-1]
    assert last.startswith("GRU: 100%") and f"{updates}/{updates}" in last and "update" in last
    # At the end: the last epoch's mean loss, and the last validation score, both in bits.
    assert f"train_bpc={shown(history['loss'][-1] / np.log(2))}" in last
    assert f"val_bpc={shown(history['val_bpc'][-1])}" in last


def test_train_lm_on_a_bar_it_is_handed():
    ids = VOCAB.encode(TEXT)
    bar = FakeBar()
    history = charlm.train_lm(small_lm(), ids, num_epochs=2, batch_size=4, seq_len=5, progress=bar)
    assert sum(bar.steps) == len(history["chunk_loss"]) and not bar.closed
    # Within an epoch, the mean loss so far: the first update shows its own loss.
    assert bar.postfixes[0] == {"train_bpc": pytest.approx(history["chunk_loss"][0] / np.log(2))}
    assert bar.postfixes[-1]["train_bpc"] == pytest.approx(history["loss"][-1] / np.log(2))
    assert all("val_bpc" not in p for p in bar.postfixes)


# ---------------------------------------------------------------- cost, and bad arguments

def test_the_bar_is_redrawn_far_less_often_than_it_moves(sine):
    # tqdm redraws at most every mininterval (0.1 s): the loss beside the bar must not force a
    # redraw on every epoch (set_postfix(refresh=True) would), or a bar would cost real time.
    out = io.StringIO()
    num_epochs = 300
    with progress.progress_bar(total=num_epochs, file=out, mininterval=0.1) as bar:
        models.fit(models.ManyToOneRNN(D=1, H=2, M=1), sine[0][:8, :5], sine[1][:8],
                   num_epochs=num_epochs, batch_size=8, progress=bar)
    redraws = out.getvalue().count("\r")
    assert redraws < num_epochs / 5, redraws


@pytest.mark.parametrize("bad", [None, 1, 0, "", ["a"], object(), np.float64(1.0)])
def test_a_bad_progress_argument_is_named(sine, bad):
    with pytest.raises(ValueError, match=r"^fit: progress must be True, False, a label .* got "):
        models.fit(small_rnn(), *sine, num_epochs=1, progress=bad)
    with pytest.raises(ValueError, match=r"^train_lm: progress must be True, False, a label .* got "):
        charlm.train_lm(small_lm(), VOCAB.encode(TEXT), num_epochs=1, batch_size=4, progress=bad)


def test_numpy_booleans_work_like_booleans(sine, capsys):
    models.fit(small_rnn(), *sine, num_epochs=1, progress=np.bool_(False))
    assert capsys.readouterr().err == ""
    models.fit(small_rnn(), *sine, num_epochs=1, progress=np.bool_(True))
    assert "1/1" in capsys.readouterr().err


# ---------------------------------------------------------------- in a Jupyter kernel

def test_in_a_kernel_the_bar_is_a_widget_saved_with_its_final_text(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    code = """\
import warnings
warnings.simplefilter("error")  # any warning fails the cell
from rnn_helpers import data, models
from rnn_helpers.progress import progress_bar
X, y, *_ = data.sine_train_test()
history = models.fit(models.ManyToOneRNN(1, 4, 1), X[:64], y[:64], num_epochs=3, progress="sine",
                     print_every=3)
with progress_bar(total=4, desc="two runs", unit="epoch") as bar:
    for seed in (0, 1):
        models.fit(models.ManyToOneRNN(1, 4, 1, seed=seed), X[:64], y[:64], num_epochs=2, progress=bar)
print(f"{history['loss'][-1]:.6g}")"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(nb, timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    kinds = [(o.output_type, o.get("name")) for o in outputs]
    # No stderr (tqdm draws no text in Jupyter), no warning: two bars and what the code printed.
    assert kinds == [("display_data", None), ("stream", "stdout")] * 2, kinds
    first, printed, second, last = outputs
    assert printed.text.startswith("epoch    3/3  train loss ")  # print_every, as without a bar
    loss = float(last.text)
    # Widgets, each saved with the bar's final state as its text (not the 0% it started with).
    for out, start in ((first, "sine: 100%"), (second, "two runs: 100%")):
        assert "model_id" in out.data["application/vnd.jupyter.widget-view+json"]
        assert out.data["text/plain"].startswith(start), out.data["text/plain"]
    assert "3/3" in first.data["text/plain"] and f"loss={shown(loss)}" in first.data["text/plain"]
    assert "4/4" in second.data["text/plain"]
    state = json.dumps(nb.metadata.widgets)  # the widget state a saved notebook keeps
    assert state.count('"bar_style": "success"') == 2
