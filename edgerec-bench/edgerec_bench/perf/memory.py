"""How much memory this process has used, for the figures benchmarks and evaluations print."""

from __future__ import annotations

import resource
import sys

__all__ = ["peak_rss_mb"]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    ``ru_maxrss`` is in bytes on macOS and in kilobytes on Linux.

    >>> peak_rss_mb() > 0
    True
    """
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
