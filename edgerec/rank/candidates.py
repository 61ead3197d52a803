"""Rank an app's candidate file for a user of the store (what ``edgerec rank`` calls).

Candidates are JSON lines ``{"id": ..., "text": ...}``. Their texts are catalog
text, embedded through the catalog cache. Liked or disliked items of the user
that are not among the candidates are embedded from the text of their latest
event, if it has one; that text is user data, so it is embedded without any
cache and kept only in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path

import numpy as np

from edgerec.errors import InputError, UnknownUserError
from edgerec.jsonl import read_jsonl
from edgerec.rank.catalog import Catalog
from edgerec.rank.head import train_head
from edgerec.rank.history import Ranked
from edgerec.rank.ranker import Ranker, RankerConfig
from edgerec.rank.signals import history_from_events
from edgerec.timectx import local_context

__all__ = ["read_candidates", "rank_for_user"]

Embed = Callable[[list[str]], np.ndarray]


def read_candidates(path: str | Path) -> list[tuple[str, str]]:
    """Read ``(id, text)`` pairs from a JSON-lines file; bad lines raise :class:`InputError`."""
    target = Path(path)
    if not target.exists():
        raise InputError(f"candidates file {target} does not exist")
    out, seen = [], set()
    for lineno, row in read_jsonl(target):
        if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
            raise InputError(f'{target.name}:{lineno}: expected {{"id": ..., "text": "..."}}')
        item = str(row["id"])
        if item in seen:
            raise InputError(f"{target.name}:{lineno}: duplicate id {item!r}")
        seen.add(item)
        out.append((item, row["text"]))
    if not out:
        raise InputError(f"candidates file {target} holds no candidates")
    return out


def rank_for_user(
    events: Sequence,
    user: str,
    candidates: Sequence[tuple[str, str]],
    *,
    embed_catalog: Embed,
    embed_private: Embed,
    k: int = 10,
    context: dict | datetime | None = None,
    config: RankerConfig | None = None,
    learn: bool = True,
    tz: str | tzinfo | None = None,
) -> list[Ranked]:
    """Rank ``candidates`` for ``user`` from that user's ``events`` (``store.events(user=...)``).

    ``embed_catalog`` embeds candidate texts (may cache); ``embed_private``
    embeds text from the user's own events (must not keep anything).
    With ``learn``, a :class:`LogisticHead` is fit on the user's own feedback
    (when there is enough of both kinds) and scores the candidates.
    Time contexts (of past events, and of a datetime ``context``: "now") are
    read in the time zone ``tz``, the store's (None means UTC).
    """
    events = list(events)
    history = history_from_events(events, tz)
    if isinstance(context, datetime):
        context = local_context(context, tz)
    if not events:
        raise UnknownUserError(user)
    ids = [c[0] for c in candidates]
    vectors = [embed_catalog([c[1] for c in candidates])]
    known = set(ids)
    latest_text: dict[str, str] = {}
    for event in events:
        if event.item and event.text and event.item not in known:
            latest_text[event.item] = event.text
    extra = [item for item in dict.fromkeys(history.items) if item in latest_text]
    if extra:
        vectors.append(embed_private([latest_text[i] for i in extra]))
    catalog = Catalog(ids + extra, embeddings=np.vstack(vectors))
    ranker = Ranker(catalog, config)
    if learn:
        ranker.head = train_head(ranker, history)
    return ranker.rank(history, ids, k=k, context=context)


def rank_from_store(
    store,
    user: str,
    candidates: Sequence[tuple[str, str]],
    *,
    k: int = 10,
    context: dict | datetime | None = None,
    progress: bool | Callable[[int], None] = False,
    config: RankerConfig | None = None,
) -> list[Ranked]:
    """Rank ``candidates`` for ``user`` of an open :class:`~edgerec.store.EventStore` with the default embedder.

    Catalog texts go through the catalog embedding cache (``progress`` shows a
    bar the first time a catalog is embedded); text from the user's own events
    is embedded without any cache. Time contexts, including that of a datetime
    ``context``, are read in the store's time zone. Needs the ``embed`` extra (and ``train`` the
    very first time, to export the model). An unknown user raises
    :class:`UnknownUserError`.
    """
    from edgerec.models.embed import default_embedder
    from edgerec.models.embed_cache import EmbeddingCache

    events = list(store.events(user=user))
    if not events:
        raise UnknownUserError(user)
    with EmbeddingCache(default_embedder()) as cache:
        return rank_for_user(
            events, user, candidates, k=k, context=context, config=config, tz=store.timezone,
            embed_catalog=lambda texts: cache.embed_catalog(texts, progress=progress),
            embed_private=cache.embed_private,
        )
