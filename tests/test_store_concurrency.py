"""Several writer processes, and a hard kill in the middle of a bulk import."""

import json
import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from edgerec.store import EventStore
from helpers import KEY, REPO


def _writer(path, worker, n):
    with EventStore.open(path, key=KEY) as s:
        for i in range(n):
            s.log(f"user-{worker}", "tick", ts=f"2026-01-01T00:00:00Z", item=f"{worker}-{i}")


@pytest.mark.slow
def test_four_concurrent_writers_lose_nothing(db_path):
    EventStore.create(db_path, key=KEY).close()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(db_path), w, 2000)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=600)
        assert p.exitcode == 0
    with EventStore.open(db_path, key=KEY) as s:
        assert s.count() == 8000
        assert s.users() == [f"user-{w}" for w in range(4)]
        for w in range(4):
            assert {e.item for e in s.events(user=f"user-{w}")} == {f"{w}-{i}" for i in range(2000)}
        assert s.verify()["events"] == 8000


@pytest.mark.slow
def test_kill_9_during_bulk_import_keeps_committed_batches(db_path, tmp_path):
    EventStore.create(db_path, key=KEY).close()
    key_file = tmp_path / "key"
    key_file.write_bytes(KEY)
    src = tmp_path / "events.jsonl"
    with open(src, "w") as fh:
        for i in range(60_000):
            fh.write(json.dumps({"user": f"u{i % 7}", "type": "play", "item": f"i{i}",
                                 "ts": "2026-01-01T00:00:00Z", "text": "x" * 50}) + "\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "edgerec", "import", "--db", str(db_path), "--key-file", str(key_file),
         "--batch-size", "500", str(src)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    committed = 0
    while time.time() < deadline and proc.poll() is None:
        conn = sqlite3.connect(db_path, timeout=30)
        committed = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        conn.close()
        if committed >= 2000:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "import finished before it could be killed; make the file larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with EventStore.open(db_path, key=KEY) as s:
        n = s.count()
        assert n >= committed and n % 500 == 0 and n < 60_000
        assert s.verify()["events"] == n
        s.log("after", "crash")
        assert s.count() == n + 1
