"""Tests for rnn_helpers/widgets.py: the explorer's logic, without a browser."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnn_helpers import text, widgets
from rnn_helpers.models import SequenceClassifier

matplotlib.use("Agg")

WORDS = [["the", "film", "was", "not", "bad"], ["new", "york", "is", "nice"]]
STOI, ITOS = text.build_vocab(WORDS)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _model(per_step, cell="rnn"):
    return SequenceClassifier(len(ITOS), 3, hidden_size=5, embed_dim=4, cell=cell,
                              per_step=per_step, seed=0)


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_read_sentence_matches_the_model(cell):
    for per_step in (False, True):
        model = _model(per_step, cell)
        reading = widgets.read_sentence(model, "The film was NOT bad", STOI, ["a", "b", "c"])
        assert reading["tokens"] == ["the", "film", "was", "not", "bad"]
        ids = text.encode(reading["tokens"], STOI)[None]
        np.testing.assert_array_equal(reading["hidden"], model.hidden_states(ids)[0])
        assert reading["probs"].shape == (5, 3)
        np.testing.assert_allclose(reading["probs"].sum(axis=1), 1.0, rtol=0, atol=1e-12)
        if per_step:  # a tagger: the readout after each token is its tag
            np.testing.assert_array_equal(reading["probs"].argmax(axis=1), model.predict(ids)[0])
        else:         # many-to-one: the last step is the model's answer for the sentence
            assert reading["probs"][-1].argmax() == model.predict(ids)[0]
        assert reading["predicted"] == [["a", "b", "c"][k] for k in reading["probs"].argmax(axis=1)]


def test_read_sentence_prefix_equals_the_sentence_cut_there():
    # Many-to-one: the prediction after token t is what the model says for the first t tokens.
    model = _model(per_step=False)
    reading = widgets.read_sentence(model, ["the", "film", "was", "not", "bad"], STOI, ["a", "b", "c"])
    scores, _ = model.forward(text.encode(["the", "film", "was"], STOI)[None])
    p = np.exp(scores[0] - scores[0].max())
    np.testing.assert_allclose(reading["probs"][2], p / p.sum(), rtol=0, atol=1e-12)


def test_read_sentence_bad_input():
    model = _model(per_step=True)
    with pytest.raises(text.UnknownWordError, match="unknown word 'flim'"):
        widgets.read_sentence(model, "the flim", STOI, ["a", "b", "c"])
    with pytest.raises(ValueError, match="read_sentence: the sentence has no words"):
        widgets.read_sentence(model, "   ", STOI, ["a", "b", "c"])
    with pytest.raises(ValueError, match=r"read_sentence: class_names must name the model's 3 classes, got 2"):
        widgets.read_sentence(model, "the film", STOI, ["a", "b"])


def test_describe_reading_has_one_line_per_token():
    reading = widgets.read_sentence(_model(per_step=True), "new york is nice", STOI, ["O", "PLACE", "PERSON"])
    lines = widgets.describe_reading(reading).splitlines()
    assert len(lines) == 4
    assert lines[0].strip().startswith("new  ->  ") and lines[0].endswith("%)")


def test_explore_sentence_draws_a_figure_or_explains_kindly():
    model = _model(per_step=True)
    message, fig = widgets.explore_sentence(model, "new york is nice", STOI, ["O", "PLACE", "PERSON"],
                                            title="tagger")
    assert len(message.splitlines()) == 4 and isinstance(fig, plt.Figure)
    heat = fig.axes[1]
    assert [t.get_text() for t in heat.get_xticklabels()] == ["new", "york", "is", "nice"]
    assert fig.axes[0].get_title() == "tagger"
    # Unknown words: a message that lists the known words, no figure, no exception.
    message, fig = widgets.explore_sentence(model, "new yrok", STOI, ["O", "PLACE", "PERSON"])
    assert fig is None and "'yrok'" in message and "film, is, new" in message
    message, fig = widgets.explore_sentence(model, "", STOI, ["O", "PLACE", "PERSON"])
    assert fig is None and message.startswith("Type a sentence")


def test_sentence_explorer_builds_and_redraws_without_a_browser():
    ipywidgets = pytest.importorskip("ipywidgets")
    readers = {"tagger": (_model(per_step=True), STOI, ["O", "PLACE", "PERSON"]),
               "classifier": (_model(per_step=False), STOI, ["a", "b", "c"])}
    box = widgets.sentence_explorer(readers, "new york is nice")
    assert isinstance(box, ipywidgets.VBox)
    menu, text_box, out = box.children
    assert isinstance(text_box, ipywidgets.Text) and text_box.continuous_update is False
    # Changing the text or the model runs the plain function again; no exception escapes.
    text_box.value = "not a known sentence"
    menu.value = "classifier"
    text_box.value = "the film was not bad"
    assert plt.get_fignums() == []  # every figure drawn was closed after display
    single = widgets.sentence_explorer({"tagger": readers["tagger"]}, "new york")
    assert len(single.children) == 2  # no menu for one model


# ---------------------------------------------------------------- notebook 07: the alignment explorer

def test_read_and_explore_alignment_without_a_browser():
    import matplotlib.pyplot as plt
    from rnn_helpers.attention import AttentionSeq2Seq
    stoi, itos = {"<pad>": 0, "a": 1, "b": 2, "c": 3}, ["<pad>", "<start>", "<end>", "a", "b", "c"]
    model = AttentionSeq2Seq(4, 6, hidden_size=3, embed_dim=2, attention_size=2, seed=0)
    reading = widgets.read_alignment(model, "abca", stoi, itos, 1, 2)
    T = len(reading["output"])
    assert reading["source"] == list("abca") and 1 <= T <= 6
    assert reading["alpha"].shape == (T, 4)
    np.testing.assert_allclose(reading["alpha"].sum(axis=1), 1.0)
    message, fig = widgets.explore_alignment(model, "abca", stoi, itos, 1, 2)
    assert message.startswith("abca -> ") and fig is not None
    plt.close(fig)
    message, fig = widgets.explore_alignment(model, "abz", stoi, itos, 1, 2)
    assert "never seen 'z'" in message and "abc" in message and fig is None
    message, fig = widgets.explore_alignment(model, "  ", stoi, itos, 1, 2)
    assert message.startswith("Type a string") and fig is None
