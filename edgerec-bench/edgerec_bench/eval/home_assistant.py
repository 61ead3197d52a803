"""``edgerec eval home-assistant``: from an HA event stream to automations, scored against the known routines.

For a folder written by ``edgerec datasets home-assistant`` (``events.jsonl``,
``routines.jsonl``, ``meta.json``) it does what a hub does, then scores:

1. import the events into a new encrypted store in a temporary folder (the
   house's time zone from ``meta.json``);
2. per person: derive the device schema, mine routines, write the automation
   YAML (:func:`edgerec.adapters.home_assistant.suggest_automations`);
3. translate the YAML back into routines
   (:func:`~edgerec.adapters.home_assistant.automations_to_routines`) and score
   them with the EdgeWisePersona metrics against ``routines.jsonl``.

Also scored, on the same store: the mined routines before the YAML (the YAML
should lose nothing) and a ``clock only`` ablation whose sessions carry only
time of day and weekday, as if the hub had no ``sun.sun`` or ``weather``.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from edgerec.adapters.ha_sessions import cut_sessions, ha_events_of
from edgerec.adapters.home_assistant import automations_to_routines, import_home_assistant, suggest_automations
from edgerec.errors import InputError
from edgerec.jsonl import read_jsonl
from edgerec.profile.mining import MiningSession, mine_routines
from edgerec.profile.reconstruct import routine_dict
from edgerec.store import EventStore
from edgerec_bench.eval.edgewise_metrics import score_users
from edgerec_bench.perf.memory import peak_rss_mb

__all__ = ["evaluate_home_assistant", "load_truth"]

_CLOCK = ("time_of_day", "day_of_week")


def load_truth(data: str | Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``meta.json`` and the rows of ``routines.jsonl`` of a generated folder."""
    data = Path(data)
    if not (data / "meta.json").is_file() or not (data / "events.jsonl").is_file():
        raise InputError(f"{data} is not a home-assistant dataset folder (events.jsonl, routines.jsonl, meta.json); "
                         "write one with: edgerec datasets home-assistant --out DIR")
    meta = json.loads((data / "meta.json").read_text(encoding="utf-8"))
    rows = [row for _, row in read_jsonl(data / "routines.jsonl")]
    return meta, rows


def _lines(path: Path):
    with path.open("r", encoding="utf-8") as handle:
        yield from handle


def _clock_only(store: EventStore, user: str, schema: Any) -> list[dict[str, Any]]:
    sessions = [s for s in cut_sessions(ha_events_of(store, user), tz=store.timezone, schema=schema) if s.user == user]
    stripped = [MiningSession({k: v for k, v in s.meta.items() if k in _CLOCK}, s.items) for s in sessions]
    return [routine_dict(r) for r in mine_routines(stripped)] if stripped else []


def evaluate_home_assistant(data: str | Path, *, progress: Callable[[str, int, int], None] | None = None,
                            keep_yaml: str | Path | None = None) -> dict[str, Any]:
    """Import, mine, write YAML, read it back, score; returns a JSON-ready report.

    ``progress(stage, done, total)`` follows the stages. With ``keep_yaml``,
    each person's automations are written there as ``<user>.yaml``.
    """
    data = Path(data)
    meta, rows = load_truth(data)
    report: dict[str, Any] = {"data": str(data), "seed": meta.get("seed"), "timezone": meta["timezone"],
                              "days": meta.get("days"), "users": len(rows)}
    with tempfile.TemporaryDirectory(prefix="edgerec-ha-eval-") as tmp:
        started = time.perf_counter()
        with EventStore.create(Path(tmp) / "hub.db", key=os.urandom(32), timezone=meta["timezone"]) as store:
            if progress:
                progress("importing", 0, 1)
            found = import_home_assistant(store, _lines(data / "events.jsonl"))
            report["import"] = {**found.counts, "seconds": round(time.perf_counter() - started, 3)}
            truth, back, direct, clock, per_user = [], [], [], [], []
            for index, row in enumerate(rows):
                if progress:
                    progress("mining", index, len(rows))
                t0 = time.perf_counter()
                suggested = suggest_automations(store, row["user"])
                seconds = time.perf_counter() - t0
                if keep_yaml is not None:
                    Path(keep_yaml).mkdir(parents=True, exist_ok=True)
                    (Path(keep_yaml) / f"{row['user']}.yaml").write_text(suggested.yaml, encoding="utf-8")
                read = automations_to_routines(suggested.yaml, suggested.schema)
                mined = [{"triggers": r["triggers"], "actions": r["actions"]} for r in suggested.routines]
                truth.append(row["routines"])
                back.append(read)
                direct.append(mined)
                clock.append(_clock_only(store, row["user"], suggested.schema))
                sessions = sum(r["support"] for r in suggested.routines)
                per_user.append({"user": row["user"], "routines": len(row["routines"]), "automations": len(read),
                                 "yaml_round_trip_exact": read == mined, "mine_seconds": round(seconds, 3),
                                 "sessions_in_routines": sessions,
                                 **(score_users([row["routines"]], [read]) if row["routines"] else {})})
            if progress:
                progress("mining", len(rows), len(rows))
    report["metrics"] = score_users(truth, back)
    report["metrics_before_yaml"] = score_users(truth, direct)
    report["metrics_clock_only"] = score_users(truth, clock)
    report["per_user"] = per_user
    report["seconds"] = round(time.perf_counter() - started, 3)
    report["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return report
