"""The store commands through Typer's CliRunner: contracts of DESIGN.md and clean user errors."""

import json

import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec.store import EventStore
from helpers import KEY, user_error

runner = CliRunner()


def run(*args, input=None, env=None):
    return runner.invoke(app, [str(a) for a in args], input=input, env=env)


@pytest.fixture
def kf(tmp_path):
    path = tmp_path / "store.key"
    path.write_bytes(KEY)
    return path


@pytest.fixture
def db(db_path, kf):
    result = run("init", "--db", db_path, "--key-file", kf)
    assert result.exit_code == 0, result.output
    return db_path



def test_init_with_passphrase_from_env_then_log_and_read(db_path):
    env = {"EDGEREC_PASSPHRASE": "s3cret"}
    assert run("init", "--db", db_path, env=env).exit_code == 0
    r = run("log", "--db", db_path, "--user", "alice", "--type", "play", "--item", "song-1",
            "--ts", "2026-01-01T08:00:00Z", "--context", '{"tod": "morning"}', "--text", "hi", env=env)
    assert r.exit_code == 0 and r.stdout.strip() == "1"
    r = run("events", "--db", db_path, "--json", env=env)
    (line,) = r.stdout.strip().splitlines()
    assert json.loads(line) == {"id": 1, "user": "alice", "type": "play", "ts": "2026-01-01T08:00:00+00:00",
                                "item": "song-1", "context": {"tod": "morning"}, "text": "hi"}
    user_error(run("events", "--db", db_path, env={"EDGEREC_PASSPHRASE": "nope"}), "wrong passphrase")


def test_init_prompts_twice_for_the_passphrase(db_path):
    r = run("init", "--db", db_path, input="pw\npw\n")
    assert r.exit_code == 0, r.output
    with EventStore.open(db_path, passphrase="pw") as s:
        assert s.count() == 0
    r = run("stats", "--db", db_path, "--json", input="pw\n")
    assert r.exit_code == 0 and json.loads(r.stdout.splitlines()[-1])["events"] == 0


def test_import_events_export(db, kf, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(x) for x in [
        {"user": "a", "type": "play", "ts": "2026-01-01T00:00:00Z", "item": "i1"},
        {"user": "b", "type": "skip", "ts": "2026-01-02T00:00:00Z"},
        {"user": "a", "type": "dialogue", "ts": "2026-01-03T00:00:00Z", "text": "turn the tv up", "context": {"x": 1}},
    ]) + "\n\n")
    r = run("import", "--db", db, "--key-file", kf, src)
    assert r.exit_code == 0 and "imported 3 events" in r.stdout
    r = run("events", "--db", db, "--key-file", kf, "--user", "a", "--json")
    assert [json.loads(x)["item"] for x in r.stdout.splitlines()] == ["i1", None]
    r = run("export", "--db", db, "--key-file", kf, "--user", "a")
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["text"] for x in rows] == [None, "turn the tv up"] and "id" not in rows[0]
    r = run("events", "--db", db, "--key-file", kf)
    assert r.exit_code == 0 and "turn the tv up" in r.stdout


def test_forget_asks_first_and_keeps_a_receipt(db, kf):
    for i in range(3):
        run("log", "--db", db, "--key-file", kf, "--user", "alice", "--type", "play", "--item", f"i{i}")
    run("log", "--db", db, "--key-file", kf, "--user", "bob", "--type", "play")
    r = run("forget", "--db", db, "--key-file", kf, "--user", "alice", input="n\n")
    assert r.exit_code == 1 and "nothing was forgotten" in r.stderr
    r = run("forget", "--db", db, "--key-file", kf, "--user", "alice")  # no input at all
    assert r.exit_code == 1
    with EventStore.open(db, key=KEY) as s:
        assert s.count("alice") == 3
    r = run("forget", "--db", db, "--key-file", kf, "--user", "alice", "--item", "i1", input="y\n")
    assert r.exit_code == 0 and "forgot 1 events" in r.stdout
    r = run("forget", "--db", db, "--key-file", kf, "--user", "alice", "--yes", "--json")
    assert json.loads(r.stdout)["keys_destroyed"] == 1
    r = run("forget", "--db", db, "--key-file", kf, "--list", "--json")
    assert [x["events"] for x in json.loads(r.stdout)] == [1, 2]
    user_error(run("events", "--db", db, "--key-file", kf, "--user", "alice"), "unknown user 'alice'")
    user_error(run("forget", "--db", db, "--key-file", kf, "--yes"), "say what to forget")


def test_rotate_key_stats_verify(db, kf, tmp_path):
    run("log", "--db", db, "--key-file", kf, "--user", "u", "--type", "t")
    r = run("rotate-key", "--db", db, "--key-file", kf, env={"EDGEREC_NEW_PASSPHRASE": "fresh"})
    assert r.exit_code == 0, r.output
    user_error(run("stats", "--db", db, "--key-file", kf), "passphrase")
    r = run("stats", "--db", db, "--json", env={"EDGEREC_PASSPHRASE": "fresh"})
    figures = json.loads(r.stdout)
    assert figures["events"] == 1 and figures["kdf"] == "scrypt"
    r = run("verify", "--db", db, "--json", env={"EDGEREC_PASSPHRASE": "fresh"})
    assert json.loads(r.stdout) == {"ok": True, "users": 1, "events": 1, "documents": 0}


@pytest.mark.parametrize("args,fragment", [
    (["--context", "{not json"], "context is not valid JSON"),
    (["--context", "[1, 2]"], "must be a JSON object"),
    (["--ts", "last tuesday"], "bad timestamp"),
    (["--text", "bad \udcff bytes"], "not valid UTF-8"),
])
def test_log_rejects_bad_input_and_changes_nothing(db, kf, args, fragment):
    user_error(run("log", "--db", db, "--key-file", kf, "--user", "u", "--type", "t", *args), fragment)
    with EventStore.open(db, key=KEY) as s:
        assert s.count() == 0


def test_import_rejects_bad_files_and_changes_nothing(db, kf, tmp_path):
    good = json.dumps({"user": "u", "type": "t", "ts": "2026-01-01T00:00:00Z"})
    cases = {
        "badjson.jsonl": (good + "\n{oops\n").encode(), "nonutf8.jsonl": good.encode() + b"\n\xff\xfe\n",
        "bigtext.jsonl": (good + "\n" + json.dumps({"user": "u", "type": "t", "text": "x" * 10_000_000})).encode(),
        "badts.jsonl": (good + "\n" + json.dumps({"user": "u", "type": "t", "ts": "2026/01/01"})).encode(),
        "nouser.jsonl": (good + "\n" + json.dumps({"type": "t"})).encode(),
    }
    fragments = {"badjson.jsonl": ":2: bad JSON", "nonutf8.jsonl": ":2: not UTF-8",
                 "bigtext.jsonl": ":2: 'text' is too large", "badts.jsonl": ":2: bad timestamp",
                 "nouser.jsonl": ":2: missing 'user'"}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        user_error(run("import", "--db", db, "--key-file", kf, tmp_path / name), fragments[name])
    user_error(run("import", "--db", db, "--key-file", kf, tmp_path / "missing.jsonl"), "no such file")
    with EventStore.open(db, key=KEY) as s:
        assert s.count() == 0


def test_store_errors_are_one_line(tmp_path, kf, db):
    user_error(run("events", "--db", tmp_path / "nope.db", "--key-file", kf), "no store at")
    text = tmp_path / "notes.txt"
    text.write_text("just text " * 20)
    user_error(run("events", "--db", text, "--key-file", kf), "not an edgerec store")
    short = tmp_path / "short.key"
    short.write_bytes(b"123")
    user_error(run("events", "--db", db, "--key-file", short), "exactly 32 raw bytes")
    user_error(run("events", "--db", db, "--key-file", tmp_path / "nokey"), "does not exist")
    user_error(run("init", "--db", db, "--key-file", kf), "already exists")
    user_error(run("events", "--db", db), "no passphrase given")
    user_error(run("events", "--db", db, "--since", "soon", "--key-file", kf), "bad timestamp")
