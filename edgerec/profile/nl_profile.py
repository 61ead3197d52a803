"""A short natural-language profile from mined routines.

:func:`describe_routine` and :func:`template_profile` are deterministic; they
are the fallback when the ``llm`` extra is missing and the facts the model is
given. :func:`llm_profile` has the LLM write one sentence per routine under a
grammar that fixes the routine's facts (``edgerec.profile.realize``), so that
the model chooses only the connecting words; :func:`summarize` shows the text
only when :func:`faithful` finds every sentence true to one routine and
:func:`edgerec.profile.realize.fluent` finds no repetition and every routine
said once.

>>> r = {"triggers": {"time_of_day": "morning", "day_of_week": "weekday"},
...      "actions": {"ac": {"mode": "heat", "temperature": 23}, "lights": {"color": "warm"}}}
>>> describe_routine(r)
'on weekday mornings: AC heat mode, at 23 degrees; lights warm'
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping, Sequence

from edgerec.profile.devices import DeviceSchema, resolve

__all__ = ["describe_triggers", "describe_actions", "describe_routine", "template_profile", "llm_profile",
           "fact_terms", "faithful", "summarize", "TEMPLATE_LABEL", "REJECTED_LABEL", "EMPTY_LABEL"]

TEMPLATE_LABEL = "template (no LLM: install edgerec[llm] for a written summary)"
EMPTY_LABEL = "template (the LLM had no routines to describe)"
REJECTED_LABEL = ("template (the LLM's summary failed the fact check: facts not in the routines, or too few of "
                  "them; or the fluency check: repeated phrases, a routine missed or said twice)")

_TIME = {"morning": "mornings", "afternoon": "afternoons", "evening": "evenings", "night": "nights"}
_SUN = {"before_sunrise": "before sunrise", "daylight": "in daylight", "after_sunset": "after sunset"}


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


def _setting(schema: DeviceSchema, device: str, field: str, value: Any) -> str:
    """A value in words: the setting's ``phrase``, else by type ("at 22 degrees", "fan speed 2", "eco")."""
    setting = schema.setting(f"{device}.{field}")
    name = field.replace("_", " ")
    if setting is None:  # a device or setting the schema does not know: say it plainly
        return f"{name} {value}"
    if setting.type == "bool":
        said = setting.phrase_true if value else setting.phrase_false
        return said if said is not None else (name if value else f"not {name}")
    if setting.phrase is not None:
        return setting.phrase.format(value=value)
    if setting.type == "int":
        return f"at {value} degrees" if setting.unit == "degrees" else f"{name} {value}"
    return f"{value}"


def _int_last(schema: DeviceSchema, device: str, field: str) -> bool:
    setting = schema.setting(f"{device}.{field}")
    return setting is None or setting.type == "int"


def describe_actions(actions: Mapping[str, Mapping[str, Any]], schema: DeviceSchema | None = None) -> str:
    """What a routine sets, in words (settings without a number first).

    >>> describe_actions({"tv": {"input_source": "Netflix", "volume": 20}, "security": {"armed": True}})
    'TV on Netflix, volume 20; security armed'
    """
    schema = resolve(schema)
    parts = []
    for device, fields in actions.items():
        order = sorted(fields, key=lambda f: (_int_last(schema, device, f), f))
        settings = [_setting(schema, device, f, fields[f]) for f in order]
        known = schema.device(device)
        parts.append(f"{known.title if known else device} " + ", ".join(settings))
    return "; ".join(parts)


def describe_routine(routine: Mapping[str, Any], schema: DeviceSchema | None = None) -> str:
    """One routine in one line."""
    when = describe_triggers(routine.get("triggers") or {})
    return f"{when}: {describe_actions(routine.get('actions') or {}, schema)}"


def template_profile(routines: Sequence[Mapping[str, Any]], *, sessions: int | None = None,
                     schema: DeviceSchema | None = None) -> str:
    """The deterministic profile: one line per routine.

    >>> print(template_profile([{"triggers": {"time_of_day": "night"}, "actions": {"security": {"armed": True}}}]))
    Habits found in your history:
    - at night: security armed
    """
    if not routines:
        return "No recurring habits found yet" + (f" in {sessions} sessions." if sessions else ".")
    head = "Habits found in your history" + (f" ({sessions} sessions)" if sessions else "") + ":"
    return "\n".join([head, *(f"- {describe_routine(r, schema)}" for r in routines)])


_CONTEXT_WORDS = frozenset(
    "morning afternoon evening night weekday weekend sunrise daylight sunset sunny cloudy rainy snowy cold mild warm "
    "hot".split()
)


def _fact_words(schema: DeviceSchema) -> frozenset[str]:
    """Context words, device names and labels, enum values and bool phrases of ``schema``."""
    found = schema.__dict__.get("_fact_words")
    if found is None:
        said = [d.name for d in schema.devices] + [d.title for d in schema.devices]
        for device in schema.devices:
            for s in device.settings:
                said += list(s.values) + [p for p in (s.phrase_true, s.phrase_false) if s.type == "bool" and p]
        found = _CONTEXT_WORDS | {w for text in said for w in re.findall(r"[a-z0-9]+", text.lower())}
        object.__setattr__(schema, "_fact_words", found)  # a cache, not a field
    return found


def fact_terms(text: str, schema: DeviceSchema | None = None) -> frozenset[str]:
    """The numbers and schema words (devices, values, contexts) a text mentions.

    >>> sorted(fact_terms("On weekday mornings the AC heats to 23."))
    ['23', 'ac', 'heat', 'morning', 'weekday']
    """
    words_of = _fact_words(resolve(schema))
    words = [w[:-1] if w.endswith("s") and w[:-1] in words_of else w for w in re.findall(r"[a-z0-9]+", text.lower())]
    return frozenset(w for w in words if w.isdigit() or w in words_of)


def _stated(sentence_terms: frozenset[str], routine: Mapping[str, Any], schema: DeviceSchema) -> bool:
    """Whether a sentence names a routine's context and at least one of its settings."""
    when = fact_terms(describe_triggers(routine.get("triggers") or {}), schema)
    what = fact_terms(describe_actions(routine.get("actions") or {}, schema), schema)
    return bool(when | what) and when <= sentence_terms and bool(sentence_terms & what)


def faithful(summary: str, routines: Sequence[Mapping[str, Any]], schema: DeviceSchema | None = None) -> bool:
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
    schema = resolve(schema)
    lines = [fact_terms(describe_routine(r, schema), schema) for r in routines]
    stated: set[int] = set()
    for sentence in re.split(r"[.!?\n]+", summary):
        terms = fact_terms(sentence, schema)
        if terms and not any(terms <= line for line in lines):
            return False
        stated.update(i for i, (r, line) in enumerate(zip(routines, lines))
                      if terms <= line and _stated(terms, r, schema))
    return len(stated) >= min(2, len(routines))


def llm_profile(llm: Any, routines: Sequence[Mapping[str, Any]], *, max_tokens: int = 64,
                schema: DeviceSchema | None = None) -> str:
    """One sentence per routine, written by the LLM under a grammar that fixes the routine's facts.

    Sentence by sentence (:func:`edgerec.profile.realize.sentence_grammar`), the
    model reads the routine lines and what it has written so far, and chooses
    only the connecting words; a verb or adverb it has used is not offered
    again. Each sentence is bounded by ``max_tokens``. The text is returned as
    written; :func:`summarize` checks it before it is shown.
    """
    from edgerec.profile.realize import MAX_ROUTINES, profile_messages, sentence_grammar, unused_words

    if not routines:
        return template_profile(routines, schema=schema)
    chosen = list(routines)[:MAX_ROUTINES]
    messages = profile_messages(chosen, schema)
    written = ""
    for i, routine in enumerate(chosen):
        grammar = sentence_grammar(routine, schema, vocabulary=unused_words(written), first=not i)
        written += llm.generate_grammar(messages, grammar, max_tokens=max_tokens, prefix=written)
    return written


def summarize(routines: Sequence[Mapping[str, Any]], llm: Any = None, *, sessions: int | None = None,
              schema: DeviceSchema | None = None) -> tuple[str, str]:
    """The profile text and its source label.

    With an LLM, its summary is used when :func:`faithful` accepts it and
    :func:`edgerec.profile.realize.fluent` finds it fluent; else, and without an
    LLM, the template is used, labelled with the reason.

    >>> summarize([])[1] == TEMPLATE_LABEL
    True
    """
    if llm is None:
        return template_profile(routines, sessions=sessions, schema=schema), TEMPLATE_LABEL
    if not routines:
        return template_profile(routines, sessions=sessions, schema=schema), EMPTY_LABEL
    from edgerec.profile.realize import fluent

    text = llm_profile(llm, routines, schema=schema)
    if text.strip() and faithful(text, routines, schema) and fluent(text, routines, schema):
        return text, f"llm: {Path(str(getattr(llm, 'path', 'model'))).name}"
    return template_profile(routines, sessions=sessions, schema=schema), REJECTED_LABEL
