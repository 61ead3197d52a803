"""ROC curves on log axes, as auditors read them (matplotlib, the ``audit`` extra, imported here only).

Both axes are logarithmic so that the low-FPR region, where an attack is
dangerous, is visible; zeros are drawn at half the smallest rate the sample can show.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from edgerec.errors import InputError, MissingExtraError

__all__ = ["plot_roc"]


def plot_roc(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], path: str | Path | None = None, *,
             title: str = "ROC", floor: float = 1e-3):
    """Draw ``{label: (fpr, tpr)}`` on log-log axes with the chance line; save to ``path`` when given.

    Returns the matplotlib figure (a notebook shows it).
    """
    try:
        import matplotlib

        if path is not None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtraError("matplotlib", "audit") from None
    fig, ax = plt.subplots(figsize=(5, 5))
    grid = np.logspace(np.log10(floor), 0, 50)
    ax.plot(grid, grid, linestyle="--", color="grey", label="chance")
    for label, (fpr, tpr) in curves.items():
        ax.step(np.maximum(fpr, floor / 2), np.maximum(tpr, floor / 2), where="post", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(floor / 2, 1)
    ax.set_ylim(floor / 2, 1.05)
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    if path is not None:
        target = Path(path)
        if not target.parent.is_dir():
            raise InputError(f"cannot write the plot: folder {target.parent} does not exist")
        fig.savefig(target, dpi=120)
        plt.close(fig)
    return fig
