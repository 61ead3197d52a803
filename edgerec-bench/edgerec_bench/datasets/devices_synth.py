"""EdgeWisePersona-format users over ANY device schema, with dialogue phrasing of its own.

Routine reconstruction is meant to work on devices an app declares as data
(DESIGN.md "Device schema file"). This generator writes benchmark data over
such a schema. The schema is read and checked by the SDK's
:class:`~edgerec.profile.devices.DeviceSchema`; the generator then uses only
its generic keys: each device's ``words`` and settings, each setting's
``type`` (``int`` ``min``/``max``, ``enum`` ``values``, ``bool``), ``words``
and ``unit``. Optional extraction keys in the file (patterns, value words,
phrases...) are accepted and ignored: the output is the same without them.
Per user:

* 3-6 routines, each with 1-3 triggers (META_FIELDS, from a coherent meta)
  and 1-3 devices with 1-3 settings; the world is drawn by
  :func:`edgerec_bench.datasets.edgewise_world.make_routines` over the schema's
  fields, so trigger sets never nest, often overlap, and routines often share
  a device with other values.
* About 75% routine-driven sessions: the meta satisfies one routine's
  triggers and no other's; the user asks for that routine's settings
  (sometimes only part of them, sometimes plus one unrelated setting).
  ``applied_routines`` names the routine.
* About 25% spontaneous sessions: random meta and 1-3 random settings that
  equal no routine.

The phrasing (:mod:`edgerec_bench.datasets.devices_talk`,
:mod:`edgerec_bench.datasets.devices_dialogue`) was written without reading the
extractor. Phenomena, with the probabilities of
:class:`~edgerec_bench.datasets.devices_dialogue.Phrasing`:

* devices and settings named by any of their words, or by "it"/"its" when the
  device was just discussed, or not named at all when the device and value say
  which setting it is ("put the heater on eco");
* numbers as digits or words, with or without the unit ("45 percent", "45%",
  "eighty degrees", "80°");
* several settings, of one or several devices, in one message; or one setting
  per turn;
* bools said as turn on/off, switch on/off, enable/disable; enum values by
  their value words;
* the user names a setting and the assistant asks for the value (listing every
  enum value, or "on or off?");
* corrections where the last value wins: in the same message ("the speed to
  2 ... no, 3") or after the assistant read the wrong value back ("Sorry, I
  meant 70, not 60");
* assistant offers: one of the session's own settings that the user accepts
  (only the assistant states the value), or another setting the user declines
  (not an action);
* read-backs of the new values or a bare "Done.", chit-chat that fits the meta,
  numbers that set nothing (minutes, counts, degrees outside), casual typing,
  a closing thanks.

Every final value is said somewhere in the dialogue. ``difficulty="hard"``
raises every phenomenon's rate. Output is deterministic for a seed, and user
``i`` depends only on ``(seed, i)``.

>>> import tempfile
>>> home = {"devices": {"fan": {"words": ["fan"], "settings": {
...     "speed": {"type": "int", "min": 0, "max": 3}, "oscillate": {"type": "bool", "words": ["swing"]}}},
...     "kettle": {"settings": {"temperature": {"type": "int", "min": 40, "max": 100, "unit": "degrees"}}}}}
>>> summary = generate(tempfile.mkdtemp(), home, users=1, sessions=8, seed=0)
>>> summary["users"], summary["sessions"]
(1, 8)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from edgerec_bench.datasets.devices_dialogue import DIFFICULTIES, Phrasing, Request, random_value, render
from edgerec_bench.datasets.edgewise import EdgewiseUser
from edgerec_bench.datasets.edgewise_synth import SynthConfig, write_generated
from edgerec_bench.datasets.edgewise_world import make_routines, matches, sample_meta
from edgerec.errors import InputError
from edgerec.profile.devices import DeviceSchema

__all__ = ["DevicesSynthConfig", "DeviceSessionTrace", "read_devices", "synthesize_user", "generate",
           "DIFFICULTIES"]


@dataclass(frozen=True)
class DevicesSynthConfig:
    """The world's shape (``world``: routine counts, trigger overlap), session mix, and phrasing."""

    routine_share: float = 0.75
    """Share of sessions that enact a routine; the rest are spontaneous."""
    p_partial: float = 0.1
    """A routine session asks for only part of its routine's settings."""
    p_extra_request: float = 0.05
    """A routine session also asks for one setting outside the routine."""
    world: SynthConfig = field(default_factory=SynthConfig)
    phrasing: Phrasing = field(default_factory=Phrasing)

    def __post_init__(self) -> None:
        for name in ("routine_share", "p_partial", "p_extra_request"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise InputError(f"{name} must be a probability in [0, 1], got {getattr(self, name)}")

    @classmethod
    def for_difficulty(cls, level: str) -> DevicesSynthConfig:
        """``"normal"`` or ``"hard"`` (more partial sessions, overlapping routines, every phrasing phenomenon up).

        >>> DevicesSynthConfig.for_difficulty("hard").p_partial
        0.25
        """
        phrasing = Phrasing.for_difficulty(level)
        if level == "normal":
            return cls(phrasing=phrasing)
        world = replace(SynthConfig(), p_overlap_triggers=0.7, p_shared_device=0.7)
        return cls(p_partial=0.25, p_extra_request=0.15, world=world, phrasing=phrasing)


@dataclass(frozen=True)
class DeviceSessionTrace:
    """What the generator knows about one session: final settings, enacted routine, and how it was said."""

    actions: dict[str, dict[str, Any]]
    routines: tuple[int, ...]
    phenomena: frozenset[str]
    declined: tuple[Request, ...] = ()
    corrections: tuple[tuple[str, str, Any, Any], ...] = ()


_NAMES = ["Ines", "Tomasz", "Aiko", "Bruno", "Leila", "Sven", "Maya", "Kofi", "Ruth", "Dmitri", "Nora", "Ravi"]
_LIVES = ["in a small flat above a bakery", "in a terraced house with two kids", "alone with a grey cat",
          "in a shared house near the university", "in a bungalow by the coast", "in a city loft"]
_DAYS = ["works night shifts at a hospital", "works from home most days", "commutes early by train",
         "is retired and gardens a lot", "teaches at a primary school", "runs a small repair shop"]
_LIKES = ["likes the place cosy", "hates waking up to a cold room", "is careful about the energy bill",
          "keeps a strict evening routine", "is fond of gadgets", "prefers things quiet"]


def read_devices(source: DeviceSchema | Mapping | str | Path) -> DeviceSchema:
    """The schema ``source`` names: a :class:`DeviceSchema` as is, a parsed dict, or a schema file.

    Reading and checking are :meth:`DeviceSchema.from_dict` / :meth:`DeviceSchema.load`'s, with their errors.
    """
    if isinstance(source, DeviceSchema):
        return source
    if isinstance(source, Mapping):
        return DeviceSchema.from_dict(source)
    return DeviceSchema.load(source)


def _character(rng: random.Random) -> str:
    return f"{rng.choice(_NAMES)} lives {rng.choice(_LIVES)}, {rng.choice(_DAYS)} and {rng.choice(_LIKES)}."


def _routine_fields(home: DeviceSchema) -> dict[str, dict[str, Any]]:
    """The schema's field specs without settings that allow a single value (a routine cannot vary them)."""
    fields = {d: {s: spec for s, spec in specs.items() if spec is bool or len(spec) > 1}
              for d, specs in home.field_specs().items()}
    fields = {d: specs for d, specs in fields.items() if specs}
    if not fields:
        raise InputError("the device schema has no setting with more than one allowed value")
    return fields


def _world_config(cfg: SynthConfig, n_devices: int) -> SynthConfig:
    """The world shape, with no more devices per routine than the schema has."""
    low, high = cfg.devices_per_routine
    return replace(cfg, devices_per_routine=(min(low, n_devices), min(high, n_devices)))


def _flat(actions: Mapping[str, Mapping[str, Any]]) -> list[Request]:
    return [(d, s, v) for d, settings in actions.items() for s, v in settings.items()]


def _nested(requests: list[Request]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for device, name, value in requests:
        out.setdefault(device, {})[name] = value
    return out


def _random_requests(rng: random.Random, home: DeviceSchema, n: int, taken: set[tuple[str, str]]) -> list[Request]:
    free = [(d.name, s.name) for d in home.devices for s in d.settings if (d.name, s.name) not in taken]
    devices = sorted({d for d, _ in free})
    if not devices:
        return []
    chosen = rng.sample(devices, min(len(devices), rng.randint(1, 2)))
    pool = [(d, s) for d, s in free if d in chosen]
    picks = rng.sample(pool, min(n, len(pool)))
    return [(d, s, random_value(home, d, s, rng)) for d, s in picks]


def _routine_requests(
    rng: random.Random, cfg: DevicesSynthConfig, home: DeviceSchema, routines: list[dict], which: int
) -> tuple[dict[str, str], list[Request], set[str]]:
    triggers = routines[which]["triggers"]
    others = [r["triggers"] for i, r in enumerate(routines) if i != which]
    meta = None
    for _ in range(50):
        meta = sample_meta(rng, triggers)
        if meta is not None and not any(matches(meta, t) for t in others):
            break
    assert meta is not None  # make_routines keeps only satisfiable trigger sets
    requests, phenomena = _flat(routines[which]["actions"]), set()
    if len(requests) >= 2 and rng.random() < cfg.p_partial:
        requests = rng.sample(requests, rng.randint(1, len(requests) - 1))
        phenomena.add("partial")
    if rng.random() < cfg.p_extra_request:
        extra = _random_requests(rng, home, 1, {(d, s) for d, s, _ in _flat(routines[which]["actions"])})
        requests += extra
        phenomena.update({"extra_request"} if extra else set())
    return meta, requests, phenomena


def synthesize_user(
    home: DeviceSchema | Mapping | str | Path, index: int, *, sessions: int = 200, seed: int = 0,
    config: DevicesSynthConfig | None = None,
) -> tuple[EdgewiseUser, list[DeviceSessionTrace]]:
    """One user over the schema ``home`` (routines, character, answer key) and a trace per session.

    >>> home = {"devices": {"heater": {"settings": {"mode": {"type": "enum", "values": ["eco", "boost"]},
    ...     "level": {"type": "int", "min": 0, "max": 5}}}}}
    >>> user, traces = synthesize_user(home, 0, sessions=4, seed=3)
    >>> len(user.sessions), len(traces), all("heater" in r["actions"] for r in user.routines)
    (4, 4, True)
    """
    home = read_devices(home)
    cfg = config or DevicesSynthConfig()
    if sessions < 0:
        raise InputError(f"sessions must be >= 0, got {sessions}")
    rng = random.Random(f"devices-synth:{seed}:{index}")
    character = _character(rng)
    fields = _routine_fields(home)
    routines = make_routines(rng, _world_config(cfg.world, len(fields)), fields=fields,
                             draw=lambda d, s, r: random_value(home, d, s, r))
    weights = [rng.uniform(0.6, 1.4) for _ in routines]
    out_sessions, applied, traces = [], [], []
    for sid in range(sessions):
        if routines and rng.random() < cfg.routine_share:
            which = rng.choices(range(len(routines)), weights=weights)[0]
            meta, requests, phenomena = _routine_requests(rng, cfg, home, routines, which)
            enacted: tuple[int, ...] = (which,)
        else:
            meta, enacted, phenomena = sample_meta(rng), (), {"spontaneous"}
            requests = []
            for _ in range(20):
                requests = _random_requests(rng, home, rng.randint(1, 3), set())
                if all(_nested(requests) != r["actions"] for r in routines):
                    break
        dia = render(rng, cfg.phrasing, home, meta, requests)
        out_sessions.append({"session_id": sid, "meta": meta, "messages": dia.messages})
        applied.append(list(enacted))
        traces.append(DeviceSessionTrace(_nested(requests), enacted, frozenset(phenomena | dia.phenomena),
                                         tuple(dia.declined), tuple(dia.corrections)))
    user = EdgewiseUser(sessions=out_sessions, applied=applied, character=character, routines=routines, index=index)
    return user, traces


def generate(
    out_dir: str | Path,
    devices: DeviceSchema | Mapping | str | Path,
    *,
    users: int = 10,
    sessions: int = 200,
    seed: int = 0,
    config: DevicesSynthConfig | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write ``sessions.jsonl``, ``characters.jsonl`` and ``routines.jsonl`` over the schema ``devices``.

    ``devices`` is a schema file path, a parsed dict, or a :class:`DeviceSchema`.
    ``progress(1)`` is called after each user. Returns a summary: users,
    sessions, routines, routine-driven sessions, and the share of sessions
    showing each phenomenon.
    """
    home = read_devices(devices)
    summary = write_generated(
        out_dir, users,
        lambda index: synthesize_user(home, index, sessions=sessions, seed=seed, config=config),
        routine_driven=lambda trace: trace.routines, progress=progress,
    )
    phenomena = summary.pop("phenomena")
    return {**summary, "devices": sorted(home.names), "phenomena": phenomena}
