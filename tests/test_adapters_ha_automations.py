"""Routines as Home Assistant automation YAML: the shape HA loads, and the way back (hypothesis round trip)."""

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from edgerec.adapters.ha_automations import WINDOWS
from edgerec.adapters.home_assistant import automations_to_routines, derive_schema, routines_to_automations
from edgerec.errors import InputError
from edgerec.profile.schema import META_FIELDS

ENTITIES = {
    "light.kitchen": {"domain": "light", "name": "Kitchen", "values": {"on": [True, False], "brightness": [50],
                      "color_temp": [2700]}, "attributes": {"min_color_temp_kelvin": 2000, "max_color_temp_kelvin": 6500}},
    "light.porch": {"domain": "light", "values": {"on": [True, False]}, "attributes": {}},
    "climate.lounge": {"domain": "climate", "values": {"hvac_mode": ["heat"], "temperature": [21]},
                       "attributes": {"hvac_modes": ["off", "heat", "cool", "auto"], "min_temp": 7, "max_temp": 35}},
    "media_player.tv": {"domain": "media_player", "values": {"volume": [20], "source": ["HDMI 1"]},
                        "attributes": {"source_list": ["HDMI 1", "Netflix", "on"]}},
    "alarm_control_panel.home": {"domain": "alarm_control_panel",
                                 "values": {"armed": [True, False], "arm_mode": ["away", "home", "night"]}},
    "cover.blinds": {"domain": "cover", "values": {"position": [0, 100]}},
}
SCHEMA = derive_schema(ENTITIES)


def test_the_yaml_has_the_parts_home_assistant_reads():
    routine = {"triggers": {"time_of_day": "morning", "day_of_week": "weekday", "sun_phase": "daylight",
                            "weather": "rainy", "outdoor_temp": "cold"},
               "actions": {"light_kitchen": {"on": True, "brightness": 60, "color_temp": 2700},
                           "climate_lounge": {"hvac_mode": "heat", "temperature": 21},
                           "media_player_tv": {"volume": 35, "source": "Netflix"},
                           "alarm_control_panel_home": {"armed": False}, "cover_blinds": {"position": 40},
                           "light_porch": {"on": False}},
               "at": "07:10", "support": 17}
    text = routines_to_automations([routine], SCHEMA, weather_entity="weather.met")
    (auto,) = yaml.safe_load(text)
    assert auto["id"].startswith("edgerec_") and auto["initial_state"] is False
    assert "Kitchen" in auto["alias"] and "17" in auto["description"] and "Review" in auto["description"]
    assert auto["trigger"] == [{"platform": "time", "at": "07:10:00"}]
    assert auto["condition"] == [
        {"condition": "time", "after": "05:00:00", "before": "12:00:00", "weekday": ["mon", "tue", "wed", "thu", "fri"]},
        {"condition": "state", "entity_id": "sun.sun", "state": "above_horizon"},
        {"condition": "state", "entity_id": "weather.met", "state": ["rainy", "pouring", "lightning", "lightning-rainy", "hail"]},
        {"condition": "numeric_state", "entity_id": "weather.met", "attribute": "temperature", "above": 0.0, "below": 10.0}]
    calls = {(a["service"], a["target"]["entity_id"]): a.get("data") for a in auto["action"]}
    assert calls == {
        ("alarm_control_panel.alarm_disarm", "alarm_control_panel.home"): None,
        ("climate.set_temperature", "climate.lounge"): {"temperature": 21, "hvac_mode": "heat"},
        ("cover.set_cover_position", "cover.blinds"): {"position": 40},
        ("light.turn_on", "light.kitchen"): {"brightness_pct": 60, "color_temp_kelvin": 2700},
        ("light.turn_off", "light.porch"): None,
        ("media_player.volume_set", "media_player.tv"): {"volume_level": 0.35},
        ("media_player.select_source", "media_player.tv"): {"source": "Netflix"}}


@pytest.mark.parametrize("triggers, expected", [
    ({"sun_phase": "after_sunset"}, {"platform": "sun", "event": "sunset"}),
    ({"sun_phase": "before_sunrise", "weather": "sunny"}, {"platform": "sun", "event": "sunrise", "offset": "-01:00:00"}),
    ({"weather": "snowy"}, {"platform": "state", "entity_id": "weather.home", "to": ["snowy", "snowy-rainy"]}),
    ({"outdoor_temp": "hot"}, {"platform": "numeric_state", "entity_id": "weather.home", "attribute": "temperature",
                               "above": 28.0}),
    ({"day_of_week": "weekend"}, {"platform": "time", "at": "08:00:00"}),
    ({"time_of_day": "night"}, {"platform": "time", "at": "23:00:00"}),
])
def test_the_trigger_follows_the_routine_context(triggers, expected):
    routine = {"triggers": triggers, "actions": {"cover_blinds": {"position": 0}}}
    (auto,) = yaml.safe_load(routines_to_automations([routine], SCHEMA))
    assert auto["trigger"] == [expected]
    assert automations_to_routines(routines_to_automations([routine], SCHEMA), SCHEMA) == [
        {"triggers": triggers, "actions": {"cover_blinds": {"position": 0}}}]


def test_fahrenheit_hubs_get_fahrenheit_thresholds_both_ways():
    routine = {"triggers": {"outdoor_temp": "mild"}, "actions": {"cover_blinds": {"position": 100}}}
    text = routines_to_automations([routine], SCHEMA, temperature_unit="°F")
    (auto,) = yaml.safe_load(text)
    assert auto["condition"][0]["above"] == 50.0 and auto["condition"][0]["below"] == 68.0
    assert automations_to_routines(text, SCHEMA, temperature_unit="°F")[0]["triggers"] == {"outdoor_temp": "mild"}


def test_newer_spellings_hand_edits_and_unknown_entities_are_read():
    text = """
automation:
  - alias: edited by hand
    triggers:
      - trigger: time
        at: "18:30"
    actions:
      - action: light.turn_on
        target: {entity_id: [light.kitchen, light.unknown]}
        data: {brightness: 255, kelvin: 3000}
      - action: cover.close_cover
        entity_id: cover.blinds
      - action: climate.set_hvac_mode
        data: {entity_id: climate.lounge, hvac_mode: sauna}
      - action: alarm_control_panel.alarm_arm_home
        target: {entity_id: alarm_control_panel.home}
  - alias: unquoted time is a YAML 1.1 number
    trigger: [{platform: time, at: 07:00:00}]
    condition: [{condition: time, after: 17:00:00, before: 22:00:00}]
    action: []
"""
    assert automations_to_routines(text, SCHEMA) == [
        {"triggers": {"time_of_day": "evening"},
         "actions": {"alarm_control_panel_home": {"armed": True, "arm_mode": "home"},
                     "cover_blinds": {"position": 0}, "light_kitchen": {"on": True, "brightness": 100, "color_temp": 3000}}},
        {"triggers": {"time_of_day": "evening"}, "actions": {}}]
    assert automations_to_routines("", SCHEMA) == []
    with pytest.raises(InputError, match="not valid YAML"):
        automations_to_routines("- [unclosed", SCHEMA)
    with pytest.raises(InputError, match="a YAML list"):
        automations_to_routines("just text", SCHEMA)


def _device_actions():
    light = st.one_of(st.just({"on": False}),
                      st.fixed_dictionaries({"on": st.just(True)}, optional={
                          "brightness": st.integers(0, 100), "color_temp": st.integers(2000, 6500)}))
    climate = st.fixed_dictionaries({}, optional={"hvac_mode": st.sampled_from(["off", "heat", "cool", "auto"]),
                                                  "temperature": st.integers(7, 35)}).filter(bool)
    media = st.fixed_dictionaries({}, optional={"volume": st.integers(0, 100),
                                                "source": st.sampled_from(["HDMI 1", "Netflix", "on"])}).filter(bool)
    alarm = st.one_of(st.just({"armed": False}),
                      st.builds(lambda m: {"armed": True, "arm_mode": m}, st.sampled_from(["away", "home", "night"])))
    return st.fixed_dictionaries({}, optional={
        "light_kitchen": light, "light_porch": st.sampled_from([{"on": True}, {"on": False}]),
        "climate_lounge": climate, "media_player_tv": media, "alarm_control_panel_home": alarm,
        "cover_blinds": st.builds(lambda p: {"position": p}, st.integers(0, 100))}).filter(bool)


ROUTINE = st.fixed_dictionaries({
    "triggers": st.fixed_dictionaries({}, optional={k: st.sampled_from(v) for k, v in META_FIELDS.items()}).filter(bool),
    "actions": _device_actions()})


@settings(max_examples=80, deadline=None)
@given(st.lists(ROUTINE, max_size=4), st.sampled_from(["°C", "°F"]),
       st.one_of(st.none(), st.times().map(lambda t: t.strftime("%H:%M"))))
def test_routines_to_yaml_and_back_is_the_identity(routines, unit, at):
    timed = [{**r, "at": at, "support": 5} for r in routines]
    text = routines_to_automations(timed, SCHEMA, temperature_unit=unit)
    assert automations_to_routines(text, SCHEMA, temperature_unit=unit) == routines
    loaded = yaml.safe_load(text) or []
    assert all(a["trigger"] and a["action"] for a in loaded)
    for auto in loaded:
        window = next((c for c in auto["condition"] if c["condition"] == "time" and "after" in c), None)
        if window is not None and auto["trigger"][0]["platform"] == "time":
            assert (window["after"], window["before"]) in WINDOWS.values()
