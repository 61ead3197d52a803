"""User-level membership inference against item vectors trained with DP-SGD (:mod:`edgerec.privacy.dpsgd`).

The game is the catalog one (:mod:`edgerec.audit.mia`): candidates are the users
with at least two liked items (each gives one training example), a random half are
members, and the target model is trained on them; ``epsilon=None`` trains the same
model with plain SGD, to show the attack has teeth. The attacker knows every
candidate's history and the training recipe, and gets the trained weights, which is
more than ships (neighbours and popularity are post-processing of them), so
what it finds bounds what the shipped catalog can leak. Three attacks share the
same ``references`` models, each trained on a balanced random half:

- ``calibrated-loss``: the log-likelihood the model gives the user's own training
  example (:meth:`ItemVectors.log_likelihood`) minus its mean over the references
  (difficulty calibration, as in RMIA: how much better the target fits this user than
  models that may or may not have seen them). With few references it beats LiRA at low FPR;
- ``lira-loss``: the same log-likelihood, a Gaussian fitted to the IN and the OUT
  references per user, the likelihood ratio as score (LiRA, online);
- ``lira-catalog``: the catalog LiRA of :func:`edgerec.audit.mia.lira_scores` on what ships
  (:meth:`ItemVectors.to_rank_catalog`: cosine neighbours and popularity);
- ``list``: Zhang et al.'s list attack on the top-``k`` lists that catalog makes the
  ranker show, its classifier trained on the references' lists (labels known).

Model settings: ``DpsgdConfig()`` (the ``text`` model, edgerec's default), with public item
features from ``u.item`` (19 genre flags, release decade) standing in for the items' text
embeddings, which need the exported embedder; ``model="free"`` needs no item features.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from edgerec.audit.mia import _llr, _pairs, balanced_halves, item_factors, item_observables, list_features
from edgerec.audit.ml100k import positive_sequences, read_ratings
from edgerec.audit.result import AttackResult, Progress
from edgerec.errors import InputError

__all__ = ["DPSGD_ATTACKS", "item_features", "dpsgd_membership_audit"]

DPSGD_ATTACKS = ("calibrated-loss", "lira-loss", "lira-catalog", "list")


def item_features(data: str | Path, item_ids: Sequence[str]) -> np.ndarray:
    """Public ``u.item`` features per item id: the 19 genre flags and a one-hot release decade."""
    rows: dict[str, list[float]] = {}
    path = Path(data) / "u.item"
    if not path.is_file():
        raise InputError(f"{data} has no u.item (the text model's public item features come from it)")
    for line in path.read_text(encoding="latin-1").splitlines():
        parts = line.split("|")
        if len(parts) < 24:
            continue
        year = parts[2][-4:]
        decade = [0.0] * 8
        if year.isdigit():
            decade[min(max((int(year) - 1920) // 10, 0), 7)] = 1.0
        rows[parts[0]] = [float(g) for g in parts[5:24]] + decade
    return np.array([rows.get(str(i), [0.0] * 27) for i in item_ids])


def dpsgd_membership_audit(
    data: str | Path, *, epsilon: float | None = None, delta: float | None = None, references: int = 4,
    users: int | None = None, model: str = "text", epochs: int | None = None, k: int = 20, seed: int = 0,
    progress: Progress | None = None,
) -> list[AttackResult]:
    """Train the target and ``references`` models on ml-100k at ``data``; run the three attacks (module docstring).

    ``delta`` defaults to 1 / candidates, and is also the δ of the ε lower bound.
    """
    from edgerec.audit.classify import fit_classifier
    from edgerec.privacy.data import Histories
    from edgerec.privacy.dpsgd import DpsgdConfig, train_item_vectors, user_examples

    r = read_ratings(data)
    seqs = [s for s in positive_sequences(r) if len(np.unique(s)) >= 2 and len(s) >= 2]
    if users is not None:
        pick = np.sort(np.random.default_rng([seed, 9]).permutation(len(seqs))[:users])
        seqs = [seqs[i] for i in pick]
    if len(seqs) < 4:
        raise InputError(f"membership inference needs at least 4 users with two items, got {len(seqs)}")
    delta = 1.0 / len(seqs) if delta is None else float(delta)
    bound_delta = delta if epsilon is not None else None
    base = DpsgdConfig()
    config = DpsgdConfig(model=model, epochs=epochs or base.epochs)
    text = item_features(data, r.item_ids) if model == "text" else None
    all_users = Histories.from_arrays([f"u{n}" for n in range(len(seqs))], r.item_ids, seqs)
    x, y, _ = user_examples(all_users, config.history, config.targets)

    rng = np.random.default_rng(seed)
    members = np.zeros(len(seqs), dtype=bool)
    members[rng.permutation(len(seqs))[: len(seqs) // 2]] = True
    masks = balanced_halves(len(seqs), references, np.random.default_rng([seed, 0]))

    def train(mask: np.ndarray, n: int):
        chosen = [s for s, m in zip(seqs, mask) if m]
        hist = Histories.from_arrays([f"u{i}" for i in range(len(chosen))], r.item_ids, chosen)
        vecs = train_item_vectors(hist, epsilon=epsilon, delta=delta, config=config, text_embeddings=text,
                                  seed=int(np.random.default_rng([seed, 2, n]).integers(2**31)))
        if progress is not None:
            progress("training target and reference models", n + 1, references + 1)
        return vecs

    target = train(members, 0)
    refs = [train(mask, n + 1) for n, mask in enumerate(masks)]

    details = {"references": references, "model": model, "epochs": config.epochs,
               "claimed_epsilon_prv": target.entry.epsilon if target.entry else None}
    loss_target = target.log_likelihood(x, y)[None, :]
    loss_refs = np.stack([v.log_likelihood(x, y) for v in refs])[:, None, :]
    out = [AttackResult("calibrated-loss", loss_target[0] - loss_refs[:, 0].mean(axis=0), members.copy(), epsilon,
                        bound_delta, details),
           AttackResult("lira-loss", _llr(loss_target, loss_refs, masks), members.copy(), epsilon, bound_delta,
                        details)]

    users_idx, items = _pairs(seqs)
    target_cat, ref_cats = target.to_rank_catalog(), [v.to_rank_catalog() for v in refs]
    ref_obs = np.stack([item_observables(c, users_idx, items) for c in ref_cats])
    catalog_llr = _llr(item_observables(target_cat, users_idx, items), ref_obs, masks[:, users_idx])
    out.append(AttackResult("lira-catalog", np.bincount(users_idx, weights=catalog_llr, minlength=len(seqs)),
                            members.copy(), epsilon, bound_delta, details))

    factors = item_factors(seqs, len(r.item_ids))
    feats = np.vstack([list_features(c, seqs, factors, k=k) for c in ref_cats])
    classifier = fit_classifier(feats, masks.ravel(), seed=seed)
    out.append(AttackResult("list", classifier.decision(list_features(target_cat, seqs, factors, k=k)),
                            members.copy(), epsilon, bound_delta, {**details, "k": k}))
    return out
