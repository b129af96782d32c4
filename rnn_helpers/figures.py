"""The course's diagrams, drawn by matplotlib code.

Every figure is one function that takes an optional `ax` and returns the
matplotlib Figure, so a notebook shows it with a single call:

    from rnn_helpers.figures import draw_unrolled_rnn
    draw_unrolled_rnn(T=4);

Run as a script, the module regenerates every course figure into Image/ at
the repository root (or into the directory given as the first argument):

    python -m rnn_helpers.figures [out_dir]

File names start with the number of the notebook the figure belongs to.
"""
import numbers
import sys
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path as BezierPath

IMAGE_DIR = Path(__file__).resolve().parent.parent / "Image"
DPI = 150

# One colour per role, shared by every figure: (fill, edge).
COLORS = {
    "input": ("#d9ead3", "#6aa84f"),
    "hidden": ("#cfe2f3", "#3d85c6"),
    "output": ("#fce5cd", "#e69138"),
}
INK = "#333333"      # arrows and weight labels
MUTED = "#666666"    # captions and side notes


def _new_axes(ax, width, height, xlim, ylim):
    """Return (fig, ax): the given ax, or a fresh figure sized to the drawing."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(width, height))
        fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax.figure, ax


def _box(ax, center, label, kind, width=0.9, height=0.7, fontsize=15, note=None):
    """A rounded box centred at `center`, coloured by kind, with a mathtext label.

    The label's Text artist gets gid=kind, so tests and callers can find it.
    """
    fill, edge = COLORS[kind]
    x, y = center
    patch = FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                           boxstyle="round,pad=0,rounding_size=0.14",
                           facecolor=fill, edgecolor=edge, linewidth=1.6, zorder=2)
    ax.add_patch(patch)
    # With a note (e.g. "tanh") the label moves up to make room beneath it.
    dy = 0.08 if note else 0.0
    ax.text(x, y + dy, label, ha="center", va="center", fontsize=fontsize,
            color=INK, zorder=3, gid=kind)
    if note:
        ax.text(x, y - 0.2, note, ha="center", va="center", fontsize=8,
                color=edge, zorder=3)
    return patch


def _arrow(ax, start, end, patchA=None, patchB=None, label=None, label_at=None,
           linestyle="-"):
    """An arrow from start to end, clipped at the edges of patchA and patchB.

    label is placed at label_at (default: the midpoint of start and end).
    """
    arrow = FancyArrowPatch(start, end, patchA=patchA, patchB=patchB,
                            arrowstyle="-|>", mutation_scale=14, shrinkA=1, shrinkB=1,
                            linestyle=linestyle, color=INK, linewidth=1.4, zorder=1)
    ax.add_patch(arrow)
    if label:
        if label_at is None:
            label_at = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
        ax.text(*label_at, label, ha="center", va="center", fontsize=11,
                color=INK, zorder=3)
    return arrow


def _self_loop(ax, start, end, reach=0.55):
    """A curved arrow leaving a box's right edge at start and re-entering at end."""
    (x0, y0), (x1, y1) = start, end
    # A cubic Bezier bulging `reach` to the right of the box edge.
    curve = BezierPath([start, (x0 + reach, y0 + 0.3), (x1 + reach, y1 - 0.3), end],
                       [BezierPath.MOVETO] + [BezierPath.CURVE4] * 3)
    loop = FancyArrowPatch(path=curve, arrowstyle="-|>", mutation_scale=14,
                           color=INK, linewidth=1.4, zorder=1)
    ax.add_patch(loop)
    return loop


def _check_steps(where, T):
    """Raise ValueError unless T is a positive int (bools are rejected too)."""
    if isinstance(T, bool) or not isinstance(T, numbers.Integral) or T < 1:
        raise ValueError(f"{where}: T must be a positive integer number of time "
                         f"steps, got {T!r}")


# Rows (y) of the unrolled diagrams, and the spacing between time steps (x).
_Y_IN, _Y_H, _Y_OUT = 0.55, 1.95, 3.35
_STEP = 1.75


def _draw_folded_cell(ax, x, many_to_one):
    """The compact RNN: one cell, its input, its output and a self-loop W_h."""
    x_box = _box(ax, (x, _Y_IN), "$x_t$", "input", width=0.7, height=0.5)
    h_box = _box(ax, (x, _Y_H), "$h_t$", "hidden", note="tanh")
    y_label = r"$\hat{y}$" if many_to_one else r"$\hat{y}_t$"
    y_box = _box(ax, (x, _Y_OUT), y_label, "output", width=0.7, height=0.5)
    # Input and readout arrows, weights written beside them.
    _arrow(ax, (x, _Y_IN), (x, _Y_H), x_box, h_box, "$W_x$", (x - 0.3, 1.25))
    _arrow(ax, (x, _Y_H), (x, _Y_OUT), h_box, y_box, "$W_y$", (x - 0.3, 2.65),
           linestyle="--" if many_to_one else "-")
    if many_to_one:
        ax.text(x + 0.45, _Y_OUT, "last step\nonly", ha="left", va="center",
                fontsize=8, color=MUTED, linespacing=1.1)
    # The self-loop: h_t is fed back into the same cell at the next step.
    edge = x + 0.45
    _self_loop(ax, (edge, _Y_H + 0.18), (edge, _Y_H - 0.18))
    ax.text(edge + 0.55, _Y_H, "$W_h$", ha="left", va="center", fontsize=11, color=INK)


def _draw_unrolled_chain(ax, x0, T, many_to_one):
    """h_0 at x0, then T copies of the cell joined by W_h arrows; return last x."""
    # h_0 enters from the left into the first cell.
    ax.text(x0, _Y_H, "$h_0$", ha="center", va="center", fontsize=15, color=INK)
    prev_box, prev_right = None, x0 + 0.25
    for t in range(1, T + 1):
        x = x0 + 1.2 + (t - 1) * _STEP
        # One step: x_t goes up through W_x into the tanh cell h_t.
        x_box = _box(ax, (x, _Y_IN), f"$x_{{{t}}}$", "input", width=0.7, height=0.5)
        h_box = _box(ax, (x, _Y_H), f"$h_{{{t}}}$", "hidden", note="tanh")
        _arrow(ax, (x, _Y_IN), (x, _Y_H), x_box, h_box, "$W_x$", (x - 0.3, 1.25))
        # The previous hidden state comes in from the left through W_h.
        start = prev_right if prev_box is None else x - _STEP
        _arrow(ax, (start, _Y_H), (x, _Y_H), prev_box, h_box, "$W_h$",
               ((prev_right + x - 0.45) / 2, _Y_H + 0.2))
        # Readout at every step, or only at the last one.
        if not many_to_one or t == T:
            label = r"$\hat{y}$" if many_to_one else rf"$\hat{{y}}_{{{t}}}$"
            y_box = _box(ax, (x, _Y_OUT), label, "output", width=0.7, height=0.5)
            _arrow(ax, (x, _Y_H), (x, _Y_OUT), h_box, y_box, "$W_y$", (x - 0.3, 2.65))
        prev_box, prev_right = h_box, x + 0.45
    return x


def draw_unrolled_rnn(T=4, ax=None, many_to_one=True):
    """A vanilla RNN folded (one cell with a loop) and unrolled over T steps.

    Inputs:
    - T: number of time steps to unroll, a positive int
    - ax: matplotlib Axes to draw on; a new figure (about 10 x 3.5 in) if None
    - many_to_one: if True only the last step is read out,
      y_hat = h_T @ Wy + by; if False every step has an output y_hat_t

    Returns:
    - fig: the matplotlib Figure holding the drawing
    """
    _check_steps("draw_unrolled_rnn", T)
    x_fold, x_eq, x_h0 = 0.45, 2.15, 2.85
    right = x_h0 + 1.2 + (T - 1) * _STEP + 0.55
    fig, ax = _new_axes(ax, right * 0.97, 3.5, (-0.1, right), (-0.2, 3.7))
    # Left: the compact cell, then an "=" sign.
    _draw_folded_cell(ax, x_fold, many_to_one)
    ax.text(x_eq, _Y_H, "=", ha="center", va="center", fontsize=26, color=INK)
    # Right: the same cell unrolled over time.
    x_last = _draw_unrolled_chain(ax, x_h0, T, many_to_one)
    # Many-to-one: spell out the single readout beside its output box.
    if many_to_one:
        ax.text(x_last - 0.5, _Y_OUT, rf"$\hat{{y}} = h_{{{T}}} W_y + b_y$",
                ha="right", va="center", fontsize=12, color=INK)
    # Caption: the point of the picture.
    x_mid = min((x_h0 + x_last) / 2, right - 2.0)  # keep it inside for small T
    ax.text(x_mid, 0.0, "the same $W_x$, $W_h$, $b$ at every step", ha="center",
            va="center", fontsize=11, color=MUTED, style="italic")
    return fig


# Every course figure: file name in Image/ -> function that draws it.
FIGURES = {
    "05-unrolled-rnn.png": lambda: draw_unrolled_rnn(),
}


def main(out_dir=None):
    """Draw every figure in FIGURES into out_dir (default Image/); return the paths."""
    import matplotlib
    matplotlib.use("Agg")  # no window: only here, never on import
    out_dir = Path(out_dir) if out_dir is not None else IMAGE_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, draw in FIGURES.items():
        fig = draw()
        path = out_dir / name
        fig.savefig(path, dpi=DPI, bbox_inches="tight", pad_inches=0.1,
                    facecolor="white")
        plt.close(fig)
        print(path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
