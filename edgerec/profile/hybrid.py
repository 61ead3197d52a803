"""Extractors that bring in the LLM: rules + model on what rules leave open, or model only.

* ``rules``  -- :func:`edgerec.profile.extract.extract_actions`, no model.
* ``hybrid`` -- the rules, then the model on two things rules are weak at, each
  switchable (``choose_values``, ``check_requests``) so an ablation can weigh it:

  - *closed-set choice*: for each user clause that names a setting with a
    closed set of values (colour, mode, equalizer, input) but that the rules
    could not fill, the model picks among those values or "no change" by
    likelihood (:meth:`LocalLLM.choose`). A value is taken only when it beats
    "no change" by ``margin`` nats;
  - *request check*: a user turn that sets something but reads like a question,
    a report or a plan (:func:`maybe_not_request`: "?", "was", "tomorrow",
    "thinking of"...) is classified by likelihood as a request or not; when "no"
    beats "yes" by ``margin`` nats, the session is read again without that turn.
* ``llm``    -- the model alone: one schema-constrained JSON answer per session
  (the baseline the issue measured as unreliable; kept to measure it).

>>> options_for("lights", "color")
['warm', 'cool', 'neutral']
>>> options_for("kettle", "keep_warm") is None
True
>>> options_for("tv", "volume") is None
True
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any, Callable, Mapping, Sequence

from edgerec.errors import InputError, ModelError
from edgerec.profile.extract import extract, extract_actions
from edgerec.profile.devices import DeviceSchema, resolve
from edgerec.profile.redact import mask_contact_details

__all__ = ["EXTRACTORS", "options_for", "actions_schema", "make_extractor", "maybe_not_request", "without_turn"]

EXTRACTORS = ("rules", "hybrid", "llm")
_NO_CHANGE = "no change"


def options_for(device: str | None, field: str | None, schema: DeviceSchema | None = None) -> list[str] | None:
    """The closed set of values of ``device.field``, or None when it is not an enum or unknown."""
    return resolve(schema).options(device, field)


def actions_schema(schema: DeviceSchema | None = None) -> dict[str, Any]:
    """JSON schema of a session's actions, for grammar-constrained generation.

    >>> sorted(actions_schema()["properties"])
    ['ac', 'lights', 'security', 'speaker', 'tv']
    """
    return resolve(schema).json_schema()


_SYSTEM = ("You control a smart home. Read what the user asked for and answer with the setting only.")


def _clause_question(clause: str, device: str, field: str) -> list[dict[str, str]]:
    label = field.replace("_", " ")
    return [
        {"role": "system", "text": _SYSTEM},
        {"role": "user", "text": f'The user said: "{clause}". Which {device} {label} did the user ask for?'},
    ]


_NOT_REQUEST_CUE = re.compile(
    r"\?|\b(?:was|were|yesterday|last (?:night|time|week)|earlier|tomorrow|later|maybe|might|thinking|"
    r"wonder|used to|if|whether|would be|planning|going to)\b", re.IGNORECASE)


def maybe_not_request(text: str) -> bool:
    """Whether a user turn has a cue of a question, a report or a plan, so the model should check it.

    >>> maybe_not_request("The TV was at 20 yesterday."), maybe_not_request("TV volume 20 please.")
    (True, False)
    """
    return bool(_NOT_REQUEST_CUE.search(text))


def without_turn(messages: Sequence[Mapping[str, str]], turn: int) -> list[dict[str, str]]:
    """The dialogue with turn ``turn``'s text emptied (its role kept, so turns stay aligned).

    >>> without_turn([{"role": "user", "text": "hi"}, {"role": "assistant", "text": "yo"}], 0)[0]
    {'role': 'user', 'text': ''}
    """
    return [dict(m, text="") if i == turn else dict(m) for i, m in enumerate(messages)]


def _request_question(turn: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "text": _SYSTEM},
        {"role": "user", "text": f'The user said: "{turn}". Is the user asking you to change a device now? '
                                 "Answer Yes or No."},
    ]


def _hybrid(llm: Any, margin: float, schema: DeviceSchema, choose_values: bool,
            check_requests: bool) -> Callable[[Sequence[Mapping[str, str]]], dict]:
    def checked(messages: Sequence[Mapping[str, str]]):
        """The rules' reading, without the turns the model says are not requests."""
        result = extract(messages, schema=schema)
        if not check_requests:
            return messages, result
        for turn, message in enumerate(messages):
            if message.get("role") != "user" or not maybe_not_request(message.get("text") or ""):
                continue
            dropped = without_turn(messages, turn)
            rest = extract(dropped, schema=schema)
            if rest.actions == result.actions:
                continue  # the turn sets nothing: nothing to decide
            _, (yes, no) = llm.choose(_request_question(mask_contact_details(message["text"])), ["Yes", "No"])
            if no - yes >= margin:
                messages, result = dropped, rest
        return messages, result

    def run(messages: Sequence[Mapping[str, str]]) -> dict[str, dict[str, Any]]:
        """Rules first; the model only on turns and closed-set settings the rules are unsure of."""
        messages, result = checked(messages)
        actions = {device: dict(fields) for device, fields in result.actions.items()}
        for open_clause in result.unresolved if choose_values else []:
            options = schema.options(open_clause.device, open_clause.field)
            if not options or open_clause.field in actions.get(open_clause.device or "", {}):
                continue
            best, scores = llm.choose(_clause_question(open_clause.clause, open_clause.device, open_clause.field),
                                      [*options, _NO_CHANGE])
            if best < len(options) and scores[best] - scores[-1] >= margin:
                actions.setdefault(open_clause.device, {})[open_clause.field] = options[best]
        return actions

    return run


def _llm_only(llm: Any, max_tokens: int, schema: DeviceSchema) -> Callable[[Sequence[Mapping[str, str]]], dict]:
    grammar = schema.json_schema()

    def run(messages: Sequence[Mapping[str, str]]) -> dict[str, dict[str, Any]]:
        """One schema-constrained JSON answer for the whole dialogue; invalid values dropped."""
        dialogue = "\n".join(f"{m['role']}: {mask_contact_details(m['text'])}" for m in messages)
        prompt = [
            {"role": "system", "text": _SYSTEM + " Answer with JSON of the final device settings."},
            {"role": "user", "text": dialogue},
        ]
        try:
            answer = llm.generate_json(prompt, grammar, max_tokens=max_tokens)
        except (ModelError, InputError):
            return {}
        actions: dict[str, dict[str, Any]] = {}
        for device, fields in (answer or {}).items():
            for name, value in (fields or {}).items():
                if schema.valid(f"{device}.{name}", value):
                    actions.setdefault(device, {})[name] = value
        return actions

    return run


def make_extractor(kind: str, llm: Any = None, *, margin: float = 1.0, max_tokens: int = 96,
                   schema: DeviceSchema | None = None, choose_values: bool = True, check_requests: bool = False):
    """The extractor named ``kind`` (see the module docstring) over ``schema``'s devices.

    ``llm`` is needed except for rules; ``schema`` None is the shipped EdgeWisePersona schema.
    ``choose_values`` and ``check_requests`` switch the hybrid's two uses of the model.

    >>> make_extractor("rules")([{"role": "user", "text": "tv volume 12"}])
    {'tv': {'volume': 12}}
    """
    if kind == "rules":
        return extract_actions if schema is None else partial(extract_actions, schema=schema)
    if kind not in EXTRACTORS:
        raise InputError(f"unknown extractor {kind!r}; choose one of {', '.join(EXTRACTORS)}")
    if llm is None:
        raise InputError(f"the {kind} extractor needs the LLM (install edgerec[llm], or use --extractor rules)")
    schema = resolve(schema)
    if kind == "hybrid":
        return _hybrid(llm, margin, schema, choose_values, check_requests)
    return _llm_only(llm, max_tokens, schema)
