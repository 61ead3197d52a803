"""One person's music library over an edgerec store: everything the window shows, without Tk.

The window (``app.py``) only draws what this module returns, so the same calls work
in any other toolkit. Each method is a few lines over edgerec's public API:

* ``EventStore`` keeps the person's plays, likes and "not interested" marks, encrypted;
* ``rank_from_store`` ranks the whole catalog for the person and says why (the past
  album behind each result);
* ``ProfileBuilder`` mines the person's listening routines ("on weekday mornings ...");
* ``EventStore.forget`` deletes an album from the person's history, or the person.

>>> before, after = ["a", "b", "c"], ["a", "c", "d"]
>>> list_change(before, after)
(['b'], ['d'])
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from edgerec import EventStore, ForgetReceipt, ProfileBuilder, UnknownUserError, rank_from_store
from edgerec.profile.nl_profile import describe_triggers

from albums import ALBUMS, BY_ID, candidates

__all__ = ["Library", "Recommendation", "Listened", "STORE_FILE", "NOT_INTERESTED", "title",
           "list_change", "history_rows", "routine_lines", "taste_lines", "receipt_line", "change_line"]

STORE_FILE = "library.db"
#: The event type logged for "not interested": the ranker reads it as negative feedback
#: (strength -1), so albums that sound like it move down too.
NOT_INTERESTED = "dismiss"
POSITIVE = frozenset({"play", "like"})


@dataclass(frozen=True)
class Recommendation:
    id: str
    score: float
    reason: str | None  # the album in the person's history that most supports this one


@dataclass(frozen=True)
class Listened:
    id: str
    plays: int
    likes: int
    skips: int
    not_interested: bool
    last: datetime

    def summary(self) -> str:
        """What the person did with the album, in a few words."""
        if self.not_interested:
            return "not interested"
        parts = [_count(self.plays, "play")] if self.plays else []
        parts += ["liked"] * bool(self.likes) + [f"skipped {self.skips}x"] * bool(self.skips)
        return ", ".join(parts) or "-"


def title(item: str | None) -> str:
    """An album's title, or its id when the catalog does not know it."""
    return BY_ID[item].title if item in BY_ID else str(item)


def list_change(before: Sequence[str], after: Sequence[str]) -> tuple[list[str], list[str]]:
    """Which ids left the list and which entered it, each in list order."""
    return [i for i in before if i not in after], [i for i in after if i not in before]


def history_rows(events: Iterable) -> list[Listened]:
    """The person's albums, most recent first, from their store events.

    >>> from types import SimpleNamespace as E
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> rows = history_rows([E(item="a", type="play", ts=t), E(item="a", type="like", ts=t)])
    >>> rows[0].summary()
    '1 play, liked'
    """
    counts: dict[str, Counter] = {}
    last: dict[str, datetime] = {}
    for event in events:
        if not event.item:
            continue
        counts.setdefault(event.item, Counter())[event.type] += 1
        last[event.item] = max(last.get(event.item, event.ts), event.ts)
    rows = [Listened(item, c["play"], c["like"], c["skip"], c[NOT_INTERESTED] > 0, last[item])
            for item, c in counts.items()]
    return sorted(rows, key=lambda r: r.last, reverse=True)


def routine_lines(app_routines: Sequence[Mapping]) -> list[str]:
    """The routines ProfileBuilder mined from the person's app events, in words.

    >>> routine_lines([{"triggers": {"time_of_day": "morning", "day_of_week": "weekday"},
    ...                 "events": [{"type": "play", "item": "clas-01"}]}])
    ['On weekday mornings: play Kettle and Steam']
    """
    lines = []
    for routine in app_routines:
        when = describe_triggers(routine.get("triggers") or {})
        what = ", ".join(f"{e['type']} {title(e['item'])}" for e in routine.get("events") or [])
        lines.append(f"{when[:1].upper()}{when[1:]}: {what}")
    return lines


def taste_lines(rows: Sequence[Listened], top: int = 4) -> list[str]:
    """The genres the person plays most, and how many albums they turned down."""
    genres = Counter()
    for row in rows:
        if row.id in BY_ID and not row.not_interested:
            genres[BY_ID[row.id].genre] += row.plays + 2 * row.likes
    lines = [f"{genre}: {weight} plays and likes" for genre, weight in genres.most_common(top)]
    declined = sum(r.not_interested for r in rows)
    if declined:
        lines.append(f"not interested in {_count(declined, 'album')}")
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def receipt_line(receipt: ForgetReceipt) -> str:
    """A forget receipt in one line: what went, never what it was.

    >>> from edgerec import ForgetReceipt
    >>> receipt_line(ForgetReceipt(3, datetime(2026, 1, 1), {"user": True}, 12, 1, 1))
    'receipt #3: 12 events and 1 document deleted, 1 key destroyed'
    """
    keys = f", {_count(receipt.keys_destroyed, 'key')} destroyed" if receipt.keys_destroyed else ""
    deleted = f"{_count(receipt.events, 'event')} and {_count(receipt.documents, 'document')}"
    return f"receipt #{receipt.id}: {deleted} deleted{keys}"


def change_line(before: Sequence[str], after: Sequence[str]) -> str:
    """Which recommendations left and entered the list, by title."""
    left, entered = list_change(before, after)
    if not left and not entered:
        return "The recommendations did not change."
    return (f"Left the list: {', '.join(map(title, left)) or 'none'}. "
            f"Entered: {', '.join(map(title, entered)) or 'none'}.")


class Library:
    """The person's library: an open encrypted store plus the app's catalog."""

    def __init__(self, store: EventStore, user: str):
        self.store = store
        self.user = user
        self.profiles = ProfileBuilder(store)

    @classmethod
    def open(cls, folder: str | Path, *, passphrase: str, user: str) -> "Library":
        """Open the store in ``folder``, creating the folder and an empty store the first time."""
        path = Path(folder).expanduser() / STORE_FILE
        if path.exists():
            return cls(EventStore.open(path, passphrase=passphrase), user)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return cls(EventStore.create(path, passphrase=passphrase), user)

    def close(self) -> None:
        self.store.close()

    # -- what the window shows -----------------------------------------------------
    def known(self) -> bool:
        """Whether the store holds anything about the person."""
        return self.user in self.store.users()

    def history(self) -> list[Listened]:
        return history_rows(self.store.events(user=self.user)) if self.known() else []

    def recommendations(self, k: int = 10) -> list[Recommendation]:
        """Albums new to the person, best first, each with the album behind it.

        The whole catalog is ranked (albums in the history need their text too); albums
        the person already has an event on are then left out. Someone the store does not
        know yet gets the catalog in its own order, with no reason.
        """
        try:
            ranked = rank_from_store(self.store, self.user, candidates(), k=len(ALBUMS),
                                     context=datetime.now(timezone.utc))
        except UnknownUserError:
            return [Recommendation(a.id, 0.0, None) for a in ALBUMS[:k]]
        seen = {row.id for row in self.history()}
        return [Recommendation(r.id, r.score, r.reason) for r in ranked if r.id not in seen][:k]

    def profile(self) -> dict | None:
        """Re-mine the person's routines (ProfileBuilder) and return the stored profile."""
        return self.profiles.rebuild(self.user) if self.known() else None

    # -- what the person does --------------------------------------------------------
    def play(self, item: str) -> None:
        self.store.log(self.user, "play", item=item)

    def not_interested(self, item: str) -> None:
        """Negative feedback the ranker honours: this album, and ones like it, move down."""
        self.store.log(self.user, NOT_INTERESTED, item=item)

    def forget_item(self, item: str) -> ForgetReceipt:
        """Delete every event of the person on ``item`` and what was derived from them."""
        return self.store.forget(user=self.user, item=item)

    def forget_me(self) -> ForgetReceipt:
        """Delete the person: events, documents and their data key."""
        return self.store.forget(user=self.user)

    def log_many(self, events: list[dict]) -> None:
        self.store.log_many(events)
