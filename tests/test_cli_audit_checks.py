"""`audit forget` and `audit pii` command functions, through a small Typer app of their own."""

import json

import typer
from typer.testing import CliRunner

from edgerec.cli import audit_checks
from helpers import ML100K, requires

app = typer.Typer()
app.command("forget")(audit_checks.forget)
app.command("pii")(audit_checks.pii)
runner = CliRunner()


def test_forget_json_on_its_own_store():
    result = runner.invoke(app, ["forget", "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)
    assert metrics["canaries_planted"] == 10 and metrics["canaries_found"] == 0
    assert metrics["control_canaries_found"] == 10


def test_forget_table_with_movielens_and_a_kept_workdir(tmp_path):
    result = runner.invoke(app, ["forget", "--data", str(ML100K), "--users", "5", "--workdir", str(tmp_path / "w")])
    assert result.exit_code == 0, result.output
    assert "0 of 10 canaries found after forgetting" in result.output and "5 ml-100k users" in result.output
    assert (tmp_path / "w" / "events.db").is_file()


def test_forget_bad_data_is_one_line_and_exit_2(tmp_path):
    result = runner.invoke(app, ["forget", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "u.data" in result.output and "Traceback" not in result.output


def test_pii_json_and_table():
    metrics = json.loads(runner.invoke(app, ["pii", "--json", "--seed", "2"]).output)
    assert metrics["pii_found"] == 0 and metrics["allowed_outputs"]["export"]["pii_found"] == 7
    assert {"cli: profile show", "cli: profile show --json"} <= set(metrics["outputs"])
    assert metrics["outputs"]["cli: profile show"]["chars"] > 100
    assert metrics["outputs"]["cli: privacy report --json"]["chars"] > 1000  # the queued report, as printed
    assert "LLM extraction and summary (run with --llm)" in metrics["not_covered"]
    table = runner.invoke(app, ["pii"]).output
    assert "0 of 7 planted details found in derived outputs" in table


@requires("matplotlib")
def test_plots_are_written(tmp_path):
    for command in ("forget", "pii"):
        out = tmp_path / f"{command}.png"
        result = runner.invoke(app, [command, "--plot", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(b"\x89PNG")
