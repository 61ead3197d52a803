"""How a DP catalog is released: the release options, and how the budget becomes noise per signal.

:class:`ReleaseOptions` says how contributions are counted, how noisy counts
become neighbour lists and how the budget is split; :func:`noise_plan` turns
epsilon, delta and the split into one noise multiplier per released signal,
which together compose to one Gaussian (:mod:`edgerec.privacy.catalog` builds
with them).

>>> sorted(noise_plan(8.0, 1e-3, Bounds(), ReleaseOptions().signal_shares(), spectral=True))
['popularity', 'sequential']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from edgerec.errors import InputError
from edgerec.privacy import accounting
from edgerec.privacy.contributions import Bounds
from edgerec.privacy.spectral import UNIT

__all__ = ["COOCCURRENCE", "METHODS", "SIGNALS", "ReleaseOptions", "draw_noise", "noise_plan"]

SIGNALS = ("popularity", "cooccurrence", "sequential")
METHODS = ("spectral", "counts")
#: Where the spectral catalog's co-occurrence neighbours come from (ReleaseOptions.cooccurrence).
COOCCURRENCE = ("text", "dp")


@dataclass(frozen=True)
class ReleaseOptions:
    """How contributions are counted, how noisy counts become neighbour lists, and how the budget is split.

    ``method`` is ``"spectral"`` (the default: L2-weighted contributions among
    the ``domain`` most popular items, low-rank denoised at ``rank``; see
    :mod:`edgerec.privacy.spectral`) or ``"counts"`` (truncated contributions
    over every item, counted; the shrink below applies to it only).
    ``threshold`` and ``floor`` are in units of each signal's noise standard
    deviation; ``prior_weight`` scales the text prior. ``shrink`` adds
    ``shrink * rowsum(a) * popularity(b) / total popularity`` to every count
    (what independence predicts, from the released popularity), so rows whose
    counts are mostly noise lean towards popular items. With ``shrink > 0``
    the popularity total moves when a user is forgotten, so unlearning
    recomputes the whole release from the kept noisy counts (still exact).

    ``cooccurrence`` (spectral method only): ``"text"`` (the default) spends
    nothing on co-occurrence: its neighbour slot holds each item's nearest
    items by public text embedding (the sequential neighbours when the build
    has no embeddings), and its share of the budget goes to the sequential
    signal; ``"dp"`` releases noisy co-occurrence as well. The counts method
    always releases all three signals.
    """

    shares: tuple[float, float, float] = (0.1, 0.2, 0.7)
    threshold: float = 0.0
    floor: float = 1.0
    shrink: float = 1.0
    top_n: int = 100
    prior_weight: float = 0.0
    prior_top: int = 20
    method: str = "spectral"
    domain: int | None = None
    rank: int | None = None
    cooccurrence: str = "text"

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise InputError(f"unknown catalog method {self.method!r}; choose one of {', '.join(METHODS)}")
        if self.cooccurrence not in COOCCURRENCE:
            raise InputError(f"unknown co-occurrence source {self.cooccurrence!r}; choose one of "
                             f"{', '.join(COOCCURRENCE)}")
        if (self.domain is not None and self.domain < 2) or (self.rank is not None and self.rank < 1):
            raise InputError("the spectral domain must hold at least 2 items and the rank be at least 1")

    def resolved(self, epsilon: float) -> "ReleaseOptions":
        """Fill an unset domain and rank from epsilon: ``300 * sqrt(epsilon / 8)`` items, rank ``24 * sqrt(epsilon / 8)``.

        Less noise (a larger epsilon) supports more items and more directions
        before noise dominates them; the rule depends on epsilon only, so it
        costs no budget. 300 and 24 were chosen at epsilon 8 on ml-100k's
        validation split (docs/privacy.md).

        >>> o = ReleaseOptions().resolved(1.0)
        >>> o.domain, o.rank
        (106, 8)
        """
        scale = math.sqrt(float(epsilon) / 8.0)
        domain = self.domain if self.domain is not None else max(50, round(300 * scale))
        rank = self.rank if self.rank is not None else max(4, round(24 * scale))
        return replace(self, domain=domain, rank=rank)

    @property
    def spectral(self) -> bool:
        """Whether this is the spectral method."""
        return self.method == "spectral"

    def signal_shares(self) -> dict[str, float]:
        """The budget share of each signal released with noise (module docstring; ``cooccurrence`` above).

        >>> {k: round(v, 6) for k, v in ReleaseOptions().signal_shares().items()}
        {'popularity': 0.1, 'sequential': 0.9}
        >>> ReleaseOptions(cooccurrence="dp").signal_shares()
        {'popularity': 0.1, 'cooccurrence': 0.2, 'sequential': 0.7}
        """
        shares = dict(zip(SIGNALS, (float(x) for x in self.shares)))
        if self.spectral and self.cooccurrence == "text":
            shares["sequential"] += shares.pop("cooccurrence")
        return shares

    def to_dict(self) -> dict:
        """JSON form."""
        return {"shares": list(self.shares), "threshold": self.threshold, "floor": self.floor, "shrink": self.shrink,
                "top_n": self.top_n, "prior_weight": self.prior_weight, "prior_top": self.prior_top,
                "method": self.method, "domain": self.domain, "rank": self.rank, "cooccurrence": self.cooccurrence}

    @classmethod
    def from_dict(cls, data: dict) -> "ReleaseOptions":
        """Read the JSON form (a manifest without ``method`` predates the spectral method: counts; one without
        ``cooccurrence`` released noisy co-occurrence)."""
        return cls(**{"method": "counts", "cooccurrence": "dp", **data, "shares": tuple(data["shares"])})


def noise_plan(epsilon: float, delta: float, bounds: Bounds, shares, spectral: bool = False) -> dict[str, dict]:
    """Per released signal: sensitivity, noise multiplier and scale; together one Gaussian of multiplier z.

    ``shares``: three numbers (every signal) or ``{signal: share}`` (those released).
    """
    shares = dict(zip(SIGNALS, shares)) if not isinstance(shares, dict) else shares
    if not 2 <= len(shares) <= 3 or min(shares.values()) <= 0:
        raise InputError("shares must be three positive numbers")
    z = accounting.calibrate_gaussian(epsilon, delta)
    total = float(sum(shares.values()))
    plan = {}
    for name, share in shares.items():
        sens = float(UNIT) if spectral else bounds.sensitivities()[name]
        mult = z / np.sqrt(share / total)
        plan[name] = {"sensitivity": sens, "noise_multiplier": float(mult), "scale": float(mult * sens)}
    return plan


def draw_noise(n_items: int, plan: dict[str, dict]) -> dict[str, np.ndarray]:
    """Fresh OpenDP discrete Gaussian noise for every count cell (pair noise drawn once per unordered pair)."""
    from edgerec.privacy.noise import discrete_gaussian

    out = {"popularity": discrete_gaussian(n_items, scale=plan["popularity"]["scale"])}
    upper = np.triu_indices(n_items, 1)
    for signal in ("cooccurrence", "sequential"):
        dense = np.zeros((n_items, n_items), dtype=np.int64)
        dense[upper] = discrete_gaussian(len(upper[0]), scale=plan[signal]["scale"])
        out[signal] = dense + dense.T
    return out
