"""The hub's rebuild: each person's routines, their automations for review, and their profile.

For every person in the store (not the hub itself), :func:`rebuild_user` mines their routines
from their Home Assistant changes (with the hub's sun and weather as context), turns them into
automation YAML, and stores their profile, a short summary of the routines written by the LLM
when one is given (else the template), in the store, in the shape ``edgerec profile show``
reads. :func:`rebuild_all` writes one YAML file per person into the output folder and removes
the files of people the store no longer holds, so a ``edgerec forget --user`` reaches the folder
at the next rebuild.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from edgerec.adapters.ha_sessions import cut_sessions, ha_events_of
from edgerec.adapters.home_assistant import HUB_USER, suggest_automations
from edgerec.profile.builder import PROFILE_DOC
from edgerec.profile.nl_profile import summarize

__all__ = ["suggestion_file", "rebuild_user", "rebuild_all", "HEADER"]

#: What every suggestions file starts with (YAML comments, so HA reads the rest as it is).
HEADER = ("# Automations suggested by edgerec from one person's own history on this hub.\n"
          "# Nothing here is applied: review each one, then copy what you want into automations.yaml.\n"
          "# Rebuilt {at}; each starts switched off (initial_state: false).\n")


def suggestion_file(user: str) -> str:
    """The file name of ``user``'s suggestions: readable, safe on any file system, one per user id.

    >>> suggestion_file("9f1c2b7e0a")
    'automations-9f1c2b7e0a.yaml'
    >>> suggestion_file("../etc/x")
    'automations-etc_x-2215be8e.yaml'
    """
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", user).strip("_")[:64] or "user"
    if safe != user:
        safe += "-" + hashlib.sha256(user.encode("utf-8")).hexdigest()[:8]
    return f"automations-{safe}.yaml"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def rebuild_user(store: Any, user: str, *, llm: Any = None) -> tuple[str, dict]:
    """Mine ``user``'s routines; store their profile; return ``(automations YAML, profile)``."""
    found = suggest_automations(store, user)
    sessions = sum(s.user == user for s in cut_sessions(ha_events_of(store, user), tz=store.timezone))
    summary, source = summarize(found.routines, llm, sessions=sessions, schema=found.schema)
    profile = {
        "version": 1, "user": user, "built_at": _now(), "extractor": "home-assistant",
        "devices": found.schema.digest, "sessions": sessions, "app_events": 0, "extracted_now": 0,
        "routines": found.routines, "app_routines": [], "summary": summary, "summary_source": source,
    }
    store.put_doc(user, PROFILE_DOC, profile)  # derived: any forget of the user's events drops it
    return found.yaml, profile


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def rebuild_all(store: Any, out: Path, *, llm: Any = None) -> dict:
    """Rebuild every person of ``store``; write ``out/automations-<user>.yaml``; drop files of people gone.

    Returns ``{"users", "routines", "files", "removed"}``.
    """
    people = [u for u in store.users() if u != HUB_USER]
    files, routines = [], 0
    for user in people:
        text, profile = rebuild_user(store, user, llm=llm)
        name = suggestion_file(user)
        _write(out / name, HEADER.format(at=profile["built_at"]) + text)
        files.append(name)
        routines += len(profile["routines"])
    removed = sorted(p.name for p in out.glob("automations-*.yaml") if p.name not in files)
    for name in removed:
        (out / name).unlink()
    return {"users": len(people), "routines": routines, "files": files, "removed": removed}
