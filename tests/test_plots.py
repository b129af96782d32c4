"""Tests for rnn_helpers.plots: each function draws what it is given, and returns the figure."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnn_helpers import gradients, plots

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------- notebook 04 and 05 plots

def test_grads_by_distance_scales_each_curve_to_one_at_the_loss():
    norms = {"shrinks": np.array([0.01, 0.1, 2.0]), "grows": np.array([8.0, 4.0, 2.0])}
    fig = plots.plot_grads_by_distance(norms)
    ax = fig.axes[0]
    lines = [ln for ln in ax.get_lines() if ln.get_label() in norms]
    np.testing.assert_array_equal(lines[0].get_xdata(), [2, 1, 0])  # steps back from the loss
    np.testing.assert_allclose(lines[0].get_ydata(), [0.005, 0.05, 1.0])
    np.testing.assert_allclose(lines[1].get_ydata(), [4.0, 2.0, 1.0])
    assert ax.get_yscale() == "log"


def test_ratio_vs_scale_is_log_log_with_an_optional_band():
    fig = plots.plot_ratio_vs_scale(np.array([0.5, 1, 2]), {"tanh": np.array([1e-5, 1e-2, 3.0])},
                                    seq_len=50, band=(1, 2), band_label="shaded")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "step 50" in ax.get_title()
    assert "shaded" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_gradient_explorer_survives_overflow():
    result = gradients.gradient_norms(20.0, seq_len=300, activation="relu")
    assert result["overflow"] and np.isnan(result["norms"][0])  # relu at this scale overflows
    fig = plots.plot_gradient_explorer(result, scale=20.0, activation="relu")
    assert "overflows" in fig.axes[0].get_title()


def test_curves_skip_non_finite_values_and_draw_the_baseline():
    fig = plots.plot_curves({"run": [1.0, np.inf, 0.5]}, "loss", "t", baseline=0.7)
    ax = fig.axes[0]
    run = ax.get_lines()[0].get_ydata()
    assert np.isnan(run[1]) and run[2] == 0.5
    assert any(np.all(np.asarray(ln.get_ydata()) == 0.7) for ln in ax.get_lines()[1:])
    assert plots.plot_curves({"a": [1, 2]}, "acc", "t", log=False).axes[0].get_yscale() == "linear"


def test_accuracy_vs_gap_draws_percent_and_chance():
    fig = plots.plot_accuracy_vs_gap([5, 10], {"rnn": [1.0, 0.25], "lstm": [1.0, 1.0]}, chance=0.25)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [100, 25])
    assert "chance (25%)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_lstm_gates_and_cell_by_class():
    rng = np.random.default_rng(0)
    one = {k: rng.uniform(size=(5, 3)) for k in "ifoc"}
    fig = plots.plot_lstm_gates(one, list("Aab?c"), units=[0, 2])
    assert len(fig.axes) == 4
    np.testing.assert_array_equal(fig.axes[1].get_lines()[1].get_ydata(), one["f"][:, 2])
    c = rng.normal(size=(8, 5))
    fig = plots.plot_cell_by_class(c, np.array([0, 1, 0, 1, 0, 1, 0, 1]), ["A", "B"], unit=3, per_class=2)
    lines = [ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata()) == 5]
    assert len(lines) == 4  # two sequences per class
    np.testing.assert_array_equal(lines[0].get_ydata(), c[0])


def test_accuracy_vs_gap_with_seeds_draws_the_median_and_the_range():
    accs = np.array([[1.0, 1.0, 1.0], [1.0, 0.5, 0.75], [0.25, 0.3, 0.2]])  # (gaps, seeds)
    fig = plots.plot_accuracy_vs_gap([10, 20, 30], {"rnn": accs}, chance=0.25)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [100, 75, 25])  # the median
    segments = ax.collections[0].get_segments()  # one vertical bar per gap
    np.testing.assert_allclose([s[:, 1] for s in segments], [[100, 100], [50, 100], [20, 30]])


def test_accuracy_vs_gap_styles_and_dodge():
    fig = plots.plot_accuracy_vs_gap([10, 20], {"a": [1.0, 1.0], "b": [1.0, 0.5]}, chance=0.25,
                                     styles={"b": {"ls": "--", "color": "C3"}}, dodge=1.0)
    a, b = fig.axes[0].get_lines()[:2]
    np.testing.assert_allclose(a.get_xdata(), [9.5, 19.5])  # shifted apart, centred on the gap
    np.testing.assert_allclose(b.get_xdata(), [10.5, 20.5])
    assert b.get_linestyle() == "--" and a.get_linestyle() == "-"
    assert b.get_color() == "C3"


def test_gradient_explorer_says_underflows_and_skips_zero_norms():
    result = gradients.gradient_norms(0.1, seq_len=200, activation="tanh")
    assert result["ratio"] == 0 and np.any(result["norms"] == 0)  # the gradient underflows to 0
    fig = plots.plot_gradient_explorer(result, scale=0.1, activation="tanh")
    assert "underflows" in fig.axes[0].get_title()
    measured = fig.axes[0].get_lines()[0].get_ydata()
    assert np.all(np.isnan(measured[np.asarray(result["norms"]) == 0]))  # not drawn at the axis floor


def test_curves_on_log_axes_label_every_power_of_ten():
    fig = plots.plot_curves({"run": [1e4, 1.0, 0.05]}, "loss", "t")
    fig.canvas.draw()
    ax = fig.axes[0]
    ymin, ymax = ax.get_ylim()
    labelled = [t.get_loc() for t in ax.yaxis.get_major_ticks()
                if t.label1.get_text() and ymin <= t.get_loc() <= ymax]
    np.testing.assert_allclose(labelled, [0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0])


def test_lstm_gates_name_the_output_gate_show():
    one = {k: np.full((3, 2), 0.5) for k in "ifoc"}
    fig = plots.plot_lstm_gates(one, list("A1?"), units=[0])
    assert "(show)" in fig.axes[2].get_ylabel()


# ---------------------------------------------------------------- notebook 06: character language models

def test_corpus_split_strip_labels_each_part_with_its_share():
    spans = [(0, 80, "train"), (80, 90, "validation"), (90, 100, "held-out")]
    fig = plots.plot_corpus_split(spans, 100)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["train (80%)", "validation (10%)", "held-out (10%)"]


def test_smooth_is_a_trailing_moving_average():
    np.testing.assert_allclose(plots._smooth([1.0, 3.0, 5.0, 7.0], 2), [1.0, 2.0, 4.0, 6.0])


def test_lm_curves_draw_training_in_bits_and_validation_points():
    history = {"chars": [1000, 2000, 3000], "chunk_loss": [np.log(2) * 4] * 3,
               "val_chars": [3000], "val_bpc": [3.5]}
    fig = plots.plot_lm_curves({"LSTM": history}, baselines={"trigram": 3.0}, smooth=2)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [4.0, 4.0, 4.0])  # nats -> bits
    np.testing.assert_allclose(ax.get_lines()[0].get_xdata(), [0.001, 0.002, 0.003])
    assert "trigram" in ax.get_legend_handles_labels()[1]
    assert ax.get_ylim()[1] == pytest.approx(3.8)


def test_next_char_probs_show_the_most_likely_characters_first():
    itos = ["\n", " ", "a", "b"]
    fig = plots.plot_next_char_probs({"model": np.array([0.1, 0.5, 0.15, 0.25]),
                                      "other": np.full(4, 0.25)}, itos, "the cat", top=3)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["\u2423", "b", "a"]
    heights = [p.get_height() for p in ax.patches[:3]]
    np.testing.assert_allclose(heights, [0.5, 0.25, 0.15])


def test_unit_trace_wraps_lines_and_marks_newlines():
    text = "ab\ncdefg"
    fig = plots.plot_unit_trace(text, np.linspace(-1, 1, len(text)), "unit 0", width=3)
    shown = [t.get_text() for t in fig.axes[0].texts]
    assert shown == ["a", "b", "\u21b5", "c", "d", "e", "f", "g"]
    assert fig.axes[0].get_ylim() == (-3, 0)  # rows: "ab\n", "cde", "fg"
    marked = plots.plot_unit_trace("abc", np.zeros(3), "unit 1", marks=[False, True, True])
    assert len(marked.axes[0].get_lines()) == 2  # one underline per marked character


# ---------------------------------------------------------------- notebooks 01 and 02 plots

def test_reading_plot_has_tokens_on_x_and_one_row_per_class_and_unit():
    rng = np.random.default_rng(0)
    T, C, H = 5, 3, 7
    probs = rng.dirichlet(np.ones(C), size=T)                  # (T, C)
    reading = {"tokens": ["new", "york", "is", "very", "nice"], "probs": probs,
               "hidden": np.tanh(rng.normal(size=(T, H))), "class_names": ["O", "PLACE", "PERSON"]}
    fig = plots.plot_reading(reading, title="a tagger")
    top, heat = fig.axes[0], fig.axes[1]
    assert top.get_title() == "a tagger"
    assert [t.get_text() for t in heat.get_xticklabels()] == reading["tokens"]
    assert [t.get_text() for t in top.get_yticklabels()] == reading["class_names"]
    np.testing.assert_array_equal(top.images[0].get_array(), probs.T)          # (C, T)
    np.testing.assert_array_equal(heat.images[0].get_array(), reading["hidden"].T)  # (H, T)
    # The winning class of every token is written in its cell.
    assert [t.get_text() for t in top.texts] == [f"{p.max():.0%}" for p in probs]


def test_lm_curves_trim_the_empty_space_below_and_name_dots_and_line():
    history = {"chars": [1000, 2000, 3000], "chunk_loss": list(np.log(2) * np.array([4, 3, 2])),
               "val_chars": [3000], "val_bpc": [2.5]}
    ax = plots.plot_lm_curves({"GRU": history}, baselines={"trigram": 3.0}, smooth=1).axes[0]
    assert ax.get_ylim()[0] == pytest.approx(1.9)  # lowest point drawn (2.0) minus 0.1
    assert "GRU (dots: validation, line: training)" in ax.get_legend_handles_labels()[1]


def test_unit_trace_fits_the_longest_row_and_labels_its_colour_bar():
    fig = plots.plot_unit_trace("ab\ncdef", np.zeros(7), "unit 2", width=10,
                                cbar_label="standardised activation")
    assert fig.axes[0].get_xlim() == (0, 4)  # "cdef" is the longest row, not width=10
    assert fig.axes[1].get_ylabel() == "standardised activation"
