"""examples/pi_hub: the hub run as a person runs it (a subprocess on a generated HA stream), its
stream readers, and forgetting and the profile through the normal CLI on the hub's store."""

from __future__ import annotations

import doctest
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from edgerec.adapters.home_assistant import HUB_USER, parse_ha_records
from edgerec.cli.main import app
from edgerec.store import EventStore
from edgerec.store.event import parse_ts
from edgerec_bench.datasets.home_assistant import generate
from helpers import KEY, REPO, source_pythonpath

HUB_DIR = REPO / "examples" / "pi_hub"
sys.path.insert(0, str(HUB_DIR))
import follow  # noqa: E402  (the example's own modules, as hub.py imports them)
import hub as hub_module  # noqa: E402
import suggestions  # noqa: E402

runner = CliRunner()


@pytest.fixture(scope="module")
def stream(tmp_path_factory) -> dict:
    """Two people over three weeks from the kit's Home Assistant generator (seed 11)."""
    folder = tmp_path_factory.mktemp("ha")
    generate(folder, users=2, days=21, seed=11)
    lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return {"path": folder / "events.jsonl", "lines": lines, "people": meta["users"], "timezone": meta["timezone"],
            "events": parse_ha_records(lines).events}


@pytest.fixture
def key_file(tmp_path) -> Path:
    path = tmp_path / "hub.key"
    path.write_bytes(KEY)
    return path


def hub_cmd(tmp_path, key_file, *args) -> list[str]:
    return [sys.executable, str(HUB_DIR / "hub.py"), "--db", str(tmp_path / "hub.db"), "--key-file", str(key_file),
            "--out", str(tmp_path / "out"), *map(str, args)]


def run_hub(tmp_path, key_file, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": source_pythonpath()}
    done = subprocess.run(hub_cmd(tmp_path, key_file, *args), input=stdin, capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def status(tmp_path) -> dict:
    return json.loads((tmp_path / "out" / "status.json").read_text(encoding="utf-8"))


def cli(*args):
    return runner.invoke(app, [str(a) for a in args])


def entities_named(automations: list[dict]) -> set[str]:
    return {a["target"]["entity_id"] for auto in automations for a in auto["action"]}


# -- the hub, end to end ------------------------------------------------------------------


def test_once_stores_every_event_and_writes_suggestions_that_name_the_streams_entities(tmp_path, key_file, stream):
    run_hub(tmp_path, key_file, "--input", stream["path"], "--once", "--timezone", stream["timezone"])
    state = status(tmp_path)
    assert state["state"] == "stopped" and state["rebuilds"] == 1 and state["lines_read"] == len(stream["lines"])
    assert state["events_logged"] == state["events_in_store"] == len(stream["events"])
    assert state["skipped"].get("call_service", 0) > 0  # other event types are counted, not stored
    with EventStore.open(tmp_path / "hub.db", key=KEY) as store:
        assert sorted(store.users()) == sorted(stream["people"] + [HUB_USER])
        assert store.timezone == stream["timezone"]
        stored = sorted((e.user, e.item, e.ts) for e in store.events())
    assert stored == sorted((e["user"], e["item"], parse_ts(e["ts"])) for e in stream["events"])  # events, not lines
    seen = {e["item"] for e in stream["events"]}
    for person in stream["people"]:
        text = (tmp_path / "out" / suggestions.suggestion_file(person)).read_text(encoding="utf-8")
        assert text.startswith("# Automations suggested by edgerec")
        automations = yaml.safe_load(text)
        assert automations and all(a["initial_state"] is False for a in automations)
        assert entities_named(automations) <= seen
    assert sorted(state["last_rebuild"]["files"]) == sorted(suggestions.suggestion_file(p) for p in stream["people"])


def test_stdin_and_a_restart_resume_without_storing_anything_twice(tmp_path, key_file, stream):
    half = len(stream["lines"]) // 2
    run_hub(tmp_path, key_file, "--once", stdin="\n".join(stream["lines"][:half]) + "\n")  # from a pipe
    from_pipe = status(tmp_path)["events_in_store"]
    assert from_pipe == len(parse_ha_records(stream["lines"][:half]).events) > 0
    growing = tmp_path / "events.jsonl"
    growing.write_text("\n".join(stream["lines"][half:]) + "\n", encoding="utf-8")
    run_hub(tmp_path, key_file, "--input", growing, "--once")
    assert status(tmp_path)["events_in_store"] == len(stream["events"])
    run_hub(tmp_path, key_file, "--input", growing, "--once")  # the checkpoint: nothing new to read
    assert status(tmp_path)["lines_read"] == 0 and status(tmp_path)["events_in_store"] == len(stream["events"])


def wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            pass
        time.sleep(0.1)
    raise AssertionError("the hub did not get there in time")


def test_a_growing_file_is_followed_and_a_forget_through_the_cli_reaches_the_suggestions(tmp_path, key_file, stream):
    growing = tmp_path / "events.jsonl"
    growing.write_text("", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": source_pythonpath()}
    proc = subprocess.Popen(hub_cmd(tmp_path, key_file, "--input", growing, "--poll", "0.1", "--rebuild-events", "50",
                                    "--rebuild-seconds", "3600", "--timezone", stream["timezone"]),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        lines, parts = stream["lines"], 3
        for i in range(parts):  # appended while it runs, the last part without its final newline yet
            chunk = lines[i * len(lines) // parts:(i + 1) * len(lines) // parts]
            with growing.open("a", encoding="utf-8") as handle:
                handle.write("\n".join(chunk) + ("\n" if i < parts - 1 else ""))
            expected = len(parse_ha_records(lines[:(i + 1) * len(lines) // parts - (i == parts - 1)]).events)
            wait_for(lambda: status(tmp_path)["events_in_store"] == expected)
        with growing.open("a", encoding="utf-8") as handle:
            handle.write("\n")
        wait_for(lambda: status(tmp_path)["events_in_store"] == len(stream["events"]))
        wait_for(lambda: status(tmp_path)["rebuilds"] >= 2)  # due after 50 new events
        gone, kept = stream["people"]
        gone_file = tmp_path / "out" / suggestions.suggestion_file(gone)
        wait_for(lambda: gone_file.exists() and (tmp_path / "out" / suggestions.suggestion_file(kept)).exists())

        assert cli("profile", "show", "--db", tmp_path / "hub.db", "--key-file", key_file, "--user", gone).exit_code == 0
        result = cli("forget", "--db", tmp_path / "hub.db", "--key-file", key_file, "--user", gone, "--yes")
        assert result.exit_code == 0, result.output
        # the hub saw the receipt and rebuilt without them (a rebuild for new events may still have been running
        # when the forget landed; the rebuild for the forget comes after it)
        wait_for(lambda: status(tmp_path)["last_rebuild"]["reason"] == "forget")
        assert not gone_file.exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()[-3000:]
    assert status(tmp_path)["state"] == "stopped"

    with EventStore.open(tmp_path / "hub.db", key=KEY) as store:
        assert gone not in store.users() and kept in store.users()
        assert store.count() == len([e for e in stream["events"] if e["user"] != gone])
    show = cli("profile", "show", "--db", tmp_path / "hub.db", "--key-file", key_file, "--user", kept, "--json")
    assert show.exit_code == 0, show.output
    profile = json.loads(show.stdout)
    assert profile["routines"] and profile["sessions"] > 0 and profile["summary_source"].startswith("template")
    missing = cli("profile", "show", "--db", tmp_path / "hub.db", "--key-file", key_file, "--user", gone)
    assert missing.exit_code == 2 and gone in missing.stderr


def test_the_hub_refuses_to_start_without_a_usable_key_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "EDGEREC_PASSPHRASE"} | {"PYTHONPATH": source_pythonpath()}
    done = subprocess.run([sys.executable, str(HUB_DIR / "hub.py"), "--db", str(tmp_path / "hub.db"), "--once"],
                          capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode != 0 and "EDGEREC_PASSPHRASE" in done.stderr and "Traceback" not in done.stderr
    missing = subprocess.run([sys.executable, str(HUB_DIR / "hub.py"), "--db", str(tmp_path / "hub.db"), "--once",
                              "--key-file", str(tmp_path / "no.key")], capture_output=True, text=True, env=env,
                             timeout=60, stdin=subprocess.DEVNULL)
    assert missing.returncode != 0 and "no.key" in missing.stderr and "Traceback" not in missing.stderr
    assert not (tmp_path / "hub.db").exists()


# -- the pieces ---------------------------------------------------------------------------


@pytest.mark.parametrize("module", [follow, hub_module, suggestions], ids=lambda m: m.__name__)
def test_the_examples_docstrings_run(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_a_truncated_file_is_read_again_from_its_start(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text("a\nb\n", encoding="utf-8")
    reader = follow.FileFollower(path)
    assert reader.read() == ["a", "b"]
    path.write_text("c\n", encoding="utf-8")  # shorter than what was read: truncated and rewritten
    assert reader.read() == ["c"] and reader.truncations == 1


def test_a_rotated_file_is_finished_then_the_new_one_read(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text("a\n", encoding="utf-8")
    reader = follow.FileFollower(path)
    assert reader.read() == ["a"]
    with path.open("a", encoding="utf-8") as handle:
        handle.write("b\nunfinished")
    path.rename(tmp_path / "events.jsonl.1")
    path.write_text("c\n", encoding="utf-8")
    assert reader.read() == ["b", "unfinished", "c"] and reader.rotations == 1


def test_a_checkpoint_resumes_only_the_same_file(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text("a\nb\n", encoding="utf-8")
    reader = follow.FileFollower(path)
    reader.read()
    saved = reader.checkpoint()
    with path.open("a", encoding="utf-8") as handle:
        handle.write("c\n")
    assert follow.FileFollower(path, offset=saved["offset"], inode=saved["inode"]).read() == ["c"]
    assert follow.FileFollower(path, offset=saved["offset"], inode=saved["inode"] + 1).read() == ["a", "b", "c"]


def test_a_pipe_gives_complete_lines_and_the_rest_at_its_end():
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "rb") as stream:
        reader = follow.PipeFollower(stream)
        assert reader.read(timeout=0.01) == []  # nothing yet: returns after the timeout
        os.write(write_fd, b'{"a": 1}\n{"b"')
        assert reader.read(timeout=1) == ['{"a": 1}']
        os.write(write_fd, b": 2}")
        os.close(write_fd)
        assert reader.read(timeout=1) == [] and reader.read(timeout=1) == ['{"b": 2}'] and reader.eof


def test_rebuild_all_removes_the_files_of_people_the_store_no_longer_has(tmp_path, stream):
    out = tmp_path / "out"
    out.mkdir()
    (out / suggestions.suggestion_file("someone-forgotten")).write_text("[]\n", encoding="utf-8")
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    with EventStore.create(tmp_path / "hub.db", key=KEY, timezone=stream["timezone"]) as store:
        store.log_many(stream["events"])
        done = suggestions.rebuild_all(store, out)
        assert done["users"] == 2 and done["routines"] > 0
        assert done["removed"] == [suggestions.suggestion_file("someone-forgotten")]
        assert sorted(p.name for p in out.iterdir()) == sorted(done["files"] + ["notes.txt"])
        assert store.get_doc(stream["people"][0], "profile")["extractor"] == "home-assistant"


def test_the_hubs_arguments_default_to_a_cheap_hub():
    args = hub_module.parse_args(["--db", "hub.db"])
    assert args.input == "-" and args.llm is False and args.once is False and args.rebuild_events == 200
    assert hub_module.parse_args(["--db", "x", "--input", "e.jsonl", "--llm"]).input == Path("e.jsonl")
