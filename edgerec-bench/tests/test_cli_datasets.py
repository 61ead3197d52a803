"""``edgerec datasets edgewise-synth``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec_bench.datasets.edgewise import load

runner = CliRunner()



def test_edgewise_synth_writes_a_loadable_dataset(tmp_path):
    out = tmp_path / "ds"
    result = runner.invoke(app, ["datasets", "edgewise-synth", "--out", str(out), "--users", "2",
                                 "--sessions", "15", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "wrote 2 users" in result.output
    users = load(out)
    assert [len(u.sessions) for u in users] == [15, 15]


def test_edgewise_synth_json_summary_and_difficulty(tmp_path):
    result = runner.invoke(app, ["datasets", "edgewise-synth", "--out", str(tmp_path / "e"), "--users", "1",
                                 "--sessions", "10", "--difficulty", "easy", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["users"] == 1 and summary["sessions"] == 10


def test_edgewise_synth_bad_input_exits_2(tmp_path):
    result = runner.invoke(app, ["datasets", "edgewise-synth", "--out", str(tmp_path), "--difficulty", "brutal"])
    assert result.exit_code == 2
    assert "unknown difficulty" in result.output
    result = runner.invoke(app, ["datasets", "edgewise-synth", "--out", str(tmp_path), "--users", "0"])
    assert result.exit_code == 2


def test_every_command_has_help():
    result = runner.invoke(app, ["datasets", "--help"])
    assert result.exit_code == 0 and "edgewise-synth" in result.output
    result = runner.invoke(app, ["datasets", "edgewise-synth", "--help"])
    assert "EdgeWisePersona" in result.output
