"""One dialogue session over any device schema: turns, read-backs, offers, corrections and chit-chat.

:func:`render` turns a session's requests ``(device, setting, value)`` into
messages. Whatever happens in between, each request's final value is said in
the dialogue, by the user or by the assistant (an offer the user accepts, a
read-back after "what level?"). Offers the user declines and values the user
corrects are recorded in the returned :class:`Dialogue` so tests can check
that they read as such.

>>> import random
>>> from edgerec.profile.devices import DeviceSchema
>>> home = DeviceSchema.from_dict({"devices": {"fan": {"settings": {"speed": {"type": "int", "min": 0, "max": 3}}}}})
>>> dia = render(random.Random(0), Phrasing.for_difficulty("normal"), home, {"weather": "sunny"}, [("fan", "speed", 2)])
>>> dia.messages[0]["role"], dia.final
('user', {('fan', 'speed'): 2})
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields, replace
from typing import Any

from edgerec_bench.datasets import devices_talk as talk
from edgerec.errors import InputError
from edgerec.profile.devices import DeviceSchema, Setting

__all__ = ["Phrasing", "Dialogue", "Request", "render", "random_value", "other_value", "DIFFICULTIES"]

#: ``(device key, setting key, value)``
Request = tuple[str, str, Any]
DIFFICULTIES = ("normal", "hard")


@dataclass(frozen=True)
class Phrasing:
    """How often each dialogue phenomenon happens (per session unless said otherwise)."""

    p_words: float = 0.3
    """Per number the user says: in words ("forty-five")."""
    p_unit: float = 0.8
    """Per number of a setting with a unit: the unit is said ("45 percent", "80 degrees")."""
    p_bare: float = 0.25
    """Per clause: the setting is not named when the device and value make it clear ("put the heater on eco")."""
    p_multi_device: float = 0.4
    """Per turn: the next device's request joins the same message."""
    p_split: float = 0.2
    """Per device with several settings: one setting per turn, later ones with "its"."""
    p_ask_value: float = 0.12
    """Per one-setting turn: the user names the setting, the assistant asks for the value."""
    p_correction: float = 0.2
    """A value is said wrong and corrected, in the same message or after the assistant's read-back."""
    p_offer: float = 0.1
    """The assistant offers one of the session's settings and the user accepts."""
    p_decline: float = 0.15
    """The assistant offers some other setting and the user declines it."""
    p_read_back: float = 0.7
    """Per assistant reply: the new values are read back (else "Done.")."""
    p_chat: float = 0.4
    """One or two chit-chat exchanges."""
    p_distractor: float = 0.3
    """Per chit-chat exchange: the user's line holds numbers that are not settings."""
    p_casual: float = 0.1
    """Per request message: lower case, no full stop, "pls"."""
    p_closing: float = 0.5
    """A closing thanks."""

    def __post_init__(self) -> None:
        for f in fields(self):
            if not 0.0 <= getattr(self, f.name) <= 1.0:
                raise InputError(f"{f.name} must be a probability in [0, 1], got {getattr(self, f.name)}")

    @classmethod
    def for_difficulty(cls, level: str) -> Phrasing:
        """``"normal"`` (the defaults) or ``"hard"`` (more of every phenomenon, fewer units and read-backs).

        >>> Phrasing.for_difficulty("hard").p_correction
        0.35
        """
        if level not in DIFFICULTIES:
            raise InputError(f"unknown difficulty {level!r} (known: {', '.join(DIFFICULTIES)})")
        if level == "normal":
            return cls()
        return replace(cls(), p_words=0.5, p_unit=0.5, p_bare=0.5, p_multi_device=0.6, p_split=0.35,
                       p_ask_value=0.2, p_correction=0.35, p_offer=0.15, p_decline=0.3, p_read_back=0.5,
                       p_chat=0.6, p_distractor=0.6, p_casual=0.25)


@dataclass
class Dialogue:
    """The messages of a session and what they mean.

    ``final`` maps ``(device, setting)`` to the value the dialogue ends on; ``declined``
    holds offers turned down; ``corrections`` holds ``(device, setting, wrong, right)``.
    """

    messages: list[dict[str, str]] = field(default_factory=list)
    final: dict[tuple[str, str], Any] = field(default_factory=dict)
    declined: list[Request] = field(default_factory=list)
    corrections: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    phenomena: set[str] = field(default_factory=set)

    def say(self, role: str, text: str) -> None:
        self.messages.append({"role": role, "text": text})


# --- values -------------------------------------------------------------------------------------

def _setting(home: DeviceSchema, device: str, name: str) -> Setting:
    """The setting of a request (requests are drawn from the schema, so it exists)."""
    found = home.setting(f"{device}.{name}")
    assert found is not None, (device, name)
    return found


def random_value(home: DeviceSchema, device: str, name: str, rng: random.Random) -> Any:
    """A plausible value: round numbers mostly on wide ranges, any value on narrow ones; always valid."""
    setting = _setting(home, device, name)
    if setting.type == "bool":
        return rng.random() < 0.6
    if setting.type == "enum":
        return rng.choice(setting.values)
    low, high = setting.min, setting.max
    if high - low <= 12 or rng.random() < 0.15:
        return rng.randint(low, high)
    step = 10 if high - low >= 50 and rng.random() < 0.5 else 5
    rounds = [v for v in range(low, high + 1) if v % step == 0]
    return rng.choice(rounds) if rounds else rng.randint(low, high)


def other_value(home: DeviceSchema, device: str, name: str, value: Any, rng: random.Random) -> Any | None:
    """A valid value other than ``value``, or None when the setting has only one."""
    setting = _setting(home, device, name)
    if setting.type == "bool":
        return not value
    options = list(setting.values) if setting.type == "enum" else range(setting.min, setting.max + 1)
    near = [v for v in options if v != value and (setting.type == "enum" or abs(v - value) <= 20)]
    return rng.choice(near) if near else None


# --- chit-chat ----------------------------------------------------------------------------------

_WEATHER_LINES = {
    "sunny": ["What a bright day out there.", "The sun is finally out."],
    "cloudy": ["So grey outside today.", "Can't tell if it's going to rain or not."],
    "rainy": ["It's pouring again.", "I got soaked on the way back."],
    "snowy": ["It's snowing properly now!", "The street is all white."],
}
_TIME_LINES = {
    "morning": ["I'm barely awake.", "Big day ahead."],
    "afternoon": ["The afternoon is dragging on.", "Just had a late lunch."],
    "evening": ["Long day, glad it's over.", "Finally home."],
    "night": ["Can't sleep yet.", "Almost time for bed."],
}
_REPLIES = ["Sounds like a day to take it easy.", "I hear you.", "Hope the rest of it goes well.",
            "Good to know!", "Ha, fair enough.", "Let me know if I can help."]
_TEMPERATURE_OUT = {"very cold": (-12, -1), "cold": (0, 7), "mild": (9, 16), "warm": (18, 25), "hot": (28, 36)}


def _distractor(rng: random.Random, meta: dict[str, str], words: float) -> str:
    """A line with numbers that set nothing (minutes, counts, the temperature outdoors)."""
    n = talk.say_number(rng, rng.choice([5, 10, 15, 20, 40]), words)
    options = [f"I have to leave in {n} minutes.", f"I've got {talk.say_number(rng, rng.randint(2, 6), words)} "
               "calls before lunch tomorrow.", f"Dinner is at {rng.randint(6, 8)}:{rng.choice(['00', '30'])}."]
    if meta.get("outdoor_temp") in _TEMPERATURE_OUT:
        low, high = _TEMPERATURE_OUT[meta["outdoor_temp"]]
        options.append(f"It's {rng.randint(low, high)} degrees outside.")
    return rng.choice(options)


def _chat(rng: random.Random, cfg: Phrasing, dia: Dialogue, meta: dict[str, str]) -> None:
    lines = _WEATHER_LINES.get(meta.get("weather", ""), []) + _TIME_LINES.get(meta.get("time_of_day", ""), [])
    if meta.get("day_of_week") == "weekend":
        lines.append("Finally the weekend.")
    text = rng.choice(lines or ["How's it going?"])
    if rng.random() < cfg.p_distractor:
        text = f"{text} {_distractor(rng, meta, cfg.p_words)}"
        dia.phenomena.add("distractor")
    dia.say("user", text)
    dia.say("assistant", rng.choice(_REPLIES))
    dia.phenomena.add("chat")


# --- requests -----------------------------------------------------------------------------------

def _message(rng: random.Random, cfg: Phrasing, clauses: list[str], dia: Dialogue) -> str:
    body = clauses[0]
    for part in clauses[1:]:
        body += rng.choice([" and ", ", and ", ", ", "; also "]) + part
    verb_first = talk.imperative(body)
    if verb_first and rng.random() < 0.35:
        text = f"{rng.choice(['Can you', 'Could you', 'Would you'])} {body}?"
    elif verb_first and rng.random() < 0.2:
        text = f"Please {body}."
    else:
        text = f"{rng.choice(['', '', 'Hey, ', 'OK, '])}{body}{rng.choice(['.', '.', ', please.', ', thanks.'])}"
    if rng.random() < cfg.p_casual:
        dia.phenomena.add("casual")
        return text.rstrip(".?").replace("please", "pls").lower()
    return _cap(text)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _read_back(rng: random.Random, cfg: Phrasing, home: DeviceSchema, done: list[Request]) -> str:
    if rng.random() >= cfg.p_read_back:
        return rng.choice(["Done.", "All set.", "Okay, done.", "Sure thing."])
    by_device: dict[str, list] = {}
    for device, name, value in done:
        by_device.setdefault(device, []).append((_setting(home, device, name), value))
    parts = [talk.summary(rng, home.device(d), items, words=0.0) for d, items in by_device.items()]
    return f"{rng.choice(['Done', 'Okay', 'Got it', 'Set'])} - {'; '.join(parts)}."


def _turns(rng: random.Random, cfg: Phrasing, requests: list[Request]) -> list[list[Request]]:
    """Requests grouped into user turns: one device per chunk, chunks split or merged."""
    by_device: dict[str, list[Request]] = {}
    for request in requests:
        by_device.setdefault(request[0], []).append(request)
    chunks: list[list[Request]] = []
    for device_requests in by_device.values():
        if len(device_requests) > 1 and rng.random() < cfg.p_split:
            chunks.extend([r] for r in device_requests)
        else:
            chunks.append(list(device_requests))
    turns: list[list[Request]] = []
    for chunk in chunks:
        if turns and turns[-1][-1][0] != chunk[0][0] and rng.random() < cfg.p_multi_device:
            turns[-1].extend(chunk)
        else:
            turns.append(chunk)
    return turns


def _ask_value(rng: random.Random, cfg: Phrasing, home: DeviceSchema, dia: Dialogue, request: Request) -> None:
    device, name, value = request
    dev, setting = home.device(device), _setting(home, device, name)
    thing = talk.target(rng, dev, setting)
    dia.say("user", rng.choice([f"Can you change {thing}?", f"I want to adjust {thing}.", f"{_cap(thing)}, please."]))
    if setting.type == "bool":
        question = "On or off?"
    elif setting.type == "enum":
        options = [v.replace("_", " ") for v in setting.values]
        question = f"Sure - {', '.join(options[:-1])} or {options[-1]}?" if len(options) > 1 else "Which value?"
    else:
        question = rng.choice([f"Sure, what {talk.setting_word(rng, setting)}?", "To what?", "What should I set it to?"])
    dia.say("assistant", question)
    said = talk.say_value(rng, setting, value, words=cfg.p_words, unit=cfg.p_unit)
    dia.say("user", rng.choice([_cap(said) + ".", f"{said}, please.", f"Make it {said}."]))
    dia.phenomena.add("ask_value")


def _offer(rng: random.Random, home: DeviceSchema, request: Request) -> str:
    device, name, value = request
    dev, setting = home.device(device), _setting(home, device, name)
    thing = talk.target(rng, dev, setting)
    if setting.type == "bool":
        verb = "turn on" if value else "turn off"
        return rng.choice([f"Shall I {verb} {thing} as well?", f"Do you want me to {verb} {thing} too?"])
    said = talk.say_value(rng, setting, value, words=0.0, unit=1.0)
    return rng.choice([f"Should I also set {thing} to {said}?", f"Want {thing} at {said} too, like last time?",
                       f"Would you like {thing} on {said} as well?"])


def _pick_declined(rng: random.Random, home: DeviceSchema, taken: set[tuple[str, str]]) -> Request | None:
    free = [(d.name, s.name) for d in home.devices for s in d.settings if (d.name, s.name) not in taken]
    if not free:
        return None
    device, name = rng.choice(free)
    return device, name, random_value(home, device, name, rng)


def render(
    rng: random.Random, cfg: Phrasing, home: DeviceSchema, meta: dict[str, str], requests: list[Request]
) -> Dialogue:
    """The messages of one session asking for ``requests`` (each ``(device, setting, value)``)."""
    dia = Dialogue()
    if rng.random() < cfg.p_chat:
        _chat(rng, cfg, dia, meta)
    pending = list(requests)
    accepted = pending.pop(rng.randrange(len(pending))) if len(pending) >= 2 and rng.random() < cfg.p_offer else None
    taken = {(d, s) for d, s, _ in requests}
    declined = _pick_declined(rng, home, taken) if rng.random() < cfg.p_decline else None
    fix = None  # (request, wrong value, "inline" | "later")
    if rng.random() < cfg.p_correction:
        target = rng.choice(pending)
        wrong = other_value(home, target[0], target[1], target[2], rng)
        if wrong is not None:
            fix = (target, wrong, rng.choice(["inline", "later"]))
    turns = _turns(rng, cfg, pending)
    previous_device = None
    for number, turn in enumerate(turns):
        if len(turn) == 1 and (fix is None or fix[0] != turn[0]) and rng.random() < cfg.p_ask_value:
            _ask_value(rng, cfg, home, dia, turn[0])
            dia.say("assistant", _read_back(rng, cfg, home, turn))
        else:
            clauses, later = [], None
            for device, name, value in turn:
                dev, setting = home.device(device), _setting(home, device, name)
                pronoun = device == previous_device and rng.random() < 0.6
                if fix is not None and fix[0] == (device, name, value):
                    dia.corrections.append((device, name, fix[1], value))
                    dia.phenomena.add(f"correction_{fix[2]}")
                    if fix[2] == "inline":
                        clauses.append(talk.correction_clause(rng, dev, setting, fix[1], value,
                                                              words=cfg.p_words, unit=cfg.p_unit))
                        previous_device = device
                        continue
                    later = (device, name, value)
                    value = fix[1]
                clauses.append(talk.clause(rng, dev, setting, value, words=cfg.p_words, unit=cfg.p_unit,
                                           bare=cfg.p_bare, pronoun=pronoun))
                previous_device = device
            dia.say("user", _message(rng, cfg, clauses, dia))
            said = [(d, s, fix[1]) if later == (d, s, v) else (d, s, v) for d, s, v in turn]
            if later is not None:
                dia.say("assistant", _read_back(rng, replace(cfg, p_read_back=1.0), home, said))
                _correct_later(rng, cfg, home, dia, later, fix[1], alone=len(turn) == 1)
            else:
                dia.say("assistant", _read_back(rng, cfg, home, turn))
        previous_device = turn[-1][0]
        if number == 0 and accepted is not None:
            dia.say("assistant", _offer(rng, home, accepted))
            dia.say("user", rng.choice(["Yes, please.", "Sure.", "Yeah, go ahead.", "Good idea, yes."]))
            dia.say("assistant", rng.choice(["Done.", "Okay, done.", "On it."]))
            dia.phenomena.add("offer_accepted")
            previous_device = accepted[0]
    if declined is not None:
        dia.say("assistant", _offer(rng, home, declined))
        dia.say("user", rng.choice(["No, thanks.", "Not today.", "No, leave that as it is.", "Nah, that's fine."]))
        dia.say("assistant", rng.choice(["Okay, I'll leave it.", "Alright.", "No problem."]))
        dia.declined.append(declined)
        dia.phenomena.add("offer_declined")
    if rng.random() < cfg.p_closing:
        dia.say("user", rng.choice(["Thanks!", "Perfect, thank you.", "Great.", "That's all."]))
        dia.say("assistant", rng.choice(["You're welcome.", "Any time.", "Enjoy!"]))
    dia.final = {(d, s): v for d, s, v in requests}
    return dia


def _correct_later(rng: random.Random, cfg: Phrasing, home: DeviceSchema, dia: Dialogue, request: Request,
                   wrong: Any, *, alone: bool) -> None:
    """The user corrects a value the assistant just read back; ``alone`` when it was the turn's only setting."""
    device, name, value = request
    setting = _setting(home, device, name)
    said = talk.say_value(rng, setting, value, words=cfg.p_words, unit=cfg.p_unit)
    was = talk.say_value(rng, setting, wrong, words=0.0, unit=0.0)
    word = talk.setting_word(rng, setting)
    if alone:
        options = [f"Sorry, I meant {said}, not {was}.", f"Hmm, change that to {said}.", f"No wait, {word} {said}."]
    else:  # other values were read back too, so the setting is named with its device
        thing = talk.target(rng, home.device(device), setting)
        options = [f"Actually, make {thing} {said} instead.", f"Sorry, {thing} should be {said}, not {was}."]
    dia.say("user", rng.choice(options))
    dia.say("assistant", _read_back(rng, replace(cfg, p_read_back=1.0), home, [request]))
