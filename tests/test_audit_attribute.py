"""Attribute inference: the cross-validated attacker finds a planted signal and not an absent one."""

import numpy as np
import pytest

from audit_data import has_module, write_fake_ml100k
from edgerec.audit.attribute import (attribute_attack, contribution_features, gender_labels, ldp_features,
                                     list_features, rating_features)
from edgerec.audit.ml100k import positive_sequences, read_genders, read_ratings
from edgerec.audit.runs import attribute_audit
from edgerec.errors import InputError
from edgerec.rank.catalog import Catalog
from helpers import ML100K


def test_planted_gender_signal_is_found_and_shuffled_labels_are_not(tmp_path):
    folder = write_fake_ml100k(tmp_path / "ml", users=150, seed=1)
    r = read_ratings(folder)
    y = gender_labels(r, read_genders(folder))
    found = attribute_attack("raw", rating_features(r), y, c=0.1, seed=0).metrics()
    assert found["auc"] > 0.85 and found["accuracy"] > found["majority_baseline"]
    shuffled = np.random.default_rng(0).permutation(y)
    chance = attribute_attack("raw", rating_features(r), shuffled, c=0.1, seed=0).metrics()
    assert abs(chance["auc"] - 0.5) < 0.15


def test_list_features_mark_the_shown_items(tmp_path):
    folder = write_fake_ml100k(tmp_path / "ml", users=30, seed=2)
    r = read_ratings(folder)
    seqs = positive_sequences(r)
    feats = list_features(Catalog.from_sequences(r.item_ids, seqs), seqs, k=5)
    assert feats.shape == (30, r.n_items)
    assert ((feats.sum(axis=1) == 5) | (feats.sum(axis=1) == 0)).all()
    for u, seq in enumerate(seqs):
        assert not feats[u, seq].any()  # what the user already liked is never shown


def test_contribution_features_carry_the_planted_signal(tmp_path):
    from edgerec.privacy.contributions import Bounds, contribute

    folder = write_fake_ml100k(tmp_path / "ml", users=150, seed=5)
    r = read_ratings(folder)
    seqs = positive_sequences(r)
    feats = contribution_features(seqs, r.n_items)
    assert feats.shape == (150, 3 * r.n_items)
    u = next(n for n, s in enumerate(seqs) if len(s) > 3)
    assert set(np.flatnonzero(feats[u, :r.n_items])) == set(contribute(seqs[u], Bounds()).items.tolist())
    y = gender_labels(r, read_genders(folder))
    found = attribute_attack("contribution", feats, y, c=0.1, seed=0).metrics()
    assert found["auc"] > 0.8
    chance = attribute_attack("contribution", feats, np.random.default_rng(1).permutation(y), c=0.1, seed=0)
    assert abs(chance.metrics()["auc"] - 0.5) < 0.15


def test_ldp_view_says_one_line_when_reports_are_missing(tmp_path):
    folder = write_fake_ml100k(tmp_path / "ml", users=20, seed=3)
    r = read_ratings(folder)
    seqs = positive_sequences(r)
    if not has_module("edgerec.privacy.ldp"):
        with pytest.raises(InputError, match="no local-DP reports"):
            ldp_features(seqs, r.n_items, epsilon=1.0)
    else:
        assert ldp_features(seqs, r.n_items, epsilon=1.0).shape == (20, r.n_items)


def test_missing_gender_is_an_input_error(tmp_path):
    folder = write_fake_ml100k(tmp_path / "ml", users=10)
    (folder / "u.user").write_text("1|30|F|other|00000\n")
    with pytest.raises(InputError, match="no gender"):
        gender_labels(read_ratings(folder), read_genders(folder))


@pytest.mark.slow
def test_raw_ratings_reveal_gender_on_ml100k():
    raw, lists, contribution = attribute_audit(ML100K, seed=1)
    m = raw.metrics()
    assert m["auc"] >= 0.75 and m["majority_baseline"] == pytest.approx(0.7105, abs=1e-3)
    assert lists.metrics()["auc"] < m["auc"]
    assert contribution.metrics()["auc"] >= 0.7  # what a catalog builder receives is close to the raw ratings
