"""From EdgeWisePersona sessions to routines: extract per session, then mine.

>>> s = {"session_id": 0, "meta": {"time_of_day": "night", "weather": "rainy"},
...      "messages": [{"role": "user", "text": "Arm the security system."}]}
>>> other = {"session_id": 1, "meta": {"time_of_day": "morning", "weather": "rainy"},
...          "messages": [{"role": "user", "text": "Hello!"}]}
>>> reconstruct_routines([s] * 8 + [other] * 8)
[{'triggers': {'time_of_day': 'night'}, 'actions': {'security': {'armed': True}}}]
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Mapping, Sequence

from edgerec.profile.devices import DeviceSchema
from edgerec.profile.extract import extract_actions
from edgerec.profile.mining import MinedRoutine, MiningConfig, MiningSession, mine_routines
from edgerec.profile.schema import flatten_actions, unflatten_items

__all__ = ["Extractor", "mining_sessions", "routine_dict", "routines_from_actions", "reconstruct_routines"]

#: Reads one session's messages and returns its nested actions.
Extractor = Callable[[Sequence[Mapping[str, str]]], dict[str, dict[str, Any]]]


def mining_sessions(
    sessions: Sequence[Mapping[str, Any]], actions: Sequence[Mapping[str, Any]]
) -> list[MiningSession]:
    """Pair each session's meta with the flat items of its extracted actions.

    >>> mining_sessions([{"meta": {"weather": "sunny"}}], [{"tv": {"volume": 3}}])[0].items
    frozenset({('tv.volume', 3)})
    """
    return [
        MiningSession(dict(session.get("meta") or {}), flatten_actions(dict(act)))
        for session, act in zip(sessions, actions)
    ]


def routine_dict(routine: MinedRoutine, *, confidence: bool = False) -> dict[str, Any]:
    """A mined routine in the benchmark's ``{"triggers", "actions"}`` form.

    With ``confidence``, also ``"confidence"`` (see :class:`MinedRoutine`); the
    benchmark's prediction files keep only the two keys.

    >>> r = MinedRoutine({"weather": "rainy"}, frozenset({("tv.volume", 5)}), 3, confidence=0.93)
    >>> routine_dict(r)
    {'triggers': {'weather': 'rainy'}, 'actions': {'tv': {'volume': 5}}}
    >>> routine_dict(r, confidence=True)["confidence"]
    0.93
    """
    out = {"triggers": dict(routine.triggers), "actions": unflatten_items(routine.items)}
    if confidence:
        out["confidence"] = routine.confidence
    return out


def routines_from_actions(
    sessions: Sequence[Mapping[str, Any]],
    actions: Sequence[Mapping[str, Any]],
    config: MiningConfig = MiningConfig(),
) -> list[dict[str, Any]]:
    """Routines mined from each session's meta and its (extracted or known) actions."""
    return [routine_dict(r) for r in mine_routines(mining_sessions(sessions, actions), config)]


def reconstruct_routines(
    sessions: Sequence[Mapping[str, Any]],
    *,
    extractor: Extractor | None = None,
    config: MiningConfig = MiningConfig(),
    schema: DeviceSchema | None = None,
) -> list[dict[str, Any]]:
    """Routines of one user from their sessions (``applied_routines`` is never read).

    ``extractor`` defaults to the rules over ``schema`` (None: the shipped
    EdgeWisePersona devices); a given extractor already knows its schema.
    """
    if extractor is None:
        extractor = partial(extract_actions, schema=schema)
    actions = [extractor(session.get("messages") or []) for session in sessions]
    return routines_from_actions(sessions, actions, config)
