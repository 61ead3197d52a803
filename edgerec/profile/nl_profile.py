"""A short natural-language profile from mined routines.

:func:`describe_routine` and :func:`template_profile` are deterministic; they
are the fallback when the ``llm`` extra is missing and the facts the model is
given. :func:`llm_profile` asks the LLM to turn those facts into a few
sentences, bounded in tokens.

>>> r = {"triggers": {"time_of_day": "morning", "day_of_week": "weekday"},
...      "actions": {"ac": {"mode": "heat", "temperature": 23}, "lights": {"color": "warm"}}}
>>> describe_routine(r)
'on weekday mornings: AC heat mode, at 23 degrees; lights warm'
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

__all__ = ["describe_triggers", "describe_actions", "describe_routine", "template_profile", "llm_profile",
           "TEMPLATE_LABEL"]

TEMPLATE_LABEL = "template (no LLM: install edgerec[llm] for a written summary)"

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


def llm_profile(llm: Any, routines: Sequence[Mapping[str, Any]], *, max_tokens: int = 96) -> str:
    """A few sentences written by the LLM from the routine lines (bounded by ``max_tokens``)."""
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
