"""One synthetic dialogue: how a session's settings get asked for, turn by turn.

:func:`render` takes the final settings of a session and writes its messages,
drawing each phenomenon with the probabilities of a
:class:`~edgerec_bench.datasets.edgewise_synth.SynthConfig`; the wording comes from
:mod:`edgerec_bench.datasets.edgewise_phrasing`.

>>> import random
>>> from edgerec_bench.datasets.edgewise_synth import SynthConfig
>>> dia = render(random.Random(0), SynthConfig(), {"time_of_day": "night"}, [("security", "armed", True)],
...              inputs={"HDMI1": "Xbox", "HDMI2": "Apple TV", "AV": "DVD player"})
>>> dia.messages[0]["role"]
'user'
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from edgerec_bench.datasets import edgewise_chatter as chat
from edgerec_bench.datasets import edgewise_phrasing as say
from edgerec_bench.datasets.edgewise import DEVICE_FIELDS
from edgerec_bench.datasets.edgewise_world import different_value, random_value

if TYPE_CHECKING:
    from edgerec_bench.datasets.edgewise_synth import SynthConfig

__all__ = ["Request", "Dialogue", "render", "flat_requests", "random_requests", "actions_of", "wrong_value"]


# --- sessions -----------------------------------------------------------------

Request = tuple[str, str, Any]  # (device, field, value)

_RELATIVE_FIELDS = {"volume", "brightness", "temperature", "alarm_volume"}
_NUMERIC = {"volume", "brightness", "temperature", "alarm_volume", "fan_speed"}


def flat_requests(actions: dict[str, dict[str, Any]]) -> list[Request]:
    """``(device, field, value)`` triples of an actions object.

    >>> flat_requests({"ac": {"mode": "heat"}})
    [('ac', 'mode', 'heat')]
    """
    return [(d, f, v) for d, settings in actions.items() for f, v in settings.items()]


def random_requests(rng: random.Random, k: int, avoid: set[tuple[str, str]]) -> list[Request]:
    """``k`` random settings on distinct device fields outside ``avoid``."""
    pairs = [(d, f) for d in sorted(DEVICE_FIELDS) for f in sorted(DEVICE_FIELDS[d]) if (d, f) not in avoid]
    return [(d, f, random_value(d, f, rng)) for d, f in rng.sample(pairs, min(k, len(pairs)))]


def actions_of(requests: list[Request]) -> dict[str, dict[str, Any]]:
    """The actions object of ``(device, field, value)`` triples (inverse of :func:`flat_requests`)."""
    out: dict[str, dict[str, Any]] = {}
    for device, name, value in requests:
        out.setdefault(device, {})[name] = value
    return out


def wrong_value(device: str, name: str, value: Any, rng: random.Random) -> Any:
    """A plausible wrong value for a correction (nearby for numbers)."""
    spec = DEVICE_FIELDS[device][name]
    if isinstance(spec, range):
        near = [v for v in range(value - 6, value + 7) if v != value and v in spec]
        return rng.choice(near)
    return different_value(device, name, value, rng)


def _at_bound(device: str, name: str, value: Any) -> bool:
    """Whether a value sits at the end of its range where users overshoot it."""
    return (name == "temperature" and value in (16, 30)) or (name == "fan_speed" and value == 3)


class Dialogue:
    """Builds one session's messages; remembers which phenomena it used."""

    def __init__(self, rng: random.Random, cfg: SynthConfig, meta: dict[str, str], inputs: dict[str, str]):
        self.rng, self.cfg, self.meta, self.inputs = rng, cfg, meta, inputs
        self.messages: list[dict[str, str]] = []
        self.phenomena: set[str] = set()
        self.preface = chat.context_preface(meta, rng) if self.chance(cfg.p_context_preface, "context_preface") else None

    def user(self, text: str) -> None:
        """Append a user message."""
        self.messages.append({"role": "user", "text": text})

    def assistant(self, text: str) -> None:
        """Append an assistant message."""
        self.messages.append({"role": "assistant", "text": text})

    def chance(self, p: float, name: str) -> bool:
        """Draw with probability ``p``; record phenomenon ``name`` on success."""
        hit = self.rng.random() < p
        if hit:
            self.phenomena.add(name)
        return hit

    def confirm(self, changes: list[Request], p_repeat: float | None = None) -> None:
        """The assistant confirms ``changes`` (repeating values with ``p_repeat``)."""
        repeat = self.cfg.p_confirm_repeat if p_repeat is None else p_repeat
        self.assistant(say.say_confirmation(changes, self.rng, p_repeat=repeat, p_words=self.cfg.p_assistant_words))

    def request(self, text: str) -> None:
        """A user message that asks for something: dressed with preface, distractor, casual style."""
        if self.preface:
            text, self.preface = f"{self.preface} {text}", None
        if self.chance(self.cfg.p_distractor, "distractor"):
            extra = chat.distractor(self.meta, self.rng)
            text = f"{extra} {text}" if self.rng.random() < 0.5 else f"{text} {extra}"
        if self.chance(self.cfg.p_casual, "casual"):
            text = chat.casual(text, self.rng)
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
            fix = (fix_device, fix_name, right, wrong_value(fix_device, fix_name, right, rng))
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
        elif self.chance(self.cfg.p_double_check, "double_check"):
            self.assistant(say.say_double_check(said, rng))
            self.user(say.acceptance(rng))
            self.confirm(said)
        else:
            self.confirm(said)
        if kind:
            self.phenomena.add("correction")
            self.phenomena.add(f"correction_{kind}")

    def habit_contrast(self, device: str, name: str, value: Any) -> None:
        """A habitual value is named and set aside; today's value follows."""
        habit = different_value(device, name, value, self.rng)
        preface = say.say_habit_contrast(device, name, habit, self.rng, p_words=self.cfg.p_words)
        clause = say.say_request(device, [(name, value)], self.rng, p_words=self.cfg.p_words).replace("~", "")
        self.request(f"{preface} {clause}.")
        self.confirm([(device, name, value)])

    def topic(self, device: str, settings: list[tuple[str, Any]]) -> None:
        """The device is named first; its settings follow in another sentence."""
        self.request(say.say_topic_request(device, settings, self.rng, p_words=self.cfg.p_words))
        self.confirm([(device, f, v) for f, v in settings])

    def followup(self, device: str, settings: list[tuple[str, Any]]) -> None:
        """A follow-up on the device just discussed, named by pronoun."""
        self.request(say.say_followup(device, settings, self.rng, p_words=self.cfg.p_words))
        self.confirm([(device, f, v) for f, v in settings])

    def from_to(self, device: str, name: str, value: int) -> None:
        """A request that also names the current value ("from 40 down to 20")."""
        spec = DEVICE_FIELDS[device][name]
        old = self.rng.choice([v for v in range(value - 25, value + 26, 5) if v != value and v in spec] or [spec.start])
        clause = say.say_from_to(device, name, old, value, self.rng, p_words=self.cfg.p_words)
        self.request(say.polite(clause, self.rng))
        self.confirm([(device, name, value)])

    def named_input(self, source: str) -> None:
        """The user names what is plugged in; the assistant names the input."""
        user, reply = say.say_named_input(source, self.inputs[source], self.rng)
        self.request(user)
        self.assistant(reply)

    def clamped(self, device: str, name: str, value: int) -> None:
        """The user overshoots a range bound; the assistant sets the bound."""
        spec = DEVICE_FIELDS[device][name]
        asked = value + self.rng.randint(1, 3) if value == spec.stop - 1 else value - self.rng.randint(1, 2)
        user, reply = say.say_clamped(device, name, asked, value, self.rng, p_words=self.cfg.p_words)
        self.request(user)
        self.assistant(reply)

    def which_device(self, device: str, name: str, value: Any) -> None:
        """The user omits the device; the assistant asks which one."""
        user, question, answer = say.say_which_device(device, name, value, self.rng, p_words=self.cfg.p_words)
        self.request(user)
        self.assistant(question)
        self.user(answer)
        self.confirm([(device, name, value)])

    def cancelled(self, requests: list[Request]) -> None:
        """The user asks for a setting outside ``requests`` and takes it back (nothing when no setting is left)."""
        spare = random_requests(self.rng, 1, {(d, f) for d, f, _ in requests})
        if not spare:  # the session sets every field of every device already
            self.phenomena.discard("cancel")
            return
        [(device, name, value)] = spare
        self.request(say.polite(say.say_request(device, [(name, value)], self.rng, p_words=self.cfg.p_words), self.rng))
        self.confirm([(device, name, value)])
        user, reply = say.say_cancel(device, self.rng)
        self.user(user)
        self.assistant(reply)

    def indirect(self, device: str, name: str, value: Any, opener: tuple[str, str]) -> None:
        """An indirect request, an assistant proposal, and the user's yes or number."""
        complaint, reply = opener
        self.request(complaint)
        self.assistant(reply)
        if isinstance(value, int) and not isinstance(value, bool) and name in _NUMERIC:
            self.user(say.say_value_answer(device, name, value, self.rng, p_words=self.cfg.p_words))
        else:
            self.user(say.acceptance(self.rng))
        self.confirm([(device, name, value)])

    def ask_value(self, device: str, name: str, value: Any) -> None:
        """The user names the setting, the assistant asks the value, the user gives it."""
        self.request(say.say_open_request(device, name, self.rng))
        self.assistant(say.ask_for_value(device, name, self.rng))
        self.user(say.say_value_answer(device, name, value, self.rng, p_words=self.cfg.p_words))
        self.confirm([(device, name, value)])

    def relative(self, device: str, name: str, value: int) -> None:
        """A relative change; only the assistant states the resulting number."""
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
        """The assistant proposes a setting outside ``requests``; the user declines."""
        taken = {(d, f) for d, f, _ in requests}
        outside = random_requests(self.rng, 1, taken)
        if not outside:  # the session sets every setting there is: nothing outside it to propose
            return
        [(device, name, value)] = outside
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
            value = different_value(device, name, value, rng)
        else:
            [(device, name, value)] = random_requests(rng, 1, {(d, f) for d, f, _ in requests})
        question, answer, leave = say.say_state_query(device, name, value, rng)
        self.user(question)
        self.assistant(answer)
        if not any((d, f) == (device, name) for d, f, _ in requests):
            self.user(leave)
            self.assistant(rng.choice(["Okay.", "Sure.", "Alright, no change."]))


def plan_turns(dia: Any, requests: Sequence[Request], usual: bool) -> list[list[tuple[str, list[tuple[str, Any]]]]]:
    """Group requests into user turns: one device's settings stay together unless split
    (the halves stay adjacent), and consecutive devices may share a turn.

    ``dia`` is any dialogue with ``rng``, ``cfg``, ``phenomena`` and ``chance``;
    both phrasings use this, so the same seed draws the same plan.
    """
    rng, cfg = dia.rng, dia.cfg
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
        return turns
    for unit in units:
        if turns and turns[-1][-1][0] != unit[0] and dia.chance(cfg.p_multi_request, "multi_request"):
            turns[-1].append(unit)
        else:
            turns.append([unit])
    return turns


def render(
    rng: random.Random,
    cfg: SynthConfig,
    meta: dict[str, str],
    requests: list[Request],
    *,
    inputs: dict[str, str],
    usual: bool = False,
) -> Dialogue:
    """Messages for a session whose final settings are ``requests``.

    ``inputs`` says what the household has plugged into each wired TV input.
    With ``usual`` the user asks for "the usual" and only the assistant states
    the settings.
    """
    dia = Dialogue(rng, cfg, meta, inputs)
    n_talk = rng.randint(1, 3) if dia.chance(cfg.p_small_talk, "small_talk") else 0
    slots = sorted(rng.choices(["start", "middle", "end"], weights=[3, 1, 1], k=n_talk), key=["start", "middle", "end"].index)
    chit_chat = list(zip(slots, chat.small_talk(meta, rng, k=n_talk, opening=slots[:1] == ["start"]))) if n_talk else []

    turns = plan_turns(dia, requests, usual)

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
            user, reply = chat.off_schema_request(rng)
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
        elif len(turn) == 1 and len(settings) >= 2 and dia.chance(cfg.p_topic, "topic"):
            dia.topic(device, settings)
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
        elif single and name != "armed" and dia.chance(cfg.p_habit_contrast, "habit_contrast"):
            dia.habit_contrast(device, name, value)
        elif single and dia.messages and dia.messages[-1]["role"] == "assistant" and dia.chance(cfg.p_proposal, "proposal"):
            dia.proposal(device, name, value)
        else:
            dia.direct(turn, correction=False)
        if declined_after == index:
            dia.declined_proposal(requests)
        previous_device = turn[-1][0]
    if turns:
        interludes(len(turns))
    if len(turns) <= 1:
        talk("middle")
    talk("end")
    if dia.chance(cfg.p_closing, "closing"):
        user, reply = chat.closing(rng)
        dia.user(user)
        dia.assistant(reply)
    return dia
