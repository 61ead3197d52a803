"""``edgerec privacy``: the privacy ledger of a store or a catalog, and its budget."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from edgerec.cli import privacy_report
from edgerec.cli._common import DbOption, JsonOption, KeyFileOption, cli_errors, open_store, print_json
from edgerec.errors import InputError

__all__ = ["app"]

app = typer.Typer(help="Differential privacy: the ledger of releases and the budget they draw on.",
                  no_args_is_help=True)

CatalogOption = Annotated[Optional[Path], typer.Option("--catalog", help="A catalog folder (edgerec catalog build) "
                                                       "instead of the store.", show_default=False)]


def _show(ledger, json_out: bool) -> None:
    data = ledger.to_dict()
    if json_out:
        print_json(data)
        return
    for e in data["entries"]:
        noise = f"noise x{e['noise_multiplier']:.3g}" if e["noise_multiplier"] else ""
        typer.echo(f"{e['id']:>3}  {e['at']}  {e['mechanism']:8s} eps {e['epsilon']:.3f}  delta {e['delta']:.2g}  "
                   f"{noise}  {e['released']}")
    total, budget = data["total"], data["budget"]
    pld = f" (PLD cross-check {total['pld_epsilon']:.3f})" if total["pld_epsilon"] is not None else ""
    typer.echo(f"total: epsilon {total['epsilon']:.3f} at delta {total['delta']:.2g} ({total['accountant']}){pld}")
    typer.echo("budget: " + ("none set" if budget["epsilon"] is None else
                            f"epsilon {budget['epsilon']:g}, delta {budget['delta']}"))


@app.command("ledger")
@cli_errors
def ledger(db: DbOption = None, catalog: CatalogOption = None, key_file: KeyFileOption = None,
           json_out: JsonOption = False) -> None:
    """The recorded DP releases, composed totals (dp-accounting) and the budget."""
    if catalog is not None:
        from edgerec.privacy.catalog import read_manifest_ledger

        _show(read_manifest_ledger(catalog), json_out)
        return
    from edgerec.privacy.store_ledger import load_ledger

    with open_store(db, key_file) as store:
        _show(load_ledger(store), json_out)


@app.command("budget")
@cli_errors
def budget(
    set_: Annotated[float, typer.Option("--set", help="Total epsilon this store may spend.")],
    delta: Annotated[Optional[float], typer.Option("--delta", help="Delta the total is measured at "
                                                   "[default: keep, else 1e-6].", show_default=False)] = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    json_out: JsonOption = False,
) -> None:
    """Set the store's privacy budget; later releases over it are refused before they happen."""
    from edgerec.privacy.store_ledger import set_budget

    if set_ <= 0:
        raise InputError("--set must be a positive epsilon")
    with open_store(db, key_file) as store:
        _show(set_budget(store, set_, delta), json_out)


# A local-DP report the person inspects before the app sends it (the command lives beside its options).
app.command("report")(privacy_report.report)
