#!/usr/bin/env python3
"""A smart-home hub on a Raspberry Pi: Home Assistant's event stream in, suggested automations out.

The hub follows Home Assistant ``state_changed`` events as JSON lines (a file that grows, or
stdin), keeps them in an encrypted edgerec store, and now and then rebuilds each person's
routines. For each person it writes the routines as Home Assistant automations into a folder
for review (they are never applied) and stores their profile in the store, where
``edgerec profile show`` and ``edgerec forget`` find it. ``status.json`` in the same folder
says what the hub has done.

    EDGEREC_PASSPHRASE='...' python examples/pi_hub/hub.py --db hub.db --input events.jsonl --out suggestions
    ha-event-dump | python examples/pi_hub/hub.py --db hub.db --key-file hub.key --out suggestions
    python examples/pi_hub/hub.py --db hub.db --input events.jsonl --out suggestions --once --llm

Stop it with Ctrl-C or SIGTERM: what was read is stored before it exits.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from follow import FileFollower, PipeFollower
from suggestions import rebuild_all

from edgerec import EdgerecError, EventStore
from edgerec.adapters.home_assistant import import_home_assistant

log = logging.getLogger("pi_hub")

STATUS_FILE = "status.json"
CHECKPOINT_FILE = ".hub-checkpoint.json"
BATCH_LINES = 1000


def rebuild_due(new_events: int, seconds_since: float, *, every_events: int, every_seconds: float) -> bool:
    """Whether to rebuild now: enough new events, or new events and enough time since the last rebuild.

    >>> rebuild_due(0, 9999, every_events=200, every_seconds=600)
    False
    >>> rebuild_due(200, 1, every_events=200, every_seconds=600), rebuild_due(3, 601, every_events=200, every_seconds=600)
    (True, True)
    """
    return new_events > 0 and (new_events >= every_events or seconds_since >= every_seconds)


def write_json(path: Path, data: dict) -> None:
    """Replace ``path`` with ``data`` in one step (a reader never sees half a file)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    On Linux it is ``VmHWM`` of ``/proc/self/status``, the high-water mark of this program alone:
    ``ru_maxrss`` also keeps the resident size of the process that started this one, from
    before ``exec``. Elsewhere ``ru_maxrss`` (bytes on macOS).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def open_store(db: Path, key_file: Path | None, tz: str | None) -> EventStore:
    """Open the hub's store, or create it: the key from ``--key-file``, else EDGEREC_PASSPHRASE."""
    if key_file is not None:
        try:
            secret = {"key": key_file.read_bytes()}
        except OSError as exc:
            raise SystemExit(f"pi_hub: cannot read the key file {key_file}: {exc.strerror}") from None
    elif os.environ.get("EDGEREC_PASSPHRASE"):
        secret = {"passphrase": os.environ["EDGEREC_PASSPHRASE"]}
    else:
        raise SystemExit("pi_hub: set EDGEREC_PASSPHRASE or pass --key-file (a hub has nobody to ask)")
    if db.exists():
        return EventStore.open(db, **secret)
    log.info("creating the store %s", db)
    return EventStore.create(db, timezone=tz, **secret)


class Hub:
    """The loop: read lines, store them in batches, rebuild when due, keep status.json current."""

    def __init__(self, args: argparse.Namespace, store: EventStore):
        self.args, self.store = args, store
        self.out = args.out
        self.out.mkdir(parents=True, exist_ok=True)
        self.stop = threading.Event()
        self.llm = None
        self.counts = {"read": 0, "logged": 0, "skipped": {}, "rebuilds": 0, "import_seconds": 0.0}
        self.last_rebuild: dict | None = None
        self.new_events, self.last_rebuild_at = 0, time.monotonic()
        self.receipts_seen = len(store.receipts())
        self.source = self._source()

    def _source(self):
        if str(self.args.input) == "-":
            return PipeFollower(sys.stdin)
        saved = self._read_checkpoint()
        return FileFollower(self.args.input, offset=saved.get("offset", 0), inode=saved.get("inode"))

    def _read_checkpoint(self) -> dict:
        path = self.out / CHECKPOINT_FILE
        if self.args.from_start or not path.exists():
            return {}
        saved = json.loads(path.read_text(encoding="utf-8"))
        return saved if saved.get("path") == str(self.args.input) else {}

    def read(self, *, final: bool = False) -> list[str]:
        """New complete lines; waits up to ``--poll`` seconds when there are none (not with ``--once``)."""
        if isinstance(self.source, PipeFollower):
            return self.source.read(timeout=self.args.poll)
        lines = self.source.read(final=final)
        if not lines and not final and not self.args.once:
            self.stop.wait(self.args.poll)
        return lines

    def store_lines(self, lines: list[str]) -> None:
        """Log HA lines in batches; after each, save where the input stands, so a restart goes on from there."""
        for start in range(0, len(lines), BATCH_LINES):
            batch = lines[start:start + BATCH_LINES]
            started = time.perf_counter()
            result = import_home_assistant(self.store, batch)
            self.counts["import_seconds"] += time.perf_counter() - started
            self.counts["read"] += len(batch)
            self.counts["logged"] += len(result.events)
            for kind, n in result.skipped.items():
                self.counts["skipped"][kind] = self.counts["skipped"].get(kind, 0) + n
            self.new_events += len(result.events)
            if self.source.checkpoint() is not None and start + BATCH_LINES >= len(lines):
                write_json(self.out / CHECKPOINT_FILE, self.source.checkpoint())

    def forgotten(self) -> bool:
        """Whether someone ran ``edgerec forget`` on the store since the last look (a new receipt)."""
        receipts = len(self.store.receipts())
        seen, self.receipts_seen = self.receipts_seen, receipts
        return receipts != seen

    def load_llm(self) -> None:
        """Load the on-device LLM once, kept for every rebuild (llama.cpp is imported only here)."""
        from edgerec.models.llm import LocalLLM

        started = time.perf_counter()
        self.llm = LocalLLM()  # without edgerec[llm]: MissingExtraError, naming the pip install
        self.counts["llm_load_seconds"] = round(time.perf_counter() - started, 3)

    def rebuild(self, reason: str) -> None:
        started = time.perf_counter()
        summary = rebuild_all(self.store, self.out, llm=self.llm)
        self.counts["rebuilds"] += 1
        self.last_rebuild = {"at": _now(), "reason": reason, "seconds": round(time.perf_counter() - started, 3),
                             "new_events": self.new_events, **summary}
        log.info("rebuilt %d people's routines (%d found) in %.2f s: %s", summary["users"], summary["routines"],
                 self.last_rebuild["seconds"], reason)
        self.new_events, self.last_rebuild_at = 0, time.monotonic()

    def write_status(self, state: str) -> None:
        write_json(self.out / STATUS_FILE, {
            "state": state, "updated_at": _now(), "input": str(self.args.input),
            "lines_read": self.counts["read"], "events_logged": self.counts["logged"],
            "skipped": self.counts["skipped"], "import_seconds": round(self.counts["import_seconds"], 3),
            "events_in_store": self.store.count(),
            "rebuilds": self.counts["rebuilds"], "last_rebuild": self.last_rebuild, "llm": bool(self.args.llm),
            "llm_load_seconds": self.counts.get("llm_load_seconds"),
            "peak_rss_mb": round(peak_rss_mb(), 1),
        })

    def run(self) -> None:
        """Follow the input until stopped; with ``--once``, read it to its end, rebuild once and return."""
        if self.args.llm:
            self.load_llm()  # before reading anything: a missing extra stops the hub at once
        if not self.args.once and self.store.users():
            self.rebuild("start")  # suggestions as of the store, after a restart or a forget while down
        self.write_status("running")
        while not self.stop.is_set():
            lines = self.read()
            self.store_lines(lines)
            if (self.args.once and not lines) or getattr(self.source, "eof", False):
                break
            if self.args.once:
                continue
            if self.forgotten():
                self.rebuild("forget")
            elif rebuild_due(self.new_events, time.monotonic() - self.last_rebuild_at,
                             every_events=self.args.rebuild_events, every_seconds=self.args.rebuild_seconds):
                self.rebuild("new events")
            elif not lines:
                continue
            self.write_status("running")
        if self.args.once:
            if isinstance(self.source, FileFollower):
                self.store_lines(self.source.read(final=True))  # a last line without its newline
            self.rebuild("once")
        elif getattr(self.source, "eof", False) and self.new_events:
            self.rebuild("end of input")
        self.write_status("stopped")
        self.source.close()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", type=Path, required=True, help="the encrypted store (created if missing)")
    p.add_argument("--key-file", type=Path, help="32 raw bytes of key (else EDGEREC_PASSPHRASE)")
    p.add_argument("--timezone", help="IANA zone for a new store (default: the system's)")
    p.add_argument("--input", default="-", help="HA event JSON lines: a file to follow, or - for stdin")
    p.add_argument("--out", type=Path, default=Path("suggestions"), help="folder for automations YAML and status.json")
    p.add_argument("--rebuild-events", type=int, default=200, help="rebuild after this many new events")
    p.add_argument("--rebuild-seconds", type=float, default=600, help="or this long after the last rebuild")
    p.add_argument("--poll", type=float, default=1.0, help="seconds between looks at the input")
    p.add_argument("--once", action="store_true", help="read the input once, rebuild, and exit")
    p.add_argument("--from-start", action="store_true", help="ignore the saved position in the input file")
    p.add_argument("--llm", action=argparse.BooleanOptionalAction, default=False,
                   help="let the on-device LLM write the profile summary (edgerec[llm])")
    args = p.parse_args(argv)
    if str(args.input) != "-":
        args.input = Path(args.input)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s pi_hub %(message)s", stream=sys.stderr)
    try:
        with open_store(args.db, args.key_file, args.timezone) as store:
            hub = Hub(args, store)
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: hub.stop.set())
            hub.run()
    except EdgerecError as exc:
        print(f"pi_hub: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
