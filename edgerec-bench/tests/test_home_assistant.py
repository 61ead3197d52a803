"""The Home Assistant generator and ``edgerec eval home-assistant``, end to end on a small house."""

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from edgerec.adapters.ha_events import parse_ha_records
from edgerec.cli.main import app
from edgerec_bench.datasets.home_assistant import NIGHT_MODE, TEMPLATES, generate
from edgerec_bench.eval.home_assistant import evaluate_home_assistant
from helpers import user_error

runner = CliRunner()


@pytest.fixture(scope="module")
def house(tmp_path_factory):
    out = tmp_path_factory.mktemp("house")
    summary = generate(out, users=2, days=60, seed=11)
    return out, summary


def test_the_stream_is_home_assistant_event_bus_json(house):
    out, summary = house
    lines = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    assert len(lines) == summary["events"]
    assert [line["time_fired"] for line in lines] == sorted(line["time_fired"] for line in lines)
    kinds = Counter(line["event_type"] for line in lines)
    assert kinds == summary["event_types"] and {"state_changed", "call_service", "automation_triggered"} <= set(kinds)
    changes = [line for line in lines if line["event_type"] == "state_changed"]
    people = set(json.loads((out / "meta.json").read_text())["users"])
    assert {c["context"]["user_id"] for c in changes} == people | {None}
    for change in changes:
        new, old = change["data"]["new_state"], change["data"]["old_state"]
        assert new["entity_id"] == change["data"]["entity_id"] and {"state", "attributes", "last_changed"} <= set(new)
        assert old is None or (old["state"], old["attributes"]) != (new["state"], new["attributes"])
    entities = {c["data"]["entity_id"] for c in changes}
    assert {"sun.sun", "weather.home", "switch.coffee_maker", "light.kitchen"} <= entities
    assert parse_ha_records(line for line in (out / "events.jsonl").open()).skipped.get("malformed") is None


def test_the_truth_is_one_line_per_person_over_the_derived_device_keys(house):
    out, _ = house
    meta = json.loads((out / "meta.json").read_text())
    rows = [json.loads(line) for line in (out / "routines.jsonl").read_text().splitlines()]
    assert [r["user"] for r in rows] == meta["users"]
    templates = [t for t, _ in TEMPLATES]
    for row in rows:
        assert 1 <= len(row["routines"]) <= 5
        for routine in row["routines"]:
            assert routine["triggers"] in templates
            for device, settings in routine["actions"].items():
                assert "." not in device and settings and settings.get("on", True)
                assert settings not in NIGHT_MODE.values()


def test_the_same_seed_writes_the_same_bytes(tmp_path, house):
    out, _ = house
    generate(tmp_path, users=2, days=60, seed=11)
    for name in ("events.jsonl", "routines.jsonl", "meta.json"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()


def test_eval_recovers_the_routines_through_the_yaml(house, tmp_path):
    out, _ = house
    report = evaluate_home_assistant(out, keep_yaml=tmp_path / "yaml")
    assert report["metrics"]["jaccard.flattened"] >= 0.85
    assert report["metrics"] == report["metrics_before_yaml"]
    assert all(u["yaml_round_trip_exact"] for u in report["per_user"])
    assert report["metrics_clock_only"]["jaccard.flattened"] <= report["metrics"]["jaccard.flattened"]
    assert len(list((tmp_path / "yaml").glob("*.yaml"))) == 2


def test_cli_datasets_and_eval(tmp_path):
    result = runner.invoke(app, ["datasets", "home-assistant", "--out", str(tmp_path / "d"), "--seed", "3",
                                 "--users", "1", "--days", "30", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["users"] == 1
    result = runner.invoke(app, ["eval", "home-assistant", "--data", str(tmp_path / "d"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["metrics"]) == {"acc.routine_exact", "acc.triggers_exact", "acc.actions_exact",
                                      "jaccard.flattened", "len_diff.avg"}
    text = runner.invoke(app, ["eval", "home-assistant", "--data", str(tmp_path / "d")])
    assert text.exit_code == 0 and "jaccard.flattened" in text.stdout and "clock only" in text.stdout
    user_error(runner.invoke(app, ["eval", "home-assistant", "--data", str(tmp_path)]),
               "not a home-assistant dataset folder")
