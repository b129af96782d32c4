"""Fixtures for the browser tests: one JupyterLab server and one headless Chromium for the session.

Nothing here imports playwright at module level: the default `python -m pytest` collects this
folder (and deselects its tests with `-m "not browser"`) on machines without it.
"""
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

# The notebooks to test: the course's, or (to try the test itself on broken copies) BROWSER_NOTEBOOKS.
NOTEBOOK_DIR = Path(os.environ.get("BROWSER_NOTEBOOKS") or Path(__file__).resolve().parents[2] / "notebooks")
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CHROMIUM = "/usr/bin/chromium"  # Debian's build: Playwright cannot download its own browser here
INSTALL_HINT = ("install them with `apt-get install -y chromium` and `python -m pip install playwright` "
                "(never `playwright install`: the tests use Debian's /usr/bin/chromium)")
SERVER_START_TIMEOUT = 120  # s; JupyterLab answers in about 10 s on two busy cores


def pytest_generate_tests(metafunc):
    """One test per notebook: the `notebook` argument is the path of one of them."""
    if "notebook" in metafunc.fixturenames:
        metafunc.parametrize("notebook", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives JupyterLab in headless Chromium (slow; needs chromium and playwright; "
                   "run with `python -m pytest -m browser tests/browser`)")


@pytest.fixture(scope="session")
def sync_playwright():
    """Playwright's sync API, or a skip (a failure under BROWSER_TESTS_REQUIRED=1) if a tool is missing."""
    missing = []
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing.append("the playwright Python package")
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(CHROMIUM)
    if missing:
        reason = f"browser tests need {' and '.join(missing)}: {INSTALL_HINT}"
        if os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
            pytest.fail(f"BROWSER_TESTS_REQUIRED=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return sync_playwright


@pytest.fixture(scope="session")
def browser(sync_playwright):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stripped_copy(src, dst):
    """Copy a notebook without its outputs and execution counts; return the notebook as it was.

    Every figure, widget and number the test later finds in the browser then comes from this
    run, and "every cell has an execution count" means that every cell ran in it. The test compares
    the page with the returned notebook, read once with the copy, not with the file later on.
    """
    committed = json.loads(src.read_text(encoding="utf-8"))
    stripped = json.loads(json.dumps(committed))
    for cell in stripped["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    dst.write_text(json.dumps(stripped, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return committed


# JupyterLab settings for the test, written to a user settings folder of its own (so a developer's
# settings cannot change what the test sees). Anything that would pop up over the notebook is off:
NO_POPUPS = {
    # the "Would you like to receive official Jupyter news?" toast, and the update check
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


class Lab:
    """A running JupyterLab: its URL, token, root folder and log file, the committed notebooks it
    serves stripped copies of (name -> notebook JSON), and a small REST client."""

    def __init__(self, url, token, root, log, committed):
        self.url, self.token, self.root, self.log, self.committed = url, token, root, log, committed

    def api(self, method, path):
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self):
        """End every session and its kernel, so that kernels do not pile up from test to test."""
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")

    def log_tail(self, lines=40):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
def jupyter_lab(sync_playwright, tmp_path_factory):
    """JupyterLab serving a stripped copy of notebooks/, stopped (its whole process group) at the end."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "notebooks"
    root.mkdir()
    committed = {notebook.name: _stripped_copy(notebook, root / notebook.name)
                 for notebook in NOTEBOOKS}
    settings = base / "user-settings"
    for name, values in NO_POPUPS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))

    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ,
               JUPYTER_TOKEN=token,  # read by jupyter_server 1 and 2 alike, and kept off the command line
               # Jupyter's config, data (kernel specs, the notebook trust database) and runtime folders, and
               # IPython's profile, all fresh: nothing from the developer's home changes the run.
               JUPYTER_CONFIG_DIR=str(base / "config"), JUPYTER_DATA_DIR=str(base / "data"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"), IPYTHONDIR=str(base / "ipython"))
    env.pop("MPLBACKEND", None)  # a CI's MPLBACKEND=Agg would keep the kernel from drawing inline figures
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        "--allow-root",  # CI runs as root
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",  # no news feed fetched (there is no network either)
        "--LabApp.extension_manager=readonly",  # the extension manager never asks PyPI
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={base / 'workspaces'}",
        # window.jupyterapp, which the test reads for the cells' execution counts and states: a cell
        # whose source is collapsed (the notebooks' reference solutions) shows no prompt in the page.
        "--LabApp.expose_app_in_browser=True",
    ]
    log = base / "jupyterlab.log"
    with open(log, "wb") as log_file:
        # A process group of its own, so that the server and its kernels all get the signal at the end.
        process = subprocess.Popen(command, cwd=base, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    lab = Lab(f"http://127.0.0.1:{port}", token, root, log, committed)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with {process.returncode}:\n{lab.log_tail()}", pytrace=False)
            try:
                lab.api("GET", "status")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n"
                                f"{lab.log_tail()}", pytrace=False)
                time.sleep(0.25)  # polling the port: there is nothing to wait on instead
        yield lab
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
            process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        # A kernel that outlived the server would still be in the group: make sure it is gone.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class LabPage:
    """One browser page (in a fresh context) and everything its console said."""

    def __init__(self, page):
        self.page, self.console = page, []
        page.on("console", self._log)
        page.on("pageerror", lambda e: self.console.append(f"[uncaught] {e}"))

    def _log(self, message):
        # An error's location names the resource that failed to load: say which.
        where = message.location.get("url") if message.type == "error" else None
        self.console.append(f"[{message.type}] {message.text}" + (f" <{where}>" if where else ""))


@pytest.fixture(scope="session")
def artifacts():
    """Where a failing test leaves screenshots and logs: BROWSER_ARTIFACTS, default tests/browser/artifacts/
    (made only when something fails)."""
    return Path(os.environ.get("BROWSER_ARTIFACTS") or Path(__file__).parent / "artifacts").resolve()


@pytest.fixture
def lab_page(browser, jupyter_lab):
    """A page for one notebook; afterwards the page is closed and the notebook's kernel shut down."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        yield LabPage(context.new_page())
    finally:
        context.close()
        jupyter_lab.shut_down_kernels()
