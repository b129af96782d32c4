"""The notebooks' plots, one call each, so a notebook cell stays short.

Every function draws a new figure and returns it; end the notebook line with
";" so Jupyter shows the figure once.
"""
import matplotlib.pyplot as plt
import numpy as np

COLORS = {"train": "#1f77b4", "held-out": "#d62728", "model": "#2ca02c"}
ROUND_OFF = 1e-16  # errors below this are float64 round-off: drawn at this floor


def _round_off_band(ax):
    """Shade the band where differences are only float round-off."""
    ax.axhspan(ROUND_OFF / 3, 1e-15, color="0.9", zorder=0)
    ax.text(0.99, 3e-16, "float round-off", transform=ax.get_yaxis_transform(),
            ha="right", va="center", fontsize=8, color="0.4")


def _log_axes(ax, xlabel, ylabel, title):
    ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(True, which="major", alpha=0.3)


def plot_sine_split(train_stop=250, test_start=300, test_stop=400):
    """The series sin(t) at integer t, with the training and held-out ranges marked."""
    t = np.arange(test_stop)
    fig, ax = plt.subplots(figsize=(10, 2.8))
    ax.plot(t, np.sin(t), color="0.75", lw=0.8, zorder=1)
    ax.scatter(t[:train_stop], np.sin(t[:train_stop]), s=6, color=COLORS["train"],
               label=f"training: t = 0..{train_stop - 1}")
    ax.scatter(t[test_start:], np.sin(t[test_start:]), s=6, color=COLORS["held-out"],
               label=f"held-out: t = {test_start}..{test_stop - 1}")
    ax.axvspan(train_stop - 0.5, test_start - 0.5, color="0.92", zorder=0)
    ax.text((train_stop + test_start) / 2, 0, "unused\ngap", ha="center", va="center", fontsize=9)
    ax.set(xlabel="time step t", ylabel="sin(t)", xlim=(-2, test_stop + 1))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=9, ncol=2, frameon=False)
    fig.tight_layout()
    return fig


def plot_history(history, title="training"):
    """Per-epoch training loss (and held-out loss, if recorded) on a log scale."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    epochs = np.arange(1, len(history["loss"]) + 1)
    ax.plot(epochs, history["loss"], color=COLORS["train"], label="training (epoch mean)")
    if "val_loss" in history:
        ax.plot(epochs, history["val_loss"], color=COLORS["held-out"], label="held-out")
    _log_axes(ax, "epoch", "mean squared error", title)
    ax.legend()
    fig.tight_layout()
    return fig


def plot_predictions(t, y_true, preds, title="held-out"):
    """Targets against predictions (left) and each method's absolute error (right).

    t: (N,) time of each target; y_true: (N,); preds: dict label -> (N,).
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
    ax1.plot(t, y_true, "o", ms=6, mfc="none", mec="k", label="truth")
    for k, (label, p) in enumerate(preds.items()):
        color = f"C{k}"  # the same colour for a method in both panels
        ax1.plot(t, p, ".-", ms=3, lw=0.8, color=color, label=label)
        ax2.plot(t, np.maximum(np.abs(p - y_true), ROUND_OFF), ".-", ms=3, lw=0.8, color=color)
    _round_off_band(ax2)
    ax1.set(xlabel="time step t of the target", ylabel="value", title=f"{title}: predictions")
    _log_axes(ax2, "time step t of the target", "|prediction - truth|", f"{title}: error")
    # One legend for both panels, below them, so it hides no data.
    fig.legend(*ax1.get_legend_handles_labels(), loc="lower center", ncol=len(preds) + 1,
               fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def plot_horizon_errors(errors):
    """Forecast error against how many steps ahead we forecast.

    errors: dict label -> (K,) mean squared errors at horizons 1..K. They are
    drawn as their square root (RMSE), in the units of the data, where float
    round-off sits near 1e-16.
    """
    fig, ax = plt.subplots(figsize=(6.5, 3.5))
    for label, e in errors.items():
        ax.plot(np.arange(1, len(e) + 1), np.maximum(np.sqrt(e), ROUND_OFF), ".-", label=label)
    _round_off_band(ax)
    _log_axes(ax, "steps ahead (each prediction fed back in)", "root mean squared error",
              "forecast error against horizon")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_grad_norms(norms):
    """||dL/dh_t|| at every step t, when the loss reads only the last state.

    norms: dict label -> (T,) norms for t = 1..T.
    """
    fig, ax = plt.subplots(figsize=(6.5, 3.5))
    for label, n in norms.items():
        ax.plot(np.arange(1, len(n) + 1), n, ".-", label=label)
    _log_axes(ax, "time step t (the loss is at the last step)", r"$\|\partial L / \partial h_t\|$",
              "gradient size through time")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_hidden_histograms(hidden):
    """Histograms of hidden-state values; tanh saturates near -1 and +1.

    hidden: dict label -> array of hidden states (any shape).
    """
    fig, axes = plt.subplots(1, len(hidden), figsize=(5 * len(hidden), 3), squeeze=False)
    for ax, (label, h) in zip(axes[0], hidden.items()):
        ax.hist(np.ravel(h), bins=np.linspace(-1, 1, 41), color="0.4")
        saturated = np.mean(np.abs(h) > 0.99)
        ax.set(xlabel="hidden value h", ylabel="count",
               title=f"{label}: {saturated:.0%} with |h| > 0.99")
    fig.tight_layout()
    return fig


def plot_loss_records(curves, title="what the loss curve records"):
    """Several per-epoch loss records of the same run, on a log scale.

    curves: dict label -> (num_epochs,) values.
    """
    fig, ax = plt.subplots(figsize=(6.5, 3.5))
    for label, c in curves.items():
        ax.plot(np.arange(1, len(c) + 1), c, ".-", ms=3, label=label)
    _log_axes(ax, "epoch", "recorded loss", title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- notebook 04: gradients through time

def _steps_back(n):
    """x values for a (T,) array indexed t = 1..T: how many steps before the loss."""
    return np.arange(n - 1, -1, -1)


def plot_grads_by_distance(norms, title="gradient size against distance from the loss",
                           ylabel=r"$\|\partial L/\partial h_t\|\ /\ \|\partial L/\partial h_T\|$"):
    """Gradient norms against the number of steps back from the loss, each scaled to 1 at the loss.

    norms: dict label -> (T,) norms for t = 1..T (the loss reads step T).
    """
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for label, n in norms.items():
        n = np.asarray(n, dtype=float)
        ax.plot(_steps_back(len(n)), n / n[-1], ".-", ms=3, lw=1.2, label=label)
    ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
    _log_axes(ax, "steps back from the loss (T - t)", ylabel, title)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.tight_layout()
    return fig


def plot_ratio_vs_scale(scales, ratios, seq_len, band=None, band_label=None):
    """Gradient growth over a whole sequence against the size of Wh, on log-log axes.

    scales: (S,) values of the recurrent scale; ratios: dict label -> (S,) values of
    ||dL/dh_1|| / ||dL/dh_T||; band: optional (low, high) range of scales to shade.
    """
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, r in ratios.items():
        ax.plot(scales, r, ".-", ms=4, label=label)
    ax.set_xscale("log")
    ax.axhline(1.0, color="0.4", lw=0.8, ls=":")
    ax.axvline(1.0, color="0.4", lw=0.8, ls=":")
    if band is not None:
        ax.axvspan(*band, color="#fde9c9", zorder=0, label=band_label)
    # Label the two sides of the line "no change" (ratio 1), at the left edge.
    side = ax.get_yaxis_transform()  # x in axes fraction, y in data units
    ax.text(0.01, 3.0, "explodes", transform=side, va="bottom", fontsize=9, color="0.35")
    ax.text(0.01, 0.3, "vanishes", transform=side, va="top", fontsize=9, color="0.35")
    _log_axes(ax, "spectral radius of $W_h$",
              rf"$\|\partial L/\partial h_1\| / \|\partial L/\partial h_{{{seq_len}}}\|$",
              f"gradient growth from step {seq_len} back to step 1")
    # Plain tick labels (0.5, 1, 2, ...) instead of powers of ten on the x axis.
    ticks = [t for t in (0.25, 0.5, 1, 2, 4, 8, 16, 32) if min(scales) <= t <= max(scales)]
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def plot_gradient_explorer(result, scale, activation):
    """The explorer's figure: the gradient through time (left) and the activation's slopes (right).

    result: the dict returned by gradients.gradient_norms; scale, activation: its settings.
    """
    cap = 1e250  # beyond this, log-axis ticks overflow float64
    raw = result["norms"]
    # Not drawn: overflowed norms (inf/NaN, or beyond cap) and underflowed ones (exactly 0).
    norms = np.where(np.isfinite(raw) & (raw < cap) & (raw > 0), raw, np.nan)
    T = len(norms)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [3, 2]})
    k = _steps_back(T)
    ax1.plot(k, norms, ".-", ms=3, color=COLORS["train"], label="measured")
    # What the matrix alone would do: one factor of the spectral radius per step.
    with np.errstate(over="ignore"):
        reference = np.minimum(float(result["spectral_radius"]) ** k.astype(float), cap)
    ax1.plot(k, reference, "--", color="0.5", lw=1, label="(spectral radius)$^k$, no activation")
    ax1.axhline(1.0, color="0.5", lw=0.8, ls=":")
    ratio = result["ratio"]
    ratio_text = ("overflows" if not np.isfinite(ratio) else
                  "underflows (to 0)" if ratio == 0 else f"x {ratio:.0e}")
    _log_axes(ax1, "steps back from the loss, k = T - t", r"$\|\partial L/\partial h_t\|$",
              f"{activation}, spectral radius {scale:.3g}: gradient {ratio_text} over {T - 1} steps")
    ax1.title.set_fontsize(10)
    # Show the measured curve and the reference alike, within float range.
    shown = np.concatenate([norms[np.isfinite(norms) & (norms > 0)], [1.0, reference[0]]])
    ax1.set_ylim(max(shown.min() / 10, 1e-250), min(shown.max() * 10, cap))
    ax1.legend(fontsize=8, loc="best")
    # Right: how much each unit lets through at each step.
    slopes = np.ravel(result["slopes"])
    ax2.hist(slopes[np.isfinite(slopes)], bins=np.linspace(0, 1, 26), color="0.45")
    ax2.set(xlabel=f"slope of {activation}, act'(a)", ylabel="count (units x steps x samples)",
            title=f"RMS slope {result['rms_slope']:.2f}, {result['flat_share']:.0%} below 0.02")
    ax2.title.set_fontsize(10)
    fig.tight_layout()
    return fig


def plot_curves(curves, ylabel, title, baseline=None, baseline_label="baseline", log=True):
    """Per-epoch curves of several runs, with an optional horizontal baseline.

    curves: dict label -> (num_epochs,) values; non-finite values are not drawn.
    """
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for label, c in curves.items():
        c = np.asarray(c, dtype=float)
        ax.plot(np.arange(1, len(c) + 1), np.where(np.isfinite(c), c, np.nan), ".-", ms=4, label=label)
    if baseline is not None:
        ax.axhline(baseline, color="0.3", lw=1, ls="--", label=baseline_label)
    if log:
        _log_axes(ax, "epoch", ylabel, title)
        # A label at every power of ten over up to 11 of them; over more, at every few, so that the
        # labels never overlap (a blow-up can span 30 powers).
        ax.yaxis.set_major_locator(plt.LogLocator(base=10, numticks=12))
        ax.yaxis.set_minor_locator(plt.LogLocator(base=10, subs=np.arange(2, 10), numticks=12))
        ax.yaxis.set_minor_formatter(plt.NullFormatter())
    else:
        ax.set(xlabel="epoch", ylabel=ylabel, title=title)
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- notebook 05: memory and gates

def plot_accuracy_vs_gap(gaps, accuracies, chance, xlabel="gap (distractors between symbol and query)",
                         title="held-out accuracy against the gap to bridge", styles=None, dodge=0.0):
    """Held-out accuracy of several models against the length of the gap.

    gaps: (G,) gap lengths; accuracies: dict label -> (G,) accuracies in [0, 1],
    or (G, S) for S seeds: then the line is the median and a bar spans the
    lowest to the highest seed; chance: the accuracy of guessing, drawn as a
    dashed line. styles: optional dict label -> matplotlib keywords for that
    line (e.g. {"ls": "--"}); dodge: shift the k-th line sideways by
    (k - (K-1)/2) * dodge gap units, so lines that coincide stay visible.
    """
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    markers = "os^vD"
    gaps_x = np.asarray(gaps, dtype=float)
    K = len(accuracies)
    for k, (label, acc) in enumerate(accuracies.items()):
        acc = 100 * np.asarray(acc, dtype=float)  # (G,) or (G, S)
        style = {"marker": markers[k % len(markers)], "ms": 5, "color": f"C{k}"}
        style.update((styles or {}).get(label, {}))
        x = gaps_x + (k - (K - 1) / 2) * dodge
        if acc.ndim == 2:
            mid = np.median(acc, axis=1)  # (G,)
            ax.errorbar(x, mid, yerr=[mid - acc.min(axis=1), acc.max(axis=1) - mid], capsize=3,
                        elinewidth=1, label=label, **style)
        else:
            ax.plot(x, acc, label=label, **style)
    ax.axhline(100 * chance, color="0.3", lw=1, ls="--", label=f"chance ({chance:.0%})")
    ax.set(xlabel=xlabel, ylabel="held-out accuracy (%)", title=title, ylim=(0, 105))
    ax.set_xticks(gaps)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def plot_lstm_gates(internals, token_text, units, title="inside the LSTM"):
    """Input, forget and output gates and the cell state of chosen units over one sequence.

    internals: dict with "i", "f", "o", "c": (T, H) arrays for one sequence;
    token_text: (T,) strings, the token read at each step; units: unit indices to draw.
    """
    T = len(token_text)
    rows = [("i", "input gate $i_t$ (write)"), ("f", "forget gate $f_t$ (keep)"),
            ("o", "output gate $o_t$ (show)"), ("c", "cell state $c_t$ (memory)")]
    fig, axes = plt.subplots(len(rows), 1, figsize=(10, 7.5), sharex=True)
    for ax, (key, label) in zip(axes, rows):
        for j, u in enumerate(units):
            ax.plot(np.arange(T), internals[key][:, u], ".-", ms=3, lw=1.2, color=f"C{j}",
                    label=f"unit {u}")
        if key != "c":
            ax.set_ylim(-0.05, 1.05)
        else:
            ax.axhline(0.0, color="0.6", lw=0.6)
        ax.set_ylabel(label, fontsize=9)
        ax.grid(True, alpha=0.3)
    axes[0].set_title(title)
    axes[-1].legend(fontsize=8, ncol=len(units), loc="upper left", framealpha=0.9)
    axes[-1].set_xticks(np.arange(T))
    axes[-1].set_xticklabels(token_text, fontsize=7 if T <= 45 else 5)
    axes[-1].set_xlabel("token read at each step")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- notebooks 01 and 02: reading sentences

def plot_reading(reading, title=None):
    """A classifier reading a sentence: its prediction and hidden state after every token.

    reading: the dict of widgets.read_sentence, with tokens (T,), probs (T, C),
    hidden (T, H) and class_names (C,). Top: the probability of each class
    after each token, the most likely one written in its cell. Bottom: every
    hidden unit (rows) after each token (columns), from -1 (blue) to +1 (red).
    """
    tokens, probs, hidden = reading["tokens"], reading["probs"], reading["hidden"]
    T, C, H = len(tokens), probs.shape[1], hidden.shape[1]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(max(6.0, 0.62 * T + 2.4), 1.3 + 0.32 * C + 0.09 * H),
                                   sharex=True, constrained_layout=True,
                                   gridspec_kw={"height_ratios": [0.9 + 0.3 * C, 0.1 * H]})
    im1 = ax1.imshow(probs.T, cmap="Greens", vmin=0, vmax=1, aspect="auto")
    for t, c in enumerate(probs.argmax(axis=1)):  # write the winning class in its cell
        ax1.text(t, c, f"{probs[t, c]:.0%}", ha="center", va="center", fontsize=9,
                 color="white" if probs[t, c] > 0.6 else "black")
    ax1.set_yticks(np.arange(C))
    ax1.set_yticklabels(reading["class_names"], fontsize=9)
    ax1.set_title(title or "prediction and hidden state after each token", fontsize=10)
    fig.colorbar(im1, ax=ax1, label="probability", aspect=8, pad=0.01)
    im2 = ax2.imshow(hidden.T, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto",
                     interpolation="nearest")
    ax2.set_ylabel(f"hidden unit (H = {H})", fontsize=9)
    ax2.set_xticks(np.arange(T))
    ax2.set_xticklabels(tokens, rotation=40, ha="right", fontsize=9)
    ax2.set_xlabel("token just read")
    fig.colorbar(im2, ax=ax2, label="$h_t$", aspect=20, pad=0.01)
    return fig


def plot_cell_by_class(cell_states, labels, class_names, unit, per_class=6,
                       xlabel="step t (0: the symbol, last: the query)"):
    """One unit's cell state over time for several sequences, coloured by their class.

    cell_states: (N, T) the unit's c_t for N sequences; labels: (N,) class of each;
    class_names: legend name of each class; per_class: sequences drawn for each class.
    """
    fig, ax = plt.subplots(figsize=(7, 3.6))
    T = cell_states.shape[1]
    for k, name in enumerate(class_names):
        rows = np.flatnonzero(labels == k)[:per_class]
        for j, n in enumerate(rows):
            ax.plot(np.arange(T), cell_states[n], color=f"C{k}", lw=1, alpha=0.8,
                    label=name if j == 0 else None)
    ax.axhline(0.0, color="0.6", lw=0.6)
    ax.set(xlabel=xlabel, ylabel=f"cell state $c_t$, unit {unit}",
           title=f"unit {unit}: {per_class} held-out sequences per class")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- notebook 06: character language models

SPLIT_COLORS = {"train": COLORS["train"], "validation": "#ff7f0e", "held-out": COLORS["held-out"]}


def plot_corpus_split(spans, num_chars):
    """Where the train, validation and held-out text lie in the corpus, as one strip.

    spans: list of (start, stop, name) from charlm.split_spans; num_chars: corpus length.
    """
    fig, ax = plt.subplots(figsize=(10, 1.5))
    for start, stop, name in spans:
        ax.axvspan(start / 1000, stop / 1000, color=SPLIT_COLORS[name], lw=0)
    for name, color in SPLIT_COLORS.items():  # legend entries only
        share = sum(b - a for a, b, n in spans if n == name) / num_chars
        ax.bar(0, 0, color=color, label=f"{name} ({share:.0%})")
    ax.set(xlim=(0, num_chars / 1000), yticks=[], xlabel="position in the corpus (thousands of characters)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=9, frameon=False)
    fig.tight_layout()
    return fig


def _smooth(values, window):
    """Moving average over the last `window` values (fewer at the start)."""
    c = np.cumsum(np.insert(np.asarray(values, dtype=float), 0, 0.0))
    n = np.arange(1, len(values) + 1)
    k = np.minimum(n, window)  # how many values each average covers
    return (c[n] - c[n - k]) / k


def plot_lm_curves(histories, baselines=None, smooth=25):
    """Bits per character against characters read, for several language models.

    histories: dict label -> history of charlm.train_lm. Thin line: the
    training loss of each update (nats, converted to bits), averaged over the
    last `smooth` updates; dots: the validation score. baselines: optional
    dict label -> bits per character, drawn as dashed horizontal lines.
    """
    fig, ax = plt.subplots(figsize=(8, 4))
    for k, (label, h) in enumerate(histories.items()):
        chars = np.asarray(h["chars"]) / 1e6
        ax.plot(chars, _smooth(np.asarray(h["chunk_loss"]) / np.log(2), smooth), color=f"C{k}",
                lw=1, alpha=0.6)
        ax.plot(np.asarray(h["val_chars"]) / 1e6, h["val_bpc"], "o-", color=f"C{k}", ms=4,
                label=f"{label} (dots: validation, line: training)")
    for j, (label, bpc) in enumerate((baselines or {}).items()):
        ax.axhline(bpc, color="0.35", lw=1, ls=["--", ":", "-."][j % 3], label=label)
    ax.set(xlabel="characters read in training (millions)", ylabel="bits per character",
           title="learning curves")
    # Show from the first validation score down: the first updates start at log2(V) bits.
    tops = [h["val_bpc"][0] for h in histories.values() if h["val_bpc"]]
    if tops:
        ax.set_ylim(top=max(tops + list((baselines or {}).values())) + 0.3)
    # ... and down to the lowest point drawn, with a small margin.
    lows = [min(min(_smooth(np.asarray(h["chunk_loss"]) / np.log(2), smooth)), *h["val_bpc"])
            for h in histories.values() if h["chunk_loss"]]
    if lows:
        ax.set_ylim(bottom=min(lows + list((baselines or {}).values())) - 0.1)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def _show_char(c):
    """A visible label for a character: space and newline get symbols."""
    return {" ": "\u2423", "\n": "\\n"}.get(c, c)  # open box for a space


def plot_next_char_probs(probs, itos, prompt, top=15):
    """Bar chart of p(next character | prompt), for one or several distributions.

    probs: (V,) probabilities, or dict label -> (V,); itos: the vocabulary's
    characters; top: how many characters to show (the most likely under the
    first distribution).
    """
    if not isinstance(probs, dict):
        probs = {"model": probs}
    first = next(iter(probs.values()))
    order = np.argsort(first)[::-1][:top]
    width = 0.8 / len(probs)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * top + 1.5), 3.6))
    for k, (label, p) in enumerate(probs.items()):
        ax.bar(np.arange(len(order)) + (k - (len(probs) - 1) / 2) * width, p[order], width,
               color=f"C{k}", label=label)
    ax.set_xticks(np.arange(len(order)))
    ax.set_xticklabels([_show_char(itos[i]) for i in order], fontsize=11, family="monospace")
    shown = prompt if len(prompt) <= 40 else "..." + prompt[-37:]
    ax.set(xlabel="next character", ylabel="probability", ylim=(0, 1.05 * max(p[order].max() for p in probs.values())))
    ax.set_title(f"after {shown!r}", family="monospace", fontsize=10)
    ax.grid(True, axis="y", alpha=0.3)
    if len(probs) > 1:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_unit_trace(text, values, title, marks=None, width=80, vmax=None, cbar_label=None):
    """Text with each character's background coloured by a hidden unit's value after it.

    text: str of length L; values: (L,) the unit's value after each character,
    red positive, blue negative (vmax: the value of the deepest colour);
    marks: optional (L,) booleans, underlined (e.g. where a feature is on);
    width: characters per row (longer lines wrap); cbar_label: optional
    label of the colour bar (what the values are).
    """
    values = np.asarray(values, dtype=float)
    marks = np.zeros(len(values), dtype=bool) if marks is None else np.asarray(marks, dtype=bool)
    vmax = vmax or float(np.max(np.abs(values))) or 1.0
    rows, row = [], []  # each row: list of (char shown, value, mark)
    for ch, v, m in zip(text, values, marks):
        if len(row) == width:  # wrap long lines
            rows.append(row)
            row = []
        row.append(("\u21b5" if ch == "\n" else ch, v, m))  # a newline shows as a return arrow
        if ch == "\n":
            rows.append(row)
            row = []
    rows.append(row)
    cols = max(1, max(len(r) for r in rows))  # the longest row sets the width: no empty margin
    fig, ax = plt.subplots(figsize=(0.105 * cols + 1.0, 0.25 * len(rows) + 0.6))
    cmap = plt.get_cmap("RdBu_r")
    for r, cells in enumerate(rows):
        for c, (ch, v, m) in enumerate(cells):
            ax.add_patch(plt.Rectangle((c, -r - 1), 1, 1, color=cmap(0.5 + 0.5 * v / vmax), lw=0))
            ax.text(c + 0.5, -r - 0.45, ch, ha="center", va="center", fontsize=8, family="monospace")
            if m:
                ax.plot([c, c + 1], [-r - 0.93, -r - 0.93], color="k", lw=1.5, solid_capstyle="butt")
    ax.set(xlim=(0, cols), ylim=(-len(rows), 0))
    ax.axis("off")
    ax.set_title(title, fontsize=10)
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(-vmax, vmax))
    fig.colorbar(sm, ax=ax, fraction=0.02, pad=0.01, label=cbar_label)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- notebook 07: attention

def plot_match_vs_length(lengths, results, floor=None, floor_label="chance", title=None):
    """Exact match against input length: a line per model (mean over seeds), a band for the range.

    lengths: (L,) input lengths; results: dict label -> (num_seeds, L) exact-match shares;
    floor: optional (L,) values drawn dashed (e.g. a baseline).
    """
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for label, r in results.items():
        r = np.asarray(r, dtype=float)
        line, = ax.plot(lengths, r.mean(axis=0), "o-", ms=4, label=f"{label} ({len(r)} seeds)")
        ax.fill_between(lengths, r.min(axis=0), r.max(axis=0), color=line.get_color(), alpha=0.2)
    if floor is not None:
        ax.plot(lengths, floor, "--", color="0.3", lw=1, label=floor_label)
    ax.set(xlabel="input length (letters)", ylabel="held-out exact match", ylim=(-0.03, 1.03),
           title=title or "exact match against input length (band: range over seeds)")
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_alignment(alpha, src_tokens, out_tokens, ax=None, title=None):
    """Heatmap of attention weights: a row per output token, a column per input token.

    alpha: (T, S) weights (rows sum to 1); src_tokens: S str; out_tokens: T str.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(0.3 * len(src_tokens) + 1.6, 0.3 * len(out_tokens) + 1.2))
    ax.imshow(alpha, cmap="Greys", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(src_tokens)), src_tokens, fontsize=8)
    ax.set_yticks(range(len(out_tokens)), out_tokens, fontsize=8)
    ax.set(xlabel="input (what it looks at)", ylabel="output (what it writes)")
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    if title:
        ax.set_title(title, fontsize=9, pad=24)
    return ax.figure


def plot_alignments(examples, title="attention weights on held-out strings"):
    """Several alignments side by side: examples is a list of (alpha, src_tokens, out_tokens, title)."""
    widths = [len(e[1]) for e in examples]
    fig, axes = plt.subplots(1, len(examples), figsize=(0.28 * sum(widths) + 1.6 * len(examples), 4.2),
                             gridspec_kw={"width_ratios": widths}, squeeze=False)
    for ax, (alpha, src, out, sub) in zip(axes[0], examples):
        plot_alignment(alpha, src, out, ax=ax, title=sub)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_saturation(dims, curves, ylabel, title, log_y=False):
    """A measurement against the key size d: dict label -> (len(dims),) values."""
    fig, ax = plt.subplots(figsize=(6, 3.4))
    for label, values in curves.items():
        ax.plot(dims, values, "o-", ms=4, label=label)
    ax.set_xscale("log", base=2)
    if log_y:
        ax.set_yscale("log")
    ax.set(xlabel="key size d", ylabel=ylabel, title=title)
    ax.set_xticks(dims, [str(d) for d in dims])
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
