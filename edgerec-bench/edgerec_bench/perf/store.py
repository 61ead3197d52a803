"""``edgerec bench store``: encrypted store vs plain SQLite on the same synthetic events.

>>> figures = bench_store(events=2_000, heavy_user_events=200, log_samples=20)
>>> sorted(k for k in figures if k.endswith("rows_per_s"))
['edgerec_rows_per_s', 'plain_rows_per_s']
"""

from __future__ import annotations

import json
import random
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from edgerec.store import Event, EventStore

__all__ = ["synthetic_events", "bench_store"]

_TYPES = ["play", "click", "skip", "dismiss", "like", "dialogue"]


def synthetic_events(n: int, *, heavy_user_events: int = 0, users: int = 90, items: int = 5_000,
                     seed: int = 0) -> list[dict]:
    """``n`` deterministic app events; the first ``heavy_user_events`` belong to user ``heavy``.

    >>> evs = synthetic_events(10, heavy_user_events=4)
    >>> sum(e["user"] == "heavy" for e in evs), sorted(evs[0])
    (4, ['context', 'item', 'text', 'ts', 'type', 'user'])
    """
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    out = []
    for i in range(n):
        user = "heavy" if i < heavy_user_events else f"user-{rng.randrange(users):03d}"
        ts = start + timedelta(seconds=rng.randrange(0, 300 * 86_400))
        out.append({
            "user": user,
            "type": rng.choice(_TYPES),
            "ts": ts.isoformat(),
            "item": f"item-{rng.randrange(items):05d}",
            "context": {"time_of_day": rng.choice(["morning", "afternoon", "evening", "night"]),
                        "device": rng.choice(["tv", "phone", "speaker"]), "position_s": rng.randrange(3600)},
            "text": rng.choice([None, None, None, "play something calm", "not this one again"]),
        })
    rng.shuffle(out)
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[idx]


def _plain_db(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, user TEXT, type TEXT, ts TEXT, item TEXT,"
                 " context TEXT, text TEXT)")
    conn.execute("CREATE INDEX events_user_ts ON events(user, ts)")
    conn.execute("CREATE INDEX events_item ON events(item)")
    return conn


def _plain_insert(conn: sqlite3.Connection, events: list[dict], batch_size: int) -> None:
    for start in range(0, len(events), batch_size):
        rows = [(e["user"], e["type"], e["ts"], e["item"], json.dumps(e["context"]), e["text"])
                for e in events[start:start + batch_size]]
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO events(user, type, ts, item, context, text) VALUES (?,?,?,?,?,?)", rows)
        conn.execute("COMMIT")


def bench_store(*, events: int = 100_000, heavy_user_events: int = 10_000, log_samples: int = 300,
                batch_size: int = 1_000, repeats: int = 3,
                progress: Callable[[str], None] | None = None) -> dict:
    """Measure plain SQLite vs edgerec on the same events, in one run. Returns the figures.

    * bulk insert rows/s for both and their ratio (``edgerec / plain``): the two are
      run alternately ``repeats`` times into fresh files and the best run of each
      counts (wall clock; ``ratio_cpu`` uses process CPU time, less disturbed by
      other load on the machine);
    * single-event ``log`` latency p50/p99 (plain: one INSERT + COMMIT per event);
    * time to forget a user with ``heavy_user_events`` events in a store of ``events``
      (plain: DELETE + VACUUM).
    """
    say = progress or (lambda _msg: None)
    data = synthetic_events(events, heavy_user_events=heavy_user_events)
    with tempfile.TemporaryDirectory(prefix="edgerec-bench-") as tmp:
        tmp = Path(tmp)
        plain_s = edgerec_s = plain_cpu = edgerec_cpu = float("inf")
        for rep in range(repeats):
            say(f"bulk insert, round {rep + 1}/{repeats}: plain SQLite")
            plain = _plain_db(tmp / f"plain{rep}.db")
            t0, c0 = time.perf_counter(), time.process_time()
            _plain_insert(plain, data, batch_size)
            plain_s = min(plain_s, time.perf_counter() - t0)
            plain_cpu = min(plain_cpu, time.process_time() - c0)

            say(f"bulk insert, round {rep + 1}/{repeats}: edgerec")
            store = EventStore.create(tmp / f"edgerec{rep}.db", key=bytes(range(32)))
            t0, c0 = time.perf_counter(), time.process_time()
            store.log_many(data, batch_size=batch_size)
            edgerec_s = min(edgerec_s, time.perf_counter() - t0)
            edgerec_cpu = min(edgerec_cpu, time.process_time() - c0)
            if rep < repeats - 1:
                plain.close()
                store.close()

        say("single-event latency")
        one = synthetic_events(log_samples, seed=1)
        plain_lat, edgerec_lat = [], []
        for e in one:
            t0 = time.perf_counter()
            plain.execute("BEGIN")
            plain.execute("INSERT INTO events(user, type, ts, item, context, text) VALUES (?,?,?,?,?,?)",
                          (e["user"], e["type"], e["ts"], e["item"], json.dumps(e["context"]), e["text"]))
            plain.execute("COMMIT")
            plain_lat.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            store.log(e["user"], e["type"], ts=e["ts"], item=e["item"], context=e["context"], text=e["text"])
            edgerec_lat.append((time.perf_counter() - t0) * 1000)

        say("forget one user")
        t0 = time.perf_counter()
        plain.execute("DELETE FROM events WHERE user = 'heavy'")
        plain.execute("VACUUM")
        plain_forget_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        receipt = store.forget(user="heavy")
        forget_s = time.perf_counter() - t0
        plain.close()
        store.close()

    return {
        "events": events,
        "batch_size": batch_size,
        "plain_rows_per_s": round(events / plain_s),
        "edgerec_rows_per_s": round(events / edgerec_s),
        "ratio": round(plain_s / edgerec_s, 3),
        "ratio_cpu": round(plain_cpu / edgerec_cpu, 3),
        "repeats": repeats,
        "plain_log_p50_ms": round(_percentile(plain_lat, 50), 3),
        "plain_log_p99_ms": round(_percentile(plain_lat, 99), 3),
        "log_p50_ms": round(_percentile(edgerec_lat, 50), 3),
        "log_p99_ms": round(_percentile(edgerec_lat, 99), 3),
        "forget_user_events": receipt.events,
        "forget_s": round(forget_s, 3),
        "plain_forget_s": round(plain_forget_s, 3),
    }
