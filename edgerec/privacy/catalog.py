"""The catalog artifact: cross-user item knowledge built under user-level DP, and exact unlearning.

Who runs it: whoever holds several people's histories with their consent, e.g.
an app vendor over the histories its users chose to contribute, or a household
hub over its members' devices. What it releases (``released.npz``) ships to
devices; what it keeps to unlearn (``builder/``) never leaves the builder.

Private build (``epsilon`` given), per signal:

1. bound each user's contribution (:mod:`edgerec.privacy.contributions`);
2. count, then add OpenDP discrete Gaussian noise to every cell of the public
   domain (all items, all item pairs), with one noise multiplier for the whole
   build calibrated by ``dp-accounting`` to (``epsilon``, ``delta``) and split
   between the released signals (:mod:`edgerec.privacy.options`); each is one
   ledger entry. The spectral method (:mod:`edgerec.privacy.spectral`, the
   default) counts in a domain of popular items and, by default, takes the
   co-occurrence neighbours from public item text instead of spending on them;
3. threshold and normalise the noisy counts, mix in a public text prior when
   item embeddings are given, keep each item's top neighbours
   (:mod:`edgerec.privacy.release`). Everything after the noise is
   post-processing.

The noisy counts are kept (``builder/state.npz``), so :meth:`CatalogArtifact.forget_user`
subtracts a user's bounded contribution and redoes the release for the rows it
touched: the result equals, array for array, a build without that user with the
same noise. A non-private build (``epsilon=None``) holds exactly the numbers of
:meth:`edgerec.rank.Catalog.from_sequences`; forgetting there rebuilds.

Unlearning publishes a second release. Anyone holding both can see how the
forgotten user's bounded contribution moved the counts (removal is not hidden);
for every other user the second release is post-processing of the first.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from edgerec.errors import InputError
from edgerec.privacy.contributions import Bounds, Contribution, contribute, count_items, count_pairs
from edgerec.privacy.data import Histories, require_member
from edgerec.privacy.ledger import Ledger, LedgerEntry
from edgerec.privacy.options import SIGNALS, ReleaseOptions, draw_noise, noise_plan
from edgerec.privacy.release import (normaliser, release_neighbours, row_sums, text_neighbours, text_prior,
                                     update_rows)
from edgerec.privacy.spectral import PAIR_KIND, UNIT, block_of, choose_domain, low_rank, spectral_state, widen
from edgerec.rank.catalog import Catalog
from edgerec.rank.cooccurrence import ItemNeighbours

__all__ = ["CatalogArtifact", "ReleaseOptions", "UnlearnReceipt", "build_catalog", "draw_noise", "read_manifest_ledger",
           "text_prior"]

_noise_plan = noise_plan  # the name tests and notebooks used


@dataclass(frozen=True)
class UnlearnReceipt:
    """What forgetting one user changed in a catalog."""

    user: str
    items_touched: int
    rows_recomputed: int
    rows_merged: int
    signals: tuple[str, ...]
    seconds: float
    exact: bool = True
    method: str = "subtract"
    #: Spectral catalogs keep their item domain; how many items a fresh choice from the new popularity would swap.
    domain_drift: int = 0

    def to_dict(self) -> dict:
        """JSON form."""
        return {**self.__dict__, "signals": list(self.signals)}


@dataclass
class CatalogArtifact:
    """A built catalog: released arrays, the builder's state, the manifest (see module docstring)."""

    item_ids: list[str]
    user_ids: list[str]
    manifest: dict
    popularity: np.ndarray  # released (float32)
    neighbours: dict[str, ItemNeighbours]
    state: dict[str, np.ndarray] = field(default_factory=dict)  # noisy (or exact) counts, int64
    contributions: dict[str, Contribution] = field(default_factory=dict)
    sequences: list[np.ndarray] = field(default_factory=list)  # non-private builds only
    prior: np.ndarray | None = None
    domain: np.ndarray | None = None  # spectral: the item rows pairs are counted among (released)

    @property
    def private(self) -> bool:
        """Whether the release is differentially private."""
        return bool(self.manifest["private"])

    @property
    def ledger(self) -> Ledger:
        """The catalog's ledger (from the manifest)."""
        return Ledger.from_dict({"entries": self.manifest["ledger"], "budget": self.manifest["budget"]})

    def to_rank_catalog(self, embeddings: np.ndarray | None = None, **options) -> Catalog:
        """The released knowledge as a :class:`edgerec.rank.Catalog` (what a device ranks with)."""
        return Catalog(self.item_ids, embeddings=embeddings, sequential=self.neighbours["sequential"],
                       cooccurrence=self.neighbours["cooccurrence"], popularity=self.popularity, **options)

    # ------------------------------------------------------------------ releasing
    def _options(self) -> ReleaseOptions:
        return ReleaseOptions.from_dict(self.manifest["release"])

    def _norm(self, signal: str, rows: np.ndarray | None = None) -> np.ndarray:
        """Row normaliser of ``signal``, its cached row sums refreshed for ``rows`` (all rows if None)."""
        sums = self.__dict__.setdefault("_sums", {})
        if signal not in sums or rows is None:
            sums[signal] = row_sums(self.state[signal], np.arange(len(self.item_ids)), self._threshold(signal))
        elif len(rows):
            sums[signal][rows] = row_sums(self.state[signal], rows, self._threshold(signal))
        total = sums[signal]
        expected = self._expected(signal)
        if expected is not None:  # row sums of the shrunk counts (no diagonal)
            total = total + expected[0] * (expected[1].sum() - expected[1])
        return normaliser(total, self._options().floor * self.manifest["noise"][signal]["scale"])

    def _expected(self, signal: str) -> tuple[np.ndarray, np.ndarray] | None:
        shrink = self._options().shrink
        if not shrink:
            return None
        pop = np.maximum(self.state["popularity"], 0).astype(np.float64)
        return shrink * self.__dict__["_sums"][signal], pop / max(pop.sum(), 1.0)

    def _threshold(self, signal: str) -> float:
        return self._options().threshold * self.manifest["noise"][signal]["scale"]

    def _release_all(self, changed_rows: np.ndarray | None = None) -> None:
        """Release from the state; ``changed_rows``: only those rows' counts changed since the last release."""
        opts = self._options()
        if opts.spectral:
            self._release_spectral(opts)
            return
        self.popularity = np.maximum(self.state["popularity"], 0).astype(np.float32)
        for signal in ("cooccurrence", "sequential"):
            norm = self._norm(signal, changed_rows)
            self.neighbours[signal] = release_neighbours(
                self.state[signal], norm, threshold=self._threshold(signal), top_n=opts.top_n,
                prior=self.prior, expected=self._expected(signal))

    def _release_spectral(self, opts: ReleaseOptions, signals: tuple[str, ...] = ("cooccurrence", "sequential")) -> None:
        """Popularity in people (state / UNIT); each of ``signals``' domain block, low-rank, then neighbours.

        A co-occurrence slot that is not released with noise keeps its text
        neighbours, or repeats the sequential ones (``cooccurrence_source``).
        """
        n, dom = len(self.item_ids), self.domain
        self.popularity = (np.maximum(self.state["popularity"], 0) / UNIT).astype(np.float32)
        prior = None if self.prior is None else block_of(self.prior, dom)
        source = self.manifest.get("cooccurrence_source", "dp")
        if source != "dp":
            signals = tuple(s for s in signals if s != "cooccurrence")
        for signal in signals:
            scale = self.manifest["noise"][signal]["scale"]
            dense = low_rank(block_of(self.state[signal], dom), opts.rank)
            norm = normaliser(row_sums(dense, np.arange(len(dom)), opts.threshold * scale), opts.floor * scale)
            local = release_neighbours(dense, norm, threshold=opts.threshold * scale, top_n=opts.top_n, prior=prior)
            self.neighbours[signal] = widen(local, dom, n)
        if source == "sequential":
            self.neighbours["cooccurrence"] = self.neighbours["sequential"]

    def domain_drift(self) -> int:
        """Spectral: how many domain items a fresh choice from the current popularity would swap (0 otherwise)."""
        if self.domain is None:
            return 0
        fresh = choose_domain(self.state["popularity"], len(self.domain))
        return int(len(np.setdiff1d(fresh, self.domain)))

    def noise(self) -> dict[str, np.ndarray]:
        """The noise inside the state: noisy counts minus the counts of the kept contributions.

        Only the builder can compute this (it holds the contributions); it lets a
        build "without some users, with the same noise" be reproduced exactly.
        """
        if not self.private:
            raise InputError("a non-private catalog holds no noise")
        parts, n = [self.contributions[u] for u in self.user_ids], len(self.item_ids)
        exact = {"popularity": count_items(parts, n), "cooccurrence": count_pairs(parts, n, "pairs"),
                 "sequential": count_pairs(parts, n, "transitions")}
        return {s: self.state[s] - exact[s] for s in SIGNALS}

    # ------------------------------------------------------------------ unlearning
    def require_member(self, user: str) -> str:
        """``user`` as a string, or an :class:`InputError` when they are not in this catalog."""
        return require_member(user, self.user_ids)

    def forget_user(self, user: str) -> UnlearnReceipt:
        """Remove ``user`` exactly (module docstring); returns what was updated."""
        start = time.perf_counter()
        user = self.require_member(user)
        n = self.user_ids.index(user)
        if not self.private:
            self.user_ids.pop(n)
            self.sequences.pop(n)
            rebuilt = build_catalog(Histories(list(self.user_ids), self.item_ids, self.sequences),
                                    top_n=self._options().top_n)
            self.popularity, self.neighbours, self.state = rebuilt.popularity, rebuilt.neighbours, rebuilt.state
            self.manifest["users"] = len(self.user_ids)
            self.manifest["unlearned"] = self.manifest.get("unlearned", 0) + 1
            return UnlearnReceipt(user, len(self.item_ids), len(self.item_ids), 0, SIGNALS,
                                  time.perf_counter() - start, exact=True, method="rebuild")
        contribution = self.contributions.pop(user)
        self.user_ids.pop(n)
        np.subtract.at(self.state["popularity"], contribution.items, contribution.weights("items"))
        for signal, kind in PAIR_KIND.items():
            pairs, weights = getattr(contribution, kind), contribution.weights(kind)
            np.subtract.at(self.state[signal], (pairs[:, 0], pairs[:, 1]), weights)
            np.subtract.at(self.state[signal], (pairs[:, 1], pairs[:, 0]), weights)
        touched = contribution.touched()
        self.manifest["users"] = len(self.user_ids)
        self.manifest["unlearned"] = self.manifest.get("unlearned", 0) + 1
        if self._options().spectral:
            # a pair signal the user added nothing to keeps its block, hence its release
            changed = tuple(s for s, kind in PAIR_KIND.items() if len(getattr(contribution, kind)))
            self._release_spectral(self._options(), changed)
            if "sequential" in changed and self.manifest.get("cooccurrence_source") == "sequential":
                changed = ("cooccurrence", *changed)  # its slot repeats the sequential neighbours
            rows = len(self.domain) if changed else 0
            return UnlearnReceipt(user, len(touched), rows, len(self.item_ids) - rows, ("popularity", *changed),
                                  time.perf_counter() - start, method="subtract, low-rank release recomputed",
                                  domain_drift=self.domain_drift())
        if self._options().shrink:
            self._release_all(touched)
            return UnlearnReceipt(user, len(touched), len(self.item_ids), 0, SIGNALS, time.perf_counter() - start,
                                  method="subtract, release recomputed")
        self.popularity[contribution.items] = np.maximum(self.state["popularity"][contribution.items], 0)
        opts = self._options()
        for signal in ("cooccurrence", "sequential"):
            norm = self._norm(signal, touched)
            self.neighbours[signal] = update_rows(self.neighbours[signal], self.state[signal], norm, touched,
                                                  threshold=self._threshold(signal), top_n=opts.top_n,
                                                  prior=self.prior)
        return UnlearnReceipt(user, len(touched), len(touched), len(self.item_ids) - len(touched), SIGNALS,
                              time.perf_counter() - start)

    # ------------------------------------------------------------------ files
    def save(self, path: str | Path) -> Path:
        """Write the CATALOG folder (manifest.json, items.json, released.npz, builder/)."""
        path = Path(path)
        (path / "builder").mkdir(parents=True, exist_ok=True)
        (path / "manifest.json").write_text(json.dumps(self.manifest, indent=1) + "\n", encoding="utf-8")
        (path / "items.json").write_text(json.dumps(self.item_ids) + "\n", encoding="utf-8")
        released = {"popularity": self.popularity}
        if self.domain is not None:
            released["domain"] = np.asarray(self.domain, dtype=np.int64)
        for signal, nb in self.neighbours.items():
            for part in ("indptr", "indices", "values"):
                released[f"{signal}_{part}"] = getattr(nb, part)
        np.savez_compressed(path / "released.npz", **released)
        contrib = {"users": np.array(self.user_ids, dtype=str)}
        if self.private:
            weighted = any(c.weighted for c in self.contributions.values())
            for kind, width in (("items", 1), ("pairs", 2), ("transitions", 2)):
                parts = [getattr(self.contributions[u], kind).reshape(-1, width) for u in self.user_ids]
                contrib[f"{kind}_indptr"] = np.concatenate(([0], np.cumsum([len(p) for p in parts]))).astype(np.int64)
                contrib[kind] = np.concatenate(parts) if parts else np.zeros((0, width), np.int64)
                if weighted:
                    w = [self.contributions[u].weights(kind) for u in self.user_ids]
                    contrib[f"{kind}_w"] = np.concatenate(w) if w else np.zeros(0, np.int64)
        else:
            contrib["seq_indptr"] = np.concatenate(([0], np.cumsum([len(s) for s in self.sequences]))).astype(np.int64)
            contrib["seq"] = np.concatenate(self.sequences) if self.sequences else np.zeros(0, np.int64)
        np.savez_compressed(path / "builder" / "contributions.npz", **contrib)
        state = dict(self.state)
        if self.prior is not None:
            state["prior"] = self.prior
        np.savez_compressed(path / "builder" / "state.npz", **state)
        return path

    @classmethod
    def load(cls, path: str | Path) -> "CatalogArtifact":
        """Read a CATALOG folder written by :meth:`save`."""
        path = Path(path)
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
            items = json.loads((path / "items.json").read_text(encoding="utf-8"))
            released = np.load(path / "released.npz", allow_pickle=False)
            contrib = np.load(path / "builder" / "contributions.npz", allow_pickle=False)
            state = dict(np.load(path / "builder" / "state.npz", allow_pickle=False))
        except (OSError, ValueError) as exc:
            raise InputError(f"{path} is not a readable edgerec catalog: {exc}") from None
        if manifest.get("format") != "edgerec-catalog":
            raise InputError(f"{path}/manifest.json is not an edgerec catalog manifest")
        n = len(items)
        neighbours = {s: ItemNeighbours(n, released[f"{s}_indptr"], released[f"{s}_indices"], released[f"{s}_values"])
                      for s in ("cooccurrence", "sequential")}
        users = [str(u) for u in contrib["users"]]
        art = cls(items, users, manifest, released["popularity"], neighbours, prior=state.pop("prior", None),
                  state=state, domain=released["domain"] if "domain" in released else None)
        if manifest["private"]:
            def part(kind, i, width):
                ptr = contrib[f"{kind}_indptr"]
                return contrib[kind][ptr[i]:ptr[i + 1]].reshape(-1, width)

            def weights(kind, i):
                if f"{kind}_w" not in contrib:
                    return None
                ptr = contrib[f"{kind}_indptr"]
                return contrib[f"{kind}_w"][ptr[i]:ptr[i + 1]]
            art.contributions = {u: Contribution(part("items", i, 1).ravel(), part("pairs", i, 2),
                                                 part("transitions", i, 2), weights("items", i), weights("pairs", i),
                                                 weights("transitions", i)) for i, u in enumerate(users)}
            if not art._options().spectral:
                for signal in ("cooccurrence", "sequential"):
                    art._norm(signal)  # row sums cached now, so forgetting touches only the user's rows
        else:
            ptr = contrib["seq_indptr"]
            art.sequences = [contrib["seq"][ptr[i]:ptr[i + 1]] for i in range(len(users))]
        return art


def read_manifest_ledger(path: str | Path) -> Ledger:
    """The ledger recorded in a catalog folder's manifest.json (without loading its arrays)."""
    try:
        manifest = json.loads((Path(path) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path} is not a readable edgerec catalog: {exc}") from None
    return Ledger.from_dict({"entries": manifest.get("ledger", []), "budget": manifest.get("budget") or {}})


def _manifest(histories: Histories, *, private: bool, epsilon, delta, bounds: Bounds | None, ledger: Ledger,
              options: ReleaseOptions, plan: dict | None, text: bool) -> dict:
    return {
        "format": "edgerec-catalog", "version": 1,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "items": histories.n_items, "users": len(histories), "private": private,
        "epsilon": epsilon, "delta": delta, "bounds": bounds.to_dict() if bounds else None,
        "signals": list(SIGNALS), "ledger": [e.to_dict() for e in ledger.entries],
        "budget": {"epsilon": ledger.budget_epsilon, "delta": ledger.budget_delta}, "text_prior": text,
        "release": options.to_dict(), "noise": plan, "unlearned": 0, "method": options.method,
    }


def build_catalog(histories: Histories, *, epsilon: float | None = None, delta: float | None = None,
                  bounds: Bounds | None = None, options: ReleaseOptions | None = None,
                  text_embeddings: np.ndarray | None = None, noise: dict[str, np.ndarray] | None = None,
                  top_n: int = 100, domain: np.ndarray | None = None) -> CatalogArtifact:
    """Build the catalog from ``histories`` (module docstring); ``epsilon=None`` is the non-private build.

    ``delta`` defaults to ``1 / number of users``. ``noise`` (arrays shaped like
    the counts) replaces fresh OpenDP draws, and ``domain`` (item rows) replaces
    the spectral method's choice from the released popularity: for tests and for
    reproducing a release "as if built without that user, with the same noise".
    """
    if epsilon is None:
        catalog = Catalog.from_sequences(histories.item_ids, histories.sequences, top_n=top_n)
        opts = ReleaseOptions(top_n=top_n, method="counts")
        ledger = Ledger()
        manifest = _manifest(histories, private=False, epsilon=None, delta=None, bounds=None, ledger=ledger,
                             options=opts, plan=None, text=False)
        return CatalogArtifact(list(histories.item_ids), list(histories.user_ids), manifest,
                               catalog.popularity.astype(np.float32),
                               {"cooccurrence": catalog.cooccurrence, "sequential": catalog.sequential},
                               sequences=list(histories.sequences))
    if len(histories) == 0:
        raise InputError("no users to build a private catalog from")
    delta = 1.0 / len(histories) if delta is None else float(delta)
    bounds, opts = bounds or Bounds(), (options or ReleaseOptions()).resolved(epsilon)
    if opts.threshold < 0:
        raise InputError("the threshold must be >= 0 (unlearning relies on it)")
    plan = noise_plan(epsilon, delta, bounds, opts.signal_shares(), spectral=opts.spectral)
    ledger = Ledger(budget_epsilon=float(epsilon), budget_delta=delta)
    what = {"popularity": "noisy item popularity", "cooccurrence": "noisy item-pair co-occurrence counts",
            "sequential": "noisy item-transition counts"}
    for signal in plan:  # charged before anything is released
        ledger.charge(LedgerEntry.gaussian(noise_multiplier=plan[signal]["noise_multiplier"], delta=delta,
                                           sensitivity=plan[signal]["sensitivity"], released=what[signal],
                                           scope="catalog"))
    n = histories.n_items
    if opts.spectral:
        contributions, state, domain = spectral_state(histories, plan, noise, domain, size=opts.domain,
                                                      window=bounds.window)
    else:
        contributions = {u: contribute(s, bounds) for u, s in zip(histories.user_ids, histories.sequences)}
        parts = list(contributions.values())
        counts = {"popularity": count_items(parts, n), "cooccurrence": count_pairs(parts, n, "pairs"),
                  "sequential": count_pairs(parts, n, "transitions")}
        noise = noise if noise is not None else draw_noise(n, plan)
        state = {s: counts[s] + noise[s] for s in SIGNALS}
    prior = None
    if text_embeddings is not None and opts.prior_weight > 0:
        prior = opts.prior_weight * text_prior(text_embeddings, opts.prior_top)
    manifest = _manifest(histories, private=True, epsilon=float(epsilon), delta=delta, bounds=bounds, ledger=ledger,
                         options=opts, plan=plan, text=prior is not None)
    neighbours = {}
    if opts.spectral:
        source = "dp" if "cooccurrence" in plan else "text" if text_embeddings is not None else "sequential"
        manifest["cooccurrence_source"] = source
        if source == "text":  # public item text: no budget, and nothing a forget changes
            neighbours["cooccurrence"] = text_neighbours(text_embeddings, opts.top_n)
    art = CatalogArtifact(list(histories.item_ids), list(histories.user_ids), manifest, np.zeros(n, np.float32),
                          neighbours, state=state, contributions=contributions, prior=prior, domain=domain)
    art._release_all()
    return art
