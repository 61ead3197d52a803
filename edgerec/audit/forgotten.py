"""Membership inference on forgotten users: does a catalog still betray the people it was told to forget?

The game (:func:`forgetting_game`): half the candidates, drawn at random, contribute
to a catalog built with :func:`edgerec.privacy.catalog.build_catalog` (non-private,
or user-level DP at ``epsilon``). Then ``forget`` of those contributors are removed
one by one with :meth:`CatalogArtifact.forget_user` (exact unlearning). The other
half never contributed.

The attack (:func:`forgotten_attack`) is the LiRA attack of :mod:`edgerec.audit.mia`,
unchanged: reference catalogs from random halves of all candidates, one likelihood
ratio per user. It scores the release twice, against the same references:

- after the forgets: forgotten users (label 1) against never-seen users (label 0),
  attack ``"lira-forgotten"``. Exact unlearning should leave it at chance (AUC ≈ 0.5);
- before the forgets, as a control: the same users, attack ``"lira-before-forgetting"``.
  On a non-private catalog it should find them; if it does not, a low AUC after
  forgetting proves nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edgerec.audit.mia import lira_scores
from edgerec.audit.result import AttackResult, Progress
from edgerec.audit.runs import attack_population
from edgerec.errors import InputError
from edgerec.rank.catalog import Catalog

__all__ = ["ForgettingGame", "forgetting_game", "forgotten_attack", "forgotten_audit"]


@dataclass(frozen=True)
class ForgettingGame:
    """Candidates' histories, who was forgotten and who was never seen, and the release before and after."""

    sequences: list[np.ndarray]
    forgotten: np.ndarray  # candidate indices: contributed, then forgotten
    never_seen: np.ndarray  # candidate indices: never contributed
    before: Catalog
    after: Catalog
    seconds_forgetting: float


def _user_name(n: int) -> str:
    return f"user-{n}"


def forgetting_game(
    sequences: Sequence[np.ndarray], items: Sequence[str], *, forget: int, epsilon: float | None = None,
    delta: float | None = None, seed: int = 0,
) -> ForgettingGame:
    """Build the catalog from a random half of the candidates, then forget ``forget`` of them (module docstring)."""
    import time

    from edgerec.privacy.catalog import build_catalog
    from edgerec.privacy.data import Histories

    seqs = [np.asarray(s, dtype=np.int64) for s in sequences if len(s)]
    if len(seqs) < 4:
        raise InputError(f"membership inference needs at least 4 users with items, got {len(seqs)}")
    half = len(seqs) // 2
    if not 1 <= forget <= half:
        raise InputError(f"can forget between 1 and {half} of the {half} contributors, got {forget}")
    order = np.random.default_rng([seed, 10]).permutation(len(seqs))
    contributors = np.sort(order[:half])
    forgotten = np.sort(order[:forget])
    artifact = build_catalog(Histories.from_arrays([_user_name(n) for n in contributors], items,
                                                   [seqs[n] for n in contributors]), epsilon=epsilon, delta=delta)
    before = copy.deepcopy(artifact.to_rank_catalog())  # forget_user updates released arrays in place
    start = time.perf_counter()
    for n in forgotten:
        artifact.forget_user(_user_name(n))
    seconds = time.perf_counter() - start
    return ForgettingGame(seqs, forgotten, np.sort(order[half:]), before, artifact.to_rank_catalog(), seconds)


def forgotten_attack(
    game: ForgettingGame, build, *, references: int = 16, seed: int = 1, epsilon: float | None = None,
    delta: float | None = None, progress: Progress | None = None,
) -> list[AttackResult]:
    """LiRA on the release after the forgets and, as the control, before them: forgotten vs never-seen users."""
    after, before = lira_scores(game.sequences, [game.after, game.before], build, references=references,
                                seed=seed, progress=progress)
    pick = np.concatenate([game.forgotten, game.never_seen])
    labels = np.zeros(len(pick), dtype=bool)
    labels[: len(game.forgotten)] = True
    details = {"references": references, "forgotten": int(len(game.forgotten))}
    return [AttackResult("lira-forgotten", after[pick], labels, epsilon, delta,
                         {**details, "seconds_forgetting": round(game.seconds_forgetting, 3)}),
            AttackResult("lira-before-forgetting", before[pick], labels.copy(), epsilon, delta, details)]


def forgotten_audit(
    data: str | Path, *, forget: int = 100, epsilon: float | None = None, delta: float | None = None,
    references: int = 16, users: int | None = None, seed: int = 0, progress: Progress | None = None,
) -> list[AttackResult]:
    """:func:`forgotten_attack` on ml-100k at ``data`` (``users``: a random subsample, for quick runs).

    Returns ``[after forgetting, before forgetting (control)]``. As in
    :func:`edgerec.audit.runs.membership_audit`, the ε lower bound uses δ = 1 / users when only ε is given.
    """
    r, seqs, build, bound_delta = attack_population(data, users=users, seed=seed, epsilon=epsilon, delta=delta)
    game = forgetting_game(seqs, r.item_ids, forget=forget, epsilon=epsilon, delta=delta, seed=seed)
    return forgotten_attack(game, build, references=references, seed=seed + 1, epsilon=epsilon,
                            delta=bound_delta, progress=progress)
