"""Scoring of per-session extraction against the known final settings.

Each session's predicted actions and true actions are flattened into
``(device.field, value)`` items (:func:`edgerec.profile.schema.flatten_actions`).
Over all sessions of all users:

* ``session_exact``  share of sessions whose predicted items equal the true ones
* ``precision``      predicted items that are true / predicted items
* ``recall``         true items that were predicted / true items

A session with nothing predicted and nothing true counts as exact. With no
predicted item at all precision is 1.0; with no true item recall is 1.0.

>>> from edgerec_bench.datasets.edgewise import EdgewiseUser
>>> from edgerec_bench.datasets.edgewise_synth import SessionTrace
>>> user = EdgewiseUser(sessions=[{"meta": {}, "messages": [
...     {"role": "user", "text": "TV volume to 20 please."}]}])
>>> extraction_scores([user], [[SessionTrace(routines=[], actions={"tv": {"volume": 20}})]])
{'session_exact': 1.0, 'precision': 1.0, 'recall': 1.0}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from edgerec.errors import InputError
from edgerec.profile.schema import flatten_actions

__all__ = ["extraction_scores", "extraction_by_phenomenon", "generated_report"]

Extractor = Callable[[Sequence[Mapping[str, str]]], Mapping[str, Mapping[str, Any]]]


def _default_extractor() -> Extractor:
    from edgerec.profile.extract import extract_actions

    return extract_actions


def _pairs(users: Sequence[Any], traces: Sequence[Sequence[Any]]):
    if len(users) != len(traces):
        raise InputError(f"{len(users)} users but {len(traces)} trace lists")
    for user, user_traces in zip(users, traces):
        if len(user.sessions) != len(user_traces):
            raise InputError(f"a user has {len(user.sessions)} sessions but {len(user_traces)} traces")
        yield from zip(user.sessions, user_traces)


def _score(counts: Counter) -> dict[str, float]:
    return {
        "session_exact": counts["exact"] / counts["sessions"] if counts["sessions"] else 1.0,
        "precision": counts["hit"] / counts["predicted"] if counts["predicted"] else 1.0,
        "recall": counts["hit"] / counts["true"] if counts["true"] else 1.0,
    }


def _count(counts: Counter, predicted: frozenset, true: frozenset) -> None:
    counts["sessions"] += 1
    counts["exact"] += predicted == true
    counts["hit"] += len(predicted & true)
    counts["predicted"] += len(predicted)
    counts["true"] += len(true)


def extraction_scores(
    users: Sequence[Any], traces: Sequence[Sequence[Any]], *, extractor: Extractor | None = None
) -> dict[str, float]:
    """Session-exact rate, item precision and item recall of ``extractor`` over all sessions.

    ``users[u].sessions[k]["messages"]`` is read by ``extractor`` (default
    :func:`edgerec.profile.extract.extract_actions`) and compared with
    ``traces[u][k].actions``.
    """
    extractor = extractor or _default_extractor()
    counts: Counter = Counter()
    for session, trace in _pairs(users, traces):
        _count(counts, flatten_actions(dict(extractor(session["messages"]))), flatten_actions(trace.actions))
    return _score(counts)


def extraction_by_phenomenon(
    users: Sequence[Any], traces: Sequence[Sequence[Any]], *, extractor: Extractor | None = None
) -> dict[str, dict[str, float]]:
    """:func:`extraction_scores` restricted to the sessions showing each phenomenon, plus their count ``n``.

    >>> from edgerec_bench.datasets.edgewise import EdgewiseUser
    >>> from edgerec_bench.datasets.edgewise_synth import SessionTrace
    >>> user = EdgewiseUser(sessions=[{"meta": {}, "messages": [{"role": "user", "text": "Lights to 30%."}]}])
    >>> trace = SessionTrace(routines=[], actions={"lights": {"brightness": 30}},
    ...                      phenomena=frozenset({"explicit"}))
    >>> extraction_by_phenomenon([user], [[trace]])["explicit"]["n"]
    1.0
    """
    extractor = extractor or _default_extractor()
    by_name: dict[str, Counter] = {}
    for session, trace in _pairs(users, traces):
        predicted = flatten_actions(dict(extractor(session["messages"])))
        true = flatten_actions(trace.actions)
        for name in trace.phenomena:
            _count(by_name.setdefault(name, Counter()), predicted, true)
    return {name: {**_score(c), "n": float(c["sessions"])} for name, c in sorted(by_name.items())}


def generated_report(
    users: int,
    *,
    seed: int,
    sessions: int = 200,
    phrasing: str = "default",
    difficulty: str = "normal",
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Extraction and mining scored separately, on generated users whose per-session truth is known.

    Returns ``extraction`` (:func:`extraction_scores` of the rules), and the
    benchmark metrics of the routines mined from the extracted actions
    (``routines``) and from the generator's true per-session actions
    (``routines_true_actions``: the ceiling the miner reaches with a perfect
    extractor). The users are those of ``edgerec datasets edgewise-synth`` with
    the same seed, phrasing and difficulty. ``progress(1)`` is called per user.

    >>> r = generated_report(1, seed=3, sessions=40)
    >>> sorted(r), sorted(r["extraction"])
    (['extraction', 'routines', 'routines_true_actions'], ['precision', 'recall', 'session_exact'])
    """
    from edgerec_bench.datasets.edgewise_synth import SynthConfig, synthesize_user
    from edgerec_bench.eval.edgewise_metrics import score_users
    from edgerec.profile.reconstruct import routines_from_actions

    if users < 1:
        raise InputError(f"users must be >= 1, got {users}")
    extract = _default_extractor()
    config = SynthConfig.for_difficulty(difficulty)
    counts: Counter = Counter()
    truth, mined, ceiling = [], [], []
    for index in range(users):
        user, traces = synthesize_user(index, sessions=sessions, seed=seed, config=config, phrasing=phrasing)
        extracted = [dict(extract(s["messages"])) for s in user.sessions]
        for actions, trace in zip(extracted, traces):
            _count(counts, flatten_actions(actions), flatten_actions(trace.actions))
        truth.append(user.routines)
        mined.append(routines_from_actions(user.sessions, extracted))
        ceiling.append(routines_from_actions(user.sessions, [trace.actions for trace in traces]))
        if progress:
            progress(1)
    return {
        "extraction": _score(counts),
        "routines": score_users(truth, mined),
        "routines_true_actions": score_users(truth, ceiling),
    }
