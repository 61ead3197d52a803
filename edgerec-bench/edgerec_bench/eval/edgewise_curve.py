"""The learning curve of routine reconstruction: scores after the first N sessions of each user.

Each generated user lives one history of ``max(sizes)`` sessions (the users of
``edgerec datasets edgewise-synth`` with the same seed, phrasing and
difficulty). For every size N the routines are mined from that user's *first N
sessions*, so the curve follows one life growing, not fresh users per size.
Each session is extracted once and the result reused by every size that holds
it; a size's seconds per user are its sessions' extraction time plus its mining
time.

With ``true_actions`` the routines are also mined from the generator's true
per-session actions: the miner's ceiling with a perfect extractor.

>>> rows = learning_curve([20, 40], users=1, seed=3)["sizes"]
>>> [r["sessions"] for r in rows], sorted(rows[0]["routines"])[:2]
([20, 40], ['acc.actions_exact', 'acc.routine_exact'])
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from edgerec.errors import InputError

__all__ = ["history_sizes", "learning_curve"]


def history_sizes(sizes: Sequence[int], users: int) -> list[int]:
    """The history lengths N, sorted and distinct; an :class:`InputError` for a length or a user count below 1.

    >>> history_sizes([50, 25, 50], users=2)
    [25, 50]
    """
    sizes = sorted(set(sizes))
    if not sizes or sizes[0] < 1:
        raise InputError(f"--sessions must be positive whole numbers, got {sizes}")
    if users < 1:
        raise InputError(f"users must be >= 1, got {users}")
    return sizes


def _mine_timed(sessions: Sequence[dict[str, Any]], actions: Sequence[dict[str, Any]],
                config: Any) -> tuple[list, float]:
    from edgerec.profile.reconstruct import routines_from_actions

    started = time.perf_counter()
    routines = routines_from_actions(sessions, actions, config)
    return routines, time.perf_counter() - started


def learning_curve(
    sizes: Sequence[int],
    *,
    users: int,
    seed: int,
    phrasing: str = "default",
    difficulty: str = "normal",
    true_actions: bool = False,
    calendar: bool = True,
    joint: bool = True,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Benchmark metrics of the routines mined from each user's first N sessions, for each N in ``sizes``.

    Returns ``{"sizes": [{"sessions": N, "routines": metrics, "seconds_per_user": s,
    ["routines_true_actions": metrics]}, ...]}`` plus the run's settings.
    Extraction is the rules (:func:`edgerec.profile.extract.extract_actions`).
    ``calendar=False`` mines with ``MiningConfig(base_rates=None)``: the
    weekday rate read from the user's other sessions, as before the calendar
    prior (the ablation); ``joint=False`` chooses triggers one value at a time
    only, as before the joint choice.
    ``progress(1)`` is called per user.
    """
    from edgerec.profile.extract import extract_actions
    from edgerec.profile.mining_model import MiningConfig
    from edgerec_bench.datasets.edgewise_synth import SynthConfig, synthesize_user
    from edgerec_bench.eval.edgewise_metrics import score_users

    sizes = history_sizes(sizes, users)
    config = SynthConfig.for_difficulty(difficulty)
    mining = MiningConfig(joint=joint) if calendar else MiningConfig(base_rates=None, joint=joint)
    truth: list[list[dict[str, Any]]] = []
    mined: dict[int, list] = {n: [] for n in sizes}
    ceiling: dict[int, list] = {n: [] for n in sizes}
    seconds: dict[int, float] = {n: 0.0 for n in sizes}
    for index in range(users):
        user, traces = synthesize_user(index, sessions=sizes[-1], seed=seed, config=config, phrasing=phrasing)
        extracted, spent = [], []
        for session in user.sessions:
            started = time.perf_counter()
            extracted.append(dict(extract_actions(session["messages"])))
            spent.append(time.perf_counter() - started)
        truth.append(user.routines or [])
        for n in sizes:
            routines, mine_seconds = _mine_timed(user.sessions[:n], extracted[:n], mining)
            mined[n].append(routines)
            seconds[n] += sum(spent[:n]) + mine_seconds
            if true_actions:
                ceiling[n].append(_mine_timed(user.sessions[:n], [t.actions for t in traces[:n]], mining)[0])
        if progress:
            progress(1)
    rows = []
    for n in sizes:
        row: dict[str, Any] = {"sessions": n, "routines": score_users(truth, mined[n]),
                               "seconds_per_user": round(seconds[n] / users, 4)}
        if true_actions:
            row["routines_true_actions"] = score_users(truth, ceiling[n])
        rows.append(row)
    return {"users": users, "seed": seed, "phrasing": phrasing, "difficulty": difficulty, "calendar": calendar, "joint": joint,
            "subsets": "first N sessions of one history per user", "sizes": rows}
