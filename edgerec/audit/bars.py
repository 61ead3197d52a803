"""Bar charts of where the forgetting and PII audits found something (matplotlib, imported lazily).

:func:`location_bars` draws, for each place the audit looked, how many planted
strings were found there before (the control) and after (the result). It needs
the ``audit`` extra; without it, :class:`MissingExtraError` names the install.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from edgerec.errors import MissingExtraError

__all__ = ["location_bars"]


def _pyplot():
    try:  # with no display, matplotlib falls back to a file-only backend by itself
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtraError("matplotlib", "audit") from None
    return plt


def location_bars(series: Mapping[str, Mapping[str, int]], *, title: str, path: str | Path | None = None,
                  planted: int | None = None):
    """One group of bars per location, one bar per series (e.g. ``{"before forget": {...}, "after": {...}}``).

    Saves a PNG when ``path`` is given; returns the matplotlib figure.
    """
    plt = _pyplot()
    locations = sorted({loc for counts in series.values() for loc in counts})
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(locations) + 1.5))
    height = 0.8 / max(len(series), 1)
    for n, (label, counts) in enumerate(series.items()):
        ax.barh([i + n * height for i in range(len(locations))], [counts.get(loc, 0) for loc in locations],
                height=height, label=label)
    ax.set_yticks([i + height * (len(series) - 1) / 2 for i in range(len(locations))], locations)
    ax.invert_yaxis()
    if planted is not None:
        ax.axvline(planted, color="grey", linestyle=":", label=f"planted ({planted})")
        ax.set_xlim(0, planted + 0.5)
    ax.set_xlabel("planted strings found")
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig
