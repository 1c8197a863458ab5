"""Small matplotlib helpers shared by the notebooks (no pyplot state is required)."""

from __future__ import annotations

import numpy as np

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f",
          "#bcbd22", "#17becf")


def grid_2d(X, steps: int = 150, margin: float = 0.5):
    """A grid covering the 2-D points X (N, 2): returns xx, yy (steps, steps) and points (steps², 2)."""
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], steps), np.linspace(lo[1], hi[1], steps))
    return xx, yy, np.c_[xx.ravel(), yy.ravel()]


def plot_decision_regions(ax, predict, X, y, steps: int = 150, margin: float = 0.5, grid=None, title=None):
    """Colour the plane by ``predict(points) -> labels`` and scatter the labelled points X (N, 2), y (N,).

    Pass ``grid=(xx, yy, labels)`` to reuse a precomputed prediction (fast sliders).
    """
    if grid is None:
        xx, yy, P = grid_2d(X, steps, margin)
        labels = np.asarray(predict(P)).reshape(xx.shape)
    else:
        xx, yy, labels = grid
    y = np.asarray(y)
    k = int(max(y.max(), labels.max()) + 1)
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap(COLORS[:k])
    ax.contourf(xx, yy, labels, levels=np.arange(k + 1) - 0.5, cmap=cmap, alpha=0.25)
    for c in range(k):
        pts = X[y == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=14, color=COLORS[c], edgecolor="k", linewidth=0.3, label=f"class {c}")
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    if title:
        ax.set_title(title)
    return ax


def plot_history(ax, history, what: str = "loss", label: str = ""):
    """Plot training (and validation, if recorded) ``loss`` or ``acc`` against epochs."""
    train = getattr(history, what)
    val = getattr(history, "val_" + what)
    epochs = np.arange(1, len(train) + 1)
    ax.plot(epochs, train, label=f"{label} train".strip())
    if val:
        ax.plot(epochs, val, "--", label=f"{label} validation".strip())
    ax.set_xlabel("epoch")
    ax.set_ylabel(what)
    ax.legend()
    return ax


def show_digits(fig, images, labels=None, n_cols: int = 10, side: int = 8):
    """Draw flattened images (n, side*side) as a grid of grey squares with their labels."""
    images = np.asarray(images)
    n = len(images)
    n_rows = -(-n // n_cols)
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i].reshape(side, side), cmap="gray_r", interpolation="nearest")
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    return axes
