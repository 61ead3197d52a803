"""A user's interactions as the ranker sees them.

An :class:`Interaction` is one past event about one item, with a signed
strength: positive for liking (play, like, a high rating), negative for
disliking (dismiss, skip, a low rating). A :class:`UserHistory` holds them in
time order, column-wise, so scoring stays vectorised.

>>> h = UserHistory.from_interactions([Interaction("b", 1.0, 20.0), Interaction("a", -1.0, 10.0)])
>>> h.items, h.strength.tolist()
(('a', 'b'), [-1.0, 1.0])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

__all__ = ["Interaction", "UserHistory", "Ranked"]


@dataclass(frozen=True)
class Interaction:
    """One past event about one item.

    ``ts`` is unix seconds or a datetime; ``context`` may carry ``time_of_day``
    (morning/afternoon/evening/night) and ``day_of_week`` (weekday/weekend).
    """

    item: str
    strength: float
    ts: float | datetime = 0.0
    context: dict | None = None


def _seconds(ts: float | datetime) -> float:
    return ts.timestamp() if isinstance(ts, datetime) else float(ts)


@dataclass(frozen=True)
class UserHistory:
    """A user's interactions sorted by time (stable for equal times)."""

    items: tuple[str, ...]
    strength: np.ndarray
    ts: np.ndarray
    contexts: tuple[dict | None, ...] = field(default=())

    @classmethod
    def from_interactions(cls, interactions: Iterable[Interaction]) -> "UserHistory":
        """Sort interactions by time and store them column-wise."""
        rows = sorted(interactions, key=lambda x: _seconds(x.ts))
        return cls(
            items=tuple(str(r.item) for r in rows),
            strength=np.array([r.strength for r in rows], dtype=np.float32),
            ts=np.array([_seconds(r.ts) for r in rows], dtype=np.float64),
            contexts=tuple(r.context for r in rows),
        )

    @classmethod
    def empty(cls) -> "UserHistory":
        """A user with no interactions (the ranker falls back to popularity)."""
        return cls((), np.zeros(0, np.float32), np.zeros(0, np.float64), ())

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Ranked:
    """One ranked candidate: its id, score, and the past item that most supports it."""

    id: str
    score: float
    reason: str | None

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return {"id": self.id, "score": self.score, "reason": self.reason}
