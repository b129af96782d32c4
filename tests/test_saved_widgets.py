"""Committed notebooks keep their widgets' state, so a widget shows its last view before anyone runs it.

JupyterLab and nbviewer draw a widget output from the notebook's metadata
("application/vnd.jupyter.widget-state+json"); without it they show the widget's text repr,
"VBox(children=(Dropdown(...". `.ci/execute.py` saves that state; these tests catch a notebook
executed another way (or edited) that lost it.
"""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


def widget_views(nb):
    return [out["data"][VIEW]["model_id"] for cell in nb["cells"] if cell["cell_type"] == "code"
            for out in cell["outputs"] if VIEW in out.get("data", {})]


def referenced(models, model_id, seen=None):
    """model_id and every model its state refers to ("IPY_MODEL_<id>"), recursively."""
    seen = set() if seen is None else seen
    if model_id in seen:
        return seen
    seen.add(model_id)
    if model_id in models:
        for ref in re.findall(r"IPY_MODEL_([0-9a-f]+)", json.dumps(models[model_id]["state"])):
            referenced(models, ref, seen)
    return seen


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_widget_view_has_its_whole_state_saved(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    views = widget_views(nb)
    if not views:
        pytest.skip("no widget in this notebook")
    models = nb["metadata"]["widgets"][STATE]["state"]
    for view in views:
        missing = sorted(referenced(models, view) - set(models))
        assert not missing, f"{path.name}: widget {view} refers to models with no saved state: {missing}"
        outputs = [m for m in referenced(models, view) if models[m]["model_name"] == "OutputModel"]
        # An interactive widget's Output holds what it last showed (a figure, a printed reading);
        # a progress bar has no Output, its state is its text.
        assert not outputs or any(models[m]["state"].get("outputs") for m in outputs), \
            f"{path.name}: widget {view} saved no output: it would show empty before the notebook runs"


def test_the_checks_fail_on_a_notebook_without_state():
    nb = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    views = widget_views(nb)
    assert views, "notebook 01 has a widget (the sentence explorer)"
    models = {}  # what a plain `nbconvert --execute` without widget state leaves
    assert referenced(models, views[0]) - set(models) == {views[0]}
