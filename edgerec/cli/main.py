"""The root ``edgerec`` Typer app: one Typer app per command module, joined here with ``add_typer``.

Store and rank commands sit at the top level (joined without a name); ``profile`` and
``audit`` are groups. Plugin packages add groups through the ``edgerec.commands`` entry points
(see :mod:`edgerec.cli.plugins`): the benchmark kit adds ``eval``, ``bench`` and ``datasets``.
"""

from __future__ import annotations

import typer

from edgerec.cli import audit, catalog, privacy, profile, rank_cmds, store_cmds
from edgerec.cli.plugins import PluginGroup

app = typer.Typer(
    name="edgerec",
    cls=PluginGroup,
    help="On-device, privacy-preserving personalization. Your events stay encrypted on this machine.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
app.add_typer(store_cmds.app)
app.add_typer(rank_cmds.app)
app.add_typer(profile.app, name="profile")
app.add_typer(privacy.app, name="privacy")
app.add_typer(catalog.app, name="catalog")
app.add_typer(audit.app, name="audit")


def main() -> None:
    """Console-script entry point."""
    app()
