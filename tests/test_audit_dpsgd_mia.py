"""Membership inference against DP-SGD item vectors: the plain-SGD model leaks, the DP one stays within its ε."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from audit_data import write_fake_ml100k
from edgerec.audit.dpsgd_mia import DPSGD_ATTACKS, dpsgd_membership_audit, item_features
from edgerec.cli.main import app
from edgerec.privacy.data import Histories
from edgerec.privacy.dpsgd import DpsgdConfig, train_item_vectors, user_examples
from helpers import ML100K, requires


def with_u_item(folder, items: int):
    """Give a fake ml-100k folder a u.item: item i gets genre i % 19, released in the 1990s."""
    rows = []
    for i in range(1, items + 1):
        genres = ["1" if g == i % 19 else "0" for g in range(19)]
        rows.append("|".join([str(i), f"Film {i} (1995)", "01-Jan-1995", "", "http://x", *genres]))
    (folder / "u.item").write_text("\n".join(rows) + "\n", encoding="latin-1")
    return folder


@requires("torch", "opacus")
def test_plain_sgd_has_no_ledger_entry_and_scores_its_own_examples():
    rng = np.random.default_rng(0)
    hist = Histories.from_arrays([f"u{n}" for n in range(20)], [str(i) for i in range(12)],
                                 [rng.integers(0, 12, size=6) for _ in range(20)])
    cfg = DpsgdConfig(model="free", dim=4, epochs=30, lr=1.0)
    vecs = train_item_vectors(hist, epsilon=None, delta=1e-3, config=cfg)
    assert vecs.entry is None and vecs.summary()["ledger_entry"] is None
    x, y, _ = user_examples(hist, cfg.history, cfg.targets)
    ll = vecs.log_likelihood(x, y)
    assert ll.shape == (20,) and (ll < 0).all()
    assert vecs.losses[-1] < vecs.losses[0]
    assert -ll.mean() == pytest.approx(vecs.losses[-1], rel=0.2)  # the same loss the training loop reports


@requires("torch", "opacus")
def test_the_attacks_find_plain_sgd_members(tmp_path):
    folder = write_fake_ml100k(tmp_path / "ml", users=60, items=80, seed=4)
    plain = {r.attack: r.metrics() for r in dpsgd_membership_audit(folder, model="free", references=4, seed=1)}
    assert set(plain) == set(DPSGD_ATTACKS)
    assert plain["calibrated-loss"]["auc"] > 0.7, plain["calibrated-loss"]  # teeth
    assert all(m["epsilon"] is None and m["members"] + m["non_members"] == 60 for m in plain.values())


@pytest.mark.slow
@requires("torch", "opacus")
def test_the_dp_model_stays_within_its_epsilon(tmp_path):
    folder = write_fake_ml100k(tmp_path / "ml", users=60, items=80, seed=4)
    dp = {r.attack: r.metrics() for r in dpsgd_membership_audit(folder, model="free", epsilon=1.0, references=4,
                                                                 seed=1)}
    for m in dp.values():
        assert m["epsilon"] == 1.0 and m["epsilon_lower_bound"] <= 1.0
        assert m["members"] + m["non_members"] == 60


def test_public_item_features_from_u_item(tmp_path):
    (tmp_path / "u.item").write_text("1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1" + "|0" * 13 + "\n",
                                     encoding="latin-1")
    feats = item_features(tmp_path, ["1", "2"])
    assert feats.shape == (2, 27)
    assert feats[0, :19].tolist() == [0, 0, 0, 1, 1, 1] + [0] * 13 and feats[0, 19 + 7] == 1  # the 1990s
    assert not feats[1].any()  # unknown items get no features


@requires("torch", "opacus")
def test_cli_dpsgd_target(tmp_path):
    folder = with_u_item(write_fake_ml100k(tmp_path / "ml", users=24, items=40), 40)
    result = CliRunner().invoke(app, ["audit", "mia", "--data", str(folder), "--target", "dpsgd", "--references", "2",
                                      "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["epsilon"] is None and set(out["attacks"]) == set(DPSGD_ATTACKS)
    assert out["attacks"]["lira-loss"]["claimed_epsilon_prv"] is None and out["model"] == "text"
    assert out["members"] + out["non_members"] == 24
    bad = CliRunner().invoke(app, ["audit", "mia", "--data", str(folder), "--target", "dpsgd", "--attack", "lira"])
    assert bad.exit_code == 2 and "drop --attack" in bad.stderr


@pytest.mark.slow
@requires("torch", "opacus")
def test_plain_sgd_on_ml100k_leaks_membership():
    """The attack has teeth on the real data (a subsample of 300 users keeps it under a minute)."""
    results = {r.attack: r.metrics() for r in dpsgd_membership_audit(ML100K, users=300, references=2, seed=5)}
    assert results["calibrated-loss"]["auc"] > 0.7, results
