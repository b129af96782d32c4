"""Execute notebooks in place, each top to bottom in a fresh kernel, without the widget-cell stall.

    python .ci/execute.py notebooks/*.ipynb

It does what `jupyter nbconvert --to notebook --execute --inplace
--ExecutePreprocessor.record_timing=False` does (nbclient, the widget state kept
in the notebook's metadata), with one difference. nbclient waits for a cell's
`execute_reply` with a single asyncio poll of the shell socket that lasts as long
as the cell timeout. A zmq socket tells an event loop about new messages through
an edge-triggered file descriptor, and when a cell floods the client with widget
messages (comm_open, comm_msg on IOPub) that edge is sometimes missed: the reply
is already in the socket, but the poll only looks again when it times out.
Measured here on a notebook that builds one `widgets.interactive`: half of the
plain nbclient runs sat idle until the timeout, and then carried on as if
nothing had happened (jupyter/nbclient#312). Polling in short slices bounds
that wait to a fraction of a second; nothing else changes.

nbval, which the test suite uses, talks to the kernel through jupyter_client's
blocking client (a plain zmq poll, no event loop) and does not stall this way.
"""
import argparse
import sys
import time
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.channels import AsyncZMQSocketChannel
from nbclient import NotebookClient

from widget_state import VIEW, last_outputs, saved_models, widget_views

SLICE = 0.5  # seconds: the longest a missed wake-up can now cost


def patch_channel_poll(slice_seconds=SLICE):
    """Make every async channel's get_msg poll in short slices up to its timeout."""
    original = AsyncZMQSocketChannel.get_msg
    if getattr(original, "sliced", False):
        return

    async def get_msg(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = slice_seconds if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await original(self, min(slice_seconds, left))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    get_msg.sliced = True
    AsyncZMQSocketChannel.get_msg = get_msg


def join_streams(nb):
    """Join each cell's consecutive stdout (or stderr) outputs into one, as a reader expects."""
    for cell in nb.cells:
        joined = []
        for out in cell.get("outputs", []):
            if (joined and out.output_type == "stream" and joined[-1].output_type == "stream"
                    and joined[-1].name == out.name):
                joined[-1].text += out.text
            else:
                joined.append(out)
        if cell.cell_type == "code":
            cell.outputs = joined


STATIC_NOTE = ("[An interactive explorer, shown as it was saved. Run the notebook to move its controls; "
               "in JupyterLab, trusting the notebook draws the widget itself.]")


def add_static_views(nb):
    """Put each explorer's last figure and text beside the widget, for front ends that draw no widgets.

    GitHub, Colab before the notebook runs, and JupyterLab with a notebook not yet trusted (any
    fresh clone) cannot draw a widget from the saved state: they show the output's text/plain,
    which for a widget is its repr, "interactive(children=(Text(...". The saved state holds what
    the explorer's Output widget showed last; this copies its figure into the same output as
    image/png and replaces the repr with a note and the printed text. A front end that can draw
    the widget prefers it; the others show the picture or the text. Progress bars have no Output
    widget: their text is already how the run ended (rnn_helpers/progress.py).
    """
    models = saved_models(nb)
    for _, out in widget_views(nb):
        shown = last_outputs(models, out["data"][VIEW]["model_id"])
        if not shown:
            continue
        pngs = [o["data"]["image/png"] for o in shown if "image/png" in o.get("data", {})]
        if pngs:
            out["data"]["image/png"] = pngs[-1]
        text = "".join(o.get("text", "") for o in shown if o.get("output_type") == "stream").strip()
        out["data"]["text/plain"] = STATIC_NOTE + ("\n" + text if text else "")


def execute(path, timeout):
    """Run one notebook top to bottom in a fresh kernel and write it back with its outputs."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute()
    join_streams(nb)
    add_static_views(nb)
    nbformat.write(nb, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=120,
                        help="seconds a cell may run before it fails (default 120)")
    args = parser.parse_args(argv)
    patch_channel_poll()
    for path in args.notebooks:
        start = time.monotonic()
        execute(path, args.timeout)
        print(f"{path}: executed in {time.monotonic() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
