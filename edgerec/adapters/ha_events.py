"""Home Assistant event-bus JSON in, edgerec events out.

Each record is one event as HA's event bus or websocket API emits it::

    {"event_type": "state_changed", "time_fired": "2026-01-05T07:02:11+00:00",
     "data": {"entity_id": "light.kitchen", "old_state": {...}, "new_state": {"state": "on",
              "attributes": {"brightness": 153}, "last_changed": "...", "context": {...}}},
     "context": {"id": "01H...", "parent_id": null, "user_id": "9f1c..."}}

A ``state_changed`` becomes one store event: ``type="ha_state"``, ``item`` the
entity id, ``ts`` the ``time_fired``, ``user`` the ``context.user_id`` of the
change (or :data:`HUB_USER` when no person made it: devices, automations, the
sun, the weather), and ``context`` holding the new ``state``, its ``settings``
(:func:`~edgerec.adapters.ha_states.state_settings`), the few attributes the
schema and context read, and HA's context id.

What is not stored is counted in :attr:`HaImport.skipped`: other event types
under their name, ``"malformed"`` lines, ``"entity removed"`` (no new state),
and ``"unchanged"`` (nothing edgerec keeps changed: a media position tick, a
sun elevation update). Malformed lines are counted by default, so a hub can
follow a live stream past one bad line; ``strict=True`` raises
:class:`~edgerec.errors.InputError` naming the line instead.

>>> line = ('{"event_type": "state_changed", "time_fired": "2026-01-05T07:00:00Z", "context": {"user_id": "u1"},'
...         ' "data": {"entity_id": "cover.blinds", "new_state": {"state": "open",'
...         ' "attributes": {"current_position": 80}}}}')
>>> found = parse_ha_records([line, '{"event_type": "call_service"}', "not json"])
>>> found.events[0]["user"], found.events[0]["context"]["settings"], found.skipped
('u1', {'position': 80}, {'call_service': 1, 'malformed': 1})
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from edgerec.adapters.ha_states import EVENT_TYPE, HUB_USER, KEPT_ATTRIBUTES, state_settings
from edgerec.errors import InputError
from edgerec.store.event import Event

__all__ = ["HaImport", "parse_ha_records", "import_home_assistant", "ha_record", "observe_entities"]


@dataclass(frozen=True)
class HaImport:
    """What reading HA records gave: store events, what was skipped, and the entities seen.

    ``entities`` maps an entity id to ``{"domain", "name", "changes", "values",
    "attributes"}`` (see :func:`observe_entities`). ``malformed_lines`` holds
    the line numbers (1-based) of the first malformed records.
    """

    events: list[dict]
    skipped: dict[str, int]
    entities: dict[str, dict]
    malformed_lines: tuple[int, ...] = field(default=())

    @property
    def counts(self) -> dict[str, Any]:
        """``{"imported", "skipped", "skipped_by_kind", "people", "entities"}`` for reports and ``--json``."""
        people = sorted({e["user"] for e in self.events} - {HUB_USER})
        return {"imported": len(self.events), "skipped": sum(self.skipped.values()),
                "skipped_by_kind": dict(sorted(self.skipped.items())), "people": len(people),
                "entities": len(self.entities)}


def _kept(domain: str, attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {k: attributes[k] for k in KEPT_ATTRIBUTES.get(domain, ()) if attributes.get(k) is not None}


def _summary(domain: str, state: Mapping[str, Any] | None) -> tuple | None:
    """What edgerec keeps of one state, to tell a real change from an attribute tick."""
    if not isinstance(state, Mapping):
        return None
    attrs = state.get("attributes") if isinstance(state.get("attributes"), Mapping) else {}
    return (state.get("state"), json.dumps(state_settings(domain, state.get("state"), attrs), sort_keys=True),
            json.dumps(_kept(domain, attrs), sort_keys=True, default=str))


def ha_record(record: Any) -> tuple[str, dict | None]:
    """One HA record as ``(kind, event)``: kind is ``"ok"``, ``"malformed"``, another event type,
    ``"entity removed"`` or ``"unchanged"``; event is the store event dict when kind is ``"ok"``.

    A websocket API message (``{"type": "event", "event": {...}}``, what a
    ``subscribe_events`` client receives) is unwrapped to the event it carries.

    >>> ha_record({"event_type": "automation_triggered", "data": {}})
    ('automation_triggered', None)
    >>> ha_record({"id": 1, "type": "event", "event": {"event_type": "call_service", "data": {}}})
    ('call_service', None)
    """
    if isinstance(record, Mapping) and record.get("type") == "event" and isinstance(record.get("event"), Mapping):
        record = record["event"]
    if not isinstance(record, Mapping) or not isinstance(record.get("event_type"), str):
        return "malformed", None
    if record["event_type"] != "state_changed":
        return record["event_type"] or "malformed", None
    data = record.get("data")
    if not isinstance(data, Mapping) or not isinstance(data.get("entity_id"), str) or "." not in data["entity_id"]:
        return "malformed", None
    entity = data["entity_id"]
    if "new_state" not in data:
        return "malformed", None
    new = data["new_state"]
    if new is None:
        return "entity removed", None
    if not isinstance(new, Mapping) or not isinstance(new.get("state"), str):
        return "malformed", None
    domain = entity.split(".", 1)[0]
    if _summary(domain, data.get("old_state")) == _summary(domain, new):
        return "unchanged", None
    ctx = record.get("context") if isinstance(record.get("context"), Mapping) else {}
    new_ctx = new.get("context") if isinstance(new.get("context"), Mapping) else {}
    user = ctx.get("user_id") or new_ctx.get("user_id")
    ts = record.get("time_fired") or new.get("last_changed")
    attrs = new.get("attributes") if isinstance(new.get("attributes"), Mapping) else {}
    context: dict[str, Any] = {"state": new["state"]}
    settings = state_settings(domain, new["state"], attrs)
    if settings:
        context["settings"] = settings
    kept = _kept(domain, attrs)
    if kept:
        context["attributes"] = kept
    if ctx.get("id") or new_ctx.get("id"):
        context["context_id"] = ctx.get("id") or new_ctx.get("id")
    event = {"user": user if isinstance(user, str) and user.strip() else HUB_USER, "type": EVENT_TYPE,
             "item": entity, "ts": ts, "context": context}
    try:
        Event.from_dict(event)  # the store's own checks: timestamp, ids, JSON
    except InputError:
        return "malformed", None
    return "ok", event


def observe_entities(events: Iterable[Any], into: dict[str, dict] | None = None) -> dict[str, dict]:
    """What the ``ha_state`` events show of each entity (store :class:`Event` objects or dicts).

    Per entity id: ``domain``; ``name`` (its latest friendly name); ``changes``
    (events seen); ``values`` (setting -> sorted distinct values seen); and
    ``attributes`` (the latest kept attributes, e.g. ``source_list``).

    >>> ev = {"type": "ha_state", "item": "light.desk", "context": {"state": "on", "settings": {"on": True}}}
    >>> observe_entities([ev, ev])["light.desk"]["values"]
    {'on': [True]}
    """
    entities = {} if into is None else into
    for event in events:
        get = event.get if isinstance(event, Mapping) else (lambda k, e=event: getattr(e, k, None))
        if get("type") != EVENT_TYPE or not isinstance(get("item"), str):
            continue
        entity, context = get("item"), get("context") or {}
        info = entities.setdefault(entity, {"domain": entity.split(".", 1)[0], "name": None, "changes": 0,
                                            "values": {}, "attributes": {}})
        info["changes"] += 1
        attrs = context.get("attributes") or {}
        info["attributes"].update(attrs)
        if attrs.get("friendly_name"):
            info["name"] = attrs["friendly_name"]
        for name, value in (context.get("settings") or {}).items():
            seen = info["values"].setdefault(name, [])
            if value not in seen:
                seen.append(value)
                seen.sort(key=lambda v: (str(type(v)), v))
    return entities


def parse_ha_records(lines: Iterable[str | dict], *, tz: Any = None, strict: bool = False) -> HaImport:
    """Read HA records (JSON text lines or already-parsed dicts) into store events.

    ``tz`` is accepted for symmetry with the session functions; timestamps stay
    UTC in the store and are read in the store's zone later. Blank lines are
    ignored. With ``strict``, the first malformed line raises
    :class:`InputError` naming its number; otherwise it is counted.
    """
    events: list[dict] = []
    skipped: dict[str, int] = {}
    bad: list[int] = []
    for number, line in enumerate(lines, start=1):
        problem = "not a Home Assistant event record (expected event_type, and for state_changed " \
                  "data.entity_id, data.new_state.state and an ISO-8601 time_fired)"
        if isinstance(line, (str, bytes)):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                record, problem = None, f"bad JSON ({getattr(exc, 'msg', exc)})"
        else:
            record = line
        kind, event = ha_record(record)
        if kind == "ok":
            events.append(event)
            continue
        if kind == "malformed":
            if strict:
                raise InputError(f"line {number}: {problem}")
            if len(bad) < 20:
                bad.append(number)
        skipped[kind] = skipped.get(kind, 0) + 1
    return HaImport(events, skipped, observe_entities(events), tuple(bad))


def import_home_assistant(store: Any, lines: Iterable[str | dict], *, strict: bool = False,
                          progress: Any = None) -> HaImport:
    """Parse HA records and log the events into ``store`` (an :class:`~edgerec.store.EventStore`).

    Every record is read and checked before anything is written.
    ``progress(n)`` is called after each batch written.
    """
    found = parse_ha_records(lines, strict=strict)
    if found.events:
        store.log_many(found.events, progress=progress)
    return found
