"""Write the course's repository URL everywhere a learner meets it, from the one place it is kept.

    python .ci/stamp_url.py            # stamp the notebooks and the README
    python .ci/stamp_url.py --check    # change nothing; exit 1 and name what is out of date

The URL is `Repository` under `[project.urls]` in pyproject.toml. From it this script writes:

- in every notebook, a first cell with the "Open in Colab" and "Launch Binder" badges for that
  notebook, and a first code cell that, on Colab only and only when `rnn_helpers` is missing,
  installs the course package from the repository (see `setup_source`);
- in README.md, the badges between `<!-- badges -->` and `<!-- /badges -->`, and the install
  command between `<!-- colab-install -->` and `<!-- /colab-install -->`.

Change the URL in pyproject.toml, run this, commit: tests/test_stamp_url.py fails while anything
disagrees with pyproject. `.ci/colab_sim.py` uses `stamp_notebook` with another install source
(a local clone) to run a notebook as Colab would.
"""
import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BRANCH = "main"  # the branch that badges open
BADGES_ID = "badges"      # the cell ids that mark the two stamped cells of a notebook
SETUP_ID = "colab-setup"


def repository_url(pyproject_text):
    """The `Repository` URL in pyproject.toml's [project.urls], checked to be a GitHub repository's."""
    section = re.search(r"^\[project\.urls\]\s*$(.*?)(?=^\[|\Z)", pyproject_text, re.M | re.S)
    if section is None:
        raise ValueError("pyproject.toml has no [project.urls] section")
    found = re.search(r'^Repository\s*=\s*"([^"]*)"', section.group(1), re.M)
    if found is None:
        raise ValueError('pyproject.toml: [project.urls] has no Repository = "https://github.com/OWNER/NAME"')
    url = found.group(1).rstrip("/")
    owner_name(url)
    return url


def owner_name(url):
    """(OWNER, NAME) of https://github.com/OWNER/NAME; Colab and Binder open GitHub repositories."""
    parts = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+)", url)
    if parts is None:
        raise ValueError(f"Repository URL must look like https://github.com/OWNER/NAME "
                         f"(Colab and Binder open GitHub repositories), got {url!r}")
    return parts.group(1), parts.group(2)


def install_spec(url):
    """What pip installs on Colab: the course package, straight from the repository."""
    return f"rnn-helpers @ git+{url}"


def badges(owner, name, path):
    """Markdown for the Colab and Binder badges that open `path` (relative to the repository root)."""
    colab = f"https://colab.research.google.com/github/{owner}/{name}/blob/{BRANCH}/{path}"
    binder = f"https://mybinder.org/v2/gh/{owner}/{name}/{BRANCH}?urlpath=lab/tree/{path}"
    return (f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab})\n"
            f"[![Launch Binder](https://mybinder.org/badge_logo.svg)]({binder})")


def setup_source(spec):
    """The first code cell of every notebook. It installs the package only where nothing else does."""
    return f'''\
# Set-up for Colab. There the course package is missing, so this cell installs it from the course's
# repository. Colab already has numpy, matplotlib and ipywidgets, and pip leaves them and Colab's
# Jupyter packages as they are. Elsewhere (your computer, Binder) this cell does nothing.
import importlib.util, subprocess, sys
try:
    import google.colab  # only Colab has this module
    on_colab = True
except ImportError:
    on_colab = False
if on_colab and importlib.util.find_spec("rnn_helpers") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", {spec!r}], check=True)
    importlib.invalidate_caches()
    print("installed rnn_helpers from", {spec.split("@", 1)[1].strip()!r})'''


def _cell(cell_type, cell_id, source):
    lines = source.splitlines(keepends=True)
    cell = {"cell_type": cell_type, "id": cell_id, "metadata": {}, "source": lines}
    if cell_type == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def stamp_notebook(nb, path, url, spec=None):
    """Put the badge cell first and the set-up cell before the first other code cell, in place.

    nb is a notebook as loaded by json; path is its path in the repository (for the badges);
    spec is what the set-up cell installs (default: the package from url). Returns True if
    anything changed. A stamped cell keeps its outputs and execution count if its text is unchanged.
    """
    owner, name = owner_name(url)
    wanted = {BADGES_ID: _cell("markdown", BADGES_ID, badges(owner, name, path)),
              SETUP_ID: _cell("code", SETUP_ID, setup_source(spec or install_spec(url)))}
    cells = nb["cells"]
    old = {c.get("id"): c for c in cells if c.get("id") in wanted}
    rest = [c for c in cells if c.get("id") not in wanted]
    for cell_id, cell in old.items():
        if "".join(cell["source"]) == "".join(wanted[cell_id]["source"]):
            wanted[cell_id] = cell
    first_code = next((i for i, c in enumerate(rest) if c["cell_type"] == "code"), len(rest))
    new = [wanted[BADGES_ID]] + rest[:first_code] + [wanted[SETUP_ID]] + rest[first_code:]
    changed = new != cells
    nb["cells"] = new
    return changed


def stamp_readme(text, url):
    """README text with its badges and Colab install command stamped from url."""
    owner, name = owner_name(url)
    blocks = {"badges": badges(owner, name, "notebooks/01-why-sequences.ipynb"),
              "colab-install": f"`%pip install \"{install_spec(url)}\"`"}
    for tag, body in blocks.items():
        pattern = re.compile(rf"(<!-- {tag} -->).*?(<!-- /{tag} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README.md has no <!-- {tag} --> ... <!-- /{tag} --> markers")
        text = pattern.sub(lambda m: m.group(1) + body + m.group(2), text)
    return text


def dumps(nb):
    """A notebook as the course saves it (the layout nbformat and JupyterLab write)."""
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if out of date")
    args = parser.parse_args(argv)
    url = repository_url((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    stale = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        if stamp_notebook(nb, path.relative_to(ROOT).as_posix(), url):
            stale.append(path)
            if not args.check:
                path.write_text(dumps(nb), encoding="utf-8")
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    new = stamp_readme(text, url)
    if new != text:
        stale.append(readme)
        if not args.check:
            readme.write_text(new, encoding="utf-8")
    for path in stale:
        print(("out of date: " if args.check else "stamped: ") + str(path.relative_to(ROOT)))
    if args.check and stale:
        print(f"run `python .ci/stamp_url.py` to write {url} into them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
