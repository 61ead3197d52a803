"""A short natural-language profile from mined routines.

:func:`describe_routine` and :func:`template_profile` are deterministic; they
are the fallback when the ``llm`` extra is missing and the facts the model is
given. :func:`llm_profile` asks the LLM to turn those facts into a few
sentences, bounded in tokens; :func:`summarize` shows them only when
:func:`faithful` finds no sentence mixing facts of different routines.

>>> r = {"triggers": {"time_of_day": "morning", "day_of_week": "weekday"},
...      "actions": {"ac": {"mode": "heat", "temperature": 23}, "lights": {"color": "warm"}}}
>>> describe_routine(r)
'on weekday mornings: AC heat mode, at 23 degrees; lights warm'
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping, Sequence

__all__ = ["describe_triggers", "describe_actions", "describe_routine", "template_profile", "llm_profile",
           "fact_terms", "faithful", "summarize", "TEMPLATE_LABEL", "REJECTED_LABEL"]

TEMPLATE_LABEL = "template (no LLM: install edgerec[llm] for a written summary)"
REJECTED_LABEL = "template (the LLM's summary failed the fact check: facts not in the routines, or too few of them)"

_TIME = {"morning": "mornings", "afternoon": "afternoons", "evening": "evenings", "night": "nights"}
_SUN = {"before_sunrise": "before sunrise", "daylight": "in daylight", "after_sunset": "after sunset"}
_DEVICE = {"tv": "TV", "ac": "AC", "lights": "lights", "speaker": "speaker", "security": "security"}


def describe_triggers(triggers: Mapping[str, str]) -> str:
    """When a routine runs, in words.

    >>> describe_triggers({"weather": "rainy", "outdoor_temp": "cold", "sun_phase": "after_sunset"})
    'after sunset, when it is rainy and cold outside'
    >>> describe_triggers({})
    'at any time'
    """
    day = triggers.get("day_of_week")
    time = triggers.get("time_of_day")
    parts = []
    if time:
        parts.append(f"on {day} {_TIME.get(time, time)}" if day else f"in the {time}" if time != "night" else "at night")
    elif day:
        parts.append(f"on {day}s")
    if triggers.get("sun_phase"):
        parts.append(_SUN.get(triggers["sun_phase"], triggers["sun_phase"]))
    weather = [w for w in (triggers.get("weather"), triggers.get("outdoor_temp")) if w]
    if weather:
        parts.append("when it is " + " and ".join(weather) + " outside")
    return ", ".join(parts) if parts else "at any time"


def _setting(device: str, field: str, value: Any) -> str:
    if field == "temperature":
        return f"at {value} degrees"
    if field == "armed":
        return "armed" if value else "disarmed"
    if field == "mode" and device == "ac":
        return f"{value} mode"
    if field == "fan_speed":
        return f"fan {value}"
    if field == "input_source":
        return f"on {value}"
    if isinstance(value, int):
        return f"{field.replace('_', ' ')} {value}"
    return f"{value}" if field != "mode" else f"{value} mode"


def describe_actions(actions: Mapping[str, Mapping[str, Any]]) -> str:
    """What a routine sets, in words.

    >>> describe_actions({"tv": {"input_source": "Netflix", "volume": 20}, "security": {"armed": True}})
    'TV on Netflix, volume 20; security armed'
    """
    parts = []
    for device, fields in actions.items():
        order = sorted(fields, key=lambda f: (f not in ("mode", "input_source", "color", "armed"), f))
        settings = [_setting(device, f, fields[f]) for f in order]
        parts.append(f"{_DEVICE.get(device, device)} " + ", ".join(settings))
    return "; ".join(parts)


def describe_routine(routine: Mapping[str, Any]) -> str:
    """One routine in one line."""
    return f"{describe_triggers(routine.get('triggers') or {})}: {describe_actions(routine.get('actions') or {})}"


def template_profile(routines: Sequence[Mapping[str, Any]], *, sessions: int | None = None) -> str:
    """The deterministic profile: one line per routine.

    >>> print(template_profile([{"triggers": {"time_of_day": "night"}, "actions": {"security": {"armed": True}}}]))
    Habits found in your history:
    - at night: security armed
    """
    if not routines:
        return "No recurring habits found yet" + (f" in {sessions} sessions." if sessions else ".")
    head = "Habits found in your history" + (f" ({sessions} sessions)" if sessions else "") + ":"
    return "\n".join([head, *(f"- {describe_routine(r)}" for r in routines)])


_FACT_WORDS = frozenset(
    "tv ac lights speaker security heat cool auto warm neutral static dynamic bass treble balanced hdmi1 hdmi2 av "
    "netflix youtube armed disarmed morning afternoon evening night weekday weekend sunrise daylight sunset sunny "
    "cloudy rainy snowy cold mild hot".split()
)


def fact_terms(text: str) -> frozenset[str]:
    """The numbers and schema words (devices, values, contexts) a text mentions.

    >>> sorted(fact_terms("On weekday mornings the AC heats to 23."))
    ['23', 'ac', 'heat', 'morning', 'weekday']
    """
    words = [w[:-1] if w.endswith("s") and w[:-1] in _FACT_WORDS else w for w in re.findall(r"[a-z0-9]+", text.lower())]
    return frozenset(w for w in words if w.isdigit() or w in _FACT_WORDS)


def _stated(sentence_terms: frozenset[str], routine: Mapping[str, Any]) -> bool:
    """Whether a sentence names a routine's context and at least one of its settings."""
    when = fact_terms(describe_triggers(routine.get("triggers") or {}))
    what = fact_terms(describe_actions(routine.get("actions") or {}))
    return bool(when | what) and when <= sentence_terms and bool(sentence_terms & what)


def faithful(summary: str, routines: Sequence[Mapping[str, Any]]) -> bool:
    """Whether ``summary`` states the main routines, and only facts of one routine per sentence.

    A sentence naming values of two different routines ("weekday mornings ...
    TV volume 20" when 20 belongs to the afternoon routine), or a number found
    in no routine, fails. So does a text that says nothing checkable: at least
    two routines (one when there is one) must each be stated in a sentence with
    their context and one of their settings.

    >>> r = [{"triggers": {"time_of_day": "night"}, "actions": {"security": {"armed": True}}},
    ...      {"triggers": {"time_of_day": "morning"}, "actions": {"tv": {"volume": 20}}}]
    >>> faithful("At night your security is armed. Mornings start with the TV at 20.", r)
    True
    >>> faithful("At night the TV is at 20.", r)
    False
    >>> faithful("You have a rich set of habits built around your lights and TV.", r)
    False
    """
    lines = [fact_terms(describe_routine(r)) for r in routines]
    stated: set[int] = set()
    for sentence in re.split(r"[.!?\n]+", summary):
        terms = fact_terms(sentence)
        if terms and not any(terms <= line for line in lines):
            return False
        stated.update(i for i, (r, line) in enumerate(zip(routines, lines)) if terms <= line and _stated(terms, r))
    return len(stated) >= min(2, len(routines))


def llm_profile(llm: Any, routines: Sequence[Mapping[str, Any]], *, max_tokens: int = 96) -> str:
    """A few sentences written by the LLM from the routine lines (bounded by ``max_tokens``).

    The text is returned as written; :func:`summarize` checks it with
    :func:`faithful` before it is shown.
    """
    if not routines:
        return template_profile(routines)
    facts = "\n".join(f"- {describe_routine(r)}" for r in routines[:8])
    messages = [
        {"role": "system", "text": "You write short, factual summaries of a person's smart-home habits. "
                                   "Use only the facts given. Do not invent devices or values."},
        {"role": "user", "text": f"Habits:\n{facts}\n\nSummarize these habits in two or three sentences, "
                                 "speaking to the person as 'you'."},
    ]
    text = llm.generate(messages, max_tokens=max_tokens).strip()
    if "." in text and not text.endswith((".", "!", "?")):
        text = text[: text.rfind(".") + 1]  # drop a sentence cut by the token limit
    return text


def summarize(routines: Sequence[Mapping[str, Any]], llm: Any = None, *, sessions: int | None = None) -> tuple[str, str]:
    """The profile text and its source label.

    With an LLM, its summary is used when :func:`faithful` accepts it; else, and
    without an LLM, the template is used, labelled with the reason.

    >>> summarize([])[1] == TEMPLATE_LABEL
    True
    """
    if llm is None:
        return template_profile(routines, sessions=sessions), TEMPLATE_LABEL
    text = llm_profile(llm, routines)
    if text.strip() and faithful(text, routines):
        return text, f"llm: {Path(str(getattr(llm, 'path', 'model'))).name}"
    return template_profile(routines, sessions=sessions), REJECTED_LABEL
