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
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch
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


# ---------------------------------------------------------------- notebook 05: the LSTM cell

# Gate colours for the LSTM diagram: (fill, edge).
GATE_COLORS = {
    "sigmoid": ("#f4cccc", "#cc4125"),   # the three gates: values in (0, 1)
    "tanh": ("#fff2cc", "#bf9000"),      # candidate values in (-1, 1)
    "op": ("#ffffff", INK),              # pointwise x and +
    "cell": ("#f3f3f3", "#999999"),      # the cell's outline
}


def _wire(ax, points, arrow=True, color=INK, lw=1.5):
    """A polyline through points, with an arrow head at the end if arrow."""
    codes = [BezierPath.MOVETO] + [BezierPath.LINETO] * (len(points) - 1)
    patch = FancyArrowPatch(path=BezierPath(points, codes), arrowstyle="-|>" if arrow else "-",
                            mutation_scale=13, color=color, linewidth=lw, zorder=1,
                            shrinkA=0, shrinkB=0)
    ax.add_patch(patch)
    return patch


def _gate(ax, center, symbol, name, kind):
    """A gate box: symbol (sigma or tanh) above the gate's name; text gid = "gate"."""
    fill, edge = GATE_COLORS[kind]
    x, y = center
    ax.add_patch(FancyBboxPatch((x - 0.45, y - 0.38), 0.9, 0.76,
                                boxstyle="round,pad=0,rounding_size=0.12",
                                facecolor=fill, edgecolor=edge, linewidth=1.6, zorder=2))
    ax.text(x, y + 0.1, symbol, ha="center", va="center", fontsize=14, color=INK,
            zorder=3, gid="gate")
    ax.text(x, y - 0.22, name, ha="center", va="center", fontsize=8, color=edge, zorder=3)


def _op(ax, center, symbol, radius=0.24):
    """A pointwise operation: a circle holding x or +; text gid = "op"."""
    fill, edge = GATE_COLORS["op"]
    ax.add_patch(Circle(center, radius, facecolor=fill, edgecolor=edge, linewidth=1.5, zorder=2))
    ax.text(*center, symbol, ha="center", va="center", fontsize=14, color=INK, zorder=3, gid="op")


def draw_lstm_cell(ax=None):
    """One LSTM step: the cell-state line on top, the four gates below.

    c_{t-1} runs along the top, is multiplied by the forget gate f_t and gets
    i_t * g_t added: c_t = f_t * c_{t-1} + i_t * g_t. The gates read h_{t-1}
    and x_t; the output gate picks what of tanh(c_t) becomes h_t = o_t * tanh(c_t).

    Inputs: ax: matplotlib Axes to draw on; a new figure (about 9 x 5 in) if None.
    Returns: fig, the matplotlib Figure.
    """
    fig, ax = _new_axes(ax, 9.0, 5.2, (-1.2, 11.2), (-1.05, 5.9))
    fill, edge = GATE_COLORS["cell"]
    ax.add_patch(FancyBboxPatch((0.6, 0.15), 8.6, 5.0, boxstyle="round,pad=0,rounding_size=0.3",
                                facecolor=fill, edgecolor=edge, linewidth=1.2, zorder=0))
    y_c, y_gate, y_bus, y_h = 4.35, 1.55, 0.7, 2.3
    x_f, x_i, x_g, x_o, x_out = 2.4, 3.85, 5.25, 6.6, 7.9
    x_add = (x_i + x_g) / 2
    # The memory line: c_{t-1} -> x f_t -> + i_t g_t -> c_t.
    _wire(ax, [(-0.5, y_c), (x_f - 0.24, y_c)], arrow=False, lw=2.6)
    _wire(ax, [(x_f + 0.24, y_c), (x_add - 0.24, y_c)], arrow=False, lw=2.6)
    _wire(ax, [(x_add + 0.24, y_c), (10.4, y_c)], lw=2.6)
    _op(ax, (x_f, y_c), r"$\times$")
    _op(ax, (x_add, y_c), "$+$")
    ax.text(-0.6, y_c, "$c_{t-1}$", ha="right", va="center", fontsize=14, color=INK)
    ax.text((x_add + x_out) / 2, y_c + 0.28, "cell state: the memory line", ha="center",
            va="center", fontsize=9, color=MUTED, style="italic")
    ax.text(10.5, y_c, "$c_t$", ha="left", va="center", fontsize=14, color=INK)
    # The bus: h_{t-1} and x_t feed every gate.
    _wire(ax, [(-0.5, y_bus), (x_o, y_bus)], arrow=False)
    _wire(ax, [(1.3, -0.55), (1.3, y_bus)], arrow=False)
    ax.add_patch(Circle((1.3, y_bus), 0.06, color=INK, zorder=2))
    ax.text(-0.6, y_bus, "$h_{t-1}$", ha="right", va="center", fontsize=14, color=INK)
    ax.text(1.3, -0.75, "$x_t$", ha="center", va="top", fontsize=14, color=INK)
    gates = [(x_f, r"$\sigma$", "forget", "sigmoid", "$f_t$"), (x_i, r"$\sigma$", "input", "sigmoid", "$i_t$"),
             (x_g, "tanh", "candidate", "tanh", "$g_t$"), (x_o, r"$\sigma$", "output", "sigmoid", "$o_t$")]
    for x, symbol, name, kind, label in gates:
        _wire(ax, [(x, y_bus), (x, y_gate - 0.38)])
        _gate(ax, (x, y_gate), symbol, name, kind)
    # Forget: f_t scales the old memory.
    _wire(ax, [(x_f, y_gate + 0.38), (x_f, y_c - 0.24)])
    ax.text(x_f + 0.12, 3.0, "$f_t$", ha="left", va="center", fontsize=12, color=INK)
    # Write: i_t * g_t is added to the memory.
    y_mul = 3.25
    _wire(ax, [(x_i, y_gate + 0.38), (x_i, y_mul), (x_add - 0.24, y_mul)])
    _wire(ax, [(x_g, y_gate + 0.38), (x_g, y_mul), (x_add + 0.24, y_mul)])
    _op(ax, (x_add, y_mul), r"$\times$")
    _wire(ax, [(x_add, y_mul + 0.24), (x_add, y_c - 0.24)])
    ax.text(x_i - 0.12, 2.55, "$i_t$", ha="right", va="center", fontsize=12, color=INK)
    ax.text(x_g + 0.12, 2.55, "$g_t$", ha="left", va="center", fontsize=12, color=INK)
    # Read: h_t = o_t * tanh(c_t).
    ax.add_patch(Circle((x_out, y_c), 0.06, color=INK, zorder=2))
    _wire(ax, [(x_out, y_c), (x_out, 3.55)])
    fill_t, edge_t = GATE_COLORS["tanh"]
    ax.add_patch(Ellipse((x_out, 3.3), 0.95, 0.5, facecolor=fill_t, edgecolor=edge_t,
                         linewidth=1.5, zorder=2))
    ax.text(x_out, 3.3, "tanh", ha="center", va="center", fontsize=11, color=INK, zorder=3,
            gid="gate")
    _wire(ax, [(x_out, 3.05), (x_out, y_h + 0.24)])
    _wire(ax, [(x_o, y_gate + 0.38), (x_o, y_h), (x_out - 0.24, y_h)])
    ax.text((x_o + x_out) / 2 - 0.15, y_h + 0.22, "$o_t$", ha="center", va="center", fontsize=12,
            color=INK)
    _op(ax, (x_out, y_h), r"$\times$")
    _wire(ax, [(x_out + 0.24, y_h), (10.4, y_h)])
    ax.text(10.5, y_h, "$h_t$", ha="left", va="center", fontsize=14, color=INK)
    ax.text(10.5, y_h - 0.45, "to the next step\nand the output", ha="left", va="top",
            fontsize=8, color=MUTED, linespacing=1.1)
    # Captions: the two equations the picture draws.
    ax.text(5.0, 5.55, r"$c_t = f_t \odot c_{t-1} + i_t \odot g_t$        "
            r"$h_t = o_t \odot \tanh(c_t)$", ha="center", va="center", fontsize=13, color=INK)
    ax.text(5.6, -0.6, r"every gate reads $[h_{t-1}, x_t]$:  $\sigma$ gates give values in (0, 1), "
            "tanh in (-1, 1)", ha="center", va="center", fontsize=9, color=MUTED, style="italic")
    return fig


# ---------------------------------------------------------------- notebook 02: input/output mappings

# The five mappings: name, example, and the steps that have an input and an
# output (every step has a hidden state). Encoder-decoder: steps 0-2 read,
# steps 3-6 write, so the lengths differ; "context" is the first decoder step,
# which starts from the encoder's last state and reads a <start> token
# ("start"). "feedback": each output is read back at the next step.
IO_MAPPINGS = (
    ("one-to-one", "image vector \u2192 class\n(no sequence: a\nfeed-forward network)",
     {"inputs": [0], "outputs": [0], "steps": 1}),
    ("one-to-many", "image vector \u2192 caption\n\"two red stars\"",
     {"inputs": [0], "outputs": [0, 1, 2], "steps": 3, "feedback": True}),
    ("many-to-one", "review \u2192 sentiment;\nvideo \u2192 one label",
     {"inputs": [0, 1, 2], "outputs": [2], "steps": 3}),
    ("many-to-many, aligned", "word \u2192 tag, every word;\nframe \u2192 label, every frame",
     {"inputs": [0, 1, 2], "outputs": [0, 1, 2], "steps": 3}),
    ("encoder-decoder", "many-to-many, lengths differ: \"26 november 2026\" \u2192 \"2026-11-26\"\n"
     "(3 words in, 10 characters out; drawn here with 3 in, 4 out)",
     {"inputs": [0, 1, 2], "outputs": [3, 4, 5, 6], "steps": 7, "feedback": True, "context": 3,
      "start": True}),
)
_IO_ROWS = ((0, 1, 2), (3, 4))  # which mappings share a row of the figure
_IO_COL = 0.95  # horizontal distance between time steps
_IO_GAP = 0.95  # space between panels
_IO_CONTEXT_GAP = 0.75  # extra space between encoder and decoder
_IO_ROW_PITCH = 3.9  # vertical distance between the two rows
_IO_FONT = {"box": 12, "title": 12.5, "caption": 10.5, "part": 10.5, "start": 10}
_IO_BELOW = 0.45  # extra room under a panel with a <start> box, for the "decoder" bracket


def _io_step_xs(x0, spec):
    """x of every time step of a panel starting at x0, and the panel's padding."""
    steps = spec["steps"]
    # A one-step panel is as wide as two steps and a half, for its caption.
    pad = 0.35 + (0.75 * _IO_COL if steps == 1 else 0.0)
    gap = [_IO_CONTEXT_GAP if k >= spec.get("context", steps) else 0.0 for k in range(steps)]
    return [x0 + pad + k * _IO_COL + gap[k] for k in range(steps)], pad


def _io_panel_width(spec):
    xs, pad = _io_step_xs(0.0, spec)
    return xs[-1] + pad


def _draw_io_panel(ax, x0, y0, name, example, spec):
    """One mapping at (x0, y0): inputs (bottom), hidden states (middle), outputs (top).

    Returns the x coordinate where the panel ends.
    """
    y_in, y_h, y_out = y0 + 0.5, y0 + 1.4, y0 + 2.3
    xs, pad = _io_step_xs(x0, spec)
    fs, ctx = _IO_FONT["box"], spec.get("context")
    hs = []
    for k, x in enumerate(xs):
        h = _box(ax, (x, y_h), "$h$", "hidden", width=0.6, height=0.5, fontsize=fs)
        if k in spec["inputs"]:
            b = _box(ax, (x, y_in), "$x$", "input", width=0.6, height=0.5, fontsize=fs)
            _arrow(ax, (x, y_in), (x, y_h), b, h)
        elif k == ctx and spec.get("start"):
            # The decoder's first input: a <start> token, since no word is written yet.
            b = _box(ax, (x, y_in), "<start>", "input", width=0.8, height=0.5,
                     fontsize=_IO_FONT["start"])
            _arrow(ax, (x, y_in), (x, y_h), b, h)
        if k in spec["outputs"]:
            b = _box(ax, (x, y_out), "$y$", "output", width=0.6, height=0.5, fontsize=fs)
            _arrow(ax, (x, y_h), (x, y_out), h, b)
        if hs and k == ctx:
            # Encoder -> decoder: the context vector, drawn thick.
            arrow = _arrow(ax, (xs[k - 1], y_h), (x, y_h), hs[-1], h)
            arrow.set_linewidth(3.0)
            arrow.set_mutation_scale(20)
            arrow.set_gid("context")
            ax.text((xs[k - 1] + x) / 2, y_h + 0.22, "context", ha="center", va="bottom",
                    fontsize=_IO_FONT["part"], color=INK, fontweight="bold")
        elif hs:
            _arrow(ax, (xs[k - 1], y_h), (x, y_h), hs[-1], h)  # the state, to the next step
        if spec.get("feedback") and k - 1 in spec["outputs"]:
            # A decoder reads back the token it wrote at the step before (dotted).
            _arrow(ax, (xs[k - 1] + 0.3, y_out - 0.1), (x - 0.22, y_h + 0.25), linestyle=":")
        hs.append(h)
    below = _IO_BELOW if spec.get("start") else 0.0  # the <start> box takes the bracket's place
    if ctx is not None:
        # Brackets: "encoder" above the steps that read, "decoder" below those that write.
        _io_bracket(ax, xs[0], xs[ctx - 1], y_out - 0.1, "encoder", above=True)
        _io_bracket(ax, xs[ctx], xs[-1], y_in + 0.1 - below, "decoder", above=False)
    ax.text((xs[0] + xs[-1]) / 2, y_out + 0.42, name, ha="center", va="bottom",
            fontsize=_IO_FONT["title"], fontweight="bold", color=INK, gid="mapping")
    ax.text((xs[0] + xs[-1]) / 2, y_in - 0.38 - below, example, ha="center", va="top",
            fontsize=_IO_FONT["caption"], color=MUTED, linespacing=1.25)
    return xs[-1] + pad


def _io_bracket(ax, x_left, x_right, y, label, above):
    """A square bracket over (or under) the boxes from x_left to x_right, with a label."""
    tip = -0.12 if above else 0.12  # the ends point towards the boxes
    x0, x1 = x_left - 0.3, x_right + 0.3
    ax.plot([x0, x0, x1, x1], [y + tip, y, y, y + tip], color=MUTED, lw=1.3, zorder=1)
    ax.text((x0 + x1) / 2, y + (0.06 if above else -0.06), label, ha="center",
            va="bottom" if above else "top", fontsize=_IO_FONT["part"], color=MUTED,
            style="italic", gid="part")


def draw_io_mappings(ax=None):
    """The five input/output mappings of sequence models, in two rows.

    Boxes: inputs x (green, bottom), hidden states h (blue, middle), outputs
    y (orange, top); time runs left to right. Each panel names its mapping
    and an example task. one-to-one has a single step: it is drawn as the
    contrast, a feed-forward network, not a sequence model. In the
    encoder-decoder, 3 steps read and 4 write; the thick arrow is the context,
    and the decoder's first step reads a <start> token.

    Inputs: ax: matplotlib Axes to draw on; a new figure if None.
    Returns: the matplotlib Figure.
    """
    widths = [sum(_io_panel_width(IO_MAPPINGS[i][2]) for i in row) + _IO_GAP * (len(row) - 1)
              for row in _IO_ROWS]
    total = max(widths)
    top = _IO_ROW_PITCH * (len(_IO_ROWS) - 1) + 3.1
    bottom = -0.75 - _IO_BELOW  # the last row holds the encoder-decoder, with its <start> box
    fig, ax = _new_axes(ax, total * 0.95, (top - bottom) * 0.95, (-0.1, total + 0.1), (bottom, top))
    for r, (row, width) in enumerate(zip(_IO_ROWS, widths)):
        y0 = _IO_ROW_PITCH * (len(_IO_ROWS) - 1 - r)
        x = (total - width) / 2  # each row centred
        for j, i in enumerate(row):
            name, example, spec = IO_MAPPINGS[i]
            end = _draw_io_panel(ax, x, y0, name, example, spec)
            if j < len(row) - 1:  # a thin divider between panels
                ax.plot([end + _IO_GAP / 2] * 2, [y0 - 0.55, y0 + 3.0], color="#dddddd", lw=1,
                        zorder=0)
            x = end + _IO_GAP
    return fig


# ---------------------------------------------------------------- notebook 06: truncated BPTT

def draw_tbptt_streams(text="Return the sum. Sort in place. Join the parts.", N=3, T=5,
                       num_chunks=3, ax=None):
    """How a text is read for truncated BPTT: N parallel streams, chunks of T characters.

    The text is cut into N contiguous streams, one per row. Training reads
    chunk 1 of every row at once, then chunk 2, and so on. Between chunks of
    the same row the hidden state is carried forward (arrows), so stream n
    continues where it stopped; the gradient is not carried back (dashed lines).

    Inputs: text: at least N * T * num_chunks characters; N, T, num_chunks:
    positive ints; ax: matplotlib Axes to draw on, a new figure if None.
    Returns: the matplotlib Figure.
    """
    for name, v in (("N", N), ("T", T), ("num_chunks", num_chunks)):
        _check_steps(f"draw_tbptt_streams ({name})", v)
    M = T * num_chunks  # characters per stream
    if len(text) < N * M:
        raise ValueError(f"draw_tbptt_streams: text must hold at least N * T * num_chunks = "
                         f"{N * M} characters, got {len(text)}")
    gap, row_h, left = 3.0, 1.25, 4.2
    width = left + num_chunks * T + (num_chunks - 1) * gap
    bottom = -(N - 1) * row_h - 1.1
    fig, ax = _new_axes(ax, width * 0.55, (1.2 - bottom) * 0.55, (-0.2, width + 0.2), (bottom, 1.2))
    fill, edge = COLORS["input"]
    for r in range(N):
        y = -r * row_h
        ax.text(0, y, f"stream {r + 1}\ntext[{r * M}:{(r + 1) * M}]", ha="left", va="center",
                fontsize=9, color=INK, linespacing=1.2)
        for k in range(num_chunks):
            x0 = left + k * (T + gap)
            for t in range(T):
                ch = text[r * M + k * T + t]
                ax.add_patch(FancyBboxPatch((x0 + t + 0.06, y - 0.42), 0.88, 0.84,
                                            boxstyle="round,pad=0,rounding_size=0.1",
                                            facecolor=fill, edgecolor=edge, lw=1, zorder=2))
                ax.text(x0 + t + 0.5, y, "\u2423" if ch == " " else ch, ha="center",
                        va="center", fontsize=11, family="monospace", zorder=3, gid="char")
            if k < num_chunks - 1:  # the state goes on to the next chunk of this stream
                _arrow(ax, (x0 + T + 0.1, y), (x0 + T + gap - 0.1, y))
                ax.text(x0 + T + 0.25, y + 0.16, "state", ha="left", va="bottom",
                        fontsize=8, color=COLORS["hidden"][1], gid="carry")
    for k in range(num_chunks):
        x0 = left + k * (T + gap)
        ax.text(x0 + T / 2, 0.72, f"chunk {k + 1}\nx[:, {k * T}:{(k + 1) * T}]", ha="center",
                va="center", fontsize=9, color=INK, linespacing=1.2)
        if k < num_chunks - 1:  # backpropagation stops at every chunk boundary
            xb = x0 + T + 0.75 * gap
            ax.plot([xb, xb], [-(N - 1) * row_h - 0.55, 0.45], ls="--", lw=1, color=MUTED, zorder=0)
    ax.text(width / 2, -(N - 1) * row_h - 0.8, "state carried forward (arrows); gradients stop "
            "at each dashed line", ha="center", va="center", fontsize=9, color=MUTED,
            style="italic")
    return fig


# Every course figure: file name in Image/ -> function that draws it.
FIGURES = {
    "02-io-mappings.png": lambda: draw_io_mappings(),
    "05-lstm-cell.png": lambda: draw_lstm_cell(),
    "03-unrolled-rnn.png": lambda: draw_unrolled_rnn(),
    "06-tbptt-streams.png": lambda: draw_tbptt_streams(),
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
