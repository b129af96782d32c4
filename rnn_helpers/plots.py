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
