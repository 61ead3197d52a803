"""``edgerec import --format home-assistant``: HA event-bus JSON lines into the store (the library does the work)."""

from __future__ import annotations

from pathlib import Path

import typer

from edgerec.adapters.ha_events import parse_ha_records
from edgerec.cli._common import open_store, print_json, progress_bar
from edgerec.errors import InputError
from edgerec.jsonl import raw_lines


def import_home_assistant_file(path: Path, db: Path | None, key_file: Path | None, *, batch_size: int, strict: bool,
                               json_out: bool) -> None:
    """Read every line, then log the state changes; print what was imported and what was skipped."""
    try:
        found = parse_ha_records(raw_lines(path), strict=strict)
    except InputError as exc:
        raise InputError(f"{path.name}: {exc}") if str(exc).startswith("line ") else exc from None
    with open_store(db, key_file) as store:
        with progress_bar("importing", eta=True) as bar:
            task = bar.add_task("import", total=len(found.events))
            store.log_many(found.events, batch_size=batch_size, progress=lambda k: bar.advance(task, k))
    counts = {**found.counts, "malformed_lines": list(found.malformed_lines), "db": str(store.path)}
    if json_out:
        print_json(counts)
        return
    skipped = ", ".join(f"{kind} {n}" for kind, n in sorted(found.skipped.items(), key=lambda kv: -kv[1]))
    typer.echo(f"imported {counts['imported']} Home Assistant state changes ({counts['people']} people, "
               f"{counts['entities']} entities) into {store.path}; skipped {counts['skipped']}"
               + (f" ({skipped})" if skipped else ""))
    if found.malformed_lines:
        typer.echo(f"malformed lines (first {len(found.malformed_lines)}): "
                   + ", ".join(map(str, found.malformed_lines)), err=True)
