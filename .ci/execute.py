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


def execute(path, timeout):
    """Run one notebook top to bottom in a fresh kernel and write it back with its outputs."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute()
    join_streams(nb)
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
