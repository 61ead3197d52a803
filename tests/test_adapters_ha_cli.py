"""``edgerec import --format home-assistant`` and ``edgerec profile automations`` through CliRunner, on a real store."""

import json
import re

import pytest
import yaml
from typer.testing import CliRunner

from edgerec.adapters.home_assistant import automations_to_routines, derive_schema, observe_entities
from edgerec.cli.main import app
from edgerec.store import EventStore
from edgerec_bench.datasets.home_assistant import generate
from helpers import KEY, REPO, user_error

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


@pytest.fixture(scope="module")
def stream(tmp_path_factory):
    out = tmp_path_factory.mktemp("ha")
    generate(out, users=2, days=40, seed=7)
    return out


@pytest.fixture
def hub(tmp_path, db_path):
    key = tmp_path / "key"
    key.write_bytes(KEY)
    EventStore.create(db_path, key=KEY, timezone="Europe/Berlin").close()
    return ["--db", db_path, "--key-file", key]


def test_import_home_assistant_counts_what_it_skips(hub, stream, tmp_path):
    result = run("import", "--format", "home-assistant", stream / "events.jsonl", *hub, "--json")
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    lines = (stream / "events.jsonl").read_text().splitlines()
    kinds = [json.loads(line)["event_type"] for line in lines]
    assert counts["imported"] + counts["skipped"] == len(lines)
    assert counts["skipped_by_kind"]["call_service"] == kinds.count("call_service")
    assert counts["skipped_by_kind"]["automation_triggered"] == kinds.count("automation_triggered")
    assert counts["people"] == 2 and counts["malformed_lines"] == []
    with EventStore.open(hub[1], key=KEY) as store:
        assert store.count(type="ha_state") == counts["imported"]
    text = run("import", "--format", "home-assistant", stream / "events.jsonl", *hub)
    assert text.exit_code == 0 and "skipped" in text.stdout and "call_service" in text.stdout
    own = tmp_path / "own.jsonl"
    own.write_text('{"user": "a", "type": "play", "ts": "2026-01-01T00:00:00Z"}\n')
    assert json.loads(run("import", own, *hub, "--json").stdout) == {"imported": 1, "skipped": 0, "db": str(hub[1])}


def test_import_home_assistant_bad_lines_counted_or_strict(hub, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"event_type": "call_service"}\n{oops\n')
    result = run("import", "--format", "home-assistant", bad, *hub, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["malformed_lines"] == [2]
    user_error(run("import", "--format", "home-assistant", bad, *hub, "--strict"), "bad.jsonl: line 2: bad JSON")
    user_error(run("import", "--format", "home-assistant", tmp_path / "none.jsonl", *hub), "no such file")
    unknown = run("import", "--format", "teletext", bad, *hub)
    assert unknown.exit_code == 2 and "teletext" in unknown.stderr


def test_profile_automations_writes_reviewable_yaml_and_never_applies_it(hub, stream, tmp_path):
    assert run("import", "--format", "home-assistant", stream / "events.jsonl", *hub).exit_code == 0
    person = json.loads((stream / "routines.jsonl").read_text().splitlines()[0])["user"]
    with EventStore.open(hub[1], key=KEY) as store:
        before = store.count()
        schema = derive_schema(observe_entities(store.events()))
    out = tmp_path / "suggested.yaml"
    result = run("profile", "automations", "--user", person, "--out", out, *hub)
    assert result.exit_code == 0, result.output
    assert "initial_state: false" in result.stdout
    automations = yaml.safe_load(out.read_text())
    assert automations and all(a["initial_state"] is False and a["trigger"] and a["action"] for a in automations)
    as_json = json.loads(run("profile", "automations", "--user", person, "--json", *hub).stdout)
    assert as_json["automations"] == len(automations) and as_json["out"] is None
    back = automations_to_routines(as_json["yaml"], schema)
    assert back == [{"triggers": r["triggers"], "actions": r["actions"]} for r in as_json["routines"]]
    printed = run("profile", "automations", "--user", person, *hub)
    assert yaml.safe_load(printed.stdout) == automations
    assert run("profile", "automations", "--user", person, "--out", out, *hub, input="n\n").exit_code == 1
    with EventStore.open(hub[1], key=KEY) as store:
        assert store.count() == before  # suggesting wrote nothing into the store
    user_error(run("profile", "automations", "--user", "nobody", *hub), "unknown user")


def test_the_python_snippet_of_the_docs_page_runs(stream, tmp_path, monkeypatch, capsys):
    text = (REPO / "docs" / "home-assistant.md").read_text(encoding="utf-8")
    (snippet,) = re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)
    (tmp_path / "events.jsonl").write_bytes((stream / "events.jsonl").read_bytes())
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, "docs/home-assistant.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "'imported':" in printed and "initial_state: false" in printed
