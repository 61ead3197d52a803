"""Who lives in an audited store: the synthetic household, or MovieLens users as app events.

The SDK never imports the benchmark kit, so ml-100k's ``u.data`` (``user<TAB>item<TAB>rating<TAB>unix time``
lines) is read here directly, a few users at a time.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "u.data").write_text("1\\t50\\t5\\t881250949\\n2\\t9\\t3\\t891717742\\n")
>>> [(e["user"], e["item"], e["context"]) for e in movielens_events(d, users=1)]
[('ml-1', '50', {'rating': 5})]
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from edgerec.audit.household import app_events, household_sessions
from edgerec.errors import InputError
from edgerec.profile.sessions import user_events

__all__ = ["movielens_events", "synthetic_events"]


def movielens_events(data: str | Path, *, users: int = 20, per_user: int = 40) -> list[dict[str, Any]]:
    """The latest ``per_user`` ratings of the first ``users`` users of an ml-100k folder, as ``rate`` events.

    User ids become ``ml-<id>``; the rating is the event's context.
    """
    path = Path(data) / "u.data"
    if not path.is_file():
        raise InputError(f"{path} does not exist: --data must be an ml-100k folder (u.data)")
    rows: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    with path.open(encoding="latin-1") as handle:
        for lineno, line in enumerate(handle, 1):
            parts = line.split("\t")
            if len(parts) != 4:
                raise InputError(f"{path.name}:{lineno}: expected user, item, rating and time separated by tabs")
            user, item, rating, ts = parts
            if user in rows or len(rows) < users:
                rows[user].append((int(ts), item, int(rating)))
    events = []
    for user, ratings in rows.items():
        for ts, item, rating in sorted(ratings)[-per_user:]:
            events.append({"user": f"ml-{user}", "type": "rate", "item": item, "context": {"rating": rating},
                           "ts": datetime.fromtimestamp(ts, timezone.utc).isoformat()})
    return events


def synthetic_events(*, users: int = 5, seed: int = 0) -> list[dict[str, Any]]:
    """Households of ``users`` people: dialogue sessions with habits, and mornings of plays."""
    events: list[dict[str, Any]] = []
    for n in range(users):
        user = f"resident-{n}"
        events += user_events(user, household_sessions(seed=seed * 1000 + n, count=18))
        events += app_events(user, [f"show-{n}", "news", "jazz", "weather"], seed=seed * 1000 + n)
    return events
