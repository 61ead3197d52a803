"""Sessions from people's HA changes, their context from sun, weather and the local clock, and mining."""

from datetime import datetime, timedelta, timezone

import pytest

from edgerec.adapters.ha_sessions import cut_sessions
from edgerec.adapters.ha_states import sun_phase, temperature_bucket
from edgerec.adapters.home_assistant import (HUB_USER, derive_schema, ha_sessions, import_home_assistant,
                                             mine_ha_routines, observe_entities, suggest_automations)
from edgerec.errors import UnknownUserError
from edgerec.store import EventStore
from helpers import KEY


def ev(user, entity, ts, state, settings=None, attributes=None):
    context = {"state": state}
    if settings:
        context["settings"] = settings
    if attributes:
        context["attributes"] = attributes
    return {"user": user, "type": "ha_state", "item": entity, "ts": ts, "context": context}


def test_context_is_the_latest_sun_and_weather_at_the_session_start_on_the_local_clock():
    events = [
        ev(HUB_USER, "sun.sun", "2026-01-05T16:10:00Z", "below_horizon", attributes={"next_rising": "2026-01-06T07:10:00Z"}),
        ev(HUB_USER, "weather.home", "2026-01-05T15:00:00Z", "pouring", attributes={"temperature": 59, "temperature_unit": "°F"}),
        ev("u1", "light.hall", "2026-01-05T18:00:00Z", "on", {"on": True}),       # 19:00 in Paris
        ev(HUB_USER, "weather.home", "2026-01-05T21:00:00Z", "clear-night", attributes={"temperature": 30, "temperature_unit": "°F"}),
        ev("u1", "light.hall", "2026-01-06T05:30:00Z", "off", {"on": False}),     # 06:30, before sunrise
        ev(HUB_USER, "sun.sun", "2026-01-06T07:10:00Z", "above_horizon", attributes={"next_rising": "2026-01-07T07:10:00Z"}),
        ev("u1", "light.hall", "2026-01-10T12:00:00Z", "on", {"on": True}),       # Saturday 13:00
    ]
    metas = [s.meta for s in ha_sessions(events, tz="Europe/Paris")]
    assert metas == [
        {"time_of_day": "evening", "day_of_week": "weekday", "sun_phase": "after_sunset", "weather": "rainy",
         "outdoor_temp": "mild"},
        {"time_of_day": "morning", "day_of_week": "weekday", "sun_phase": "before_sunrise", "weather": "sunny",
         "outdoor_temp": "very cold"},
        {"time_of_day": "afternoon", "day_of_week": "weekend", "sun_phase": "daylight", "weather": "sunny",
         "outdoor_temp": "very cold"},
    ]


def test_a_session_holds_each_devices_final_settings_and_gaps_split_sessions_per_person():
    t0 = datetime(2026, 1, 5, 7, 0, tzinfo=timezone.utc)
    at = lambda minutes: (t0 + timedelta(minutes=minutes)).isoformat()
    events = [
        ev("u1", "light.hall", at(0), "on", {"on": True, "brightness": 80}),
        ev("u2", "cover.blinds", at(1), "open", {"position": 100}),
        ev("u1", "light.hall", at(4), "on", {"on": True, "brightness": 40}),     # adjusted: the last value wins
        ev(HUB_USER, "light.hall", at(5), "off", {"on": False}),                  # an automation, not u1
        ev("u1", "media_player.tv", at(9), "on", {"volume": 20, "source": "TV"}),
        ev("u1", "switch.kettle", at(10), "on"),                                  # not a device of the schema
        ev("u1", "light.hall", at(30), "off", {"on": False}),                     # 21 min later: a new session
    ]
    sessions = cut_sessions(events)
    assert [(s.user, sorted(s.items)) for s in sessions] == [
        ("u1", [("light_hall.brightness", 40), ("light_hall.on", True), ("media_player_tv.source", "TV"),
                ("media_player_tv.volume", 20)]),
        ("u2", [("cover_blinds.position", 100)]),
        ("u1", [("light_hall.on", False)]),
    ]
    assert len(cut_sessions(events, gap=timedelta(minutes=3))) == 5
    schema = derive_schema(observe_entities([e for e in events if e["item"] != "media_player.tv"]))
    assert all(not path.startswith("media_player") for s in cut_sessions(events, schema=schema) for path, _ in s.items)


def test_sun_phase_falls_back_to_noon_without_a_usable_next_rising():
    at = datetime(2026, 1, 5, 23, 0, tzinfo=timezone.utc)
    assert sun_phase("below_horizon", {}, at, "UTC") == "after_sunset"
    assert sun_phase("below_horizon", {"next_rising": "2026-01-01T07:00:00Z"}, at.replace(hour=4), "UTC") == "before_sunrise"
    assert sun_phase("above_horizon", None, at, "UTC") == "daylight"
    assert sun_phase("unavailable", None, at, "UTC") is None
    assert temperature_bucket(None) is None and temperature_bucket(27.9) == "warm" and temperature_bucket(28) == "hot"


def _household(days=40):
    """A hub where u1 dims the hall light on weekday mornings and arms the alarm on rainy days."""
    records = []
    start = datetime(2026, 1, 5, tzinfo=timezone.utc)

    def rec(entity, state, attrs, when, user=None):
        ts = when.isoformat()
        records.append({"event_type": "state_changed", "time_fired": ts, "context": {"id": ts, "user_id": user},
                        "data": {"entity_id": entity, "new_state": {"state": state, "attributes": attrs}}})

    for day in range(days):
        base = start + timedelta(days=day)
        rise, down = base + timedelta(hours=7, minutes=30 - 2 * day), base + timedelta(hours=16, minutes=30)
        rec("sun.sun", "above_horizon", {"next_rising": (rise + timedelta(days=1)).isoformat()}, rise)
        rec("sun.sun", "below_horizon", {"next_rising": (rise + timedelta(days=1)).isoformat()}, down)
        rec("weather.home", ["sunny", "rainy", "cloudy"][day % 3], {"temperature": 4 + day % 5}, base + timedelta(hours=1))
        if base.weekday() < 5:
            rec("light.hall", "on", {"brightness": 102, "color_temp_kelvin": 2700}, base + timedelta(hours=7, minutes=5), "u1")
        if day % 3 == 1:
            rec("alarm_control_panel.home", "armed_night", {}, base + timedelta(hours=9 + day * 5 % 12, minutes=30), "u1")
            rec("alarm_control_panel.home", "disarmed", {}, base + timedelta(hours=23), None)
        rec("cover.blinds", "open", {"current_position": (day * 37) % 101}, base + timedelta(hours=13), "u1")
    return records


def test_mine_ha_routines_finds_the_routines_in_a_store(db_path):
    with EventStore.create(db_path, key=KEY, timezone="UTC") as store:
        import_home_assistant(store, _household())
        routines = mine_ha_routines(store, "u1")
        assert {"triggers": {"time_of_day": "morning", "day_of_week": "weekday"},
                "actions": {"light_hall": {"on": True, "brightness": 40, "color_temp": 2700}}} in routines
        assert {"triggers": {"weather": "rainy"},
                "actions": {"alarm_control_panel_home": {"armed": True, "arm_mode": "night"}}} in routines
        timed, text, schema = suggest_automations(store, "u1")
        assert [{k: r[k] for k in ("triggers", "actions")} for r in timed] == routines
        morning = next(r for r in timed if r["triggers"].get("time_of_day") == "morning")
        assert morning["at"] == "07:05" and morning["support"] >= 25
        assert "light.turn_on" in text and "alarm_control_panel.alarm_arm_night" in text
        assert "light_hall" in schema.names
        with pytest.raises(UnknownUserError):
            mine_ha_routines(store, "nobody")


def test_profile_builder_mines_ha_device_changes_as_device_routines_not_app_events(db_path):
    from edgerec.profile.builder import ProfileBuilder

    with EventStore.create(db_path, key=KEY, timezone="UTC") as store:
        import_home_assistant(store, _household())
        profile = ProfileBuilder(store).rebuild("u1")
        assert profile["routines"] == mine_ha_routines(store, "u1")
        assert profile["app_routines"] == []  # no "ha_state <entity>" app routines
        assert "light hall on, brightness 40" in profile["summary"] and profile["summary_source"].startswith("template")
