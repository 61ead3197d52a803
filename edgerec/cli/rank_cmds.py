"""``edgerec rank``: rank an app's candidates for one user of the store."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

import typer

from edgerec.cli._common import DbOption, JsonOption, KeyFileOption, cli_errors, open_store, print_json

__all__ = ["app", "rank"]

#: Joined into the root app without a name: ``edgerec rank``.
app = typer.Typer()


@app.command("rank")
@cli_errors
def rank(
    user: Annotated[str, typer.Option("--user", help="Whose events personalise the ranking.")],
    candidates: Annotated[Path, typer.Option("--candidates", help='JSON lines {"id": ..., "text": ...}, one candidate per line.')],
    k: Annotated[int, typer.Option("-k", "--top", help="How many results to show.", min=1)] = 10,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    json_out: JsonOption = False,
) -> None:
    """Rank candidates for a user: rank, id, score and the past item behind each result.

    Past events count more when they happened at the same time of day and kind of
    day as now, both read in the store's time zone (see: edgerec timezone).
    """
    from edgerec.rank.candidates import rank_from_store, read_candidates

    items = read_candidates(candidates)
    with open_store(db, key_file) as store:
        results = rank_from_store(store, user, items, k=k, context=datetime.now(timezone.utc), progress=True)
    if json_out:
        for n, r in enumerate(results, 1):
            print_json({"rank": n, **r.to_dict()})
        return
    width = max(len(r.id) for r in results) if results else 2
    typer.echo(f"{'rank':>4}  {'id':{width}}  {'score':>7}  reason")
    for n, r in enumerate(results, 1):
        reason = f"because of {r.reason}" if r.reason else "-"
        typer.echo(f"{n:>4}  {r.id:{width}}  {r.score:7.3f}  {reason}")
