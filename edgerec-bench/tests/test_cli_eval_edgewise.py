"""``edgerec eval edgewise`` and ``edgerec eval extraction`` through the root CLI on generated folders."""

import json

from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec_bench.datasets.edgewise_synth import generate
from edgerec_bench.eval.edgewise_metrics import METRIC_KEYS

runner = CliRunner()


def test_eval_edgewise_scores_a_generated_set(tmp_path):
    # seed 77 was never used to develop the extractor or the miner
    data = tmp_path / "data"
    generate(data, users=3, sessions=200, seed=77)
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(app, ["eval", "edgewise", "--data", str(data), "--out", str(out), "--json", "--no-llm"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert set(METRIC_KEYS) <= set(summary)
    assert summary["jaccard.flattened"] > 0.6 and summary["acc.actions_exact"] > 0.5  # loose sanity bounds
    lines = out.read_text().splitlines()
    assert len(lines) == 3 and all(isinstance(json.loads(line), list) for line in lines)
    assert summary["llm_calls"] == 0 and summary["peak_rss_mb"] > 0


def test_eval_without_truth_only_writes_predictions(tmp_path):
    data = tmp_path / "data"
    generate(data, users=1, sessions=60, seed=78)
    (data / "routines.jsonl").unlink()
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(app, ["eval", "edgewise", "--data", str(data), "--out", str(out), "--no-llm"])
    assert result.exit_code == 0 and "nothing to score" in result.output
    assert len(out.read_text().splitlines()) == 1


def test_eval_bad_folder_is_one_line(tmp_path):
    result = runner.invoke(app, ["eval", "edgewise", "--data", str(tmp_path), "--out", str(tmp_path / "p"), "--no-llm"])
    assert result.exit_code == 2 and "sessions.jsonl" in result.output


def test_eval_extraction_scores_extraction_and_the_mining_ceiling():
    result = runner.invoke(app, ["eval", "extraction", "--users", "1", "--seed", "79", "--sessions", "60", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # seed 79 was not used in development; loose sanity bounds, not the targets
    assert 0.6 < report["extraction"]["session_exact"] <= 1.0
    assert 0.0 <= report["routines"]["jaccard.flattened"] <= 1.0
    assert set(report["routines_true_actions"]) == set(report["routines"])


def test_eval_extraction_rejects_an_unknown_phrasing():
    result = runner.invoke(app, ["eval", "extraction", "--users", "1", "--phrasing", "klingon"])
    assert result.exit_code == 2 and "unknown phrasing" in result.stderr


def test_eval_runs_without_the_llm_extra(tmp_path, monkeypatch):
    import edgerec.models.llm as llm_module

    monkeypatch.setattr(llm_module, "llm_available", lambda: False)  # as on a machine without edgerec[llm]
    data = tmp_path / "data"
    generate(data, users=1, sessions=60, seed=80)
    result = runner.invoke(app, ["eval", "edgewise", "--data", str(data), "--out", str(tmp_path / "p.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["llm"] is False
