"""Tests for rnn_helpers.figures: the right boxes are drawn, bad T is refused,
and main() writes every registered figure as a PNG."""
import matplotlib
import matplotlib.pyplot as plt
import pytest

from rnn_helpers import figures
from rnn_helpers.figures import FIGURES, draw_unrolled_rnn, main

matplotlib.use("Agg")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _texts(fig):
    """Every string drawn on the figure's axes."""
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _labels(fig, kind):
    """The labels of the boxes of one kind ("input", "hidden", "output")."""
    return [t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() == kind]


@pytest.mark.parametrize("T", [3, 5])
def test_one_hidden_box_per_step_plus_the_folded_cell(T):
    fig = draw_unrolled_rnn(T=T)
    hidden = _labels(fig, "hidden")
    # T unrolled cells h_1..h_T, plus the folded cell h_t on the left.
    assert sorted(hidden) == sorted([f"$h_{{{t}}}$" for t in range(1, T + 1)] + ["$h_t$"])
    assert len(_labels(fig, "input")) == T + 1
    # h_0 enters from the left; every step's h box has a "h_" label.
    texts = _texts(fig)
    assert "$h_0$" in texts
    assert sum(1 for s in texts if s.startswith("$h_")) == T + 2  # h_0, h_t, h_1..h_T
    plt.close(fig)


@pytest.mark.parametrize("T", [3, 5])
def test_many_to_one_reads_out_once_many_to_many_every_step(T):
    one = draw_unrolled_rnn(T=T, many_to_one=True)
    many = draw_unrolled_rnn(T=T, many_to_one=False)
    # Unrolled outputs, plus one for the folded cell in each case.
    assert len(_labels(one, "output")) == 1 + 1
    assert len(_labels(many, "output")) == T + 1
    assert any(f"h_{{{T}}} W_y + b_y" in s for s in _texts(one))
    assert {rf"$\hat{{y}}_{{{t}}}$" for t in range(1, T + 1)} <= set(_labels(many, "output"))
    plt.close(one)
    plt.close(many)


def test_caption_and_weight_labels():
    T = 4
    fig = draw_unrolled_rnn(T=T)
    texts = _texts(fig)
    assert any("the same" in s and "at every step" in s for s in texts)
    # One W_x per input arrow, one W_h per recurrent arrow (h_0 -> h_1 included)
    # and for the folded self-loop, one W_y per readout.
    assert texts.count("$W_x$") == T + 1
    assert texts.count("$W_h$") == T + 1
    assert texts.count("$W_y$") == 2
    plt.close(fig)


def test_draws_on_a_given_axes():
    fig, ax = plt.subplots()
    assert draw_unrolled_rnn(T=2, ax=ax) is fig
    assert len(_labels(fig, "hidden")) == 3
    plt.close(fig)


@pytest.mark.parametrize("T", [0, -2, 2.5, "4", True, None])
def test_bad_T_is_refused(T):
    with pytest.raises(ValueError, match="T must be a positive integer"):
        draw_unrolled_rnn(T=T)
    assert plt.get_fignums() == []  # nothing half-drawn is left open


def test_main_writes_every_figure_as_png(tmp_path, capsys):
    paths = main(tmp_path)
    assert sorted(p.name for p in paths) == sorted(FIGURES)
    for name in FIGURES:
        data = (tmp_path / name).read_bytes()
        assert len(data) > 1000
        assert data[:8] == PNG_SIGNATURE
    # Each path written is printed, and no figure is left open.
    assert capsys.readouterr().out.split() == [str(p) for p in paths]
    assert plt.get_fignums() == []


def test_image_dir_is_at_the_repository_root():
    assert figures.IMAGE_DIR.name == "Image"
    assert (figures.IMAGE_DIR.parent / "rnn_helpers" / "figures.py").is_file()


# ---------------------------------------------------------------- the LSTM cell (notebook 05)

def test_lstm_cell_has_four_gates_three_products_and_one_sum():
    fig = figures.draw_lstm_cell()
    gates = _labels(fig, "gate")
    # Three sigmoid gates (f, i, o), the tanh candidate g, and tanh(c_t) on the way out.
    assert sorted(gates) == sorted([r"$\sigma$"] * 3 + ["tanh"] * 2)
    assert sorted(_labels(fig, "op")) == sorted([r"$\times$"] * 3 + ["$+$"])
    texts = _texts(fig)
    for name in ["$c_{t-1}$", "$c_t$", "$h_{t-1}$", "$h_t$", "$x_t$", "$f_t$", "$i_t$", "$g_t$", "$o_t$"]:
        assert texts.count(name) == 1, name
    for word in ["forget", "input", "candidate", "output"]:
        assert word in texts
    assert any(r"c_t = f_t \odot c_{t-1} + i_t \odot g_t" in s for s in texts)
    plt.close(fig)


def test_lstm_cell_draws_on_a_given_axes_and_is_registered():
    fig, ax = plt.subplots()
    assert figures.draw_lstm_cell(ax=ax) is fig
    assert len(_labels(fig, "gate")) == 5
    plt.close(fig)
    assert "05-lstm-cell.png" in FIGURES


def test_tbptt_streams_show_every_character_once_in_stream_order():
    from rnn_helpers.figures import draw_tbptt_streams
    text = "abcdefghijklmnopqrstuvwxyz0123456789"
    fig = draw_tbptt_streams(text, N=2, T=3, num_chunks=4)
    chars = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "char"]
    assert chars == list(text[:24])  # row by row: stream 1 is text[0:12], stream 2 text[12:24]
    carries = [t for t in fig.axes[0].texts if t.get_gid() == "carry"]
    assert len(carries) == 2 * 3  # one state arrow between consecutive chunks, per stream
    assert any("text[12:24]" in t.get_text() for t in fig.axes[0].texts)
    with pytest.raises(ValueError, match="at least N \\* T \\* num_chunks = 24 characters, got 5"):
        draw_tbptt_streams("short", N=2, T=3, num_chunks=4)
    plt.close(fig)


def test_io_mappings_draw_five_panels_with_the_right_boxes():
    fig = figures.draw_io_mappings()
    names = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "mapping"]
    assert names == ["one-to-one", "one-to-many", "many-to-one", "many-to-many, aligned",
                     "encoder-decoder"]
    # Inputs, hidden states and outputs over the five panels: 1+1+3+3+(3+1), 1+3+3+3+7, 1+3+1+3+4:
    # the encoder-decoder reads 3 steps and writes 4, so its lengths really differ, and its
    # decoder's first step reads a <start> token.
    inputs = _labels(fig, "input")
    assert len(inputs) == 12 and inputs.count("<start>") == 1
    assert len(_labels(fig, "hidden")) == 17
    assert len(_labels(fig, "output")) == 12
    assert "context" in _texts(fig)
    # The caption gives the example's real lengths, not only the drawn ones.
    assert any("3 words in, 10 characters out" in t for t in _texts(fig))
    parts = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "part"]
    assert parts == ["encoder", "decoder"]
    # The context arrow is solid (dotted arrows mean fed-back words) and thicker than the rest.
    context = [p for p in fig.axes[0].patches if p.get_gid() == "context"]
    assert len(context) == 1 and context[0].get_linestyle() == "-"
    arrows = [p for p in fig.axes[0].patches if type(p).__name__ == "FancyArrowPatch"]
    assert context[0].get_linewidth() > 2 * max(a.get_linewidth() for a in arrows
                                                if a.get_gid() != "context")
    # Readable at notebook width: about 10 inches wide, captions of 10 pt or more.
    assert fig.get_figwidth() < 11
    assert min(t.get_fontsize() for t in fig.axes[0].texts) >= 10
    assert "02-io-mappings.png" in FIGURES
    plt.close(fig)
    fig, ax = plt.subplots()
    assert figures.draw_io_mappings(ax=ax) is fig
    plt.close(fig)
