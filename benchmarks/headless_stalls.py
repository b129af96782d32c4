"""Count stalls in headless notebook runs: the client still waiting after the kernel has finished a cell.

    python benchmarks/headless_stalls.py --runner nbval --runs 20 notebooks/04-*.ipynb
    python benchmarks/headless_stalls.py --runner nbclient --runs 20 --timeout 30 NB.ipynb
    python benchmarks/headless_stalls.py --runner sliced --runs 20 NB.ipynb
    python benchmarks/headless_stalls.py --runner nbclient --cells 3,33 notebooks/04-*.ipynb  # two cells only

Runners:
- nbval: the test suite's way (`python -m pytest NB`, the repo's settings, a cell fails after 120 s).
  A run either passes or fails; a stall would fail it.
- nbclient: what `jupyter nbconvert --execute` does. For each cell, the time the client waited beyond
  the kernel's own execution time (from the reply's `started` stamp to its send time) is the stall.
- sliced: nbclient with .ci/execute.py's short-slice polling of the shell channel.

A cell counts as stalled when the client waited more than --stall seconds longer than the kernel
worked. Prints one line per run and a summary; the numbers are for benchmarks/README.md.

--cells runs a copy of the notebook with only the code cells listed (indices into the notebook's
cells, as nbformat counts them): the setup cell and one widget cell make a run of a few seconds
that still builds the widget, so the runners can be compared over many runs.
"""
import argparse
import datetime
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_nbval(path, timeout):
    """One pytest/nbval run of the notebook: (passed, seconds)."""
    start = time.monotonic()
    rc = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), str(path)], cwd=ROOT, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, timeout=timeout)
    return rc == 0, time.monotonic() - start


def _seconds(stamp):
    if isinstance(stamp, str):
        stamp = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return stamp.timestamp()


def run_nbclient(path, timeout):
    """One nbclient run: (worst extra wait in seconds, index of that cell, total seconds)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    starts, extra = {}, {}

    def on_start(cell, cell_index):
        starts[cell_index] = time.time()

    def on_executed(cell, cell_index, execute_reply):
        kernel = _seconds(execute_reply["header"]["date"]) - _seconds(execute_reply["metadata"]["started"])
        extra[cell_index] = (time.time() - starts[cell_index]) - kernel

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            on_cell_start=on_start, on_cell_executed=on_executed,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.monotonic()
    client.execute()
    worst = max(extra, key=extra.get)
    return extra[worst], worst, time.monotonic() - start


def only_cells(path, indices, folder):
    """A copy of the notebook at path, in folder, keeping only the cells at indices."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    not_code = [i for i in indices if nb.cells[i].cell_type != "code"]
    if not_code:
        sys.exit(f"--cells takes code cells; in {path.name}, cell(s) {not_code} are not code")
    nb.cells = [nb.cells[i] for i in indices]
    out = folder / f"{path.stem}-cells-{'-'.join(map(str, indices))}.ipynb"
    nbformat.write(nb, out)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--runner", choices=["nbval", "nbclient", "sliced"], default="nbval")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--timeout", type=int, default=120, help="cell timeout for nbclient runs")
    parser.add_argument("--stall", type=float, default=5.0,
                        help="seconds of extra client wait that count as a stall")
    parser.add_argument("--cells", help="comma-separated cell indices: run only these cells")
    args = parser.parse_args()
    if args.cells:
        folder = Path(tempfile.mkdtemp(prefix="stalls-"))
        indices = [int(i) for i in args.cells.split(",")]
        args.notebooks = [only_cells(path.resolve(), indices, folder) for path in args.notebooks]
    if args.runner == "sliced":
        sys.path.insert(0, str(ROOT / ".ci"))  # execute.py imports its neighbour widget_state.py
        import execute
        execute.patch_channel_poll()
    for path in args.notebooks:
        path = path.resolve()
        stalls, times = 0, []
        for i in range(1, args.runs + 1):
            if args.runner == "nbval":
                passed, seconds = run_nbval(path, timeout=30 * 60)
                stalled = not passed
                print(f"{path.name} run {i}: {'passed' if passed else 'FAILED'} in {seconds:.1f} s",
                      flush=True)
            else:
                worst, cell, seconds = run_nbclient(path, args.timeout)
                stalled = worst > args.stall
                print(f"{path.name} run {i}: {seconds:.1f} s, longest extra wait {worst:.2f} s "
                      f"(cell {cell}){'  STALL' if stalled else ''}", flush=True)
            stalls += stalled
            times.append(seconds)
        times.sort()
        print(f"== {path.name}, runner {args.runner}: {stalls} stalled of {args.runs}; "
              f"run time median {times[len(times) // 2]:.1f} s, max {times[-1]:.1f} s", flush=True)


if __name__ == "__main__":
    main()
