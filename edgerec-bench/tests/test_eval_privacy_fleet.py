"""``eval privacy --fleet``: the local-DP fleet's rows, and the catalog it builds from estimates."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec.privacy.catalog import ReleaseOptions
from edgerec.privacy.fleet import simulate_fleet
from edgerec_bench.datasets.movielens import leave_last_out, load_movielens
from edgerec_bench.eval.privacy import evaluate_privacy
from edgerec_bench.eval.privacy_fleet import FleetSettings, device_items, fleet_catalog
from helpers import requires, user_error, write_tiny_ml

pytestmark = requires("opendp")

runner = CliRunner()


@pytest.fixture
def tiny_ml(tmp_path) -> Path:
    """40 users over 30 movies in two tastes (ml-100k layout); ratings 1-2 are dislikes."""
    return write_tiny_ml(tmp_path / "ml", ratings=(1, 3, 4, 5))


def test_fleet_rows_per_epsilon(tiny_ml):
    settings = FleetSettings(devices=(300, 40), top_items=8)
    report = evaluate_privacy(tiny_ml, [2.0, 8.0], forget_users=0, fleet=settings)
    assert report["fleet"]["devices"] == [300, 40] and report["fleet"]["top_items"] == 8
    for row in report["per_epsilon"]:
        first, resampled = row["ldp_fleet"], row["ldp_fleet_resampled"]
        assert first["devices"] == 40 and [e["devices"] for e in resampled] == [300]  # population first, once
        for entry in (first, *resampled):
            assert {"ndcg@10", "hr@10", "mrr"} <= set(entry) and 0 <= entry["hr@10"] <= 1
            assert entry["epsilon_items"] + entry["epsilon_pairs"] == pytest.approx(row["epsilon"])
            assert entry["delta"] == 0.0 and entry["simulate_seconds"] > 0
            assert set(entry["estimates"]) == {"popularity_rel_l1", "popularity_top50_overlap", "popularity_spearman",
                                               "pairs_rel_l1", "pairs_top50_overlap", "pairs_spearman"}
    without = evaluate_privacy(tiny_ml, [2.0], forget_users=0)
    assert "ldp_fleet" not in without["per_epsilon"][0] and "fleet" not in without


def test_device_items_are_liked_training_items_newest_first(tiny_ml):
    data = load_movielens(tiny_ml)
    splits = leave_last_out(data)
    items = device_items(data, splits)
    assert len(items) == len(splits)
    for split, mine in zip(splits, items):
        liked = [int(i) for i, r in zip(split.train_items, split.train_ratings) if r >= 3]
        assert mine == list(dict.fromkeys(reversed(liked)))


def test_fleet_catalog_from_clear_estimates_finds_the_pairs():
    """Noise small against the counts: items 0 and 1 (always together) are each other's first neighbour."""
    population = [[0, 1, 5]] * 40 + [[1, 0, 7, 9]] * 30 + [[2, 3]] * 20 + [[11]] * 10
    result = simulate_fleet(population, 12, devices=4000, epsilon=16.0, item_bound=3, pair_bound=3, top_items=6,
                            seed=2, noise_seed=9)
    catalog = fleet_catalog(result, [f"m{i}" for i in range(12)], ReleaseOptions())
    assert catalog.sequential is None and catalog.popularity.argmax() in (0, 1)
    nb = catalog.cooccurrence
    assert nb.indices[nb.indptr[0]] == 1 and nb.indices[nb.indptr[1]] == 0
    assert nb.indices[nb.indptr[2]] == 3
    assert nb.indptr[11] == nb.indptr[10]  # item 10: nobody holds it, no neighbours outside the top


def test_cli_eval_privacy_fleet(tiny_ml):
    r = runner.invoke(app, ["eval", "privacy", "--data", str(tiny_ml), "--epsilons", "4", "--no-text",
                            "--forget-users", "0", "--fleet", "--fleet-devices", "120", "--fleet-workers", "1"])
    assert r.exit_code == 0, r.output + r.stderr
    assert "LDP 40 eps=4" in r.stdout and "LDP 120 eps=4" in r.stdout
    r = runner.invoke(app, ["eval", "privacy", "--data", str(tiny_ml), "--epsilons", "4", "--no-text", "--json",
                            "--forget-users", "0", "--fleet", "--fleet-workers", "1"])
    assert r.exit_code == 0 and json.loads(r.stdout)["per_epsilon"][0]["ldp_fleet"]["devices"] == 40
    user_error(runner.invoke(app, ["eval", "privacy", "--data", str(tiny_ml), "--fleet", "--fleet-devices", "1,x"]),
               "--fleet-devices")
