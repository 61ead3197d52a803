"""Store commands: init, log, import, events, forget, export, rotate-key, timezone, stats, verify."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from edgerec import config
from edgerec.cli._common import (
    DbOption,
    JsonOption,
    KeyFileOption,
    cli_errors,
    confirm,
    credentials,
    open_store,
    passphrase,
    print_json,
    progress_bar,
    read_key_file,
    resolve_db,
)
from edgerec.errors import InputError
from edgerec.jsonl import read_jsonl
from edgerec.store import Event, EventStore
from edgerec.timectx import check_timezone, system_timezone

UserOption = Annotated[str, typer.Option("--user", "-u", help="The app's user id.")]

#: Joined into the root app without a name: its commands sit at the top level (``edgerec init``).
app = typer.Typer()


TimezoneOption = Annotated[
    Optional[str],
    typer.Option("--timezone", help="IANA time zone the events are read in (time of day, weekday), e.g. "
                                    "Europe/Paris [default: the system's].", show_default=False),
]


@app.command("init")
@cli_errors
def init(db: DbOption = None, key_file: KeyFileOption = None, tz: TimezoneOption = None) -> None:
    """Create a new, empty encrypted store (asks for the passphrase twice)."""
    path = resolve_db(db)
    tz = system_timezone() if tz is None else check_timezone(tz)
    with EventStore.create(path, timezone=tz, **credentials(key_file, confirm=True)):
        pass
    typer.echo(f"created encrypted store {path} (time zone {tz})")


@app.command("log")
@cli_errors
def log(
    user: UserOption,
    type: Annotated[str, typer.Option("--type", "-t", help="Event type, e.g. play, click, skip, dialogue.")],
    item: Annotated[Optional[str], typer.Option("--item", help="Item id the event is about.")] = None,
    ts: Annotated[Optional[str], typer.Option("--ts", help="ISO-8601 time [default: now, UTC].")] = None,
    context: Annotated[Optional[str], typer.Option("--context", help='JSON object, e.g. \'{"device": "tv"}\'.')] = None,
    text: Annotated[Optional[str], typer.Option("--text", help="Free text (a query, a dialogue turn).")] = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Log one event; prints its row id."""
    event = Event.create(user, type, ts=ts, item=item, context=context, text=text)
    with open_store(db, key_file) as store:
        row = store.log(event.user, event.type, ts=event.ts, item=event.item, context=event.context, text=event.text)
    typer.echo(row)


def _read_events(path: Path) -> list[Event]:
    """Parse and validate a JSONL file completely; the first bad line raises InputError with its number."""
    out = []
    for number, data in read_jsonl(path):
        try:
            out.append(Event.from_dict(data))
        except InputError as exc:
            raise InputError(f"{path.name}:{number}: {exc}") from None
    return out


class ImportFormat(str, Enum):
    """What an imported file holds."""

    edgerec = "edgerec"
    home_assistant = "home-assistant"


@app.command("import")
@cli_errors
def import_events(
    file: Annotated[Path, typer.Argument(help="JSON lines: one edgerec event a line (user, type, ts, item, context, "
                                              "text), or with --format home-assistant one HA event-bus event a line.")],
    db: DbOption = None,
    key_file: KeyFileOption = None,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Events per transaction.", min=1)] = 1000,
    fmt: Annotated[ImportFormat, typer.Option("--format", help="edgerec events, or Home Assistant state_changed "
                                              "events (other event types are skipped and counted).")]
    = ImportFormat.edgerec,
    strict: Annotated[bool, typer.Option("--strict", help="home-assistant: stop at the first malformed line "
                                         "instead of counting it.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Import events from a JSONL file. Every line is validated before anything is written."""
    if fmt is ImportFormat.home_assistant:
        from edgerec.cli.ha_import import import_home_assistant_file

        import_home_assistant_file(file, db, key_file, batch_size=batch_size, strict=strict, json_out=json_out)
        return
    parsed = _read_events(file)
    with open_store(db, key_file) as store:
        with progress_bar("importing", eta=True) as bar:
            task = bar.add_task("import", total=len(parsed))
            n = store.log_many(parsed, batch_size=batch_size, progress=lambda k: bar.advance(task, k))
    if json_out:
        print_json({"imported": n, "skipped": 0, "db": str(store.path)})
        return
    typer.echo(f"imported {n} events into {store.path}")


@app.command("events")
@cli_errors
def events(
    user: Annotated[Optional[str], typer.Option("--user", "-u", help="Only this user's events.")] = None,
    type: Annotated[Optional[str], typer.Option("--type", "-t", help="Only events of this type.")] = None,
    item: Annotated[Optional[str], typer.Option("--item", help="Only events about this item.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="ISO-8601, inclusive.")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="ISO-8601, exclusive.")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", help="Show at most this many.", min=1)] = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    json_out: JsonOption = False,
) -> None:
    """Show decrypted events (with --json: one JSON object per line)."""
    with open_store(db, key_file) as store:
        found = store.events(user=user, type=type, item=item, since=since, until=until)
        if json_out:
            for n, event in enumerate(found, start=1):
                typer.echo(json.dumps({"id": event.id, **event.to_dict()}, ensure_ascii=False))
                if limit and n >= limit:
                    break
            return
        table = Table("id", "time (UTC)", "user", "type", "item", "context", "text")
        for n, e in enumerate(found, start=1):
            text = (e.text[:60] + "…") if e.text and len(e.text) > 60 else (e.text or "")
            table.add_row(str(e.id), e.ts.strftime("%Y-%m-%d %H:%M:%S"), e.user, e.type, e.item or "",
                          json.dumps(e.context, ensure_ascii=False) if e.context else "", text)
            if limit and n >= limit:
                break
        Console().print(table)


@app.command("forget")
@cli_errors
def forget(
    user: Annotated[Optional[str], typer.Option("--user", "-u", help="The user to forget (all of it, unless narrowed).")] = None,
    item: Annotated[Optional[str], typer.Option("--item", help="Only events about this item (alone: for every user).")] = None,
    before: Annotated[Optional[str], typer.Option("--before", help="Only events strictly before this ISO-8601 time.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    list_receipts: Annotated[bool, typer.Option("--list", help="List forget receipts instead of forgetting.")] = False,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    json_out: JsonOption = False,
) -> None:
    """Forget a user, an item or a time range, unrecoverably (asks first unless --yes)."""
    with open_store(db, key_file) as store:
        if list_receipts:
            receipts = [r.to_dict() for r in store.receipts()]
            if json_out:
                print_json(receipts)
                return
            table = Table("id", "at (UTC)", "scope", "events", "documents", "keys destroyed")
            for r in receipts:
                scope = ", ".join(k if v is True else f"{k} < {v}" for k, v in r["scope"].items() if v)
                table.add_row(str(r["id"]), r["at"][:19], scope, str(r["events"]), str(r["documents"]),
                              str(r["keys_destroyed"]))
            Console().print(table)
            return
        if user is None and item is None:
            raise InputError("say what to forget: --user U (optionally with --item / --before), or --item I")
        n = store.count(user=user, item=item, until=before)
        what = " ".join(p for p in [
            f"user {user!r}" if user else "every user", f"item {item!r}" if item else "",
            f"before {before}" if before else ""] if p)
        if not yes and not confirm(f"Forget {n} events of {what}? This cannot be undone"):
            typer.echo("nothing was forgotten", err=True)
            raise typer.Exit(1)
        receipt = store.forget(user=user, item=item, before=before)
    if json_out:
        print_json(receipt.to_dict())
    else:
        typer.echo(f"forgot {receipt.events} events and {receipt.documents} documents"
                   f"{' and destroyed the user key' if receipt.keys_destroyed else ''} (receipt {receipt.id})")


@app.command("export")
@cli_errors
def export(user: UserOption, db: DbOption = None, key_file: KeyFileOption = None) -> None:
    """Export everything stored for a user as JSON lines on stdout (data portability)."""
    with open_store(db, key_file) as store:
        for record in store.export(user):
            typer.echo(json.dumps(record, ensure_ascii=False))


@app.command("rotate-key")
@cli_errors
def rotate_key(
    db: DbOption = None,
    key_file: KeyFileOption = None,
    new_key_file: Annotated[Optional[Path], typer.Option("--new-key-file", help="Lock with this 32-byte key file instead.")] = None,
) -> None:
    """Re-wrap the store's keys under a new passphrase (EDGEREC_NEW_PASSPHRASE or prompt) or key file."""
    with open_store(db, key_file) as store:
        if new_key_file is not None:
            n = store.rotate_key(key=read_key_file(new_key_file))
        else:
            n = store.rotate_key(passphrase=passphrase(confirm=True, prompt="New passphrase",
                                                       env_var=config.NEW_PASSPHRASE_ENV))
    typer.echo(f"re-wrapped {n} user keys and the index key; events were not re-encrypted")


@app.command("timezone")
@cli_errors
def timezone(
    zone: Annotated[Optional[str], typer.Argument(metavar="TZ", help="The new IANA time zone, e.g. Asia/Tokyo; "
                                                       "leave out to show the current one.", show_default=False)] = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    json_out: JsonOption = False,
) -> None:
    """Show or change the time zone in which the store's UTC events are read as local time."""
    if zone is not None:
        check_timezone(zone)  # before asking for the passphrase
    with open_store(db, key_file) as store:
        previous = store.timezone
        current = store.set_timezone(zone) if zone is not None else previous
    if json_out:
        print_json({"timezone": current} if zone is None else {"timezone": current, "previous": previous})
    elif zone is None:
        typer.echo(current)
    else:
        typer.echo(f"time zone {current} (was {previous}); "
                   "re-mine routines in it with: edgerec profile rebuild --user U")


@app.command("stats")
@cli_errors
def stats(db: DbOption = None, key_file: KeyFileOption = None, json_out: JsonOption = False) -> None:
    """Counts and sizes of the store."""
    with open_store(db, key_file) as store:
        figures = store.stats()
    if json_out:
        print_json(figures)
        return
    for key, value in figures.items():
        typer.echo(f"{key:16} {value}")


@app.command("verify")
@cli_errors
def verify(db: DbOption = None, key_file: KeyFileOption = None, json_out: JsonOption = False) -> None:
    """Authenticate every ciphertext in the store; names the first tampered row."""
    with open_store(db, key_file) as store:
        result = store.verify()
    if json_out:
        print_json({"ok": True, **result})
    else:
        typer.echo(f"ok: {result['events']} events, {result['documents']} documents, {result['users']} users verified")
