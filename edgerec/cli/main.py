"""The root ``edgerec`` Typer app: store commands at top level, one sub-app per command group."""

from __future__ import annotations

import typer

from edgerec.cli import bench, datasets, profile, rank_cmds, store_cmds
from edgerec.cli import eval as eval_cmds

app = typer.Typer(
    name="edgerec",
    help="On-device, privacy-preserving personalization. Your events stay encrypted on this machine.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
store_cmds.register(app)
rank_cmds.register(app)
app.add_typer(bench.app, name="bench")
app.add_typer(eval_cmds.app, name="eval")
app.add_typer(datasets.app, name="datasets")
app.add_typer(profile.app, name="profile")


def main() -> None:
    """Console-script entry point."""
    app()
