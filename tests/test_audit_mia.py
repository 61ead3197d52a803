"""Membership inference: it finds members of a target that memorises them and nothing in one that ignores its data."""

import numpy as np
import pytest

from audit_data import has_module
from edgerec.audit.mia import (balanced_halves, item_factors, item_observables, lira_attack, list_attack,
                               list_features, membership_game)
from edgerec.audit.runs import membership_audit
from edgerec.audit.targets import dp_builder, nonprivate_builder
from edgerec.errors import InputError
from edgerec.rank.catalog import Catalog
from helpers import ML100K

N_ITEMS = 150


def histories(users: int, seed: int) -> list[np.ndarray]:
    """Users with 15-30 items each, popular items more likely (a long tail, like real catalogs)."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, N_ITEMS + 1)
    p /= p.sum()
    return [rng.choice(N_ITEMS, size=int(rng.integers(15, 31)), replace=False, p=p) for _ in range(users)]


ITEMS = [f"i{n}" for n in range(N_ITEMS)]


def ignoring_builder(public):
    """A 'catalog' learned from fixed public data: whoever is included, the release is the same."""
    fixed = Catalog.from_sequences(ITEMS, public)
    return lambda sequences, seed: fixed


def test_lira_detects_members_of_a_memorising_catalog():
    build = nonprivate_builder(ITEMS)
    game = membership_game(histories(80, 0), build, seed=1)
    m = lira_attack(game, build, references=8, seed=2).metrics()
    assert m["auc"] > 0.9 and m["members"] == 40 and m["non_members"] == 40
    assert m["epsilon_lower_bound"] > 0.5


def test_lira_is_at_chance_on_a_catalog_that_ignores_the_data():
    build = ignoring_builder(histories(80, 99))
    aucs = []
    for seed in range(3):
        game = membership_game(histories(80, seed), build, seed=seed)
        m = lira_attack(game, build, references=8, seed=10 + seed).metrics()
        assert m["epsilon_lower_bound"] == 0.0
        aucs.append(m["auc"])
    assert abs(np.mean(aucs) - 0.5) < 0.1


def test_list_attack_is_at_chance_on_a_catalog_that_ignores_the_data():
    build = ignoring_builder(histories(60, 98))
    game = membership_game(histories(60, 5), build, seed=5)
    result = list_attack(game, build, shadows=2, k=5, dims=8, seed=6)
    assert len(result.scores) == 60 and abs(result.metrics()["auc"] - 0.5) < 0.2


def test_item_observables_match_a_loop():
    seqs = histories(12, 3)
    cat = Catalog.from_sequences(ITEMS, seqs[:8], top_n=10)
    users = np.repeat(np.arange(len(seqs)), [len(np.unique(s)) for s in seqs])
    items = np.concatenate([np.unique(s) for s in seqs])
    got = item_observables(cat, users, items)
    for p, (u, i) in enumerate(zip(users, items)):
        mine = set(np.unique(seqs[u]).tolist())
        assert got[0, p] == cat.popularity[i]
        for row, nb in ((1, cat.cooccurrence), (2, cat.sequential)):
            expect = sum(float(nb.similarity(i, j)) for j in mine)
            assert got[row, p] == pytest.approx(expect, abs=1e-5)


def test_balanced_halves_and_bad_counts():
    masks = balanced_halves(30, 6, np.random.default_rng(0))
    assert masks.shape == (6, 30) and (masks.sum(axis=0) == 3).all()
    with pytest.raises(InputError, match="even number"):
        balanced_halves(30, 3, np.random.default_rng(0))


def test_list_features_are_history_centroid_minus_list_centroid():
    seqs = [np.array([0, 1]), np.array([0, 1, 2]), np.array([2, 3])]
    cat = Catalog.from_sequences(list("abcd"), seqs)
    factors = item_factors(seqs, 4, dims=3)
    feats = list_features(cat, [np.array([0])], factors, k=1)
    assert np.allclose(feats[0], factors[0] - factors[1])  # 'b' is what 'a' co-occurs with


def test_dp_builder_builds_a_dp_catalog_of_every_item():
    build = dp_builder(ITEMS, epsilon=1.0, delta=1e-3)
    assert len(build(histories(20, 1), 0)) == N_ITEMS
    with pytest.raises(InputError, match="positive"):
        dp_builder(ITEMS, epsilon=0.0)


def test_the_nonprivate_catalog_of_ml100k_leaks_membership():
    """The attack has teeth on real data (a 300-user subsample keeps this fast)."""
    (lira,) = membership_audit(ML100K, attacks=("lira",), references=8, users=300, seed=3)
    m = lira.metrics()
    assert m["auc"] >= 0.75 and m["members"] == 150 and m["epsilon"] is None
