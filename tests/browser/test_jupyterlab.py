"""Every notebook as a learner sees it: JupyterLab in headless Chromium, Run > Restart Kernel and Run All.

For each notebook (one test each) the test opens it in JupyterLab, restarts the kernel and runs
every cell from the Run menu, waits until every cell has run, and checks what the page shows:

- every code cell ran (it has an execution count), and no output is a traceback or other stderr;
- every figure was drawn: each cell whose committed output has a PNG shows at least as many
  images, each one decoded (natural width above 0);
- every widget was drawn: each committed widget output (an explorer, a progress bar) is a live
  ipywidgets view in the page, not its text repr ("VBox(children=...") nor "Loading widget..." /
  "Error displaying widget";
- every control of every widget answers: a slider step (arrow key on the focused handle), another
  dropdown option, or a line typed into a text box each changes what the widget shows, with no
  error, and the widget still draws its figure (INTERACTIONS below lists the moves).

On a failure the page is saved (screenshots, console log, server log) to BROWSER_ARTIFACTS
(default tests/browser/artifacts/) and the assertion message says where. See README.md here.
"""
import json
import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

pytestmark = pytest.mark.browser

# One notebook takes 15-75 s under nbval on one core, and about 1.5 times that here, where JupyterLab
# and Chromium share the machine's two cores; CI may run another leg beside this one.
RUN_TIMEOUT = float(os.environ.get("BROWSER_RUN_TIMEOUT", 600))  # s, for Run All of one notebook
STEP_TIMEOUT = 120  # s, for the page to load, or a widget to redraw after one move
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CONTROLS = "input, select, textarea, button, .noUi-handle"  # what a learner can move in a widget
# A console error that is no fault of the notebooks: each notebook's Colab and Binder badges are
# images from the web, which a machine without a network (CI) cannot load.
OFFLINE = re.compile(r"^\[error\] Failed to load resource: net::\S+ <https?://(?!127\.0\.0\.1[:/])")


# ------------------------------------------------------------------ what to do with each widget

@dataclass(frozen=True)
class Move:
    """One interaction with the control whose description is `label`. Afterwards the widget must show
    something else, no error, and as many figures as it showed at first (unless figure=False); and,
    if `says` is given, text that contains it."""
    label: str
    says: str = ""
    figure: bool = True


@dataclass(frozen=True)
class Slider(Move):
    """Press one arrow key on the focused slider handle (right; left at the maximum)."""


@dataclass(frozen=True)
class Dropdown(Move):
    """Choose the option after the current one (the first after the last)."""


@dataclass(frozen=True)
class Text(Move):
    """Replace the text box's contents with `value` and press Enter."""
    value: str = ""


# notebook -> its widgets that have controls, in the notebook's order, each as the list of moves the
# test makes, in order; every control is moved at least once. A notebook that gains such a widget, or a
# widget that gains a control, fails until this table covers it. Widgets without controls (the
# training cells' progress bars) only have to be drawn.
INTERACTIONS = {
    "01-why-sequences": [  # sentence_explorer: a model menu and a sentence box
        [Text("sentence", value="the film was not bad"),
         # the tagger knows none of the review's words but "the", and says so instead of drawing
         Dropdown("model", says="This model has never seen", figure=False),
         Text("sentence", value="emma lives in paris")]],
    "04-vanishing-exploding-gradients": [  # the gradient explorer
        [Slider("scale"), Slider("seq_len"), Dropdown("activation"), Dropdown("kind"), Slider("seed")]],
    "05-lstm-intuition": [  # the gates of one trained LSTM on one held-out example
        [Dropdown("gap"), Slider("example")]],
    "06-character-language-model": [  # text generated from a prompt
        [Text("prompt", value="The "), Slider("temperature"), Slider("top_k"), Slider("seed")]],
    "07-attention": [  # alignment_explorer
        [Text("input", value="abcabcd", says="abcabcd -> ")]],
}


# ------------------------------------------------------------------ helpers that run in the page

# Installed in every page before JupyterLab loads. window.jupyterapp (--LabApp.expose_app_in_browser)
# gives the notebook's model, for what the page does not show: the execution count of a cell whose
# source is collapsed (the reference solutions), and whether a cell is still queued or running.
PAGE_HELPERS = r"""
window.__labTest = {
  panel() {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    return panel && panel.content && panel.content.model && panel.sessionContext ? panel : null;
  },
  // The notebook's kernel is up and idle: what the status bar shows as "Python 3 (ipykernel) | Idle".
  // It follows the kernel's busy/idle messages, for cells run and for widget updates alike.
  kernelIdle() {
    const panel = this.panel();
    return !!panel && panel.sessionContext.kernelDisplayStatus === 'idle';
  },
  codeCells() {
    return this.panel().content.widgets.filter(cell => cell.model.type === 'code');
  },
  running(cell) {
    const prompt = cell.node.querySelector('.jp-InputPrompt');
    return cell.model.executionState === 'running' || (!!prompt && prompt.textContent.includes('*'));
  },
  // Run All has started: a cell is queued or running, or has an execution count (the copy that the
  // server serves has none, so a count comes from this run).
  runStarted() {
    return this.codeCells().some(cell => this.running(cell) || cell.model.executionCount !== null);
  },
  // Run All has finished: the kernel is idle, no cell is queued or running, and a cell has an execution
  // count. A cell that raised stops Run All: the cells after it are left without a count.
  runFinished() {
    const cells = this.codeCells();
    return this.kernelIdle() && !cells.some(cell => this.running(cell))
           && cells.some(cell => cell.model.executionCount !== null);
  },
  // The first cell still queued or running, for a message.
  runningCell() {
    const cells = this.panel().content.widgets, index = cells.findIndex(cell => this.running(cell));
    return index < 0 ? null : `${index} (${cells[index].model.sharedModel.getSource().split('\n')[0]})`;
  },
  imagesLoaded() {  // also true for a broken image: the check is naturalWidth
    return [...document.querySelectorAll('.jp-Notebook img')].every(img => img.complete);
  },
  // What the page shows for each cell of the notebook, in the notebook's order.
  cells() {
    const text = el => (el.textContent || '').trim();
    return this.panel().content.widgets.map((cell, index) => {
      const top = [...cell.node.querySelectorAll(
        ':scope .jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output')];
      return {
        index, type: cell.model.type, count: cell.model.type === 'code' ? cell.model.executionCount : null,
        source: cell.model.sharedModel.getSource().split('\n')[0].slice(0, 80),
        // JupyterLab renders tracebacks as application/vnd.jupyter.stderr too; widget outputs included
        stderr: [...cell.node.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')].map(text),
        images: top.filter(o => o.getAttribute('data-mime-type') === 'image/png')
                   .map(o => { const img = o.querySelector('img'); return img ? img.naturalWidth : 0; }),
        widgets: top.filter(o => o.querySelector(':scope > .jupyter-widgets')).length,
        // a widget output that is no live view: the widget manager's placeholders, or the text repr
        notWidgets: top.map(text).filter(t => /^(Loading widget|Error displaying widget|Error rendering widget)/.test(t)
                                           || /^[A-Za-z]*\((children|value)=/.test(t)),
      };
    });
  },
  // What a widget shows: the text and images of its output areas (images by a hash of their data).
  shows(view) {
    const hash = s => { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; return h; };
    const outputs = [...view.querySelectorAll('.widget-output')];
    return {
      text: outputs.map(o => o.textContent).join('\n'),
      images: outputs.flatMap(o => [...o.querySelectorAll('img')]).map(img => ({
        src: img.src.length + ':' + hash(img.src), width: img.naturalWidth })),
      stderr: [...view.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')].map(e => e.textContent),
    };
  },
  remember(view) { this.remembered = JSON.stringify(this.shows(view)); },  // to tell when it changes
  changed(view) { return JSON.stringify(this.shows(view)) !== this.remembered; },
};
"""


def wait_until(page, condition, failure, timeout=STEP_TIMEOUT, arg=None):
    """Wait for the page helper expression `condition` to hold; on a timeout, fail saying `failure`
    (a string, or a function of the page that returns one)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"arg => window.__labTest && ({condition})", arg=arg, timeout=timeout * 1000,
                               polling=250)
    except PlaywrightTimeout:
        raise AssertionError(f"after {timeout:.0f} s: {failure(page) if callable(failure) else failure}") from None


def committed_outputs(nb):
    """The committed notebook's code cells: (cell index, PNG outputs, widget outputs) for each.

    A widget output's own PNG is not counted: it is the explorer's last figure, saved beside the
    widget for front ends that draw no widgets (.ci/execute.py); a live view draws it inside.
    """
    return [(index, sum("image/png" in out.get("data", {}) and WIDGET_VIEW not in out["data"]
                        for out in cell["outputs"]),
             sum(WIDGET_VIEW in out.get("data", {}) for out in cell["outputs"]))
            for index, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code"]


def screenshot_notebook(page, path):
    """A picture of every cell. JupyterLab scrolls the notebook inside the page, so a full-page
    screenshot is only the window: scroll to the top and make the window as tall as the notebook."""
    height = page.evaluate("""() => {
        const scroller = document.querySelector('.jp-Notebook .jp-WindowedPanel-outer')
                         || document.querySelector('.jp-Notebook');
        scroller.scrollTop = 0;
        return scroller.scrollHeight + window.innerHeight - scroller.clientHeight; }""")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(height, 30000)})
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(size)


@contextmanager
def artifacts_on_failure(lab_page, jupyter_lab, folder, name):
    """On any failure: save the page (the window as it was, and every cell), the console and the
    server log into folder, and add where they are to the message."""
    try:
        yield
    except Exception as exc:
        page = lab_page.page
        folder.mkdir(parents=True, exist_ok=True)
        saved = []
        try:
            page.screenshot(path=folder / f"{name}.png", full_page=True)
            saved.append(f"{name}.png (the window)")
            screenshot_notebook(page, folder / f"{name}-notebook.png")
            saved.append(f"{name}-notebook.png (every cell)")
        except Exception as screenshot_error:  # the page may be gone: still save the logs
            saved.append(f"no screenshot ({screenshot_error!r:.200})")
        (folder / f"{name}-console.log").write_text("\n".join(lab_page.console) + "\n")
        shutil.copy(jupyter_lab.log, folder / f"{name}-jupyterlab.log")
        saved += [f"{name}-console.log (the browser's console)", f"{name}-jupyterlab.log (the server's)"]
        raise AssertionError(f"{exc}\n\nSaved in {folder}: {', '.join(saved)}") from exc


def check_page(cells, committed):
    """What is wrong in the page after Run All: a list of (cell index, message); empty if nothing.
    Messages number the cells as JupyterLab's status bar does ("Cell 5/40"): from 1, markdown too."""
    code = [cell for cell in cells if cell["type"] == "code"]
    if len(code) != len(committed):
        return [(None, f"the page has {len(code)} code cells, the committed notebook {len(committed)}")]
    problems = []
    not_run = [cell for cell in code if cell["count"] is None]
    if not_run:
        first = not_run[0]
        problems.append((first["index"], f"{len(not_run)} code cells did not run, the first: cell "
                                         f"{first['index'] + 1} ({first['source']!r}); Run All stops at an error"))
    for cell, (index, pngs, widgets) in zip(code, committed):
        assert cell["index"] == index, "the page's cells are not the notebook's"
        where = f"cell {index + 1} ({cell['source']!r})"
        for text in cell["stderr"]:
            problems.append((index, f"{where} shows an error or stderr output:\n{text[-2000:]}"))
        if cell["count"] is None:
            continue  # said above: its figures and widgets are missing because it did not run
        drawn = sum(width > 0 for width in cell["images"])
        if drawn < pngs or drawn < len(cell["images"]):
            problems.append((index, f"{where}: {drawn} figures drawn of {len(cell['images'])} images in the "
                                    f"page, {pngs} in the committed notebook"))
        if cell["widgets"] != widgets or (widgets and cell["notWidgets"]):
            problems.append((index, f"{where}: {cell['widgets']} widgets drawn, {widgets} in the committed "
                                    f"notebook" + "".join(f"; it shows {text[:120]!r} instead"
                                                          for text in cell["notWidgets"])))
    return problems


def interact(page, view, move):
    """Make the move in the widget view (a Locator); return what it did, for messages."""
    from playwright.sync_api import expect

    row = view.locator(".widget-inline-hbox").filter(
        has=page.locator("label.widget-label", has_text=re.compile(rf"^{re.escape(move.label)}$")))
    assert row.count() == 1, f"no control {move.label!r} in the widget (or several)"
    if isinstance(move, Slider):
        handle, readout = row.locator(".noUi-handle"), row.locator(".widget-readout")
        at_max = float(handle.get_attribute("aria-valuenow")) >= float(handle.get_attribute("aria-valuemax"))
        key, before = ("ArrowLeft" if at_max else "ArrowRight"), readout.text_content()
        handle.focus()
        page.keyboard.press(key)
        expect(readout).not_to_have_text(before)
        return f"slider {move.label!r} {before} -> {readout.text_content()}"
    if isinstance(move, Dropdown):
        select = row.locator("select")
        # (ipywidgets writes spaces in the options as no-break spaces)
        options, before = select.evaluate(
            "s => [[...s.options].map(o => o.textContent.replace(/\\u00a0/g, ' ')), s.selectedIndex]")
        after = (before + 1) % len(options)
        select.select_option(index=after)
        return f"dropdown {move.label!r} {options[before]!r} -> {options[after]!r}"
    box = row.locator("input")
    before = box.input_value()
    box.fill(move.value)
    box.press("Enter")  # the boxes have continuous_update=False: they send their value on Enter
    return f"text {move.label!r} {before!r} -> {move.value!r}"


def check_widgets(page, stem, screenshots=None):
    """Make every move of INTERACTIONS[stem] and check what each widget shows after each one.

    screenshots: None, or a path prefix for a picture of each widget before and after its moves.
    Returns the moves made, for the test's summary."""
    table = INTERACTIONS.get(stem, [])
    # The top-level widget views that have controls: not the widgets inside them, nor the progress bars.
    views = page.locator(".jp-Notebook .jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output"
                         " > .jupyter-widgets").filter(has=page.locator(CONTROLS))
    assert views.count() == len(table), (
        f"{views.count()} widgets with controls in the page, {len(table)} in INTERACTIONS[{stem!r}]: "
        f"give each widget its moves in the table in {__name__}.py")
    done = []
    for number, moves in enumerate(table):
        view = views.nth(number)
        labels = view.locator(".widget-inline-hbox > label.widget-label").all_text_contents()
        assert sorted(labels) == sorted({move.label for move in moves}), (
            f"widget {number + 1} has the controls {labels}, INTERACTIONS[{stem!r}][{number}] moves "
            f"{sorted({move.label for move in moves})}: make the table move each control")
        view.scroll_into_view_if_needed()
        if screenshots:
            view.screenshot(path=f"{screenshots}-widget{number}-before.png")
        first = view.evaluate("view => window.__labTest.shows(view)")
        for move in moves:
            view.evaluate("view => window.__labTest.remember(view)")
            did = interact(page, view, move)
            where = f"widget {number + 1} of {len(table)}, after {did}"
            # The kernel redraws the widget: wait until what it shows has changed and the kernel is idle
            # again (every output of the redraw reaches the page before the kernel's idle message).
            wait_until(page, "window.__labTest.changed(arg) && window.__labTest.kernelIdle()"
                             " && window.__labTest.imagesLoaded()",
                       f"{where}: what the widget shows did not change", arg=view.element_handle())
            after = view.evaluate("view => window.__labTest.shows(view)")
            says = f"it says: {after['text'][:300]!r}"
            assert not after["stderr"], f"{where}: it shows an error:\n" + "\n".join(after["stderr"])[-2000:]
            assert all(image["width"] > 0 for image in after["images"]), f"{where}: a figure is not drawn"
            assert not move.figure or len(after["images"]) >= len(first["images"]), (
                f"{where}: it shows {len(after['images'])} figures, at first {len(first['images'])}; {says}")
            assert move.says in after["text"], f"{where}: {move.says!r} expected; {says}"
            done.append(did)
        if screenshots:
            view.screenshot(path=f"{screenshots}-widget{number}-after.png")
    return done


def test_notebook_in_jupyterlab(notebook, jupyter_lab, lab_page, artifacts):
    """`notebook` is parametrized by conftest.py: one test per notebook in notebooks/."""
    committed = committed_outputs(jupyter_lab.committed[notebook.name])
    page = lab_page.page
    page.set_default_timeout(STEP_TIMEOUT * 1000)
    page.context.add_init_script(PAGE_HELPERS)
    with artifacts_on_failure(lab_page, jupyter_lab, artifacts, notebook.stem):
        # A workspace of its own for each notebook: the default one would reopen the notebooks of the
        # tests before (and start their kernels).
        page.goto(f"{jupyter_lab.url}/lab/workspaces/{notebook.stem}/tree/{notebook.name}"
                  f"?token={jupyter_lab.token}")
        # JupyterLab starts a kernel for the notebook it opens: Restart needs it up.
        wait_until(page, "window.__labTest.kernelIdle()", "the notebook's kernel did not start")

        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Restart Kernel and Run All Cells")).click()
        page.locator(".jp-Dialog .jp-mod-accept").click()  # "Restart Kernel?" -> Restart
        wait_until(page, "window.__labTest.runStarted()", "Run All did not start")
        wait_until(page, "window.__labTest.runFinished()", timeout=RUN_TIMEOUT, failure=lambda page:
                   f"Run All did not finish; cell {page.evaluate('window.__labTest.runningCell()')} was "
                   f"still running (BROWSER_RUN_TIMEOUT sets the limit in seconds)")
        wait_until(page, "window.__labTest.imagesLoaded()", "the figures did not load")

        problems = check_page(page.evaluate("window.__labTest.cells()"), committed)
        if problems:
            index = next((index for index, _ in problems if index is not None), None)
            if index is not None:  # the screenshot shows the first problem
                page.locator(".jp-Notebook .jp-Cell").nth(index).scroll_into_view_if_needed()
            raise AssertionError(f"{notebook.name} in JupyterLab:\n- "
                                 + "\n- ".join(message for _, message in problems))

        # BROWSER_SCREENSHOTS=1 keeps pictures (and the console) of a passing run too: what a learner sees.
        keep = os.environ.get("BROWSER_SCREENSHOTS") == "1"
        if keep:
            artifacts.mkdir(parents=True, exist_ok=True)
        moves = check_widgets(page, notebook.stem, keep and artifacts / notebook.stem)
        if keep:
            screenshot_notebook(page, artifacts / f"{notebook.stem}-notebook.png")
            (artifacts / f"{notebook.stem}-console.log").write_text("\n".join(lab_page.console) + "\n")

        # A widget that fails in the browser may still look drawn: its errors go to the console.
        errors = [line for line in lab_page.console
                  if line.startswith(("[error]", "[uncaught]")) and not OFFLINE.match(line)]
        assert not errors, "the browser's console has errors:\n" + "\n".join(errors)[-3000:]

    cells = [cell for cell in page.evaluate("window.__labTest.cells()") if cell["type"] == "code"]
    print(f"{notebook.stem}: {len(cells)} code cells ran; {sum(len(c['images']) for c in cells)} figures and "
          f"{sum(c['widgets'] for c in cells)} widgets drawn; widget moves: {'; '.join(moves) or 'none'}")
