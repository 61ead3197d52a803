"""The kinds of per-user documents edgerec keeps, so a forget receipt can count them by kind.

Document names are stored only as keyed HMAC tags, so a copy of the file does not say what
a document is. With the key, the store recomputes the tag of each known name below and
counts the deleted documents per kind; names it does not know count as ``other``.
The kinds and their document names (the modules that write them own the names):

============  ======================  =================================================
kind          document name           written by
============  ======================  =================================================
profile       ``profile``             ProfileBuilder: routines, summary, and the
                                      per-session extraction cache
user_text     ``profile.user_text``   ProfileBuilder.edit (the user's own words)
ranker_head   ``rank-head``           an app that keeps a fitted LogisticHead
ldp_reports   ``privacy.reports``     queued local-DP reports (edgerec.privacy.reports)
============  ======================  =================================================

>>> ARTIFACT_KINDS["privacy.reports"]
'ldp_reports'
>>> sorted(empty_counts())
['ldp_reports', 'other', 'profile', 'ranker_head', 'user_text']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

__all__ = ["ARTIFACT_KINDS", "OTHER", "empty_counts", "count_kinds"]

#: Document name -> artifact kind.
ARTIFACT_KINDS: dict[str, str] = {
    "profile": "profile",
    "profile.user_text": "user_text",
    "rank-head": "ranker_head",
    "privacy.reports": "ldp_reports",
}
#: The kind of a document whose name is not listed above.
OTHER = "other"


def empty_counts() -> dict[str, int]:
    """Every kind with a zero count (a receipt lists each kind, even when none went)."""
    return {**{kind: 0 for kind in ARTIFACT_KINDS.values()}, OTHER: 0}


def count_kinds(name_tags: Iterable[bytes], tag_of: Callable[[str], bytes]) -> dict[str, int]:
    """Count documents per kind from their name tags; ``tag_of(name)`` is the store's keyed tag."""
    kind_of_tag = {tag_of(name): kind for name, kind in ARTIFACT_KINDS.items()}
    counts = empty_counts()
    for tag in name_tags:
        counts[kind_of_tag.get(bytes(tag), OTHER)] += 1
    return counts
