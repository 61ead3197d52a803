"""What the desktop app costs on this machine: start-up, memory, and the time of each redraw's work.

    EDGEREC_PASSPHRASE=... DISPLAY=:N python examples/desktop/measure.py [--runs 5] [--calls 30]

Start-up is timed from launching ``app.py`` (a seeded library that already exists, the
embedder already exported) to the first full window, read from its ``--state-file``; the
resident memory is the app process's VmRSS and VmHWM (Linux ``/proc``) at that moment.
Then, in this process, opening the store (the passphrase's scrypt) and the calls a redraw
makes are timed one by one over the same store.
"""

from __future__ import annotations

import argparse
import getpass
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from edgerec.config import passphrase_from_env

from demo_history import demo_events
from music_library import Library

HERE = Path(__file__).resolve().parent


def memory_mb(pid: int) -> dict[str, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}


def start_once(folder: Path, user: str) -> dict[str, float]:
    """Launch the app, wait for its first full window, read its memory, close it."""
    state = folder / "state.json"
    state.unlink(missing_ok=True)
    begin = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(HERE / "app.py"), "--folder", str(folder), "--user", user,
                             "--state-file", str(state)])
    try:
        while not (state.exists() and json.loads(state.read_text())["recommendations"]):
            if proc.poll() is not None:
                raise SystemExit("the app exited before its first window")
            time.sleep(0.02)
        seconds = time.perf_counter() - begin
        return {"start_s": seconds, **memory_mb(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(10)


def timed(call, n: int) -> dict[str, float]:
    times = []
    for _ in range(n):
        begin = time.perf_counter()
        call()
        times.append((time.perf_counter() - begin) * 1000)
    return {"p50_ms": statistics.median(times), "max_ms": max(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="app launches to time")
    parser.add_argument("--calls", type=int, default=30, help="calls of each redraw step to time")
    args = parser.parse_args()
    passphrase = passphrase_from_env()
    if not passphrase:
        raise SystemExit("set EDGEREC_PASSPHRASE (the app would ask for it in a dialog)")
    user = getpass.getuser()
    folder = Path(tempfile.mkdtemp(prefix="edgerec-desktop-measure-"))
    lib = Library.open(folder, passphrase=passphrase, user=user)
    lib.log_many(demo_events(user, end=date.today(), tz=lib.store.timezone))
    lib.recommendations()  # the catalog's first embedding happens here, once, not in the figures below
    events = lib.store.count(user=user)
    lib.close()

    launches = [start_once(folder, user) for _ in range(args.runs)]
    report = {"events": events, "launches": args.runs,
              **{f"{key}_median": statistics.median(run[key] for run in launches) for key in launches[0]}}
    begin = time.perf_counter()
    lib = Library.open(folder, passphrase=passphrase, user=user)
    report["open_with_passphrase_ms"] = (time.perf_counter() - begin) * 1000
    report["recommendations"] = timed(lib.recommendations, args.calls)
    report["history"] = timed(lib.history, args.calls)
    report["profile_rebuild"] = timed(lib.profile, args.calls)
    lib.close()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
