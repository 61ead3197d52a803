"""A generator of EdgeWisePersona-format data: users, routines, and dialogues.

The real benchmark cannot be downloaded here, so this writes data of the same
shape (see :mod:`edgerec_bench.datasets.edgewise`) that is hard in the same ways as
LLM-written smart-home dialogues. Per user:

* 3-6 routines, each with 1-3 trigger fields (drawn from a coherent meta:
  sun phase fits the time of day, outdoor temperature fits the weather) and
  1-3 devices with 1-3 settings each. Trigger sets of one user never nest, and
  often overlap (same time of day, different weather); routines often share a
  device with different values.
* About 75% routine-driven sessions: the meta satisfies one routine's
  triggers (and, unless ``p_ambiguous_meta``, no other routine's), the other
  meta fields are random; the user asks for that routine's settings, sometimes
  only part of them, sometimes plus an unrelated one-off request, rarely
  together with a second routine whose triggers hold too.
  ``applied_routines`` names the enacted routine(s).
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

from edgerec_bench.datasets import edgewise_blind as blind
from edgerec_bench.datasets import edgewise_chatter as chat
from edgerec_bench.datasets import edgewise_fresh as fresh
from edgerec_bench.datasets import edgewise_heldout as heldout
from edgerec_bench.datasets import edgewise_phrasing as say
from edgerec_bench.datasets.edgewise import META_FIELDS, EdgewiseUser, write
from edgerec_bench.datasets.edgewise_dialogue import actions_of, flat_requests, random_requests, render
from edgerec_bench.datasets.edgewise_world import make_routines, matches, sample_meta
from edgerec.errors import InputError

__all__ = ["SynthConfig", "SessionTrace", "synthesize_user", "generate", "DIFFICULTIES", "PHRASINGS"]


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
    p_two_routines: float = 0.04
    """A routine session enacts a second routine too, when their triggers can hold at once
    and their settings do not collide (``applied_routines`` then names both)."""
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
    p_habit_contrast: float = 0.05
    """Per single-setting direct turn: a habitual value is named first, then today's ("I normally
    keep it at 23, but today 21")."""
    p_double_check: float = 0.08
    """Per direct turn without a correction: the assistant reads the values back as a
    question, the user says yes, the assistant acts."""
    p_topic: float = 0.15
    """Per one-device, several-setting turn: the device is named in one sentence, its settings in the next."""
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
PHRASINGS = ("default", "heldout", "blind", "fresh")
"""Wordings: the default templates, the held-out ones of :mod:`edgerec_bench.datasets.edgewise_heldout`, the
independently written ones of :mod:`edgerec_bench.datasets.edgewise_blind`, or the hard, independently
written ones of :mod:`edgerec_bench.datasets.edgewise_fresh`."""


@dataclass(frozen=True)
class SessionTrace:
    """What the generator knows about one session and a model must infer.

    ``actions`` are the final settings the dialogue asks for (device -> field ->
    value); ``routines`` are the enacted routines' indexes (empty when
    spontaneous, two at most); ``phenomena`` names the phrasing phenomena used.
    """

    actions: dict[str, dict[str, Any]]
    routines: tuple[int, ...]
    phenomena: frozenset[str] = field(default_factory=frozenset)

    @property
    def routine(self) -> int | None:
        """The (first) enacted routine, or None for a spontaneous session."""
        return self.routines[0] if self.routines else None


def _merged_triggers(a: dict[str, str], b: dict[str, str]) -> dict[str, str] | None:
    if any(a[k] != b[k] for k in a.keys() & b.keys()):
        return None
    return {**a, **b}


def _routine_session(
    rng: random.Random, cfg: SynthConfig, routines: list[dict[str, Any]], weights: list[float]
) -> tuple[dict[str, str], list, tuple[int, ...], set[str]]:
    """Meta, requests, enacted routine indexes and phenomena of one routine-driven session."""
    which = rng.choices(range(len(routines)), weights=weights)[0]
    enacted, triggers, phenomena = (which,), routines[which]["triggers"], set()
    if rng.random() < cfg.p_two_routines:
        fields_taken = {(d, f) for d, f, _ in flat_requests(routines[which]["actions"])}
        partners = []
        for j, other in enumerate(routines):
            merged = _merged_triggers(triggers, other["triggers"]) if j != which else None
            clash = fields_taken & {(d, f) for d, f, _ in flat_requests(other["actions"])}
            if merged is not None and not clash and sample_meta(rng, merged) is not None:
                partners.append((j, merged))
        if partners:
            j, triggers = rng.choice(partners)
            enacted = tuple(sorted((which, j)))
            phenomena.add("two_routines")
    meta = None
    strict = rng.random() >= cfg.p_ambiguous_meta
    others = [r["triggers"] for i, r in enumerate(routines) if i not in enacted]
    for _ in range(50 if strict else 1):
        meta = sample_meta(rng, triggers)
        if meta is not None and not (strict and any(matches(meta, t) for t in others)):
            break
    assert meta is not None  # triggers were checked satisfiable when the routines were made
    requests = [r for i in enacted for r in flat_requests(routines[i]["actions"])]
    own = {(d, f) for d, f, _ in requests}
    if len(enacted) == 1 and len(requests) >= 2 and rng.random() < cfg.p_partial:
        requests = rng.sample(requests, rng.randint(1, len(requests) - 1))
        phenomena.add("partial")
    if rng.random() < cfg.p_extra_request:
        requests += random_requests(rng, 1, own)
        phenomena.add("extra_request")
    return meta, requests, enacted, phenomena


def synthesize_user(
    index: int, *, sessions: int = 200, seed: int = 0, config: SynthConfig | None = None, phrasing: str = "default"
) -> tuple[EdgewiseUser, list[SessionTrace]]:
    """One synthetic user (with routines, character and ``applied``) and its traces.

    ``phrasing="heldout"`` (or ``"blind"``, ``"fresh"``) keeps the same world (routines, meta, enacted
    routines, final settings) and rewrites every session's messages with
    :mod:`edgerec_bench.datasets.edgewise_heldout` (or :mod:`edgerec_bench.datasets.edgewise_blind`,
    :mod:`edgerec_bench.datasets.edgewise_fresh`), from a random stream of its own.

    >>> user, traces = synthesize_user(0, sessions=5, seed=1)
    >>> len(user.sessions), len(traces), 3 <= len(user.routines) <= 6
    (5, 5, True)
    """
    cfg = config or SynthConfig()
    if sessions < 0:
        raise InputError(f"sessions must be >= 0, got {sessions}")
    if phrasing not in PHRASINGS:
        raise InputError(f"unknown phrasing {phrasing!r} (known: {', '.join(PHRASINGS)})")
    wording = random.Random(f"edgewise-heldout:{seed}:{index}")
    blind_wording = random.Random(f"edgewise-blind:{seed}:{index}")
    fresh_wording = random.Random(f"edgewise-fresh:{seed}:{index}")
    rng = random.Random(f"edgewise-synth:{seed}:{index}")
    character = chat.character_text(rng)
    routines = make_routines(rng, cfg)
    inputs = say.household_inputs(rng)
    spread = cfg.style_spread
    style = {name: min(1.0, getattr(cfg, name) * rng.uniform(1 - spread, 1 + spread))
             for name in ("p_words", "p_casual", "p_distractor", "p_multi_request")}
    user_cfg = replace(cfg, **style)
    weights = [rng.uniform(0.6, 1.4) for _ in routines]
    out_sessions, applied, traces = [], [], []
    for sid in range(sessions):
        if routines and rng.random() < cfg.routine_share:
            meta, requests, enacted, phenomena = _routine_session(rng, cfg, routines, weights)
            usual = not phenomena & {"partial", "extra_request", "two_routines"} and rng.random() < cfg.p_usual
        else:
            usual, enacted = False, ()
            meta = sample_meta(rng)
            requests = []
            for _ in range(20):
                requests = random_requests(rng, rng.randint(1, 3), set())
                if all(actions_of(requests) != r["actions"] for r in routines):
                    break
            phenomena = {"spontaneous"}
        applied.append(list(enacted))
        dia = render(rng, user_cfg, meta, requests, inputs=inputs, usual=usual)
        if phrasing == "heldout":  # the default render above still runs, so the world's draws stay the same
            dia = heldout.render(wording, user_cfg, meta, requests, inputs=inputs, usual=usual)
        elif phrasing == "blind":  # likewise, from a stream of its own
            dia = blind.render(blind_wording, user_cfg, meta, requests, inputs=inputs, usual=usual)
        elif phrasing == "fresh":  # likewise
            dia = fresh.render(fresh_wording, user_cfg, meta, requests, inputs=inputs, usual=usual)
        out_sessions.append({"session_id": sid, "meta": meta, "messages": dia.messages})
        traces.append(SessionTrace(actions_of(requests), enacted, frozenset(phenomena | dia.phenomena)))
    user = EdgewiseUser(sessions=out_sessions, applied=applied, character=character, routines=routines, index=index)
    return user, traces


def generate(
    out_dir: str | Path,
    *,
    users: int = 10,
    sessions: int = 200,
    seed: int = 0,
    config: SynthConfig | None = None,
    phrasing: str = "default",
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write ``sessions.jsonl``, ``characters.jsonl`` and ``routines.jsonl`` to ``out_dir``.

    ``phrasing`` picks the wording (see :data:`PHRASINGS`); the world and the
    answer key do not depend on it. ``progress(1)`` is called after each user. Returns a summary: users,
    sessions, routines, and the share of sessions showing each phenomenon.
    """
    return write_generated(
        out_dir, users,
        lambda index: synthesize_user(index, sessions=sessions, seed=seed, config=config, phrasing=phrasing),
        routine_driven=lambda trace: trace.routine is not None, progress=progress,
    )


def write_generated(
    out_dir: str | Path,
    users: int,
    synthesize: Callable[[int], tuple[EdgewiseUser, list[Any]]],
    *,
    routine_driven: Callable[[Any], bool],
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Make users ``0..users-1`` with ``synthesize(index) -> (user, traces)``, write them, and summarize.

    Shared by every generator. Each trace has ``phenomena`` (names); ``routine_driven(trace)``
    says whether its session enacts a routine. ``progress(1)`` is called after each user.
    """
    if users < 1:
        raise InputError(f"users must be >= 1, got {users}")
    generated, all_traces = [], []
    for index in range(users):
        user, traces = synthesize(index)
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
        "routine_sessions": sum(bool(routine_driven(t)) for t in all_traces),
        "phenomena": {k: round(v / total, 3) for k, v in sorted(counts.items())} if total else {},
    }
