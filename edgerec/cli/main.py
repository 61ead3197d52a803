"""The root ``edgerec`` command: joins one Typer sub-app per command group."""

from __future__ import annotations

import typer

from edgerec.cli import datasets

app = typer.Typer(name="edgerec", no_args_is_help=True, help="On-device, privacy-preserving personalization.")
app.add_typer(datasets.app, name="datasets")


def main() -> None:
    """Run the CLI."""
    app()
