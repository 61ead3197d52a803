"""Extractors that bring in the LLM: rules + model on what rules leave open, or model only.

* ``rules``  -- :func:`edgerec.profile.extract.extract`, no model.
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

Every extractor takes the devices' last known state as ``prior_state``, which
the rules (alone or in the hybrid) use to resolve a relative change ("two
degrees warmer") the dialogue gives no value for; the ``llm`` extractor ignores
it. :func:`make_reader` gives the whole :class:`~edgerec.profile.extract.Extraction`,
with the prior values used; :func:`make_extractor` only the actions.

>>> options_for("lights", "color")
['warm', 'cool', 'neutral']
>>> options_for("kettle", "keep_warm") is None
True
>>> options_for("tv", "volume") is None
True
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from typing import Any, Callable, Mapping, Sequence

from edgerec.errors import InputError, ModelError
from edgerec.profile.extract import Extraction, extract
from edgerec.profile.devices import DeviceSchema, resolve
from edgerec.profile.redact import mask_contact_details

__all__ = ["EXTRACTORS", "Reader", "options_for", "actions_schema", "make_extractor", "make_reader",
           "maybe_not_request", "without_turn"]

EXTRACTORS = ("rules", "hybrid", "llm")
_NO_CHANGE = "no change"

#: Reads one session's messages, with the devices' ``prior_state`` (keyword, may be None), into an Extraction.
Reader = Callable[..., Extraction]


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


def _hybrid(llm: Any, margin: float, schema: DeviceSchema, choose_values: bool, check_requests: bool) -> Reader:
    def checked(messages: Sequence[Mapping[str, str]], prior_state: Any) -> Extraction:
        """The rules' reading, without the turns the model says are not requests.

        Its ``prior_used`` is that of every reading compared on the way: each decided the outcome.
        """
        result = extract(messages, schema=schema, prior_state=prior_state)
        used = dict(result.prior_used)
        for turn, message in enumerate(messages if check_requests else []):
            if message.get("role") != "user" or not maybe_not_request(message.get("text") or ""):
                continue
            dropped = without_turn(messages, turn)
            rest = extract(dropped, schema=schema, prior_state=prior_state)
            used.update(rest.prior_used)
            if rest.actions == result.actions:
                continue  # the turn sets nothing: nothing to decide
            _, (yes, no) = llm.choose(_request_question(mask_contact_details(message["text"])), ["Yes", "No"])
            if no - yes >= margin:
                messages, result = dropped, rest
        return replace(result, prior_used=used)

    def run(messages: Sequence[Mapping[str, str]], *, prior_state: Any = None) -> Extraction:
        """Rules first; the model only on turns and closed-set settings the rules are unsure of.

        ``unresolved`` is what the rules left open, whether or not the model filled it.
        """
        result = checked(messages, prior_state)
        actions = {device: dict(fields) for device, fields in result.actions.items()}
        for open_clause in result.unresolved if choose_values else []:
            options = schema.options(open_clause.device, open_clause.field)
            if not options or open_clause.field in actions.get(open_clause.device or "", {}):
                continue
            best, scores = llm.choose(_clause_question(open_clause.clause, open_clause.device, open_clause.field),
                                      [*options, _NO_CHANGE])
            if best < len(options) and scores[best] - scores[-1] >= margin:
                actions.setdefault(open_clause.device, {})[open_clause.field] = options[best]
        return replace(result, actions=actions)

    return run


def _llm_only(llm: Any, max_tokens: int, schema: DeviceSchema) -> Reader:
    grammar = schema.json_schema()

    def run(messages: Sequence[Mapping[str, str]], *, prior_state: Any = None) -> Extraction:
        """One schema-constrained JSON answer for the whole dialogue; invalid values dropped.

        ``prior_state`` is ignored: the model is not told the devices' state, so it uses none.
        """
        dialogue = "\n".join(f"{m['role']}: {mask_contact_details(m['text'])}" for m in messages)
        prompt = [
            {"role": "system", "text": _SYSTEM + " Answer with JSON of the final device settings."},
            {"role": "user", "text": dialogue},
        ]
        try:
            answer = llm.generate_json(prompt, grammar, max_tokens=max_tokens)
        except (ModelError, InputError):
            return Extraction({})
        actions: dict[str, dict[str, Any]] = {}
        for device, fields in (answer or {}).items():
            for name, value in (fields or {}).items():
                if schema.valid(f"{device}.{name}", value):
                    actions.setdefault(device, {})[name] = value
        return Extraction(actions)

    return run


def make_reader(kind: str, llm: Any = None, *, margin: float = 1.0, max_tokens: int = 96,
                schema: DeviceSchema | None = None, choose_values: bool = True, check_requests: bool = False) -> Reader:
    """The extractor named ``kind`` (see the module docstring) over ``schema``'s devices, giving Extractions.

    ``llm`` is needed except for rules; ``schema`` None is the shipped EdgeWisePersona schema.
    ``choose_values`` and ``check_requests`` switch the hybrid's two uses of the model.
    The reader takes the devices' last known state as ``prior_state`` (the llm extractor ignores it).

    >>> read = make_reader("rules")
    >>> read([{"role": "user", "text": "tv volume up by 2"}], prior_state={"tv": {"volume": 12}}).prior_used
    {'tv.volume': 12}
    """
    if kind == "rules":
        return partial(extract, schema=schema)
    if kind not in EXTRACTORS:
        raise InputError(f"unknown extractor {kind!r}; choose one of {', '.join(EXTRACTORS)}")
    if llm is None:
        raise InputError(f"the {kind} extractor needs the LLM (install edgerec[llm], or use --extractor rules)")
    schema = resolve(schema)
    if kind == "hybrid":
        return _hybrid(llm, margin, schema, choose_values, check_requests)
    return _llm_only(llm, max_tokens, schema)


def make_extractor(kind: str, llm: Any = None, **options: Any) -> Callable[..., dict[str, dict[str, Any]]]:
    """The extractor named ``kind``: a session's messages (and ``prior_state``) in, its actions out.

    ``llm`` and ``options`` as for :func:`make_reader`.

    >>> make_extractor("rules")([{"role": "user", "text": "tv volume 12"}])
    {'tv': {'volume': 12}}
    >>> make_extractor("rules")([{"role": "user", "text": "tv volume up by 2"}], prior_state={"tv": {"volume": 12}})
    {'tv': {'volume': 14}}
    """
    read = make_reader(kind, llm, **options)

    def actions(messages: Sequence[Mapping[str, str]], *, prior_state: Any = None) -> dict[str, dict[str, Any]]:
        """The settings the dialogue asked for, relative changes resolved against ``prior_state``."""
        return read(messages, prior_state=prior_state).actions

    return actions
