"""The repository URL is written once (pyproject.toml) and stamped everywhere else (.ci/stamp_url.py)."""
import copy
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("stamp_url", ROOT / ".ci" / "stamp_url.py")
stamp_url = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stamp_url)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
URL = stamp_url.repository_url((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_everything_is_stamped_from_pyproject():
    assert stamp_url.main(["--check"]) == 0, "run `python .ci/stamp_url.py` and commit the result"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_notebook_opens_with_badges_then_the_colab_setup(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert cells[0]["id"] == "badges" and cells[0]["cell_type"] == "markdown"
    text = "".join(cells[0]["source"])
    owner_name = URL.removeprefix("https://github.com/")
    assert f"colab.research.google.com/github/{owner_name}/blob/main/notebooks/{path.name}" in text
    assert f"mybinder.org/v2/gh/{owner_name}/main?urlpath=lab/tree/notebooks/{path.name}" in text
    first_code = next(c for c in cells if c["cell_type"] == "code")
    assert first_code["id"] == "colab-setup"
    assert f"rnn-helpers @ git+{URL}" in "".join(first_code["source"])
    # Outside Colab the set-up cell prints nothing: the committed notebooks ran outside Colab.
    assert first_code["outputs"] == []


def test_readme_badges_and_install_command_use_the_url():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    owner_name = URL.removeprefix("https://github.com/")
    assert re.search(rf"<!-- badges -->.*colab\.research\.google\.com/github/{owner_name}/.*<!-- /badges -->",
                     text, re.S)
    assert f'`%pip install "rnn-helpers @ git+{URL}"`' in text


def test_a_changed_url_reaches_every_stamped_place():
    nb = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    assert stamp_url.stamp_notebook(nb, "notebooks/x.ipynb", "https://github.com/someone/fork") is True
    text = stamp_url.dumps(nb)
    assert "someone/fork" in text and URL not in text
    readme = stamp_url.stamp_readme((ROOT / "README.md").read_text(encoding="utf-8"),
                                    "https://github.com/someone/fork")
    assert "someone/fork" in readme and URL not in readme


def test_stamping_twice_changes_nothing_and_keeps_cell_order():
    nb = json.loads(NOTEBOOKS[1].read_text(encoding="utf-8"))
    before = copy.deepcopy(nb)
    assert stamp_url.stamp_notebook(nb, f"notebooks/{NOTEBOOKS[1].name}", URL) is False
    assert nb == before


def test_an_unstamped_notebook_gets_both_cells_in_place():
    nb = {"cells": [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": ["# Title"]},
                    {"cell_type": "code", "id": "c", "metadata": {}, "source": ["import numpy"],
                     "execution_count": 1, "outputs": []}]}
    assert stamp_url.stamp_notebook(nb, "notebooks/x.ipynb", URL, spec="rnn-helpers @ git+file:///tmp/clone")
    assert [c["id"] for c in nb["cells"]] == ["badges", "t", "colab-setup", "c"]
    assert "git+file:///tmp/clone" in "".join(nb["cells"][2]["source"])


def test_the_setup_cell_does_nothing_off_colab():
    namespace = {}
    source = stamp_url.setup_source("rnn-helpers @ git+https://github.com/x/y")
    exec(compile(source, "setup", "exec"), namespace)  # google.colab is not installed here
    assert namespace["on_colab"] is False


@pytest.mark.parametrize("bad", ["", 'Repository = "https://gitlab.com/a/b"', 'Homepage = "https://github.com/a/b"'])
def test_a_missing_or_non_github_url_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="Repository|project.urls"):
        stamp_url.repository_url(f"[project]\nname = 'x'\n\n[project.urls]\n{bad}\n")


def test_a_readme_without_markers_is_a_clear_error():
    with pytest.raises(ValueError, match="<!-- badges -->"):
        stamp_url.stamp_readme("# no markers here\n", URL)
