"""``edgerec eval edgewise-ablation``: rules only against rules + the real default model, on a tiny set."""

import json

import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec_bench.datasets.edgewise_synth import generate
from edgerec_bench.eval.edgewise_ablation import ablation_row, table_lines
from helpers import requires

runner = CliRunner()


def test_a_row_scores_routines_and_counts_passes():
    truth = [[{"triggers": {"time_of_day": "night"}, "actions": {"tv": {"volume": 20}}}]] * 2
    wrong = [[{"triggers": {"time_of_day": "night"}, "actions": {"tv": {"volume": 30}}}]]
    row = ablation_row("with model", truth, truth[:1] + wrong, [1.0, 3.0], [True, False], 7, 200.0)
    assert row["routine_exact"] == 0.5 and 0.3 < row["jaccard"] < 1.0
    assert row["nl_pass_rate"] == 0.5 and row["model_calls"] == 7
    assert (row["seconds_per_user_mean"], row["seconds_per_user_max"]) == (2.0, 3.0)


def test_a_folder_without_routines_is_one_line(tmp_path):
    data = tmp_path / "data"
    generate(data, users=1, sessions=20, seed=83)
    (data / "routines.jsonl").unlink()
    result = runner.invoke(app, ["eval", "edgewise-ablation", "--data", str(data)])
    assert result.exit_code == 2 and "routines.jsonl" in result.stderr


@requires("llama_cpp")
@pytest.mark.slow
def test_ablation_with_the_real_model_on_two_users(tmp_path):
    # seed 84 was never used in development; two users of 60 sessions keep the model's share small
    data = tmp_path / "data"
    generate(data, users=3, sessions=60, seed=84)
    result = runner.invoke(app, ["eval", "edgewise-ablation", "--data", str(data), "--limit", "2", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    rules, profile, hybrid = report["rows"]
    assert report["users"] == 2 and [r["config"] for r in report["rows"]] == [
        "rules", "rules + model profile", "hybrid + model profile"]
    assert rules["model_calls"] == 0 and rules["nl_pass_rate"] is None
    assert profile["model_calls"] >= 2 and 0.0 <= profile["nl_pass_rate"] <= 1.0
    # the same extractor: the same routines, only the profile is the model's
    assert (profile["routine_exact"], profile["jaccard"]) == (rules["routine_exact"], rules["jaccard"])
    assert hybrid["model_calls"] >= profile["model_calls"] and 0.0 <= hybrid["routine_exact"] <= 1.0
    assert hybrid["peak_rss_mb"] >= rules["peak_rss_mb"] > 0
    assert table_lines(report)[-1].startswith("hybrid + model profile ")
