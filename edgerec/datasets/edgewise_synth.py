"""A generator of EdgeWisePersona-format data: users, routines, and dialogues.

The real benchmark cannot be downloaded here, so this writes data of the same
shape (see :mod:`edgerec.datasets.edgewise`) that is hard in the same ways as
LLM-written smart-home dialogues. Per user:

* 3-6 routines, each with 1-3 trigger fields (drawn from a coherent meta:
  sun phase fits the time of day, outdoor temperature fits the weather) and
  1-3 devices with 1-3 settings each. Trigger sets of one user never nest, and
  often overlap (same time of day, different weather); routines often share a
  device with different values.
* About 75% routine-driven sessions: the meta satisfies one routine's
  triggers (and, unless ``p_ambiguous_meta``, no other routine's), the other
  meta fields are random; the user asks for that routine's settings, sometimes
  only part of them, sometimes plus an unrelated one-off request.
  ``applied_routines`` names the routine.
* About 25% spontaneous sessions: random meta, 1-3 random settings.

How the settings are said is drawn per phenomenon with the probabilities of
:class:`SynthConfig` (synonyms, numbers as words, indirect requests, asking for
the value, relative changes, assistant proposals accepted or declined,
corrections where the last value wins, small talk, distractor numbers,
unmodelled devices, several requests per turn). Whatever the phrasing, every
setting's final value is stated somewhere in the dialogue.

Output is deterministic for a seed, and user ``i`` does not depend on how many
users are generated.

>>> import tempfile
>>> summary = generate(tempfile.mkdtemp(), users=1, sessions=8, seed=0)
>>> summary["users"], summary["sessions"]
(1, 8)
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from edgerec.datasets import edgewise_phrasing as say
from edgerec.datasets.edgewise import DEVICE_FIELDS, META_FIELDS, EdgewiseUser, write
from edgerec.errors import InputError

__all__ = ["SynthConfig", "SessionTrace", "synthesize_user", "generate", "DIFFICULTIES"]


@dataclass(frozen=True)
class SynthConfig:
    """Shape of the data and the probability of each dialogue phenomenon.

    Probabilities are per session unless said otherwise. The defaults are the
    ``"normal"`` difficulty; :meth:`for_difficulty` gives ``"easy"`` (plain
    explicit requests only, to debug a pipeline) and ``"hard"``.
    """

    routine_share: float = 0.75
    """Share of sessions that enact a routine (the rest are spontaneous)."""
    routines_per_user: tuple[int, int] = (3, 6)
    triggers_per_routine: tuple[int, int] = (1, 3)
    devices_per_routine: tuple[int, int] = (1, 3)
    fields_per_device: tuple[int, int] = (1, 3)
    p_overlap_triggers: float = 0.5
    """A new routine copies an earlier routine's triggers but changes one value."""
    p_shared_device: float = 0.5
    """A new routine reuses an earlier routine's device, with different values."""
    p_ambiguous_meta: float = 0.05
    """A routine session's meta may also satisfy another routine's triggers."""
    p_partial: float = 0.3
    """A routine session asks for only part of the routine's settings."""
    p_extra_request: float = 0.15
    """A routine session also asks for one unrelated setting."""
    p_multi_request: float = 0.45
    """Per user turn: another device's request joins the same message."""
    p_split_device: float = 0.2
    """Per device: its settings are asked for in separate turns."""
    p_words: float = 0.35
    """Per number said by the user: written as words ("twenty-four")."""
    p_indirect: float = 0.15
    """Per single-setting turn: asked indirectly ("it's freezing") + assistant proposal."""
    p_ask_value: float = 0.12
    """Per single-setting turn: the user names the setting, the assistant asks the value."""
    p_relative: float = 0.08
    """Per numeric single-setting turn: "a bit louder", only the assistant says the number."""
    p_proposal: float = 0.08
    """Per later single-setting turn: the assistant proposes the setting, the user accepts."""
    p_declined_proposal: float = 0.12
    """The assistant proposes another setting and the user declines it."""
    p_correction: float = 0.2
    """The session holds a correction (in the same turn, the next turn, or a misheard value)."""
    p_confirm_repeat: float = 0.7
    """Per confirmation: the assistant repeats the values (else "Done!")."""
    p_small_talk: float = 0.5
    """The session holds 1-3 chit-chat exchanges."""
    p_distractor: float = 0.3
    """Per request turn: a sentence with unrelated numbers (times, counts, outside degrees)."""
    p_off_schema: float = 0.12
    """A request for an unmodelled device (oven, blinds, timer)."""
    p_closing: float = 0.5
    """A closing "thanks" exchange."""
    p_context_preface: float = 0.25
    """The first request starts with what the user is about to do ("Just got home.")."""
    p_followup_pronoun: float = 0.6
    """Per follow-up on the device just discussed: named only as "it"/"them"."""
    p_from_value: float = 0.1
    """Per numeric single-setting turn: the current value is said too ("from 40 down to 20")."""
    p_state_query: float = 0.1
    """The user asks what a setting is at, hears a value, and leaves it."""
    p_usual: float = 0.06
    """A full routine session is asked for as "the usual"; only the assistant states the values."""
    p_casual: float = 0.12
    """Per request message: typed casually (lower case, "pls", no full stop)."""
    p_assistant_words: float = 0.1
    """Per number in an assistant confirmation: written as words."""
    p_hedge: float = 0.08
    """Per number in a direct request: hedged ("around 40"); the value is still 40."""
    p_clamped: float = 0.3
    """Per turn setting a range bound (AC 16/30, fan 3): the user asks past it, the assistant sets the bound."""
    p_which_device: float = 0.2
    """Per volume/brightness turn: the device is not named and the assistant asks which one."""
    p_cancel: float = 0.08
    """The user asks for another setting, then cancels it ("Wait, cancel that.")."""
    p_named_input: float = 0.3
    """Per turn setting a wired TV input: the user names what is plugged in ("the PlayStation")."""
    style_spread: float = 0.5
    """Users differ: each user's p_words, p_casual, p_distractor and p_multi_request are the
    config's times a factor drawn in [1 - spread, 1 + spread]."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.startswith("p_") or f.name in ("routine_share", "style_spread"):
                if not 0.0 <= value <= 1.0:
                    raise InputError(f"{f.name} must be a probability in [0, 1], got {value}")
            elif not (1 <= value[0] <= value[1]):
                raise InputError(f"{f.name} must be a (low, high) range with 1 <= low <= high, got {value}")
        if self.fields_per_device[1] > 3 or self.triggers_per_routine[1] > len(META_FIELDS):
            raise InputError("at most 3 fields per device and 5 triggers per routine exist in the schema")

    @classmethod
    def for_difficulty(cls, level: str) -> SynthConfig:
        """The preset for ``"easy"``, ``"normal"`` or ``"hard"``.

        >>> SynthConfig.for_difficulty("easy").p_correction
        0.0
        """
        if level not in DIFFICULTIES:
            raise InputError(f"unknown difficulty {level!r} (known: {', '.join(DIFFICULTIES)})")
        base = cls()
        if level == "normal":
            return base
        phenomena = [
            f.name for f in fields(cls)
            if f.name.startswith("p_") and f.name not in ("p_overlap_triggers", "p_shared_device", "p_confirm_repeat")
        ]
        if level == "easy":
            return replace(base, **{name: 0.0 for name in phenomena}, p_confirm_repeat=1.0)
        return replace(base, **{name: min(1.0, getattr(base, name) * 1.6) for name in phenomena},
                       p_overlap_triggers=0.7, p_shared_device=0.7, p_confirm_repeat=0.5)


DIFFICULTIES = ("easy", "normal", "hard")


@dataclass(frozen=True)
class SessionTrace:
    """What the generator knows about one session and a model must infer.

    ``actions`` are the final settings the dialogue asks for (device -> field ->
    value); ``routine`` is the enacted routine's index or None (spontaneous);
    ``phenomena`` names the phrasing phenomena used.
    """

    actions: dict[str, dict[str, Any]]
    routine: int | None
    phenomena: frozenset[str] = field(default_factory=frozenset)


# --- meta ---------------------------------------------------------------------

_SUN_GIVEN_TIME = {
    "morning": {"before_sunrise": 0.35, "daylight": 0.65},
    "afternoon": {"daylight": 1.0},
    "evening": {"after_sunset": 0.7, "daylight": 0.3},
    "night": {"after_sunset": 0.6, "before_sunrise": 0.4},
}
_WEATHER = {"sunny": 0.35, "cloudy": 0.3, "rainy": 0.2, "snowy": 0.15}
_TEMP_GIVEN_WEATHER = {
    "sunny": {"very cold": 0.05, "cold": 0.15, "mild": 0.3, "warm": 0.3, "hot": 0.2},
    "cloudy": {"very cold": 0.1, "cold": 0.25, "mild": 0.35, "warm": 0.25, "hot": 0.05},
    "rainy": {"cold": 0.35, "mild": 0.45, "warm": 0.2},
    "snowy": {"very cold": 0.6, "cold": 0.4},
}
_TRIGGER_WEIGHTS = {"time_of_day": 5.0, "day_of_week": 3.0, "weather": 3.0, "outdoor_temp": 2.0, "sun_phase": 1.5}


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _coherent(meta: dict[str, str]) -> bool:
    tod, sun = meta.get("time_of_day"), meta.get("sun_phase")
    weather, temp = meta.get("weather"), meta.get("outdoor_temp")
    if tod and sun and sun not in _SUN_GIVEN_TIME[tod]:
        return False
    if weather and temp and temp not in _TEMP_GIVEN_WEATHER[weather]:
        return False
    return True


def _sample_meta(rng: random.Random, fixed: dict[str, str] | None = None) -> dict[str, str] | None:
    """A coherent full meta agreeing with ``fixed``; None if none found quickly."""
    fixed = fixed or {}
    for _ in range(200):
        meta = dict(fixed)
        meta.setdefault("time_of_day", rng.choice(META_FIELDS["time_of_day"]))
        meta.setdefault("day_of_week", "weekday" if rng.random() < 5 / 7 else "weekend")
        meta.setdefault("sun_phase", _pick(rng, _SUN_GIVEN_TIME[meta["time_of_day"]]))
        meta.setdefault("weather", _pick(rng, _WEATHER))
        meta.setdefault("outdoor_temp", _pick(rng, _TEMP_GIVEN_WEATHER[meta["weather"]]))
        if _coherent(meta):
            return {k: meta[k] for k in META_FIELDS}
    return None


def _matches(meta: dict[str, str], triggers: dict[str, str]) -> bool:
    return all(meta.get(k) == v for k, v in triggers.items())


# --- routines -----------------------------------------------------------------

def _random_value(device: str, name: str, rng: random.Random) -> Any:
    spec = DEVICE_FIELDS[device][name]
    if spec is bool:
        return rng.random() < 0.65
    if isinstance(spec, tuple):
        return rng.choice(spec)
    if name == "temperature":
        return rng.randint(19, 26) if rng.random() < 0.8 else rng.randint(16, 30)
    if name == "fan_speed":
        return rng.choice([0, 1, 1, 2, 2, 2, 3, 3])
    if rng.random() < 0.2:
        return rng.randint(1, 100)
    if name == "brightness":
        return rng.randrange(10, 101, 10)
    if name == "alarm_volume":
        return rng.randrange(40, 101, 10)
    return rng.randrange(5, 75, 5)


def _different_value(device: str, name: str, value: Any, rng: random.Random) -> Any:
    for _ in range(50):
        other = _random_value(device, name, rng)
        if other != value:
            return other
    spec = DEVICE_FIELDS[device][name]
    if spec is bool:
        return not value
    options = [v for v in (spec if isinstance(spec, tuple) else range(spec.start, spec.stop)) if v != value]
    return rng.choice(options)


def _nested(a: dict[str, str], b: dict[str, str]) -> bool:
    items_a, items_b = set(a.items()), set(b.items())
    return items_a <= items_b or items_b <= items_a


def _new_triggers(rng: random.Random, cfg: SynthConfig, existing: list[dict[str, str]]) -> dict[str, str] | None:
    bases = [t for t in existing if len(t) >= 2]
    if bases and rng.random() < cfg.p_overlap_triggers:
        triggers = dict(rng.choice(bases))
        changed = rng.choice(sorted(triggers))
        options = [v for v in META_FIELDS[changed] if v != triggers[changed]]
        triggers[changed] = rng.choice(options)
    else:
        meta = _sample_meta(rng)
        k = rng.randint(*cfg.triggers_per_routine)
        names: list[str] = []
        pool = dict(_TRIGGER_WEIGHTS)
        while len(names) < k:
            name = _pick(rng, pool)
            names.append(name)
            del pool[name]
        triggers = {n: meta[n] for n in META_FIELDS if n in names}
    if not (cfg.triggers_per_routine[0] <= len(triggers) <= cfg.triggers_per_routine[1]):
        return None
    if any(_nested(triggers, t) for t in existing) or _sample_meta(rng, triggers) is None:
        return None
    return triggers


def _new_actions(rng: random.Random, cfg: SynthConfig, existing: list[dict]) -> dict[str, dict[str, Any]]:
    n_devices = rng.randint(*cfg.devices_per_routine)
    devices = rng.sample(sorted(DEVICE_FIELDS), n_devices)
    shared: tuple[str, dict[str, Any]] | None = None
    if existing and rng.random() < cfg.p_shared_device:
        old = rng.choice(existing)
        device = rng.choice(sorted(old))
        shared = (device, old[device])
        if device not in devices:
            devices[0] = device
    actions: dict[str, dict[str, Any]] = {}
    for device in devices:
        names = sorted(DEVICE_FIELDS[device])
        k = min(len(names), rng.randint(*cfg.fields_per_device))
        chosen = rng.sample(names, k)
        if shared and shared[0] == device:
            overlap = [n for n in shared[1] if n in names]
            if not any(n in chosen for n in overlap):
                chosen[0] = rng.choice(overlap)
        settings = {n: _random_value(device, n, rng) for n in names if n in chosen}
        if shared and shared[0] == device:
            for n in settings:
                if n in shared[1] and settings[n] == shared[1][n]:
                    settings[n] = _different_value(device, n, settings[n], rng)
        actions[device] = settings
    return actions


def _make_routines(rng: random.Random, cfg: SynthConfig) -> list[dict[str, Any]]:
    n = rng.randint(*cfg.routines_per_user)
    triggers: list[dict[str, str]] = []
    actions: list[dict[str, dict[str, Any]]] = []
    for _ in range(1000):
        if len(triggers) == n:
            break
        new_triggers = _new_triggers(rng, cfg, triggers)
        if new_triggers is None:
            continue
        new_actions = _new_actions(rng, cfg, actions)
        if new_actions in actions:
            continue
        triggers.append(new_triggers)
        actions.append(new_actions)
    return [{"triggers": t, "actions": a} for t, a in zip(triggers, actions)]


# --- sessions -----------------------------------------------------------------

Request = tuple[str, str, Any]  # (device, field, value)

_RELATIVE_FIELDS = {"volume", "brightness", "temperature", "alarm_volume"}
_NUMERIC = {"volume", "brightness", "temperature", "alarm_volume", "fan_speed"}


def _flat_requests(actions: dict[str, dict[str, Any]]) -> list[Request]:
    return [(d, f, v) for d, settings in actions.items() for f, v in settings.items()]


def _random_requests(rng: random.Random, k: int, avoid: set[tuple[str, str]]) -> list[Request]:
    pairs = [(d, f) for d in sorted(DEVICE_FIELDS) for f in sorted(DEVICE_FIELDS[d]) if (d, f) not in avoid]
    return [(d, f, _random_value(d, f, rng)) for d, f in rng.sample(pairs, min(k, len(pairs)))]


def _wrong_value(device: str, name: str, value: Any, rng: random.Random) -> Any:
    """A plausible wrong value for a correction (nearby for numbers)."""
    spec = DEVICE_FIELDS[device][name]
    if isinstance(spec, range):
        near = [v for v in range(value - 6, value + 7) if v != value and v in spec]
        return rng.choice(near)
    return _different_value(device, name, value, rng)


def _at_bound(device: str, name: str, value: Any) -> bool:
    """Whether a value sits at the end of its range where users overshoot it."""
    return (name == "temperature" and value in (16, 30)) or (name == "fan_speed" and value == 3)


class _Dialogue:
    """Builds one session's messages; remembers which phenomena it used."""

    def __init__(self, rng: random.Random, cfg: SynthConfig, meta: dict[str, str], inputs: dict[str, str]):
        self.rng, self.cfg, self.meta, self.inputs = rng, cfg, meta, inputs
        self.messages: list[dict[str, str]] = []
        self.phenomena: set[str] = set()
        self.preface = say.context_preface(meta, rng) if self.chance(cfg.p_context_preface, "context_preface") else None

    def user(self, text: str) -> None:
        self.messages.append({"role": "user", "text": text})

    def assistant(self, text: str) -> None:
        self.messages.append({"role": "assistant", "text": text})

    def chance(self, p: float, name: str) -> bool:
        hit = self.rng.random() < p
        if hit:
            self.phenomena.add(name)
        return hit

    def confirm(self, changes: list[Request], p_repeat: float | None = None) -> None:
        repeat = self.cfg.p_confirm_repeat if p_repeat is None else p_repeat
        self.assistant(say.say_confirmation(changes, self.rng, p_repeat=repeat, p_words=self.cfg.p_assistant_words))

    def request(self, text: str) -> None:
        """A user message that asks for something: dressed with preface, distractor, casual style."""
        if self.preface:
            text, self.preface = f"{self.preface} {text}", None
        if self.chance(self.cfg.p_distractor, "distractor"):
            extra = say.distractor(self.meta, self.rng)
            text = f"{extra} {text}" if self.rng.random() < 0.5 else f"{text} {extra}"
        if self.chance(self.cfg.p_casual, "casual"):
            text = say.casual(text, self.rng)
        self.user(text)

    # one turn per style -------------------------------------------------------

    def direct(self, units: list[tuple[str, list[tuple[str, Any]]]], correction: bool) -> None:
        """The user asks for the settings of ``units`` outright; optionally with a correction."""
        rng, p_words = self.rng, self.cfg.p_words
        kind = rng.choice(["same_turn", "next_turn", "misheard"]) if correction else None
        units = [(device, list(settings)) for device, settings in units]
        fix: tuple[str, str, Any, Any] | None = None  # device, field, right value, wrong value
        target = rng.randrange(len(units)) if kind else -1
        if kind:
            # The corrected setting goes last in its clause, right before the fix.
            fix_device, fix_settings = units[target]
            fix_settings.append(fix_settings.pop(rng.randrange(len(fix_settings))))
            fix_name, right = fix_settings[-1]
            fix = (fix_device, fix_name, right, _wrong_value(fix_device, fix_name, right, rng))
        explicit = sum(len(settings) for _, settings in units) > 1
        clauses, said = [], []
        for i, (device, settings) in enumerate(units):
            said.extend((device, f, v) for f, v in settings)
            if fix and kind in ("same_turn", "next_turn") and i == target:
                _, name, right, wrong = fix
                clause = say.say_request(device, settings[:-1] + [(name, wrong)], rng, p_words=p_words,
                                         p_hedge=self.cfg.p_hedge)
                if kind == "same_turn":
                    clause += say.say_fix(device, name, right, rng, p_words=p_words, kind=kind, explicit=explicit)
                clauses.append(clause)
            else:
                clauses.append(say.say_request(device, settings, rng, p_words=p_words, p_hedge=self.cfg.p_hedge))
        if any(text in " ".join(clauses) for text in ("around ", "about ", "something like ", "maybe ", "roughly ")):
            self.phenomena.add("hedge")
        self.request(say.polite(say.join_clauses(clauses, rng), rng))
        if fix and kind in ("misheard", "next_turn"):
            device, name, right, wrong = fix
            shown = [(d, f, wrong if (d, f) == (device, name) else v) for d, f, v in said]
            # Misheard: the assistant echoes a value the user never said. Next
            # turn: the user said the wrong value, the assistant may echo it.
            self.confirm(shown, 1.0 if kind == "misheard" else None)
            self.user(say.say_fix(device, name, right, rng, p_words=p_words, kind=kind, explicit=explicit))
            self.confirm([(device, name, right)], 0.8)
        else:
            self.confirm(said)
        if kind:
            self.phenomena.add("correction")
            self.phenomena.add(f"correction_{kind}")

    def followup(self, device: str, settings: list[tuple[str, Any]]) -> None:
        self.request(say.say_followup(device, settings, self.rng, p_words=self.cfg.p_words))
        self.confirm([(device, f, v) for f, v in settings])

    def from_to(self, device: str, name: str, value: int) -> None:
        spec = DEVICE_FIELDS[device][name]
        old = self.rng.choice([v for v in range(value - 25, value + 26, 5) if v != value and v in spec] or [spec.start])
        clause = say.say_from_to(device, name, old, value, self.rng, p_words=self.cfg.p_words)
        self.request(say.polite(clause, self.rng))
        self.confirm([(device, name, value)])

    def named_input(self, source: str) -> None:
        user, reply = say.say_named_input(source, self.inputs[source], self.rng)
        self.request(user)
        self.assistant(reply)

    def clamped(self, device: str, name: str, value: int) -> None:
        spec = DEVICE_FIELDS[device][name]
        asked = value + self.rng.randint(1, 3) if value == spec.stop - 1 else value - self.rng.randint(1, 2)
        user, reply = say.say_clamped(device, name, asked, value, self.rng, p_words=self.cfg.p_words)
        self.request(user)
        self.assistant(reply)

    def which_device(self, device: str, name: str, value: Any) -> None:
        user, question, answer = say.say_which_device(device, name, value, self.rng, p_words=self.cfg.p_words)
        self.request(user)
        self.assistant(question)
        self.user(answer)
        self.confirm([(device, name, value)])

    def cancelled(self, requests: list[Request]) -> None:
        """The user asks for a setting outside ``requests`` and takes it back."""
        [(device, name, value)] = _random_requests(self.rng, 1, {(d, f) for d, f, _ in requests})
        self.request(say.polite(say.say_request(device, [(name, value)], self.rng, p_words=self.cfg.p_words), self.rng))
        self.confirm([(device, name, value)])
        user, reply = say.say_cancel(device, self.rng)
        self.user(user)
        self.assistant(reply)

    def indirect(self, device: str, name: str, value: Any, opener: tuple[str, str]) -> None:
        complaint, reply = opener
        self.request(complaint)
        self.assistant(reply)
        if isinstance(value, int) and not isinstance(value, bool) and name in _NUMERIC:
            self.user(say.say_value_answer(device, name, value, self.rng, p_words=self.cfg.p_words))
        else:
            self.user(say.acceptance(self.rng))
        self.confirm([(device, name, value)])

    def ask_value(self, device: str, name: str, value: Any) -> None:
        self.request(say.say_open_request(device, name, self.rng))
        self.assistant(say.ask_for_value(device, name, self.rng))
        self.user(say.say_value_answer(device, name, value, self.rng, p_words=self.cfg.p_words))
        self.confirm([(device, name, value)])

    def relative(self, device: str, name: str, value: int) -> None:
        spec = DEVICE_FIELDS[device][name]
        starts = [v for v in range(value - 10, value + 11) if v != value and v in spec]
        user, reply = say.say_relative(device, name, value, self.rng.choice(starts), self.rng)
        self.request(user)
        self.assistant(reply)
        if self.rng.random() < 0.5:
            self.user(say.acceptance(self.rng))

    def proposal(self, device: str, name: str, value: Any) -> None:
        """Appends a proposal to the last assistant message; the user accepts."""
        self.messages[-1]["text"] += " " + say.say_proposal(device, name, value, self.rng)
        self.user(say.acceptance(self.rng))
        self.confirm([(device, name, value)])

    def usual(self, requests: list[Request]) -> None:
        """The user asks for "the usual"; the assistant spells out every setting."""
        self.request(say.say_usual(self.meta, self.rng))
        self.confirm(requests, 1.0)
        if self.rng.random() < 0.6:
            self.user(say.acceptance(self.rng))

    def declined_proposal(self, requests: list[Request]) -> None:
        taken = {(d, f) for d, f, _ in requests}
        [(device, name, value)] = _random_requests(self.rng, 1, taken)
        self.messages[-1]["text"] += " " + say.say_proposal(device, name, value, self.rng)
        self.user(say.declination(self.rng))
        self.assistant(self.rng.choice(["Okay, I'll leave it.", "No problem.", "Alright.", "Sure, leaving it as is."]))

    def state_query(self, requests: list[Request], *, before_requests: bool) -> None:
        """The user asks what a setting is at and hears a value that is not a request.

        Only ``before_requests`` may it be about a setting the session later
        changes (asking after a change would contradict the final value).
        """
        rng = self.rng
        if before_requests and requests and rng.random() < 0.5:
            device, name, value = rng.choice(requests)
            value = _different_value(device, name, value, rng)
        else:
            [(device, name, value)] = _random_requests(rng, 1, {(d, f) for d, f, _ in requests})
        question, answer, leave = say.say_state_query(device, name, value, rng)
        self.user(question)
        self.assistant(answer)
        if not any((d, f) == (device, name) for d, f, _ in requests):
            self.user(leave)
            self.assistant(rng.choice(["Okay.", "Sure.", "Alright, no change."]))


def _render(
    rng: random.Random,
    cfg: SynthConfig,
    meta: dict[str, str],
    requests: list[Request],
    *,
    inputs: dict[str, str],
    usual: bool = False,
) -> _Dialogue:
    """Messages for a session whose final settings are ``requests``.

    ``inputs`` says what the household has plugged into each wired TV input.
    With ``usual`` the user asks for "the usual" and only the assistant states
    the settings.
    """
    dia = _Dialogue(rng, cfg, meta, inputs)
    n_talk = rng.randint(1, 3) if dia.chance(cfg.p_small_talk, "small_talk") else 0
    slots = sorted(rng.choices(["start", "middle", "end"], weights=[3, 1, 1], k=n_talk), key=["start", "middle", "end"].index)
    chit_chat = list(zip(slots, say.small_talk(meta, rng, k=n_talk, opening=slots[:1] == ["start"]))) if n_talk else []

    # Group by device, keeping a device's settings together unless split;
    # the two halves of a split device stay next to each other.
    by_device: dict[str, list[tuple[str, Any]]] = {}
    for device, name, value in requests:
        by_device.setdefault(device, []).append((name, value))
    groups = list(by_device.items())
    rng.shuffle(groups)
    units: list[tuple[str, list[tuple[str, Any]]]] = []
    for device, settings in groups:
        if len(settings) >= 2 and dia.chance(cfg.p_split_device, "split_device"):
            cut = rng.randint(1, len(settings) - 1)
            units += [(device, settings[:cut]), (device, settings[cut:])]
        else:
            units.append((device, settings))
    turns: list[list[tuple[str, list[tuple[str, Any]]]]] = []
    if usual:
        dia.phenomena.add("usual")
    else:
        for unit in units:
            if turns and turns[-1][-1][0] != unit[0] and rng.random() < cfg.p_multi_request:
                turns[-1].append(unit)
                dia.phenomena.add("multi_request")
            else:
                turns.append([unit])

    correction_turn = rng.randrange(len(turns)) if turns and dia.chance(cfg.p_correction, "correction") else None
    declined_after = rng.randrange(len(turns)) if turns and dia.chance(cfg.p_declined_proposal, "declined_proposal") else None
    off_schema_at = rng.randrange(len(turns) + 1) if dia.chance(cfg.p_off_schema, "off_schema") else None
    query_at = rng.randrange(len(turns) + 1) if dia.chance(cfg.p_state_query, "state_query") else None
    cancel_at = rng.randrange(len(turns) + 1) if dia.chance(cfg.p_cancel, "cancel") else None
    dia.phenomena.discard("correction")  # set again only if a correction is actually rendered

    def talk(slot: str) -> None:
        for where, (user, reply) in chit_chat:
            if where == slot:
                dia.user(user)
                dia.assistant(reply)

    def interludes(index: int) -> None:
        if off_schema_at == index:
            user, reply = say.off_schema_request(rng)
            dia.request(user)
            dia.assistant(reply)
        if query_at == index:
            dia.state_query(requests, before_requests=index == 0)
        if cancel_at == index:
            dia.cancelled(requests)

    talk("start")
    if usual:
        interludes(0)
        dia.usual(requests)
    previous_device = None
    for index, turn in enumerate(turns):
        interludes(index)
        if index == len(turns) // 2 and index > 0:
            talk("middle")
        single = len(turn) == 1 and len(turn[0][1]) == 1
        device, settings = turn[0]
        name, value = settings[0]
        opener = say.say_indirect(device, name, value, rng) if single else None
        if correction_turn == index:
            dia.direct(turn, correction=True)
        elif len(turn) == 1 and device == previous_device and dia.chance(cfg.p_followup_pronoun, "pronoun_followup"):
            dia.followup(device, settings)
        elif single and name == "input_source" and value in inputs and dia.chance(cfg.p_named_input, "named_input"):
            dia.named_input(value)
        elif single and _at_bound(device, name, value) and dia.chance(cfg.p_clamped, "clamped"):
            dia.clamped(device, name, value)
        elif single and name in ("volume", "brightness") and dia.chance(cfg.p_which_device, "which_device"):
            dia.which_device(device, name, value)
        elif single and opener and dia.chance(cfg.p_indirect, "indirect"):
            dia.indirect(device, name, value, opener)
        elif single and dia.chance(cfg.p_ask_value, "ask_value"):
            dia.ask_value(device, name, value)
        elif single and name in _RELATIVE_FIELDS and dia.chance(cfg.p_relative, "relative"):
            dia.relative(device, name, value)
        elif single and name in _RELATIVE_FIELDS and dia.chance(cfg.p_from_value, "from_value"):
            dia.from_to(device, name, value)
        elif single and dia.messages and dia.messages[-1]["role"] == "assistant" and dia.chance(cfg.p_proposal, "proposal"):
            dia.proposal(device, name, value)
        else:
            dia.direct(turn, correction=False)
        if declined_after == index:
            dia.declined_proposal(requests)
        previous_device = turn[-1][0]
    interludes(len(turns) if turns else -1)
    if len(turns) <= 1:
        talk("middle")
    talk("end")
    if dia.chance(cfg.p_closing, "closing"):
        user, reply = say.closing(rng)
        dia.user(user)
        dia.assistant(reply)
    return dia


def _actions_of(requests: list[Request]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for device, name, value in requests:
        out.setdefault(device, {})[name] = value
    return out


def synthesize_user(
    index: int, *, sessions: int = 200, seed: int = 0, config: SynthConfig | None = None
) -> tuple[EdgewiseUser, list[SessionTrace]]:
    """One synthetic user (with routines, character and ``applied``) and its traces.

    >>> user, traces = synthesize_user(0, sessions=5, seed=1)
    >>> len(user.sessions), len(traces), 3 <= len(user.routines) <= 6
    (5, 5, True)
    """
    cfg = config or SynthConfig()
    if sessions < 0:
        raise InputError(f"sessions must be >= 0, got {sessions}")
    rng = random.Random(f"edgewise-synth:{seed}:{index}")
    character = say.character_text(rng)
    routines = _make_routines(rng, cfg)
    inputs = say.household_inputs(rng)
    spread = cfg.style_spread
    style = {name: min(1.0, getattr(cfg, name) * rng.uniform(1 - spread, 1 + spread))
             for name in ("p_words", "p_casual", "p_distractor", "p_multi_request")}
    user_cfg = replace(cfg, **style)
    weights = [rng.uniform(0.6, 1.4) for _ in routines]
    all_triggers = [r["triggers"] for r in routines]
    out_sessions, applied, traces = [], [], []
    for sid in range(sessions):
        if routines and rng.random() < cfg.routine_share:
            which = rng.choices(range(len(routines)), weights=weights)[0]
            routine = routines[which]
            meta = None
            strict = rng.random() >= cfg.p_ambiguous_meta
            for _ in range(50 if strict else 1):
                meta = _sample_meta(rng, routine["triggers"])
                others = [t for i, t in enumerate(all_triggers) if i != which]
                if meta is not None and not (strict and any(_matches(meta, t) for t in others)):
                    break
            assert meta is not None  # triggers were checked satisfiable when the routine was made
            requests = _flat_requests(routine["actions"])
            phenomena = set()
            if len(requests) >= 2 and rng.random() < cfg.p_partial:
                requests = rng.sample(requests, rng.randint(1, len(requests) - 1))
                phenomena.add("partial")
            if rng.random() < cfg.p_extra_request:
                requests += _random_requests(rng, 1, {(d, f) for d, f, _ in _flat_requests(routine["actions"])})
                phenomena.add("extra_request")
            usual = "partial" not in phenomena and "extra_request" not in phenomena and rng.random() < cfg.p_usual
            applied.append([which])
        else:
            usual = False
            which = None
            meta = _sample_meta(rng)
            requests = []
            for _ in range(20):
                requests = _random_requests(rng, rng.randint(1, 3), set())
                if all(_actions_of(requests) != r["actions"] for r in routines):
                    break
            phenomena = {"spontaneous"}
            applied.append([])
        dia = _render(rng, user_cfg, meta, requests, inputs=inputs, usual=usual)
        out_sessions.append({"session_id": sid, "meta": meta, "messages": dia.messages})
        traces.append(SessionTrace(_actions_of(requests), which, frozenset(phenomena | dia.phenomena)))
    user = EdgewiseUser(sessions=out_sessions, applied=applied, character=character, routines=routines, index=index)
    return user, traces


def generate(
    out_dir: str | Path,
    *,
    users: int = 10,
    sessions: int = 200,
    seed: int = 0,
    config: SynthConfig | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write ``sessions.jsonl``, ``characters.jsonl`` and ``routines.jsonl`` to ``out_dir``.

    ``progress(1)`` is called after each user. Returns a summary: users,
    sessions, routines, and the share of sessions showing each phenomenon.
    """
    if users < 1:
        raise InputError(f"users must be >= 1, got {users}")
    generated, all_traces = [], []
    for index in range(users):
        user, traces = synthesize_user(index, sessions=sessions, seed=seed, config=config)
        generated.append(user)
        all_traces.extend(traces)
        if progress:
            progress(1)
    write(out_dir, generated)
    counts: dict[str, int] = {}
    for trace in all_traces:
        for name in trace.phenomena:
            counts[name] = counts.get(name, 0) + 1
    total = len(all_traces)
    return {
        "users": users,
        "sessions": total,
        "routines": sum(len(u.routines or []) for u in generated),
        "routine_sessions": sum(t.routine is not None for t in all_traces),
        "phenomena": {k: round(v / total, 3) for k, v in sorted(counts.items())} if total else {},
    }
