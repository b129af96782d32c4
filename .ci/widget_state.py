"""The widget state a notebook saves, read without Jupyter: used by execute.py and the tests.

A widget output in a notebook is only a reference, {"model_id": ...} under the mimetype
"application/vnd.jupyter.widget-view+json"; the widget itself (its controls, and for an
interactive explorer the Output widget holding the figure it last drew) lives in the notebook's
metadata, under "application/vnd.jupyter.widget-state+json".
"""
import json
import re

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


def saved_models(nb):
    """model id -> saved model ({"model_name": ..., "state": ...}); empty if nothing was saved."""
    return nb["metadata"].get("widgets", {}).get(STATE, {}).get("state", {})


def widget_views(nb):
    """Every widget output of the notebook: (cell, output), in order."""
    return [(cell, out) for cell in nb["cells"] if cell["cell_type"] == "code"
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


def last_outputs(models, model_id):
    """What the Output widgets inside a widget showed last (an explorer's figure and text)."""
    return [out for m in sorted(referenced(models, model_id))
            if models.get(m, {}).get("model_name") == "OutputModel"
            for out in models[m]["state"].get("outputs", [])]
