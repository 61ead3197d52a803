"""Blinds, a kettle and a heater (tests/data/home_devices.json): dialogues written here, sessions and known routines.

Shared by the SDK's known-answer tests and the bench kit's ``eval edgewise --devices`` test.
"""

from __future__ import annotations

import json
import random

from edgerec.profile.devices import DeviceSchema
from helpers import REPO

HOME_FILE = REPO / "tests" / "data" / "home_devices.json"
HOME = DeviceSchema.load(HOME_FILE)

MORNING = {"blinds": {"position": 80}, "kettle": {"keep_warm": True, "temperature": 90}}
EVENING = {"blinds": {"tilt": "closed"}, "heater": {"level": 3, "mode": "comfort"}}
SNOW = {"heater": {"level": 5, "mode": "boost"}}

# Each dialogue alternates user, assistant, user...
DIALOGUES = {
    "morning": [
        ["Morning! Heat the kettle to 90 degrees and keep it warm, then raise the blinds to 80%."],
        ["Kettle to ninety degrees with keep warm on please. Shades at eighty percent."],
        ["Put the kettle on at 90 degrees.", "Done. Shall I switch on keep warm too?", "Yes please. And the blinds to 80."],
        ["Blinds up to 80 percent please.", "Blinds are at 80%.", "Great. Water boiler at 90 and turn on the warming."],
        ["Start my morning: shades to 80%, kettle 90 degrees, keep-warm on."],
    ],
    "evening": [
        ["Close the slats and set the heater to level 3 on comfort mode."],
        ["Heater on comfort, level three. Shut the louvres too."],
        ["Tilt the blinds closed.", "Done, slats closed.", "Thanks, and the radiator to 3, comfort programme."],
        ["Evening please: radiator at 3 in comfort mode and the blinds shut."],
        ["Could you shut the blinds?", "Should I close the slats fully?", "Yes. Then heater level 3, comfort."],
    ],
    "snow": [
        ["It's freezing. Heater on boost, level 5."],
        ["Radiator to five and boost mode please."],
        ["Set the heater to 4.", "Heater at level 4.", "Actually make it 5, and switch it to boost."],
        ["Snow again... space heater on the boost programme at level five, please."],
        ["Heater to level 5 please.", "Done. Would you like boost mode as well?", "Yes, boost."],
    ],
}
ANSWERS = {"morning": MORNING, "evening": EVENING, "snow": SNOW}


def messages(texts):
    return [{"role": "user" if i % 2 == 0 else "assistant", "text": t} for i, t in enumerate(texts)]


def sessions(seed: int) -> list[dict]:
    """A user's sessions: three routines with their contexts, and spontaneous requests at random."""
    rng = random.Random(seed)
    meta_values = {"time_of_day": ["morning", "afternoon", "evening", "night"], "day_of_week": ["weekday", "weekend"],
                   "sun_phase": ["before_sunrise", "daylight", "after_sunset"],
                   "weather": ["sunny", "cloudy", "rainy", "snowy"],
                   "outdoor_temp": ["very cold", "cold", "mild", "warm", "hot"]}

    def meta(**fixed):
        drawn = {k: rng.choice([v for v in vs if v not in fixed.get("avoid_" + k, ())]) for k, vs in meta_values.items()}
        drawn.update({k: v for k, v in fixed.items() if not k.startswith("avoid_")})
        return drawn

    plan = ([("morning", dict(time_of_day="morning", day_of_week="weekday", avoid_weather=("snowy",)))] * 30
            + [("evening", dict(time_of_day="evening", avoid_weather=("snowy",)))] * 30
            + [("snow", dict(weather="snowy", avoid_time_of_day=("evening",)))] * 20
            + [(None, dict(avoid_weather=("snowy",)))] * 25)
    rng.shuffle(plan)
    found = []
    for number, (routine, fixed) in enumerate(plan):
        if routine is None:
            texts = [rng.choice([f"Blinds to {rng.randrange(5, 60, 5)} percent.", f"Kettle to {rng.randrange(40, 80, 5)} degrees.",
                                 f"Heater level {rng.randrange(0, 3)}.", "What's the weather like today?",
                                 "Thanks, that's all for now.", f"Set the blinds to {rng.randrange(5, 60, 5)}%."])]
        else:
            texts = rng.choice(DIALOGUES[routine])
        found.append({"session_id": number, "meta": meta(**fixed), "messages": messages(texts)})
    return found


KNOWN = [
    {"triggers": {"time_of_day": "morning", "day_of_week": "weekday"}, "actions": MORNING},
    {"triggers": {"time_of_day": "evening"}, "actions": EVENING},
    {"triggers": {"weather": "snowy"}, "actions": SNOW},
]


def key(routine):
    """A routine's triggers and actions as one comparable string (a stored profile also has its confidence)."""
    return json.dumps({"triggers": routine["triggers"], "actions": routine["actions"]}, sort_keys=True)
