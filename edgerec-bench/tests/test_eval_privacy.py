"""``edgerec eval privacy`` and ``eval movielens --epsilon`` on a handmade MovieLens folder."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec_bench.eval.privacy import evaluate_privacy
from helpers import write_tiny_ml

runner = CliRunner()


@pytest.fixture
def tiny_ml(tmp_path) -> Path:
    """40 users over 30 movies in two tastes (ml-100k layout)."""
    return write_tiny_ml(tmp_path / "ml", ratings=(3, 4, 5))


def test_evaluate_privacy_figures_and_exact_unlearning(tiny_ml):
    report = evaluate_privacy(tiny_ml, [1.0, 8.0], forget_users=2, repeats=2)
    assert report["delta"] == pytest.approx(1 / 40)
    assert [row["epsilon"] for row in report["per_epsilon"]] == [1.0, 8.0]
    for row in report["per_epsilon"]:
        assert row["ledger_epsilon"] <= row["epsilon"] + 1e-6
        assert row["ledger_pld_epsilon"] <= row["ledger_epsilon"]
        assert set(row["dp_catalog"]) == {"ndcg@10", "hr@10", "mrr", "ndcg@10_std", "hr@10_std", "mrr_std"}
        assert 0 <= row["dp_catalog"]["hr@10"] <= 1 and row["repeats"] == 2
    u = report["unlearning"]
    assert u["identical_to_rebuild_with_same_noise"] is True
    assert u["ndcg@10_after_unlearning"] == u["ndcg@10_rebuild_same_noise"]
    assert u["users_forgotten"] == 2 and u["rebuild_seconds"] > 0
    # no text embeddings: the co-occurrence slot repeats the sequential neighbours, nothing to time apart
    assert u["rebuild_text_neighbours_seconds"] == 0 and u["speedup_without_text_neighbours"] == u["speedup"]


def test_cli_eval_privacy_and_movielens_with_epsilon(tiny_ml, tmp_path):
    r = runner.invoke(app, ["eval", "privacy", "--data", str(tiny_ml), "--epsilons", "2", "--no-text",
                            "--forget-users", "1"])
    assert r.exit_code == 0, r.output + r.stderr
    assert "DP eps=2" in r.stdout and "identical to a rebuild with the same noise: True" in r.stdout
    out = tmp_path / "pred.jsonl"
    r = runner.invoke(app, ["eval", "movielens", "--data", str(tiny_ml), "--out", str(out), "--epsilon", "4",
                            "--no-text", "--json"])
    assert r.exit_code == 0, r.output + r.stderr
    figures = json.loads(r.stdout)
    assert "item-kNN" not in figures and set(figures["edgerec"]) == {"ndcg@10", "hr@10", "mrr"}
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 40 and all(set(row) == {"user", "heldout", "ranked"} for row in rows)
    r = runner.invoke(app, ["eval", "privacy", "--data", str(tiny_ml), "--epsilons", "two", "--no-text"])
    assert r.exit_code == 2 and "--epsilons must be numbers" in r.stderr


def test_cli_eval_privacy_dpsgd_row(tiny_ml):
    r = runner.invoke(app, ["eval", "privacy", "--data", str(tiny_ml), "--epsilons", "8", "--no-text",
                            "--forget-users", "0", "--dpsgd", "--json"])
    assert r.exit_code == 0, r.output + r.stderr
    row = json.loads(r.stdout)["per_epsilon"][0]
    assert {"dp_catalog", "dp_popularity", "ledger_epsilon"} <= set(row)  # the existing keys stay
    sgd = row["dpsgd"]
    assert 0 <= sgd["hr@10"] <= 1 and set(sgd) >= {"ndcg@10", "hr@10", "mrr", "training"}
    (info,) = sgd["training"]
    entry = info["ledger_entry"]
    assert entry["mechanism"] == "dpsgd" and entry["accountant"] == "prv" and entry["epsilon"] <= 8.0 * 1.01
    assert info["epsilon_rdp"] >= entry["epsilon"] and info["config"]["model"] == "free"
