"""``edgerec eval edgewise --devices FILE``: routines over a device schema the extractor was not written for."""

import json

from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec_bench.datasets.edgewise import EdgewiseUser, write
from home_sessions import HOME_FILE, KNOWN, sessions

runner = CliRunner()


def test_eval_edgewise_with_devices_scores_known_routines(tmp_path):
    users = [EdgewiseUser(sessions=sessions(seed), routines=KNOWN) for seed in (21, 22)]
    write(tmp_path / "data", users)
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(app, ["eval", "edgewise", "--data", str(tmp_path / "data"), "--out", str(out), "--json",
                                 "--no-llm", "--devices", str(HOME_FILE)])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)
    assert metrics["acc.routine_exact"] == 1.0 and metrics["jaccard.flattened"] == 1.0
    assert len(out.read_text().splitlines()) == 2
    # without the schema the truth names devices the EdgeWisePersona five do not have
    refused = runner.invoke(app, ["eval", "edgewise", "--data", str(tmp_path / "data"), "--out", str(out), "--no-llm"])
    assert refused.exit_code == 2 and "unknown device 'blinds'" in refused.output


def test_eval_edgewise_bad_device_schema_is_one_line(tmp_path):
    bad = tmp_path / "devices.json"
    bad.write_text(json.dumps({"devices": {"kettle": {"settings": {"temperature": {"type": "int", "min": 40}}}}}))
    result = runner.invoke(app, ["eval", "edgewise", "--data", str(tmp_path), "--out", str(tmp_path / "p.jsonl"),
                                 "--no-llm", "--devices", str(bad)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "device 'kettle': setting 'temperature'" in lines[0], result.output
