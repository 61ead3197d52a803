"""``edgerec eval privacy``: ranking quality of the user-level DP catalog on MovieLens, per epsilon.

Same protocol as :mod:`edgerec_bench.eval.movielens` (leave-last-out, full
ranking). For each epsilon the cross-user catalog is built with
:func:`edgerec.privacy.catalog.build_catalog` from every user's training split;
each user is then ranked by the unchanged on-device ranker. Beside it, in the
same run: the non-private ranker, and DP popularity (the whole epsilon spent
on item counts alone, the usual private baseline). With ``dpsgd=True`` each
epsilon also gets a ``dpsgd`` row: item vectors trained with DP-SGD at that
epsilon (:mod:`edgerec.privacy.dpsgd`, the whole budget), whose cosine
neighbours and bias-derived popularity replace the catalog's.

Unlearning is measured on the last epsilon: forgetting a few users from the
built catalog, against rebuilding it without them (fresh counting and noise),
and NDCG after unlearning against a build without those users with the same
noise. The rebuild includes the public text neighbours of the co-occurrence
slot; since a rebuild could reuse them, the speed-up without them is given too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from edgerec.privacy.catalog import CatalogArtifact, ReleaseOptions, build_catalog
from edgerec.privacy.contributions import Bounds, contribute, count_items
from edgerec.privacy.data import Histories
from edgerec.privacy.release import text_neighbours
from edgerec.rank.catalog import Catalog
from edgerec.rank.metrics import ranking_metrics
from edgerec.rank.ranker import Ranker, RankerConfig
from edgerec_bench.datasets.movielens import MovieLens, UserSplit, leave_last_out, load_movielens, movie_text
from edgerec_bench.eval.movielens import _history, _top

__all__ = ["DEFAULT_BOUNDS", "DEFAULT_OPTIONS", "dp_popularity", "evaluate_privacy", "histories", "prepare",
           "private_catalog", "rank_all"]

#: Contribution bounds used by ``eval movielens --epsilon`` and ``eval privacy`` (chosen on the validation split).
DEFAULT_BOUNDS = Bounds(items_per_user=50, pair_items=30, transitions_per_user=100, window=5)
#: Release options used there (chosen on the validation split).
DEFAULT_OPTIONS = ReleaseOptions()


def histories(data: MovieLens, splits: Sequence[UserSplit]) -> Histories:
    """Every user's training items in time order (the sequences the non-private catalog learns from)."""
    return Histories.from_arrays([s.user for s in splits], data.item_ids, [s.train_items for s in splits])


def private_catalog(data: MovieLens, splits: Sequence[UserSplit], epsilon: float, delta: float | None = None, *,
                    embeddings: np.ndarray | None = None, bounds: Bounds | None = None,
                    options: ReleaseOptions | None = None) -> CatalogArtifact:
    """The DP catalog of the training splits (text embeddings, if given, feed the public prior)."""
    return build_catalog(histories(data, splits), epsilon=epsilon, delta=delta, bounds=bounds or DEFAULT_BOUNDS,
                         options=options or DEFAULT_OPTIONS, text_embeddings=embeddings)


def prepare(path: str | Path, *, delta: float | None, embed: Callable[[list[str]], np.ndarray] | None,
            validation: bool):
    """``(data, splits, histories, delta, text embeddings or None)``: what every privacy evaluation starts from.

    ``delta`` defaults to 1 / number of users; the embeddings are of the items' titles.
    """
    data = load_movielens(path)
    splits = leave_last_out(data, skip_last=1 if validation else 0)
    delta = 1.0 / len(splits) if delta is None else float(delta)
    embeddings = None
    if embed is not None:
        embeddings = embed([movie_text(data.movies[i]) if i in data.movies else i for i in data.item_ids])
    return data, splits, histories(data, splits), delta, embeddings


def dp_popularity(hist: Histories, epsilon: float, delta: float, bounds: Bounds | None = None) -> np.ndarray:
    """Item popularity under user-level (epsilon, delta)-DP, the whole budget on the counts alone."""
    from edgerec.privacy import accounting
    from edgerec.privacy.noise import discrete_gaussian

    bounds = bounds or DEFAULT_BOUNDS
    counts = count_items([contribute(s, bounds) for s in hist.sequences], hist.n_items)
    z = accounting.calibrate_gaussian(epsilon, delta)
    return (counts + discrete_gaussian(hist.n_items, scale=z * bounds.sensitivities()["popularity"])).astype(float)


def rank_all(data: MovieLens, splits: Sequence[UserSplit], score: Callable, *, k: int = 10,
             progress: Callable[[int], None] | None = None) -> dict[str, float]:
    """Ranking metrics of ``score(split, history, candidates) -> values`` over ``splits``."""
    lists, heldout = [], []
    all_items = np.arange(data.n_items)
    for split in splits:
        seen = np.zeros(data.n_items, dtype=bool)
        seen[split.train_items] = True
        candidates = all_items[~seen]
        lists.append(_top(score(split, _history(split, data), candidates), candidates, k).tolist())
        heldout.append(split.heldout)
        if progress is not None:
            progress(1)
    return ranking_metrics(lists, heldout, k)


def _ranker_scores(catalog: Catalog, config: RankerConfig | None = None) -> Callable:
    ranker = Ranker(catalog, config or RankerConfig())
    return lambda split, history, candidates: ranker.score(history, candidates)


def evaluate_privacy(path: str | Path, epsilons: Sequence[float], *, delta: float | None = None,
                     embed: Callable[[list[str]], np.ndarray] | None = None, validation: bool = False,
                     bounds: Bounds | None = None, options: ReleaseOptions | None = None, k: int = 10,
                     forget_users: int = 5, repeats: int = 1, dpsgd: bool = False, dpsgd_config=None,
                     compare_counts: bool = False, fleet=None, seed: int = 0,
                     progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Everything ``eval privacy`` prints, as one JSON-ready dict (see module docstring).

    OpenDP's noise cannot be seeded, so ``repeats`` builds each epsilon that many
    times with fresh noise; the figures are means, with their standard deviations.
    ``compare_counts`` adds a ``dp_counts`` row: the earlier counts method
    (truncated contributions over all items) at the same epsilon.
    ``fleet`` (a :class:`edgerec_bench.eval.privacy_fleet.FleetSettings`) adds the local-DP
    fleet's rows to each epsilon (see that module).
    """
    data, splits, hist, delta, embeddings = prepare(path, delta=delta, embed=embed, validation=validation)
    steps = 1 + (2 + dpsgd + compare_counts) * len(epsilons) * repeats + (
        len(fleet.sizes(len(splits))) * len(epsilons) if fleet is not None else 0)
    done = 0

    def run(label: str, score: Callable) -> dict[str, float]:
        nonlocal done
        done += 1
        counter = iter(range(1, len(splits) + 1))
        tick = (lambda n: progress(f"{label} ({done}/{steps})", next(counter), len(splits))) if progress else None
        return rank_all(data, splits, score, k=k, progress=tick)

    plain = Catalog.from_sequences(data.item_ids, hist.sequences, embeddings=embeddings)
    out: dict = {"n_users": len(splits), "n_items": data.n_items, "delta": delta, "validation": validation,
                 "text": embeddings is not None, "bounds": (bounds or DEFAULT_BOUNDS).to_dict(),
                 "release": (options or DEFAULT_OPTIONS).to_dict(),
                 "non_private": run("non-private ranker", _ranker_scores(plain)), "per_epsilon": []}
    if fleet is not None:
        out["fleet"] = fleet.to_dict()
    art = None
    for eps in epsilons:
        runs, pops, build_s, sgd_runs, sgd_info, counts_runs = [], [], [], [], [], []
        for _ in range(repeats):
            start = time.perf_counter()
            art = build_catalog(hist, epsilon=eps, delta=delta, bounds=bounds or DEFAULT_BOUNDS,
                                options=options or DEFAULT_OPTIONS, text_embeddings=embeddings)
            build_s.append(time.perf_counter() - start)
            runs.append(run(f"DP catalog eps={eps:g}", _ranker_scores(art.to_rank_catalog(embeddings))))
            if compare_counts:
                old = build_catalog(hist, epsilon=eps, delta=delta, bounds=bounds or DEFAULT_BOUNDS,
                                    options=ReleaseOptions(method="counts", shares=(0.3, 0.35, 0.35)),
                                    text_embeddings=embeddings)
                counts_runs.append(run(f"DP counts eps={eps:g}", _ranker_scores(old.to_rank_catalog(embeddings))))
            pop = dp_popularity(hist, eps, delta, bounds)
            pops.append(run(f"DP popularity eps={eps:g}", lambda split, history, candidates, pop=pop: pop[candidates]))
            if dpsgd:
                from edgerec.privacy.dpsgd import train_item_vectors

                start = time.perf_counter()
                vecs = train_item_vectors(hist, epsilon=eps, delta=delta,
                                          config=_dpsgd_config(dpsgd_config, embeddings),
                                          text_embeddings=embeddings, seed=seed + len(sgd_runs))
                sgd_info.append({**vecs.summary(), "train_seconds": time.perf_counter() - start})
                sgd_runs.append(run(f"DP-SGD eps={eps:g}", _ranker_scores(vecs.to_rank_catalog(embeddings))))
        dp, popm = _mean(runs), _mean(pops)
        eps_spent, _ = art.ledger.total()
        row = {
            "epsilon": eps, "ledger_epsilon": eps_spent, "ledger_pld_epsilon": art.ledger.cross_check(),
            "repeats": repeats, "dp_catalog": dp, "dp_popularity": popm, "build_seconds": float(np.mean(build_s)),
            "ndcg_ratio_to_non_private": dp[f"ndcg@{k}"] / out["non_private"][f"ndcg@{k}"],
        }
        if dpsgd:
            row["dpsgd"] = {**_mean(sgd_runs), "training": sgd_info}
        if compare_counts:
            row["dp_counts"] = _mean(counts_runs)
        if fleet is not None:
            from edgerec_bench.eval.privacy_fleet import fleet_rows

            row.update(fleet_rows(data, splits, eps, fleet, lambda label, cat: run(label, _ranker_scores(cat)),
                                  options=options or DEFAULT_OPTIONS, embeddings=embeddings))
        out["per_epsilon"].append(row)
    if art is not None and forget_users > 0:
        out["unlearning"] = _unlearning(art, hist, data, splits, embeddings, forget_users, k)
    return out


def _dpsgd_config(config, embeddings):
    """The DP-SGD settings: given ones, else the defaults (free item vectors when there is no text)."""
    from edgerec.privacy.dpsgd import DpsgdConfig

    if config is not None:
        return config
    return DpsgdConfig() if embeddings is not None else DpsgdConfig(model="free", vectors="output", lr=30.0, epochs=10)


def _mean(runs: list[dict[str, float]]) -> dict[str, float]:
    """Mean of each metric over runs, plus ``<metric>_std`` when there is more than one run."""
    out = {key: float(np.mean([r[key] for r in runs])) for key in runs[0]}
    if len(runs) > 1:
        out.update({f"{key}_std": float(np.std([r[key] for r in runs], ddof=1)) for key in runs[0]})
    return out


def _unlearning(art: CatalogArtifact, hist: Histories, data: MovieLens, splits, embeddings, n: int, k: int) -> dict:
    """Forget ``n`` users (spread over the ids) from ``art``; compare with rebuilds."""
    rng = np.random.default_rng(20261202)
    who = [hist.user_ids[i] for i in rng.choice(len(hist), size=min(n, len(hist)), replace=False)]
    eps, delta = art.manifest["epsilon"], art.manifest["delta"]
    bounds, options = Bounds.from_dict(art.manifest["bounds"]), ReleaseOptions.from_dict(art.manifest["release"])
    noise = art.noise()
    forget_s = []
    for user in who:
        start = time.perf_counter()
        art.forget_user(user)
        forget_s.append(time.perf_counter() - start)
    rest = hist
    for user in who:
        rest = rest.without(user)
    start = time.perf_counter()
    fresh = build_catalog(rest, epsilon=eps, delta=delta, bounds=bounds, options=options, text_embeddings=embeddings)
    rebuild_s = time.perf_counter() - start
    text_s = 0.0
    if fresh.manifest.get("cooccurrence_source") == "text":  # public, so a rebuild could reuse it: timed apart
        start = time.perf_counter()
        text_neighbours(embeddings, options.top_n)
        text_s = time.perf_counter() - start
    same_noise = build_catalog(rest, epsilon=eps, delta=delta, bounds=bounds, options=options,
                               text_embeddings=embeddings, noise=noise, domain=art.domain)
    kept = [s for s in splits if s.user not in set(who)]
    after = rank_all(data, kept, _ranker_scores(art.to_rank_catalog(embeddings)), k=k)
    ref = rank_all(data, kept, _ranker_scores(same_noise.to_rank_catalog(embeddings)), k=k)
    fresh_m = rank_all(data, kept, _ranker_scores(fresh.to_rank_catalog(embeddings)), k=k)
    identical = all(np.array_equal(getattr(art.neighbours[s], p), getattr(same_noise.neighbours[s], p))
                    for s in art.neighbours for p in ("indptr", "indices", "values"))
    return {"epsilon": eps, "users_forgotten": len(who), "forget_seconds_mean": float(np.mean(forget_s)),
            "rebuild_seconds": rebuild_s, "speedup": rebuild_s / float(np.mean(forget_s)),
            "rebuild_text_neighbours_seconds": text_s,
            "speedup_without_text_neighbours": (rebuild_s - text_s) / float(np.mean(forget_s)),
            "identical_to_rebuild_with_same_noise": identical, "method": art.manifest.get("method", "counts"),
            "domain_drift_after_forgetting": art.domain_drift(),
            f"ndcg@{k}_after_unlearning": after[f"ndcg@{k}"], f"ndcg@{k}_rebuild_same_noise": ref[f"ndcg@{k}"],
            f"ndcg@{k}_rebuild_fresh_noise": fresh_m[f"ndcg@{k}"]}
