"""The profile CLI commands, through typer's CliRunner on real files."""

import json

import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec.profile.sessions import user_events
from edgerec_bench.datasets.edgewise_synth import synthesize_user
from helpers import KEY

runner = CliRunner()


@pytest.fixture
def keyed_store(tmp_path, store, db_path):
    key_file = tmp_path / "key"
    key_file.write_bytes(KEY)
    user, _ = synthesize_user(0, sessions=100, seed=41)
    store.log_many(user_events("alice", user.sessions))
    store.close()
    return ["--db", str(db_path), "--key-file", str(key_file)]


def test_profile_rebuild_show_edit(keyed_store):
    result = runner.invoke(app, ["profile", "rebuild", "--user", "alice", "--no-llm", *keyed_store])
    assert result.exit_code == 0, result.output
    assert "100 sessions (100 read now)" in result.output

    shown = runner.invoke(app, ["profile", "show", "--user", "alice", "--json", *keyed_store])
    profile = json.loads(shown.output)
    assert profile["routines"] and profile["summary_source"].startswith("template")

    table = runner.invoke(app, ["profile", "show", "--user", "alice", *keyed_store])
    assert table.exit_code == 0 and "Routines of alice" in table.output

    assert runner.invoke(app, ["profile", "edit", "--user", "alice", "--text", "Warm evenings.", *keyed_store]).exit_code == 0
    again = runner.invoke(app, ["profile", "rebuild", "--user", "alice", "--no-llm", *keyed_store])
    assert "(0 read now)" in again.output
    shown = json.loads(runner.invoke(app, ["profile", "show", "--user", "alice", "--json", *keyed_store]).output)
    assert shown["user_text"] == "Warm evenings."
    kept = runner.invoke(app, ["profile", "edit", "--user", "alice", "--reset", *keyed_store], input="n\n")
    assert kept.exit_code == 1
    shown = json.loads(runner.invoke(app, ["profile", "show", "--user", "alice", "--json", *keyed_store]).output)
    assert shown["user_text"] == "Warm evenings."
    runner.invoke(app, ["profile", "edit", "--user", "alice", "--reset", "--yes", *keyed_store])
    shown = json.loads(runner.invoke(app, ["profile", "show", "--user", "alice", "--json", *keyed_store]).output)
    assert shown["user_text"] is None


def test_profile_edit_opens_the_editor(keyed_store, tmp_path, monkeypatch):
    script = tmp_path / "fake-editor.sh"
    script.write_text('#!/bin/sh\necho "Written in my editor." > "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    runner.invoke(app, ["profile", "rebuild", "--user", "alice", "--no-llm", *keyed_store])
    assert runner.invoke(app, ["profile", "edit", "--user", "alice", *keyed_store]).exit_code == 0
    shown = json.loads(runner.invoke(app, ["profile", "show", "--user", "alice", "--json", *keyed_store]).output)
    assert shown["user_text"] == "Written in my editor."


def test_profile_errors_are_one_line(keyed_store):
    result = runner.invoke(app, ["profile", "show", "--user", "nobody", *keyed_store])
    assert result.exit_code == 2 and "no profile" in result.output
    result = runner.invoke(app, ["profile", "rebuild", "--user", "nobody", "--no-llm", *keyed_store])
    assert result.exit_code == 2 and "unknown user" in result.output
