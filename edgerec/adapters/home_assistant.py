"""Home Assistant in edgerec: events in, a device schema, routines, automation YAML out.

The API, re-exported from the modules that hold it:

* :func:`parse_ha_records`, :func:`import_home_assistant`, :class:`HaImport`
  (:mod:`~edgerec.adapters.ha_events`): HA event-bus JSON into store events;
* :func:`derive_schema` (:mod:`~edgerec.adapters.ha_schema`): the devices the
  entities show;
* :func:`ha_sessions`, :func:`mine_ha_routines` (:mod:`~edgerec.adapters.ha_sessions`):
  people's changes as sessions with hub and clock context, mined into routines;
* :func:`routines_to_automations`, :func:`automations_to_routines`
  (:mod:`~edgerec.adapters.ha_automations`, :mod:`~edgerec.adapters.ha_automations_read`):
  routines as automation YAML, and back;
* :func:`suggest_automations`: the last two steps for one person of a store.

>>> from edgerec import EventStore
>>> import tempfile, pathlib
>>> store = EventStore.create(pathlib.Path(tempfile.mkdtemp()) / "hub.db", key=bytes(32), timezone="UTC")
>>> found = import_home_assistant(store, [{"event_type": "state_changed", "time_fired": "2026-01-05T07:00:00Z",
...     "context": {"user_id": "u1"}, "data": {"entity_id": "light.hall",
...     "new_state": {"state": "off", "attributes": {}}}}])
>>> found.counts["imported"], store.users()
(1, ['u1'])
>>> store.close()
"""

from __future__ import annotations

from typing import Any, NamedTuple

from edgerec.adapters.ha_automations import routines_to_automations
from edgerec.adapters.ha_automations_read import automations_to_routines
from edgerec.adapters.ha_events import HaImport, import_home_assistant, observe_entities, parse_ha_records
from edgerec.adapters.ha_schema import derive_schema, device_key, entity_of
from edgerec.adapters.ha_sessions import (DEFAULT_GAP, ha_events_of, ha_sessions, mine_ha_routines,
                                          weather_entity_of)
from edgerec.adapters.ha_states import EVENT_TYPE, HUB_USER

__all__ = ["HUB_USER", "EVENT_TYPE", "DEFAULT_GAP", "HaImport", "parse_ha_records", "import_home_assistant",
           "observe_entities", "derive_schema", "device_key", "entity_of", "ha_sessions", "mine_ha_routines",
           "routines_to_automations", "automations_to_routines", "Suggestions", "suggest_automations"]


class Suggestions(NamedTuple):
    """What :func:`suggest_automations` gives: the routines, their automation YAML, and the schema behind both."""

    routines: list[dict]
    yaml: str
    schema: Any


def suggest_automations(store: Any, user: str, **mining: Any) -> Suggestions:
    """``user``'s mined routines and the automation YAML that proposes them (nothing is applied).

    The schema is derived from the user's and the hub's events; the weather
    entity is the hub's own (``weather.home`` when it has none). ``mining``
    goes to :func:`mine_ha_routines` (``config``, ``gap``). Each routine carries
    ``"support"`` and ``"at"`` besides its triggers and actions.
    """
    events = ha_events_of(store, user)
    schema = derive_schema(observe_entities(events))
    routines = mine_ha_routines(store, user, schema, with_times=True, events=events, **mining)
    weather = weather_entity_of(events)
    unit = next((e.context.get("attributes", {}).get("temperature_unit") for e in reversed(events)
                 if e.item == weather and e.context), None) if weather else None
    text = routines_to_automations(routines, schema, weather_entity=weather, temperature_unit=unit or "°C")
    return Suggestions(routines, text, schema)
