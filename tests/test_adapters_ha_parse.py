"""Reading Home Assistant event-bus JSON: every domain's settings, what is skipped and counted, the store."""

import json

import pytest

from edgerec.adapters.home_assistant import HUB_USER, derive_schema, import_home_assistant, parse_ha_records
from edgerec.errors import InputError


def record(entity, state, attrs=None, *, ts="2026-01-05T07:00:00+00:00", user=None, old=None, event_id="c1"):
    """One state_changed record as HA's event bus emits it."""
    new = {"entity_id": entity, "state": state, "attributes": attrs or {}, "last_changed": ts,
           "context": {"id": event_id, "parent_id": None, "user_id": user}}
    return {"event_type": "state_changed", "time_fired": ts, "origin": "LOCAL",
            "context": {"id": event_id, "parent_id": None, "user_id": user},
            "data": {"entity_id": entity, "old_state": old, "new_state": new}}


@pytest.mark.parametrize("entity, state, attrs, settings", [
    ("light.kitchen", "on", {"brightness": 153, "color_temp_kelvin": 2700}, {"on": True, "brightness": 60, "color_temp": 2700}),
    ("light.kitchen", "on", {"brightness_pct": 35, "color_temp": 250}, {"on": True, "brightness": 35, "color_temp": 4000}),
    ("light.kitchen", "off", {"brightness": None}, {"on": False}),
    ("climate.lounge", "heat", {"temperature": 21.5, "current_temperature": 19}, {"hvac_mode": "heat", "temperature": 22}),
    ("climate.lounge", "off", {"temperature": None}, {"hvac_mode": "off"}),
    ("media_player.tv", "playing", {"volume_level": 0.25, "source": "HDMI 1"}, {"volume": 25, "source": "HDMI 1"}),
    ("media_player.tv", "off", {"source_list": ["HDMI 1"]}, {}),
    ("alarm_control_panel.home", "armed_night", {}, {"armed": True, "arm_mode": "night"}),
    ("alarm_control_panel.home", "disarmed", {}, {"armed": False}),
    ("alarm_control_panel.home", "pending", {}, {}),
    ("cover.blinds", "open", {"current_position": 40}, {"position": 40}),
    ("cover.garage", "closed", {}, {"position": 0}),
    ("switch.kettle", "on", {}, {}),
])
def test_each_domain_maps_to_its_settings(entity, state, attrs, settings):
    found = parse_ha_records([json.dumps(record(entity, state, attrs, user="u1"))])
    (event,) = found.events
    assert event["type"] == "ha_state" and event["item"] == entity and event["user"] == "u1"
    assert event["context"]["state"] == state
    assert event["context"].get("settings", {}) == settings
    assert event["context"]["context_id"] == "c1"


def test_other_event_types_removed_entities_ticks_and_bad_lines_are_counted():
    tick_old = {"state": "playing", "attributes": {"volume_level": 0.3, "media_position": 10}}
    lines = [
        json.dumps({"event_type": "call_service", "data": {"domain": "light", "service": "turn_on"}}),
        json.dumps({"event_type": "automation_triggered", "data": {}}),
        json.dumps({"event_type": "call_service", "data": {}}),
        "",
        "{not json",
        json.dumps({"event_type": "state_changed", "data": {"entity_id": "light.x", "new_state": None}}),
        json.dumps(record("media_player.tv", "playing", {"volume_level": 0.3, "media_position": 11}, old=tick_old)),
        json.dumps(record("light.x", "on", {}, ts="yesterday")),
        json.dumps([1, 2]),
        json.dumps(record("light.x", "on", {}, user="u1")),
    ]
    found = parse_ha_records(lines)
    assert len(found.events) == 1
    assert found.skipped == {"call_service": 2, "automation_triggered": 1, "malformed": 3, "entity removed": 1,
                             "unchanged": 1}
    assert found.malformed_lines == (5, 8, 9)
    assert found.counts["imported"] == 1 and found.counts["skipped"] == 8 and found.counts["people"] == 1


def test_strict_names_the_first_malformed_line():
    lines = [json.dumps(record("light.x", "on")), json.dumps({"event_type": "call_service"}), "{oops"]
    with pytest.raises(InputError, match=r"^line 3: bad JSON"):
        parse_ha_records(lines, strict=True)
    with pytest.raises(InputError, match=r"^line 1: not a Home Assistant event record"):
        parse_ha_records([{"event_type": "state_changed", "data": {"entity_id": "light.x"}}], strict=True)


def test_changes_without_a_person_go_to_the_hub_user_and_the_user_can_come_from_the_new_state():
    hub = record("sun.sun", "below_horizon", {"next_rising": "2026-01-06T07:40:00+00:00", "elevation": -3})
    from_state = record("light.x", "on", {})
    from_state["context"] = {"id": "c9"}
    from_state["data"]["new_state"]["context"]["user_id"] = "u2"
    found = parse_ha_records([hub, from_state])
    assert [e["user"] for e in found.events] == [HUB_USER, "u2"]
    assert found.events[0]["context"]["attributes"] == {"next_rising": "2026-01-06T07:40:00+00:00"}


def test_entities_seen_give_the_schema_and_other_domains_stay_out():
    lines = [record("light.kitchen", "on", {"brightness": 255, "friendly_name": "Kitchen"}, user="u"),
             record("light.kitchen", "off", {"friendly_name": "Kitchen"}, user="u"),
             record("climate.lounge", "heat", {"temperature": 20, "hvac_modes": ["off", "heat"], "min_temp": 5,
                                               "max_temp": 30}, user="u"),
             record("media_player.tv", "on", {"volume_level": 0.2, "source": "TV", "source_list": ["TV", "HDMI"]}),
             record("alarm_control_panel.home", "armed_away", {}),
             record("cover.blinds", "open", {"current_position": 100}),
             record("switch.kettle", "on", {}), record("weather.home", "rainy", {"temperature": 3})]
    found = parse_ha_records(lines)
    assert found.entities["light.kitchen"]["values"] == {"on": [False, True], "brightness": [100]}
    schema = derive_schema(found.entities)
    assert schema.names == ("alarm_control_panel_home", "climate_lounge", "cover_blinds", "light_kitchen",
                            "media_player_tv")
    assert schema.device("light_kitchen").label == "Kitchen"
    assert schema.options("climate_lounge", "hvac_mode") == ["off", "heat"]
    temp = schema.setting("climate_lounge.temperature")
    assert (temp.min, temp.max) == (5, 30)
    assert schema.options("media_player_tv", "source") == ["TV", "HDMI"]
    assert schema.options("alarm_control_panel_home", "arm_mode") == ["away"]
    with pytest.raises(InputError, match="no light, climate"):
        derive_schema(parse_ha_records([record("switch.kettle", "on", {})]).entities)


def test_import_logs_into_a_real_store(store):
    lines = [json.dumps(record("light.hall", "on", {"brightness": 128}, user="u1", ts="2026-01-05T07:00:00Z")),
             json.dumps(record("weather.home", "sunny", {"temperature": 12}, ts="2026-01-05T06:00:00Z")),
             json.dumps({"event_type": "call_service", "data": {}})]
    found = import_home_assistant(store, lines)
    assert found.counts["imported"] == 2 and found.skipped == {"call_service": 1}
    assert store.users() == [HUB_USER, "u1"]
    (event,) = store.events(user="u1")
    assert event.type == "ha_state" and event.item == "light.hall"
    assert event.context["settings"] == {"on": True, "brightness": 50}
    assert event.ts.isoformat() == "2026-01-05T07:00:00+00:00"
