"""``edgerec eval unlearning-dpsgd``: the sharded (SISA) DP-SGD item model on MovieLens.

Same protocol as :mod:`edgerec_bench.eval.privacy` (leave-last-out, full
ranking, the unchanged on-device ranker). In one run, for each epsilon:

- the unsharded DP-SGD model (:func:`edgerec.privacy.dpsgd.train_item_vectors`
  on every user), the baseline;
- the sharded model (:func:`edgerec.privacy.sisa.build_sharded`) for each
  number of shards, with its build time and the worst-case user epsilon.

Unlearning is measured on the last epsilon and the largest number of shards:
``forget_users`` users, each from a different shard (so no shard is retrained
twice and the budget is never the limit), are forgotten one after another;
each forget's time is set against a full retrain of all shards without them,
and NDCG@10 after unlearning against that rebuild, both over the users kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from edgerec.privacy.dpsgd import train_item_vectors
from edgerec.privacy.sisa import ShardedArtifact, build_sharded, default_config, shard_of
from edgerec_bench.eval.privacy import _ranker_scores, prepare, rank_all

__all__ = ["evaluate_sharded_dpsgd", "forget_and_rebuild", "pick_forget_users"]


def pick_forget_users(user_ids: Sequence[str], shards: int, n: int, seed: int) -> list[str]:
    """``n`` users drawn with ``seed``, at most one per shard (in the order drawn).

    >>> pick_forget_users([f"u{i}" for i in range(50)], shards=4, n=3, seed=0) == pick_forget_users(
    ...     [f"u{i}" for i in range(50)], shards=4, n=3, seed=0)
    True
    """
    order = np.random.default_rng(seed).permutation(len(user_ids))
    picked, used = [], set()
    for i in order:
        s = shard_of(user_ids[i], shards)
        if s not in used:
            picked.append(user_ids[i])
            used.add(s)
        if len(picked) == n:
            break
    return picked


def evaluate_sharded_dpsgd(path: str | Path, *, epsilons: Sequence[float] = (1.0, 8.0),
                           shards: Sequence[int] = (1, 4, 8), forget_users: int = 3, delta: float | None = None,
                           embed: Callable[[list[str]], np.ndarray] | None = None, validation: bool = False,
                           aggregate: str = "mean_cosine", seed: int = 0,
                           progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Everything ``eval unlearning-dpsgd`` prints, as one JSON-ready dict (module docstring)."""
    data, splits, hist, delta, embeddings = prepare(path, delta=delta, embed=embed, validation=validation)
    config = default_config(embeddings is not None)
    steps = len(epsilons) * (1 + len(shards)) + (2 if forget_users else 0)
    done = 0

    def run(label: str, art, users=splits) -> dict[str, float]:
        nonlocal done
        done += 1
        counter = iter(range(1, len(users) + 1))
        tick = (lambda n: progress(f"{label} ({done}/{steps})", next(counter), len(users))) if progress else None
        return rank_all(data, users, _ranker_scores(art.to_rank_catalog(embeddings)), k=10, progress=tick)

    out: dict = {"n_users": len(splits), "n_items": data.n_items, "delta": delta, "validation": validation,
                 "text": embeddings is not None, "aggregate": aggregate, "seed": seed, "config": config.to_dict(),
                 "per_epsilon": []}
    last = None
    for eps in epsilons:
        start = time.perf_counter()
        vecs = train_item_vectors(hist, epsilon=eps, delta=delta, config=config, text_embeddings=embeddings, seed=seed)
        row = {"epsilon": eps, "unsharded": {**run(f"DP-SGD eps={eps:g}", vecs),
                                             "train_seconds": time.perf_counter() - start,
                                             "epsilon_prv": vecs.entry.epsilon}, "sharded": []}
        for s in shards:
            start = time.perf_counter()
            art = build_sharded(hist, epsilon=eps, shards=s, delta=delta, config=config, text_embeddings=embeddings,
                                aggregate=aggregate, seed=seed)
            seconds = time.perf_counter() - start
            sizes = [r["users"] for r in art.manifest["shard_ledgers"]]
            row["sharded"].append({"shards": s, **run(f"{s} shards eps={eps:g}", art), "build_seconds": seconds,
                                   "worst_case_epsilon": art.manifest["worst_case_epsilon"],
                                   "smallest_shard": min(sizes), "largest_shard": max(sizes)})
            last = (art, seconds)
        out["per_epsilon"].append(row)
    if last is not None and forget_users > 0:
        out["unlearning"] = _unlearning(*last, forget_users, seed, run, splits)
    return out


def forget_and_rebuild(art: ShardedArtifact, who: Sequence[str], seed: int) -> tuple[list[dict], ShardedArtifact, float]:
    """Forget ``who`` from ``art`` one after another, then retrain every shard without them from scratch.

    Returns the receipts, the rebuilt artifact (trained with ``seed``) and the rebuild's seconds.
    """
    rest = art.histories  # forgetting replaces art.histories; this one keeps everyone
    receipts = [art.forget_user(user).to_dict() for user in who]
    for user in who:
        rest = rest.without(user)
    start = time.perf_counter()
    rebuilt = build_sharded(rest, epsilon=art.manifest["epsilon"], shards=art.manifest["shards"],
                            delta=art.manifest["delta"], config=art.config, text_embeddings=art.text_embeddings,
                            aggregate=art.manifest["aggregate"], seed=seed)
    return receipts, rebuilt, time.perf_counter() - start


def _unlearning(art: ShardedArtifact, build_seconds: float, n: int, seed: int, run, splits) -> dict:
    """Forget ``n`` users (one per shard) from ``art``; compare with a full retrain of every shard without them."""
    shards, eps = art.manifest["shards"], art.manifest["epsilon"]
    who = pick_forget_users(art.histories.user_ids, shards, n, seed + 20261202)
    receipts, rebuilt, rebuild_s = forget_and_rebuild(art, who, seed + 1)
    kept = [s for s in splits if s.user not in set(who)]
    after = run(f"after forgetting, {shards} shards", art, kept)
    ref = run(f"rebuild without them, {shards} shards", rebuilt, kept)
    forget_s = float(np.mean([r["seconds"] for r in receipts]))
    return {"epsilon": eps, "shards": shards, "users_forgotten": len(who), "receipts": receipts,
            "forget_seconds_mean": forget_s, "full_retrain_seconds": rebuild_s, "build_seconds": build_seconds,
            "speedup": rebuild_s / forget_s, "ndcg@10_after_unlearning": after["ndcg@10"],
            "ndcg@10_rebuild_without_them": ref["ndcg@10"], "hr@10_after_unlearning": after["hr@10"],
            "hr@10_rebuild_without_them": ref["hr@10"],
            "worst_case_epsilon_after": art.manifest["worst_case_epsilon"]}
