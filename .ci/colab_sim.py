"""Open each notebook as a learner does on Colab, and run it top to bottom.

    python .ci/colab_sim.py --python /path/to/colab-venv/bin/python [notebooks...]

PYTHON is the interpreter of a virtual environment with Colab's packages and NOT the course package
(.ci/run, leg d, makes one): the notebooks' kernels run there. This script and nbval run in another
environment, with nbval and a current jupyter_client (Colab's 7.4.9 does not work with today's
pytest on Python 3.13; Colab does not run pytest). For each notebook it:

1. uninstalls `rnn_helpers`, if an earlier notebook installed it;
2. copies the notebook alone into an empty folder, as Colab opens one notebook from GitHub with no
   course folder around it, and points its set-up cell's install at this repository's clone
   (`git+file://...`, what `git+https://github.com/...` is on Colab; pip builds the committed HEAD);
3. runs it with nbval under the course's pytest settings (pyproject.toml), in a kernel of PYTHON
   that can import a stand-in `google.colab` module, so the set-up cell takes its Colab branch;
4. checks that the set-up cell installed the package from the clone, and that Colab's own packages
   (Jupyter's above all, whose upgrade would force a runtime restart) are the versions they were.
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".ci"))
import stamp_url  # noqa: E402  (the same stamping as the committed notebooks)

# Colab's packages that the course uses or that its Jupyter runs on: the set-up cell must leave them.
KEPT = ["numpy", "matplotlib", "ipywidgets", "ipykernel", "jupyter_client", "notebook", "tqdm"]
STAND_IN = '"""A stand-in for Colab\'s module: the course only checks whether it can be imported."""\n'


def query(python, code):
    """Run code in python (Colab's interpreter) and return what it printed."""
    # Not from the repository: its rnn_helpers.egg-info would be found on sys.path[0].
    return subprocess.run([python, "-c", code], check=True, capture_output=True, text=True,
                          cwd=tempfile.gettempdir()).stdout


def versions(python):
    code = (f"from importlib import metadata as m\nfor n in {KEPT + ['rnn-helpers']!r}:\n"
            "    try: print(n, m.version(n))\n    except m.PackageNotFoundError: print(n, None)")
    return dict(line.split(" ", 1) for line in query(python, code).splitlines())


def origin(python):
    """Where pip says rnn_helpers came from: its direct_url.json, as a dict."""
    code = ("from importlib import metadata as m\n"
            "print(m.distribution('rnn-helpers').read_text('direct_url.json') or '{}')")
    return json.loads(query(python, code))


def pytest_ini(kernel):
    """The course's pytest settings (pyproject.toml), with the Colab kernel instead of the current env."""
    import tomllib
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    addopts = options["addopts"].replace("--nbval-current-env", f"--nbval-kernel-name={kernel}")
    filters = "".join(f"\n    {f}" for f in options.get("filterwarnings", []))
    return f"[pytest]\naddopts = {addopts}\nfilterwarnings ={filters}\n"


def run(path, python, source, url, ini, jupyter_path):
    """Run one notebook as on Colab; return a list of what went wrong (empty when all is well)."""
    subprocess.run([python, "-m", "pip", "uninstall", "-q", "-y", "rnn-helpers"], check=True,
                   capture_output=True)
    before = versions(python)
    if before.pop("rnn-helpers") != "None":
        return ["rnn_helpers is still installed after pip uninstall"]
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        nb = json.loads(path.read_text(encoding="utf-8"))
        stamp_url.stamp_notebook(nb, f"notebooks/{path.name}", url, spec=f"rnn-helpers @ {source}")
        copy.write_text(stamp_url.dumps(nb), encoding="utf-8")
        (Path(folder) / "pytest.ini").write_text(ini, encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", copy.name],
                                cwd=folder, env={**os.environ, "JUPYTER_PATH": jupyter_path})
    problems = [] if result.returncode == 0 else [f"nbval failed (exit {result.returncode})"]
    after = versions(python)
    if after.pop("rnn-helpers") == "None":
        return problems + ["the set-up cell did not install rnn_helpers"]
    direct = origin(python)
    if direct.get("url", "").rstrip("/") != source.removeprefix("git+").rstrip("/") or "vcs_info" not in direct:
        problems.append(f"rnn_helpers came from {direct.get('url')!r}, not from {source}")
    problems += [f"{name} changed from {before[name]} to {after[name]}" for name in KEPT
                 if after[name] != before[name]]
    return problems


def main(argv):
    if len(argv) < 2 or argv[0] != "--python":
        raise SystemExit(__doc__.split("\n\n")[1])
    python, paths = argv[1], [Path(p).resolve() for p in argv[2:]]
    paths = paths or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not (ROOT / ".git").exists():
        raise SystemExit(f"{ROOT} is not a git clone: the set-up cell installs from git")
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, check=True).stdout
    if dirty:
        print("note: uncommitted changes are not tested: pip builds the committed HEAD")
    source = f"git+file://{ROOT}"
    url = stamp_url.repository_url((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    ini = pytest_ini("colab")
    found = versions(python)
    print("Colab's packages here:", found)
    failed = {}
    with tempfile.TemporaryDirectory() as jupyter_path:
        # A kernel of Colab's interpreter, which can import the stand-in google.colab (and only it can).
        stand_in = Path(jupyter_path) / "stand-in" / "google" / "colab"
        stand_in.mkdir(parents=True)
        (stand_in / "__init__.py").write_text(STAND_IN)
        spec = Path(jupyter_path) / "kernels" / "colab"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (Colab stand-in)", "language": "python",
            "env": {"PYTHONPATH": str(stand_in.parent.parent)}}))
        for path in paths:
            print(f"--- {path.name}, alone in an empty folder, as on Colab", flush=True)
            problems = run(path, python, source, url, ini, jupyter_path)
            for problem in problems:
                print(f"{path.name}: {problem}")
            if problems:
                failed[path.name] = problems
    print(f"colab simulation: {len(paths) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
