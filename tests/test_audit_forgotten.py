"""Membership inference on forgotten users: at chance after exact unlearning, strong before it (the control)."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from audit_data import write_fake_ml100k
from edgerec.audit.forgotten import forgetting_game, forgotten_attack, forgotten_audit
from edgerec.audit.targets import dp_builder, nonprivate_builder
from edgerec.cli.main import app
from edgerec.errors import InputError
from helpers import ML100K

N_ITEMS = 120
ITEMS = [f"i{n}" for n in range(N_ITEMS)]


def histories(users: int, seed: int) -> list[np.ndarray]:
    """15-30 distinct items per user, popular items more likely."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, N_ITEMS + 1)
    p /= p.sum()
    return [rng.choice(N_ITEMS, size=int(rng.integers(15, 31)), replace=False, p=p) for _ in range(users)]


def test_the_game_forgets_a_random_subset_of_the_contributors():
    seqs = histories(40, 0)
    game = forgetting_game(seqs, ITEMS, forget=7, seed=3)
    assert len(game.forgotten) == 7 and len(game.never_seen) == 20
    assert not set(game.forgotten) & set(game.never_seen)
    removed = np.bincount(np.concatenate([seqs[n] for n in game.forgotten]), minlength=N_ITEMS)
    # the release before the forgets is kept as it was: it differs by exactly the forgotten users' items
    assert np.array_equal(np.asarray(game.before.popularity) - np.asarray(game.after.popularity), removed)


def test_forgotten_users_look_never_seen_while_the_control_finds_them():
    seqs = histories(80, 1)
    game = forgetting_game(seqs, ITEMS, forget=20, seed=2)
    after, before = forgotten_attack(game, nonprivate_builder(ITEMS), references=8, seed=4)
    assert after.attack == "lira-forgotten" and before.attack == "lira-before-forgetting"
    a, b = after.metrics(), before.metrics()
    assert a["members"] == 20 and a["non_members"] == 40 and a["forgotten"] == 20
    assert b["auc"] > 0.9
    assert abs(a["auc"] - 0.5) < 0.2 and a["epsilon_lower_bound"] < b["epsilon_lower_bound"]


def test_the_dp_catalog_forgets_by_subtraction_and_is_attacked_the_same_way():
    game = forgetting_game(histories(30, 5), ITEMS, forget=5, epsilon=1.0, delta=1e-3, seed=0)
    after, before = forgotten_attack(game, dp_builder(ITEMS, epsilon=1.0, delta=1e-3), references=2, seed=1,
                                     epsilon=1.0, delta=1e-3)
    assert after.metrics()["epsilon"] == 1.0 and len(after.scores) == len(before.scores) == 5 + 15


def test_bad_forget_counts():
    with pytest.raises(InputError, match="between 1 and 10"):
        forgetting_game(histories(20, 0), ITEMS, forget=11)
    with pytest.raises(InputError, match="between 1 and 10"):
        forgetting_game(histories(20, 0), ITEMS, forget=0)


def test_ml100k_forgotten_users_are_at_chance_and_the_control_is_not():
    """On a 200-user subsample of ml-100k, non-private catalog, exact unlearning."""
    after, before = forgotten_audit(ML100K, forget=50, users=200, references=8, seed=5)
    assert before.metrics()["auc"] >= 0.9
    assert abs(after.metrics()["auc"] - 0.5) < 0.12


def test_cli_mia_forgotten_json_and_table(tmp_path):
    runner = CliRunner()
    folder = write_fake_ml100k(tmp_path / "ml", users=40)
    result = runner.invoke(app, ["audit", "mia", "--data", str(folder), "--forgotten", "10", "--references", "4",
                                 "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["attack"] == "lira-forgotten" and out["forgotten"] == 10 and out["members"] == 10
    assert out["non_members"] == 20 and out["epsilon"] is None
    assert set(out["attacks"]) == {"lira-forgotten", "lira-before-forgetting"}
    table = runner.invoke(app, ["audit", "mia", "--data", str(folder), "--forgotten", "5", "--references", "2"])
    assert table.exit_code == 0 and "forgotten users" in table.stdout and "lira-before-forgetting" in table.stdout
    wrong = runner.invoke(app, ["audit", "mia", "--data", str(folder), "--forgotten", "5", "--attack", "list"])
    assert wrong.exit_code == 2 and "LiRA attack only" in wrong.stderr
    too_many = runner.invoke(app, ["audit", "mia", "--data", str(folder), "--forgotten", "21"])
    assert too_many.exit_code == 2 and "between 1 and 20" in too_many.stderr
