"""SISA-style sharded DP-SGD item model: forgetting one user retrains only the shard that held them.

Users are split into ``S`` disjoint shards by a stable hash of their id
(:func:`shard_of`). Each shard trains its own item model with
:func:`edgerec.privacy.dpsgd.train_item_vectors` on its users only, at the full
(``epsilon``, ``delta``). What ships is an aggregate of the shards' models
(:func:`aggregate_vectors`, :func:`aggregate_neighbours`).

**Why the ensemble is user-level (epsilon, delta)-DP (parallel composition).**
Neighbouring datasets ``D`` and ``D'`` differ in one user ``u``'s whole
history. The shard of a user is a fixed function of their id, never of any
data, so ``D`` and ``D'`` split into shard datasets that are equal in every
shard but ``s = shard_of(u)``, where they differ in ``u`` alone. Each shard's
training uses its own randomness and reads only its own shard, so the output
``(M_1(D_1), ..., M_S(D_S))`` differs in law only through ``M_s``, which is
(epsilon, delta)-DP in ``D_s``; the other factors are identically distributed
under ``D`` and ``D'``. The joint output is therefore (epsilon, delta)-DP in
``u``, and the aggregate is post-processing of it. Each shard's size (and so
its sample rate) is treated as public, as the user count is for one model.

**Forgetting** ``u`` retrains shard ``s`` from its remaining users with fresh
noise and re-aggregates; no other shard is touched, and the new shard model
never saw ``u``, so the released ensemble is distributed exactly as a build
without ``u`` whose other shards drew the same noise ("exact", method
"retrained"). What this costs is honest accounting, not arithmetic:

- the retrain is a new release computed from the shard's remaining users,
  who were already in every earlier training of that shard. For them the
  releases compose: each shard keeps its own ledger, and a shard's epsilon is
  its trainings composed by Opacus's PRV accountant (the accountant that
  calibrated them), cross-checked with dp-accounting's RDP. The manifest's
  ``worst_case_epsilon`` is the largest shard epsilon: what the most exposed
  user has spent. A retrain that would take a shard over the budget raises
  :class:`~edgerec.errors.PrivacyBudgetExceeded` before any training;
- the forgotten user spent what their shard had composed when they left
  (the receipt's ``epsilon_spent_by_user``); nothing released afterwards
  depends on their data. The models already shipped keep that trace, and
  anyone holding the releases before and after sees which shard was retrained
  (so ``shard_of(u)``: about log2(S) bits of who left) and how its model moved;
- users in the other shards are not affected at all.

The builder keeps every user's raw history to retrain (``builder/``), so that
folder never leaves the builder.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from edgerec.errors import InputError, PrivacyBudgetExceeded
from edgerec.privacy import dpsgd
from edgerec.privacy.data import Histories, require_member
from edgerec.privacy.ledger import Ledger, LedgerEntry
from edgerec.privacy.shards import AGGREGATES, aggregate_neighbours, aggregate_vectors, shard_of
from edgerec.rank.catalog import Catalog
from edgerec.rank.cooccurrence import ItemNeighbours

__all__ = ["FORMAT", "ShardReceipt", "ShardedArtifact", "aggregate_neighbours", "aggregate_vectors",
           "build_sharded", "default_config", "is_sharded", "shard_of"]

#: ``format`` of a sharded artifact's manifest.json.
FORMAT = "edgerec-sharded-dpsgd"
def default_config(text: bool) -> dpsgd.DpsgdConfig:
    """The DP-SGD settings: the text model with item text, else free output vectors (as ``eval privacy``)."""
    if text:
        return dpsgd.DpsgdConfig()
    return dpsgd.DpsgdConfig(model="free", vectors="output", lr=30.0, epochs=10)


def is_sharded(path: str | Path) -> bool:
    """Whether ``path`` holds a sharded DP-SGD artifact (by its manifest's ``format``)."""
    try:
        return json.loads((Path(path) / "manifest.json").read_text(encoding="utf-8")).get("format") == FORMAT
    except (OSError, ValueError):
        return False


@dataclass(frozen=True)
class ShardReceipt:
    """What forgetting one user changed in a sharded artifact."""

    user: str
    shard: int
    users_in_shard: int
    trainings_in_shard: int
    epsilon_spent_by_user: float
    shard_epsilon: float
    worst_case_epsilon: float
    seconds: float
    exact: bool = True
    method: str = "retrained"

    def to_dict(self) -> dict:
        """JSON form."""
        return dict(self.__dict__)


@dataclass
class ShardModel:
    """One shard's trained model (``vectors``, ``bias``) and the number of users it learned from."""

    vectors: np.ndarray
    bias: np.ndarray
    examples: int


@dataclass
class ShardedArtifact:
    """The released aggregate, each shard's model and ledger, and the builder's histories (module docstring)."""

    histories: Histories
    shards: np.ndarray  # shard of each user in ``histories``
    manifest: dict
    models: list[ShardModel | None]
    ledgers: list[list[LedgerEntry]]
    text_embeddings: np.ndarray | None = None
    seed: int | None = None
    popularity: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    neighbours: ItemNeighbours | None = None

    @property
    def config(self) -> dpsgd.DpsgdConfig:
        """The DP-SGD settings every shard trains with."""
        return dpsgd.DpsgdConfig(**self.manifest["config"])

    @property
    def ledger(self) -> Ledger:
        """The ledger of the most exposed users (the shard with the largest epsilon), with the budget."""
        return Ledger([LedgerEntry.from_dict(e) for e in self.manifest["ledger"]], self.manifest["budget"]["epsilon"],
                      self.manifest["delta"])

    def shard_epsilon(self, shard: int, extra: Sequence[LedgerEntry] = ()) -> float:
        """Epsilon of ``shard``'s trainings (plus ``extra``) composed by Opacus's PRV accountant."""
        return dpsgd.prv_epsilon([*self.ledgers[shard], *extra], self.manifest["delta"])

    def to_rank_catalog(self, embeddings: np.ndarray | None = None, **options) -> Catalog:
        """The released aggregate as a ranker catalog (both neighbour slots, popularity)."""
        return Catalog(list(self.histories.item_ids), embeddings=embeddings, sequential=self.neighbours,
                       cooccurrence=self.neighbours, popularity=self.popularity, **options)

    # ------------------------------------------------------------------ training and release
    def _shard_histories(self, shard: int) -> Histories:
        rows = np.flatnonzero(self.shards == shard)
        h = self.histories
        return Histories([h.user_ids[i] for i in rows], h.item_ids, [h.sequences[i] for i in rows])

    def _train(self, shard: int) -> ShardModel | None:
        """Retrain ``shard`` from its current users (budget checked first); None when none has two items."""
        hist = self._shard_histories(shard)
        examples = sum(len(s) >= 2 for s in hist.sequences)
        if examples == 0:
            return None
        eps, delta, cfg = self.manifest["epsilon"], self.manifest["delta"], self.config
        plan = dpsgd.planned_entry(examples, epsilon=eps, delta=delta, config=cfg, n_items=hist.n_items)
        after = self.shard_epsilon(shard, [plan])
        budget = self.manifest["budget"]["epsilon"]
        if after > budget * (1 + 1e-9):
            what = "retraining" if self.ledgers[shard] else "training"
            raise PrivacyBudgetExceeded(f"{what} shard {shard} would bring its users to epsilon {after:.3f} at delta "
                                        f"{delta:.2g} (PRV), over the budget of {budget:g}")
        seed = secrets.randbits(31) if self.seed is None else self.seed + 1000 * len(self.ledgers[shard]) + shard
        vecs = dpsgd.train_item_vectors(hist, epsilon=eps, delta=delta, config=cfg,
                                        text_embeddings=self.text_embeddings, seed=seed,
                                        noise_multiplier=plan.noise_multiplier)
        entry = vecs.entry
        if not np.isclose(entry.noise_multiplier, plan.noise_multiplier) or entry.steps != plan.steps:
            raise RuntimeError(f"shard {shard} trained with other noise than planned")  # would be a bug in dpsgd
        ledger = Ledger(self.ledgers[shard], budget_delta=delta)
        ledger.charge(LedgerEntry.from_dict({**entry.to_dict(), "scope": f"catalog shard {shard}",
                                             "released": f"shard {shard}: {entry.released}"}))
        self.ledgers[shard] = ledger.entries
        return ShardModel(vecs.vectors, vecs.bias, vecs.examples)

    def _release(self) -> None:
        """Aggregate the shards' models into what ships (post-processing, no budget)."""
        live = [m for m in self.models if m is not None]
        top_n = self.config.top_n
        if self.manifest["aggregate"] == "mean_cosine":
            self.neighbours = dpsgd.cosine_neighbours(aggregate_vectors([m.vectors for m in live]), top_n)
        else:
            self.neighbours = aggregate_neighbours([dpsgd.cosine_neighbours(m.vectors, top_n) for m in live], top_n)
        pops = [np.exp(m.bias - m.bias.max()) for m in live]
        self.popularity = np.sum([p / p.sum() * m.examples * self.config.targets for p, m in zip(pops, live)],
                                 axis=0).astype(np.float32)
        self._update_manifest()

    def _update_manifest(self) -> None:
        delta = self.manifest["delta"]
        per_shard = []
        for s, entries in enumerate(self.ledgers):
            per_shard.append({"shard": s, "users": int(np.sum(self.shards == s)), "trained": self.models[s] is not None,
                              "trainings": len(entries), "epsilon": self.shard_epsilon(s),
                              "epsilon_rdp": Ledger(entries, budget_delta=delta).total()[0],
                              "ledger": [e.to_dict() for e in entries]})
        worst = max(per_shard, key=lambda r: r["epsilon"])
        self.manifest.update({"users": len(self.histories), "shard_ledgers": per_shard,
                              "worst_case_epsilon": worst["epsilon"], "worst_case_epsilon_rdp": worst["epsilon_rdp"],
                              "ledger": worst["ledger"]})

    # ------------------------------------------------------------------ unlearning
    def require_member(self, user: str) -> str:
        """``user`` as a string, or an :class:`InputError` when they are not in this catalog."""
        return require_member(user, self.histories.user_ids)

    def forget_user(self, user: str) -> ShardReceipt:
        """Retrain ``user``'s shard without them and re-aggregate (module docstring); returns the receipt."""
        start = time.perf_counter()
        user = self.require_member(user)
        n = self.histories.position(user)
        shard = int(self.shards[n])
        spent = self.shard_epsilon(shard)
        trained_on = len(self.histories.sequences[n]) >= 2  # fewer items: no example, no model ever saw them
        kept = Histories(self.histories.user_ids[:n] + self.histories.user_ids[n + 1:], self.histories.item_ids,
                         self.histories.sequences[:n] + self.histories.sequences[n + 1:])
        old = (self.histories, self.shards)
        self.histories, self.shards = kept, np.delete(self.shards, n)
        if not trained_on:
            self.manifest["unlearned"] = self.manifest.get("unlearned", 0) + 1
            self._update_manifest()
            return ShardReceipt(user, shard, int(np.sum(self.shards == shard)), len(self.ledgers[shard]), spent,
                                spent, self.manifest["worst_case_epsilon"], time.perf_counter() - start,
                                method="removed: no model was trained on them (fewer than two items)")
        try:
            if all(m is None for i, m in enumerate(self.models) if i != shard) and not any(
                    len(self.histories.sequences[i]) >= 2 for i in np.flatnonzero(self.shards == shard)):
                raise InputError("forgetting this user would leave no user to learn from")
            model = self._train(shard)
        except Exception:
            self.histories, self.shards = old  # nothing changed: the user is still in
            raise
        self.models[shard] = model
        self.manifest["unlearned"] = self.manifest.get("unlearned", 0) + 1
        self._release()
        return ShardReceipt(user, shard, int(np.sum(self.shards == shard)), len(self.ledgers[shard]), spent,
                            self.shard_epsilon(shard), self.manifest["worst_case_epsilon"],
                            time.perf_counter() - start)

    # ------------------------------------------------------------------ files
    def save(self, path: str | Path) -> Path:
        """Write the folder: manifest.json, items.json, released.npz, builder/ (histories, shards, models)."""
        from edgerec.privacy.sisa_files import save_artifact

        return save_artifact(self, Path(path))

    @classmethod
    def load(cls, path: str | Path) -> "ShardedArtifact":
        """Read a folder written by :meth:`save`."""
        from edgerec.privacy.sisa_files import load_artifact

        return load_artifact(cls, Path(path))


def build_sharded(histories: Histories, *, epsilon: float, shards: int = 1, delta: float | None = None,
                  budget: float | None = None, config: dpsgd.DpsgdConfig | None = None,
                  text_embeddings: np.ndarray | None = None, aggregate: str = "mean_cosine", seed: int | None = None,
                  progress: Callable[[int, int], None] | None = None) -> ShardedArtifact:
    """Train one DP-SGD model per shard at (``epsilon``, ``delta``) and release their aggregate.

    ``delta`` defaults to 1 / number of users; ``budget`` (the most any user may
    spend, PRV) to twice ``epsilon``, which leaves room to retrain each shard
    about once at epsilon 8 and about twice at epsilon 1. ``seed`` makes every
    training reproducible (tests, measurements); without it each training
    draws a fresh seed that is never stored.
    """
    if aggregate not in AGGREGATES:
        raise InputError(f"aggregate must be one of {', '.join(AGGREGATES)}, not {aggregate!r}")
    if not epsilon > 0:
        raise InputError(f"epsilon must be positive, not {epsilon!r}")
    if len(histories) == 0:
        raise InputError("no users to build a private model from")
    delta = 1.0 / len(histories) if delta is None else float(delta)
    budget = 2.0 * float(epsilon) if budget is None else float(budget)
    cfg = config or default_config(text_embeddings is not None)
    assignment = np.array([shard_of(u, shards) for u in histories.user_ids], dtype=np.int64)
    manifest = {
        "format": FORMAT, "version": 1, "model": "dpsgd", "private": True,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "items": histories.n_items, "users": len(histories), "shards": int(shards), "epsilon": float(epsilon),
        "delta": delta, "budget": {"epsilon": budget, "delta": delta}, "accountant": "prv",
        "aggregate": aggregate, "config": cfg.to_dict(), "text": text_embeddings is not None, "unlearned": 0,
    }
    art = ShardedArtifact(histories, assignment, manifest, [None] * shards, [[] for _ in range(shards)],
                          text_embeddings=None if text_embeddings is None else np.asarray(text_embeddings),
                          seed=seed)
    for s in range(shards):
        art.models[s] = art._train(s)
        if progress is not None:
            progress(s + 1, shards)
    if all(m is None for m in art.models):
        raise InputError("no user has two items: nothing to train on")
    art._release()
    return art
