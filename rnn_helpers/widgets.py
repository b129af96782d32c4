"""Watch a trained sequence classifier read a sentence you type.

Dimensions: T tokens, H hidden units, C classes.

The logic is in plain functions that a test can call without a browser:

    reading = read_sentence(model, "not bad , actually good", stoi, ["negative", "positive"])
    reading["hidden"]   # (T, H): the state after each token
    reading["probs"]    # (T, C): the prediction after each token
    message, fig = explore_sentence(model, sentence, stoi, class_names)

sentence_explorer() wraps explore_sentence in a text box (ipywidgets 7.6+ and 8).
"""
import matplotlib.pyplot as plt
import numpy as np

from . import layers, plots, text
from ._checks import check_int


def read_sentence(model, sentence, stoi, class_names):
    """Run a SequenceClassifier over one sentence and record every step.

    The readout Wy, by is applied to the state after every token. For a
    tagger (per_step=True) that is its tag for each token; for a many-to-one
    classifier it is the label it would give if the sentence ended there.

    Inputs:
    - model: a models.SequenceClassifier
    - sentence: str, or a list of tokens
    - stoi: dict word -> id (the model's vocabulary)
    - class_names: C names, in the order of the model's classes

    Returns: dict with
    - tokens: list of T str
    - hidden: (T, H) hidden state after each token
    - probs: (T, C) softmax of the readout after each token
    - predicted: list of T class names, the most likely one at each step

    Raises text.UnknownWordError for words outside stoi, and ValueError for
    an empty sentence or a class_names of the wrong length.
    """
    if not isinstance(sentence, (str, list, tuple)):
        raise ValueError(f"read_sentence: sentence must be a str or a list of words, got "
                         f"{type(sentence).__name__}")
    if not isinstance(getattr(model, "params", None), dict) or "Wy" not in model.params or \
            not callable(getattr(model, "hidden_states", None)):
        raise ValueError(f"read_sentence: model must be a SequenceClassifier, got "
                         f"{type(model).__name__}")
    tokens = text.tokenize(sentence) if isinstance(sentence, str) else list(sentence)
    if not tokens:
        raise ValueError("read_sentence: the sentence has no words; type one, e.g. "
                         "'the film was not bad'")
    C = model.params["Wy"].shape[1]
    if not (isinstance(class_names, (list, tuple)) and len(class_names) == C):
        got = f"{len(class_names)}: {list(class_names)}" if isinstance(class_names, (list, tuple)) \
            else repr(class_names)
        raise ValueError(f"read_sentence: class_names must name the model's {C} classes, got {got}")
    ids = text.encode(tokens, stoi)[None]  # (1, T)
    h = model.hidden_states(ids)[0]  # (T, H)
    scores = h @ model.params["Wy"] + model.params["by"]  # (T, C)
    probs = np.exp(layers.log_softmax(scores))  # (T, C)
    predicted = [class_names[c] for c in probs.argmax(axis=1)]
    return {"tokens": tokens, "hidden": h, "probs": probs, "predicted": predicted,
            "class_names": list(class_names)}


def describe_reading(reading):
    """One line per token: the token, the predicted class and its probability."""
    if not isinstance(reading, dict) or not {"tokens", "predicted", "probs"} <= set(reading):
        raise ValueError(f"describe_reading: reading must be the dict read_sentence returns, "
                         f"got {reading!r:.60}")
    width = max(len(t) for t in reading["tokens"])
    return "\n".join(f"{tok:>{width}}  ->  {pred} ({p.max():.0%})"
                     for tok, pred, p in zip(reading["tokens"], reading["predicted"], reading["probs"]))


def explore_sentence(model, sentence, stoi, class_names, title=None):
    """What the explorer shows for one sentence: (message, figure or None).

    Unknown words and empty input give a friendly message and no figure,
    never a traceback.
    """
    try:
        reading = read_sentence(model, sentence, stoi, class_names)
    except text.UnknownWordError as e:
        known = ", ".join(sorted(w for w in stoi if not w.startswith("<")))
        return (f"This model has never seen {', '.join(repr(w) for w in e.words)}. "
                f"Use only these words: {known}"), None
    except ValueError as e:
        if "no words" in str(e):
            return "Type a sentence, then press Enter.", None
        raise
    return describe_reading(reading), plots.plot_reading(reading, title=title)


def sentence_explorer(readers, sentence):
    """A text box (and a model menu if there are several) that redraws on Enter.

    Inputs:
    - readers: dict name -> (model, stoi, class_names)
    - sentence: the text the box starts with

    Returns: the ipywidgets VBox to display.
    """
    import ipywidgets as widgets
    from IPython.display import display

    if not isinstance(readers, dict) or not readers:
        raise ValueError(f"sentence_explorer: readers must be a non-empty dict name -> "
                         f"(model, stoi, class_names), got {readers!r:.60}")
    if not isinstance(sentence, str):
        raise ValueError(f"sentence_explorer: sentence must be a str, got {type(sentence).__name__}")
    names = list(readers)
    menu = widgets.Dropdown(options=names, value=names[0], description="model")
    box = widgets.Text(value=sentence, description="sentence", continuous_update=False,
                       layout=widgets.Layout(width="90%"))
    out = widgets.Output()

    def redraw(change=None):
        model, stoi, class_names = readers[menu.value]
        message, fig = explore_sentence(model, box.value, stoi, class_names, title=menu.value)
        out.clear_output(wait=True)
        with out:
            print(message)
            if fig is not None:
                display(fig)
                plt.close(fig)  # shown once, in the output area

    box.observe(redraw, names="value")
    menu.observe(redraw, names="value")
    redraw()
    controls = [menu, box] if len(names) > 1 else [box]
    return widgets.VBox(controls + [out])


# ---------------------------------------------------------------- notebook 07: watch attention align

def read_alignment(model, source, stoi, itos, start_id, end_id, max_len=None):
    """Run an AttentionSeq2Seq on one input string and record where it looked.

    Inputs: model: attention.AttentionSeq2Seq; source: str of characters; stoi:
    the source vocabulary (char -> id); itos: the target vocabulary (id -> char);
    start_id, end_id: target ids; max_len: output steps (None: len(source) + 2).

    Returns: dict with source (list of S chars), output (list of T chars, <end> last
    if written) and alpha (T, S): the weights of each output step over the input.
    Raises text.UnknownWordError for characters outside stoi, ValueError for an empty input.
    """
    if not isinstance(source, str):
        raise ValueError(f"read_alignment: source must be a str, got {type(source).__name__}")
    if not callable(getattr(model, "translate", None)) or not hasattr(model, "bidirectional"):
        raise ValueError(f"read_alignment: model must be an AttentionSeq2Seq, got {type(model).__name__}")
    chars = list(source.strip())
    if not chars:
        raise ValueError(f"read_alignment: source has no characters, got {source!r}; type some, "
                         f"e.g. 'abcdef'")
    if max_len is not None:
        check_int("read_alignment", "max_len", max_len)
    ids = text.encode(chars, stoi)[None]  # (1, S)
    out, alpha = model.translate(ids, np.array([len(chars)]), start_id, end_id,
                                 len(chars) + 2 if max_len is None else max_len)
    steps = int((out[0] >= 0).sum())
    return {"source": chars, "output": [itos[i] for i in out[0, :steps]], "alpha": alpha[0, :steps]}


def explore_alignment(model, source, stoi, itos, start_id, end_id):
    """What the alignment explorer shows for one input: (message, figure or None)."""
    try:
        reading = read_alignment(model, source, stoi, itos, start_id, end_id)
    except text.UnknownWordError as e:
        known = "".join(sorted(w for w in stoi if not w.startswith("<")))
        return (f"This model has never seen {', '.join(repr(w) for w in e.words)}. "
                f"Use only these letters: {known}"), None
    except ValueError as e:
        if "no characters" in str(e):
            return "Type a string of letters, then press Enter.", None
        raise
    written = "".join(c for c in reading["output"] if not c.startswith("<"))
    want = "".join(reading["source"][::-1])
    message = f"{''.join(reading['source'])} -> {written}  ({'right' if written == want else 'wrong: ' + want})"
    fig = plots.plot_alignment(reading["alpha"], reading["source"], reading["output"], title=message)
    return message, fig


def alignment_explorer(model, stoi, itos, start_id, end_id, source):
    """A text box that redraws the output and its attention weights on Enter (ipywidgets 7.6+ and 8)."""
    import ipywidgets as widgets
    from IPython.display import display

    if not isinstance(source, str):
        raise ValueError(f"alignment_explorer: source must be a str, got {type(source).__name__}")
    _, fig = explore_alignment(model, source, stoi, itos, start_id, end_id)  # bad arguments stop here
    if fig is not None:
        plt.close(fig)
    box = widgets.Text(value=source, description="input", continuous_update=False)
    out = widgets.Output()

    def redraw(change=None):
        message, fig = explore_alignment(model, box.value, stoi, itos, start_id, end_id)
        out.clear_output(wait=True)
        with out:
            print(message)
            if fig is not None:
                display(fig)
                plt.close(fig)  # shown once, in the output area

    box.observe(redraw, names="value")
    redraw()
    return widgets.VBox([box, out])
