"""How long the course takes: every notebook run top to bottom in a fresh kernel, one after another.

    python benchmarks/course_time.py                        # all notebooks, and the slowest cells
    python benchmarks/course_time.py notebooks/07-attention.ipynb --cells 10

Each notebook runs on a copy in memory (nothing is written), in its own kernel
started for it, as a learner's Restart Kernel and Run All Cells would, through
nbclient with .ci/execute.py's short polls (plain nbclient can sit idle after a
widget cell until the cell timeout). The time
of a notebook includes starting its kernel; the time of a cell is the kernel's
(busy until its reply). Prints one line per notebook, the total, and the
slowest cells of all.
"""
import argparse
import glob
import os
import sys
import time
from datetime import datetime

import nbformat
from nbclient import NotebookClient

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, ".ci"))
from execute import patch_channel_poll  # noqa: E402  (nbclient without its widget-cell stall)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("notebooks", nargs="*", help="default: every notebook in notebooks/")
    p.add_argument("--cells", type=int, default=15, help="how many of the slowest cells to list")
    p.add_argument("--timeout", type=int, default=600, help="seconds a cell may take")
    return p.parse_args()


def cell_seconds(cell):
    """The kernel's time on one executed code cell, from nbclient's timing metadata."""
    timing = cell.metadata.get("execution", {})
    busy, reply = timing.get("iopub.status.busy"), timing.get("shell.execute_reply")
    if busy is None or reply is None:
        return 0.0
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (parse(reply) - parse(busy)).total_seconds()


def run(path, timeout):
    """Seconds for the whole notebook, and (seconds, index, first line) of each code cell."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    start = time.perf_counter()
    client.execute()
    total = time.perf_counter() - start
    cells = [(cell_seconds(c), i, c.source.strip().splitlines()[0] if c.source.strip() else "")
             for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    return total, cells


def main():
    args = parse_args()
    paths = args.notebooks or sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))
    patch_channel_poll()  # a stalled widget cell would add up to the whole timeout to its notebook
    slow, total = [], 0.0
    for path in paths:
        seconds, cells = run(path, args.timeout)
        total += seconds
        training = sum(s for s, _, _ in cells)
        print(f"{os.path.basename(path):45s} {seconds:6.1f} s  (cells {training:5.1f} s)", flush=True)
        slow += [(s, os.path.basename(path)[:2], i, line) for s, i, line in cells]
    print(f"{'all ' + str(len(paths)) + ' notebooks':45s} {total:6.1f} s")
    print(f"\nthe {args.cells} slowest cells:")
    for s, nb, i, line in sorted(slow, reverse=True)[:args.cells]:
        print(f"  {s:6.1f} s  {nb} cell {i:3d}  {line[:70]}")


if __name__ == "__main__":
    main()
