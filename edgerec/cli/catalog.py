"""``edgerec catalog``: build the cross-user item catalog (optionally under user-level DP) and unlearn users."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from edgerec.cli._common import JsonOption, cli_errors, print_json

__all__ = ["app"]

app = typer.Typer(help="The cross-user item catalog a vendor or hub builds and ships to devices.",
                  no_args_is_help=True)


@app.command("build")
@cli_errors
def build(
    source: Annotated[Path, typer.Option("--from", help="Events JSONL (user, type, ts, item) or an ml-100k "
                                         "folder (u.data).")],
    out: Annotated[Path, typer.Option("--out", help="The catalog folder to write.")],
    epsilon: Annotated[Optional[float], typer.Option("--epsilon", help="User-level epsilon; without it the "
                                                     "catalog is NOT private.", show_default=False)] = None,
    delta: Annotated[Optional[float], typer.Option("--delta", help="[default: 1 / number of users]",
                                                   show_default=False)] = None,
    items: Annotated[Optional[Path], typer.Option("--items", help="The public item list (a JSON list or one id a "
                                                  "line); needed for a private build from events JSONL.",
                                                  show_default=False)] = None,
    json_out: JsonOption = False,
) -> None:
    """Build popularity, co-occurrence and sequential neighbours from many users' histories.

    A private catalog lists the public item list, not the items seen in the
    contributions: an item only one person had would otherwise say that they
    contributed. ml-100k folders bring theirs (u.item); events JSONL needs --items.
    """
    from edgerec.errors import InputError
    from edgerec.privacy.catalog import build_catalog
    from edgerec.privacy.data import Histories, read_item_list

    public = read_item_list(items) if items is not None else None
    if source.is_dir():
        hist = Histories.from_ml100k(source)
        if public is not None:
            raise InputError("--items is for events JSONL; an ml-100k folder brings its own item list (u.item)")
    else:
        if epsilon is not None and public is None:
            raise InputError("a private catalog needs the public item list (--items FILE): listing the items seen "
                             "in the contributions would tell who contributed")
        hist = Histories.from_jsonl(source, item_ids=public)
    art = build_catalog(hist, epsilon=epsilon, delta=delta)
    art.save(out)
    m = art.manifest
    summary = {"catalog": str(out), "users": m["users"], "items": m["items"], "private": m["private"],
               "epsilon": m["epsilon"], "delta": m["delta"], "ledger_epsilon": art.ledger.total()[0]}
    if json_out:
        print_json(summary)
        return
    what = (f"user-level ({m['epsilon']:g}, {m['delta']:.2g})-DP" if m["private"] else "NOT private")
    typer.echo(f"built {out}: {m['items']} items from {m['users']} users, {what}")


@app.command("forget")
@cli_errors
def forget(
    catalog: Annotated[Path, typer.Option("--catalog", help="The catalog folder.")],
    user: Annotated[str, typer.Option("--user", help="The user to remove, exactly.")],
    json_out: JsonOption = False,
) -> None:
    """Remove one user's contribution from a catalog exactly, and rewrite it."""
    from edgerec.privacy.catalog import CatalogArtifact

    art = CatalogArtifact.load(catalog)
    receipt = art.forget_user(user)
    art.save(catalog)
    if json_out:
        print_json(receipt.to_dict())
        return
    typer.echo(f"forgot {receipt.user}: {receipt.items_touched} items touched, {receipt.rows_recomputed} rows "
               f"recomputed, {receipt.rows_merged} merged, {receipt.method}, {receipt.seconds * 1000:.1f} ms")
