"""``edgerec privacy report``: make, queue and show a user's local-DP report (nothing is sent).

:func:`report` is a Typer command function; the ``privacy`` group registers it with
``app.command("report")(report)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from edgerec.cli._common import DbOption, JsonOption, KeyFileOption, cli_errors, open_store, print_json
from edgerec.errors import InputError

__all__ = ["report", "read_domain"]


def read_domain(items: Path | None, buckets: int):
    """The item domain: ids from ``items`` (a JSON list such as a catalog's items.json, or one id a line), else hashed."""
    from edgerec.privacy.ldp import ItemDomain

    if items is None:
        return ItemDomain.hashed(buckets)
    try:
        text = items.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read item list {items}: {exc.strerror}") from None
    if text.lstrip().startswith("["):
        try:
            ids = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{items}: not a JSON list of item ids ({exc.msg})") from None
        if not isinstance(ids, list):
            raise InputError(f"{items}: expected a JSON list of item ids")
    else:
        ids = [line.strip() for line in text.splitlines() if line.strip()]
    return ItemDomain.from_ids(ids)


@cli_errors
def report(
    user: Annotated[str, typer.Option("--user", help="Whose liked items the report randomizes.")],
    epsilon: Annotated[float, typer.Option("--epsilon", help="Local privacy loss of this one report.", min=0.01)] = 1.0,
    bound: Annotated[int, typer.Option("--bound", help="At most this many recent liked items go in.", min=1)] = 10,
    items: Annotated[Optional[Path], typer.Option(
        "--items", help="The public item list (JSON list, e.g. a catalog's items.json, or one id a line).",
        show_default=False)] = None,
    buckets: Annotated[int, typer.Option("--buckets", help="Without --items: hash item ids into this many bits.",
                                         min=2)] = 4096,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    json_out: JsonOption = False,
) -> None:
    """Make a local-DP report of a user's items, queue it encrypted in the store, and show it.

    Every bit of the report is randomized on this device (OpenDP), so what the app
    would send is mostly noise by design. Nothing is sent by this command.
    """
    from edgerec.privacy.reports import queue_report, queued_reports

    domain = read_domain(items, buckets)
    with open_store(db, key_file) as store:
        entry = queue_report(store, user, epsilon=epsilon, domain=domain, bound=bound)
        waiting = len(queued_reports(store, user))
    if json_out:
        print_json(entry)
        return
    rep = entry["report"]
    typer.echo(f"report {entry['id']}: {len(rep['payload'])} of {rep['domain']} bits set, epsilon {rep['epsilon']:g} "
               f"(at most {rep['bound']} items; each bit replaced by a coin flip with probability {rep['flip']:.3f})")
    typer.echo(f"queued encrypted in the store ({waiting} waiting); nothing was sent. --json shows the payload.")
