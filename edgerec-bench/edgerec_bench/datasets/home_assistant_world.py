"""The house behind the Home Assistant generator: its entities, the sun and the weather.

Everything here is the generator's own model of the world, written without
reading the SDK's adapter: the sun rises and sets on a seasonal curve (about
50° north), the weather changes every one to three hours, and each entity
turns a settings dict (the shape of routine actions) into the ``state`` and
``attributes`` Home Assistant would report.

>>> import random
>>> world = World.build(random.Random(0), days=3)
>>> world.sun_phase(world.sunrise[1] - timedelta(hours=1))
'before_sunrise'
>>> render("light.kitchen", {"on": True, "brightness": 60, "color_temp": 2700})[1]["brightness"]
153
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["ENTITIES", "WEATHER_OF", "World", "render", "key_of", "random_settings", "START", "TIMEZONE"]

TIMEZONE = "Europe/Berlin"
START = date(2026, 3, 2)

#: entity id -> (kind, friendly name, extra attributes)
ENTITIES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "light.kitchen": ("light_ct", "Kitchen", {}),
    "light.living_room": ("light_ct", "Living room", {}),
    "light.bedroom": ("light_dim", "Bedroom", {}),
    "light.porch": ("light_onoff", "Porch", {}),
    "climate.living_room": ("climate", "Thermostat", {"hvac_modes": ["off", "heat", "cool", "auto"], "min_temp": 7,
                                                      "max_temp": 35, "target_temp_step": 0.5}),
    "media_player.living_room_tv": ("media", "TV", {"source_list": ["HDMI 1", "HDMI 2", "Netflix", "YouTube", "TV"]}),
    "media_player.kitchen_speaker": ("media", "Kitchen speaker", {"source_list": ["Radio", "Spotify", "Bluetooth"]}),
    "alarm_control_panel.home": ("alarm", "Alarm", {}),
    "cover.living_room_blinds": ("cover", "Living room blinds", {}),
    "cover.bedroom_blinds": ("cover", "Bedroom blinds", {}),
    "switch.coffee_maker": ("switch", "Coffee maker", {}),
}
#: The weather value of each HA condition the generator reports.
WEATHER_OF = {"sunny": "sunny", "clear-night": "sunny", "partlycloudy": "cloudy", "cloudy": "cloudy", "fog": "cloudy",
              "rainy": "rainy", "pouring": "rainy", "snowy": "snowy", "snowy-rainy": "snowy"}
_CONDITIONS = {"sunny": ["sunny"], "cloudy": ["partlycloudy", "cloudy", "cloudy", "fog"], "rainy": ["rainy", "rainy", "pouring"],
               "snowy": ["snowy", "snowy-rainy"]}


def key_of(entity: str) -> str:
    """The device key routines use for an entity (the dot becomes ``_``)."""
    return entity.replace(".", "_")


def render(entity: str, settings: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The HA ``(state, attributes)`` of ``entity`` holding ``settings``."""
    kind, name, extra = ENTITIES[entity]
    attrs: dict[str, Any] = {"friendly_name": name, **extra}
    if kind.startswith("light"):
        if kind == "light_ct":
            attrs.update(min_color_temp_kelvin=2000, max_color_temp_kelvin=6535, supported_color_modes=["color_temp"])
        on = settings.get("on", False)
        if kind != "light_onoff":
            attrs["brightness"] = round(settings["brightness"] * 255 / 100) if on else None
        if kind == "light_ct":
            attrs["color_temp_kelvin"] = settings["color_temp"] if on else None
            attrs["color_temp"] = round(1_000_000 / settings["color_temp"]) if on else None
            attrs["color_mode"] = "color_temp" if on else None
        return ("on" if on else "off"), attrs
    if kind == "climate":
        attrs["temperature"] = settings.get("temperature") if settings["hvac_mode"] != "off" else None
        attrs["current_temperature"] = 19.5
        return settings["hvac_mode"], attrs
    if kind == "media":
        if not settings:
            return "off", attrs
        attrs.update(volume_level=settings["volume"] / 100, source=settings["source"], is_volume_muted=False)
        return "playing", attrs
    if kind == "alarm":
        attrs.update(code_format=None, changed_by=None)
        return ("armed_" + settings["arm_mode"]) if settings["armed"] else "disarmed", attrs
    if kind == "cover":
        attrs.update(current_position=settings["position"], device_class="blind")
        return ("closed" if settings["position"] == 0 else "open"), attrs
    return ("on" if settings.get("on") else "off"), attrs


def random_settings(entity: str, rng: random.Random) -> dict[str, Any]:
    """A plausible full state of ``entity`` (round values, as people pick them)."""
    kind = ENTITIES[entity][0]
    if kind.startswith("light"):
        if rng.random() < 0.25:
            return {"on": False}
        out: dict[str, Any] = {"on": True}
        if kind != "light_onoff":
            out["brightness"] = rng.randrange(10, 101, 10)
        if kind == "light_ct":
            out["color_temp"] = rng.choice([2200, 2700, 3000, 4000, 5000])
        return out
    if kind == "climate":
        mode = rng.choice(["heat", "heat", "cool", "auto", "off"])
        return {"hvac_mode": mode} if mode == "off" else {"hvac_mode": mode, "temperature": rng.randint(17, 25)}
    if kind == "media":
        return {"volume": rng.randrange(10, 65, 5), "source": rng.choice(ENTITIES[entity][2]["source_list"])}
    if kind == "alarm":
        return {"armed": False} if rng.random() < 0.4 else {"armed": True,
                                                            "arm_mode": rng.choice(["away", "home", "night"])}
    if kind == "cover":
        return {"position": rng.choice([0, 25, 50, 75, 100])}
    return {"on": rng.random() < 0.5}


@dataclass
class World:
    """Sunrise and sunset per day (UTC) and the weather reports (UTC time, HA condition, °C)."""

    tz: ZoneInfo
    days: int
    sunrise: list[datetime]
    sunset: list[datetime]
    reports: list[tuple[datetime, str, float]]
    start: date = START

    def __post_init__(self) -> None:
        self._times = [r[0] for r in self.reports]

    @classmethod
    def build(cls, rng: random.Random, *, days: int, tz: str = TIMEZONE, start: date = START) -> "World":
        zone = ZoneInfo(tz)
        sunrise, sunset, reports = [], [], []
        for d in range(days + 1):
            day = start + timedelta(days=d)
            doy = day.timetuple().tm_yday
            length = timedelta(hours=12 + 4.2 * math.sin(2 * math.pi * (doy - 80) / 365.25))
            noon = datetime(day.year, day.month, day.day, 11, 10, tzinfo=timezone.utc)
            sunrise.append(noon - length / 2)
            sunset.append(noon + length / 2)
        moment = datetime(start.year, start.month, start.day, tzinfo=zone).astimezone(timezone.utc)
        end = moment + timedelta(days=days + 1)
        sky, offset = "cloudy", rng.gauss(0, 3)
        while moment < end:
            doy = moment.astimezone(zone).timetuple().tm_yday
            hour = moment.astimezone(zone).hour
            if hour == 6 or not reports:
                offset = rng.gauss(0, 3)  # each day its own warmth
            temp = 9 - 10 * math.cos(2 * math.pi * (doy - 15) / 365.25) + offset \
                + 4 * math.cos(2 * math.pi * (hour - 15) / 24) + rng.gauss(0, 0.5)
            if not reports or rng.random() < 0.3:
                sky = rng.choices(["sunny", "cloudy", "rainy", "snowy"], [0.35, 0.35, 0.25, 0.05])[0]
                if sky == "snowy" and temp > 2:
                    sky = "rainy"
            condition = rng.choice(_CONDITIONS[sky])
            d = min(max((moment.astimezone(zone).date() - start).days, 0), days)
            if condition == "sunny" and not sunrise[d] <= moment < sunset[d]:
                condition = "clear-night"
            reports.append((moment, condition, round(temp, 1)))
            moment += timedelta(minutes=rng.randint(60, 180))
        return cls(zone, days, sunrise, sunset, reports, start)

    def day_index(self, moment: datetime) -> int:
        return (moment.astimezone(self.tz).date() - self.start).days

    def sun_up(self, moment: datetime) -> bool:
        d = min(max(self.day_index(moment), 0), len(self.sunrise) - 1)
        return self.sunrise[d] <= moment < self.sunset[d]

    def sun_phase(self, moment: datetime) -> str:
        """``daylight`` between sunrise and sunset; else before sunrise until local noon, after sunset from it."""
        if self.sun_up(moment):
            return "daylight"
        return "before_sunrise" if moment.astimezone(self.tz).hour < 12 else "after_sunset"

    def weather_at(self, moment: datetime) -> tuple[str, float]:
        """The HA condition and °C of the latest report at ``moment`` (a clear sky after dark is ``clear-night``)."""
        i = max(bisect.bisect_right(self._times, moment) - 1, 0)
        _, condition, temp = self.reports[i]
        return condition, temp
