"""``edgerec bench fleet``: devices drawn from ml-100k users send local-DP reports."""

import json

import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec_bench.datasets.movielens import load_movielens
from edgerec_bench.perf.fleet import liked_items
from helpers import ML100K, requires

pytestmark = requires("opendp")  # the local randomizer is OpenDP's

runner = CliRunner()


def test_liked_items_are_each_users_positives_newest_first():
    data = load_movielens(ML100K)
    per_user = liked_items(data)
    assert len(per_user) == data.n_users
    for u in (0, 17, data.n_users - 1):
        rows = [(int(t), int(i)) for uu, i, r, t in zip(data.users, data.items, data.ratings, data.timestamps)
                if uu == u and r >= 3]
        assert sorted(per_user[u]) == sorted(i for _, i in rows)
        stamps = {i: t for t, i in rows}
        assert [stamps[i] for i in per_user[u]] == sorted((stamps[i] for i in per_user[u]), reverse=True)


def test_bench_fleet_cli_prints_figures_and_table():
    base = ["bench", "fleet", "--data", str(ML100K), "--devices", "400", "--top-items", "12", "--epsilon", "8"]
    r = runner.invoke(app, [*base, "--json"])
    assert r.exit_code == 0, r.output
    figures = json.loads(r.stdout)
    assert figures["devices"] == 400 and figures["users"] == 943 and figures["top_items"] == 12
    for key in ("popularity_rel_l1", "popularity_top50_overlap", "pairs_rel_l1", "total_s", "devices_per_s"):
        assert figures[key] >= 0
    table = runner.invoke(app, base)
    assert table.exit_code == 0 and "popularity  rel. L1 error" in table.stdout and "target 100,000" in table.stdout
    unknown = runner.invoke(app, [*base, "--engine", "spark"])
    assert unknown.exit_code == 2 and "--engine takes inprocess or ray" in unknown.stderr


@pytest.mark.slow
@requires("opendp", "ray")
def test_bench_fleet_times_engines_in_one_run_with_the_same_answers():
    base = ["bench", "fleet", "--data", str(ML100K), "--devices", "600", "--top-items", "10", "--epsilon", "4",
            "--noise-seed", "3", "--engine", "inprocess,ray"]
    r = runner.invoke(app, [*base, "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    local, ray = out["runs"]
    assert (local["engine"], ray["engine"]) == ("inprocess", "ray") and out["time_ratio"]["inprocess"] == 1.0
    for key in ("popularity_rel_l1", "popularity_spearman", "pairs_rel_l1", "pairs_spearman"):
        assert local[key] == ray[key]  # seeded noise: the same answers on both engines
    assert ray["engine_start_s"] > 0 and ray["noise"] == "seeded"
