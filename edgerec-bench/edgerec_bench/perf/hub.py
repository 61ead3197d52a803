"""``edgerec bench hub``: what the Raspberry Pi hub example costs, measured on the hub's own process.

The kit writes a Home Assistant stream with the ``home-assistant`` generator, cut so that each
person has exactly ``sessions`` sessions, then runs ``examples/pi_hub/hub.py --once`` on it in a
subprocess: the hub creates its encrypted store (passphrase, so scrypt's memory counts), imports
the stream, rebuilds once (routines, automation YAML, profile with or without the LLM) and exits.
Its peak RSS (the kernel's high-water mark of the hub's own memory, ``VmHWM``), import and
rebuild times come from the ``status.json`` it writes as it stops. The baseline, measured in the same run, is the same hub
on an empty stream: what Python, edgerec and an empty store cost before any event.

Run it under ``taskset -c 0`` to give the hub one core, as on a busy Raspberry Pi; the figures
say how many cores the process could use.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from edgerec import EventStore
from edgerec.adapters.ha_sessions import cut_sessions
from edgerec.adapters.home_assistant import HUB_USER, parse_ha_records
from edgerec.errors import InputError
from edgerec.profile.builder import PROFILE_DOC
from edgerec.store.event import parse_ts
from edgerec_bench.datasets.home_assistant import generate

__all__ = ["default_hub_script", "cut_stream", "sample_stream", "run_hub", "bench_hub", "TARGETS"]

#: The issue's budget for a Raspberry Pi 4 class board.
TARGETS = {"rss_mb_llm": 1000.0, "rss_mb_no_llm": 300.0, "rebuild_s": 60.0}
_PASSPHRASE = "bench-hub passphrase"


def default_hub_script() -> Path:
    """``examples/pi_hub/hub.py`` of the checkout the kit runs from."""
    return Path(__file__).resolve().parents[3] / "examples" / "pi_hub" / "hub.py"


def cut_stream(lines: list[str], sessions: int) -> tuple[list[str], dict[str, int]]:
    """The lines before each person's session number ``sessions + 1`` (hub lines up to the last cut).

    Returns the kept lines and the sessions each person has in them.

    >>> rec = lambda t, user: json.dumps({"event_type": "state_changed", "time_fired": t,
    ...     "context": {"user_id": user}, "data": {"entity_id": "light.a", "new_state": {"state": "on" if
    ...     t[11:13] in ("07", "09") else "off", "attributes": {}}}})
    >>> kept, count = cut_stream([rec("2026-01-05T07:00:00Z", "u"), rec("2026-01-05T08:00:00Z", "u"),
    ...                           rec("2026-01-05T09:00:00Z", "u")], 2)
    >>> len(kept), count
    (2, {'u': 2})
    """
    starts: dict[str, list] = {}
    for session in cut_sessions(parse_ha_records(lines).events):
        starts.setdefault(session.user, []).append(session.start)
    cuts = {user: s[sessions] for user, s in starts.items() if len(s) > sessions}
    end = max(cuts.values()) if cuts and len(cuts) == len(starts) else None
    kept = []
    for line in lines:
        record = json.loads(line)
        user = (record.get("context") or {}).get("user_id")
        limit = cuts.get(user, end) if user else end
        if limit is None or parse_ts(record["time_fired"]) < limit:
            kept.append(line)
    return kept, {user: min(len(s), sessions) for user, s in starts.items()}


def sample_stream(folder: Path, *, sessions: int, users: int, seed: int) -> dict:
    """Write ``folder/events.jsonl`` with ``sessions`` sessions for each of ``users`` people."""
    days = max(7, int(sessions / 2.5) + 1)
    while True:
        meta = generate(folder / "generated", users=users, days=days, seed=seed)
        lines = (folder / "generated" / "events.jsonl").read_text(encoding="utf-8").splitlines()
        kept, count = cut_stream(lines, sessions)
        if len(count) == users and min(count.values()) >= sessions:
            break
        days *= 2
    (folder / "events.jsonl").write_text("\n".join(kept) + "\n", encoding="utf-8")
    timezone = json.loads((folder / "generated" / "meta.json").read_text(encoding="utf-8"))["timezone"]
    return {"lines": len(kept), "sessions": min(count.values()), "days_generated": days,
            "timezone": timezone, "generated_events": meta.get("events", len(lines))}


def run_hub(hub: Path, stream: Path, workdir: Path, *, llm: bool, timezone: str, timeout: float = 1800) -> dict:
    """Run ``hub --once`` on ``stream`` in a fresh folder; its status, wall time and peak RSS (MB)."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "EDGEREC_PASSPHRASE": _PASSPHRASE}
    cmd = [sys.executable, str(hub), "--db", str(workdir / "hub.db"), "--input", str(stream),
           "--out", str(workdir / "out"), "--timezone", timezone, "--once", "--llm" if llm else "--no-llm"]
    started = time.perf_counter()
    with open(workdir / "hub.log", "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        while True:  # wait4 reaps the child and gives its own resource use (ru_maxrss in KB on Linux)
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                proc.send_signal(signal.SIGKILL)
                os.wait4(proc.pid, 0)
                raise InputError(f"the hub did not finish within {timeout:.0f} s (see {workdir / 'hub.log'})")
            time.sleep(0.02)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = (workdir / "hub.log").read_text(encoding="utf-8", errors="replace")[-1500:]
        raise InputError(f"the hub exited with {proc.returncode}: {tail}")
    state = json.loads((workdir / "out" / "status.json").read_text(encoding="utf-8"))
    # the hub's own high-water mark (VmHWM); the kernel's ru_maxrss of the child also holds this
    # process's size at the fork, from before exec, so it is kept only as an upper bound
    bound = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return {"wall_s": round(wall, 3), "peak_rss_mb": state["peak_rss_mb"], "rusage_max_rss_mb": round(bound, 1),
            "status": state}


def bench_hub(*, sessions: int = 200, users: int = 1, seed: int = 0, llm: bool = False, hub: Path | None = None,
              progress: Callable[[str], None] | None = None) -> dict:
    """Generate the stream, run the baseline and the hub, and return the figures (see the module doc)."""
    say = progress or (lambda _msg: None)
    hub = Path(hub) if hub is not None else default_hub_script()
    if not hub.is_file():
        raise InputError(f"no hub script at {hub}: run from a checkout of edgerec, or pass --hub PATH")
    with tempfile.TemporaryDirectory(prefix="edgerec-bench-hub-") as tmp:
        tmp = Path(tmp)
        say(f"generating a Home Assistant stream: {users} person(s) x {sessions} sessions")
        stream = sample_stream(tmp / "data", sessions=sessions, users=users, seed=seed)
        (tmp / "empty.jsonl").write_text("", encoding="utf-8")
        say("baseline: the hub on an empty stream")
        base = run_hub(hub, tmp / "empty.jsonl", tmp / "base", llm=False, timezone=stream["timezone"])
        say("the hub: import, one rebuild" + (" with the LLM" if llm else ""))
        run = run_hub(hub, tmp / "data" / "events.jsonl", tmp / "run", llm=llm, timezone=stream["timezone"])
        state = run["status"]
        with EventStore.open(tmp / "run" / "hub.db", passphrase=_PASSPHRASE) as store:
            people = [u for u in store.users() if u != HUB_USER]
            sources: dict[str, int] = {}
            for user in people:
                source = (store.get_doc(user, PROFILE_DOC) or {}).get("summary_source", "none")
                sources[source] = sources.get(source, 0) + 1
    rebuild = state["last_rebuild"]
    rss_target = TARGETS["rss_mb_llm" if llm else "rss_mb_no_llm"]
    return {
        "sessions_per_person": stream["sessions"], "people": users, "seed": seed, "llm": llm,
        "stream_lines": stream["lines"], "events_in_store": state["events_in_store"],
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "import_s": state["import_seconds"], "llm_load_s": state.get("llm_load_seconds"),
        "rebuild_s": rebuild["seconds"], "hub_wall_s": run["wall_s"],
        "routines": rebuild["routines"], "summary_sources": dict(sorted(sources.items())),
        "peak_rss_mb": run["peak_rss_mb"], "baseline_peak_rss_mb": base["peak_rss_mb"],
        "baseline_wall_s": base["wall_s"],
        "target_rss_mb": rss_target, "target_rebuild_s": TARGETS["rebuild_s"],
        "meets_targets": run["peak_rss_mb"] <= rss_target and rebuild["seconds"] <= TARGETS["rebuild_s"],
    }
