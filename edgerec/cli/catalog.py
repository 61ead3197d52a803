"""``edgerec catalog``: build the cross-user item catalog (optionally under user-level DP) and unlearn users."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from edgerec.cli._common import JsonOption, cli_errors, confirm, print_json, progress_bar

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
    model: Annotated[str, typer.Option("--model", help="catalog: popularity and neighbours from noisy counts "
                                       "(the spectral method under DP); dpsgd: item vectors trained with DP-SGD "
                                       "(needs --epsilon), one model per shard.")] = "catalog",
    shards: Annotated[int, typer.Option("--shards", help="With --model dpsgd: users split into this many shards, "
                                        "so forgetting one retrains one shard.", min=1)] = 1,
    budget: Annotated[Optional[float], typer.Option("--budget", help="With --model dpsgd: the most epsilon any "
                      "user may spend over retrains [default: 2 x epsilon].", show_default=False)] = None,
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

    if model not in ("catalog", "dpsgd"):
        raise InputError(f"--model must be catalog or dpsgd, not {model!r}")
    if model == "catalog" and (shards != 1 or budget is not None):
        raise InputError("--shards and --budget go with --model dpsgd")
    if model == "dpsgd" and epsilon is None:
        raise InputError("--model dpsgd is always private: give --epsilon")
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
    if model == "dpsgd":
        from edgerec.privacy.sisa import build_sharded

        with progress_bar("DP-SGD shards") as bar:
            task = bar.add_task("train", total=shards)
            art = build_sharded(hist, epsilon=epsilon, delta=delta, shards=shards, budget=budget,
                                progress=lambda done, _: bar.update(task, completed=done))
    else:
        art = build_catalog(hist, epsilon=epsilon, delta=delta)
    art.save(out)
    m = art.manifest
    summary = {"catalog": str(out), "users": m["users"], "items": m["items"], "private": m["private"],
               "epsilon": m["epsilon"], "delta": m["delta"], "ledger_epsilon": art.ledger.total()[0],
               "model": model}
    if model == "dpsgd":
        summary.update(shards=m["shards"], worst_case_epsilon=m["worst_case_epsilon"], budget=m["budget"]["epsilon"])
    if json_out:
        print_json(summary)
        return
    what = (f"user-level ({m['epsilon']:g}, {m['delta']:.2g})-DP" if m["private"] else "NOT private")
    if model == "dpsgd":
        what += f", DP-SGD in {m['shards']} shards (worst-case user epsilon {m['worst_case_epsilon']:.3f})"
    typer.echo(f"built {out}: {m['items']} items from {m['users']} users, {what}")


@app.command("forget")
@cli_errors
def forget(
    catalog: Annotated[Path, typer.Option("--catalog", help="The catalog folder.")],
    user: Annotated[str, typer.Option("--user", help="The user to remove, exactly.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Remove one user's contribution from a catalog exactly (a DP-SGD catalog retrains their shard), and rewrite it
    (asks first unless --yes)."""
    from edgerec.privacy.catalog import CatalogArtifact
    from edgerec.privacy.sisa import ShardedArtifact, is_sharded

    art = ShardedArtifact.load(catalog) if is_sharded(catalog) else CatalogArtifact.load(catalog)
    art.require_member(user)
    if not yes and not confirm(f"Remove {user!r} from the catalog at {catalog} and rewrite it? This cannot be undone"):
        typer.echo("nothing was removed", err=True)
        raise typer.Exit(1)
    receipt = art.forget_user(user)
    art.save(catalog)
    if json_out:
        print_json(receipt.to_dict())
        return
    if hasattr(receipt, "shard"):
        typer.echo(f"forgot {receipt.user}: shard {receipt.shard} retrained without them "
                   f"({receipt.users_in_shard} users left, {receipt.seconds:.1f} s); that shard's users are now at "
                   f"epsilon {receipt.shard_epsilon:.3f}, worst case {receipt.worst_case_epsilon:.3f}")
        return
    typer.echo(f"forgot {receipt.user}: {receipt.items_touched} items touched, {receipt.rows_recomputed} rows "
               f"recomputed, {receipt.rows_merged} merged, {receipt.method}, {receipt.seconds * 1000:.1f} ms")
