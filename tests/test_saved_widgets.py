"""Committed notebooks keep their widgets' state, and a picture of each explorer for those that draw no widgets.

A trusted notebook in JupyterLab (and nbviewer) draws a widget output from the notebook's metadata
("application/vnd.jupyter.widget-state+json") before the notebook runs. GitHub, Colab before it
runs, and JupyterLab with a notebook not yet trusted (a fresh clone) draw no widget: they show
the output's other mimetypes, so each explorer's output also carries its last figure (image/png)
and a note in place of the widget's repr, "interactive(children=(Text(...". `.ci/execute.py`
saves both; these tests catch a notebook executed another way (or edited) that lost them.
"""
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
_spec = importlib.util.spec_from_file_location("widget_state", ROOT / ".ci" / "widget_state.py")
widget_state = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(widget_state)
VIEW = widget_state.VIEW


def view_ids(nb):
    return [out["data"][VIEW]["model_id"] for _, out in widget_state.widget_views(nb)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_widget_view_has_its_whole_state_saved(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    views = view_ids(nb)
    if not views:
        pytest.skip("no widget in this notebook")
    models = widget_state.saved_models(nb)
    for view in views:
        missing = sorted(widget_state.referenced(models, view) - set(models))
        assert not missing, f"{path.name}: widget {view} refers to models with no saved state: {missing}"
        outputs = [m for m in widget_state.referenced(models, view) if models[m]["model_name"] == "OutputModel"]
        # An interactive widget's Output holds what it last showed (a figure, a printed reading);
        # a progress bar has no Output, its state is its text.
        assert not outputs or widget_state.last_outputs(models, view), \
            f"{path.name}: widget {view} saved no output: it would show empty before the notebook runs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_explorer_also_shows_without_widgets(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    models = widget_state.saved_models(nb)
    explorers = [out for _, out in widget_state.widget_views(nb)
                 if widget_state.last_outputs(models, out["data"][VIEW]["model_id"])]
    if not explorers:
        pytest.skip("no explorer in this notebook")
    for out in explorers:
        shown = widget_state.last_outputs(models, out["data"][VIEW]["model_id"])
        text = out["data"]["text/plain"]
        text = "".join(text) if isinstance(text, list) else text
        assert "children=" not in text, f"{path.name}: an explorer shows its repr where no widget is drawn"
        assert "interactive explorer" in text
        figures = [o["data"]["image/png"] for o in shown if "image/png" in o.get("data", {})]
        if figures:
            assert out["data"].get("image/png") == figures[-1], \
                f"{path.name}: an explorer's output lacks the figure it last drew"


def test_the_checks_fail_on_a_notebook_without_state():
    nb = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    views = view_ids(nb)
    assert views, "notebook 01 has a widget (the sentence explorer)"
    models = {}  # what a plain `nbconvert --execute` without widget state leaves
    assert widget_state.referenced(models, views[0]) - set(models) == {views[0]}
    assert widget_state.last_outputs(models, views[0]) == []
