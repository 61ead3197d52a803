"""``edgerec eval edgewise-curve``: the learning curve over the first N sessions of one history per user."""

import json

from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec_bench.datasets.edgewise_synth import synthesize_user
from edgerec_bench.eval.edgewise_curve import learning_curve
from edgerec_bench.eval.edgewise_metrics import METRIC_KEYS, score_users
from edgerec.profile.reconstruct import routines_from_actions

runner = CliRunner()


def test_each_size_mines_the_first_sessions_of_one_history():
    # seed 82 was not used to develop the miner; the figures are checked against a direct computation
    report = learning_curve([30, 60], users=2, seed=82, true_actions=True)
    assert [row["sessions"] for row in report["sizes"]] == [30, 60]
    users = [synthesize_user(i, sessions=60, seed=82) for i in range(2)]
    for row in report["sizes"]:
        n = row["sessions"]
        direct = score_users([u.routines for u, _ in users],
                             [routines_from_actions(u.sessions[:n], [t.actions for t in traces[:n]])
                              for u, traces in users])
        assert row["routines_true_actions"] == direct
        assert set(METRIC_KEYS) <= set(row["routines"]) and row["seconds_per_user"] > 0


def test_cli_curve_json_and_table():
    result = runner.invoke(app, ["eval", "edgewise-curve", "--sessions", "20,40", "--users", "1", "--seed", "83",
                                 "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [r["sessions"] for r in report["sizes"]] == [20, 40] and "routines_true_actions" not in report["sizes"][0]
    table = runner.invoke(app, ["eval", "edgewise-curve", "--sessions", "20", "--users", "1", "--seed", "83",
                                "--true-actions"])
    assert table.exit_code == 0 and "exact (true)" in table.stdout


def test_cli_curve_bad_sizes_are_one_line():
    result = runner.invoke(app, ["eval", "edgewise-curve", "--sessions", "20,abc", "--users", "1"])
    assert result.exit_code == 2 and "--sessions" in result.stderr
    result = runner.invoke(app, ["eval", "edgewise-curve", "--sessions", "0", "--users", "1"])
    assert result.exit_code == 2 and "--sessions" in result.stderr
